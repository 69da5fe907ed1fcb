#include "gateway/GatewaySnapshot.h"

#include "auth/ApiKey.h"

#include <algorithm>

namespace gatehouse {

const Deployment& Route::pick(int draw) const
{
    for (const auto& deployment : deployments) {
        if (draw < deployment.weight)
            return deployment;
        draw -= deployment.weight;
    }
    return deployments.back();
}

GatewaySnapshot::GatewaySnapshot(GatewayConfig config, const std::vector<StoredKey>& keys, AccessPolicy access)
    : m_config(std::move(config))
    , m_access(std::move(access))
{
    for (const auto& model : m_config.models) {
        // Deployments on an unavailable provider (its credential cannot be resolved) take no
        // traffic while another one can; when none can, they stay, and the call says why it fails.
        const auto usable = [&](const DeploymentConfig& deployment) {
            const auto* provider = m_config.findProvider(deployment.provider);
            return provider && provider->unavailable.empty();
        };
        const bool anyUsable = std::any_of(model.deployments.begin(), model.deployments.end(), usable);
        Route route{model.name, {}, 0};
        for (const auto& deployment : model.deployments) {
            const auto* provider = m_config.findProvider(deployment.provider);
            if (!provider || (anyUsable && !usable(deployment)))
                continue;
            route.deployments.push_back({provider, deployment.upstreamModel, deployment.weight});
            route.totalWeight += deployment.weight;
        }
        if (!route.deployments.empty())
            m_routes.emplace(model.name, std::move(route));
    }
    for (const auto& key : keys) {
        Caller caller{key.name, key.prefix, key.tenant, {key.allowedModels.begin(), key.allowedModels.end()}, key.consumerId,
            key.consumerName, key.expiresAtMs};
        m_callersByKeyHash.emplace(key.hash, std::move(caller));
    }
}

const Caller* GatewaySnapshot::authenticate(std::string_view presentedKey) const
{
    if (presentedKey.empty())
        return nullptr;
    const auto found = m_callersByKeyHash.find(hashApiKey(presentedKey));
    return found == m_callersByKeyHash.end() ? nullptr : &found->second;
}

const Route* GatewaySnapshot::route(const std::string& model) const
{
    const auto found = m_routes.find(model);
    return found == m_routes.end() ? nullptr : &found->second;
}

std::vector<std::string> GatewaySnapshot::modelsFor(const Caller& caller) const
{
    std::vector<std::string> names;
    for (const auto& model : m_config.models) {
        if (caller.mayUse(model.name))
            names.push_back(model.name);
    }
    return names;
}

} // namespace gatehouse
