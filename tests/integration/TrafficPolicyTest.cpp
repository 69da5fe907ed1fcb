// The traffic policy on the data plane, over real HTTP on loopback: retries and fallbacks against
// `mock-upstream` fault modes, circuit breakers, the x-gatehouse-* headers, rate limits with their
// x-ratelimit-* headers, race-free budgets under 200 concurrent requests, and the response cache.
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "admin/AdminService.h"
#include "mockupstream/MockUpstreamServer.h"
#include "sse/SseParser.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

std::string chatBody(const std::string& model, bool stream = false, const std::string& extra = {})
{
    return "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false") + extra
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
}

std::string percentEncoded(const std::string& text)
{
    std::string out;
    const char* hex = "0123456789ABCDEF";
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.')
            out += static_cast<char>(c);
        else
            out += std::string("%") + hex[c >> 4] + hex[c & 15];
    }
    return out;
}

ModelConfig model(std::string name, std::vector<DeploymentConfig> deployments)
{
    ModelConfig config;
    config.name = std::move(name);
    config.deployments = std::move(deployments);
    return config;
}

// GET on the admin API as a trusted local caller (what the console's embedded client does).
QJsonArray adminList(GatewayServer& server, const std::string& path)
{
    const auto result = server.adminService().respond({http::verb::get, path, {}, AdminCaller::local("traffic-test")});
    return QJsonDocument::fromJson(QByteArray::fromStdString(result.body)).object()["data"].toArray();
}

int64_t sumOfCosts(GatewayServer& server)
{
    server.settle();
    Database db(server.databasePath());
    auto query = db.prepare("SELECT COALESCE(SUM(cost_micros), 0) FROM calls");
    query.step();
    return query.columnInt(0);
}

} // namespace

class TrafficPolicyTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void everyAnswerCarriesTheGatewayHeaders();
    void aFailedAttemptIsRetriedOnTheNextDeployment();
    void aFailingDeploymentIsRetriedAfterItsRetryAfter();
    void aClientErrorIsNotRetried();
    void whenEveryAttemptFailsTheClientGetsTheLastErrorClearly();
    void aTooLongPromptFallsBackToTheContextWindowFallback();
    void aModelWhoseDeploymentsAllFailFallsBackToAnotherModel();
    void theCircuitOpensAndStopsTrafficToAFailingDeployment();
    void aStreamIsNeverRetriedAfterItBegan();
    void rateLimitsRefuseWithRetryAfterAndHeaders();
    void aDeploymentAtItsLimitIsSkippedUntilEveryOneIs();
    void concurrentRequestsNeverOverspendABudget();
    void theCacheAnswersRepeatsAndRecordsTheSaving();
    void aStreamedAnswerIsCachedForStreamingAndWholeCallers();
    void cacheControlsSteerTheCache();

private:
    // Two OpenAI-compatible providers in front of the mock upstream, a priced mock provider, fast retries.
    GatewayConfig baseConfig() const;
    int upstreamRequests(const std::string& model);
    std::string keyFor(RunningGateway& gateway, const std::string& tenant = "default")
    {
        return gateway.server().createKey("traffic-test", tenant);
    }

    std::unique_ptr<MockUpstreamServer> m_upstream;
    std::unique_ptr<TestHttpClient> m_upstreamClient;
    int m_unique = 0;
    std::string uniqueId() { return "t" + std::to_string(++m_unique) + "-" + std::to_string(QDateTime::currentMSecsSinceEpoch()); }
};

void TrafficPolicyTest::initTestCase()
{
    m_upstream = std::make_unique<MockUpstreamServer>(MockUpstreamOptions{});
    m_upstream->start();
    m_upstreamClient = std::make_unique<TestHttpClient>(m_upstream->address().port);
}

void TrafficPolicyTest::cleanupTestCase()
{
    m_upstreamClient.reset();
    m_upstream.reset();
}

