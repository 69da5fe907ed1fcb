// `gatehouse mock-upstream --flavor ...` over real HTTP on loopback: for each provider flavor the
// answer shape, the stream framing event by event, tool calls, auth failures, error triggers and
// embeddings, as each provider documents them; and the shared options working for every flavor.
#include "mock/MockCompletion.h"
#include "mockupstream/MockUpstreamServer.h"
#include "sse/SseParser.h"

#include "TestHttpClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cstring>
#include <memory>

using namespace gatehouse;

namespace {

constexpr const char* kKey = "flavor-secret";
constexpr int kChunks = 4;
constexpr const char* kAnthropicVersion = "2023-06-01";
constexpr const char* kAzureQuery = "?api-version=2024-10-21";

using Headers = std::map<std::string, std::string>;

QJsonObject object(const std::string& json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

QJsonArray array(const std::string& json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).array();
}

QString mockText()
{
    return QString::fromUtf8(MockContent::text().data(), qsizetype(MockContent::text().size()));
}

// Every SSE event of a whole streamed body, and whether bytes were left after the last one.
struct ParsedStream {
    std::vector<SseEvent> events;
    bool leftover = false;
};

ParsedStream parseStream(const std::string& body)
{
    SseParser parser;
    ParsedStream parsed{parser.feed(body), false};
    parsed.leftover = parser.hasPartialEvent();
    return parsed;
}

// A tool with two required properties (and an optional one the arguments must leave out).
const char* kOpenAiTools = R"([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
    "properties":{"city":{"type":"string"},"days":{"type":"integer"},"note":{"type":"string"}},"required":["city","days"]}}}])";
const char* kAnthropicTools = R"([{"name":"get_weather","description":"Weather","input_schema":{"type":"object",
    "properties":{"city":{"type":"string"},"days":{"type":"integer"},"note":{"type":"string"}},"required":["city","days"]}}])";
const char* kGeminiTools = R"([{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT",
    "properties":{"city":{"type":"STRING"},"days":{"type":"INTEGER"},"note":{"type":"STRING"}},"required":["city","days"]}}]}])";

void verifyWeatherArguments(const QJsonObject& arguments)
{
    QCOMPARE(arguments["city"].toString(), QString("mock-city"));
    QCOMPARE(arguments["days"].toInt(), 1);
    QVERIFY(!arguments.contains("note"));
}

std::string openAiChat(const std::string& model, const std::string& extra = {})
{
    return R"({"model":")" + model + R"(","messages":[{"role":"user","content":"Hello"}])" + extra + "}";
}

std::string anthropicMessages(const std::string& model, const std::string& extra = {})
{
    return R"({"model":")" + model + R"(","max_tokens":256,"messages":[{"role":"user","content":"Hello"}])" + extra + "}";
}

std::string geminiContents(const std::string& extra = {})
{
    return R"({"contents":[{"role":"user","parts":[{"text":"Hello"}]}])" + extra + "}";
}

std::vector<float> floatsOf(const QJsonArray& values)
{
    std::vector<float> out;
    for (const auto& value : values)
        out.push_back(static_cast<float>(value.toDouble()));
    return out;
}

} // namespace

class MockUpstreamFlavorsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void openAiAnswersAChatCompletion();
    void openAiStreamsUsageOnlyWhenAsked_data();
    void openAiStreamsUsageOnlyWhenAsked();
    void openAiCallsTheFirstTool();
    void openAiStreamsAToolCall();
    void openAiAnswersAToolResultWithText();
    void openAiRejectsWrongKeys_data();
    void openAiRejectsWrongKeys();
    void openAiErrorTriggers_data();
    void openAiErrorTriggers();
    void openAiEmbeddings();
    void openAiListsModels();

    void anthropicAnswersAMessage();
    void anthropicStreamsTheDocumentedEvents();
    void anthropicUsesATool();
    void anthropicStreamsAToolUse();
    void anthropicAnswersAToolResultWithText();
    void anthropicChecksHeadersAndFields_data();
    void anthropicChecksHeadersAndFields();
    void anthropicErrorTriggers_data();
    void anthropicErrorTriggers();

    void geminiGeneratesContent();
    void geminiTakesTheKeyFromHeaderOrQuery_data();
    void geminiTakesTheKeyFromHeaderOrQuery();
    void geminiStreamsServerSentEvents();
    void geminiStreamsAJsonArrayWithoutAltSse();
    void geminiCallsAFunction();
    void geminiAnswersAFunctionResponseWithText();
    void geminiErrorTriggers_data();
    void geminiErrorTriggers();
    void geminiEmbeddings();

    void azureAnswersForTheDeployment();
    void azureNeedsItsPathAndApiVersion_data();
    void azureNeedsItsPathAndApiVersion();
    void azureRejectsWrongKeys();
    void azureStreamsUsageWhenAsked();
    void azureCallsTheFirstTool();
    void azureErrorTriggers_data();
    void azureErrorTriggers();
    void azureEmbeddings();

    void optionsApplyToEveryFlavor_data();
    void optionsApplyToEveryFlavor();

private:
    TestResponse call(MockFlavorKind flavor, const std::string& method, const std::string& target, const std::string& body,
        const Headers& headers) const;
    TestResponse openAi(const std::string& target, const std::string& body, const std::string& key = kKey) const;
    TestResponse anthropic(const std::string& body, Headers headers = {}) const;
    TestResponse gemini(const std::string& modelAndMethod, const std::string& body, const std::string& query = {}) const;
    TestResponse azure(const std::string& target, const std::string& body, const std::string& key = kKey) const;

    std::map<MockFlavorKind, std::unique_ptr<MockUpstreamServer>> m_servers;
};

