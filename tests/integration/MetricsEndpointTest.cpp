// GET /metrics on a running gateway, over real HTTP on loopback: off unless enabled, guarded by
// its own token (never by a data-plane key), and its counters moving with real calls — successes,
// streams, the gateway's refusals (rate limit, budget, key, unknown model), a failing provider
// and the circuit it opens. A scrape is never itself counted as a call.
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "mockupstream/MockUpstreamServer.h"

#include <QtTest>

#include <map>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

const std::string kScrapeToken = "scrape-token-0123456789";

std::string chatBody(const std::string& model, bool stream = false)
{
    return "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false")
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
}

DeploymentConfig pricedMockDeployment()
{
    DeploymentConfig deployment{"mock", "mock-1"};
    deployment.price.emplace();
    deployment.price->inputPerMillion = 1.0;
    deployment.price->outputPerMillion = 10.0;
    return deployment;
}

// One in-process mock provider serving model "m" at a price; metrics on, with the scrape token.
GatewayConfig metricsConfig()
{
    GatewayConfig config;
    ProviderConfig mock;
    mock.name = "mock";
    mock.kind = ProviderKind::Mock;
    config.providers.push_back(mock);
    ModelConfig model;
    model.name = "m";
    model.deployments.push_back(pricedMockDeployment());
    config.models.push_back(model);
    config.metrics.enabled = true;
    config.metrics.bearerToken = kScrapeToken;
    config.metrics.bearerTokenReference = "env:TEST_SCRAPE_TOKEN";
    return config;
}

// Every sample of a page by its series exactly as written ("name{labels}"), and its value.
std::map<std::string, double> samples(const std::string& page)
{
    std::map<std::string, double> values;
    for (const auto& line : QString::fromStdString(page).split('\n', Qt::SkipEmptyParts)) {
        if (line.startsWith('#'))
            continue;
        const auto space = line.lastIndexOf(' ');
        values[line.left(space).toStdString()] = line.mid(space + 1).toDouble();
    }
    return values;
}

double valueOf(const std::map<std::string, double>& page, const std::string& series)
{
    const auto found = page.find(series);
    return found == page.end() ? -1 : found->second;
}

} // namespace

class MetricsEndpointTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void notServedUnlessEnabled();
    void guardedByItsOwnTokenOnly();
    void countersMoveWithTheCalls();
    void aFailingProviderShowsAsUpstreamErrorsAndAnOpenCircuit();

private:
    // The page's samples once every answered call is counted; empty (and the reason logged) when
    // the scrape failed, which the callers' QVERIFY(!page.empty()) reports.
    std::map<std::string, double> scrape(RunningGateway& gateway)
    {
        gateway.server().settle();
        const auto response = gateway.client().request("GET", "/metrics", {}, {{"Authorization", "Bearer " + kScrapeToken}});
        if (response.status != 200) {
            qWarning("scrape failed: %s", qPrintable(describe(response)));
            return {};
        }
        return samples(response.body);
    }

    std::unique_ptr<MockUpstreamServer> m_upstream;
};

void MetricsEndpointTest::initTestCase()
{
    m_upstream = std::make_unique<MockUpstreamServer>(MockUpstreamOptions{});
    m_upstream->start();
}

void MetricsEndpointTest::cleanupTestCase()
{
    m_upstream.reset();
}

void MetricsEndpointTest::notServedUnlessEnabled()
{
    auto config = metricsConfig();
    config.metrics.enabled = false;
    RunningGateway gateway(config);
    const auto response = gateway.client().request("GET", "/metrics", {}, {{"Authorization", "Bearer " + kScrapeToken}});
    QCOMPARE(response.status, 404);
    QCOMPARE(errorBody(response)["code"].toString(), QString("not_found"));
}

