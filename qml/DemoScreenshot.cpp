// Gives a console page something to show (demo calls, connection tests), then saves a picture of it (for docs).
#include "DemoScreenshot.h"

#include "GatewayController.h"

#include <QImage>
#include <QQuickWindow>
#include <QTimer>

#include <algorithm>

DemoScreenshot::DemoScreenshot(QQuickWindow* window, GatewayController* controller, QString path, int calls, QString page, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_controller(controller)
    , m_path(std::move(path))
    , m_page(std::move(page))
    , m_calls(std::max(calls, kMinimumCalls))
    , m_firstWave(m_calls - 2)
{
}

void DemoScreenshot::start()
{
    QVariant shown;
    QMetaObject::invokeMethod(m_window, "showPage", Q_RETURN_ARG(QVariant, shown), Q_ARG(QVariant, m_page));
    if (!shown.toBool()) {
        m_done = true;
        QTimer::singleShot(0, this, [this] { emit finished(false, tr("there is no page named \"%1\" (overview, providers, calls)").arg(m_page)); });
        return;
    }
    connect(m_controller, &GatewayController::stateChanged, this, &DemoScreenshot::onStateChanged);
    connect(m_controller->callLog(), &CallLogModel::totalCallsChanged, this, &DemoScreenshot::onCallsLogged);
    connect(m_controller->providers(), &ProvidersModel::testFinished, this, &DemoScreenshot::onProviderTested);
    onStateChanged();
}

void DemoScreenshot::onStateChanged()
{
    if (m_started || m_done)
        return;
    if (m_controller->state() == GatewayController::Failed) {
        // Still worth a picture: it shows how the console reports the problem.
        m_done = true;
        QTimer::singleShot(0, this, &DemoScreenshot::grab);
        return;
    }
    if (m_controller->state() != GatewayController::Running)
        return;
    m_started = true;
    if (m_page == QLatin1String("providers"))
        testProviders();
    else
        sendFirstWave();
}

void DemoScreenshot::testProviders()
{
    ProvidersModel* providers = m_controller->providers();
    m_providersTesting = providers->count();
    if (m_providersTesting == 0) {
        m_done = true;
        QTimer::singleShot(0, this, &DemoScreenshot::grab);
        return;
    }
    // Each result arrives through onProviderTested, some at once (a provider no model uses).
    for (int row = 0; row < providers->count(); ++row)
        providers->testConnection(providers->index(row).data(ProvidersModel::NameRole).toString());
}

void DemoScreenshot::onProviderTested()
{
    if (m_done || --m_providersTesting > 0)
        return;
    m_done = true;
    QTimer::singleShot(0, this, &DemoScreenshot::grab);
}

void DemoScreenshot::sendFirstWave()
{
    m_firstWaveSent = true;
    const QStringList models = m_controller->modelNames();
    for (int i = 0; i < m_firstWave; ++i)
        m_controller->sendTestRequest(models.value(i % 4 == 3 ? 1 : 0), i % 3 == 1);
}

void DemoScreenshot::onCallsLogged()
{
    if (!m_firstWaveSent)
        return; // calls of a connection test, not demo calls
    const qint64 logged = m_controller->callLog()->totalCalls();
    if (!m_lastWaveSent && logged >= m_firstWave) {
        m_lastWaveSent = true;
        m_controller->sendTestRequest(QStringLiteral("gpt-4o"), false); // not configured: a 404
        m_controller->sendTestRequest(m_controller->modelNames().value(0), false);
        return;
    }
    if (m_done || !m_lastWaveSent || logged < m_calls)
        return;
    m_done = true;
    // Queued, so the flush that logged the last call (rate included) completes first.
    QTimer::singleShot(0, this, &DemoScreenshot::grab);
}

void DemoScreenshot::grab()
{
    // grabWindow() polishes and renders the scene itself, so the rows just inserted are in the picture.
    const QImage image = m_window->grabWindow();
    if (image.isNull() || !image.save(m_path)) {
        emit finished(false, tr("cannot save the screenshot to %1").arg(m_path));
        return;
    }
    const QString saved = tr("saved %1 (%2×%3)").arg(m_path).arg(image.width()).arg(image.height());
    if (m_controller->state() == GatewayController::Failed) {
        emit finished(false, tr("the gateway could not start (%1); %2").arg(m_controller->errorText(), saved));
        return;
    }
    emit finished(true, saved);
}