void MockUpstreamFlavorsTest::initTestCase()
{
    for (const auto flavor : {MockFlavorKind::OpenAi, MockFlavorKind::Anthropic, MockFlavorKind::Gemini, MockFlavorKind::Azure}) {
        MockUpstreamOptions options;
        options.streamChunks = kChunks;
        options.requiredApiKey = kKey;
        options.flavor = flavor;
        m_servers[flavor] = std::make_unique<MockUpstreamServer>(options);
        m_servers[flavor]->start();
    }
}

void MockUpstreamFlavorsTest::cleanupTestCase()
{
    m_servers.clear();
}

TestResponse MockUpstreamFlavorsTest::call(MockFlavorKind flavor, const std::string& method, const std::string& target,
    const std::string& body, const Headers& headers) const
{
    TestHttpClient client(m_servers.at(flavor)->address().port);
    return client.request(method, target, body, headers);
}

TestResponse MockUpstreamFlavorsTest::openAi(const std::string& target, const std::string& body, const std::string& key) const
{
    Headers headers{{"Content-Type", "application/json"}};
    if (!key.empty())
        headers["Authorization"] = "Bearer " + key;
    return call(MockFlavorKind::OpenAi, "POST", target, body, headers);
}

TestResponse MockUpstreamFlavorsTest::anthropic(const std::string& body, Headers headers) const
{
    headers.try_emplace("x-api-key", kKey);
    headers.try_emplace("anthropic-version", kAnthropicVersion);
    headers.try_emplace("content-type", "application/json");
    for (auto it = headers.begin(); it != headers.end();)
        it = it->second.empty() ? headers.erase(it) : std::next(it); // "" leaves the header out
    return call(MockFlavorKind::Anthropic, "POST", "/v1/messages", body, headers);
}

TestResponse MockUpstreamFlavorsTest::gemini(const std::string& modelAndMethod, const std::string& body, const std::string& query) const
{
    Headers headers{{"Content-Type", "application/json"}};
    if (query.find("key=") == std::string::npos)
        headers["x-goog-api-key"] = kKey;
    return call(MockFlavorKind::Gemini, "POST", "/v1beta/models/" + modelAndMethod + query, body, headers);
}

TestResponse MockUpstreamFlavorsTest::azure(const std::string& target, const std::string& body, const std::string& key) const
{
    return call(MockFlavorKind::Azure, "POST", target, body, {{"Content-Type", "application/json"}, {"api-key", key}});
}

// ---- openai ----

void MockUpstreamFlavorsTest::openAiAnswersAChatCompletion()
{
    const auto response = openAi("/v1/chat/completions", openAiChat("gpt-mock"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    const auto json = object(response.body);
    QVERIFY(json["id"].toString().startsWith("chatcmpl-"));
    QCOMPARE(json["object"].toString(), QString("chat.completion"));
    QCOMPARE(json["model"].toString(), QString("gpt-mock"));
    const auto choice = json["choices"].toArray().at(0).toObject();
    QCOMPARE(choice["message"].toObject()["role"].toString(), QString("assistant"));
    QCOMPARE(choice["message"].toObject()["content"].toString(), mockText());
    QCOMPARE(choice["finish_reason"].toString(), QString("stop"));
    const auto usage = json["usage"].toObject();
    QVERIFY(usage["prompt_tokens"].toInt() > 0);
    QVERIFY(usage["completion_tokens"].toInt() > 0);
    QCOMPARE(usage["total_tokens"].toInt(), usage["prompt_tokens"].toInt() + usage["completion_tokens"].toInt());
}

void MockUpstreamFlavorsTest::openAiStreamsUsageOnlyWhenAsked_data()
{
    QTest::addColumn<QString>("streamOptions");
    QTest::addColumn<bool>("usageExpected");
    QTest::newRow("include_usage true") << R"(,"stream_options":{"include_usage":true})" << true;
    QTest::newRow("include_usage false") << R"(,"stream_options":{"include_usage":false})" << false;
    QTest::newRow("no stream_options") << "" << false;
}

void MockUpstreamFlavorsTest::openAiStreamsUsageOnlyWhenAsked()
{
    QFETCH(QString, streamOptions);
    QFETCH(bool, usageExpected);
    const auto response = openAi("/v1/chat/completions", openAiChat("gpt-mock", R"(,"stream":true)" + streamOptions.toStdString()));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), std::string("text/event-stream"));
    const auto stream = parseStream(response.body);
    QVERIFY(!stream.leftover);
    // kChunks content chunks, the finish chunk, the usage chunk when asked, [DONE]
    QCOMPARE(int(stream.events.size()), kChunks + 2 + (usageExpected ? 1 : 0));
    QCOMPARE(stream.events.back().data, std::string("[DONE]"));
    QString text;
    for (int i = 0; i <= kChunks; ++i) {
        const auto chunk = object(stream.events[i].data);
        QCOMPARE(stream.events[i].event, std::string());
        QCOMPARE(chunk["object"].toString(), QString("chat.completion.chunk"));
        QCOMPARE(chunk.contains("usage"), usageExpected);
        QVERIFY(chunk["usage"].isNull() || chunk["usage"].isUndefined());
        text += chunk["choices"].toArray().at(0).toObject()["delta"].toObject()["content"].toString();
    }
    QCOMPARE(text, mockText());
    QCOMPARE(object(stream.events[kChunks].data)["choices"].toArray().at(0).toObject()["finish_reason"].toString(), QString("stop"));
    if (usageExpected) {
        const auto last = object(stream.events[kChunks + 1].data);
        QCOMPARE(last["choices"].toArray().size(), 0);
        QVERIFY(last["usage"].toObject()["prompt_tokens"].toInt() > 0);
        QVERIFY(last["usage"].toObject()["completion_tokens"].toInt() > 0);
    }
}

