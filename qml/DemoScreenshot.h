// Gives a console page something to show (demo calls, connection tests), then saves a picture of it (for docs).
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class GatewayController;
class QQuickWindow;

// Drives `gatehouse-console --screenshot FILE [--screenshot-page PAGE]`: once the gateway runs, it
// shows the page and gives it something to show, grabs the window and reports with `finished`.
// For "providers" it tests every provider's connection and waits for all results. For the other
// pages it sends `calls` requests in two waves (a mix of models, streamed and not; then, so they
// land on top of the table, a quick call and one to an unknown model, which shows how a failed call
// looks) and waits until the call log holds them all.
class DemoScreenshot : public QObject {
    Q_OBJECT

public:
    static constexpr int kMinimumCalls = 3;

    // `page` is a PageEntry key of Main.qml: "overview", "providers", "calls".
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
    bool m_done = false;
};
