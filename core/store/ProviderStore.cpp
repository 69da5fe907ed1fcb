#include "store/ProviderStore.h"

#include "config/JsonSettingsNode.h"
#include "config/PriceSettings.h"
#include "logging/Logging.h"

#include <chrono>
#include <filesystem>

namespace gatehouse {
namespace {

constexpr std::size_t kMaxSecretLength = 8192;
constexpr std::size_t kMaxEnvNameLength = 256;

[[noreturn]] void invalid(const std::string& field, const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::Invalid, field + ": " + message, field);
}

[[noreturn]] void conflict(const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::Conflict, message);
}

std::string inQuotes(const std::string& text)
{
    return "'" + text + "'";
}

std::string quotedList(const std::vector<std::string>& names)
{
    std::string list;
    for (const auto& name : names)
        list += (list.empty() ? "" : ", ") + inQuotes(name);
    return list;
}

void validateChange(const Change& change)
{
    if (change.actor.find_first_not_of(" \t") == std::string::npos)
        invalid("actor", "every change needs an actor");
}

bool isEnvNameCharacter(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

// Never puts the secret into a message: it only says what is wrong with it.
void validateCredential(const std::string& kind, const CredentialInput& credential, bool secretAlreadyStored)
{
    if (kind == "mock" && credential.source != CredentialSource::None)
        invalid("credential", "a mock provider takes no credential");
    if (credential.source == CredentialSource::Env) {
        const auto& name = credential.envName;
        if (name.empty())
            invalid("credential.name", "is required for an env credential");
        if (name.size() > kMaxEnvNameLength)
            invalid("credential.name", "must be at most " + std::to_string(kMaxEnvNameLength) + " characters");
        for (std::size_t i = 0; i < name.size(); ++i) {
            if (!isEnvNameCharacter(name[i], i == 0))
                invalid("credential.name", inQuotes(name)
                        + " is not an environment variable name (letters, digits and '_', not starting with a digit)");
        }
    }
    if (credential.source == CredentialSource::Stored) {
        const auto& secret = credential.secret;
        if (secret.empty() && !secretAlreadyStored)
            invalid("credential.secret", "is required: the provider has no stored secret yet");
        if (secret.size() > kMaxSecretLength)
            invalid("credential.secret", "must be at most " + std::to_string(kMaxSecretLength) + " characters");
        for (const unsigned char c : secret) {
            // It is sent in a request header: a line break would start another header.
            if (c < 0x20 || c == 0x7f)
                invalid("credential.secret", "must not contain control characters (line breaks, tabs)");
        }
    }
}

// A model entry as stored ({"name", "deployments", <policy>}) through the config's rules, whatever
// its providers: they may be the config file's, which the store does not know.
ModelConfig readModel(const Json& entry)
{
    auto model = readModelEntry(JsonSettingsNode(entry), [](const std::string&) { return true; });
    model.definedIn = DefinedIn::Store;
    return model;
}

// What is about to be stored must read back: the same rules, their error as the store's.
void validateModel(const ModelConfig& model)
{
    try {
        readModel(toJson(StoredModel{model}));
    } catch (const SettingsError& error) {
        throw GovernanceError(GovernanceErrorKind::Invalid, error.what(), error.field());
    }
}

// The database now holds secrets: its files are for their owner only. SQLite creates the -wal and
// -shm files with the database file's mode, so new ones follow.
void restrictToOwner(Database& db)
{
    auto list = db.prepare("PRAGMA database_list");
    std::string path;
    while (list.step()) {
        if (list.columnText(1) == "main")
            path = list.columnText(2);
    }
    if (path.empty()) // an in-memory database
        return;
    namespace fs = std::filesystem;
    for (const auto& file : {path, path + "-wal", path + "-shm"}) {
        std::error_code ec;
        if (!fs::exists(file, ec))
            continue;
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
        if (ec)
            componentLogger("store")->warn("cannot make {} readable by its owner only: {}", file, ec.message());
    }
}

int64_t lastInsertId(Database& db)
{
    auto query = db.prepare("SELECT last_insert_rowid()");
    query.step();
    return query.columnInt(0);
}

constexpr const char* kProviderColumns = "SELECT id, name, kind, settings, credential_source, credential_env, "
                                         "created_at_ms, updated_at_ms FROM providers";

StoredProvider readProvider(const Statement& row)
{
    StoredProvider provider;
    provider.name = row.columnText(1);
    provider.kind = row.columnText(2);
    provider.settings = Json::parse(row.columnText(3), nullptr, false); // written by this file: an object
    if (!provider.settings.is_object())
        provider.settings = Json::object();
    provider.credential.source = parseCredentialSource(row.columnText(4)).value_or(CredentialSource::None);
    provider.credential.envName = row.columnText(5);
    provider.createdAtMs = row.columnInt(6);
    provider.updatedAtMs = row.columnInt(7);
    return provider;
}

} // namespace