void MockUpstreamFlavorsTest::openAiCallsTheFirstTool()
{
    const auto response = openAi("/v1/chat/completions", openAiChat("gpt-mock", std::string(R"(,"tools":)") + kOpenAiTools));
    QCOMPARE(response.status, 200);
    const auto choice = object(response.body)["choices"].toArray().at(0).toObject();
    QCOMPARE(choice["finish_reason"].toString(), QString("tool_calls"));
    const auto message = choice["message"].toObject();
    QVERIFY(message["content"].isNull());
    const auto toolCall = message["tool_calls"].toArray().at(0).toObject();
    QVERIFY(toolCall["id"].toString().startsWith("call_"));
    QCOMPARE(toolCall["type"].toString(), QString("function"));
    QCOMPARE(toolCall["function"].toObject()["name"].toString(), QString("get_weather"));
    verifyWeatherArguments(object(toolCall["function"].toObject()["arguments"].toString().toStdString()));
}

void MockUpstreamFlavorsTest::openAiStreamsAToolCall()
{
    const auto response = openAi("/v1/chat/completions",
        openAiChat("gpt-mock", std::string(R"(,"stream":true,"tools":)") + kOpenAiTools));
    QCOMPARE(response.status, 200);
    const auto stream = parseStream(response.body);
    QVERIFY(stream.events.size() >= 4);
    const auto first = object(stream.events[0].data)["choices"].toArray().at(0).toObject()["delta"].toObject()["tool_calls"].toArray().at(0).toObject();
    QCOMPARE(first["index"].toInt(), 0);
    QVERIFY(first["id"].toString().startsWith("call_"));
    QCOMPARE(first["function"].toObject()["name"].toString(), QString("get_weather"));
    QCOMPARE(first["function"].toObject()["arguments"].toString(), QString(""));
    QString arguments;
    QString finishReason;
    for (std::size_t i = 1; i + 1 < stream.events.size(); ++i) {
        const auto choice = object(stream.events[i].data)["choices"].toArray().at(0).toObject();
        const auto calls = choice["delta"].toObject()["tool_calls"].toArray();
        if (!calls.isEmpty())
            arguments += calls.at(0).toObject()["function"].toObject()["arguments"].toString();
        if (!choice["finish_reason"].isNull())
            finishReason = choice["finish_reason"].toString();
    }
    QCOMPARE(finishReason, QString("tool_calls"));
    verifyWeatherArguments(object(arguments.toStdString()));
}

void MockUpstreamFlavorsTest::openAiAnswersAToolResultWithText()
{
    const std::string body = R"({"model":"gpt-mock","tools":)" + std::string(kOpenAiTools) + R"(,"messages":[
        {"role":"user","content":"Weather?"},
        {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"call_1","content":"sunny"}]})";
    const auto response = openAi("/v1/chat/completions", body);
    QCOMPARE(response.status, 200);
    const auto choice = object(response.body)["choices"].toArray().at(0).toObject();
    QCOMPARE(choice["finish_reason"].toString(), QString("stop"));
    QCOMPARE(choice["message"].toObject()["content"].toString(), mockText());
}

void MockUpstreamFlavorsTest::openAiRejectsWrongKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messageStart");
    QTest::newRow("wrong key") << "not-the-key" << "invalid_api_key" << "Incorrect API key provided";
    QTest::newRow("no key") << "" << "" << "You didn't provide an API key";
}

void MockUpstreamFlavorsTest::openAiRejectsWrongKeys()
{
    QFETCH(QString, key);
    QFETCH(QString, code);
    QFETCH(QString, messageStart);
    const auto response = openAi("/v1/chat/completions", openAiChat("gpt-mock"), key.toStdString());
    QCOMPARE(response.status, 401);
    const auto error = object(response.body)["error"].toObject();
    QCOMPARE(error["type"].toString(), QString("invalid_request_error"));
    QCOMPARE(error["code"].toString(), code);
    QVERIFY(error["message"].toString().startsWith(messageStart));
}

void MockUpstreamFlavorsTest::openAiErrorTriggers_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::newRow("chat 429") << "/v1/chat/completions" << QString::fromStdString(openAiChat("mock-error-429")) << 429 << "requests"
                              << "rate_limit_exceeded";
    QTest::newRow("chat 500") << "/v1/chat/completions" << QString::fromStdString(openAiChat("mock-error-500")) << 500 << "server_error" << "";
    QTest::newRow("chat 400") << "/v1/chat/completions" << QString::fromStdString(openAiChat("mock-error-400")) << 400
                              << "invalid_request_error" << "";
    QTest::newRow("chat 404") << "/v1/chat/completions" << QString::fromStdString(openAiChat("mock-error-404")) << 404
                              << "invalid_request_error" << "model_not_found";
    QTest::newRow("embeddings 429") << "/v1/embeddings" << R"({"model":"mock-error-429","input":"x"})" << 429 << "requests"
                                    << "rate_limit_exceeded";
}

void MockUpstreamFlavorsTest::openAiErrorTriggers()
{
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    const auto response = openAi(path.toStdString(), body.toStdString());
    QCOMPARE(response.status, status);
    const auto error = object(response.body)["error"].toObject();
    QCOMPARE(error["type"].toString(), type);
    QCOMPARE(error["code"].toString(), code); // null reads as ""
    QVERIFY(!error["message"].toString().isEmpty());
    QVERIFY(error.contains("param"));
    QCOMPARE(response.header("retry-after"), std::string(status == 429 ? "1" : ""));
}

