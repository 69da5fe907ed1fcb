// API keys and tenants in the store: keys are kept as SHA-256 hash plus visible prefix only.
#pragma once

#include "store/Database.h"
#include "store/GovernanceStore.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

// The source of a key a gateway makes for its own use (the first-run developer key, the console's
// key): never exported (docs/config-as-code.md), each gateway makes its own.
inline constexpr const char* kLocalKeySource = "local";

struct StoredKey {
    int64_t id = 0;
    std::string name;
    std::string prefix;
    std::string hash;
    std::string tenant;
    std::vector<std::string> allowedModels; // empty = every model
    std::string source;                     // "config" (declared in the YAML), "generated", "imported" or kLocalKeySource
    int64_t createdAtMs = 0;
    std::optional<int64_t> consumerId;      // none: a tenant-level key (config keys, `key create`)
    std::string consumerName;               // "" without a consumer
    std::optional<int64_t> expiresAtMs;     // none: never expires
    std::optional<int64_t> revokedAtMs;     // none: not revoked
    std::map<std::string, std::string> tags; // free-form labels ("env": "prod"); never secrets
};

// What an admin chooses about a consumer's key besides its name and expiry.
struct KeySettings {
    std::vector<std::string> allowedModels; // empty = every model the consumer may use
    std::map<std::string, std::string> tags;
};

// A PATCH of a key: only the fields given change.
struct KeyUpdate {
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> allowedModels;
    std::optional<std::map<std::string, std::string>> tags;
    std::optional<int64_t> expiresAtMs; // a later (or earlier, still future) expiry
};

// The admin API's shape of a key: never its hash (nor, of course, the key itself).
Json toJson(const StoredKey& key);

// A rotation's outcome: the new key and the old one with its shortened expiry.
struct KeyRotation {
    StoredKey created;
    StoredKey rotated;
};

class KeyStore {
public:
    explicit KeyStore(Database& db);

    void ensureTenant(const std::string& name);

    // Stores a key by its plaintext (which is hashed here and not kept). Returns the stored row.
    StoredKey addKey(const std::string& name, const std::string& plaintextKey, const std::string& tenant,
        const std::vector<std::string>& allowedModels, const std::string& source);
    // A consumer's key, optionally expiring (epoch ms).
    StoredKey addConsumerKey(const std::string& name, const std::string& plaintextKey, int64_t consumerId,
        std::optional<int64_t> expiresAtMs, const KeySettings& settings = {});

    // Makes the config-declared keys in the store match `declared`: new ones added, changed ones
    // updated, ones no longer declared revoked. Generated keys are left alone.
    struct DeclaredKey {
        std::string name;
        std::string plaintextKey;
        std::string tenant;
        std::vector<std::string> allowedModels;
    };
    void syncDeclaredKeys(const std::vector<DeclaredKey>& declared);

    // Keys neither revoked nor expired now (a later expiry is kept in the key, for the data plane
    // to check on each call).
    std::vector<StoredKey> activeKeys();

    // Audited changes for the admin API: each runs in one transaction with exactly one audit entry
    // (entity_type "api_key", before/after as toJson, never a secret) appended through `audit`,
    // which must use the same database connection. Refusals are GovernanceErrors (NotFound,
    // Conflict, Invalid) and change nothing.
    Page<StoredKey> listKeys(std::optional<int64_t> consumerId, const PageRequest& page = {}); // by id
    std::optional<StoredKey> findKey(int64_t id);
    StoredKey createConsumerKey(GovernanceStore& audit, const Change& change, const std::string& name,
        const std::string& plaintextKey, int64_t consumerId, std::optional<int64_t> expiresAtMs,
        const KeySettings& settings = {});
    // A key known by its hash and prefix only (a configuration export applied to another gateway,
    // docs/config-as-code.md): it authenticates the same key there. `key` gives name, prefix, hash
    // (lower-case hex SHA-256), tenant, consumer id (none: a tenant-level key), models, tags and
    // expiry; it is stored with source "imported". Refused (Conflict) when a key with that hash exists.
    StoredKey importKey(GovernanceStore& audit, const Change& change, StoredKey key);
    // Renames, re-scopes, re-tags or re-times a key. Refused (Conflict) for a revoked key.
    StoredKey updateKey(GovernanceStore& audit, const Change& change, int64_t id, const KeyUpdate& update);
    StoredKey revokeKey(GovernanceStore& audit, const Change& change, int64_t id);
    // A new key for the same consumer (name, tenant, models); the old one keeps working until
    // now + graceMs (or its own earlier expiry). Refused (Conflict) for a revoked or expired key.
    KeyRotation rotateKey(GovernanceStore& audit, const Change& change, int64_t id, const std::string& plaintextKey,
        int64_t graceMs);
    // Grows with every change to the keys, from any process: a running gateway polls it to notice
    // keys created by `gatehouse key create`.
    int64_t generation();
    std::size_t activeKeyCount();

private:
    void bumpGeneration();
    StoredKey insertKey(StoredKey key);
    Database& m_db;
};

} // namespace gatehouse
