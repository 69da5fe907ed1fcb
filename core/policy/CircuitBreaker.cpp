#include "policy/CircuitBreaker.h"

#include <algorithm>

namespace gatehouse {
namespace {

constexpr uint64_t kStateBits = 2;
constexpr uint64_t kStateMask = (1u << kStateBits) - 1;

BreakerState stateOf(uint64_t word)
{
    return static_cast<BreakerState>(word & kStateMask);
}

uint64_t generationOf(uint64_t word)
{
    return word >> kStateBits;
}

// The most recent failure's description, kept short for the snapshot.
constexpr std::size_t kMaxFailureDescription = 200;

} // namespace

std::string_view breakerStateName(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed: return "closed";
    case BreakerState::Open: return "open";
    case BreakerState::HalfOpen: return "half_open";
    }
    return "closed";
}

std::string deploymentId(std::string_view provider, std::string_view upstreamModel)
{
    std::string id;
    id.reserve(provider.size() + 1 + upstreamModel.size());
    id.append(provider).append("/").append(upstreamModel);
    return id;
}

// --- BreakerPermit ---------------------------------------------------------------------------------

BreakerPermit::BreakerPermit(CircuitBreaker* breaker, uint64_t generation, bool probe)
    : m_breaker(breaker)
    , m_generation(generation)
    , m_probe(probe)
{
}

BreakerPermit::BreakerPermit(BreakerPermit&& other) noexcept
    : m_breaker(std::exchange(other.m_breaker, nullptr))
    , m_generation(other.m_generation)
    , m_probe(other.m_probe)
{
}

BreakerPermit& BreakerPermit::operator=(BreakerPermit&& other) noexcept
{
    if (this != &other) {
        release();
        m_breaker = std::exchange(other.m_breaker, nullptr);
        m_generation = other.m_generation;
        m_probe = other.m_probe;
    }
    return *this;
}

BreakerPermit::~BreakerPermit()
{
    release();
}

void BreakerPermit::release()
{
    if (m_breaker && m_probe)
        m_breaker->releaseProbe(m_generation);
    m_breaker = nullptr;
}

void BreakerPermit::succeeded()
{
    if (auto* breaker = std::exchange(m_breaker, nullptr))
        breaker->record(m_generation, m_probe, true, {});
}

void BreakerPermit::failed(std::string_view description)
{
    if (auto* breaker = std::exchange(m_breaker, nullptr))
        breaker->record(m_generation, m_probe, false, description);
}

// --- CircuitBreaker --------------------------------------------------------------------------------

CircuitBreaker::CircuitBreaker(CircuitBreakerSettings settings, Clock clock)
    : m_clock(std::move(clock))
    , m_settings(settings)
{
    m_created = m_clock();
    m_lastChange = m_created;
}

BreakerState CircuitBreaker::currentStateLocked() const
{
    return stateOf(m_stateWord.load(std::memory_order_relaxed));
}

uint64_t CircuitBreaker::currentGenerationLocked() const
{
    return generationOf(m_stateWord.load(std::memory_order_relaxed));
}

BreakerState CircuitBreaker::state() const
{
    return stateOf(m_stateWord.load(std::memory_order_acquire));
}

BreakerPermit CircuitBreaker::tryAcquire()
{
    const uint64_t word = m_stateWord.load(std::memory_order_acquire);
    if (stateOf(word) == BreakerState::Closed)
        return BreakerPermit(this, generationOf(word), false);

    const auto now = m_clock();
    std::lock_guard lock(m_mutex);
    switch (currentStateLocked()) {
    case BreakerState::Closed:
        return BreakerPermit(this, currentGenerationLocked(), false);
    case BreakerState::Open:
        if (now - m_openedAt < m_settings.cooldown)
            break;
        transitionLocked(BreakerState::HalfOpen, now);
        m_probeInFlight = true;
        return BreakerPermit(this, currentGenerationLocked(), true);
    case BreakerState::HalfOpen:
        if (m_probeInFlight)
            break;
        m_probeInFlight = true; // the previous probe was dropped unreported
        return BreakerPermit(this, currentGenerationLocked(), true);
    }
    m_rejected.fetch_add(1, std::memory_order_relaxed);
    return BreakerPermit();
}

