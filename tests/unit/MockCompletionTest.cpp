// MockCompletion and the mock content: valid OpenAI shapes, deterministic text and tool calls,
// stream events that add up to the whole, usage only when asked for, embeddings, error triggers.
#include "mock/MockCompletion.h"
#include "openai/UsageScanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace gatehouse;

namespace {

QJsonObject parseObject(std::string_view json)
{
    return QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size()))).object();
}

QString mockText()
{
    return QString::fromUtf8(MockCompletion::text().data(), qsizetype(MockCompletion::text().size()));
}

// The JSON of one "data: ...\n\n" event.
QJsonObject eventJson(const std::string& event)
{
    return parseObject(std::string_view(event).substr(6));
}

const char* kWeatherSchema = R"({"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},
    "required":["city","days"]})";

} // namespace

class MockCompletionTest : public QObject {
    Q_OBJECT

private slots:
    void completionIsAValidChatCompletion();
    void streamEventsCarryTheTextAndUsageOnlyWhenAsked_data();
    void streamEventsCarryTheTextAndUsageOnlyWhenAsked();
    void toolCallCompletionNamesTheFunction();
    void toolCallStreamNamesTheCallFirstThenSendsArguments();
    void toolArgumentsFollowTheSchema_data();
    void toolArgumentsFollowTheSchema();
    void splitEvenlyKeepsTheTextAndUtf8Sequences_data();
    void splitEvenlyKeepsTheTextAndUtf8Sequences();
    void errorModelsNameAStatus_data();
    void errorModelsNameAStatus();
    void embeddingsAreDeterministicUnitVectors();
};

void MockCompletionTest::completionIsAValidChatCompletion()
{
    const MockCompletion completion("m-1", "chatcmpl-1", 400);
    const auto json = parseObject(completion.completionJson());
    QCOMPARE(json["object"].toString(), QString("chat.completion"));
    QCOMPARE(json["model"].toString(), QString("m-1"));
    const auto choice = json["choices"].toArray().at(0).toObject();
    QCOMPARE(choice["message"].toObject()["content"].toString(), mockText());
    QCOMPARE(choice["finish_reason"].toString(), QString("stop"));
    QCOMPARE(json["usage"].toObject()["prompt_tokens"].toInt(), 100);
    QVERIFY(json["usage"].toObject()["completion_tokens"].toInt() > 0);
    QVERIFY(completion.completionJson().size() > 1000);
}

void MockCompletionTest::streamEventsCarryTheTextAndUsageOnlyWhenAsked_data()
{
    QTest::addColumn<int>("chunks");
    QTest::addColumn<bool>("includeUsage");
    QTest::newRow("one, no usage") << 1 << false;
    QTest::newRow("one, usage") << 1 << true;
    QTest::newRow("eight, no usage") << 8 << false;
    QTest::newRow("eight, usage") << 8 << true;
    QTest::newRow("more than words, usage") << 500 << true;
}

void MockCompletionTest::streamEventsCarryTheTextAndUsageOnlyWhenAsked()
{
    QFETCH(int, chunks);
    QFETCH(bool, includeUsage);
    const MockCompletion completion("m", "id", 40);
    const auto events = completion.streamEvents(chunks, includeUsage);
    // content chunks, the finish chunk, the usage chunk when asked, [DONE]
    QCOMPARE(int(events.size()), chunks + 2 + (includeUsage ? 1 : 0));
    QCOMPARE(events.back(), std::string("data: [DONE]\n\n"));
    QString text;
    UsageScanner usage;
    for (int i = 0; i < chunks; ++i) {
        QVERIFY(events[i].starts_with("data: ") && events[i].ends_with("\n\n"));
        usage.feed(events[i]);
        const auto json = eventJson(events[i]);
        QCOMPARE(json["object"].toString(), QString("chat.completion.chunk"));
        // As OpenAI: "usage":null on every chunk when the usage was asked for, no key otherwise.
        QCOMPARE(json.contains("usage"), includeUsage);
        QVERIFY(json["usage"].isNull() || json["usage"].isUndefined());
        const auto choice = json["choices"].toArray().at(0).toObject();
        QVERIFY(choice["finish_reason"].isNull());
        text += choice["delta"].toObject()["content"].toString();
    }
    QCOMPARE(text, mockText());
    const auto finish = eventJson(events[chunks]);
    QCOMPARE(finish["choices"].toArray().at(0).toObject()["finish_reason"].toString(), QString("stop"));
    usage.feed(events[chunks]);
    QVERIFY(!usage.usage()); // the finish chunk carries no usage either
    if (includeUsage) {
        const auto last = eventJson(events[chunks + 1]);
        QCOMPARE(last["choices"].toArray().size(), 0);
        QCOMPARE(last["usage"].toObject()["completion_tokens"].toInt(), int(completion.usage().completionTokens));
        QCOMPARE(last["usage"].toObject()["prompt_tokens"].toInt(), 10);
        usage.feed(events[chunks + 1]);
        QVERIFY(usage.usage());
        QCOMPARE(usage.usage()->completionTokens, completion.usage().completionTokens);
    }
}

