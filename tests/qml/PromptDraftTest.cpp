// PromptDraft: typed inputs read as the gateway reads variables (a table per type, strict integers,
// any JSON), values written back for an input, and the editor's check — the gateway's own — naming
// the field of the first problem of a version body.
#include "PromptDraft.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

QString jsonText(const QJsonValue& value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

QJsonObject version(const QJsonArray& messages, const QJsonArray& variables = {})
{
    return {{"model", "gpt-4o"}, {"messages", messages}, {"variables", variables}, {"parameters", QJsonObject{{"temperature", 0.2}}},
        {"overridable", QJsonArray{"max_tokens"}}, {"note", "first"}};
}

QJsonObject message(const QString& role, const QString& content)
{
    return {{"role", role}, {"content", content}};
}

} // namespace

class PromptDraftTest : public QObject {
    Q_OBJECT

private slots:
    void valuesAreReadAsTheirType_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("text");
        // The value as JSON, or "!" and a part of the error.
        QTest::addColumn<QString>("expected");
        QTest::newRow("string as it is") << "string" << " two  words \n" << "\" two  words \\n\"";
        QTest::newRow("empty string") << "string" << "" << "\"\"";
        QTest::newRow("string of JSON") << "string" << "{\"a\":1}" << "\"{\\\"a\\\":1}\"";
        QTest::newRow("number") << "number" << "2.5" << "2.5";
        QTest::newRow("number with exponent") << "number" << "1e3" << "1000";
        QTest::newRow("negative number") << "number" << " -7 " << "-7";
        QTest::newRow("not a number") << "number" << "ten" << "!a number";
        QTest::newRow("hex is not JSON") << "number" << "0x10" << "!a number";
        QTest::newRow("NaN") << "number" << "NaN" << "!a number";
        QTest::newRow("integer") << "integer" << "3" << "3";
        QTest::newRow("integer 3.0 refused") << "integer" << "3.0" << "!not 3.0";
        QTest::newRow("integer 1e2 refused") << "integer" << "1e2" << "!without a decimal point or exponent";
        QTest::newRow("integer too large") << "integer" << "90071992547409930" << "!cannot be sent exactly";
        QTest::newRow("empty integer") << "integer" << "" << "!a whole number";
        QTest::newRow("true") << "boolean" << "true" << "true";
        QTest::newRow("false") << "boolean" << " false" << "false";
        QTest::newRow("True is not") << "boolean" << "True" << "!true or false";
        QTest::newRow("json object") << "json" << "{\"a\": [1, 2]}" << "{\"a\":[1,2]}";
        QTest::newRow("json null") << "json" << "null" << "null";
        QTest::newRow("json string") << "json" << "\"Ada\"" << "\"Ada\"";
        QTest::newRow("json not closed") << "json" << "{\"a\": " << "!a JSON value";
        QTest::newRow("json two values") << "json" << "1 2" << "!a JSON value";
        QTest::newRow("json empty") << "json" << "" << "!a JSON value";
        QTest::newRow("unicode string") << "string" << "😀 é" << "\"😀 é\"";
        QTest::newRow("unknown type") << "date" << "2026-01-01" << "!'date' is not a type";
    }
    void valuesAreReadAsTheirType()
    {
        QFETCH(QString, type);
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const PromptValue value = PromptValue::fromText(type, text);
        if (expected.startsWith(u'!')) {
            QVERIFY2(!value.ok(), qPrintable(jsonText(value.value)));
            QVERIFY2(value.error.contains(expected.mid(1)), qPrintable(value.error));
        } else {
            QVERIFY2(value.ok(), qPrintable(value.error));
            QCOMPARE(jsonText(value.value), expected);
        }
        const QVariantMap forQml = PromptDraft().parseValue(type, text);
        QCOMPARE(forQml.value("ok").toBool(), value.ok());
        QCOMPARE(forQml.value("error").toString(), value.error);
    }

    void valuesAreWrittenForAnInput()
    {
        QCOMPARE(PromptValue::toText(QJsonValue("Ada"), "string"), QStringLiteral("Ada"));
        QCOMPARE(PromptValue::toText(QJsonValue("Ada"), "json"), QStringLiteral("\"Ada\""));
        QCOMPARE(PromptValue::toText(QJsonValue(3), "integer"), QStringLiteral("3"));
        QCOMPARE(PromptValue::toText(QJsonValue(true), "boolean"), QStringLiteral("true"));
        QCOMPARE(PromptValue::toText(QJsonObject{{"a", 1}}, "json"), QStringLiteral("{\"a\":1}"));
        QCOMPARE(PromptValue::toText(QJsonValue(QJsonValue::Undefined), "string"), QString());
    }

    void theCheckIsTheGatewaysAndNamesTheField_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("message");
        const QJsonArray topic{QJsonObject{{"name", "topic"}}};
        QTest::newRow("fine") << version({message("system", "About {{topic}}"), message("user", "\\{{not}} {{ topic }}")}, topic) << "" << "";
        QTest::newRow("undeclared") << version({message("system", "About {{topic}}"), message("user", "\n\n  ok {{question}}")}, topic)
                                    << "messages[1].content"
                                    << "The placeholder at message 2, line 3, column 6 uses variable 'question', which the template does not declare.";
        QTest::newRow("malformed after unicode") << version({message("user", "😀é {{ 1x }}")}, topic) << "messages[0].content"
                                                 << "The placeholder at message 1, line 1, column 4 names '1x'";
        QTest::newRow("empty content") << version({message("user", "")}) << "messages[0].content" << "messages[0].content: required";
        QTest::newRow("no messages") << version({}) << "messages" << "messages: required";
        QTest::newRow("a default of the wrong type")
            << version({message("user", "{{n}}")}, {QJsonObject{{"name", "n"}, {"type", "integer"}, {"default", "3.0"}}}) << "variables"
            << "The default of variable 'n' must be an integer";
        QTest::newRow("an unknown parameter") << [] {
            QJsonObject body = version({message("user", "hi")});
            body.insert("parameters", QJsonObject{{"temprature", 1}});
            return body;
        }() << "parameters.temprature" << "parameters.temprature: is not a parameter";
        QTest::newRow("no model") << [] {
            QJsonObject body = version({message("user", "hi")});
            body.insert("model", "");
            return body;
        }() << "model" << "model: required";
    }
    void theCheckIsTheGatewaysAndNamesTheField()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, param);
        QFETCH(QString, message);
        const QVariantMap problem = PromptDraft().check(body);
        QCOMPARE(problem.value("param").toString(), param);
        QCOMPARE(problem.isEmpty(), param.isEmpty());
        if (!message.isEmpty())
            QVERIFY2(problem.value("message").toString().startsWith(message), qPrintable(problem.value("message").toString()));
    }
};

QTEST_GUILESS_MAIN(PromptDraftTest)
#include "PromptDraftTest.moc"
