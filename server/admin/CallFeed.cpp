#include "admin/CallFeed.h"

#include "calls/CallRecordJson.h"

namespace gatehouse {

CallFeed::Subscription::Subscription(CallFeed& feed, CallFilter filter, const asio::any_io_executor& executor)
    : m_feed(feed)
    , m_filter(std::move(filter))
    , m_wake(executor)
{
}

CallFeed::Subscription::~Subscription()
{
    std::lock_guard lock(m_feed.m_mutex);
    --m_feed.m_open;
    m_feed.m_ended.notify_all();
}

Awaitable<void> CallFeed::Subscription::wait(std::chrono::steady_clock::duration timeout)
{
    {
        // Events pushed while the session was writing: no wait. A push after this check posts its
        // wake-up to this executor, which runs it only once this coroutine waits below.
        std::lock_guard lock(m_mutex);
        if (!m_events.empty() || m_dropped > 0 || m_closed)
            co_return;
    }
    m_wake.expires_after(timeout);
    error_code ignored;
    co_await m_wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

std::string CallFeed::Subscription::take(bool& closed)
{
    std::deque<std::string> events;
    uint64_t dropped = 0;
    {
        std::lock_guard lock(m_mutex);
        events.swap(m_events);
        dropped = std::exchange(m_dropped, 0);
        closed = m_closed;
    }
    std::string text;
    if (dropped > 0)
        text += "event: dropped\ndata: {\"dropped\":" + std::to_string(dropped) + "}\n\n";
    for (const auto& event : events)
        text.append("event: call\ndata: ").append(event).append("\n\n");
    return text;
}

void CallFeed::Subscription::push(const std::vector<std::string>& events)
{
    {
        std::lock_guard lock(m_mutex);
        for (const auto& event : events) {
            if (m_events.size() == kQueueLimit) {
                m_events.pop_front();
                ++m_dropped;
            }
            m_events.push_back(event);
        }
    }
    // The session's timer is touched on its own executor only; the handler keeps the subscription alive.
    asio::post(m_wake.get_executor(), [self = shared_from_this()] { self->m_wake.cancel(); });
}

void CallFeed::Subscription::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    asio::post(m_wake.get_executor(), [self = shared_from_this()] { self->m_wake.cancel(); });
}

std::shared_ptr<CallFeed::Subscription> CallFeed::subscribe(CallFilter filter, const asio::any_io_executor& executor)
{
    auto subscription = std::make_shared<Subscription>(*this, std::move(filter), executor);
    std::lock_guard lock(m_mutex);
    ++m_open;
    if (m_closed)
        subscription->m_closed = true;
    std::erase_if(m_subscriptions, [](const auto& weak) { return weak.expired(); });
    m_subscriptions.push_back(subscription);
    return subscription;
}

void CallFeed::publish(const std::vector<CallRecord>& batch)
{
    std::vector<std::shared_ptr<Subscription>> open;
    {
        std::lock_guard lock(m_mutex);
        for (const auto& weak : m_subscriptions) {
            if (auto subscription = weak.lock())
                open.push_back(std::move(subscription));
        }
    }
    if (open.empty())
        return; // nobody listens: nothing is formatted
    for (const auto& subscription : open) {
        std::vector<std::string> events;
        for (const auto& record : batch) {
            if (callMatches(subscription->m_filter, record))
                events.push_back(callRecordJson(record).dump());
        }
        if (!events.empty())
            subscription->push(events);
    }
}

void CallFeed::close()
{
    std::lock_guard lock(m_mutex);
    m_closed = true;
    for (const auto& weak : m_subscriptions) {
        if (auto subscription = weak.lock())
            subscription->close();
    }
}

bool CallFeed::waitUntilEnded(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    return m_ended.wait_for(lock, timeout, [&] { return m_open == 0; });
}

} // namespace gatehouse
