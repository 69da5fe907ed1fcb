// The gateway in-process in front of mock upstreams of every provider flavor (OpenAI, Azure
// OpenAI, Anthropic, Gemini) and the built-in mock, over real HTTP on loopback: each ingress API
// (chat completions, Anthropic messages, embeddings) passed through or translated, whole and
// streamed, with tools, usage accounting, provider errors and the provider connection test.
#include "GatewayServer.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "mock/MockCompletion.h"
#include "mockupstream/MockUpstreamServer.h"
#include "sse/SseParser.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

using namespace gatehouse;

namespace {

constexpr const char* kUpstreamKey = "upstream-secret";
constexpr const char* kWrongUpstreamKey = "not-the-upstream-secret";
constexpr const char* kAnthropicVersion = "2023-06-01";
constexpr int kStreamChunks = 4;
constexpr auto kProbeTimeout = std::chrono::seconds(15);

using Headers = std::map<std::string, std::string>;

// One kind of upstream provider the gateway is configured with, and the mock flavor serving it.
struct UpstreamKind {
    const char* name; // the provider's name in the config, and the prefix of its models
    ProviderKind kind;
    MockFlavorKind flavor;
    const char* basePath;
};

const UpstreamKind kUpstreamKinds[] = {
    {"openai", ProviderKind::OpenAi, MockFlavorKind::OpenAi, "/v1"},
    {"openai-compatible", ProviderKind::OpenAiCompatible, MockFlavorKind::OpenAi, "/v1"},
    {"azure", ProviderKind::AzureOpenAi, MockFlavorKind::Azure, ""},
    {"anthropic", ProviderKind::Anthropic, MockFlavorKind::Anthropic, "/v1"},
    {"gemini", ProviderKind::Gemini, MockFlavorKind::Gemini, "/v1beta"},
};

// The model each provider is deployed with: what the upstream sees.
std::string upstreamModel(const std::string& provider)
{
    return provider + "-upstream";
}

// A provider of `kind` as the config loader would build it (its default API version included).
ProviderConfig providerConfig(std::string name, ProviderKind kind, uint16_t port, std::string basePath, std::string apiKey)
{
    auto provider = test::openAiCompatibleProvider(std::move(name), {false, "127.0.0.1", port, std::move(basePath)}, std::move(apiKey));
    provider.kind = kind;
    provider.apiVersion = providerKindInfo(kind).defaultApiVersion;
    return provider;
}

QJsonObject jsonObject(const std::string& text)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

QString mockText()
{
    return QString::fromUtf8(MockContent::text().data(), qsizetype(MockContent::text().size()));
}

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// A tool with two required properties, as the OpenAI and the Anthropic API declare it. The mock
// upstreams call it with {"city":"mock-city","days":1}.
const char* kOpenAiTools = R"([{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":
    {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"note":{"type":"string"}},
    "required":["city","days"]}}},{"type":"function","function":{"name":"get_time","parameters":{"type":"object",
    "properties":{"zone":{"type":"string"}},"required":["zone"]}}}])";
const char* kAnthropicTools = R"([{"name":"get_weather","description":"Weather","input_schema":{"type":"object",
    "properties":{"city":{"type":"string"},"days":{"type":"integer"},"note":{"type":"string"}},"required":["city","days"]}},
    {"name":"get_time","input_schema":{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}}])";

std::string chatBody(const std::string& model, bool stream, const std::string& extra = {})
{
    return R"({"model":")" + model + R"(","stream":)" + (stream ? "true" : "false")
        + R"(,"messages":[{"role":"user","content":"Hello"}])" + extra + "}";
}

std::string messagesBody(const std::string& model, bool stream, const std::string& extra = {})
{
    return R"({"model":")" + model + R"(","max_tokens":256,"stream":)" + (stream ? "true" : "false")
        + R"(,"messages":[{"role":"user","content":"Hello"}])" + extra + "}";
}

// What a client sees of an OpenAI chat stream.
struct ChatStream {
    QList<QJsonObject> chunks; // every JSON event, in order
    QList<QJsonObject> usageOnlyChunks; // those with "choices":[]
    bool endsWithDone = false;
    bool leftover = false; // bytes after the last complete event
    QStringList problems; // events that are not chunks, or events after [DONE]
    QString text;
    QString finishReason;
    QString toolId;
    QString toolName;
    QString toolArguments;
    int toolCallEntries = 0;
};

ChatStream readChatStream(const std::string& body)
{
    ChatStream stream;
    SseParser parser;
    const auto events = parser.feed(body);
    stream.leftover = parser.hasPartialEvent();
    for (const auto& event : events) {
        if (stream.endsWithDone)
            stream.problems << "event after [DONE]: " + qs(event.data);
        if (event.data == "[DONE]") {
            stream.endsWithDone = true;
            continue;
        }
        const auto chunk = jsonObject(event.data);
        if (chunk["object"].toString() != "chat.completion.chunk" || !chunk["choices"].isArray()) {
            stream.problems << "not a chunk: " + qs(event.data);
            continue;
        }
        stream.chunks << chunk;
        const auto choices = chunk["choices"].toArray();
        if (choices.isEmpty())
            stream.usageOnlyChunks << chunk;
        for (const auto& choiceValue : choices) {
            const auto choice = choiceValue.toObject();
            const auto delta = choice["delta"].toObject();
            stream.text += delta["content"].toString();
            if (choice["finish_reason"].isString())
                stream.finishReason = choice["finish_reason"].toString();
            for (const auto& callValue : delta["tool_calls"].toArray()) {
                const auto call = callValue.toObject();
                ++stream.toolCallEntries;
                if (call["index"].toInt() != 0)
                    stream.problems << "a second tool call: " + qs(event.data);
                if (call.contains("id") && !call["id"].toString().isEmpty())
                    stream.toolId = call["id"].toString();
                const auto function = call["function"].toObject();
                if (function.contains("name") && !function["name"].toString().isEmpty())
                    stream.toolName = function["name"].toString();
                stream.toolArguments += function["arguments"].toString();
            }
        }
    }
    return stream;
}

// What a client sees of an Anthropic messages stream.
struct MessagesStream {
    QStringList names; // event names, runs of content_block_delta collapsed into one
    int deltas = 0;
    bool leftover = false;
    QStringList problems; // events whose data "type" is not their name
    QJsonObject start; // message_start's message
    QJsonObject messageDelta; // the message_delta event
    QList<QJsonObject> blockStarts;
    QString text;
    QString partialJson;
};

