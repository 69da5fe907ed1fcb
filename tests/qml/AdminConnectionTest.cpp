// AdminConnection on a real console gateway (a GatewayController on port 0) and a real remote one
// (an admin listener on loopback): the pending-approvals count follows filing and deciding, the
// embedded gateway's start and stop, and changes made by others; connectToGateway() switches only
// to a verified admin API and otherwise keeps the client it had, saying why.
#include "AdminConnection.h"
#include "GatewayController.h"

#include "GatewayTestSupport.h"
#include "TemporaryDataDirectory.h"
#include "store/AdminTokenStore.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace gatehouse;

namespace {

constexpr int kTimeoutMs = 15000; // a bound, not a wait
const Change kOthers{"someone-else", "made outside the console"};

// One request through `client`, waited for; a reply that never came is status -1.
AdminReply call(AdminClient& client, const QString& method, const QString& target, const QJsonObject& body = {})
{
    auto reply = std::make_shared<std::optional<AdminReply>>();
    client.send(method, target, body, [reply](const AdminReply& answer) { *reply = answer; });
    if (!QTest::qWaitFor([&] { return reply->has_value(); }, kTimeoutMs)) {
        AdminReply none;
        none.status = -1;
        return none;
    }
    return **reply;
}

int idOf(const AdminReply& reply)
{
    return reply.body.toObject().value("id").toInt();
}

} // namespace

class AdminConnectionTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void startsOnTheEmbeddedGateway();
    void pendingApprovalsFollowFilingAndApproving();
    void pendingApprovalsFollowTheEmbeddedGateway();
    void connectsToAVerifiedRemoteGatewayAndBack();
    void pendingApprovalsFollowChangesMadeByOthers();
    void failedConnectKeepsTheClientItHad_data();
    void failedConnectKeepsTheClientItHad();

private:
    // An access request for an approval-mode model, filed through `client`; returns its id.
    int fileAccessRequest(AdminClient& client, const QString& tenant);
    QString remoteUrl() const;
    void connectToRemote();

    std::unique_ptr<TemporaryDataDirectory> m_consoleData;
    std::unique_ptr<GatewayController> m_controller;
    std::unique_ptr<test::RunningGateway> m_remote;
    std::string m_remoteToken;
};

void AdminConnectionTest::init()
{
    m_consoleData = std::make_unique<TemporaryDataDirectory>();
    m_controller = std::make_unique<GatewayController>();
    m_controller->setDataDirectory(QString::fromStdString(m_consoleData->path()));
    m_controller->setListen("127.0.0.1:0");
    m_controller->start();
    QCOMPARE(m_controller->state(), GatewayController::Running);

    auto config = test::mockGatewayWithAdminListener();
    m_remote = std::make_unique<test::RunningGateway>(std::move(config));
    Database db(m_remote->server().databasePath());
    m_remoteToken = AdminTokenStore(db).create({"test-setup", {}}, "console-tester", AdminRole::Operator).plaintext;
}

void AdminConnectionTest::cleanup()
{
    m_controller.reset();
    m_remote.reset();
    m_consoleData.reset();
}

int AdminConnectionTest::fileAccessRequest(AdminClient& client, const QString& tenant)
{
    const auto access = call(client, "PUT", "/admin/v1/models/mock-chat/access", {{"mode", "approval"}});
    if (access.status != 200)
        qWarning("model access: %d %s", access.status, qPrintable(access.errorMessage));
    const int tenantId = idOf(call(client, "POST", "/admin/v1/tenants", {{"name", tenant}}));
    const int consumerId = idOf(call(client, "POST", "/admin/v1/consumers", {{"tenant_id", tenantId}, {"name", "app"}}));
    return idOf(call(client, "POST", "/admin/v1/access-requests", {{"consumer_id", consumerId}, {"model", "mock-chat"}}));
}

QString AdminConnectionTest::remoteUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_remote->server().adminAddress()->port);
}

void AdminConnectionTest::connectToRemote()
{
    auto* admin = m_controller->admin();
    QSignalSpy finished(admin, &AdminConnection::connectFinished);
    admin->connectToGateway(remoteUrl(), QString::fromStdString(m_remoteToken));
    QVERIFY(admin->connecting());
    QVERIFY(finished.wait(kTimeoutMs));
    QCOMPARE(finished[0][0].toBool(), true);
}

void AdminConnectionTest::startsOnTheEmbeddedGateway()
{
    auto* admin = m_controller->admin();
    QVERIFY(admin->client());
    QVERIFY(!admin->remote());
    QVERIFY(!admin->connecting());
    QCOMPARE(admin->location(), "this console's gateway");
    QVERIFY(admin->errorText().isEmpty());
    QCOMPARE(m_controller->property("admin").value<AdminConnection*>(), admin);
    QCOMPARE(call(*admin->client(), "GET", "/admin/v1/tenants").status, 200);
}

void AdminConnectionTest::pendingApprovalsFollowFilingAndApproving()
{
    auto* admin = m_controller->admin();
    QCOMPARE(admin->pendingApprovals(), 0);
    QSignalSpy pendingChanged(admin, &AdminConnection::pendingApprovalsChanged);
    const int request = fileAccessRequest(*admin->client(), "acme");
    QVERIFY(request > 0);
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 1, kTimeoutMs);
    QVERIFY(pendingChanged.count() >= 1);

    QCOMPARE(call(*admin->client(), "POST", QStringLiteral("/admin/v1/access-requests/%1/approve").arg(request)).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 0, kTimeoutMs);
}

