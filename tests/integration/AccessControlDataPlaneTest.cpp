// The data plane enforces access: model access mode × a consumer's latest access request → the
// call's status, and a 403 permission_denied whose message names the state. Changes committed to
// the store take effect on the next call, without a restart.
#include "GatewayTestSupport.h"

#include "auth/ApiKey.h"
#include "store/GovernanceStore.h"

#include <QtTest>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

GatewayConfig configWithModels()
{
    GatewayConfig config;
    ProviderConfig mock;
    mock.name = "mock";
    mock.kind = ProviderKind::Mock;
    config.providers.push_back(mock);
    for (const char* name : {"open-model", "approval-model", "private-model"})
        config.models.push_back({name, {{"mock", "mock-1", 1}}});
    return config;
}

const Change kAdmin{"test-admin", ""};

std::string chatBody(const std::string& model)
{
    return R"({"model":")" + model + R"(","messages":[{"role":"user","content":"hi"}]})";
}

// One gateway with a tenant, a consumer and its key; the store is reached through its own
// connection, as the admin API does.
class Fixture {
public:
    Fixture()
        : gateway(configWithModels())
        , db(gateway.server().databasePath())
        , governance(db)
        , keys(db)
    {
        const auto tenant = governance.createTenant(kAdmin, "team-a");
        consumerId = governance.createConsumer(kAdmin, tenant.id, "billing-app").id;
        governance.setModelAccess(kAdmin, "approval-model", AccessMode::Approval, false);
        governance.setModelAccess(kAdmin, "private-model", AccessMode::Private, false);
        consumerKey = generateApiKey();
        keys.addConsumerKey("billing-key", consumerKey, consumerId, std::nullopt);
        tenantKey = generateApiKey();
        keys.addKey("legacy", tenantKey, "team-a", {}, "generated");
        gateway.server().governanceChanged();
    }

    TestResponse call(const std::string& model, const std::string& key) { return gateway.client().postJson("/v1/chat/completions", chatBody(model), key); }

    RunningGateway gateway;
    Database db;
    GovernanceStore governance;
    KeyStore keys;
    int64_t consumerId = 0;
    std::string consumerKey;
    std::string tenantKey;
};

QString errorMessage(const TestResponse& response)
{
    return jsonBody(response)["error"].toObject()["message"].toString();
}

} // namespace

class AccessControlDataPlaneTest : public QObject {
    Q_OBJECT
private slots:
    void decidesByModeAndRequestState_data();
    void decidesByModeAndRequestState();
    void approvalTakesEffectAtOnceAndRevocationToo();
    void tenantKeysReachOpenModelsOnly();
    void expiredKeysAreRefused();
};

// Each row: the model, what happens to the consumer's access request before the call, the status
// and a fragment of the message.
void AccessControlDataPlaneTest::decidesByModeAndRequestState_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("history"); // "", "request", "approve", "reject", "revoke", "cancel", "grant"
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("open, no request") << "open-model" << "" << 200 << "";
    QTest::newRow("approval, no request") << "approval-model" << "" << 403 << "has no access to model 'approval-model'. Request access";
    QTest::newRow("approval, pending") << "approval-model" << "request" << 403 << "pending approval";
    QTest::newRow("approval, approved") << "approval-model" << "approve" << 200 << "";
    QTest::newRow("approval, rejected") << "approval-model" << "reject" << 403 << "was rejected";
    QTest::newRow("approval, revoked") << "approval-model" << "revoke" << 403 << "was revoked";
    QTest::newRow("approval, cancelled") << "approval-model" << "cancel" << 403 << "was cancelled";
    QTest::newRow("private, no grant") << "private-model" << "" << 403 << "is private; an admin must grant access";
    QTest::newRow("private, granted") << "private-model" << "grant" << 200 << "";
}

