// A small blocking HTTP/1.1 client for the tools beside the gateway (the CLI's --remote, the GitLab
// REST client): one request on one connection, then close. It drives the gateway's own
// UpstreamConnection (connect timeout, TCP_NODELAY, and for https:// SNI plus certificate and
// host-name verification against the system trust store), so these tools trust a server exactly as
// the gateway trusts a provider.
#pragma once

#include "config/GatewayConfig.h"
#include "http/Asio.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse {

// The server could not be reached or did not answer; the message names the URL and the problem.
class HttpTransportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct HttpAnswer {
    int status = 0;
    std::string contentType;
    std::string body;
};

struct HttpTimeouts {
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds answer{30000}; // for the whole exchange after connecting
};

// What the client talks to, as its messages name it, and how it introduces itself.
struct HttpService {
    std::string name; // "the admin API": "cannot connect to the admin API at URL"
    std::string urlNoun; // "an admin API URL": "'x' is not an admin API URL"
    std::string userAgent; // "gatehouse-cli/0.1"
};

class BlockingHttpClient {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    // `baseUrl`: "http://127.0.0.1:8089" or "https://gatehouse.example.com/gateway" (a path is kept
    // as a prefix, for a server behind a reverse proxy). Throws HttpTransportError for a bad URL.
    BlockingHttpClient(HttpService service, const std::string& baseUrl, HttpTimeouts timeouts = {});

    // Throws HttpTransportError when there is no HTTP answer; any status is an answer. Header
    // values (tokens) never appear in an error message.
    HttpAnswer send(http::verb method, const std::string& target, const std::string& body, const Headers& headers) const;

    // The URL as given, for messages.
    const std::string& url() const { return m_text; }

private:
    std::string requestHead(http::verb method, const std::string& target, std::size_t bodySize, const Headers& headers) const;

    HttpService m_service;
    std::string m_text;
    UpstreamUrl m_url;
    HttpTimeouts m_timeouts;
};

} // namespace gatehouse