void MockUpstreamFlavorsTest::openAiEmbeddings()
{
    const auto floats = openAi("/v1/embeddings", R"({"model":"text-embedding-mock","input":["alpha","beta","alpha"]})");
    QCOMPARE(floats.status, 200);
    const auto json = object(floats.body);
    QCOMPARE(json["object"].toString(), QString("list"));
    QCOMPARE(json["model"].toString(), QString("text-embedding-mock"));
    const auto data = json["data"].toArray();
    QCOMPARE(data.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(data.at(i).toObject()["object"].toString(), QString("embedding"));
        QCOMPARE(data.at(i).toObject()["index"].toInt(), i);
        QCOMPARE(data.at(i).toObject()["embedding"].toArray().size(), kMockEmbeddingDimensions);
    }
    const auto alpha = floatsOf(data.at(0).toObject()["embedding"].toArray());
    QCOMPARE(floatsOf(data.at(2).toObject()["embedding"].toArray()), alpha);
    QVERIFY(floatsOf(data.at(1).toObject()["embedding"].toArray()) != alpha);
    QVERIFY(json["usage"].toObject()["prompt_tokens"].toInt() >= 3);
    QCOMPARE(json["usage"].toObject()["total_tokens"].toInt(), json["usage"].toObject()["prompt_tokens"].toInt());

    const auto sized = openAi("/v1/embeddings", R"({"model":"m","input":"alpha","dimensions":16})");
    QCOMPARE(object(sized.body)["data"].toArray().at(0).toObject()["embedding"].toArray().size(), 16);

    // base64: the same float32 values, little-endian, as the official SDKs decode them.
    const auto encoded = openAi("/v1/embeddings", R"({"model":"m","input":"alpha","encoding_format":"base64"})");
    QCOMPARE(encoded.status, 200);
    const auto bytes = QByteArray::fromBase64(object(encoded.body)["data"].toArray().at(0).toObject()["embedding"].toString().toLatin1());
    QCOMPARE(bytes.size(), int(alpha.size() * sizeof(float)));
    std::vector<float> decoded(alpha.size());
    std::memcpy(decoded.data(), bytes.data(), bytes.size()); // the test machines are little-endian
    QCOMPARE(decoded, alpha);

    const auto noInput = openAi("/v1/embeddings", R"({"model":"m"})");
    QCOMPARE(noInput.status, 400);
    QCOMPARE(object(noInput.body)["error"].toObject()["param"].toString(), QString("input"));
}

void MockUpstreamFlavorsTest::openAiListsModels()
{
    const auto response = call(MockFlavorKind::OpenAi, "GET", "/v1/models", {}, {{"Authorization", std::string("Bearer ") + kKey}});
    QCOMPARE(response.status, 200);
    QCOMPARE(object(response.body)["object"].toString(), QString("list"));
    QVERIFY(!object(response.body)["data"].toArray().isEmpty());
}

// ---- anthropic ----

void MockUpstreamFlavorsTest::anthropicAnswersAMessage()
{
    const auto response = anthropic(anthropicMessages("claude-mock"));
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("request-id").starts_with("req_"));
    const auto json = object(response.body);
    QVERIFY(json["id"].toString().startsWith("msg_"));
    QCOMPARE(json["type"].toString(), QString("message"));
    QCOMPARE(json["role"].toString(), QString("assistant"));
    QCOMPARE(json["model"].toString(), QString("claude-mock"));
    const auto content = json["content"].toArray();
    QCOMPARE(content.size(), 1);
    QCOMPARE(content.at(0).toObject()["type"].toString(), QString("text"));
    QCOMPARE(content.at(0).toObject()["text"].toString(), mockText());
    QCOMPARE(json["stop_reason"].toString(), QString("end_turn"));
    QVERIFY(json.contains("stop_sequence") && json["stop_sequence"].isNull());
    QVERIFY(json["usage"].toObject()["input_tokens"].toInt() > 0);
    QVERIFY(json["usage"].toObject()["output_tokens"].toInt() > 0);
}

void MockUpstreamFlavorsTest::anthropicStreamsTheDocumentedEvents()
{
    const auto response = anthropic(anthropicMessages("claude-mock", R"(,"stream":true)"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), std::string("text/event-stream"));
    const auto stream = parseStream(response.body);
    QVERIFY(!stream.leftover);
    std::vector<std::string> names;
    QString text;
    for (const auto& event : stream.events) {
        names.push_back(event.event);
        const auto data = object(event.data);
        QCOMPARE(data["type"].toString().toStdString(), event.event); // every data names its event
        if (event.event == "content_block_delta") {
            QCOMPARE(data["index"].toInt(), 0);
            QCOMPARE(data["delta"].toObject()["type"].toString(), QString("text_delta"));
            text += data["delta"].toObject()["text"].toString();
        }
    }
    std::vector<std::string> expected{"message_start", "content_block_start", "ping"};
    expected.insert(expected.end(), kChunks, "content_block_delta");
    expected.insert(expected.end(), {"content_block_stop", "message_delta", "message_stop"});
    QCOMPARE(names, expected);
    QCOMPARE(text, mockText());

    const auto start = object(stream.events[0].data)["message"].toObject();
    QVERIFY(start["id"].toString().startsWith("msg_"));
    QCOMPARE(start["content"].toArray().size(), 0);
    QVERIFY(start["stop_reason"].isNull());
    QVERIFY(start["usage"].toObject()["input_tokens"].toInt() > 0);
    const auto block = object(stream.events[1].data)["content_block"].toObject();
    QCOMPARE(block["type"].toString(), QString("text"));
    QCOMPARE(block["text"].toString(), QString(""));
    const auto delta = object(stream.events[kChunks + 4].data);
    QCOMPARE(delta["delta"].toObject()["stop_reason"].toString(), QString("end_turn"));
    QVERIFY(delta["usage"].toObject()["output_tokens"].toInt() > 0);
}

