// The price table over real HTTP: a call to a cloud model is priced from the shipped list price
// without any configuration; a price set through the admin API prices the calls that start after
// it while recorded calls keep their cost; deleting it brings the shipped price back; the config
// file's entries are read-only, viewers cannot change prices, bad entries name their field, and a
// LiteLLM file imports.
#include "AdminSession.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "config/PriceSettings.h"
#include "mockupstream/MockUpstreamServer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <chrono>
#include <cmath>

using namespace gatehouse;

namespace {

int64_t todayMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What the record's tokens cost at $input / $output per million (no cached tokens from the mock).
int64_t expectedMicros(const QMap<QString, QString>& record, double input, double output)
{
    return std::llround(record["prompt_tokens"].toDouble() * input + record["completion_tokens"].toDouble() * output);
}

QJsonObject onlyItem(const TestResponse& response)
{
    const auto items = test::jsonBody(response)["data"].toArray();
    return items.size() == 1 ? items[0].toObject() : QJsonObject{};
}

} // namespace

class PriceAdminTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void aCloudModelIsPricedFromTheShippedTable();
    void aNewPricePricesLaterCallsOnly();
    void fileEntriesAreReadOnlyAndTheRulesApply();
    void aLiteLlmFileImports();

private:
    QMap<QString, QString> chat(); // as the test key, to model "smart" (upstream gpt-4o): its record

    std::unique_ptr<MockUpstreamServer> m_upstream;
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<test::AdminSession> m_admin;
    std::string m_apiKey;
};

void PriceAdminTest::initTestCase()
{
    m_upstream = std::make_unique<MockUpstreamServer>(MockUpstreamOptions{});
    m_upstream->start();
}

void PriceAdminTest::init()
{
    auto config = test::mockGatewayWithAdminListener();
    config.source = "gatehouse.yaml";
    const UpstreamUrl url{false, "127.0.0.1", m_upstream->address().port, "/v1"};
    config.providers.push_back(test::openAiCompatibleProvider("cloud", url, "key"));
    config.models.push_back({"smart", {{"cloud", "gpt-4o", 1}}});
    PriceEntry filed;
    filed.provider = "openai";
    filed.model = "filed-model";
    filed.price = TokenPrice{1.0, 2.0};
    filed.effectiveDate = "2025-01-01";
    filed.origin = PriceOrigin::File;
    config.prices.push_back(filed);
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    m_admin = std::make_unique<test::AdminSession>(m_gateway->server());
    m_apiKey = m_gateway->server().createKey("ci");
}

void PriceAdminTest::cleanup()
{
    m_admin.reset();
    m_gateway.reset();
}

QMap<QString, QString> PriceAdminTest::chat()
{
    TestHttpClient client(m_gateway->server().dataPlaneAddress().port);
    const auto response = client.postJson("/v1/chat/completions", R"({"model":"smart","messages":[{"role":"user","content":"Hello"}]})", m_apiKey);
    if (response.status != 200)
        return {{"failed", test::describe(response)}};
    return test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
}

void PriceAdminTest::aCloudModelIsPricedFromTheShippedTable()
{
    const auto listed = onlyItem(m_admin->call(m_admin->viewerToken(), "GET", "/admin/v1/prices?provider=openai&model=gpt-4o"));
    QCOMPARE(listed["origin"].toString(), QString("default"));
    QVERIFY(listed["source"].toString().startsWith("https://"));
    const double input = listed["input_per_million"].toDouble();
    const double output = listed["output_per_million"].toDouble();
    QVERIFY(input > 0 && output > 0);

    const auto record = chat();
    QVERIFY2(!record.contains("failed"), qPrintable(record.value("failed")));
    QVERIFY(record["prompt_tokens"].toInt() > 0);
    QCOMPARE(record["cost_micros"].toLongLong(), expectedMicros(record, input, output));
}

