// Sets up spdlog for the whole process: level, plain or JSON lines, one named logger per component.
#pragma once

#include "config/GatewayConfig.h"

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace gatehouse {

void configureLogging(const LogSettings& settings);

// Plain text lines, or one JSON object per line (`log.json: true`) whatever the message holds.
std::unique_ptr<spdlog::formatter> makeLogFormatter(const LogSettings& settings);

// The named logger of a component ("server", "upstream", "store", ...), created on first use.
std::shared_ptr<spdlog::logger> componentLogger(const std::string& component);

} // namespace gatehouse
