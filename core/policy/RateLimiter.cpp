#include "policy/RateLimiter.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <mutex>
#include <unordered_map>

namespace gatehouse {
namespace {

constexpr std::int64_t kWindowMs = 60'000;
// Limits and token counts are clamped here, so every product below fits in 64 bits
// (10^12 × 6·10^4 = 6·10^16).
constexpr std::int64_t kMaxCount = 1'000'000'000'000;
constexpr std::int64_t kMaxDebt = std::numeric_limits<std::int64_t>::max() / 4;
constexpr std::int64_t kConcurrencyRetryMs = 1'000; // a slot frees when some call ends: unknown, say 1 s

std::int64_t ceilDiv(std::int64_t a, std::int64_t b)
{
    return a <= 0 ? 0 : (a + b - 1) / b;
}

std::int64_t clampCount(std::int64_t value)
{
    return std::clamp<std::int64_t>(value, 0, kMaxCount);
}

std::optional<std::int64_t> clampLimit(const std::optional<std::int64_t>& limit)
{
    if (!limit)
        return std::nullopt;
    return clampCount(*limit);
}

// A token bucket kept as its debt: what was taken and has not refilled yet, in token × window-ms
// units (taking one token adds kWindowMs, and a limit of L per minute drains L per ms). Capacity is
// L × kWindowMs. Exact integers: no rounding accumulates however often it is touched.
struct Bucket {
    std::int64_t debt = 0;
    std::int64_t lastMs = 0;

    void drain(std::int64_t limit, std::int64_t nowMs)
    {
        if (nowMs <= lastMs)
            return; // a clock that stands still (or steps back) refills nothing
        const auto elapsed = nowMs - lastMs;
        lastMs = nowMs;
        if (debt == 0 || limit <= 0)
            return;
        debt = elapsed >= ceilDiv(debt, limit) ? 0 : debt - elapsed * limit;
    }

    void take(std::int64_t count) { debt = std::min(kMaxDebt, debt + count * kWindowMs); }
    void giveBack(std::int64_t count) { debt = std::max<std::int64_t>(0, debt - count * kWindowMs); }

    std::int64_t remaining(std::int64_t limit) const
    {
        const auto room = limit * kWindowMs - debt;
        return room <= 0 ? 0 : std::min(limit, room / kWindowMs);
    }

    // Until the bucket is full again.
    std::int64_t resetMs(std::int64_t limit) const { return limit <= 0 ? 0 : ceilDiv(debt, limit); }

    // Until `cost` fits (a cost above the limit needs a full bucket).
    std::int64_t waitMs(std::int64_t limit, std::int64_t cost) const
    {
        if (limit <= 0)
            return kWindowMs;
        const auto excess = debt + std::min(cost, limit) * kWindowMs - limit * kWindowMs;
        return ceilDiv(excess, limit);
    }
};

struct Entry {
    RateLimits limits;
    Bucket requests;
    Bucket tokens;
    std::int64_t inFlight = 0; // concurrency slots held
    std::int64_t pins = 0;     // permits that point here: the entry must not be evicted

    void drain(std::int64_t nowMs)
    {
        requests.drain(limits.requestsPerMinute.value_or(0), nowMs);
        tokens.drain(limits.tokensPerMinute.value_or(0), nowMs);
    }

    // Full buckets and nothing in flight: the same as an entry that was never created.
    bool idle() const
    {
        return pins == 0 && inFlight == 0 && (!limits.requestsPerMinute || requests.debt == 0)
            && (!limits.tokensPerMinute || tokens.debt == 0);
    }
};

RateLimitStatus status(const PolicyScope& scope, const Bucket& bucket, std::int64_t limit)
{
    return {scope, limit, bucket.remaining(limit), bucket.resetMs(limit)};
}

// Keeps the more constraining of the two: less remaining, or on a tie the longer reset.
void keepTighter(std::optional<RateLimitStatus>& current, RateLimitStatus candidate)
{
    if (!current || candidate.remaining < current->remaining
        || (candidate.remaining == current->remaining && candidate.resetMs > current->resetMs))
        current = std::move(candidate);
}

std::string plural(std::int64_t count, std::string_view word)
{
    return std::to_string(count) + " " + std::string(word) + (count == 1 ? "" : "s");
}

} // namespace

struct alignas(64) RateShard {
    mutable std::mutex mutex;
    std::unordered_map<PolicyScope, Entry, PolicyScopeHash> entries;
    std::int64_t lastSweepMs = 0;