GatewayConfig TrafficPolicyTest::baseConfig() const
{
    GatewayConfig config;
    const UpstreamUrl url{false, "127.0.0.1", m_upstream->address().port, "/v1"};
    config.providers.push_back(openAiCompatibleProvider("up-a", url, "key-a"));
    config.providers.push_back(openAiCompatibleProvider("up-b", url, "key-b"));
    ProviderConfig mock;
    mock.name = "mock";
    mock.kind = ProviderKind::Mock;
    config.providers.push_back(mock);
    config.policy.retry.baseDelay = std::chrono::milliseconds(1);
    config.policy.retry.maxDelay = std::chrono::milliseconds(5);
    config.policy.retry.maxRetryAfter = std::chrono::milliseconds(3000);
    return config;
}

int TrafficPolicyTest::upstreamRequests(const std::string& model)
{
    const auto response = m_upstreamClient->request("GET", "/mock/requests?model=" + percentEncoded(model));
    return jsonBody(response)["requests"].toInt(-1);
}

void TrafficPolicyTest::everyAnswerCarriesTheGatewayHeaders()
{
    auto config = baseConfig();
    config.models.push_back(model("m", {{"up-a", "mock-1"}}));
    RunningGateway gateway(config);
    const auto key = keyFor(gateway);

    const auto ok = gateway.client().postJson("/v1/chat/completions", chatBody("m"), key);
    QCOMPARE(ok.status, 200);
    QVERIFY(!ok.header("x-gatehouse-request-id").empty());
    QCOMPARE(ok.header("x-gatehouse-deployment"), std::string("up-a/mock-1"));
    QCOMPARE(ok.header("x-gatehouse-provider"), std::string("up-a"));
    QCOMPARE(ok.header("x-gatehouse-attempts"), std::string("1"));
    bool isNumber = false;
    const double overhead = QString::fromStdString(ok.header("x-gatehouse-overhead-ms")).toDouble(&isNumber);
    QVERIFY2(isNumber && overhead >= 0, ok.header("x-gatehouse-overhead-ms").c_str());
    QVERIFY(ok.header("x-gatehouse-cache").empty()); // the model caches nothing

    // Refused before any deployment: still the request id, attempts 0 and the overhead.
    const auto unknown = gateway.client().postJson("/v1/chat/completions", chatBody("nope"), key);
    QCOMPARE(unknown.status, 404);
    QVERIFY(!unknown.header("x-gatehouse-request-id").empty());
    QCOMPARE(unknown.header("x-gatehouse-attempts"), std::string("0"));
    QVERIFY(unknown.header("x-gatehouse-deployment").empty());
    QVERIFY(!unknown.header("x-gatehouse-overhead-ms").empty());

    const auto record = callRecord(gateway.server(), ok.header("x-gatehouse-request-id"));
    QCOMPARE(record["attempts"], QString("1"));
    QCOMPARE(record["deployment"], QString("mock-1"));
}

void TrafficPolicyTest::aFailedAttemptIsRetriedOnTheNextDeployment()
{
    const auto failing = "mock-fault:status=503,id=" + uniqueId();
    auto config = baseConfig();
    auto routed = model("m", {{"up-a", failing, 1, 0}, {"up-b", "mock-1", 1, 1}});
    routed.strategy = RoutingStrategy::OrderedFallback;
    config.models.push_back(routed);
    RunningGateway gateway(config);

    const auto response = gateway.client().postJson("/v1/chat/completions", chatBody("m"), keyFor(gateway));
    QVERIFY2(response.status == 200, qPrintable(describe(response)));
    QCOMPARE(response.header("x-gatehouse-attempts"), std::string("2"));
    QCOMPARE(response.header("x-gatehouse-deployment"), std::string("up-b/mock-1"));
    QCOMPARE(upstreamRequests(failing), 1);
    const auto record = callRecord(gateway.server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["provider"], QString("up-b"));
    QCOMPARE(record["attempts"], QString("2"));
}

