#include "providers/OpenAiCompatibleProvider.h"

#include "gateway/Responses.h"
#include "logging/Logging.h"
#include "openai/UsageScanner.h"

#include <simdjson.h>

#include <array>
#include <limits>

namespace gatehouse {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;

std::string upstreamHead(const ProviderConfig& provider, std::string_view path, std::size_t contentLength, std::string_view accept)
{
    const auto& url = provider.baseUrl;
    std::string head = "POST " + url.basePath + std::string(path) + " HTTP/1.1\r\nHost: " + url.host;
    if (url.port != (url.tls ? 443 : 80))
        head += ":" + std::to_string(url.port);
    head += "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(contentLength);
    head += "\r\nAccept: ";
    head += accept.empty() ? std::string_view("application/json") : accept;
    head += "\r\nUser-Agent: gatehouse/0.1\r\n";
    if (!provider.apiKey.empty())
        head += "Authorization: Bearer " + provider.apiKey + "\r\n";
    head += "\r\n";
    return head;
}

// The provider's own error message, if its body is OpenAI-shaped; else the start of the body.
std::string upstreamMessage(const std::string& body)
{
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view message;
    if (!parser.parse(body).get(root) && !root.at_pointer("/error/message").get(message))
        return std::string(message);
    return body.substr(0, 300);
}

// What one attempt over one connection ended with.
enum class Attempt { Done, RetryOnFreshConnection, Failed };

class Exchange {
public:
    Exchange(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool)
        : m_context(context)
        , m_channel(channel)
        , m_pool(pool)
        , m_provider(*context.deployment->provider)
    {
    }

    Awaitable<void> run()
    {
        const auto& body = m_context.request.message.body();
        const auto spliced = spliceModel(body, m_context.chat, m_context.deployment->upstreamModel);
        const auto accept = m_context.request.message[http::field::accept];
        const auto head = upstreamHead(m_provider, "/chat/completions", spliced.size(), {accept.data(), accept.size()});
        const UpstreamConnection::RequestBuffers request{asio::buffer(head), asio::buffer(spliced.before.data(), spliced.before.size()),
            asio::buffer(spliced.modelLiteral), asio::buffer(spliced.after.data(), spliced.after.size())};

        // The pool hands out only connections that look open; one that was closed in the meantime
        // fails the write, and the request goes once more on a new connection (see exchangeOn).
        for (int attempt = 0; attempt < 2; ++attempt) {
            const auto started = Clock::now();
            std::string error;
            bool timedOut = false;
            auto connection = co_await m_pool.acquire(m_provider, error, timedOut);
            if (!connection) {
                m_context.upstreamTime += Clock::now() - started;
                const auto failure = timedOut ? ApiError::upstreamTimeout(error) : ApiError::upstreamFailed(error);
                co_await sendError(m_context, m_channel, failure);
                co_return;
            }
            const auto outcome = co_await exchangeOn(*connection, request);
            m_context.upstreamTime += Clock::now() - started;
            if (outcome == Attempt::Done && m_keepAlive) {
                m_pool.release(std::move(connection), m_provider);
                co_return;
            }
            connection->close();
            if (outcome != Attempt::RetryOnFreshConnection)
                co_return;
        }
    }

private:
    Awaitable<Attempt> exchangeOn(UpstreamConnection& connection, const UpstreamConnection::RequestBuffers& request)
    {
        connection.expiresAfter(m_provider.readTimeout);
        auto ec = co_await connection.write(request);
        // A reused connection the provider had closed fails the write: the request was not
        // delivered, so sending it again on a new connection cannot run it twice. After a
        // successful write it might have run upstream: no retry then (a duplicate LLM call costs).
        if (ec && connection.reused())
            co_return Attempt::RetryOnFreshConnection;
        UpstreamConnection::ResponseParser parser;
        // Unlimited: the body streams through. (Beast 1.74 mishandles boost::none here: it compares
        // the length against an empty optional and reports body_limit, so give the maximum instead.)
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        if (!ec)
            ec = co_await connection.readHeader(parser);
        if (ec) {
            co_await failBeforeAnswer(ec);
            co_return Attempt::Failed;
        }
        const auto status = parser.get().result_int();
        if (status >= 400)
            co_return co_await relayError(connection, parser, status);
        co_return co_await relayBody(connection, parser, status);
    }

    Awaitable<void> failBeforeAnswer(const error_code& ec)
    {
        const auto where = "provider '" + m_provider.name + "' at " + m_provider.baseUrl.toString();
        const auto error = ec == beast::error::timeout
            ? ApiError::upstreamTimeout("No answer from " + where + " within " + std::to_string(m_provider.readTimeout.count()) + " ms.")
            : ApiError::upstreamFailed("The request to " + where + " failed: " + ec.message() + ".");
        co_await sendError(m_context, m_channel, error);
    }

