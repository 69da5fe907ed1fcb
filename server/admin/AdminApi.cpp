#include "admin/AdminApi.h"

#include "admin/AdminInput.h"
#include "admin/AdminOperations.h"
#include "admin/AdminRouter.h"
#include "logging/Logging.h"
#include "store/AdminTokenStore.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"

#include <cctype>
#include <mutex>

namespace gatehouse {
namespace {

constexpr std::string_view kBearer = "bearer ";
constexpr std::size_t kShownTokenCharacters = 8; // "gat-AbCd": enough to tell tokens apart, never the secret

AdminResult errorResult(const ApiError& error)
{
    AdminResult result;
    result.status = error.status;
    result.body = error.toJson();
    return result;
}

ApiError unauthorized(std::string message)
{
    return {401, std::move(message), "authentication_error", {}, "invalid_admin_token"};
}

std::string_view presentedToken(const http::request<http::string_body>& message)
{
    const auto header = message[http::field::authorization];
    if (header.size() <= kBearer.size())
        return {};
    for (std::size_t i = 0; i < kBearer.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) != kBearer[i])
            return {};
    }
    auto token = header.substr(kBearer.size());
    while (!token.empty() && token.back() == ' ')
        token.remove_suffix(1);
    return {token.data(), token.size()};
}

} // namespace

// The admin API's own SQLite connection, used under `mutex`: requests arrive on several worker
// threads. Admin calls are rare and short, so running the blocking SQLite calls on the worker
// (instead of handing them to another thread) costs the data plane next to nothing.
struct AdminApi::State {
    State(const std::string& databasePath, AdminApiHooks hooks)
        : hooks(std::move(hooks))
        , database(databasePath)
        , governance(database)
        , tokens(database)
        , keys(database)
        , operations(governance, keys)
        , log(componentLogger("admin"))
    {
    }

    AdminResult respond(const http::request<http::string_body>& message);
    AdminToken authenticate(const http::request<http::string_body>& message);

    AdminApiHooks hooks;
    std::mutex mutex;
    Database database;
    GovernanceStore governance;
    AdminTokenStore tokens;
    KeyStore keys;
    AdminOperations operations;
    std::shared_ptr<spdlog::logger> log;
};

AdminApi::AdminApi(std::string databasePath, AdminApiHooks hooks)
    : m_state(std::make_unique<State>(databasePath, std::move(hooks)))
{
}

AdminApi::~AdminApi() = default;

Awaitable<void> AdminApi::handle(IncomingRequest& request, ResponseChannel& channel)
{
    auto result = m_state->respond(request.message);
    if (result.changed && m_state->hooks.governanceChanged) {
        // The change is committed whatever happens here; the gateway's own polling of the
        // governance generation catches up if this rebuild fails.
        try {
            m_state->hooks.governanceChanged();
        } catch (const std::exception& error) {
            m_state->log->error("the change is committed, but the data plane could not take it yet: {}", error.what());
        }
    }
    ResponseHead head{result.status, result.contentType, std::nullopt, std::move(result.headers)};
    head.headers.emplace_back("Cache-Control", "no-store");
    const std::string body = std::move(result.body);
    co_await channel.send(head, body);
}

AdminResult AdminApi::State::respond(const http::request<http::string_body>& message)
{
    const std::string_view target(message.target().data(), message.target().size());
    const auto questionMark = std::min(target.find('?'), target.size());
    const auto path = target.substr(0, questionMark);
    const auto query = target.substr(std::min(questionMark + 1, target.size()));
    const std::string method(message.method_string());

    const auto match = matchAdminRoute(path);
    if (!match)
        return errorResult(ApiError::notFound("Unknown admin path " + std::string(path)
            + ". GET /admin/v1/openapi.json lists every path (a '/' inside a model name is sent as %2F)."));
    const auto* route = match->forMethod(message.method());
    if (!route) {
        const auto allowed = match->allowedMethods();
        auto result = errorResult(ApiError::methodNotAllowed(method, std::string(path), allowed));
        result.headers.emplace_back("Allow", allowed);
        return result;
    }

    try {
        std::lock_guard lock(mutex);
        std::string actor;
        if (route->role) {
            const auto token = authenticate(message);
            if (!roleAllows(token.role, *route->role))
                throw AdminInputError({403,
                    method + " " + std::string(path) + " needs the '" + std::string(adminRoleName(*route->role))
                        + "' role" + (*route->role == AdminRole::Admin ? "" : " or higher") + "; the admin token '"
                        + token.name + "' has the role '" + std::string(adminRoleName(token.role)) + "'.",
                    "permission_denied", {}, "insufficient_role"});
            actor = token.name;
        }
        auto result = operations.run({*route, match->parameters, query, message.body(), actor});
        if (result.changed)
            log->info("{} {} by admin token '{}': {}", method, path, actor, result.status);
        return result;
    } catch (const AdminInputError& error) {
        auto result = errorResult(error.error());
        if (error.error().status == 401)
            result.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"gatehouse admin\"");
        return result;
    } catch (const GovernanceError& error) {
        return errorResult(apiErrorFor(error));
    } catch (const std::exception& error) {
        log->error("{} {} failed: {}", method, path, error.what());
        return errorResult({500, std::string("The admin API could not complete the request: ") + error.what(),
            "server_error", {}, "store_error"});
    }
}

AdminToken AdminApi::State::authenticate(const http::request<http::string_body>& message)
{
    const auto presented = presentedToken(message);
    if (presented.empty())
        throw AdminInputError(unauthorized("This needs an admin token: send 'Authorization: Bearer gat-...'. "
                                           "Create one with `gatehouse admin-token create --name NAME --role viewer|operator|admin`."));
    if (!presented.starts_with("gat-"))
        throw AdminInputError(unauthorized("That is not an admin token: admin tokens start with 'gat-' "
                                           "(API keys do not work on the admin API)."));
    const auto shown = std::string(presented.substr(0, std::min(presented.size(), kShownTokenCharacters))) + "****";
    const auto token = tokens.findByPlaintext(presented);
    if (!token)
        throw AdminInputError(unauthorized("Unknown admin token " + shown + ". Check the token, or create one with "
                                                                          "`gatehouse admin-token create`."));
    if (token->revokedAtMs)
        throw AdminInputError(unauthorized("The admin token '" + token->name + "' (" + shown + ") was revoked on "
            + formatUtcTimestamp(*token->revokedAtMs) + "; ask an admin for a new one."));
    return *token;
}

} // namespace gatehouse
