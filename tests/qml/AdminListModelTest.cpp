// AdminListModel under QAbstractItemModelTester: filters become the query, property changes ask once
// per event-loop turn, paging, a reload after the client's changed(), a stale answer ignored, errors
// shown, the same entities updated in place; and one run against the embedded gateway's client.
#include "AdminListModel.h"
#include "InProcessAdminClient.h"

#include "GatewayTestSupport.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace gatehouse;

namespace {

constexpr int kTimeoutMs = 15000; // a bound, not a wait

// Keeps every request and answers only when the test says, in any order the test likes.
class ScriptedAdminClient : public AdminClient {
public:
    struct Request {
        QString method;
        QString target;
        Callback done;
    };

    void send(const QString& method, const QString& target, const QJsonObject&, Callback done) override
    {
        requests.append({method, target, std::move(done)});
    }
    QString location() const override { return QStringLiteral("scripted"); }

    void answer(qsizetype request, const AdminReply& reply) { deliver(requests.at(request).done, reply, false); }
    QString lastTarget() const { return requests.isEmpty() ? QString() : requests.back().target; }

    QList<Request> requests;
};

QJsonObject entity(int id, const QString& name)
{
    return {{"id", id}, {"name", name}};
}

AdminReply page(const QJsonArray& items, int total)
{
    const QJsonObject body{{"data", items}, {"total", total}, {"limit", 50}, {"offset", 0}};
    return AdminReply::fromAnswer(200, QJsonDocument(body).toJson());
}

QString nameAt(const AdminListModel& model, int row)
{
    return model.data(model.index(row), AdminListModel::ItemRole).toMap().value("name").toString();
}

} // namespace

class AdminListModelTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void filtersBecomeTheQuery_data();
    void filtersBecomeTheQuery();
    void settingSeveralPropertiesAsksOnce();
    void answerFillsRowsAndTotal();
    void pagingAsksForTheOffset();
    void clientsChangeReloads();
    void staleAnswerIsIgnored();
    void errorSetsErrorTextAndEmptiesTheList();
    void sameEntitiesAreUpdatedInPlace();
    void withoutAClientTheListIsEmpty();
    void followsTheEmbeddedGateway();

private:
    // Sets client and path and answers the first request with `items`.
    void loadWith(const QJsonArray& items, int total);

    std::unique_ptr<ScriptedAdminClient> m_client;
    std::unique_ptr<AdminListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void AdminListModelTest::init()
{
    m_client = std::make_unique<ScriptedAdminClient>();
    m_model = std::make_unique<AdminListModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void AdminListModelTest::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
}

void AdminListModelTest::loadWith(const QJsonArray& items, int total)
{
    m_model->setClient(m_client.get());
    m_model->setPath("/admin/v1/tenants");
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 1, kTimeoutMs);
    m_client->answer(0, page(items, total));
}

void AdminListModelTest::filtersBecomeTheQuery_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QVariantMap>("filters");
    QTest::addColumn<QString>("target");

    QTest::newRow("no filters") << "/admin/v1/keys" << QVariantMap() << "/admin/v1/keys?limit=50&offset=0";
    QTest::newRow("a number") << "/admin/v1/keys" << QVariantMap{{"consumer_id", 3}}
                              << "/admin/v1/keys?consumer_id=3&limit=50&offset=0";
    QTest::newRow("a number from JSON") << "/admin/v1/keys" << QVariantMap{{"consumer_id", 3.0}}
                                        << "/admin/v1/keys?consumer_id=3&limit=50&offset=0";
    QTest::newRow("empty values are left out")
        << "/admin/v1/access-requests" << QVariantMap{{"state", ""}, {"model", QVariant()}, {"consumer_id", 7}}
        << "/admin/v1/access-requests?consumer_id=7&limit=50&offset=0";
    QTest::newRow("sorted by name") << "/admin/v1/access-requests" << QVariantMap{{"state", "pending"}, {"model", "gpt-4o"}}
                                    << "/admin/v1/access-requests?model=gpt-4o&state=pending&limit=50&offset=0";
    QTest::newRow("percent-encoded") << "/admin/v1/consumers" << QVariantMap{{"name", "a b&c=d/é+"}}
                                     << "/admin/v1/consumers?name=a%20b%26c%3Dd%2F%C3%A9%2B&limit=50&offset=0";
    QTest::newRow("after a fixed query") << "/admin/v1/access-requests?state=pending" << QVariantMap{{"consumer_id", 2}}
                                         << "/admin/v1/access-requests?state=pending&consumer_id=2&limit=50&offset=0";
}

