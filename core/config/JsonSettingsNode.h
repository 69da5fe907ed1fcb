// A JSON object seen through the shared provider and model rules (config/ProviderValidation.h):
// what the admin API validates a body with, and how stored providers and models are read back.
// Types are strict (a number in quotes is not a number); null counts as absent.
#pragma once

#include "config/ProviderValidation.h"
#include "json/Json.h"

namespace gatehouse {

// A refused setting: `field` is the path in the JSON document ("base_url",
// "deployments[1].provider"), and the message starts with it.
class SettingsError : public ConfigError {
public:
    SettingsError(std::string field, SettingsProblem problem, const std::string& message)
        : ConfigError(message)
        , m_field(std::move(field))
        , m_problem(problem)
    {
    }
    const std::string& field() const { return m_field; }
    SettingsProblem problem() const { return m_problem; }

private:
    std::string m_field;
    SettingsProblem m_problem;
};

class JsonSettingsNode final : public SettingsNode {
public:
    // `object` must outlive the node. `field` prefixes every field named in an error ("" at the top).
    explicit JsonSettingsNode(const Json& object, std::string field = {});

    std::vector<std::string> keys() const override;
    bool has(std::string_view key) const override;
    std::string text(std::string_view key) const override;
    long long integer(std::string_view key, long long min, long long max) const override;
    bool boolean(std::string_view key) const override;
    double number(std::string_view key) const override;
    std::unique_ptr<SettingsNode> child(std::string_view key) const override;
    std::vector<std::string> texts(std::string_view key) const override;
    void forEach(std::string_view key, const std::function<void(const SettingsNode&)>& item) const override;
    [[noreturn]] void fail(std::string_view key, const std::string& problem, SettingsProblem kind) const override;

private:
    const Json* find(std::string_view key) const; // nullptr when absent or null
    const Json& require(std::string_view key) const;
    std::string field(std::string_view key) const;

    const Json& m_object;
    std::string m_field;
};

} // namespace gatehouse
