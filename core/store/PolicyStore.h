// Rate limits and budgets set through the admin API and the CLI, next to the config file's
// policy.limits and policy.budgets (docs/traffic-policy.md). Each entry is checked with the file's
// own rules (readLimitEntry, readBudgetEntry); every change writes one audit entry in its
// transaction and bumps meta.policy_generation, so a gateway on the same data directory picks it up.
// Whether the config file declares the same scope is the caller's to check: it knows the file.
#pragma once

#include "json/Json.h"
#include "policy/BudgetLedger.h"
#include "policy/RateLimiter.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

// {"scope","id","requests_per_minute","tokens_per_minute","concurrent"}: every key, null when unset.
// The shape readLimitEntry reads: an answer can be sent back as a body.
Json toJson(const ScopedLimits& limit);
// {"scope","id","period","limit_usd","soft_limit_usd","soft_limit_fraction"}: every key, null when
// unset; the shape readBudgetEntry reads.
Json toJson(const BudgetDefinition& budget);

// How the audit log and the admin API name one: "tenant/acme", "consumer/acme/app", and for a
// budget with its period: "tenant/acme/monthly".
std::string policyEntityId(const PolicyScope& scope);
std::string policyEntityId(const BudgetDefinition& budget);

struct StoredLimit {
    ScopedLimits limit;
    int64_t updatedAtMs = 0;
};

struct StoredBudget {
    BudgetDefinition budget;
    int64_t updatedAtMs = 0;
};

// The entry plus "source": "store" and "updated_at_ms": how the admin API shows it and the audit
// log records it.
Json toJson(const StoredLimit& limit);
Json toJson(const StoredBudget& budget);

// What a put did: `created` false when it replaced an entry of the same scope (and period).
template<typename Entry>
struct PutResult {
    Entry entry;
    bool created = false;
};

// Every change names who made it (an audit entry without an actor is refused): GovernanceError
// Invalid on field "actor".
void requireActor(const Change& change);
// meta.policy_generation grows by one (inside the caller's transaction): a running gateway polls it
// and rebuilds its snapshot (limits, budgets, prices).
void bumpPolicyGeneration(Database& db);

class PolicyStore {
public:
    using Clock = std::function<int64_t()>; // epoch milliseconds
    explicit PolicyStore(Database& db, Clock clock = {});

    std::vector<StoredLimit> listLimits();   // by scope kind name, then id
    std::vector<StoredBudget> listBudgets(); // by scope kind name, id, then period name
    std::optional<StoredLimit> findLimit(const PolicyScope& scope);
    std::optional<StoredBudget> findBudget(const PolicyScope& scope, BudgetPeriod period);

    // Changes, each in one transaction with one audit entry appended through `audit` (same
    // connection): entity types "rate_limit" and "budget", actions <type>.create|update|delete,
    // before/after as toJson shows the stored entry. An entry the rules refuse is a GovernanceError
    // Invalid naming the field; deleting one that is not stored, NotFound.
    PutResult<StoredLimit> putLimit(GovernanceStore& audit, const Change& change, const ScopedLimits& limit);
    StoredLimit deleteLimit(GovernanceStore& audit, const Change& change, const PolicyScope& scope);
    PutResult<StoredBudget> putBudget(GovernanceStore& audit, const Change& change, const BudgetDefinition& budget);
    StoredBudget deleteBudget(GovernanceStore& audit, const Change& change, const PolicyScope& scope, BudgetPeriod period);

    // Grows with every change, from any process: a running gateway polls it.
    int64_t generation();

private:
    int64_t now() const { return m_clock(); }

    Database& m_db;
    Clock m_clock;
};

} // namespace gatehouse
