// The immutable view of configuration the data plane reads: models, their deployments, and the
// active API keys. A change builds a new snapshot and swaps it in; requests never lock.
#pragma once

#include "config/GatewayConfig.h"
#include "gateway/AccessPolicy.h"
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
};

struct Deployment {
    const ProviderConfig* provider = nullptr; // points into the snapshot's own config
    std::string upstreamModel;
    int weight = 1;
};

struct Route {
    std::string model;
    std::vector<Deployment> deployments;
    int totalWeight = 0;
    // Picks a deployment for a random value in [0, totalWeight).
    const Deployment& pick(int draw) const;
};

class GatewaySnapshot {
public:
    GatewaySnapshot(GatewayConfig config, const std::vector<StoredKey>& keys, AccessPolicy access = {});

    const Caller* authenticate(std::string_view presentedKey) const;
    const Route* route(const std::string& model) const;
    // The model names a caller may use, in config order.
    std::vector<std::string> modelsFor(const Caller& caller) const;

    const GatewayConfig& config() const { return m_config; }
    const AccessPolicy& access() const { return m_access; }

private:
    GatewayConfig m_config;
    AccessPolicy m_access;
    std::unordered_map<std::string, Caller> m_callersByKeyHash;
    std::unordered_map<std::string, Route> m_routes;
};

using SnapshotPtr = std::shared_ptr<const GatewaySnapshot>;

} // namespace gatehouse
