// The fault modes of `gatehouse mock-upstream`, asked for by a "mock-fault:..." model name, over
// real HTTP on loopback for every flavor: failing the first N requests, a status with Retry-After,
// the context-length error, delays, connection resets before an answer and in the middle of a
// stream, loud refusals of malformed names; and the per-server request counter
// (GET /mock/requests).
#include "json/Json.h"
#include "mockupstream/MockUpstreamServer.h"
#include "sse/SseParser.h"

#include "TestHttpClient.h"

#include <QUrl>
#include <QtTest>

#include <algorithm>
#include <cctype>
#include <memory>

using namespace gatehouse;

namespace {

constexpr int kChunks = 4;
constexpr const char* kAzureApiVersion = "2024-10-21";

using Headers = std::map<std::string, std::string>;

std::string flavorName(MockFlavorKind flavor)
{
    return mockFlavorNames().at(static_cast<std::size_t>(flavor));
}

Json userMessages()
{
    return Json::array({{{"role", "user"}, {"content", "Hello"}}});
}

// A chat request for `model` in the flavor's own wire format.
std::string chatBody(MockFlavorKind flavor, const std::string& model, bool stream)
{
    Json body;
    switch (flavor) {
    case MockFlavorKind::OpenAi:
        body = {{"model", model}, {"messages", userMessages()}};
        break;
    case MockFlavorKind::Anthropic:
        body = {{"model", model}, {"max_tokens", 256}, {"messages", userMessages()}};
        break;
    case MockFlavorKind::Gemini: // streaming is asked for by the path
        return Json{{"contents", Json::array({{{"role", "user"}, {"parts", Json::array({{{"text", "Hello"}}})}}})}}.dump();
    case MockFlavorKind::Azure: // the deployment in the path names the model
        body = {{"messages", userMessages()}};
        break;
    }
    if (stream)
        body["stream"] = true;
    return body.dump();
}

std::string chatTarget(MockFlavorKind flavor, const std::string& model, bool stream)
{
    switch (flavor) {
    case MockFlavorKind::OpenAi:
        return "/v1/chat/completions";
    case MockFlavorKind::Anthropic:
        return "/v1/messages";
    case MockFlavorKind::Gemini:
        return "/v1beta/models/" + model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    case MockFlavorKind::Azure:
        return "/openai/deployments/" + model + "/chat/completions?api-version=" + kAzureApiVersion;
    }
    return {};
}

// Whether every member of `expected` (recursively, for objects) is in `actual` with that value.
bool containsAll(const Json& actual, const Json& expected)
{
    if (!expected.is_object())
        return actual == expected;
    if (!actual.is_object())
        return false;
    for (const auto& [key, value] : expected.items()) {
        if (!actual.contains(key) || !containsAll(actual[key], value))
            return false;
    }
    return true;
}

QString jsonColumn(const Json& json)
{
    return QString::fromStdString(json.dump());
}

// A row per flavor, named by `what` and the flavor, with its "flavor" column filled.
QTestData& flavorRow(const char* what, MockFlavorKind flavor)
{
    const auto name = std::string(what) + " " + flavorName(flavor);
    return QTest::newRow(name.c_str()) << int(flavor);
}

constexpr MockFlavorKind kEveryFlavor[]{MockFlavorKind::OpenAi, MockFlavorKind::Anthropic, MockFlavorKind::Gemini, MockFlavorKind::Azure};

// The current row's "flavor".
MockFlavorKind rowFlavor()
{
    QFETCH(int, flavor);
    return static_cast<MockFlavorKind>(flavor);
}

// "mock-fault:<keys>,id=<test function>-<row>": a model name, hence a request count, of the row's own.
std::string rowFaultModel(const std::string& keys)
{
    auto id = std::string(QTest::currentTestFunction()) + "-" + QTest::currentDataTag();
    std::replace_if(id.begin(), id.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '-');
    return "mock-fault:" + keys + ",id=" + id; // letters, digits and '-' only: it goes into gemini and azure paths
}

// The "flavor" column, and a row for each flavor, named by `what`.
void addEveryFlavor(const char* what)
{
    QTest::addColumn<int>("flavor");
    for (const auto flavor : kEveryFlavor)
        flavorRow(what, flavor);
}

// Each flavor's 400 for a request it refuses, in its own error shape.
Json badRequestShape(MockFlavorKind flavor)
{
    switch (flavor) {
    case MockFlavorKind::Anthropic:
        return {{"type", "error"}, {"error", {{"type", "invalid_request_error"}}}};
    case MockFlavorKind::Gemini:
        return {{"error", {{"code", 400}, {"status", "INVALID_ARGUMENT"}}}};
    default: // azure passes the model service's request errors on, in OpenAI's shape
        return {{"error", {{"type", "invalid_request_error"}, {"param", "model"}}}};
    }
}

} // namespace

class MockUpstreamFaultsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void failsTheFirstRequestsThenAnswers_data();
    void failsTheFirstRequestsThenAnswers();
    void failsEveryRequestWithStatusAndRetryAfter_data();
    void failsEveryRequestWithStatusAndRetryAfter();
    void answersContextLengthExceeded_data();
    void answersContextLengthExceeded();
    void waitsTheDelayBeforeAnswering_data();
    void waitsTheDelayBeforeAnswering();
    void resetClosesTheConnectionWithoutAnswer_data();
    void resetClosesTheConnectionWithoutAnswer();
    void resetAfterChunksCutsTheStream_data();
    void resetAfterChunksCutsTheStream();
    void refusesMalformedFaultNames_data();
    void refusesMalformedFaultNames();
    void countsRequestsPerModelName();
    void serversDoNotShareCounters();

private:
    MockUpstreamServer& server(MockFlavorKind flavor) const { return *m_servers.at(flavor); }
    static TestResponse chat(const MockUpstreamServer& server, MockFlavorKind flavor, const std::string& model, bool stream = false,
        std::vector<TimedPiece>* pieces = nullptr);
    TestResponse chat(MockFlavorKind flavor, const std::string& model, bool stream = false, std::vector<TimedPiece>* pieces = nullptr) const;
    // GET /mock/requests?model=...: what the server says `model` got.
    static int countedOverHttp(const MockUpstreamServer& server, const std::string& model);

    std::map<MockFlavorKind, std::unique_ptr<MockUpstreamServer>> m_servers;
};

void MockUpstreamFaultsTest::initTestCase()
{
    for (const auto flavor : kEveryFlavor) {
        MockUpstreamOptions options;
        options.streamChunks = kChunks;
        options.flavor = flavor;
        m_servers[flavor] = std::make_unique<MockUpstreamServer>(options);
        m_servers[flavor]->start();
    }
}

void MockUpstreamFaultsTest::cleanupTestCase()
{
    m_servers.clear();
}

TestResponse MockUpstreamFaultsTest::chat(const MockUpstreamServer& server, MockFlavorKind flavor, const std::string& model, bool stream,
    std::vector<TimedPiece>* pieces)
{
    Headers headers{{"Content-Type", "application/json"}};
    if (flavor == MockFlavorKind::Anthropic)
        headers["anthropic-version"] = "2023-06-01";
    TestHttpClient client(server.address().port);
    std::vector<TimedPiece> ignored;
    return client.requestStreaming("POST", chatTarget(flavor, model, stream), chatBody(flavor, model, stream), headers,
        pieces ? *pieces : ignored);
}

TestResponse MockUpstreamFaultsTest::chat(MockFlavorKind flavor, const std::string& model, bool stream, std::vector<TimedPiece>* pieces) const
{
    return chat(server(flavor), flavor, model, stream, pieces);
}

