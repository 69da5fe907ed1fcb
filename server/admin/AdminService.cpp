#include "admin/AdminService.h"

#include "admin/AdminInput.h"
#include "admin/AdminRouter.h"
#include "admin/AdminStores.h"
#include "logging/Logging.h"

#include <cctype>
#include <cstdlib>
#include <future>
#include <mutex>
#include <optional>
#include <type_traits>

namespace gatehouse {
namespace {

constexpr std::string_view kBearer = "bearer ";
constexpr std::size_t kShownTokenCharacters = 8; // "gat-AbCd": enough to tell tokens apart, never the secret

std::optional<TrafficView> trafficViewOf(AdminOperation operation)
{
    switch (operation) {
    case AdminOperation::TrafficDeployments:
        return TrafficView::Deployments;
    case AdminOperation::TrafficRateLimits:
        return TrafficView::RateLimits;
    case AdminOperation::TrafficBudgets:
        return TrafficView::Budgets;
    default:
        return std::nullopt;
    }
}

bool isConfigOperation(AdminOperation operation)
{
    return operation == AdminOperation::ExportConfig || operation == AdminOperation::ValidateConfig
        || operation == AdminOperation::PlanConfig || operation == AdminOperation::ApplyConfig;
}

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

std::string_view presentedToken(std::string_view header)
{
    if (header.size() <= kBearer.size())
        return {};
    for (std::size_t i = 0; i < kBearer.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) != kBearer[i])
            return {};
    }
    auto token = header.substr(kBearer.size());
    while (!token.empty() && token.back() == ' ')
        token.remove_suffix(1);
    return token;
}

std::string methodName(http::verb method)
{
    const auto name = http::to_string(method);
    return {name.data(), name.size()};
}

} // namespace

AdminCaller AdminCaller::withAuthorization(std::string authorizationHeader)
{
    return {std::move(authorizationHeader), {}};
}

AdminCaller AdminCaller::local(std::string actor)
{
    return {{}, std::move(actor)};
}

std::string localActorName(std::string_view component)
{
    const char* user = std::getenv("USER");
    return std::string(component) + ":" + (user && *user ? user : "unknown");
}

// The service's own SQLite connection, used under `mutex`.
struct AdminService::State {
    State(const std::string& databasePath, AdminGateway* gateway)
        : gateway(gateway)
        , stores(databasePath, gateway ? gateway->configFile() : nullptr)
        , log(componentLogger("admin"))
    {
    }

    // An answer, or a provider test or a prompt's test run that is checked and must now run on the gateway.
    struct Outcome {
        Outcome(AdminResult answer) : result(std::move(answer)) {}
        Outcome(ProviderTestCall call) : test(std::move(call)) {}
        Outcome(PromptTestRun run) : testRun(std::move(run)) {}
        AdminResult result;
        std::optional<ProviderTestCall> test;
        std::optional<PromptTestRun> testRun;
    };
    Outcome respond(const AdminRequest& request);
    AdminResult trafficReport(TrafficView view) const;
    // Runs `test` (`run`) on the gateway; `done` gets the answer (after auditing it), later, on a gateway thread.
    void runTest(ProviderTestCall test, std::function<void(AdminResult)> done);
    void runTestRun(PromptTestRun run, std::function<void(AdminResult)> done);
    // Work the gateway does for an admin call, whose answer comes later from a gateway thread:
    // `start` hands the gateway the callback for its result, `answer` turns the result into the
    // admin answer under the lock (it audits). `what` names the work in messages and the log.
    template<typename... Result>
    void onGateway(const std::string& what, const std::type_identity_t<std::function<void(std::function<void(Result...)>)>>& start,
        std::type_identity_t<std::function<AdminResult(Result...)>> answer, std::function<void(AdminResult)> done);
    // The actor the change is made as; throws AdminInputError (401/403) when the caller may not.
    std::string authorize(const AdminRequest& request, const AdminRoute& route, std::string_view path);
    AdminToken authenticate(std::string_view authorization);

    AdminGateway* gateway;
    std::mutex mutex;
    AdminStores stores;
    AdminOperations& operations = stores.operations;
    PromptOperations& promptOperations = stores.promptOperations;
    AdminTokenStore& tokens = stores.tokens;
    std::shared_ptr<spdlog::logger> log;
};

AdminService::AdminService(const std::string& databasePath, AdminGateway* gateway)
    : m_state(std::make_unique<State>(databasePath, gateway))
{
}

AdminService::~AdminService() = default;

AdminResult AdminService::respond(const AdminRequest& request)
{
    // The answer arrives in this call, except for a provider test, which is waited for here.
    std::promise<AdminResult> answer;
    auto future = answer.get_future();
    respondAsync(request, [&answer](AdminResult result) { answer.set_value(std::move(result)); });
    return future.get();
}

void AdminService::respondAsync(const AdminRequest& request, std::function<void(AdminResult)> done)
{
    auto outcome = m_state->respond(request);
    if (outcome.test) {
        m_state->runTest(std::move(*outcome.test), std::move(done));
        return;
    }
    if (outcome.testRun) {
        m_state->runTestRun(std::move(*outcome.testRun), std::move(done));
        return;
    }
    if (outcome.result.changed && m_state->gateway) {
        // The change is committed whatever happens here; the gateway's own polling of the
        // store's generations catches up if this rebuild fails.
        try {
            m_state->gateway->adminChangeCommitted();
        } catch (const std::exception& error) {
            m_state->log->error("the change is committed, but the data plane could not take it yet: {}", error.what());
        }
    }
    done(std::move(outcome.result));
}

