// One request to a provider over a pooled connection: send it (once more on a fresh connection
// when a reused one turns out closed), read the answer's head, then its body piece by piece.
// Shared by the pass-through and the translating providers, so the connection rules live in one place.
#pragma once

#include "config/GatewayConfig.h"
#include "openai/ApiError.h"
#include "upstream/UpstreamPool.h"

#include <functional>
#include <optional>

namespace gatehouse {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class UpstreamExchange {
public:
    // The head of a POST to `path` (after the provider's base path) with a JSON body.
    // `accept` "" means application/json.
    static std::string requestHead(const ProviderConfig& provider, std::string_view path, const HeaderList& headers,
        std::size_t contentLength, std::string_view accept);

    UpstreamExchange(UpstreamPool& pool, const ProviderConfig& provider);
    ~UpstreamExchange(); // closes a connection that was not finished cleanly
    UpstreamExchange(const UpstreamExchange&) = delete;
    UpstreamExchange& operator=(const UpstreamExchange&) = delete;

    // Sends the request and reads the answer's head. On failure, the error the client gets
    // (502 naming the provider and what failed, or 504 on a timeout).
    Awaitable<std::optional<ApiError>> send(const UpstreamConnection::RequestBuffers& request);

    // After a successful send():
    int status() const { return m_parser->get().result_int(); }
    std::string_view header(http::field field) const;
    std::optional<std::uint64_t> contentLength() const
    {
        const auto length = m_parser->content_length();
        return length ? std::optional<std::uint64_t>(*length) : std::nullopt;
    }

    // Reads the body, calling `onPiece` for each piece as it arrives; `onPiece` returns false to
    // stop (the client went away). Returns the read error, if any.
    using PieceHandler = std::function<Awaitable<bool>(std::string_view)>;
    Awaitable<error_code> readBody(const PieceHandler& onPiece);
    // The whole body, up to `limit` bytes (the rest is read and dropped).
    Awaitable<error_code> readWholeBody(std::string& body, std::size_t limit);

    // The connection goes back to the pool if the answer was read to its end and may be kept.
    void finish();
    // Time spent waiting on the provider so far.
    std::chrono::steady_clock::duration elapsed() const { return m_elapsed; }
    const ProviderConfig& provider() const { return m_provider; }
    // "provider 'NAME' at URL", for messages.
    std::string where() const;

private:
    enum class Attempt { Answered, RetryOnFreshConnection, Failed };
    Awaitable<Attempt> attempt(const UpstreamConnection::RequestBuffers& request, error_code& ec);
    ApiError failure(const error_code& ec) const;

    UpstreamPool& m_pool;
    const ProviderConfig& m_provider;
    std::unique_ptr<UpstreamConnection> m_connection;
    std::optional<UpstreamConnection::ResponseParser> m_parser; // one per attempt
    std::chrono::steady_clock::duration m_elapsed{0};
};

} // namespace gatehouse
