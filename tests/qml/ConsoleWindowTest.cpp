// The whole console: Main.qml loads without a single QML warning, drives a real in-process gateway,
// and a real chat completion shows up in the call log, the providers page tests a connection, an
// access request shows up in the approvals inbox and leaves it when approved, the audit log exports
// to a file, a call of the call log opens with its stored record and copies as curl, the Prices
// page lists the gateway's price table, and a failed start shows its reason.
#include "AdminConnection.h"
#include "GatewayController.h"
#include "MainWindowLoader.h"

#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

#include <memory>
#include <utility>

Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

namespace {

// Everything Qt warns about while the console runs; any entry fails the test.
QStringList& warnings()
{
    static QStringList list;
    return list;
}

QtMessageHandler previousHandler = nullptr;

void recordWarnings(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    // Platform noise of a headless test machine, not the console's doing.
    const bool environmentNoise = message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR"));
    if (type != QtDebugMsg && type != QtInfoMsg && !environmentNoise)
        warnings().append(QStringLiteral("[%1] %2").arg(QString::fromLatin1(context.category ? context.category : ""), message));
    previousHandler(type, context, message);
}

// Walks the visual tree: items a Loader creates are not QObject children of the window.
QQuickItem* findItem(QQuickItem* item, const QString& objectName)
{
    if (item->objectName() == objectName)
        return item;
    for (QQuickItem* child : item->childItems()) {
        if (QQuickItem* found = findItem(child, objectName))
            return found;
    }
    return nullptr;
}

QQuickItem* findItem(QQuickWindow* window, const char* objectName)
{
    return findItem(window->contentItem(), QString::fromLatin1(objectName));
}

// Every item named `objectName` under `item`.
void findItems(QQuickItem* item, const QString& objectName, QList<QQuickItem*>& found)
{
    if (item->objectName() == objectName)
        found.append(item);
    for (QQuickItem* child : item->childItems())
        findItems(child, objectName, found);
}

// The visible button under `item` that says `text` ("Approve…").
QQuickItem* findButton(QQuickItem* item, const QString& text)
{
    if (item->isVisible() && item->property("text").toString() == text && item->metaObject()->indexOfSignal("clicked()") >= 0)
        return item;
    for (QQuickItem* child : item->childItems()) {
        if (QQuickItem* found = findButton(child, text))
            return found;
    }
    return nullptr;
}

// Clicks `item` where it is now laid out, as a user would.
bool clickItem(QQuickWindow* window, QQuickItem* item)
{
    if (!QQuickTest::qWaitForPolish(window))
        return false;
    const QPointF center = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    if (!QRectF(QPointF(0, 0), window->size()).contains(center))
        return false;
    QTest::mouseClick(window, Qt::LeftButton, {}, center.toPoint());
    return true;
}

// Shows the page with this PageEntry key, as the sidebar would; false if there is none.
bool showPage(QQuickWindow* window, const QString& key)
{
    QVariant shown;
    return QMetaObject::invokeMethod(window, "showPage", Q_RETURN_ARG(QVariant, shown), Q_ARG(QVariant, key)) && shown.toBool();
}

// One admin request through the console's own client (the in-process AdminService), waited for.
AdminReply adminCall(AdminClient* client, const QString& method, const QString& target, const QJsonObject& body = {})
{
    AdminReply answer;
    bool done = false;
    client->send(method, target, body, [&](const AdminReply& reply) {
        answer = reply;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        answer.errorMessage = QStringLiteral("no answer to %1 %2 within 10 s").arg(method, target);
    return answer;
}

} // namespace

class ConsoleWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        previousHandler = qInstallMessageHandler(recordWarnings);
        QVERIFY(m_data.isValid());
        m_controller.setDataDirectory(m_data.path());
        m_controller.setListen(QStringLiteral("127.0.0.1:0"));
        m_window = MainWindowLoader::load(m_engine, m_controller);
        QVERIFY2(m_window, "Main.qml did not load");
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        QVERIFY2(warnings().isEmpty(), qPrintable(warnings().join('\n')));
    }