void AdminConnectionTest::pendingApprovalsFollowTheEmbeddedGateway()
{
    auto* admin = m_controller->admin();
    fileAccessRequest(*admin->client(), "acme");
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 1, kTimeoutMs);

    m_controller->stop();
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 0, kTimeoutMs); // nothing this console can see
    QCOMPARE(call(*admin->client(), "GET", "/admin/v1/tenants").errorMessage,
        "The embedded gateway is not running; start it on the Overview page.");

    m_controller->start();
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 1, kTimeoutMs); // the restarted gateway, same data
}

void AdminConnectionTest::connectsToAVerifiedRemoteGatewayAndBack()
{
    auto* admin = m_controller->admin();
    AdminClient* embedded = admin->client();
    {
        Database db(m_remote->server().databasePath());
        GovernanceStore others(db);
        others.setModelAccess(kOthers, "mock-chat", AccessMode::Approval, false);
        const auto consumer = others.createConsumer(kOthers, others.createTenant(kOthers, "remote-team").id, "app");
        others.requestAccess(kOthers, consumer.id, "mock-chat");
    }
    QSignalSpy clientChanged(admin, &AdminConnection::clientChanged);

    connectToRemote();
    QCOMPARE(clientChanged.count(), 1);
    QVERIFY(admin->remote());
    QVERIFY(admin->client() != embedded);
    QCOMPARE(admin->location(), remoteUrl());
    QCOMPARE(admin->client()->location(), remoteUrl());
    QVERIFY(admin->errorText().isEmpty());
    QVERIFY(!admin->connecting());
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 1, kTimeoutMs); // the remote gateway's

    // A decision through the remote client counts at once (its changed()).
    const auto pending = call(*admin->client(), "GET", "/admin/v1/access-requests?state=pending");
    const int request = pending.body["data"][0]["id"].toInt();
    QCOMPARE(call(*admin->client(), "POST", QStringLiteral("/admin/v1/access-requests/%1/reject").arg(request)).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 0, kTimeoutMs);

    fileAccessRequest(*embedded, "acme");
    admin->useEmbeddedGateway();
    QCOMPARE(clientChanged.count(), 2);
    QVERIFY(!admin->remote());
    QCOMPARE(admin->client(), embedded);
    QCOMPARE(admin->location(), "this console's gateway");
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 1, kTimeoutMs); // the embedded gateway's again
}

void AdminConnectionTest::pendingApprovalsFollowChangesMadeByOthers()
{
    // As `gatehouse access request` on the remote gateway's data directory would.
    Database db(m_remote->server().databasePath());
    GovernanceStore others(db);
    others.setModelAccess(kOthers, "mock-chat", AccessMode::Approval, false);
    const auto tenant = others.createTenant(kOthers, "remote-team").id;
    others.requestAccess(kOthers, others.createConsumer(kOthers, tenant, "first").id, "mock-chat");

    auto* admin = m_controller->admin();
    connectToRemote();
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 1, kTimeoutMs); // the refresh on switching is in

    others.requestAccess(kOthers, others.createConsumer(kOthers, tenant, "second").id, "mock-chat");
    // No signal tells the console: the slow refresh notices it.
    QTRY_COMPARE_WITH_TIMEOUT(admin->pendingApprovals(), 2, AdminConnection::kRefreshIntervalMs + kTimeoutMs);
}

void AdminConnectionTest::failedConnectKeepsTheClientItHad_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("token"); // "$TOKEN": the remote's valid token
    QTest::addColumn<QString>("error"); // "$URL": the url as given

    QTest::newRow("bad token") << "$REMOTE" << "gat-0000000000000000000000000000000000000000"
                               << "$URL refused the admin token (HTTP 401): ";
    QTest::newRow("refused connection") << "$CLOSED" << "$TOKEN" << "cannot connect to $URL: Connection refused";
    QTest::newRow("the data plane, not the admin API")
        << "$DATA_PLANE" << "$TOKEN" << "$URL is not a Gatehouse admin API: GET /admin/v1/tenants answered HTTP 404";
    QTest::newRow("not an address") << "ftp://example.com" << "$TOKEN" << "'ftp://example.com' is not an admin API address";
    QTest::newRow("no token") << "$REMOTE" << "  " << "An admin token is needed";
}

void AdminConnectionTest::failedConnectKeepsTheClientItHad()
{
    QFETCH(QString, url);
    QFETCH(QString, token);
    QFETCH(QString, error);
    url.replace("$REMOTE", remoteUrl())
        .replace("$CLOSED", QStringLiteral("http://127.0.0.1:%1").arg(test::closedLoopbackPort()))
        .replace("$DATA_PLANE", QStringLiteral("http://127.0.0.1:%1").arg(m_remote->server().dataPlaneAddress().port));
    token.replace("$TOKEN", QString::fromStdString(m_remoteToken));
    error.replace("$URL", url);

    auto* admin = m_controller->admin();
    connectToRemote(); // the client to keep: a working remote one
    AdminClient* before = admin->client();
    QSignalSpy clientChanged(admin, &AdminConnection::clientChanged);
    QSignalSpy finished(admin, &AdminConnection::connectFinished);

    admin->connectToGateway(url, token);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(finished[0][0].toBool(), false);
    QVERIFY2(admin->errorText().startsWith(error), qPrintable(admin->errorText()));
    QVERIFY(!admin->errorText().contains(QString::fromStdString(m_remoteToken)));
    QVERIFY(!admin->connecting());
    QCOMPARE(clientChanged.count(), 0);
    QCOMPARE(admin->client(), before);
    QVERIFY(admin->remote());
    QCOMPARE(admin->location(), remoteUrl());
    QCOMPARE(call(*admin->client(), "GET", "/admin/v1/tenants").status, 200); // and it still works
}

QTEST_GUILESS_MAIN(AdminConnectionTest)
#include "AdminConnectionTest.moc"
