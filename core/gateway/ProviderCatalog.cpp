#include "gateway/ProviderCatalog.h"

#include "config/JsonSettingsNode.h"
#include "config/ModelJson.h"
#include "config/ProviderValidation.h"

#include <set>

namespace gatehouse {
namespace {

const std::string kBuiltInSource = "built-in default config";

std::string inQuotes(const std::string& text)
{
    return "'" + text + "'";
}

[[noreturn]] void conflict(const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::Conflict, message);
}

[[noreturn]] void notFound(const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::NotFound, message);
}

bool isOpenAiFamily(ProviderKind kind)
{
    return kind == ProviderKind::OpenAi || kind == ProviderKind::OpenAiCompatible || kind == ProviderKind::AzureOpenAi;
}

// {name, kind, <settings>}: the document the config loader's rules read for a stored provider.
Json entryDocument(const StoredProvider& provider)
{
    Json document{{"name", provider.name}, {"kind", provider.kind}};
    for (const auto& [key, value] : provider.settings.items())
        document[key] = value;
    return document;
}

// What the store keeps as a provider's settings: the entry without its identity and credential.
Json settingsOf(const Json& document)
{
    Json settings = Json::object();
    for (const auto& [key, value] : document.items()) {
        if (key != "name" && key != "kind" && key != "credential" && !value.is_null())
            settings[key] = value;
    }
    return settings;
}

// A stored provider as the data plane uses it. Its settings passed the rules when they were
// written; if they fail now (a CA file removed), the provider stays listed but unavailable.
ProviderConfig readStoredProvider(const StoredProvider& stored, const StoredCatalog& catalog, const EnvironmentLookup& environment)
{
    ProviderConfig provider;
    try {
        provider = readProviderEntry(JsonSettingsNode(entryDocument(stored)), {});
    } catch (const ConfigError& error) {
        provider = {};
        provider.name = stored.name;
        if (const auto* info = findProviderKind(stored.kind))
            provider.kind = info->kind;
        provider.unavailable = std::string("its stored settings are not valid any more (") + error.what() + "); edit the provider";
    }
    provider.definedIn = DefinedIn::Store;
    switch (stored.credential.source) {
    case CredentialSource::None:
        break;
    case CredentialSource::Env: {
        const auto& variable = stored.credential.envName;
        provider.apiKeyReference = "env:" + variable;
        const auto value = environment(variable);
        if (value && !value->empty())
            provider.apiKey = *value;
        else if (provider.unavailable.empty())
            provider.unavailable = "its credential names the environment variable " + variable
                + ", which is not set in the gateway's environment";
        break;
    }
    case CredentialSource::Stored: {
        provider.apiKeyReference = "stored";
        if (const auto found = catalog.secrets.find(stored.name); found != catalog.secrets.end())
            provider.apiKey = found->second;
        else if (provider.unavailable.empty())
            provider.unavailable = "its stored secret is missing; set it again";
        break;
    }
    }
    return provider;
}

Json credentialJson(const ProviderConfig& provider)
{
    const auto& reference = provider.apiKeyReference;
    if (reference.starts_with("env:"))
        return {{"source", "env"}, {"name", reference.substr(4)}};
    if (reference == "stored")
        return {{"source", "stored"}, {"set", true}};
    return {{"source", "none"}};
}

Json optionalJson(const std::string& text)
{
    return text.empty() ? Json(nullptr) : Json(text);
}

// The provider's effective settings, those of its kind only, defaults applied.
void addSettings(Json& item, const ProviderConfig& provider)
{
    if (provider.kind == ProviderKind::Mock) {
        item["latency_ms"] = provider.mock.latency.count();
        item["stream_chunks"] = provider.mock.streamChunks;
        item["chunk_interval_ms"] = provider.mock.chunkInterval.count();
        return;
    }
    const auto& info = providerKindInfo(provider.kind);
    item["base_url"] = provider.baseUrl.host.empty() ? Json(nullptr) : Json(provider.baseUrl.toString());
    if (*info.defaultApiVersion)
        item["api_version"] = provider.apiVersion;
    if (provider.kind == ProviderKind::Anthropic)
        item["default_max_tokens"] = provider.defaultMaxTokens;
    if (isOpenAiFamily(provider.kind))
        item["stream_usage"] = provider.quirks.streamUsage;
    item["ca_file"] = optionalJson(provider.caFile);
    item["connect_timeout_ms"] = provider.connectTimeout.count();
    item["read_timeout_ms"] = provider.readTimeout.count();
    item["max_idle_connections"] = provider.maxIdleConnections;
}

