// The Traffic page against a real gateway, through both admin clients (the embedded gateway's
// AdminService, and its admin listener over HTTP with a viewer token): the page lists what the
// gateway reports after one call — the deployment that answered it, the rate limits and the budget
// it used — and, with the embedded gateway stopped, says why it has nothing.
#include "InProcessAdminClient.h"
#include "RemoteAdminClient.h"

#include "GatewayTestSupport.h"
#include "store/AdminTokenStore.h"
#include "store/Database.h"

#include <QAbstractListModel>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <cmath>
#include <memory>

Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

using namespace gatehouse;

namespace {

constexpr int kTimeoutMs = 15000; // a bound, not a wait

enum class Implementation { InProcess, Remote };

// The `item` of each row of a list model (a TrafficList).
QList<QVariantMap> itemsOf(const QAbstractListModel* list)
{
    QList<QVariantMap> items;
    const int role = list->roleNames().key("item", -1);
    for (int row = 0; row < list->rowCount(); ++row)
        items.append(list->data(list->index(row), role).toMap());
    return items;
}

int countItems(QQuickItem* item, const QString& objectName)
{
    int found = item->objectName() == objectName ? 1 : 0;
    for (QQuickItem* child : item->childItems())
        found += countItems(child, objectName);
    return found;
}

} // namespace

Q_DECLARE_METATYPE(Implementation)

class TrafficPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void showsWhatTheGatewayReports_data();
    void showsWhatTheGatewayReports();
    void aStoppedGatewayIsSaidInTheBanner();

private:
    // The page, shown on `client`, once its first refresh was answered.
    std::unique_ptr<QQuickItem> showPage(AdminClient* client);
    // The page's list of the endpoint ending in `path` ("budgets").
    QAbstractListModel* listOf(QQuickItem* page, const QString& path);

    QQmlEngine m_engine;
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::string m_viewerToken;
};

void TrafficPageTest::initTestCase()
{
    m_engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    auto config = test::mockGatewayWithAdminListener("mock-chat");
    config.models[0].deployments[0].price = TokenPrice{2.5, 10.0};
    config.models[0].limits.concurrentRequests = 4;
    // One request a minute: the call just made leaves nothing for a whole minute, however slow the test.
    config.policy.limits.push_back({{ScopeKind::Tenant, "default"}, {1, 100000, std::nullopt}});
    config.policy.budgets.push_back({{ScopeKind::Tenant, "default"}, BudgetPeriod::Monthly, 10'000'000, 8'000'000, std::nullopt});
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));

    Database db(m_gateway->server().databasePath());
    m_viewerToken = AdminTokenStore(db).create({"test-setup", "traffic page test"}, "traffic-viewer", AdminRole::Viewer).plaintext;

    const auto key = m_gateway->server().createKey("traffic-test");
    const auto answer = m_gateway->client().postJson("/v1/chat/completions",
        R"({"model": "mock-chat", "messages": [{"role": "user", "content": "Hello"}]})", key);
    QCOMPARE(answer.status, 200);
    m_gateway->server().settle(); // the call is recorded and its cost settled on the budget
}

void TrafficPageTest::cleanupTestCase()
{
    m_gateway.reset();
}

std::unique_ptr<QQuickItem> TrafficPageTest::showPage(AdminClient* client)
{
    QQmlEngine::setObjectOwnership(client, QQmlEngine::CppOwnership);
    QQmlComponent component(&m_engine);
    component.setData("import QtQuick\nimport Gatehouse.Console\nTrafficPage { width: 1200; height: 900 }\n", QUrl());
    std::unique_ptr<QQuickItem> page(qobject_cast<QQuickItem*>(
        component.createWithInitialProperties({{QStringLiteral("client"), QVariant::fromValue<QObject*>(client)}})));
    if (!page)
        qWarning("%s", qPrintable(component.errorString()));
    else if (!QTest::qWaitFor([&] { return !std::isnan(page->property("updatedAt").toDouble()); }, kTimeoutMs))
        qWarning("the page was never answered");
    return page;
}

