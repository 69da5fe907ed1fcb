#include "admin/AdminApi.h"

#include <chrono>
#include <optional>

namespace gatehouse {
namespace {

// Where an answer that may come from another thread is handed to the session's coroutine: the
// answer is posted to the session's executor, which then cancels the timer the coroutine waits on.
struct PendingAnswer {
    explicit PendingAnswer(const asio::any_io_executor& executor)
        : ready(executor, std::chrono::steady_clock::time_point::max())
    {
    }
    asio::steady_timer ready;
    std::optional<AdminResult> result;
};

} // namespace

AdminApi::AdminApi(AdminService& service, CallFeed* feed)
    : m_service(service)
    , m_feed(feed)
{
}

Awaitable<void> AdminApi::handle(IncomingRequest& request, ResponseChannel& channel)
{
    const auto& message = request.message;
    AdminRequest adminRequest{message.method(), std::string(message.target()), message.body(),
        AdminCaller::withAuthorization(std::string(message[http::field::authorization]))};
    // Runs on the worker: admin calls are rare and short, so the blocking SQLite work costs the
    // data plane next to nothing. A provider test is the exception: it waits on the provider, so
    // this coroutine waits without blocking the worker.
    const auto executor = co_await asio::this_coro::executor;
    auto pending = std::make_shared<PendingAnswer>(executor);
    m_service.respondAsync(adminRequest, [pending](AdminResult result) {
        auto executor = pending->ready.get_executor();
        asio::post(executor, [pending, result = std::move(result)]() mutable {
            pending->result = std::move(result);
            pending->ready.cancel();
        });
    });
    // The post above runs on this executor, so only once this coroutine waits: no wake-up is lost.
    error_code ignored;
    co_await pending->ready.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (!pending->result) // the gateway is shutting down
        co_return;
    auto& result = *pending->result;
    if (result.callStream) {
        if (m_feed) {
            co_await streamCalls(*result.callStream, channel);
            co_return;
        }
        result = AdminResult{503, "application/json",
            ApiError{503, "The live stream of calls needs a running gateway.", "server_error", {}, "gateway_required"}.toJson()};
    }
    ResponseHead head{result.status, result.contentType, std::nullopt, std::move(result.headers)};
    head.headers.emplace_back("Cache-Control", "no-store");
    const std::string body = std::move(result.body);
    co_await channel.send(head, body);
}

Awaitable<void> AdminApi::streamCalls(const CallFilter& filter, ResponseChannel& channel)
{
    constexpr auto kKeepAlive = std::chrono::seconds(15);
    auto subscription = m_feed->subscribe(filter, co_await asio::this_coro::executor);
    ResponseHead head{200, "text/event-stream", std::nullopt, {{"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}}};
    const std::string hello = ": gatehouse calls stream\n\n";
    if (!co_await channel.begin(head, hello))
        co_return;
    for (;;) {
        co_await subscription->wait(kKeepAlive);
        bool closed = false;
        auto events = subscription->take(closed);
        if (events.empty())
            events = ": keep-alive\n\n";
        if (!co_await channel.piece(events) || closed)
            break;
    }
    co_await channel.end();
}

} // namespace gatehouse