void AccessControlDataPlaneTest::decidesByModeAndRequestState()
{
    QFETCH(QString, model);
    QFETCH(QString, history);
    QFETCH(int, status);
    QFETCH(QString, message);
    Fixture fixture;
    auto& store = fixture.governance;
    const auto name = model.toStdString();
    const Change withNote{"test-admin", "budget owner said no"};
    if (history == "grant") {
        store.grantAccess(kAdmin, fixture.consumerId, name);
    } else if (!history.isEmpty()) {
        const auto request = store.requestAccess(Change{"billing-app", "invoices"}, fixture.consumerId, name);
        if (history == "approve" || history == "revoke")
            store.approveAccessRequest(kAdmin, request.id);
        if (history == "reject")
            store.rejectAccessRequest(withNote, request.id);
        if (history == "revoke")
            store.revokeAccessRequest(withNote, request.id);
        if (history == "cancel")
            store.cancelAccessRequest(Change{"billing-app", ""}, request.id);
    }
    fixture.gateway.server().governanceChanged();

    const auto response = fixture.call(name, fixture.consumerKey);
    QCOMPARE(response.status, status);
    if (status == 403) {
        const auto error = jsonBody(response)["error"].toObject();
        QCOMPARE(error["type"].toString(), QString("permission_denied"));
        QVERIFY2(error["message"].toString().contains(message), qPrintable(error["message"].toString()));
        QVERIFY2(error["message"].toString().contains("billing-app"), qPrintable(error["message"].toString()));
        if (history == "reject" || history == "revoke")
            QVERIFY2(error["message"].toString().contains("budget owner said no"), qPrintable(error["message"].toString()));
        const auto record = callRecord(fixture.gateway.server(), response.header("x-gatehouse-request-id"));
        QCOMPARE(record["status"], QString("403"));
    }
}

void AccessControlDataPlaneTest::approvalTakesEffectAtOnceAndRevocationToo()
{
    Fixture fixture;
    auto& store = fixture.governance;
    const auto request = store.requestAccess(Change{"billing-app", "invoices"}, fixture.consumerId, "approval-model");
    fixture.gateway.server().governanceChanged();
    QCOMPARE(fixture.call("approval-model", fixture.consumerKey).status, 403);

    store.approveAccessRequest(kAdmin, request.id);
    fixture.gateway.server().governanceChanged();
    QCOMPARE(fixture.call("approval-model", fixture.consumerKey).status, 200);

    store.revokeAccessRequest(kAdmin, request.id);
    fixture.gateway.server().governanceChanged();
    const auto revoked = fixture.call("approval-model", fixture.consumerKey);
    QCOMPARE(revoked.status, 403);
    QVERIFY(errorMessage(revoked).contains("revoked"));
}

void AccessControlDataPlaneTest::tenantKeysReachOpenModelsOnly()
{
    Fixture fixture;
    QCOMPARE(fixture.call("open-model", fixture.tenantKey).status, 200);
    const auto refused = fixture.call("approval-model", fixture.tenantKey);
    QCOMPARE(refused.status, 403);
    QCOMPARE(jsonBody(refused)["error"].toObject()["code"].toString(), QString("consumer_key_required"));
    QVERIFY(errorMessage(refused).contains("belongs to no consumer"));
}

void AccessControlDataPlaneTest::expiredKeysAreRefused()
{
    Fixture fixture;
    const auto soon = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 60000;
    const auto later = generateApiKey();
    fixture.keys.addConsumerKey("later", later, fixture.consumerId, soon);
    const auto gone = generateApiKey();
    fixture.keys.addConsumerKey("gone", gone, fixture.consumerId, int64_t(1000));
    fixture.gateway.server().governanceChanged();
    QCOMPARE(fixture.call("open-model", later).status, 200);
    QCOMPARE(fixture.call("open-model", gone).status, 401);
}

QTEST_GUILESS_MAIN(AccessControlDataPlaneTest)
#include "AccessControlDataPlaneTest.moc"
