// Managed prompts served over real HTTP (docs/prompts.md "Serving"): POST
// /v1/prompts/{name}/chat/completions renders the version its label (or the call) chooses and
// answers exactly like /v1/chat/completions, streamed or not; the rendered request is what goes
// upstream; the call record names prompt, version and label; a missing or mistyped variable is a
// 400 naming it, an unknown prompt, label or version a 404; parameters only where the version
// allows; the prompt's access mode applies. POST /v1/feedback scores a call.
#include "GatewayTestSupport.h"
#include "store/GovernanceStore.h"
#include "store/PromptStore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace gatehouse;

namespace {

const Change kAuthor{"test", "prompt under test"};

const char* kGreeting = R"({"model": "mock-chat",
    "messages": [{"role": "system", "content": "You greet people in {{language}}."},
                 {"role": "user", "content": "Greet {{name}}, who is {{age}}."}],
    "variables": [{"name": "language", "required": false, "default": "English"},
                  {"name": "name"},
                  {"name": "age", "type": "integer"}],
    "parameters": {"temperature": 0.3},
    "overridable": ["max_tokens"]})";

// A call of the canary label by `user`.
std::string canaryCall(const std::string& user)
{
    return Json{{"label", "canary"}, {"variables", {{"name", "A"}, {"age", 1}}}, {"user", user}}.dump();
}

} // namespace

class PromptServingTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        auto config = test::mockGatewayWithAdminListener("mock-chat");
        config.models[0].capturePayloads = true; // to see what went upstream
        m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
        m_key = m_gateway->server().createKey("prompt-caller");
        Database db(m_gateway->server().databasePath());
        GovernanceStore audit(db);
        PromptStore prompts(db);
        prompts.createPrompt(audit, kAuthor, "greet", "greets people");
        auto second = readPromptVersion(Json::parse(kGreeting));
        prompts.addVersion(audit, kAuthor, "greet", readPromptVersion(Json::parse(kGreeting)));
        second.messages[1].content = "Say hi to {{name}} ({{age}}).";
        prompts.addVersion(audit, kAuthor, "greet", second);
        prompts.setLabel(audit, kAuthor, "greet", "production", Json::parse(R"([{"version": 1}])"));
        prompts.setLabel(audit, kAuthor, "greet", "canary", Json::parse(R"([{"version": 1, "weight": 1}, {"version": 2, "weight": 1}])"));
        m_gateway->server().governanceChanged(); // serve them now, not at the next poll
    }
    void cleanup() { m_gateway.reset(); }

    void rendersTheLabelsVersionAndAnswersLikeAChatCompletion()
    {
        const auto answer = post("greet", R"({"variables": {"name": "Ada", "age": 36}, "user": "u-1"})");
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
        const auto body = test::jsonBody(answer);
        QCOMPARE(body["object"].toString(), QString("chat.completion"));
        QCOMPARE(body["model"].toString().isEmpty(), false);
        QVERIFY(!body["choices"].toArray().isEmpty());

        const auto record = test::callRecord(m_gateway->server(), answer.header("x-gatehouse-request-id"));
        QCOMPARE(record["prompt"], QString("greet"));
        QCOMPARE(record["prompt_version"], QString("1"));
        QCOMPARE(record["prompt_label"], QString("production"));
        QCOMPARE(record["model"], QString("mock-chat"));
        QCOMPARE(record["endpoint"], QString("/v1/prompts/greet/chat/completions"));
        // What went upstream: the rendered messages, the version's parameters, the call's user.
        const auto sent = QJsonDocument::fromJson(upstreamRequest(answer.header("x-gatehouse-request-id")).toUtf8()).object();
        const auto messages = sent["messages"].toArray();
        QCOMPARE(messages[0].toObject()["content"].toString(), QString("You greet people in English."));
        QCOMPARE(messages[1].toObject()["content"].toString(), QString("Greet Ada, who is 36."));
        QCOMPARE(sent["temperature"].toDouble(), 0.3);
        QCOMPARE(sent["user"].toString(), QString("u-1"));
        QVERIFY(!sent.contains("variables"));
    }

    void aVersionCanBeAskedForAndStreamed()
    {
        const auto answer = post("greet", R"({"variables": {"name": "Ada", "age": 36}, "version": 2, "stream": true})");
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
        QVERIFY(answer.header("content-type").find("text/event-stream") == 0);
        QVERIFY(answer.body.find("data: [DONE]") != std::string::npos);
        const auto record = test::callRecord(m_gateway->server(), answer.header("x-gatehouse-request-id"));
        QCOMPARE(record["prompt_version"], QString("2"));
        QCOMPARE(record["prompt_label"], QString(""));
        QCOMPARE(record["stream"], QString("1"));
        const auto sent = QJsonDocument::fromJson(upstreamRequest(answer.header("x-gatehouse-request-id")).toUtf8()).object();
        QCOMPARE(sent["messages"].toArray()[1].toObject()["content"].toString(), QString("Say hi to Ada (36)."));
    }

    void aUserStaysOnTheirVersionOfASplitLabel()
    {
        // The canary label splits 1:1; each user keeps the version they got.
        QSet<QString> versions;
        for (int user = 0; user < 12; ++user) {
            const auto fields = canaryCall("user-" + std::to_string(user));
            QString first;
            for (int again = 0; again < 2; ++again) {
                const auto answer = post("greet", fields);
                QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
                const auto version = test::callRecord(m_gateway->server(), answer.header("x-gatehouse-request-id"))["prompt_version"];
                if (again == 0)
                    first = version;
                QCOMPARE(version, first);
            }
            versions.insert(first);
        }
        QCOMPARE(versions, (QSet<QString>{"1", "2"}));
    }

    void badCallsGetClearErrors_data()
    {
        QTest::addColumn<QString>("prompt");
        QTest::addColumn<QString>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("param");
        QTest::newRow("missing variable") << "greet" << R"({"variables": {"age": 3}})" << 400 << "missing_variable" << "variables.name";
        QTest::newRow("mistyped variable") << "greet" << R"({"variables": {"name": "A", "age": "three"}})" << 400 << "invalid_variable_type"
                                           << "variables.age";
        QTest::newRow("unknown variable") << "greet" << R"({"variables": {"name": "A", "age": 3, "mood": "x"}})" << 400 << "unknown_variable"
                                          << "variables.mood";
        QTest::newRow("not overridable") << "greet" << R"({"variables": {"name": "A", "age": 3}, "temperature": 1})" << 400
                                         << "parameter_not_overridable" << "temperature";
        QTest::newRow("unknown field") << "greet" << R"({"variables": {"name": "A", "age": 3}, "model": "other"})" << 400 << "unknown_field"
                                       << "model";
        QTest::newRow("label and version") << "greet" << R"({"label": "canary", "version": 1})" << 400 << "" << "version";
        QTest::newRow("unknown prompt") << "nope" << R"({"variables": {}})" << 404 << "prompt_not_found" << "";
        QTest::newRow("unknown label") << "greet" << R"({"label": "beta", "variables": {"name": "A", "age": 3}})" << 404 << "prompt_not_found" << "";
        QTest::newRow("unknown version") << "greet" << R"({"version": 9, "variables": {"name": "A", "age": 3}})" << 404 << "prompt_not_found" << "";
        QTest::newRow("not an object") << "greet" << "[1]" << 400 << "" << "";
    }

    void badCallsGetClearErrors()
    {
        QFETCH(QString, prompt);
        QFETCH(QString, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, param);
        const auto answer = post(prompt.toStdString(), body.toStdString());
        QVERIFY2(answer.status == status, qPrintable(test::describe(answer)));
        const auto error = test::errorBody(answer);
        QVERIFY(!error["message"].toString().isEmpty());
        if (!code.isEmpty())
            QCOMPARE(error["code"].toString(), code);
        if (!param.isEmpty())
            QCOMPARE(error["param"].toString(), param);
        // Refused calls are recorded too, under the prompt they named.
        QCOMPARE(test::callRecord(m_gateway->server(), answer.header("x-gatehouse-request-id"))["prompt"], prompt);
    }

    void theOverridesTheVersionAllowsGoThrough()
    {
        const auto answer = post("greet", R"({"variables": {"name": "A", "age": 3}, "max_tokens": 7})");
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
        const auto sent = QJsonDocument::fromJson(upstreamRequest(answer.header("x-gatehouse-request-id")).toUtf8()).object();
        QCOMPARE(sent["max_tokens"].toInt(), 7);
    }

    void thePromptsAccessModeApplies()
    {
        {
            Database db(m_gateway->server().databasePath());
            GovernanceStore governance(db);
            governance.setModelAccess(kAuthor, "prompt:greet", AccessMode::Approval, false);
        }
        m_gateway->server().governanceChanged();
        // A tenant-level key reaches open prompts only.
        const auto answer = post("greet", R"({"variables": {"name": "A", "age": 3}})");
        QCOMPARE(answer.status, 403);
        const auto error = test::errorBody(answer);
        QCOMPARE(error["code"].toString(), QString("consumer_key_required"));
        QVERIFY2(error["message"].toString().contains("prompt:greet"), qPrintable(error["message"].toString()));
    }

    void theModelsAccessModeStillApplies()
    {
        // An admin closes the model; a prompt on it must not open it again.
        {
            Database db(m_gateway->server().databasePath());
            GovernanceStore governance(db);
            governance.setModelAccess(kAuthor, "mock-chat", AccessMode::Approval, false);
        }
        m_gateway->server().governanceChanged();
        for (const auto* body : {R"({"variables": {"name": "A", "age": 3}})", R"({"version": 2, "variables": {"name": "A", "age": 3}})"}) {
            const auto answer = post("greet", body);
            QVERIFY2(answer.status == 403, qPrintable(test::describe(answer)));
            QVERIFY2(test::errorBody(answer)["message"].toString().contains("mock-chat"), qPrintable(test::describe(answer)));
        }
    }

    void feedbackScoresACallOfTheTenant()
    {
        const auto answer = post("greet", R"({"variables": {"name": "A", "age": 3}})");
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
        const auto requestId = answer.header("x-gatehouse-request-id");
        m_gateway->server().settle(); // the call is in the log
        const auto feedback = m_gateway->client().postJson("/v1/feedback",
            Json{{"request_id", requestId}, {"score", 1}, {"comment", "friendly"}}.dump(), m_key);
        QVERIFY2(feedback.status == 201, qPrintable(test::describe(feedback)));
        QCOMPARE(test::jsonBody(feedback)["object"].toString(), QString("feedback"));
        QCOMPARE(test::jsonBody(feedback)["score"].toDouble(), 1.0);
        {
            Database db(m_gateway->server().databasePath());
            auto stored = db.prepare("SELECT score, comment, key_prefix FROM call_feedback WHERE request_id = ?");
            stored.bind(1, requestId);
            QVERIFY(stored.step());
            QCOMPARE(stored.columnReal(0), 1.0);
            QCOMPARE(stored.columnText(1), std::string("friendly"));
            QVERIFY(m_key.rfind(stored.columnText(2), 0) == 0);
        }
        // The same key again: its score is replaced, not added.
        const auto again = m_gateway->client().postJson("/v1/feedback", Json{{"request_id", requestId}, {"score", 0}}.dump(), m_key);
        QVERIFY2(again.status == 201, qPrintable(test::describe(again)));
        {
            Database db(m_gateway->server().databasePath());
            auto rows = db.prepare("SELECT COUNT(*), MAX(score) FROM call_feedback WHERE request_id = ?");
            rows.bind(1, requestId);
            QVERIFY(rows.step());
            QCOMPARE(rows.columnInt(0), int64_t(1));
            QCOMPARE(rows.columnReal(1), 0.0);
        }
        const auto unknown = m_gateway->client().postJson("/v1/feedback", R"({"request_id": "req_nope", "score": 0})", m_key);
        QCOMPARE(unknown.status, 404);
        QCOMPARE(test::errorBody(unknown)["param"].toString(), QString("request_id"));
        const auto badScore = m_gateway->client().postJson("/v1/feedback", Json{{"request_id", requestId}, {"score", "good"}}.dump(), m_key);
        QCOMPARE(badScore.status, 400);
        QCOMPARE(test::errorBody(badScore)["param"].toString(), QString("score"));
        const auto noKey = m_gateway->client().postJson("/v1/feedback", Json{{"request_id", requestId}, {"score", 1}}.dump(), "");
        QCOMPARE(noKey.status, 401);
    }

private:
    TestResponse post(const std::string& prompt, const std::string& body)
    {
        return m_gateway->client().postJson("/v1/prompts/" + prompt + "/chat/completions", body, m_key);
    }

    // The request body the gateway sent upstream for a call (captured: the model captures payloads).
    QString upstreamRequest(const std::string& requestId)
    {
        m_gateway->server().settle();
        Database db(m_gateway->server().databasePath());
        auto query = db.prepare("SELECT request FROM call_payloads JOIN calls ON calls.id = call_payloads.call_id WHERE calls.request_id = ?");
        query.bind(1, requestId);
        return query.step() ? QString::fromStdString(query.columnText(0)) : QString();
    }

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::string m_key;
};

QTEST_GUILESS_MAIN(PromptServingTest)
#include "PromptServingTest.moc"
