// Rate limits and budgets set through the admin API over real HTTP: a stored budget refuses the
// data-plane call that does not fit it, a stored rate limit the request over it, the config file's
// entries are read-only (409), viewers and operators cannot change them, a delete lifts them, the
// rules are the config file's, and a change made by another process is picked up.
#include "AdminSession.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "store/AdminTokenStore.h"
#include "store/GovernanceStore.h"
#include "store/PolicyStore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <thread>

using namespace gatehouse;

namespace {

// max_tokens 1000 at $1 / $10 per 1M tokens: a worst case of about $0.01 a call.
std::string pricedChat()
{
    return R"({"model":"mock-chat","max_tokens":1000,"messages":[{"role":"user","content":"Hello"}]})";
}

QJsonObject itemOf(const QJsonArray& items, const QString& scope, const QString& id)
{
    for (const auto& item : items) {
        if (item.toObject()["scope"].toString() == scope && item.toObject()["id"].toString() == id)
            return item.toObject();
    }
    return {};
}

} // namespace

class PolicyAdminTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void aStoredBudgetRefusesACallThatDoesNotFit();
    void aStoredRateLimitRefusesTheRequestOverIt();
    void configFileEntriesAreReadOnly();
    void onlyAdminsChangeThem();
    void theConfigFilesRulesApply();
    void aChangeByAnotherProcessIsPickedUp();

private:
    TestResponse call(const std::string& token, const std::string& method, const std::string& target, const std::string& body = {});
    TestResponse asAdmin(const std::string& method, const std::string& target, const std::string& body = {})
    {
        return m_admin->call(m_admin->adminToken(), method, target, body);
    }
    TestResponse chat(); // as tenant acme

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<test::AdminSession> m_admin;
    std::string m_acmeKey;
};

void PolicyAdminTest::init()
{
    auto config = test::mockGatewayWithAdminListener();
    config.source = "gatehouse.yaml";
    config.server.threads = 2;
    config.models[0].deployments[0].price = TokenPrice{1.0, 10.0};
    ScopedLimits filedLimit{{ScopeKind::Tenant, "filed"}, {}};
    filedLimit.limits.requestsPerMinute = 100;
    config.policy.limits.push_back(filedLimit);
    BudgetDefinition filedBudget;
    filedBudget.scope = {ScopeKind::Tenant, "filed"};
    filedBudget.limitMicros = 5'000'000;
    config.policy.budgets.push_back(filedBudget);
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    m_admin = std::make_unique<test::AdminSession>(m_gateway->server());
    m_acmeKey = m_gateway->server().createKey("ci", "acme");
}

void PolicyAdminTest::cleanup()
{
    m_admin.reset();
    m_gateway.reset();
}

TestResponse PolicyAdminTest::call(const std::string& token, const std::string& method, const std::string& target,
    const std::string& body)
{
    return m_admin->call(token, method, target, body);
}

TestResponse PolicyAdminTest::chat()
{
    TestHttpClient client(m_gateway->server().dataPlaneAddress().port);
    return client.postJson("/v1/chat/completions", pricedChat(), m_acmeKey);
}

