// A prompt's versions compared on their calls (GET /admin/v1/prompts/{name}/stats): requests,
// errors, tokens, cost, latency and feedback scores per version, and per label and version, read
// from the call log (index calls_by_prompt) and the feedback posted for its calls.
#pragma once

#include "json/Json.h"
#include "store/Database.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// The tags an admin's test run of a version is recorded with (docs/prompts.md). Test runs are
// left out of the comparison: they are trials, not traffic.
inline constexpr std::string_view kTestRunTag = "gatehouse_test_run";
inline constexpr std::string_view kTestRunActorTag = "gatehouse_actor";

struct PromptStatsRow {
    int64_t version = 0;
    std::string label; // "": every call of the version, whatever chose it
    int64_t requests = 0;
    int64_t errors = 0; // status >= 400, or an error code (a stream cut off)
    int64_t promptTokens = 0;
    int64_t completionTokens = 0;
    int64_t costMicros = 0;
    double latencyMeanMs = 0;
    // Nearest-rank percentiles of the latencies of the most recent calls (at most
    // PromptStats::kMaxLatencySamples of them: `latencySamples` says how many).
    std::optional<double> latencyP50Ms;
    std::optional<double> latencyP95Ms;
    int64_t latencySamples = 0;
    int64_t feedbackCount = 0; // feedback entries on these calls (a call may have several)
    std::optional<double> feedbackMean;
};

class PromptStats {
public:
    // The latencies kept per row for its percentiles: memory and sorting stay bounded however
    // many calls a version had.
    static constexpr std::size_t kMaxLatencySamples = 100'000;

    explicit PromptStats(Database& db);

    // The calls of `prompt` that started in [sinceMs, untilMs), test runs left out: a row per
    // version (label "") and one per label and version, ordered by version, then label. Reads each
    // such call once, newest first. Throws StoreError.
    std::vector<PromptStatsRow> compare(const std::string& prompt, int64_t sinceMs, int64_t untilMs);

private:
    Database& m_db;
};

// {"version", "label" (null for a version's row), "requests", "errors", "error_rate",
// "prompt_tokens", "completion_tokens", "cost_usd", "latency_mean_ms", "latency_p50_ms",
// "latency_p95_ms", "latency_samples", "feedback_count", "feedback_mean"}.
Json toJson(const PromptStatsRow& row);

} // namespace gatehouse
