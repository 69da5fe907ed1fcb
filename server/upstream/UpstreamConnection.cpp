#include "upstream/UpstreamConnection.h"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>

namespace gatehouse {
namespace {
using asio::redirect_error;
using asio::use_awaitable;
} // namespace

UpstreamConnection::UpstreamConnection(asio::any_io_executor executor, asio::ssl::context* tls, std::string poolKey)
    : m_poolKey(std::move(poolKey))
{
    // Beast reads at most the buffer's free capacity (512 bytes for a fresh one): without room, a
    // 1.4 KB answer takes three reads and is relayed in three writes.
    m_buffer.reserve(kReadBufferBytes);
    if (tls)
        m_tls.emplace(executor, *tls);
    else
        m_plain.emplace(executor);
}

beast::tcp_stream& UpstreamConnection::tcp()
{
    return m_tls ? beast::get_lowest_layer(*m_tls) : *m_plain;
}

Awaitable<error_code> UpstreamConnection::connect(const std::string& host, uint16_t port, std::chrono::milliseconds timeout)
{
    error_code ec;
    tcp::resolver resolver(co_await asio::this_coro::executor);
    const auto endpoints = co_await resolver.async_resolve(host, std::to_string(port), redirect_error(use_awaitable, ec));
    if (ec)
        co_return ec;
    tcp().expires_after(timeout);
    co_await tcp().async_connect(endpoints, redirect_error(use_awaitable, ec));
    if (ec)
        co_return ec;
    tcp().socket().set_option(tcp::no_delay(true), ec);
    if (m_tls) {
        // SNI, and the certificate must name the host we asked for.
        if (!SSL_set_tlsext_host_name(m_tls->native_handle(), host.c_str()))
            co_return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
        m_tls->set_verify_callback(asio::ssl::host_name_verification(host));
        co_await m_tls->async_handshake(asio::ssl::stream_base::client, redirect_error(use_awaitable, ec));
    }
    co_return ec;
}

Awaitable<error_code> UpstreamConnection::write(const RequestBuffers& buffers)
{
    error_code ec;
    co_await onStream([&](auto& stream) { return asio::async_write(stream, buffers, redirect_error(use_awaitable, ec)); });
    co_return ec;
}

Awaitable<error_code> UpstreamConnection::readHeader(ResponseParser& parser)
{
    error_code ec;
    co_await onStream([&](auto& stream) { return http::async_read_header(stream, m_buffer, parser, redirect_error(use_awaitable, ec)); });
    co_return ec;
}

Awaitable<error_code> UpstreamConnection::readSome(ResponseParser& parser)
{
    error_code ec;
    co_await onStream([&](auto& stream) { return http::async_read_some(stream, m_buffer, parser, redirect_error(use_awaitable, ec)); });
    if (ec == http::error::need_buffer)
        ec = {}; // the caller's body buffer is full: not an error, it hands out what it got
    co_return ec;
}

bool UpstreamConnection::looksOpen()
{
    if (m_buffer.size() > 0)
        return false; // bytes nobody asked for: the connection is out of step
    char byte = 0;
    const auto received = ::recv(tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void UpstreamConnection::expiresAfter(std::chrono::milliseconds timeout)
{
    tcp().expires_after(timeout);
}

void UpstreamConnection::close()
{
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
}

} // namespace gatehouse