    void startsOnAFreePort()
    {
        QSignalSpy stateChanged(&m_controller, &GatewayController::stateChanged);
        m_controller.start();

        QVERIFY2(m_controller.state() == GatewayController::Running, qPrintable(m_controller.errorText()));
        QCOMPARE(stateChanged.count(), 2); // Starting, then Running
        QVERIFY(m_controller.errorText().isEmpty());
        QVERIFY(m_controller.address().startsWith(QStringLiteral("http://127.0.0.1:")));
        QVERIFY(!m_controller.address().endsWith(QStringLiteral(":0")));
        QVERIFY(m_controller.developerKey().startsWith(QStringLiteral("gk-")));
        QCOMPARE(m_controller.modelNames(), QStringList({QStringLiteral("mock-chat"), QStringLiteral("mock-chat-slow")}));
        QVERIFY(m_controller.databasePath().startsWith(m_data.path()));
        QQuickItem* banner = findItem(m_window, "errorBanner");
        QVERIFY(banner);
        QVERIFY(!banner->isVisible());
    }

    void theTestRequestButtonSendsACallThatShowsUpInTheCallLog()
    {
        QSignalSpy finished(&m_controller, &GatewayController::testRequestFinished);
        // Clicked like a user would: the button's wiring is part of what is tested.
        QQuickItem* button = findItem(m_window, "sendTestRequestButton");
        QVERIFY(button);
        QVERIFY(button->isEnabled());
        const QPointF center = button->mapToScene(QPointF(button->width() / 2, button->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, center.toPoint());
        QVERIFY(finished.wait(15000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(finished.at(0).at(1).toInt(), 200);

        CallLogModel* log = m_controller.callLog();
        QTRY_COMPARE_WITH_TIMEOUT(log->totalCalls(), qint64(1), 10000);
        const auto row = log->index(0);
        QCOMPARE(row.data(CallLogModel::ModelRole).toString(), QStringLiteral("mock-chat"));
        QCOMPARE(row.data(CallLogModel::ProviderRole).toString(), QStringLiteral("mock"));
        QCOMPARE(row.data(CallLogModel::StatusRole).toInt(), 200);
        QVERIFY(m_controller.developerKey().startsWith(row.data(CallLogModel::KeyPrefixRole).toString()));
        QVERIFY(row.data(CallLogModel::TokensOutRole).toLongLong() > 0);

        // And the window's table shows it.
        QQuickItem* table = findItem(m_window, "callList");
        QVERIFY(table);
        QTRY_COMPARE(table->property("count").toInt(), 1);
    }

    void aStreamedCallToAnUnknownModelIsLoggedAsAnError()
    {
        QSignalSpy finished(&m_controller, &GatewayController::testRequestFinished);
        m_controller.sendTestRequest(QStringLiteral("no-such-model"), true);
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(finished.at(0).at(1).toInt(), 404);
        QVERIFY(m_controller.lastTestResult().contains(QStringLiteral("404")));

        CallLogModel* log = m_controller.callLog();
        QTRY_COMPARE_WITH_TIMEOUT(log->totalCalls(), qint64(2), 10000);
        QCOMPARE(log->index(0).data(CallLogModel::StatusRole).toInt(), 404);
        QVERIFY(!log->index(0).data(CallLogModel::ErrorCodeRole).toString().isEmpty());
    }

    void aPortInUseFailsWithItsReasonOnScreen()
    {
        // A second console on the first one's port: what a user sees when 8088 is taken.
        QTemporaryDir otherData;
        GatewayController second;
        second.setDataDirectory(otherData.path());
        const QString busyAddress = m_controller.address().mid(QStringLiteral("http://").size());
        second.setListen(busyAddress);
        QQmlApplicationEngine engine;
        QQuickWindow* window = MainWindowLoader::load(engine, second);
        QVERIFY(window);

        second.start();

        QCOMPARE(second.state(), GatewayController::Failed);
        QVERIFY2(second.errorText().contains(busyAddress), qPrintable(second.errorText()));
        QVERIFY2(second.errorText().contains(QStringLiteral("in use")), qPrintable(second.errorText()));
        QVERIFY(second.address().isEmpty());
        QQuickItem* banner = findItem(window, "errorBanner");
        QVERIFY(banner);
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->property("message").toString(), second.errorText());
    }

    void theProvidersPageTestsAConnection()
    {
        QVERIFY(showPage(m_window, QStringLiteral("providers")));
        QQuickItem* row = nullptr;
        QTRY_VERIFY((row = findItem(m_window, "providerRow")) && row->isVisible());
        QCOMPARE(row->property("name").toString(), QStringLiteral("mock"));
        QQuickItem* button = findItem(row, QStringLiteral("testConnectionButton"));
        QVERIFY(button);
        QTRY_VERIFY(button->isEnabled());
        // The page was just built: click where the button is once laid out, not where it started.
        QVERIFY(QQuickTest::qWaitForPolish(m_window));

        QSignalSpy finished(m_controller.providers(), &ProvidersModel::testFinished);
        const QPointF center = button->mapToScene(QPointF(button->width() / 2, button->height() / 2));
        QVERIFY(QRectF(QPointF(0, 0), m_window->size()).contains(center));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, center.toPoint());
        // The mock answers at once: the result may arrive while the click is still being delivered.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("mock"));
        QVERIFY(finished.at(0).at(1).toBool());
        QCOMPARE(row->property("testState").toInt(), int(ProvidersModel::Succeeded));
        QQuickItem* result = findItem(row, QStringLiteral("testResult"));
        QVERIFY(result);
        QVERIFY(result->isVisible());

        // The test is a real call, recorded like any other.
        QTRY_COMPARE_WITH_TIMEOUT(m_controller.callLog()->totalCalls(), qint64(3), 10000);
        QVERIFY(showPage(m_window, QStringLiteral("overview")));
    }

    void anAccessRequestIsDecidedOnTheApprovalsPage()
    {
        AdminClient* client = m_controller.admin()->client();
        QVERIFY(client);
        QVERIFY(showPage(m_window, QStringLiteral("approvals")));
        QQuickItem* inbox = nullptr;
        QTRY_VERIFY((inbox = findItem(m_window, "inboxTable")) && inbox->isVisible());
        QQuickItem* badge = findItem(m_window, "navigation_approvals");
        QVERIFY(badge);
        QCOMPARE(badge->property("badgeCount").toInt(), 0);
        QTRY_COMPARE(inbox->property("count").toInt(), 0);

        // A consumer asks for a model, filed through the client as the CLI or another console would.
        const AdminReply tenant = adminCall(client, QStringLiteral("POST"), QStringLiteral("/admin/v1/tenants"), {{"name", "acme"}});
        QVERIFY2(tenant.ok(), qPrintable(tenant.errorMessage));
        const AdminReply consumer = adminCall(client, QStringLiteral("POST"), QStringLiteral("/admin/v1/consumers"),
            {{"tenant_id", tenant.body[QLatin1String("id")]}, {"name", "billing"}, {"description", "Monthly invoices"}});
        QVERIFY2(consumer.ok(), qPrintable(consumer.errorMessage));
        const AdminReply filed = adminCall(client, QStringLiteral("POST"), QStringLiteral("/admin/v1/access-requests"),
            {{"consumer_id", consumer.body[QLatin1String("id")]}, {"model", "mock-chat"}, {"reason", "monthly reports"}});
        QVERIFY2(filed.status == 201, qPrintable(filed.errorMessage));
        const int requestId = filed.body[QLatin1String("id")].toInt();

        // It waits in the inbox, and the sidebar counts it.
        QTRY_COMPARE_WITH_TIMEOUT(inbox->property("count").toInt(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_controller.admin()->pendingApprovals(), 1, 10000);
        QTRY_COMPARE(badge->property("badgeCount").toInt(), 1);
        QQuickItem* badgePill = findItem(badge, QStringLiteral("navigationBadge"));
        QVERIFY(badgePill);
        QVERIFY(badgePill->isVisible());
        QList<QQuickItem*> rows;
        findItems(inbox, QStringLiteral("adminTableRow"), rows);
        QCOMPARE(rows.size(), 1);

        // Approve… opens the decision; the note goes with the approval.
        QQuickItem* approve = findButton(rows.first(), QStringLiteral("Approve…"));
        QVERIFY(approve);
        QVERIFY(clickItem(m_window, approve));
        QQuickItem* note = nullptr;
        QTRY_VERIFY((note = findItem(m_window, "decideNote")) && note->isVisible());
        note->setProperty("text", QStringLiteral("for the reports job only"));
        QQuickItem* form = note;
        while (form && !findButton(form, QStringLiteral("Approve")))
            form = form->parentItem();
        QVERIFY(form);
        QVERIFY(clickItem(m_window, findButton(form, QStringLiteral("Approve"))));

        // It leaves the inbox and the count; the request is approved with the note.
        QTRY_COMPARE_WITH_TIMEOUT(inbox->property("count").toInt(), 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_controller.admin()->pendingApprovals(), 0, 10000);
        QTRY_COMPARE(badge->property("badgeCount").toInt(), 0);
        QTRY_VERIFY(!note->isVisible());
        const AdminReply decided = adminCall(client, QStringLiteral("GET"), QStringLiteral("/admin/v1/access-requests/%1").arg(requestId));
        QCOMPARE(decided.body[QLatin1String("state")].toString(), QStringLiteral("approved"));
        QCOMPARE(decided.body[QLatin1String("note")].toString(), QStringLiteral("for the reports job only"));
        // The history shows it.
        QQuickItem* history = findItem(m_window, "historyTable");
        QVERIFY(history);
        QTRY_COMPARE(history->property("count").toInt(), 1);
    }

    void theAuditLogExportsToAFile()
    {
        QVERIFY(showPage(m_window, QStringLiteral("audit")));
        QQuickItem* table = nullptr;
        QTRY_VERIFY((table = findItem(m_window, "auditTable")) && table->isVisible());
        // At least the tenant, the consumer, the filed request and its approval.
        QTRY_VERIFY_WITH_TIMEOUT(table->property("count").toInt() >= 4, 10000);
        QQuickItem* page = table;
        while (page && !page->property("exporting").isValid())
            page = page->parentItem();
        QVERIFY(page);
        auto* entryList = page->property("entries").value<QObject*>();
        QVERIFY(entryList);
        const int total = entryList->property("total").toInt();

        const QString path = m_data.filePath(QStringLiteral("audit-export.csv"));
        QVERIFY(QMetaObject::invokeMethod(page, "exportTo", Q_ARG(QVariant, QStringLiteral("csv")),
            Q_ARG(QVariant, QUrl::fromLocalFile(path).toString())));
        QTRY_VERIFY_WITH_TIMEOUT(!page->property("exporting").toBool(), 10000);
        QVERIFY2(!page->property("exportFailed").toBool(), qPrintable(page->property("exportText").toString()));
        QFile csv(path);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), total + 1);
        QVERIFY(lines.at(0).startsWith("id,at_ms,at,actor,action,entity_type,entity_id,before,after,reason"));
        QVERIFY(lines.at(1).contains("access_request.approve"));

        const QString jsonPath = m_data.filePath(QStringLiteral("audit-export.json"));
        QVERIFY(QMetaObject::invokeMethod(page, "exportTo", Q_ARG(QVariant, QStringLiteral("json")),
            Q_ARG(QVariant, QUrl::fromLocalFile(jsonPath).toString())));
        QTRY_VERIFY_WITH_TIMEOUT(!page->property("exporting").toBool(), 10000);
        QFile json(jsonPath);
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonArray entries = QJsonDocument::fromJson(json.readAll()).array();
        QCOMPARE(entries.size(), total);
        QCOMPARE(entries.at(0)[QLatin1String("action")].toString(), QStringLiteral("access_request.approve"));

        // A directory that does not exist: the page says so instead of claiming success.
        QVERIFY(QMetaObject::invokeMethod(page, "exportTo", Q_ARG(QVariant, QStringLiteral("csv")),
            Q_ARG(QVariant, QUrl::fromLocalFile(m_data.filePath(QStringLiteral("missing/audit.csv"))).toString())));
        QTRY_VERIFY_WITH_TIMEOUT(!page->property("exporting").toBool(), 10000);
        QVERIFY(page->property("exportFailed").toBool());
        // Qt's file backend warns about the failed write itself; that one is expected here.
        warnings().clear();
        QVERIFY(showPage(m_window, QStringLiteral("overview")));
    }

