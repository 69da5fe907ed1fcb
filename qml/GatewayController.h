// The console's handle on the gateway it embeds: starts and stops it, and exposes its state to QML.
#pragma once

#include "AdminConnection.h"
#include "CallLogModel.h"
#include "ModelDeploymentsModel.h"
#include "ProvidersModel.h"

#include <QObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace gatehouse {
class GatewayServer;
}
class TestRequestClient;

// The application creates one controller, sets where the gateway's configuration and data live
// (the --config/--data/--listen options), hands it to Main.qml and calls start(). Tests do the same
// with port 0 and a temporary data directory.
class GatewayController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The application creates the GatewayController and passes it to Main.qml.")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString address READ address NOTIFY addressChanged)
    // The address a local client reaches the data plane at; empty unless running.
    Q_PROPERTY(QString dataPlaneUrl READ dataPlaneUrl NOTIFY addressChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(QString developerKey READ developerKey NOTIFY developerKeyChanged)
    Q_PROPERTY(QStringList modelNames READ modelNames NOTIFY modelNamesChanged)
    Q_PROPERTY(QString databasePath READ databasePath NOTIFY databasePathChanged)
    Q_PROPERTY(QString configPath READ configPath WRITE setConfigPath NOTIFY configPathChanged)
    Q_PROPERTY(QString configFile READ configFile NOTIFY configPathChanged)
    Q_PROPERTY(QString dataDirectory READ dataDirectory WRITE setDataDirectory NOTIFY dataDirectoryChanged)
    Q_PROPERTY(QString listen READ listen WRITE setListen NOTIFY listenChanged)
    Q_PROPERTY(CallLogModel* callLog READ callLog CONSTANT)
    Q_PROPERTY(ProvidersModel* providers READ providers CONSTANT)
    Q_PROPERTY(ModelDeploymentsModel* modelDeployments READ modelDeployments CONSTANT)
    Q_PROPERTY(int testRequestsInFlight READ testRequestsInFlight NOTIFY testRequestsInFlightChanged)
    Q_PROPERTY(QString lastTestResult READ lastTestResult NOTIFY lastTestResultChanged)
    Q_PROPERTY(bool lastTestOk READ lastTestOk NOTIFY lastTestResultChanged)
    Q_PROPERTY(AdminConnection* admin READ admin CONSTANT)

public:
    enum State { Stopped, Starting, Running, Failed };
    Q_ENUM(State)

    explicit GatewayController(QObject* parent = nullptr);
    ~GatewayController() override; // stops the gateway: in-flight calls finish, every record is written

    // Loads the configuration, opens the store, makes sure the console has its developer key, binds
    // the listeners. Synchronous: all of it takes milliseconds. Any failure ends in state Failed with
    // errorText naming the problem (port in use, bad config line, unwritable data directory).
    // Starting again after Failed or Stopped builds a fresh gateway.
    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();

    // POSTs one chat completion with the developer key to the running gateway, as a client would.
    // `model` defaults to the first configured model.
    Q_INVOKABLE void sendTestRequest(const QString& model = {}, bool stream = false);

    State state() const { return m_state; }
    QString address() const { return m_address; }
    QString dataPlaneUrl() const;
    QString errorText() const { return m_errorText; }
    QString developerKey() const { return m_developerKey; }
    QStringList modelNames() const { return m_modelNames; }
    QString databasePath() const { return m_databasePath; }
    CallLogModel* callLog() const { return m_callLog; }
    // The running gateway's providers and models (empty unless running).
    ProvidersModel* providers() const { return m_providers; }
    ModelDeploymentsModel* modelDeployments() const { return m_modelDeployments; }
    int testRequestsInFlight() const;
    QString lastTestResult() const { return m_lastTestResult; }
    bool lastTestOk() const { return m_lastTestOk; }
    // The admin API the admin pages use: this gateway's (in-process) unless connected to a remote one.
    AdminConnection* admin() const { return m_admin; }

    // Empty: the built-in default configuration (mock provider, no API key needed).
    QString configPath() const { return m_configPath; }
    void setConfigPath(const QString& path);
    // The config file as an absolute path; empty for the built-in configuration.
    QString configFile() const;
    // Empty: $XDG_DATA_HOME/gatehouse.
    QString dataDirectory() const { return m_dataDirectory; }
    void setDataDirectory(const QString& path);
    // HOST:PORT overriding the configured data-plane address; port 0 picks a free port.
    QString listen() const { return m_listen; }
    void setListen(const QString& hostPort);

    // For the few things QML does not show (counters, bench hooks); null unless running.
    gatehouse::GatewayServer* server() const { return m_server.get(); }

signals:
    void stateChanged();
    void addressChanged();
    void errorTextChanged();
    void developerKeyChanged();
    void modelNamesChanged();
    void databasePathChanged();
    void configPathChanged();
    void dataDirectoryChanged();
    void listenChanged();
    void testRequestsInFlightChanged();
    void lastTestResultChanged();
    void testRequestFinished(bool ok, int httpStatus, const QString& summary);

private:
    // The providers and models the running gateway serves now (config file and store) into the
    // models the pages show.
    void showServedConfiguration();
    void setState(State state);
    void setRunningDetails(const QString& address, const QString& key, const QStringList& models, const QString& databasePath);
    void fail(const QString& message);
    void clearAddress();

    State m_state = Stopped;
    QString m_address;
    QString m_errorText;
    QString m_developerKey;
    QStringList m_modelNames;
    QString m_databasePath;
    QString m_configPath;
    QString m_dataDirectory;
    QString m_listen;
    QString m_lastTestResult;
    bool m_lastTestOk = false;

    CallLogModel* m_callLog;             // child: outlives m_server, whose writer thread feeds it
    ProvidersModel* m_providers;         // child: outlives m_server, whose workers finish its tests
    ModelDeploymentsModel* m_modelDeployments; // child
    TestRequestClient* m_testRequests;   // child
    AdminConnection* m_admin;            // child; its in-process client looks m_server up on every request
    std::unique_ptr<gatehouse::GatewayServer> m_server;
};
