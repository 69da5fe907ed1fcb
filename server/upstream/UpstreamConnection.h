// One kept-alive connection to an upstream provider, plain TCP or TLS.
#pragma once

#include "http/Asio.h"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <optional>
#include <string>

namespace gatehouse {

class UpstreamConnection {
public:
    using PlainStream = beast::tcp_stream;
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    using RequestBuffers = std::array<asio::const_buffer, 4>;
    using ResponseParser = http::response_parser<http::buffer_body>;
    static constexpr std::size_t kReadBufferBytes = 16 * 1024;

    UpstreamConnection(asio::any_io_executor executor, asio::ssl::context* tls, std::string poolKey);

    // Resolves, connects (TCP_NODELAY) and, for TLS, verifies the certificate for `host`.
    Awaitable<error_code> connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

    Awaitable<error_code> write(const RequestBuffers& buffers);
    Awaitable<error_code> readHeader(ResponseParser& parser);
    Awaitable<error_code> readSome(ResponseParser& parser);
    void expiresAfter(std::chrono::milliseconds timeout);
    void close();

    const std::string& poolKey() const { return m_poolKey; }
    bool reused() const { return m_uses > 1; }
    // For an idle connection: false when the provider closed it (or sent something unasked).
    bool looksOpen();
    void markUsed() { ++m_uses; }

private:
    beast::tcp_stream& tcp();
    // Starts the same operation on whichever stream this connection has (TLS or plain).
    template<typename Operation>
    auto onStream(Operation&& operation) { return m_tls ? operation(*m_tls) : operation(*m_plain); }

    std::optional<PlainStream> m_plain;
    std::optional<TlsStream> m_tls;
    beast::flat_buffer m_buffer;
    std::string m_poolKey;
    int m_uses = 0;
};

} // namespace gatehouse
