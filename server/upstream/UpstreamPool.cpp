#include "upstream/UpstreamPool.h"

#include <fstream>

namespace gatehouse {

std::string upstreamPoolKey(const ProviderConfig& provider)
{
    const auto& url = provider.baseUrl;
    return (url.tls ? "https://" : "http://") + url.host + ":" + std::to_string(url.port) + "|" + provider.caFile;
}

UpstreamPool::UpstreamPool(asio::any_io_executor executor)
    : m_executor(std::move(executor))
{
}

asio::ssl::context* UpstreamPool::tlsContextFor(const ProviderConfig& provider, std::string& error)
{
    auto& slot = m_tlsContexts[provider.caFile];
    if (slot)
        return slot.get();
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    if (!provider.caFile.empty() && !std::ifstream(provider.caFile)) {
        // Checked here too: Asio reports OpenSSL 3's file errors only as "asio.ssl error".
        error = "cannot set up TLS for provider '" + provider.name + "': cannot read the CA file " + provider.caFile;
        m_tlsContexts.erase(provider.caFile);
        return nullptr;
    }
    error_code ec;
    context->set_verify_mode(asio::ssl::verify_peer, ec);
    if (!ec)
        context->set_default_verify_paths(ec);
    if (!ec && !provider.caFile.empty())
        context->load_verify_file(provider.caFile, ec);
    if (ec) {
        error = "cannot set up TLS for provider '" + provider.name + "'"
            + (provider.caFile.empty() ? "" : " with CA file " + provider.caFile) + ": " + ec.message();
        m_tlsContexts.erase(provider.caFile);
        return nullptr;
    }
    slot = std::move(context);
    return slot.get();
}

Awaitable<std::unique_ptr<UpstreamConnection>> UpstreamPool::acquire(const ProviderConfig& provider, std::string& error, bool& timedOut)
{
    timedOut = false;
    const auto key = upstreamPoolKey(provider);
    if (auto found = m_idle.find(key); found != m_idle.end()) {
        auto& idle = found->second;
        while (!idle.empty()) {
            auto connection = std::move(idle.back());
            idle.pop_back();
            // Providers close idle connections after their own timeout: skip those here, before
            // a request is sent on them.
            if (connection->looksOpen()) {
                connection->markUsed();
                co_return connection;
            }
            connection->close();
        }
    }
    asio::ssl::context* tls = nullptr;
    if (provider.baseUrl.tls) {
        tls = tlsContextFor(provider, error);
        if (!tls)
            co_return nullptr;
    }
    auto connection = std::make_unique<UpstreamConnection>(m_executor, tls, key);
    const auto ec = co_await connection->connect(provider.baseUrl.host, provider.baseUrl.port, provider.connectTimeout);
    if (ec) {
        timedOut = ec == beast::error::timeout;
        error = "cannot connect to provider '" + provider.name + "' at " + provider.baseUrl.toString() + ": "
            + (timedOut ? "no connection within " + std::to_string(provider.connectTimeout.count()) + " ms" : ec.message());
        co_return nullptr;
    }
    connection->markUsed();
    co_return connection;
}

void UpstreamPool::release(std::unique_ptr<UpstreamConnection> connection, const ProviderConfig& provider)
{
    auto& idle = m_idle[connection->poolKey()];
    if (static_cast<int>(idle.size()) >= provider.maxIdleConnections) {
        connection->close();
        return;
    }
    idle.push_back(std::move(connection));
}

void UpstreamPool::clear()
{
    for (auto& [key, connections] : m_idle) {
        for (auto& connection : connections)
            connection->close();
    }
    m_idle.clear();
    m_tlsContexts.clear();
}

std::size_t UpstreamPool::idleCount() const
{
    std::size_t count = 0;
    for (const auto& [key, connections] : m_idle)
        count += connections.size();
    return count;
}

} // namespace gatehouse
