#include "admin/AdminApi.h"

#include "openai/ApiError.h"

namespace gatehouse {

struct AdminApi::State {
    std::string databasePath;
    AdminApiHooks hooks;
};

AdminApi::AdminApi(std::string databasePath, AdminApiHooks hooks)
    : m_state(std::make_unique<State>(State{std::move(databasePath), std::move(hooks)}))
{
}

AdminApi::~AdminApi() = default;

Awaitable<void> AdminApi::handle(IncomingRequest&, ResponseChannel& channel)
{
    const auto error = ApiError::notFound("Unknown admin path. This version serves GET /admin/v1/status.");
    const ResponseHead head{error.status};
    const auto body = error.toJson();
    co_await channel.send(head, body);
}

} // namespace gatehouse