std::string_view credentialSourceName(CredentialSource source)
{
    switch (source) {
    case CredentialSource::Env:
        return "env";
    case CredentialSource::Stored:
        return "stored";
    case CredentialSource::None:
        break;
    }
    return "none";
}

std::optional<CredentialSource> parseCredentialSource(std::string_view name)
{
    for (const auto source : {CredentialSource::None, CredentialSource::Env, CredentialSource::Stored}) {
        if (credentialSourceName(source) == name)
            return source;
    }
    return std::nullopt;
}

Json toJson(const CredentialInfo& credential)
{
    Json json{{"source", std::string(credentialSourceName(credential.source))}};
    if (credential.source == CredentialSource::Env)
        json["name"] = credential.envName;
    if (credential.source == CredentialSource::Stored)
        json["set"] = true;
    return json;
}

Json toJson(const StoredProvider& provider)
{
    Json json{{"name", provider.name}, {"kind", provider.kind}};
    for (const auto& [key, value] : provider.settings.items())
        json[key] = value;
    json["credential"] = toJson(provider.credential);
    return json;
}

Json toJson(const StoredModel& model)
{
    return modelEntryJson(model.model, "name");
}

ProviderStore::ProviderStore(Database& db, Clock clock)
    : m_db(db)
    , m_clock(clock ? std::move(clock) : Clock(systemNowMs))
{
    // Deleted and replaced secrets are overwritten in the file, not left in free pages.
    m_db.exec("PRAGMA secure_delete = ON");
    restrictToOwner(m_db);
}

std::vector<StoredProvider> ProviderStore::listProviders()
{
    auto query = m_db.prepare(std::string(kProviderColumns) + " ORDER BY name");
    std::vector<StoredProvider> providers;
    while (query.step())
        providers.push_back(readProvider(query));
    return providers;
}

std::optional<StoredProvider> ProviderStore::findProvider(const std::string& name)
{
    auto query = m_db.prepare(std::string(kProviderColumns) + " WHERE name = ?");
    query.bind(1, name);
    return query.step() ? std::optional<StoredProvider>(readProvider(query)) : std::nullopt;
}

std::vector<StoredModel> ProviderStore::listModels()
{
    return readModels(std::nullopt);
}

std::optional<StoredModel> ProviderStore::findModel(const std::string& name)
{
    auto models = readModels(name);
    return models.empty() ? std::nullopt : std::optional<StoredModel>(std::move(models.front()));
}

std::vector<std::string> ProviderStore::modelsUsing(const std::string& provider)
{
    auto query = m_db.prepare("SELECT DISTINCT m.name FROM models m JOIN model_deployments d ON d.model_id = m.id "
                              "WHERE d.provider = ? ORDER BY m.name");
    query.bind(1, provider);
    std::vector<std::string> names;
    while (query.step())
        names.push_back(query.columnText(0));
    return names;
}

StoredProvider ProviderStore::createProvider(GovernanceStore& audit, const Change& change, const StoredProvider& provider,
    const CredentialInput& credential, const AuditView& view)
{
    validateChange(change);
    if (provider.name.empty())
        invalid("name", "must not be empty");
    if (!findProviderKind(provider.kind))
        invalid("kind", "unknown provider kind " + inQuotes(provider.kind) + " (expected one of " + providerKindNames() + ")");
    if (!provider.settings.is_object())
        invalid("settings", "must be an object");
    validateCredential(provider.kind, credential, false);
    StoredProvider created = provider;
    inTransaction(m_db, [&] {
        if (providerId(provider.name))
            conflict("provider " + inQuotes(provider.name) + " already exists");
        created.createdAtMs = created.updatedAtMs = now();
        created.credential = {credential.source, credential.source == CredentialSource::Env ? credential.envName : ""};
        auto insert = m_db.prepare("INSERT INTO providers(name, kind, settings, created_at_ms, updated_at_ms) VALUES(?, ?, ?, ?, ?)");
        insert.bind(1, created.name).bind(2, created.kind).bind(3, created.settings.dump());
        insert.bind(4, created.createdAtMs).bind(5, created.updatedAtMs).step();
        writeCredential(lastInsertId(m_db), credential);
        bumpGeneration();
        auto after = view ? view(created.name) : toJson(created);
        if (credential.source == CredentialSource::Stored)
            after["credential_change"] = "set";
        audit.appendAudit(change, "provider.create", "provider", created.name, nullptr, after);
    });
    return created;
}

