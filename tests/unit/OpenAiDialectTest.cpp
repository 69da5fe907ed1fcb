// OpenAiDialect: OpenAI and Azure requests for translated traffic (e.g. /v1/messages → openai),
// stream decoding, and provider errors kept with their message.
#include "dialects/OpenAiDialect.h"
#include "openai/TranslationError.h"

#include <QtTest>

using namespace gatehouse;

namespace {

ProviderConfig provider(ProviderKind kind, std::string apiKey, std::string apiVersion = {})
{
    ProviderConfig config;
    config.name = "up";
    config.kind = kind;
    config.apiKey = std::move(apiKey);
    config.apiVersion = std::move(apiVersion);
    return config;
}

const Json kChat = Json::parse(R"({"model":"public","messages":[{"role":"user","content":"hi"}],"stream":true})");

} // namespace

class OpenAiDialectTest : public QObject {
    Q_OBJECT
private slots:
    void openAiCallsCarryTheUpstreamModelAndAskForStreamUsage();
    void serversWithoutStreamUsageAreNotAskedForIt();
    void azureAddressesTheDeploymentWithItsApiVersion();
    void streamDecoderPassesChunksAndKeepsUsage();
    void streamErrorEventThrows();
    void errorsKeepTheProviderMessage_data();
    void errorsKeepTheProviderMessage();
};

void OpenAiDialectTest::openAiCallsCarryTheUpstreamModelAndAskForStreamUsage()
{
    const auto config = provider(ProviderKind::OpenAi, "sk-test");
    const OpenAiDialect dialect(OpenAiDialect::Flavor::OpenAi);
    const auto call = dialect.chatCall(kChat, {config, "gpt-4o-mini"});
    QCOMPARE(call.target, std::string("/chat/completions"));
    QCOMPARE(call.headers.size(), std::size_t(1));
    QCOMPARE(call.headers[0].first, std::string("Authorization"));
    QCOMPARE(call.headers[0].second, std::string("Bearer sk-test"));
    const auto body = Json::parse(call.body);
    QCOMPARE(body["model"].get<std::string>(), std::string("gpt-4o-mini"));
    QCOMPARE(body["stream_options"]["include_usage"].get<bool>(), true);
    QCOMPARE(body["messages"], kChat["messages"]);
}

void OpenAiDialectTest::serversWithoutStreamUsageAreNotAskedForIt()
{
    auto config = provider(ProviderKind::OpenAiCompatible, "");
    config.quirks.streamUsage = false;
    auto chat = kChat;
    chat["stream_options"] = {{"include_usage", true}};
    const auto call = OpenAiDialect(OpenAiDialect::Flavor::OpenAi).chatCall(chat, {config, "llama"});
    QVERIFY(call.headers.empty()); // no key configured: no Authorization header
    QVERIFY(!Json::parse(call.body).contains("stream_options"));
}

void OpenAiDialectTest::azureAddressesTheDeploymentWithItsApiVersion()
{
    const auto config = provider(ProviderKind::AzureOpenAi, "azure-key", "2024-10-21");
    const OpenAiDialect dialect(OpenAiDialect::Flavor::Azure);
    const auto call = dialect.chatCall(kChat, {config, "my-gpt4o"});
    QCOMPARE(call.target, std::string("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21"));
    QCOMPARE(call.headers[0].first, std::string("api-key"));
    QCOMPARE(call.headers[0].second, std::string("azure-key"));
    const auto embeddings = dialect.embeddingsCall(Json::parse(R"({"model":"e","input":"x"})"), {config, "my-embed"});
    QCOMPARE(embeddings.target, std::string("/openai/deployments/my-embed/embeddings?api-version=2024-10-21"));
}

void OpenAiDialectTest::streamDecoderPassesChunksAndKeepsUsage()
{
    const auto config = provider(ProviderKind::OpenAi, "k");
    const DialectTarget target{config, "m"};
    const auto decoder = OpenAiDialect(OpenAiDialect::Flavor::OpenAi).chatStream(target);
    const auto chunks = decoder->onEvent({"", R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null})"});
    QCOMPARE(chunks.size(), std::size_t(1));
    QCOMPARE(chunks[0]["choices"][0]["delta"]["content"].get<std::string>(), std::string("Hi"));
    QVERIFY(!decoder->usage());
    decoder->onEvent({"", R"({"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})"});
    QVERIFY(decoder->usage());
    QCOMPARE(decoder->usage()->promptTokens, int64_t(12));
    QCOMPARE(decoder->usage()->completionTokens, int64_t(3));
    QCOMPARE(decoder->usage()->cachedPromptTokens, int64_t(4));
    QCOMPARE(decoder->usage()->reasoningTokens, int64_t(2));
    QVERIFY(!decoder->finished());
    QVERIFY(decoder->onEvent({"", "[DONE]"}).empty());
    QVERIFY(decoder->finished());
}

void OpenAiDialectTest::streamErrorEventThrows()
{
    const auto config = provider(ProviderKind::OpenAi, "k");
    const DialectTarget target{config, "m"};
    const auto decoder = OpenAiDialect(OpenAiDialect::Flavor::OpenAi).chatStream(target);
    try {
        decoder->onEvent({"", R"({"error":{"message":"The server had an error","type":"server_error"}})"});
        QFAIL("an error event must throw");
    } catch (const TranslationError& error) {
        QVERIFY(error.error().message.find("The server had an error") != std::string::npos);
        QVERIFY(error.error().status >= 500);
    }
}

void OpenAiDialectTest::errorsKeepTheProviderMessage_data()
{
    QTest::addColumn<int>("upstreamStatus");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("401 is the gateway's credentials") << 401 << R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}})"
                                                      << 502 << "upstream_auth_failed" << "Incorrect API key provided";
    QTest::newRow("429 stays a rate limit") << 429 << R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})"
                                            << 429 << "rate_limit_exceeded" << "Rate limit reached";
    QTest::newRow("400 keeps the code") << 400 << R"({"error":{"message":"context too long","type":"invalid_request_error","code":"context_length_exceeded"}})"
                                        << 400 << "context_length_exceeded" << "context too long";
    QTest::newRow("azure deployment missing") << 404 << R"({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}})"
                                              << 404 << "DeploymentNotFound" << "deployment for this resource does not exist";
    QTest::newRow("not JSON") << 503 << "<html>Service Unavailable</html>" << 503 << "upstream_503" << "<html>Service Unavailable</html>";
}

void OpenAiDialectTest::errorsKeepTheProviderMessage()
{
    QFETCH(int, upstreamStatus);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const auto config = provider(ProviderKind::OpenAi, "k");
    const auto error = OpenAiDialect(OpenAiDialect::Flavor::OpenAi).error(upstreamStatus, body.toStdString(), {config, "m"});
    QCOMPARE(error.status, status);
    QCOMPARE(QString::fromStdString(error.code), code);
    QVERIFY2(error.message.find(message.toStdString()) != std::string::npos, error.message.c_str());
    QVERIFY2(error.message.find("Provider 'up'") != std::string::npos, error.message.c_str());
}

QTEST_APPLESS_MAIN(OpenAiDialectTest)
#include "OpenAiDialectTest.moc"