void PriceAdminTest::aNewPricePricesLaterCallsOnly()
{
    const auto before = chat();
    const auto costBefore = before["cost_micros"].toLongLong();
    QVERIFY(costBefore > 0);

    const auto today = QString::fromStdString(isoDayOf(todayMs()));
    const auto put = m_admin->asAdmin("PUT", "/admin/v1/prices",
        R"({"provider":"openai","model":"gpt-4o","input_per_million":100,"output_per_million":200,"source":"test","reason":"dearer"})");
    QVERIFY2(put.status == 200, qPrintable(test::describe(put)));
    QCOMPARE(test::jsonBody(put)["effective_date"].toString(), today);
    QCOMPARE(test::jsonBody(put)["origin"].toString(), QString("store"));

    const auto after = chat();
    QCOMPARE(after["cost_micros"].toLongLong(), expectedMicros(after, 100, 200));
    // The earlier call keeps what it cost.
    QCOMPARE(test::callRecord(m_gateway->server(), before["request_id"].toStdString())["cost_micros"].toLongLong(), costBefore);

    const auto listed = onlyItem(m_admin->asAdmin("GET", "/admin/v1/prices?provider=openai&model=gpt-4o&origin=store"));
    QCOMPARE(listed["input_per_million"].toDouble(), 100.0);

    const auto deleted = m_admin->asAdmin("DELETE", "/admin/v1/prices?provider=openai&model=gpt-4o&effective_date=" + today.toStdString());
    QVERIFY2(deleted.status == 200, qPrintable(test::describe(deleted)));
    const auto back = chat();
    QCOMPARE(back["cost_micros"].toLongLong() * 10 < expectedMicros(back, 100, 200), true); // the shipped price again
    const auto again = m_admin->asAdmin("DELETE", "/admin/v1/prices?provider=openai&model=gpt-4o&effective_date=" + today.toStdString());
    QCOMPARE(again.status, 404);

    // Audited, with the actor and the reason.
    const auto audit = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/audit?entity_type=price"))["data"].toArray();
    QCOMPARE(audit.size(), 2);
    QSet<QString> actions{audit[0].toObject()["action"].toString(), audit[1].toObject()["action"].toString()};
    QCOMPARE(actions, (QSet<QString>{"price.create", "price.delete"}));
}

void PriceAdminTest::fileEntriesAreReadOnlyAndTheRulesApply()
{
    const auto filed = onlyItem(m_admin->asAdmin("GET", "/admin/v1/prices?model=filed-model"));
    QCOMPARE(filed["origin"].toString(), QString("file"));

    const auto overFile = m_admin->asAdmin("PUT", "/admin/v1/prices",
        R"({"provider":"openai","model":"filed-model","input_per_million":5,"output_per_million":5,"effective_date":"2025-01-01"})");
    QCOMPARE(overFile.status, 409);
    QVERIFY(test::errorBody(overFile)["message"].toString().contains("gatehouse.yaml"));
    QCOMPARE(m_admin->asAdmin("DELETE", "/admin/v1/prices?provider=openai&model=filed-model&effective_date=2025-01-01").status, 409);

    const auto asViewer = m_admin->call(m_admin->viewerToken(), "PUT", "/admin/v1/prices",
        R"({"model":"gpt-4o","input_per_million":1,"output_per_million":1})");
    QCOMPARE(asViewer.status, 403);

    for (const auto& [body, field] : {std::pair{R"({"model":"m","input_per_million":1,"output_per_million":1,"effective_date":"2026-13-01"})", "effective_date"},
             std::pair{R"({"model":"m","input_per_million":-1,"output_per_million":1})", "input_per_million"},
             std::pair{R"({"model":"m","input_per_million":1,"output_per_million":1,"currency":"EUR"})", "currency"},
             std::pair{R"({"model":"m","input_per_million":1})", "output_per_million"},
             std::pair{R"({"model":"m","input_per_million":1,"output_per_million":1,"colour":"red"})", "colour"}}) {
        const auto refused = m_admin->asAdmin("PUT", "/admin/v1/prices", body);
        QCOMPARE(refused.status, 400);
        QCOMPARE(test::errorBody(refused)["param"].toString(), QString(field));
    }
    QCOMPARE(m_admin->asAdmin("DELETE", "/admin/v1/prices?provider=openai").status, 400); // no model named
}

void PriceAdminTest::aLiteLlmFileImports()
{
    const auto imported = m_admin->asAdmin("POST", "/admin/v1/prices/import?effective_date=2026-01-01&reason=sync",
        R"({"sample_spec":{"mode":"one of"},
            "acme-chat":{"litellm_provider":"openai","mode":"chat","input_cost_per_token":4e-06,"output_cost_per_token":8e-06},
            "acme-image":{"litellm_provider":"openai","mode":"image_generation","output_cost_per_image":0.04}})");
    QVERIFY2(imported.status == 200, qPrintable(test::describe(imported)));
    const auto answer = test::jsonBody(imported);
    QCOMPARE(answer["imported"].toInt(), 1);
    QCOMPARE(answer["created"].toInt(), 1);
    QCOMPARE(answer["skipped"].toInt(), 1);

    const auto listed = onlyItem(m_admin->asAdmin("GET", "/admin/v1/prices?model=acme-chat"));
    QCOMPARE(listed["input_per_million"].toDouble(), 4.0);
    QCOMPARE(listed["effective_date"].toString(), QString("2026-01-01"));
    QCOMPARE(listed["origin"].toString(), QString("store"));

    const auto notJson = m_admin->asAdmin("POST", "/admin/v1/prices/import", "[1,2]");
    QCOMPARE(notJson.status, 400);
}

QTEST_MAIN(PriceAdminTest)
#include "PriceAdminTest.moc"
