#include "providers/MockReplay.h"

namespace gatehouse {

Awaitable<void> pauseFor(std::chrono::milliseconds duration)
{
    if (duration.count() <= 0)
        co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor, duration);
    error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

Awaitable<bool> replayMockCompletion(ResponseChannel& channel, const MockCompletion& completion, bool stream,
    const ResponseHead& head, const MockPace& pace)
{
    co_await pauseFor(pace.latency);
    if (!stream) {
        const auto body = completion.completionJson();
        co_return co_await channel.send(head, body);
    }
    auto streamHead = head;
    streamHead.contentType = "text/event-stream";
    const auto events = completion.streamEvents(pace.streamChunks);
    bool delivered = co_await channel.begin(streamHead, events.front());
    for (std::size_t i = 1; delivered && i < events.size(); ++i) {
        co_await pauseFor(pace.chunkInterval);
        delivered = co_await channel.piece(events[i]);
    }
    if (delivered)
        delivered = co_await channel.end();
    co_return delivered;
}

} // namespace gatehouse
