#include "logging/Logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace gatehouse {
namespace {

std::mutex& loggingMutex()
{
    static std::mutex mutex;
    return mutex;
}

LogSettings& currentSettings()
{
    static LogSettings settings;
    return settings;
}

void apply(spdlog::logger& logger, const LogSettings& settings)
{
    logger.set_level(spdlog::level::from_str(settings.level));
    // JSON lines for log collectors; the message is escaped by spdlog's pattern only for quotes we
    // avoid in messages, so keep messages free of raw user input (ids and names only).
    if (settings.json)
        logger.set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","component":"%n","message":"%v"})");
    else
        logger.set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
}

} // namespace

void configureLogging(const LogSettings& settings)
{
    std::lock_guard lock(loggingMutex());
    currentSettings() = settings;
    if (!spdlog::get("gatehouse")) {
        auto logger = std::make_shared<spdlog::logger>("gatehouse", std::make_shared<spdlog::sinks::stdout_sink_mt>());
        spdlog::register_logger(logger);
        spdlog::set_default_logger(logger);
    }
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& logger) { apply(*logger, settings); });
    spdlog::flush_on(spdlog::level::info);
}

std::shared_ptr<spdlog::logger> componentLogger(const std::string& component)
{
    std::lock_guard lock(loggingMutex());
    if (auto existing = spdlog::get(component))
        return existing;
    auto logger = std::make_shared<spdlog::logger>(component, spdlog::default_logger()->sinks().begin(),
        spdlog::default_logger()->sinks().end());
    apply(*logger, currentSettings());
    spdlog::register_logger(logger);
    return logger;
}

} // namespace gatehouse
