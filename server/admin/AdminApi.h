// The admin REST API under /admin/v1/ (except /admin/v1/status, which GatewayServer answers):
// tenants, consumers, model access, access requests, audit — authenticated by admin tokens with
// roles. Mounted on the admin listener by GatewayServer. docs/admin-api.md describes it.
#pragma once

#include "http/Exchange.h"

#include <functional>
#include <memory>
#include <string>

namespace gatehouse {

struct AdminApiHooks {
    // Called after every committed change, so the data plane can take a new snapshot at once.
    std::function<void()> governanceChanged;
};

class AdminApi {
public:
    // Opens its own connection to the gateway's database at `databasePath`. Throws StoreError.
    AdminApi(std::string databasePath, AdminApiHooks hooks);
    ~AdminApi();

    // Safe to call from several worker threads at once.
    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace gatehouse
