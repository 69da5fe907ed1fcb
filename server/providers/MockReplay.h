// Plays mock answers on a response channel at the configured pace: used by the built-in `mock`
// provider and by every flavor of `gatehouse mock-upstream`, so all of them stream alike.
#pragma once

#include "http/Exchange.h"
#include "mock/MockCompletion.h"
#include "openai/ChatRequest.h"

namespace gatehouse {

struct MockPace {
    std::chrono::milliseconds latency{0};       // before the answer starts
    int streamChunks = 8;
    std::chrono::milliseconds chunkInterval{0}; // between streamed events
};

// Waits `duration` on the current executor (no-op for zero).
Awaitable<void> pauseFor(std::chrono::milliseconds duration);

// Waits `pace.latency`, then sends `body` whole. False when the client went away.
Awaitable<bool> replayBody(ResponseChannel& channel, const ResponseHead& head, std::string_view body, const MockPace& pace);

// Waits `pace.latency`, then sends `pieces` one by one, `pace.chunkInterval` apart, as one
// streamed (chunked) body with `head`. False when the client went away.
Awaitable<bool> replayPieces(ResponseChannel& channel, const ResponseHead& head, const std::vector<std::string>& pieces,
    const MockPace& pace);

// The OpenAI shape: the whole completion, or (request.stream) its SSE events, with the usage chunk
// when request.includeUsage. `head` is used as given, but streams are text/event-stream.
Awaitable<bool> replayMockCompletion(ResponseChannel& channel, const MockCompletion& completion,
    const ChatRequestFields& request, const ResponseHead& head, const MockPace& pace);

} // namespace gatehouse
