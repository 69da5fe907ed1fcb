// Managed prompts through the admin API over real HTTP (docs/admin-api.md "Prompts"): a prompt is
// created, its versions numbered and read back, labels set with weights and moved, and the data
// plane serves each change at once; a refused version names its field and the placeholder's
// position; unknown prompts, versions and labels are 404s; the diff of two versions; the versions
// compared on calls made through /v1/prompts/... and their feedback; a test run goes through the
// data plane and is recorded, tagged, in the call log; viewers may read but not write.
#include "AdminSession.h"
#include "GatewayTestSupport.h"
#include "TemporaryDataDirectory.h"
#include "admin/AdminService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <tuple>

using namespace gatehouse;

namespace {

const std::string kFirst = R"({"model": "mock-chat",
    "messages": [{"role": "system", "content": "You greet people in {{language}}.\nBe brief."},
                 {"role": "user", "content": "Greet {{name}}."}],
    "variables": [{"name": "language", "required": false, "default": "English"}, {"name": "name"}],
    "parameters": {"temperature": 0.3},
    "note": "first"})";

const std::string kSecond = R"({"model": "mock-chat",
    "messages": [{"role": "system", "content": "You greet people in {{language}}.\nBe warm."},
                 {"role": "user", "content": "Greet {{name}}, who is {{age}}."}],
    "variables": [{"name": "language", "required": false, "default": "English"}, {"name": "name"},
                  {"name": "age", "type": "integer"}],
    "parameters": {"temperature": 0.7},
    "note": "warmer",
    "reason": "friendlier greetings"})";

// Line 2 of the user message uses a variable that is not declared.
const std::string kUndeclared = R"({"model": "mock-chat",
    "messages": [{"role": "system", "content": "Hi."}, {"role": "user", "content": "Dear {{name}},\n  about {{topic}}"}],
    "variables": [{"name": "name"}]})";

const std::string kProductionOnFirst = R"({"split": [{"version": 1}]})";
const std::string kCanarySplit = R"({"split": [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}], "reason": "try v2"})";

// The diff's lines of one message as " a|-b|+c".
QString shownLines(const QJsonObject& message)
{
    QStringList parts;
    for (const auto& line : message["lines"].toArray())
        parts << line.toObject()["op"].toString() + line.toObject()["text"].toString();
    return parts.join('|');
}

QJsonObject statsRow(const QJsonArray& rows, int version, const QString& label)
{
    for (const auto& row : rows) {
        const auto object = row.toObject();
        const auto rowLabel = object["label"].isNull() ? QString() : object["label"].toString();
        if (object["version"].toInt() == version && rowLabel == label)
            return object;
    }
    return {};
}

} // namespace

class PromptAdminTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void aPromptIsCreatedVersionedLabelledAndServed();
    void refusalsNameTheFieldAndThePlaceholder();
    void theDiffShowsWhatChanged();
    void statsCompareTheVersionsOnTheirCalls();
    void aTestRunGoesThroughTheDataPlaneAndIsRecorded();
    void aTestRunNeedsTheRunningGateway();
    void viewersReadAndOnlyAdminsDelete();

private:
    TestResponse asOperator(const std::string& method, const std::string& target, const std::string& body = {})
    {
        return m_admin->call(m_admin->operatorToken(), method, target, body);
    }
    // greet with versions 1 and 2, production on version 1.
    void createGreet();
    TestResponse callPrompt(const std::string& body) { return m_gateway->client().postJson("/v1/prompts/greet/chat/completions", body, m_key); }

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<test::AdminSession> m_admin;
    std::string m_key;
};

void PromptAdminTest::init()
{
    auto config = test::mockGatewayWithAdminListener("mock-chat");
    config.models[0].deployments[0].price = TokenPrice{1'000'000.0, 2'000'000.0}; // $1 per prompt token: costs show
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    m_admin = std::make_unique<test::AdminSession>(m_gateway->server());
    m_key = m_gateway->server().createKey("prompt-caller");
}

void PromptAdminTest::cleanup()
{
    m_admin.reset();
    m_gateway.reset();
}

