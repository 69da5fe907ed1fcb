#include "admin/AdminOperations.h"

#include "admin/AdminInput.h"
#include "admin/AdminOpenApi.h"
#include "admin/AuditCsv.h"
#include "admin/CallOperations.h"
#include "admin/PromptOperations.h"
#include "auth/ApiKey.h"
#include "config/JsonSettingsNode.h"
#include "config/PriceSettings.h"
#include "pricing/LiteLlmPrices.h"
#include "pricing/PriceTable.h"

#include <algorithm>
#include <set>

namespace gatehouse {
namespace {

using Op = AdminOperation;

AdminResult answer(int status, const Json& entity, bool changed)
{
    AdminResult result;
    result.status = status;
    // Replaced, not thrown: a text from outside (an upstream's answer in a test run) may not be UTF-8.
    result.body = entity.dump(-1, ' ', false, Json::error_handler_t::replace);
    result.changed = changed;
    return result;
}

AdminResult changedTo(const Json& entity)
{
    return answer(200, entity, true);
}

AdminResult created(const Json& entity)
{
    return answer(201, entity, true);
}

// Items that are JSON already (providers and models from the ProviderCatalog).
const Json& toJson(const Json& item)
{
    return item;
}

template<typename T>
Json pageJson(const Page<T>& page, const PageRequest& request)
{
    Json data = Json::array();
    for (const auto& item : page.items)
        data.push_back(toJson(item));
    return {{"data", std::move(data)}, {"total", page.total}, {"limit", request.limit}, {"offset", request.offset}};
}

// A NotFound about an entity the body refers to (a consumer_id, a tenant_id) names that field.
template<typename Body>
auto referring(const std::string& field, Body&& body)
{
    try {
        return body();
    } catch (const GovernanceError& error) {
        if (error.kind() != GovernanceErrorKind::NotFound)
            throw;
        throw AdminInputError(ApiError{404, error.what(), "invalid_request_error", field, "not_found"});
    }
}

// DELETE has no body: its audit reason comes as ?reason=.
Change deletion(const AdminCall& call)
{
    const QueryParameters query(call.query, {"reason"});
    return {call.actor, query.text("reason").value_or("")};
}

// The change's actor and the body's optional "reason", taken out of the body (the rest of it is
// the entry the config loader's rules check).
Change changeFrom(const AdminCall& call, Json& body)
{
    Change change{call.actor, {}};
    if (const auto reason = body.find("reason"); reason != body.end()) {
        if (!reason->is_null() && !reason->is_string())
            refuseField("reason", std::string("must be a string, not ") + reason->type_name(), "invalid_type");
        if (reason->is_string())
            change.reason = reason->get<std::string>();
        body.erase(reason);
    }
    return change;
}

// A setting the config loader's rules refuse is a 400 (or 404) naming the field.
template<typename Body>
auto settingsChecked(Body&& body)
{
    try {
        return body();
    } catch (const SettingsError& error) {
        throw AdminInputError(apiErrorFor(error));
    }
}

AccessMode requiredMode(const JsonBody& body)
{
    const auto name = body.requiredString("mode");
    const auto mode = parseAccessMode(name);
    if (!mode)
        refuseField("mode", "'" + name + "' is not a mode; use open, approval or private", "invalid_value");
    return *mode;
}

std::optional<AccessState> stateFilter(const QueryParameters& query)
{
    const auto name = query.text("state");
    if (!name)
        return std::nullopt;
    const auto state = parseAccessState(*name);
    if (!state)
        refuseField("state", "'" + *name + "' is not a state; use pending, approved, rejected, revoked or cancelled",
            "invalid_value");
    return state;
}

// A path segment naming a scope kind; anything else names nothing there (404).
PolicyScope pathScope(const AdminCall& call, std::string_view what)
{
    const auto& kind = call.path.at("scope");
    const auto& id = call.path.at("id");
    for (const auto candidate : {ScopeKind::Tenant, ScopeKind::Consumer, ScopeKind::ApiKey, ScopeKind::Model}) {
        if (scopeKindName(candidate) == kind)
            return {candidate, id};
    }
    throw GovernanceError(GovernanceErrorKind::NotFound,
        std::string(what) + " for '" + kind + "/" + id + "': no such scope (tenant, consumer, key or model)");
}

// One of the config file's entries (read-only here) as the API shows it: no time of change.
template<typename Entry>
Json fileItem(const Entry& entry)
{
    auto item = toJson(entry);
    item["source"] = "config_file";
    item["updated_at_ms"] = nullptr;
    return item;
}

// The config file's entries (none when it is not known), then the store's: a page.
template<typename Entry, typename Stored>
AdminResult policyPage(const AdminCall& call, const std::vector<Entry>* fileEntries, const std::vector<Stored>& stored)
{
    const QueryParameters query(call.query, {"limit", "offset"});
    const auto page = query.page();
    std::vector<Json> items;
    if (fileEntries) {
        for (const auto& entry : *fileEntries)
            items.push_back(fileItem(entry));
    }
    for (const auto& entry : stored)
        items.push_back(toJson(entry));
    return readAnswer(pageJson(pageOf(std::move(items), page), page));
}

// The config file's entries are changed in the file: a 409 saying so.
[[noreturn]] void refuseFileEntry(const GatewayConfig& file, const std::string& what)
{
    throw GovernanceError(GovernanceErrorKind::Conflict,
        what + " is declared in " + configFileLabel(file) + ": change it there (its entries are read-only here)");
}

} // namespace

AdminResult readAnswer(const Json& entity)
{
    return answer(200, entity, false);
}

AdminResult createdAnswer(const Json& entity)
{
    return created(entity);
}

AdminResult changedAnswer(const Json& entity)
{
    return changedTo(entity);
}

Json listPageJson(std::vector<Json> items, const PageRequest& request)
{
    return pageJson(pageOf(std::move(items), request), request);
}

Change deletionChange(const AdminCall& call)
{
    return deletion(call);
}

Change changeOutOfBody(const AdminCall& call, Json& body)
{
    return changeFrom(call, body);
}

void refuseQueryParameters(const AdminCall& call)
{
    const QueryParameters none(call.query, {});
}

AdminOperations::AdminOperations(GovernanceStore& store, KeyStore& keys, AdminTokenStore& tokens, ProviderCatalog& catalog,
    PolicyStore& policy, PriceStore& prices, CallOperations& calls, PromptOperations& prompts, const GatewayConfig* file)
    : m_store(store)
    , m_keys(keys)
    , m_tokens(tokens)
    , m_catalog(catalog)
    , m_policy(policy)
    , m_prices(prices)
    , m_calls(calls)
    , m_prompts(prompts)
    , m_file(file)
{
}

AdminResult AdminOperations::run(const AdminCall& call)
{
    switch (call.route.operation) {
    case Op::OpenApiDocument: {
        AdminResult result;
        result.body = adminOpenApiDocument();
        return result;
    }
    case Op::ListTenants:
    case Op::CreateTenant:
    case Op::GetTenant:
    case Op::RenameTenant:
    case Op::DeleteTenant:
        return tenants(call);
    case Op::ListConsumers:
    case Op::CreateConsumer:
    case Op::GetConsumer:
    case Op::UpdateConsumer:
    case Op::DeleteConsumer:
        return consumers(call);
    case Op::ListProviders:
    case Op::CreateProvider:
    case Op::GetProvider:
    case Op::UpdateProvider:
    case Op::DeleteProvider:
        return providers(call);
    case Op::TestProvider:
        throw std::logic_error("a provider test waits on the upstream: AdminService runs it");
    case Op::ListModels:
    case Op::CreateModel:
    case Op::GetModel:
    case Op::UpdateModel:
    case Op::DeleteModel:
        return models(call);
    case Op::GetModelAccess:
    case Op::SetModelAccess:
        return modelAccess(call);
    case Op::ListAccessRequests:
    case Op::FileAccessRequest:
    case Op::GetAccessRequest:
    case Op::ApproveAccessRequest:
    case Op::RejectAccessRequest:
    case Op::RevokeAccessRequest:
    case Op::CancelAccessRequest:
    case Op::GrantAccess:
        return accessRequests(call);
    case Op::ListKeys:
    case Op::CreateKey:
    case Op::GetKey:
    case Op::UpdateKey:
    case Op::RevokeKey:
    case Op::RotateKey:
        return keys(call);
    case Op::ListAdminTokens:
    case Op::CreateAdminToken:
    case Op::RevokeAdminToken:
        return adminTokens(call);
    case Op::QueryAudit:
        return audit(call);
    case Op::ListCalls:
    case Op::GetCall:
    case Op::CallSeries:
    case Op::CallTop:
    case Op::StreamCalls:
        return m_calls.run(call);
    case Op::ListLimits:
    case Op::PutLimit:
    case Op::DeleteLimit:
        return limits(call);
    case Op::ListBudgets:
    case Op::PutBudget:
    case Op::DeleteBudget:
        return budgets(call);
    case Op::ListPrices:
    case Op::PutPrice:
    case Op::DeletePrice:
    case Op::ImportPrices:
        return prices(call);
    case Op::TrafficDeployments:
    case Op::TrafficRateLimits:
    case Op::TrafficBudgets:
        throw std::logic_error("the traffic policy's state is the running gateway's: AdminService asks it");
    case Op::ExportConfig:
    case Op::ValidateConfig:
    case Op::PlanConfig:
    case Op::ApplyConfig:
        throw std::logic_error("configuration as code is ConfigOperations': AdminService runs it");
    case Op::ListPrompts:
    case Op::CreatePrompt:
    case Op::GetPrompt:
    case Op::UpdatePrompt:
    case Op::DeletePrompt:
    case Op::ListPromptVersions:
    case Op::CreatePromptVersion:
    case Op::GetPromptVersion:
    case Op::DiffPromptVersions:
    case Op::SetPromptLabel:
    case Op::DeletePromptLabel:
    case Op::GetPromptStats:
        return m_prompts.run(call);
    case Op::TestRunPromptVersion:
        throw std::logic_error("a prompt's test run waits on the data plane: AdminService runs it");
    }
    throw std::logic_error("admin operation without an implementation");
}

AdminResult AdminOperations::tenants(const AdminCall& call)
{
    const auto id = [&] { return pathId("tenant", call.path.at("id")); };
    switch (call.route.operation) {
    case Op::ListTenants: {
        const QueryParameters query(call.query, {"limit", "offset"});
        const auto page = query.page();
        return readAnswer(pageJson(m_store.listTenants(page), page));
    }
    case Op::CreateTenant: {
        const JsonBody body(call.body, {"name", "reason"});
        const auto name = body.requiredString("name");
        return created(toJson(m_store.createTenant({call.actor, body.optionalString("reason")}, name)));
    }
    case Op::GetTenant:
        refuseQueryParameters(call);
        return readAnswer(toJson(m_store.tenant(id())));
    case Op::RenameTenant: {
        const JsonBody body(call.body, {"name", "reason"});
        const auto name = body.requiredString("name");
        return changedTo(toJson(m_store.renameTenant({call.actor, body.optionalString("reason")}, id(), name)));
    }
    case Op::DeleteTenant:
        return changedTo(toJson(m_store.deleteTenant(deletion(call), id())));
    default:
        throw std::logic_error("not a tenant operation");
    }
}

AdminResult AdminOperations::consumers(const AdminCall& call)
{
    const auto id = [&] { return pathId("consumer", call.path.at("id")); };
    switch (call.route.operation) {
    case Op::ListConsumers: {
        const QueryParameters query(call.query, {"tenant_id", "name", "limit", "offset"});
        const ConsumerFilter filter{query.integer("tenant_id"), query.text("name").value_or("")};
        const auto page = query.page();
        return readAnswer(pageJson(m_store.listConsumers(filter, page), page));
    }
    case Op::CreateConsumer: {
        const JsonBody body(call.body, {"tenant_id", "name", "description", "reason"});
        const auto tenantId = body.requiredInteger("tenant_id");
        const auto name = body.requiredString("name");
        const auto description = body.optionalString("description");
        const Change change{call.actor, body.optionalString("reason")};
        return created(toJson(referring("tenant_id", [&] { return m_store.createConsumer(change, tenantId, name, description); })));
    }
    case Op::GetConsumer:
        refuseQueryParameters(call);
        return readAnswer(toJson(m_store.consumer(id())));
    case Op::UpdateConsumer: {
        const JsonBody body(call.body, {"description", "reason"});
        const auto description = body.requiredString("description");
        return changedTo(toJson(m_store.updateConsumerDescription({call.actor, body.optionalString("reason")}, id(), description)));
    }
    case Op::DeleteConsumer:
        return changedTo(toJson(m_store.deleteConsumer(deletion(call), id())));
    default:
        throw std::logic_error("not a consumer operation");
    }
}

// The config file's providers (read-only here) and the store's. The body is the config file's
// entry in JSON, checked by the config loader's own rules (docs/providers.md); "reason" goes to the
// audit entry.
AdminResult AdminOperations::providers(const AdminCall& call)
{
    const auto name = [&] { return call.path.at("name"); };
    switch (call.route.operation) {
    case Op::ListProviders: {
        const QueryParameters query(call.query, {"limit", "offset"});
        const auto page = query.page();
        return readAnswer(pageJson(pageOf(m_catalog.providers(), page), page));
    }
    case Op::GetProvider:
        refuseQueryParameters(call);
        return readAnswer(settingsChecked([&] { return m_catalog.provider(name()); }));
    case Op::CreateProvider: {
        auto body = parseJsonObject(call.body);
        const auto change = changeFrom(call, body);
        return created(settingsChecked([&] { return m_catalog.createProvider(change, body); }));
    }
    case Op::UpdateProvider: {
        auto body = parseJsonObject(call.body);
        const auto change = changeFrom(call, body);
        return changedTo(settingsChecked([&] { return m_catalog.updateProvider(change, name(), body); }));
    }
    case Op::DeleteProvider:
        return changedTo(m_catalog.deleteProvider(deletion(call), name()));
    default:
        throw std::logic_error("not a provider operation");
    }
}

ProviderTestCall AdminOperations::providerTest(const AdminCall& call)
{
    refuseQueryParameters(call);
    const JsonBody body(call.body, {"model", "reason"});
    ProviderTestCall test{call.path.at("name"), body.optionalString("model"), {call.actor, body.optionalString("reason")}};
    const auto provider = m_catalog.provider(test.provider);
    if (provider["served"] == false)
        throw GovernanceError(GovernanceErrorKind::Conflict, "provider '" + test.provider + "' is not served: "
                + provider["problem"].get<std::string>());
    if (test.upstreamModel.empty() && provider["models"].empty())
        refuseField("model", "no model is deployed on provider '" + test.provider + "': name one to test it with",
            "missing_required_parameter");
    return test;
}

AdminResult AdminOperations::providerTested(const ProviderTestCall& call, const ProviderTestResult& result)
{
    const Json answer{{"name", call.provider}, {"ok", result.ok}, {"status", result.status}, {"model", result.model},
        {"message", result.message}, {"latency_ms", result.latency.count()}};
    // Not a change of the configuration, but a real call someone asked for: the log says who.
    m_store.appendAudit(call.change, "provider.test", "provider", call.provider, nullptr, answer);
    return readAnswer(answer);
}

// One resource for models: the config file's, the store's and those that only have an access
// setting, each with its access mode (access itself is set under /models/{model}/access).
AdminResult AdminOperations::models(const AdminCall& call)
{
    const auto name = [&] { return call.path.at("model"); };
    switch (call.route.operation) {
    case Op::ListModels: {
        const QueryParameters query(call.query, {"limit", "offset"});
        const auto page = query.page();
        return readAnswer(pageJson(pageOf(m_catalog.models(), page), page));
    }
    case Op::GetModel:
        refuseQueryParameters(call);
        return readAnswer(m_catalog.model(name()));
    case Op::CreateModel: {
        auto body = parseJsonObject(call.body);
        const auto change = changeFrom(call, body);
        return created(settingsChecked([&] { return m_catalog.createModel(change, body); }));
    }
    case Op::UpdateModel: {
        auto body = parseJsonObject(call.body);
        const auto change = changeFrom(call, body);
        return changedTo(settingsChecked([&] { return m_catalog.updateModel(change, name(), body); }));
    }
    case Op::DeleteModel:
        return changedTo(m_catalog.deleteModel(deletion(call), name()));
    default:
        throw std::logic_error("not a model operation");
    }
}

AdminResult AdminOperations::modelAccess(const AdminCall& call)
{
    const auto& model = call.path.at("model");
    if (call.route.operation == Op::GetModelAccess) {
        refuseQueryParameters(call);
        return readAnswer(toJson(m_store.modelAccess(model)));
    }
    // PUT replaces the whole setting: an absent auto_approve is false.
    const JsonBody body(call.body, {"mode", "auto_approve", "reason"});
    const auto mode = requiredMode(body);
    const auto autoApprove = body.optionalBool("auto_approve", false);
    return changedTo(toJson(m_store.setModelAccess({call.actor, body.optionalString("reason")}, model, mode, autoApprove)));
}

AdminResult AdminOperations::accessRequests(const AdminCall& call)
{
    const auto decide = [&](AccessAction action) {
        const JsonBody body(call.body, {"note"});
        const auto requestId = pathId("access request", call.path.at("id"));
        return changedTo(toJson(m_store.decideAccessRequest({call.actor, body.optionalString("note")}, requestId, action)));
    };
    switch (call.route.operation) {
    case Op::ListAccessRequests: {
        const QueryParameters query(call.query, {"consumer_id", "model", "state", "limit", "offset"});
        const AccessRequestFilter filter{query.integer("consumer_id"), query.text("model"), stateFilter(query)};
        const auto page = query.page();
        return readAnswer(pageJson(m_store.listAccessRequests(filter, page), page));
    }
    case Op::FileAccessRequest: {
        const JsonBody body(call.body, {"consumer_id", "model", "reason"});
        const auto consumerId = body.requiredInteger("consumer_id");
        const auto model = body.requiredString("model");
        const Change change{call.actor, body.optionalString("reason")};
        return created(toJson(referring("consumer_id", [&] { return m_store.requestAccess(change, consumerId, model); })));
    }
    case Op::GetAccessRequest:
        refuseQueryParameters(call);
        return readAnswer(toJson(m_store.accessRequest(pathId("access request", call.path.at("id")))));
    case Op::ApproveAccessRequest:
        return decide(AccessAction::Approve);
    case Op::RejectAccessRequest:
        return decide(AccessAction::Reject);
    case Op::RevokeAccessRequest:
        return decide(AccessAction::Revoke);
    case Op::CancelAccessRequest:
        return decide(AccessAction::Cancel);
    case Op::GrantAccess: {
        const JsonBody body(call.body, {"consumer_id", "model", "note"});
        const auto consumerId = body.requiredInteger("consumer_id");
        const auto model = body.requiredString("model");
        const Change change{call.actor, body.optionalString("note")};
        return created(toJson(referring("consumer_id", [&] { return m_store.grantAccess(change, consumerId, model); })));
    }
    default:
        throw std::logic_error("not an access-request operation");
    }
}

// The key itself is in the answer to its creation (or rotation) only: the store keeps its hash.
AdminResult AdminOperations::keys(const AdminCall& call)
{
    constexpr int64_t kDefaultGraceSeconds = 86400;
    constexpr int64_t kMaxGraceSeconds = 30 * 86400;
    const auto withSecret = [](const StoredKey& key, const std::string& plaintext) {
        auto json = toJson(key);
        json["key"] = plaintext;
        return json;
    };
    switch (call.route.operation) {
    case Op::ListKeys: {
        const QueryParameters query(call.query, {"consumer_id", "limit", "offset"});
        const auto consumerId = query.integer("consumer_id");
        const auto page = query.page();
        return readAnswer(pageJson(m_keys.listKeys(consumerId, page), page));
    }
    case Op::CreateKey: {
        const JsonBody body(call.body, {"consumer_id", "name", "expires_at_ms", "allowed_models", "tags"});
        const auto consumerId = body.requiredInteger("consumer_id");
        const auto name = body.requiredString("name");
        const auto expiresAtMs = body.optionalInteger("expires_at_ms");
        const KeySettings settings{body.optionalStringList("allowed_models").value_or(std::vector<std::string>{}),
            body.optionalStringMap("tags").value_or(std::map<std::string, std::string>{})};
        const auto plaintext = generateApiKey();
        const Change change{call.actor, ""};
        const auto key = referring("consumer_id",
            [&] { return m_keys.createConsumerKey(m_store, change, name, plaintext, consumerId, expiresAtMs, settings); });
        return created(withSecret(key, plaintext));
    }
    case Op::GetKey: {
        refuseQueryParameters(call);
        const auto id = pathId("API key", call.path.at("id"));
        const auto key = m_keys.findKey(id);
        if (!key)
            throw GovernanceError(GovernanceErrorKind::NotFound, "API key " + std::to_string(id) + " does not exist");
        return readAnswer(toJson(*key));
    }
    case Op::UpdateKey: {
        const JsonBody body(call.body, {"name", "allowed_models", "tags", "expires_at_ms", "reason"});
        const auto id = pathId("API key", call.path.at("id"));
        KeyUpdate update;
        if (body.has("name"))
            update.name = body.requiredString("name");
        update.allowedModels = body.optionalStringList("allowed_models");
        update.tags = body.optionalStringMap("tags");
        update.expiresAtMs = body.optionalInteger("expires_at_ms");
        return changedTo(toJson(m_keys.updateKey(m_store, {call.actor, body.optionalString("reason")}, id, update)));
    }
    case Op::RevokeKey: {
        const JsonBody body(call.body, {"reason"});
        const auto id = pathId("API key", call.path.at("id"));
        return changedTo(toJson(m_keys.revokeKey(m_store, {call.actor, body.optionalString("reason")}, id)));
    }
    case Op::RotateKey: {
        const JsonBody body(call.body, {"grace_seconds"});
        const auto id = pathId("API key", call.path.at("id"));
        const auto grace = body.optionalInteger("grace_seconds").value_or(kDefaultGraceSeconds);
        if (grace < 0 || grace > kMaxGraceSeconds)
            refuseField("grace_seconds", "must be between 0 and " + std::to_string(kMaxGraceSeconds) + " (30 days), not "
                    + std::to_string(grace), "invalid_value");
        const auto plaintext = generateApiKey();
        const auto rotation = m_keys.rotateKey(m_store, {call.actor, ""}, id, plaintext, grace * 1000);
        auto answer = withSecret(rotation.created, plaintext);
        answer["rotated_key"] = toJson(rotation.rotated);
        return created(answer);
    }
    default:
        throw std::logic_error("not an API key operation");
    }
}

// Admin tokens are named (names are never reused: they are the audit log's actors), so the path
// names the token rather than numbering it.
AdminResult AdminOperations::adminTokens(const AdminCall& call)
{
    switch (call.route.operation) {
    case Op::ListAdminTokens: {
        const QueryParameters query(call.query, {"limit", "offset"});
        const auto page = query.page();
        return readAnswer(pageJson(pageOf(m_tokens.list(), page), page));
    }
    case Op::CreateAdminToken: {
        const JsonBody body(call.body, {"name", "role", "reason"});
        const auto name = body.requiredString("name");
        const auto roleName = body.requiredString("role");
        const auto role = parseAdminRole(roleName);
        if (!role)
            refuseField("role", "'" + roleName + "' is not a role; use viewer, operator or admin", "invalid_value");
        const auto createdToken = m_tokens.create({call.actor, body.optionalString("reason")}, name, *role);
        auto shown = toJson(createdToken.token);
        shown["token"] = createdToken.plaintext; // once: the store keeps its hash
        // Tokens do not touch the data plane: nothing for the gateway to rebuild.
        return answer(201, shown, false);
    }
    case Op::RevokeAdminToken: {
        const JsonBody body(call.body, {"reason"});
        return answer(200, toJson(m_tokens.revoke({call.actor, body.optionalString("reason")}, call.path.at("name"))), false);
    }
    default:
        throw std::logic_error("not an admin token operation");
    }
}

AdminResult AdminOperations::audit(const AdminCall& call)
{
    const QueryParameters query(call.query, {"entity_type", "entity_id", "since_ms", "until_ms", "limit", "offset", "format"});
    const auto format = query.format();
    const AuditFilter filter{query.text("entity_type"), query.text("entity_id"), query.integer("since_ms"), query.integer("until_ms")};
    if (format == "json") {
        const auto page = query.page();
        return readAnswer(pageJson(m_store.queryAudit(filter, page), page));
    }
    // An export: the largest page by default; X-Total-Count tells whether more pages remain.
    const auto page = query.page(PageRequest::kMaxPageLimit);
    const auto entries = m_store.queryAudit(filter, page);
    AdminResult result;
    result.contentType = "text/csv; charset=utf-8";
    result.body = auditCsv(entries.items);
    result.headers.emplace_back("X-Total-Count", std::to_string(entries.total));
    result.headers.emplace_back("Content-Disposition", "attachment; filename=\"gatehouse-audit.csv\"");
    return result;
}

// Rate limits: the config file's policy.limits (read-only here), then the store's. A PUT body is
// the file's entry in JSON (readLimitEntry), plus "reason"; it creates or replaces the stored one
// (200 either way, like a model's access setting).
AdminResult AdminOperations::limits(const AdminCall& call)
{
    const auto fileDeclares = [&](const PolicyScope& scope) {
        return m_file && std::any_of(m_file->policy.limits.begin(), m_file->policy.limits.end(),
                             [&](const ScopedLimits& limit) { return limit.scope == scope; });
    };
    switch (call.route.operation) {
    case Op::ListLimits:
        return policyPage(call, m_file ? &m_file->policy.limits : nullptr, m_policy.listLimits());
    case Op::PutLimit: {
        auto body = parseJsonObject(call.body);
        const auto change = changeFrom(call, body);
        const auto limit = settingsChecked([&] { return readLimitEntry(JsonSettingsNode(body)); });
        if (fileDeclares(limit.scope))
            refuseFileEntry(*m_file, "the rate limit of " + limit.scope.describe());
        checkModelScope(limit);
        // A PUT sets the scope's limits, whether or not it had some: 200, like a model's access.
        return changedTo(toJson(m_policy.putLimit(m_store, change, limit).entry));
    }
    case Op::DeleteLimit: {
        const auto change = deletion(call);
        const auto scope = pathScope(call, "no rate limit");
        if (fileDeclares(scope))
            refuseFileEntry(*m_file, "the rate limit of " + scope.describe());
        const auto deleted = m_policy.deleteLimit(m_store, change, scope);
        return changedTo(toJson(deleted));
    }
    default:
        throw std::logic_error("not a rate limit operation");
    }
}

void AdminOperations::checkModelScope(const ScopedLimits& limit)
{
    if (limit.scope.kind != ScopeKind::Model)
        return;
    const auto model = referring("id", [&] { return m_catalog.model(limit.scope.id); });
    if (model["source"].is_null()) // only an access setting: nothing serves it
        throw AdminInputError(ApiError{404, "id: no model named '" + limit.scope.id + "'", "invalid_request_error", "id", "not_found"});
    if (!model["limits"].is_null())
        refuseField("id", "the model's entry sets its limits already (its limits): set them in one place", "invalid_value");
}

// Budgets: the config file's policy.budgets (read-only here), then the store's; a PUT body is the
// file's entry in JSON (readBudgetEntry), plus "reason". One budget per scope and period.
AdminResult AdminOperations::budgets(const AdminCall& call)
{
    const auto fileDeclares = [&](const PolicyScope& scope, BudgetPeriod period) {
        return m_file && std::any_of(m_file->policy.budgets.begin(), m_file->policy.budgets.end(),
                             [&](const BudgetDefinition& budget) { return budget.scope == scope && budget.period == period; });
    };
    switch (call.route.operation) {
    case Op::ListBudgets:
        return policyPage(call, m_file ? &m_file->policy.budgets : nullptr, m_policy.listBudgets());
    case Op::PutBudget: {
        auto body = parseJsonObject(call.body);
        const auto change = changeFrom(call, body);
        const auto budget = settingsChecked([&] { return readBudgetEntry(JsonSettingsNode(body)); });
        if (fileDeclares(budget.scope, budget.period))
            refuseFileEntry(*m_file, "the " + budget.describe());
        return changedTo(toJson(m_policy.putBudget(m_store, change, budget).entry));
    }
    case Op::DeleteBudget: {
        const auto change = deletion(call);
        const auto scope = pathScope(call, "no budget");
        const auto& periodName = call.path.at("period");
        const auto period = parseBudgetPeriod(periodName);
        if (!period)
            throw GovernanceError(GovernanceErrorKind::NotFound,
                "no budget for period '" + periodName + "' (daily, weekly, monthly or total)");
        if (fileDeclares(scope, *period))
            refuseFileEntry(*m_file, "the " + BudgetDefinition{scope, *period}.describe());
        const auto deleted = m_policy.deleteBudget(m_store, change, scope, *period);
        return changedTo(toJson(deleted));
    }
    default:
        throw std::logic_error("not a budget operation");
    }
}

// The price table (docs/pricing.md): the list shows the merged table (shipped defaults under the
// config file's entries under the store's), each entry with its origin; changes go to the store.
// The file's entries are read-only (409), as its limits are.
AdminResult AdminOperations::prices(const AdminCall& call)
{
    const auto today = isoDayOf(std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count());
    const auto fileDeclares = [&](const PriceSlot& slot) {
        return m_file && std::any_of(m_file->prices.begin(), m_file->prices.end(), [&](const PriceEntry& entry) {
            return entry.provider == slot.provider && entry.model == slot.model && entry.effectiveDate == slot.effectiveDate;
        });
    };
    switch (call.route.operation) {
    case Op::ListPrices: {
        const QueryParameters query(call.query, {"provider", "model", "origin", "limit", "offset"});
        auto entries = PriceTable::defaults();
        if (m_file)
            entries.insert(entries.end(), m_file->prices.begin(), m_file->prices.end());
        for (const auto& stored : m_prices.list())
            entries.push_back(stored.entry);
        std::vector<Json> items;
        for (const auto& entry : PriceTable(entries).entries()) {
            const auto matches = [&](const char* name, std::string_view value) { return !query.text(name) || *query.text(name) == value; };
            if (matches("provider", entry.provider) && matches("model", entry.model) && matches("origin", priceOriginName(entry.origin)))
                items.push_back(toJson(entry, true));
        }
        const auto page = query.page(100);
        return readAnswer(pageJson(pageOf(std::move(items), page), page));
    }
    case Op::PutPrice: {
        auto body = parseJsonObject(call.body);
        const auto change = changeFrom(call, body);
        const auto entry = settingsChecked([&] { return readPriceEntry(JsonSettingsNode(body), PriceOrigin::Store, today); });
        if (fileDeclares({entry.provider, entry.model, entry.effectiveDate}))
            refuseFileEntry(*m_file, "the price of '" + entry.model + "' from " + entry.effectiveDate);
        return changedTo(toJson(m_prices.put(m_store, change, entry).entry));
    }
    case Op::DeletePrice: {
        const QueryParameters query(call.query, {"provider", "model", "effective_date", "reason"});
        const auto required = [&](const char* name) {
            const auto value = query.text(name);
            if (!value || value->empty())
                refuseField(name, std::string("is required: the price to delete is named by ?provider=&model=&effective_date="), "missing");
            return *value;
        };
        const PriceSlot slot{query.text("provider").value_or(""), required("model"), required("effective_date")};
        if (fileDeclares(slot))
            refuseFileEntry(*m_file, "the price of '" + slot.model + "' from " + slot.effectiveDate);
        return changedTo(toJson(m_prices.remove(m_store, {call.actor, query.text("reason").value_or("")}, slot)));
    }
    case Op::ImportPrices: {
        const QueryParameters query(call.query, {"effective_date", "reason"});
        const auto effectiveDate = query.text("effective_date").value_or(today);
        if (!epochMsOfDay(effectiveDate))
            refuseField("effective_date", "must be a date written YYYY-MM-DD, got '" + effectiveDate + "'", "invalid_value");
        const auto document = Json::parse(call.body, nullptr, false);
        if (!document.is_object())
            refuseField("body", "must be a LiteLLM price file: a JSON object of model ids, each with its prices", "invalid_value");
        auto imported = readLiteLlmPrices(document, effectiveDate);
        // The file's own entries stay as the file says; an import never shadows them.
        std::erase_if(imported.entries, [&](const PriceEntry& entry) { return fileDeclares({entry.provider, entry.model, entry.effectiveDate}); });
        const auto counts = m_prices.importEntries(m_store, {call.actor, query.text("reason").value_or("")}, imported.entries);
        Json skipped = Json::array();
        for (std::size_t i = 0; i < imported.skipped.size() && i < 20; ++i)
            skipped.push_back(imported.skipped[i]);
        return changedTo({{"imported", imported.entries.size()}, {"created", counts.created}, {"updated", counts.updated},
            {"effective_date", effectiveDate}, {"skipped", imported.skipped.size()}, {"skipped_examples", skipped}});
    }
    default:
        throw std::logic_error("not a price operation");
    }
}

} // namespace gatehouse
