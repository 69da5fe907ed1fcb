// GatewaySnapshot: key lookup by hash, routes, per-key model lists, weighted deployment choice.
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
        QCOMPARE(route->totalWeight, 4);
        QCOMPARE(route->deployments[0].provider->name, std::string("p"));
        QVERIFY(!snapshot.route("c"));
    }

    void picksDeploymentsByWeight()
    {
        const GatewaySnapshot snapshot(twoModels(), {});
        const auto* route = snapshot.route("b");
        QCOMPARE(route->pick(0).upstreamModel, std::string("b1"));
        for (int draw = 1; draw < 4; ++draw)
            QCOMPARE(route->pick(draw).upstreamModel, std::string("b2"));
    }
};

QTEST_GUILESS_MAIN(GatewaySnapshotTest)
#include "GatewaySnapshotTest.moc"
