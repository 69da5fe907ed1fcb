#include "calls/CallRollups.h"

#include "metrics/CallOutcome.h"
#include "policy/CircuitBreaker.h"
#include "store/Database.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace gatehouse {
namespace {

// The rollup row a call counts in, for one granularity.
struct RollupKey {
    int64_t granularityMs = 0;
    int64_t bucketMs = 0;
    std::string tenant;
    std::string consumer;
    std::string keyPrefix;
    std::string model;
    std::string deployment;

    bool operator<(const RollupKey& other) const
    {
        return std::tie(granularityMs, bucketMs, tenant, consumer, keyPrefix, model, deployment)
            < std::tie(other.granularityMs, other.bucketMs, other.tenant, other.consumer, other.keyPrefix, other.model, other.deployment);
    }
};

constexpr std::string_view kUpsert =
    "INSERT INTO call_rollups(granularity_ms, bucket_ms, tenant, consumer, key_prefix, model, deployment, requests, errors, "
    "prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_micros, saved_micros, cache_hits, latency_us_sum, "
    "latency_b0, latency_b1, latency_b2, latency_b3, latency_b4, latency_b5, latency_b6, latency_b7, latency_b8, latency_b9, latency_b10, latency_b11, latency_b12, latency_b13, latency_b14, latency_b15, latency_b16) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT(granularity_ms, bucket_ms, tenant, consumer, key_prefix, model, deployment) DO UPDATE SET "
    "requests = requests + excluded.requests, errors = errors + excluded.errors, "
    "prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens, "
    "cached_tokens = cached_tokens + excluded.cached_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, "
    "cost_micros = cost_micros + excluded.cost_micros, saved_micros = saved_micros + excluded.saved_micros, "
    "cache_hits = cache_hits + excluded.cache_hits, latency_us_sum = latency_us_sum + excluded.latency_us_sum, "
    "latency_b0 = latency_b0 + excluded.latency_b0, latency_b1 = latency_b1 + excluded.latency_b1, latency_b2 = latency_b2 + excluded.latency_b2, latency_b3 = latency_b3 + excluded.latency_b3, latency_b4 = latency_b4 + excluded.latency_b4, latency_b5 = latency_b5 + excluded.latency_b5, latency_b6 = latency_b6 + excluded.latency_b6, latency_b7 = latency_b7 + excluded.latency_b7, latency_b8 = latency_b8 + excluded.latency_b8, latency_b9 = latency_b9 + excluded.latency_b9, latency_b10 = latency_b10 + excluded.latency_b10, latency_b11 = latency_b11 + excluded.latency_b11, latency_b12 = latency_b12 + excluded.latency_b12, latency_b13 = latency_b13 + excluded.latency_b13, latency_b14 = latency_b14 + excluded.latency_b14, latency_b15 = latency_b15 + excluded.latency_b15, latency_b16 = latency_b16 + excluded.latency_b16";

} // namespace

std::string_view rollupGranularityName(RollupGranularity granularity)
{
    switch (granularity) {
    case RollupGranularity::Minute: return "minute";
    case RollupGranularity::Hour: return "hour";
    case RollupGranularity::Day: return "day";
    }
    return "minute";
}

int64_t rollupBucketStart(RollupGranularity granularity, int64_t epochMs)
{
    const auto width = static_cast<int64_t>(granularity);
    // Floor division: a time before 1970 still falls in the bucket that starts before it.
    const auto quotient = epochMs / width - (epochMs % width < 0 ? 1 : 0);
    return quotient * width;
}

void RollupTotals::add(const CallRecord& record)
{
    requests += 1;
    errors += classifyCall(record) == CallOutcome::Succeeded ? 0 : 1;
    promptTokens += record.promptTokens.value_or(0);
    completionTokens += record.completionTokens.value_or(0);
    cachedTokens += record.cachedTokens.value_or(0);
    reasoningTokens += record.reasoningTokens.value_or(0);
    costMicros += record.costMicros.value_or(0);
    savedMicros += record.savedMicros.value_or(0);
    cacheHits += record.cache == "hit" ? 1 : 0;
    latencySumMicros += std::max<int64_t>(0, record.latency.count());
    latencyBuckets[DurationHistogram::bucketIndex(record.latency)] += 1;
}

void RollupTotals::add(const RollupTotals& other)
{
    requests += other.requests;
    errors += other.errors;
    promptTokens += other.promptTokens;
    completionTokens += other.completionTokens;
    cachedTokens += other.cachedTokens;
    reasoningTokens += other.reasoningTokens;
    costMicros += other.costMicros;
    savedMicros += other.savedMicros;
    cacheHits += other.cacheHits;
    latencySumMicros += other.latencySumMicros;
    for (std::size_t i = 0; i < latencyBuckets.size(); ++i)
        latencyBuckets[i] += other.latencyBuckets[i];
}

CallRollups::CallRollups(Database& database)
    : m_upsert(std::make_unique<Statement>(database.prepare(kUpsert)))
{
}

CallRollups::~CallRollups() = default;

void CallRollups::add(const std::vector<CallRecord>& batch)
{
    // A batch's calls mostly share their minute and their callers: summed first, a batch of
    // hundreds of calls becomes a few rows to upsert.
    std::map<RollupKey, RollupTotals> rows;
    for (const auto& record : batch) {
        const auto deployment = record.provider.empty() ? std::string() : deploymentId(record.provider, record.deployment);
        for (const auto granularity : kRollupGranularities) {
            RollupKey key{static_cast<int64_t>(granularity), rollupBucketStart(granularity, record.startedAtMs()), record.tenant,
                record.consumer, record.keyPrefix, record.model, deployment};
            rows[std::move(key)].add(record);
        }
    }
    auto& upsert = *m_upsert;
    for (const auto& [key, totals] : rows) {
        upsert.reset();
        upsert.bind(1, key.granularityMs).bind(2, key.bucketMs);
        upsert.bindUnowned(3, key.tenant).bindUnowned(4, key.consumer).bindUnowned(5, key.keyPrefix);
        upsert.bindUnowned(6, key.model).bindUnowned(7, key.deployment);
        int index = 8;
        for (const auto value : {totals.requests, totals.errors, totals.promptTokens, totals.completionTokens, totals.cachedTokens,
                 totals.reasoningTokens, totals.costMicros, totals.savedMicros, totals.cacheHits, totals.latencySumMicros})
            upsert.bind(index++, value);
        for (const auto count : totals.latencyBuckets)
            upsert.bind(index++, count);
        upsert.step();
    }
}

} // namespace gatehouse
