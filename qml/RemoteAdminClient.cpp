// The admin client for another gateway: HTTP to the admin API of a `gatehouse serve --admin-listen`.
#include "RemoteAdminClient.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace {

bool isLoopback(const QUrl& url)
{
    const QString host = url.host();
    return host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 || QHostAddress(host).isLoopback();
}

QString durationText(int milliseconds)
{
    return milliseconds % 1000 == 0 ? QStringLiteral("%1 s").arg(milliseconds / 1000) : QStringLiteral("%1 ms").arg(milliseconds);
}

} // namespace

RemoteAdminClient::RemoteAdminClient(const QUrl& baseUrl, const QString& adminToken, QObject* parent)
    : AdminClient(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_baseUrl(baseUrl.adjusted(QUrl::StripTrailingSlash | QUrl::RemoveQuery | QUrl::RemoveFragment))
    , m_authorization("Bearer " + adminToken.toUtf8())
{
    // A gateway on this machine is reached directly: an http_proxy from the environment must not get it.
    if (isLoopback(m_baseUrl))
        m_network->setProxy(QNetworkProxy::NoProxy);
}

void RemoteAdminClient::send(const QString& method, const QString& target, const QJsonObject& body, Callback done)
{
    QNetworkRequest request(urlFor(target));
    request.setRawHeader("Authorization", m_authorization);
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(m_transferTimeoutMs);
    // Never follow a redirect: it would carry the admin token to wherever the redirect points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QByteArray payload;
    if (!body.isEmpty()) {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    }

    const QByteArray verb = method.toUpper().toLatin1();
    QNetworkReply* answer = m_network->sendCustomRequest(request, verb, payload);
    // QNetworkReply always finishes from the event loop, never inside sendCustomRequest. The reply
    // is a child of m_network, so destroying this client aborts it and `done` never runs.
    connect(answer, &QNetworkReply::finished, this, [this, answer, verb, done = std::move(done)] {
        answer->deleteLater();
        const AdminReply reply = replyOf(*answer);
        deliver(done, reply, reply.ok() && verb != "GET");
    });
}

QString RemoteAdminClient::location() const
{
    return m_baseUrl.toString();
}

QUrl RemoteAdminClient::urlFor(const QString& target) const
{
    // Joined as encoded text, so an encoded '/' in the target (a model name) stays encoded.
    return QUrl::fromEncoded(m_baseUrl.toEncoded() + target.toUtf8());
}

AdminReply RemoteAdminClient::replyOf(QNetworkReply& answer) const
{
    const QVariant status = answer.attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid())
        return AdminReply::fromAnswer(status.toInt(), answer.readAll());
    // No HTTP answer at all: name where and what, as people would say it.
    switch (answer.error()) {
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return AdminReply::unreachable(tr("no answer from %1 within %2").arg(location(), durationText(m_transferTimeoutMs)));
    default:
        return AdminReply::unreachable(tr("cannot connect to %1: %2").arg(location(), answer.errorString()));
    }
}
