// The immutable view of configuration the data plane reads: models, their deployments and how
// traffic is spread over them, rate limits, and the active API keys. A change builds a new snapshot
// and swaps it in; requests never lock.
#pragma once

#include "config/GatewayConfig.h"
#include "gateway/AccessPolicy.h"
#include "policy/DeploymentPicker.h"
#include "policy/PolicyScope.h"
#include "policy/RateLimiter.h"
#include "pricing/PriceTable.h"
#include "prompts/PromptVersion.h"
#include "store/KeyStore.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace gatehouse {

struct Caller {
    std::string keyName;
    std::string keyPrefix;
    std::string tenant;
    std::unordered_set<std::string> allowedModels; // empty = every model
    std::optional<int64_t> consumerId;  // none: a tenant-level key
    std::string consumerName;
    std::optional<int64_t> expiresAtMs; // none: never
    bool mayUse(const std::string& model) const { return allowedModels.empty() || allowedModels.count(model) > 0; }

    // The ids rate limits, budgets and routing rules know this caller's scopes by
    // (docs/traffic-policy.md): the key by its prefix, the consumer as "tenant/consumer".
    PolicyScope keyScope() const { return {ScopeKind::ApiKey, keyPrefix}; }
    std::optional<PolicyScope> consumerScope() const;
    PolicyScope tenantScope() const { return {ScopeKind::Tenant, tenant}; }
};

struct Deployment {
    const ProviderConfig* provider = nullptr; // points into the snapshot's own config
    std::string upstreamModel;
    int weight = 1;
    std::string id; // deploymentId(provider, upstreamModel): its breaker and latency are kept under it
    std::optional<TokenPrice> price;           // its own price (the config's), over the price table's
    const PriceHistory* listPrices = nullptr;  // the price table's entries for its model (in the snapshot)
    std::shared_ptr<CircuitBreaker> breaker; // shared with every snapshot (null: never skipped)
    std::shared_ptr<LatencyStats> latency;   // null: not measured
    RateLimits limits;                       // its quota, claimed per attempt (none: unlimited)

    // What a call that started at `epochMs` pays per token: its own price, else the price table's
    // entry in force then. None: unknown (a local model, or one the table lacks): the call costs 0.
    std::optional<TokenPrice> priceAt(int64_t epochMs) const;
};

// A public model: its deployments and the picker that orders them per request (indices of
// `deployments`), what to fall back to, how long its answers are cached, its own rate limits.
struct Route {
    std::string model;
    std::vector<Deployment> deployments;
    std::shared_ptr<const DeploymentPicker> picker;
    std::vector<std::string> fallbacks;
    std::vector<std::string> contextWindowFallbacks;
    std::chrono::seconds cacheTtl{0}; // 0: not cached
    RateLimits limits;
    bool capturePayloads = false; // keep the first bytes of requests and answers (docs/analytics.md)
};

// The health of deployments, kept across snapshots so a configuration change does not reset it.
// Null members: deployments get no breaker and no latency statistics (unit tests of other things).
struct DeploymentHealth {
    CircuitBreakerRegistry* breakers = nullptr;
    LatencyRegistry* latency = nullptr;
};

class GatewaySnapshot {
public:
    GatewaySnapshot(GatewayConfig config, const std::vector<StoredKey>& keys, AccessPolicy access = {}, DeploymentHealth health = {},
        std::vector<Prompt> prompts = {});

    const Caller* authenticate(std::string_view presentedKey) const;
    const Route* route(const std::string& model) const;
    // A managed prompt (docs/prompts.md) by name; null when there is none.
    const Prompt* prompt(const std::string& name) const;
    // The model names a caller may use, in config order.
    std::vector<std::string> modelsFor(const Caller& caller) const;

    const GatewayConfig& config() const { return m_config; }
    // The shipped list prices under the config's and the admin API's entries.
    const PriceTable& prices() const { return m_prices; }
    const AccessPolicy& access() const { return m_access; }

    // Every scope a call of `caller` to `route` is limited on, with its configured limits (scopes
    // without limits are left out).
    std::vector<ScopedLimits> rateLimitsFor(const Caller& caller, const Route& route) const;
    // The scopes budgets may apply to for `caller`: key, consumer (if any), tenant.
    static std::vector<PolicyScope> budgetScopesFor(const Caller& caller);
    // The deployment ids of every route, for pruning the health registries after a swap.
    std::vector<std::string> deploymentIds() const;

private:
    GatewayConfig m_config;
    PriceTable m_prices; // before m_routes: their deployments point into it
    AccessPolicy m_access;
    std::unordered_map<std::string, Caller> m_callersByKeyHash;
    std::unordered_map<std::string, Route> m_routes;
    std::unordered_map<PolicyScope, RateLimits, PolicyScopeHash> m_limits; // from config.policy.limits
    std::unordered_map<std::string, Prompt> m_prompts;
};

using SnapshotPtr = std::shared_ptr<const GatewaySnapshot>;

} // namespace gatehouse