int MockUpstreamFaultsTest::countedOverHttp(const MockUpstreamServer& server, const std::string& model)
{
    TestHttpClient client(server.address().port);
    const auto encoded = QUrl::toPercentEncoding(QString::fromStdString(model)).toStdString();
    const auto response = client.request("GET", "/mock/requests?model=" + encoded);
    if (response.status != 200)
        return -1;
    const auto json = Json::parse(response.body);
    return json.at("model") == model ? json.at("requests").get<int>() : -1;
}

void MockUpstreamFaultsTest::failsTheFirstRequestsThenAnswers_data()
{
    QTest::addColumn<int>("flavor");
    QTest::addColumn<QString>("errorShape"); // the flavor's own 503 body, as mock-error-503 gets it
    flavorRow("fail=2", MockFlavorKind::OpenAi) << jsonColumn({{"error", {{"type", "server_error"}}}});
    flavorRow("fail=2", MockFlavorKind::Anthropic) << jsonColumn({{"type", "error"}, {"error", {{"type", "api_error"}}}});
    flavorRow("fail=2", MockFlavorKind::Gemini) << jsonColumn({{"error", {{"code", 503}, {"status", "UNAVAILABLE"}}}});
    flavorRow("fail=2", MockFlavorKind::Azure) << jsonColumn({{"error", {{"code", "ServiceUnavailable"}}}});
}

void MockUpstreamFaultsTest::failsTheFirstRequestsThenAnswers()
{
    QFETCH(QString, errorShape);
    const auto kind = rowFlavor();
    const auto model = rowFaultModel("fail=2,status=503");

    for (int attempt = 1; attempt <= 2; ++attempt) {
        const auto failed = chat(kind, model);
        QCOMPARE(failed.status, 503);
        QVERIFY2(containsAll(Json::parse(failed.body), Json::parse(errorShape.toStdString())), failed.body.c_str());
        QCOMPARE(failed.header("retry-after"), std::string());
    }
    const auto answered = chat(kind, model);
    QCOMPARE(answered.status, 200);
    QVERIFY(!answered.body.empty());

    QCOMPARE(countedOverHttp(server(kind), model), 3);
    QCOMPARE(server(kind).requestCount(model), 3);
    QCOMPARE(chat(kind, model).status, 200); // and it stays answered
    QCOMPARE(countedOverHttp(server(kind), model), 4);
}

void MockUpstreamFaultsTest::failsEveryRequestWithStatusAndRetryAfter_data()
{
    addEveryFlavor("status=429,retry_after=2");
}

void MockUpstreamFaultsTest::failsEveryRequestWithStatusAndRetryAfter()
{
    const auto kind = rowFlavor();
    const auto model = rowFaultModel("status=429,retry_after=2");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const auto response = chat(kind, model);
        QCOMPARE(response.status, 429);
        QCOMPARE(response.header("retry-after"), std::string("2")); // replaces the usual "1"
    }
    // Without fail=N, a status alone fails every request; the header's value is the one asked for.
    const auto other = chat(kind, rowFaultModel("status=500,retry_after=7"));
    QCOMPARE(other.status, 500);
    QCOMPARE(other.header("retry-after"), std::string("7"));
}

void MockUpstreamFaultsTest::answersContextLengthExceeded_data()
{
    QTest::addColumn<int>("flavor");
    QTest::addColumn<QString>("expected");
    const Json openAi = {{"error", {{"message", "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."},
                                       {"type", "invalid_request_error"}, {"param", "messages"}, {"code", "context_length_exceeded"}}}};
    flavorRow("context_length", MockFlavorKind::OpenAi) << jsonColumn(openAi);
    flavorRow("context_length", MockFlavorKind::Anthropic)
        << jsonColumn({{"type", "error"}, {"error", {{"type", "invalid_request_error"}, {"message", "prompt is too long: 9000 tokens > 8192 maximum"}}}});
    flavorRow("context_length", MockFlavorKind::Gemini) << jsonColumn({{"error", {{"code", 400},
        {"message", "The input token count (9000) exceeds the maximum number of tokens allowed (8192)."}, {"status", "INVALID_ARGUMENT"}}}});
    flavorRow("context_length", MockFlavorKind::Azure) << jsonColumn(openAi);
}

