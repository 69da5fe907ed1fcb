// Which admin API the console's admin pages talk to: the embedded gateway's, or a remote one's.
#include "AdminConnection.h"

#include "RemoteAdminClient.h"

#include <QJsonArray>
#include <QUrl>

namespace {

// Cheap for every role (viewer may GET) and answers in the shape only the admin API uses.
const QString kProbeTarget = QStringLiteral("/admin/v1/tenants?limit=1");
const QString kPendingTarget = QStringLiteral("/admin/v1/access-requests?state=pending&limit=1");

bool isAdminListPage(const QJsonValue& body)
{
    const auto page = body.toObject();
    return page.value(QLatin1String("data")).isArray() && page.value(QLatin1String("total")).isDouble();
}

bool hasAdminError(const QJsonValue& body)
{
    return body.toObject().value(QLatin1String("error")).toObject().value(QLatin1String("message")).isString();
}

} // namespace

AdminConnection::AdminConnection(InProcessAdminClient::GatewayLookup embeddedGateway, QObject* parent)
    : QObject(parent)
    , m_embedded(new InProcessAdminClient(std::move(embeddedGateway), this))
    , m_client(m_embedded)
{
    connect(m_embedded, &AdminClient::changed, this, [this] {
        if (m_client == m_embedded)
            refreshPendingApprovals();
    });
    m_refreshTimer.setInterval(kRefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &AdminConnection::refreshPendingApprovals);
    m_refreshTimer.start();
}

void AdminConnection::connectToGateway(const QString& url, const QString& token)
{
    dropCandidate();
    const QUrl baseUrl = QUrl::fromUserInput(url.trimmed());
    if (!baseUrl.isValid() || (baseUrl.scheme() != QLatin1String("http") && baseUrl.scheme() != QLatin1String("https"))
        || baseUrl.host().isEmpty() || url.trimmed().isEmpty()) {
        setErrorText(tr("'%1' is not an admin API address: give the admin listener as http://HOST:PORT, for example http://127.0.0.1:8089.").arg(url.trimmed()));
        emit connectFinished(false);
        return;
    }
    if (token.trimmed().isEmpty()) {
        setErrorText(tr("An admin token is needed: create one with `gatehouse admin-token create --name NAME --role viewer`."));
        emit connectFinished(false);
        return;
    }

    setErrorText({});
    auto* candidate = new RemoteAdminClient(baseUrl, token.trimmed(), this);
    m_candidate = candidate;
    emit connectingChanged();
    candidate->send(QStringLiteral("GET"), kProbeTarget, {}, [this, candidate](const AdminReply& reply) {
        // A dropped candidate lives on until deleteLater: its answer is no longer wanted.
        if (candidate == m_candidate)
            finishConnecting(reply);
    });
}

void AdminConnection::finishConnecting(const AdminReply& reply)
{
    RemoteAdminClient* candidate = m_candidate;
    const QString where = candidate->location();
    if (reply.ok() && isAdminListPage(reply.body)) {
        m_candidate = nullptr;
        emit connectingChanged();
        setErrorText({});
        switchTo(candidate);
        emit connectFinished(true);
        return;
    }

    if (reply.status == 0)
        setErrorText(reply.errorMessage);
    else if (reply.status == 401)
        setErrorText(tr("%1 refused the admin token (HTTP 401): %2").arg(where, reply.errorMessage));
    else if (reply.status == 403)
        setErrorText(tr("%1 refused the admin token's role (HTTP 403): %2").arg(where, reply.errorMessage));
    else if (reply.status != 404 && !reply.ok() && hasAdminError(reply.body))
        setErrorText(tr("%1 answered HTTP %2: %3").arg(where).arg(reply.status).arg(reply.errorMessage));
    else // a web server, or the gateway's data plane: give the admin listener's address
        setErrorText(tr("%1 is not a Gatehouse admin API: GET /admin/v1/tenants answered HTTP %2 without a list of tenants. "
                        "Give the address of the gateway's admin listener (--admin-listen).")
                         .arg(where)
                         .arg(reply.status));
    dropCandidate();
    emit connectFinished(false);
}

void AdminConnection::useEmbeddedGateway()
{
    dropCandidate();
    setErrorText({});
    switchTo(m_embedded);
}

void AdminConnection::embeddedGatewayReplaced()
{
    m_embedded->gatewayReplaced(); // lists on the embedded client reload; so does the count, below
}

void AdminConnection::refreshPendingApprovals()
{
    const quint64 serial = ++m_refreshSerial;
    m_client->send(QStringLiteral("GET"), kPendingTarget, {}, [this, serial](const AdminReply& reply) {
        if (serial != m_refreshSerial)
            return; // a newer refresh (perhaps of another client) is on its way
        // A gateway that cannot be asked has nothing to approve that this console could show.
        setPendingApprovals(reply.ok() ? reply.body.toObject().value(QLatin1String("total")).toInt() : 0);
    });
}

void AdminConnection::switchTo(AdminClient* client)
{
    if (client == m_client)
        return;
    AdminClient* previous = m_client;
    m_client = client;
    if (client != m_embedded)
        connect(client, &AdminClient::changed, this, &AdminConnection::refreshPendingApprovals);
    emit clientChanged();
    // Later: the previous remote client may be the one calling back right now.
    if (previous != m_embedded)
        previous->deleteLater();
    refreshPendingApprovals();
}

void AdminConnection::dropCandidate()
{
    if (!m_candidate)
        return;
    // Later, not now: dropCandidate() may run inside the candidate's own callback.
    m_candidate->deleteLater();
    m_candidate = nullptr;
    emit connectingChanged();
}

void AdminConnection::setPendingApprovals(int count)
{
    if (count == m_pendingApprovals)
        return;
    m_pendingApprovals = count;
    emit pendingApprovalsChanged();
}

void AdminConnection::setErrorText(const QString& text)
{
    if (text == m_errorText)
        return;
    m_errorText = text;
    emit errorTextChanged();
}
