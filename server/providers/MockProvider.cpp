#include "providers/MockProvider.h"

#include "gateway/Responses.h"
#include "mock/MockCompletion.h"

namespace gatehouse {
namespace {

Awaitable<void> wait(std::chrono::milliseconds duration)
{
    if (duration.count() <= 0)
        co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor, duration);
    error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

} // namespace

Awaitable<void> MockProvider::chatCompletion(RequestContext& context, ResponseChannel& channel, UpstreamPool&) const
{
    const auto& settings = context.deployment->provider->mock;
    const MockCompletion completion(context.deployment->upstreamModel, "chatcmpl-" + context.requestId,
        context.request.message.body().size());
    const auto started = std::chrono::steady_clock::now();
    co_await wait(settings.latency);

    context.record.status = 200;
    context.record.promptTokens = completion.usage().promptTokens;
    context.record.completionTokens = completion.usage().completionTokens;
    if (!context.chat.stream) {
        context.upstreamTime = std::chrono::steady_clock::now() - started;
        const auto head = responseHead(context, 200);
        const auto body = completion.completionJson();
        co_await channel.send(head, body);
        co_return;
    }
    const auto events = completion.streamEvents(settings.streamChunks);
    const auto head = responseHead(context, 200, "text/event-stream");
    bool delivered = co_await channel.begin(head, events.front());
    for (std::size_t i = 1; delivered && i < events.size(); ++i) {
        co_await wait(settings.chunkInterval);
        delivered = co_await channel.piece(events[i]);
    }
    if (delivered)
        delivered = co_await channel.end();
    context.upstreamTime = std::chrono::steady_clock::now() - started;
    if (!delivered) {
        context.record.status = 499;
        context.record.errorCode = "client_closed";
    }
}

} // namespace gatehouse
