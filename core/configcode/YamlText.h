// The YAML the configuration export writes (issue 8, docs/config.md): one JSON value as block YAML,
// byte for byte the same every time. Keys keep the order the value has (the exporter orders them),
// indentation is two spaces, lines end in LF, numbers are the shortest text that reads back the
// same, and a string is written plain only when no YAML reader can take it for anything else
// (yaml-cpp's emitter leaves "true", "1.0" or "2024-01-01" unquoted, which GitLab and schema
// validators then read as a boolean, a number or a date).
#pragma once

#include "json/Json.h"

#include <string>

namespace gatehouse {

// `value` as a YAML document ending in one newline. An object or array at the top is written as
// block YAML; a scalar as itself.
std::string yamlText(const Json& value);

} // namespace gatehouse