void TrafficPolicyTest::aFailingDeploymentIsRetriedAfterItsRetryAfter()
{
    const auto flaky = "mock-fault:fail=1,status=429,retry_after=1,id=" + uniqueId();
    auto config = baseConfig();
    config.models.push_back(model("m", {{"up-a", flaky}}));
    RunningGateway gateway(config);

    const auto started = std::chrono::steady_clock::now();
    const auto response = gateway.client().postJson("/v1/chat/completions", chatBody("m"), keyFor(gateway));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    QVERIFY2(response.status == 200, qPrintable(describe(response)));
    QCOMPARE(response.header("x-gatehouse-attempts"), std::string("2"));
    QCOMPARE(upstreamRequests(flaky), 2);
    QVERIFY(elapsed >= std::chrono::seconds(1)); // the provider's Retry-After was waited for
    // The wait is not the gateway's overhead.
    QVERIFY2(QString::fromStdString(response.header("x-gatehouse-overhead-ms")).toDouble() < 1000,
        response.header("x-gatehouse-overhead-ms").c_str());
}

void TrafficPolicyTest::aClientErrorIsNotRetried()
{
    const auto badRequest = "mock-fault:status=400,id=" + uniqueId();
    auto config = baseConfig();
    config.models.push_back(model("m", {{"up-a", badRequest}, {"up-b", badRequest}}));
    RunningGateway gateway(config);

    const auto response = gateway.client().postJson("/v1/chat/completions", chatBody("m"), keyFor(gateway));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.header("x-gatehouse-attempts"), std::string("1"));
    QCOMPARE(upstreamRequests(badRequest), 1);
    QVERIFY(!errorBody(response)["message"].toString().isEmpty());
}

void TrafficPolicyTest::whenEveryAttemptFailsTheClientGetsTheLastErrorClearly()
{
    const auto down = "mock-fault:status=503,id=" + uniqueId();
    auto config = baseConfig();
    config.policy.retry.maxAttempts = 3;
    config.models.push_back(model("m", {{"up-a", down}, {"up-b", down}}));
    RunningGateway gateway(config);

    const auto response = gateway.client().postJson("/v1/chat/completions", chatBody("m"), keyFor(gateway));
    QCOMPARE(response.status, 503);
    QCOMPARE(response.header("x-gatehouse-attempts"), std::string("3"));
    QCOMPARE(upstreamRequests(down), 3);
    const auto error = errorBody(response);
    QVERIFY2(error["message"].toString().contains("503"), qPrintable(describe(response)));
    const auto record = callRecord(gateway.server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("503"));
    QCOMPARE(record["attempts"], QString("3"));
}

void TrafficPolicyTest::aTooLongPromptFallsBackToTheContextWindowFallback()
{
    const auto small = "mock-fault:context_length,id=" + uniqueId();
    auto config = baseConfig();
    auto smallModel = model("small", {{"up-a", small}});
    smallModel.contextWindowFallbacks = {"big"};
    config.models.push_back(smallModel);
    config.models.push_back(model("big", {{"up-b", "mock-1"}}));
    config.models.push_back(model("alone", {{"up-a", small}}));
    RunningGateway gateway(config);
    const auto key = keyFor(gateway);

    const auto response = gateway.client().postJson("/v1/chat/completions", chatBody("small"), key);
    QVERIFY2(response.status == 200, qPrintable(describe(response)));
    QCOMPARE(response.header("x-gatehouse-deployment"), std::string("up-b/mock-1"));
    QCOMPARE(response.header("x-gatehouse-attempts"), std::string("2"));
    QCOMPARE(callRecord(gateway.server(), response.header("x-gatehouse-request-id"))["model"], QString("small"));

    // Without a fallback the client gets the provider's context-length error, tried once.
    const auto alone = gateway.client().postJson("/v1/chat/completions", chatBody("alone"), key);
    QCOMPARE(alone.status, 400);
    QCOMPARE(alone.header("x-gatehouse-attempts"), std::string("1"));
    QVERIFY2(errorBody(alone)["message"].toString().contains("context length"), qPrintable(describe(alone)));
}

