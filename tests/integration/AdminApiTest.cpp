// The admin REST API over real HTTP on loopback: each endpoint's contract, the role matrix,
// authentication, validation errors naming their field, illegal transitions, audit completeness,
// the CSV export, and the OpenAPI document held against the router's table.
#include "GatewayTestSupport.h"
#include "TemporaryDataDirectory.h"
#include "TestHttpClient.h"
#include "admin/AdminService.h"
#include "admin/AdminRouter.h"
#include "auth/ApiKey.h"
#include "store/AdminTokenStore.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"
#include "store/PromptStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <atomic>
#include <optional>
#include <set>
#include <thread>

using namespace gatehouse;

namespace {

const std::string kViewerName = "ana-viewer";
const std::string kOperatorName = "olga-operator";
const std::string kAdminName = "ada-admin";
const std::string kSetupActor = "test-setup";


QString lower(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<int>(text.size())).toLower();
}

// The entities every test starts with, made through the store (not the API under test).
struct Fixture {
    int64_t tenant = 0;          // "acme", has consumers
    int64_t spareTenant = 0;     // "spare", empty: may be renamed and deleted
    int64_t consumer = 0;        // "app" in acme
    int64_t spareConsumer = 0;   // "spare-app" in acme: no requests, no keys
    int64_t pending = 0;         // app's pending request for gpt-approval
    int64_t approved = 0;        // app's approved request for gpt-approved
    int64_t key = 0;             // app's API key
    std::string requestId;       // a call in the call log

    // "{tenant}", "{spare_tenant}", ... in `text` replaced by the ids.
    QString fill(QString text) const
    {
        return text.replace("{tenant}", QString::number(tenant))
            .replace("{spare_tenant}", QString::number(spareTenant))
            .replace("{consumer}", QString::number(consumer))
            .replace("{spare_consumer}", QString::number(spareConsumer))
            .replace("{pending}", QString::number(pending))
            .replace("{approved}", QString::number(approved))
            .replace("{key}", QString::number(key));
    }
};

// Every mutating endpoint, the least role the policy gives it (docs/admin-api.md), and the audit
// entry it must leave. Written out here, not read from the router, so the two are checked.
struct Mutation {
    const char* operationId;
    const char* method;
    const char* target;
    const char* body;
    AdminRole role;
    int status;
    const char* action;
    const char* entityType;
    const char* entityId = nullptr; // when the answer does not name it (a prompt's versions and labels)
};

// The prompt the fixture makes, twice: "greet" (versions 1 and 2, production on 1) and "spare-prompt".
const char* kPromptVersion = R"({"model":"mock-chat","messages":[{"role":"user","content":"Hello {{name}}"}],"variables":[{"name":"name"}]})";

const std::vector<Mutation>& mutations()
{
    static const std::vector<Mutation> list{
        {"createTenant", "POST", "/admin/v1/tenants", R"({"name":"newco","reason":"new team"})", AdminRole::Admin, 201,
            "tenant.create", "tenant"},
        {"renameTenant", "PATCH", "/admin/v1/tenants/{spare_tenant}", R"({"name":"renamed"})", AdminRole::Admin, 200,
            "tenant.rename", "tenant"},
        {"deleteTenant", "DELETE", "/admin/v1/tenants/{spare_tenant}?reason=unused", "", AdminRole::Admin, 200,
            "tenant.delete", "tenant"},
        {"createConsumer", "POST", "/admin/v1/consumers", R"({"tenant_id":{tenant},"name":"new-app","description":"d"})",
            AdminRole::Operator, 201, "consumer.create", "consumer"},
        {"updateConsumer", "PATCH", "/admin/v1/consumers/{consumer}", R"({"description":"changed"})", AdminRole::Operator,
            200, "consumer.update", "consumer"},
        {"deleteConsumer", "DELETE", "/admin/v1/consumers/{spare_consumer}", "", AdminRole::Admin, 200, "consumer.delete",
            "consumer"},
        {"setModelAccess", "PUT", "/admin/v1/models/gpt-new/access", R"({"mode":"approval","auto_approve":true})",
            AdminRole::Admin, 200, "model_access.set", "model_access"},
        {"fileAccessRequest", "POST", "/admin/v1/access-requests",
            R"({"consumer_id":{spare_consumer},"model":"gpt-approval","reason":"reports"})", AdminRole::Operator, 201,
            "access_request.create", "access_request"},
        {"approveAccessRequest", "POST", "/admin/v1/access-requests/{pending}/approve", R"({"note":"ok"})",
            AdminRole::Operator, 200, "access_request.approve", "access_request"},
        {"rejectAccessRequest", "POST", "/admin/v1/access-requests/{pending}/reject", R"({"note":"no budget"})",
            AdminRole::Operator, 200, "access_request.reject", "access_request"},
        {"revokeAccessRequest", "POST", "/admin/v1/access-requests/{approved}/revoke", R"({"note":"project ended"})",
            AdminRole::Operator, 200, "access_request.revoke", "access_request"},
        {"cancelAccessRequest", "POST", "/admin/v1/access-requests/{pending}/cancel", "", AdminRole::Operator, 200,
            "access_request.cancel", "access_request"},
        {"grantAccess", "POST", "/admin/v1/access-grants", R"({"consumer_id":{spare_consumer},"model":"gpt-private","note":"pilot"})",
            AdminRole::Admin, 201, "access_request.grant", "access_request"},
        {"createKey", "POST", "/admin/v1/keys", R"({"consumer_id":{consumer},"name":"ci"})", AdminRole::Operator, 201,
            "api_key.create", "api_key"},
        {"revokeKey", "POST", "/admin/v1/keys/{key}/revoke", R"({"reason":"leaked"})", AdminRole::Operator, 200,
            "api_key.revoke", "api_key"},
        {"rotateKey", "POST", "/admin/v1/keys/{key}/rotate", R"({"grace_seconds":60})", AdminRole::Operator, 201,
            "api_key.rotate", "api_key"},
        {"updateKey", "PATCH", "/admin/v1/keys/{key}", R"({"name":"renamed-key","tags":{"env":"prod"},"allowed_models":["mock-chat"]})",
            AdminRole::Operator, 200, "api_key.update", "api_key"},
        {"createAdminToken", "POST", "/admin/v1/admin-tokens", R"({"name":"deploy-bot","role":"operator","reason":"CI"})",
            AdminRole::Admin, 201, "admin_token.create", "admin_token"},
        {"revokeAdminToken", "POST", "/admin/v1/admin-tokens/retired-bot/revoke", R"({"reason":"unused"})", AdminRole::Admin,
            200, "admin_token.revoke", "admin_token"},
        {"createProvider", "POST", "/admin/v1/providers", R"({"name":"new-mock","kind":"mock","reason":"more capacity"})",
            AdminRole::Admin, 201, "provider.create", "provider"},
        {"updateProvider", "PATCH", "/admin/v1/providers/stored-mock", R"({"latency_ms":5})", AdminRole::Admin, 200,
            "provider.update", "provider"},
        {"deleteProvider", "DELETE", "/admin/v1/providers/spare-mock?reason=unused", "", AdminRole::Admin, 200,
            "provider.delete", "provider"},
        {"testProvider", "POST", "/admin/v1/providers/stored-mock/test", R"({"reason":"after the change"})",
            AdminRole::Operator, 200, "provider.test", "provider"},
        {"createModel", "POST", "/admin/v1/models", R"({"model":"new-chat","deployments":[{"provider":"mock","model":"m-2"}]})",
            AdminRole::Admin, 201, "model.create", "model"},
        {"updateModel", "PATCH", "/admin/v1/models/stored-chat", R"({"deployments":[{"provider":"mock","model":"m-3"}]})",
            AdminRole::Admin, 200, "model.update", "model"},
        {"deleteModel", "DELETE", "/admin/v1/models/stored-chat?reason=unused", "", AdminRole::Admin, 200, "model.delete",
            "model"},
        {"putLimit", "PUT", "/admin/v1/limits", R"({"scope":"consumer","id":"acme/app","concurrent":3,"reason":"fair share"})",
            AdminRole::Admin, 200, "rate_limit.create", "rate_limit"},
        {"deleteLimit", "DELETE", "/admin/v1/limits/tenant/spare?reason=unused", "", AdminRole::Admin, 200,
            "rate_limit.delete", "rate_limit"},
        {"putBudget", "PUT", "/admin/v1/budgets", R"({"scope":"tenant","id":"acme","period":"daily","limit_usd":2.5})",
            AdminRole::Admin, 200, "budget.create", "budget"},
        {"deleteBudget", "DELETE", "/admin/v1/budgets/tenant/spare/monthly?reason=unused", "", AdminRole::Admin, 200,
            "budget.delete", "budget"},
        {"putPrice", "PUT", "/admin/v1/prices", R"({"provider":"openai","model":"gpt-4o","input_per_million":2,"output_per_million":8,"effective_date":"2027-01-01"})",
            AdminRole::Admin, 200, "price.create", "price"},
        {"deletePrice", "DELETE", "/admin/v1/prices?provider=openai&model=spare-model&effective_date=2026-01-01&reason=unused", "",
            AdminRole::Admin, 200, "price.delete", "price"},
        {"importPrices", "POST", "/admin/v1/prices/import?reason=sync",
            R"({"acme-chat":{"litellm_provider":"openai","mode":"chat","input_cost_per_token":1e-06,"output_cost_per_token":2e-06}})",
            AdminRole::Admin, 200, "price.import", "price"},
        {"createPrompt", "POST", "/admin/v1/prompts", R"({"name":"new-prompt","description":"d","reason":"new"})", AdminRole::Operator,
            201, "prompt.create", "prompt"},
        {"updatePrompt", "PATCH", "/admin/v1/prompts/greet", R"({"description":"changed"})", AdminRole::Operator, 200,
            "prompt.update", "prompt"},
        {"deletePrompt", "DELETE", "/admin/v1/prompts/spare-prompt?reason=unused", "", AdminRole::Admin, 200, "prompt.delete",
            "prompt"},
        {"createPromptVersion", "POST", "/admin/v1/prompts/greet/versions", kPromptVersion, AdminRole::Operator, 201,
            "prompt.version.create", "prompt", "greet/v3"},
        {"setPromptLabel", "PUT", "/admin/v1/prompts/greet/labels/staging", R"({"split":[{"version":1,"weight":3},{"version":2}]})",
            AdminRole::Operator, 200, "prompt.label.create", "prompt", "greet@staging"},
        {"deletePromptLabel", "DELETE", "/admin/v1/prompts/greet/labels/production?reason=unused", "", AdminRole::Operator, 200,
            "prompt.label.delete", "prompt", "greet@production"},
        {"testRunPromptVersion", "POST", "/admin/v1/prompts/greet/versions/1/test-run", R"({"variables":{"name":"Ada"}})",
            AdminRole::Operator, 200, "prompt.test_run", "prompt", "greet/v1"},
    };
    return list;
}

// Every role may read, except the admin tokens (admins only) and the OpenAPI document (no token).
std::optional<AdminRole> leastRoleToRead(AdminOperation operation)
{
    if (operation == AdminOperation::OpenApiDocument)
        return std::nullopt;
    // Admin tokens, and the configuration export (it has the keys' hashes): admins only.
    return operation == AdminOperation::ListAdminTokens || operation == AdminOperation::ExportConfig ? AdminRole::Admin : AdminRole::Viewer;
}