void MockUpstreamFlavorsTest::anthropicUsesATool()
{
    const auto response = anthropic(anthropicMessages("claude-mock", std::string(R"(,"tools":)") + kAnthropicTools));
    QCOMPARE(response.status, 200);
    const auto json = object(response.body);
    QCOMPARE(json["stop_reason"].toString(), QString("tool_use"));
    const auto block = json["content"].toArray().at(0).toObject();
    QCOMPARE(block["type"].toString(), QString("tool_use"));
    QVERIFY(block["id"].toString().startsWith("toolu_"));
    QCOMPARE(block["name"].toString(), QString("get_weather"));
    verifyWeatherArguments(block["input"].toObject());
}

void MockUpstreamFlavorsTest::anthropicStreamsAToolUse()
{
    const auto response = anthropic(anthropicMessages("claude-mock", std::string(R"(,"stream":true,"tools":)") + kAnthropicTools));
    QCOMPARE(response.status, 200);
    const auto stream = parseStream(response.body);
    QVERIFY(stream.events.size() > 3);
    QCOMPARE(stream.events[1].event, std::string("content_block_start"));
    const auto block = object(stream.events[1].data)["content_block"].toObject();
    QCOMPARE(block["type"].toString(), QString("tool_use"));
    QCOMPARE(block["name"].toString(), QString("get_weather"));
    QCOMPARE(block["input"].toObject().size(), 0);
    QString partialJson;
    QString stopReason;
    for (const auto& event : stream.events) {
        const auto data = object(event.data);
        if (event.event == "content_block_delta") {
            QCOMPARE(data["delta"].toObject()["type"].toString(), QString("input_json_delta"));
            partialJson += data["delta"].toObject()["partial_json"].toString();
        } else if (event.event == "message_delta") {
            stopReason = data["delta"].toObject()["stop_reason"].toString();
        }
    }
    QCOMPARE(stopReason, QString("tool_use"));
    verifyWeatherArguments(object(partialJson.toStdString()));
}

void MockUpstreamFlavorsTest::anthropicAnswersAToolResultWithText()
{
    const std::string body = R"({"model":"claude-mock","max_tokens":256,"tools":)" + std::string(kAnthropicTools) + R"(,"messages":[
        {"role":"user","content":"Weather?"},
        {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"x","days":1}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"}]}]})";
    const auto response = anthropic(body);
    QCOMPARE(response.status, 200);
    const auto json = object(response.body);
    QCOMPARE(json["stop_reason"].toString(), QString("end_turn"));
    QCOMPARE(json["content"].toArray().at(0).toObject()["text"].toString(), mockText());
}

void MockUpstreamFlavorsTest::anthropicChecksHeadersAndFields_data()
{
    QTest::addColumn<QString>("key");     // "" leaves the header out
    QTest::addColumn<QString>("version"); // "" leaves the header out
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("message");
    const auto valid = QString::fromStdString(anthropicMessages("claude-mock"));
    QTest::newRow("wrong key") << "wrong" << kAnthropicVersion << valid << 401 << "authentication_error" << "invalid x-api-key";
    QTest::newRow("no key") << "" << kAnthropicVersion << valid << 401 << "authentication_error" << "x-api-key header is required";
    QTest::newRow("no version") << kKey << "" << valid << 400 << "invalid_request_error" << "anthropic-version: header is required";
    QTest::newRow("malformed version") << kKey << "latest" << valid << 400 << "invalid_request_error"
                                       << R"(anthropic-version: "latest" is not a valid version)";
    QTest::newRow("version before the API") << kKey << "2022-12-31" << valid << 400 << "invalid_request_error"
                                            << R"(anthropic-version: "2022-12-31" is not a valid version)";
    QTest::newRow("no max_tokens") << kKey << kAnthropicVersion << R"({"model":"m","messages":[{"role":"user","content":"Hi"}]})" << 400
                                   << "invalid_request_error" << "max_tokens: Field required";
    QTest::newRow("no messages") << kKey << kAnthropicVersion << R"({"model":"m","max_tokens":5})" << 400 << "invalid_request_error"
                                 << "messages: Field required";
    QTest::newRow("not JSON") << kKey << kAnthropicVersion << "{" << 400 << "invalid_request_error" << "";
}

void MockUpstreamFlavorsTest::anthropicChecksHeadersAndFields()
{
    QFETCH(QString, key);
    QFETCH(QString, version);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, message);
    const auto response = anthropic(body.toStdString(), {{"x-api-key", key.toStdString()}, {"anthropic-version", version.toStdString()}});
    QCOMPARE(response.status, status);
    const auto json = object(response.body);
    QCOMPARE(json["type"].toString(), QString("error"));
    QCOMPARE(json["error"].toObject()["type"].toString(), type);
    if (!message.isEmpty())
        QCOMPARE(json["error"].toObject()["message"].toString(), message);
    QVERIFY(json["request_id"].toString().startsWith("req_"));
}

void MockUpstreamFlavorsTest::anthropicErrorTriggers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("429") << 429 << "rate_limit_error";
    QTest::newRow("529") << 529 << "overloaded_error";
    QTest::newRow("500") << 500 << "api_error";
    QTest::newRow("400") << 400 << "invalid_request_error";
}

void MockUpstreamFlavorsTest::anthropicErrorTriggers()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    const auto response = anthropic(anthropicMessages("mock-error-" + std::to_string(status)));
    QCOMPARE(response.status, status);
    const auto json = object(response.body);
    QCOMPARE(json["type"].toString(), QString("error"));
    QCOMPARE(json["error"].toObject()["type"].toString(), type);
    QVERIFY(!json["error"].toObject()["message"].toString().isEmpty());
    QCOMPARE(response.header("retry-after"), std::string(status == 429 ? "1" : ""));
}

// ---- gemini ----

