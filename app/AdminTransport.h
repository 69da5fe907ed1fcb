// Where an admin command's request runs: on a local data directory (the admin API in-process, as the
// local user) or over HTTP against another gateway's admin API (--remote, with an admin token).
// Both answer alike, so the commands and the printer do not care which one ran.
#pragma once

#include "config/GatewayConfig.h"

#include "AdminRequestBuilder.h"

#include <memory>
#include <string>

namespace gatehouse {

struct AdminAnswer {
    int status = 0;
    std::string contentType;
    std::string body;
};

class AdminTransport {
public:
    virtual ~AdminTransport() = default;
    // Throws HttpTransportError (remote) or StoreError (local) when there is no answer at all.
    virtual AdminAnswer send(const AdminApiRequest& call) = 0;
    // "http://127.0.0.1:8089" or "/home/alice/.local/share/gatehouse", for messages.
    virtual std::string where() const = 0;
};

// Acts as `cli:$USER` with the admin role: whoever can open the data directory owns it already.
// `configFile` (may be null; must outlive the transport): the config file the gateway on this data
// directory runs with, whose providers and models the admin API then knows (a configuration tree
// may refer to them).
std::unique_ptr<AdminTransport> localAdminTransport(const std::string& dataDirectory, const GatewayConfig* configFile = nullptr);

// Sends `Authorization: Bearer TOKEN` with every request.
std::unique_ptr<AdminTransport> remoteAdminTransport(const std::string& url, const std::string& token);

} // namespace gatehouse