// The configuration-as-code POSTs: a tree in, many changes (apply) or none (validate, plan) out, so
// not in the one-audit-entry table above; ConfigAsCodeTest checks what they do.
struct TreeOperation {
    const char* operationId;
    AdminRole role;
};
const TreeOperation kTreeOperations[] = {
    {"validateConfig", AdminRole::Viewer}, {"planConfig", AdminRole::Operator}, {"applyConfig", AdminRole::Admin}};

const TreeOperation* findTreeOperation(std::string_view operationId)
{
    for (const auto& operation : kTreeOperations) {
        if (operation.operationId == operationId)
            return &operation;
    }
    return nullptr;
}

const Mutation* findMutation(std::string_view operationId)
{
    for (const auto& mutation : mutations()) {
        if (mutation.operationId == operationId)
            return &mutation;
    }
    return nullptr;
}

// A route's path with its placeholders filled so that the entity exists.
// GET /admin/v1/calls/stream answers until the client goes: CallsAdminTest reads it with a timeout.
bool isEndlessStream(const AdminRoute& route)
{
    return route.operation == AdminOperation::StreamCalls;
}

QString concretePath(const AdminRoute& route, const Fixture& fixture)
{
    QString path = QString::fromUtf8(route.path.data(), static_cast<int>(route.path.size()));
    if (path.startsWith("/admin/v1/tenants/"))
        path.replace("{id}", QString::number(fixture.tenant));
    else if (path.startsWith("/admin/v1/consumers/"))
        path.replace("{id}", QString::number(fixture.consumer));
    else if (path.startsWith("/admin/v1/keys/"))
        path.replace("{id}", QString::number(fixture.key));
    else if (path.startsWith("/admin/v1/admin-tokens/"))
        path.replace("{name}", "retired-bot");
    else if (path.startsWith("/admin/v1/providers/"))
        path.replace("{name}", "stored-mock");
    else if (path.startsWith("/admin/v1/prompts/"))
        path.replace("{name}", "greet").replace("{version}", "1").replace("{label}", "production");
    else
        path.replace("{id}", QString::number(fixture.pending));
    path.replace("{request_id}", QString::fromStdString(fixture.requestId));
    if (route.operation == AdminOperation::CallTop)
        path += "?by=model"; // its one required parameter
    if (route.operation == AdminOperation::DiffPromptVersions)
        path += "?from=1&to=2";
    return path.replace("{model}", "gpt-approval");
}

// RFC 4180 rows (quoted fields may hold commas, quotes and line breaks).
std::vector<QStringList> parseCsv(const QString& text)
{
    std::vector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row << field;
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row << field;
            field.clear();
            rows.push_back(row);
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty())
        rows.push_back(row << field);
    return rows;
}

// Every "$ref" in `value`, as "#/components/...".
void collectRefs(const QJsonValue& value, QStringList& refs)
{
    if (value.isObject()) {
        const auto object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == "$ref")
                refs << it.value().toString();
            else
                collectRefs(it.value(), refs);
        }
    } else if (value.isArray()) {
        for (const auto& item : value.toArray())
            collectRefs(item, refs);
    }
}

} // namespace

class AdminApiTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void theRouterAndTheRoleTableAgree();
    void requestsWithoutAValidTokenGet401_data();
    void requestsWithoutAValidTokenGet401();
    void mutationsFollowTheRoleMatrix_data();
    void mutationsFollowTheRoleMatrix();
    void everyRoleMayRead();

    void tenantsContract();
    void consumersContract();
    void modelAccessContract();
    void accessRequestsContract();
    void auditContract();
    void wrongMethodsGet405WithAllow_data();
    void wrongMethodsGet405WithAllow();
    void unknownPathsGet404();

    void validationErrorsNameTheField_data();
    void validationErrorsNameTheField();
    void illegalTransitionsAre409WithAHint_data();
    void illegalTransitionsAre409WithAHint();

    void everyMutationLeavesExactlyOneAuditEntry_data();
    void everyMutationLeavesExactlyOneAuditEntry();
    void refusedAndReadOnlyRequestsLeaveNoAuditEntry();
    void auditExportsAsCsv();

    void openApiDocumentCoversTheRouter();
    void governanceChangedFollowsEveryCommittedChange();
    void aLocalCallerNeedsNoTokenAndIsTheAuditActor();
    void changesTakeEffectOnTheDataPlaneAtOnce();
    void concurrentChangesAreAllCommitted();

    void keysContract();
    void createdKeyIsShownOnceAndWorksAtOnce();
    void revokedKeyGets401AtOnce();
    void rotatedKeysBothWorkUntilTheGraceEnds();
    void keyValidationErrors_data();
    void keyValidationErrors();
    void keyDetailsCanBeReadAndChanged();
    void aKeysAllowedModelsBindOnTheDataPlane();
    void modelsListTheServedModelsWithTheirAccess();
    void adminTokensAreManagedByAdmins();

private:
    TestResponse call(const std::string& token, const QString& method, const QString& target, const QString& body = {});
    TestResponse asAdmin(const QString& method, const QString& target, const QString& body = {})
    {
        return call(m_adminToken, method, target, body);
    }
    const std::string& tokenFor(AdminRole role) const;
    int64_t auditTotal();

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<TestHttpClient> m_admin;
    std::string m_viewerToken;
    std::string m_operatorToken;
    std::string m_adminToken;
    std::string m_revokedToken;
    Fixture m_fixture;
};

void AdminApiTest::init()
{
    auto config = test::mockGatewayWithAdminListener();
    config.server.threads = 2; // admin requests arrive on more than one worker
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    m_admin = std::make_unique<TestHttpClient>(m_gateway->server().adminAddress()->port);

    Database db(m_gateway->server().databasePath());
    AdminTokenStore tokens(db);
    const Change setup{kSetupActor, "test fixture"};
    m_viewerToken = tokens.create(setup, kViewerName, AdminRole::Viewer).plaintext;
    m_operatorToken = tokens.create(setup, kOperatorName, AdminRole::Operator).plaintext;
    m_adminToken = tokens.create(setup, kAdminName, AdminRole::Admin).plaintext;
    m_revokedToken = tokens.create(setup, "former-admin", AdminRole::Admin).plaintext;
    tokens.revoke(setup, "former-admin");
    tokens.create(setup, "retired-bot", AdminRole::Viewer);

    GovernanceStore store(db);
    m_fixture.tenant = store.createTenant(setup, "acme").id;
    m_fixture.spareTenant = store.createTenant(setup, "spare").id;
    m_fixture.consumer = store.createConsumer(setup, m_fixture.tenant, "app").id;
    m_fixture.spareConsumer = store.createConsumer(setup, m_fixture.tenant, "spare-app").id;
    store.setModelAccess(setup, "gpt-approval", AccessMode::Approval, false);
    store.setModelAccess(setup, "gpt-approved", AccessMode::Approval, false);
    store.setModelAccess(setup, "gpt-private", AccessMode::Private, false);
    m_fixture.pending = store.requestAccess(setup, m_fixture.consumer, "gpt-approval").id;
    m_fixture.approved = store.requestAccess(setup, m_fixture.consumer, "gpt-approved").id;
    store.approveAccessRequest(setup, m_fixture.approved);
    m_fixture.key = KeyStore(db).addConsumerKey("app-key", generateApiKey(), m_fixture.consumer, std::nullopt).id;
    // One call in the call log, for GET /admin/v1/calls/{request_id}.
    CallRecord call;
    call.startedAt = std::chrono::system_clock::now();
    call.requestId = m_fixture.requestId = "req_fixture";
    call.endpoint = "/v1/chat/completions";
    call.status = 200;
    QVERIFY(m_gateway->server().callRecords().submit(call));
    m_gateway->server().settle();

    // Providers and models in the store (through the gateway's own AdminService, so the data plane
    // serves them at once): "stored-mock" used by "stored-chat", and "spare-mock" used by nothing.
    auto& service = m_gateway->server().adminService();
    const auto setupCaller = AdminCaller::local(kSetupActor);
    for (const auto& [target, body] : std::vector<std::pair<std::string, std::string>>{
             {"/admin/v1/providers", R"({"name":"stored-mock","kind":"mock"})"},
             {"/admin/v1/providers", R"({"name":"spare-mock","kind":"mock"})"},
             {"/admin/v1/models", R"({"model":"stored-chat","deployments":[{"provider":"stored-mock","model":"s-1"}]})"}}) {
        const auto created = service.respond({http::verb::post, target, body, setupCaller});
        QVERIFY2(created.status == 201, created.body.c_str());
    }
    // A stored rate limit and budget of tenant "spare", and a stored price, to delete.
    for (const auto& [target, body] : std::vector<std::pair<std::string, std::string>>{
             {"/admin/v1/limits", R"({"scope":"tenant","id":"spare","requests_per_minute":60})"},
             {"/admin/v1/budgets", R"({"scope":"tenant","id":"spare","limit_usd":10})"},
             {"/admin/v1/prices", R"({"provider":"openai","model":"spare-model","input_per_million":1,"output_per_million":2,"effective_date":"2026-01-01"})"}}) {
        const auto set = service.respond({http::verb::put, target, body, setupCaller});
        QVERIFY2(set.status == 200, set.body.c_str());
    }
    // Prompts in the store, served at once.
    PromptStore prompts(db);
    for (const auto* name : {"greet", "spare-prompt"}) {
        prompts.createPrompt(store, setup, name, "");
        prompts.addVersion(store, setup, name, readPromptVersion(Json::parse(kPromptVersion)));
        prompts.addVersion(store, setup, name, readPromptVersion(Json::parse(kPromptVersion)));
        prompts.setLabel(store, setup, name, "production", Json::array({Json{{"version", 1}}}));
    }
    m_gateway->server().governanceChanged();
}

void AdminApiTest::cleanup()
{
    m_admin.reset();
    m_gateway.reset();
}

TestResponse AdminApiTest::call(const std::string& token, const QString& method, const QString& target, const QString& body)
{
    std::map<std::string, std::string> headers;
    if (!token.empty())
        headers["Authorization"] = "Bearer " + token;
    if (!body.isEmpty())
        headers["Content-Type"] = "application/json";
    return m_admin->request(method.toStdString(), target.toStdString(), body.toStdString(), headers);
}

const std::string& AdminApiTest::tokenFor(AdminRole role) const
{
    switch (role) {
    case AdminRole::Viewer:
        return m_viewerToken;
    case AdminRole::Operator:
        return m_operatorToken;
    case AdminRole::Admin:
        break;
    }
    return m_adminToken;
}

int64_t AdminApiTest::auditTotal()
{
    const auto response = asAdmin("GET", "/admin/v1/audit?limit=1");
    return test::jsonBody(response)["total"].toInteger();
}

void AdminApiTest::theRouterAndTheRoleTableAgree()
{
    // Every mutating route is in this test's table with the role the policy gives it, and back.
    std::set<std::string> routed;
    for (const auto& route : adminRoutes()) {
        if (route.method == http::verb::get) {
            QVERIFY2(route.role == leastRoleToRead(route.operation), route.operationId.data());
            continue;
        }
        if (const auto* tree = findTreeOperation(route.operationId)) {
            QVERIFY2(route.method == http::verb::post && route.role == tree->role, route.operationId.data());
            continue;
        }
        const auto* mutation = findMutation(route.operationId);
        QVERIFY2(mutation, route.operationId.data());
        QCOMPARE(lower(http::to_string(route.method)), lower(mutation->method));
        QVERIFY2(route.role == mutation->role, route.operationId.data());
        routed.insert(std::string(route.operationId));
    }
    QCOMPARE(routed.size(), mutations().size());
}

