#include "store/PromptStats.h"

#include "json/JsonValues.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace gatehouse {
namespace {

// Leaves out the test runs: calls made through the admin API, recorded under its path. Not by their
// tag: a client can send any tag, and must not be able to hide its calls from the comparison.
std::string notATestRun(const std::string& endpointColumn)
{
    return endpointColumn + " NOT LIKE '/admin/%'";
}

struct Accumulator {
    PromptStatsRow row;
    int64_t latencySumMicros = 0;
    std::vector<int64_t> latencies; // microseconds, newest calls first
    double feedbackSum = 0;
};

using RowKey = std::pair<int64_t, std::string>; // version, label

// The value at rank ceil(q × n) of the sorted latencies, in milliseconds.
double nearestRankMs(const std::vector<int64_t>& sorted, double quantile)
{
    const auto rank = static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(sorted.size())));
    return static_cast<double>(sorted[std::max<std::size_t>(rank, 1) - 1]) / 1000.0;
}

void addCall(Accumulator& into, const Statement& call)
{
    auto& row = into.row;
    ++row.requests;
    const bool failed = call.columnInt(2) >= 400 || (!call.columnIsNull(3) && !call.columnText(3).empty());
    row.errors += failed ? 1 : 0;
    row.promptTokens += call.columnInt(4);
    row.completionTokens += call.columnInt(5);
    row.costMicros += call.columnInt(6);
    into.latencySumMicros += call.columnInt(7);
    if (into.latencies.size() < PromptStats::kMaxLatencySamples)
        into.latencies.push_back(call.columnInt(7));
}

void finish(Accumulator& accumulated)
{
    auto& row = accumulated.row;
    if (row.requests > 0)
        row.latencyMeanMs = static_cast<double>(accumulated.latencySumMicros) / static_cast<double>(row.requests) / 1000.0;
    auto& latencies = accumulated.latencies;
    row.latencySamples = static_cast<int64_t>(latencies.size());
    if (!latencies.empty()) {
        std::sort(latencies.begin(), latencies.end());
        row.latencyP50Ms = nearestRankMs(latencies, 0.50);
        row.latencyP95Ms = nearestRankMs(latencies, 0.95);
    }
    if (row.feedbackCount > 0)
        row.feedbackMean = accumulated.feedbackSum / static_cast<double>(row.feedbackCount);
}

} // namespace

PromptStats::PromptStats(Database& db)
    : m_db(db)
{
}

std::vector<PromptStatsRow> PromptStats::compare(const std::string& prompt, int64_t sinceMs, int64_t untilMs)
{
    const std::string range = "prompt = ? AND started_at_ms >= ? AND started_at_ms < ? AND prompt_version IS NOT NULL AND ";
    std::map<RowKey, Accumulator> rows;
    const auto rowsOf = [&](int64_t version, std::string label) {
        std::vector<Accumulator*> into{&rows[{version, ""}]};
        if (!label.empty())
            into.push_back(&rows[{version, std::move(label)}]);
        for (auto* accumulator : into)
            accumulator->row.version = version;
        return into;
    };
    {
        // Newest first, so a version past the sample bound keeps its most recent latencies.
        auto calls = m_db.prepare("SELECT prompt_version, COALESCE(prompt_label, ''), status, error_code, COALESCE(prompt_tokens, 0), "
                                  "COALESCE(completion_tokens, 0), COALESCE(cost_micros, 0), latency_us FROM calls WHERE "
            + range + notATestRun("endpoint") + " ORDER BY started_at_ms DESC");
        calls.bind(1, prompt).bind(2, sinceMs).bind(3, untilMs);
        while (calls.step()) {
            for (auto* accumulator : rowsOf(calls.columnInt(0), calls.columnText(1)))
                addCall(*accumulator, calls);
        }
    }
    {
        auto feedback = m_db.prepare("SELECT c.prompt_version, COALESCE(c.prompt_label, ''), COUNT(*), SUM(f.score) FROM calls c "
                                     "JOIN call_feedback f ON f.request_id = c.request_id WHERE c."
            + range + notATestRun("c.endpoint") + " GROUP BY 1, 2");
        feedback.bind(1, prompt).bind(2, sinceMs).bind(3, untilMs);
        while (feedback.step()) {
            for (auto* accumulator : rowsOf(feedback.columnInt(0), feedback.columnText(1))) {
                accumulator->row.feedbackCount += feedback.columnInt(2);
                accumulator->feedbackSum += feedback.columnReal(3);
            }
        }
    }
    std::vector<PromptStatsRow> compared;
    for (auto& [key, accumulated] : rows) {
        accumulated.row.label = key.second;
        finish(accumulated);
        compared.push_back(std::move(accumulated.row));
    }
    return compared;
}

Json toJson(const PromptStatsRow& row)
{
    const auto optional = [](const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); };
    return {{"version", row.version}, {"label", row.label.empty() ? Json(nullptr) : Json(row.label)}, {"requests", row.requests},
        {"errors", row.errors},
        {"error_rate", row.requests ? Json(static_cast<double>(row.errors) / static_cast<double>(row.requests)) : Json(nullptr)},
        {"prompt_tokens", row.promptTokens}, {"completion_tokens", row.completionTokens}, {"cost_usd", usdJson(row.costMicros)},
        {"latency_mean_ms", row.requests ? Json(row.latencyMeanMs) : Json(nullptr)}, {"latency_p50_ms", optional(row.latencyP50Ms)},
        {"latency_p95_ms", optional(row.latencyP95Ms)}, {"latency_samples", row.latencySamples},
        {"feedback_count", row.feedbackCount}, {"feedback_mean", optional(row.feedbackMean)}};
}

} // namespace gatehouse