MessagesStream readMessagesStream(const std::string& body)
{
    MessagesStream stream;
    SseParser parser;
    const auto events = parser.feed(body);
    stream.leftover = parser.hasPartialEvent();
    for (const auto& event : events) {
        const auto name = qs(event.event);
        const auto data = jsonObject(event.data);
        if (data["type"].toString() != name)
            stream.problems << name + ": " + qs(event.data);
        if (name != "content_block_delta" || stream.names.isEmpty() || stream.names.back() != name)
            stream.names << name;
        if (name == "message_start")
            stream.start = data["message"].toObject();
        else if (name == "content_block_start")
            stream.blockStarts << data["content_block"].toObject();
        else if (name == "message_delta")
            stream.messageDelta = data;
        if (name == "content_block_delta") {
            ++stream.deltas;
            const auto delta = data["delta"].toObject();
            stream.text += delta["text"].toString();
            stream.partialJson += delta["partial_json"].toString();
        }
    }
    return stream;
}

// The mock upstreams' call of the weather tool.
void verifyWeatherArguments(const QString& arguments)
{
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(arguments.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(), qPrintable("arguments are not a JSON object: " + arguments));
    QCOMPARE(document.object()["city"].toString(), QString("mock-city"));
    QCOMPARE(document.object()["days"].toInt(), 1);
}

// An embedding as floats: a JSON array, or (encoding_format base64) little-endian float32 bytes.
QList<double> embeddingValues(const QJsonValue& embedding, bool base64)
{
    QList<double> values;
    if (!base64) {
        for (const auto& value : embedding.toArray())
            values << value.toDouble();
        return values;
    }
    const auto bytes = QByteArray::fromBase64(embedding.toString().toLatin1());
    for (qsizetype at = 0; at + 4 <= bytes.size(); at += 4) {
        uint32_t bits = 0;
        for (int i = 0; i < 4; ++i)
            bits |= uint32_t(uint8_t(bytes[at + i])) << (8 * i);
        float value = 0;
        std::memcpy(&value, &bits, sizeof value);
        values << value;
    }
    return values;
}

// Anthropic's own ids start with "toolu_"; a translated answer keeps the provider's call id, which
// the client sends back in its tool_result.
void verifyToolUseId(const QString& id, const QString& provider)
{
    QVERIFY(!id.isEmpty());
    if (provider == "anthropic")
        QVERIFY2(id.startsWith("toolu_"), qPrintable(id));
}

// An Anthropic error body: {"type":"error","error":{"type":...,"message":...}}.
void verifyAnthropicError(const TestResponse& response, const QString& type)
{
    const auto body = test::jsonBody(response);
    QVERIFY2(body["type"].toString() == "error", response.body.c_str());
    QCOMPARE(body["error"].toObject()["type"].toString(), type);
    QVERIFY2(!body["error"].toObject()["message"].toString().isEmpty(), response.body.c_str());
}

// The Anthropic error type for a status, as Anthropic's errors page lists them.
QString anthropicErrorType(int status)
{
    switch (status) {
    case 400:
        return "invalid_request_error";
    case 429:
        return "rate_limit_error";
    case 503:
    case 529:
        return "overloaded_error";
    default:
        return "api_error";
    }
}

// Every call record of `endpoint`, each as column → text, in the order they were written.
QList<QMap<QString, QString>> callRecordsAt(GatewayServer& server, const std::string& endpoint)
{
    server.settle();
    Database db(server.databasePath());
    auto query = db.prepare("SELECT * FROM calls WHERE endpoint = ? ORDER BY id");
    query.bind(1, endpoint);
    QList<QMap<QString, QString>> records;
    while (query.step()) {
        QMap<QString, QString> record;
        for (int column = 0; column < query.columnCount(); ++column)
            record[qs(query.columnName(column))] = qs(query.columnText(column));
        records << record;
    }
    return records;
}

// An OpenAI-compatible server that answers every request with one fixed response and closes the
// connection: for wire details the mock upstreams do not vary (SSE framing, JSON spacing).
class CannedUpstream {
public:
    explicit CannedUpstream(std::string response)
        : m_response(std::move(response))
        , m_acceptor(m_context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))
    {
        accept();
        m_thread = std::thread([this] { m_context.run(); });
    }
    ~CannedUpstream()
    {
        m_context.stop();
        m_thread.join();
    }
    uint16_t port() const { return m_acceptor.local_endpoint().port(); }
    std::string lastRequest() const
    {
        std::lock_guard lock(m_mutex);
        return m_lastRequest;
    }

private:
    struct Exchange {
        explicit Exchange(tcp::socket s)
            : socket(std::move(s))
        {
        }
        tcp::socket socket;
        std::string request;
    };

    void accept()
    {
        m_acceptor.async_accept([this](error_code ec, tcp::socket socket) {
            if (ec)
                return;
            readHead(std::make_shared<Exchange>(std::move(socket)));
            accept();
        });
    }

    void readHead(std::shared_ptr<Exchange> exchange)
    {
        asio::async_read_until(exchange->socket, asio::dynamic_buffer(exchange->request), "\r\n\r\n",
            [this, exchange](error_code ec, std::size_t headBytes) {
                if (ec)
                    return;
                std::string head = exchange->request.substr(0, headBytes);
                std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return char(std::tolower(c)); });
                const auto at = head.find("content-length:");
                const std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 15));
                const auto have = exchange->request.size() - headBytes;
                const auto missing = length > have ? length - have : 0;
                exchange->request.resize(headBytes + have + missing);
                asio::async_read(exchange->socket, asio::buffer(exchange->request.data() + headBytes + have, missing),
                    [this, exchange](error_code ec, std::size_t) {
                        if (ec)
                            return;
                        {
                            std::lock_guard lock(m_mutex);
                            m_lastRequest = exchange->request;
                        }
                        asio::async_write(exchange->socket, asio::buffer(m_response), [exchange](error_code, std::size_t) {
                            error_code ignored;
                            exchange->socket.shutdown(tcp::socket::shutdown_both, ignored);
                        });
                    });
            });
    }

    std::string m_response;
    asio::io_context m_context;
    tcp::acceptor m_acceptor;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::string m_lastRequest;
};

} // namespace

class ProviderTranslationTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void chatAnswerIsAnOpenAiCompletion_data();
    void chatAnswerIsAnOpenAiCompletion();
    void chatStreamIsOpenAiChunksEndingWithDone_data();
    void chatStreamIsOpenAiChunksEndingWithDone();
    void usageChunkReachesOnlyClientsThatAskedForIt_data();
    void usageChunkReachesOnlyClientsThatAskedForIt();
    void usageChunkIsDroppedWhateverTheWireFormatting_data();
    void usageChunkIsDroppedWhateverTheWireFormatting();
    void usageIsEstimatedWhenTheProviderIsNotAskedForIt_data();
    void usageIsEstimatedWhenTheProviderIsNotAskedForIt();
    void chatToolCallsComeBackAsOpenAiToolCalls_data();
    void chatToolCallsComeBackAsOpenAiToolCalls();
    void messagesAnswerIsAnAnthropicMessage_data();
    void messagesAnswerIsAnAnthropicMessage();
    void messagesStreamHasAnthropicEventSequence_data();
    void messagesStreamHasAnthropicEventSequence();
    void messagesToolUseComesBackAsAnthropicToolUse_data();
    void messagesToolUseComesBackAsAnthropicToolUse();
    void messagesWithoutMaxTokensGetAnAnthropic400_data();
    void messagesWithoutMaxTokensGetAnAnthropic400();
    void embeddingsAreAnOpenAiListInInputOrder_data();
    void embeddingsAreAnOpenAiListInInputOrder();
    void embeddingsToAProviderWithoutThemGet400();
    void providerErrorsKeepTheirMessageInTheClientsShape_data();
    void providerErrorsKeepTheirMessageInTheClientsShape();
    void testProviderMakesOneRecordedCall_data();
    void testProviderMakesOneRecordedCall();

private:
    TestResponse post(const std::string& path, const std::string& body);
    std::map<MockFlavorKind, std::unique_ptr<MockUpstreamServer>> m_upstreams;
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::string m_key;
};

void ProviderTranslationTest::initTestCase()
{
    for (const auto flavor : {MockFlavorKind::OpenAi, MockFlavorKind::Azure, MockFlavorKind::Anthropic, MockFlavorKind::Gemini}) {
        MockUpstreamOptions options;
        options.streamChunks = kStreamChunks;
        options.requiredApiKey = kUpstreamKey;
        options.flavor = flavor;
        auto upstream = std::make_unique<MockUpstreamServer>(options);
        upstream->start();
        m_upstreams[flavor] = std::move(upstream);
    }
}

void ProviderTranslationTest::init()
{
    GatewayConfig config;
    config.server.threads = 1;
    const auto down = test::closedLoopbackPort();
    for (const auto& upstream : kUpstreamKinds) {
        const std::string name = upstream.name;
        const auto port = m_upstreams.at(upstream.flavor)->address().port;
        config.providers.push_back(providerConfig(name, upstream.kind, port, upstream.basePath, kUpstreamKey));
        config.providers.push_back(providerConfig(name + "-wrong-key", upstream.kind, port, upstream.basePath, kWrongUpstreamKey));
        config.providers.push_back(providerConfig(name + "-down", upstream.kind, down, upstream.basePath, kUpstreamKey));
        config.models.push_back({name + "-chat", {{name, upstreamModel(name), 1}}});
        for (const auto* status : {"400", "429", "500", "529"})
            config.models.push_back({name + "-error-" + status, {{name, std::string("mock-error-") + status, 1}}});
        config.models.push_back({name + "-wrong-key", {{name + "-wrong-key", upstreamModel(name), 1}}});
        config.models.push_back({name + "-down", {{name + "-down", upstreamModel(name), 1}}});
    }
    auto noStreamUsage = providerConfig("no-stream-usage", ProviderKind::OpenAiCompatible,
        m_upstreams.at(MockFlavorKind::OpenAi)->address().port, "/v1", kUpstreamKey);
    noStreamUsage.quirks.streamUsage = false;
    config.providers.push_back(noStreamUsage);
    config.models.push_back({"no-stream-usage-chat", {{"no-stream-usage", upstreamModel("no-stream-usage"), 1}}});
    ProviderConfig mock;
    mock.name = "mock";
    mock.mock.streamChunks = kStreamChunks;
    config.providers.push_back(mock);
    config.models.push_back({"mock-chat", {{"mock", upstreamModel("mock"), 1}}});
    m_key = "gk-provider-translation-test-key";
    config.keys.push_back({"client", m_key, "env:CLIENT", "default", {}});
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
}

void ProviderTranslationTest::cleanup()
{
    m_gateway.reset();
}

void ProviderTranslationTest::cleanupTestCase()
{
    m_upstreams.clear();
}

// As the SDKs send them: OpenAI's with a bearer key, Anthropic's with x-api-key and a version.
TestResponse ProviderTranslationTest::post(const std::string& path, const std::string& body)
{
    Headers headers{{"Content-Type", "application/json"}};
    if (path == "/v1/messages") {
        headers["x-api-key"] = m_key;
        headers["anthropic-version"] = kAnthropicVersion;
    } else {
        headers["Authorization"] = "Bearer " + m_key;
    }
    return m_gateway->client().request("POST", path, body, headers);
}

// ---------------------------------------------------------------------------------------------
// 1. /v1/chat/completions to every provider kind.

void ProviderTranslationTest::chatAnswerIsAnOpenAiCompletion_data()
{
    QTest::addColumn<QString>("provider");
    for (const auto& upstream : kUpstreamKinds)
        QTest::newRow(upstream.name) << QString(upstream.name);
    QTest::newRow("mock") << "mock";
}

void ProviderTranslationTest::chatAnswerIsAnOpenAiCompletion()
{
    QFETCH(QString, provider);
    const auto response = post("/v1/chat/completions", chatBody(provider.toStdString() + "-chat", false));
    QVERIFY2(response.status == 200, response.body.c_str());
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    const auto body = test::jsonBody(response);
    QCOMPARE(body["object"].toString(), QString("chat.completion"));
    QVERIFY(!body["id"].toString().isEmpty());
    QVERIFY(!body["model"].toString().isEmpty());
    const auto choices = body["choices"].toArray();
    QCOMPARE(choices.size(), 1);
    const auto choice = choices[0].toObject();
    QCOMPARE(choice["message"].toObject()["role"].toString(), QString("assistant"));
    QCOMPARE(choice["message"].toObject()["content"].toString(), mockText());
    QCOMPARE(choice["finish_reason"].toString(), QString("stop"));
    const auto usage = body["usage"].toObject();
    QVERIFY(usage["prompt_tokens"].toInt() > 0);
    QVERIFY(usage["completion_tokens"].toInt() > 0);

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["endpoint"], QString("/v1/chat/completions"));
    QCOMPARE(record["provider"], provider);
    QCOMPARE(record["deployment"], qs(upstreamModel(provider.toStdString())));
    QCOMPARE(record["stream"], QString("0"));
    QCOMPARE(record["prompt_tokens"], QString::number(usage["prompt_tokens"].toInt()));
    QCOMPARE(record["completion_tokens"], QString::number(usage["completion_tokens"].toInt()));
    QCOMPARE(record["usage_estimated"], QString("0"));
    QCOMPARE(record["error_code"], QString());
}