void MockUpstreamFlavorsTest::geminiGeneratesContent()
{
    const auto response = gemini("gemini-mock:generateContent", geminiContents());
    QCOMPARE(response.status, 200);
    const auto json = object(response.body);
    const auto candidate = json["candidates"].toArray().at(0).toObject();
    QCOMPARE(candidate["content"].toObject()["role"].toString(), QString("model"));
    QCOMPARE(candidate["content"].toObject()["parts"].toArray().at(0).toObject()["text"].toString(), mockText());
    QCOMPARE(candidate["finishReason"].toString(), QString("STOP"));
    QCOMPARE(candidate["index"].toInt(), 0);
    const auto usage = json["usageMetadata"].toObject();
    QVERIFY(usage["promptTokenCount"].toInt() > 0);
    QVERIFY(usage["candidatesTokenCount"].toInt() > 0);
    QCOMPARE(usage["totalTokenCount"].toInt(), usage["promptTokenCount"].toInt() + usage["candidatesTokenCount"].toInt());
    QCOMPARE(json["modelVersion"].toString(), QString("gemini-mock"));
    QVERIFY(!json["responseId"].toString().isEmpty());
}

void MockUpstreamFlavorsTest::geminiTakesTheKeyFromHeaderOrQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorStatus");
    QTest::addColumn<QString>("reason");
    QTest::newRow("header") << "" << 200 << "" << "";
    QTest::newRow("query") << QString("?key=") + kKey << 200 << "" << "";
    QTest::newRow("query with alt") << QString("?alt=json&key=") + kKey << 200 << "" << "";
    QTest::newRow("wrong key in query") << "?key=wrong" << 400 << "INVALID_ARGUMENT" << "API_KEY_INVALID";
    QTest::newRow("no key at all") << "?key=" << 403 << "PERMISSION_DENIED" << "";
}

void MockUpstreamFlavorsTest::geminiTakesTheKeyFromHeaderOrQuery()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QString, errorStatus);
    QFETCH(QString, reason);
    const auto response = gemini("gemini-mock:generateContent", geminiContents(), query.toStdString());
    QCOMPARE(response.status, status);
    if (status == 200)
        return;
    const auto error = object(response.body)["error"].toObject();
    QCOMPARE(error["code"].toInt(), status);
    QCOMPARE(error["status"].toString(), errorStatus);
    QVERIFY(!error["message"].toString().isEmpty());
    if (!reason.isEmpty())
        QCOMPARE(error["details"].toArray().at(0).toObject()["reason"].toString(), reason);
}

void MockUpstreamFlavorsTest::geminiStreamsServerSentEvents()
{
    const auto response = gemini("gemini-mock:streamGenerateContent", geminiContents(), "?alt=sse");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), std::string("text/event-stream"));
    QVERIFY(response.body.starts_with("data: {"));
    QVERIFY(response.body.ends_with("}\r\n\r\n")); // Google frames its events with CRLF
    const auto stream = parseStream(response.body);
    QVERIFY(!stream.leftover);
    QCOMPARE(int(stream.events.size()), kChunks);
    QString text;
    for (int i = 0; i < kChunks; ++i) {
        const bool last = i + 1 == kChunks;
        const auto chunk = object(stream.events[i].data);
        const auto candidate = chunk["candidates"].toArray().at(0).toObject();
        text += candidate["content"].toObject()["parts"].toArray().at(0).toObject()["text"].toString();
        QCOMPARE(candidate.contains("finishReason"), last);
        QCOMPARE(chunk.contains("usageMetadata"), last);
        QCOMPARE(chunk["modelVersion"].toString(), QString("gemini-mock"));
    }
    QCOMPARE(text, mockText());
    const auto last = object(stream.events.back().data);
    QCOMPARE(last["candidates"].toArray().at(0).toObject()["finishReason"].toString(), QString("STOP"));
    QVERIFY(last["usageMetadata"].toObject()["candidatesTokenCount"].toInt() > 0);
}

void MockUpstreamFlavorsTest::geminiStreamsAJsonArrayWithoutAltSse()
{
    const auto response = gemini("gemini-mock:streamGenerateContent", geminiContents());
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    const auto chunks = array(response.body);
    QCOMPARE(chunks.size(), kChunks);
    QString text;
    for (const auto& chunk : chunks)
        text += chunk.toObject()["candidates"].toArray().at(0).toObject()["content"].toObject()["parts"].toArray().at(0).toObject()["text"].toString();
    QCOMPARE(text, mockText());
}

void MockUpstreamFlavorsTest::geminiCallsAFunction()
{
    for (const std::string method : {"generateContent", "streamGenerateContent"}) {
        const auto response = gemini("gemini-mock:" + method, geminiContents(std::string(R"(,"tools":)") + kGeminiTools), "?alt=sse");
        QCOMPARE(response.status, 200);
        const auto events = parseStream(response.body).events;
        const auto json = method == "generateContent" ? object(response.body) : object(events.empty() ? "" : events.back().data);
        const auto candidate = json["candidates"].toArray().at(0).toObject();
        QCOMPARE(candidate["finishReason"].toString(), QString("STOP"));
        const auto functionCall = candidate["content"].toObject()["parts"].toArray().at(0).toObject()["functionCall"].toObject();
        QCOMPARE(functionCall["name"].toString(), QString("get_weather"));
        verifyWeatherArguments(functionCall["args"].toObject());
    }
}

void MockUpstreamFlavorsTest::geminiAnswersAFunctionResponseWithText()
{
    const std::string body = R"({"tools":)" + std::string(kGeminiTools) + R"(,"contents":[
        {"role":"user","parts":[{"text":"Weather?"}]},
        {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"x","days":1}}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"sky":"sunny"}}}]}]})";
    const auto response = gemini("gemini-mock:generateContent", body);
    QCOMPARE(response.status, 200);
    const auto part = object(response.body)["candidates"].toArray().at(0).toObject()["content"].toObject()["parts"].toArray().at(0).toObject();
    QCOMPARE(part["text"].toString(), mockText());
}

