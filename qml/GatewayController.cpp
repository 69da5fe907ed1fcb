// The console's handle on the gateway it embeds: starts and stops it, and exposes its state to QML.
#include "GatewayController.h"

#include "ConsoleDeveloperKey.h"
#include "TestRequestClient.h"

#include "GatewayServer.h"
#include "config/AddressParsing.h"
#include "config/ConfigLoader.h"
#include "gatehouse/DefaultConfig.h"
#include "logging/Logging.h"
#include "store/DataDirectory.h"

#include <QFileInfo>
#include <QUrl>

GatewayController::GatewayController(QObject* parent)
    : QObject(parent)
    , m_callLog(new CallLogModel(this))
    , m_providers(new ProvidersModel(this))
    , m_modelDeployments(new ModelDeploymentsModel(this))
    , m_testRequests(new TestRequestClient(this))
    , m_admin(new AdminConnection([this] { return m_server.get(); }, this))
{
    connect(m_testRequests, &TestRequestClient::inFlightChanged, this, &GatewayController::testRequestsInFlightChanged);
    connect(m_testRequests, &TestRequestClient::finished, this, [this](bool ok, int status, const QString& summary) {
        m_lastTestOk = ok;
        m_lastTestResult = summary;
        emit lastTestResultChanged();
        emit testRequestFinished(ok, status, summary);
    });
    // A provider or model added or changed through the console shows on its page at once.
    connect(m_admin->embeddedClient(), &AdminClient::changed, this, &GatewayController::showServedConfiguration);
}

void GatewayController::showServedConfiguration()
{
    if (!m_server)
        return;
    const auto serving = m_server->servingConfig();
    QStringList models;
    for (const auto& model : serving->models)
        models.append(QString::fromStdString(model.name));
    if (models != m_modelNames) {
        m_modelNames = models;
        emit modelNamesChanged();
    }
    m_providers->setServer(m_server.get());
    m_modelDeployments->setConfig(*serving);
}

GatewayController::~GatewayController()
{
    stop();
}

void GatewayController::start()
{
    if (m_state == Running || m_state == Starting)
        return;
    if (!m_errorText.isEmpty()) {
        m_errorText.clear();
        emit errorTextChanged();
    }
    setState(Starting);

    try {
        const gatehouse::ConfigLoader loader;
        auto config = m_configPath.isEmpty() ? loader.loadText(gatehouse::kDefaultConfigYaml, "built-in default config")
                                             : loader.loadFile(m_configPath.toStdString());
        if (!m_listen.isEmpty())
            config.server.listen = gatehouse::parseHostPort(m_listen.toStdString());
        gatehouse::configureLogging(config.log);

        const QString dataDirectory = m_dataDirectory.isEmpty() ? QString::fromStdString(gatehouse::defaultDataDirectory()) : m_dataDirectory;
        auto server = std::make_unique<gatehouse::GatewayServer>(config, dataDirectory.toStdString());
        // Runs on the writer thread; the call log only queues. Subscribed before start() as the writer requires.
        server->callRecords().subscribe([log = m_callLog](const std::vector<gatehouse::CallRecord>& batch) { log->enqueue(batch); });
        const QString key = ConsoleDeveloperKey::loadOrCreate(*server, dataDirectory);
        server->start();

        QStringList models;
        for (const auto& model : server->servingConfig()->models)
            models.append(QString::fromStdString(model.name));
        const QString address = QStringLiteral("http://") + QString::fromStdString(server->dataPlaneAddress().toString());
        const QString databasePath = QString::fromStdString(server->databasePath());
        m_server = std::move(server);
        // Read on the GUI thread at each flush of the call log (the counters are thread-safe); stop()
        // replaces it before the server goes.
        m_callLog->setDroppedRecordsSource(
            [records = &m_server->callRecords()] { return static_cast<qint64>(records->counters().dropped); });
        m_providers->setServer(m_server.get());
        m_modelDeployments->setConfig(*m_server->servingConfig());
        gatehouse::componentLogger("console")->info("console gateway listening on {}", address.toStdString());
        setRunningDetails(address, key, models, databasePath);
        setState(Running);
        m_admin->embeddedGatewayReplaced();
    } catch (const std::exception& error) {
        fail(QString::fromStdString(error.what()));
    }
}

void GatewayController::stop()
{
    if (!m_server)
        return;
    m_providers->setServer(nullptr); // before the server goes; a test still running reports to no row
    m_modelDeployments->clear();
    // Drains in-flight calls and writes every record; the last batches still reach the call log.
    m_server->stop();
    const auto dropped = static_cast<qint64>(m_server->callRecords().counters().dropped);
    m_callLog->setDroppedRecordsSource([dropped] { return dropped; });
    m_server.reset();
    m_callLog->flushPending();
    clearAddress();
    setState(Stopped);
    m_admin->embeddedGatewayReplaced();
}

void GatewayController::sendTestRequest(const QString& model, bool stream)
{
    if (m_state != Running) {
        m_lastTestOk = false;
        m_lastTestResult = tr("The gateway is not running.");
        emit lastTestResultChanged();
        return;
    }
    const QString chosen = model.isEmpty() && !m_modelNames.isEmpty() ? m_modelNames.front() : model;
    m_testRequests->send(QUrl(dataPlaneUrl()), m_developerKey, chosen, stream);
}

QString GatewayController::dataPlaneUrl() const
{
    if (m_address.isEmpty())
        return {};
    // A gateway listening on every interface is reached, like any local client would, on loopback.
    QUrl url(m_address);
    if (url.host() == QLatin1String("0.0.0.0"))
        url.setHost(QStringLiteral("127.0.0.1"));
    else if (url.host() == QLatin1String("::"))
        url.setHost(QStringLiteral("::1"));
    return url.toString();
}

int GatewayController::testRequestsInFlight() const
{
    return m_testRequests->inFlight();
}

void GatewayController::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged();
}

void GatewayController::setRunningDetails(const QString& address, const QString& key, const QStringList& models, const QString& databasePath)
{
    if (address != m_address) {
        m_address = address;
        emit addressChanged();
    }
    if (key != m_developerKey) {
        m_developerKey = key;
        emit developerKeyChanged();
    }
    if (models != m_modelNames) {
        m_modelNames = models;
        emit modelNamesChanged();
    }
    if (databasePath != m_databasePath) {
        m_databasePath = databasePath;
        emit databasePathChanged();
    }
}

void GatewayController::fail(const QString& message)
{
    gatehouse::componentLogger("console")->error("the gateway could not start: {}", message.toStdString());
    m_errorText = message;
    emit errorTextChanged();
    clearAddress();
    setState(Failed);
}

void GatewayController::clearAddress()
{
    if (m_address.isEmpty())
        return;
    m_address.clear(); // nothing listens there any more
    emit addressChanged();
}

void GatewayController::setConfigPath(const QString& path)
{
    if (path == m_configPath)
        return;
    m_configPath = path;
    emit configPathChanged();
}

QString GatewayController::configFile() const
{
    return m_configPath.isEmpty() ? QString() : QFileInfo(m_configPath).absoluteFilePath();
}

void GatewayController::setDataDirectory(const QString& path)
{
    if (path == m_dataDirectory)
        return;
    m_dataDirectory = path;
    emit dataDirectoryChanged();
}

void GatewayController::setListen(const QString& hostPort)
{
    if (hostPort == m_listen)
        return;
    m_listen = hostPort;
    emit listenChanged();
}