void TrafficPolicyTest::aModelWhoseDeploymentsAllFailFallsBackToAnotherModel()
{
    const auto down = "mock-fault:status=500,id=" + uniqueId();
    auto config = baseConfig();
    config.policy.retry.maxAttempts = 2;
    auto primary = model("primary", {{"up-a", down}});
    primary.fallbacks = {"secondary"};
    config.models.push_back(primary);
    config.models.push_back(model("secondary", {{"mock", "mock-1"}}));
    RunningGateway gateway(config);

    const auto response = gateway.client().postJson("/v1/chat/completions", chatBody("primary"), keyFor(gateway));
    QVERIFY2(response.status == 200, qPrintable(describe(response)));
    QCOMPARE(response.header("x-gatehouse-provider"), std::string("mock"));
    QCOMPARE(response.header("x-gatehouse-attempts"), std::string("3")); // two on primary, one on secondary
    QCOMPARE(upstreamRequests(down), 2);
}

void TrafficPolicyTest::theCircuitOpensAndStopsTrafficToAFailingDeployment()
{
    const auto down = "mock-fault:status=502,id=" + uniqueId();
    auto config = baseConfig();
    config.policy.retry.maxAttempts = 1;
    config.policy.circuitBreaker.consecutiveFailures = 2;
    config.policy.circuitBreaker.failureRatio = 0;
    config.policy.circuitBreaker.cooldown = std::chrono::minutes(10);
    config.models.push_back(model("m", {{"up-a", down}}));
    RunningGateway gateway(config);
    const auto key = keyFor(gateway);

    for (int i = 0; i < 2; ++i)
        QCOMPARE(gateway.client().postJson("/v1/chat/completions", chatBody("m"), key).status, 502);
    const auto paused = gateway.client().postJson("/v1/chat/completions", chatBody("m"), key);
    QCOMPARE(paused.status, 503);
    QCOMPARE(errorBody(paused)["code"].toString(), QString("no_healthy_deployment"));
    QCOMPARE(paused.header("x-gatehouse-attempts"), std::string("0"));
    QCOMPARE(upstreamRequests(down), 2); // the third never left the gateway

    const auto health = jsonBody(gateway.client().request("GET", "/healthz?detail=true"));
    const auto deployments = health["deployments"].toArray();
    QCOMPARE(deployments.size(), 1);
    QCOMPARE(deployments[0].toObject()["deployment"].toString(), QString::fromStdString("up-a/" + down));
    QCOMPARE(deployments[0].toObject()["circuit"].toString(), QString("open"));
    QCOMPARE(jsonBody(gateway.client().request("GET", "/healthz")).keys(), QStringList{"status"});

    // The admin API tells the same, with the failure and the counts.
    const auto reported = adminList(gateway.server(), "/admin/v1/traffic/deployments");
    QCOMPARE(reported.size(), 1);
    const auto deployment = reported[0].toObject();
    QCOMPARE(deployment["circuit"].toString(), QString("open"));
    QCOMPARE(deployment["failures"].toInt(), 2);
    QCOMPARE(deployment["times_opened"].toInt(), 1);
    QCOMPARE(deployment["models"].toArray(), QJsonArray{"m"});
    QVERIFY(deployment["retry_in_ms"].toInt() > 0);
    QVERIFY2(deployment["last_failure"].toString().contains("502"), qPrintable(deployment["last_failure"].toString()));
}