void PromptAdminTest::createGreet()
{
    QCOMPARE(asOperator("POST", "/admin/v1/prompts", R"({"name":"greet","description":"greets people"})").status, 201);
    QCOMPARE(asOperator("POST", "/admin/v1/prompts/greet/versions", kFirst).status, 201);
    QCOMPARE(asOperator("POST", "/admin/v1/prompts/greet/versions", kSecond).status, 201);
    QCOMPARE(asOperator("PUT", "/admin/v1/prompts/greet/labels/production", kProductionOnFirst).status, 200);
}

void PromptAdminTest::aPromptIsCreatedVersionedLabelledAndServed()
{
    const auto created = asOperator("POST", "/admin/v1/prompts", R"({"name":"greet","description":"greets people","reason":"onboarding"})");
    QVERIFY2(created.status == 201, qPrintable(test::describe(created)));
    const auto summary = test::jsonBody(created);
    QCOMPARE(summary.keys(), QStringList({"created_at_ms", "description", "labels", "latest_version", "name"}));
    QCOMPARE(summary["name"].toString(), QString("greet"));
    QVERIFY(summary["latest_version"].isNull());
    QCOMPARE(asOperator("POST", "/admin/v1/prompts", R"({"name":"greet"})").status, 409);

    // Versions are numbered in order and keep who made them; "reason" goes to the audit entry.
    const auto first = asOperator("POST", "/admin/v1/prompts/greet/versions", kFirst);
    QVERIFY2(first.status == 201, qPrintable(test::describe(first)));
    QCOMPARE(test::jsonBody(first)["version"].toInt(), 1);
    QCOMPARE(test::jsonBody(first)["created_by"].toString(), QString("otto-operator"));
    const auto second = asOperator("POST", "/admin/v1/prompts/greet/versions", kSecond);
    QCOMPARE(test::jsonBody(second)["version"].toInt(), 2);
    QVERIFY(!test::jsonBody(second).contains("reason"));
    const auto read = test::jsonBody(asOperator("GET", "/admin/v1/prompts/greet/versions/2"));
    QCOMPARE(read["note"].toString(), QString("warmer"));
    QCOMPARE(read["variables"].toArray()[2].toObject()["type"].toString(), QString("integer"));
    QCOMPARE(test::jsonBody(asOperator("GET", "/admin/v1/prompts/greet/versions"))["data"].toArray().size(), 2);

    // Not served before a label points at a version; served at once after.
    const std::string call = R"({"variables": {"name": "Ada"}, "user": "u-1"})";
    QCOMPARE(callPrompt(call).status, 404);
    const auto labelled = asOperator("PUT", "/admin/v1/prompts/greet/labels/production", kProductionOnFirst);
    QVERIFY2(labelled.status == 200, qPrintable(test::describe(labelled)));
    QCOMPARE(test::jsonBody(labelled)["label"].toString(), QString("production"));
    const auto served = callPrompt(call);
    QVERIFY2(served.status == 200, qPrintable(test::describe(served)));
    QCOMPARE(test::callRecord(m_gateway->server(), served.header("x-gatehouse-request-id"))["prompt_version"], QString("1"));

    // A split by weight; the label moves at once.
    const auto split = asOperator("PUT", "/admin/v1/prompts/greet/labels/canary", kCanarySplit);
    QVERIFY2(split.status == 200, qPrintable(test::describe(split)));
    const auto weights = test::jsonBody(split)["split"].toArray();
    QCOMPARE(weights.size(), 2);
    QCOMPARE(weights[0].toObject()["weight"].toInt(), 90);
    QCOMPARE(weights[1].toObject()["version"].toInt(), 2);
    QCOMPARE(asOperator("PUT", "/admin/v1/prompts/greet/labels/production", R"({"split": [{"version": 2}]})").status, 200);
    const auto moved = callPrompt(R"({"variables": {"name": "Ada", "age": 36}})");
    QVERIFY2(moved.status == 200, qPrintable(test::describe(moved)));
    QCOMPARE(test::callRecord(m_gateway->server(), moved.header("x-gatehouse-request-id"))["prompt_version"], QString("2"));

    const auto detail = test::jsonBody(asOperator("GET", "/admin/v1/prompts/greet"));
    QCOMPARE(detail["latest_version"].toInt(), 2);
    QCOMPARE(detail["versions"].toArray().size(), 2);
    QCOMPARE(detail["labels"].toArray().size(), 2);
    const auto list = test::jsonBody(asOperator("GET", "/admin/v1/prompts?limit=10"));
    QCOMPARE(list["total"].toInt(), 1);
    QCOMPARE(list["data"].toArray()[0].toObject()["labels"].toArray().size(), 2);
    QVERIFY(!list["data"].toArray()[0].toObject().contains("versions"));

    const auto described = asOperator("PATCH", "/admin/v1/prompts/greet", R"({"description":"says hello"})");
    QCOMPARE(test::jsonBody(described)["description"].toString(), QString("says hello"));

    // Deleting the label the call falls back to: 404 from the next call on.
    const auto deleted = asOperator("DELETE", "/admin/v1/prompts/greet/labels/production?reason=retired");
    QVERIFY2(deleted.status == 200, qPrintable(test::describe(deleted)));
    QCOMPARE(test::jsonBody(deleted)["split"].toArray()[0].toObject()["version"].toInt(), 2);
    QCOMPARE(test::errorBody(callPrompt(call))["code"].toString(), QString("prompt_not_found"));

    // Every change is audited under the prompt, with its reason.
    const auto audit = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/audit?entity_type=prompt&limit=20"))["data"].toArray();
    QStringList actions;
    for (const auto& entry : audit)
        actions.prepend(entry.toObject()["action"].toString());
    QCOMPARE(actions, (QStringList{"prompt.create", "prompt.version.create", "prompt.version.create", "prompt.label.create",
                          "prompt.label.create", "prompt.label.move", "prompt.update", "prompt.label.delete"}));
    QCOMPARE(audit.last().toObject()["reason"].toString(), QString("onboarding"));
    QCOMPARE(audit[0].toObject()["entity_id"].toString(), QString("greet@production"));
    QCOMPARE(audit[0].toObject()["reason"].toString(), QString("retired"));
    QCOMPARE(audit[5].toObject()["reason"].toString(), QString("friendlier greetings"));
    QCOMPARE(audit[5].toObject()["entity_id"].toString(), QString("greet/v2"));
}

