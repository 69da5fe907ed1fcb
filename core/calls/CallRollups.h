// The call log's rollups (docs/analytics.md): per minute, hour and day, and per tenant, consumer,
// key, model and deployment, the calls' count, errors, tokens, cost and latency histogram. The
// call-record writer adds each batch in the batch's own transaction, so the rollups always agree
// with the records, and a chart over months reads a few thousand rows instead of millions of calls.
#pragma once

#include "calls/CallRecord.h"
#include "metrics/DurationHistogram.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
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

class CallRollups {
public:
    // Prepares its statement on `database` (migrated; used by one thread, the writer's).
    explicit CallRollups(Database& database);
    ~CallRollups();

    // Adds the batch to the rollups of each of its calls' minute, hour and day. Call it inside the
    // transaction that inserts the batch's records. Throws StoreError.
    void add(const std::vector<CallRecord>& batch);

private:
    std::unique_ptr<Statement> m_upsert;
};

} // namespace gatehouse
