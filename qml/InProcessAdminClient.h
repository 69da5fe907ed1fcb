// The admin client for the gateway this console embeds: calls its AdminService directly, no HTTP.
#pragma once

#include "AdminClient.h"

#include <functional>

namespace gatehouse {
class GatewayServer;
}

// Acts as the local user with the admin role (audit actor `console:$USER`), like `gatehouse tenant`
// on the same data directory: whoever runs the console owns its data directory anyway.
class InProcessAdminClient : public AdminClient {
    Q_OBJECT
    QML_ANONYMOUS

public:
    // The gateway running now, or null. Asked on every request, because the console stops and
    // restarts its gateway, and a restarted one is a new GatewayServer.
    using GatewayLookup = std::function<gatehouse::GatewayServer*()>;

    explicit InProcessAdminClient(GatewayLookup runningGateway, QObject* parent = nullptr);

    // Answers synchronously inside (admin calls take milliseconds on the GUI thread), but delivers
    // the reply from the event loop, as the interface promises.
    void send(const QString& method, const QString& target, const QJsonObject& body, Callback done) override;
    QString location() const override;

    // The controller started or stopped the gateway: what this client shows may differ, so it
    // emits changed() and lists reload.
    void gatewayReplaced();

private:
    GatewayLookup m_runningGateway;
};
