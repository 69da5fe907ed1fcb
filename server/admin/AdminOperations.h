// What each admin API operation does with the governance store: reads its input strictly, makes
// the change as the calling token, and shapes the answer. No HTTP, no authentication, no locking:
// AdminApi does those around it.
#pragma once

#include "admin/AdminGateway.h"
#include "admin/AdminRouter.h"
#include "http/Exchange.h"
#include "store/AdminTokenStore.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"

#include <string>
#include <string_view>

namespace gatehouse {

struct AdminCall {
    const AdminRoute& route;
    const PathParameters& path;
    std::string_view query; // without the '?'
    std::string_view body;
    std::string actor; // the admin token's name: the audit log's actor
};

struct AdminResult {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    ResponseHeaders headers;
    bool changed = false; // a change was committed: the data plane must take a new snapshot
};

class AdminOperations {
public:
    // `keys` and `tokens` must use the same database connection as `store` (their changes are
    // audited through it). `gateway` may be null (the CLI on a data directory).
    AdminOperations(GovernanceStore& store, KeyStore& keys, AdminTokenStore& tokens, const AdminGateway* gateway);

    // Throws AdminInputError for bad input, GovernanceError for a refused change, StoreError.
    AdminResult run(const AdminCall& call);

private:
    AdminResult tenants(const AdminCall& call);
    AdminResult consumers(const AdminCall& call);
    AdminResult models(const AdminCall& call);
    AdminResult modelAccess(const AdminCall& call);
    AdminResult accessRequests(const AdminCall& call);
    AdminResult keys(const AdminCall& call);
    AdminResult adminTokens(const AdminCall& call);
    AdminResult audit(const AdminCall& call);

    GovernanceStore& m_store;
    KeyStore& m_keys;
    AdminTokenStore& m_tokens;
    const AdminGateway* m_gateway;
};

} // namespace gatehouse
