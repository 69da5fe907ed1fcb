// Fault modes of `gatehouse mock-upstream`, for tests of the gateway's retries, fallbacks and
// circuit breakers. The gateway sends each deployment's upstream model name to the upstream, so a
// fault is asked for by the model name (see docs/providers.md, "Fault modes"):
//
//     mock-fault:<key>=<value>,<key>,...        e.g. "mock-fault:fail=2,status=503,id=t1"
//
// Here: reading that name, counting the requests each model name gets, and the channel that cuts a
// stream short. MockFlavor::answeredByFault plays a fault; each flavor only supplies its bodies.
#pragma once

#include "http/Exchange.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

namespace gatehouse {

constexpr std::string_view kMockFaultPrefix = "mock-fault:";

// What a failing request gets.
enum class MockFailure {
    None,          // no failure was asked for: every request succeeds
    Status,        // the flavor's error body for `status`
    ContextLength, // the flavor's "prompt too long" 400
    Reset,         // no answer: the connection is closed
};

struct MockFaultSpec {
    MockFailure failure = MockFailure::None;
    int status = 503;                        // status=S (400..599)
    std::optional<int> failCount;            // fail=N: only the first N requests fail; unset: all do
    std::optional<int> retryAfterSeconds;    // retry_after=S: Retry-After on failing answers
    std::chrono::milliseconds delay{0};      // delay_ms=D: before every answer's head
    std::optional<int> resetAfterChunks;     // reset_after_chunks=K: successful streams stop after K events

    // Whether the model's request number `ordinal` (1 for its first) fails.
    bool fails(int ordinal) const;
};

// "mock-fault:..." → the spec, or a message naming the key (or value) that is wrong.
std::variant<MockFaultSpec, std::string> parseMockFault(std::string_view model);

// How many requests each exact model name got. Thread-safe; one per MockUpstreamServer.
class MockFaultCounter {
public:
    // Counts one more request for `model` and returns its number (1 for the first).
    int next(const std::string& model);
    int count(const std::string& model) const;

private:
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, int> m_counts;
};

// The channel a flavor answers on: everything goes on to the connection's channel, but a streamed
// answer can be cut short (reset_after_chunks): after its head and that many non-empty pieces the
// connection is aborted, the body left unfinished, and the flavor's stream stops (false).
class MockChannel final : public ResponseChannel {
public:
    explicit MockChannel(ResponseChannel& connection)
        : m_connection(connection)
    {
    }

    void cutStreamAfter(int pieces) { m_piecesLeft = pieces; }

    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override;
    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override;
    Awaitable<bool> piece(std::string_view data) override;
    Awaitable<bool> end() override;
    void abort() override { m_connection.abort(); }

private:
    // After `sent` went out: false (and the connection aborted) when the stream is to stop here.
    bool goesOn(std::string_view sent);

    ResponseChannel& m_connection;
    std::optional<int> m_piecesLeft;
};

} // namespace gatehouse