void MetricsEndpointTest::guardedByItsOwnTokenOnly()
{
    RunningGateway gateway(metricsConfig());
    const auto dataPlaneKey = gateway.server().createKey("tenant-key", "acme");

    const auto anonymous = gateway.client().request("GET", "/metrics");
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(anonymous.header("www-authenticate"), std::string("Bearer realm=\"gatehouse-metrics\""));
    QCOMPARE(errorBody(anonymous)["code"].toString(), QString("invalid_metrics_token"));
    // A tenant's key reads its own calls, never every tenant's metrics.
    QCOMPARE(gateway.client().request("GET", "/metrics", {}, {{"Authorization", "Bearer " + dataPlaneKey}}).status, 401);
    QCOMPARE(gateway.client().request("GET", "/metrics", {}, {{"Authorization", "Bearer " + kScrapeToken + "x"}}).status, 401);
    QCOMPARE(gateway.client().request("GET", "/metrics", {}, {{"Authorization", kScrapeToken}}).status, 401);

    const auto posted = gateway.client().request("POST", "/metrics", "{}", {{"Authorization", "Bearer " + kScrapeToken}});
    QCOMPARE(posted.status, 405);
    QCOMPARE(posted.header("allow"), std::string("GET"));

    const auto scraped = gateway.client().request("GET", "/metrics?x=1", {}, {{"Authorization", "Bearer " + kScrapeToken}});
    QVERIFY2(scraped.status == 200, qPrintable(describe(scraped)));
    QCOMPARE(scraped.header("content-type"), std::string("text/plain; version=0.0.4; charset=utf-8"));
    QVERIFY(scraped.body.find("# TYPE gatehouse_requests_total counter\n") != std::string::npos);

    // Without a token configured, anyone who reaches the listener may scrape.
    auto open = metricsConfig();
    open.metrics.bearerToken.clear();
    RunningGateway openGateway(open);
    QCOMPARE(openGateway.client().request("GET", "/metrics").status, 200);

    // None of those scrapes was a call: nothing counted, nothing recorded.
    const auto page = scrape(gateway);
    QVERIFY(!page.empty());
    QCOMPARE(valueOf(page, "gatehouse_call_records_written_total"), 0.0);
    QCOMPARE(valueOf(page, "gatehouse_metrics_label_sets"), 0.0);
}

void MetricsEndpointTest::countersMoveWithTheCalls()
{
    auto config = metricsConfig();
    config.policy.limits.push_back({{ScopeKind::Tenant, "limited"}, {1, {}, {}}});
    BudgetDefinition budget;
    budget.scope = {ScopeKind::Tenant, "thrifty"};
    budget.period = BudgetPeriod::Total;
    budget.limitMicros = 1; // less than any call's worst case
    config.policy.budgets.push_back(budget);
    RunningGateway gateway(config);
    auto& client = gateway.client();
    const auto key = gateway.server().createKey("k", "acme");
    const auto limitedKey = gateway.server().createKey("l", "limited");
    const auto thriftyKey = gateway.server().createKey("t", "thrifty");

    const auto before = scrape(gateway);
    QVERIFY(!before.empty());
    const std::string acme = R"(tenant="acme",model="m",deployment="mock/mock-1")";
    QCOMPARE(valueOf(before, "gatehouse_requests_total{" + acme + R"(,code="200"})"), -1.0); // no call yet

    QCOMPARE(client.postJson("/v1/chat/completions", chatBody("m"), key).status, 200);
    std::vector<TimedPiece> pieces;
    const auto streamed = client.requestStreaming("POST", "/v1/chat/completions", chatBody("m", true),
        {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}}, pieces);
    QCOMPARE(streamed.status, 200);
    QCOMPARE(client.postJson("/v1/chat/completions", chatBody("made-up-model"), key).status, 404);
    QCOMPARE(client.postJson("/v1/chat/completions", chatBody("m"), "gk-wrong-key-0123456789").status, 401);
    QCOMPARE(client.postJson("/v1/chat/completions", chatBody("m"), limitedKey).status, 200);
    QCOMPARE(client.postJson("/v1/chat/completions", chatBody("m"), limitedKey).status, 429);
    const auto overBudget = client.postJson("/v1/chat/completions", chatBody("m"), thriftyKey);
    QCOMPARE(overBudget.status, 429);
    QCOMPARE(errorBody(overBudget)["code"].toString(), QString("budget_exceeded"));

    const auto after = scrape(gateway);
    QVERIFY(!after.empty());
    QCOMPARE(valueOf(after, "gatehouse_requests_total{" + acme + R"(,code="200"})"), 2.0);
    QCOMPARE(valueOf(after, "gatehouse_request_duration_seconds_count{" + acme + R"(,outcome="success"})"), 2.0);
    QCOMPARE(valueOf(after, "gatehouse_request_duration_seconds_bucket{" + acme + R"(,outcome="success",le="+Inf"})"), 2.0);
    QCOMPARE(valueOf(after, "gatehouse_time_to_first_token_seconds_count{" + acme + "}"), 1.0);
    QVERIFY(valueOf(after, "gatehouse_tokens_total{" + acme + R"(,type="prompt"})") > 0);
    QVERIFY(valueOf(after, "gatehouse_tokens_total{" + acme + R"(,type="completion"})") > 0);
    QVERIFY(valueOf(after, "gatehouse_cost_usd_total{" + acme + "}") > 0);
    QCOMPARE(valueOf(after, "gatehouse_upstream_attempts_total{" + acme + "}"), 2.0);
    QCOMPARE(valueOf(after, R"(gatehouse_request_errors_total{tenant="acme",model="",deployment="",reason="invalid_request"})"), 1.0);
    QCOMPARE(valueOf(after, R"(gatehouse_request_errors_total{tenant="",model="",deployment="",reason="unauthorized"})"), 1.0);
    QCOMPARE(valueOf(after, R"(gatehouse_request_errors_total{tenant="limited",model="m",deployment="",reason="rate_limited"})"), 1.0);
    QCOMPARE(valueOf(after, R"(gatehouse_request_errors_total{tenant="thrifty",model="m",deployment="",reason="budget"})"), 1.0);
    QCOMPARE(valueOf(after, R"(gatehouse_requests_total{tenant="thrifty",model="m",deployment="",code="429"})"), 1.0);
    QCOMPARE(valueOf(after, R"(gatehouse_circuit_state{deployment="mock/mock-1",state="closed"})"), 1.0);
    QCOMPARE(valueOf(after, "gatehouse_call_records_written_total"), 7.0);
    QCOMPARE(valueOf(after, "gatehouse_call_records_dropped_total"), 0.0);
    QCOMPARE(valueOf(after, "gatehouse_call_record_queue_depth"), 0.0);
    QCOMPARE(valueOf(after, "gatehouse_requests_in_flight"), 0.0);
    QCOMPARE(valueOf(after, "gatehouse_metrics_overflowed_calls_total"), 0.0);
}

