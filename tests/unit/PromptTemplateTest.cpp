// Prompt templates: the placeholder syntax, the checks when a version is created, and strict
// rendering (typed values, no recursive expansion, a bounded output), with exact error positions.
#include "json/Json.h"
#include "prompts/PromptTemplate.h"

#include <QtTest>

using namespace gatehouse;

namespace {

QString q(const std::string& text)
{
    return QString::fromStdString(text);
}

QStringList qList(const std::vector<std::string>& texts)
{
    QStringList list;
    for (const auto& text : texts)
        list << q(text);
    return list;
}

PromptVariable declare(std::string name, PromptVariableType type = PromptVariableType::String, bool required = true,
    std::optional<Json> defaultValue = std::nullopt)
{
    return PromptVariable{std::move(name), type, required, std::move(defaultValue), {}};
}

PromptVariableType typeNamed(const QString& name)
{
    const auto type = parsePromptVariableType(name.toStdString());
    if (!type)
        qFatal("the test names an unknown type");
    return *type;
}

template <typename Call>
std::optional<PromptTemplateError> errorOf(Call&& call)
{
    try {
        call();
    } catch (const PromptTemplateError& error) {
        return error;
    }
    return std::nullopt;
}

// One user message rendered with `values`.
std::string renderOne(const std::string& content, const std::vector<PromptVariable>& variables, const Json& values,
    const PromptRenderLimits& limits = {})
{
    const auto rendered = renderPrompt({{"user", content}}, variables, values, limits);
    return rendered.at(0).content;
}

} // namespace

