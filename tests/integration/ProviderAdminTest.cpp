// Providers and models added, edited and removed through the admin API over real HTTP on loopback,
// in front of an in-process mock upstream that requires its API key: the stored secret reaches the
// upstream and nowhere else (answers, audit, CSV export, logs), env references, the config file's
// entries read-only, providers in use, roles, changes taking effect at once, streams in flight
// keeping what they started with, a stored model's traffic policy routing its calls, and changes
// made by another process.
#include "AdminSession.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "logging/Logging.h"
#include "mockupstream/MockUpstreamServer.h"
#include "store/AdminTokenStore.h"
#include "store/GovernanceStore.h"
#include "store/ProviderStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <spdlog/sinks/ringbuffer_sink.h>

#include <cstdlib>
#include <sys/stat.h>
#include <thread>

using namespace gatehouse;

namespace {

// Long enough to be told apart from anything else in a body or a log line.
const std::string kSecret = "sk-upstream-SECRET-7f3a9c";
const std::string kWrongSecret = "sk-wrong-SECRET-000000";
const char* kUnsetVariable = "GATEHOUSE_PROVIDER_ADMIN_TEST_UNSET";
const char* kEnvVariable = "GATEHOUSE_PROVIDER_ADMIN_TEST_KEY";


std::string chatBody(const std::string& model, bool stream = false)
{
    return R"({"model":")" + model + R"(","stream":)" + (stream ? "true" : "false")
        + R"(,"messages":[{"role":"user","content":"Hello"}]})";
}

// Every log line of the process, whatever logger wrote it.
std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> g_logLines;

std::string allLogLines()
{
    std::string all;
    for (const auto& line : g_logLines->last_formatted())
        all += line;
    return all;
}

} // namespace

class ProviderAdminTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void aStoredSecretReachesTheUpstreamAndNothingElse();
    void aWrongSecretIsAnUpstreamAuthFailure();
    void anUnsetEnvironmentVariableIsAClearErrorOnItsCalls();
    void anEnvReferenceIsReadFromTheGatewaysEnvironment();
    void configFileEntriesAreReadOnly();
    void aProviderInUseCannotBeDeleted();
    void validationErrorsNameTheField();
    void rolesDecideWhoMayDoWhat();
    void changesTakeEffectOnTheDataPlaneAtOnce();
    void aStreamInFlightKeepsItsProviderAcrossAnEdit();
    void aStoredModelsStrategyAndPrioritiesRouteItsCalls();
    void testingAProviderMakesOneRealCall();
    void modelsListShowsSourceDeploymentsAndAccess();
    void changesByAnotherProcessArePickedUp();
    void theDatabaseIsForItsOwnerOnly();

private:
    TestResponse call(const std::string& token, const std::string& method, const std::string& target, const std::string& body = {});
    TestResponse asAdmin(const std::string& method, const std::string& target, const std::string& body = {})
    {
        return m_admin->call(m_admin->adminToken(), method, target, body);
    }
    TestResponse chat(const std::string& model, bool stream = false);
    std::string upstreamUrl() const;
    // A provider on the mock upstream with this credential, and a model on it; both 201.
    void addProviderAndModel(const std::string& provider, const std::string& credentialJson, const std::string& model);

    std::unique_ptr<MockUpstreamServer> m_upstream;
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<test::AdminSession> m_admin;
    std::string m_apiKey; // a data-plane key for every open model
};

void ProviderAdminTest::initTestCase()
{
    // Debug level, and every line kept, so the test can prove no secret is ever logged.
    configureLogging({"debug", false});
    g_logLines = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(20000);
    // Component loggers created later copy the default logger's sinks.
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& logger) { logger->sinks().push_back(g_logLines); });
    ::unsetenv(kUnsetVariable);
}