void MockCompletionTest::toolCallCompletionNamesTheFunction()
{
    const auto call = MockToolCall::forFunction("get_weather", Json::parse(kWeatherSchema));
    const MockCompletion completion("m", "chatcmpl-7", MockContent(400, call));
    const auto json = parseObject(completion.completionJson());
    const auto choice = json["choices"].toArray().at(0).toObject();
    QCOMPARE(choice["finish_reason"].toString(), QString("tool_calls"));
    const auto message = choice["message"].toObject();
    QVERIFY(message["content"].isNull());
    const auto toolCall = message["tool_calls"].toArray().at(0).toObject();
    QVERIFY(toolCall["id"].toString().startsWith("call_"));
    QCOMPARE(toolCall["type"].toString(), QString("function"));
    QCOMPARE(toolCall["function"].toObject()["name"].toString(), QString("get_weather"));
    const auto arguments = parseObject(toolCall["function"].toObject()["arguments"].toString().toStdString());
    QCOMPARE(arguments["city"].toString(), QString("mock-city"));
    QCOMPARE(arguments["days"].toInt(), 1);
    QVERIFY(json["usage"].toObject()["completion_tokens"].toInt() > 0);
}

void MockCompletionTest::toolCallStreamNamesTheCallFirstThenSendsArguments()
{
    const auto call = MockToolCall::forFunction("get_weather", Json::parse(kWeatherSchema));
    const MockCompletion completion("m", "chatcmpl-7", MockContent(400, call));
    const auto events = completion.streamEvents(4, false);
    QCOMPARE(int(events.size()), 1 + 4 + 2); // naming chunk, argument chunks, finish chunk, [DONE]
    const auto first = eventJson(events[0])["choices"].toArray().at(0).toObject()["delta"].toObject();
    QCOMPARE(first["role"].toString(), QString("assistant"));
    const auto named = first["tool_calls"].toArray().at(0).toObject();
    QCOMPARE(named["index"].toInt(), 0);
    QVERIFY(named["id"].toString().startsWith("call_"));
    QCOMPARE(named["function"].toObject()["name"].toString(), QString("get_weather"));
    QCOMPARE(named["function"].toObject()["arguments"].toString(), QString(""));
    QString arguments;
    for (int i = 1; i <= 4; ++i) {
        const auto piece = eventJson(events[i])["choices"].toArray().at(0).toObject()["delta"].toObject()["tool_calls"].toArray().at(0).toObject();
        QVERIFY(!piece.contains("id"));
        arguments += piece["function"].toObject()["arguments"].toString();
    }
    QCOMPARE(arguments.toStdString(), call.arguments);
    QCOMPARE(eventJson(events[5])["choices"].toArray().at(0).toObject()["finish_reason"].toString(), QString("tool_calls"));
}

