// The Prompts page's streamed test run against a real gateway: a version run through the data plane
// grows its answer chunk by chunk, with the usage, the request id and the timings, then its cost from
// the call's record; a refusal is reported with the API's code; and the messages the console renders
// before the answer are those the gateway sends.
#include "InProcessAdminClient.h"
#include "PromptDraft.h"
#include "PromptStreamClient.h"

#include "GatewayTestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace gatehouse;

namespace {

constexpr int kTimeoutMs = 15000; // a bound, not a wait
constexpr double kInputPerMillion = 2.0;
constexpr double kOutputPerMillion = 6.0;

const QJsonObject kVariables{{"topic", "the release"}, {"text", "Version 2 ships on Monday."}};

// A mock whose stream comes in pieces apart in time, so the client reads them one by one; and a
// price, so the call has a cost.
GatewayConfig pacedPricedGateway()
{
    GatewayConfig config = test::mockGatewayWithAdminListener("mock-chat");
    config.providers.front().mock.chunkInterval = std::chrono::milliseconds(20);
    TokenPrice price;
    price.inputPerMillion = kInputPerMillion;
    price.outputPerMillion = kOutputPerMillion;
    config.models.front().deployments.front().price = price;
    return config;
}

} // namespace

class PromptStreamClientTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void aRunStreamsItsAnswerThenItsCost();
    void aRefusalIsReportedWithItsCode();
    void theConsoleRendersAsTheGatewayDoes();

private:
    // One admin request, answered.
    std::optional<AdminReply> admin(const QString& method, const QString& target, const QJsonObject& body = {});
    QUrl dataPlane() const;

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<InProcessAdminClient> m_admin;
    QString m_key;
};

void PromptStreamClientTest::initTestCase()
{
    m_gateway = std::make_unique<test::RunningGateway>(pacedPricedGateway());
    m_admin = std::make_unique<InProcessAdminClient>([this]() -> GatewayServer* { return &m_gateway->server(); });
    // Unrestricted, like the console's developer key (ConsoleDeveloperKey): it reaches prompt:summarise.
    m_key = QString::fromStdString(m_gateway->server().createKey("prompt-stream-test"));
    QCOMPARE(admin("POST", "/admin/v1/prompts", {{"name", "summarise"}}).value_or(AdminReply{}).status, 201);
    const QJsonObject version{{"model", "mock-chat"},
        {"messages", QJsonArray{QJsonObject{{"role", "system"}, {"content", "You summarise {{topic}} for {{audience}}."}},
                         QJsonObject{{"role", "user"}, {"content", "{{text}}"}}}},
        {"variables", QJsonArray{QJsonObject{{"name", "topic"}, {"type", "string"}},
                          QJsonObject{{"name", "audience"}, {"type", "string"}, {"required", false}, {"default", "engineers"}},
                          QJsonObject{{"name", "text"}, {"type", "string"}}}}};
    const auto saved = admin("POST", "/admin/v1/prompts/summarise/versions", version);
    QVERIFY(saved);
    QVERIFY2(saved->status == 201, qPrintable(saved->errorMessage));
}

void PromptStreamClientTest::cleanupTestCase()
{
    m_admin.reset();
    m_gateway.reset();
}

std::optional<AdminReply> PromptStreamClientTest::admin(const QString& method, const QString& target, const QJsonObject& body)
{
    auto answer = std::make_shared<std::optional<AdminReply>>();
    m_admin->send(method, target, body, [answer](const AdminReply& reply) { *answer = reply; });
    if (!QTest::qWaitFor([&] { return answer->has_value(); }, kTimeoutMs))
        qWarning("no answer to %s %s", qPrintable(method), qPrintable(target));
    return *answer;
}

QUrl PromptStreamClientTest::dataPlane() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_gateway->server().dataPlaneAddress().port));
}