void ProviderAdminTest::init()
{
    MockUpstreamOptions options;
    options.requiredApiKey = kSecret;
    options.streamChunks = 8;
    options.chunkInterval = std::chrono::milliseconds(0);
    m_upstream = std::make_unique<MockUpstreamServer>(options);
    m_upstream->start();

    auto config = test::mockGatewayWithAdminListener();
    config.source = "gatehouse.yaml";
    config.server.threads = 2;
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    m_admin = std::make_unique<test::AdminSession>(m_gateway->server());
    m_apiKey = m_gateway->server().createKey("ci");
}

void ProviderAdminTest::cleanup()
{
    m_admin.reset();
    m_gateway.reset();
    m_upstream.reset();
    ::unsetenv(kEnvVariable);
}

TestResponse ProviderAdminTest::call(const std::string& token, const std::string& method, const std::string& target,
    const std::string& body)
{
    return m_admin->call(token, method, target, body);
}

TestResponse ProviderAdminTest::chat(const std::string& model, bool stream)
{
    TestHttpClient client(m_gateway->server().dataPlaneAddress().port);
    return client.postJson("/v1/chat/completions", chatBody(model, stream), m_apiKey);
}

std::string ProviderAdminTest::upstreamUrl() const
{
    return "http://127.0.0.1:" + std::to_string(m_upstream->address().port) + "/v1";
}

void ProviderAdminTest::addProviderAndModel(const std::string& provider, const std::string& credentialJson, const std::string& model)
{
    const auto created = asAdmin("POST", "/admin/v1/providers",
        R"({"name":")" + provider + R"(","kind":"openai","base_url":")" + upstreamUrl()
            + R"(","read_timeout_ms":10000,"credential":)" + credentialJson + R"(,"reason":"new team upstream"})");
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto modelCreated = asAdmin("POST", "/admin/v1/models",
        R"({"model":")" + model + R"(","deployments":[{"provider":")" + provider + R"(","model":"gpt-4o-mini"}]})");
    QVERIFY2(modelCreated.status == 201, qPrintable(test::describe(modelCreated)));
}

void ProviderAdminTest::aStoredSecretReachesTheUpstreamAndNothingElse()
{
    addProviderAndModel("team-openai", R"({"source":"stored","secret":")" + kSecret + R"("})", "team-gpt");
    if (QTest::currentTestFailed())
        return;
    // The upstream answers only with its key: a 200 proves the stored secret went there.
    const auto answer = chat("team-gpt");
    QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
    QVERIFY(test::jsonBody(answer)["choices"].toArray().size() == 1);
    const auto streamed = chat("team-gpt", true);
    QVERIFY2(streamed.status == 200 && streamed.body.find("[DONE]") != std::string::npos, qPrintable(test::describe(streamed)));

    // Only metadata wherever the provider is shown.
    const auto one = asAdmin("GET", "/admin/v1/providers/team-openai");
    QCOMPARE(one.status, 200);
    QCOMPARE(test::jsonBody(one)["credential"].toObject(), QJsonObject({{"source", "stored"}, {"set", true}}));
    QCOMPARE(test::jsonBody(one)["source"].toString(), QString("store"));
    QCOMPARE(test::jsonBody(one)["models"].toArray(), QJsonArray({"team-gpt"}));
    QVERIFY(test::jsonBody(one)["problem"].isNull());
    for (const auto& target : {"/admin/v1/providers", "/admin/v1/providers/team-openai", "/admin/v1/models",
             "/admin/v1/audit?limit=1000", "/admin/v1/audit?format=csv", "/admin/v1/openapi.json"}) {
        const auto response = call(m_admin->viewerToken(), "GET", target);
        QVERIFY2(response.status == 200, target);
        QVERIFY2(response.body.find("SECRET") == std::string::npos, target);
    }
    // The audit entry says what happened to the secret, not what it is.
    const auto audit = test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=provider&entity_id=team-openai"));
    const auto entry = audit["data"].toArray()[0].toObject();
    QCOMPARE(entry["action"].toString(), QString("provider.create"));
    QCOMPARE(entry["actor"].toString(), QString("ada-admin"));
    QCOMPARE(entry["reason"].toString(), QString("new team upstream"));
    QCOMPARE(entry["after"].toObject()["credential_change"].toString(), QString("set"));
    // Nor is it in any log line, at debug level.
    QVERIFY(allLogLines().find("POST /admin/v1/providers") != std::string::npos); // the log did see the change
    QVERIFY(allLogLines().find("SECRET") == std::string::npos);
}