template<typename... Result>
void AdminService::State::onGateway(const std::string& what,
    const std::type_identity_t<std::function<void(std::function<void(Result...)>)>>& start,
    std::type_identity_t<std::function<AdminResult(Result...)>> answer, std::function<void(AdminResult)> done)
{
    const auto refused = [&](int status, const std::string& code, const std::string& message) {
        done(errorResult({status, message, status == 503 ? "server_error" : "invalid_request_error", {}, code}));
    };
    if (!gateway)
        return refused(503, "gateway_required",
            what + " needs the running gateway: use the admin API of `gatehouse serve` (--remote) or the console.");
    try {
        start([this, what, answer = std::move(answer), done](Result... result) {
            AdminResult answered;
            try {
                std::lock_guard lock(mutex);
                answered = answer(std::move(result)...);
            } catch (const std::exception& error) {
                log->error("{}: the call ran, but could not be recorded: {}", what, error.what());
                answered = errorResult({500, std::string("The test ran, but could not be recorded: ") + error.what(),
                    "server_error", {}, "store_error"});
            }
            done(std::move(answered));
        });
    } catch (const std::invalid_argument& error) {
        // The data plane's snapshot does not have it (yet): another process changed the store just now.
        refused(409, "conflict", error.what());
    } catch (const std::exception& error) {
        refused(503, "unavailable", error.what());
    }
}

void AdminService::State::runTest(ProviderTestCall test, std::function<void(AdminResult)> done)
{
    onGateway<ProviderTestResult>("Testing a provider",
        [&](std::function<void(ProviderTestResult)> answered) { gateway->runProviderTest(test.provider, test.upstreamModel, std::move(answered)); },
        [this, test](ProviderTestResult result) {
            auto answer = operations.providerTested(test, result);
            log->info("provider '{}' tested by '{}': {} ({})", test.provider, test.change.actor, result.ok ? "ok" : "failed", result.status);
            return answer;
        },
        std::move(done));
}

void AdminService::State::runTestRun(PromptTestRun run, std::function<void(AdminResult)> done)
{
    onGateway<CallRecord, std::string>("A prompt's test run",
        [&](std::function<void(CallRecord, std::string)> answered) {
            gateway->runChatCall(run.request.dump(), PromptOperations::testRunRecord(run), std::move(answered));
        },
        [this, run](CallRecord call, std::string answer) {
            log->info("prompt '{}' version {} test-run by '{}': {}", run.prompt, run.version, run.change.actor, call.status);
            return promptOperations.testRunAnswered(run, call, answer);
        },
        std::move(done));
}

AdminResult AdminService::State::trafficReport(TrafficView view) const
{
    if (!gateway)
        return errorResult({503, "The traffic policy's state (circuits, rate limits, budgets) lives in the running gateway: "
                                 "use the admin API of `gatehouse serve` (--remote) or the console.",
            "server_error", {}, "gateway_required"});
    AdminResult result;
    result.body = gateway->trafficReport(view).dump();
    return result;
}

AdminService::State::Outcome AdminService::State::respond(const AdminRequest& request)
{
    const std::string_view target = request.target;
    const auto questionMark = std::min(target.find('?'), target.size());
    const auto path = target.substr(0, questionMark);
    const auto query = target.substr(std::min(questionMark + 1, target.size()));

    const auto match = matchAdminRoute(path);
    if (!match)
        return errorResult(ApiError::notFound("Unknown admin path " + std::string(path)
            + ". GET /admin/v1/openapi.json lists every path (a '/' inside a model name is sent as %2F)."));
    const auto* route = match->forMethod(request.method);
    if (!route) {
        const auto allowed = match->allowedMethods();
        auto result = errorResult(ApiError::methodNotAllowed(methodName(request.method), std::string(path), allowed));
        result.headers.emplace_back("Allow", allowed);
        return result;
    }

    try {
        std::lock_guard lock(mutex);
        auto actor = authorize(request, *route, path);
        const AdminCall call{*route, match->parameters, query, request.body, actor};
        if (route->operation == AdminOperation::TestProvider)
            return operations.providerTest(call);
        if (route->operation == AdminOperation::TestRunPromptVersion)
            return promptOperations.testRun(call);
        if (const auto view = trafficViewOf(route->operation))
            return trafficReport(*view);
        auto result = isConfigOperation(route->operation) ? stores.configOperations.run(call) : operations.run(call);
        if (result.changed)
            log->info("{} {} by '{}': {}", methodName(request.method), path, actor, result.status);
        return result;
    } catch (const AdminInputError& error) {
        auto result = errorResult(error.error());
        if (error.error().status == 401)
            result.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"gatehouse admin\"");
        return result;
    } catch (const GovernanceError& error) {
        return errorResult(apiErrorFor(error));
    } catch (const SettingsError& error) {
        return errorResult(apiErrorFor(error));
    } catch (const std::exception& error) {
        log->error("{} {} failed: {}", methodName(request.method), path, error.what());
        return errorResult({500, std::string("The admin API could not complete the request: ") + error.what(),
            "server_error", {}, "store_error"});
    }
}

std::string AdminService::State::authorize(const AdminRequest& request, const AdminRoute& route, std::string_view path)
{
    if (!request.caller.localActor.empty())
        return request.caller.localActor;
    if (!route.role)
        return {};
    const auto token = authenticate(request.caller.authorization);
    if (!roleAllows(token.role, *route.role))
        throw AdminInputError({403,
            methodName(request.method) + " " + std::string(path) + " needs the '" + std::string(adminRoleName(*route.role))
                + "' role" + (*route.role == AdminRole::Admin ? "" : " or higher") + "; the admin token '" + token.name
                + "' has the role '" + std::string(adminRoleName(token.role)) + "'.",
            "permission_denied", {}, "insufficient_role"});
    return token.name;
}

AdminToken AdminService::State::authenticate(std::string_view authorization)
{
    const auto presented = presentedToken(authorization);
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