StoredProvider ProviderStore::updateProvider(GovernanceStore& audit, const Change& change, const std::string& name,
    const std::string& kind, const Json& settings, const std::optional<CredentialInput>& credential, const AuditView& view)
{
    validateChange(change);
    if (!findProviderKind(kind))
        invalid("kind", "unknown provider kind " + inQuotes(kind) + " (expected one of " + providerKindNames() + ")");
    if (!settings.is_object())
        invalid("settings", "must be an object");
    StoredProvider updated;
    inTransaction(m_db, [&] {
        const auto before = findProvider(name);
        const auto id = providerId(name);
        if (!before || !id)
            throw GovernanceError(GovernanceErrorKind::NotFound, "provider " + inQuotes(name) + " does not exist");
        const auto beforeJson = view ? view(name) : toJson(*before);
        const bool hadSecret = before->credential.source == CredentialSource::Stored;
        const auto next = credential.value_or(CredentialInput{before->credential.source, before->credential.envName, {}});
        validateCredential(kind, next, hadSecret);
        updated = *before;
        updated.kind = kind;
        updated.settings = settings;
        updated.credential = {next.source, next.source == CredentialSource::Env ? next.envName : ""};
        updated.updatedAtMs = now();
        m_db.prepare("UPDATE providers SET kind = ?, settings = ?, updated_at_ms = ? WHERE id = ?")
            .bind(1, kind)
            .bind(2, settings.dump())
            .bind(3, updated.updatedAtMs)
            .bind(4, *id)
            .step();
        std::string secretChange;
        if (credential) {
            const bool newSecret = next.source == CredentialSource::Stored && !next.secret.empty();
            if (newSecret)
                secretChange = hadSecret ? "replaced" : "set";
            else if (hadSecret && next.source != CredentialSource::Stored)
                secretChange = "removed";
            writeCredential(*id, next);
        }
        bumpGeneration();
        auto after = view ? view(name) : toJson(updated);
        if (!secretChange.empty())
            after["credential_change"] = secretChange;
        audit.appendAudit(change, "provider.update", "provider", name, beforeJson, after);
    });
    return updated;
}

StoredProvider ProviderStore::deleteProvider(GovernanceStore& audit, const Change& change, const std::string& name,
    bool nameStaysDefined, const AuditView& view)
{
    validateChange(change);
    StoredProvider deleted;
    inTransaction(m_db, [&] {
        const auto before = findProvider(name);
        if (!before)
            throw GovernanceError(GovernanceErrorKind::NotFound, "provider " + inQuotes(name) + " does not exist");
        if (const auto users = modelsUsing(name); !users.empty() && !nameStaysDefined)
            conflict("provider " + inQuotes(name) + " is still used by model(s) " + quotedList(users)
                + "; remove its deployments from them (or delete them) first");
        deleted = *before;
        const auto beforeJson = view ? view(name) : toJson(deleted);
        m_db.prepare("DELETE FROM providers WHERE name = ?").bind(1, name).step(); // its secret cascades
        bumpGeneration();
        audit.appendAudit(change, "provider.delete", "provider", name, beforeJson, nullptr);
    });
    return deleted;
}

StoredModel ProviderStore::createModel(GovernanceStore& audit, const Change& change, const ModelConfig& model,
    const AuditView& view)
{
    validateChange(change);
    validateModel(model);
    StoredModel created{model};
    created.model.definedIn = DefinedIn::Store;
    inTransaction(m_db, [&] {
        if (findModel(model.name))
            conflict("model " + inQuotes(model.name) + " already exists");
        created.createdAtMs = created.updatedAtMs = now();
        m_db.prepare("INSERT INTO models(name, created_at_ms, updated_at_ms) VALUES(?, ?, ?)")
            .bind(1, model.name)
            .bind(2, created.createdAtMs)
            .bind(3, created.updatedAtMs)
            .step();
        writeModel(lastInsertId(m_db), model);
        bumpGeneration();
        audit.appendAudit(change, "model.create", "model", model.name, nullptr, view ? view(model.name) : toJson(created));
    });
    return created;
}