void ProviderAdminTest::aWrongSecretIsAnUpstreamAuthFailure()
{
    addProviderAndModel("team-openai", R"({"source":"stored","secret":")" + kSecret + R"("})", "team-gpt");
    QCOMPARE(chat("team-gpt").status, 200);
    const auto replaced = asAdmin("PATCH", "/admin/v1/providers/team-openai",
        R"({"credential":{"source":"stored","secret":")" + kWrongSecret + R"("}})");
    QVERIFY2(replaced.status == 200, qPrintable(test::describe(replaced)));
    QVERIFY(replaced.body.find("SECRET") == std::string::npos);

    const auto refused = chat("team-gpt");
    QVERIFY2(refused.status == 502, qPrintable(test::describe(refused)));
    QCOMPARE(test::errorBody(refused)["code"].toString(), QString("upstream_auth_failed"));
    QVERIFY(refused.body.find("SECRET") == std::string::npos);

    const auto audit = test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=provider&entity_id=team-openai"));
    QCOMPARE(audit["data"].toArray()[0].toObject()["after"].toObject()["credential_change"].toString(), QString("replaced"));

    // And back: a PATCH with the right secret, the next call works.
    QCOMPARE(asAdmin("PATCH", "/admin/v1/providers/team-openai", R"({"credential":{"source":"stored","secret":")" + kSecret + R"("}})").status, 200);
    QCOMPARE(chat("team-gpt").status, 200);
    QVERIFY(allLogLines().find("SECRET") == std::string::npos);
}

void ProviderAdminTest::anUnsetEnvironmentVariableIsAClearErrorOnItsCalls()
{
    addProviderAndModel("env-openai", R"({"source":"env","name":")" + std::string(kUnsetVariable) + R"("})", "env-gpt");
    if (QTest::currentTestFailed())
        return;
    const auto provider = test::jsonBody(asAdmin("GET", "/admin/v1/providers/env-openai"));
    QCOMPARE(provider["credential"].toObject(), QJsonObject({{"source", "env"}, {"name", kUnsetVariable}}));
    QVERIFY2(provider["problem"].toString().contains(kUnsetVariable), qPrintable(provider["problem"].toString()));

    const auto refused = chat("env-gpt");
    QVERIFY2(refused.status == 503, qPrintable(test::describe(refused)));
    QCOMPARE(test::errorBody(refused)["code"].toString(), QString("provider_unavailable"));
    const auto message = test::errorBody(refused)["message"].toString();
    QVERIFY2(message.contains("'env-openai'") && message.contains(kUnsetVariable) && message.contains("not set"), qPrintable(message));
    // The gateway itself is fine: everything else still works.
    QCOMPARE(chat("mock-chat").status, 200);
    const auto record = test::callRecord(m_gateway->server(), refused.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("503"));
    QCOMPARE(record["error_code"], QString("provider_unavailable"));
}

void ProviderAdminTest::anEnvReferenceIsReadFromTheGatewaysEnvironment()
{
    ::setenv(kEnvVariable, kSecret.c_str(), 1);
    addProviderAndModel("env-openai", R"({"source":"env","name":")" + std::string(kEnvVariable) + R"("})", "env-gpt");
    QCOMPARE(chat("env-gpt").status, 200);
    const auto provider = test::jsonBody(asAdmin("GET", "/admin/v1/providers/env-openai"));
    QVERIFY(provider["problem"].isNull());
    QVERIFY(asAdmin("GET", "/admin/v1/providers").body.find("SECRET") == std::string::npos);
}

