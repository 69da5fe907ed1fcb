// The gateway in-process on port 0 in front of mock upstreams on port 0: success, streaming,
// every error the data plane answers, keep-alive pooling, and the call records of it all.
#include "GatewayServer.h"
#include "TemporaryDataDirectory.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "auth/ApiKey.h"
#include "mockupstream/MockUpstreamServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <random>
#include <thread>

using namespace gatehouse;

namespace {

const std::string kChat = R"({"model":"chat","messages":[{"role":"user","content":"Hello"}]})";

std::string chatBody(const std::string& model, bool stream = false)
{
    return R"({"model":")" + model + R"(","stream":)" + (stream ? "true" : "false") + R"(,"messages":[{"role":"user","content":"Hello"}]})";
}

ProviderConfig openAiProvider(std::string name, uint16_t port, std::string apiKey)
{
    return test::openAiCompatibleProvider(std::move(name), {false, "127.0.0.1", port, "/v1"}, std::move(apiKey));
}

} // namespace

class GatewayIntegrationTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void chatCompletionPassesThroughWithTheModelSpliced();
    void streamingChunksArriveAsTheyAreSent_data();
    void streamingChunksArriveAsTheyAreSent();
    void modelsListShowsOnlyWhatTheKeyMayUse();
    void errorsAreOpenAiShaped_data();
    void errorsAreOpenAiShaped();
    void aBodyOverTheLimitGets413();
    void malformedHttpGets400AndTheServerKeepsServing();
    void garbageNeverBreaksTheServer();
    void upstreamConnectionsAreKeptAlive();
    void connectionsTheProviderClosedAreNotUsed();
    void callsCutOffAtShutdownAreRecorded();
    void concurrentCallsAreAllAnsweredAndRecorded();
    void healthzAnswersWithoutAKey();
    void keysCreatedAtRunTimeWorkAtOnce();
    void adminStatusCountsCallsAndRecords();
    void theAdminListenerRefusesNonLoopbackAddresses();

private:
    int countRecords(const std::string& where);
    std::unique_ptr<MockUpstreamServer> m_upstream;
    std::unique_ptr<MockUpstreamServer> m_slowUpstream;
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::string m_key;
    std::string m_limitedKey;
};

void GatewayIntegrationTest::initTestCase()
{
    m_upstream = std::make_unique<MockUpstreamServer>(MockUpstreamOptions{{"127.0.0.1", 0}, 1, std::chrono::milliseconds(0), 5,
        std::chrono::milliseconds(40), "upstream-secret"});
    m_upstream->start();
    m_slowUpstream = std::make_unique<MockUpstreamServer>(MockUpstreamOptions{{"127.0.0.1", 0}, 1, std::chrono::milliseconds(3000)});
    m_slowUpstream->start();
}

void GatewayIntegrationTest::init()
{
    GatewayConfig config;
    config.server.threads = 1; // one worker: one upstream pool, so connection reuse is observable
    config.server.maxBodyBytes = 64 * 1024;
    config.server.adminListen = HostPort{"127.0.0.1", 0};
    config.providers.push_back(openAiProvider("upstream", m_upstream->address().port, "upstream-secret"));
    config.providers.push_back(openAiProvider("wrong-key", m_upstream->address().port, "not-the-secret"));
    config.providers.push_back(openAiProvider("down", test::closedLoopbackPort(), "x"));
    auto slow = openAiProvider("slow", m_slowUpstream->address().port, "x");
    slow.readTimeout = std::chrono::milliseconds(200);
    config.providers.push_back(slow);
    ProviderConfig mock;
    mock.name = "mock";
    mock.mock.streamChunks = 4;
    config.providers.push_back(mock);
    config.models.push_back({"chat", {{"upstream", "upstream-model", 1}}});
    config.models.push_back({"chat-wrong-key", {{"wrong-key", "m", 1}}});
    config.models.push_back({"chat-down", {{"down", "m", 1}}});
    config.models.push_back({"chat-slow", {{"slow", "m", 1}}});
    config.models.push_back({"mock-chat", {{"mock", "mock-v1", 1}}});
    m_key = generateApiKey();
    m_limitedKey = generateApiKey();
    config.keys.push_back({"full", m_key, "env:FULL", "team-a", {}});
    config.keys.push_back({"limited", m_limitedKey, "env:LIMITED", "team-b", {"chat"}});
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
}