void AdminListModelTest::filtersBecomeTheQuery()
{
    QFETCH(QString, path);
    QFETCH(QVariantMap, filters);
    QFETCH(QString, target);
    m_model->setClient(m_client.get());
    m_model->setPath(path);
    m_model->setFilters(filters);
    QCOMPARE(m_model->target(), target);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 1, kTimeoutMs);
    QCOMPARE(m_client->requests[0].method, "GET");
    QCOMPARE(m_client->requests[0].target, target);
}

void AdminListModelTest::settingSeveralPropertiesAsksOnce()
{
    QSignalSpy loading(m_model.get(), &AdminListModel::loadingChanged);
    m_model->setClient(m_client.get());
    m_model->setPath("/admin/v1/keys");
    m_model->setFilters({{"consumer_id", 3}});
    m_model->setLimit(10);
    m_model->setOffset(20);
    QVERIFY(m_client->requests.isEmpty()); // asked from the event loop, not inside a setter
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 1, kTimeoutMs);
    QCOMPARE(m_client->lastTarget(), "/admin/v1/keys?consumer_id=3&limit=10&offset=20");
    QVERIFY(m_model->loading());
    QCOMPARE(loading.count(), 1);

    // An explicit reload() asks at once and takes the place of a reload still scheduled.
    m_model->setOffset(30);
    m_model->reload();
    QCOMPARE(m_client->requests.size(), 2);
    QCoreApplication::processEvents(); // the scheduled reload finds nothing left to do
    QCOMPARE(m_client->requests.size(), 2);
}

void AdminListModelTest::answerFillsRowsAndTotal()
{
    QSignalSpy total(m_model.get(), &AdminListModel::totalChanged);
    QSignalSpy loaded(m_model.get(), &AdminListModel::loaded);
    loadWith({entity(1, "acme"), entity(2, "globex")}, 7);
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->count(), 2);
    QCOMPARE(m_model->total(), 7);
    QCOMPARE(total.count(), 1);
    QVERIFY(!m_model->loading());
    QVERIFY(m_model->errorText().isEmpty());
    QCOMPARE(nameAt(*m_model, 0), "acme");
    QCOMPARE(nameAt(*m_model, 1), "globex");
    QCOMPARE(m_model->get(1).value("id").toInt(), 2);
    QVERIFY(m_model->get(2).isEmpty());
    QCOMPARE(m_model->roleNames().value(AdminListModel::ItemRole), "item");
}

void AdminListModelTest::pagingAsksForTheOffset()
{
    loadWith({entity(1, "a")}, 3);
    m_model->setLimit(1);
    m_model->setOffset(2);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 2, kTimeoutMs);
    QCOMPARE(m_client->lastTarget(), "/admin/v1/tenants?limit=1&offset=2");
    m_client->answer(1, page({entity(3, "c")}, 3));
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(nameAt(*m_model, 0), "c");
    QCOMPARE(m_model->total(), 3);
}

void AdminListModelTest::clientsChangeReloads()
{
    loadWith({entity(1, "acme")}, 1);
    emit m_client->changed();
    emit m_client->changed(); // two changes in one turn: one reload
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 2, kTimeoutMs);
    QCoreApplication::processEvents();
    QCOMPARE(m_client->requests.size(), 2);
    m_client->answer(1, page({entity(1, "acme"), entity(2, "globex")}, 2));
    QCOMPARE(m_model->rowCount(), 2);
}

