// What each admin API operation does with the governance store: reads its input strictly, makes
// the change as the calling token, and shapes the answer. No HTTP, no authentication, no locking:
// AdminApi does those around it.
#pragma once

#include "gateway/ProviderProbe.h"
#include "admin/AdminRouter.h"
#include "http/Exchange.h"
#include "json/Json.h"
#include "gateway/ProviderCatalog.h"
#include "store/AdminTokenStore.h"
#include "store/CallHistory.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"
#include "store/PolicyStore.h"
#include "store/PriceStore.h"

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
    // Set: the caller may have the live stream of the calls this selects (AdminApi streams it).
    std::optional<CallFilter> callStream;
};

// A 200 answer with `entity` as its JSON body, that changed nothing.
AdminResult readAnswer(const Json& entity);
// Answers to a committed change: 201 with the created entity, 200 with the changed (or deleted) one.
AdminResult createdAnswer(const Json& entity);
AdminResult changedAnswer(const Json& entity);
// A list as every list answers: the page `request` asks for of `items`, as {data, total, limit, offset}.
Json listPageJson(std::vector<Json> items, const PageRequest& request);
// Who makes a change and why. A DELETE takes its reason as ?reason= (its only query parameter); a
// body's optional "reason" is taken out of `body`, leaving the entity the rules check.
Change deletionChange(const AdminCall& call);
Change changeOutOfBody(const AdminCall& call, Json& body);
// A single entity takes no query parameters: a stray one is a 400 naming it.
void refuseQueryParameters(const AdminCall& call);

// A provider test, checked and ready to run on the gateway (AdminService waits for the upstream
// without holding anything).
struct ProviderTestCall {
    std::string provider;
    std::string upstreamModel; // "" = the first model deployed on it
    Change change;             // the caller and the optional reason, for the audit entry
};

class CallOperations;
class PromptOperations;

class AdminOperations {
public:
    // `keys`, `tokens`, `catalog` and `policy` must use the same database connection as `store` (their
    // changes are audited through it). `file` (must outlive the operations) is the gateway's config
    // file, whose rate limits, budgets and prices are read-only here; null when it is not known.
    AdminOperations(GovernanceStore& store, KeyStore& keys, AdminTokenStore& tokens, ProviderCatalog& catalog,
        PolicyStore& policy, PriceStore& prices, CallOperations& calls, PromptOperations& prompts, const GatewayConfig* file);

    // Throws AdminInputError for bad input, GovernanceError for a refused change, StoreError.
    // Not for TestProvider nor TestRunPromptVersion, which wait on the data plane: see providerTest
    // and PromptOperations::testRun.
    AdminResult run(const AdminCall& call);

    // TestProvider in two steps: the call checked (404 for an unknown provider, 400 naming `model`
    // when none is deployed on it and none is given), then the answer to the result, audited as
    // provider.test: {name, ok, status, model, message, latency_ms}.
    ProviderTestCall providerTest(const AdminCall& call);
    AdminResult providerTested(const ProviderTestCall& call, const ProviderTestResult& result);

private:
    AdminResult tenants(const AdminCall& call);
    AdminResult consumers(const AdminCall& call);
    AdminResult providers(const AdminCall& call);
    AdminResult models(const AdminCall& call);
    AdminResult modelAccess(const AdminCall& call);
    AdminResult accessRequests(const AdminCall& call);
    AdminResult keys(const AdminCall& call);
    AdminResult adminTokens(const AdminCall& call);
    AdminResult audit(const AdminCall& call);
    AdminResult limits(const AdminCall& call);
    AdminResult budgets(const AdminCall& call);
    AdminResult prices(const AdminCall& call);
    // A limit for a model scope must name a model that does not set its own limits.
    void checkModelScope(const ScopedLimits& limit);

    GovernanceStore& m_store;
    KeyStore& m_keys;
    AdminTokenStore& m_tokens;
    ProviderCatalog& m_catalog;
    PolicyStore& m_policy;
    PriceStore& m_prices;
    CallOperations& m_calls;
    PromptOperations& m_prompts;
    const GatewayConfig* m_file;
};

} // namespace gatehouse
