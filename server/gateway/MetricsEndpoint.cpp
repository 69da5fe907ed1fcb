#include "gateway/MetricsEndpoint.h"

#include "metrics/PrometheusTextWriter.h"
#include "openai/ApiError.h"

#include <openssl/crypto.h>

namespace gatehouse {
namespace {

std::string_view pathOf(const IncomingRequest& request)
{
    const auto target = request.message.target();
    return target.substr(0, target.find('?'));
}

} // namespace

MetricsEndpoint::MetricsEndpoint(MetricsSettings settings, const CallMetrics& calls, GaugeSource gauges)
    : m_settings(std::move(settings))
    , m_calls(calls)
    , m_gauges(std::move(gauges))
{
}

bool MetricsEndpoint::serves(const IncomingRequest& request)
{
    return pathOf(request) == "/metrics";
}

bool MetricsEndpoint::authorized(const IncomingRequest& request) const
{
    const auto& token = m_settings.bearerToken;
    if (token.empty())
        return true;
    const auto header = request.message[http::field::authorization];
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() != scheme.size() + token.size() || !header.starts_with(scheme))
        return false;
    // Constant time: how long a wrong guess takes must not tell how much of it was right.
    return CRYPTO_memcmp(header.data() + scheme.size(), token.data(), token.size()) == 0;
}

std::string MetricsEndpoint::page() const
{
    return gatewayMetricsText(m_calls.snapshot(), m_gauges());
}

void MetricsEndpoint::stop()
{
    m_writer.join(); // returns once the page being written, if any, is handed back
}

Awaitable<void> MetricsEndpoint::handle(IncomingRequest& request, ResponseChannel& channel)
{
    ResponseHead head;
    std::string body;
    if (request.message.method() != http::verb::get) {
        const auto method = request.message.method_string();
        const auto error = ApiError::methodNotAllowed(std::string(method), "/metrics", "GET");
        head.status = error.status;
        head.headers.emplace_back("Allow", "GET");
        body = error.toJson();
    } else if (!authorized(request)) {
        auto error = ApiError::invalidApiKey("GET /metrics needs the metrics token (metrics.bearer_token) as 'Authorization: Bearer <token>'; "
                                             "data-plane keys are not accepted here.");
        error.code = "invalid_metrics_token";
        head.status = error.status;
        head.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="gatehouse-metrics")");
        body = error.toJson();
    } else {
        head.contentType = std::string(PrometheusTextWriter::kContentType);
        head.headers.emplace_back("Cache-Control", "no-store");
        auto writePage = [this]() -> Awaitable<std::string> { co_return page(); }; // named: see ARCHITECTURE.md, pitfalls
        body = co_await asio::co_spawn(m_writer, std::move(writePage), asio::use_awaitable);
    }
    co_await channel.send(head, body);
}

} // namespace gatehouse