std::vector<std::string> modelsOn(const GatewayConfig& config, const std::string& provider)
{
    std::vector<std::string> names;
    for (const auto& model : config.models) {
        for (const auto& deployment : model.deployments) {
            if (deployment.provider == provider) {
                names.push_back(model.name);
                break;
            }
        }
    }
    return names;
}

Json timestamps(Json item, const int64_t* createdAtMs, const int64_t* updatedAtMs)
{
    item["created_at_ms"] = createdAtMs ? Json(*createdAtMs) : Json(nullptr);
    item["updated_at_ms"] = updatedAtMs ? Json(*updatedAtMs) : Json(nullptr);
    return item;
}

Json optionalFlag(bool known, bool value)
{
    return known ? Json(value) : Json(nullptr);
}

Json providerItem(const ProviderConfig& provider, const MergedConfig& merged, const StoredProvider* stored,
    const std::string& leftOutReason, bool fileKnown)
{
    Json item{{"name", provider.name}, {"kind", providerKindInfo(provider.kind).name},
        {"source", stored ? "store" : "config"}};
    addSettings(item, provider);
    item["credential"] = credentialJson(provider);
    item["models"] = leftOutReason.empty() ? modelsOn(merged.config, provider.name) : std::vector<std::string>{};
    item["served"] = optionalFlag(fileKnown, leftOutReason.empty());
    const auto& problem = leftOutReason.empty() ? provider.unavailable : leftOutReason;
    item["problem"] = optionalJson(problem);
    return timestamps(std::move(item), stored ? &stored->createdAtMs : nullptr, stored ? &stored->updatedAtMs : nullptr);
}

// A model's item: its access setting (every model has one: open by default), where it is defined,
// what it deploys to and its traffic policy, every key (`model` null: only an access setting).
Json modelItem(const std::string& name, const ModelAccess& access, const ModelConfig* model, const StoredModel* stored,
    bool served, bool fileKnown, const std::string& problem)
{
    const ModelConfig none;
    const auto& shown = model ? *model : none;
    Json item = toJson(access);
    item["model"] = name;
    item["served"] = optionalFlag(fileKnown, served);
    item["source"] = stored ? Json("store") : model ? Json("config") : Json(nullptr);
    item["deployments"] = modelEntryJson(shown)["deployments"];
    item.update(modelPolicyJson(shown, UnsetPolicyKeys::Show));
    item["problem"] = optionalJson(problem);
    return timestamps(std::move(item), stored ? &stored->createdAtMs : nullptr, stored ? &stored->updatedAtMs : nullptr);
}

const std::string* leftOutReason(const std::vector<MergedConfig::LeftOut>& leftOut, const std::string& name)
{
    for (const auto& entry : leftOut) {
        if (entry.name == name)
            return &entry.reason;
    }
    return nullptr;
}

// {"source":"none"} | {"source":"env","name":"VAR"} | {"source":"stored","secret":"..."}. On an
// update, a stored credential without a secret keeps the one already stored. Errors name the field,
// never the secret.
CredentialInput readCredential(const Json& value, bool update)
{
    const JsonSettingsNode node(value, "credential");
    const auto sourceName = node.requiredText("source");
    const auto source = parseCredentialSource(sourceName);
    if (!source)
        node.fail("source", "'" + sourceName + "' is not a credential source (expected none, env or stored)", SettingsProblem::BadValue);
    CredentialInput credential;
    credential.source = *source;
    switch (*source) {
    case CredentialSource::None:
        node.expectKeys({"source"});
        break;
    case CredentialSource::Env:
        node.expectKeys({"source", "name"});
        credential.envName = node.requiredText("name");
        break;
    case CredentialSource::Stored:
        node.expectKeys({"source", "secret"});
        if (!update || node.has("secret"))
            credential.secret = node.requiredText("secret");
        break;
    }
    return credential;
}

