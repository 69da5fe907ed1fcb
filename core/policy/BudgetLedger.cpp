#include "policy/BudgetLedger.h"

#include "governance/AccessControl.h" // formatUtcTimestamp

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>

namespace gatehouse {
namespace {

// Amounts are clamped to a billion dollars and sums saturate far below overflow.
constexpr std::int64_t kMaxMicros = 1'000'000'000'000'000;
constexpr std::int64_t kMaxSum = std::numeric_limits<std::int64_t>::max() / 4;
constexpr std::size_t kShards = 32;

std::int64_t clampMicros(std::int64_t value)
{
    return std::clamp<std::int64_t>(value, 0, kMaxMicros);
}

std::int64_t add(std::int64_t a, std::int64_t b)
{
    return std::min(kMaxSum, a + b);
}

std::int64_t toMs(std::chrono::sys_days day)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count();
}

struct BudgetState {
    BudgetDefinition definition;
    bool loaded = false;
    BudgetWindow window;
    std::int64_t spent = 0;
    std::int64_t reserved = 0;
    bool alerted = false; // this period's soft-threshold alert has fired

    // A new period starts from nothing, which is also known when the load failed.
    void roll(std::int64_t nowMs)
    {
        if (!window.endMs || nowMs < *window.endMs)
            return;
        window = budgetWindow(definition.period, nowMs);
        spent = 0;
        reserved = 0;
        alerted = false;
        loaded = true;
    }

    bool thresholdReached() const
    {
        const auto threshold = definition.softThresholdMicros();
        return threshold && spent >= *threshold;
    }
};

using BudgetList = std::vector<std::shared_ptr<BudgetState>>;

std::string resetSentence(const std::optional<std::int64_t>& resetsAtMs)
{
    return resetsAtMs ? " It resets at " + formatUtcTimestamp(*resetsAtMs) + "."
                      : " It is a total budget and does not reset.";
}

} // namespace

struct alignas(64) BudgetShard {
    mutable std::mutex mutex;
    std::unordered_map<PolicyScope, BudgetList, PolicyScopeHash> budgets;
};

struct BudgetLedger::Impl {
    SpentLoader loader;
    AlertCallback onAlert;
    std::mutex setMutex; // one setBudgets at a time; never taken by reserve or settle
    BudgetShard shards[kShards];

    BudgetShard& shardOf(const PolicyScope& scope) { return shards[PolicyScopeHash{}(scope) % kShards]; }
    const BudgetShard& shardOf(const PolicyScope& scope) const { return shards[PolicyScopeHash{}(scope) % kShards]; }

    void fire(const std::vector<BudgetAlert>& alerts) const noexcept
    {
        for (const auto& alert : alerts) {
            try {
                if (onAlert)
                    onAlert(alert);
            } catch (const std::exception& error) {
                spdlog::warn("budget alert callback failed: {}", error.what());
            } catch (...) {
                spdlog::warn("budget alert callback failed");
            }
        }
    }
};

struct BudgetReservation::State {
    struct Held {
        BudgetShard* shard;
        std::shared_ptr<BudgetState> budget; // outlives a setBudgets that drops it
        std::int64_t periodStartMs;          // the period this reservation counts in
    };
    std::shared_ptr<BudgetLedger::Impl> impl;
    std::vector<Held> held;
};

// --- free functions ---

std::string_view budgetPeriodName(BudgetPeriod period)
{
    switch (period) {
    case BudgetPeriod::Daily: return "daily";
    case BudgetPeriod::Weekly: return "weekly";
    case BudgetPeriod::Monthly: return "monthly";
    case BudgetPeriod::Total: return "total";
    }
    return "total";
}

std::optional<BudgetPeriod> parseBudgetPeriod(std::string_view name)
{
    for (const auto period : {BudgetPeriod::Daily, BudgetPeriod::Weekly, BudgetPeriod::Monthly, BudgetPeriod::Total})
        if (budgetPeriodName(period) == name)
            return period;
    return std::nullopt;
}