void AdminApiTest::requestsWithoutAValidTokenGet401_data()
{
    QTest::addColumn<QString>("authorization");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("no token") << "" << "needs an admin token";
    QTest::newRow("unknown token") << "Bearer gat-0000000000000000000000000000000000000000" << "Unknown admin token gat-0000****";
    QTest::newRow("revoked token") << "revoked" << "'former-admin'";
    QTest::newRow("a data-plane API key") << "api-key" << "not an admin token";
    QTest::newRow("another scheme") << "Basic YWRtaW46YWRtaW4=" << "needs an admin token";
}

void AdminApiTest::requestsWithoutAValidTokenGet401()
{
    QFETCH(QString, authorization);
    QFETCH(QString, messagePart);
    if (authorization == "revoked")
        authorization = QString::fromStdString("Bearer " + m_revokedToken);
    else if (authorization == "api-key")
        authorization = QString::fromStdString("Bearer " + generateApiKey());
    for (const auto& route : adminRoutes()) {
        if (!route.role)
            continue;
        std::map<std::string, std::string> headers;
        if (!authorization.isEmpty())
            headers["Authorization"] = authorization.toStdString();
        const auto name = http::to_string(route.method);
        const auto response = m_admin->request(std::string(name.data(), name.size()),
            concretePath(route, m_fixture).toStdString(), "{}", headers);
        QVERIFY2(response.status == 401, qPrintable(QString::fromUtf8(route.operationId.data()) + " " + test::describe(response)));
        QCOMPARE(test::errorBody(response)["code"].toString(), QString("invalid_admin_token"));
        QCOMPARE(test::errorBody(response)["type"].toString(), QString("authentication_error"));
        QVERIFY2(test::errorBody(response)["message"].toString().contains(messagePart), qPrintable(test::describe(response)));
        QVERIFY(response.header("www-authenticate").starts_with("Bearer"));
    }
}

void AdminApiTest::mutationsFollowTheRoleMatrix_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("role");
    QTest::addColumn<int>("expected");
    QTest::addColumn<QString>("neededRole");
    for (const auto& mutation : mutations()) {
        for (const auto role : {AdminRole::Viewer, AdminRole::Operator, AdminRole::Admin}) {
            const bool allowed = roleAllows(role, mutation.role);
            QTest::addRow("%s as %s", mutation.operationId, adminRoleName(role).data())
                << mutation.method << mutation.target << mutation.body << static_cast<int>(role)
                << (allowed ? mutation.status : 403) << QString::fromUtf8(adminRoleName(mutation.role).data());
        }
    }
}

void AdminApiTest::mutationsFollowTheRoleMatrix()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(QString, body);
    QFETCH(int, role);
    QFETCH(int, expected);
    QFETCH(QString, neededRole);
    const auto auditBefore = auditTotal();
    const auto response = call(tokenFor(static_cast<AdminRole>(role)), method, m_fixture.fill(target), m_fixture.fill(body));
    QVERIFY2(response.status == expected, qPrintable(test::describe(response)));
    if (expected == 403) {
        QCOMPARE(test::errorBody(response)["code"].toString(), QString("insufficient_role"));
        QCOMPARE(test::errorBody(response)["type"].toString(), QString("permission_denied"));
        QVERIFY2(test::errorBody(response)["message"].toString().contains("the '" + neededRole + "' role"), qPrintable(test::describe(response)));
        QCOMPARE(auditTotal(), auditBefore); // refused before anything changed
    } else {
        QCOMPARE(auditTotal(), auditBefore + 1);
    }
}

void AdminApiTest::everyRoleMayRead()
{
    for (const auto& route : adminRoutes()) {
        if (route.method != http::verb::get || isEndlessStream(route))
            continue;
        for (const auto role : {AdminRole::Viewer, AdminRole::Operator, AdminRole::Admin}) {
            const auto response = call(tokenFor(role), "GET", concretePath(route, m_fixture));
            const auto needed = leastRoleToRead(route.operation);
            const int expected = !needed || roleAllows(role, *needed) ? 200 : 403;
            QVERIFY2(response.status == expected, qPrintable(QString::fromUtf8(route.operationId.data()) + " " + test::describe(response)));
            QCOMPARE(response.header("cache-control"), std::string("no-store"));
        }
    }
}

void AdminApiTest::tenantsContract()
{
    const auto created = asAdmin("POST", "/admin/v1/tenants", R"({"name":"globex"})");
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    QCOMPARE(created.header("content-type"), std::string("application/json"));
    const auto tenant = test::jsonBody(created);
    QCOMPARE(tenant.keys(), QStringList({"created_at_ms", "id", "name"}));
    QCOMPARE(tenant["name"].toString(), QString("globex"));
    const auto id = QString::number(tenant["id"].toInteger());
    QVERIFY(tenant["created_at_ms"].toInteger() > 0);

    const auto fetched = asAdmin("GET", "/admin/v1/tenants/" + id);
    QCOMPARE(fetched.status, 200);
    QCOMPARE(test::jsonBody(fetched), tenant);

    // default, acme, spare, globex; by name.
    const auto page = test::jsonBody(asAdmin("GET", "/admin/v1/tenants?limit=2&offset=1"));
    QCOMPARE(page.keys(), QStringList({"data", "limit", "offset", "total"}));
    QCOMPARE(page["total"].toInteger(), 4);
    QCOMPARE(page["limit"].toInteger(), 2);
    QCOMPARE(page["offset"].toInteger(), 1);
    QCOMPARE(page["data"].toArray().size(), 2);
    QCOMPARE(page["data"].toArray()[0].toObject()["name"].toString(), QString("default"));
    QCOMPARE(page["data"].toArray()[1].toObject()["name"].toString(), QString("globex"));
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/tenants"))["limit"].toInteger(), 50);

    const auto renamed = asAdmin("PATCH", "/admin/v1/tenants/" + id, R"({"name":"globex-corp","reason":"rebrand"})");
    QCOMPARE(renamed.status, 200);
    QCOMPARE(test::jsonBody(renamed)["name"].toString(), QString("globex-corp"));

    const auto duplicate = asAdmin("POST", "/admin/v1/tenants", R"({"name":"acme"})");
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(test::errorBody(duplicate)["code"].toString(), QString("conflict"));
    QCOMPARE(test::errorBody(duplicate)["message"].toString(), QString("tenant 'acme' already exists"));

    const auto inUse = asAdmin("DELETE", "/admin/v1/tenants/" + QString::number(m_fixture.tenant));
    QCOMPARE(inUse.status, 409);
    QVERIFY2(test::errorBody(inUse)["message"].toString().contains("delete them first"), qPrintable(test::describe(inUse)));

    const auto deleted = asAdmin("DELETE", "/admin/v1/tenants/" + id);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(test::jsonBody(deleted)["name"].toString(), QString("globex-corp"));
    const auto gone = asAdmin("GET", "/admin/v1/tenants/" + id);
    QCOMPARE(gone.status, 404);
    QCOMPARE(test::errorBody(gone)["code"].toString(), QString("not_found"));
    QCOMPARE(test::errorBody(gone)["message"].toString(), "tenant " + id + " does not exist");
    QCOMPARE(asAdmin("GET", "/admin/v1/tenants/abc").status, 404);
    QCOMPARE(asAdmin("GET", "/admin/v1/tenants/0").status, 404);
}

void AdminApiTest::consumersContract()
{
    const auto created = call(m_operatorToken, "POST", "/admin/v1/consumers",
        m_fixture.fill(R"({"tenant_id":{tenant},"name":"billing","description":"Invoices"})"));
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto consumer = test::jsonBody(created);
    QCOMPARE(consumer.keys(), QStringList({"created_at_ms", "description", "id", "name", "tenant", "tenant_id"}));
    QCOMPARE(consumer["tenant"].toString(), QString("acme"));
    QCOMPARE(consumer["tenant_id"].toInteger(), m_fixture.tenant);
    QCOMPARE(consumer["description"].toString(), QString("Invoices"));
    const auto id = QString::number(consumer["id"].toInteger());
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/consumers/" + id)), consumer);

    const auto other = asAdmin("POST", "/admin/v1/tenants", R"({"name":"other"})");
    const auto otherId = QString::number(test::jsonBody(other)["id"].toInteger());
    QCOMPARE(asAdmin("POST", "/admin/v1/consumers", R"({"tenant_id":)" + otherId + R"(,"name":"billing"})").status, 201);

    const auto ofAcme = test::jsonBody(asAdmin("GET", m_fixture.fill("/admin/v1/consumers?tenant_id={tenant}")));
    QCOMPARE(ofAcme["total"].toInteger(), 3); // app, billing, spare-app
    const auto named = test::jsonBody(asAdmin("GET", "/admin/v1/consumers?name=BILL"));
    QCOMPARE(named["total"].toInteger(), 2); // case-insensitive substring, both tenants
    const auto both = test::jsonBody(asAdmin("GET", "/admin/v1/consumers?name=bill&tenant_id=" + otherId + "&limit=5"));
    QCOMPARE(both["total"].toInteger(), 1);
    QCOMPARE(both["data"].toArray()[0].toObject()["tenant"].toString(), QString("other"));

    const auto updated = call(m_operatorToken, "PATCH", "/admin/v1/consumers/" + id, R"({"description":"Invoices v2"})");
    QCOMPARE(updated.status, 200);
    QCOMPARE(test::jsonBody(updated)["description"].toString(), QString("Invoices v2"));
    QCOMPARE(test::jsonBody(updated)["name"].toString(), QString("billing"));

    const auto duplicate = asAdmin("POST", "/admin/v1/consumers", m_fixture.fill(R"({"tenant_id":{tenant},"name":"billing"})"));
    QCOMPARE(duplicate.status, 409);
    const auto noTenant = asAdmin("POST", "/admin/v1/consumers", R"({"tenant_id":999,"name":"x"})");
    QCOMPARE(noTenant.status, 404);
    QCOMPARE(test::errorBody(noTenant)["param"].toString(), QString("tenant_id"));
    QCOMPARE(test::errorBody(noTenant)["message"].toString(), QString("tenant 999 does not exist"));

    const auto deleted = asAdmin("DELETE", "/admin/v1/consumers/" + id);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(test::jsonBody(deleted)["name"].toString(), QString("billing"));
    QCOMPARE(asAdmin("GET", "/admin/v1/consumers/" + id).status, 404);
}