    std::size_t sweep(std::int64_t nowMs)
    {
        lastSweepMs = nowMs;
        std::size_t evicted = 0;
        for (auto it = entries.begin(); it != entries.end();) {
            it->second.drain(nowMs);
            if (it->second.idle()) {
                it = entries.erase(it);
                ++evicted;
            } else {
                ++it;
            }
        }
        return evicted;
    }
};

struct RateLimiter::Impl {
    Clock clock;
    Options options;
    std::unique_ptr<RateShard[]> shards;

    Impl(Clock c, Options o)
        : clock(std::move(c))
        , options(o)
    {
        options.shards = std::max<std::size_t>(1, options.shards);
        shards = std::make_unique<RateShard[]>(options.shards);
        const auto now = clock();
        for (std::size_t i = 0; i < options.shards; ++i)
            shards[i].lastSweepMs = now;
    }

    std::size_t shardOf(const PolicyScope& scope) const { return PolicyScopeHash{}(scope) % options.shards; }
};

struct RatePermit::State {
    struct Held {
        RateShard* shard;
        Entry* entry;        // pinned: not evicted while this permit lives
        bool tokensCharged;  // the scope had a token limit at admission
    };
    std::shared_ptr<RateLimiter::Impl> impl; // keeps the shards alive
    std::vector<Held> held;
};

std::string_view rateDimensionName(RateDimension dimension)
{
    switch (dimension) {
    case RateDimension::Requests: return "requests per minute";
    case RateDimension::Tokens: return "tokens per minute";
    case RateDimension::Concurrency: return "concurrent requests";
    }
    return "requests";
}

std::string formatResetDuration(std::int64_t ms)
{
    if (ms <= 0)
        return "0s";
    if (ms < 1000)
        return std::to_string(ms) + "ms";
    const auto hours = ms / 3'600'000;
    const auto minutes = ms / 60'000 % 60;
    const auto seconds = ms / 1000 % 60;
    const auto millis = ms % 1000;
    std::string out;
    if (hours > 0)
        out += std::to_string(hours) + "h";
    if (hours > 0 || minutes > 0)
        out += std::to_string(minutes) + "m";
    out += std::to_string(seconds);
    if (millis > 0) {
        std::string fraction = std::to_string(millis + 1000).substr(1); // three digits
        while (fraction.back() == '0')
            fraction.pop_back();
        out += "." + fraction;
    }
    out += "s";
    return out;
}

HeaderList rateLimitHeaders(const RateLimitSnapshot& snapshot)
{
    // The order of OpenAI's documentation: limits, then remaining, then resets.
    HeaderList headers;
    const std::pair<std::string_view, const std::optional<RateLimitStatus>*> dimensions[] = {
        {"requests", &snapshot.requests}, {"tokens", &snapshot.tokens}};
    for (const auto& [name, status] : dimensions)
        if (*status)
            headers.emplace_back("x-ratelimit-limit-" + std::string(name), std::to_string((*status)->limit));
    for (const auto& [name, status] : dimensions)
        if (*status)
            headers.emplace_back("x-ratelimit-remaining-" + std::string(name), std::to_string((*status)->remaining));
    for (const auto& [name, status] : dimensions)
        if (*status)
            headers.emplace_back("x-ratelimit-reset-" + std::string(name), formatResetDuration((*status)->resetMs));
    return headers;
}

std::string RateLimitRefusal::message() const
{
    std::string text = "Rate limit reached for " + scope.describe() + " on " + std::string(rateDimensionName(dimension))
        + ": limit " + std::to_string(limit);
    switch (dimension) {
    case RateDimension::Requests:
        text += ", remaining " + std::to_string(remaining);
        break;
    case RateDimension::Tokens:
        text += ", remaining " + std::to_string(remaining) + ", requested " + std::to_string(requested);
        if (requested > limit && limit > 0)
            text += " (more than the limit: it waits until the whole limit is free)";
        break;
    case RateDimension::Concurrency:
        text += ", all in use";
        break;
    }
    return text + ". Retry after " + plural(retryAfterSeconds, "second") + ".";
}

ApiError RateLimitRefusal::toApiError() const
{
    return {429, message(), "rate_limit_error", {}, "rate_limit_exceeded"};
}

HeaderList RateDecision::headers() const
{
    auto headers = rateLimitHeaders(snapshot);
    if (refusal)
        headers.emplace_back("retry-after", std::to_string(refusal->retryAfterSeconds));
    return headers;
}

// --- RatePermit ---

RatePermit::RatePermit() noexcept = default;

RatePermit::RatePermit(std::unique_ptr<State> state, std::int64_t chargedTokens)
    : m_state(std::move(state))
    , m_chargedTokens(chargedTokens)
{
}

RatePermit::RatePermit(RatePermit&& other) noexcept
    : m_state(std::move(other.m_state))
    , m_chargedTokens(std::exchange(other.m_chargedTokens, 0))
    , m_released(std::exchange(other.m_released, false))
{
}

RatePermit& RatePermit::operator=(RatePermit&& other) noexcept
{
    if (this != &other) {
        finish();
        m_state = std::move(other.m_state);
        m_chargedTokens = std::exchange(other.m_chargedTokens, 0);
        m_released = std::exchange(other.m_released, false);
    }
    return *this;
}

RatePermit::~RatePermit()
{
    finish();
}

void RatePermit::settle(std::int64_t actualTokens)
{
    if (!m_state)
        return;
    const auto actual = clampCount(actualTokens);
    const auto difference = actual - m_chargedTokens;
    m_chargedTokens = actual;
    if (difference == 0)
        return;
    const auto now = m_state->impl->clock();
    for (const auto& held : m_state->held) {
        if (!held.tokensCharged)
            continue;
        std::lock_guard lock(held.shard->mutex);
        auto& entry = *held.entry;
        if (!entry.limits.tokensPerMinute)
            continue; // the limit was removed meanwhile
        entry.tokens.drain(*entry.limits.tokensPerMinute, now);
        if (difference > 0)
            entry.tokens.take(difference);
        else
            entry.tokens.giveBack(-difference);
    }
}

void RatePermit::release()
{
    if (!m_state || m_released)
        return;
    m_released = true;
    for (const auto& held : m_state->held) {
        std::lock_guard lock(held.shard->mutex);
        --held.entry->inFlight;
    }
}

void RatePermit::finish() noexcept
{
    if (!m_state)
        return;
    // One lock per scope, never two at once: release order does not matter.
    for (const auto& held : m_state->held) {
        std::lock_guard lock(held.shard->mutex);
        if (!m_released)
            --held.entry->inFlight;
        --held.entry->pins;
    }
    m_state.reset();
    m_released = false;
}

// --- RateLimiter ---

std::int64_t RateLimiter::steadyNowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

RateLimiter::RateLimiter(Clock clock)
    : RateLimiter(std::move(clock), Options{})
{
}

RateLimiter::RateLimiter(Clock clock, Options options)
    : m_impl(std::make_shared<Impl>(std::move(clock), options))
{
}

RateLimiter::~RateLimiter() = default;

RateDecision RateLimiter::admit(const std::vector<ScopedLimits>& scopes, std::int64_t estimatedTokens)
{
    const auto estimate = clampCount(estimatedTokens);
    RateDecision decision;

    struct Pick {
        const PolicyScope* scope;
        RateLimits limits;
        std::size_t shard;
        Entry* entry = nullptr;
    };
    std::vector<Pick> picks;
    picks.reserve(scopes.size());
    for (const auto& scoped : scopes) {
        if (!scoped.limits.any())
            continue;
        if (std::any_of(picks.begin(), picks.end(), [&](const Pick& pick) { return *pick.scope == scoped.scope; }))
            continue;
        RateLimits limits{clampLimit(scoped.limits.requestsPerMinute), clampLimit(scoped.limits.tokensPerMinute),
            clampLimit(scoped.limits.concurrentRequests)};
        picks.push_back({&scoped.scope, limits, m_impl->shardOf(scoped.scope)});
    }
    if (picks.empty())
        return decision;

    // Lock every shard involved, in index order, so two admissions never wait on each other in a cycle.
    std::vector<std::size_t> order;
    order.reserve(picks.size());
    for (const auto& pick : picks)
        order.push_back(pick.shard);
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(order.size());
    for (const auto index : order)
        locks.emplace_back(m_impl->shards[index].mutex);

    const auto now = m_impl->clock();
    for (auto& pick : picks) {
        auto [it, inserted] = m_impl->shards[pick.shard].entries.try_emplace(*pick.scope);
        auto& entry = it->second;
        if (inserted)
            entry.requests.lastMs = entry.tokens.lastMs = now;
        entry.drain(now); // with the limits it had until now
        entry.limits = pick.limits;
        pick.entry = &entry;
    }

    // Check everything before taking anything.
    std::optional<RateLimitRefusal> refusal;
    const auto consider = [&](const PolicyScope& scope, RateDimension dimension, std::int64_t limit,
                              std::int64_t remaining, std::int64_t requested, std::int64_t waitMs) {
        if (refusal && refusal->retryAfterMs >= waitMs)
            return;
        refusal = RateLimitRefusal{scope, dimension, limit, remaining, requested, waitMs,
            std::max<std::int64_t>(1, ceilDiv(waitMs, 1000))};
    };
    for (const auto& pick : picks) {
        const auto& entry = *pick.entry;
        if (const auto& limit = pick.limits.requestsPerMinute) {
            if (const auto wait = entry.requests.waitMs(*limit, 1); wait > 0)
                consider(*pick.scope, RateDimension::Requests, *limit, entry.requests.remaining(*limit), 1, wait);
        }
        if (const auto& limit = pick.limits.tokensPerMinute) {
            if (const auto wait = entry.tokens.waitMs(*limit, estimate); wait > 0)
                consider(*pick.scope, RateDimension::Tokens, *limit, entry.tokens.remaining(*limit), estimate, wait);
        }
        if (const auto& limit = pick.limits.concurrentRequests) {
            if (entry.inFlight >= *limit)
                consider(*pick.scope, RateDimension::Concurrency, *limit, 0, 1, kConcurrencyRetryMs);
        }
    }

    std::unique_ptr<RatePermit::State> permit;
    if (!refusal) {
        permit = std::make_unique<RatePermit::State>();
        permit->impl = m_impl;
        permit->held.reserve(picks.size());
        for (const auto& pick : picks) {
            auto& entry = *pick.entry;
            if (pick.limits.requestsPerMinute)
                entry.requests.take(1);
            if (pick.limits.tokensPerMinute)
                entry.tokens.take(estimate);
            ++entry.inFlight;
            ++entry.pins;
            permit->held.push_back({&m_impl->shards[pick.shard], &entry, pick.limits.tokensPerMinute.has_value()});
        }
    }

    for (const auto& pick : picks) {
        if (const auto& limit = pick.limits.requestsPerMinute)
            keepTighter(decision.snapshot.requests, status(*pick.scope, pick.entry->requests, *limit));
        if (const auto& limit = pick.limits.tokensPerMinute)
            keepTighter(decision.snapshot.tokens, status(*pick.scope, pick.entry->tokens, *limit));
    }

    // Entries are only referenced through pins from here on, so the sweep may drop idle ones.
    for (const auto index : order) {
        auto& shard = m_impl->shards[index];
        if (now - shard.lastSweepMs >= m_impl->options.sweepIntervalMs)
            shard.sweep(now);
    }
    locks.clear();

    if (refusal)
        decision.refusal = std::move(refusal);
    else
        decision.permit = RatePermit(std::move(permit), estimate);
    return decision;
}

RateUsage RateLimiter::usage(const ScopedLimits& scoped) const
{
    RateUsage result;
    const auto requestsLimit = clampLimit(scoped.limits.requestsPerMinute);
    const auto tokensLimit = clampLimit(scoped.limits.tokensPerMinute);
    auto& shard = m_impl->shards[m_impl->shardOf(scoped.scope)];
    const auto now = m_impl->clock();

    std::lock_guard lock(shard.mutex);
    Entry entry; // a scope never seen (or evicted) has full buckets
    entry.requests.lastMs = entry.tokens.lastMs = now;
    if (const auto it = shard.entries.find(scoped.scope); it != shard.entries.end()) {
        entry = it->second; // a copy: looking does not change anything
        entry.drain(now);
    }
    if (requestsLimit)
        result.requests = status(scoped.scope, entry.requests, *requestsLimit);
    if (tokensLimit)
        result.tokens = status(scoped.scope, entry.tokens, *tokensLimit);
    result.inFlight = entry.inFlight;
    return result;
}

std::size_t RateLimiter::evictIdle()
{
    const auto now = m_impl->clock();
    std::size_t evicted = 0;
    for (std::size_t i = 0; i < m_impl->options.shards; ++i) {
        auto& shard = m_impl->shards[i];
        std::lock_guard lock(shard.mutex);
        evicted += shard.sweep(now);
    }
    return evicted;
}

std::size_t RateLimiter::trackedScopes() const
{
    std::size_t count = 0;
    for (std::size_t i = 0; i < m_impl->options.shards; ++i) {
        auto& shard = m_impl->shards[i];
        std::lock_guard lock(shard.mutex);
        count += shard.entries.size();
    }
    return count;
}

} // namespace gatehouse
