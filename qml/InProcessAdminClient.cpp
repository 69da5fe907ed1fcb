// The admin client for the gateway this console embeds: calls its AdminService directly, no HTTP.
#include "InProcessAdminClient.h"

#include "GatewayServer.h"
#include "admin/AdminService.h"

#include <QJsonDocument>

InProcessAdminClient::InProcessAdminClient(GatewayLookup runningGateway, QObject* parent)
    : AdminClient(parent)
    , m_runningGateway(std::move(runningGateway))
{
}

void InProcessAdminClient::send(const QString& method, const QString& target, const QJsonObject& body, Callback done)
{
    AdminReply reply;
    bool committed = false;
    if (auto* gateway = m_runningGateway ? m_runningGateway() : nullptr) {
        const QByteArray methodName = method.toUpper().toLatin1();
        gatehouse::AdminRequest request;
        request.method = gatehouse::http::string_to_verb({methodName.constData(), static_cast<std::size_t>(methodName.size())});
        request.target = target.toStdString();
        if (!body.isEmpty())
            request.body = QJsonDocument(body).toJson(QJsonDocument::Compact).toStdString();
        request.caller = gatehouse::AdminCaller::local(gatehouse::localActorName("console"));
        const auto result = gateway->adminService().respond(request);
        reply = AdminReply::fromAnswer(result.status, QByteArray::fromStdString(result.body));
        committed = result.changed;
    } else {
        reply = AdminReply::unreachable(tr("The embedded gateway is not running; start it on the Overview page."));
    }
    // Queued with this object as the context: if the client is destroyed first, the call is dropped with it.
    QMetaObject::invokeMethod(
        this, [this, done = std::move(done), reply, committed] { deliver(done, reply, committed); }, Qt::QueuedConnection);
}

QString InProcessAdminClient::location() const
{
    return tr("this console's gateway");
}

void InProcessAdminClient::gatewayReplaced()
{
    emit changed();
}
