// Idle kept-alive upstream connections of one worker thread, by destination; and the TLS contexts.
// Used from its worker's thread only, so it takes no locks.
#pragma once

#include "config/GatewayConfig.h"
#include "upstream/UpstreamConnection.h"

#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

namespace gatehouse {

class UpstreamPool {
public:
    explicit UpstreamPool(asio::any_io_executor executor);

    // An idle connection to the provider's destination, or a new, connected one.
    // On failure, `error` says what failed and the pointer is null.
    Awaitable<std::unique_ptr<UpstreamConnection>> acquire(const ProviderConfig& provider, std::string& error, bool& timedOut);

    // Returns a connection whose last response was read completely and that may be kept alive.
    void release(std::unique_ptr<UpstreamConnection> connection, const ProviderConfig& provider);

    void clear();
    std::size_t idleCount() const;

private:
    asio::ssl::context* tlsContextFor(const ProviderConfig& provider, std::string& error);

    asio::any_io_executor m_executor;
    std::unordered_map<std::string, std::vector<std::unique_ptr<UpstreamConnection>>> m_idle;
    std::map<std::string, std::unique_ptr<asio::ssl::context>> m_tlsContexts; // by CA file ("" = system)
};

// The pool key: connections are reused only for the same scheme, host, port and trust settings.
std::string upstreamPoolKey(const ProviderConfig& provider);

} // namespace gatehouse