void GatewayIntegrationTest::cleanup()
{
    m_gateway.reset();
}

void GatewayIntegrationTest::cleanupTestCase()
{
    m_upstream.reset();
    m_slowUpstream.reset();
}

void GatewayIntegrationTest::chatCompletionPassesThroughWithTheModelSpliced()
{
    const auto response = m_gateway->client().postJson("/v1/chat/completions", kChat, m_key);
    QCOMPARE(response.status, 200);
    const auto body = test::jsonBody(response);
    QCOMPARE(body["object"].toString(), QString("chat.completion"));
    QCOMPARE(body["model"].toString(), QString("upstream-model")); // the upstream saw the deployment's name
    QVERIFY(!body["choices"].toArray()[0].toObject()["message"].toObject()["content"].toString().isEmpty());
    QVERIFY(response.header("x-gatehouse-request-id").starts_with("req_"));

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["model"], QString("chat"));
    QCOMPARE(record["provider"], QString("upstream"));
    QCOMPARE(record["deployment"], QString("upstream-model"));
    QCOMPARE(record["tenant"], QString("team-a"));
    QCOMPARE(record["key_prefix"], QString::fromStdString(m_key.substr(0, 10)));
    QCOMPARE(record["prompt_tokens"], QString::number(body["usage"].toObject()["prompt_tokens"].toInt()));
    QCOMPARE(record["completion_tokens"], QString::number(body["usage"].toObject()["completion_tokens"].toInt()));
    QCOMPARE(record["stream"], QString("0"));
    QVERIFY(record["latency_us"].toLongLong() > 0);
    QVERIFY(record["ttfb_us"].toLongLong() > 0);
    QVERIFY(record["overhead_us"].toLongLong() >= 0);
    QVERIFY(record["overhead_us"].toLongLong() <= record["latency_us"].toLongLong());
}

void GatewayIntegrationTest::streamingChunksArriveAsTheyAreSent_data()
{
    QTest::addColumn<QString>("model");
    QTest::newRow("openai-compatible upstream") << "chat";
    QTest::newRow("built-in mock provider") << "mock-chat";
}

void GatewayIntegrationTest::streamingChunksArriveAsTheyAreSent()
{
    QFETCH(QString, model);
    std::vector<TimedPiece> pieces;
    const auto response = m_gateway->client().requestStreaming("POST", "/v1/chat/completions", chatBody(model.toStdString(), true),
        {{"Authorization", "Bearer " + m_key}}, pieces);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), std::string("text/event-stream"));
    QCOMPARE(response.header("transfer-encoding"), std::string("chunked"));
    QVERIFY(response.body.ends_with("data: [DONE]\n\n"));
    QVERIFY2(pieces.size() >= 3, qPrintable(QString("only %1 piece(s): the stream was buffered").arg(pieces.size())));
    if (model == "chat") // the upstream paces its events 40 ms apart: they must not arrive together
        QVERIFY(pieces.back().at - pieces.front().at >= std::chrono::milliseconds(100));
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["stream"], QString("1"));
    QVERIFY(record["completion_tokens"].toInt() > 0); // read from the last chunk
}

