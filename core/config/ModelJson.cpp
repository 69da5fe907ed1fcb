#include "config/ModelJson.h"

#include "config/PriceSettings.h"

namespace gatehouse {
namespace {

// The rule's conditions as its `match:` was written: tenant, consumer and key as lists, headers and
// metadata as mappings of names to lists.
Json matchJson(const std::vector<MatchCondition>& conditions)
{
    Json match = Json::object();
    for (const auto& condition : conditions) {
        switch (condition.field) {
        case MatchField::Tenant:
            match["tenant"] = condition.values;
            break;
        case MatchField::Consumer:
            match["consumer"] = condition.values;
            break;
        case MatchField::ApiKey:
            match["key"] = condition.values;
            break;
        case MatchField::Header:
            match["headers"][condition.name] = condition.values;
            break;
        case MatchField::Metadata:
            match["metadata"][condition.name] = condition.values;
            break;
        }
    }
    return match;
}

Json rulesJson(const std::vector<RoutingRule>& rules)
{
    Json list = Json::array();
    for (const auto& rule : rules)
        list.push_back({{"name", rule.name}, {"match", matchJson(rule.conditions)}, {"deployments", rule.deployments},
            {"fall_back_to_others", rule.fallBackToOthers}});
    return list;
}


} // namespace

Json limitsJson(const RateLimits& limits)
{
    Json json = Json::object();
    for (const auto& [key, limit] : {std::pair{"requests_per_minute", &limits.requestsPerMinute},
             std::pair{"tokens_per_minute", &limits.tokensPerMinute}, std::pair{"concurrent", &limits.concurrentRequests}}) {
        if (*limit)
            json[key] = **limit;
    }
    return json;
}

Json toJson(const DeploymentConfig& deployment)
{
    return {{"provider", deployment.provider}, {"model", deployment.upstreamModel}, {"weight", deployment.weight},
        {"priority", deployment.priority}, {"price", deployment.price ? toJson(*deployment.price) : Json(nullptr)},
        {"limits", deployment.limits.any() ? limitsJson(deployment.limits) : Json(nullptr)}};
}

Json modelPolicyJson(const ModelConfig& model, UnsetPolicyKeys unset)
{
    const bool show = unset == UnsetPolicyKeys::Show;
    Json policy = Json::object();
    const auto put = [&](const char* key, bool set, Json value, Json unsetValue) {
        if (set)
            policy[key] = std::move(value);
        else if (show)
            policy[key] = std::move(unsetValue);
    };
    put("strategy", model.strategy != RoutingStrategy::WeightedRandom, std::string(routingStrategyName(model.strategy)),
        std::string(routingStrategyName(RoutingStrategy::WeightedRandom)));
    put("rules", !model.rules.empty(), rulesJson(model.rules), Json::array());
    put("canary", model.canary.has_value(),
        model.canary ? Json{{"deployment", model.canary->deployment}, {"percent", model.canary->percent}} : Json(), nullptr);
    put("fallbacks", !model.fallbacks.empty(), model.fallbacks, Json::array());
    put("context_window_fallbacks", !model.contextWindowFallbacks.empty(), model.contextWindowFallbacks, Json::array());
    put("cache_ttl_s", model.cacheTtl.has_value(), model.cacheTtl ? Json(model.cacheTtl->count()) : Json(), nullptr);
    put("limits", model.limits.any(), limitsJson(model.limits), nullptr);
    put("capture_payloads", model.capturePayloads, true, false);
    return policy;
}

Json modelEntryJson(const ModelConfig& model, const std::string& nameKey)
{
    Json deployments = Json::array();
    for (const auto& deployment : model.deployments)
        deployments.push_back(toJson(deployment));
    Json entry{{nameKey, model.name}, {"deployments", std::move(deployments)}};
    entry.update(modelPolicyJson(model));
    return entry;
}

} // namespace gatehouse