void ProviderAdminTest::configFileEntriesAreReadOnly()
{
    for (const auto& [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"PATCH", "/admin/v1/providers/mock", R"({"latency_ms":5})"},
             {"DELETE", "/admin/v1/providers/mock", ""},
             {"PATCH", "/admin/v1/models/mock-chat", R"({"deployments":[{"provider":"mock","model":"x"}]})"},
             {"DELETE", "/admin/v1/models/mock-chat", ""}}) {
        const auto response = asAdmin(method, target, body);
        QVERIFY2(response.status == 409, qPrintable(test::describe(response)));
        QCOMPARE(test::errorBody(response)["code"].toString(), QString("conflict"));
        const auto message = test::errorBody(response)["message"].toString();
        QVERIFY2(message.contains("is defined in the config file gatehouse.yaml"), qPrintable(message));
        QVERIFY2(message.contains(method == "PATCH" ? "edit it there" : "remove it there"), qPrintable(message));
    }
    const auto clash = asAdmin("POST", "/admin/v1/providers", R"({"name":"mock","kind":"mock"})");
    QVERIFY2(clash.status == 409, qPrintable(test::describe(clash)));
    QVERIFY(test::errorBody(clash)["message"].toString().contains("choose another name"));
    const auto listed = test::jsonBody(asAdmin("GET", "/admin/v1/providers/mock"));
    QCOMPARE(listed["source"].toString(), QString("config"));
    QCOMPARE(listed["kind"].toString(), QString("mock"));
}

void ProviderAdminTest::aProviderInUseCannotBeDeleted()
{
    addProviderAndModel("team-openai", R"({"source":"stored","secret":")" + kSecret + R"("})", "team-gpt");
    const auto refused = asAdmin("DELETE", "/admin/v1/providers/team-openai");
    QVERIFY2(refused.status == 409, qPrintable(test::describe(refused)));
    QVERIFY2(test::errorBody(refused)["message"].toString().contains("'team-gpt'"), qPrintable(test::describe(refused)));
    QCOMPARE(chat("team-gpt").status, 200); // nothing changed

    QCOMPARE(asAdmin("DELETE", "/admin/v1/models/team-gpt?reason=done").status, 200);
    const auto deleted = asAdmin("DELETE", "/admin/v1/providers/team-openai?reason=done");
    QVERIFY2(deleted.status == 200, qPrintable(test::describe(deleted)));
    QCOMPARE(test::jsonBody(deleted)["name"].toString(), QString("team-openai"));
    QCOMPARE(asAdmin("GET", "/admin/v1/providers/team-openai").status, 404);
    QCOMPARE(chat("team-gpt").status, 404);
    const auto audit = test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=provider&entity_id=team-openai"));
    QCOMPARE(audit["data"].toArray()[0].toObject()["action"].toString(), QString("provider.delete"));
    QCOMPARE(audit["data"].toArray()[0].toObject()["reason"].toString(), QString("done"));
}

