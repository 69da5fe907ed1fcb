#include "store/PolicyStore.h"

#include "config/JsonSettingsNode.h"
#include "json/JsonValues.h"
#include "logging/Logging.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace gatehouse {
namespace {

// An entry through the config file's rules, their refusal as the store's.
template<typename Reader>
auto checked(const Json& entry, Reader&& reader)
{
    try {
        return reader(JsonSettingsNode(entry));
    } catch (const SettingsError& error) {
        throw GovernanceError(GovernanceErrorKind::Invalid, error.what(), error.field());
    }
}

// What is about to be stored must read back the same: the file's rules on its JSON.
ScopedLimits validLimit(const ScopedLimits& limit)
{
    return checked(toJson(limit), [](const SettingsNode& node) { return readLimitEntry(node); });
}

BudgetDefinition validBudget(const BudgetDefinition& budget)
{
    return checked(toJson(budget), [](const SettingsNode& node) { return readBudgetEntry(node); });
}

void bindOptional(Statement& statement, int index, const std::optional<int64_t>& value)
{
    if (value)
        statement.bind(index, *value);
    else
        statement.bindNull(index);
}

Json columnInteger(const Statement& row, int index)
{
    return row.columnIsNull(index) ? Json(nullptr) : Json(row.columnInt(index));
}

// A row as the entry's JSON, read back with the file's rules; a row they refuse now (written by
// hand, or by a later version) is left out with a warning rather than served.
template<typename Entry, typename Reader>
std::optional<Entry> readRow(const Json& entry, Reader&& reader)
{
    try {
        return reader(JsonSettingsNode(entry));
    } catch (const SettingsError& error) {
        componentLogger("store")->warn("a stored policy entry is left out: {} ({})", error.what(), entry.dump());
        return std::nullopt;
    }
}

constexpr const char* kLimitColumns
    = "SELECT scope_kind, scope_id, requests_per_minute, tokens_per_minute, concurrent, updated_at_ms FROM rate_limits";
constexpr const char* kBudgetColumns = "SELECT scope_kind, scope_id, period, limit_micros, soft_limit_micros, "
                                       "soft_limit_fraction, updated_at_ms FROM budgets";

std::vector<StoredLimit> readLimits(Statement& query)
{
    std::vector<StoredLimit> limits;
    while (query.step()) {
        const Json entry{{"scope", query.columnText(0)}, {"id", query.columnText(1)},
            {"requests_per_minute", columnInteger(query, 2)}, {"tokens_per_minute", columnInteger(query, 3)},
            {"concurrent", columnInteger(query, 4)}};
        if (auto limit = readRow<ScopedLimits>(entry, [](const SettingsNode& node) { return readLimitEntry(node); }))
            limits.push_back({std::move(*limit), query.columnInt(5)});
    }
    return limits;
}

std::vector<StoredBudget> readBudgets(Statement& query)
{
    std::vector<StoredBudget> budgets;
    while (query.step()) {
        Json entry{{"scope", query.columnText(0)}, {"id", query.columnText(1)}, {"period", query.columnText(2)},
            {"limit_usd", usdJson(query.columnInt(3))}, {"soft_limit_usd", nullptr}, {"soft_limit_fraction", nullptr}};
        if (!query.columnIsNull(4))
            entry["soft_limit_usd"] = usdJson(query.columnInt(4));
        if (!query.columnIsNull(5))
            entry["soft_limit_fraction"] = std::strtod(query.columnText(5).c_str(), nullptr);
        if (auto budget = readRow<BudgetDefinition>(entry, [](const SettingsNode& node) { return readBudgetEntry(node); }))
            budgets.push_back({std::move(*budget), query.columnInt(6)});
    }
    return budgets;
}

// The fraction as SQLite's REAL (the column's affinity turns the text into a number), exactly.
std::string fractionText(double fraction)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", fraction);
    return text;
}

} // namespace

Json toJson(const ScopedLimits& limit)
{
    return {{"scope", std::string(scopeKindName(limit.scope.kind))}, {"id", limit.scope.id},
        {"requests_per_minute", nullableJson(limit.limits.requestsPerMinute)},
        {"tokens_per_minute", nullableJson(limit.limits.tokensPerMinute)},
        {"concurrent", nullableJson(limit.limits.concurrentRequests)}};
}