void TrafficPolicyTest::aStreamIsNeverRetriedAfterItBegan()
{
    const auto breaking = "mock-fault:reset_after_chunks=2,id=" + uniqueId();
    auto config = baseConfig();
    config.models.push_back(model("m", {{"up-a", breaking}, {"up-b", breaking}}));
    RunningGateway gateway(config);

    std::vector<TimedPiece> pieces;
    const auto response = gateway.client().requestStreaming("POST", "/v1/chat/completions", chatBody("m", true),
        {{"Authorization", "Bearer " + keyFor(gateway)}, {"Content-Type", "application/json"}}, pieces);
    QVERIFY(!pieces.empty());            // the stream began...
    QVERIFY(!response.error.empty());    // ...and was cut off, not completed by a second attempt
    std::string received;
    for (const auto& piece : pieces)
        received += piece.data;
    QVERIFY(received.find("[DONE]") == std::string::npos);
    QCOMPARE(upstreamRequests(breaking), 1);

    gateway.server().settle();
    Database db(gateway.server().databasePath());
    auto record = db.prepare("SELECT status, attempts, error_code FROM calls WHERE model = 'm'");
    QVERIFY(record.step());
    QCOMPARE(record.columnInt(0), int64_t(502)); // recorded as the provider's failure
    QCOMPARE(record.columnInt(1), int64_t(1));
    QCOMPARE(record.columnText(2), std::string("upstream_error"));
}

void TrafficPolicyTest::rateLimitsRefuseWithRetryAfterAndHeaders()
{
    auto config = baseConfig();
    config.models.push_back(model("m", {{"mock", "mock-1"}}));
    config.policy.limits.push_back({{ScopeKind::Tenant, "limited"}, {2, {}, {}}});
    RunningGateway gateway(config);
    const auto key = keyFor(gateway, "limited");

    const auto first = gateway.client().postJson("/v1/chat/completions", chatBody("m"), key);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("x-ratelimit-limit-requests"), std::string("2"));
    QCOMPARE(first.header("x-ratelimit-remaining-requests"), std::string("1"));
    QVERIFY(!first.header("x-ratelimit-reset-requests").empty());
    QCOMPARE(gateway.client().postJson("/v1/chat/completions", chatBody("m"), key).status, 200);
    const auto refused = gateway.client().postJson("/v1/chat/completions", chatBody("m"), key);
    QCOMPARE(refused.status, 429);
    QCOMPARE(errorBody(refused)["code"].toString(), QString("rate_limit_exceeded"));
    QVERIFY2(errorBody(refused)["message"].toString().contains("tenant 'limited'"), qPrintable(describe(refused)));
    QVERIFY(std::stoi(refused.header("retry-after")) >= 1);
    QCOMPARE(refused.header("x-ratelimit-remaining-requests"), std::string("0"));
    QCOMPARE(refused.header("x-gatehouse-attempts"), std::string("0"));

    const auto limits = adminList(gateway.server(), "/admin/v1/traffic/rate-limits");
    QCOMPARE(limits.size(), 1);
    QCOMPARE(limits[0].toObject()["id"].toString(), QString("limited"));
    QCOMPARE(limits[0].toObject()["requests_per_minute"].toInt(), 2);
    QCOMPARE(limits[0].toObject()["requests_remaining"].toInt(), 0);

    // Another tenant has no limit and gets no rate-limit headers.
    const auto free = gateway.client().postJson("/v1/chat/completions", chatBody("m"), keyFor(gateway, "free"));
    QCOMPARE(free.status, 200);
    QVERIFY(free.header("x-ratelimit-limit-requests").empty());
}