void MockUpstreamFaultsTest::answersContextLengthExceeded()
{
    QFETCH(QString, expected);
    const auto kind = rowFlavor();
    const auto response = chat(kind, rowFaultModel("context_length"));
    QCOMPARE(response.status, 400);
    const auto body = Json::parse(response.body);
    QVERIFY2(containsAll(body, Json::parse(expected.toStdString())), response.body.c_str());
    if (kind == MockFlavorKind::OpenAi)
        QCOMPARE(body, Json::parse(expected.toStdString())); // OpenAI's body exactly, nothing more
}

void MockUpstreamFaultsTest::waitsTheDelayBeforeAnswering_data()
{
    QTest::addColumn<int>("flavor");
    QTest::addColumn<QString>("keys");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("status");
    flavorRow("an answer", MockFlavorKind::OpenAi) << "delay_ms=150" << false << 200;
    flavorRow("an error", MockFlavorKind::Anthropic) << "delay_ms=150,status=500" << false << 500;
    flavorRow("a stream", MockFlavorKind::Gemini) << "delay_ms=150" << true << 200;
    flavorRow("after failing", MockFlavorKind::Azure) << "fail=0,delay_ms=150" << false << 200;
}

void MockUpstreamFaultsTest::waitsTheDelayBeforeAnswering()
{
    QFETCH(QString, keys);
    QFETCH(bool, stream);
    QFETCH(int, status);
    const auto started = std::chrono::steady_clock::now();
    const auto response = chat(rowFlavor(), rowFaultModel(keys.toStdString()), stream);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    QCOMPARE(response.status, status);
    QVERIFY(elapsed >= std::chrono::milliseconds(150)); // a lower bound only: the machine may be slow
}

void MockUpstreamFaultsTest::resetClosesTheConnectionWithoutAnswer_data()
{
    addEveryFlavor("fail=1,reset");
}

void MockUpstreamFaultsTest::resetClosesTheConnectionWithoutAnswer()
{
    const auto kind = rowFlavor();
    const auto model = rowFaultModel("fail=1,reset");
    const auto dropped = chat(kind, model);
    QCOMPARE(dropped.status, 0);
    QVERIFY(!dropped.error.empty());
    QVERIFY(dropped.body.empty());
    QCOMPARE(chat(kind, model).status, 200);
    QCOMPARE(countedOverHttp(server(kind), model), 2);
}

void MockUpstreamFaultsTest::resetAfterChunksCutsTheStream_data()
{
    QTest::addColumn<int>("flavor");
    QTest::addColumn<int>("chunks");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<bool>("cut");
    for (const auto flavor : kEveryFlavor)
        flavorRow("reset_after_chunks=2", flavor) << 2 << true << true;
    flavorRow("reset_after_chunks=0", MockFlavorKind::Anthropic) << 0 << true << true;
    flavorRow("more chunks than the stream has", MockFlavorKind::OpenAi) << 100 << true << false;
    flavorRow("not streamed", MockFlavorKind::Azure) << 2 << false << false;
}

void MockUpstreamFaultsTest::resetAfterChunksCutsTheStream()
{
    QFETCH(int, chunks);
    QFETCH(bool, stream);
    QFETCH(bool, cut);
    const auto kind = rowFlavor();
    const auto model = rowFaultModel("reset_after_chunks=" + std::to_string(chunks));
    std::vector<TimedPiece> pieces;
    const auto response = chat(kind, model, stream, &pieces);
    std::string received;
    for (const auto& piece : pieces)
        received += piece.data;
    SseParser parser;
    const auto events = parser.feed(received);

    if (!cut) {
        QCOMPARE(response.status, 200);
        QVERIFY(response.error.empty());
        if (stream)
            QCOMPARE(events.back().data, std::string("[DONE]"));
        return;
    }
    QCOMPARE(response.status, 0); // the body never ended: the client sees a broken connection
    QVERIFY(!response.error.empty());
    QCOMPARE(int(events.size()), chunks);
    QVERIFY(!parser.hasPartialEvent());
    QVERIFY(received.find("[DONE]") == std::string::npos);
    QVERIFY(received.find("message_stop") == std::string::npos);
    QVERIFY(received.find("finishReason") == std::string::npos);
}