void MockUpstreamFlavorsTest::geminiErrorTriggers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorStatus");
    QTest::newRow("429") << 429 << "RESOURCE_EXHAUSTED";
    QTest::newRow("500") << 500 << "INTERNAL";
    QTest::newRow("503") << 503 << "UNAVAILABLE";
    QTest::newRow("400") << 400 << "INVALID_ARGUMENT";
}

void MockUpstreamFlavorsTest::geminiErrorTriggers()
{
    QFETCH(int, status);
    QFETCH(QString, errorStatus);
    const auto response = gemini("mock-error-" + std::to_string(status) + ":generateContent", geminiContents());
    QCOMPARE(response.status, status);
    const auto error = object(response.body)["error"].toObject();
    QCOMPARE(error["code"].toInt(), status);
    QCOMPARE(error["status"].toString(), errorStatus);
    QVERIFY(!error["message"].toString().isEmpty());
    QCOMPARE(response.header("retry-after"), std::string(status == 429 ? "1" : ""));
    if (status == 429)
        QCOMPARE(error["details"].toArray().at(0).toObject()["retryDelay"].toString(), QString("1s"));
}

void MockUpstreamFlavorsTest::geminiEmbeddings()
{
    const auto single = gemini("embedding-mock:embedContent", R"({"content":{"parts":[{"text":"alpha"}]}})");
    QCOMPARE(single.status, 200);
    const auto values = object(single.body)["embedding"].toObject()["values"].toArray();
    QCOMPARE(values.size(), kMockEmbeddingDimensions);
    // The same text gets the same vector from every flavor.
    const auto openAiVector = object(openAi("/v1/embeddings", R"({"model":"m","input":"alpha"})").body)["data"].toArray().at(0).toObject()["embedding"].toArray();
    QCOMPARE(floatsOf(values), floatsOf(openAiVector));

    const auto sized = gemini("embedding-mock:embedContent", R"({"content":{"parts":[{"text":"alpha"}]},"outputDimensionality":16})");
    QCOMPARE(object(sized.body)["embedding"].toObject()["values"].toArray().size(), 16);

    const auto batch = gemini("embedding-mock:batchEmbedContents", R"({"requests":[
        {"model":"models/embedding-mock","content":{"parts":[{"text":"alpha"}]}},
        {"model":"models/embedding-mock","content":{"parts":[{"text":"beta"}]}}]})");
    QCOMPARE(batch.status, 200);
    const auto embeddings = object(batch.body)["embeddings"].toArray();
    QCOMPARE(embeddings.size(), 2);
    QCOMPARE(floatsOf(embeddings.at(0).toObject()["values"].toArray()), floatsOf(values));
    QVERIFY(floatsOf(embeddings.at(1).toObject()["values"].toArray()) != floatsOf(values));

    const auto empty = gemini("embedding-mock:embedContent", "{}");
    QCOMPARE(empty.status, 400);
    QCOMPARE(object(empty.body)["error"].toObject()["status"].toString(), QString("INVALID_ARGUMENT"));
}

// ---- azure ----

void MockUpstreamFlavorsTest::azureAnswersForTheDeployment()
{
    // No "model" in the body: the deployment names it.
    const auto response = azure(std::string("/openai/deployments/my-gpt/chat/completions") + kAzureQuery,
        R"({"messages":[{"role":"user","content":"Hello"}]})");
    QCOMPARE(response.status, 200);
    const auto json = object(response.body);
    QCOMPARE(json["object"].toString(), QString("chat.completion"));
    QCOMPARE(json["model"].toString(), QString("my-gpt"));
    QCOMPARE(json["choices"].toArray().at(0).toObject()["message"].toObject()["content"].toString(), mockText());
    QVERIFY(json["usage"].toObject()["prompt_tokens"].toInt() > 0);
}

void MockUpstreamFlavorsTest::azureNeedsItsPathAndApiVersion_data()
{
    QTest::addColumn<QString>("target");
    QTest::newRow("no api-version") << "/openai/deployments/my-gpt/chat/completions";
    QTest::newRow("empty api-version") << "/openai/deployments/my-gpt/chat/completions?api-version=";
    QTest::newRow("OpenAI's path") << QString("/v1/chat/completions") + kAzureQuery;
    QTest::newRow("no deployment") << QString("/openai/deployments//chat/completions") + kAzureQuery;
    QTest::newRow("unknown operation") << QString("/openai/deployments/my-gpt/completions2") + kAzureQuery;
}

void MockUpstreamFlavorsTest::azureNeedsItsPathAndApiVersion()
{
    QFETCH(QString, target);
    const auto response = azure(target.toStdString(), R"({"messages":[{"role":"user","content":"Hello"}]})");
    QCOMPARE(response.status, 404);
    const auto error = object(response.body)["error"].toObject();
    QCOMPARE(error["code"].toString(), QString("404"));
    QCOMPARE(error["message"].toString(), QString("Resource not found"));
}

void MockUpstreamFlavorsTest::azureRejectsWrongKeys()
{
    for (const std::string key : {"wrong", ""}) {
        const auto response = azure(std::string("/openai/deployments/my-gpt/chat/completions") + kAzureQuery,
            R"({"messages":[{"role":"user","content":"Hello"}]})", key);
        QCOMPARE(response.status, 401);
        const auto error = object(response.body)["error"].toObject();
        QCOMPARE(error["code"].toString(), QString("401"));
        QVERIFY(error["message"].toString().startsWith("Access denied due to invalid subscription key or wrong API endpoint."));
    }
}