void ProviderAdminTest::validationErrorsNameTheField()
{
    struct Case {
        std::string method, target, body;
        int status;
        std::string param, code;
    };
    const std::vector<Case> cases{
        {"POST", "/admin/v1/providers", R"({"kind":"openai"})", 400, "name", "missing_required_parameter"},
        {"POST", "/admin/v1/providers", R"({"name":"p","kind":"magic"})", 400, "kind", "invalid_value"},
        {"POST", "/admin/v1/providers", R"({"name":"p","kind":"openai-compatible"})", 400, "base_url", "missing_required_parameter"},
        {"POST", "/admin/v1/providers", R"({"name":"p","kind":"openai","api_version":"x"})", 400, "api_version", "unknown_parameter"},
        {"POST", "/admin/v1/providers", R"({"name":"p","kind":"openai","read_timeout_ms":"5"})", 400, "read_timeout_ms", "invalid_type"},
        {"POST", "/admin/v1/providers", R"({"name":"p","kind":"openai","credential":{"source":"stored"}})", 400, "credential.secret",
            "missing_required_parameter"},
        {"POST", "/admin/v1/providers", R"({"name":"p","kind":"openai","credential":{"source":"env","name":"NOT-A-NAME"}})", 400,
            "credential.name", "invalid_value"},
        {"POST", "/admin/v1/providers", R"({"name":"p","kind":"openai","name":"q"})", 400, "name", "duplicate_parameter"},
        {"POST", "/admin/v1/models", R"({"model":"m","deployments":[{"provider":"nope","model":"x"}]})", 404,
            "deployments[0].provider", "not_found"},
        {"POST", "/admin/v1/models", R"({"model":"m","deployments":[]})", 400, "deployments", "missing_required_parameter"},
        {"POST", "/admin/v1/models", R"({"model":"m","deployments":[{"provider":"mock","model":"x","weight":0}]})", 400,
            "deployments[0].weight", "invalid_value"},
        {"POST", "/admin/v1/models", R"({"model":"m","fallbacks":["ghost"],"deployments":[{"provider":"mock","model":"x"}]})", 400,
            "fallbacks[0]", "invalid_value"},
        {"PATCH", "/admin/v1/models/nope", R"({"strategy":"fallback"})", 404, "", "not_found"},
        {"PATCH", "/admin/v1/providers/nope", R"({})", 404, "", "not_found"},
    };
    for (const auto& c : cases) {
        const auto response = asAdmin(c.method, c.target, c.body);
        const auto where = qPrintable(QString::fromStdString(c.body) + " → " + test::describe(response));
        QVERIFY2(response.status == c.status, where);
        QCOMPARE(test::errorBody(response)["code"].toString(), QString::fromStdString(c.code));
        if (c.param.empty())
            QVERIFY2(test::errorBody(response)["param"].isNull(), where);
        else
            QVERIFY2(test::errorBody(response)["param"].toString() == QString::fromStdString(c.param), where);
    }
    // A secret in a body that is not even JSON is not echoed back either.
    const auto broken = asAdmin("POST", "/admin/v1/providers", "{\"name\":\"p\",\"credential\":{\"source\":\"stored\",\"secret\":\"" + kSecret + "\n");
    QCOMPARE(broken.status, 400);
    QVERIFY2(broken.body.find("SECRET") == std::string::npos, broken.body.c_str());
    QVERIFY(test::jsonBody(asAdmin("GET", "/admin/v1/providers"))["total"].toInt() == 1); // only the file's mock
}

void ProviderAdminTest::rolesDecideWhoMayDoWhat()
{
    const std::string provider = R"({"name":"p","kind":"mock"})";
    const std::string model = R"({"model":"m","deployments":[{"provider":"mock","model":"x"}]})";
    for (const auto& token : {m_admin->viewerToken(), m_admin->operatorToken()}) {
        for (const auto& [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
                 {"POST", "/admin/v1/providers", provider}, {"PATCH", "/admin/v1/providers/mock", "{}"},
                 {"DELETE", "/admin/v1/providers/mock", ""}, {"POST", "/admin/v1/models", model},
                 {"PATCH", "/admin/v1/models/mock-chat", "{}"}, {"DELETE", "/admin/v1/models/mock-chat", ""}}) {
            const auto response = call(token, method, target, body);
            QVERIFY2(response.status == 403, qPrintable(QString::fromStdString(method + " " + target) + " " + test::describe(response)));
            QCOMPARE(test::errorBody(response)["code"].toString(), QString("insufficient_role"));
            QVERIFY(test::errorBody(response)["message"].toString().contains("'admin' role"));
        }
        for (const auto& target : {"/admin/v1/providers", "/admin/v1/providers/mock", "/admin/v1/models", "/admin/v1/models/mock-chat"})
            QCOMPARE(call(token, "GET", target).status, 200);
    }
    QCOMPARE(call(m_admin->viewerToken(), "POST", "/admin/v1/providers/mock/test").status, 403);
    const auto tested = call(m_admin->operatorToken(), "POST", "/admin/v1/providers/mock/test");
    QVERIFY2(tested.status == 200, qPrintable(test::describe(tested)));
    QCOMPARE(call({}, "GET", "/admin/v1/providers").status, 401);
    QCOMPARE(asAdmin("POST", "/admin/v1/providers", provider).status, 201);
    QCOMPARE(asAdmin("POST", "/admin/v1/models", model).status, 201);
}

