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

AdminApi::AdminApi(AdminService& service)
    : m_service(service)
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
    ResponseHead head{result.status, result.contentType, std::nullopt, std::move(result.headers)};
    head.headers.emplace_back("Cache-Control", "no-store");
    const std::string body = std::move(result.body);
    co_await channel.send(head, body);
}

} // namespace gatehouse
