#include "providers/ProviderErrorRelay.h"

#include "gateway/Responses.h"

namespace gatehouse {

namespace {
constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;
}

Awaitable<void> relayProviderError(RequestContext& context, ResponseChannel& channel, UpstreamExchange& exchange,
    const ProviderDialect& dialect, const DialectTarget& target)
{
    std::string body;
    const auto ec = co_await exchange.readWholeBody(body, kMaxErrorBodyBytes);
    if (ec) {
        const auto error = ApiError::upstreamFailed("The error answer of " + exchange.where() + " broke off: " + ec.message() + ".");
        co_await sendError(context, channel, error);
        co_return;
    }
    exchange.finish();
    const auto error = dialect.error(exchange.status(), body, target);
    ResponseHeaders extra;
    if (const auto retryAfter = exchange.header(http::field::retry_after); !retryAfter.empty())
        extra.emplace_back("Retry-After", std::string(retryAfter));
    co_await sendError(context, channel, error, extra);
}

} // namespace gatehouse