bool CircuitBreaker::admitsRequests() const
{
    if (state() == BreakerState::Closed)
        return true;
    const auto now = m_clock();
    std::lock_guard lock(m_mutex);
    switch (currentStateLocked()) {
    case BreakerState::Closed: return true;
    case BreakerState::Open: return now - m_openedAt >= m_settings.cooldown;
    case BreakerState::HalfOpen: return !m_probeInFlight;
    }
    return true;
}

void CircuitBreaker::record(uint64_t generation, bool probe, bool success, std::string_view description)
{
    const auto now = m_clock();
    std::lock_guard lock(m_mutex);
    if (success) {
        ++m_successes;
    } else {
        ++m_failures;
        m_lastFailure.assign(description.substr(0, kMaxFailureDescription));
    }
    if (generation != currentGenerationLocked())
        return; // admitted before the last change: its result is history, not evidence
    switch (currentStateLocked()) {
    case BreakerState::Closed: {
        countInWindowLocked(success, now);
        m_consecutiveFailures = success ? 0 : m_consecutiveFailures + 1;
        if (success)
            return;
        const bool tooManyInARow = m_settings.consecutiveFailures > 0 && m_consecutiveFailures >= m_settings.consecutiveFailures;
        uint64_t requests = 0;
        uint64_t failures = 0;
        windowTotalsLocked(now, requests, failures);
        const bool ratioTooHigh = m_settings.failureRatio > 0 && requests > 0
            && requests >= static_cast<uint64_t>(std::max(1, m_settings.minimumRequests))
            && static_cast<double>(failures) >= m_settings.failureRatio * static_cast<double>(requests);
        if (tooManyInARow || ratioTooHigh)
            transitionLocked(BreakerState::Open, now);
        return;
    }
    case BreakerState::HalfOpen:
        if (!probe)
            return;
        m_probeInFlight = false;
        transitionLocked(success ? BreakerState::Closed : BreakerState::Open, now);
        return;
    case BreakerState::Open:
        return;
    }
}

void CircuitBreaker::releaseProbe(uint64_t generation)
{
    std::lock_guard lock(m_mutex);
    if (generation == currentGenerationLocked() && currentStateLocked() == BreakerState::HalfOpen)
        m_probeInFlight = false;
}

void CircuitBreaker::transitionLocked(BreakerState next, std::chrono::steady_clock::time_point now)
{
    const uint64_t generation = currentGenerationLocked() + 1;
    m_lastChange = now;
    m_probeInFlight = false;
    if (next == BreakerState::Open) {
        m_openedAt = now;
        ++m_timesOpened;
    }
    if (next == BreakerState::Closed || next == BreakerState::Open) {
        // A closed circuit starts from a clean slate: the failures that opened it are over.
        m_consecutiveFailures = 0;
        for (auto& bucket : m_buckets)
            bucket = Bucket{};
    }
    m_stateWord.store((generation << kStateBits) | static_cast<uint64_t>(next), std::memory_order_release);
}

std::chrono::nanoseconds CircuitBreaker::bucketWidth() const
{
    const auto width = std::chrono::duration_cast<std::chrono::nanoseconds>(m_settings.window) / kBuckets;
    return std::max(width, std::chrono::nanoseconds(1));
}

int64_t CircuitBreaker::bucketIndex(std::chrono::steady_clock::time_point now) const
{
    return static_cast<int64_t>((now - m_created) / bucketWidth());
}

void CircuitBreaker::countInWindowLocked(bool success, std::chrono::steady_clock::time_point now)
{
    const int64_t index = bucketIndex(now);
    auto& bucket = m_buckets[static_cast<std::size_t>(index % kBuckets)];
    if (bucket.index != index)
        bucket = Bucket{index, 0, 0};
    ++bucket.requests;
    if (!success)
        ++bucket.failures;
}

void CircuitBreaker::windowTotalsLocked(std::chrono::steady_clock::time_point now, uint64_t& requests, uint64_t& failures) const
{
    const int64_t index = bucketIndex(now);
    requests = 0;
    failures = 0;
    for (const auto& bucket : m_buckets) {
        if (bucket.index >= 0 && bucket.index <= index && index - bucket.index < kBuckets) {
            requests += bucket.requests;
            failures += bucket.failures;
        }
    }
}

