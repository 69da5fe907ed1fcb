#include "config/AddressParsing.h"

#include "config/ConfigError.h"

#include <charconv>

namespace gatehouse {
namespace {

uint16_t parsePort(std::string_view text, std::string_view whole)
{
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535)
        throw ConfigError("'" + std::string(whole) + "': port must be a number from 0 to 65535");
    return static_cast<uint16_t>(value);
}

// Splits "host:port" or "[v6]:port"; port may be absent (returns empty view).
std::pair<std::string_view, std::string_view> splitHostAndPort(std::string_view text, std::string_view whole)
{
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            throw ConfigError("'" + std::string(whole) + "': missing ']' after an IPv6 address");
        const auto rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':')
            throw ConfigError("'" + std::string(whole) + "': expected ':' after ']'");
        return {text.substr(1, close - 1), rest.empty() ? rest : rest.substr(1)};
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return {text, {}};
    if (text.find(':') != colon)
        throw ConfigError("'" + std::string(whole) + "': write IPv6 addresses in brackets, e.g. [::1]:8088");
    return {text.substr(0, colon), text.substr(colon + 1)};
}

} // namespace

HostPort parseHostPort(std::string_view text)
{
    const auto [host, port] = splitHostAndPort(text, text);
    if (host.empty())
        throw ConfigError("'" + std::string(text) + "': expected HOST:PORT, e.g. 127.0.0.1:8088");
    if (port.empty())
        throw ConfigError("'" + std::string(text) + "': missing port, e.g. 127.0.0.1:8088");
    return {std::string(host), parsePort(port, text)};
}

UpstreamUrl parseUpstreamUrl(std::string_view text)
{
    UpstreamUrl url;
    std::string_view rest;
    if (text.starts_with("https://")) {
        url.tls = true;
        rest = text.substr(8);
    } else if (text.starts_with("http://")) {
        rest = text.substr(7);
    } else {
        throw ConfigError("'" + std::string(text) + "': base_url must start with http:// or https://");
    }
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    const auto [host, port] = splitHostAndPort(authority, text);
    if (host.empty())
        throw ConfigError("'" + std::string(text) + "': base_url has no host");
    url.host = std::string(host);
    url.port = port.empty() ? (url.tls ? 443 : 80) : parsePort(port, text);
    if (slash != std::string_view::npos) {
        url.basePath = std::string(rest.substr(slash));
        while (!url.basePath.empty() && url.basePath.back() == '/')
            url.basePath.pop_back();
    }
    if (url.basePath.find_first_of("?# \r\n") != std::string::npos)
        throw ConfigError("'" + std::string(text) + "': base_url must not have a query, fragment or spaces");
    return url;
}

} // namespace gatehouse
