#include "store/KeyStore.h"

#include "auth/ApiKey.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>

namespace gatehouse {
namespace {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Model names cannot contain newlines (they are single-line YAML scalars checked against the config).
std::string joinModels(const std::vector<std::string>& models)
{
    std::string out;
    for (const auto& model : models)
        out += (out.empty() ? "" : "\n") + model;
    return out;
}

std::vector<std::string> splitModels(const std::string& text)
{
    std::vector<std::string> models;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
        if (!line.empty())
            models.push_back(line);
    }
    return models;
}

constexpr const char* kKeyColumns = "SELECT k.id, k.name, k.prefix, k.hash, k.tenant, k.allowed_models, k.source, "
                                    "k.created_at_ms, k.consumer_id, c.name, k.expires_at_ms, k.revoked_at_ms, k.metadata "
                                    "FROM api_keys k LEFT JOIN consumers c ON c.id = k.consumer_id";

StoredKey readKey(Statement& query)
{
    StoredKey key{query.columnInt(0), query.columnText(1), query.columnText(2), query.columnText(3),
        query.columnText(4), splitModels(query.columnText(5)), query.columnText(6), query.columnInt(7)};
    if (!query.columnIsNull(8)) {
        key.consumerId = query.columnInt(8);
        key.consumerName = query.columnText(9);
    }
    if (!query.columnIsNull(10))
        key.expiresAtMs = query.columnInt(10);
    if (!query.columnIsNull(11))
        key.revokedAtMs = query.columnInt(11);
    // Written only by tagsText below: a JSON object of strings.
    const auto tags = Json::parse(query.columnText(12), nullptr, false);
    for (const auto& [name, value] : tags.items()) {
        if (value.is_string())
            key.tags.emplace(name, value.get<std::string>());
    }
    return key;
}

std::string tagsText(const std::map<std::string, std::string>& tags)
{
    Json object = Json::object();
    for (const auto& [name, value] : tags)
        object[name] = value;
    return object.dump();
}

constexpr std::size_t kMaxTags = 32;
constexpr std::size_t kMaxTagNameLength = 64;
constexpr std::size_t kMaxTagValueLength = 256;
constexpr std::size_t kMaxAllowedModels = 256;

bool hasControlCharacter(const std::string& text)
{
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

void validateSettings(const std::vector<std::string>& allowedModels, const std::map<std::string, std::string>& tags)
{
    if (allowedModels.size() > kMaxAllowedModels)
        throw GovernanceError(GovernanceErrorKind::Invalid, "allowed_models: at most 256 models", "allowed_models");
    for (const auto& model : allowedModels) {
        if (model.empty() || model.size() > 256 || hasControlCharacter(model))
            throw GovernanceError(GovernanceErrorKind::Invalid,
                "allowed_models: each model is a name of 1-256 characters without control characters", "allowed_models");
    }
    if (tags.size() > kMaxTags)
        throw GovernanceError(GovernanceErrorKind::Invalid, "tags: at most 32 tags", "tags");
    for (const auto& [name, value] : tags) {
        if (name.empty() || name.size() > kMaxTagNameLength || hasControlCharacter(name))
            throw GovernanceError(GovernanceErrorKind::Invalid, "tags: a tag name is 1-64 characters without control characters", "tags");
        if (value.size() > kMaxTagValueLength || hasControlCharacter(value))
            throw GovernanceError(GovernanceErrorKind::Invalid,
                "tags: the value of '" + name + "' must be at most 256 characters without control characters", "tags");
    }
}

Json optionalJson(const std::optional<int64_t>& value)
{
    return value ? Json(*value) : Json(nullptr);
}

[[noreturn]] void keyNotFound(int64_t id)
{
    throw GovernanceError(GovernanceErrorKind::NotFound, "API key " + std::to_string(id) + " does not exist");
}

void validateKeyName(const std::string& name)
{
    if (name.empty())
        throw GovernanceError(GovernanceErrorKind::Invalid, "name: must not be empty", "name");
    if (name.size() > 64)
        throw GovernanceError(GovernanceErrorKind::Invalid, "name: must be at most 64 characters", "name");
    for (const unsigned char c : name) {
        if (c < 0x20 || c == 0x7f)
            throw GovernanceError(GovernanceErrorKind::Invalid, "name: must not contain control characters", "name");
    }
}

} // namespace

Json toJson(const StoredKey& key)
{
    return {{"id", key.id}, {"name", key.name}, {"prefix", key.prefix}, {"consumer_id", optionalJson(key.consumerId)},
        {"tenant", key.tenant}, {"created_at_ms", key.createdAtMs}, {"expires_at_ms", optionalJson(key.expiresAtMs)},
        {"revoked_at_ms", optionalJson(key.revokedAtMs)}, {"allowed_models", key.allowedModels},
        {"tags", Json(key.tags)}};
}

KeyStore::KeyStore(Database& db)
    : m_db(db)
{
}

void KeyStore::ensureTenant(const std::string& name)
{
    m_db.prepare("INSERT OR IGNORE INTO tenants(name, created_at_ms) VALUES(?, ?)").bind(1, name).bind(2, nowMs()).step();
}

StoredKey KeyStore::addKey(const std::string& name, const std::string& plaintextKey, const std::string& tenant,
    const std::vector<std::string>& allowedModels, const std::string& source)
{
    ensureTenant(tenant);
    return insertKey({0, name, visibleKeyPrefix(plaintextKey), hashApiKey(plaintextKey), tenant, allowedModels, source, nowMs()});
}

StoredKey KeyStore::addConsumerKey(const std::string& name, const std::string& plaintextKey, int64_t consumerId,
    std::optional<int64_t> expiresAtMs, const KeySettings& settings)
{
    auto owner = m_db.prepare("SELECT c.name, t.name FROM consumers c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = ?");
    owner.bind(1, consumerId);
    if (!owner.step())
        throw StoreError("no consumer with id " + std::to_string(consumerId));
    StoredKey key{0, name, visibleKeyPrefix(plaintextKey), hashApiKey(plaintextKey), owner.columnText(1),
        settings.allowedModels, "generated", nowMs()};
    key.consumerId = consumerId;
    key.consumerName = owner.columnText(0);
    key.expiresAtMs = expiresAtMs;
    key.tags = settings.tags;
    return insertKey(std::move(key));
}

StoredKey KeyStore::insertKey(StoredKey key)
{
    auto insert = m_db.prepare("INSERT INTO api_keys(name, prefix, hash, tenant, allowed_models, source, created_at_ms, "
                               "consumer_id, expires_at_ms, metadata) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, key.name).bind(2, key.prefix).bind(3, key.hash).bind(4, key.tenant).bind(5, joinModels(key.allowedModels));
    insert.bind(6, key.source).bind(7, key.createdAtMs);
    if (key.consumerId)
        insert.bind(8, *key.consumerId);
    else
        insert.bindNull(8);
    if (key.expiresAtMs)
        insert.bind(9, *key.expiresAtMs);
    else
        insert.bindNull(9);
    insert.bind(10, tagsText(key.tags));
    insert.step();
    auto lastId = m_db.prepare("SELECT last_insert_rowid()");
    lastId.step();
    key.id = lastId.columnInt(0);
    bumpGeneration();
    return key;
}

void KeyStore::syncDeclaredKeys(const std::vector<DeclaredKey>& declared)
{
    inTransaction(m_db, [&] {
        std::set<std::string> declaredHashes;
        for (const auto& key : declared) {
            const auto hash = hashApiKey(key.plaintextKey);
            declaredHashes.insert(hash);
            ensureTenant(key.tenant);
            auto update = m_db.prepare("UPDATE api_keys SET name = ?, tenant = ?, allowed_models = ?, revoked_at_ms = NULL "
                                       "WHERE hash = ?");
            update.bind(1, key.name).bind(2, key.tenant).bind(3, joinModels(key.allowedModels)).bind(4, hash).step();
            auto exists = m_db.prepare("SELECT 1 FROM api_keys WHERE hash = ?");
            exists.bind(1, hash);
            if (!exists.step())
                addKey(key.name, key.plaintextKey, key.tenant, key.allowedModels, "config");
        }
        auto configKeys = m_db.prepare("SELECT hash FROM api_keys WHERE source = 'config' AND revoked_at_ms IS NULL");
        std::vector<std::string> toRevoke;
        while (configKeys.step()) {
            auto hash = configKeys.columnText(0);
            if (!declaredHashes.count(hash))
                toRevoke.push_back(std::move(hash));
        }
        for (const auto& hash : toRevoke)
            m_db.prepare("UPDATE api_keys SET revoked_at_ms = ? WHERE hash = ?").bind(1, nowMs()).bind(2, hash).step();
        bumpGeneration();
    });
}

Page<StoredKey> KeyStore::listKeys(std::optional<int64_t> consumerId, const PageRequest& page)
{
    validatePage(page);
    const std::string where = consumerId ? " WHERE k.consumer_id = ?" : "";
    Page<StoredKey> result;
    auto count = m_db.prepare("SELECT count(*) FROM api_keys k" + where);
    if (consumerId)
        count.bind(1, *consumerId);
    count.step();
    result.total = count.columnInt(0);
    auto query = m_db.prepare(std::string(kKeyColumns) + where + " ORDER BY k.id LIMIT ? OFFSET ?");
    int next = 1;
    if (consumerId)
        query.bind(next++, *consumerId);
    query.bind(next, page.limit).bind(next + 1, page.offset);
    while (query.step())
        result.items.push_back(readKey(query));
    return result;
}

std::optional<StoredKey> KeyStore::findKey(int64_t id)
{
    auto query = m_db.prepare(std::string(kKeyColumns) + " WHERE k.id = ?");
    query.bind(1, id);
    return query.step() ? std::optional<StoredKey>(readKey(query)) : std::nullopt;
}

StoredKey KeyStore::createConsumerKey(GovernanceStore& audit, const Change& change, const std::string& name,
    const std::string& plaintextKey, int64_t consumerId, std::optional<int64_t> expiresAtMs, const KeySettings& settings)
{
    validateKeyName(name);
    validateSettings(settings.allowedModels, settings.tags);
    if (expiresAtMs && *expiresAtMs <= nowMs())
        throw GovernanceError(GovernanceErrorKind::Invalid, "expires_at_ms: must be in the future", "expires_at_ms");
    StoredKey created;
    inTransaction(m_db, [&] {
        auto exists = m_db.prepare("SELECT 1 FROM consumers WHERE id = ?");
        exists.bind(1, consumerId);
        if (!exists.step())
            throw GovernanceError(GovernanceErrorKind::NotFound, "consumer " + std::to_string(consumerId) + " does not exist");
        created = addConsumerKey(name, plaintextKey, consumerId, expiresAtMs, settings);
        audit.appendAudit(change, "api_key.create", "api_key", std::to_string(created.id), nullptr, toJson(created));
    });
    return created;
}

StoredKey KeyStore::importKey(GovernanceStore& audit, const Change& change, StoredKey key)
{
    validateKeyName(key.name);
    validateSettings(key.allowedModels, key.tags);
    const bool hexHash = key.hash.size() == 64 && key.hash.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hexHash)
        throw GovernanceError(GovernanceErrorKind::Invalid, "sha256: must be the key's SHA-256 in 64 lower-case hex digits", "sha256");
    const bool prefixShape = key.prefix.size() >= 3 && key.prefix.size() <= 32
        && key.prefix.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
    if (!prefixShape)
        throw GovernanceError(GovernanceErrorKind::Invalid, "prefix: must be 3-32 of A-Z a-z 0-9 _ - (a key's visible prefix, gk-AbCdEf1)", "prefix");
    if (key.expiresAtMs && *key.expiresAtMs <= nowMs())
        throw GovernanceError(GovernanceErrorKind::Invalid, "expires_at_ms: the key has expired already", "expires_at_ms");
    StoredKey created;
    inTransaction(m_db, [&] {
        auto exists = m_db.prepare("SELECT id, revoked_at_ms IS NOT NULL FROM api_keys WHERE hash = ?");
        exists.bind(1, key.hash);
        if (exists.step())
            throw GovernanceError(GovernanceErrorKind::Conflict,
                "a key with this hash is stored already (id " + std::to_string(exists.columnInt(0)) + ")"
                    + (exists.columnInt(1) ? ", revoked: a revoked key never comes back; create a new key instead" : ""),
                "sha256");
        if (key.consumerId) {
            // A consumer's key is in its consumer's tenant, whatever the caller said.
            auto consumer = m_db.prepare("SELECT t.name FROM consumers c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = ?");
            consumer.bind(1, *key.consumerId);
            if (!consumer.step())
                throw GovernanceError(GovernanceErrorKind::NotFound, "consumer " + std::to_string(*key.consumerId) + " does not exist");
            key.tenant = consumer.columnText(0);
        } else {
            ensureTenant(key.tenant);
        }
        key.source = "imported";
        key.createdAtMs = nowMs();
        key.revokedAtMs.reset();
        created = insertKey(std::move(key));
        audit.appendAudit(change, "api_key.import", "api_key", std::to_string(created.id), nullptr, toJson(created));
    });
    return created;
}

StoredKey KeyStore::revokeKey(GovernanceStore& audit, const Change& change, int64_t id)
{
    StoredKey revoked;
    inTransaction(m_db, [&] {
        const auto before = findKey(id);
        if (!before)
            keyNotFound(id);
        if (before->revokedAtMs)
            throw GovernanceError(GovernanceErrorKind::Conflict, "API key " + std::to_string(id) + " is already revoked");
        revoked = *before;
        revoked.revokedAtMs = nowMs();
        m_db.prepare("UPDATE api_keys SET revoked_at_ms = ? WHERE id = ?").bind(1, *revoked.revokedAtMs).bind(2, id).step();
        bumpGeneration();
        audit.appendAudit(change, "api_key.revoke", "api_key", std::to_string(id), toJson(*before), toJson(revoked));
    });
    return revoked;
}

KeyRotation KeyStore::rotateKey(GovernanceStore& audit, const Change& change, int64_t id, const std::string& plaintextKey,
    int64_t graceMs)
{
    KeyRotation rotation;
    inTransaction(m_db, [&] {
        const auto before = findKey(id);
        if (!before)
            keyNotFound(id);
        const auto now = nowMs();
        if (before->revokedAtMs)
            throw GovernanceError(GovernanceErrorKind::Conflict,
                "API key " + std::to_string(id) + " is revoked; create a new key for its consumer instead");
        if (before->expiresAtMs && *before->expiresAtMs <= now)
            throw GovernanceError(GovernanceErrorKind::Conflict,
                "API key " + std::to_string(id) + " has expired; create a new key for its consumer instead");
        StoredKey fresh{0, before->name, visibleKeyPrefix(plaintextKey), hashApiKey(plaintextKey), before->tenant,
            before->allowedModels, "generated", now};
        fresh.consumerId = before->consumerId;
        fresh.consumerName = before->consumerName;
        fresh.tags = before->tags;
        rotation.created = insertKey(std::move(fresh));
        rotation.rotated = *before;
        rotation.rotated.expiresAtMs = before->expiresAtMs ? std::min(*before->expiresAtMs, now + graceMs) : now + graceMs;
        m_db.prepare("UPDATE api_keys SET expires_at_ms = ? WHERE id = ?").bind(1, *rotation.rotated.expiresAtMs).bind(2, id).step();
        bumpGeneration();
        auto after = toJson(rotation.rotated);
        after["replaced_by"] = toJson(rotation.created);
        audit.appendAudit(change, "api_key.rotate", "api_key", std::to_string(id), toJson(*before), after);
    });
    return rotation;
}

StoredKey KeyStore::updateKey(GovernanceStore& audit, const Change& change, int64_t id, const KeyUpdate& update)
{
    StoredKey after;
    inTransaction(m_db, [&] {
        const auto before = findKey(id);
        if (!before)
            keyNotFound(id);
        if (before->revokedAtMs)
            throw GovernanceError(GovernanceErrorKind::Conflict, "API key " + std::to_string(id) + " is revoked; it cannot change");
        after = *before;
        if (update.name) {
            validateKeyName(*update.name);
            after.name = *update.name;
        }
        if (update.allowedModels)
            after.allowedModels = *update.allowedModels;
        if (update.tags)
            after.tags = *update.tags;
        if (update.expiresAtMs) {
            if (*update.expiresAtMs <= nowMs())
                throw GovernanceError(GovernanceErrorKind::Invalid, "expires_at_ms: must be in the future", "expires_at_ms");
            after.expiresAtMs = update.expiresAtMs;
        }
        validateSettings(after.allowedModels, after.tags);
        auto statement = m_db.prepare("UPDATE api_keys SET name = ?, allowed_models = ?, metadata = ?, expires_at_ms = ? WHERE id = ?");
        statement.bind(1, after.name).bind(2, joinModels(after.allowedModels)).bind(3, tagsText(after.tags));
        if (after.expiresAtMs)
            statement.bind(4, *after.expiresAtMs);
        else
            statement.bindNull(4);
        statement.bind(5, id).step();
        bumpGeneration();
        audit.appendAudit(change, "api_key.update", "api_key", std::to_string(id), toJson(*before), toJson(after));
    });
    return after;
}

std::vector<StoredKey> KeyStore::activeKeys()
{
    auto query = m_db.prepare(std::string(kKeyColumns)
        + " WHERE k.revoked_at_ms IS NULL AND (k.expires_at_ms IS NULL OR k.expires_at_ms > ?) ORDER BY k.id");
    query.bind(1, nowMs());
    std::vector<StoredKey> keys;
    while (query.step())
        keys.push_back(readKey(query));
    return keys;
}

int64_t KeyStore::generation()
{
    auto query = m_db.prepare("SELECT value FROM meta WHERE name = 'keys_generation'");
    return query.step() ? query.columnInt(0) : 0;
}

void KeyStore::bumpGeneration()
{
    m_db.exec("UPDATE meta SET value = value + 1 WHERE name = 'keys_generation'");
}

std::size_t KeyStore::activeKeyCount()
{
    auto query = m_db.prepare("SELECT count(*) FROM api_keys WHERE revoked_at_ms IS NULL");
    query.step();
    return static_cast<std::size_t>(query.columnInt(0));
}

} // namespace gatehouse