[[noreturn]] void refuseRename(const std::string& what, const std::string& field = "name")
{
    throw SettingsError(field, SettingsProblem::BadValue,
        field + ": a " + what + " cannot be renamed; add one with the new name, move what uses it, then delete this one");
}

} // namespace

std::string configFileLabel(const GatewayConfig& file)
{
    if (file.source.empty())
        return "the config file";
    if (file.source == kBuiltInSource)
        return "the " + kBuiltInSource;
    return "the config file " + file.source;
}

MergedConfig mergeConfig(const GatewayConfig& file, const StoredCatalog& stored, const EnvironmentLookup& environment)
{
    MergedConfig merged;
    merged.config = file;
    for (const auto& provider : stored.providers) {
        if (file.findProvider(provider.name)) {
            merged.leftOutProviders.push_back({provider.name, configFileLabel(file) + " defines a provider of the same name, "
                    "which is served instead; delete this one"});
            continue;
        }
        merged.config.providers.push_back(readStoredProvider(provider, stored, environment));
    }
    for (const auto& entry : stored.models) {
        const auto& model = entry.model;
        if (file.findModel(model.name)) {
            merged.leftOutModels.push_back({model.name, configFileLabel(file) + " defines a model of the same name, "
                    "which is served instead; delete this one"});
            continue;
        }
        std::string missing = entry.problem;
        for (std::size_t i = 0; i < model.deployments.size() && missing.empty(); ++i) {
            if (!merged.config.findProvider(model.deployments[i].provider))
                missing = "deployments[" + std::to_string(i) + "] names the provider " + inQuotes(model.deployments[i].provider)
                    + ", which does not exist any more; edit the model";
        }
        if (!missing.empty()) {
            merged.leftOutModels.push_back({model.name, missing});
            continue;
        }
        // A fallback to a model deleted since stays: the data plane skips models it does not serve.
        merged.config.models.push_back(model);
    }
    return merged;
}

struct ProviderCatalog::View {
    StoredCatalog stored;
    MergedConfig merged;
};

ProviderCatalog::ProviderCatalog(const GatewayConfig* file, ProviderStore& store, GovernanceStore& audit, EnvironmentLookup environment)
    : m_knownFile(file)
    , m_file(file ? *file : m_unknownFile)
    , m_store(store)
    , m_audit(audit)
    , m_environment(std::move(environment))
{
}

ProviderCatalog::View ProviderCatalog::view()
{
    View view;
    view.stored = m_store.catalog();
    view.merged = mergeConfig(m_file, view.stored, m_environment);
    return view;
}

std::vector<Json> ProviderCatalog::providers()
{
    const auto current = view();
    const bool fileKnown = m_knownFile != nullptr;
    std::vector<Json> items;
    for (const auto& provider : current.merged.config.providers) {
        if (provider.definedIn == DefinedIn::ConfigFile)
            items.push_back(providerItem(provider, current.merged, nullptr, {}, fileKnown));
    }
    for (const auto& stored : current.stored.providers) {
        if (const auto* reason = leftOutReason(current.merged.leftOutProviders, stored.name)) {
            const auto provider = readStoredProvider(stored, current.stored, m_environment);
            items.push_back(providerItem(provider, current.merged, &stored, *reason, fileKnown));
        } else if (const auto* provider = current.merged.config.findProvider(stored.name)) {
            items.push_back(providerItem(*provider, current.merged, &stored, {}, fileKnown));
        }
    }
    return items;
}

Json ProviderCatalog::provider(const std::string& name)
{
    // The file's entry when both have the name: it is the one served.
    for (auto& item : providers()) {
        if (item["name"] == name)
            return item;
    }
    notFound("provider " + inQuotes(name) + " does not exist");
}