void GatewayIntegrationTest::modelsListShowsOnlyWhatTheKeyMayUse()
{
    const auto all = m_gateway->client().request("GET", "/v1/models", {}, {{"Authorization", "Bearer " + m_key}});
    QCOMPARE(all.status, 200);
    QCOMPARE(test::jsonBody(all)["object"].toString(), QString("list"));
    QCOMPARE(test::jsonBody(all)["data"].toArray().size(), 5);
    const auto limited = m_gateway->client().request("GET", "/v1/models", {}, {{"x-api-key", m_limitedKey}});
    const auto data = test::jsonBody(limited)["data"].toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(data[0].toObject()["id"].toString(), QString("chat"));
}

void GatewayIntegrationTest::errorsAreOpenAiShaped_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("param");
    const QString chat = QString::fromStdString(kChat);
    QTest::newRow("no key") << "POST" << "/v1/chat/completions" << chat << "" << 401 << "missing_api_key" << "";
    QTest::newRow("bad key") << "POST" << "/v1/chat/completions" << chat << "gk-wrong" << 401 << "invalid_api_key" << "";
    QTest::newRow("bad key on models") << "GET" << "/v1/models" << "" << "gk-wrong" << 401 << "invalid_api_key" << "";
    QTest::newRow("malformed json") << "POST" << "/v1/chat/completions" << "{\"model\":" << "full" << 400 << "invalid_json" << "";
    QTest::newRow("missing messages") << "POST" << "/v1/chat/completions" << R"({"model":"chat"})" << "full" << 400
                                      << "missing_required_parameter" << "messages";
    QTest::newRow("unknown model") << "POST" << "/v1/chat/completions" << R"({"model":"gpt-9","messages":[{}]})" << "full" << 404
                                   << "model_not_found" << "model";
    QTest::newRow("model the key may not use") << "POST" << "/v1/chat/completions" << R"({"model":"mock-chat","messages":[{}]})"
                                               << "limited" << 404 << "model_not_found" << "model";
    QTest::newRow("unknown path") << "POST" << "/v1/nothing" << chat << "full" << 404 << "not_found" << "";
    QTest::newRow("wrong method") << "GET" << "/v1/chat/completions" << "" << "full" << 405 << "method_not_allowed" << "";
    QTest::newRow("upstream down") << "POST" << "/v1/chat/completions" << R"({"model":"chat-down","messages":[{}]})" << "full"
                                   << 502 << "upstream_error" << "";
    QTest::newRow("upstream timeout") << "POST" << "/v1/chat/completions" << R"({"model":"chat-slow","messages":[{}]})"
                                      << "full" << 504 << "upstream_timeout" << "";
    QTest::newRow("upstream refuses our key") << "POST" << "/v1/chat/completions" << R"({"model":"chat-wrong-key","messages":[{}]})"
                                              << "full" << 502 << "upstream_auth_failed" << "";
}

void GatewayIntegrationTest::errorsAreOpenAiShaped()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(QString, key);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, param);
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    if (!key.isEmpty())
        headers["Authorization"] = "Bearer " + (key == "full" ? m_key : key == "limited" ? m_limitedKey : key.toStdString());
    const auto response = m_gateway->client().request(method.toStdString(), path.toStdString(), body.toStdString(), headers);
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    const auto error = test::jsonBody(response)["error"].toObject();
    QVERIFY2(!error["message"].toString().isEmpty(), response.body.c_str());
    QVERIFY(!error["type"].toString().isEmpty());
    QCOMPARE(error["code"].toString(), code);
    QCOMPARE(error["param"].isNull() ? QString() : error["param"].toString(), param);
    if (status == 405)
        QCOMPARE(response.header("allow"), std::string("POST"));
    QVERIFY(response.body.find(m_key) == std::string::npos);
    QVERIFY(response.body.find("upstream-secret") == std::string::npos);

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString::number(status));
    QCOMPARE(record["error_code"], code);
}

void GatewayIntegrationTest::aBodyOverTheLimitGets413()
{
    const std::string huge = R"({"model":"chat","messages":[{"content":")" + std::string(100 * 1024, 'a') + R"("}]})";
    const auto response = m_gateway->client().postJson("/v1/chat/completions", huge, m_key);
    QCOMPARE(response.status, 413);
    QCOMPARE(test::jsonBody(response)["error"].toObject()["code"].toString(), QString("request_too_large"));
    m_gateway->server().settle();
    QCOMPARE(countRecords("status = 413"), 1);
}