void ProviderTranslationTest::chatStreamIsOpenAiChunksEndingWithDone_data()
{
    chatAnswerIsAnOpenAiCompletion_data();
}

void ProviderTranslationTest::chatStreamIsOpenAiChunksEndingWithDone()
{
    QFETCH(QString, provider);
    const auto response = post("/v1/chat/completions", chatBody(provider.toStdString() + "-chat", true));
    QVERIFY2(response.status == 200, response.body.c_str());
    QCOMPARE(response.header("content-type"), std::string("text/event-stream"));
    const auto stream = readChatStream(response.body);
    QVERIFY2(stream.problems.isEmpty(), qPrintable(stream.problems.join("\n")));
    QVERIFY(stream.endsWithDone);
    QVERIFY(!stream.leftover);
    QVERIFY(response.body.ends_with("data: [DONE]\n\n"));
    QVERIFY2(stream.chunks.size() >= 2, response.body.c_str());
    QCOMPARE(stream.text, mockText());
    QCOMPARE(stream.finishReason, QString("stop"));
    QVERIFY2(stream.usageOnlyChunks.isEmpty(), response.body.c_str()); // the client did not ask for usage
    QCOMPARE(stream.chunks.front()["choices"].toArray()[0].toObject()["delta"].toObject()["role"].toString(), QString("assistant"));

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["provider"], provider);
    QCOMPARE(record["stream"], QString("1"));
    QVERIFY(record["prompt_tokens"].toInt() > 0);
    QVERIFY(record["completion_tokens"].toInt() > 0);
    QCOMPARE(record["usage_estimated"], QString("0"));
}

// ---------------------------------------------------------------------------------------------
// 2. The usage chunk of a stream.

void ProviderTranslationTest::usageChunkReachesOnlyClientsThatAskedForIt_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("streamOptions"); // the client's, "" for none
    QTest::addColumn<bool>("expectUsageChunk");
    for (const QString provider : {"openai", "openai-compatible", "azure", "anthropic", "gemini", "mock"}) {
        QTest::addRow("%s, no stream_options", qPrintable(provider)) << provider << "" << false;
        QTest::addRow("%s, include_usage false", qPrintable(provider)) << provider << R"("stream_options":{"include_usage":false})" << false;
        QTest::addRow("%s, include_usage true", qPrintable(provider)) << provider << R"("stream_options":{"include_usage":true})" << true;
    }
}

void ProviderTranslationTest::usageChunkReachesOnlyClientsThatAskedForIt()
{
    QFETCH(QString, provider);
    QFETCH(QString, streamOptions);
    QFETCH(bool, expectUsageChunk);
    const auto extra = streamOptions.isEmpty() ? std::string() : "," + streamOptions.toStdString();
    const auto response = post("/v1/chat/completions", chatBody(provider.toStdString() + "-chat", true, extra));
    QVERIFY2(response.status == 200, response.body.c_str());
    const auto stream = readChatStream(response.body);
    QVERIFY2(stream.problems.isEmpty(), qPrintable(stream.problems.join("\n")));
    QVERIFY(stream.endsWithDone);
    QCOMPARE(stream.text, mockText());

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QVERIFY(record["prompt_tokens"].toInt() > 0);
    QVERIFY(record["completion_tokens"].toInt() > 0);
    QCOMPARE(record["usage_estimated"], QString("0"));

    if (!expectUsageChunk) {
        QVERIFY2(stream.usageOnlyChunks.isEmpty(), response.body.c_str());
        QVERIFY2(response.body.find(R"("choices":[])") == std::string::npos, response.body.c_str());
        return;
    }
    QVERIFY2(stream.usageOnlyChunks.size() == 1, response.body.c_str());
    QCOMPARE(stream.chunks.back(), stream.usageOnlyChunks.front()); // the last chunk before [DONE]
    const auto usage = stream.usageOnlyChunks.front()["usage"].toObject();
    QCOMPARE(QString::number(usage["prompt_tokens"].toInt()), record["prompt_tokens"]);
    QCOMPARE(QString::number(usage["completion_tokens"].toInt()), record["completion_tokens"]);
}

// The SSE spec ends events with a blank line in CRLF, LF or CR; JSON allows spaces around ':'.
// A pass-through stream must drop the usage chunk the gateway asked for however it is written.
void ProviderTranslationTest::usageChunkIsDroppedWhateverTheWireFormatting_data()
{
    QTest::addColumn<QString>("eventEnd");
    QTest::addColumn<QString>("colon");
    QTest::newRow("LF, compact JSON") << "\n\n" << ":";
    QTest::newRow("CRLF, compact JSON") << "\r\n\r\n" << ":";
    QTest::newRow("LF, JSON with spaces") << "\n\n" << ": ";
}