void ProviderAdminTest::changesTakeEffectOnTheDataPlaneAtOnce()
{
    QCOMPARE(chat("quick").status, 404);
    QCOMPARE(asAdmin("POST", "/admin/v1/providers", R"({"name":"fast-mock","kind":"mock","stream_chunks":2})").status, 201);
    QCOMPARE(asAdmin("POST", "/admin/v1/models", R"({"model":"quick","deployments":[{"provider":"fast-mock","model":"m-1"}]})").status, 201);
    const auto answered = chat("quick");
    QVERIFY2(answered.status == 200, qPrintable(test::describe(answered)));
    QCOMPARE(test::jsonBody(answered)["model"].toString(), QString("m-1"));

    // A new deployment takes all the traffic as soon as the answer is out.
    QCOMPARE(asAdmin("PATCH", "/admin/v1/models/quick", R"({"deployments":[{"provider":"mock","model":"m-2"}]})").status, 200);
    QCOMPARE(test::jsonBody(chat("quick"))["model"].toString(), QString("m-2"));
    // /v1/models lists it, and not after it is gone.
    TestHttpClient client(m_gateway->server().dataPlaneAddress().port);
    const auto models = client.request("GET", "/v1/models", {}, {{"Authorization", "Bearer " + m_apiKey}});
    QVERIFY(models.body.find("\"quick\"") != std::string::npos);
    QCOMPARE(asAdmin("DELETE", "/admin/v1/models/quick").status, 200);
    QCOMPARE(chat("quick").status, 404);
}

void ProviderAdminTest::aStreamInFlightKeepsItsProviderAcrossAnEdit()
{
    // A slow stream: 10 events, 150 ms apart.
    MockUpstreamOptions options;
    options.requiredApiKey = kSecret;
    options.streamChunks = 10;
    options.chunkInterval = std::chrono::milliseconds(150);
    MockUpstreamServer slow(options);
    slow.start();
    const auto created = asAdmin("POST", "/admin/v1/providers",
        R"({"name":"slow","kind":"openai","base_url":"http://127.0.0.1:)" + std::to_string(slow.address().port)
            + R"(/v1","credential":{"source":"stored","secret":")" + kSecret + R"("}})");
    QCOMPARE(created.status, 201);
    QCOMPARE(asAdmin("POST", "/admin/v1/models", R"({"model":"slow-gpt","deployments":[{"provider":"slow","model":"gpt-4o"}]})").status, 201);

    TestResponse streamed;
    std::thread client([&] { streamed = chat("slow-gpt", true); });
    QTRY_VERIFY_WITH_TIMEOUT(m_gateway->server().inFlight() > 0, 5000); // the request holds its snapshot now

    // While it streams: a wrong secret and a base URL where nothing listens.
    const auto edited = asAdmin("PATCH", "/admin/v1/providers/slow",
        R"({"base_url":"http://127.0.0.1:9/v1","credential":{"source":"stored","secret":")" + kWrongSecret + R"("}})");
    QVERIFY2(edited.status == 200, qPrintable(test::describe(edited)));
    QVERIFY2(m_gateway->server().inFlight() > 0, "the edit must land while the stream is still running");
    const auto after = chat("slow-gpt");
    QVERIFY2(after.status == 502, qPrintable(test::describe(after))); // new calls see the edit at once
    client.join();

    QVERIFY2(streamed.status == 200, qPrintable(test::describe(streamed)));
    QVERIFY2(streamed.body.find("data: [DONE]") != std::string::npos, streamed.body.c_str());
    QVERIFY(streamed.body.find("\"error\"") == std::string::npos);
}