void AdminApiTest::modelAccessContract()
{
    const auto unset = asAdmin("GET", "/admin/v1/models/never-configured/access");
    QCOMPARE(unset.status, 200);
    QCOMPARE(test::jsonBody(unset), QJsonObject({{"model", "never-configured"}, {"mode", "open"}, {"auto_approve", false}}));

    const auto set = asAdmin("PUT", "/admin/v1/models/openai%2Fgpt-4o/access", R"({"mode":"approval","auto_approve":true})");
    QVERIFY2(set.status == 200, qPrintable(test::describe(set)));
    QCOMPARE(test::jsonBody(set), QJsonObject({{"model", "openai/gpt-4o"}, {"mode", "approval"}, {"auto_approve", true}}));
    QCOMPARE(test::jsonBody(call(m_viewerToken, "GET", "/admin/v1/models/openai%2Fgpt-4o/access")), test::jsonBody(set));

    // PUT replaces the setting: auto_approve left out is false.
    const auto replaced = asAdmin("PUT", "/admin/v1/models/openai%2Fgpt-4o/access", R"({"mode":"private"})");
    QCOMPARE(test::jsonBody(replaced), QJsonObject({{"model", "openai/gpt-4o"}, {"mode", "private"}, {"auto_approve", false}}));

    const auto slashes = asAdmin("GET", "/admin/v1/models/openai/gpt-4o/access");
    QCOMPARE(slashes.status, 404);
    QVERIFY2(test::errorBody(slashes)["message"].toString().contains("%2F"), qPrintable(test::describe(slashes)));
}

void AdminApiTest::accessRequestsContract()
{
    const auto filed = call(m_operatorToken, "POST", "/admin/v1/access-requests",
        m_fixture.fill(R"({"consumer_id":{spare_consumer},"model":"gpt-approval","reason":"monthly reports"})"));
    QVERIFY2(filed.status == 201, qPrintable(test::describe(filed)));
    const auto request = test::jsonBody(filed);
    QCOMPARE(request.keys(), QStringList({"consumer_id", "created_at_ms", "decided_at_ms", "decided_by", "grant", "id",
                                 "model", "note", "reason", "requested_by", "state"}));
    QCOMPARE(request["state"].toString(), QString("pending"));
    QCOMPARE(request["reason"].toString(), QString("monthly reports"));
    QCOMPARE(request["requested_by"].toString(), QString::fromStdString(kOperatorName));
    QVERIFY(request["decided_by"].isNull());
    QVERIFY(request["decided_at_ms"].isNull());
    const auto id = QString::number(request["id"].toInteger());
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/access-requests/" + id)), request);

    const auto again = call(m_operatorToken, "POST", "/admin/v1/access-requests",
        m_fixture.fill(R"({"consumer_id":{spare_consumer},"model":"gpt-approval"})"));
    QCOMPARE(again.status, 409);
    QVERIFY2(test::errorBody(again)["message"].toString().contains("already has a pending request"), qPrintable(test::describe(again)));

    const auto pending = test::jsonBody(asAdmin("GET", "/admin/v1/access-requests?state=pending&model=gpt-approval"));
    QCOMPARE(pending["total"].toInteger(), 2);
    QCOMPARE(pending["data"].toArray()[0].toObject()["id"].toInteger(), request["id"].toInteger()); // newest first
    const auto ofConsumer = test::jsonBody(asAdmin("GET", m_fixture.fill("/admin/v1/access-requests?consumer_id={consumer}")));
    QCOMPARE(ofConsumer["total"].toInteger(), 2);

    const auto approved = call(m_operatorToken, "POST", "/admin/v1/access-requests/" + id + "/approve", R"({"note":"fine"})");
    QVERIFY2(approved.status == 200, qPrintable(test::describe(approved)));
    QCOMPARE(test::jsonBody(approved)["state"].toString(), QString("approved"));
    QCOMPARE(test::jsonBody(approved)["note"].toString(), QString("fine"));
    QCOMPARE(test::jsonBody(approved)["decided_by"].toString(), QString::fromStdString(kOperatorName));
    QVERIFY(test::jsonBody(approved)["decided_at_ms"].toInteger() > 0);

    const auto revoked = asAdmin("POST", "/admin/v1/access-requests/" + id + "/revoke", R"({"note":"done"})");
    QCOMPARE(test::jsonBody(revoked)["state"].toString(), QString("revoked"));
    QCOMPARE(test::jsonBody(revoked)["decided_by"].toString(), QString::fromStdString(kAdminName));

    // Auto-approve: approved as filed, by "auto-approve".
    QCOMPARE(asAdmin("PUT", "/admin/v1/models/gpt-auto/access", R"({"mode":"approval","auto_approve":true})").status, 200);
    const auto automatic = asAdmin("POST", "/admin/v1/access-requests", m_fixture.fill(R"({"consumer_id":{consumer},"model":"gpt-auto"})"));
    QCOMPARE(automatic.status, 201);
    QCOMPARE(test::jsonBody(automatic)["state"].toString(), QString("approved"));
    QCOMPARE(test::jsonBody(automatic)["decided_by"].toString(), QString("auto-approve"));

    // Private: no requests, only grants.
    const auto refused = asAdmin("POST", "/admin/v1/access-requests", m_fixture.fill(R"({"consumer_id":{consumer},"model":"gpt-private"})"));
    QCOMPARE(refused.status, 409);
    QVERIFY2(test::errorBody(refused)["message"].toString().contains("an admin must grant it"), qPrintable(test::describe(refused)));
    const auto granted = asAdmin("POST", "/admin/v1/access-grants", m_fixture.fill(R"({"consumer_id":{consumer},"model":"gpt-private","note":"pilot"})"));
    QCOMPARE(granted.status, 201);
    QCOMPARE(test::jsonBody(granted)["grant"].toBool(), true);
    QCOMPARE(test::jsonBody(granted)["state"].toString(), QString("approved"));
    QCOMPARE(test::jsonBody(granted)["reason"].toString(), QString("pilot"));
    const auto twice = asAdmin("POST", "/admin/v1/access-grants", m_fixture.fill(R"({"consumer_id":{consumer},"model":"gpt-private"})"));
    QCOMPARE(twice.status, 409);

    const auto unknown = asAdmin("POST", "/admin/v1/access-requests", R"({"consumer_id":999,"model":"gpt-approval"})");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(test::errorBody(unknown)["param"].toString(), QString("consumer_id"));
    QCOMPARE(asAdmin("GET", "/admin/v1/access-requests/999").status, 404);
    QCOMPARE(asAdmin("POST", "/admin/v1/access-requests/999/approve").status, 404);
}

void AdminApiTest::auditContract()
{
    const auto response = call(m_viewerToken, "GET", "/admin/v1/audit?entity_type=access_request&entity_id=" + QString::number(m_fixture.approved));
    QCOMPARE(response.status, 200);
    const auto page = test::jsonBody(response);
    QCOMPARE(page["total"].toInteger(), 2); // filed, approved
    const auto newest = page["data"].toArray()[0].toObject();
    QCOMPARE(newest.keys(), QStringList({"action", "actor", "after", "at_ms", "before", "entity_id", "entity_type", "id", "reason"}));
    QCOMPARE(newest["action"].toString(), QString("access_request.approve"));
    QCOMPARE(newest["before"].toObject()["state"].toString(), QString("pending"));
    QCOMPARE(newest["after"].toObject()["state"].toString(), QString("approved"));
    const auto oldest = page["data"].toArray()[1].toObject();
    QVERIFY(oldest["before"].isNull());

    const auto all = test::jsonBody(asAdmin("GET", "/admin/v1/audit?limit=1000"));
    const auto entries = all["data"].toArray();
    QCOMPARE(entries.size(), all["total"].toInteger());
    const auto middle = entries[entries.size() / 2].toObject()["at_ms"].toInteger();
    const auto since = test::jsonBody(asAdmin("GET", "/admin/v1/audit?since_ms=" + QString::number(middle)));
    const auto until = test::jsonBody(asAdmin("GET", "/admin/v1/audit?until_ms=" + QString::number(middle)));
    QCOMPARE(since["total"].toInteger() + until["total"].toInteger(), all["total"].toInteger()); // [since, until) split
    for (const auto& entry : since["data"].toArray())
        QVERIFY(entry.toObject()["at_ms"].toInteger() >= middle);
    const auto paged = test::jsonBody(asAdmin("GET", "/admin/v1/audit?limit=2&offset=1"));
    QCOMPARE(paged["data"].toArray()[0].toObject(), entries[1].toObject());
}

void AdminApiTest::wrongMethodsGet405WithAllow_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("allow");
    QTest::newRow("POST audit") << "POST" << "/admin/v1/audit" << "GET";
    QTest::newRow("DELETE audit") << "DELETE" << "/admin/v1/audit" << "GET";
    QTest::newRow("PUT audit") << "PUT" << "/admin/v1/audit" << "GET";
    QTest::newRow("PATCH audit") << "PATCH" << "/admin/v1/audit" << "GET";
    QTest::newRow("PUT tenants") << "PUT" << "/admin/v1/tenants" << "GET, POST";
    QTest::newRow("POST a tenant") << "POST" << "/admin/v1/tenants/1" << "GET, PATCH, DELETE";
    QTest::newRow("GET approve") << "GET" << "/admin/v1/access-requests/1/approve" << "POST";
    QTest::newRow("DELETE model access") << "DELETE" << "/admin/v1/models/m/access" << "GET, PUT";
    QTest::newRow("GET grants") << "GET" << "/admin/v1/access-grants" << "POST";
    QTest::newRow("POST openapi") << "POST" << "/admin/v1/openapi.json" << "GET";
    QTest::newRow("PUT prompts") << "PUT" << "/admin/v1/prompts" << "GET, POST";
    QTest::newRow("GET a prompt label") << "GET" << "/admin/v1/prompts/greet/labels/production" << "PUT, DELETE";
    QTest::newRow("GET a test run") << "GET" << "/admin/v1/prompts/greet/versions/1/test-run" << "POST";
}

void AdminApiTest::wrongMethodsGet405WithAllow()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(QString, allow);
    const auto response = asAdmin(method, target, "{}");
    QCOMPARE(response.status, 405);
    QCOMPARE(QString::fromStdString(response.header("allow")), allow);
    QCOMPARE(test::errorBody(response)["code"].toString(), QString("method_not_allowed"));
}

void AdminApiTest::unknownPathsGet404()
{
    for (const char* target : {"/admin/v1/nothing", "/admin/v1/tenants/1/consumers", "/admin/v1/tenants/", "/admin/v2/tenants",
             "/admin/v1/models/%zz/access"}) {
        const auto response = asAdmin("GET", target);
        QVERIFY2(response.status == 404, target);
        QCOMPARE(test::errorBody(response)["code"].toString(), QString("not_found"));
    }
    QCOMPARE(call({}, "GET", "/admin/v1/status").status, 200); // still GatewayServer's own
}

