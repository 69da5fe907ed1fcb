// Plays a MockCompletion on a response channel at the configured pace: used by the built-in
// `mock` provider and by `gatehouse mock-upstream`, so both stream exactly alike.
#pragma once

#include "http/Exchange.h"
#include "mock/MockCompletion.h"

namespace gatehouse {

struct MockPace {
    std::chrono::milliseconds latency{0};       // before the answer starts
    int streamChunks = 8;
    std::chrono::milliseconds chunkInterval{0}; // between streamed events
};

// Waits `duration` on the current executor (no-op for zero).
Awaitable<void> pauseFor(std::chrono::milliseconds duration);

// Sends the whole completion (head given) or its SSE events one by one. Returns false when the
// client went away. Waits `pace.latency` first.
Awaitable<bool> replayMockCompletion(ResponseChannel& channel, const MockCompletion& completion, bool stream,
    const ResponseHead& head, const MockPace& pace);

} // namespace gatehouse
