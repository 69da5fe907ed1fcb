// GatewaySnapshot: key lookup by hash, routes with their pickers and health, per-key model lists,
// the rate-limit scopes of a call.
#include "auth/ApiKey.h"
#include "gateway/GatewaySnapshot.h"

#include <QtTest>

using namespace gatehouse;

namespace {

GatewayConfig twoModels()
{
    GatewayConfig config;
    config.providers.push_back({.name = "p"});
    config.models.push_back({"a", {{"p", "a-up", 1}}});
    config.models.push_back({"b", {{"p", "b1", 1}, {"p", "b2", 3}}});
    return config;
}

StoredKey storedKey(const std::string& plaintext, std::vector<std::string> models)
{
    return {1, "k", visibleKeyPrefix(plaintext), hashApiKey(plaintext), "t", std::move(models), "generated", 0};
}

} // namespace

class GatewaySnapshotTest : public QObject {
    Q_OBJECT

private slots:
    void authenticatesByHash()
    {
        const auto key = generateApiKey();
        const GatewaySnapshot snapshot(twoModels(), {storedKey(key, {})});
        const auto* caller = snapshot.authenticate(key);
        QVERIFY(caller);
        QCOMPARE(caller->tenant, std::string("t"));
        QVERIFY(!snapshot.authenticate(key + "x"));
        QVERIFY(!snapshot.authenticate(""));
    }

    void listsOnlyAllowedModels()
    {
        const auto all = generateApiKey();
        const auto onlyB = generateApiKey();
        const GatewaySnapshot snapshot(twoModels(), {storedKey(all, {}), storedKey(onlyB, {"b"})});
        QCOMPARE(snapshot.modelsFor(*snapshot.authenticate(all)), (std::vector<std::string>{"a", "b"}));
        QCOMPARE(snapshot.modelsFor(*snapshot.authenticate(onlyB)), (std::vector<std::string>{"b"}));
        QVERIFY(!snapshot.authenticate(onlyB)->mayUse("a"));
    }

    void routesPointAtTheirProviders()
    {
        const GatewaySnapshot snapshot(twoModels(), {});
        const auto* route = snapshot.route("b");
        QVERIFY(route);
        QCOMPARE(route->deployments.size(), std::size_t(2));
        QCOMPARE(route->deployments[0].provider->name, std::string("p"));
        QCOMPARE(route->deployments[1].id, std::string("p/b2"));
        QCOMPARE(route->picker->policy().deployments[1].weight, 3);
        QVERIFY(!snapshot.route("c"));
    }

    void routesCarryTheModelsPolicy()
    {
        auto config = twoModels();
        auto& model = config.models[1];
        model.strategy = RoutingStrategy::OrderedFallback;
        model.deployments[0].priority = 1;
        model.deployments[1].price = TokenPrice{2.5, 10.0};
        model.fallbacks = {"a"};
        model.cacheTtl = std::chrono::seconds(60);
        config.policy.cacheDefaultTtl = std::chrono::seconds(5);
        const GatewaySnapshot snapshot(config, {});
        const auto* route = snapshot.route("b");
        QCOMPARE(route->picker->policy().strategy, RoutingStrategy::OrderedFallback);
        QCOMPARE(route->picker->policy().deployments[0].priority, 1);
        QCOMPARE(*route->picker->policy().deployments[1].inputPricePerMillion, 2.5);
        QCOMPARE(route->deployments[1].price->costMicros(1000, 100), int64_t(3500)); // 1000 × 2.5 + 100 × 10
        QCOMPARE(route->fallbacks, std::vector<std::string>{"a"});
        QCOMPARE(route->cacheTtl.count(), 60);
        QCOMPARE(snapshot.route("a")->cacheTtl.count(), 5); // the policy's default
    }

    void deploymentHealthOutlivesTheSnapshot()
    {
        CircuitBreakerRegistry breakers;
        LatencyRegistry latency;
        const auto first = std::make_unique<GatewaySnapshot>(twoModels(), std::vector<StoredKey>{}, AccessPolicy{}, DeploymentHealth{&breakers, &latency});
        const GatewaySnapshot second(twoModels(), {}, {}, {&breakers, &latency});
        QCOMPARE(first->route("a")->deployments[0].breaker, second.route("a")->deployments[0].breaker);
        QVERIFY(second.route("a")->deployments[0].latency);
        QCOMPARE(breakers.find("p/b1"), second.route("b")->deployments[0].breaker);
        // Without registries a deployment has no breaker: it is never skipped.
        QVERIFY(!GatewaySnapshot(twoModels(), {}).route("a")->deployments[0].breaker);
    }

    void rateLimitScopesOfACall()
    {
        auto config = twoModels();
        config.policy.limits.push_back({{ScopeKind::Tenant, "t"}, {60, {}, {}}});
        config.policy.limits.push_back({{ScopeKind::Model, "a"}, {{}, 1000, {}}});
        config.policy.limits.push_back({{ScopeKind::Tenant, "other"}, {1, {}, {}}});
        config.models[1].limits.concurrentRequests = 2;
        const auto key = generateApiKey();
        const GatewaySnapshot snapshot(config, {storedKey(key, {})});
        const auto& caller = *snapshot.authenticate(key);
        const auto forA = snapshot.rateLimitsFor(caller, *snapshot.route("a"));
        QCOMPARE(forA.size(), std::size_t(2));
        QCOMPARE(forA[0].scope, (PolicyScope{ScopeKind::Tenant, "t"}));
        QCOMPARE(*forA[1].limits.tokensPerMinute, int64_t(1000));
        const auto forB = snapshot.rateLimitsFor(caller, *snapshot.route("b"));
        QCOMPARE(forB.back().scope, (PolicyScope{ScopeKind::Model, "b"}));
        QCOMPARE(*forB.back().limits.concurrentRequests, int64_t(2));
        // A tenant-level key has no consumer scope; its key is known by its prefix.
        const auto scopes = GatewaySnapshot::budgetScopesFor(caller);
        QCOMPARE(scopes.size(), std::size_t(2));
        QCOMPARE(scopes[0], (PolicyScope{ScopeKind::ApiKey, visibleKeyPrefix(key)}));
    }
};

QTEST_GUILESS_MAIN(GatewaySnapshotTest)
#include "GatewaySnapshotTest.moc"