void GatewayIntegrationTest::malformedHttpGets400AndTheServerKeepsServing()
{
    TestHttpClient raw(m_gateway->server().dataPlaneAddress().port);
    const auto response = raw.raw("THIS IS NOT HTTP\r\n\r\n");
    QCOMPARE(response.status, 400);
    QCOMPARE(m_gateway->client().postJson("/v1/chat/completions", kChat, m_key).status, 200);
}

void GatewayIntegrationTest::garbageNeverBreaksTheServer()
{
    // Cut-off, corrupted and random requests, each on its own connection; the gateway answers or
    // closes, and a good request still succeeds afterwards. Seeded, so every run sends the same bytes.
    const std::string valid = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + m_key
        + "\r\nContent-Length: " + std::to_string(kChat.size()) + "\r\n\r\n" + kChat;
    std::mt19937 random(42);
    for (int i = 0; i < 150; ++i) {
        std::string bytes = valid.substr(0, random() % valid.size());
        for (int flips = random() % 4; flips > 0 && !bytes.empty(); --flips)
            bytes[random() % bytes.size()] = static_cast<char>(random() % 256);
        if (i % 10 == 0)
            bytes = std::string(1 + random() % 300, static_cast<char>(random() % 256));
        boost::asio::io_context context;
        tcp::socket socket(context);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), m_gateway->server().dataPlaneAddress().port));
        boost::system::error_code ignored;
        asio::write(socket, asio::buffer(bytes), ignored);
        socket.shutdown(tcp::socket::shutdown_send, ignored); // the request ends here: no stall waiting for more
        std::array<char, 4096> answer;
        while (socket.read_some(asio::buffer(answer), ignored) > 0) {
        }
    }
    QCOMPARE(m_gateway->client().postJson("/v1/chat/completions", kChat, m_key).status, 200);
}

void GatewayIntegrationTest::upstreamConnectionsAreKeptAlive()
{
    const auto before = m_upstream->acceptedConnections();
    for (int i = 0; i < 20; ++i)
        QCOMPARE(m_gateway->client().postJson("/v1/chat/completions", kChat, m_key).status, 200);
    QCOMPARE(m_upstream->acceptedConnections() - before, uint64_t(1));
}

void GatewayIntegrationTest::connectionsTheProviderClosedAreNotUsed()
{
    MockUpstreamOptions options;
    options.dropConnectionsAfterAnswer = true;
    MockUpstreamServer dropping(options);
    dropping.start();
    GatewayConfig config;
    config.server.threads = 1;
    config.providers.push_back(openAiProvider("dropping", dropping.address().port, "x"));
    config.models.push_back({"chat", {{"dropping", "m", 1}}});
    config.keys.push_back({"k", m_key, "env:K", "default", {}});
    test::RunningGateway gateway(config);
    for (uint64_t call = 1; call <= 5; ++call) {
        QCOMPARE(gateway.client().postJson("/v1/chat/completions", kChat, m_key).status, 200);
        // The provider has closed the pooled connection before the next call is sent.
        QTRY_COMPARE(dropping.closedConnections(), call);
    }
    QCOMPARE(dropping.acceptedConnections(), uint64_t(5));
}

