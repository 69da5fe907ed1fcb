// The admin API's route table — path pattern, method, operation and the least role it needs — and
// the matching of request paths against it.
#pragma once

#include "http/Asio.h"
#include "store/AdminTokenStore.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

enum class AdminOperation {
    OpenApiDocument,
    ListTenants,
    CreateTenant,
    GetTenant,
    RenameTenant,
    DeleteTenant,
    ListConsumers,
    CreateConsumer,
    GetConsumer,
    UpdateConsumer,
    DeleteConsumer,
    ListProviders,
    CreateProvider,
    GetProvider,
    UpdateProvider,
    DeleteProvider,
    TestProvider,
    ListModels,
    CreateModel,
    GetModel,
    UpdateModel,
    DeleteModel,
    GetModelAccess,
    SetModelAccess,
    ListAccessRequests,
    FileAccessRequest,
    GetAccessRequest,
    ApproveAccessRequest,
    RejectAccessRequest,
    RevokeAccessRequest,
    CancelAccessRequest,
    GrantAccess,
    ListKeys,
    CreateKey,
    GetKey,
    UpdateKey,
    RevokeKey,
    RotateKey,
    ListAdminTokens,
    CreateAdminToken,
    RevokeAdminToken,
    QueryAudit,
    ListCalls, // the call log and its analytics (CallOperations)
    GetCall,
    CallSeries,
    CallTop,
    StreamCalls, // checked here, then streamed by AdminApi (CallFeed)
    ListLimits, // rate limits and budgets: the config file's (read-only here) and the store's
    PutLimit,
    DeleteLimit,
    ListBudgets,
    PutBudget,
    DeleteBudget,
    ListPrices, // the price table: shipped defaults, the config file's (read-only here) and the store's
    PutPrice,
    DeletePrice,
    ImportPrices,
    TrafficDeployments, // the traffic policy's live state: answered by the running gateway
    TrafficRateLimits,
    TrafficBudgets,
    ListPrompts, // managed prompts (PromptOperations): versions, diffs, labels, stats, test runs
    CreatePrompt,
    GetPrompt,
    UpdatePrompt,
    DeletePrompt,
    ListPromptVersions,
    CreatePromptVersion,
    GetPromptVersion,
    TestRunPromptVersion, // checked here, then run on the gateway's data plane by AdminService
    DiffPromptVersions,
    SetPromptLabel,
    DeletePromptLabel,
    GetPromptStats,
    ExportConfig, // configuration as code (ConfigOperations): the export, and validate/plan/apply of a tree
    ValidateConfig,
    PlanConfig,
    ApplyConfig,
};

struct AdminRoute {
    std::string_view path;         // OpenAPI-style pattern: "/admin/v1/tenants/{id}"
    http::verb method;
    AdminOperation operation;
    std::string_view operationId;  // the operation's id in the OpenAPI document
    std::optional<AdminRole> role; // the least role allowed; nullopt: no token needed
};

using PathParameters = std::map<std::string, std::string, std::less<>>;

struct AdminRouteMatch {
    std::vector<const AdminRoute*> routes; // every method served on the matched path, in table order
    PathParameters parameters;             // percent-decoded values of the {placeholders}

    const AdminRoute* forMethod(http::verb method) const;
    std::string allowedMethods() const; // for the Allow header: "GET, POST"
};

// Every route the admin API serves (GatewayServer answers /admin/v1/status and /healthz itself).
std::span<const AdminRoute> adminRoutes();

// The routes whose pattern matches `path` (no query string). Each path segment is percent-decoded
// after splitting, so a model name with '/' is sent as %2F. nullopt: no such path (or a malformed
// percent escape).
std::optional<AdminRouteMatch> matchAdminRoute(std::string_view path);

// "%2F" → "/"; `plusIsSpace` for query strings. nullopt for a malformed escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace = false);

} // namespace gatehouse
