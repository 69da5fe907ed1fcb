#include "admin/AdminRouter.h"

#include <array>

namespace gatehouse {
namespace {

using Op = AdminOperation;
using verb = http::verb;
constexpr auto kViewer = AdminRole::Viewer;
constexpr auto kOperator = AdminRole::Operator;
constexpr auto kAdmin = AdminRole::Admin;

// Reads for every role; operators run the access-request workflow and look after consumers;
// tenants, deletes, model access modes, grants and admin tokens are for admins (docs/admin-api.md).
// Operators also create, change, revoke and rotate API keys, and test providers. Providers and
// models are changed by admins only: providers hold credentials. So are rate limits and budgets.
// Operators write prompts, their versions and labels (the deploy of a prompt) and test-run them;
// deleting a prompt with its history is for admins.
const std::array kRoutes{
    AdminRoute{"/admin/v1/openapi.json", verb::get, Op::OpenApiDocument, "getOpenApiDocument", std::nullopt},
    AdminRoute{"/admin/v1/tenants", verb::get, Op::ListTenants, "listTenants", kViewer},
    AdminRoute{"/admin/v1/tenants", verb::post, Op::CreateTenant, "createTenant", kAdmin},
    AdminRoute{"/admin/v1/tenants/{id}", verb::get, Op::GetTenant, "getTenant", kViewer},
    AdminRoute{"/admin/v1/tenants/{id}", verb::patch, Op::RenameTenant, "renameTenant", kAdmin},
    AdminRoute{"/admin/v1/tenants/{id}", verb::delete_, Op::DeleteTenant, "deleteTenant", kAdmin},
    AdminRoute{"/admin/v1/consumers", verb::get, Op::ListConsumers, "listConsumers", kViewer},
    AdminRoute{"/admin/v1/consumers", verb::post, Op::CreateConsumer, "createConsumer", kOperator},
    AdminRoute{"/admin/v1/consumers/{id}", verb::get, Op::GetConsumer, "getConsumer", kViewer},
    AdminRoute{"/admin/v1/consumers/{id}", verb::patch, Op::UpdateConsumer, "updateConsumer", kOperator},
    AdminRoute{"/admin/v1/consumers/{id}", verb::delete_, Op::DeleteConsumer, "deleteConsumer", kAdmin},
    AdminRoute{"/admin/v1/providers", verb::get, Op::ListProviders, "listProviders", kViewer},
    AdminRoute{"/admin/v1/providers", verb::post, Op::CreateProvider, "createProvider", kAdmin},
    AdminRoute{"/admin/v1/providers/{name}", verb::get, Op::GetProvider, "getProvider", kViewer},
    AdminRoute{"/admin/v1/providers/{name}", verb::patch, Op::UpdateProvider, "updateProvider", kAdmin},
    AdminRoute{"/admin/v1/providers/{name}", verb::delete_, Op::DeleteProvider, "deleteProvider", kAdmin},
    AdminRoute{"/admin/v1/providers/{name}/test", verb::post, Op::TestProvider, "testProvider", kOperator},
    AdminRoute{"/admin/v1/models", verb::get, Op::ListModels, "listModels", kViewer},
    AdminRoute{"/admin/v1/models", verb::post, Op::CreateModel, "createModel", kAdmin},
    AdminRoute{"/admin/v1/models/{model}", verb::get, Op::GetModel, "getModel", kViewer},
    AdminRoute{"/admin/v1/models/{model}", verb::patch, Op::UpdateModel, "updateModel", kAdmin},
    AdminRoute{"/admin/v1/models/{model}", verb::delete_, Op::DeleteModel, "deleteModel", kAdmin},
    AdminRoute{"/admin/v1/models/{model}/access", verb::get, Op::GetModelAccess, "getModelAccess", kViewer},
    AdminRoute{"/admin/v1/models/{model}/access", verb::put, Op::SetModelAccess, "setModelAccess", kAdmin},
    AdminRoute{"/admin/v1/access-requests", verb::get, Op::ListAccessRequests, "listAccessRequests", kViewer},
    AdminRoute{"/admin/v1/access-requests", verb::post, Op::FileAccessRequest, "fileAccessRequest", kOperator},
    AdminRoute{"/admin/v1/access-requests/{id}", verb::get, Op::GetAccessRequest, "getAccessRequest", kViewer},
    AdminRoute{"/admin/v1/access-requests/{id}/approve", verb::post, Op::ApproveAccessRequest, "approveAccessRequest", kOperator},
    AdminRoute{"/admin/v1/access-requests/{id}/reject", verb::post, Op::RejectAccessRequest, "rejectAccessRequest", kOperator},
    AdminRoute{"/admin/v1/access-requests/{id}/revoke", verb::post, Op::RevokeAccessRequest, "revokeAccessRequest", kOperator},
    AdminRoute{"/admin/v1/access-requests/{id}/cancel", verb::post, Op::CancelAccessRequest, "cancelAccessRequest", kOperator},
    AdminRoute{"/admin/v1/access-grants", verb::post, Op::GrantAccess, "grantAccess", kAdmin},
    AdminRoute{"/admin/v1/keys", verb::get, Op::ListKeys, "listKeys", kViewer},
    AdminRoute{"/admin/v1/keys", verb::post, Op::CreateKey, "createKey", kOperator},
    AdminRoute{"/admin/v1/keys/{id}", verb::get, Op::GetKey, "getKey", kViewer},
    AdminRoute{"/admin/v1/keys/{id}", verb::patch, Op::UpdateKey, "updateKey", kOperator},
    AdminRoute{"/admin/v1/keys/{id}/revoke", verb::post, Op::RevokeKey, "revokeKey", kOperator},
    AdminRoute{"/admin/v1/keys/{id}/rotate", verb::post, Op::RotateKey, "rotateKey", kOperator},
    AdminRoute{"/admin/v1/admin-tokens", verb::get, Op::ListAdminTokens, "listAdminTokens", kAdmin},
    AdminRoute{"/admin/v1/admin-tokens", verb::post, Op::CreateAdminToken, "createAdminToken", kAdmin},
    AdminRoute{"/admin/v1/admin-tokens/{name}/revoke", verb::post, Op::RevokeAdminToken, "revokeAdminToken", kAdmin},
    AdminRoute{"/admin/v1/audit", verb::get, Op::QueryAudit, "queryAudit", kViewer},
    AdminRoute{"/admin/v1/calls", verb::get, Op::ListCalls, "listCalls", kViewer},
    AdminRoute{"/admin/v1/calls/stream", verb::get, Op::StreamCalls, "streamCalls", kViewer}, // before {request_id}
    AdminRoute{"/admin/v1/calls/{request_id}", verb::get, Op::GetCall, "getCall", kViewer},
    AdminRoute{"/admin/v1/analytics/series", verb::get, Op::CallSeries, "callSeries", kViewer},
    AdminRoute{"/admin/v1/analytics/top", verb::get, Op::CallTop, "callTop", kViewer},
    AdminRoute{"/admin/v1/limits", verb::get, Op::ListLimits, "listLimits", kViewer},
    AdminRoute{"/admin/v1/limits", verb::put, Op::PutLimit, "putLimit", kAdmin},
    AdminRoute{"/admin/v1/limits/{scope}/{id}", verb::delete_, Op::DeleteLimit, "deleteLimit", kAdmin},
    AdminRoute{"/admin/v1/budgets", verb::get, Op::ListBudgets, "listBudgets", kViewer},
    AdminRoute{"/admin/v1/budgets", verb::put, Op::PutBudget, "putBudget", kAdmin},
    AdminRoute{"/admin/v1/budgets/{scope}/{id}/{period}", verb::delete_, Op::DeleteBudget, "deleteBudget", kAdmin},
    AdminRoute{"/admin/v1/traffic/deployments", verb::get, Op::TrafficDeployments, "trafficDeployments", kViewer},
    AdminRoute{"/admin/v1/prices", verb::get, Op::ListPrices, "listPrices", kViewer},
    AdminRoute{"/admin/v1/prices", verb::put, Op::PutPrice, "putPrice", kAdmin},
    AdminRoute{"/admin/v1/prices", verb::delete_, Op::DeletePrice, "deletePrice", kAdmin},
    AdminRoute{"/admin/v1/prices/import", verb::post, Op::ImportPrices, "importPrices", kAdmin},
    AdminRoute{"/admin/v1/traffic/rate-limits", verb::get, Op::TrafficRateLimits, "trafficRateLimits", kViewer},
    AdminRoute{"/admin/v1/traffic/budgets", verb::get, Op::TrafficBudgets, "trafficBudgets", kViewer},
    AdminRoute{"/admin/v1/prompts", verb::get, Op::ListPrompts, "listPrompts", kViewer},
    AdminRoute{"/admin/v1/prompts", verb::post, Op::CreatePrompt, "createPrompt", kOperator},
    AdminRoute{"/admin/v1/prompts/{name}", verb::get, Op::GetPrompt, "getPrompt", kViewer},
    AdminRoute{"/admin/v1/prompts/{name}", verb::patch, Op::UpdatePrompt, "updatePrompt", kOperator},
    AdminRoute{"/admin/v1/prompts/{name}", verb::delete_, Op::DeletePrompt, "deletePrompt", kAdmin},
    AdminRoute{"/admin/v1/prompts/{name}/versions", verb::get, Op::ListPromptVersions, "listPromptVersions", kViewer},
    AdminRoute{"/admin/v1/prompts/{name}/versions", verb::post, Op::CreatePromptVersion, "createPromptVersion", kOperator},
    AdminRoute{"/admin/v1/prompts/{name}/versions/{version}", verb::get, Op::GetPromptVersion, "getPromptVersion", kViewer},
    AdminRoute{"/admin/v1/prompts/{name}/versions/{version}/test-run", verb::post, Op::TestRunPromptVersion, "testRunPromptVersion",
        kOperator},
    AdminRoute{"/admin/v1/prompts/{name}/diff", verb::get, Op::DiffPromptVersions, "diffPromptVersions", kViewer},
    AdminRoute{"/admin/v1/prompts/{name}/labels/{label}", verb::put, Op::SetPromptLabel, "setPromptLabel", kOperator},
    AdminRoute{"/admin/v1/prompts/{name}/labels/{label}", verb::delete_, Op::DeletePromptLabel, "deletePromptLabel", kOperator},
    AdminRoute{"/admin/v1/prompts/{name}/stats", verb::get, Op::GetPromptStats, "promptStats", kViewer},
    AdminRoute{"/admin/v1/config/export", verb::get, Op::ExportConfig, "exportConfig", kAdmin},
    AdminRoute{"/admin/v1/config/validate", verb::post, Op::ValidateConfig, "validateConfig", kViewer},
    AdminRoute{"/admin/v1/config/plan", verb::post, Op::PlanConfig, "planConfig", kOperator},
    AdminRoute{"/admin/v1/config/apply", verb::post, Op::ApplyConfig, "applyConfig", kAdmin},
};

std::vector<std::string_view> splitSegments(std::string_view path)
{
    std::vector<std::string_view> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        segments.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool isPlaceholder(std::string_view segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Literal segments compare as they are; placeholders take any non-empty decoded segment.
std::optional<PathParameters> matchPattern(std::string_view pattern, const std::vector<std::string_view>& segments)
{
    const auto patternSegments = splitSegments(pattern);
    if (patternSegments.size() != segments.size())
        return std::nullopt;
    PathParameters parameters;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (!isPlaceholder(patternSegments[i])) {
            if (patternSegments[i] != segments[i])
                return std::nullopt;
            continue;
        }
        auto value = percentDecode(segments[i]);
        if (!value || value->empty())
            return std::nullopt;
        parameters.emplace(std::string(patternSegments[i].substr(1, patternSegments[i].size() - 2)), std::move(*value));
    }
    return parameters;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

const AdminRoute* AdminRouteMatch::forMethod(http::verb method) const
{
    for (const auto* route : routes) {
        if (route->method == method)
            return route;
    }
    return nullptr;
}

std::string AdminRouteMatch::allowedMethods() const
{
    std::string allowed;
    for (const auto* route : routes) {
        const auto name = http::to_string(route->method);
        allowed += (allowed.empty() ? "" : ", ") + std::string(name.data(), name.size());
    }
    return allowed;
}

std::span<const AdminRoute> adminRoutes()
{
    return kRoutes;
}

std::optional<AdminRouteMatch> matchAdminRoute(std::string_view path)
{
    const auto segments = splitSegments(path);
    std::optional<AdminRouteMatch> match;
    for (const auto& route : kRoutes) {
        if (match) {
            if (route.path == match->routes.front()->path) // same pattern, same parameters
                match->routes.push_back(&route);
        } else if (auto parameters = matchPattern(route.path, segments)) {
            match = AdminRouteMatch{{&route}, std::move(*parameters)};
        }
    }
    return match;
}

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += (plusIsSpace && c == '+') ? ' ' : c;
        }
    }
    return out;
}

} // namespace gatehouse