BudgetWindow budgetWindow(BudgetPeriod period, std::int64_t nowMs)
{
    using namespace std::chrono;
    const auto day = floor<days>(sys_time<milliseconds>(milliseconds(nowMs)));
    switch (period) {
    case BudgetPeriod::Daily:
        return {toMs(day), toMs(day + days(1))};
    case BudgetPeriod::Weekly: {
        const auto monday = day - days(weekday(day).iso_encoding() - 1);
        return {toMs(monday), toMs(monday + days(7))};
    }
    case BudgetPeriod::Monthly: {
        const year_month month = year_month_day(day).year() / year_month_day(day).month();
        const auto next = month + months(1);
        return {toMs(sys_days(month / 1)), toMs(sys_days(next / 1))};
    }
    case BudgetPeriod::Total:
        break;
    }
    return {0, std::nullopt};
}

std::string formatUsd(std::int64_t micros)
{
    const bool negative = micros < 0;
    const auto magnitude = negative ? -static_cast<std::uint64_t>(micros) : static_cast<std::uint64_t>(micros);
    std::string fraction = std::to_string(magnitude % 1'000'000 + 1'000'000).substr(1); // six digits
    while (fraction.size() > 2 && fraction.back() == '0')
        fraction.pop_back();
    return std::string(negative ? "-$" : "$") + std::to_string(magnitude / 1'000'000) + "." + fraction;
}

std::optional<std::int64_t> BudgetDefinition::softThresholdMicros() const
{
    if (softLimitMicros)
        return clampMicros(*softLimitMicros);
    if (softLimitFraction && std::isfinite(*softLimitFraction) && *softLimitFraction >= 0)
        return clampMicros(std::llround(static_cast<long double>(limitMicros) * *softLimitFraction));
    return std::nullopt;
}

std::string BudgetDefinition::describe() const
{
    return std::string(budgetPeriodName(period)) + " budget of " + scope.describe();
}

std::string BudgetAlert::message() const
{
    return "The " + budget.describe() + " reached its soft threshold: " + formatUsd(spentMicros) + " spent of "
        + formatUsd(budget.limitMicros) + " (alert at " + formatUsd(thresholdMicros) + ")."
        + resetSentence(window.endMs);
}

std::string BudgetRefusal::message() const
{
    if (reason == Reason::Unavailable)
        return "The " + budget.describe() + " could not be loaded, so requests it applies to are refused until it is.";
    return "Budget exceeded: the " + budget.describe() + " is " + formatUsd(budget.limitMicros) + ", with "
        + formatUsd(spentMicros) + " spent and " + formatUsd(reservedMicros)
        + " reserved by calls in flight; this request (up to " + formatUsd(requestedMicros) + ") does not fit."
        + resetSentence(resetsAtMs);
}

ApiError BudgetRefusal::toApiError() const
{
    if (reason == Reason::Unavailable)
        return {503, message(), "server_error", {}, "budget_unavailable"};
    return {429, message(), "insufficient_quota", {}, "budget_exceeded"};
}

std::optional<std::int64_t> BudgetRefusal::retryAfterSeconds(std::int64_t nowMs) const
{
    if (!resetsAtMs)
        return std::nullopt;
    const auto waitMs = *resetsAtMs - nowMs;
    return std::max<std::int64_t>(1, waitMs <= 0 ? 0 : (waitMs + 999) / 1000);
}

// --- BudgetReservation ---

BudgetReservation::BudgetReservation() noexcept = default;

BudgetReservation::BudgetReservation(std::unique_ptr<State> state, std::int64_t worstCaseMicros)
    : m_state(std::move(state))
    , m_worstCaseMicros(worstCaseMicros)
{
}

BudgetReservation::BudgetReservation(BudgetReservation&& other) noexcept
    : m_state(std::move(other.m_state))
    , m_worstCaseMicros(std::exchange(other.m_worstCaseMicros, 0))
{
}

BudgetReservation& BudgetReservation::operator=(BudgetReservation&& other) noexcept
{
    if (this != &other) {
        complete(m_worstCaseMicros);
        m_state = std::move(other.m_state);
        m_worstCaseMicros = std::exchange(other.m_worstCaseMicros, 0);
    }
    return *this;
}

