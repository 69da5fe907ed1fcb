// USD budgets per API key, consumer and tenant over a UTC calendar period, enforced race-free by
// reserving each request's worst-case cost before it goes upstream and settling the real cost after.
//
// How the data plane uses it, once per request:
//   auto decision = ledger.reserve({keyScope, consumerScope, tenantScope}, worstCaseMicros, nowMs);
//   refused: answer decision.refusal->toApiError() (429 budget_exceeded naming the budget and its reset);
//   allowed: keep decision.reservation for the life of the call, then
//            ledger.settle(decision.reservation, actualCostMicros) — 0 if nothing reached the provider.
//   A reservation destroyed unsettled (an exception, a dropped coroutine) is settled at its worst
//   case: the provider may have run the call, and overcounting is the safe side of a hard limit.
//
// Why this is race-free. LiteLLM-style gateways check "spent < limit" when a request starts and add
// the cost when it ends; every request that starts before the first one ends passes the check, so a
// burst of N concurrent requests against a nearly spent budget overshoots by up to N costs. Here the
// check and the reservation are one step under the same lock: reserve() locks the shards of every
// budget that applies (in index order, so concurrent reservations cannot deadlock), refuses if
// spent + reserved + worstCase > limit for any of them, and otherwise adds worstCase to `reserved`
// of all of them before unlocking. No thread ever acts on a check another thread may have
// invalidated, so spent + reserved ≤ limit holds at every instant. settle() swaps the reservation for
// the actual cost under the same lock. If every actual ≤ its worst case, spent never exceeds the
// limit; if a provider charges more than the worst case, the overshoot is bounded by the excess of
// the calls that were already admitted (in flight) when the limit was reached, because from then on
// every new reservation is refused. Locks are held only for arithmetic; the loader (a database
// query) and the alert callback always run with no lock held.
//
// Periods are UTC calendar periods: a day from 00:00, a week from Monday 00:00 (ISO 8601), a month
// from the 1st; "total" never resets. A reservation belongs to the period it was made in (as the call
// record's start time does): settled after a rollover, it no longer counts anywhere in the ledger.
// At a rollover spent starts again at 0. Money is integer micro-dollars (1 USD = 1,000,000).
#pragma once

#include "openai/ApiError.h"
#include "policy/PolicyScope.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

enum class BudgetPeriod { Daily, Weekly, Monthly, Total };

// "daily", "weekly", "monthly", "total".
std::string_view budgetPeriodName(BudgetPeriod period);
std::optional<BudgetPeriod> parseBudgetPeriod(std::string_view name);

// [startMs, endMs) in epoch ms, UTC. Total: startMs = 0 (the epoch), no end.
struct BudgetWindow {
    std::int64_t startMs = 0;
    std::optional<std::int64_t> endMs;

    bool operator==(const BudgetWindow&) const = default;
};

// The period that contains `nowMs`.
BudgetWindow budgetWindow(BudgetPeriod period, std::int64_t nowMs);

// "$12.50", "$0.00015", "$1234.00": at least two decimals, at most six, no thousands separator.
std::string formatUsd(std::int64_t micros);

struct BudgetDefinition {
    PolicyScope scope;
    BudgetPeriod period = BudgetPeriod::Monthly;
    std::int64_t limitMicros = 0;                 // hard limit: nothing is admitted past it
    std::optional<std::int64_t> softLimitMicros;  // alert threshold as an amount...
    std::optional<double> softLimitFraction;      // ...or as a fraction of the limit (the amount wins)

    // The alert threshold in micro-dollars, if there is one.
    std::optional<std::int64_t> softThresholdMicros() const;
    // "monthly budget of consumer 'acme'"
    std::string describe() const;
};

// Fired once per budget and period, when settled spending first reaches the soft threshold.
struct BudgetAlert {
    BudgetDefinition budget;
    std::int64_t thresholdMicros = 0;
    std::int64_t spentMicros = 0;
    BudgetWindow window;

    // "The monthly budget of consumer 'acme' reached its soft threshold: $80.10 spent of $100.00
    // (alert at $80.00). It resets at 2025-07-01T00:00:00Z."
    std::string message() const;
};

struct BudgetRefusal {
    enum class Reason {
        Exceeded,    // 429 budget_exceeded
        Unavailable, // its spending could not be loaded: 503 budget_unavailable (fails closed)
    };
    Reason reason = Reason::Exceeded;
    BudgetDefinition budget;
    std::int64_t spentMicros = 0;
    std::int64_t reservedMicros = 0;  // by calls in flight
    std::int64_t requestedMicros = 0; // this request's worst case
    std::optional<std::int64_t> resetsAtMs; // unset: a total budget, it never resets

