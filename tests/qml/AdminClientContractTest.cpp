// The AdminClient contract, held against both implementations on one real gateway: the in-process
// client calls its AdminService, the remote client its admin listener on loopback. Same answers,
// changed() after committed changes only, replies always from the event loop, the QML request()
// bridge; then what only one of them can meet: a refused token, a closed port, a stopped gateway.
#include "InProcessAdminClient.h"
#include "RemoteAdminClient.h"

#include "GatewayTestSupport.h"
#include "admin/AdminService.h"
#include "store/AdminTokenStore.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QQmlEngine>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>
#include <optional>

using namespace gatehouse;

namespace {

constexpr int kReplyTimeoutMs = 15000; // a bound, not a wait: each test goes on as soon as the reply is in
const char* const kTokenName = "contract-test";

enum class Implementation { InProcess, Remote };

// One send() followed to its reply, noting whether the reply came inside send() (it never may).
struct Exchange {
    std::optional<AdminReply> reply;
    bool answeredInsideSend = false;
    int changedWhenAnswered = -1; // changed() emissions seen when `done` ran: changed() comes after it
};

std::shared_ptr<Exchange> start(AdminClient& client, QSignalSpy& changed, const QString& method, const QString& target,
    const QJsonObject& body = {})
{
    auto exchange = std::make_shared<Exchange>();
    bool insideSend = true;
    client.send(method, target, body, [exchange, &insideSend, &changed](const AdminReply& reply) {
        exchange->answeredInsideSend = insideSend;
        exchange->changedWhenAnswered = static_cast<int>(changed.count());
        exchange->reply = reply;
    });
    insideSend = false;
    return exchange;
}

} // namespace

Q_DECLARE_METATYPE(Implementation)

class AdminClientContractTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void createdEntityIs201AndEmitsChangedOnce_data() { bothImplementations(); }
    void createdEntityIs201AndEmitsChangedOnce();
    void listsAnswerAPageAndReadsChangeNothing_data() { bothImplementations(); }
    void listsAnswerAPageAndReadsChangeNothing();
    void invalidInputIs400NamingTheField_data() { bothImplementations(); }
    void invalidInputIs400NamingTheField();
    void missingEntityIs404_data() { bothImplementations(); }
    void missingEntityIs404();
    void duplicateIs409_data() { bothImplementations(); }
    void duplicateIs409();
    void encodedModelNameReachesTheModel_data() { bothImplementations(); }
    void encodedModelNameReachesTheModel();
    void changesAreAuditedUnderTheClientsActor_data();
    void changesAreAuditedUnderTheClientsActor();
    void destroyedClientNeverCallsBack_data() { bothImplementations(); }
    void destroyedClientNeverCallsBack();
    void locationNamesWhereRequestsGo_data() { bothImplementations(); }
    void locationNamesWhereRequestsGo();
    void qmlRequestCallsBackWithTheReply_data() { bothImplementations(); }
    void qmlRequestCallsBackWithTheReply();

    void remoteWithABadTokenGets401();
    void remoteToAClosedPortIsStatus0NamingIt();
    void remoteThatNeverAnswersTimesOut();
    void inProcessWithTheGatewayStoppedIsStatus0();

private:
    void bothImplementations();
    std::unique_ptr<AdminClient> makeClient(Implementation implementation);
    std::unique_ptr<AdminClient> makeClient();
    QUrl adminUrl() const;
    // The reply to one request, after checking it came from the event loop.
    std::optional<AdminReply> roundTrip(AdminClient& client, QSignalSpy& changed, const QString& method,
        const QString& target, const QJsonObject& body = {});

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::string m_adminToken;
    bool m_gatewayStopped = false; // what the in-process client's lookup says
};

void AdminClientContractTest::init()
{
    m_gateway = std::make_unique<test::RunningGateway>(test::mockGatewayWithAdminListener());
    m_gatewayStopped = false;
    Database db(m_gateway->server().databasePath());
    m_adminToken = AdminTokenStore(db).create({"test-setup", "contract test"}, kTokenName, AdminRole::Admin).plaintext;
}

void AdminClientContractTest::cleanup()
{
    m_gateway.reset();
}

void AdminClientContractTest::bothImplementations()
{
    QTest::addColumn<Implementation>("implementation");
    QTest::newRow("in-process") << Implementation::InProcess;
    QTest::newRow("remote") << Implementation::Remote;
}