void ProviderAdminTest::aStoredModelsStrategyAndPrioritiesRouteItsCalls()
{
    QCOMPARE(asAdmin("POST", "/admin/v1/providers",
                 R"({"name":"team-openai","kind":"openai","base_url":")" + upstreamUrl() + R"(","credential":{"source":"stored","secret":")"
                     + kSecret + R"("}})").status,
        201);
    // Written second but priority 0: with the fallback strategy it answers every call, and the
    // priority 1 deployment is only its fallback.
    const auto created = asAdmin("POST", "/admin/v1/models",
        R"({"model":"ordered","strategy":"fallback","fallbacks":["mock-chat"],"cache_ttl_s":0,"deployments":[)"
        R"({"provider":"team-openai","model":"second-choice","priority":1},)"
        R"({"provider":"team-openai","model":"first-choice","priority":0,"price":{"input_per_million":2.5,"output_per_million":10}}]})");
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto item = test::jsonBody(created);
    QCOMPARE(item["strategy"].toString(), QString("fallback"));
    QCOMPARE(item["fallbacks"].toArray(), QJsonArray({"mock-chat"}));
    QCOMPARE(item["deployments"].toArray()[0].toObject()["priority"].toInt(), 1);
    QCOMPARE(item["deployments"].toArray()[1].toObject()["price"].toObject()["output_per_million"].toDouble(), 10.0);
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/models/ordered")), item);

    for (int i = 0; i < 5; ++i) {
        const auto answer = chat("ordered");
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
        QCOMPARE(test::jsonBody(answer)["model"].toString(), QString("first-choice"));
    }
    QCOMPARE(m_upstream->requestCount("first-choice"), 5);
    QCOMPARE(m_upstream->requestCount("second-choice"), 0);

    // A PATCH of the priorities alone turns the order round.
    const auto swapped = asAdmin("PATCH", "/admin/v1/models/ordered",
        R"({"deployments":[{"provider":"team-openai","model":"second-choice","priority":0},)"
        R"({"provider":"team-openai","model":"first-choice","priority":1}]})");
    QVERIFY2(swapped.status == 200, qPrintable(test::describe(swapped)));
    QCOMPARE(test::jsonBody(swapped)["strategy"].toString(), QString("fallback")); // kept
    QCOMPARE(test::jsonBody(chat("ordered"))["model"].toString(), QString("second-choice"));
    const auto audit = test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=model&entity_id=ordered"));
    const auto entry = audit["data"].toArray()[0].toObject();
    QCOMPARE(entry["action"].toString(), QString("model.update"));
    QCOMPARE(entry["before"].toObject()["deployments"].toArray()[1].toObject()["priority"].toInt(), 0);
    QCOMPARE(entry["after"].toObject()["strategy"].toString(), QString("fallback"));
}

void ProviderAdminTest::testingAProviderMakesOneRealCall()
{
    addProviderAndModel("team-openai", R"({"source":"stored","secret":")" + kSecret + R"("})", "team-gpt");
    const auto passed = call(m_admin->operatorToken(), "POST", "/admin/v1/providers/team-openai/test", R"({"reason":"after setup"})");
    QVERIFY2(passed.status == 200, qPrintable(test::describe(passed)));
    const auto result = test::jsonBody(passed);
    QCOMPARE(result["name"].toString(), QString("team-openai"));
    QCOMPARE(result["ok"].toBool(), true);
    QCOMPARE(result["status"].toInt(), 200);
    QCOMPARE(result["model"].toString(), QString("gpt-4o-mini"));

    QCOMPARE(asAdmin("PATCH", "/admin/v1/providers/team-openai", R"({"credential":{"source":"stored","secret":")" + kWrongSecret + R"("}})").status, 200);
    const auto failed = call(m_admin->operatorToken(), "POST", "/admin/v1/providers/team-openai/test", R"({"model":"gpt-4o"})");
    QVERIFY2(failed.status == 200, qPrintable(test::describe(failed)));
    QCOMPARE(test::jsonBody(failed)["ok"].toBool(), false);
    QCOMPARE(test::jsonBody(failed)["status"].toInt(), 502);
    QCOMPARE(test::jsonBody(failed)["model"].toString(), QString("gpt-4o"));
    QVERIFY(failed.body.find("SECRET") == std::string::npos);

    const auto audit = test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=provider&entity_id=team-openai"));
    const auto entry = audit["data"].toArray()[0].toObject();
    QCOMPARE(entry["action"].toString(), QString("provider.test"));
    QCOMPARE(entry["actor"].toString(), QString("otto-operator"));
    QCOMPARE(asAdmin("POST", "/admin/v1/providers/nope/test").status, 404);
    // A provider no model uses needs a model to test with.
    QCOMPARE(asAdmin("POST", "/admin/v1/providers", R"({"name":"idle","kind":"mock"})").status, 201);
    const auto noModel = asAdmin("POST", "/admin/v1/providers/idle/test");
    QCOMPARE(noModel.status, 400);
    QCOMPARE(test::errorBody(noModel)["param"].toString(), QString("model"));
    QCOMPARE(test::jsonBody(asAdmin("POST", "/admin/v1/providers/idle/test", R"({"model":"anything"})"))["ok"].toBool(), true);
}