void TrafficPolicyTest::aDeploymentAtItsLimitIsSkippedUntilEveryOneIs()
{
    // Each deployment's quota is one request a minute; up-a comes first (priority 0), up-b after.
    auto config = baseConfig();
    const RateLimits oneRequest{1, {}, {}};
    config.models.push_back(model("m", {{"up-a", "mock-1", 1, 0, std::nullopt, oneRequest}, {"up-b", "mock-1", 1, 1, std::nullopt, oneRequest}}));
    // Another model on up-a's deployment, without limits of its own: it shares up-a's quota.
    config.models.push_back(model("m-too", {{"up-a", "mock-1"}}));
    RunningGateway gateway(config);
    const auto key = keyFor(gateway);

    const auto first = gateway.client().postJson("/v1/chat/completions", chatBody("m"), key);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("x-gatehouse-deployment"), std::string("up-a/mock-1"));
    const auto second = gateway.client().postJson("/v1/chat/completions", chatBody("m"), key);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("x-gatehouse-deployment"), std::string("up-b/mock-1")); // up-a at its limit: skipped
    QCOMPARE(second.header("x-gatehouse-attempts"), std::string("1"));             // a skip is not an attempt

    const auto refused = gateway.client().postJson("/v1/chat/completions", chatBody("m"), key);
    QCOMPARE(refused.status, 429);
    QCOMPARE(errorBody(refused)["code"].toString(), QString("rate_limit_exceeded"));
    QVERIFY2(errorBody(refused)["message"].toString().contains("deployment 'up-b/mock-1'"), qPrintable(describe(refused)));
    QVERIFY(std::stoi(refused.header("retry-after")) >= 1);
    QCOMPARE(refused.header("x-gatehouse-attempts"), std::string("0"));
    // Client-facing limits are not the deployments' quotas: no x-ratelimit-* headers here.
    QVERIFY(refused.header("x-ratelimit-limit-requests").empty());

    const auto shared = gateway.client().postJson("/v1/chat/completions", chatBody("m-too"), key);
    QCOMPARE(shared.status, 429);
    QVERIFY2(errorBody(shared)["message"].toString().contains("deployment 'up-a/mock-1'"), qPrintable(describe(shared)));

    const auto limits = adminList(gateway.server(), "/admin/v1/traffic/rate-limits");
    QCOMPARE(limits.size(), 2);
    for (const auto& entry : limits) {
        QCOMPARE(entry.toObject()["scope"].toString(), QString("deployment"));
        QCOMPARE(entry.toObject()["requests_remaining"].toInt(), 0);
    }
    QCOMPARE(limits[0].toObject()["id"].toString(), QString("up-a/mock-1"));
    QCOMPARE(limits[1].toObject()["id"].toString(), QString("up-b/mock-1"));
}

void TrafficPolicyTest::concurrentRequestsNeverOverspendABudget()
{
    // Each call's worst case: ~25 prompt tokens and max_tokens 1000 at $1 / $10 per 1M tokens,
    // about $0.01; the mock's real answer (~260 tokens) costs less. The budget has room for 19 worst
    // cases. 200 requests start together; each stays upstream for 50 ms, so all are in flight at once.
    auto config = baseConfig();
    config.providers.back().mock.latency = std::chrono::milliseconds(50);
    config.models.push_back(model("priced", {{"mock", "mock-1", 1, 0, TokenPrice{1.0, 10.0}}}));
    BudgetDefinition budget;
    budget.scope = {ScopeKind::Tenant, "thrifty"};
    budget.period = BudgetPeriod::Total;
    budget.limitMicros = 200'000; // $0.20
    config.policy.budgets.push_back(budget);
    config.server.threads = 2;
    RunningGateway gateway(config);
    const auto key = keyFor(gateway, "thrifty");
    const auto body = chatBody("priced", false, ",\"max_tokens\":1000");

    constexpr int kRequests = 200;
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::atomic<int> admitted{0}, refused{0}, other{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < kRequests; ++i) {
        clients.emplace_back([&] {
            TestHttpClient client(gateway.server().dataPlaneAddress().port);
            ++ready;
            while (!go.load())
                std::this_thread::yield();
            const auto response = client.postJson("/v1/chat/completions", body, key);
            if (response.status == 200)
                ++admitted;
            else if (response.status == 429 && errorBody(response)["code"].toString() == "budget_exceeded")
                ++refused;
            else
                ++other;
        });
    }
    while (ready.load() < kRequests)
        std::this_thread::yield();
    go = true;
    for (auto& client : clients)
        client.join();

    QCOMPARE(other.load(), 0);
    QCOMPARE(admitted.load() + refused.load(), kRequests);
    // Every admitted call fit its worst case within the limit when it was reserved, and cost no
    // more than that: the total never passes the limit — however many requests raced for it.
    const auto spent = sumOfCosts(gateway.server());
    QVERIFY2(spent <= budget.limitMicros, qPrintable(QString("spent %1 of %2 micro-dollars").arg(spent).arg(budget.limitMicros)));
    // At least as many as fit side by side at their worst case (~4 bytes a token for the prompt).
    const int64_t worstCase = static_cast<int64_t>((body.size() + 3) / 4) * 1 + 1000 * 10;
    QVERIFY2(admitted.load() >= budget.limitMicros / worstCase, qPrintable(QString("%1 admitted").arg(admitted.load())));
    QVERIFY2(refused.load() > 0, "the budget must refuse some of the 200");

    // The admin API shows the budget as the ledger has it: what was spent, nothing left in flight.
    const auto budgets = adminList(gateway.server(), "/admin/v1/traffic/budgets");
    QCOMPARE(budgets.size(), 1);
    const auto usage = budgets[0].toObject();
    QCOMPARE(usage["id"].toString(), QString("thrifty"));
    QCOMPARE(qRound64(usage["spent_usd"].toDouble() * 1e6), spent);
    QCOMPARE(usage["reserved_usd"].toDouble(), 0.0);
    QVERIFY(usage["resets_at"].isNull()); // a total budget never resets
}

