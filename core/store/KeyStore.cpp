#include "store/KeyStore.h"

#include "auth/ApiKey.h"

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

} // namespace

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
    StoredKey key{0, name, visibleKeyPrefix(plaintextKey), hashApiKey(plaintextKey), tenant, allowedModels, source, nowMs()};
    m_db.prepare("INSERT INTO api_keys(name, prefix, hash, tenant, allowed_models, source, created_at_ms) "
                 "VALUES(?, ?, ?, ?, ?, ?, ?)")
        .bind(1, key.name)
        .bind(2, key.prefix)
        .bind(3, key.hash)
        .bind(4, key.tenant)
        .bind(5, joinModels(key.allowedModels))
        .bind(6, key.source)
        .bind(7, key.createdAtMs)
        .step();
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

std::vector<StoredKey> KeyStore::activeKeys()
{
    auto query = m_db.prepare("SELECT id, name, prefix, hash, tenant, allowed_models, source, created_at_ms "
                              "FROM api_keys WHERE revoked_at_ms IS NULL ORDER BY id");
    std::vector<StoredKey> keys;
    while (query.step()) {
        keys.push_back({query.columnInt(0), query.columnText(1), query.columnText(2), query.columnText(3),
            query.columnText(4), splitModels(query.columnText(5)), query.columnText(6), query.columnInt(7)});
    }
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