void PromptAdminTest::refusalsNameTheFieldAndThePlaceholder()
{
    // More refusals, each naming its field, are in AdminApiTest::validationErrorsNameTheField.
    createGreet();
    const auto auditBefore = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/audit?limit=1"))["total"].toInt();
    const auto refused = asOperator("POST", "/admin/v1/prompts/greet/versions", kUndeclared);
    QCOMPARE(refused.status, 400);
    const auto error = test::errorBody(refused);
    QCOMPARE(error["param"].toString(), QString("messages[1].content"));
    QCOMPARE(error["code"].toString(), QString("undeclared_variable"));
    QCOMPARE(error["message"].toString(), QString("messages[1].content: The placeholder at message 2, line 2, column 9 uses variable "
                                                  "'topic', which the template does not declare."));
    const auto missingVersion = asOperator("PUT", "/admin/v1/prompts/greet/labels/beta", R"({"split": [{"version": 1}, {"version": 9}]})");
    QCOMPARE(missingVersion.status, 404);
    QCOMPARE(test::errorBody(missingVersion)["param"].toString(), QString("split[1].version"));
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{{"GET", "/admin/v1/prompts/nope"},
             {"GET", "/admin/v1/prompts/greet/versions/9"}, {"DELETE", "/admin/v1/prompts/greet/labels/beta"},
             {"GET", "/admin/v1/prompts/greet/diff?from=1&to=9"}, {"POST", "/admin/v1/prompts/greet/versions/9/test-run"}}) {
        const auto response = asOperator(method, target);
        QVERIFY2(response.status == 404, qPrintable(QString::fromStdString(target) + " " + test::describe(response)));
        QCOMPARE(test::errorBody(response)["code"].toString(), QString("not_found"));
    }
    QCOMPARE(test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/audit?limit=1"))["total"].toInt(), auditBefore);
}