StoredModel ProviderStore::updateModel(GovernanceStore& audit, const Change& change, const std::string& name,
    const ModelConfig& model, const AuditView& view)
{
    validateChange(change);
    auto next = model;
    next.name = name;
    next.definedIn = DefinedIn::Store;
    validateModel(next);
    StoredModel updated;
    inTransaction(m_db, [&] {
        const auto before = findModel(name);
        if (!before)
            throw GovernanceError(GovernanceErrorKind::NotFound, "model " + inQuotes(name) + " does not exist");
        auto id = m_db.prepare("SELECT id FROM models WHERE name = ?");
        id.bind(1, name).step();
        const auto modelId = id.columnInt(0);
        const auto beforeJson = view ? view(name) : toJson(*before);
        updated = *before;
        updated.model = next;
        updated.problem.clear();
        updated.updatedAtMs = now();
        m_db.prepare("UPDATE models SET updated_at_ms = ? WHERE id = ?").bind(1, updated.updatedAtMs).bind(2, modelId).step();
        m_db.prepare("DELETE FROM model_deployments WHERE model_id = ?").bind(1, modelId).step();
        writeModel(modelId, next);
        bumpGeneration();
        audit.appendAudit(change, "model.update", "model", name, beforeJson, view ? view(name) : toJson(updated));
    });
    return updated;
}

StoredModel ProviderStore::deleteModel(GovernanceStore& audit, const Change& change, const std::string& name,
    const AuditView& view)
{
    validateChange(change);
    StoredModel deleted;
    inTransaction(m_db, [&] {
        const auto before = findModel(name);
        if (!before)
            throw GovernanceError(GovernanceErrorKind::NotFound, "model " + inQuotes(name) + " does not exist");
        deleted = *before;
        const auto beforeJson = view ? view(name) : toJson(deleted);
        m_db.prepare("DELETE FROM models WHERE name = ?").bind(1, name).step(); // deployments cascade
        bumpGeneration();
        audit.appendAudit(change, "model.delete", "model", name, beforeJson, nullptr);
    });
    return deleted;
}

StoredCatalog ProviderStore::catalog()
{
    StoredCatalog catalog;
    // One read: providers, models and secrets from the same moment. A savepoint, so that it also
    // works inside a change's transaction (an AuditView reads the catalog there).
    m_db.exec("SAVEPOINT provider_catalog");
    try {
        catalog.providers = listProviders();
        catalog.models = listModels();
        auto secrets = m_db.prepare("SELECT p.name, s.secret FROM provider_secrets s JOIN providers p ON p.id = s.provider_id");
        while (secrets.step())
            catalog.secrets[secrets.columnText(0)] = secrets.columnText(1);
        m_db.exec("RELEASE provider_catalog");
    } catch (...) {
        m_db.exec("ROLLBACK TO provider_catalog; RELEASE provider_catalog");
        throw;
    }
    return catalog;
}

int64_t ProviderStore::generation()
{
    auto query = m_db.prepare("SELECT value FROM meta WHERE name = 'providers_generation'");
    return query.step() ? query.columnInt(0) : 0;
}

std::optional<int64_t> ProviderStore::providerId(const std::string& name)
{
    auto query = m_db.prepare("SELECT id FROM providers WHERE name = ?");
    query.bind(1, name);
    return query.step() ? std::optional<int64_t>(query.columnInt(0)) : std::nullopt;
}

void ProviderStore::writeCredential(int64_t providerId, const CredentialInput& credential)
{
    auto update = m_db.prepare("UPDATE providers SET credential_source = ?, credential_env = ? WHERE id = ?");
    update.bind(1, credentialSourceName(credential.source));
    if (credential.source == CredentialSource::Env)
        update.bind(2, credential.envName);
    else
        update.bindNull(2);
    update.bind(3, providerId).step();
    if (credential.source != CredentialSource::Stored) {
        m_db.prepare("DELETE FROM provider_secrets WHERE provider_id = ?").bind(1, providerId).step();
    } else if (!credential.secret.empty()) {
        m_db.prepare("INSERT INTO provider_secrets(provider_id, secret, set_at_ms) VALUES(?, ?, ?) "
                     "ON CONFLICT(provider_id) DO UPDATE SET secret = excluded.secret, set_at_ms = excluded.set_at_ms")
            .bind(1, providerId)
            .bind(2, credential.secret)
            .bind(3, now())
            .step();
    }
}

