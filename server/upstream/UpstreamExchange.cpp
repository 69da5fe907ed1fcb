#include "upstream/UpstreamExchange.h"

#include <array>
#include <limits>

namespace gatehouse {

using Clock = std::chrono::steady_clock;

// Measures the time from construction to destruction into a duration (the provider's time).
class ElapsedScope {
public:
    explicit ElapsedScope(Clock::duration& total)
        : m_total(total)
        , m_started(Clock::now())
    {
    }
    ~ElapsedScope() { m_total += Clock::now() - m_started; }

private:
    Clock::duration& m_total;
    Clock::time_point m_started;
};

std::string UpstreamExchange::requestHead(const ProviderConfig& provider, std::string_view path, const HeaderList& headers,
    std::size_t contentLength, std::string_view accept)
{
    // Appended piece by piece into one reserved string: this runs for every upstream call.
    const auto& url = provider.baseUrl;
    std::string head;
    head.reserve(256 + url.basePath.size() + path.size() + url.host.size());
    head += "POST ";
    head += url.basePath;
    head += path;
    head += " HTTP/1.1\r\nHost: ";
    head += url.host;
    if (url.port != (url.tls ? 443 : 80)) {
        head += ':';
        head += std::to_string(url.port);
    }
    head += "\r\nContent-Type: application/json\r\nContent-Length: ";
    head += std::to_string(contentLength);
    head += "\r\nAccept: ";
    head += accept.empty() ? std::string_view("application/json") : accept;
    head += "\r\nUser-Agent: gatehouse/0.1\r\n";
    for (const auto& [name, value] : headers) {
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    head += "\r\n";
    return head;
}

UpstreamExchange::UpstreamExchange(UpstreamPool& pool, const ProviderConfig& provider)
    : m_pool(pool)
    , m_provider(provider)
{
}

UpstreamExchange::~UpstreamExchange()
{
    if (m_connection)
        m_connection->close();
}

std::string UpstreamExchange::where() const
{
    return "provider '" + m_provider.name + "' at " + m_provider.baseUrl.toString();
}

std::string_view UpstreamExchange::header(http::field field) const
{
    const auto value = m_parser->get()[field];
    return {value.data(), value.size()};
}

Awaitable<std::optional<ApiError>> UpstreamExchange::send(const UpstreamConnection::RequestBuffers& request)
{
    // The pool hands out only connections that look open; one that was closed in the meantime
    // fails the write, and the request goes once more on a new connection (see attempt).
    for (int tries = 0; tries < 2; ++tries) {
        error_code ec;
        std::string error;
        bool timedOut = false;
        {
            const ElapsedScope timing(m_elapsed);
            m_connection = co_await m_pool.acquire(m_provider, error, timedOut);
        }
        if (!m_connection)
            co_return timedOut ? ApiError::upstreamTimeout(error) : ApiError::upstreamFailed(error);
        const auto outcome = co_await attempt(request, ec);
        if (outcome == Attempt::Answered)
            co_return std::nullopt;
        m_connection->close();
        m_connection.reset();
        if (outcome == Attempt::Failed)
            co_return failure(ec);
    }
    co_return ApiError::upstreamFailed("The request to " + where() + " failed twice on closed connections.");
}

Awaitable<UpstreamExchange::Attempt> UpstreamExchange::attempt(const UpstreamConnection::RequestBuffers& request, error_code& ec)
{
    const ElapsedScope timing(m_elapsed);
    m_connection->expiresAfter(m_provider.readTimeout);
    ec = co_await m_connection->write(request);
    // A reused connection the provider had closed fails the write: the request was not
    // delivered, so sending it again on a new connection cannot run it twice. After a
    // successful write it might have run upstream: no retry then (a duplicate LLM call costs).
    if (ec && m_connection->reused())
        co_return Attempt::RetryOnFreshConnection;
    m_parser.emplace();
    // Unlimited: the body streams through. (Beast 1.74 mishandles boost::none here: it compares
    // the length against an empty optional and reports body_limit, so give the maximum instead.)
    m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (!ec)
        ec = co_await m_connection->readHeader(*m_parser);
    co_return ec ? Attempt::Failed : Attempt::Answered;
}

ApiError UpstreamExchange::failure(const error_code& ec) const
{
    if (ec == beast::error::timeout)
        return ApiError::upstreamTimeout("No answer from " + where() + " within " + std::to_string(m_provider.readTimeout.count()) + " ms.");
    return ApiError::upstreamFailed("The request to " + where() + " failed: " + ec.message() + ".");
}

Awaitable<error_code> UpstreamExchange::readBody(const PieceHandler& onPiece)
{
    const ElapsedScope timing(m_elapsed);
    std::array<char, UpstreamConnection::kReadBufferBytes> buffer;
    while (!m_parser->is_done()) {
        m_parser->get().body().data = buffer.data();
        m_parser->get().body().size = buffer.size();
        m_connection->expiresAfter(m_provider.readTimeout);
        const auto ec = co_await m_connection->readSome(*m_parser);
        if (ec)
            co_return ec;
        const auto got = buffer.size() - m_parser->get().body().size;
        if (got > 0 && !co_await onPiece(std::string_view(buffer.data(), got)))
            co_return error_code(asio::error::connection_aborted);
    }
    co_return error_code{};
}

Awaitable<error_code> UpstreamExchange::readWholeBody(std::string& body, std::size_t limit)
{
    co_return co_await readBody([&](std::string_view piece) -> Awaitable<bool> {
        body.append(piece.substr(0, limit - std::min(body.size(), limit)));
        co_return true;
    });
}

void UpstreamExchange::finish()
{
    if (m_connection && m_parser->is_done() && m_parser->keep_alive())
        m_pool.release(std::move(m_connection), m_provider);
}

} // namespace gatehouse
