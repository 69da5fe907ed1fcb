#include "http/HttpSession.h"

#include "openai/ApiError.h"

#include <array>
#include <charconv>

namespace gatehouse {
namespace {

constexpr std::size_t kRequestBufferBytes = 8 * 1024;
using asio::redirect_error;
using asio::use_awaitable;

std::string_view reasonPhrase(int status)
{
    return http::obsolete_reason(static_cast<http::status>(status));
}

// Writes responses on a Beast stream. Heads are formatted by hand so a head and the first piece of
// body go out in one write; streamed bodies use chunked encoding (raw + close for HTTP/1.0).
class TcpResponseChannel final : public ResponseChannel {
public:
    TcpResponseChannel(beast::tcp_stream& stream, unsigned version, bool keepAlive, std::chrono::milliseconds writeTimeout)
        : m_stream(stream)
        , m_version(version)
        , m_keepAlive(keepAlive)
        , m_writeTimeout(writeTimeout)
    {
    }

    bool keepAlive() const { return m_keepAlive && m_completed; }

    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override
    {
        const auto headText = formatHead(head, body.size());
        m_completed = true;
        const std::array buffers{asio::buffer(headText), asio::buffer(body.data(), body.size())};
        co_return co_await write(buffers);
    }

    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override
    {
        m_chunked = !head.contentLength && m_version >= 11;
        if (!head.contentLength && !m_chunked)
            m_keepAlive = false; // HTTP/1.0 without a length: the body ends when the connection closes
        const auto headText = formatHead(head, head.contentLength);
        if (firstPiece.empty() || !m_chunked) {
            const std::array buffers{asio::buffer(headText), asio::buffer(firstPiece.data(), firstPiece.size())};
            co_return co_await write(buffers);
        }
        const auto size = chunkSizeLine(firstPiece.size());
        const std::array buffers{asio::buffer(headText), asio::buffer(size), asio::buffer(firstPiece.data(), firstPiece.size()),
            asio::buffer("\r\n", 2)};
        co_return co_await write(buffers);
    }

    Awaitable<bool> piece(std::string_view data) override
    {
        if (data.empty())
            co_return true;
        if (!m_chunked) {
            const std::array buffers{asio::buffer(data.data(), data.size())};
            co_return co_await write(buffers);
        }
        const auto size = chunkSizeLine(data.size());
        const std::array buffers{asio::buffer(size), asio::buffer(data.data(), data.size()), asio::buffer("\r\n", 2)};
        co_return co_await write(buffers);
    }

    Awaitable<bool> end() override
    {
        m_completed = true;
        if (!m_chunked)
            co_return true;
        const std::array buffers{asio::buffer("0\r\n\r\n", 5)};
        co_return co_await write(buffers);
    }

    void abort() override { m_keepAlive = false; }

private:
    static std::string chunkSizeLine(std::size_t size)
    {
        char buffer[24];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer - 2, size, 16);
        *end++ = '\r';
        *end++ = '\n';
        return std::string(buffer, end);
    }

    std::string formatHead(const ResponseHead& head, std::optional<std::size_t> contentLength)
    {
        std::string out;
        out.reserve(384);
        out += m_version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
        appendNumber(out, head.status);
        out += ' ';
        out += reasonPhrase(head.status);
        out += "\r\nServer: gatehouse\r\nContent-Type: ";
        out += head.contentType;
        out += "\r\n";
        if (contentLength) {
            out += "Content-Length: ";
            appendNumber(out, *contentLength);
            out += "\r\n";
        } else if (m_chunked) {
            out += "Transfer-Encoding: chunked\r\n";
        }
        for (const auto& [name, value] : head.headers) {
            out += name;
            out += ": ";
            out += value;
            out += "\r\n";
        }
        out += headerLinesForNextHead();
        clearHeaderLinesForNextHead();
        if (!m_keepAlive)
            out += "Connection: close\r\n";
        else if (m_version < 11)
            out += "Connection: keep-alive\r\n";
        out += "\r\n";
        return out;
    }

    template<typename Number>
    static void appendNumber(std::string& out, Number number)
    {
        char digits[24];
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
        out.append(digits, end);
    }