void MockUpstreamFaultsTest::refusesMalformedFaultNames_data()
{
    QTest::addColumn<int>("flavor");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("named"); // what the message must name
    for (const auto flavor : kEveryFlavor)
        flavorRow("unknown key", flavor) << "mock-fault:fial=2,id=typo" << "'fial'";
    flavorRow("status out of range", MockFlavorKind::OpenAi) << "mock-fault:status=200" << "'status'";
    flavorRow("not a number", MockFlavorKind::Anthropic) << "mock-fault:fail=two" << "'fail'";
    flavorRow("flag with a value", MockFlavorKind::Gemini) << "mock-fault:reset=1" << "'reset'";
    flavorRow("key given twice", MockFlavorKind::Azure) << "mock-fault:fail=1,fail=2" << "'fail'";
    flavorRow("value missing", MockFlavorKind::OpenAi) << "mock-fault:delay_ms" << "'delay_ms'";
    flavorRow("empty key", MockFlavorKind::OpenAi) << "mock-fault:fail=1,,id=x" << "''";
    flavorRow("two failures", MockFlavorKind::Anthropic) << "mock-fault:status=500,context_length" << "exclude each other";
}

void MockUpstreamFaultsTest::refusesMalformedFaultNames()
{
    QFETCH(QString, model);
    QFETCH(QString, named);
    const auto kind = rowFlavor();
    for (int attempt = 1; attempt <= 2; ++attempt) { // refused every time, never answered
        const auto response = chat(kind, model.toStdString());
        QCOMPARE(response.status, 400);
        QVERIFY2(containsAll(Json::parse(response.body), badRequestShape(kind)), response.body.c_str());
        QVERIFY2(response.body.find(named.toStdString()) != std::string::npos, response.body.c_str());
    }
}

void MockUpstreamFaultsTest::countsRequestsPerModelName()
{
    auto& openAi = server(MockFlavorKind::OpenAi);
    QCOMPARE(countedOverHttp(openAi, "counted-plain-model"), 0);
    QCOMPARE(chat(MockFlavorKind::OpenAi, "counted-plain-model").status, 200);
    QCOMPARE(chat(MockFlavorKind::OpenAi, "mock-error-500").status, 500);
    QCOMPARE(countedOverHttp(openAi, "counted-plain-model"), 1); // every model name is counted, not only faults
    QVERIFY(countedOverHttp(openAi, "mock-error-500") >= 1);
    QCOMPARE(countedOverHttp(openAi, "counted-plain-model "), 0); // the exact string

    TestHttpClient client(openAi.address().port);
    QCOMPARE(client.request("GET", "/mock/requests").status, 400);
    QCOMPARE(client.request("POST", "/mock/requests?model=x", "{}", {{"Content-Type", "application/json"}}).status, 405);
}

void MockUpstreamFaultsTest::serversDoNotShareCounters()
{
    MockUpstreamOptions options;
    MockUpstreamServer first(options);
    MockUpstreamServer second(options);
    first.start();
    second.start();
    const std::string model = "mock-fault:fail=1,id=two-servers";
    QCOMPARE(chat(first, MockFlavorKind::OpenAi, model).status, 503);
    QCOMPARE(chat(second, MockFlavorKind::OpenAi, model).status, 503); // a fresh count
    QCOMPARE(chat(first, MockFlavorKind::OpenAi, model).status, 200);
    QCOMPARE(countedOverHttp(first, model), 2);
    QCOMPARE(countedOverHttp(second, model), 1);
}

QTEST_GUILESS_MAIN(MockUpstreamFaultsTest)
#include "MockUpstreamFaultsTest.moc"
