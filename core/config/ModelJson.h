// A model entry written as JSON, in the shape readModelEntry reads (config/ProviderValidation.h,
// docs/admin-api.md "Models"): the one writer for the admin API's answers, its audit entries and
// the store (models.policy, model_deployments.price), so what is written reads back the same.
#pragma once

#include "config/GatewayConfig.h"
#include "json/Json.h"

#include <string>

namespace gatehouse {

// {"provider", "model", "weight", "priority", "price", "limits"}; price and limits null when the
// deployment has none.
Json toJson(const DeploymentConfig& deployment);

// {"requests_per_minute", "tokens_per_minute", "concurrent"}: the dimensions that are set.
Json limitsJson(const RateLimits& limits);

enum class UnsetPolicyKeys {
    Omit, // only the keys that are set: how the store keeps them
    Show  // every key: unset ones at their default (strategy "weighted", empty lists) or null
};

// The model's traffic policy: strategy, rules, canary, fallbacks, context_window_fallbacks,
// cache_ttl_s, limits (each limit dimension only when set), capture_payloads.
Json modelPolicyJson(const ModelConfig& model, UnsetPolicyKeys unset = UnsetPolicyKeys::Omit);

// The whole entry: {<nameKey>: name, "deployments": [...], <the policy keys that are set>}.
Json modelEntryJson(const ModelConfig& model, const std::string& nameKey = "model");

} // namespace gatehouse
