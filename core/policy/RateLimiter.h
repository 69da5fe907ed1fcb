// Rate limits per API key, consumer, tenant and model: requests per minute, tokens per minute and
// concurrent requests, checked for every scope of a request at once, all or nothing.
//
// How the data plane uses it, once per request:
//   auto decision = limiter.admit({{keyScope, keyLimits}, {tenantScope, tenantLimits}, ...}, estimate);
//   add decision.headers() to the answer, allowed or refused;
//   refused: answer decision.refusal->toApiError() (429 rate_limit_exceeded, Retry-After in the headers);
//   allowed: keep decision.permit for the life of the call and call permit.settle(totalTokens) when
//            the usage is known. Destroying the permit (on any thread, by an exception, by a dropped
//            client) frees its concurrency slots; an unsettled permit keeps its estimate charged.
//
// Algorithm: a continuous-refill token bucket per scope and dimension, stored GCRA-style as the
// debt still to drain (one integer and a timestamp). A bucket holds one minute's worth (the limit)
// and refills at limit/60 s, so a client may burst up to its limit and then gets a steady rate.
// Chosen over fixed windows, which let 2× the limit through around a window edge and release every
// waiting client at the same instant, and over sliding logs, which cost memory per request:
// here each scope is O(1) memory, the math is exact integers (token × ms units, no drift),
// Retry-After is the exact time until the request fits, and "reset" is the time until the bucket is
// full again — precisely what OpenAI's x-ratelimit-reset-* headers mean ("the time until the rate
// limit resets to its initial state").
//
// Tokens are reserved at admission from the caller's estimate (prompt tokens + max_tokens, or a
// default) and corrected by settle(): a refund fills the bucket back (never above its capacity),
// an overrun deepens the debt, so later calls wait longer; remaining is never shown below 0.
// An estimate larger than the whole limit is admitted only against a full bucket (instead of never)
// and then charged in full.
//
// Threads: scopes live in sharded maps, one mutex per shard; an admission locks the shards of its
// scopes in index order (no deadlock), does only arithmetic under them, and unlocks. Memory: an
// entry that is full again and has nothing in flight is indistinguishable from a new one, so it is
// evicted (each shard sweeps itself at most once per sweep interval; evictIdle() sweeps all).
#pragma once

#include "openai/ApiError.h"
#include "policy/PolicyScope.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

// Unset = no limit in that dimension. A limit of 0 refuses everything (a way to pause a scope).
struct RateLimits {
    std::optional<std::int64_t> requestsPerMinute;
    std::optional<std::int64_t> tokensPerMinute;
    std::optional<std::int64_t> concurrentRequests;

    bool any() const { return requestsPerMinute || tokensPerMinute || concurrentRequests; }
    bool operator==(const RateLimits&) const = default;
};

// One scope of a request with the limits its configuration gives it (from the snapshot; a change of
// limits applies from the next admission on, keeping what was already used).
struct ScopedLimits {
    PolicyScope scope;
    RateLimits limits;
};

enum class RateDimension { Requests, Tokens, Concurrency };

// "requests per minute", "tokens per minute", "concurrent requests".
std::string_view rateDimensionName(RateDimension dimension);

// One limit's state as OpenAI reports it: the limit, what remains (≥ 0) and the time until the
// bucket is full again.
struct RateLimitStatus {
    PolicyScope scope;
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
    std::int64_t resetMs = 0;
};

// The most constraining scope per dimension (the smallest remaining; on a tie the longer reset),
// each trio from one scope. Unset when no scope of the request limits that dimension.
struct RateLimitSnapshot {
    std::optional<RateLimitStatus> requests;
    std::optional<RateLimitStatus> tokens;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests and the
// -tokens trio, for the dimensions that are limited; empty when none is.
HeaderList rateLimitHeaders(const RateLimitSnapshot& snapshot);

// A duration the way OpenAI's reset headers write it (Go's time.Duration format, millisecond
// resolution): "0s", "20ms", "1s", "1.5s", "6m0s", "1h2m3.004s".
std::string formatResetDuration(std::int64_t ms);

struct RateLimitRefusal {
    PolicyScope scope;
    RateDimension dimension = RateDimension::Requests;
    std::int64_t limit = 0;
    std::int64_t remaining = 0;   // tokens or requests left (for concurrency: free slots, 0)
    std::int64_t requested = 0;   // 1 for requests and concurrency, the estimate for tokens
    std::int64_t retryAfterMs = 0;
    std::int64_t retryAfterSeconds = 1; // rounded up, at least 1: the Retry-After header

