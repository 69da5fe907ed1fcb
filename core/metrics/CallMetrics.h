// The per-call counters and histograms behind /metrics, by tenant × model × deployment. Fed from
// finished call records off the request path (GatewayServer feeds it from the call-record
// writer's thread), read by scrapes; the number of label sets is capped.
#pragma once

#include "calls/CallRecord.h"
#include "metrics/CallOutcome.h"
#include "metrics/DurationHistogram.h"

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse {

// What a call is counted under. Every value comes from configuration or the store, never from
// what a client typed: see CallMetrics::labelsFor.
struct CallLabels {
    std::string tenant;     // "" when the caller was not authenticated
    std::string model;      // a public model the gateway serves, "" otherwise
    std::string deployment; // "provider/upstream-model" of the deployment that answered (or failed last), "" if none

    auto operator<=>(const CallLabels&) const = default;
};

// Everything counted for one label set. Counters only grow (Prometheus computes rates).
struct CallSeries {
    std::map<int, uint64_t> requestsByStatus; // HTTP status → calls
    std::array<uint64_t, kCallOutcomeCount> outcomes{};
    DurationHistogram succeededDuration; // the whole call, as the client saw it
    DurationHistogram failedDuration;
    DurationHistogram timeToFirstToken;  // streamed answers only: until their first byte went out
    uint64_t promptTokens = 0;
    uint64_t completionTokens = 0;
    uint64_t cachedPromptTokens = 0; // part of promptTokens
    uint64_t reasoningTokens = 0;    // part of completionTokens
    uint64_t cacheWriteTokens = 0;   // prompt tokens written to the provider's prompt cache (Anthropic bills them apart)
    int64_t costMicros = 0;
    int64_t cacheSavedMicros = 0;
    uint64_t cacheHits = 0;
    uint64_t cacheMisses = 0;
    uint64_t cacheBypasses = 0;
    uint64_t upstreamAttempts = 0;
};

// A consistent copy, taken under the lock and formatted without it.
struct CallMetricsSnapshot {
    std::vector<std::pair<CallLabels, CallSeries>> series; // sorted by labels; the overflow set last, if any
    std::size_t maxLabelSets = 0;
    uint64_t overflowedCalls = 0; // calls counted under the overflow set because the cap was reached
};

class CallMetrics {
public:
    // Whether a model name is one the gateway serves (so it may be a label value).
    using ServedModel = std::function<bool(const std::string& model)>;

    // The label values of the set that calls beyond the cap are counted under. A real deployment
    // label always holds a '/', this one none: it can never be mistaken for a real set.
    static constexpr const char* kOverflowLabel = "(overflow)";

    explicit CallMetrics(std::size_t maxLabelSets);

    // Counts one finished call. Only the counting holds the lock (one map look-up and a few
    // additions), so a scrape never waits long and never makes the writer wait long.
    void record(const CallRecord& record, const ServedModel& isServed);
    void record(const std::vector<CallRecord>& batch, const ServedModel& isServed);

    CallMetricsSnapshot snapshot() const;

    // The labels a record is counted under. A client can send any model name: it becomes a label
    // only when the gateway serves that model (a 404 model_not_found is counted with model "").
    static CallLabels labelsFor(const CallRecord& record, const ServedModel& isServed);

private:
    CallSeries& seriesForLocked(CallLabels labels);

    const std::size_t m_maxLabelSets;
    mutable std::mutex m_mutex;
    std::map<CallLabels, CallSeries> m_series; // at most m_maxLabelSets entries
    CallSeries m_overflow;
    uint64_t m_overflowedCalls = 0;
};

} // namespace gatehouse
