#include "store/AdminTokenStore.h"

#include "auth/ApiKey.h"

#include <array>
#include <chrono>

namespace gatehouse {
namespace {

constexpr std::array<std::string_view, 3> kRoleNames{"viewer", "operator", "admin"};
constexpr std::string_view kTokenMarker = "gat-";
constexpr std::string_view kApiKeyMarker = "gk-";
constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kVisiblePrefixLength = 10;
// The store's auto-approver signs decisions with this name: no token may act under it.
constexpr std::string_view kReservedName = "auto-approve";

[[noreturn]] void invalid(const std::string& field, const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::Invalid, field + ": " + message, field);
}

void validateTokenName(const std::string& name)
{
    if (name.empty())
        invalid("name", "must not be empty");
    if (name.size() > kMaxNameLength)
        invalid("name", "must be at most " + std::to_string(kMaxNameLength) + " characters");
    const auto isSlugChar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    };
    for (const char c : name) {
        if (!isSlugChar(c))
            invalid("name", "'" + name + "' may only contain letters, digits, '-', '_' and '.'");
    }
    if (name.front() == '-' || name.front() == '_' || name.front() == '.')
        invalid("name", "'" + name + "' must start with a letter or a digit");
    if (name == kReservedName)
        invalid("name", "'" + name + "' is reserved for the store's automatic approvals");
}

const char* kTokenColumns = "SELECT id, name, role, prefix, created_at_ms, revoked_at_ms FROM admin_tokens";

AdminToken readToken(const Statement& row)
{
    AdminToken token;
    token.id = row.columnInt(0);
    token.name = row.columnText(1);
    token.role = parseAdminRole(row.columnText(2)).value_or(AdminRole::Viewer); // CHECK keeps it a name
    token.prefix = row.columnText(3);
    token.createdAtMs = row.columnInt(4);
    if (!row.columnIsNull(5))
        token.revokedAtMs = row.columnInt(5);
    return token;
}

} // namespace

std::string_view adminRoleName(AdminRole role)
{
    return kRoleNames[static_cast<std::size_t>(role)];
}

std::optional<AdminRole> parseAdminRole(std::string_view name)
{
    for (std::size_t index = 0; index < kRoleNames.size(); ++index) {
        if (kRoleNames[index] == name)
            return static_cast<AdminRole>(index);
    }
    return std::nullopt;
}

std::string generateAdminToken()
{
    // The API key generator's 40 random characters behind the admin marker.
    return std::string(kTokenMarker) + generateApiKey().substr(kApiKeyMarker.size());
}

Json toJson(const AdminToken& token)
{
    return {{"id", token.id}, {"name", token.name}, {"role", std::string(adminRoleName(token.role))},
        {"prefix", token.prefix}, {"created_at_ms", token.createdAtMs},
        {"revoked_at_ms", token.revokedAtMs ? Json(*token.revokedAtMs) : Json(nullptr)}};
}

AdminTokenStore::AdminTokenStore(Database& db, Clock clock)
    : m_db(db)
    , m_clock(clock ? std::move(clock) : Clock(systemNowMs))
{
}

CreatedAdminToken AdminTokenStore::create(const Change& change, const std::string& name, AdminRole role)
{
    validateTokenName(name);
    CreatedAdminToken created;
    created.plaintext = generateAdminToken();
    inTransaction(m_db, [&] {
        if (findByName(name))
            throw GovernanceError(GovernanceErrorKind::Conflict,
                "admin token '" + name + "' already exists; names are never reused, choose another");
        auto& token = created.token;
        token = {0, name, role, created.plaintext.substr(0, kVisiblePrefixLength), now(), std::nullopt};
        m_db.prepare("INSERT INTO admin_tokens(name, role, prefix, hash, created_at_ms) VALUES(?, ?, ?, ?, ?)")
            .bind(1, token.name)
            .bind(2, adminRoleName(role))
            .bind(3, token.prefix)
            .bind(4, hashApiKey(created.plaintext))
            .bind(5, token.createdAtMs)
            .step();
        auto lastId = m_db.prepare("SELECT last_insert_rowid()");
        lastId.step();
        token.id = lastId.columnInt(0);
        GovernanceStore(m_db, m_clock).appendAudit(change, "admin_token.create", "admin_token", std::to_string(token.id),
            nullptr, toJson(token));
    });
    return created;
}

std::optional<AdminToken> AdminTokenStore::findByPlaintext(std::string_view plaintext)
{
    auto query = m_db.prepare(std::string(kTokenColumns) + " WHERE hash = ?");
    query.bind(1, hashApiKey(plaintext));
    return query.step() ? std::optional<AdminToken>(readToken(query)) : std::nullopt;
}

std::optional<AdminToken> AdminTokenStore::findByName(const std::string& name)
{
    auto query = m_db.prepare(std::string(kTokenColumns) + " WHERE name = ?");
    query.bind(1, name);
    return query.step() ? std::optional<AdminToken>(readToken(query)) : std::nullopt;
}

std::vector<AdminToken> AdminTokenStore::list()
{
    auto query = m_db.prepare(std::string(kTokenColumns) + " ORDER BY name");
    std::vector<AdminToken> tokens;
    while (query.step())
        tokens.push_back(readToken(query));
    return tokens;
}

AdminToken AdminTokenStore::revoke(const Change& change, const std::string& name)
{
    AdminToken revoked;
    inTransaction(m_db, [&] {
        const auto before = findByName(name);
        if (!before)
            throw GovernanceError(GovernanceErrorKind::NotFound, "admin token '" + name + "' does not exist");
        if (before->revokedAtMs)
            throw GovernanceError(GovernanceErrorKind::Conflict, "admin token '" + name + "' is already revoked");
        revoked = *before;
        revoked.revokedAtMs = now();
        m_db.prepare("UPDATE admin_tokens SET revoked_at_ms = ? WHERE id = ?").bind(1, *revoked.revokedAtMs).bind(2, revoked.id).step();
        GovernanceStore(m_db, m_clock).appendAudit(change, "admin_token.revoke", "admin_token", std::to_string(revoked.id),
            toJson(*before), toJson(revoked));
    });
    return revoked;
}

} // namespace gatehouse
