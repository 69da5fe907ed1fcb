// A circuit breaker per deployment: after consecutive failures or too high an error ratio it
// stops traffic to the deployment for a cooldown, then lets a single probe through and closes
// again only when that probe succeeds. And the registry that keeps one breaker per deployment id.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

struct CircuitBreakerSettings {
    int consecutiveFailures = 5;           // open after this many failures in a row (0: rule off)
    double failureRatio = 0.5;             // open when failures / requests in the window reach this (0: rule off)
    int minimumRequests = 20;              // ... and the window holds at least this many results
    std::chrono::milliseconds window{30000};   // the rolling window of the ratio rule
    std::chrono::milliseconds cooldown{30000}; // how long it stays open before a probe may go
};

enum class BreakerState { Closed, Open, HalfOpen };
std::string_view breakerStateName(BreakerState state); // "closed" | "open" | "half_open"

// What the admin API, /healthz detail and the console show.
struct BreakerSnapshot {
    BreakerState state = BreakerState::Closed;
    int consecutiveFailures = 0;
    uint64_t windowRequests = 0;     // results in the rolling window (closed state)
    uint64_t windowFailures = 0;
    std::chrono::milliseconds retryIn{0}; // open: time left until a probe may go
    bool probeInFlight = false;      // half-open: the probe is running
    uint64_t successes = 0;          // every result recorded since the breaker was created
    uint64_t failures = 0;
    uint64_t rejected = 0;           // requests refused because the circuit was open or a probe was running
    uint64_t timesOpened = 0;
    std::string lastFailure;         // the most recent failure's description ("" if none)
    std::chrono::milliseconds inState{0}; // how long it has been in this state (since creation at first)
};

class CircuitBreaker;

// The right to send one request, from CircuitBreaker::tryAcquire. Report the outcome with
// succeeded() or failed(); a permit dropped without a report (the request was cancelled, the
// client went away) records nothing, and if it was the half-open probe, the next caller may probe.
// The breaker must outlive its permits (the request holds the snapshot that holds the breaker).
class BreakerPermit {
public:
    BreakerPermit() = default;
    BreakerPermit(BreakerPermit&& other) noexcept;
    BreakerPermit& operator=(BreakerPermit&& other) noexcept;
    BreakerPermit(const BreakerPermit&) = delete;
    BreakerPermit& operator=(const BreakerPermit&) = delete;
    ~BreakerPermit();

    explicit operator bool() const { return m_breaker != nullptr; } // false: refused (or already reported)
    bool isProbe() const { return m_probe; }

    void succeeded();
    void failed(std::string_view description = {});

private:
    friend class CircuitBreaker;
    BreakerPermit(CircuitBreaker* breaker, uint64_t generation, bool probe);
    void release();

    CircuitBreaker* m_breaker = nullptr;
    uint64_t m_generation = 0;
    bool m_probe = false;
};

// Thread-safe. Admission while closed reads one atomic (no lock); recording a result takes the
// breaker's mutex for a few counter updates. Results of requests admitted before the last state
// change are counted in the totals but do not move the state: in half-open only the probe's
// result decides, and a late success from before the circuit opened does not close it.
class CircuitBreaker {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit CircuitBreaker(CircuitBreakerSettings settings = {}, Clock clock = &std::chrono::steady_clock::now);
    CircuitBreaker(const CircuitBreaker&) = delete;
    CircuitBreaker& operator=(const CircuitBreaker&) = delete;

    // Closed: a permit. Open before the cooldown ends: refused. Open after it: the circuit turns
    // half-open and this caller gets the probe. Half-open: refused while the probe runs.
    BreakerPermit tryAcquire();

    // Whether tryAcquire would admit a request now (for the deployment picker; it does not take
    // the probe). Closed, open past its cooldown, or half-open with no probe running.
    bool admitsRequests() const;

    BreakerState state() const;
    BreakerSnapshot snapshot() const;

    // New thresholds take effect for the next results; the state and the counts are kept.
    void updateSettings(const CircuitBreakerSettings& settings);
    CircuitBreakerSettings settings() const;

private:
    friend class BreakerPermit;
    static constexpr int kBuckets = 10; // the window in tenths: it rolls a tenth at a time

    struct Bucket {
        int64_t index = -1; // which window tenth it counts (time since creation / bucket width)
        uint64_t requests = 0;
        uint64_t failures = 0;
    };

    void record(uint64_t generation, bool probe, bool success, std::string_view description);
    void releaseProbe(uint64_t generation);
    void transitionLocked(BreakerState next, std::chrono::steady_clock::time_point now);
    BreakerState currentStateLocked() const;
    uint64_t currentGenerationLocked() const;
    void countInWindowLocked(bool success, std::chrono::steady_clock::time_point now);
    void windowTotalsLocked(std::chrono::steady_clock::time_point now, uint64_t& requests, uint64_t& failures) const;
    int64_t bucketIndex(std::chrono::steady_clock::time_point now) const;
    std::chrono::nanoseconds bucketWidth() const;

    Clock m_clock;
    mutable std::mutex m_mutex;
    CircuitBreakerSettings m_settings;
    // The state (low 2 bits) and its generation (the rest, bumped on every change) in one word, so
    // admission reads both consistently without the lock.
    std::atomic<uint64_t> m_stateWord{0};
    std::chrono::steady_clock::time_point m_created;
    std::chrono::steady_clock::time_point m_openedAt;
    std::chrono::steady_clock::time_point m_lastChange;
    bool m_probeInFlight = false;
    int m_consecutiveFailures = 0;
    Bucket m_buckets[kBuckets];
    uint64_t m_successes = 0;
    uint64_t m_failures = 0;
    std::atomic<uint64_t> m_rejected{0};
    uint64_t m_timesOpened = 0;
    std::string m_lastFailure;
};

// One breaker per deployment id, kept across configuration snapshots so a swap does not reset a
// deployment's health. Meant to be asked when a snapshot is built: each route keeps the
// shared_ptr of its deployments' breakers, so requests never touch the registry's lock.
class CircuitBreakerRegistry {
public:
    explicit CircuitBreakerRegistry(CircuitBreakerSettings defaults = {}, CircuitBreaker::Clock clock = &std::chrono::steady_clock::now);

    // The deployment's breaker, created with the defaults if it has none yet.
    std::shared_ptr<CircuitBreaker> breakerFor(const std::string& deploymentId);
    // ... with these settings (an existing breaker takes them and keeps its state).
    std::shared_ptr<CircuitBreaker> breakerFor(const std::string& deploymentId, const CircuitBreakerSettings& settings);
    std::shared_ptr<CircuitBreaker> find(const std::string& deploymentId) const;

    // Forgets the breakers of deployments that no longer exist (call after a snapshot swap).
    void retainOnly(const std::vector<std::string>& deploymentIds);

    // Every breaker's state, by deployment id in order.
    std::vector<std::pair<std::string, BreakerSnapshot>> snapshots() const;

private:
    CircuitBreakerSettings m_defaults;
    CircuitBreaker::Clock m_clock;
    mutable std::shared_mutex m_mutex;
    std::map<std::string, std::shared_ptr<CircuitBreaker>, std::less<>> m_breakers;
};

// The id a deployment's breaker (and latency) is kept under: "provider/upstream-model". Two routes
// that use the same upstream model of the same provider share its health.
std::string deploymentId(std::string_view provider, std::string_view upstreamModel);

} // namespace gatehouse
