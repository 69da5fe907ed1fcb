// Sends some demo traffic through the console's gateway, then saves a picture of the window (for docs).
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class GatewayController;
class QQuickWindow;

// Drives `gatehouse-console --screenshot FILE`: once the gateway runs, it sends `calls` requests in
// two waves (a mix of models, streamed and not; then, so they land on top of the table, a quick
// call and one to an unknown model, which shows how a failed call looks), waits until the call log
// holds them all, grabs the window and reports with `finished`.
class DemoScreenshot : public QObject {
    Q_OBJECT

public:
    static constexpr int kMinimumCalls = 3;

    DemoScreenshot(QQuickWindow* window, GatewayController* controller, QString path, int calls, QObject* parent = nullptr);

    void start();

signals:
    void finished(bool ok, const QString& message);

private:
    void sendFirstWave();
    void onCallsLogged();
    void grab();

    QPointer<QQuickWindow> m_window;
    QPointer<GatewayController> m_controller;
    QString m_path;
    int m_calls;
    int m_firstWave;
    bool m_firstWaveSent = false;
    bool m_lastWaveSent = false;
    bool m_done = false;
};