void ProviderTranslationTest::usageChunkIsDroppedWhateverTheWireFormatting()
{
    QFETCH(QString, eventEnd);
    QFETCH(QString, colon);
    const auto end = eventEnd.toStdString();
    const auto c = colon.toStdString();
    const auto head = R"({"id")" + c + R"("chatcmpl-1","object")" + c + R"("chat.completion.chunk","created")" + c + R"(1,"model")" + c
        + R"("m","choices")" + c;
    std::string events = "data: " + head + R"([{"index":0,"delta":{"role":"assistant","content":"Hi there"},"finish_reason":null}]})" + end;
    events += "data: " + head + R"([{"index":0,"delta":{},"finish_reason":"stop"}]})" + end;
    events += "data: " + head + "[]," + R"("usage")" + c + R"({"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}})" + end;
    events += "data: [DONE]" + end;
    CannedUpstream upstream("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\nContent-Length: "
        + std::to_string(events.size()) + "\r\n\r\n" + events);

    GatewayConfig config;
    config.server.threads = 1;
    config.providers.push_back(providerConfig("canned", ProviderKind::OpenAiCompatible, upstream.port(), "/v1", kUpstreamKey));
    config.models.push_back({"canned-chat", {{"canned", "m", 1}}});
    config.keys.push_back({"client", m_key, "env:CLIENT", "default", {}});
    test::RunningGateway gateway(std::move(config));
    const auto response = gateway.client().postJson("/v1/chat/completions", chatBody("canned-chat", true), m_key);
    QVERIFY2(response.status == 200, response.body.c_str());
    QVERIFY2(upstream.lastRequest().find(R"("include_usage":true)") != std::string::npos, upstream.lastRequest().c_str());

    const auto record = test::callRecord(gateway.server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["prompt_tokens"], QString("7"));
    QCOMPARE(record["completion_tokens"], QString("3"));
    QCOMPARE(record["usage_estimated"], QString("0"));

    const auto stream = readChatStream(response.body);
    QVERIFY2(stream.problems.isEmpty(), qPrintable(stream.problems.join("\n")));
    QVERIFY(stream.endsWithDone);
    QCOMPARE(stream.text, QString("Hi there"));
    QVERIFY2(stream.usageOnlyChunks.isEmpty(),
        qPrintable("the gateway asked for the usage chunk, the client did not, and it got it:\n" + qs(response.body)));
}

void ProviderTranslationTest::usageIsEstimatedWhenTheProviderIsNotAskedForIt_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("chat completions (passed through)") << "/v1/chat/completions";
    QTest::newRow("messages (translated)") << "/v1/messages";
}

void ProviderTranslationTest::usageIsEstimatedWhenTheProviderIsNotAskedForIt()
{
    QFETCH(QString, path);
    const bool messages = path == "/v1/messages";
    const auto response = post(path.toStdString(), messages ? messagesBody("no-stream-usage-chat", true) : chatBody("no-stream-usage-chat", true));
    QVERIFY2(response.status == 200, response.body.c_str());
    if (messages) {
        QCOMPARE(readMessagesStream(response.body).text, mockText());
    } else {
        const auto stream = readChatStream(response.body);
        QCOMPARE(stream.text, mockText());
        QVERIFY(stream.endsWithDone);
        QVERIFY(stream.usageOnlyChunks.isEmpty());
    }
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["provider"], QString("no-stream-usage"));
    QCOMPARE(record["usage_estimated"], QString("1")); // the provider was not asked, so it reported none
    QVERIFY(record["prompt_tokens"].toInt() > 0);
    QVERIFY(record["completion_tokens"].toInt() > 0);
}

// ---------------------------------------------------------------------------------------------
// 3. Tools on /v1/chat/completions.

void ProviderTranslationTest::chatToolCallsComeBackAsOpenAiToolCalls_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<bool>("stream");
    for (const QString provider : {"openai", "openai-compatible", "azure", "anthropic", "gemini", "mock"}) {
        QTest::addRow("%s", qPrintable(provider)) << provider << false;
        QTest::addRow("%s, streamed", qPrintable(provider)) << provider << true;
    }
}

void ProviderTranslationTest::chatToolCallsComeBackAsOpenAiToolCalls()
{
    QFETCH(QString, provider);
    QFETCH(bool, stream);
    const auto response = post("/v1/chat/completions", chatBody(provider.toStdString() + "-chat", stream, std::string(R"(,"tools":)") + kOpenAiTools));
    QVERIFY2(response.status == 200, response.body.c_str());
    if (stream) {
        const auto chunks = readChatStream(response.body);
        QVERIFY2(chunks.problems.isEmpty(), qPrintable(chunks.problems.join("\n")));
        QVERIFY(chunks.endsWithDone);
        QVERIFY2(chunks.toolCallEntries > 0, qPrintable("the tools were ignored: no tool_calls in the stream:\n" + qs(response.body)));
        QCOMPARE(chunks.toolName, QString("get_weather"));
        QVERIFY(!chunks.toolId.isEmpty());
        verifyWeatherArguments(chunks.toolArguments);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(chunks.finishReason, QString("tool_calls"));
    } else {
        const auto message = test::jsonBody(response)["choices"].toArray()[0].toObject()["message"].toObject();
        const auto calls = message["tool_calls"].toArray();
        QVERIFY2(calls.size() == 1, qPrintable("the tools were ignored: no tool_calls in the answer:\n" + qs(response.body)));
        const auto call = calls[0].toObject();
        QCOMPARE(call["type"].toString(), QString("function"));
        QVERIFY(!call["id"].toString().isEmpty());
        QCOMPARE(call["function"].toObject()["name"].toString(), QString("get_weather"));
        verifyWeatherArguments(call["function"].toObject()["arguments"].toString());
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(test::jsonBody(response)["choices"].toArray()[0].toObject()["finish_reason"].toString(), QString("tool_calls"));
    }
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QVERIFY(record["completion_tokens"].toInt() > 0);
}

// ---------------------------------------------------------------------------------------------
// 4. /v1/messages: passed through to anthropic, translated for every other provider.

void ProviderTranslationTest::messagesAnswerIsAnAnthropicMessage_data()
{
    chatAnswerIsAnOpenAiCompletion_data();
}

void ProviderTranslationTest::messagesAnswerIsAnAnthropicMessage()
{
    QFETCH(QString, provider);
    const auto model = provider.toStdString() + "-chat";
    const auto response = post("/v1/messages", messagesBody(model, false));
    QVERIFY2(response.status == 200, response.body.c_str());
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    const auto body = test::jsonBody(response);
    QCOMPARE(body["type"].toString(), QString("message"));
    QCOMPARE(body["role"].toString(), QString("assistant"));
    QVERIFY(body["id"].toString().startsWith("msg_"));
    const auto content = body["content"].toArray();
    QCOMPARE(content.size(), 1);
    QCOMPARE(content[0].toObject()["type"].toString(), QString("text"));
    QCOMPARE(content[0].toObject()["text"].toString(), mockText());
    QCOMPARE(body["stop_reason"].toString(), QString("end_turn"));
    const auto usage = body["usage"].toObject();
    QVERIFY(usage["input_tokens"].toInt() > 0);
    QVERIFY(usage["output_tokens"].toInt() > 0);
    if (provider == "anthropic") {
        // Passed through: the upstream's own message, naming the deployment it was asked for.
        QCOMPARE(body["model"].toString(), qs(upstreamModel("anthropic")));
        QVERIFY(usage.contains("cache_creation_input_tokens"));
    } else {
        QCOMPARE(body["model"].toString(), qs(model)); // translated answers name the client's model
    }

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["endpoint"], QString("/v1/messages"));
    QCOMPARE(record["provider"], provider);
    QCOMPARE(record["stream"], QString("0"));
    QCOMPARE(record["prompt_tokens"], QString::number(usage["input_tokens"].toInt()));
    QCOMPARE(record["completion_tokens"], QString::number(usage["output_tokens"].toInt()));
    QCOMPARE(record["usage_estimated"], QString("0"));
}

