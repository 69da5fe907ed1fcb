// A configuration applied to a running gateway through its admin API: one apply that creates a
// model, a rate limit and a prompt is one new snapshot, after which the data plane serves them; an
// apply with a problem changes nothing and takes no snapshot; an unchanged tree takes none either.
#include "AdminSession.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "json/Json.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const char* kAliasModel = "model: alias-chat\n"
                          "deployments:\n"
                          "  - provider: mock\n"
                          "    model: mock-1\n"
                          "fallbacks:\n"
                          "  - mock-chat\n";

const char* kTenantLimit = "scope: tenant\n"
                           "id: acme\n"
                           "requests_per_minute: 1000\n";

const char* kPrompt = "name: greet\n"
                      "versions:\n"
                      "  - version: 1\n"
                      "    model: alias-chat\n"
                      "    messages:\n"
                      "      - role: user\n"
                      "        content: \"Hello {{name}}\"\n"
                      "    variables:\n"
                      "      - name: name\n"
                      "labels:\n"
                      "  production:\n"
                      "    - version: 1\n";

const char* kBrokenModel = "model: broken\n"
                           "deployments:\n"
                           "  - provider: nope\n"
                           "    model: x\n";

std::string treeBody(const Json& files)
{
    return Json{{"files", files}, {"reason", "test"}}.dump();
}

} // namespace

class ConfigApplyServingTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void oneApplyIsOneSnapshotAndIsServed();
    void anApplyWithAProblemChangesNothing();

private:
    Json exportedFiles();
    TestResponse chat(const std::string& model);

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<test::AdminSession> m_admin;
    std::string m_key;
};

void ConfigApplyServingTest::init()
{
    m_gateway = std::make_unique<test::RunningGateway>(test::mockGatewayWithAdminListener());
    m_admin = std::make_unique<test::AdminSession>(m_gateway->server());
    m_key = m_gateway->server().createKey("ci", "acme");
}

void ConfigApplyServingTest::cleanup()
{
    m_admin.reset();
    m_gateway.reset();
}

Json ConfigApplyServingTest::exportedFiles()
{
    const auto response = m_admin->asAdmin("GET", "/admin/v1/config/export");
    if (response.status != 200)
        qFatal("export failed: %s", qPrintable(test::describe(response)));
    return Json::parse(response.body).at("files");
}

TestResponse ConfigApplyServingTest::chat(const std::string& model)
{
    return m_gateway->client().postJson("/v1/chat/completions",
        Json{{"model", model}, {"messages", Json::array({{{"role", "user"}, {"content", "Hi"}}})}}.dump(), m_key);
}

void ConfigApplyServingTest::oneApplyIsOneSnapshotAndIsServed()
{
    auto files = exportedFiles();
    files["models/alias-chat.yaml"] = kAliasModel;
    files["limits/tenant/acme.yaml"] = kTenantLimit;
    files["prompts/greet.yaml"] = kPrompt;
    QCOMPARE(chat("alias-chat").status, 404);

    auto& server = m_gateway->server();
    const auto before = server.snapshotReplacements();
    const auto applied = m_admin->asAdmin("POST", "/admin/v1/config/apply", treeBody(files));
    QVERIFY2(applied.status == 200, qPrintable(test::describe(applied)));
    const auto plan = Json::parse(applied.body);
    QCOMPARE(plan.at("applied").get<bool>(), true);
    QCOMPARE(plan.at("summary").at("create").get<int>(), 3);
    QCOMPARE(server.snapshotReplacements(), before + 1);

    const auto answered = chat("alias-chat");
    QVERIFY2(answered.status == 200, qPrintable(test::describe(answered)));
    const auto prompted = m_gateway->client().postJson("/v1/prompts/greet/chat/completions",
        R"({"variables":{"name":"Ada"}})", m_key);
    QVERIFY2(prompted.status == 200, qPrintable(test::describe(prompted)));

    // The same tree again changes nothing, so the data plane keeps its snapshot.
    const auto again = m_admin->asAdmin("POST", "/admin/v1/config/apply", treeBody(files));
    QVERIFY2(again.status == 200, qPrintable(test::describe(again)));
    QVERIFY(Json::parse(again.body).at("changes").empty());
    QCOMPARE(server.snapshotReplacements(), before + 1);
}

void ConfigApplyServingTest::anApplyWithAProblemChangesNothing()
{
    auto files = exportedFiles();
    files["models/alias-chat.yaml"] = kAliasModel;
    files["models/broken.yaml"] = kBrokenModel;
    files["tenants/globex.yaml"] = "name: globex\n";

    auto& server = m_gateway->server();
    const auto before = server.snapshotReplacements();
    const auto refused = m_admin->asAdmin("POST", "/admin/v1/config/apply", treeBody(files));
    QVERIFY2(refused.status == 400, qPrintable(test::describe(refused)));
    QCOMPARE(test::errorBody(refused)["code"].toString(), QString("invalid_config"));
    const auto problems = Json::parse(refused.body).at("problems");
    QCOMPARE(problems.size(), std::size_t(1));
    QCOMPARE(problems[0].at("file").get<std::string>(), std::string("models/broken.yaml"));
    QCOMPARE(problems[0].at("line").get<int>(), 3);

    QCOMPARE(server.snapshotReplacements(), before);
    QCOMPARE(chat("alias-chat").status, 404);
    const auto tenants = m_admin->asAdmin("GET", "/admin/v1/tenants");
    QVERIFY2(tenants.body.find("globex") == std::string::npos, tenants.body.c_str());
}

QTEST_GUILESS_MAIN(ConfigApplyServingTest)
#include "ConfigApplyServingTest.moc"