Json toJson(const BudgetDefinition& budget)
{
    return {{"scope", std::string(scopeKindName(budget.scope.kind))}, {"id", budget.scope.id},
        {"period", std::string(budgetPeriodName(budget.period))}, {"limit_usd", usdJson(budget.limitMicros)},
        {"soft_limit_usd", budget.softLimitMicros ? usdJson(*budget.softLimitMicros) : Json(nullptr)},
        {"soft_limit_fraction", budget.softLimitFraction ? Json(*budget.softLimitFraction) : Json(nullptr)}};
}

namespace {

Json storedJson(Json entry, int64_t updatedAtMs)
{
    entry["source"] = "store";
    entry["updated_at_ms"] = updatedAtMs;
    return entry;
}

} // namespace

Json toJson(const StoredLimit& limit)
{
    return storedJson(toJson(limit.limit), limit.updatedAtMs);
}

Json toJson(const StoredBudget& budget)
{
    return storedJson(toJson(budget.budget), budget.updatedAtMs);
}

std::string policyEntityId(const PolicyScope& scope)
{
    return std::string(scopeKindName(scope.kind)) + "/" + scope.id;
}

std::string policyEntityId(const BudgetDefinition& budget)
{
    return policyEntityId(budget.scope) + "/" + std::string(budgetPeriodName(budget.period));
}

PolicyStore::PolicyStore(Database& db, Clock clock)
    : m_db(db)
    , m_clock(clock ? std::move(clock) : Clock(systemNowMs))
{
}

std::vector<StoredLimit> PolicyStore::listLimits()
{
    auto query = m_db.prepare(std::string(kLimitColumns) + " ORDER BY scope_kind, scope_id");
    return readLimits(query);
}

std::vector<StoredBudget> PolicyStore::listBudgets()
{
    auto query = m_db.prepare(std::string(kBudgetColumns) + " ORDER BY scope_kind, scope_id, period");
    return readBudgets(query);
}

std::optional<StoredLimit> PolicyStore::findLimit(const PolicyScope& scope)
{
    auto query = m_db.prepare(std::string(kLimitColumns) + " WHERE scope_kind = ? AND scope_id = ?");
    query.bind(1, scopeKindName(scope.kind)).bind(2, scope.id);
    auto limits = readLimits(query);
    return limits.empty() ? std::nullopt : std::optional<StoredLimit>(std::move(limits.front()));
}

std::optional<StoredBudget> PolicyStore::findBudget(const PolicyScope& scope, BudgetPeriod period)
{
    auto query = m_db.prepare(std::string(kBudgetColumns) + " WHERE scope_kind = ? AND scope_id = ? AND period = ?");
    query.bind(1, scopeKindName(scope.kind)).bind(2, scope.id).bind(3, budgetPeriodName(period));
    auto budgets = readBudgets(query);
    return budgets.empty() ? std::nullopt : std::optional<StoredBudget>(std::move(budgets.front()));
}

PutResult<StoredLimit> PolicyStore::putLimit(GovernanceStore& audit, const Change& change, const ScopedLimits& limit)
{
    requireActor(change);
    PutResult<StoredLimit> result{{validLimit(limit), 0}, false};
    inTransaction(m_db, [&] {
        const auto before = findLimit(limit.scope);
        result.created = !before;
        result.entry.updatedAtMs = now();
        auto upsert = m_db.prepare("INSERT OR REPLACE INTO rate_limits(scope_kind, scope_id, requests_per_minute, "
                                   "tokens_per_minute, concurrent, updated_at_ms) VALUES(?, ?, ?, ?, ?, ?)");
        const auto& stored = result.entry.limit;
        upsert.bind(1, scopeKindName(stored.scope.kind)).bind(2, stored.scope.id);
        bindOptional(upsert, 3, stored.limits.requestsPerMinute);
        bindOptional(upsert, 4, stored.limits.tokensPerMinute);
        bindOptional(upsert, 5, stored.limits.concurrentRequests);
        upsert.bind(6, result.entry.updatedAtMs).step();
        bumpPolicyGeneration(m_db);
        audit.appendAudit(change, before ? "rate_limit.update" : "rate_limit.create", "rate_limit",
            policyEntityId(stored.scope), before ? toJson(*before) : Json(nullptr), toJson(result.entry));
    });
    return result;
}

