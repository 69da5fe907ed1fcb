#include "http/BlockingHttpClient.h"

#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "upstream/UpstreamConnection.h"

#include <boost/asio/ssl/error.hpp>

#include <array>
#include <optional>

namespace gatehouse {
namespace {

// Admin answers are small (the largest is an audit CSV page of 1000 entries), GitLab's too.
constexpr std::uint64_t kLargestAnswerBytes = 64 * 1024 * 1024;

enum class Stage { Connecting, Exchanging };

struct Outcome {
    HttpAnswer answer;
    error_code error;
    Stage failedAt = Stage::Connecting;
};

// One request and its whole answer. Its parameters are named objects owned by the caller, never
// temporaries (docs/ARCHITECTURE.md: GCC 12 and coroutine arguments).
Awaitable<void> exchange(UpstreamConnection& connection, const UpstreamUrl& url, const UpstreamConnection::RequestBuffers& request,
    const HttpTimeouts& timeouts, Outcome& outcome)
{
    outcome.error = co_await connection.connect(url.host, url.port, timeouts.connect);
    if (outcome.error)
        co_return;
    outcome.failedAt = Stage::Exchanging;
    connection.expiresAfter(timeouts.answer);
    outcome.error = co_await connection.write(request);
    if (outcome.error)
        co_return;
    UpstreamConnection::ResponseParser parser;
    parser.body_limit(kLargestAnswerBytes);
    outcome.error = co_await connection.readHeader(parser);
    if (outcome.error)
        co_return;
    std::array<char, UpstreamConnection::kReadBufferBytes> buffer;
    while (!parser.is_done()) {
        parser.get().body().data = buffer.data();
        parser.get().body().size = buffer.size();
        outcome.error = co_await connection.readSome(parser);
        if (outcome.error)
            co_return;
        outcome.answer.body.append(buffer.data(), buffer.size() - parser.get().body().size);
    }
    outcome.answer.status = parser.get().result_int();
    const auto contentType = parser.get()[http::field::content_type];
    outcome.answer.contentType.assign(contentType.data(), contentType.size());
    connection.close();
}

// https:// is verified against the system's trust store, as the gateway does for providers.
asio::ssl::context systemTrustingTlsContext()
{
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.set_verify_mode(asio::ssl::verify_peer);
    context.set_default_verify_paths();
    return context;
}

std::string seconds(std::chrono::milliseconds duration)
{
    return std::to_string((duration.count() + 999) / 1000) + " s";
}

bool containsLineBreak(std::string_view text)
{
    return text.find_first_of("\r\n") != std::string_view::npos;
}

} // namespace

BlockingHttpClient::BlockingHttpClient(HttpService service, const std::string& baseUrl, HttpTimeouts timeouts)
    : m_service(std::move(service))
    , m_text(baseUrl)
    , m_timeouts(timeouts)
{
    try {
        m_url = parseUpstreamUrl(baseUrl);
    } catch (const ConfigError&) {
        throw HttpTransportError("'" + baseUrl + "' is not " + m_service.urlNoun + ": use http://HOST:PORT or https://HOST[:PORT][/PATH]");
    }
}

std::string BlockingHttpClient::requestHead(http::verb method, const std::string& target, std::size_t bodySize, const Headers& headers) const
{
    const auto methodName = http::to_string(method);
    std::string head(methodName.data(), methodName.size());
    head += " " + m_url.basePath + target + " HTTP/1.1\r\nHost: ";
    head += m_url.host.find(':') == std::string::npos ? m_url.host : "[" + m_url.host + "]";
    if (m_url.port != (m_url.tls ? 443 : 80))
        head += ":" + std::to_string(m_url.port);
    head += "\r\nAccept: application/json\r\nUser-Agent: " + m_service.userAgent + "\r\nConnection: close\r\n";
    if (method != http::verb::get && method != http::verb::delete_)
        head += "Content-Type: application/json\r\nContent-Length: " + std::to_string(bodySize) + "\r\n";
    for (const auto& [name, value] : headers)
        head += name + ": " + value + "\r\n";
    return head + "\r\n";
}

HttpAnswer BlockingHttpClient::send(http::verb method, const std::string& target, const std::string& body, const Headers& headers) const
{
    for (const auto& [name, value] : headers) {
        if (containsLineBreak(value))
            throw HttpTransportError("the " + name + " header for " + m_text + " contains a line break; check the value given");
    }
    asio::io_context io;
    std::optional<asio::ssl::context> tls;
    if (m_url.tls)
        tls.emplace(systemTrustingTlsContext());
    UpstreamConnection connection(io.get_executor(), tls ? &*tls : nullptr, m_text);
    const auto head = requestHead(method, target, body.size(), headers);
    const UpstreamConnection::RequestBuffers request{asio::buffer(head), asio::buffer(body), asio::const_buffer(), asio::const_buffer()};
    Outcome outcome;
    asio::co_spawn(io, exchange(connection, m_url, request, m_timeouts, outcome), asio::detached);
    io.run();

    if (!outcome.error)
        return std::move(outcome.answer);
    const bool timedOut = outcome.error == beast::error::timeout;
    if (outcome.failedAt == Stage::Connecting) {
        if (timedOut)
            throw HttpTransportError("no connection to " + m_service.name + " at " + m_text + " within " + seconds(m_timeouts.connect));
        const bool tlsFailed = outcome.error.category() == asio::error::get_ssl_category();
        throw HttpTransportError("cannot connect to " + m_service.name + " at " + m_text + ": " + (tlsFailed ? "TLS: " : "")
            + outcome.error.message());
    }
    if (timedOut)
        throw HttpTransportError("no answer from " + m_service.name + " at " + m_text + " within " + seconds(m_timeouts.answer));
    throw HttpTransportError(m_service.name + " at " + m_text + " did not answer: " + outcome.error.message());
}

} // namespace gatehouse
