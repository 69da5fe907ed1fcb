// The admin client for another gateway: HTTP to the admin API of a `gatehouse serve --admin-listen`.
#pragma once

#include "AdminClient.h"

#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

// Sends each request with the admin token as `Authorization: Bearer`. The token is only ever put in
// that header: never in a message, a log line or a property.
class RemoteAdminClient : public AdminClient {
    Q_OBJECT
    QML_ANONYMOUS

public:
    static constexpr int kDefaultTransferTimeoutMs = 10000; // an admin call takes milliseconds; 10 s means it is lost

    // `baseUrl`: scheme, host and port of the admin listener ("http://127.0.0.1:8089"), optionally
    // with a path prefix under which /admin/v1/ lives (a reverse proxy's).
    RemoteAdminClient(const QUrl& baseUrl, const QString& adminToken, QObject* parent = nullptr);

    void send(const QString& method, const QString& target, const QJsonObject& body, Callback done) override;
    QString location() const override;

    // How long a request may go without progress before it fails with status 0 (tests shorten it).
    void setTransferTimeout(int milliseconds) { m_transferTimeoutMs = milliseconds; }

private:
    QUrl urlFor(const QString& target) const;
    AdminReply replyOf(QNetworkReply& answer) const;

    QNetworkAccessManager* m_network; // child
    QUrl m_baseUrl;
    QByteArray m_authorization;
    int m_transferTimeoutMs = kDefaultTransferTimeoutMs;
};