void PolicyAdminTest::aStoredBudgetRefusesACallThatDoesNotFit()
{
    const auto before = chat();
    QVERIFY2(before.status == 200, qPrintable(test::describe(before)));

    // $0.001: less than one worst case.
    const auto created = asAdmin("PUT", "/admin/v1/budgets",
        R"({"scope":"tenant","id":"acme","period":"total","limit_usd":0.001,"soft_limit_fraction":0.5,"reason":"pilot"})");
    QVERIFY2(created.status == 200, qPrintable(test::describe(created)));
    const auto budget = test::jsonBody(created);
    QCOMPARE(budget["source"].toString(), QString("store"));
    QCOMPARE(budget["limit_usd"].toDouble(), 0.001);
    QCOMPARE(budget["soft_limit_fraction"].toDouble(), 0.5);
    QVERIFY(budget["soft_limit_usd"].isNull());
    QVERIFY(budget["updated_at_ms"].toDouble() > 0);

    const auto refused = chat();
    QVERIFY2(refused.status == 429, qPrintable(test::describe(refused)));
    QCOMPARE(test::errorBody(refused)["code"].toString(), QString("budget_exceeded"));

    // The same scope and period again replaces it; the serving snapshot shows it.
    const auto replaced = asAdmin("PUT", "/admin/v1/budgets", R"({"scope":"tenant","id":"acme","period":"total","limit_usd":0.002})");
    QVERIFY2(replaced.status == 200, qPrintable(test::describe(replaced)));
    const auto usage = asAdmin("GET", "/admin/v1/traffic/budgets");
    QCOMPARE(itemOf(test::jsonBody(usage)["data"].toArray(), "tenant", "acme")["limit_usd"].toDouble(), 0.002);

    // Listed after the config file's.
    const auto list = call(m_admin->viewerToken(), "GET", "/admin/v1/budgets");
    QVERIFY2(list.status == 200, qPrintable(test::describe(list)));
    const auto items = test::jsonBody(list)["data"].toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[0].toObject()["id"].toString(), QString("filed"));
    QCOMPARE(items[0].toObject()["source"].toString(), QString("config_file"));
    QVERIFY(items[0].toObject()["updated_at_ms"].isNull());
    QCOMPARE(items[1].toObject()["id"].toString(), QString("acme"));
    QCOMPARE(items[1].toObject()["source"].toString(), QString("store"));

    const auto deleted = asAdmin("DELETE", "/admin/v1/budgets/tenant/acme/total?reason=pilot%20over");
    QVERIFY2(deleted.status == 200, qPrintable(test::describe(deleted)));
    QCOMPARE(test::jsonBody(deleted)["limit_usd"].toDouble(), 0.002);
    const auto after = chat();
    QVERIFY2(after.status == 200, qPrintable(test::describe(after)));
    QCOMPARE(asAdmin("DELETE", "/admin/v1/budgets/tenant/acme/total").status, 404);

    const auto audit = asAdmin("GET", "/admin/v1/audit?entity_type=budget");
    const auto entries = test::jsonBody(audit)["data"].toArray();
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries[0].toObject()["action"].toString(), QString("budget.delete"));
    QCOMPARE(entries[0].toObject()["entity_id"].toString(), QString("tenant/acme/total"));
    QCOMPARE(entries[0].toObject()["reason"].toString(), QString("pilot over"));
    QCOMPARE(entries[1].toObject()["action"].toString(), QString("budget.update"));
    QCOMPARE(entries[2].toObject()["action"].toString(), QString("budget.create"));
    QCOMPARE(entries[2].toObject()["actor"].toString(), QString("ada-admin"));
}

void PolicyAdminTest::aStoredRateLimitRefusesTheRequestOverIt()
{
    const auto created = asAdmin("PUT", "/admin/v1/limits", R"({"scope":"tenant","id":"acme","requests_per_minute":1})");
    QVERIFY2(created.status == 200, qPrintable(test::describe(created)));
    QCOMPARE(test::jsonBody(created)["requests_per_minute"].toInt(), 1);
    QVERIFY(test::jsonBody(created)["tokens_per_minute"].isNull());

    const auto first = chat();
    QVERIFY2(first.status == 200, qPrintable(test::describe(first)));
    const auto second = chat();
    QVERIFY2(second.status == 429, qPrintable(test::describe(second)));
    QCOMPARE(test::errorBody(second)["code"].toString(), QString("rate_limit_exceeded"));

    const auto list = call(m_admin->viewerToken(), "GET", "/admin/v1/limits");
    const auto items = test::jsonBody(list)["data"].toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(itemOf(items, "tenant", "filed")["source"].toString(), QString("config_file"));
    QCOMPARE(itemOf(items, "tenant", "acme")["source"].toString(), QString("store"));

    const auto deleted = asAdmin("DELETE", "/admin/v1/limits/tenant/acme");
    QVERIFY2(deleted.status == 200, qPrintable(test::describe(deleted)));
    const auto after = chat();
    QVERIFY2(after.status == 200, qPrintable(test::describe(after)));

    // A consumer's id carries a '/': sent as %2F.
    const auto consumer = asAdmin("PUT", "/admin/v1/limits", R"({"scope":"consumer","id":"acme/app","concurrent":2})");
    QVERIFY2(consumer.status == 200, qPrintable(test::describe(consumer)));
    const auto consumerDeleted = asAdmin("DELETE", "/admin/v1/limits/consumer/acme%2Fapp");
    QVERIFY2(consumerDeleted.status == 200, qPrintable(test::describe(consumerDeleted)));
}

void PolicyAdminTest::configFileEntriesAreReadOnly()
{
    for (const auto& [method, target, body] : {
             std::tuple<std::string, std::string, std::string>{"PUT", "/admin/v1/limits", R"({"scope":"tenant","id":"filed","concurrent":1})"},
             {"DELETE", "/admin/v1/limits/tenant/filed", ""},
             {"PUT", "/admin/v1/budgets", R"({"scope":"tenant","id":"filed","limit_usd":1})"},
             {"DELETE", "/admin/v1/budgets/tenant/filed/monthly", ""}}) {
        const auto refused = asAdmin(method, target, body);
        QVERIFY2(refused.status == 409, qPrintable(QString::fromStdString(method + " " + target + ": ") + test::describe(refused)));
        QCOMPARE(test::errorBody(refused)["code"].toString(), QString("conflict"));
        QVERIFY2(test::errorBody(refused)["message"].toString().contains("gatehouse.yaml"), qPrintable(test::describe(refused)));
    }
    // Another period of the same scope is not the file's.
    const auto daily = asAdmin("PUT", "/admin/v1/budgets", R"({"scope":"tenant","id":"filed","period":"daily","limit_usd":1})");
    QVERIFY2(daily.status == 200, qPrintable(test::describe(daily)));
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=budget"))["total"].toInt(), 1);
}