class PromptTemplateTest : public QObject {
    Q_OBJECT

private slots:
    void placeholdersAreReplaced_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain text") << "You are a helpful assistant." << "You are a helpful assistant.";
        QTest::newRow("empty content") << "" << "";
        QTest::newRow("one placeholder") << "Hello {{name}}." << "Hello Ada.";
        QTest::newRow("several placeholders") << "{{name}} asks about {{topic}} {{n}} times" << "Ada asks about maths 3 times";
        QTest::newRow("the same placeholder twice") << "{{name}}, {{name}}!" << "Ada, Ada!";
        QTest::newRow("adjacent placeholders") << "{{name}}{{topic}}" << "Adamaths";
        QTest::newRow("spaces inside the braces") << "{{ name }} and {{   topic}}" << "Ada and maths";
        QTest::newRow("several lines") << "one\n{{name}}\r\nline {{n}}" << "one\nAda\r\nline 3";
        QTest::newRow("escaped braces") << "\\{{name}} is {{name}}" << "{{name}} is Ada";
        QTest::newRow("escaped braces at the end") << "ends with \\{{" << "ends with {{";
        QTest::newRow("other backslashes stay") << "C:\\dir\\{ \\n \\}} {{name}}" << "C:\\dir\\{ \\n \\}} Ada";
        QTest::newRow("lone braces") << "{ } }} {name} {x" << "{ } }} {name} {x";
        QTest::newRow("closing braces around a placeholder") << "}}{{name}}}}" << "}}Ada}}";
        QTest::newRow("a brace before a placeholder") << "{{{name}}}" << "{Ada}";
        QTest::newRow("JSON-like text") << "{\"n\": {{n}}}" << "{\"n\": 3}";
    }

    void placeholdersAreReplaced()
    {
        QFETCH(QString, content);
        QFETCH(QString, expected);
        const std::vector<PromptVariable> variables{
            declare("name"), declare("topic"), declare("n", PromptVariableType::Integer)};
        const auto values = Json::parse(R"({"name":"Ada","topic":"maths","n":3})");
        QCOMPARE(q(renderOne(content.toStdString(), variables, values)), expected);
    }

    void rolesAndMessagesAreKept()
    {
        const std::vector<PromptMessage> messages{
            {"system", "You answer questions about {{topic}}."}, {"user", "Explain {{topic}}."}, {"assistant", "Sure."}};
        const auto rendered = renderPrompt(messages, {declare("topic")}, Json{{"topic", "tides"}});
        QCOMPARE(rendered.size(), std::size_t(3));
        QCOMPARE(q(rendered[0].role), QString("system"));
        QCOMPARE(q(rendered[0].content), QString("You answer questions about tides."));
        QCOMPARE(q(rendered[1].role), QString("user"));
        QCOMPARE(q(rendered[1].content), QString("Explain tides."));
        QCOMPARE(q(rendered[2].role), QString("assistant"));
        QCOMPARE(q(rendered[2].content), QString("Sure."));
    }

    // The malformed placeholder is on line 2 of the second message (index 1).
    void malformedPlaceholderIsRefusedAtItsPosition_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty") << "Hi {{}}" << 4 << "is empty";
        QTest::newRow("only spaces") << "Hi {{   }}" << 4 << "is empty";
        QTest::newRow("starts with a digit") << "ab {{ 1x }}" << 4 << "names '1x', which is not a valid variable name";
        QTest::newRow("two words") << "{{a b}} c" << 1 << "names 'a b', which is not a valid variable name";
        QTest::newRow("65 characters") << "{{" + QString(65, 'a') + "}}" << 1 << "which is not a valid variable name";
        QTest::newRow("a hyphen") << "x {{a-b}}" << 3 << "has '-' where a variable name or '}}' should be";
        QTest::newRow("a tab") << "{{\tname}}" << 1 << "has the control character U+0009 where";
        QTest::newRow("a placeholder inside one") << "{{ {{name}} }}" << 1 << "has '{' where";
        QTest::newRow("unclosed, then text") << "Hi {{name." << 4 << "has '.' where a variable name or '}}' should be";
        QTest::newRow("unclosed at the end of the line") << "Hi {{name" << 4 << "is not closed";
        QTest::newRow("after multi-byte characters") << "é€😀 {{}}" << 5 << "is empty";
        QTest::newRow("after CJK") << "中文字 {{1}}" << 5 << "names '1'";
    }

    void malformedPlaceholderIsRefusedAtItsPosition()
    {
        QFETCH(QString, line);
        QFETCH(int, column);
        QFETCH(QString, problem);
        const std::vector<PromptMessage> messages{
            {"system", "Fine: {{name}}"}, {"user", "first line {{name}}\n" + line.toStdString() + "\nthird line"}};
        const auto error = errorOf([&] { validatePromptTemplate(messages, {declare("name")}); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("bad_placeholder"));
        QVERIFY(error->position);
        QCOMPARE(error->position->message, std::size_t(1));
        QCOMPARE(error->position->line, std::size_t(2));
        QCOMPARE(error->position->column, std::size_t(column));
        const QString text = error->what();
        QVERIFY2(text.contains(QString("message 2, line 2, column %1").arg(column)), qPrintable(text));
        QVERIFY2(text.contains(problem), qPrintable(text));
    }

    void anUnclosedPlaceholderIsExplained()
    {
        const auto error = errorOf([] { validatePromptTemplate({{"user", "Hello {{name"}}, {declare("name")}); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("bad_placeholder"));
        QCOMPARE(QString(error->what()),
            QString("The placeholder at message 1, line 1, column 7 is not closed: '}}' is missing before the end of "
                    "the line. Write \\{{ for a literal '{{'."));
        QCOMPARE(error->position->column, std::size_t(7));
    }

    void anUndeclaredPlaceholderIsRefused()
    {
        const std::vector<PromptMessage> messages{{"system", "Be brief."}, {"user", "About {{topic}}:\n  {{ question }}"}};
        for (const auto& error : {errorOf([&] { validatePromptTemplate(messages, {declare("topic")}); }),
                 errorOf([&] { renderPrompt(messages, {declare("topic")}, Json{{"topic", "tides"}}); })}) {
            QVERIFY(error);
            QCOMPARE(q(error->code), QString("undeclared_variable"));
            QCOMPARE(q(error->variable), QString("question"));
            QCOMPARE(error->position->message, std::size_t(1));
            QCOMPARE(error->position->line, std::size_t(2));
            QCOMPARE(error->position->column, std::size_t(3));
            QCOMPARE(QString(error->what()),
                QString("The placeholder at message 2, line 2, column 3 uses variable 'question', which the template "
                        "does not declare."));
        }
    }

    void columnsCountCodePoints()
    {
        // 😀 is 4 bytes and é 2: the placeholder starts at byte 8 but at code point 4.
        const auto error = errorOf([] { validatePromptTemplate({{"user", "😀é {{nope}}"}}, {}); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("undeclared_variable"));
        QCOMPARE(error->position->column, std::size_t(4));
    }

    void anInvalidDeclarationIsRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("defaultValue"); // JSON text, "" for none
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty name") << "" << "string" << "" << "Variable name '' is not valid";
        QTest::newRow("starts with a digit") << "1x" << "string" << "" << "Variable name '1x' is not valid";
        QTest::newRow("a space") << "a b" << "string" << "" << "Variable name 'a b' is not valid";
        QTest::newRow("a hyphen") << "a-b" << "string" << "" << "Variable name 'a-b' is not valid";
        QTest::newRow("not ASCII") << "café" << "string" << "" << "Variable name 'café' is not valid";
        QTest::newRow("65 characters") << QString(65, 'a') << "string" << "" << "is not valid";
        QTest::newRow("string, default 5") << "s" << "string" << "5"
                                           << "The default of variable 's' must be a string, got an integer.";
        QTest::newRow("string, default null") << "s" << "string" << "null" << "must be a string, got null.";
        QTest::newRow("number, default \"1\"") << "x" << "number" << "\"1\"" << "must be a number, got a string.";
        QTest::newRow("integer, default 2.5") << "n" << "integer" << "2.5"
                                              << "must be an integer (a number without a decimal point or exponent), "
                                                 "got a number with a decimal point or exponent.";
        QTest::newRow("integer, default 3.0") << "n" << "integer" << "3.0" << "got a number with a decimal point";
        QTest::newRow("boolean, default 0") << "b" << "boolean" << "0"
                                            << "must be a boolean (true or false), got an integer.";
    }

    void anInvalidDeclarationIsRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, type);
        QFETCH(QString, defaultValue);
        QFETCH(QString, problem);
        std::optional<Json> parsedDefault;
        if (!defaultValue.isEmpty())
            parsedDefault = Json::parse(defaultValue.toStdString());
        const auto error = errorOf([&] {
            validatePromptTemplate({{"user", "Hi"}}, {declare(name.toStdString(), typeNamed(type), false, parsedDefault)});
        });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("invalid_template"));
        QCOMPARE(q(error->variable), name);
        QVERIFY2(QString(error->what()).contains(problem), error->what());
    }

    void aValidDeclarationIsAccepted_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("defaultValue");
        QTest::newRow("underscore") << "_" << "string" << "";
        QTest::newRow("mixed case and digits") << "Topic_2" << "string" << "";
        QTest::newRow("64 characters") << QString(64, 'a') << "string" << "";
        QTest::newRow("empty string default") << "s" << "string" << "\"\"";
        QTest::newRow("integer default for a number") << "x" << "number" << "3";
        QTest::newRow("float default for a number") << "x" << "number" << "2.5";
        QTest::newRow("negative integer default") << "n" << "integer" << "-4";
        QTest::newRow("boolean default") << "b" << "boolean" << "false";
        QTest::newRow("object default for json") << "j" << "json" << "{\"a\":[1]}";
        QTest::newRow("null default for json") << "j" << "json" << "null";
    }

    void aValidDeclarationIsAccepted()
    {
        QFETCH(QString, name);
        QFETCH(QString, type);
        QFETCH(QString, defaultValue);
        std::optional<Json> parsedDefault;
        if (!defaultValue.isEmpty())
            parsedDefault = Json::parse(defaultValue.toStdString());
        const auto variable = declare(name.toStdString(), typeNamed(type), false, parsedDefault);
        const std::vector<PromptMessage> messages{{"user", "[{{" + variable.name + "}}]"}};
        const auto error = errorOf([&] { validatePromptTemplate(messages, {variable}); });
        QVERIFY2(!error, error ? error->what() : "");
        // The default is what renders when no value is given.
        const auto expected = parsedDefault ? (parsedDefault->is_string() ? parsedDefault->get<std::string>() : parsedDefault->dump())
                                            : std::string();
        QCOMPARE(q(renderPrompt(messages, {variable}, Json::object()).at(0).content), q("[" + expected + "]"));
    }

    void aDuplicateDeclarationIsRefused()
    {
        const auto error = errorOf([] {
            validatePromptTemplate({{"user", "{{topic}}"}}, {declare("topic"), declare("n"), declare("topic")});
        });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("invalid_template"));
        QCOMPARE(q(error->variable), QString("topic"));
        QCOMPARE(QString(error->what()), QString("Variable 'topic' is declared twice."));
    }

    void rolesAreChecked_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("system") << "system" << true;
        QTest::newRow("user") << "user" << true;
        QTest::newRow("assistant") << "assistant" << true;
        QTest::newRow("tool") << "tool" << false;
        QTest::newRow("developer") << "developer" << false;
        QTest::newRow("System") << "System" << false;
        QTest::newRow("empty") << "" << false;
    }

    void rolesAreChecked()
    {
        QFETCH(QString, role);
        QFETCH(bool, accepted);
        const std::vector<PromptMessage> messages{{"system", "Be brief."}, {role.toStdString(), "Hi"}};
        const auto error = errorOf([&] { validatePromptTemplate(messages, {}); });
        if (accepted) {
            QVERIFY2(!error, error ? error->what() : "");
            return;
        }
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("invalid_template"));
        QCOMPARE(QString(error->what()),
            QString("Message 2 has role '%1'; a template's messages are system, user or assistant.").arg(role));
    }

    void aTemplateNeedsAMessage()
    {
        const auto error = errorOf([] { validatePromptTemplate({}, {declare("topic")}); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("invalid_template"));
        QCOMPARE(QString(error->what()), QString("A prompt template needs at least one message."));
    }

    void aMissingRequiredVariableIsRefused()
    {
        const auto error = errorOf([] { renderOne("Hi {{name}}", {declare("name")}, Json::object()); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("missing_variable"));
        QCOMPARE(q(error->variable), QString("name"));
        QCOMPARE(QString(error->what()), QString("Variable 'name' is required and was not given."));
    }

    void anOptionalVariableWithoutDefaultRendersEmpty()
    {
        const std::vector<PromptVariable> variables{declare("name"), declare("note", PromptVariableType::String, false)};
        QCOMPARE(q(renderOne("{{name}}[{{note}}]", variables, Json{{"name", "Ada"}})), QString("Ada[]"));
        QCOMPARE(q(renderOne("{{name}}[{{note}}]", variables, Json{{"name", "Ada"}, {"note", "hi"}})), QString("Ada[hi]"));
    }

    void defaultsAreUsedWhenNoValueIsGiven()
    {
        const std::vector<PromptVariable> variables{declare("greeting", PromptVariableType::String, true, Json("Hello")),
            declare("count", PromptVariableType::Integer, false, Json(2)),
            declare("loud", PromptVariableType::Boolean, false, Json(true))};
        const std::string content = "{{greeting}} x{{count}} {{loud}}";
        QCOMPARE(q(renderOne(content, variables, Json::object())), QString("Hello x2 true"));
        QCOMPARE(q(renderOne(content, variables, Json{{"count", 5}, {"loud", false}})), QString("Hello x5 false"));
    }

    void anUnknownVariableIsRefused()
    {
        const auto error = errorOf([] {
            renderOne("Hi {{name}}", {declare("name")}, Json{{"name", "Ada"}, {"colour", "red"}});
        });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("unknown_variable"));
        QCOMPARE(q(error->variable), QString("colour"));
        QCOMPARE(QString(error->what()), QString("Variable 'colour' is not declared by this template."));
    }

    void valuesMustBeAnObject_data()
    {
        QTest::addColumn<QString>("values");
        QTest::addColumn<QString>("given");
        QTest::newRow("array") << "[\"Ada\"]" << "an array";
        QTest::newRow("string") << "\"Ada\"" << "a string";
        QTest::newRow("null") << "null" << "null";
        QTest::newRow("number") << "3" << "an integer";
    }

    void valuesMustBeAnObject()
    {
        QFETCH(QString, values);
        QFETCH(QString, given);
        const auto error = errorOf([&] {
            renderOne("Hi {{name}}", {declare("name", PromptVariableType::String, false)}, Json::parse(values.toStdString()));
        });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("invalid_variable_type"));
        QCOMPARE(q(error->variable), QString());
        QCOMPARE(QString(error->what()), QString("The variables must be a JSON object of names to values, got %1.").arg(given));
    }

    void acceptedValuesAreRendered_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("value"); // JSON text
        QTest::addColumn<QString>("expected");
        QTest::newRow("string") << "string" << "\"Ada\"" << "Ada";
        QTest::newRow("empty string") << "string" << "\"\"" << "";
        QTest::newRow("string with quotes and a newline") << "string" << "\"say \\\"hi\\\"\\nnow\"" << "say \"hi\"\nnow";
        QTest::newRow("number, an integer") << "number" << "3" << "3";
        QTest::newRow("number, negative") << "number" << "-12" << "-12";
        QTest::newRow("number, a fraction") << "number" << "2.5" << "2.5";
        QTest::newRow("number, 0.1") << "number" << "0.1" << "0.1";
        QTest::newRow("number, an exponent") << "number" << "1e3" << "1000.0";
        QTest::newRow("integer") << "integer" << "42" << "42";
        QTest::newRow("integer, negative") << "integer" << "-7" << "-7";
        QTest::newRow("integer, the largest unsigned") << "integer" << "18446744073709551615" << "18446744073709551615";
        QTest::newRow("boolean true") << "boolean" << "true" << "true";
        QTest::newRow("boolean false") << "boolean" << "false" << "false";
        QTest::newRow("json object") << "json" << "{ \"b\": [1, 2.5, null], \"a\": \"x\" }" << "{\"b\":[1,2.5,null],\"a\":\"x\"}";
        QTest::newRow("json string") << "json" << "\"Ada\"" << "\"Ada\"";
        QTest::newRow("json null") << "json" << "null" << "null";
        QTest::newRow("json number") << "json" << "3" << "3";
        QTest::newRow("json unicode") << "json" << "[\"é\"]" << "[\"é\"]";
    }

    void acceptedValuesAreRendered()
    {
        QFETCH(QString, type);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        Json values = Json::object();
        values["v"] = Json::parse(value.toStdString());
        QCOMPARE(q(renderOne("<{{v}}>", {declare("v", typeNamed(type))}, values)), "<" + expected + ">");
    }

    void refusedValuesNameBothTypes_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("problem");
        QTest::newRow("string, given a number") << "string" << "5" << "must be a string, got an integer.";
        QTest::newRow("string, given true") << "string" << "true" << "must be a string, got a boolean.";
        QTest::newRow("string, given null") << "string" << "null" << "must be a string, got null.";
        QTest::newRow("string, given an array") << "string" << "[\"a\"]" << "must be a string, got an array.";
        QTest::newRow("number, given a string") << "number" << "\"5\"" << "must be a number, got a string.";
        QTest::newRow("number, given true") << "number" << "true" << "must be a number, got a boolean.";
        QTest::newRow("integer, given 3.5") << "integer" << "3.5"
                                            << "must be an integer (a number without a decimal point or exponent), got "
                                               "a number with a decimal point or exponent.";
        QTest::newRow("integer, given 3.0") << "integer" << "3.0" << "got a number with a decimal point or exponent.";
        QTest::newRow("integer, given 1e2") << "integer" << "1e2" << "got a number with a decimal point or exponent.";
        QTest::newRow("integer, given \"3\"") << "integer" << "\"3\"" << "got a string.";
        QTest::newRow("boolean, given 1") << "boolean" << "1" << "must be a boolean (true or false), got an integer.";
        QTest::newRow("boolean, given \"true\"") << "boolean" << "\"true\"" << "must be a boolean (true or false), got a string.";
        QTest::newRow("boolean, given null") << "boolean" << "null" << "got null.";
    }

    void refusedValuesNameBothTypes()
    {
        QFETCH(QString, type);
        QFETCH(QString, value);
        QFETCH(QString, problem);
        Json values = Json::object();
        values["v"] = Json::parse(value.toStdString());
        const auto error = errorOf([&] { renderOne("<{{v}}>", {declare("v", typeNamed(type))}, values); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("invalid_variable_type"));
        QCOMPARE(q(error->variable), QString("v"));
        const QString text = error->what();
        QVERIFY2(text.startsWith("Variable 'v' must be "), qPrintable(text));
        QVERIFY2(text.endsWith(problem), qPrintable(text));
    }

    void insertedValuesAreNotExpanded()
    {
        const std::vector<PromptVariable> variables{
            declare("a"), declare("b"), declare("j", PromptVariableType::Json)};
        const Json values{{"a", "{{b}}"}, {"b", "\\{{a}} {{"}, {"j", Json{{"t", "{{a}}"}}}};
        QCOMPARE(q(renderOne("{{a}}|{{b}}|{{j}}", variables, values)), QString("{{b}}|\\{{a}} {{|{\"t\":\"{{a}}\"}"));
    }

    void unicodeIsPassedThrough()
    {
        const std::vector<PromptVariable> variables{declare("name"), declare("topic")};
        const Json values{{"name", "Zoë 中文"}, {"topic", "𝔘𝔫𝔦 😀"}};
        QCOMPARE(q(renderOne("Grüße, {{name}} — {{ topic }} ✓", variables, values)), QString("Grüße, Zoë 中文 — 𝔘𝔫𝔦 😀 ✓"));
    }

    void theOutputLimitIsEnforced_data()
    {
        // "Hello {{name}}!" with "Ada" renders 10 bytes: "Hello " (6), "Ada" (3), "!" (1).
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("problem");
        QTest::newRow("exactly at the limit") << 10 << true << "" << "";
        QTest::newRow("one byte over, in the text") << 9 << false << ""
                                                    << "would be larger than its limit of 9 bytes when copying the "
                                                       "text of message 1.";
        QTest::newRow("over while inserting") << 8 << false << "name"
                                              << "would be larger than its limit of 8 bytes when inserting variable "
                                                 "'name' at message 1, line 1, column 7.";
        QTest::newRow("a limit of zero") << 0 << false << "" << "when copying the text of message 1.";
    }

    void theOutputLimitIsEnforced()
    {
        QFETCH(int, maxBytes);
        QFETCH(bool, accepted);
        QFETCH(QString, variable);
        QFETCH(QString, problem);
        const PromptRenderLimits limits{std::size_t(maxBytes)};
        std::string rendered;
        const auto error = errorOf([&] { rendered = renderOne("Hello {{name}}!", {declare("name")}, Json{{"name", "Ada"}}, limits); });
        if (accepted) {
            QVERIFY2(!error, error ? error->what() : "");
            QCOMPARE(q(rendered), QString("Hello Ada!"));
            return;
        }
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("output_too_large"));
        QCOMPARE(q(error->variable), variable);
        QVERIFY2(QString(error->what()).endsWith(problem), error->what());
    }

    void theOutputLimitCountsAllMessages()
    {
        const std::vector<PromptMessage> messages{{"system", "abc"}, {"user", "de"}};
        QCOMPARE(renderPrompt(messages, {}, Json::object(), {5}).size(), std::size_t(2));
        const auto error = errorOf([&] { renderPrompt(messages, {}, Json::object(), {4}); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("output_too_large"));
        QVERIFY2(QString(error->what()).endsWith("when copying the text of message 2."), error->what());
    }

    void aValueRepeatedPastTheDefaultLimitIsRefused()
    {
        // 2000 uses of a 1000-byte value: 2 MB, over the default 1 MiB.
        std::string content;
        for (int i = 0; i < 2000; ++i)
            content += "{{v}}";
        const auto error = errorOf([&] { renderOne(content, {declare("v")}, Json{{"v", std::string(1000, 'x')}}); });
        QVERIFY(error);
        QCOMPARE(q(error->code), QString("output_too_large"));
        QCOMPARE(q(error->variable), QString("v"));
        // 1048 values fit (1048000 bytes); the 1049th, at byte 5240 of the line, does not.
        QCOMPARE(error->position->column, std::size_t(1048 * 5 + 1));
    }

    void placeholdersAreListedInOrderOfFirstUse()
    {
        const std::vector<PromptMessage> messages{
            {"system", "{{b}} then {{ a }}"}, {"user", "{{b}} {{c}} \\{{d}} {{ 1x }} {{e}} {{a}} {{f"}};
        QCOMPARE(qList(promptPlaceholders(messages)), (QStringList{"b", "a", "c", "e"}));
        QCOMPARE(qList(promptPlaceholders({{"user", "no placeholders { }"}})), QStringList());
        // A malformed placeholder does not hide the one that follows it.
        QCOMPARE(qList(promptPlaceholders({{"user", "{{a{{b}} {{c-}} {{d}}"}})), (QStringList{"b", "d"}));
    }

    void variableTypesHaveNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("known");
        for (const auto* name : {"string", "number", "integer", "boolean", "json"})
            QTest::newRow(name) << name << true;
        QTest::newRow("float") << "float" << false;
        QTest::newRow("int") << "int" << false;
        QTest::newRow("String") << "String" << false;
        QTest::newRow("empty") << "" << false;
    }

    void variableTypesHaveNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, known);
        const auto type = parsePromptVariableType(name.toStdString());
        QCOMPARE(type.has_value(), known);
        if (type)
            QCOMPARE(QString::fromUtf8(promptVariableTypeName(*type)), name);
    }
};

QTEST_APPLESS_MAIN(PromptTemplateTest)
#include "PromptTemplateTest.moc"
