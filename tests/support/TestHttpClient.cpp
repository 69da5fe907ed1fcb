#include "TestHttpClient.h"

#include <utility> // Boost 1.74 awaitable.hpp needs std::exchange

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string TestResponse::header(const std::string& name) const
{
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

struct TestHttpClient::Impl {
    asio::io_context context;
    beast::tcp_stream stream{context};
    beast::flat_buffer buffer;
    std::string host;
    unsigned short port;
    bool connected = false;

    void connect()
    {
        if (connected)
            return;
        stream.connect(tcp::endpoint(asio::ip::make_address(host), port));
        connected = true;
    }
};

namespace {

TestResponse fromParser(http::response_parser<http::string_body>& parser)
{
    TestResponse response;
    auto& message = parser.get();
    response.status = message.result_int();
    for (const auto& field : message) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        response.headers[name] = std::string(field.value());
    }
    response.body = message.body();
    return response;
}

http::request<http::string_body> makeRequest(const std::string& method, const std::string& target, const std::string& body,
    const std::map<std::string, std::string>& headers)
{
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers)
        request.set(name, value);
    request.body() = body;
    if (!body.empty() || method == "POST")
        request.prepare_payload();
    return request;
}

} // namespace

TestHttpClient::TestHttpClient(unsigned short port, std::string host)
    : m_impl(new Impl)
{
    m_impl->host = std::move(host);
    m_impl->port = port;
}

TestHttpClient::~TestHttpClient()
{
    delete m_impl;
}

TestResponse TestHttpClient::request(const std::string& method, const std::string& target, const std::string& body,
    const std::map<std::string, std::string>& headers)
{
    std::vector<TimedPiece> ignored;
    return requestStreaming(method, target, body, headers, ignored);
}

TestResponse TestHttpClient::postJson(const std::string& target, const std::string& body, const std::string& key)
{
    return request("POST", target, body, {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
}

TestResponse TestHttpClient::raw(const std::string& bytes)
{
    try {
        m_impl->connect();
        asio::write(m_impl->stream, asio::buffer(bytes));
        http::response_parser<http::string_body> parser;
        m_impl->stream.expires_after(std::chrono::seconds(30));
        http::read(m_impl->stream, m_impl->buffer, parser);
        return fromParser(parser);
    } catch (const std::exception& error) {
        m_impl->connected = false;
        return {0, {}, {}, error.what()};
    }
}

TestResponse TestHttpClient::requestStreaming(const std::string& method, const std::string& target, const std::string& body,
    const std::map<std::string, std::string>& headers, std::vector<TimedPiece>& pieces)
{
    try {
        m_impl->connect();
        const auto request = makeRequest(method, target, body, headers);
        m_impl->stream.expires_after(std::chrono::seconds(30));
        http::write(m_impl->stream, request);

        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        http::read_header(m_impl->stream, m_impl->buffer, parser);
        std::size_t seen = 0;
        while (!parser.is_done()) {
            http::read_some(m_impl->stream, m_impl->buffer, parser);
            const auto& sofar = parser.get().body();
            if (sofar.size() > seen) {
                pieces.push_back({std::chrono::steady_clock::now(), sofar.substr(seen)});
                seen = sofar.size();
            }
        }
        auto response = fromParser(parser);
        if (!parser.keep_alive()) {
            beast::error_code ignored;
            m_impl->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            m_impl->stream.close();
            m_impl->connected = false;
        }
        return response;
    } catch (const std::exception& error) {
        m_impl->connected = false;
        m_impl->stream.close();
        m_impl->buffer.clear();
        return {0, {}, {}, error.what()};
    }
}
