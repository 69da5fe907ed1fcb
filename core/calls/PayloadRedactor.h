// Removes what must never be stored from captured payloads (docs/analytics.md "Payload capture"):
// every match of the configured patterns becomes "[REDACTED]". Runs on the call-record writer's
// thread, never on the request path.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace gatehouse {

class PayloadRedactor {
public:
    // Throws std::regex_error for a pattern that is not an ECMAScript regular expression.
    explicit PayloadRedactor(const std::vector<std::string>& patterns);

    // The problem with `pattern`, or nullopt when it compiles (for the config loader's message).
    static std::optional<std::string> patternProblem(const std::string& pattern);

    std::string redact(std::string text) const;

private:
    std::vector<std::regex> m_patterns;
};

} // namespace gatehouse
