// The admin REST API over HTTP: mounted on the admin listener by GatewayServer, it hands each
// request to the AdminService and sends its answer. docs/admin-api.md describes the API.
#pragma once

#include "admin/AdminService.h"
#include "admin/CallFeed.h"
#include "http/Exchange.h"

namespace gatehouse {

class AdminApi {
public:
    // `feed` (null: no live stream; must outlive the API's sessions) serves GET /admin/v1/calls/stream.
    AdminApi(AdminService& service, CallFeed* feed);

    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel);

private:
    // Server-sent events of the calls `filter` selects, as they are written, until the client goes
    // or the feed closes; a comment line every 15 s keeps proxies from closing an idle stream.
    Awaitable<void> streamCalls(const CallFilter& filter, ResponseChannel& channel);

    AdminService& m_service;
    CallFeed* m_feed;
};

} // namespace gatehouse