void PromptAdminTest::theDiffShowsWhatChanged()
{
    createGreet();
    const auto response = asOperator("GET", "/admin/v1/prompts/greet/diff?from=1&to=2");
    QVERIFY2(response.status == 200, qPrintable(test::describe(response)));
    const auto diff = test::jsonBody(response);
    QCOMPARE(diff["from"].toInt(), 1);
    QCOMPARE(diff["to"].toInt(), 2);
    QStringList fields;
    for (const auto& change : diff["changes"].toArray())
        fields << change.toObject()["field"].toString();
    QCOMPARE(fields, (QStringList{"parameters", "variables", "note"})); // the model is the same
    const auto note = diff["changes"].toArray()[2].toObject();
    QCOMPARE(note["from"].toString(), QString("first"));
    QCOMPARE(note["to"].toString(), QString("warmer"));
    const auto messages = diff["messages"].toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(shownLines(messages[0].toObject()), QString(" You greet people in {{language}}.|-Be brief.|+Be warm."));
    QCOMPARE(shownLines(messages[1].toObject()), QString("-Greet {{name}}.|+Greet {{name}}, who is {{age}}."));
    QCOMPARE(messages[1].toObject()["from"].toObject()["role"].toString(), QString("user"));
    QVERIFY(messages[1].toObject()["changed"].toBool());

    const auto same = test::jsonBody(asOperator("GET", "/admin/v1/prompts/greet/diff?from=2&to=2"));
    QCOMPARE(same["changes"].toArray().size(), 0);
    QVERIFY(!same["messages"].toArray()[0].toObject()["changed"].toBool());
}

void PromptAdminTest::statsCompareTheVersionsOnTheirCalls()
{
    createGreet();
    QCOMPARE(asOperator("PUT", "/admin/v1/prompts/greet/labels/canary", R"({"split": [{"version": 2}]})").status, 200);
    std::vector<std::string> first; // request ids of version 1's answered calls
    for (int i = 0; i < 3; ++i) {
        const auto answer = callPrompt(R"({"variables": {"name": "Ada"}})"); // production: version 1
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
        first.push_back(answer.header("x-gatehouse-request-id"));
    }
    const auto canary = callPrompt(R"({"label": "canary", "variables": {"name": "Ada", "age": 3}})");
    QVERIFY2(canary.status == 200, qPrintable(test::describe(canary)));
    QCOMPARE(callPrompt(R"({"label": "canary", "variables": {"name": "Ada", "age": "three"}})").status, 400); // an error of version 2
    QCOMPARE(callPrompt(R"({"version": 2, "variables": {"name": "Bo", "age": 4}})").status, 200);
    // A test run of version 2 is not traffic: left out.
    QCOMPARE(asOperator("POST", "/admin/v1/prompts/greet/versions/2/test-run", R"({"variables": {"name": "T", "age": 1}})").status, 200);
    m_gateway->server().settle();
    for (const auto& [requestId, score] : {std::pair{first[0], 1}, std::pair{first[1], 0}, std::pair{canary.header("x-gatehouse-request-id"), -1}}) {
        const auto feedback = m_gateway->client().postJson("/v1/feedback", Json{{"request_id", requestId}, {"score", score}}.dump(), m_key);
        QVERIFY2(feedback.status == 201, qPrintable(test::describe(feedback)));
    }
    int64_t firstCost = 0;
    for (const auto& requestId : first)
        firstCost += test::callRecord(m_gateway->server(), requestId)["cost_micros"].toLongLong();

    const auto response = m_admin->call(m_admin->viewerToken(), "GET", "/admin/v1/prompts/greet/stats");
    QVERIFY2(response.status == 200, qPrintable(test::describe(response)));
    const auto stats = test::jsonBody(response);
    QCOMPARE(stats["prompt"].toString(), QString("greet"));
    QVERIFY(stats["until_ms"].toInteger() - stats["since_ms"].toInteger() == 7 * 86'400'000LL);
    const auto rows = stats["data"].toArray();
    QCOMPARE(rows.size(), 4); // v1, v1 production, v2, v2 canary

    const auto v1 = statsRow(rows, 1, {});
    QCOMPARE(v1["requests"].toInt(), 3);
    QCOMPARE(v1["errors"].toInt(), 0);
    QVERIFY(v1["prompt_tokens"].toInt() > 0);
    QVERIFY(firstCost > 0);
    QCOMPARE(v1["cost_usd"].toDouble(), static_cast<double>(firstCost) / 1e6);
    QVERIFY(v1["latency_p50_ms"].toDouble() <= v1["latency_p95_ms"].toDouble());
    QCOMPARE(v1["latency_samples"].toInt(), 3);
    QCOMPARE(v1["feedback_count"].toInt(), 2);
    QCOMPARE(v1["feedback_mean"].toDouble(), 0.5);
    QCOMPARE(statsRow(rows, 1, "production")["requests"].toInt(), 3);

    const auto v2 = statsRow(rows, 2, {});
    QCOMPARE(v2["requests"].toInt(), 3); // canary twice, by number once; not the test run
    QCOMPARE(v2["errors"].toInt(), 1);
    QCOMPARE(v2["error_rate"].toDouble(), 1.0 / 3.0);
    const auto canaryRow = statsRow(rows, 2, "canary");
    QCOMPARE(canaryRow["requests"].toInt(), 2);
    QCOMPARE(canaryRow["feedback_count"].toInt(), 1);
    QCOMPARE(canaryRow["feedback_mean"].toDouble(), -1.0);

    // A range before the calls has none.
    const auto empty = test::jsonBody(asOperator("GET", "/admin/v1/prompts/greet/stats?since_ms=0&until_ms=1000"));
    QCOMPARE(empty["data"].toArray().size(), 0);
}