void AdminApiTest::validationErrorsNameTheField_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("code");
    const auto row = [](const char* name, const char* method, const char* target, const QString& body, int status,
                         const char* param, const char* code) {
        QTest::newRow(name) << method << target << body << status << param << code;
    };
    row("missing name", "POST", "/admin/v1/tenants", "{}", 400, "name", "missing_required_parameter");
    row("null name", "POST", "/admin/v1/tenants", R"({"name":null})", 400, "name", "missing_required_parameter");
    row("number as name", "POST", "/admin/v1/tenants", R"({"name":5})", 400, "name", "invalid_type");
    row("name with a space", "POST", "/admin/v1/tenants", R"({"name":"team a"})", 400, "name", "invalid_value");
    row("unknown field", "POST", "/admin/v1/tenants", R"({"name":"ok","colour":"red"})", 400, "colour", "unknown_parameter");
    row("repeated field", "POST", "/admin/v1/tenants", R"({"name":"a","name":"b"})", 400, "name", "duplicate_parameter");
    row("malformed JSON", "POST", "/admin/v1/tenants", R"({"name":)", 400, "", "invalid_json");
    row("array body", "POST", "/admin/v1/tenants", "[1]", 400, "", "invalid_json");
    row("deep body", "POST", "/admin/v1/tenants", QString("[").repeated(100) + QString("]").repeated(100), 400, "", "invalid_json");
    row("rename to nothing", "PATCH", "/admin/v1/tenants/{spare_tenant}", R"({"name":""})", 400, "name", "invalid_value");
    row("tenant id as text", "POST", "/admin/v1/consumers", R"({"tenant_id":"1","name":"x"})", 400, "tenant_id", "invalid_type");
    row("fractional tenant id", "POST", "/admin/v1/consumers", R"({"tenant_id":1.5,"name":"x"})", 400, "tenant_id", "invalid_type");
    row("consumer name starting with a dot", "POST", "/admin/v1/consumers", R"({"tenant_id":{tenant},"name":".x"})", 400,
        "name", "invalid_value");
    row("consumer rename", "PATCH", "/admin/v1/consumers/{consumer}", R"({"name":"x"})", 400, "name", "unknown_parameter");
    row("description too long", "PATCH", "/admin/v1/consumers/{consumer}",
        R"({"description":")" + QString(5000, 'x') + R"("})", 400, "description", "invalid_value");
    row("unknown mode", "PUT", "/admin/v1/models/m/access", R"({"mode":"secret"})", 400, "mode", "invalid_value");
    row("auto_approve as text", "PUT", "/admin/v1/models/m/access", R"({"mode":"open","auto_approve":"yes"})", 400,
        "auto_approve", "invalid_type");
    row("request without model", "POST", "/admin/v1/access-requests", R"({"consumer_id":{consumer}})", 400, "model",
        "missing_required_parameter");
    row("reason too long", "POST", "/admin/v1/access-requests",
        R"({"consumer_id":{consumer},"model":"m","reason":")" + QString(5000, 'r') + R"("})", 400, "reason", "invalid_value");
    row("note as number", "POST", "/admin/v1/access-requests/{pending}/approve", R"({"note":1})", 400, "note", "invalid_type");
    row("reason on a decision", "POST", "/admin/v1/access-requests/{pending}/approve", R"({"reason":"x"})", 400, "reason",
        "unknown_parameter");
    row("grant for nobody", "POST", "/admin/v1/access-grants", R"({"consumer_id":12345,"model":"m"})", 404, "consumer_id",
        "not_found");
    row("limit 0", "GET", "/admin/v1/tenants?limit=0", "", 400, "limit", "invalid_value");
    row("limit too big", "GET", "/admin/v1/consumers?limit=1001", "", 400, "limit", "invalid_value");
    row("limit not a number", "GET", "/admin/v1/tenants?limit=ten", "", 400, "limit", "invalid_value");
    row("negative offset", "GET", "/admin/v1/access-requests?offset=-1", "", 400, "offset", "invalid_value");
    row("unknown query parameter", "GET", "/admin/v1/tenants?colour=red", "", 400, "colour", "unknown_parameter");
    row("query on a single entity", "GET", "/admin/v1/consumers/{consumer}?expand=tenant", "", 400, "expand", "unknown_parameter");
    row("repeated query parameter", "GET", "/admin/v1/tenants?limit=1&limit=2", "", 400, "limit", "duplicate_parameter");
    row("unknown state", "GET", "/admin/v1/access-requests?state=done", "", 400, "state", "invalid_value");
    row("consumer_id not a number", "GET", "/admin/v1/access-requests?consumer_id=app", "", 400, "consumer_id", "invalid_value");
    row("unknown format", "GET", "/admin/v1/audit?format=xml", "", 400, "format", "invalid_value");
    row("since not a number", "GET", "/admin/v1/audit?since_ms=yesterday", "", 400, "since_ms", "invalid_value");
    row("delete with an unknown parameter", "DELETE", "/admin/v1/tenants/{spare_tenant}?why=x", "", 400, "why",
        "unknown_parameter");
    // Prompts: a refused version or split names its field with the refusal's code.
    row("prompt version with an undeclared variable", "POST", "/admin/v1/prompts/greet/versions",
        R"({"model":"m","messages":[{"role":"user","content":"Hi {{who}}"}]})", 400, "messages[0].content", "undeclared_variable");
    row("prompt version without a model", "POST", "/admin/v1/prompts/greet/versions", R"({"messages":[{"role":"user","content":"x"}]})",
        400, "model", "invalid_value");
    row("unknown prompt version field", "POST", "/admin/v1/prompts/greet/versions", R"({"model":"m","colour":"red"})", 400, "colour",
        "unknown_field");
    row("prompt name with a capital", "POST", "/admin/v1/prompts", R"({"name":"Greet"})", 400, "name", "invalid_value");
    row("prompt description too long", "POST", "/admin/v1/prompts", R"({"name":"long","description":")" + QString(5000, 'x') + R"("})",
        400, "description", "invalid_value");
    row("split of a missing version", "PUT", "/admin/v1/prompts/greet/labels/beta", R"({"split":[{"version":9}]})", 404,
        "split[0].version", "not_found");
    row("weight of zero", "PUT", "/admin/v1/prompts/greet/labels/beta", R"({"split":[{"version":1,"weight":0}]})", 400,
        "split[0].weight", "invalid_value");
    row("label name with a capital", "PUT", "/admin/v1/prompts/greet/labels/Beta", R"({"split":[{"version":1}]})", 400, "label",
        "invalid_value");
    row("label without a split", "PUT", "/admin/v1/prompts/greet/labels/beta", "{}", 400, "split", "invalid_value");
    row("unknown prompt", "GET", "/admin/v1/prompts/nope", "", 404, "", "not_found");
    row("unknown prompt version", "GET", "/admin/v1/prompts/greet/versions/9", "", 404, "", "not_found");
    row("prompt version not a number", "GET", "/admin/v1/prompts/greet/versions/latest", "", 404, "", "not_found");
    row("unknown prompt label", "DELETE", "/admin/v1/prompts/greet/labels/beta", "", 404, "", "not_found");
    row("diff without to", "GET", "/admin/v1/prompts/greet/diff?from=1", "", 400, "to", "missing_required_parameter");
    row("diff to a missing version", "GET", "/admin/v1/prompts/greet/diff?from=1&to=9", "", 404, "", "not_found");
    row("prompt stats range backwards", "GET", "/admin/v1/prompts/greet/stats?since_ms=5&until_ms=5", "", 400, "since_ms",
        "invalid_value");
    row("test run without a variable", "POST", "/admin/v1/prompts/greet/versions/1/test-run", R"({"variables":{}})", 400,
        "variables.name", "missing_variable");
    row("test run with a mistyped variable", "POST", "/admin/v1/prompts/greet/versions/1/test-run", R"({"variables":{"name":5}})",
        400, "variables.name", "invalid_variable_type");
    row("test run with a variable twice", "POST", "/admin/v1/prompts/greet/versions/1/test-run",
        R"({"variables":{"name":"A"},"text_variables":{"name":"B"}})", 400, "text_variables.name", "duplicate_parameter");
    row("test run of an unknown version", "POST", "/admin/v1/prompts/greet/versions/9/test-run", "{}", 404, "", "not_found");
}

void AdminApiTest::validationErrorsNameTheField()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, param);
    QFETCH(QString, code);
    const auto auditBefore = auditTotal();
    const auto response = asAdmin(method, m_fixture.fill(target), m_fixture.fill(body));
    QVERIFY2(response.status == status, qPrintable(test::describe(response)));
    const auto error = test::errorBody(response);
    QCOMPARE(error["code"].toString(), code);
    QCOMPARE(error["type"].toString(), QString("invalid_request_error"));
    if (param.isEmpty()) {
        QVERIFY(error["param"].isNull());
    } else {
        QCOMPARE(error["param"].toString(), param);
        if (status == 400) // a 404 names the entity instead: "consumer 12345 does not exist"
            QVERIFY2(error["message"].toString().startsWith(param + ": "), qPrintable(test::describe(response)));
    }
    QCOMPARE(auditTotal(), auditBefore);
}

void AdminApiTest::illegalTransitionsAre409WithAHint_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("hint");
    const QString finalHint = "ask the consumer to file a new request";
    QTest::newRow("revoke pending") << "pending" << "revoke" << "only an approved request can be revoked; reject or cancel it instead";
    QTest::newRow("approve approved") << "approved" << "approve" << "it is already approved";
    QTest::newRow("reject approved") << "approved" << "reject" << "revoke it instead";
    QTest::newRow("cancel approved") << "approved" << "cancel" << "revoke it instead";
    for (const char* state : {"rejected", "revoked", "cancelled"}) {
        for (const char* action : {"approve", "reject", "revoke", "cancel"})
            QTest::addRow("%s %s", action, state) << state << action << finalHint;
    }
}

void AdminApiTest::illegalTransitionsAre409WithAHint()
{
    QFETCH(QString, state);
    QFETCH(QString, action);
    QFETCH(QString, hint);
    // Bring a request into `state` through the API itself.
    auto id = QString::number(state == "pending" ? m_fixture.pending : m_fixture.approved);
    if (state == "rejected" || state == "cancelled") {
        id = QString::number(m_fixture.pending);
        QCOMPARE(asAdmin("POST", "/admin/v1/access-requests/" + id + (state == "rejected" ? "/reject" : "/cancel")).status, 200);
    } else if (state == "revoked") {
        QCOMPARE(asAdmin("POST", "/admin/v1/access-requests/" + id + "/revoke").status, 200);
    }
    const auto auditBefore = auditTotal();
    const auto response = call(m_operatorToken, "POST", "/admin/v1/access-requests/" + id + "/" + action, R"({"note":"x"})");
    QVERIFY2(response.status == 409, qPrintable(test::describe(response)));
    const auto error = test::errorBody(response);
    QCOMPARE(error["code"].toString(), QString("conflict"));
    QCOMPARE(error["message"].toString(),
        "access request " + id + ": cannot " + action + " a request that is " + state + "; " + hint);
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/access-requests/" + id))["state"].toString(), state);
    QCOMPARE(auditTotal(), auditBefore);
}

void AdminApiTest::everyMutationLeavesExactlyOneAuditEntry_data()
{
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < mutations().size(); ++i)
        QTest::newRow(mutations()[i].operationId) << static_cast<int>(i);
}