QAbstractListModel* TrafficPageTest::listOf(QQuickItem* page, const QString& path)
{
    for (auto* list : page->findChildren<QAbstractListModel*>(Qt::FindDirectChildrenOnly)) {
        if (list->property("path").toString().endsWith(QLatin1Char('/') + path))
            return list;
    }
    return nullptr;
}

void TrafficPageTest::showsWhatTheGatewayReports_data()
{
    QTest::addColumn<Implementation>("implementation");
    QTest::newRow("in-process") << Implementation::InProcess;
    QTest::newRow("remote") << Implementation::Remote;
}

void TrafficPageTest::showsWhatTheGatewayReports()
{
    QFETCH(Implementation, implementation);
    std::unique_ptr<AdminClient> client;
    if (implementation == Implementation::Remote)
        client = std::make_unique<RemoteAdminClient>(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_gateway->server().adminAddress()->port)), QString::fromStdString(m_viewerToken));
    else
        client = std::make_unique<InProcessAdminClient>([this]() -> GatewayServer* { return &m_gateway->server(); });
    const auto page = showPage(client.get());
    QVERIFY(page);
    QCOMPARE(page->property("errorText").toString(), QString());

    const auto deployments = itemsOf(listOf(page.get(), QStringLiteral("deployments")));
    QCOMPARE(deployments.size(), 1);
    QCOMPARE(deployments[0]["deployment"].toString(), QStringLiteral("mock/mock-1"));
    QCOMPARE(deployments[0]["models"].toStringList(), QStringList{QStringLiteral("mock-chat")});
    QCOMPARE(deployments[0]["circuit"].toString(), QStringLiteral("closed"));
    QCOMPARE(deployments[0]["successes"].toInt(), 1);
    QVERIFY(deployments[0]["latency_ms"].toDouble() >= 0);

    const auto limits = itemsOf(listOf(page.get(), QStringLiteral("rate-limits")));
    QCOMPARE(limits.size(), 2);
    QCOMPARE(limits[0]["scope"].toString(), QStringLiteral("tenant"));
    QCOMPARE(limits[0]["id"].toString(), QStringLiteral("default"));
    QCOMPARE(limits[0]["requests_per_minute"].toInt(), 1);
    QCOMPARE(limits[0]["requests_remaining"].toInt(), 0);
    QVERIFY(limits[0]["requests_reset_ms"].toInt() > 0);
    QCOMPARE(limits[0]["tokens_per_minute"].toInt(), 100000);
    QVERIFY(limits[0]["concurrent"].isNull());
    QCOMPARE(limits[1]["scope"].toString(), QStringLiteral("model"));
    QCOMPARE(limits[1]["concurrent"].toInt(), 4);
    QCOMPARE(limits[1]["in_flight"].toInt(), 0);

    const auto budgets = itemsOf(listOf(page.get(), QStringLiteral("budgets")));
    QCOMPARE(budgets.size(), 1);
    QCOMPARE(budgets[0]["period"].toString(), QStringLiteral("monthly"));
    QCOMPARE(budgets[0]["limit_usd"].toDouble(), 10.0);
    QVERIFY2(budgets[0]["spent_usd"].toDouble() > 0, "the call's cost is on the tenant's budget");
    QVERIFY(budgets[0]["loaded"].toBool());

    // The sections drew a row for each.
    QCOMPARE(countItems(page.get(), QStringLiteral("rateLimitRow")), 2);
    QCOMPARE(countItems(page.get(), QStringLiteral("budgetRow")), 1);
}

void TrafficPageTest::aStoppedGatewayIsSaidInTheBanner()
{
    InProcessAdminClient client([]() -> GatewayServer* { return nullptr; });
    const auto page = showPage(&client);
    QVERIFY(page);
    // Three lists failed for one reason: it is said once.
    QCOMPARE(page->property("errorText").toString(), QStringLiteral("The embedded gateway is not running; start it on the Overview page."));
    QCOMPARE(listOf(page.get(), QStringLiteral("budgets"))->rowCount(), 0);
}

QTEST_MAIN(TrafficPageTest)
#include "TrafficPageTest.moc"
