#include "config/GatewayConfig.h"

namespace gatehouse {

std::string HostPort::toString() const
{
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string UpstreamUrl::toString() const
{
    const bool ipv6 = host.find(':') != std::string::npos;
    return std::string(tls ? "https://" : "http://") + (ipv6 ? "[" + host + "]" : host) + ":"
        + std::to_string(port) + basePath;
}

const ProviderConfig* GatewayConfig::findProvider(const std::string& name) const
{
    for (const auto& provider : providers) {
        if (provider.name == name)
            return &provider;
    }
    return nullptr;
}

} // namespace gatehouse