StoredLimit PolicyStore::deleteLimit(GovernanceStore& audit, const Change& change, const PolicyScope& scope)
{
    requireActor(change);
    StoredLimit deleted;
    inTransaction(m_db, [&] {
        const auto before = findLimit(scope);
        if (!before)
            throw GovernanceError(GovernanceErrorKind::NotFound, "no stored rate limit for " + scope.describe());
        deleted = *before;
        m_db.prepare("DELETE FROM rate_limits WHERE scope_kind = ? AND scope_id = ?")
            .bind(1, scopeKindName(scope.kind))
            .bind(2, scope.id)
            .step();
        bumpPolicyGeneration(m_db);
        audit.appendAudit(change, "rate_limit.delete", "rate_limit", policyEntityId(scope), toJson(deleted), nullptr);
    });
    return deleted;
}

PutResult<StoredBudget> PolicyStore::putBudget(GovernanceStore& audit, const Change& change, const BudgetDefinition& budget)
{
    requireActor(change);
    PutResult<StoredBudget> result{{validBudget(budget), 0}, false};
    inTransaction(m_db, [&] {
        const auto& stored = result.entry.budget;
        const auto before = findBudget(stored.scope, stored.period);
        result.created = !before;
        result.entry.updatedAtMs = now();
        auto upsert = m_db.prepare("INSERT OR REPLACE INTO budgets(scope_kind, scope_id, period, limit_micros, "
                                   "soft_limit_micros, soft_limit_fraction, updated_at_ms) VALUES(?, ?, ?, ?, ?, ?, ?)");
        upsert.bind(1, scopeKindName(stored.scope.kind)).bind(2, stored.scope.id).bind(3, budgetPeriodName(stored.period));
        upsert.bind(4, stored.limitMicros);
        bindOptional(upsert, 5, stored.softLimitMicros);
        if (stored.softLimitFraction)
            upsert.bind(6, fractionText(*stored.softLimitFraction));
        else
            upsert.bindNull(6);
        upsert.bind(7, result.entry.updatedAtMs).step();
        bumpPolicyGeneration(m_db);
        audit.appendAudit(change, before ? "budget.update" : "budget.create", "budget", policyEntityId(stored),
            before ? toJson(*before) : Json(nullptr), toJson(result.entry));
    });
    return result;
}

StoredBudget PolicyStore::deleteBudget(GovernanceStore& audit, const Change& change, const PolicyScope& scope, BudgetPeriod period)
{
    requireActor(change);
    StoredBudget deleted;
    inTransaction(m_db, [&] {
        const auto before = findBudget(scope, period);
        if (!before)
            throw GovernanceError(GovernanceErrorKind::NotFound,
                "no stored " + std::string(budgetPeriodName(period)) + " budget for " + scope.describe());
        deleted = *before;
        m_db.prepare("DELETE FROM budgets WHERE scope_kind = ? AND scope_id = ? AND period = ?")
            .bind(1, scopeKindName(scope.kind))
            .bind(2, scope.id)
            .bind(3, budgetPeriodName(period))
            .step();
        bumpPolicyGeneration(m_db);
        audit.appendAudit(change, "budget.delete", "budget", policyEntityId(deleted.budget), toJson(deleted), nullptr);
    });
    return deleted;
}

void requireActor(const Change& change)
{
    if (change.actor.find_first_not_of(" \t") == std::string::npos)
        throw GovernanceError(GovernanceErrorKind::Invalid, "actor: every change needs an actor", "actor");
}

void bumpPolicyGeneration(Database& db)
{
    db.exec("UPDATE meta SET value = value + 1 WHERE name = 'policy_generation'");
}

int64_t PolicyStore::generation()
{
    auto query = m_db.prepare("SELECT value FROM meta WHERE name = 'policy_generation'");
    return query.step() ? query.columnInt(0) : 0;
}

} // namespace gatehouse