void ProviderAdminTest::modelsListShowsSourceDeploymentsAndAccess()
{
    addProviderAndModel("team-openai", R"({"source":"none"})", "team-gpt");
    QCOMPARE(asAdmin("PUT", "/admin/v1/models/team-gpt/access", R"({"mode":"approval"})").status, 200);
    const auto page = test::jsonBody(call(m_admin->viewerToken(), "GET", "/admin/v1/models"));
    const auto data = page["data"].toArray();
    QCOMPARE(data.size(), 2);
    QCOMPARE(data[0].toObject()["model"].toString(), QString("mock-chat"));
    QCOMPARE(data[0].toObject()["source"].toString(), QString("config"));
    QCOMPARE(data[0].toObject()["served"].toBool(), true);
    const auto team = data[1].toObject();
    QCOMPARE(team["model"].toString(), QString("team-gpt"));
    QCOMPARE(team["source"].toString(), QString("store"));
    QCOMPARE(team["mode"].toString(), QString("approval"));
    QCOMPARE(team["deployments"].toArray()[0].toObject(),
        QJsonObject({{"provider", "team-openai"}, {"model", "gpt-4o-mini"}, {"weight", 1}, {"priority", 0}, {"price", QJsonValue::Null}, {"limits", QJsonValue::Null}}));
    QCOMPARE(team["strategy"].toString(), QString("weighted"));
    QVERIFY(team["canary"].isNull());
    QCOMPARE(test::jsonBody(call(m_admin->viewerToken(), "GET", "/admin/v1/models/team-gpt")), team);
    QCOMPARE(call(m_admin->viewerToken(), "GET", "/admin/v1/models/nope").status, 404);
}

void ProviderAdminTest::changesByAnotherProcessArePickedUp()
{
    {
        // Another process on the same data directory (e.g. a `gatehouse` command).
        Database db(m_gateway->server().databasePath());
        GovernanceStore audit(db);
        ProviderStore store(db);
        StoredProvider provider{"elsewhere", "mock", Json::object()};
        store.createProvider(audit, {"cli:someone", ""}, provider, {});
        store.createModel(audit, {"cli:someone", ""}, {"elsewhere-chat", {{"elsewhere", "e-1", 1}}});
    }
    // The gateway's watcher checks the generation once a second.
    QTRY_COMPARE_WITH_TIMEOUT(chat("elsewhere-chat").status, 200, 5000);
}

void ProviderAdminTest::theDatabaseIsForItsOwnerOnly()
{
    const auto path = m_gateway->server().databasePath();
    for (const auto& file : {path, path + "-wal", path + "-shm"}) {
        struct stat info {};
        if (::stat(file.c_str(), &info) != 0)
            continue;
        QVERIFY2((info.st_mode & 0777) == 0600, qPrintable(QString::fromStdString(file)));
    }
    struct stat directory {};
    QCOMPARE(::stat(path.substr(0, path.rfind('/')).c_str(), &directory), 0);
    QCOMPARE(directory.st_mode & 0777, mode_t(0700));
}

QTEST_GUILESS_MAIN(ProviderAdminTest)
#include "ProviderAdminTest.moc"
