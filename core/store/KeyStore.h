// API keys and tenants in the store: keys are kept as SHA-256 hash plus visible prefix only.
#pragma once

#include "store/Database.h"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

struct StoredKey {
    int64_t id = 0;
    std::string name;
    std::string prefix;
    std::string hash;
    std::string tenant;
    std::vector<std::string> allowedModels; // empty = every model
    std::string source;                     // "config" (declared in the YAML) or "generated"
    int64_t createdAtMs = 0;
};

class KeyStore {
public:
    explicit KeyStore(Database& db);

    void ensureTenant(const std::string& name);

    // Stores a key by its plaintext (which is hashed here and not kept). Returns the stored row.
    StoredKey addKey(const std::string& name, const std::string& plaintextKey, const std::string& tenant,
        const std::vector<std::string>& allowedModels, const std::string& source);

    // Makes the config-declared keys in the store match `declared`: new ones added, changed ones
    // updated, ones no longer declared revoked. Generated keys are left alone.
    struct DeclaredKey {
        std::string name;
        std::string plaintextKey;
        std::string tenant;
        std::vector<std::string> allowedModels;
    };
    void syncDeclaredKeys(const std::vector<DeclaredKey>& declared);

    std::vector<StoredKey> activeKeys();
    // Grows with every change to the keys, from any process: a running gateway polls it to notice
    // keys created by `gatehouse key create`.
    int64_t generation();
    std::size_t activeKeyCount();

private:
    void bumpGeneration();
    Database& m_db;
};

} // namespace gatehouse
