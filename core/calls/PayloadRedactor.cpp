#include "calls/PayloadRedactor.h"

namespace gatehouse {
namespace {

constexpr auto kSyntax = std::regex::ECMAScript | std::regex::optimize;

} // namespace

PayloadRedactor::PayloadRedactor(const std::vector<std::string>& patterns)
{
    for (const auto& pattern : patterns)
        m_patterns.emplace_back(pattern, kSyntax);
}

std::optional<std::string> PayloadRedactor::patternProblem(const std::string& pattern)
{
    try {
        std::regex compiled(pattern, kSyntax);
    } catch (const std::regex_error& error) {
        return std::string(error.what());
    }
    return std::nullopt;
}

std::string PayloadRedactor::redact(std::string text) const
{
    for (const auto& pattern : m_patterns)
        text = std::regex_replace(text, pattern, "[REDACTED]");
    return text;
}

} // namespace gatehouse