std::vector<StoredModel> ProviderStore::readModels(const std::optional<std::string>& name)
{
    // Each model's entry as stored, {"name", "deployments", <policy>}, and its bare deployments in
    // case the entry does not read back.
    struct Row {
        StoredModel stored;
        Json entry;
    };
    std::vector<Row> rows;
    std::map<int64_t, std::size_t> indexById;
    const std::string filter = name ? " WHERE m.name = ?" : "";
    auto query = m_db.prepare("SELECT m.id, m.name, m.policy, m.created_at_ms, m.updated_at_ms FROM models m" + filter + " ORDER BY m.name");
    if (name)
        query.bind(1, *name);
    while (query.step()) {
        indexById[query.columnInt(0)] = rows.size();
        Row row;
        row.stored.model.name = query.columnText(1);
        row.stored.model.definedIn = DefinedIn::Store;
        row.stored.createdAtMs = query.columnInt(3);
        row.stored.updatedAtMs = query.columnInt(4);
        row.entry = {{"name", row.stored.model.name}, {"deployments", Json::array()}};
        const auto policy = Json::parse(query.columnText(2), nullptr, false); // written by this file: an object
        if (policy.is_object())
            row.entry.update(policy);
        else
            row.stored.problem = "its stored policy is not a JSON object";
        rows.push_back(std::move(row));
    }
    auto deployments = m_db.prepare("SELECT d.model_id, d.provider, d.upstream_model, d.weight, d.priority, d.price, d.limits "
                                    "FROM model_deployments d JOIN models m ON m.id = d.model_id"
        + filter + " ORDER BY d.model_id, d.position");
    if (name)
        deployments.bind(1, *name);
    while (deployments.step()) {
        const auto found = indexById.find(deployments.columnInt(0));
        if (found == indexById.end())
            continue;
        auto& row = rows[found->second];
        DeploymentConfig deployment{deployments.columnText(1), deployments.columnText(2), static_cast<int>(deployments.columnInt(3)),
            static_cast<int>(deployments.columnInt(4))};
        auto json = toJson(deployment);
        if (!deployments.columnIsNull(5)) {
            const auto price = deployments.columnText(5);
            const auto parsed = Json::parse(price, nullptr, false);
            json["price"] = parsed.is_discarded() ? Json(price) : parsed; // not JSON: refused by the rules below
        }
        if (!deployments.columnIsNull(6)) {
            const auto limits = deployments.columnText(6);
            const auto parsed = Json::parse(limits, nullptr, false);
            json["limits"] = parsed.is_discarded() ? Json(limits) : parsed;
        }
        row.entry["deployments"].push_back(std::move(json));
        row.stored.model.deployments.push_back(std::move(deployment));
    }
    std::vector<StoredModel> models;
    for (auto& row : rows) {
        if (row.stored.problem.empty()) {
            try {
                row.stored.model = readModel(row.entry);
            } catch (const ConfigError& error) {
                row.stored.problem = error.what();
            }
        }
        if (!row.stored.problem.empty())
            row.stored.problem = "its stored settings are not valid any more (" + row.stored.problem + "); edit the model";
        models.push_back(std::move(row.stored));
    }
    return models;
}

void ProviderStore::writeModel(int64_t modelId, const ModelConfig& model)
{
    m_db.prepare("UPDATE models SET policy = ? WHERE id = ?").bind(1, modelPolicyJson(model).dump()).bind(2, modelId).step();
    auto insert = m_db.prepare("INSERT INTO model_deployments(model_id, position, provider, upstream_model, weight, priority, price, limits) "
                               "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < model.deployments.size(); ++i) {
        const auto& deployment = model.deployments[i];
        insert.reset();
        insert.bind(1, modelId)
            .bind(2, static_cast<int64_t>(i))
            .bind(3, deployment.provider)
            .bind(4, deployment.upstreamModel)
            .bind(5, static_cast<int64_t>(deployment.weight))
            .bind(6, static_cast<int64_t>(deployment.priority));
        if (deployment.price)
            insert.bind(7, toJson(*deployment.price).dump());
        else
            insert.bindNull(7);
        if (deployment.limits.any())
            insert.bind(8, limitsJson(deployment.limits).dump());
        else
            insert.bindNull(8);
        insert.step();
    }
}

void ProviderStore::bumpGeneration()
{
    m_db.exec("UPDATE meta SET value = value + 1 WHERE name = 'providers_generation'");
}

} // namespace gatehouse
