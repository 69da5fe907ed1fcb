// The admin REST API over HTTP: mounted on the admin listener by GatewayServer, it hands each
// request to the AdminService and sends its answer. docs/admin-api.md describes the API.
#pragma once

#include "admin/AdminService.h"
#include "http/Exchange.h"

namespace gatehouse {

class AdminApi {
public:
    explicit AdminApi(AdminService& service);

    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel);

private:
    AdminService& m_service;
};

} // namespace gatehouse