BudgetReservation::~BudgetReservation()
{
    complete(m_worstCaseMicros);
}

void BudgetReservation::complete(std::int64_t actualMicros) noexcept
{
    if (!m_state)
        return;
    const auto state = std::move(m_state);
    const auto actual = clampMicros(actualMicros);
    std::vector<BudgetAlert> alerts;
    // One lock at a time: settling needs no all-or-nothing.
    for (const auto& held : state->held) {
        std::lock_guard lock(held.shard->mutex);
        auto& budget = *held.budget;
        if (budget.window.startMs != held.periodStartMs)
            continue; // its period is over: the rollover already dropped the reservation
        budget.reserved = std::max<std::int64_t>(0, budget.reserved - m_worstCaseMicros);
        budget.spent = add(budget.spent, actual);
        if (!budget.alerted && budget.thresholdReached()) {
            budget.alerted = true;
            alerts.push_back({budget.definition, *budget.definition.softThresholdMicros(), budget.spent, budget.window});
        }
    }
    state->impl->fire(alerts);
}

// --- BudgetLedger ---

BudgetLedger::BudgetLedger(SpentLoader loader, AlertCallback onSoftThreshold)
    : m_impl(std::make_shared<Impl>())
{
    m_impl->loader = std::move(loader);
    m_impl->onAlert = std::move(onSoftThreshold);
}

BudgetLedger::~BudgetLedger() = default;

std::vector<BudgetDefinition> BudgetLedger::setBudgets(std::vector<BudgetDefinition> definitions, std::int64_t nowMs)
{
    std::lock_guard setLock(m_impl->setMutex);
    using Key = std::tuple<ScopeKind, std::string, BudgetPeriod>;
    std::set<Key> keys;
    std::vector<BudgetDefinition> unique;
    for (auto& definition : definitions) {
        if (!keys.emplace(definition.scope.kind, definition.scope.id, definition.period).second)
            continue;
        definition.limitMicros = clampMicros(definition.limitMicros);
        unique.push_back(std::move(definition));
    }

    std::vector<BudgetDefinition> failed;
    for (const auto& definition : unique) {
        auto& shard = m_impl->shardOf(definition.scope);
        {
            std::lock_guard lock(shard.mutex);
            if (const auto it = shard.budgets.find(definition.scope); it != shard.budgets.end()) {
                const auto found = std::find_if(it->second.begin(), it->second.end(),
                    [&](const auto& budget) { return budget->definition.period == definition.period; });
                if (found != it->second.end() && (*found)->loaded) {
                    (*found)->definition = definition; // new limit and threshold, same spending
                    continue;
                }
            }
        }
        // The loader is a database query: run it with no lock held.
        const auto window = budgetWindow(definition.period, nowMs);
        const auto spent = m_impl->loader ? m_impl->loader(definition, window) : std::optional<std::int64_t>(0);
        if (!spent)
            failed.push_back(definition);

        std::lock_guard lock(shard.mutex);
        auto& list = shard.budgets[definition.scope];
        auto found = std::find_if(list.begin(), list.end(),
            [&](const auto& budget) { return budget->definition.period == definition.period; });
        if (found == list.end())
            found = list.insert(list.end(), std::make_shared<BudgetState>());
        auto& budget = **found; // new, or one that failed to load: no reservation can point at it
        budget.definition = definition;
        budget.window = window;
        budget.loaded = spent.has_value();
        budget.spent = add(0, clampMicros(spent.value_or(0)));
        budget.reserved = 0;
        budget.alerted = budget.thresholdReached(); // crossed in an earlier run: not again
    }

    for (auto& shard : m_impl->shards) {
        std::lock_guard lock(shard.mutex);
        for (auto it = shard.budgets.begin(); it != shard.budgets.end();) {
            auto& list = it->second;
            std::erase_if(list, [&](const auto& budget) {
                const auto& d = budget->definition;
                return keys.count(Key{d.scope.kind, d.scope.id, d.period}) == 0;
            });
            it = list.empty() ? shard.budgets.erase(it) : std::next(it);
        }
    }
    return failed;
}