void MockCompletionTest::toolArgumentsFollowTheSchema_data()
{
    QTest::addColumn<QString>("schema");
    QTest::addColumn<QString>("arguments");
    QTest::newRow("scalars, in the order required lists them")
        << R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"},"c":{"type":"boolean"},"d":{"type":"integer"}},"required":["d","c","b","a"]})"
        << R"({"d":1,"c":true,"b":1,"a":"mock-a"})";
    QTest::newRow("optional properties are left out")
        << R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]})" << R"({"b":"mock-b"})";
    QTest::newRow("nothing required") << R"({"type":"object","properties":{"a":{"type":"string"}}})" << "{}";
    QTest::newRow("no schema at all") << "{}" << "{}";
    QTest::newRow("enum takes its first value")
        << R"({"type":"object","properties":{"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["unit"]})"
        << R"({"unit":"celsius"})";
    QTest::newRow("nested object and array")
        << R"({"type":"object","properties":{"where":{"type":"object","properties":{"lat":{"type":"number"}},"required":["lat"]},"tags":{"type":"array","items":{"type":"string"}}},"required":["where","tags"]})"
        << R"({"where":{"lat":1},"tags":[]})";
    QTest::newRow("nullable type list") << R"({"properties":{"x":{"type":["null","integer"]}},"required":["x"]})" << R"({"x":1})";
    QTest::newRow("Gemini's capitalised types")
        << R"({"type":"OBJECT","properties":{"n":{"type":"INTEGER"},"s":{"type":"STRING"}},"required":["n","s"]})"
        << R"({"n":1,"s":"mock-s"})";
    QTest::newRow("required but not described") << R"({"type":"object","required":["q"]})" << R"({"q":"mock-q"})";
}

void MockCompletionTest::toolArgumentsFollowTheSchema()
{
    QFETCH(QString, schema);
    QFETCH(QString, arguments);
    const auto call = MockToolCall::forFunction("f", Json::parse(schema.toStdString()));
    QCOMPARE(call.name, std::string("f"));
    QCOMPARE(QString::fromStdString(call.arguments), arguments);
}

void MockCompletionTest::splitEvenlyKeepsTheTextAndUtf8Sequences_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("pieces");
    QTest::addColumn<int>("expectedPieces");
    QTest::newRow("even") << "abcdefgh" << 4 << 4;
    QTest::newRow("uneven") << "abcdefghij" << 3 << 3;
    QTest::newRow("more pieces than bytes") << "abc" << 10 << 3;
    QTest::newRow("zero pieces means one") << "abc" << 0 << 1;
    QTest::newRow("empty text") << "" << 4 << 1;
    QTest::newRow("multi-byte characters") << QString::fromUtf8("ééééé") << 10 << 5;
}

void MockCompletionTest::splitEvenlyKeepsTheTextAndUtf8Sequences()
{
    QFETCH(QString, text);
    QFETCH(int, pieces);
    QFETCH(int, expectedPieces);
    const auto utf8 = text.toStdString();
    const auto parts = splitEvenly(utf8, pieces);
    QCOMPARE(int(parts.size()), expectedPieces);
    std::string joined;
    for (const auto part : parts) {
        QVERIFY(QString::fromUtf8(part.data(), qsizetype(part.size())).toStdString() == part); // valid UTF-8 alone
        joined.append(part);
    }
    QCOMPARE(joined, utf8);
}

void MockCompletionTest::errorModelsNameAStatus_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("status"); // 0: no error asked for
    QTest::newRow("429") << "mock-error-429" << 429;
    QTest::newRow("500") << "mock-error-500" << 500;
    QTest::newRow("529") << "mock-error-529" << 529;
    QTest::newRow("not an error status") << "mock-error-200" << 0;
    QTest::newRow("beyond 599") << "mock-error-600" << 0;
    QTest::newRow("trailing text") << "mock-error-429x" << 0;
    QTest::newRow("no number") << "mock-error-" << 0;
    QTest::newRow("an ordinary model") << "gpt-4o" << 0;
}

void MockCompletionTest::errorModelsNameAStatus()
{
    QFETCH(QString, model);
    QFETCH(int, status);
    QCOMPARE(mockErrorStatus(model.toStdString()).value_or(0), status);
}

void MockCompletionTest::embeddingsAreDeterministicUnitVectors()
{
    const auto first = mockEmbedding("hello", 8);
    QCOMPARE(int(first.size()), 8);
    QCOMPARE(mockEmbedding("hello", 8), first);
    QVERIFY(mockEmbedding("hello!", 8) != first);
    QCOMPARE(int(mockEmbedding("hello", 256).size()), 256);
    double squares = 0;
    for (const float value : first)
        squares += double(value) * value;
    QVERIFY(std::abs(squares - 1.0) < 1e-5);
}

QTEST_GUILESS_MAIN(MockCompletionTest)
#include "MockCompletionTest.moc"