void PromptAdminTest::aTestRunGoesThroughTheDataPlaneAndIsRecorded()
{
    createGreet();
    const auto response = asOperator("POST", "/admin/v1/prompts/greet/versions/2/test-run",
        R"({"variables": {"name": "Ada"}, "text_variables": {"age": "36"}, "reason": "before the canary"})");
    QVERIFY2(response.status == 200, qPrintable(test::describe(response)));
    const auto run = test::jsonBody(response);
    QCOMPARE(run["status"].toInt(), 200);
    QCOMPARE(run["version"].toInt(), 2);
    const auto rendered = run["rendered"].toArray();
    QCOMPARE(rendered[0].toObject()["content"].toString(), QString("You greet people in English.\nBe warm."));
    QCOMPARE(rendered[1].toObject()["content"].toString(), QString("Greet Ada, who is 36."));
    QCOMPARE(run["request"].toObject()["model"].toString(), QString("mock-chat"));
    QCOMPARE(run["request"].toObject()["temperature"].toDouble(), 0.7);
    QCOMPARE(run["request"].toObject()["messages"].toArray(), rendered);
    QCOMPARE(run["answer"].toObject()["object"].toString(), QString("chat.completion"));
    QVERIFY(run["usage"].toObject()["total_tokens"].toInt() > 0);
    QVERIFY(run["cost_usd"].toDouble() > 0);

    // Recorded like any call, as the admin's: no key or tenant, the prompt and version, no label, the tags.
    const auto requestId = run["request_id"].toString().toStdString();
    const auto record = test::callRecord(m_gateway->server(), requestId);
    QCOMPARE(record["prompt"], QString("greet"));
    QCOMPARE(record["prompt_version"], QString("2"));
    QCOMPARE(record["prompt_label"], QString(""));
    QCOMPARE(record["key_prefix"], QString(""));
    QCOMPARE(record["tenant"], QString(""));
    QCOMPARE(record["model"], QString("mock-chat"));
    QCOMPARE(record["provider"], QString("mock"));
    QCOMPARE(record["endpoint"], QString("/admin/v1/prompts/greet/versions/2/test-run"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["cost_micros"].toDouble() / 1e6, run["cost_usd"].toDouble());
    const auto tags = QJsonDocument::fromJson(record["tags"].toUtf8()).object();
    QCOMPARE(tags["gatehouse_test_run"].toString(), QString("true"));
    QCOMPARE(tags["gatehouse_actor"].toString(), QString("otto-operator"));
    const auto listed = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/calls/" + requestId));
    QCOMPARE(listed["prompt"].toString(), QString("greet"));

    const auto audit = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/audit?entity_type=prompt&limit=1"))["data"].toArray()[0].toObject();
    QCOMPARE(audit["action"].toString(), QString("prompt.test_run"));
    QCOMPARE(audit["entity_id"].toString(), QString("greet/v2"));
    QCOMPARE(audit["reason"].toString(), QString("before the canary"));
    QCOMPARE(audit["after"].toObject()["request_id"].toString(), run["request_id"].toString());

    // Another model: the data plane's answer, whatever it is, recorded too.
    const auto elsewhere = asOperator("POST", "/admin/v1/prompts/greet/versions/1/test-run", R"({"variables": {"name": "Bo"}, "model": "nope"})");
    QVERIFY2(elsewhere.status == 200, qPrintable(test::describe(elsewhere)));
    const auto refused = test::jsonBody(elsewhere);
    QCOMPARE(refused["status"].toInt(), 404);
    QCOMPARE(refused["answer"].toObject()["error"].toObject()["code"].toString(), QString("model_not_found"));
    QCOMPARE(test::callRecord(m_gateway->server(), refused["request_id"].toString().toStdString())["status"], QString("404"));
}

void PromptAdminTest::aTestRunNeedsTheRunningGateway()
{
    // The CLI on a data directory has no data plane to send the call through.
    TemporaryDataDirectory directory;
    AdminService service(directory.databasePath());
    const auto local = AdminCaller::local("cli:tester");
    QCOMPARE(service.respond({http::verb::post, "/admin/v1/prompts", R"({"name":"greet"})", local}).status, 201);
    QCOMPARE(service.respond({http::verb::post, "/admin/v1/prompts/greet/versions", kFirst, local}).status, 201);
    const auto run = service.respond({http::verb::post, "/admin/v1/prompts/greet/versions/1/test-run", R"({"variables":{"name":"A"}})", local});
    QCOMPARE(run.status, 503);
    QVERIFY2(run.body.find("gateway_required") != std::string::npos, run.body.c_str());
}

void PromptAdminTest::viewersReadAndOnlyAdminsDelete()
{
    createGreet();
    const auto& viewer = m_admin->viewerToken();
    for (const auto& [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"POST", "/admin/v1/prompts", R"({"name":"mine"})"},
             {"POST", "/admin/v1/prompts/greet/versions", kFirst},
             {"PUT", "/admin/v1/prompts/greet/labels/production", kProductionOnFirst},
             {"POST", "/admin/v1/prompts/greet/versions/1/test-run", R"({"variables":{"name":"A"}})"}}) {
        const auto refused = m_admin->call(viewer, method, target, body);
        QVERIFY2(refused.status == 403, qPrintable(QString::fromStdString(method + " " + target) + " " + test::describe(refused)));
        QCOMPARE(test::errorBody(refused)["code"].toString(), QString("insufficient_role"));
    }
    for (const char* target : {"/admin/v1/prompts", "/admin/v1/prompts/greet", "/admin/v1/prompts/greet/versions/1",
             "/admin/v1/prompts/greet/diff?from=1&to=2", "/admin/v1/prompts/greet/stats"})
        QCOMPARE(m_admin->call(viewer, "GET", target).status, 200);
    QCOMPARE(asOperator("DELETE", "/admin/v1/prompts/greet").status, 403);
    const auto deleted = m_admin->asAdmin("DELETE", "/admin/v1/prompts/greet?reason=unused");
    QVERIFY2(deleted.status == 200, qPrintable(test::describe(deleted)));
    QCOMPARE(test::jsonBody(deleted)["latest_version"].toInt(), 2);
    QCOMPARE(asOperator("GET", "/admin/v1/prompts/greet").status, 404);
    QCOMPARE(callPrompt(R"({"variables": {"name": "Ada"}})").status, 404);
}

QTEST_GUILESS_MAIN(PromptAdminTest)
#include "PromptAdminTest.moc"