    void aCallOfTheCallLogOpensWithItsStoredRecord()
    {
        QString requestId;
        for (int row = 0; row < m_controller.callLog()->count() && requestId.isEmpty(); ++row) {
            const auto& record = m_controller.callLog()->record(row);
            if (record.status == 200 && record.model == "mock-chat")
                requestId = QString::fromStdString(record.requestId);
        }
        QVERIFY(!requestId.isEmpty());
        QVERIFY(showPage(m_window, QStringLiteral("calls")));
        QQuickItem* page = nullptr;
        QTRY_VERIFY((page = findItem(m_window, "callLogPage")) && page->isVisible());

        // Clicked like a user would, on the call's row.
        QQuickItem* row = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            QList<QQuickItem*> rows;
            findItems(page, QStringLiteral("callRow"), rows);
            row = nullptr;
            for (QQuickItem* candidate : rows) {
                if (candidate->isVisible() && candidate->property("requestId").toString() == requestId)
                    row = candidate;
            }
            return row != nullptr;
        }()), 10000);
        QVERIFY(clickItem(m_window, row));
        QTRY_COMPARE(page->property("selectedRequestId").toString(), requestId);

        // Read back through the console's in-process admin client from the gateway's database.
        QQuickItem* detail = findItem(page, QStringLiteral("callDetail"));
        QVERIFY(detail);
        QTRY_COMPARE_WITH_TIMEOUT(detail->property("loadState").toString(), QStringLiteral("loaded"), 10000);
        const QVariantMap stored = detail->property("stored").toMap();
        QCOMPARE(stored.value("request_id").toString(), requestId);
        QVERIFY(stored.value("id").toLongLong() > 0); // the row in the database
        QVERIFY(stored.contains("payload"));
        QVERIFY(stored.value("payload").isNull()); // the built-in configuration captures nothing
        QQuickItem* status = findItem(detail, QStringLiteral("payloadStatus"));
        QVERIFY(status);
        QVERIFY2(status->property("text").toString().contains(QStringLiteral("Payload capture is off for this model")),
            qPrintable(status->property("text").toString()));

        QQuickItem* copy = findItem(detail, QStringLiteral("copyCurlButton"));
        QVERIFY(copy);
        QVERIFY(clickItem(m_window, copy));
        const QString command = QGuiApplication::clipboard()->text();
        QVERIFY2(command.startsWith(QStringLiteral("curl ") + m_controller.address() + QStringLiteral("/v1/chat/completions")), qPrintable(command));
        QVERIFY(command.contains(QStringLiteral("\"Authorization: Bearer $GATEHOUSE_API_KEY\"")));
        QVERIFY(command.contains(QStringLiteral("\"model\":\"mock-chat\"")));
        QVERIFY(!command.contains(m_controller.developerKey()));
        QVERIFY(showPage(m_window, QStringLiteral("overview")));
    }

    void thePricesPageShowsTheGatewaysTable()
    {
        QVERIFY(showPage(m_window, QStringLiteral("prices")));
        QQuickItem* page = nullptr;
        QTRY_VERIFY((page = findItem(m_window, "pricesPage")) && page->isVisible());
        // The shipped list prices, through the console's own admin client.
        QTRY_VERIFY_WITH_TIMEOUT(page->property("entries").toList().size() > 0, 10000);
        QCOMPARE(page->property("loadError").toString(), QString());
        QVERIFY(showPage(m_window, QStringLiteral("overview")));
    }

    void stopDrainsAndSaysSo()
    {
        m_controller.stop();
        QCOMPARE(m_controller.state(), GatewayController::Stopped);
        QVERIFY(m_controller.address().isEmpty());
        QCOMPARE(m_controller.callLog()->totalCalls(), qint64(3)); // two requests and a connection test
        QCOMPARE(m_controller.providers()->count(), 0);
    }

    void cleanup()
    {
        const QStringList seen = std::exchange(warnings(), {});
        QVERIFY2(seen.isEmpty(), qPrintable(seen.join('\n')));
    }

private:
    QTemporaryDir m_data;
    GatewayController m_controller; // declared before the engine: QML refers to it until the engine is gone
    QQmlApplicationEngine m_engine;
    QQuickWindow* m_window = nullptr;
};

QTEST_MAIN(ConsoleWindowTest)
#include "ConsoleWindowTest.moc"