void TrafficPolicyTest::theCacheAnswersRepeatsAndRecordsTheSaving()
{
    const auto upstreamModel = "mock-fault:id=" + uniqueId(); // succeeds; counted
    auto config = baseConfig();
    auto cached = model("cached", {{"up-a", upstreamModel, 1, 0, TokenPrice{1.0, 2.0}}});
    cached.cacheTtl = std::chrono::seconds(60);
    config.models.push_back(cached);
    RunningGateway gateway(config);
    const auto key = keyFor(gateway);

    const auto first = gateway.client().postJson("/v1/chat/completions", chatBody("cached"), key);
    QVERIFY2(first.status == 200, qPrintable(describe(first)));
    QCOMPARE(first.header("x-gatehouse-cache"), std::string("miss"));
    const auto second = gateway.client().postJson("/v1/chat/completions", chatBody("cached"), key);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("x-gatehouse-cache"), std::string("hit"));
    QCOMPARE(second.header("x-gatehouse-attempts"), std::string("0"));
    QCOMPARE(second.body, first.body);
    QCOMPARE(upstreamRequests(upstreamModel), 1);

    const auto missRecord = callRecord(gateway.server(), first.header("x-gatehouse-request-id"));
    const auto hitRecord = callRecord(gateway.server(), second.header("x-gatehouse-request-id"));
    QVERIFY(missRecord["cost_micros"].toLongLong() > 0);
    QCOMPARE(hitRecord["cost_micros"], QString("0"));
    QCOMPARE(hitRecord["saved_micros"], missRecord["cost_micros"]);
    QCOMPARE(hitRecord["cache"], QString("hit"));
    QCOMPARE(hitRecord["prompt_tokens"], missRecord["prompt_tokens"]);

    // The same request streamed is answered from the cache as SSE.
    const auto streamed = gateway.client().postJson("/v1/chat/completions", chatBody("cached", true), key);
    QCOMPARE(streamed.status, 200);
    QCOMPARE(streamed.header("x-gatehouse-cache"), std::string("hit"));
    QVERIFY(streamed.header("content-type").find("text/event-stream") == 0);
    QVERIFY(streamed.body.find("chat.completion.chunk") != std::string::npos);
    QVERIFY(streamed.body.find("data: [DONE]") != std::string::npos);
    QCOMPARE(upstreamRequests(upstreamModel), 1);

    // Another tenant never shares the entry.
    const auto otherTenant = gateway.client().postJson("/v1/chat/completions", chatBody("cached"), keyFor(gateway, "other"));
    QCOMPARE(otherTenant.header("x-gatehouse-cache"), std::string("miss"));
}