void AdminApiTest::everyMutationLeavesExactlyOneAuditEntry()
{
    QFETCH(int, index);
    const auto& mutation = mutations()[static_cast<std::size_t>(index)];
    const auto before = test::jsonBody(asAdmin("GET", "/admin/v1/audit?limit=1"));
    const auto response = asAdmin(mutation.method, m_fixture.fill(mutation.target), m_fixture.fill(mutation.body));
    QVERIFY2(response.status == mutation.status, qPrintable(test::describe(response)));
    const auto after = test::jsonBody(asAdmin("GET", "/admin/v1/audit?limit=1"));
    QCOMPARE(after["total"].toInteger(), before["total"].toInteger() + 1);

    const auto entry = after["data"].toArray()[0].toObject();
    QCOMPARE(entry["actor"].toString(), QString::fromStdString(kAdminName));
    QCOMPARE(entry["action"].toString(), QString(mutation.action));
    QCOMPARE(entry["entity_type"].toString(), QString(mutation.entityType));
    auto entity = test::jsonBody(response);
    // An API key is in the answer once, never in the log (neither is its hash).
    const auto entryText = QJsonDocument(entry).toJson();
    if (entity.contains("key")) {
        QVERIFY(entity["key"].toString().startsWith("gk-"));
        QVERIFY2(!entryText.contains(entity["key"].toString().toUtf8()), entryText.constData());
        entity.remove("key");
    }
    if (entity.contains("token")) { // an admin token: the same rule
        QVERIFY(entity["token"].toString().startsWith("gat-"));
        QVERIFY2(!entryText.contains(entity["token"].toString().toUtf8()), entryText.constData());
        entity.remove("token");
    }
    QVERIFY2(!entryText.contains("\"hash\""), entryText.constData());
    // A rotation is an entry about the old key; its after names the replacement.
    QJsonObject replacement;
    if (entity.contains("rotated_key")) {
        replacement = entity;
        replacement.remove("rotated_key");
        entity = entity["rotated_key"].toObject();
    }
    // Entities are named by their id, else their name (providers), else their model (model access,
    // models); rate limits and budgets by scope/id (and /period).
    // Prices by provider/model/day ("*" for any provider), an import as "import"; a prompt's versions
    // and labels as the table says.
    // (Read through a const reference: operator[] of a non-const object would add the key.)
    const QJsonObject& named = entity;
    const auto entityId = mutation.entityId ? QString(mutation.entityId)
        : named.contains("scope")
        ? named["scope"].toString() + "/" + named["id"].toString() + (named.contains("period") ? "/" + named["period"].toString() : "")
        : named.contains("imported")       ? QString("import")
        : named.contains("effective_date") ? named["provider"].toString() + "/" + named["model"].toString() + "/" + named["effective_date"].toString()
        : named.contains("id")   ? QString::number(named["id"].toInteger())
        : named.contains("name") ? named["name"].toString()
                                 : named["model"].toString();
    QCOMPARE(entry["entity_id"].toString(), entityId);
    // The answer is the entity after the change (or as it was, for a delete).
    const auto state = QString(mutation.method) == "DELETE" ? entry["before"].toObject() : entry["after"].toObject();
    // (An import's entry keeps its counts, not the skipped examples; a test run's its outcome, not the texts.)
    const bool summarised = QString(mutation.action) == "price.import" || QString(mutation.action) == "prompt.test_run";
    for (const auto& key : entity.keys()) {
        if (!summarised || state.contains(key))
            QCOMPARE(state[key], entity[key]);
    }
    if (!replacement.isEmpty())
        QCOMPARE(state["replaced_by"].toObject(), replacement);
    if (QString(mutation.target).contains("reason=unused"))
        QCOMPARE(entry["reason"].toString(), QString("unused"));
}

void AdminApiTest::refusedAndReadOnlyRequestsLeaveNoAuditEntry()
{
    const auto before = auditTotal();
    for (const auto& route : adminRoutes()) {
        if (route.method == http::verb::get && !isEndlessStream(route))
            QCOMPARE(call(m_adminToken, "GET", concretePath(route, m_fixture)).status, 200);
    }
    QCOMPARE(asAdmin("POST", "/admin/v1/tenants", R"({"name":"acme"})").status, 409);
    QCOMPARE(asAdmin("DELETE", m_fixture.fill("/admin/v1/tenants/{tenant}")).status, 409);
    QCOMPARE(call(m_viewerToken, "POST", "/admin/v1/tenants", R"({"name":"sneaky"})").status, 403);
    QCOMPARE(call({}, "POST", "/admin/v1/tenants", R"({"name":"sneaky"})").status, 401);
    QCOMPARE(auditTotal(), before);
}

void AdminApiTest::auditExportsAsCsv()
{
    const QString reason = "moved, \"quoted\"\nand on two lines";
    const auto created = asAdmin("POST", "/admin/v1/tenants",
        QString::fromUtf8(QJsonDocument(QJsonObject{{"name", "csvco"}, {"reason", reason}}).toJson(QJsonDocument::Compact)));
    QCOMPARE(created.status, 201);

    const auto json = test::jsonBody(asAdmin("GET", "/admin/v1/audit?limit=1000"));
    const auto response = call(m_viewerToken, "GET", "/admin/v1/audit?format=csv");
    QVERIFY2(response.status == 200, qPrintable(test::describe(response)));
    QCOMPARE(response.header("content-type"), std::string("text/csv; charset=utf-8"));
    QCOMPARE(QString::fromStdString(response.header("x-total-count")), QString::number(json["total"].toInteger()));
    const auto rows = parseCsv(QString::fromStdString(response.body));
    QCOMPARE(rows.front(), QStringList({"id", "at_ms", "at", "actor", "action", "entity_type", "entity_id", "before", "after", "reason"}));
    QCOMPARE(static_cast<qint64>(rows.size() - 1), json["total"].toInteger()); // every entry: fewer than a page

    const auto& newest = rows[1];
    const auto entry = json["data"].toArray()[0].toObject();
    QCOMPARE(newest[0], QString::number(entry["id"].toInteger()));
    QCOMPARE(newest[1], QString::number(entry["at_ms"].toInteger()));
    QVERIFY(newest[2].endsWith("Z"));
    QCOMPARE(newest[3], QString::fromStdString(kAdminName));
    QCOMPARE(newest[4], QString("tenant.create"));
    QCOMPARE(newest[7], QString()); // no before for a creation
    QCOMPARE(QJsonDocument::fromJson(newest[8].toUtf8()).object(), entry["after"].toObject());
    QCOMPARE(newest[9], reason);

    const auto filtered = parseCsv(QString::fromStdString(
        asAdmin("GET", "/admin/v1/audit?format=csv&entity_type=tenant&limit=2&offset=1").body));
    QCOMPARE(filtered.size(), std::size_t(3));
    for (std::size_t i = 1; i < filtered.size(); ++i)
        QCOMPARE(filtered[i][5], QString("tenant"));
    const auto tenants = test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=tenant&limit=2&offset=1"))["data"].toArray();
    QCOMPARE(filtered[1][0], QString::number(tenants[0].toObject()["id"].toInteger()));
    QCOMPARE(filtered[2][0], QString::number(tenants[1].toObject()["id"].toInteger()));
}

void AdminApiTest::openApiDocumentCoversTheRouter()
{
    const auto response = call({}, "GET", "/admin/v1/openapi.json"); // served without a token
    QCOMPARE(response.status, 200);
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(response.body), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    QVERIFY(document["openapi"].toString().startsWith("3.0."));
    QVERIFY(!document["info"].toObject()["title"].toString().isEmpty());
    const auto scheme = document["components"].toObject()["securitySchemes"].toObject()["adminToken"].toObject();
    QCOMPARE(scheme["type"].toString(), QString("http"));
    QCOMPARE(scheme["scheme"].toString(), QString("bearer"));
    const auto paths = document["paths"].toObject();

    // Router → document: every path and method, with its operation id and role.
    for (const auto& route : adminRoutes()) {
        const auto path = QString::fromUtf8(route.path.data(), static_cast<int>(route.path.size()));
        const auto where = qPrintable(path + " " + lower(http::to_string(route.method)));
        QVERIFY2(paths.contains(path), where);
        const auto operation = paths[path].toObject()[lower(http::to_string(route.method))].toObject();
        QVERIFY2(!operation.isEmpty(), where);
        QCOMPARE(operation["operationId"].toString(), QString::fromUtf8(route.operationId.data()));
        const auto responses = operation["responses"].toObject();
        const auto success = responses.keys().filter(QRegularExpression("^2"));
        QCOMPARE(success.size(), 1);
        if (route.role) {
            QCOMPARE(operation["x-gatehouse-role"].toString(), lower(adminRoleName(*route.role)));
            QVERIFY2(operation["description"].toString().contains("Role: " + lower(adminRoleName(*route.role))), where);
            for (const char* status : {"400", "401", "403"})
                QVERIFY2(responses.contains(status), where);
            if (const auto* mutation = findMutation(route.operationId))
                QCOMPARE(success.front().toInt(), mutation->status);
            if (route.method != http::verb::get && route.method != http::verb::delete_)
                QVERIFY2(operation.contains("requestBody"), where);
        } else {
            QCOMPARE(operation["security"].toArray().size(), 0);
        }
    }
    // Document → router: nothing documented that is not served (status is GatewayServer's own).
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        const auto methods = it.value().toObject();
        for (auto method = methods.begin(); method != methods.end(); ++method) {
            if (method.key() == "parameters" || it.key() == "/admin/v1/status")
                continue;
            const auto match = matchAdminRoute(it.key().toStdString());
            QVERIFY2(match, qPrintable(it.key()));
            QVERIFY2(match->forMethod(http::string_to_verb(method.key().toUpper().toStdString())),
                qPrintable(it.key() + " " + method.key()));
        }
    }
    // Every reference resolves, and the error shape is the data plane's.
    QStringList refs;
    collectRefs(document, refs);
    QVERIFY(!refs.isEmpty());
    for (const auto& ref : refs) {
        QVERIFY2(ref.startsWith("#/"), qPrintable(ref));
        QJsonValue target = document;
        for (const auto& part : ref.mid(2).split('/'))
            target = target.toObject()[part];
        QVERIFY2(target.isObject(), qPrintable(ref));
    }
    const auto error = document["components"].toObject()["schemas"].toObject()["Error"].toObject()["properties"]
                           .toObject()["error"].toObject()["properties"].toObject();
    QCOMPARE(error.keys(), QStringList({"code", "message", "param", "type"}));
}

void AdminApiTest::governanceChangedFollowsEveryCommittedChange()
{
    // The AdminService alone, without HTTP: the hook must follow each commit, and only commits.
    TemporaryDataDirectory directory;
    std::string token;
    {
        Database db(directory.databasePath());
        token = AdminTokenStore(db).create({kSetupActor, {}}, "hook-admin", AdminRole::Admin).plaintext;
    }
    struct CountingGateway final : AdminGateway {
        void adminChangeCommitted() override { ++changes; }
        int changes = 0;
    } gateway;
    int& changes = gateway.changes;
    AdminService service(directory.databasePath(), &gateway);
    const auto run = [&](http::verb method, const std::string& target, const std::string& body) {
        return service.respond({method, target, body, AdminCaller::withAuthorization("Bearer " + token)}).status;
    };
    QCOMPARE(run(http::verb::post, "/admin/v1/tenants", R"({"name":"hooked"})"), 201);
    QCOMPARE(changes, 1);
    QCOMPARE(run(http::verb::post, "/admin/v1/tenants", R"({"name":"hooked"})"), 409);
    QCOMPARE(run(http::verb::post, "/admin/v1/tenants", R"({"name":"bad name"})"), 400);
    QCOMPARE(run(http::verb::get, "/admin/v1/tenants", ""), 200);
    QCOMPARE(changes, 1);
    QCOMPARE(run(http::verb::put, "/admin/v1/models/m/access", R"({"mode":"private"})"), 200);
    QCOMPARE(changes, 2);
    QCOMPARE(run(http::verb::delete_, "/admin/v1/tenants/1", ""), 200);
    QCOMPARE(changes, 3);
}

