#include "admin/AdminApi.h"

namespace gatehouse {

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
    // data plane next to nothing.
    auto result = m_service.respond(adminRequest);
    ResponseHead head{result.status, result.contentType, std::nullopt, std::move(result.headers)};
    head.headers.emplace_back("Cache-Control", "no-store");
    const std::string body = std::move(result.body);
    co_await channel.send(head, body);
}

} // namespace gatehouse
