// The call log's rollups (docs/analytics.md): per minute, hour and day, and per tenant, consumer,
// key, model and deployment, the calls' count, errors, tokens, cost and latency histogram, so a
// chart over months reads a few thousand rows instead of millions of calls.
//
// Two tables hold them. `call_rollups` has a row per combination of all five dimensions (what a
// filtered chart reads); `call_rollup_cuts` has a row per value of each single dimension, plus the
// grand total (what an unfiltered chart, or one split by one dimension, reads: a handful of rows
// per bucket however many combinations there are).
//
// The call-record writer sums the calls in memory (RollupSums) and writes the sums at most once a
// second, with the id of the last call they include (the watermark); after a crash it adds the
// calls past the watermark again (docs/analytics.md "Rollups").
#pragma once

#include "calls/CallRecord.h"
#include "metrics/DurationHistogram.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

class Database;
class Statement;

// A rollup row's width. The three widths are kept for every call.
enum class RollupGranularity : int64_t { Minute = 60'000, Hour = 3'600'000, Day = 86'400'000 };
inline constexpr std::array<RollupGranularity, 3> kRollupGranularities{
    RollupGranularity::Minute, RollupGranularity::Hour, RollupGranularity::Day};

// "minute", "hour", "day".
std::string_view rollupGranularityName(RollupGranularity granularity);
// The start (epoch ms, UTC) of the bucket `epochMs` falls in.
int64_t rollupBucketStart(RollupGranularity granularity, int64_t epochMs);

// The dimensions a cut is kept for, as `call_rollup_cuts.dimension` names them ("" is the grand
// total, whose value is ""): the names the analytics API groups by.
inline constexpr std::array<std::string_view, 6> kRollupCutDimensions{"", "tenant", "consumer", "key", "model", "deployment"};

// What a rollup row sums up.
struct RollupTotals {
    int64_t requests = 0;
    int64_t errors = 0; // every outcome but success, as /metrics counts errors (classifyCall)
    int64_t promptTokens = 0;
    int64_t completionTokens = 0;
    int64_t cachedTokens = 0;
    int64_t reasoningTokens = 0;
    int64_t costMicros = 0;
    int64_t savedMicros = 0;
    int64_t cacheHits = 0;
    int64_t latencySumMicros = 0;
    std::array<int64_t, DurationHistogram::kBucketCount> latencyBuckets{};

    void add(const CallRecord& record);
    void add(const RollupTotals& other);
};

// One `call_rollups` row's key: a bucket and the five dimensions ('' where a call had none).
struct RollupKey {
    int64_t granularityMs = 0;
    int64_t bucketMs = 0;
    std::string tenant;
    std::string consumer;
    std::string keyPrefix;
    std::string model;
    std::string deployment; // "provider/upstream model"

    bool operator<(const RollupKey& other) const;
};

// One `call_rollup_cuts` row's key.
struct RollupCutKey {
    int64_t granularityMs = 0;
    std::string_view dimension; // one of kRollupCutDimensions
    int64_t bucketMs = 0;
    std::string value;

    bool operator<(const RollupCutKey& other) const;
};

// Calls summed in memory into the rows they add to. Only the minute rows are summed per call; the
// hour and day rows and the cuts are derived from them when written, so a call costs one map
// update however many rows it counts in.
class RollupSums {
public:
    void add(const CallRecord& record);
    void add(const std::vector<CallRecord>& records);
    void add(const RollupSums& other);

    bool empty() const { return m_minutes.empty(); }
    std::size_t minuteRows() const { return m_minutes.size(); }

    // Every row these calls add to, of both tables, at every granularity.
    std::map<RollupKey, RollupTotals> combinationRows() const;
    static std::map<RollupCutKey, RollupTotals> cutRows(const std::map<RollupKey, RollupTotals>& combinations);

private:
    std::map<RollupKey, RollupTotals> m_minutes;
};

class CallRollups {
public:
    // The `meta` entry naming the last call (calls.id) the rollups include.
    static constexpr std::string_view kWatermarkName = "rollups_through_call_id";

    // Prepares its statements on `database` (migrated; used by one thread, the writer's).
    explicit CallRollups(Database& database);
    ~CallRollups();

    // Adds `sums` to both tables and moves the watermark to `throughCallId`. Call it inside a
    // transaction (the one that stores the last of those calls, or one of its own). Throws StoreError.
    void write(const RollupSums& sums, int64_t throughCallId);

    // The watermark: every call up to this id is in the rollups. Throws StoreError.
    int64_t watermark();

private:
    Database& m_db;
    std::unique_ptr<Statement> m_upsertCombination;
    std::unique_ptr<Statement> m_upsertCut;
    std::unique_ptr<Statement> m_setWatermark;
};

} // namespace gatehouse