void MockUpstreamFlavorsTest::azureStreamsUsageWhenAsked()
{
    const auto response = azure(std::string("/openai/deployments/my-gpt/chat/completions") + kAzureQuery,
        R"({"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]})");
    QCOMPARE(response.status, 200);
    const auto stream = parseStream(response.body);
    QCOMPARE(int(stream.events.size()), kChunks + 3);
    QCOMPARE(object(stream.events[0].data)["model"].toString(), QString("my-gpt"));
    const auto usageChunk = object(stream.events[kChunks + 1].data);
    QCOMPARE(usageChunk["choices"].toArray().size(), 0);
    QVERIFY(usageChunk["usage"].toObject()["completion_tokens"].toInt() > 0);
    QCOMPARE(stream.events.back().data, std::string("[DONE]"));
}

void MockUpstreamFlavorsTest::azureCallsTheFirstTool()
{
    const auto response = azure(std::string("/openai/deployments/my-gpt/chat/completions") + kAzureQuery,
        std::string(R"({"messages":[{"role":"user","content":"Weather?"}],"tools":)") + kOpenAiTools + "}");
    QCOMPARE(response.status, 200);
    const auto choice = object(response.body)["choices"].toArray().at(0).toObject();
    QCOMPARE(choice["finish_reason"].toString(), QString("tool_calls"));
    const auto function = choice["message"].toObject()["tool_calls"].toArray().at(0).toObject()["function"].toObject();
    QCOMPARE(function["name"].toString(), QString("get_weather"));
    verifyWeatherArguments(object(function["arguments"].toString().toStdString()));
}

void MockUpstreamFlavorsTest::azureErrorTriggers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("429") << 429 << "429";
    QTest::newRow("404") << 404 << "DeploymentNotFound";
    QTest::newRow("500") << 500 << "InternalServerError";
}

void MockUpstreamFlavorsTest::azureErrorTriggers()
{
    QFETCH(int, status);
    QFETCH(QString, code);
    const auto response = azure("/openai/deployments/mock-error-" + std::to_string(status) + "/chat/completions" + kAzureQuery,
        R"({"messages":[{"role":"user","content":"Hello"}]})");
    QCOMPARE(response.status, status);
    const auto error = object(response.body)["error"].toObject();
    QCOMPARE(error["code"].toString(), code);
    QVERIFY(!error["message"].toString().isEmpty());
    QCOMPARE(response.header("retry-after"), std::string(status == 429 ? "1" : ""));
}

void MockUpstreamFlavorsTest::azureEmbeddings()
{
    const auto response = azure(std::string("/openai/deployments/my-embedder/embeddings") + kAzureQuery, R"({"input":["alpha","beta"]})");
    QCOMPARE(response.status, 200);
    const auto json = object(response.body);
    QCOMPARE(json["model"].toString(), QString("my-embedder"));
    QCOMPARE(json["data"].toArray().size(), 2);
    QCOMPARE(json["data"].toArray().at(1).toObject()["embedding"].toArray().size(), kMockEmbeddingDimensions);
    QVERIFY(json["usage"].toObject()["prompt_tokens"].toInt() > 0);
}

// ---- every flavor ----

void MockUpstreamFlavorsTest::optionsApplyToEveryFlavor_data()
{
    QTest::addColumn<int>("flavor");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("keyHeader");
    QTest::addColumn<QString>("keyPrefix");
    QTest::newRow("openai") << int(MockFlavorKind::OpenAi) << "/v1/chat/completions" << QString::fromStdString(openAiChat("m"))
                            << "Authorization" << "Bearer ";
    QTest::newRow("anthropic") << int(MockFlavorKind::Anthropic) << "/v1/messages" << QString::fromStdString(anthropicMessages("m"))
                               << "x-api-key" << "";
    QTest::newRow("gemini") << int(MockFlavorKind::Gemini) << "/v1beta/models/m:generateContent" << QString::fromStdString(geminiContents())
                            << "x-goog-api-key" << "";
    QTest::newRow("azure") << int(MockFlavorKind::Azure) << QString("/openai/deployments/m/chat/completions") + kAzureQuery
                           << R"({"messages":[{"role":"user","content":"Hi"}]})" << "api-key" << "";
}

void MockUpstreamFlavorsTest::optionsApplyToEveryFlavor()
{
    QFETCH(int, flavor);
    QFETCH(QString, target);
    QFETCH(QString, body);
    QFETCH(QString, keyHeader);
    QFETCH(QString, keyPrefix);
    MockUpstreamOptions options;
    options.flavor = static_cast<MockFlavorKind>(flavor);
    options.requiredApiKey = "other-secret";
    options.latency = std::chrono::milliseconds(50);
    options.dropConnectionsAfterAnswer = true;
    MockUpstreamServer server(options);
    server.start();
    const Headers headers{{keyHeader.toStdString(), keyPrefix.toStdString() + "other-secret"}, {"anthropic-version", kAnthropicVersion},
        {"Content-Type", "application/json"}};

    TestHttpClient client(server.address().port);
    const auto started = std::chrono::steady_clock::now();
    const auto response = client.request("POST", target.toStdString(), body.toStdString(), headers);
    QCOMPARE(response.status, 200);
    QVERIFY(std::chrono::steady_clock::now() - started >= options.latency);
    QCOMPARE(response.header("connection"), std::string()); // closed without announcing it
    QTRY_COMPARE(server.closedConnections(), uint64_t(1));

    TestHttpClient wrongKey(server.address().port);
    QCOMPARE(wrongKey.request("POST", target.toStdString(), body.toStdString(), {{keyHeader.toStdString(), keyPrefix.toStdString() + kKey},
        {"anthropic-version", kAnthropicVersion}}).status, flavor == int(MockFlavorKind::Gemini) ? 400 : 401);
}

QTEST_GUILESS_MAIN(MockUpstreamFlavorsTest)
#include "MockUpstreamFlavorsTest.moc"
