#include "calls/CallRollups.h"

#include "metrics/CallOutcome.h"
#include "policy/CircuitBreaker.h"
#include "store/Database.h"

#include <algorithm>
#include <tuple>

namespace gatehouse {
namespace {

// The summed columns both tables share, in RollupTotals' order.
std::vector<std::string> totalColumns()
{
    std::vector<std::string> columns{"requests", "errors", "prompt_tokens", "completion_tokens", "cached_tokens",
        "reasoning_tokens", "cost_micros", "saved_micros", "cache_hits", "latency_us_sum"};
    for (std::size_t i = 0; i < DurationHistogram::kBucketCount; ++i)
        columns.push_back("latency_b" + std::to_string(i));
    return columns;
}

// INSERT INTO `table`(keys..., totals...) VALUES(...) ON CONFLICT(keys) DO UPDATE SET total = total + excluded.total, ...
std::string upsertSql(std::string_view table, const std::vector<std::string>& keyColumns)
{
    std::string names, placeholders, conflict, increments;
    for (const auto& column : keyColumns) {
        names += column + ", ";
        placeholders += "?, ";
        conflict += (conflict.empty() ? "" : ", ") + column;
    }
    for (const auto& column : totalColumns()) {
        names += column + ", ";
        placeholders += "?, ";
        increments += (increments.empty() ? "" : ", ") + column + " = " + column + " + excluded." + column;
    }
    names.resize(names.size() - 2);
    placeholders.resize(placeholders.size() - 2);
    return "INSERT INTO " + std::string(table) + "(" + names + ") VALUES(" + placeholders + ") ON CONFLICT(" + conflict
        + ") DO UPDATE SET " + increments;
}

// Binds `totals` from parameter `first` on, in totalColumns()' order.
void bindTotals(Statement& statement, int first, const RollupTotals& totals)
{
    int index = first;
    for (const auto value : {totals.requests, totals.errors, totals.promptTokens, totals.completionTokens, totals.cachedTokens,
             totals.reasoningTokens, totals.costMicros, totals.savedMicros, totals.cacheHits, totals.latencySumMicros})
        statement.bind(index++, value);
    for (const auto count : totals.latencyBuckets)
        statement.bind(index++, count);
}

// The value a combination has in a cut's dimension (kRollupCutDimensions): a consumer is named
// "tenant/consumer", as limits and budgets name it.
std::string cutValue(std::string_view dimension, const RollupKey& key)
{
    if (dimension == "tenant")
        return key.tenant;
    if (dimension == "consumer")
        return key.consumer.empty() ? std::string() : key.tenant + "/" + key.consumer;
    if (dimension == "key")
        return key.keyPrefix;
    if (dimension == "model")
        return key.model;
    if (dimension == "deployment")
        return key.deployment;
    return {}; // the grand total
}

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

bool RollupKey::operator<(const RollupKey& other) const
{
    return std::tie(granularityMs, bucketMs, tenant, consumer, keyPrefix, model, deployment)
        < std::tie(other.granularityMs, other.bucketMs, other.tenant, other.consumer, other.keyPrefix, other.model, other.deployment);
}

bool RollupCutKey::operator<(const RollupCutKey& other) const
{
    return std::tie(granularityMs, dimension, bucketMs, value) < std::tie(other.granularityMs, other.dimension, other.bucketMs, other.value);
}

void RollupSums::add(const CallRecord& record)
{
    RollupKey key{static_cast<int64_t>(RollupGranularity::Minute), rollupBucketStart(RollupGranularity::Minute, record.startedAtMs()),
        record.tenant, record.consumer, record.keyPrefix, record.model,
        record.provider.empty() ? std::string() : deploymentId(record.provider, record.deployment)};
    m_minutes[std::move(key)].add(record);
}

void RollupSums::add(const std::vector<CallRecord>& records)
{
    for (const auto& record : records)
        add(record);
}

void RollupSums::add(const RollupSums& other)
{
    for (const auto& [key, totals] : other.m_minutes)
        m_minutes[key].add(totals);
}

std::map<RollupKey, RollupTotals> RollupSums::combinationRows() const
{
    auto rows = m_minutes;
    for (const auto& [minute, totals] : m_minutes) {
        for (const auto granularity : {RollupGranularity::Hour, RollupGranularity::Day}) {
            auto key = minute;
            key.granularityMs = static_cast<int64_t>(granularity);
            key.bucketMs = rollupBucketStart(granularity, minute.bucketMs);
            rows[std::move(key)].add(totals);
        }
    }
    return rows;
}

std::map<RollupCutKey, RollupTotals> RollupSums::cutRows(const std::map<RollupKey, RollupTotals>& combinations)
{
    std::map<RollupCutKey, RollupTotals> cuts;
    for (const auto& [key, totals] : combinations) {
        for (const auto dimension : kRollupCutDimensions)
            cuts[RollupCutKey{key.granularityMs, dimension, key.bucketMs, cutValue(dimension, key)}].add(totals);
    }
    return cuts;
}

CallRollups::CallRollups(Database& database)
    : m_db(database)
    , m_upsertCombination(std::make_unique<Statement>(database.prepare(
          upsertSql("call_rollups", {"granularity_ms", "bucket_ms", "tenant", "consumer", "key_prefix", "model", "deployment"}))))
    , m_upsertCut(std::make_unique<Statement>(
          database.prepare(upsertSql("call_rollup_cuts", {"granularity_ms", "dimension", "bucket_ms", "value"}))))
    , m_setWatermark(std::make_unique<Statement>(database.prepare(
          "INSERT INTO meta(name, value) VALUES('" + std::string(kWatermarkName) + "', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")))
{
}

CallRollups::~CallRollups() = default;

void CallRollups::write(const RollupSums& sums, int64_t throughCallId)
{
    const auto combinations = sums.combinationRows();
    auto& combination = *m_upsertCombination;
    for (const auto& [key, totals] : combinations) {
        combination.reset();
        combination.bind(1, key.granularityMs).bind(2, key.bucketMs);
        combination.bindUnowned(3, key.tenant).bindUnowned(4, key.consumer).bindUnowned(5, key.keyPrefix);
        combination.bindUnowned(6, key.model).bindUnowned(7, key.deployment);
        bindTotals(combination, 8, totals);
        combination.step();
    }
    auto& cut = *m_upsertCut;
    for (const auto& [key, totals] : RollupSums::cutRows(combinations)) {
        cut.reset();
        cut.bind(1, key.granularityMs).bindUnowned(2, key.dimension).bind(3, key.bucketMs).bindUnowned(4, key.value);
        bindTotals(cut, 5, totals);
        cut.step();
    }
    m_setWatermark->reset();
    m_setWatermark->bind(1, throughCallId);
    m_setWatermark->step();
}

int64_t CallRollups::watermark()
{
    auto query = m_db.prepare("SELECT value FROM meta WHERE name = '" + std::string(kWatermarkName) + "'");
    return query.step() ? query.columnInt(0) : 0;
}

} // namespace gatehouse