void AdminListModelTest::staleAnswerIsIgnored()
{
    m_model->setClient(m_client.get());
    m_model->setPath("/admin/v1/access-requests");
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 1, kTimeoutMs);
    m_model->setFilters({{"state", "pending"}});
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 2, kTimeoutMs);

    m_client->answer(1, page({entity(5, "pending one")}, 1));
    QCOMPARE(m_model->rowCount(), 1);
    QVERIFY(!m_model->loading());
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy loaded(m_model.get(), &AdminListModel::loaded);
    m_client->answer(0, page({entity(4, "any"), entity(5, "pending one")}, 2)); // the unfiltered list, late
    QCOMPARE(loaded.count(), 0);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(nameAt(*m_model, 0), "pending one");
    QCOMPARE(m_model->total(), 1);
}

void AdminListModelTest::errorSetsErrorTextAndEmptiesTheList()
{
    loadWith({entity(1, "acme")}, 1);
    m_model->setFilters({{"bogus", "1"}});
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 2, kTimeoutMs);
    const QByteArray error = R"({"error":{"message":"bogus: unknown query parameter","type":"invalid_request_error","param":"bogus","code":"unknown_parameter"}})";
    m_client->answer(1, AdminReply::fromAnswer(400, error));
    QCOMPARE(m_model->errorText(), "bogus: unknown query parameter");
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->total(), 0);
    QVERIFY(!m_model->loading());

    m_model->setFilters({});
    QTRY_COMPARE_WITH_TIMEOUT(m_client->requests.size(), 3, kTimeoutMs);
    m_client->answer(2, AdminReply::unreachable("cannot connect to http://127.0.0.1:1: Connection refused"));
    QCOMPARE(m_model->errorText(), "cannot connect to http://127.0.0.1:1: Connection refused");

    m_model->reload();
    m_client->answer(3, page({entity(1, "acme")}, 1));
    QVERIFY(m_model->errorText().isEmpty());
    QCOMPARE(m_model->rowCount(), 1);
}

void AdminListModelTest::sameEntitiesAreUpdatedInPlace()
{
    loadWith({entity(1, "acme"), entity(2, "globex")}, 2);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy dataChanged(m_model.get(), &QAbstractItemModel::dataChanged);

    m_model->reload();
    m_client->answer(1, page({entity(1, "acme"), entity(2, "globex-renamed")}, 2));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(dataChanged.count(), 1);
    QCOMPARE(dataChanged[0][0].toModelIndex().row(), 1);
    QCOMPARE(nameAt(*m_model, 1), "globex-renamed");

    m_model->reload(); // one more entity: the rows are replaced
    m_client->answer(2, page({entity(1, "acme"), entity(2, "globex-renamed"), entity(3, "initech")}, 3));
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m_model->rowCount(), 3);
}

void AdminListModelTest::withoutAClientTheListIsEmpty()
{
    loadWith({entity(1, "acme")}, 1);
    m_client.reset(); // the connection dropped a remote client
    QCOMPARE(m_model->client(), nullptr);
    m_model->reload();
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->total(), 0);
    QVERIFY(!m_model->loading());
}

void AdminListModelTest::followsTheEmbeddedGateway()
{
    GatewayConfig config;
    ProviderConfig mock;
    mock.name = "mock";
    mock.kind = ProviderKind::Mock;
    config.providers.push_back(mock);
    config.models.push_back({"mock-chat", {{"mock", "mock-1", 1}}});
    test::RunningGateway gateway(std::move(config));
    InProcessAdminClient client([&gateway] { return &gateway.server(); });

    m_model->setClient(&client);
    m_model->setPath("/admin/v1/tenants");
    m_model->setFilters({{"ignored", ""}});
    QSignalSpy loaded(m_model.get(), &AdminListModel::loaded);
    QVERIFY(loaded.wait(kTimeoutMs));
    const int before = m_model->total();

    client.send("POST", "/admin/v1/tenants", {{"name", "acme"}}, {});
    QVERIFY(loaded.wait(kTimeoutMs)); // changed() made it ask again
    QCOMPARE(m_model->total(), before + 1);
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row)
        names << nameAt(*m_model, row);
    QVERIFY2(names.contains("acme"), qPrintable(names.join(", ")));
    m_model->setClient(nullptr); // before the client goes
}

QTEST_GUILESS_MAIN(AdminListModelTest)
#include "AdminListModelTest.moc"