void MetricsEndpointTest::aFailingProviderShowsAsUpstreamErrorsAndAnOpenCircuit()
{
    const auto failing = "mock-fault:status=503,id=metrics-" + std::to_string(QDateTime::currentMSecsSinceEpoch());
    auto config = metricsConfig();
    config.providers.push_back(openAiCompatibleProvider("up", {false, "127.0.0.1", m_upstream->address().port, "/v1"}, "key"));
    ModelConfig model;
    model.name = "down";
    model.deployments.push_back({"up", failing});
    config.models.push_back(model);
    config.policy.retry.maxAttempts = 1;
    config.policy.circuitBreaker.consecutiveFailures = 1;
    config.policy.circuitBreaker.failureRatio = 0;
    RunningGateway gateway(config);
    const auto key = gateway.server().createKey("k", "acme");

    QCOMPARE(gateway.client().postJson("/v1/chat/completions", chatBody("down"), key).status, 503);
    QCOMPARE(gateway.client().postJson("/v1/chat/completions", chatBody("down"), key).status, 503); // circuit open: not sent

    const auto page = scrape(gateway);
    QVERIFY(!page.empty());
    const std::string deployment = "up/" + failing;
    const std::string labels = R"(tenant="acme",model="down",deployment=")" + deployment + "\"";
    QCOMPARE(valueOf(page, "gatehouse_request_errors_total{" + labels + R"(,reason="upstream"})"), 1.0);
    QCOMPARE(valueOf(page, "gatehouse_request_duration_seconds_count{" + labels + R"(,outcome="error"})"), 1.0);
    QCOMPARE(valueOf(page, R"(gatehouse_request_errors_total{tenant="acme",model="down",deployment="",reason="no_deployment"})"), 1.0);
    QCOMPARE(valueOf(page, R"(gatehouse_circuit_state{deployment=")" + deployment + R"(",state="open"})"), 1.0);
    QCOMPARE(valueOf(page, R"(gatehouse_circuit_opened_total{deployment=")" + deployment + R"("})"), 1.0);
    QVERIFY(valueOf(page, R"(gatehouse_circuit_rejected_total{deployment=")" + deployment + R"("})") >= 0); // present
}

QTEST_GUILESS_MAIN(MetricsEndpointTest)
#include "MetricsEndpointTest.moc"
