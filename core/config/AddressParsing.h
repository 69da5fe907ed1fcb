// Parses the address forms the config and the CLI accept: HOST:PORT and upstream base URLs.
#pragma once

#include "config/GatewayConfig.h"

#include <string_view>

namespace gatehouse {

// "127.0.0.1:8088", "localhost:0", "[::1]:9000". Throws ConfigError naming the problem.
HostPort parseHostPort(std::string_view text);

// "http://127.0.0.1:9000/v1", "https://api.openai.com/v1". Throws ConfigError naming the problem.
UpstreamUrl parseUpstreamUrl(std::string_view text);

} // namespace gatehouse