    // Reads the body into `piece` a buffer at a time and calls `onPiece` for each.
    template<typename OnPiece>
    Awaitable<error_code> readBody(UpstreamConnection& connection, UpstreamConnection::ResponseParser& parser, OnPiece&& onPiece)
    {
        std::array<char, UpstreamConnection::kReadBufferBytes> buffer;
        while (!parser.is_done()) {
            parser.get().body().data = buffer.data();
            parser.get().body().size = buffer.size();
            connection.expiresAfter(m_provider.readTimeout);
            const auto ec = co_await connection.readSome(parser);
            if (ec)
                co_return ec;
            const auto got = buffer.size() - parser.get().body().size;
            const std::string_view piece(buffer.data(), got);
            if (got > 0 && !co_await onPiece(piece))
                co_return error_code(asio::error::connection_aborted);
        }
        co_return error_code{};
    }

    Awaitable<Attempt> relayBody(UpstreamConnection& connection, UpstreamConnection::ResponseParser& parser, int status)
    {
        auto head = responseHead(m_context, status);
        if (const auto type = parser.get()[http::field::content_type]; !type.empty())
            head.contentType = std::string(type);
        if (const auto length = parser.content_length())
            head.contentLength = static_cast<std::size_t>(*length);
        m_context.record.status = status;

        UsageScanner usage;
        bool begun = false;
        bool clientGone = false;
        const auto ec = co_await readBody(connection, parser, [&](std::string_view piece) -> Awaitable<bool> {
            usage.feed(piece);
            bool delivered = false;
            if (begun)
                delivered = co_await m_channel.piece(piece);
            else
                delivered = co_await m_channel.begin(head, piece);
            begun = true;
            clientGone = !delivered;
            co_return delivered;
        });
        if (!ec && !begun)
            co_await m_channel.begin(head, {});
        if (!ec)
            co_await m_channel.end();
        if (const auto& tokens = usage.usage()) {
            m_context.record.promptTokens = tokens->promptTokens;
            m_context.record.completionTokens = tokens->completionTokens;
        }
        if (clientGone) {
            m_context.record.status = 499;
            m_context.record.errorCode = "client_closed";
            co_return Attempt::Failed;
        }
        if (ec) {
            componentLogger("upstream")->warn("{}: provider '{}' broke off the response: {}", m_context.requestId, m_provider.name, ec.message());
            const auto error = ApiError::upstreamFailed("Provider '" + m_provider.name + "' broke off the response: " + ec.message() + ".");
            co_await sendError(m_context, m_channel, error);
            co_return Attempt::Failed;
        }
        m_keepAlive = parser.keep_alive();
        co_return Attempt::Done;
    }

    // Provider errors are small: read them whole, so credentials problems can be told apart.
    Awaitable<Attempt> relayError(UpstreamConnection& connection, UpstreamConnection::ResponseParser& parser, int status)
    {
        std::string body;
        const auto ec = co_await readBody(connection, parser, [&](std::string_view piece) -> Awaitable<bool> {
            body.append(piece.substr(0, kMaxErrorBodyBytes - std::min(body.size(), kMaxErrorBodyBytes)));
            co_return true;
        });
        if (ec) {
            co_await failBeforeAnswer(ec);
            co_return Attempt::Failed;
        }
        m_keepAlive = parser.keep_alive();
        if (status == 401 || status == 403) {
            // The gateway's credentials for the provider were refused: not the client's fault, and
            // not to be confused with the client's own 401.
            auto error = ApiError::upstreamFailed("Provider '" + m_provider.name + "' rejected the gateway's credentials (HTTP "
                + std::to_string(status) + "): " + upstreamMessage(body));
            error.code = "upstream_auth_failed";
            co_await sendError(m_context, m_channel, error);
            co_return Attempt::Done;
        }
        // Other provider errors (400, 404, 429, 5xx) are already OpenAI-shaped: pass them on as they are.
        m_context.record.status = status;
        m_context.record.errorCode = "upstream_" + std::to_string(status);
        auto head = responseHead(m_context, status);
        if (const auto type = parser.get()[http::field::content_type]; !type.empty())
            head.contentType = std::string(type);
        if (const auto retryAfter = parser.get()[http::field::retry_after]; !retryAfter.empty())
            head.headers.emplace_back("Retry-After", std::string(retryAfter));
        co_await m_channel.send(head, body);
        co_return Attempt::Done;
    }

    RequestContext& m_context;
    ResponseChannel& m_channel;
    UpstreamPool& m_pool;
    const ProviderConfig& m_provider;
    bool m_keepAlive = false;
};

} // namespace

Awaitable<void> OpenAiCompatibleProvider::chatCompletion(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const
{
    Exchange exchange(context, channel, pool);
    co_await exchange.run();
}

} // namespace gatehouse
