// Percent-encoding (RFC 3986) of one URL component: admin API paths and queries built by the CLI
// and the configuration apply, GitLab project paths, and the export's file names.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// Percent-encodes everything but A-Z a-z 0-9 - . _ ~ (a '/' in a model name becomes %2F).
std::string percentEncode(std::string_view text);

} // namespace gatehouse