    // Names the budget (scope and period), the amounts and when it resets.
    std::string message() const;
    // 429 type "insufficient_quota", code "budget_exceeded"; or 503 "budget_unavailable".
    ApiError toApiError() const;
    // Seconds until the reset, rounded up, for Retry-After; unset for a total budget.
    std::optional<std::int64_t> retryAfterSeconds(std::int64_t nowMs) const;
};

// The worst case held against every budget that applied. Move-only. Settle it with
// BudgetLedger::settle; destroyed unsettled (on any thread), it is settled at its worst case.
// Keeps the ledger's state alive, so it may outlive the ledger.
class BudgetReservation {
public:
    BudgetReservation() noexcept;
    BudgetReservation(BudgetReservation&& other) noexcept;
    BudgetReservation& operator=(BudgetReservation&& other) noexcept;
    BudgetReservation(const BudgetReservation&) = delete;
    BudgetReservation& operator=(const BudgetReservation&) = delete;
    ~BudgetReservation();

    // Held and not settled yet (false for a request that no budget applied to).
    bool pending() const { return m_state != nullptr; }
    std::int64_t worstCaseMicros() const { return m_worstCaseMicros; }

private:
    friend class BudgetLedger;
    struct State;
    BudgetReservation(std::unique_ptr<State> state, std::int64_t worstCaseMicros);
    void complete(std::int64_t actualMicros) noexcept;

    std::unique_ptr<State> m_state;
    std::int64_t m_worstCaseMicros = 0;
};

struct BudgetDecision {
    std::optional<BudgetRefusal> refusal; // set: refused, nothing reserved anywhere
    BudgetReservation reservation;

    bool admitted() const { return !refusal; }
};

// One budget's state, for the console and the admin API.
struct BudgetUsage {
    BudgetDefinition budget;
    BudgetWindow window;
    bool loaded = false;
    std::int64_t spentMicros = 0;
    std::int64_t reservedMicros = 0;
    std::int64_t remainingMicros = 0; // limit - spent - reserved, never below 0
    bool softThresholdReached = false;
};

class BudgetLedger {
public:
    // What the store has recorded for this budget in `window` (the sum of call costs), or nothing
    // when it cannot tell (the budget then refuses requests until a later setBudgets loads it, or
    // until its next period, which starts from 0). Called by setBudgets only, never on the request path.
    using SpentLoader = std::function<std::optional<std::int64_t>(const BudgetDefinition&, const BudgetWindow&)>;
    // Called with no lock held, on the thread that settled the call that crossed the threshold.
    using AlertCallback = std::function<void(const BudgetAlert&)>;

    explicit BudgetLedger(SpentLoader loader, AlertCallback onSoftThreshold = {});
    ~BudgetLedger();
    BudgetLedger(const BudgetLedger&) = delete;
    BudgetLedger& operator=(const BudgetLedger&) = delete;

    // Replaces the set of budgets (one per scope and period; a repeated one counts once, the first).
    // A budget already known keeps its spending and takes the new limit and threshold; a new one is
    // loaded through the loader (a budget already over its threshold when loaded does not alert
    // again: that crossing belonged to an earlier run); one no longer listed is dropped. Returns the
    // budgets whose loading failed.
    std::vector<BudgetDefinition> setBudgets(std::vector<BudgetDefinition> definitions, std::int64_t nowMs);

    // Reserves `worstCaseMicros` on every budget of every scope listed, or on none: refused when
    // spent + reserved + worstCase > limit for any of them (the refusal names the one that resets
    // last) or when one could not be loaded. Rolls periods over as `nowMs` (epoch ms) passes them.
    BudgetDecision reserve(const std::vector<PolicyScope>& scopes, std::int64_t worstCaseMicros, std::int64_t nowMs);

    // Replaces the reservation by the actual cost (lower or higher than the worst case) on every budget
    // it holds; fires the soft-threshold alert of a budget whose spending crosses it. Once: later
    // calls on the same reservation do nothing.
    void settle(BudgetReservation& reservation, std::int64_t actualMicros);

    // The budgets of one scope as of `nowMs` (a period that has ended shows as the new, empty one).
    std::vector<BudgetUsage> usage(const PolicyScope& scope, std::int64_t nowMs) const;

private:
    friend class BudgetReservation;
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace gatehouse
