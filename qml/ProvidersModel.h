// The providers of the running gateway's configuration, each with its last "Test connection" result.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <memory>
#include <vector>

namespace gatehouse {
class GatewayServer;
struct ProviderTestResult;
}

// One row per configured provider: where it is, how it authenticates (the reference only, never
// the secret), which models it serves, and how its last connection test went. Tests run on the
// gateway's worker threads; their results come back to the GUI thread as queued calls.
class ProvidersModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The providers belong to the GatewayController: use controller.providers.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        KindRole,        // "openai-compatible"
        BaseUrlRole,     // "https://api.openai.com/v1", "in-process" for mock
        CredentialRole,  // "env:OPENAI_API_KEY" or "none"
        ModelsRole,      // "gpt-4o → gpt-4o-2024-08-06, gpt-4o-mini"
        ModelCountRole,  // deployments on this provider
        TestStateRole,   // TestState
        HttpStatusRole,  // of the last test; 0 when none
        LatencyMsRole,   // of the last test; -1 when none
        MessageRole,     // the start of the answer, or the exact error
        TestedModelRole, // the upstream model the last test asked
        EditableRole,    // added through the admin API (the store's): editable in the console
        ProblemRole,     // why its calls fail before anything is sent ("" = none), never a secret
    };
    Q_ENUM(Role)

    enum TestState { Untested, Testing, Succeeded, Failed };
    Q_ENUM(TestState)

    explicit ProvidersModel(QObject* parent = nullptr);
    ~ProvidersModel() override;

    // Shows the providers `server` serves now (its config file's and the store's; null: none) and
    // tests them there. Call again with the same server after an admin change to show it: providers
    // still there keep their last result. The server must outlive the model or be replaced first;
    // results of tests on an earlier server are ignored.
    void setServer(gatehouse::GatewayServer* server);

    // One real chat call to the provider through the gateway (GatewayServer::testProvider). The row
    // shows Testing, then the result; `testFinished` follows. No-op while that provider is testing.
    Q_INVOKABLE void testConnection(const QString& provider);

    int count() const { return static_cast<int>(m_rows.size()); }
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void countChanged();
    void testFinished(const QString& provider, bool ok);

private:
    struct Row {
        QString name;
        QString kind;
        QString baseUrl;
        QString credential;
        QString models;
        int modelCount = 0;
        TestState state = Untested;
        int httpStatus = 0;
        qint64 latencyMs = -1;
        QString message;
        QString testedModel;
        bool editable = false;
        QString problem;
    };
    // Shared with the worker threads that finish tests: they post to the model only while it lives.
    struct Inbox;

    int rowOf(const QString& provider) const;
    void finishTest(quint64 generation, const QString& provider, const gatehouse::ProviderTestResult& result);
    void setResult(int row, TestState state, int httpStatus, qint64 latencyMs, const QString& message, const QString& testedModel);

    std::vector<Row> m_rows;
    gatehouse::GatewayServer* m_server = nullptr;
    quint64 m_generation = 0; // counts setServer calls, so a late result of an old server is dropped
    std::shared_ptr<Inbox> m_inbox;
};