void ProviderTranslationTest::messagesStreamHasAnthropicEventSequence_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QStringList>("events"); // runs of content_block_delta as one
    // Anthropic's own order (passed through), and the translator's: a ping right after message_start.
    const QStringList upstream{"message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop"};
    const QStringList translated{"message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop"};
    QTest::newRow("anthropic") << "anthropic" << upstream;
    for (const QString provider : {"openai", "openai-compatible", "azure", "gemini", "mock"})
        QTest::addRow("%s", qPrintable(provider)) << provider << translated;
}

void ProviderTranslationTest::messagesStreamHasAnthropicEventSequence()
{
    QFETCH(QString, provider);
    QFETCH(QStringList, events);
    const auto response = post("/v1/messages", messagesBody(provider.toStdString() + "-chat", true));
    QVERIFY2(response.status == 200, response.body.c_str());
    QCOMPARE(response.header("content-type"), std::string("text/event-stream"));
    const auto stream = readMessagesStream(response.body);
    QCOMPARE(stream.names, events);
    QVERIFY2(stream.problems.isEmpty(), qPrintable(stream.problems.join("\n")));
    QVERIFY(!stream.leftover);
    QVERIFY(stream.deltas >= 1);
    QCOMPARE(stream.start["type"].toString(), QString("message"));
    QCOMPARE(stream.start["role"].toString(), QString("assistant"));
    QVERIFY(stream.start["usage"].toObject().contains("input_tokens"));
    QCOMPARE(stream.blockStarts.size(), 1);
    QCOMPARE(stream.blockStarts[0]["type"].toString(), QString("text"));
    QCOMPARE(stream.text, mockText());
    QCOMPARE(stream.messageDelta["delta"].toObject()["stop_reason"].toString(), QString("end_turn"));
    QVERIFY(stream.messageDelta["usage"].toObject()["output_tokens"].toInt() > 0);

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["provider"], provider);
    QCOMPARE(record["stream"], QString("1"));
    QVERIFY(record["prompt_tokens"].toInt() > 0);
    QCOMPARE(record["completion_tokens"], QString::number(stream.messageDelta["usage"].toObject()["output_tokens"].toInt()));
    QCOMPARE(record["usage_estimated"], QString("0"));
    if (provider != "anthropic") // translated: OpenAI reports usage at the end, so message_delta carries the input tokens
        QCOMPARE(QString::number(stream.messageDelta["usage"].toObject()["input_tokens"].toInt()), record["prompt_tokens"]);
}

void ProviderTranslationTest::messagesToolUseComesBackAsAnthropicToolUse_data()
{
    chatToolCallsComeBackAsOpenAiToolCalls_data();
    QTest::newRow("anthropic (passed through)") << "anthropic" << false;
    QTest::newRow("anthropic (passed through), streamed") << "anthropic" << true;
}

void ProviderTranslationTest::messagesToolUseComesBackAsAnthropicToolUse()
{
    QFETCH(QString, provider);
    QFETCH(bool, stream);
    const auto response = post("/v1/messages", messagesBody(provider.toStdString() + "-chat", stream, std::string(R"(,"tools":)") + kAnthropicTools));
    QVERIFY2(response.status == 200, response.body.c_str());
    if (stream) {
        const auto events = readMessagesStream(response.body);
        QVERIFY2(events.problems.isEmpty(), qPrintable(events.problems.join("\n")));
        QCOMPARE(events.names.front(), QString("message_start"));
        QCOMPARE(events.names.back(), QString("message_stop"));
        QVERIFY2(events.blockStarts.size() == 1, response.body.c_str());
        QCOMPARE(events.blockStarts[0]["type"].toString(), QString("tool_use"));
        QCOMPARE(events.blockStarts[0]["name"].toString(), QString("get_weather"));
        verifyToolUseId(events.blockStarts[0]["id"].toString(), provider);
        verifyWeatherArguments(events.partialJson);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(events.messageDelta["delta"].toObject()["stop_reason"].toString(), QString("tool_use"));
    } else {
        const auto body = test::jsonBody(response);
        const auto content = body["content"].toArray();
        QVERIFY2(content.size() == 1, response.body.c_str());
        const auto block = content[0].toObject();
        QCOMPARE(block["type"].toString(), QString("tool_use"));
        QCOMPARE(block["name"].toString(), QString("get_weather"));
        verifyToolUseId(block["id"].toString(), provider);
        verifyWeatherArguments(QString::fromUtf8(QJsonDocument(block["input"].toObject()).toJson(QJsonDocument::Compact)));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(body["stop_reason"].toString(), QString("tool_use"));
    }
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["provider"], provider);
    QVERIFY(record["completion_tokens"].toInt() > 0);
    QCOMPARE(record["usage_estimated"], QString("0"));
}

void ProviderTranslationTest::messagesWithoutMaxTokensGetAnAnthropic400_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<bool>("stream");
    for (const QString provider : {"anthropic", "openai", "openai-compatible", "azure", "gemini", "mock"}) {
        QTest::addRow("%s", qPrintable(provider)) << provider << false;
        QTest::addRow("%s, streamed", qPrintable(provider)) << provider << true;
    }
}

void ProviderTranslationTest::messagesWithoutMaxTokensGetAnAnthropic400()
{
    QFETCH(QString, provider);
    QFETCH(bool, stream);
    const auto body = R"({"model":")" + provider.toStdString() + R"(-chat","stream":)" + (stream ? "true" : "false")
        + R"(,"messages":[{"role":"user","content":"Hello"}]})";
    const auto response = post("/v1/messages", body);
    QVERIFY2(response.status == 400, response.body.c_str());
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    verifyAnthropicError(response, "invalid_request_error");
    QVERIFY2(test::jsonBody(response)["error"].toObject()["message"].toString().contains("max_tokens"), response.body.c_str());
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("400"));
    QCOMPARE(record["endpoint"], QString("/v1/messages"));
}

// ---------------------------------------------------------------------------------------------
// 5. /v1/embeddings.

