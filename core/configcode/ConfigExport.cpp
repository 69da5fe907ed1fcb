#include "configcode/ConfigExport.h"

#include "config/ModelJson.h"
#include "config/PriceSettings.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"
#include "store/PolicyStore.h"
#include "store/PriceStore.h"
#include "store/PromptStore.h"
#include "store/ProviderStore.h"

#include <algorithm>
#include <array>
#include <set>

namespace gatehouse {
namespace {

// Unset members are left out of the files rather than written as null: the file says what is set.
Json withoutNulls(Json value)
{
    if (value.is_object()) {
        Json kept = Json::object();
        for (auto& [key, member] : value.items()) {
            if (!member.is_null())
                kept[key] = withoutNulls(member);
        }
        return kept;
    }
    if (value.is_array()) {
        for (auto& item : value)
            item = withoutNulls(item);
    }
    return value;
}

Json sortedByKey(const Json& object)
{
    std::vector<std::string> keys;
    for (const auto& [key, ignored] : object.items())
        keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    Json sorted = Json::object();
    for (const auto& key : keys)
        sorted[key] = object.at(key);
    return sorted;
}

void add(ConfigTree& tree, ConfigKind kind, Json body)
{
    ConfigEntity entity;
    entity.kind = kind;
    entity.body = std::move(body);
    entity.name = configEntityName(kind, entity.body).value_or("");
    tree.entities.push_back(std::move(entity));
}

void exportTenantsAndConsumers(ConfigTree& tree, GovernanceStore& governance)
{
    for (int64_t offset = 0;; offset += PageRequest::kMaxPageLimit) {
        const auto page = governance.listTenants({PageRequest::kMaxPageLimit, offset});
        for (const auto& tenant : page.items)
            add(tree, ConfigKind::Tenant, {{"name", tenant.name}});
        if (offset + PageRequest::kMaxPageLimit >= page.total)
            break;
    }
    for (int64_t offset = 0;; offset += PageRequest::kMaxPageLimit) {
        const auto page = governance.listConsumers({}, {PageRequest::kMaxPageLimit, offset});
        for (const auto& consumer : page.items) {
            Json body{{"tenant", consumer.tenant}, {"name", consumer.name}};
            if (!consumer.description.empty())
                body["description"] = consumer.description;
            add(tree, ConfigKind::Consumer, std::move(body));
        }
        if (offset + PageRequest::kMaxPageLimit >= page.total)
            break;
    }
}

void exportProvidersAndModels(ConfigTree& tree, ProviderStore& providers)
{
    for (const auto& provider : providers.listProviders()) {
        Json body{{"name", provider.name}, {"kind", provider.kind}};
        body.update(sortedByKey(withoutNulls(provider.settings)));
        // The secret never: a variable's name, or "stored" (it stays in the gateway's store).
        switch (provider.credential.source) {
        case CredentialSource::None:
            break;
        case CredentialSource::Env:
            body["credential"] = {{"source", "env"}, {"name", provider.credential.envName}};
            break;
        case CredentialSource::Stored:
            body["credential"] = {{"source", "stored"}};
            break;
        }
        add(tree, ConfigKind::Provider, std::move(body));
    }
    for (const auto& model : providers.listModels())
        add(tree, ConfigKind::Model, exportedModel(model.model));
}

// Per model: its access mode and the consumers whose newest request for it is approved (an admin's
// grant or an approved request alike). Models with nothing to say (open, no grants) are left out.
void exportModelAccess(ConfigTree& tree, GovernanceStore& governance)
{
    std::map<std::string, Json> entries;
    for (const auto& access : governance.listModelAccess()) {
        if (access.mode == AccessMode::Open && !access.autoApprove)
            continue;
        entries[access.model] = {{"model", access.model}, {"mode", std::string(accessModeName(access.mode))},
            {"auto_approve", access.autoApprove}};
    }
    std::map<std::string, std::set<std::string>> grants;
    for (const auto& request : governance.latestAccessRequests()) {
        if (request.state != AccessState::Approved)
            continue;
        const auto consumer = governance.consumer(request.consumerId);
        grants[request.model].insert(consumer.tenant + "/" + consumer.name);
    }
    for (const auto& [model, consumers] : grants) {
        auto& entry = entries[model];
        if (entry.is_null())
            entry = {{"model", model}, {"mode", "open"}, {"auto_approve", false}};
        entry["grants"] = Json(std::vector<std::string>(consumers.begin(), consumers.end()));
    }
    for (auto& [model, entry] : entries)
        add(tree, ConfigKind::ModelAccess, std::move(entry));
}

// Keys made through the admin API or `gatehouse key create` (or imported) that are not revoked nor
// expired; the
// config file's own keys stay in that file, and a gateway's own local keys (the first-run developer
// key, the console's) with it.
void exportKeys(ConfigTree& tree, KeyStore& keys)
{
    std::map<std::string, std::string> prefixes; // prefix → hash: two keys cannot share a file
    const auto now = systemNowMs();
    for (int64_t offset = 0;; offset += PageRequest::kMaxPageLimit) {
        const auto page = keys.listKeys(std::nullopt, {PageRequest::kMaxPageLimit, offset});
        for (const auto& key : page.items) {
            // Expired keys are dead: their tenant or consumer may be gone, and nothing applies them.
            const bool expired = key.expiresAtMs && *key.expiresAtMs <= now;
            if (key.revokedAtMs || expired || key.source == "config" || key.source == kLocalKeySource)
                continue;
            if (const auto [existing, added] = prefixes.emplace(key.prefix, key.hash); !added)
                throw std::runtime_error("two keys share the visible prefix " + key.prefix
                    + ": the export names key files by prefix; revoke one of them (or export --without-keys)");
            Json body{{"prefix", key.prefix}, {"sha256", key.hash}, {"name", key.name}, {"tenant", key.tenant}};
            if (!key.consumerName.empty())
                body["consumer"] = key.consumerName;
            if (!key.allowedModels.empty()) {
                auto models = key.allowedModels;
                std::sort(models.begin(), models.end());
                body["allowed_models"] = models;
            }
            if (key.expiresAtMs)
                body["expires_at_ms"] = *key.expiresAtMs;
            if (!key.tags.empty())
                body["tags"] = Json(key.tags);
            add(tree, ConfigKind::Key, std::move(body));
        }
        if (offset + PageRequest::kMaxPageLimit >= page.total)
            break;
    }
}

void exportPolicy(ConfigTree& tree, PolicyStore& policy)
{
    for (const auto& stored : policy.listLimits())
        add(tree, ConfigKind::Limit, exportedLimit(stored.limit));
    for (const auto& stored : policy.listBudgets())
        add(tree, ConfigKind::Budget, exportedBudget(stored.budget));
}

// One file per model and provider family, its dated entries oldest first.
void exportPrices(ConfigTree& tree, PriceStore& prices)
{
    std::map<std::pair<std::string, std::string>, Json> files;
    for (const auto& stored : prices.list()) {
        auto& body = files[{stored.entry.provider, stored.entry.model}];
        if (body.is_null()) {
            body = Json::object();
            if (!stored.entry.provider.empty())
                body["provider"] = stored.entry.provider;
            body["model"] = stored.entry.model;
            body["entries"] = Json::array();
        }
        body["entries"].push_back(exportedPriceEntry(stored.entry));
    }
    for (auto& [slot, body] : files) {
        auto& entries = body["entries"];
        std::stable_sort(entries.begin(), entries.end(),
            [](const Json& a, const Json& b) { return a.at("effective_date").get<std::string>() < b.at("effective_date").get<std::string>(); });
        add(tree, ConfigKind::Price, std::move(body));
    }
}

void exportPrompts(ConfigTree& tree, PromptStore& prompts)
{
    for (const auto& prompt : prompts.list()) {
        Json body{{"name", prompt.name}};
        if (!prompt.description.empty())
            body["description"] = prompt.description;
        Json versions = Json::array();
        for (const auto& version : prompt.versions)
            versions.push_back(exportedPromptVersion(version));
        body["versions"] = std::move(versions);
        Json labels = Json::object();
        for (const auto& label : prompt.labels) // by name already
            labels[label.name] = toJson(label).at("split");
        if (!labels.empty())
            body["labels"] = std::move(labels);
        add(tree, ConfigKind::Prompt, std::move(body));
    }
}

const std::array<ConfigTableCoverage, 23> kCoverage{{
    {"tenants", true, {}},
    {"consumers", true, {}},
    {"providers", true, {}},
    {"provider_secrets", false, "secrets are never exported: a stored credential is written as {source: stored}"},
    {"models", true, {}},
    {"model_deployments", true, {}},
    {"model_access", true, {}},
    {"access_requests", true, {}}, // the approved ones, as the model's grants
    {"api_keys", true, {}},
    {"rate_limits", true, {}},
    {"budgets", true, {}},
    {"prices", true, {}},
    {"prompts", true, {}},
    {"prompt_versions", true, {}},
    {"prompt_labels", true, {}},
    {"admin_tokens", false, "credentials of the admin API itself: each gateway makes its own (a hash cannot be handed on safely)"},
    {"audit_log", false, "the history of changes, not configuration: an apply appends to it"},
    {"calls", false, "call records: traffic, not configuration"},
    {"call_payloads", false, "captured request and answer bodies: traffic, not configuration"},
    {"call_rollups", false, "analytics derived from the calls"},
    {"call_rollup_cuts", false, "analytics derived from the calls"},
    {"call_feedback", false, "scores clients posted for calls: traffic, not configuration"},
    {"meta", false, "the store's own bookkeeping (generation counters, the rollups' watermark)"},
}};

} // namespace

Json exportedPromptVersion(const PromptVersion& version)
{
    auto json = withoutNulls(toJson(version));
    json.erase("created_at_ms");
    json.erase("created_by");
    return json;
}

Json exportedModel(const ModelConfig& model)
{
    return withoutNulls(modelEntryJson(model, "model"));
}

Json exportedLimit(const ScopedLimits& limit)
{
    return withoutNulls(toJson(limit));
}

Json exportedBudget(const BudgetDefinition& budget)
{
    return withoutNulls(toJson(budget));
}

Json exportedPriceEntry(const PriceEntry& entry)
{
    auto json = withoutNulls(toJson(entry));
    json.erase("provider");
    json.erase("model");
    Json ordered{{"effective_date", json.at("effective_date")}};
    json.erase("effective_date");
    ordered.update(json);
    return ordered;
}

ConfigTree exportConfig(ConfigStores& stores, const ConfigExportOptions& options)
{
    ConfigTree tree;
    tree.keysIncluded = options.includeKeys;
    const auto wanted = [&](ConfigKind kind) { return !options.only || *options.only == kind; };
    if (wanted(ConfigKind::Tenant) || wanted(ConfigKind::Consumer))
        exportTenantsAndConsumers(tree, stores.governance);
    if (wanted(ConfigKind::Provider) || wanted(ConfigKind::Model))
        exportProvidersAndModels(tree, stores.providers);
    if (wanted(ConfigKind::ModelAccess))
        exportModelAccess(tree, stores.governance);
    if (options.includeKeys && wanted(ConfigKind::Key))
        exportKeys(tree, stores.keys);
    if (wanted(ConfigKind::Limit) || wanted(ConfigKind::Budget))
        exportPolicy(tree, stores.policy);
    if (wanted(ConfigKind::Price))
        exportPrices(tree, stores.prices);
    if (wanted(ConfigKind::Prompt))
        exportPrompts(tree, stores.prompts);
    std::erase_if(tree.entities, [&](const ConfigEntity& entity) { return !wanted(entity.kind); });
    sortConfigEntities(tree.entities);
    return tree;
}

std::span<const ConfigTableCoverage> configTableCoverage()
{
    return kCoverage;
}

} // namespace gatehouse