QUrl AdminClientContractTest::adminUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_gateway->server().adminAddress()->port));
}

std::unique_ptr<AdminClient> AdminClientContractTest::makeClient(Implementation implementation)
{
    if (implementation == Implementation::Remote)
        return std::make_unique<RemoteAdminClient>(adminUrl(), QString::fromStdString(m_adminToken));
    return std::make_unique<InProcessAdminClient>([this]() -> GatewayServer* { return m_gatewayStopped ? nullptr : &m_gateway->server(); });
}

std::unique_ptr<AdminClient> AdminClientContractTest::makeClient()
{
    QFETCH(Implementation, implementation);
    return makeClient(implementation);
}

std::optional<AdminReply> AdminClientContractTest::roundTrip(AdminClient& client, QSignalSpy& changed, const QString& method,
    const QString& target, const QJsonObject& body)
{
    const auto exchange = start(client, changed, method, target, body);
    if (!QTest::qWaitFor([&] { return exchange->reply.has_value(); }, kReplyTimeoutMs)) {
        qWarning("no reply to %s %s", qPrintable(method), qPrintable(target));
        return std::nullopt;
    }
    if (exchange->answeredInsideSend) {
        qWarning("%s %s was answered inside send()", qPrintable(method), qPrintable(target));
        return std::nullopt;
    }
    return exchange->reply;
}

void AdminClientContractTest::createdEntityIs201AndEmitsChangedOnce()
{
    const auto client = makeClient();
    QSignalSpy changed(client.get(), &AdminClient::changed);
    const auto exchange = start(*client, changed, "POST", "/admin/v1/tenants", {{"name", "acme"}, {"reason", "new team"}});
    QVERIFY(!exchange->reply);
    QTRY_VERIFY_WITH_TIMEOUT(exchange->reply.has_value(), kReplyTimeoutMs);
    QVERIFY(!exchange->answeredInsideSend);

    const auto& reply = *exchange->reply;
    QCOMPARE(reply.status, 201);
    QVERIFY(reply.ok());
    QVERIFY(reply.errorMessage.isEmpty());
    QCOMPARE(reply.body["name"].toString(), "acme");
    QVERIFY(reply.body["id"].toInteger() > 0);
    QCOMPARE(exchange->changedWhenAnswered, 0); // the callback runs first, then lists reload
    QCOMPARE(changed.count(), 1);
}

void AdminClientContractTest::listsAnswerAPageAndReadsChangeNothing()
{
    const auto client = makeClient();
    QSignalSpy changed(client.get(), &AdminClient::changed);
    for (const auto* name : {"acme", "globex"})
        QCOMPARE(roundTrip(*client, changed, "POST", "/admin/v1/tenants", {{"name", name}}).value_or(AdminReply{}).status, 201);
    changed.clear();

    const auto page = roundTrip(*client, changed, "GET", "/admin/v1/tenants?limit=1&offset=0");
    QVERIFY(page);
    QCOMPARE(page->status, 200);
    const auto data = page->body["data"].toArray();
    QCOMPARE(data.size(), 1);
    QVERIFY(page->body["total"].toInt() >= 2);
    QCOMPARE(page->body["limit"].toInt(), 1);

    QCOMPARE(changed.count(), 0); // it would have come right after the callback
}

