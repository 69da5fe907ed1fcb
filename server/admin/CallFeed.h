// The live stream of calls (GET /admin/v1/calls/stream, docs/admin-api.md "Calls"): fans each
// batch the call-record writer commits out to the streams open on the admin API, each with its own
// filter and a bounded queue. A stream that cannot keep up loses the oldest events it has not
// sent, and is told how many (an SSE `dropped` event): never silently.
#pragma once

#include "calls/CallRecord.h"
#include "http/Asio.h"
#include "store/CallHistory.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gatehouse {

class CallFeed {
public:
    static constexpr std::size_t kQueueLimit = 10'000; // events a stream may fall behind

    // One open stream. Its session takes events on its own executor.
    class Subscription : public std::enable_shared_from_this<Subscription> {
    public:
        Subscription(CallFeed& feed, CallFilter filter, const asio::any_io_executor& executor);
        ~Subscription(); // the stream has ended: tells the feed

        // Waits until events arrive, the feed closes, or `timeout` passes (a keep-alive is due).
        Awaitable<void> wait(std::chrono::steady_clock::duration timeout);
        // The SSE text of what arrived since the last call ("" when nothing), a `dropped` event first
        // if events were lost. Sets `closed` once the feed is closed.
        std::string take(bool& closed);

    private:
        friend class CallFeed;
        void push(const std::vector<std::string>& events); // any thread
        void close();                                      // any thread

        CallFeed& m_feed; // outlives every subscription (GatewayServer stops its workers first)
        CallFilter m_filter;
        asio::steady_timer m_wake; // used on the session's executor only
        std::mutex m_mutex;
        std::deque<std::string> m_events;
        uint64_t m_dropped = 0;
        bool m_closed = false;
    };

    std::shared_ptr<Subscription> subscribe(CallFilter filter, const asio::any_io_executor& executor);

    // The call-record writer's subscriber: called on its thread after each committed batch.
    void publish(const std::vector<CallRecord>& batch);
    // Ends every stream (shutdown); later subscriptions start closed.
    void close();
    // After close(): waits until every stream has sent its end (their sessions run on the workers,
    // which must still be running), at most `timeout`. False if some did not end in time.
    bool waitUntilEnded(std::chrono::milliseconds timeout);

private:
    std::mutex m_mutex;
    std::condition_variable m_ended;
    std::vector<std::weak_ptr<Subscription>> m_subscriptions;
    int m_open = 0; // subscriptions alive
    bool m_closed = false;
};

} // namespace gatehouse
