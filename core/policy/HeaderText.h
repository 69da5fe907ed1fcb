// Small text rules of HTTP header values the policy parses (Cache-Control, Retry-After).
#pragma once

#include <string_view>

namespace gatehouse {

// Without the optional whitespace (spaces, tabs) around a header value or list element (RFC 9110 §5.6.3).
inline std::string_view trimmedHeaderText(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace gatehouse
