#include "gateway/GatewaySnapshot.h"

#include "auth/ApiKey.h"

#include <algorithm>
#include <chrono>

namespace gatehouse {

std::optional<PolicyScope> Caller::consumerScope() const
{
    if (!consumerId)
        return std::nullopt;
    return PolicyScope{ScopeKind::Consumer, tenant + "/" + consumerName};
}

namespace {

Deployment deploymentOf(const ProviderConfig& provider, const DeploymentConfig& config, const DeploymentHealth& health,
    const CircuitBreakerSettings& breakerSettings, const PriceTable& prices)
{
    Deployment deployment{&provider, config.upstreamModel, config.weight, deploymentId(provider.name, config.upstreamModel), config.price,
        prices.find(provider.kind, config.upstreamModel), nullptr, nullptr};
    if (health.breakers)
        deployment.breaker = health.breakers->breakerFor(deployment.id, breakerSettings);
    if (health.latency)
        deployment.latency = health.latency->statsFor(deployment.id);
    return deployment;
}

// A deployment's limits by its id, from whichever model's entry sets them (the config's rules make
// them agree), so every model routing to the deployment claims the same quota.
std::unordered_map<std::string, RateLimits> deploymentLimits(const GatewayConfig& config)
{
    std::unordered_map<std::string, RateLimits> limits;
    for (const auto& model : config.models) {
        for (const auto& deployment : model.deployments) {
            if (deployment.limits.any())
                limits.try_emplace(deploymentId(deployment.provider, deployment.upstreamModel), deployment.limits);
        }
    }
    return limits;
}

std::vector<PriceEntry> priceTableEntries(const GatewayConfig& config)
{
    auto entries = PriceTable::defaults();
    entries.insert(entries.end(), config.prices.begin(), config.prices.end());
    return entries;
}

int64_t epochMsNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

std::optional<TokenPrice> Deployment::priceAt(int64_t epochMs) const
{
    if (price)
        return price;
    if (listPrices) {
        if (const auto* entry = listPrices->inForce(epochMs))
            return entry->price;
    }
    return std::nullopt;
}

GatewaySnapshot::GatewaySnapshot(GatewayConfig config, const std::vector<StoredKey>& keys, AccessPolicy access, DeploymentHealth health,
    std::vector<Prompt> prompts)
    : m_config(std::move(config))
    , m_prices(priceTableEntries(m_config))
    , m_access(std::move(access))
{
    for (auto& prompt : prompts) {
        auto name = prompt.name;
        m_prompts.emplace(std::move(name), std::move(prompt));
    }
    const auto builtAtMs = epochMsNow();
    const auto limitsById = deploymentLimits(m_config);
    for (const auto& model : m_config.models) {
        // Deployments on an unavailable provider (its credential cannot be resolved) take no
        // traffic while another one can; when none can, they stay, and the call says why it fails.
        const auto usable = [&](const DeploymentConfig& deployment) {
            const auto* provider = m_config.findProvider(deployment.provider);
            return provider && provider->unavailable.empty();
        };
        const bool anyUsable = std::any_of(model.deployments.begin(), model.deployments.end(), usable);
        Route route;
        route.model = model.name;
        auto configured = routePolicyFor(model);
        RoutePolicy policy{configured.strategy, {}, configured.rules, configured.canary};
        for (std::size_t i = 0; i < model.deployments.size(); ++i) {
            const auto& deployment = model.deployments[i];
            const auto* provider = m_config.findProvider(deployment.provider);
            if (!provider || (anyUsable && !usable(deployment)))
                continue;
            route.deployments.push_back(deploymentOf(*provider, deployment, health, m_config.policy.circuitBreaker, m_prices));
            if (const auto limited = limitsById.find(route.deployments.back().id); limited != limitsById.end())
                route.deployments.back().limits = limited->second;
            auto& target = policy.deployments.emplace_back(std::move(configured.deployments[i]));
            // The lowest-cost strategy weighs the price table's prices too (as of now).
            if (const auto listed = route.deployments.back().priceAt(builtAtMs); listed && !deployment.price) {
                target.inputPricePerMillion = listed->inputPerMillion;
                target.outputPricePerMillion = listed->outputPerMillion;
            }
            target.breaker = route.deployments.back().breaker;
            target.latency = route.deployments.back().latency;
        }
        if (route.deployments.empty())
            continue;
        route.picker = std::make_shared<const DeploymentPicker>(std::move(policy));
        route.fallbacks = model.fallbacks;
        route.contextWindowFallbacks = model.contextWindowFallbacks;
        route.cacheTtl = model.cacheTtl.value_or(m_config.policy.cacheDefaultTtl);
        route.limits = model.limits;
        route.capturePayloads = model.capturePayloads;
        m_routes.emplace(model.name, std::move(route));
    }
    for (const auto& scoped : m_config.policy.limits)
        m_limits.emplace(scoped.scope, scoped.limits);
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

const Prompt* GatewaySnapshot::prompt(const std::string& name) const
{
    const auto found = m_prompts.find(name);
    return found == m_prompts.end() ? nullptr : &found->second;
}

std::vector<ScopedLimits> GatewaySnapshot::rateLimitsFor(const Caller& caller, const Route& route) const
{
    std::vector<ScopedLimits> scopes;
    const auto add = [&](const PolicyScope& scope) {
        if (const auto found = m_limits.find(scope); found != m_limits.end() && found->second.any())
            scopes.push_back({scope, found->second});
    };
    add(caller.keyScope());
    if (const auto consumer = caller.consumerScope())
        add(*consumer);
    add(caller.tenantScope());
    // A model's limits come from its own entry or from policy.limits (the model entry wins).
    if (route.limits.any())
        scopes.push_back({{ScopeKind::Model, route.model}, route.limits});
    else
        add({ScopeKind::Model, route.model});
    return scopes;
}

std::vector<PolicyScope> GatewaySnapshot::budgetScopesFor(const Caller& caller)
{
    std::vector<PolicyScope> scopes{caller.keyScope()};
    if (const auto consumer = caller.consumerScope())
        scopes.push_back(*consumer);
    scopes.push_back(caller.tenantScope());
    return scopes;
}

std::vector<std::string> GatewaySnapshot::deploymentIds() const
{
    std::vector<std::string> ids;
    for (const auto& [name, route] : m_routes) {
        for (const auto& deployment : route.deployments)
            ids.push_back(deployment.id);
    }
    return ids;
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