void ProviderTranslationTest::embeddingsAreAnOpenAiListInInputOrder_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QStringList>("inputs");
    QTest::addColumn<bool>("asArray");
    QTest::addColumn<int>("dimensions"); // 0 = the default
    QTest::addColumn<QString>("encoding"); // encoding_format, "" = not given (float)
    for (const QString provider : {"openai", "openai-compatible", "azure", "gemini", "mock"}) {
        QTest::addRow("%s, one string", qPrintable(provider)) << provider << QStringList{"solo"} << false << 0 << "";
        QTest::addRow("%s, three strings", qPrintable(provider)) << provider << QStringList{"alpha", "beta", "gamma"} << true << 0 << "";
        QTest::addRow("%s, two strings, 16 dimensions", qPrintable(provider)) << provider << QStringList{"alpha", "beta"} << true << 16 << "float";
        // What the official Python SDK asks for by default.
        QTest::addRow("%s, two strings, base64", qPrintable(provider)) << provider << QStringList{"alpha", "beta"} << true << 0 << "base64";
    }
}

void ProviderTranslationTest::embeddingsAreAnOpenAiListInInputOrder()
{
    QFETCH(QString, provider);
    QFETCH(QStringList, inputs);
    QFETCH(bool, asArray);
    QFETCH(int, dimensions);
    QFETCH(QString, encoding);
    QJsonObject request{{"model", provider + "-chat"}};
    if (!encoding.isEmpty())
        request["encoding_format"] = encoding;
    request["input"] = asArray ? QJsonValue(QJsonArray::fromStringList(inputs)) : QJsonValue(inputs.front());
    if (dimensions > 0)
        request["dimensions"] = dimensions;
    const auto response = post("/v1/embeddings", QJsonDocument(request).toJson(QJsonDocument::Compact).toStdString());
    QVERIFY2(response.status == 200, response.body.c_str());
    const auto body = test::jsonBody(response);
    QCOMPARE(body["object"].toString(), QString("list"));
    const auto data = body["data"].toArray();
    QCOMPARE(data.size(), inputs.size());
    for (int i = 0; i < data.size(); ++i) {
        const auto entry = data[i].toObject();
        QCOMPARE(entry["object"].toString(), QString("embedding"));
        QCOMPARE(entry["index"].toInt(), i);
        const auto vector = embeddingValues(entry["embedding"], encoding == "base64");
        // The mocks' vectors are a function of the text: each one belongs to its own input.
        const auto expected = mockEmbedding(inputs[i].toStdString(), dimensions > 0 ? dimensions : kMockEmbeddingDimensions);
        QVERIFY2(vector.size() == qsizetype(expected.size()), response.body.c_str());
        for (qsizetype j = 0; j < vector.size(); ++j)
            QVERIFY2(std::abs(vector[j] - expected[j]) < 1e-6, qPrintable(QString("input %1, value %2").arg(i).arg(j)));
    }
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["endpoint"], QString("/v1/embeddings"));
    QCOMPARE(record["provider"], provider);
    QVERIFY(record["prompt_tokens"].toInt() > 0);
}

void ProviderTranslationTest::embeddingsToAProviderWithoutThemGet400()
{
    const auto response = post("/v1/embeddings", R"({"model":"anthropic-chat","input":"Hello"})");
    QVERIFY2(response.status == 400, response.body.c_str());
    const auto error = test::jsonBody(response)["error"].toObject();
    QCOMPARE(error["code"].toString(), QString("embeddings_unsupported"));
    QVERIFY2(error["message"].toString().contains("'anthropic' has no embeddings"), response.body.c_str());
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("400"));
    QCOMPARE(record["error_code"], QString("embeddings_unsupported"));
    QCOMPARE(record["provider"], QString("anthropic"));
}

// ---------------------------------------------------------------------------------------------
// 6. Provider errors, in the shape of the API the client called.

void ProviderTranslationTest::providerErrorsKeepTheirMessageInTheClientsShape_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code"); // the OpenAI error code, and the record's error_code
    QTest::addColumn<QString>("message"); // a part of the error message the client must see
    QTest::addColumn<QString>("retryAfter"); // "" = no Retry-After header
    QTest::addColumn<bool>("stream"); // the error comes before the stream begins: a plain JSON answer

    struct FlavorErrors {
        const char* provider;
        const char* invalidCode;
        const char* invalid;
        const char* rateLimited;
        const char* serverError;
        const char* overloaded;
        const char* badKey;
    };
    const FlavorErrors flavors[] = {
        {"openai", "invalid_request_error", "Invalid request (mock error asked for by the model name 'mock-error-400').",
            "Rate limit reached for mock-error-429 in organization org-mock",
            "The server had an error while processing your request.", "Mock error 529", "Incorrect API key provided."},
        {"azure", "invalid_request_error", "Invalid request (mock error asked for by the model name 'mock-error-400').",
            "Rate limit is exceeded. Try again in 1 seconds.", "Backend returned unexpected response.", "Mock error 529",
            "Access denied due to invalid subscription key"},
        {"anthropic", "upstream_400", "Mock error 400 asked for by the model name 'mock-error-400'.", "This request would exceed the rate limit for your organization of 1 requests per minute.",
            "Internal server error", "Overloaded", "invalid x-api-key"},
        {"gemini", "invalid_argument", "Request contains an invalid argument.", "You exceeded your current quota, please check your plan and billing details.",
            "An internal error has occurred.", "Mock error 529", "API key not valid. Please pass a valid API key."},
    };
    for (const auto& f : flavors) {
        const QString p = f.provider;
        const auto add = [&](const QString& api, const char* what, const char* path, const char* model, int status, const QString& code,
                             const QString& message, const char* retryAfter, bool stream) {
            QTest::addRow("%s, %s, %s", f.provider, qPrintable(api), what)
                << QString(path) << p + model << status << code << message << retryAfter << stream;
        };
        for (const char* path : {"/v1/chat/completions", "/v1/messages"}) {
            const QString api = QString(path) == "/v1/messages" ? "messages" : "chat";
            add(api, "400", path, "-error-400", 400, f.invalidCode, f.invalid, "", false);
            add(api, "429", path, "-error-429", 429, "rate_limit_exceeded", f.rateLimited, "1", false);
            add(api, "500", path, "-error-500", 500, "upstream_500", f.serverError, "", false);
            add(api, "529 becomes 503", path, "-error-529", 503, "upstream_529", f.overloaded, "", false);
            add(api, "wrong upstream key", path, "-wrong-key", 502, "upstream_auth_failed", f.badKey, "", false);
            add(api, "streamed, 429", path, "-error-429", 429, "rate_limit_exceeded", f.rateLimited, "1", true);
            add(api, "streamed, wrong upstream key", path, "-wrong-key", 502, "upstream_auth_failed", f.badKey, "", true);
            add(api, "unreachable", path, "-down", 502, "upstream_error", "cannot connect to provider '" + p + "-down'", "", false);
        }
        if (p != "anthropic") {
            add("embeddings", "429", "/v1/embeddings", "-error-429", 429, "rate_limit_exceeded", f.rateLimited, "1", false);
            add("embeddings", "wrong upstream key", "/v1/embeddings", "-wrong-key", 502, "upstream_auth_failed", f.badKey, "", false);
        }
    }
}