void PromptStreamClientTest::aRunStreamsItsAnswerThenItsCost()
{
    PromptStreamClient client;
    client.setAdmin(m_admin.get());
    QSignalSpy finished(&client, &PromptStreamClient::finished);
    QStringList seen; // the answer at each update
    connect(&client, &PromptStreamClient::answerChanged, &client, [&] { seen << client.answer(); });

    client.start(dataPlane(), m_key, QStringLiteral("summarise"), 1, kVariables);
    QVERIFY(client.running());
    QVERIFY(finished.wait(kTimeoutMs));
    QVERIFY(!client.running());
    QCOMPARE(client.errorText(), QString());
    QCOMPARE(client.status(), 200);

    // The first update is the reset at start; then the text grows, piece after piece.
    QCOMPARE(seen.value(0), QString());
    seen.removeFirst();
    QVERIFY2(seen.size() > 1, qPrintable(QStringLiteral("%1 updates").arg(seen.size())));
    for (int i = 1; i < seen.size(); ++i)
        QVERIFY2(seen[i].startsWith(seen[i - 1]) && seen[i].size() > seen[i - 1].size(), qPrintable(seen.join(" | ")));
    QCOMPARE(client.answer(), seen.last());

    // The same text as the whole answer of the same call.
    const std::string whole = QJsonDocument(QJsonObject{{"version", 1}, {"variables", kVariables}}).toJson().toStdString();
    const auto answer = m_gateway->client().postJson("/v1/prompts/summarise/chat/completions", whole, m_key.toStdString());
    QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
    const QString wholeText = test::jsonBody(answer)["choices"].toArray().at(0)["message"]["content"].toString();
    QVERIFY(!wholeText.isEmpty());
    QCOMPARE(client.answer(), wholeText);

    QVERIFY(client.requestId().startsWith(QStringLiteral("req_")));
    const QVariantMap usage = client.usage().toMap();
    QVERIFY(usage.value(QStringLiteral("prompt_tokens")).toInt() > 0);
    QVERIFY(usage.value(QStringLiteral("completion_tokens")).toInt() > 0);
    QVERIFY(client.firstTokenMs() >= 0);
    QVERIFY(client.latencyMs() >= client.firstTokenMs());

    // Then the cost, from the call's record (asked again if the writer had not committed it yet).
    QTRY_VERIFY_WITH_TIMEOUT(!client.costPending() && client.costUsd().isValid(), kTimeoutMs);
    const double expected = (usage.value(QStringLiteral("prompt_tokens")).toDouble() * kInputPerMillion
                                + usage.value(QStringLiteral("completion_tokens")).toDouble() * kOutputPerMillion)
        / 1e6;
    QVERIFY2(qAbs(client.costUsd().toDouble() - expected) < 1e-9,
        qPrintable(QStringLiteral("%1, not %2").arg(client.costUsd().toDouble()).arg(expected)));

    // Recorded as a call of version 1, tagged as a test run for the call log.
    const auto record = test::callRecord(m_gateway->server(), client.requestId().toStdString());
    QCOMPARE(record.value(QStringLiteral("prompt")), QStringLiteral("summarise"));
    QCOMPARE(record.value(QStringLiteral("prompt_version")), QStringLiteral("1"));
    QVERIFY2(record.value(QStringLiteral("tags")).contains(QStringLiteral("\"gatehouse_test_run\":\"true\"")), qPrintable(record.value("tags")));
}

void PromptStreamClientTest::aRefusalIsReportedWithItsCode()
{
    PromptStreamClient client;
    client.setAdmin(m_admin.get());
    QSignalSpy finished(&client, &PromptStreamClient::finished);
    QJsonObject withoutText = kVariables;
    withoutText.remove(QStringLiteral("text"));

    client.start(dataPlane(), m_key, QStringLiteral("summarise"), 1, withoutText);
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(client.status(), 400);
    QCOMPARE(client.errorCode(), QStringLiteral("missing_variable"));
    QVERIFY2(client.errorText().contains(QStringLiteral("'text'")), qPrintable(client.errorText()));
    QCOMPARE(client.answer(), QString());
    QVERIFY(client.usage().isNull());
    QVERIFY(client.requestId().startsWith(QStringLiteral("req_")));

    // A key the gateway does not know: its refusal, in its words.
    client.start(dataPlane(), QStringLiteral("gk-not-a-key"), QStringLiteral("summarise"), 1, kVariables);
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(client.status(), 401);
    QVERIFY(!client.errorText().isEmpty());
    QCOMPARE(client.answer(), QString());
}

void PromptStreamClientTest::theConsoleRendersAsTheGatewayDoes()
{
    const auto detail = admin("GET", "/admin/v1/prompts/summarise");
    QVERIFY(detail && detail->ok());
    const QJsonObject version = detail->body.toObject().value("versions").toArray().at(0).toObject();
    const auto run = admin("POST", "/admin/v1/prompts/summarise/versions/1/test-run", {{"variables", kVariables}});
    QVERIFY(run);
    QVERIFY2(run->ok(), qPrintable(run->errorMessage));

    const QVariantMap rendered = PromptDraft::renderedOf(version, kVariables);
    QCOMPARE(QJsonArray::fromVariantList(rendered.value(QStringLiteral("messages")).toList()), run->body.toObject().value("rendered").toArray());
    QCOMPARE(rendered.value(QStringLiteral("messages")).toList().at(0).toMap().value(QStringLiteral("content")).toString(),
        QStringLiteral("You summarise the release for engineers."));

    // A refusal as the data plane words it: its code and the variable's param.
    QJsonObject withoutText = kVariables;
    withoutText.remove(QStringLiteral("text"));
    const QVariantMap refused = PromptDraft::renderedOf(version, withoutText);
    QVERIFY(!refused.contains(QStringLiteral("messages")));
    QCOMPARE(refused.value(QStringLiteral("code")).toString(), QStringLiteral("missing_variable"));
    QCOMPARE(refused.value(QStringLiteral("param")).toString(), QStringLiteral("variables.text"));
}

QTEST_GUILESS_MAIN(PromptStreamClientTest)
#include "PromptStreamClientTest.moc"
