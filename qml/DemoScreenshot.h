// Gives a console page something to show (demo calls, connection tests, governance data), then saves a picture of it (for docs).
#pragma once

#include "TestRequestClient.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTemporaryDir>
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
// rate limits and budgets (docs/images/console-traffic.yaml makes that telling). For "analytics" it
// writes 30 days of generated calls straight into the call log (the writer keeps their rollups) and
// shows the last 7 days; for "overview" the last 24 hours, busier in the last 15 minutes, plus
// budgets of the generated tenants and the demo calls, and waits until the dashboard has read them.
// For "calls" the last 6 busy minutes and the demo calls, with the newest answered demo call
// chosen, once its detail (payload included) has been read. For "prices" it sets prices through the
// admin API and imports a small LiteLLM file through the page, then shows the gpt-4o entries. For
// "prompts" and "prompts-diff" it files prompts with versions and labels through the admin API and
// shows one in the editor with a draft, or two of its versions side by side.
class DemoScreenshot : public QObject {
    Q_OBJECT

public:
    static constexpr int kMinimumCalls = 3;

    // `page` is a PageEntry key of Main.qml: "overview", "providers", "traffic", "analytics", "calls", "prices",
    // "prompts" (or "prompts-diff"), "tenants", "keys", "approvals", "audit".
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
    // The prices page.
    void filePriceDemo();
    void importDemoPrices();
    // The prompts page ("prompts": the editor; "prompts-diff": two versions side by side).
    bool isPromptsPage() const;
    void filePromptDemo();
    void showPromptDemo();
    // The traffic page.
    void sendTrafficDemo();
    void waitForTraffic();
    // Analytics (the page, the Overview's dashboard): calls of the past between `sinceMs` and
    // `untilMs`, generated (a fixed seed: the same every time) and written straight to the call
    // log, waited for. `liveMinutes`: that many last minutes are busier, for the dashboard. Returns
    // how many; -1 (and `finished` reported) when the gateway cannot take them.
    qint64 writeGeneratedHistory(qint64 sinceMs, qint64 untilMs, int liveMinutes);
    void showGeneratedAnalytics();
    void showGeneratedDashboard();
    void showGeneratedCallLog();
    void showCallDetail();
    void fileDemoBudgets(std::size_t index);
    // Refreshes the item named `objectName` (its refresh(), `busy`, `updatedAt`) once more and takes
    // the picture when that refresh is answered.
    void waitForRefresh(const QString& objectName, const QVariant& refreshArgument = {});

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
    qint64 m_callBaseline = 0; // calls in the log before the demo calls (the generated history)
    qint64 m_generatedCalls = 0; // generated so far, for their request ids
    QTemporaryDir m_scratch; // the demo's LiteLLM file
};