    template<typename Buffers>
    Awaitable<bool> write(const Buffers& buffers)
    {
        markFirstByte();
        error_code ec;
        m_stream.expires_after(m_writeTimeout);
        co_await asio::async_write(m_stream, buffers, redirect_error(use_awaitable, ec));
        if (ec) {
            m_keepAlive = false;
            co_return false;
        }
        co_return true;
    }

    beast::tcp_stream& m_stream;
    unsigned m_version;
    bool m_keepAlive;
    bool m_chunked = false;
    bool m_completed = false;
    std::chrono::milliseconds m_writeTimeout;
};

// A request rejected before the handler saw it: answer, then close (the rest of it was not read).
Awaitable<void> reject(beast::tcp_stream& stream, unsigned version, const ApiError& error,
    std::chrono::milliseconds writeTimeout)
{
    TcpResponseChannel channel(stream, version, false, writeTimeout);
    const ResponseHead head{error.status};
    const auto body = error.toJson();
    co_await channel.send(head, body);
}

std::optional<ApiError> readErrorToAnswer(const error_code& ec, std::size_t maxBodyBytes)
{
    if (ec == http::error::body_limit)
        return ApiError::bodyTooLarge(maxBodyBytes);
    if (ec == http::error::header_limit)
        return ApiError{431, "The request headers are too large.", "invalid_request_error", {}, "headers_too_large"};
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() && ec != http::error::end_of_stream
        && ec != http::error::partial_message)
        return ApiError::invalidRequest("Malformed HTTP request: " + ec.message() + ".", {}, "bad_http");
    return std::nullopt; // the client went away or timed out: nobody to answer
}

} // namespace

Awaitable<void> runHttpSession(tcp::socket socket, std::size_t workerIndex, std::shared_ptr<SessionSharedState> state)
{
    const auto& limits = state->limits;
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    const auto peer = socket.remote_endpoint(ec);
    const auto clientAddress = ec ? asio::ip::address() : peer.address();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    buffer.reserve(kRequestBufferBytes); // room for a typical request in one read (Beast reads at most the free capacity)

    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.maxHeaderBytes));
        parser.body_limit(limits.maxBodyBytes);

        stream.expires_after(limits.idleTimeout);
        co_await http::async_read_header(stream, buffer, parser, redirect_error(use_awaitable, ec));
        const auto receivedAt = std::chrono::steady_clock::now();
        const auto receivedAtWallClock = std::chrono::system_clock::now();
        if (!ec && parser.get()[http::field::expect] == "100-continue" && !parser.is_done()) {
            // Clients like curl otherwise wait a second before sending a large body.
            if (parser.content_length() && *parser.content_length() > limits.maxBodyBytes) {
                ec = http::error::body_limit;
            } else {
                stream.expires_after(limits.readTimeout);
                co_await asio::async_write(stream, asio::buffer("HTTP/1.1 100 Continue\r\n\r\n", 25),
                    redirect_error(use_awaitable, ec));
            }
        }
        if (!ec && !parser.is_done()) {
            stream.expires_after(limits.readTimeout);
            co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
        }
        if (ec) {
            if (auto error = readErrorToAnswer(ec, limits.maxBodyBytes)) {
                IncomingRequest rejected{parser.release(), receivedAt, receivedAtWallClock, workerIndex, clientAddress};
                if (state->onRejected)
                    state->onRejected(rejected, error->status, error->code);
                co_await reject(stream, rejected.message.version() ? rejected.message.version() : 11, *error, limits.readTimeout);
            }
            break;
        }

        IncomingRequest request{parser.release(), receivedAt, receivedAtWallClock, workerIndex, clientAddress};
        const bool keepAlive = request.message.keep_alive() && !state->draining.load(std::memory_order_relaxed);
        TcpResponseChannel channel(stream, request.message.version(), keepAlive, limits.readTimeout);
        stream.expires_never();
        co_await state->handler(request, channel);
        if (!channel.keepAlive())
            break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
    state->closedConnections.fetch_add(1, std::memory_order_relaxed);
}

} // namespace gatehouse