void TrafficPolicyTest::aStreamedAnswerIsCachedForStreamingAndWholeCallers()
{
    const auto upstreamModel = "mock-fault:id=" + uniqueId();
    auto config = baseConfig();
    auto cached = model("cached", {{"up-a", upstreamModel, 1, 0, TokenPrice{1.0, 2.0}}});
    cached.cacheTtl = std::chrono::seconds(60);
    config.models.push_back(cached);
    RunningGateway gateway(config);
    const auto key = keyFor(gateway);

    const auto streamed = gateway.client().postJson("/v1/chat/completions", chatBody("cached", true), key);
    QCOMPARE(streamed.status, 200);
    QCOMPARE(streamed.header("x-gatehouse-cache"), std::string("miss"));
    // The text the stream carried, joined from its deltas.
    std::string streamedText;
    SseParser parser;
    for (const auto& event : parser.feed(streamed.body)) {
        if (event.data == "[DONE]")
            continue;
        const auto chunk = QJsonDocument::fromJson(QByteArray::fromStdString(event.data)).object();
        for (const auto& choice : chunk["choices"].toArray())
            streamedText += choice.toObject()["delta"].toObject()["content"].toString().toStdString();
    }
    QVERIFY(!streamedText.empty());

    // Asked again whole: the stored stream answers, as one completion with the same text.
    const auto whole = gateway.client().postJson("/v1/chat/completions", chatBody("cached"), key);
    QCOMPARE(whole.status, 200);
    QCOMPARE(whole.header("x-gatehouse-cache"), std::string("hit"));
    const auto completion = jsonBody(whole);
    QCOMPARE(completion["object"].toString(), QString("chat.completion"));
    QCOMPARE(completion["choices"].toArray()[0].toObject()["message"].toObject()["content"].toString().toStdString(), streamedText);
    QVERIFY(completion["usage"].toObject()["prompt_tokens"].toInt() > 0);
    // And streamed again, replayed.
    const auto again = gateway.client().postJson("/v1/chat/completions", chatBody("cached", true), key);
    QCOMPARE(again.header("x-gatehouse-cache"), std::string("hit"));
    QVERIFY(again.body.find("data: [DONE]") != std::string::npos);
    QCOMPARE(upstreamRequests(upstreamModel), 1);
}

void TrafficPolicyTest::cacheControlsSteerTheCache()
{
    const auto upstreamModel = "mock-fault:id=" + uniqueId();
    auto config = baseConfig();
    auto cached = model("cached", {{"up-a", upstreamModel}});
    cached.cacheTtl = std::chrono::seconds(60);
    config.models.push_back(cached);
    RunningGateway gateway(config);
    const auto key = keyFor(gateway);
    const auto post = [&](const std::map<std::string, std::string>& headers) {
        auto all = headers;
        all["Authorization"] = "Bearer " + key;
        all["Content-Type"] = "application/json";
        return gateway.client().request("POST", "/v1/chat/completions", chatBody("cached"), all);
    };

    QCOMPARE(post({{"x-gatehouse-cache", "bypass"}}).header("x-gatehouse-cache"), std::string("bypass"));
    QCOMPARE(post({}).header("x-gatehouse-cache"), std::string("miss")); // bypass stored nothing
    QCOMPARE(post({}).header("x-gatehouse-cache"), std::string("hit"));
    QCOMPARE(post({{"Cache-Control", "no-cache"}}).header("x-gatehouse-cache"), std::string("bypass")); // not read, refreshed
    QCOMPARE(post({{"Cache-Control", "no-store"}}).header("x-gatehouse-cache"), std::string("bypass"));
    QCOMPARE(upstreamRequests(upstreamModel), 4);
}

QTEST_GUILESS_MAIN(TrafficPolicyTest)
#include "TrafficPolicyTest.moc"