    // "Rate limit reached for consumer 'acme' on tokens per minute: limit 10000, remaining 1500,
    // requested 4000. Retry after 15 seconds."
    std::string message() const;
    // 429, type "rate_limit_error", code "rate_limit_exceeded".
    ApiError toApiError() const;
};

// Proof of admission. Move-only; frees its concurrency slots when released or destroyed, on
// whichever thread that happens. Keeps the limiter's state alive, so it may outlive the limiter.
class RatePermit {
public:
    RatePermit() noexcept;
    RatePermit(RatePermit&& other) noexcept;
    RatePermit& operator=(RatePermit&& other) noexcept;
    RatePermit(const RatePermit&) = delete;
    RatePermit& operator=(const RatePermit&) = delete;
    ~RatePermit();

    // Charges `actualTokens` instead of what is charged so far (the estimate at first): refunds or
    // charges the difference on every scope with a token limit. May be called again (e.g. as a
    // stream reports usage); each call replaces the previous total. Negative counts as 0.
    void settle(std::int64_t actualTokens);
    // Frees the concurrency slots now. Idempotent; the destructor calls it.
    void release();

    bool holdsSlots() const { return !m_released && m_state != nullptr; }
    std::int64_t chargedTokens() const { return m_chargedTokens; }

private:
    friend class RateLimiter;
    struct State;
    RatePermit(std::unique_ptr<State> state, std::int64_t chargedTokens);
    void finish() noexcept;

    std::unique_ptr<State> m_state;
    std::int64_t m_chargedTokens = 0;
    bool m_released = false;
};

struct RateDecision {
    std::optional<RateLimitRefusal> refusal; // set: refused, and nothing was consumed anywhere
    RatePermit permit;                       // admitted: holds the concurrency slots
    RateLimitSnapshot snapshot;              // after this admission (refused: unchanged state)

    bool admitted() const { return !refusal; }
    // rateLimitHeaders(snapshot), plus Retry-After (seconds) when refused.
    HeaderList headers() const;
};

// Current use of one scope, for the console; nothing is created or consumed.
struct RateUsage {
    std::optional<RateLimitStatus> requests;
    std::optional<RateLimitStatus> tokens;
    std::int64_t inFlight = 0;
};

class RateLimiter {
public:
    // Milliseconds from a monotonic clock (steady_clock by default); tests pass a fake.
    using Clock = std::function<std::int64_t()>;

    struct Options {
        std::size_t shards = 64;
        std::int64_t sweepIntervalMs = 60'000; // how often a shard looks for idle entries
    };

    static std::int64_t steadyNowMs();

    explicit RateLimiter(Clock clock = &RateLimiter::steadyNowMs);
    RateLimiter(Clock clock, Options options);
    ~RateLimiter();
    RateLimiter(const RateLimiter&) = delete;
    RateLimiter& operator=(const RateLimiter&) = delete;

    // Admits the request on every scope at once or on none. `estimatedTokens` is reserved on each
    // scope with a token limit. A scope listed twice counts once (its first limits apply); scopes
    // without any limit are ignored. A refusal names the scope and dimension that waits longest.
    RateDecision admit(const std::vector<ScopedLimits>& scopes, std::int64_t estimatedTokens);

    RateUsage usage(const ScopedLimits& scope) const;

    // Drops every idle entry now (full buckets, nothing in flight); returns how many.
    std::size_t evictIdle();
    std::size_t trackedScopes() const;

private:
    friend class RatePermit;
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace gatehouse