void PolicyAdminTest::onlyAdminsChangeThem()
{
    const std::string limit = R"({"scope":"tenant","id":"acme","requests_per_minute":5})";
    for (const auto& token : {m_admin->viewerToken(), m_admin->operatorToken()}) {
        const auto put = call(token, "PUT", "/admin/v1/limits", limit);
        QVERIFY2(put.status == 403, qPrintable(test::describe(put)));
        QCOMPARE(test::errorBody(put)["code"].toString(), QString("insufficient_role"));
        QCOMPARE(call(token, "PUT", "/admin/v1/budgets", R"({"scope":"tenant","id":"acme","limit_usd":1})").status, 403);
    }
    QCOMPARE(asAdmin("PUT", "/admin/v1/limits", limit).status, 200);
    QCOMPARE(call(m_admin->operatorToken(), "DELETE", "/admin/v1/limits/tenant/acme").status, 403);
    QCOMPARE(call(m_admin->viewerToken(), "GET", "/admin/v1/limits").status, 200);
    QCOMPARE(call(m_admin->viewerToken(), "GET", "/admin/v1/budgets").status, 200);
    QCOMPARE(call("", "GET", "/admin/v1/limits").status, 401);
}

void PolicyAdminTest::theConfigFilesRulesApply()
{
    const auto check = [&](const std::string& target, const std::string& body, int status, const QString& code, const QString& param) {
        const auto response = asAdmin("PUT", target, body);
        QVERIFY2(response.status == status, qPrintable(QString::fromStdString(body + ": ") + test::describe(response)));
        QCOMPARE(test::errorBody(response)["code"].toString(), code);
        QCOMPARE(test::errorBody(response)["param"].toString(), param);
    };
    check("/admin/v1/limits", R"({"scope":"tenant","id":"acme"})", 400, "missing_required_parameter", "");
    check("/admin/v1/limits", R"({"scope":"consumer","id":"app","concurrent":1})", 400, "invalid_value", "id");
    check("/admin/v1/limits", R"({"scope":"team","id":"acme","concurrent":1})", 400, "invalid_value", "scope");
    check("/admin/v1/limits", R"({"scope":"tenant","id":"acme","concurrent":"lots"})", 400, "invalid_type", "concurrent");
    check("/admin/v1/limits", R"({"scope":"tenant","id":"acme","rpm":5})", 400, "unknown_parameter", "rpm");
    check("/admin/v1/limits", R"({"scope":"model","id":"ghost","concurrent":1})", 404, "not_found", "id");
    check("/admin/v1/budgets", R"({"scope":"model","id":"mock-chat","limit_usd":1})", 400, "invalid_value", "scope");
    check("/admin/v1/budgets", R"({"scope":"tenant","id":"acme","limit_usd":1,"soft_limit_usd":2})", 400, "invalid_value",
        "soft_limit_usd");
    check("/admin/v1/budgets", R"({"scope":"tenant","id":"acme","period":"yearly","limit_usd":1})", 400, "invalid_value", "period");
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=rate_limit"))["total"].toInt(), 0);

    // A served model may be limited here; unknown paths name nothing.
    QCOMPARE(asAdmin("PUT", "/admin/v1/limits", R"({"scope":"model","id":"mock-chat","tokens_per_minute":1000})").status, 200);
    QCOMPARE(asAdmin("DELETE", "/admin/v1/limits/team/acme").status, 404);
    QCOMPARE(asAdmin("DELETE", "/admin/v1/budgets/tenant/acme/yearly").status, 404);
}

void PolicyAdminTest::aChangeByAnotherProcessIsPickedUp()
{
    {
        Database db(m_gateway->server().databasePath());
        GovernanceStore audit(db);
        PolicyStore store(db);
        ScopedLimits limit{{ScopeKind::Tenant, "acme"}, {}};
        limit.limits.requestsPerMinute = 0; // paused
        store.putLimit(audit, {"cli:test", ""}, limit);
    }
    // The gateway polls the store's generation every second.
    TestResponse refused;
    for (int attempt = 0; attempt < 50; ++attempt) {
        refused = chat();
        if (refused.status == 429)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    QVERIFY2(refused.status == 429, qPrintable(test::describe(refused)));
    QCOMPARE(test::errorBody(refused)["code"].toString(), QString("rate_limit_exceeded"));
}

QTEST_GUILESS_MAIN(PolicyAdminTest)
#include "PolicyAdminTest.moc"