void AdminClientContractTest::invalidInputIs400NamingTheField()
{
    const auto client = makeClient();
    QSignalSpy changed(client.get(), &AdminClient::changed);
    const auto reply = roundTrip(*client, changed, "POST", "/admin/v1/tenants", {{"name", "team a"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 400);
    QVERIFY(!reply->ok());
    QVERIFY2(reply->errorMessage.startsWith("name: "), qPrintable(reply->errorMessage));
    QCOMPARE(reply->body["error"]["param"].toString(), "name");
    QCOMPARE(changed.count(), 0);
}

void AdminClientContractTest::missingEntityIs404()
{
    const auto client = makeClient();
    QSignalSpy changed(client.get(), &AdminClient::changed);
    const auto reply = roundTrip(*client, changed, "PATCH", "/admin/v1/tenants/99999", {{"name", "renamed"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 404);
    QCOMPARE(reply->body["error"]["code"].toString(), "not_found");
    QVERIFY(!reply->errorMessage.isEmpty());
    QCOMPARE(changed.count(), 0);
}

void AdminClientContractTest::duplicateIs409()
{
    const auto client = makeClient();
    QSignalSpy changed(client.get(), &AdminClient::changed);
    QCOMPARE(roundTrip(*client, changed, "POST", "/admin/v1/tenants", {{"name", "acme"}}).value_or(AdminReply{}).status, 201);
    const auto reply = roundTrip(*client, changed, "POST", "/admin/v1/tenants", {{"name", "acme"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 409);
    QCOMPARE(reply->body["error"]["code"].toString(), "conflict");
    QVERIFY2(reply->errorMessage.contains("acme"), qPrintable(reply->errorMessage));
    QCOMPARE(changed.count(), 1); // the first creation only
}

void AdminClientContractTest::encodedModelNameReachesTheModel()
{
    const auto client = makeClient();
    QSignalSpy changed(client.get(), &AdminClient::changed);
    const auto reply = roundTrip(*client, changed, "PUT", "/admin/v1/models/openai%2Fgpt-4o/access", {{"mode", "approval"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 200);
    QCOMPARE(reply->body["model"].toString(), "openai/gpt-4o");
    QCOMPARE(reply->body["mode"].toString(), "approval");
}

void AdminClientContractTest::changesAreAuditedUnderTheClientsActor_data()
{
    QTest::addColumn<Implementation>("implementation");
    QTest::addColumn<QString>("actor");
    QTest::newRow("in-process: the local user") << Implementation::InProcess << QString::fromStdString(localActorName("console"));
    QTest::newRow("remote: the token's name") << Implementation::Remote << QString(kTokenName);
}

void AdminClientContractTest::changesAreAuditedUnderTheClientsActor()
{
    QFETCH(QString, actor);
    const auto client = makeClient();
    QSignalSpy changed(client.get(), &AdminClient::changed);
    QCOMPARE(roundTrip(*client, changed, "POST", "/admin/v1/tenants", {{"name", "acme"}}).value_or(AdminReply{}).status, 201);
    const auto audit = roundTrip(*client, changed, "GET", "/admin/v1/audit?entity_type=tenant&limit=1");
    QVERIFY(audit);
    QCOMPARE(audit->body["data"][0]["action"].toString(), "tenant.create");
    QCOMPARE(audit->body["data"][0]["actor"].toString(), actor);
}

void AdminClientContractTest::destroyedClientNeverCallsBack()
{
    QFETCH(Implementation, implementation);
    auto client = makeClient(implementation);
    QSignalSpy changed(client.get(), &AdminClient::changed);
    bool called = false;
    client->send("POST", "/admin/v1/tenants", {{"name", "acme"}}, [&called](const AdminReply&) { called = true; });
    client.reset();

    // A second client's reply comes after the first one's would have: by then it would have run.
    const auto witness = makeClient(implementation);
    QSignalSpy witnessChanged(witness.get(), &AdminClient::changed);
    QVERIFY(roundTrip(*witness, witnessChanged, "GET", "/admin/v1/tenants"));
    QVERIFY(!called);
}

void AdminClientContractTest::locationNamesWhereRequestsGo()
{
    QFETCH(Implementation, implementation);
    const auto client = makeClient(implementation);
    QCOMPARE(client->location(), implementation == Implementation::Remote ? adminUrl().toString() : "this console's gateway");
    QCOMPARE(client->property("location").toString(), client->location());
}

// The bridge pages use: a JavaScript callback gets {status, ok, body, error} from the event loop,
// even when the garbage collector ran in between and no JavaScript kept the client. A QQmlEngine
// evaluating JavaScript, without a QML document: the test needs no QML modules installed.
void AdminClientContractTest::qmlRequestCallsBackWithTheReply()
{
    const auto client = makeClient();
    QQmlEngine engine;
    QQmlEngine::setObjectOwnership(client.get(), QQmlEngine::CppOwnership);
    const QJSValue page = engine.evaluate(R"((function() { return {
        createTenant(client, name, state) {
            client.request("POST", "/admin/v1/tenants", {name: name}, function(reply) { state.reply = reply })
        },
        listTenants(client, state) {
            client.request("GET", "/admin/v1/tenants?limit=5", {}, reply => { state.reply = reply })
        }
    } })())");
    QVERIFY2(!page.isError(), qPrintable(page.toString()));
    const auto replyIn = [&](const char* function, QJSValueList arguments) {
        QJSValue state = engine.newObject();
        arguments.prepend(engine.newQObject(client.get())); // held by no JavaScript after the call
        arguments.append(state);
        const auto result = page.property(QLatin1String(function)).callWithInstance(page, arguments);
        if (result.isError())
            qWarning("%s: %s", function, qPrintable(result.toString()));
        return state;
    };

    auto state = replyIn("createTenant", {QJSValue("acme")});
    QVERIFY(state.property("reply").isUndefined()); // not inside request()
    engine.collectGarbage();
    QTRY_VERIFY_WITH_TIMEOUT(state.property("reply").isObject(), kReplyTimeoutMs);
    auto reply = state.property("reply");
    QCOMPARE(reply.property("status").toInt(), 201);
    QCOMPARE(reply.property("ok").toBool(), true);
    QCOMPARE(reply.property("body").property("name").toString(), "acme");
    QCOMPARE(reply.property("error").toString(), "");

    state = replyIn("createTenant", {QJSValue("team a")});
    QTRY_VERIFY_WITH_TIMEOUT(state.property("reply").isObject(), kReplyTimeoutMs);
    reply = state.property("reply");
    QCOMPARE(reply.property("status").toInt(), 400);
    QCOMPARE(reply.property("ok").toBool(), false);
    QVERIFY2(reply.property("error").toString().startsWith("name: "), qPrintable(reply.property("error").toString()));
    QCOMPARE(reply.property("body").property("error").property("param").toString(), "name");

    state = replyIn("listTenants", {});
    QTRY_VERIFY_WITH_TIMEOUT(state.property("reply").isObject(), kReplyTimeoutMs);
    reply = state.property("reply");
    QCOMPARE(reply.property("status").toInt(), 200);
    QVERIFY(reply.property("body").property("data").isArray());
    QVERIFY(reply.property("body").property("total").toInt() >= 1);
}

void AdminClientContractTest::remoteWithABadTokenGets401()
{
    const QString wrongToken = QStringLiteral("gat-") + QString(40, QLatin1Char('x'));
    RemoteAdminClient client(adminUrl(), wrongToken);
    QSignalSpy changed(&client, &AdminClient::changed);
    const auto reply = roundTrip(client, changed, "POST", "/admin/v1/tenants", {{"name", "acme"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 401);
    QCOMPARE(reply->body["error"]["code"].toString(), "invalid_admin_token");
    QVERIFY(!reply->errorMessage.isEmpty());
    QVERIFY(!reply->errorMessage.contains(wrongToken));
    QCOMPARE(changed.count(), 0);
}

void AdminClientContractTest::remoteToAClosedPortIsStatus0NamingIt()
{
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(test::closedLoopbackPort());
    RemoteAdminClient client(QUrl(url), QString::fromStdString(m_adminToken));
    QSignalSpy changed(&client, &AdminClient::changed);
    const auto reply = roundTrip(client, changed, "POST", "/admin/v1/tenants", {{"name", "acme"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 0);
    QVERIFY(!reply->ok());
    QCOMPARE(reply->errorMessage, QStringLiteral("cannot connect to %1: Connection refused").arg(url));
    QCOMPARE(changed.count(), 0);
}

void AdminClientContractTest::remoteThatNeverAnswersTimesOut()
{
    QTcpServer silent; // accepts the connection, never answers
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
    RemoteAdminClient client(QUrl(url), QString::fromStdString(m_adminToken));
    client.setTransferTimeout(300);
    QSignalSpy changed(&client, &AdminClient::changed);
    const auto reply = roundTrip(client, changed, "GET", "/admin/v1/tenants");
    QVERIFY(reply);
    QCOMPARE(reply->status, 0);
    QCOMPARE(reply->errorMessage, QStringLiteral("no answer from %1 within 300 ms").arg(url));
}

void AdminClientContractTest::inProcessWithTheGatewayStoppedIsStatus0()
{
    const auto client = makeClient(Implementation::InProcess);
    QSignalSpy changed(client.get(), &AdminClient::changed);
    m_gatewayStopped = true;
    const auto reply = roundTrip(*client, changed, "POST", "/admin/v1/tenants", {{"name", "acme"}});
    QVERIFY(reply);
    QCOMPARE(reply->status, 0);
    QCOMPARE(reply->errorMessage, "The embedded gateway is not running; start it on the Overview page.");
    QCOMPARE(changed.count(), 0);
}

QTEST_GUILESS_MAIN(AdminClientContractTest)
#include "AdminClientContractTest.moc"