BudgetDecision BudgetLedger::reserve(
    const std::vector<PolicyScope>& scopes, std::int64_t worstCaseMicros, std::int64_t nowMs)
{
    const auto worstCase = clampMicros(worstCaseMicros);
    BudgetDecision decision;

    std::vector<const PolicyScope*> unique;
    unique.reserve(scopes.size());
    for (const auto& scope : scopes)
        if (std::none_of(unique.begin(), unique.end(), [&](const PolicyScope* seen) { return *seen == scope; }))
            unique.push_back(&scope);

    // Lock every shard involved, in address order (the shards are one array), before looking at any.
    std::vector<BudgetShard*> order;
    order.reserve(unique.size());
    for (const auto* scope : unique)
        order.push_back(&m_impl->shardOf(*scope));
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(order.size());
    for (auto* shard : order)
        locks.emplace_back(shard->mutex);

    struct Applicable {
        BudgetShard* shard;
        const std::shared_ptr<BudgetState>* budget;
    };
    std::vector<Applicable> applicable;
    for (const auto* scope : unique) {
        auto& shard = m_impl->shardOf(*scope);
        const auto it = shard.budgets.find(*scope);
        if (it == shard.budgets.end())
            continue;
        for (const auto& budget : it->second) {
            budget->roll(nowMs);
            applicable.push_back({&shard, &budget});
        }
    }

    // The check and the reservation happen under the same locks: nothing can change in between.
    std::optional<BudgetRefusal> refusal;
    const auto resetsLater = [](const std::optional<std::int64_t>& a, const std::optional<std::int64_t>& b) {
        return !a ? b.has_value() : (b && *a > *b);
    };
    for (const auto& [shard, pointer] : applicable) {
        const auto& budget = **pointer;
        if (!budget.loaded) {
            if (!refusal || refusal->reason != BudgetRefusal::Reason::Unavailable)
                refusal = BudgetRefusal{BudgetRefusal::Reason::Unavailable, budget.definition, 0, 0, worstCase,
                    budget.window.endMs};
            continue;
        }
        if (add(add(budget.spent, budget.reserved), worstCase) <= budget.definition.limitMicros)
            continue;
        if (refusal && (refusal->reason == BudgetRefusal::Reason::Unavailable
                           || !resetsLater(budget.window.endMs, refusal->resetsAtMs)))
            continue;
        refusal = BudgetRefusal{BudgetRefusal::Reason::Exceeded, budget.definition, budget.spent, budget.reserved,
            worstCase, budget.window.endMs};
    }
    if (refusal) {
        decision.refusal = std::move(refusal);
        return decision;
    }
    if (applicable.empty())
        return decision;

    auto state = std::make_unique<BudgetReservation::State>();
    state->impl = m_impl;
    state->held.reserve(applicable.size());
    for (const auto& [shard, pointer] : applicable) {
        auto& budget = **pointer;
        budget.reserved = add(budget.reserved, worstCase);
        state->held.push_back({shard, *pointer, budget.window.startMs});
    }
    locks.clear();
    decision.reservation = BudgetReservation(std::move(state), worstCase);
    return decision;
}

void BudgetLedger::settle(BudgetReservation& reservation, std::int64_t actualMicros)
{
    reservation.complete(actualMicros);
}

std::vector<BudgetUsage> BudgetLedger::usage(const PolicyScope& scope, std::int64_t nowMs) const
{
    std::vector<BudgetUsage> result;
    const auto& shard = m_impl->shardOf(scope);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.budgets.find(scope);
    if (it == shard.budgets.end())
        return result;
    for (const auto& pointer : it->second) {
        auto budget = *pointer; // a copy: looking rolls nothing over
        budget.roll(nowMs);
        const auto remaining = budget.definition.limitMicros - add(budget.spent, budget.reserved);
        result.push_back({budget.definition, budget.window, budget.loaded, budget.spent, budget.reserved,
            std::max<std::int64_t>(0, remaining), budget.thresholdReached()});
    }
    return result;
}

} // namespace gatehouse