void AdminApiTest::aLocalCallerNeedsNoTokenAndIsTheAuditActor()
{
    // The CLI on its data directory and the console on its embedded gateway: trusted, named.
    TemporaryDataDirectory directory;
    AdminService service(directory.databasePath());
    const auto local = AdminCaller::local("cli:tester");
    const auto created = service.respond({http::verb::post, "/admin/v1/tenants", R"({"name":"locals"})", local});
    QCOMPARE(created.status, 201);
    QCOMPARE(service.respond({http::verb::delete_, "/admin/v1/tenants/1", "", AdminCaller::withAuthorization({})}).status, 401);
    const auto audit = service.respond({http::verb::get, "/admin/v1/audit?entity_type=tenant", "", local});
    QCOMPARE(audit.status, 200);
    const auto entries = QJsonDocument::fromJson(QByteArray::fromStdString(audit.body)).object()["data"].toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().toObject()["actor"].toString(), QString("cli:tester"));
}

void AdminApiTest::changesTakeEffectOnTheDataPlaneAtOnce()
{
    const auto consumer = test::jsonBody(asAdmin("POST", "/admin/v1/consumers", m_fixture.fill(R"({"tenant_id":{tenant},"name":"billing"})")));
    const auto consumerId = consumer["id"].toInteger();
    const auto createdKey = call(m_operatorToken, "POST", "/admin/v1/keys",
        R"({"consumer_id":)" + QString::number(consumerId) + R"(,"name":"billing-key"})");
    QVERIFY2(createdKey.status == 201, qPrintable(test::describe(createdKey)));
    const auto key = test::jsonBody(createdKey)["key"].toString().toStdString();
    QCOMPARE(asAdmin("PUT", "/admin/v1/models/mock-chat/access", R"({"mode":"approval"})").status, 200);
    const std::string chat = R"({"model":"mock-chat","messages":[{"role":"user","content":"hi"}]})";
    const auto codeOf = [&] {
        const auto response = m_gateway->client().postJson("/v1/chat/completions", chat, key);
        return response.status == 200 ? QString("ok") : test::errorBody(response)["code"].toString();
    };
    QCOMPARE(codeOf(), QString("access_not_requested"));

    const auto filed = call(m_operatorToken, "POST", "/admin/v1/access-requests",
        R"({"consumer_id":)" + QString::number(consumerId) + R"(,"model":"mock-chat","reason":"invoices"})");
    QCOMPARE(filed.status, 201);
    QCOMPARE(codeOf(), QString("access_pending"));
    const auto id = QString::number(test::jsonBody(filed)["id"].toInteger());
    QCOMPARE(call(m_operatorToken, "POST", "/admin/v1/access-requests/" + id + "/approve", R"({"note":"ok"})").status, 200);
    QCOMPARE(codeOf(), QString("ok"));
    QCOMPARE(call(m_operatorToken, "POST", "/admin/v1/access-requests/" + id + "/revoke", R"({"note":"over"})").status, 200);
    QCOMPARE(codeOf(), QString("access_revoked"));
    QCOMPARE(asAdmin("PUT", "/admin/v1/models/mock-chat/access", R"({"mode":"open"})").status, 200);
    QCOMPARE(codeOf(), QString("ok"));
}

void AdminApiTest::concurrentChangesAreAllCommitted()
{
    constexpr int kClients = 4;
    constexpr int kEach = 10;
    const auto before = test::jsonBody(asAdmin("GET", "/admin/v1/tenants"))["total"].toInteger();
    std::atomic<int> created{0};
    std::vector<std::thread> clients;
    const auto port = m_gateway->server().adminAddress()->port;
    for (int client = 0; client < kClients; ++client) {
        clients.emplace_back([&, client] {
            TestHttpClient http(port);
            for (int i = 0; i < kEach; ++i) {
                const auto body = R"({"name":"t-)" + std::to_string(client) + "-" + std::to_string(i) + R"("})";
                const auto response = http.request("POST", "/admin/v1/tenants", body, {{"Authorization", "Bearer " + m_adminToken}});
                if (response.status == 201)
                    ++created;
            }
        });
    }
    for (auto& client : clients)
        client.join();
    QCOMPARE(created.load(), kClients * kEach);
    QCOMPARE(test::jsonBody(asAdmin("GET", "/admin/v1/tenants"))["total"].toInteger(), before + kClients * kEach);
}

namespace {

const std::string kChat = R"({"model":"mock-chat","messages":[{"role":"user","content":"hi"}]})";

} // namespace

// The data-plane status of a chat call with `key`: 200, or the error's status.
static int dataPlaneStatus(test::RunningGateway& gateway, const std::string& key)
{
    return gateway.client().postJson("/v1/chat/completions", kChat, key).status;
}

void AdminApiTest::keysContract()
{
    const auto created = call(m_operatorToken, "POST", "/admin/v1/keys",
        m_fixture.fill(R"({"consumer_id":{consumer},"name":"reports","expires_at_ms":4102444800000})"));
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto key = test::jsonBody(created);
    QCOMPARE(key.keys(), QStringList({"allowed_models", "consumer_id", "created_at_ms", "expires_at_ms", "id", "key",
                             "name", "prefix", "revoked_at_ms", "tags", "tenant"}));
    QCOMPARE(key["consumer_id"].toInteger(), m_fixture.consumer);
    QCOMPARE(key["tenant"].toString(), QString("acme"));
    QCOMPARE(key["name"].toString(), QString("reports"));
    QCOMPARE(key["expires_at_ms"].toInteger(), 4102444800000);
    QVERIFY(key["revoked_at_ms"].isNull());
    QVERIFY(key["key"].toString().startsWith(key["prefix"].toString()));

    const auto all = test::jsonBody(asAdmin("GET", "/admin/v1/keys"));
    QCOMPARE(all["total"].toInteger(), 2); // the fixture's app-key and this one
    const auto ofApp = test::jsonBody(call(m_viewerToken, "GET", m_fixture.fill("/admin/v1/keys?consumer_id={consumer}&limit=1&offset=1")));
    QCOMPARE(ofApp["total"].toInteger(), 2);
    QCOMPARE(ofApp["data"].toArray().size(), 1);
    auto listed = ofApp["data"].toArray()[0].toObject();
    auto withoutSecret = key;
    withoutSecret.remove("key");
    QCOMPARE(listed, withoutSecret);
    QCOMPARE(test::jsonBody(asAdmin("GET", m_fixture.fill("/admin/v1/keys?consumer_id={spare_consumer}")))["total"].toInteger(), 0);

    const auto revoked = call(m_operatorToken, "POST", "/admin/v1/keys/" + QString::number(key["id"].toInteger()) + "/revoke");
    QCOMPARE(revoked.status, 200);
    QVERIFY(test::jsonBody(revoked)["revoked_at_ms"].toInteger() > 0);
    const auto again = asAdmin("POST", "/admin/v1/keys/" + QString::number(key["id"].toInteger()) + "/revoke");
    QCOMPARE(again.status, 409);
    QCOMPARE(test::errorBody(again)["code"].toString(), QString("conflict"));
    const auto rotateRevoked = asAdmin("POST", "/admin/v1/keys/" + QString::number(key["id"].toInteger()) + "/rotate");
    QCOMPARE(rotateRevoked.status, 409);
    QCOMPARE(asAdmin("POST", "/admin/v1/keys/999/revoke").status, 404);
    QCOMPARE(asAdmin("POST", "/admin/v1/keys/999/rotate").status, 404);
    QCOMPARE(asAdmin("POST", "/admin/v1/keys/abc/revoke").status, 404);
    const auto noConsumer = asAdmin("POST", "/admin/v1/keys", R"({"consumer_id":999,"name":"x"})");
    QCOMPARE(noConsumer.status, 404);
    QCOMPARE(test::errorBody(noConsumer)["param"].toString(), QString("consumer_id"));
}

void AdminApiTest::createdKeyIsShownOnceAndWorksAtOnce()
{
    const auto created = call(m_operatorToken, "POST", "/admin/v1/keys", m_fixture.fill(R"({"consumer_id":{consumer},"name":"fresh"})"));
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto secret = test::jsonBody(created)["key"].toString().toStdString();
    QVERIFY(secret.starts_with("gk-"));
    QCOMPARE(dataPlaneStatus(*m_gateway, secret), 200);

    // Never again: not in the list, not in the audit log (JSON nor CSV).
    for (const QString target : {"/admin/v1/keys", "/admin/v1/audit", "/admin/v1/audit?format=csv"}) {
        const auto response = asAdmin("GET", target);
        QCOMPARE(response.status, 200);
        QVERIFY2(response.body.find(secret) == std::string::npos, qPrintable(target));
        QVERIFY2(response.body.find(hashApiKey(secret)) == std::string::npos, qPrintable(target));
    }
}

void AdminApiTest::revokedKeyGets401AtOnce()
{
    const auto created = test::jsonBody(asAdmin("POST", "/admin/v1/keys", m_fixture.fill(R"({"consumer_id":{consumer},"name":"short-lived"})")));
    const auto secret = created["key"].toString().toStdString();
    QCOMPARE(dataPlaneStatus(*m_gateway, secret), 200);
    const auto revoked = call(m_operatorToken, "POST", "/admin/v1/keys/" + QString::number(created["id"].toInteger()) + "/revoke",
        R"({"reason":"leaked in a log"})");
    QVERIFY2(revoked.status == 200, qPrintable(test::describe(revoked)));
    QCOMPARE(dataPlaneStatus(*m_gateway, secret), 401);

    const auto entry = test::jsonBody(asAdmin("GET", "/admin/v1/audit?entity_type=api_key&limit=1"))["data"].toArray()[0].toObject();
    QCOMPARE(entry["action"].toString(), QString("api_key.revoke"));
    QCOMPARE(entry["actor"].toString(), QString::fromStdString(kOperatorName));
    QCOMPARE(entry["reason"].toString(), QString("leaked in a log"));
    QVERIFY(entry["before"].toObject()["revoked_at_ms"].isNull());
    QCOMPARE(entry["after"].toObject()["revoked_at_ms"], test::jsonBody(revoked)["revoked_at_ms"]);
}

void AdminApiTest::rotatedKeysBothWorkUntilTheGraceEnds()
{
    const auto created = test::jsonBody(asAdmin("POST", "/admin/v1/keys", m_fixture.fill(R"({"consumer_id":{consumer},"name":"svc"})")));
    const auto oldSecret = created["key"].toString().toStdString();
    const auto path = "/admin/v1/keys/" + QString::number(created["id"].toInteger()) + "/rotate";
    const auto before = QDateTime::currentMSecsSinceEpoch();
    const auto rotated = call(m_operatorToken, "POST", path, R"({"grace_seconds":3600})");
    QVERIFY2(rotated.status == 201, qPrintable(test::describe(rotated)));
    const auto answer = test::jsonBody(rotated);
    const auto newSecret = answer["key"].toString().toStdString();
    QVERIFY(newSecret.starts_with("gk-") && newSecret != oldSecret);
    QCOMPARE(answer["name"].toString(), QString("svc"));
    QCOMPARE(answer["consumer_id"].toInteger(), m_fixture.consumer);
    QVERIFY(answer["expires_at_ms"].isNull());
    const auto old = answer["rotated_key"].toObject();
    QCOMPARE(old["id"].toInteger(), created["id"].toInteger());
    QVERIFY(old["expires_at_ms"].toInteger() >= before + 3600 * 1000);
    QVERIFY(old["expires_at_ms"].toInteger() <= QDateTime::currentMSecsSinceEpoch() + 3600 * 1000);
    QCOMPARE(dataPlaneStatus(*m_gateway, oldSecret), 200);
    QCOMPARE(dataPlaneStatus(*m_gateway, newSecret), 200);

    // The listing shows the old key's end; the data plane checks it on every call.
    const auto listed = test::jsonBody(asAdmin("GET", m_fixture.fill("/admin/v1/keys?consumer_id={consumer}")))["data"].toArray();
    bool seen = false;
    for (const auto& item : listed) {
        if (item.toObject()["id"] == old["id"]) {
            QCOMPARE(item.toObject()["expires_at_ms"], old["expires_at_ms"]);
            seen = true;
        }
    }
    QVERIFY(seen);

    // A grace of 0 ends the new key's predecessor at once.
    const auto ended = asAdmin("POST", "/admin/v1/keys/" + QString::number(answer["id"].toInteger()) + "/rotate", R"({"grace_seconds":0})");
    QCOMPARE(ended.status, 201);
    QTest::qWait(5);
    QCOMPARE(dataPlaneStatus(*m_gateway, newSecret), 401);
    QCOMPARE(dataPlaneStatus(*m_gateway, test::jsonBody(ended)["key"].toString().toStdString()), 200);
}

