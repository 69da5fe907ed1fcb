// Gives a console page something to show (demo calls, connection tests, governance data), then saves a picture of it (for docs).
#pragma once

#include "TestRequestClient.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <functional>
#include <vector>

class GatewayController;
class QQuickWindow;

// Drives `gatehouse-console --screenshot FILE [--screenshot-page PAGE]`: once the gateway runs, it
// shows the page and gives it something to show, grabs the window and reports with `finished`.
// For "providers" it tests every provider's connection and waits for all results. For the other
// pages it sends `calls` requests in two waves (a mix of models, streamed and not; then, so they
// land on top of the table, a quick call and one to an unknown model, which shows how a failed call
// looks) and waits until the call log holds them all. For the governance pages ("tenants", "keys",
// "approvals", "audit") it files demo tenants, consumers, keys and access requests through the
// console's in-process admin client (the gateway's AdminService), waits until every list on the
// page has loaded them, and takes the picture. On "keys" and "tenants" it also sets rate limits and
// budgets on the key invoices-prod, its consumer and its tenant, and sends `calls` calls with that
// key one after the other, so their "Limits & budget" sections show something used; "keys" shows
// that key chosen. For "traffic" it sends `calls` requests spread over every model, then a few
// streamed ones that are still running when the page, refreshed once more, shows its circuits,
// rate limits and budgets (docs/images/console-traffic.yaml makes that telling).
class DemoScreenshot : public QObject {
    Q_OBJECT

public:
    static constexpr int kMinimumCalls = 3;

    // `page` is a PageEntry key of Main.qml: "overview", "providers", "traffic", "calls", "tenants",
    // "keys", "approvals", "audit".
    DemoScreenshot(QQuickWindow* window, GatewayController* controller, QString path, int calls,
        QString page = QStringLiteral("overview"), QObject* parent = nullptr);

    void start();

signals:
    void finished(bool ok, const QString& message);

private:
    void onStateChanged();
    void sendFirstWave();
    void testProviders();
    void onProviderTested();
    void onCallsLogged();
    void grab();
    // Governance pages.
    static bool isGovernancePage(const QString& page);
    bool showsPolicy() const;
    void fileGovernanceDemo();
    void sendDemoCall(std::size_t index);
    void addPolicyDemo();
    void sendKeyCall();
    void onKeyCallFinished(bool ok, int httpStatus, const QString& summary);
    void waitForLists();
    void decorateGovernancePage();
    void waitForPolicyPanels();
    // The traffic page.
    void sendTrafficDemo();
    void waitForTraffic();

    // One admin request of the demo; `target` and `body` may use the ids saved by earlier ones.
    struct DemoCall {
        QString method;
        std::function<QString()> target;
        std::function<QJsonObject()> body;
        QString saveIdAs;
    };

    QPointer<QQuickWindow> m_window;
    QPointer<GatewayController> m_controller;
    QString m_path;
    QString m_page;
    int m_calls;
    int m_providersTesting = 0;
    int m_firstWave;
    bool m_started = false;
    bool m_firstWaveSent = false;
    bool m_lastWaveSent = false;
    bool m_trafficDemo = false;
    bool m_done = false;
    std::vector<DemoCall> m_demoCalls;
    QHash<QString, int> m_ids;
    QHash<QString, QJsonObject> m_answers; // the answers saved by name, whole (a key's prefix and secret)
    TestRequestClient m_keyCalls;
    int m_keyCallsSent = 0;
    QJsonObject m_rotation; // the answer to the demo's key rotation: the Keys page shows its key once
    QTimer m_settle;
    int m_settledPolls = 0;
};