BreakerSnapshot CircuitBreaker::snapshot() const
{
    const auto now = m_clock();
    std::lock_guard lock(m_mutex);
    BreakerSnapshot snapshot;
    snapshot.state = currentStateLocked();
    snapshot.consecutiveFailures = m_consecutiveFailures;
    windowTotalsLocked(now, snapshot.windowRequests, snapshot.windowFailures);
    if (snapshot.state == BreakerState::Open) {
        const auto left = m_settings.cooldown - std::chrono::duration_cast<std::chrono::milliseconds>(now - m_openedAt);
        snapshot.retryIn = std::max(left, std::chrono::milliseconds(0));
    }
    snapshot.probeInFlight = m_probeInFlight;
    snapshot.successes = m_successes;
    snapshot.failures = m_failures;
    snapshot.rejected = m_rejected.load(std::memory_order_relaxed);
    snapshot.timesOpened = m_timesOpened;
    snapshot.lastFailure = m_lastFailure;
    snapshot.inState = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_lastChange);
    return snapshot;
}

void CircuitBreaker::updateSettings(const CircuitBreakerSettings& settings)
{
    std::lock_guard lock(m_mutex);
    // A new window width would move every bucket's meaning: start the window over.
    if (settings.window != m_settings.window) {
        for (auto& bucket : m_buckets)
            bucket = Bucket{};
    }
    m_settings = settings;
}

CircuitBreakerSettings CircuitBreaker::settings() const
{
    std::lock_guard lock(m_mutex);
    return m_settings;
}

// --- CircuitBreakerRegistry ------------------------------------------------------------------------

CircuitBreakerRegistry::CircuitBreakerRegistry(CircuitBreakerSettings defaults, CircuitBreaker::Clock clock)
    : m_defaults(defaults)
    , m_clock(std::move(clock))
{
}

std::shared_ptr<CircuitBreaker> CircuitBreakerRegistry::find(const std::string& deploymentId) const
{
    std::shared_lock lock(m_mutex);
    const auto found = m_breakers.find(deploymentId);
    return found == m_breakers.end() ? nullptr : found->second;
}

std::shared_ptr<CircuitBreaker> CircuitBreakerRegistry::breakerFor(const std::string& deploymentId)
{
    if (auto existing = find(deploymentId))
        return existing;
    std::unique_lock lock(m_mutex);
    auto& slot = m_breakers[deploymentId];
    if (!slot)
        slot = std::make_shared<CircuitBreaker>(m_defaults, m_clock);
    return slot;
}

std::shared_ptr<CircuitBreaker> CircuitBreakerRegistry::breakerFor(const std::string& deploymentId, const CircuitBreakerSettings& settings)
{
    std::unique_lock lock(m_mutex);
    auto& slot = m_breakers[deploymentId];
    if (!slot)
        slot = std::make_shared<CircuitBreaker>(settings, m_clock);
    else
        slot->updateSettings(settings);
    return slot;
}

void CircuitBreakerRegistry::retainOnly(const std::vector<std::string>& deploymentIds)
{
    std::unique_lock lock(m_mutex);
    for (auto it = m_breakers.begin(); it != m_breakers.end();) {
        if (std::find(deploymentIds.begin(), deploymentIds.end(), it->first) == deploymentIds.end())
            it = m_breakers.erase(it); // a route still holding it keeps it alive until its snapshot goes
        else
            ++it;
    }
}

std::vector<std::pair<std::string, BreakerSnapshot>> CircuitBreakerRegistry::snapshots() const
{
    std::vector<std::pair<std::string, std::shared_ptr<CircuitBreaker>>> breakers;
    {
        std::shared_lock lock(m_mutex);
        breakers.assign(m_breakers.begin(), m_breakers.end());
    }
    std::vector<std::pair<std::string, BreakerSnapshot>> out;
    out.reserve(breakers.size());
    for (const auto& [id, breaker] : breakers)
        out.emplace_back(id, breaker->snapshot());
    return out;
}

} // namespace gatehouse
