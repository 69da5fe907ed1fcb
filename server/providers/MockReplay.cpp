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

Awaitable<bool> replayBody(ResponseChannel& channel, const ResponseHead& head, std::string_view body, const MockPace& pace)
{
    co_await pauseFor(pace.latency);
    co_return co_await channel.send(head, body);
}

Awaitable<bool> replayPieces(ResponseChannel& channel, const ResponseHead& head, const std::vector<std::string>& pieces,
    const MockPace& pace)
{
    co_await pauseFor(pace.latency);
    const std::string_view first = pieces.empty() ? std::string_view() : std::string_view(pieces.front());
    bool delivered = co_await channel.begin(head, first);
    for (std::size_t i = 1; delivered && i < pieces.size(); ++i) {
        co_await pauseFor(pace.chunkInterval);
        delivered = co_await channel.piece(pieces[i]);
    }
    if (delivered)
        delivered = co_await channel.end();
    co_return delivered;
}

Awaitable<bool> replayMockCompletion(ResponseChannel& channel, const MockCompletion& completion,
    const ChatRequestFields& request, const ResponseHead& head, const MockPace& pace)
{
    if (!request.stream) {
        const auto body = completion.completionJson();
        co_return co_await replayBody(channel, head, body, pace);
    }
    auto streamHead = head;
    streamHead.contentType = "text/event-stream";
    const auto events = completion.streamEvents(pace.streamChunks, request.includeUsage);
    co_return co_await replayPieces(channel, streamHead, events, pace);
}

} // namespace gatehouse
