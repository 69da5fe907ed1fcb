// The rules for one provider entry and one model entry, whatever they are written in: the YAML
// file (ConfigLoader) or an admin API body (JSON, JsonSettingsNode). One set of rules, two readers;
// each reader says where a problem is in its own way (file:line: field, or the body field for a 400).
#pragma once

#include "config/ConfigError.h"
#include "config/GatewayConfig.h"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// What is wrong, for readers that answer with a code (the admin API); the YAML reader ignores it.
// UnknownReference: the value names something that does not exist (a deployment's provider).
enum class SettingsProblem { UnknownKey, Missing, WrongType, BadValue, UnknownReference };

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
    // Calls `item` for each element of the list at `key`; nothing when absent or null.
    virtual void forEach(std::string_view key, const std::function<void(const SettingsNode& item)>& item) const = 0;
    // Throws, naming this node's field path plus `key` (empty: the node itself) and the problem.
    [[noreturn]] virtual void fail(std::string_view key, const std::string& problem, SettingsProblem kind) const = 0;

    // Shared on top of the readers above.
    std::string requiredText(std::string_view key) const;
    std::chrono::milliseconds millis(std::string_view key, long long min = 0) const;
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
// `providerExists` is true.
ModelConfig readModelEntry(const SettingsNode& node, const std::function<bool(const std::string&)>& providerExists,
    const ModelEntryKeys& keys = {});

} // namespace gatehouse