std::vector<Json> ProviderCatalog::models()
{
    const auto current = view();
    const bool fileKnown = m_knownFile != nullptr;
    std::vector<Json> items;
    std::set<std::string> listed;
    for (const auto& model : current.merged.config.models) {
        if (model.definedIn == DefinedIn::ConfigFile) {
            items.push_back(modelItem(model.name, m_audit.modelAccess(model.name), &model, nullptr, true, fileKnown, {}));
            listed.insert(model.name);
        }
    }
    for (const auto& stored : current.stored.models) {
        const auto& name = stored.model.name;
        const auto* reason = leftOutReason(current.merged.leftOutModels, name);
        items.push_back(modelItem(name, m_audit.modelAccess(name), &stored.model, &stored, !reason, fileKnown,
            reason ? *reason : std::string()));
        listed.insert(name);
    }
    for (const auto& access : m_audit.listModelAccess()) {
        if (!listed.count(access.model))
            items.push_back(modelItem(access.model, access, nullptr, nullptr, false, fileKnown, {}));
    }
    return items;
}

Json ProviderCatalog::model(const std::string& name)
{
    for (auto& item : models()) {
        if (item["model"] == name)
            return item;
    }
    notFound("model " + inQuotes(name) + " does not exist");
}

Json ProviderCatalog::storeProviderItem(const std::string& name)
{
    for (auto& item : providers()) {
        if (item["name"] == name && item["source"] == "store")
            return item;
    }
    return nullptr;
}

Json ProviderCatalog::storeModelItem(const std::string& name)
{
    for (auto& item : models()) {
        if (item["model"] == name && item["source"] == "store")
            return item;
    }
    return nullptr;
}

void ProviderCatalog::refuseFileProvider(const std::string& name, const std::string& action) const
{
    conflict("provider " + inQuotes(name) + " is defined in " + configFileLabel(m_file) + "; " + action
        + " (the admin API changes only the providers added through it)");
}

void ProviderCatalog::refuseFileModel(const std::string& name, const std::string& action) const
{
    conflict("model " + inQuotes(name) + " is defined in " + configFileLabel(m_file) + "; " + action
        + " (the admin API changes only the models added through it)");
}

bool ProviderCatalog::providerExists(const std::string& name)
{
    return m_file.findProvider(name) || m_store.findProvider(name);
}

Json ProviderCatalog::createProvider(const Change& change, const Json& body)
{
    const auto provider = readProviderEntry(JsonSettingsNode(body), {"credential", {}});
    if (m_file.findProvider(provider.name))
        refuseFileProvider(provider.name, "choose another name");
    const auto found = body.find("credential");
    const auto credential = found == body.end() || found->is_null() ? CredentialInput{} : readCredential(*found, false);
    StoredProvider stored;
    stored.name = provider.name;
    stored.kind = body.at("kind").get<std::string>();
    stored.settings = settingsOf(body);
    const auto itemView = [this](const std::string& name) { return storeProviderItem(name); };
    m_store.createProvider(m_audit, change, stored, credential, itemView);
    return storeProviderItem(provider.name);
}

Json ProviderCatalog::updateProvider(const Change& change, const std::string& name, const Json& patch)
{
    if (m_file.findProvider(name))
        refuseFileProvider(name, "edit it there");
    const auto stored = m_store.findProvider(name);
    if (!stored)
        notFound("provider " + inQuotes(name) + " does not exist");
    if (const auto given = patch.find("name"); given != patch.end() && !given->is_null() && *given != name)
        refuseRename("provider");

    auto document = entryDocument(*stored);
    for (const auto& [key, value] : patch.items()) {
        if (key == "name" || key == "credential")
            continue;
        if (value.is_null())
            document.erase(key); // back to the kind's default
        else
            document[key] = value;
    }
    auto checked = document;
    std::optional<CredentialInput> credential;
    if (const auto given = patch.find("credential"); given != patch.end() && !given->is_null()) {
        checked["credential"] = *given;
        credential = readCredential(*given, true);
    }
    readProviderEntry(JsonSettingsNode(checked), {"credential", {}});
    const auto kind = document["kind"].get<std::string>();
    if (kind == "mock" && !credential && stored->credential.source != CredentialSource::None)
        credential = CredentialInput{}; // a mock provider takes no credential: becoming one drops it
    const auto itemView = [this](const std::string& provider) { return storeProviderItem(provider); };
    m_store.updateProvider(m_audit, change, name, kind, settingsOf(document), credential, itemView);
    return storeProviderItem(name);
}