void AdminApiTest::keyValidationErrors_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("code");
    QTest::newRow("no consumer") << "/admin/v1/keys" << R"({"name":"x"})" << "consumer_id" << "missing_required_parameter";
    QTest::newRow("no name") << "/admin/v1/keys" << R"({"consumer_id":{consumer}})" << "name" << "missing_required_parameter";
    QTest::newRow("empty name") << "/admin/v1/keys" << R"({"consumer_id":{consumer},"name":""})" << "name" << "invalid_value";
    QTest::newRow("expiry in the past") << "/admin/v1/keys" << R"({"consumer_id":{consumer},"name":"x","expires_at_ms":1})"
                                        << "expires_at_ms" << "invalid_value";
    QTest::newRow("expiry not a number") << "/admin/v1/keys" << R"({"consumer_id":{consumer},"name":"x","expires_at_ms":"soon"})"
                                         << "expires_at_ms" << "invalid_type";
    QTest::newRow("a given key") << "/admin/v1/keys" << R"({"consumer_id":{consumer},"name":"x","key":"gk-mine"})"
                                 << "key" << "unknown_parameter";
    QTest::newRow("negative grace") << "/admin/v1/keys/{key}/rotate" << R"({"grace_seconds":-1})" << "grace_seconds" << "invalid_value";
    QTest::newRow("grace over 30 days") << "/admin/v1/keys/{key}/rotate" << R"({"grace_seconds":2592001})" << "grace_seconds"
                                        << "invalid_value";
    QTest::newRow("revoke with a note") << "/admin/v1/keys/{key}/revoke" << R"({"note":"x"})" << "note" << "unknown_parameter";
}

void AdminApiTest::keyValidationErrors()
{
    QFETCH(QString, target);
    QFETCH(QString, body);
    QFETCH(QString, param);
    QFETCH(QString, code);
    const auto auditBefore = auditTotal();
    const auto response = asAdmin("POST", m_fixture.fill(target), m_fixture.fill(body));
    QVERIFY2(response.status == 400, qPrintable(test::describe(response)));
    QCOMPARE(test::errorBody(response)["param"].toString(), param);
    QCOMPARE(test::errorBody(response)["code"].toString(), code);
    QVERIFY2(test::errorBody(response)["message"].toString().startsWith(param + ": "), qPrintable(test::describe(response)));
    QCOMPARE(auditTotal(), auditBefore);
}

void AdminApiTest::keyDetailsCanBeReadAndChanged()
{
    const auto created = call(m_operatorToken, "POST", "/admin/v1/keys",
        m_fixture.fill(R"({"consumer_id":{consumer},"name":"tagged","allowed_models":["mock-chat"],"tags":{"team":"data","env":"dev"}})"));
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto id = QString::number(test::jsonBody(created)["id"].toInteger());
    const auto read = test::jsonBody(call(m_viewerToken, "GET", "/admin/v1/keys/" + id));
    QCOMPARE(read["allowed_models"].toArray(), QJsonArray({"mock-chat"}));
    QCOMPARE(read["tags"].toObject(), QJsonObject({{"env", "dev"}, {"team", "data"}}));
    QVERIFY(!read.contains("key"));

    // Only the fields given change.
    const auto patched = call(m_operatorToken, "PATCH", "/admin/v1/keys/" + id, R"({"tags":{"env":"prod"},"expires_at_ms":4102444800000})");
    QVERIFY2(patched.status == 200, qPrintable(test::describe(patched)));
    QCOMPARE(test::jsonBody(patched)["tags"].toObject(), QJsonObject({{"env", "prod"}}));
    QCOMPARE(test::jsonBody(patched)["name"].toString(), QString("tagged"));
    QCOMPARE(test::jsonBody(patched)["allowed_models"].toArray(), QJsonArray({"mock-chat"}));
    QCOMPARE(test::jsonBody(patched)["expires_at_ms"].toInteger(), 4102444800000);
    QCOMPARE(test::jsonBody(call(m_viewerToken, "GET", "/admin/v1/keys/" + id)), test::jsonBody(patched));

    const auto badTags = asAdmin("PATCH", "/admin/v1/keys/" + id, R"({"tags":{"env":1}})");
    QCOMPARE(badTags.status, 400);
    QCOMPARE(test::errorBody(badTags)["param"].toString(), QString("tags"));
    const auto badModels = asAdmin("PATCH", "/admin/v1/keys/" + id, R"({"allowed_models":"mock-chat"})");
    QCOMPARE(badModels.status, 400);
    QCOMPARE(test::errorBody(badModels)["param"].toString(), QString("allowed_models"));
    QCOMPARE(asAdmin("GET", "/admin/v1/keys/999").status, 404);
    QCOMPARE(call(m_viewerToken, "PATCH", "/admin/v1/keys/" + id, R"({"name":"x"})").status, 403);
    QCOMPARE(asAdmin("POST", "/admin/v1/keys/" + id + "/revoke").status, 200);
    const auto revoked = asAdmin("PATCH", "/admin/v1/keys/" + id, R"({"name":"x"})");
    QCOMPARE(revoked.status, 409);
}

void AdminApiTest::aKeysAllowedModelsBindOnTheDataPlane()
{
    // A key limited to a model that is not mock-chat cannot call mock-chat; widening it takes effect at once.
    const auto created = call(m_operatorToken, "POST", "/admin/v1/keys",
        m_fixture.fill(R"({"consumer_id":{consumer},"name":"narrow","allowed_models":["other-model"]})"));
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto key = test::jsonBody(created)["key"].toString().toStdString();
    const auto id = QString::number(test::jsonBody(created)["id"].toInteger());
    TestHttpClient client(m_gateway->server().dataPlaneAddress().port);
    const std::string chat = R"({"model":"mock-chat","messages":[{"role":"user","content":"hi"}]})";
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}};
    const auto refused = client.request("POST", "/v1/chat/completions", chat, auth);
    QVERIFY2(refused.status == 403 || refused.status == 404, qPrintable(test::describe(refused)));
    QCOMPARE(asAdmin("PATCH", "/admin/v1/keys/" + id, R"({"allowed_models":[]})").status, 200);
    const auto allowed = client.request("POST", "/v1/chat/completions", chat, auth);
    QVERIFY2(allowed.status == 200, qPrintable(test::describe(allowed)));
}

void AdminApiTest::modelsListTheServedModelsWithTheirAccess()
{
    const auto response = call(m_viewerToken, "GET", "/admin/v1/models");
    QVERIFY2(response.status == 200, qPrintable(test::describe(response)));
    const auto page = test::jsonBody(response);
    const auto data = page["data"].toArray();
    // The config file's model first, then the store's, then the models that only have an access setting.
    for (const auto& key : {"model", "mode", "auto_approve", "served"})
        QCOMPARE(data[0].toObject()[key], QJsonObject({{"model", "mock-chat"}, {"mode", "open"}, {"auto_approve", false}, {"served", true}})[key]);
    QCOMPARE(data[1].toObject()["model"].toString(), QString("stored-chat"));
    QCOMPARE(data[1].toObject()["source"].toString(), QString("store"));
    QStringList unserved;
    for (int i = 2; i < data.size(); ++i) {
        QCOMPARE(data[i].toObject()["served"].toBool(true), false);
        unserved << data[i].toObject()["model"].toString();
    }
    QVERIFY2(unserved.contains("gpt-approval"), qPrintable(unserved.join(',')));
    QCOMPARE(page["total"].toInteger(), data.size());
    const auto second = test::jsonBody(asAdmin("GET", "/admin/v1/models?limit=1&offset=1"));
    QCOMPARE(second["data"].toArray().size(), 1);
    QCOMPARE(second["data"].toArray()[0], data[1]);
    QCOMPARE(asAdmin("GET", "/admin/v1/models?limit=0").status, 400);
}

void AdminApiTest::adminTokensAreManagedByAdmins()
{
    const auto created = asAdmin("POST", "/admin/v1/admin-tokens", R"({"name":"grafana","role":"viewer"})");
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto token = test::jsonBody(created)["token"].toString().toStdString();
    QVERIFY(token.starts_with("gat-"));
    QCOMPARE(test::jsonBody(created)["role"].toString(), QString("viewer"));
    // The new token works at once, with its role.
    QCOMPARE(call(token, "GET", "/admin/v1/tenants").status, 200);
    QCOMPARE(call(token, "POST", "/admin/v1/tenants", R"({"name":"nope"})").status, 403);

    const auto list = test::jsonBody(asAdmin("GET", "/admin/v1/admin-tokens"));
    QStringList names;
    for (const auto& item : list["data"].toArray()) {
        QVERIFY(!item.toObject().contains("token"));
        QVERIFY(!item.toObject().contains("hash"));
        names << item.toObject()["name"].toString();
    }
    QVERIFY2(names.contains("grafana") && names.contains("former-admin"), qPrintable(names.join(',')));
    QCOMPARE(call(m_operatorToken, "GET", "/admin/v1/admin-tokens").status, 403);

    const auto badRole = asAdmin("POST", "/admin/v1/admin-tokens", R"({"name":"x","role":"root"})");
    QCOMPARE(badRole.status, 400);
    QCOMPARE(test::errorBody(badRole)["param"].toString(), QString("role"));
    QCOMPARE(asAdmin("POST", "/admin/v1/admin-tokens", R"({"name":"grafana","role":"viewer"})").status, 409);

    QCOMPARE(asAdmin("POST", "/admin/v1/admin-tokens/grafana/revoke").status, 200);
    const auto afterRevoke = call(token, "GET", "/admin/v1/tenants");
    QCOMPARE(afterRevoke.status, 401);
    QVERIFY2(test::errorBody(afterRevoke)["message"].toString().contains("revoked"), qPrintable(test::describe(afterRevoke)));
    QCOMPARE(asAdmin("POST", "/admin/v1/admin-tokens/grafana/revoke").status, 409);
    QCOMPARE(asAdmin("POST", "/admin/v1/admin-tokens/nobody/revoke").status, 404);
}

QTEST_GUILESS_MAIN(AdminApiTest)
#include "AdminApiTest.moc"
