// Reads and validates the YAML configuration (format: docs/config.md).
#pragma once

#include "config/GatewayConfig.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// Looks up an environment variable; injected so tests need not touch the real environment.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup processEnvironment();

class ConfigLoader {
public:
    explicit ConfigLoader(EnvironmentLookup environment = processEnvironment());

    // Throws ConfigError with "<source>:<line>: <field>: <problem>".
    GatewayConfig loadText(std::string_view yaml, const std::string& sourceName) const;
    GatewayConfig loadFile(const std::string& path) const;

private:
    EnvironmentLookup m_environment;
};

} // namespace gatehouse