Json ProviderCatalog::deleteProvider(const Change& change, const std::string& name)
{
    if (!m_store.findProvider(name)) {
        if (m_file.findProvider(name))
            refuseFileProvider(name, "remove it there");
        notFound("provider " + inQuotes(name) + " does not exist");
    }
    // The store's entry as it was (also when the file shadows it: that is the one deleted).
    Json before = storeProviderItem(name);
    const auto itemView = [this](const std::string& provider) { return storeProviderItem(provider); };
    m_store.deleteProvider(m_audit, change, name, m_file.findProvider(name) != nullptr, itemView);
    return before;
}

ModelConfig ProviderCatalog::readModel(const Json& document)
{
    auto model = readModelEntry(JsonSettingsNode(document), [&](const std::string& provider) { return providerExists(provider); },
        {"model", {}});
    // Its fallbacks must name models that exist now, the file's or the store's (served or not). The
    // other models' references are not this change's business: a fallback to a model deleted since
    // stays, and is skipped at run time.
    std::vector<ModelConfig> models = m_file.models;
    for (auto& stored : m_store.listModels()) {
        if (stored.model.name != model.name)
            models.push_back(std::move(stored.model));
    }
    models.push_back(model);
    const auto prefix = "models[" + std::to_string(models.size() - 1) + "].";
    for (const auto& problem : modelReferenceProblems(models)) {
        if (!problem.starts_with(prefix))
            continue;
        const auto message = problem.substr(prefix.size());
        throw SettingsError(message.substr(0, message.find(": ")), SettingsProblem::BadValue, message);
    }
    return model;
}

Json ProviderCatalog::createModel(const Change& change, const Json& body)
{
    const auto model = readModel(body);
    if (m_file.findModel(model.name))
        refuseFileModel(model.name, "choose another name");
    const auto itemView = [this](const std::string& name) { return storeModelItem(name); };
    m_store.createModel(m_audit, change, model, itemView);
    return storeModelItem(model.name);
}

Json ProviderCatalog::updateModel(const Change& change, const std::string& name, const Json& patch)
{
    if (m_file.findModel(name))
        refuseFileModel(name, "edit it there");
    const auto stored = m_store.findModel(name);
    if (!stored)
        notFound("model " + inQuotes(name) + " does not exist");
    if (const auto given = patch.find("model"); given != patch.end() && !given->is_null() && *given != name)
        refuseRename("model", "model");
    // The stored entry with the fields given replaced; null returns a key to its default (and keeps
    // the deployments: a model always has some).
    auto document = modelEntryJson(stored->model);
    for (const auto& [key, value] : patch.items()) {
        if (key == "model" || (key == "deployments" && value.is_null()))
            continue;
        if (value.is_null())
            document.erase(key);
        else
            document[key] = value;
    }
    const auto model = readModel(document);
    const auto itemView = [this](const std::string& item) { return storeModelItem(item); };
    m_store.updateModel(m_audit, change, name, model, itemView);
    return storeModelItem(name);
}

Json ProviderCatalog::deleteModel(const Change& change, const std::string& name)
{
    if (!m_store.findModel(name)) {
        if (m_file.findModel(name))
            refuseFileModel(name, "remove it there");
        notFound("model " + inQuotes(name) + " does not exist");
    }
    Json before = storeModelItem(name);
    const auto itemView = [this](const std::string& item) { return storeModelItem(item); };
    m_store.deleteModel(m_audit, change, name, itemView);
    return before;
}

} // namespace gatehouse
