// The rules for one provider entry and one model entry, whatever they are written in: the YAML
// file (ConfigLoader) or an admin API body (JSON, JsonSettingsNode). One set of rules, two readers;
// each reader says where a problem is in its own way (file:line: field, or the body field for a 400).
#pragma once

#include "config/ConfigError.h"
#include "config/GatewayConfig.h"

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

// What is wrong, for readers that answer with a code (the admin API); the YAML reader ignores it.
// UnknownReference: the value names something that does not exist (a deployment's provider).
enum class SettingsProblem { UnknownKey, Missing, WrongType, BadValue, UnknownReference };

// The longest a cached answer may be kept (cache_ttl_s, policy.cache.default_ttl_s): 30 days.
inline constexpr long long kMaxCacheTtlSeconds = 30LL * 24 * 3600;

// One mapping being validated. Values are read by key; `fail` throws the reader's own error.
class SettingsNode {
public:
    virtual ~SettingsNode() = default;

    // The keys present, in document order (a null value counts as present here).
    virtual std::vector<std::string> keys() const = 0;
    // Present with a value other than null.
    virtual bool has(std::string_view key) const = 0;
    virtual std::string text(std::string_view key) const = 0;
    virtual long long integer(std::string_view key, long long min, long long max) const = 0;
    virtual bool boolean(std::string_view key) const = 0;
    // Any finite number, whole or fractional (see decimal() for the bounds).
    virtual double number(std::string_view key) const = 0;
    // The mapping at `key` (required), whose errors name "<this node's path>.<key>.<setting>".
    virtual std::unique_ptr<SettingsNode> child(std::string_view key) const = 0;
    // A value or a list of values ("tenant: acme", "tenant: [acme, beta]"), as a list; the i-th
    // value's field is "<key>[i]". An empty list gives an empty vector.
    virtual std::vector<std::string> texts(std::string_view key) const = 0;
    // Calls `item` for each element of the list at `key`; nothing when absent or null.
    virtual void forEach(std::string_view key, const std::function<void(const SettingsNode& item)>& item) const = 0;
    // Throws, naming this node's field path plus `key` (empty: the node itself) and the problem.
    // `key` may be a path below this node ("rules[0].deployments[1]").
    [[noreturn]] virtual void fail(std::string_view key, const std::string& problem, SettingsProblem kind) const = 0;

    // Shared on top of the readers above.
    std::string requiredText(std::string_view key) const;
    std::chrono::milliseconds millis(std::string_view key, long long min = 0) const;
    // A required number in [min, max].
    double decimal(std::string_view key, double min, double max) const;
    // A mapping of names to a value or a list of values ("headers: {x-region: [eu, eu-west]}"),
    // in the mapping's order.
    std::vector<std::pair<std::string, std::vector<std::string>>> namedTexts(std::string_view key) const;
    // Fails on the first key not in `allowed`, listing the allowed ones.
    void expectKeys(const std::set<std::string>& allowed) const;
};

// The keys every provider entry may carry besides its settings, which each front end reads itself.
struct ProviderEntryKeys {
    std::string credentialKey;      // YAML: "api_key"; the admin API: "credential" (HTTP kinds only)
    std::set<std::string> extraKeys; // e.g. the admin API's "reason"
};

// Validates a provider entry (name, kind and every setting of that kind) and returns it with the
// kind's defaults applied. The credential is left empty: the caller reads `credentialKey`.
ProviderConfig readProviderEntry(const SettingsNode& node, const ProviderEntryKeys& keys);

// The keys of a model entry besides its deployments.
struct ModelEntryKeys {
    std::string nameKey = "name";    // the admin API names it "model", as its answers do
    std::set<std::string> extraKeys; // e.g. the admin API's "reason"
};

// Validates a model entry: name and at least one deployment, each naming a provider for which
// `providerExists` is true, and its traffic policy (strategy, rules, canary, fallbacks, cache TTL,
// limits; docs/config.md). Fallback model names are checked across models: modelReferenceProblems.
ModelConfig readModelEntry(const SettingsNode& node, const std::function<bool(const std::string&)>& providerExists,
    const ModelEntryKeys& keys = {});

// What the models' references to other models get wrong: fallbacks and context-window fallbacks
// naming no model of `models` ("models[2].fallbacks[0]: no model named 'x'", indices into
// `models`). Cycles are allowed (each model is tried once per request). Empty when all is well.
std::vector<std::string> modelReferenceProblems(const std::vector<ModelConfig>& models);

// The rate limit dimensions of `node` (requests_per_minute, tokens_per_minute, concurrent), each
// optional and >= 0; the caller checks which other keys the node may have.
RateLimits readRateLimits(const SettingsNode& node);

// Checks `id`, read from `key`, as the configuration names a policy scope (in limits, budgets and
// rule conditions): a tenant by its name, a consumer as "tenant/consumer", a key by its prefix, a
// model by its public name. Fails at `key` when it is empty, or a consumer not so written.
void checkScopeId(const SettingsNode& node, std::string_view key, ScopeKind kind, const std::string& id);

// One rate limit entry — {scope, id, requests_per_minute?, tokens_per_minute?, concurrent?} with at
// least one dimension — as policy.limits in the file and the admin API (PUT /admin/v1/limits) take
// it. Whether a model scope names a model is the caller's to check: it knows the models.
ScopedLimits readLimitEntry(const SettingsNode& node);

// One budget entry — {scope, id, period? (monthly), limit_usd, soft_limit_usd | soft_limit_fraction} —
// as policy.budgets in the file and the admin API (PUT /admin/v1/budgets) take it. Amounts become
// integer micro-dollars, rounded to the nearest.
BudgetDefinition readBudgetEntry(const SettingsNode& node);

} // namespace gatehouse
