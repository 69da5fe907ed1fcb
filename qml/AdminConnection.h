// Which admin API the console's admin pages talk to: the embedded gateway's, or a remote one's.
#pragma once

#include "InProcessAdminClient.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class RemoteAdminClient;

// Owned by the GatewayController (its `admin` property). Pages bind their lists to `client`, which
// changes only after a remote gateway was verified to answer, so a typo never leaves the console
// without a working client. Also keeps the count of pending access requests for the sidebar.
class AdminConnection : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The GatewayController owns the AdminConnection; QML reaches it as controller.admin.")
    Q_PROPERTY(AdminClient* client READ client NOTIFY clientChanged)
    Q_PROPERTY(bool remote READ remote NOTIFY clientChanged)
    Q_PROPERTY(QString location READ location NOTIFY clientChanged)
    Q_PROPERTY(int pendingApprovals READ pendingApprovals NOTIFY pendingApprovalsChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(bool connecting READ connecting NOTIFY connectingChanged)
    // Always the embedded gateway's client, whatever `client` is: the Providers & Models page edits
    // the gateway it shows, which is this console's own.
    Q_PROPERTY(AdminClient* embeddedClient READ embeddedClient CONSTANT)

public:
    static constexpr int kRefreshIntervalMs = 5000; // notices changes made by others (CLI, other consoles)

    explicit AdminConnection(InProcessAdminClient::GatewayLookup embeddedGateway, QObject* parent = nullptr);

    AdminClient* client() const { return m_client; }
    AdminClient* embeddedClient() const { return m_embedded; }
    bool remote() const { return m_client != m_embedded; }
    QString location() const { return m_client->location(); }
    // Access requests waiting for a decision at the current client's gateway (0 when unknown).
    int pendingApprovals() const { return m_pendingApprovals; }
    // Why the last connectToGateway() failed; empty after a success or useEmbeddedGateway().
    QString errorText() const { return m_errorText; }
    bool connecting() const { return m_candidate != nullptr; }

    // Checks the admin API at `url` with `token` (one GET) and switches to it only if it answers as
    // a Gatehouse admin API. Otherwise keeps the current client and says why in errorText. A second
    // call while one is checking replaces it.
    Q_INVOKABLE void connectToGateway(const QString& url, const QString& token);
    Q_INVOKABLE void useEmbeddedGateway();
    Q_INVOKABLE void refreshPendingApprovals();

    // The controller started or stopped the embedded gateway.
    void embeddedGatewayReplaced();

signals:
    void clientChanged();
    void pendingApprovalsChanged();
    void errorTextChanged();
    void connectingChanged();
    // The end of a connectToGateway(): switched (`ok`) or not (errorText says why).
    void connectFinished(bool ok);

private:
    void switchTo(AdminClient* client);
    void finishConnecting(const AdminReply& reply);
    void dropCandidate();
    void setPendingApprovals(int count);
    void setErrorText(const QString& text);

    InProcessAdminClient* m_embedded; // child; always there
    AdminClient* m_client;            // m_embedded or a RemoteAdminClient child
    RemoteAdminClient* m_candidate = nullptr; // being checked by connectToGateway()
    QTimer m_refreshTimer;
    quint64 m_refreshSerial = 0; // only the newest refresh's answer counts
    int m_pendingApprovals = 0;
    QString m_errorText;
};
