#include "logging/Logging.h"

#include "json/JsonString.h"

#include <spdlog/pattern_formatter.h>
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

// %j: the message as the contents of a JSON string, so every JSON log line parses whatever the
// message holds (quotes in a path, an upstream's error text).
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override
    {
        std::string quoted;
        appendJsonString(quoted, std::string_view(message.payload.data(), message.payload.size()));
        out.append(quoted.data() + 1, quoted.data() + quoted.size() - 1); // without the surrounding quotes
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

// %q: `"request_id":"req_…",` when the message is about a request — the lines of the request path
// begin with its id (newRequestId: "req_" and 20 hex digits) — so a log pipeline can select a
// request's lines by a field instead of parsing messages; nothing otherwise.
class RequestIdField final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override
    {
        constexpr std::string_view prefix = "req_";
        constexpr std::size_t idLength = 24;
        const std::string_view text(message.payload.data(), message.payload.size());
        if (text.size() < idLength || text.substr(0, prefix.size()) != prefix)
            return;
        const auto id = text.substr(0, idLength);
        if (id.find_first_not_of("0123456789abcdef", prefix.size()) != std::string_view::npos)
            return;
        if (text.size() > idLength && text[idLength] != ':' && text[idLength] != ' ')
            return;
        for (const std::string_view part : {std::string_view(R"("request_id":")"), id, std::string_view(R"(",)")})
            out.append(part.data(), part.data() + part.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RequestIdField>(); }
};

void apply(spdlog::logger& logger, const LogSettings& settings)
{
    logger.set_level(spdlog::level::from_str(settings.level));
    logger.set_formatter(makeLogFormatter(settings));
}

} // namespace

std::unique_ptr<spdlog::formatter> makeLogFormatter(const LogSettings& settings)
{
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (settings.json) {
        formatter->add_flag<JsonEscapedMessage>('j').add_flag<RequestIdField>('q').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","component":"%n",%q"message":"%j"})");
    } else {
        formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    }
    return formatter;
}

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