void GatewayIntegrationTest::callsCutOffAtShutdownAreRecorded()
{
    GatewayConfig config;
    config.server.drainTimeout = std::chrono::milliseconds(50);
    ProviderConfig slow;
    slow.name = "slow";
    slow.mock.latency = std::chrono::seconds(30); // far beyond the drain timeout
    config.providers.push_back(slow);
    config.models.push_back({"slow-chat", {{"slow", "s", 1}}});
    config.keys.push_back({"k", m_key, "env:K", "default", {}});
    test::RunningGateway gateway(config);
    auto& server = gateway.server();
    std::thread client([&, port = server.dataPlaneAddress().port] {
        TestHttpClient(port).postJson("/v1/chat/completions", R"({"model":"slow-chat","messages":[{}]})", m_key);
    });
    QTRY_COMPARE(server.inFlight(), 1);
    server.stop(); // the call is still waiting on its provider when the drain timeout ends
    client.join();

    Database db(server.databasePath());
    auto query = db.prepare("SELECT status, error_code, model FROM calls");
    QVERIFY(query.step());
    QCOMPARE(query.columnInt(0), int64_t(503));
    QCOMPARE(query.columnText(1), std::string("shutdown_cut_off"));
    QCOMPARE(query.columnText(2), std::string("slow-chat"));
    QVERIFY(!query.step());
}

void GatewayIntegrationTest::concurrentCallsAreAllAnsweredAndRecorded()
{
    constexpr int kThreads = 8;
    constexpr int kCallsEach = 25;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            TestHttpClient client(m_gateway->server().dataPlaneAddress().port);
            for (int i = 0; i < kCallsEach; ++i)
                ok += client.postJson("/v1/chat/completions", chatBody(t % 2 ? "chat" : "mock-chat", i % 3 == 0), m_key).status == 200;
        });
    }
    for (auto& thread : threads)
        thread.join();
    QCOMPARE(ok.load(), kThreads * kCallsEach);
    m_gateway->server().settle();
    QCOMPARE(countRecords("status = 200"), kThreads * kCallsEach);
}

void GatewayIntegrationTest::healthzAnswersWithoutAKey()
{
    const auto response = m_gateway->client().request("GET", "/healthz");
    QCOMPARE(response.status, 200);
    QCOMPARE(test::jsonBody(response)["status"].toString(), QString("ok"));
}

void GatewayIntegrationTest::keysCreatedAtRunTimeWorkAtOnce()
{
    const auto key = m_gateway->server().createKey("later");
    QCOMPARE(m_gateway->client().postJson("/v1/chat/completions", kChat, key).status, 200);
}

void GatewayIntegrationTest::adminStatusCountsCallsAndRecords()
{
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_gateway->client().postJson("/v1/chat/completions", kChat, m_key).status, 200);
    m_gateway->server().settle();
    TestHttpClient admin(m_gateway->server().adminAddress()->port);
    const auto response = admin.request("GET", "/admin/v1/status");
    QCOMPARE(response.status, 200);
    const auto status = test::jsonBody(response);
    QCOMPARE(status["in_flight"].toInt(), 0);
    QCOMPARE(status["call_records"].toObject()["written"].toInt(), 3);
    QCOMPARE(status["call_records"].toObject()["dropped"].toInt(), 0);
    QCOMPARE(admin.request("POST", "/admin/v1/status").status, 405);
    QCOMPARE(admin.request("GET", "/admin/v1/nothing").status, 404);
}

void GatewayIntegrationTest::theAdminListenerRefusesNonLoopbackAddresses()
{
    TemporaryDataDirectory dir;
    GatewayConfig config;
    config.server.listen = {"127.0.0.1", 0};
    config.server.adminListen = HostPort{"0.0.0.0", 0};
    GatewayServer server(config, dir.path());
    try {
        server.start();
        QFAIL("expected the start to fail");
    } catch (const std::runtime_error& error) {
        QVERIFY2(QString(error.what()).contains("only listens on loopback addresses"), error.what());
    }
}

int GatewayIntegrationTest::countRecords(const std::string& where)
{
    Database db(m_gateway->server().databasePath());
    auto query = db.prepare("SELECT count(*) FROM calls WHERE " + where);
    query.step();
    return static_cast<int>(query.columnInt(0));
}

QTEST_GUILESS_MAIN(GatewayIntegrationTest)
#include "GatewayIntegrationTest.moc"
