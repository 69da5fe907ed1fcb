// Writing JSON string literals: the one escaping routine every JSON writer here uses.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// Appends `text` to `out` as a quoted JSON string, escaping what JSON requires.
void appendJsonString(std::string& out, std::string_view text);
std::string jsonString(std::string_view text);

} // namespace gatehouse
