// Admin API tokens with roles: created once and shown once, kept as SHA-256 hash plus prefix only.
#pragma once

#include "store/Database.h"
#include "store/GovernanceStore.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// Ordered: each role may do everything the roles before it may.
//   viewer   — reads only;
//   operator — also access requests (file, approve, reject, revoke, cancel), consumer create/update;
//   admin    — everything (tenants, deletes, model access modes, grants).
enum class AdminRole { Viewer, Operator, Admin };

std::string_view adminRoleName(AdminRole role); // "viewer", "operator", "admin"
std::optional<AdminRole> parseAdminRole(std::string_view name);
inline bool roleAllows(AdminRole held, AdminRole needed)
{
    return static_cast<int>(held) >= static_cast<int>(needed);
}

struct AdminToken {
    int64_t id = 0;
    std::string name; // the actor in the audit log for every change made with the token
    AdminRole role = AdminRole::Viewer;
    std::string prefix; // "gat-AbCdEf": safe to show and log
    int64_t createdAtMs = 0;
    std::optional<int64_t> revokedAtMs;
};

struct CreatedAdminToken {
    AdminToken token;
    std::string plaintext; // shown to the creator once; the store keeps only its hash
};

// "gat-" followed by 40 base62 characters from the OpenSSL CSPRNG (the API key generator's).
std::string generateAdminToken();

// The token's JSON as the audit log records it (never the hash).
Json toJson(const AdminToken& token);

class AdminTokenStore {
public:
    using Clock = std::function<int64_t()>; // epoch milliseconds
    explicit AdminTokenStore(Database& db, Clock clock = {});

    // Names as tenant names (1-64 of [A-Za-z0-9._-], starting with a letter or digit), so they
    // cannot be mistaken for "cli:..." actors; "auto-approve" is reserved. A name is never reused,
    // not even after a revoke: it identifies the actor in the audit log. Records an audit entry.
    // Throws GovernanceError (Invalid with the field, Conflict).
    CreatedAdminToken create(const Change& change, const std::string& name, AdminRole role);

    // The token whose plaintext this is, revoked or not; nullopt for an unknown token.
    std::optional<AdminToken> findByPlaintext(std::string_view plaintext);
    std::optional<AdminToken> findByName(const std::string& name);
    std::vector<AdminToken> list(); // by name, revoked ones included

    // Stops the token at once. NotFound for an unknown name, Conflict when already revoked.
    AdminToken revoke(const Change& change, const std::string& name);

private:
    int64_t now() const { return m_clock(); }

    Database& m_db;
    Clock m_clock;
};

} // namespace gatehouse