void ProviderTranslationTest::providerErrorsKeepTheirMessageInTheClientsShape()
{
    QFETCH(QString, path);
    QFETCH(QString, model);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, retryAfter);
    QFETCH(bool, stream);
    std::string body;
    if (path == "/v1/messages")
        body = messagesBody(model.toStdString(), stream);
    else if (path == "/v1/embeddings")
        body = R"({"model":")" + model.toStdString() + R"(","input":"Hello"})";
    else
        body = chatBody(model.toStdString(), stream);
    const auto response = post(path.toStdString(), body);
    QVERIFY2(response.status == status, response.body.c_str());
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    QCOMPARE(qs(response.header("retry-after")), retryAfter);
    QVERIFY(response.body.find(kUpstreamKey) == std::string::npos);
    QVERIFY(response.body.find(kWrongUpstreamKey) == std::string::npos);
    const auto json = test::jsonBody(response);
    const auto error = json["error"].toObject();
    if (path == "/v1/messages") {
        verifyAnthropicError(response, anthropicErrorType(status));
        QVERIFY2(json.size() == 2, response.body.c_str()); // type and error, nothing else
    } else {
        QCOMPARE(error["code"].toString(), code);
        QVERIFY(!error["type"].toString().isEmpty());
    }
    QVERIFY2(error["message"].toString().contains(message), response.body.c_str());
    if (code == "upstream_auth_failed") // the gateway's credentials, not the client's: never a 401
        QVERIFY2(error["message"].toString().contains("rejected the gateway's credentials"), response.body.c_str());
    else if (code != "upstream_error") // the provider's own answer, prefixed with its name
        QVERIFY2(error["message"].toString().startsWith("Provider '" + model.section("-error-", 0, 0) + "' answered HTTP "), response.body.c_str());

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString::number(status));
    QCOMPARE(record["error_code"], code);
    QCOMPARE(record["endpoint"], path);
    QCOMPARE(record["stream"], stream ? QString("1") : QString("0"));
}

// ---------------------------------------------------------------------------------------------
// 7. GatewayServer::testProvider: one real call, recorded.

void ProviderTranslationTest::testProviderMakesOneRecordedCall_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message"); // "" = the start of the mock's answer
    QTest::addColumn<QString>("errorCode");
    for (const auto& upstream : kUpstreamKinds) {
        QTest::newRow(upstream.name) << QString(upstream.name) << 200 << "" << "";
        QTest::addRow("%s, unreachable", upstream.name) << QString(upstream.name) + "-down" << 502
            << "cannot connect to provider '" + QString(upstream.name) + "-down' at http://127.0.0.1:" << "upstream_error";
    }
    QTest::newRow("mock") << "mock" << 200 << "" << "";
    const auto wrongKey = [](const char* provider, const char* reason, int upstreamStatus = 401) {
        QTest::addRow("%s, wrong key", provider) << QString(provider) + "-wrong-key" << 502
            << "Provider '" + QString(provider) + "-wrong-key' rejected the gateway's credentials (HTTP " + QString::number(upstreamStatus)
                + "): " + reason
            << "upstream_auth_failed";
    };
    const char* openAiReason = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.";
    wrongKey("openai", openAiReason);
    wrongKey("openai-compatible", openAiReason);
    wrongKey("azure", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an "
                      "active subscription and use a correct regional API endpoint for your resource.");
    wrongKey("anthropic", "invalid x-api-key");
    // Gemini answers a bad key with 400 API_KEY_INVALID: a credentials failure, reported with the
    // status Gemini really sent, so it matches the provider's own logs.
    wrongKey("gemini", "API key not valid. Please pass a valid API key.", 400);
}

void ProviderTranslationTest::testProviderMakesOneRecordedCall()
{
    QFETCH(QString, provider);
    QFETCH(int, status);
    QFETCH(QString, message);
    QFETCH(QString, errorCode);
    auto promise = std::make_shared<std::promise<ProviderTestResult>>();
    auto future = promise->get_future();
    m_gateway->server().testProvider(provider.toStdString(), [promise](ProviderTestResult result) { promise->set_value(std::move(result)); });
    QVERIFY2(future.wait_for(kProbeTimeout) == std::future_status::ready, "testProvider did not call back");
    const auto result = future.get();
    QCOMPARE(result.status, status);
    QCOMPARE(result.ok, status == 200);
    auto deployment = provider;
    for (const QString suffix : {"-wrong-key", "-down"}) {
        if (deployment.endsWith(suffix))
            deployment.chop(suffix.size());
    }
    QCOMPARE(qs(result.model), qs(upstreamModel(deployment.toStdString())));
    if (message.isEmpty()) {
        QVERIFY(!result.message.empty());
        QVERIFY2(mockText().startsWith(qs(result.message)), result.message.c_str());
    } else if (errorCode == "upstream_error") { // the connect error's wording is the system's
        QVERIFY2(qs(result.message).startsWith(message), result.message.c_str());
    } else {
        QCOMPARE(qs(result.message), message);
    }

    const auto records = callRecordsAt(m_gateway->server(), "/admin/test-connection");
    QCOMPARE(records.size(), 1);
    QCOMPARE(records[0]["status"], QString::number(status));
    QCOMPARE(records[0]["provider"], provider);
    QCOMPARE(records[0]["deployment"], qs(result.model));
    QCOMPARE(records[0]["error_code"], errorCode);
    if (status == 200) {
        QVERIFY(records[0]["prompt_tokens"].toInt() > 0);
        QVERIFY(records[0]["completion_tokens"].toInt() > 0);
    }
}

QTEST_GUILESS_MAIN(ProviderTranslationTest)
#include "ProviderTranslationTest.moc"
