#include "store/CallAnalytics.h"

#include <algorithm>
#include <variant>

namespace gatehouse {
namespace {

constexpr std::string_view kSums = "SUM(requests), SUM(errors), SUM(prompt_tokens), SUM(completion_tokens), SUM(cached_tokens), SUM(reasoning_tokens), SUM(cost_micros), SUM(saved_micros), SUM(cache_hits), SUM(latency_us_sum), SUM(latency_b0), SUM(latency_b1), SUM(latency_b2), SUM(latency_b3), SUM(latency_b4), SUM(latency_b5), SUM(latency_b6), SUM(latency_b7), SUM(latency_b8), SUM(latency_b9), SUM(latency_b10), SUM(latency_b11), SUM(latency_b12), SUM(latency_b13), SUM(latency_b14), SUM(latency_b15), SUM(latency_b16)";

// The SQL expression a dimension groups by.
std::string_view groupExpression(AnalyticsDimension dimension)
{
    switch (dimension) {
    case AnalyticsDimension::Tenant: return "tenant";
    case AnalyticsDimension::Consumer: return "CASE WHEN consumer = '' THEN '' ELSE tenant || '/' || consumer END";
    case AnalyticsDimension::Key: return "key_prefix";
    case AnalyticsDimension::Model: return "model";
    case AnalyticsDimension::Deployment: return "deployment";
    }
    return "''";
}

// The sums of a row, from column `first` on, in kSums' order.
RollupTotals totalsAt(const Statement& row, int first)
{
    RollupTotals totals;
    int column = first;
    for (auto* field : {&totals.requests, &totals.errors, &totals.promptTokens, &totals.completionTokens, &totals.cachedTokens,
             &totals.reasoningTokens, &totals.costMicros, &totals.savedMicros, &totals.cacheHits, &totals.latencySumMicros})
        *field = row.columnInt(column++);
    for (auto& bucket : totals.latencyBuckets)
        bucket = row.columnInt(column++);
    return totals;
}

double metricValue(AnalyticsMetric metric, const RollupTotals& totals)
{
    switch (metric) {
    case AnalyticsMetric::Requests: return static_cast<double>(totals.requests);
    case AnalyticsMetric::Errors: return static_cast<double>(totals.errors);
    case AnalyticsMetric::Tokens: return static_cast<double>(totals.promptTokens + totals.completionTokens);
    case AnalyticsMetric::Cost: return static_cast<double>(totals.costMicros);
    case AnalyticsMetric::LatencyP95: return latencyQuantileMicros(totals, 0.95).value_or(0);
    }
    return 0;
}

bool filtered(const AnalyticsQuery& query)
{
    return query.tenant || query.consumer || query.keyPrefix || query.model || query.deployment;
}

// The FROM and WHERE clauses of a query (granularity, range, filters), its parameters, and what it
// groups by. A query without filters reads the cuts: one row per bucket and value of the dimension
// it groups by (or of the grand total), however many combinations of callers and models there
// are. A filtered one reads the combinations of its range.
class Conditions {
public:
    explicit Conditions(const AnalyticsQuery& query)
    {
        if (query.untilMs <= query.sinceMs)
            throw AnalyticsError("until_ms", "until_ms: must be after since_ms");
        const auto granularity = static_cast<int64_t>(query.granularity);
        m_parameters = {granularity, rollupBucketStart(query.granularity, query.sinceMs), query.untilMs};
        if (!filtered(query)) {
            m_sql = " FROM call_rollup_cuts WHERE granularity_ms = ? AND dimension = ? AND bucket_ms >= ? AND bucket_ms < ?";
            m_parameters.insert(m_parameters.begin() + 1, std::string(query.groupBy ? analyticsDimensionName(*query.groupBy) : ""));
            m_group = "value";
            return;
        }
        m_sql = " FROM call_rollups WHERE granularity_ms = ? AND bucket_ms >= ? AND bucket_ms < ?";
        m_group = query.groupBy ? std::string(groupExpression(*query.groupBy)) : "''";
        equals("tenant", query.tenant);
        if (query.consumer) {
            const auto slash = query.consumer->find('/');
            if (slash == std::string::npos)
                throw AnalyticsError("consumer", "consumer: '" + *query.consumer + "': a consumer is named tenant/consumer");
            equals("tenant", query.consumer->substr(0, slash));
            equals("consumer", query.consumer->substr(slash + 1));
        }
        equals("key_prefix", query.keyPrefix);
        equals("model", query.model);
        equals("deployment", query.deployment);
    }

    const std::string& sql() const { return m_sql; }
    // The SQL expression of the group a row counts in.
    const std::string& group() const { return m_group; }

    void bindTo(Statement& statement) const
    {
        int index = 1;
        for (const auto& parameter : m_parameters) {
            if (const auto* number = std::get_if<int64_t>(&parameter))
                statement.bind(index++, *number);
            else
                statement.bind(index++, std::get<std::string>(parameter));
        }
    }

private:
    void equals(const char* column, const std::optional<std::string>& value)
    {
        if (!value)
            return;
        m_sql += std::string(" AND ") + column + " = ?";
        m_parameters.emplace_back(*value);
    }

    std::string m_sql;
    std::string m_group;
    std::vector<std::variant<int64_t, std::string>> m_parameters;
};

} // namespace

std::string_view analyticsDimensionName(AnalyticsDimension dimension)
{
    switch (dimension) {
    case AnalyticsDimension::Tenant: return "tenant";
    case AnalyticsDimension::Consumer: return "consumer";
    case AnalyticsDimension::Key: return "key";
    case AnalyticsDimension::Model: return "model";
    case AnalyticsDimension::Deployment: return "deployment";
    }
    return "tenant";
}

std::optional<AnalyticsDimension> parseAnalyticsDimension(std::string_view name)
{
    for (const auto dimension : {AnalyticsDimension::Tenant, AnalyticsDimension::Consumer, AnalyticsDimension::Key,
             AnalyticsDimension::Model, AnalyticsDimension::Deployment}) {
        if (analyticsDimensionName(dimension) == name)
            return dimension;
    }
    return std::nullopt;
}

std::optional<RollupGranularity> parseRollupGranularity(std::string_view name)
{
    for (const auto granularity : kRollupGranularities) {
        if (rollupGranularityName(granularity) == name)
            return granularity;
    }
    return std::nullopt;
}

std::optional<AnalyticsMetric> parseAnalyticsMetric(std::string_view name)
{
    const std::pair<std::string_view, AnalyticsMetric> metrics[] = {{"requests", AnalyticsMetric::Requests},
        {"errors", AnalyticsMetric::Errors}, {"tokens", AnalyticsMetric::Tokens}, {"cost", AnalyticsMetric::Cost},
        {"latency_p95", AnalyticsMetric::LatencyP95}};
    for (const auto& [word, metric] : metrics) {
        if (word == name)
            return metric;
    }
    return std::nullopt;
}

std::optional<double> latencyQuantileMicros(const RollupTotals& totals, double quantile)
{
    int64_t count = 0;
    for (const auto bucket : totals.latencyBuckets)
        count += bucket;
    if (count == 0)
        return std::nullopt;
    // The rank of the wanted call (1-based), then the bucket holding it.
    const double rank = std::clamp(quantile, 0.0, 1.0) * static_cast<double>(count);
    const auto& bounds = DurationHistogram::kUpperBoundsMicros;
    int64_t below = 0;
    for (std::size_t i = 0; i < totals.latencyBuckets.size(); ++i) {
        const auto inBucket = totals.latencyBuckets[i];
        if (inBucket == 0 || static_cast<double>(below + inBucket) < rank) {
            below += inBucket;
            continue;
        }
        const double lower = i == 0 ? 0.0 : static_cast<double>(bounds[i - 1]);
        if (i == bounds.size()) // the open bucket above the last bound: its lower bound is all that is known
            return lower;
        const double upper = static_cast<double>(bounds[i]);
        const double fraction = (rank - static_cast<double>(below)) / static_cast<double>(inBucket);
        return lower + (upper - lower) * std::clamp(fraction, 0.0, 1.0);
    }
    return static_cast<double>(bounds.back());
}

RollupGranularity defaultGranularity(int64_t sinceMs, int64_t untilMs)
{
    constexpr int64_t hourMs = 3'600'000;
    const auto span = untilMs - sinceMs;
    if (span <= 6 * hourMs)
        return RollupGranularity::Minute;
    if (span <= 8 * 24 * hourMs)
        return RollupGranularity::Hour;
    return RollupGranularity::Day;
}

CallAnalytics::CallAnalytics(Database& database)
    : m_db(database)
{
}

std::vector<SeriesPoint> CallAnalytics::series(const AnalyticsQuery& query)
{
    const Conditions conditions(query);
    const auto width = static_cast<int64_t>(query.granularity);
    const auto buckets = (query.untilMs - rollupBucketStart(query.granularity, query.sinceMs) + width - 1) / width;
    if (buckets > static_cast<int64_t>(kMaxPoints))
        throw AnalyticsError("granularity", "granularity: the range has " + std::to_string(buckets) + " " + std::string(rollupGranularityName(query.granularity))
            + "s, more than " + std::to_string(kMaxPoints) + " points; use a coarser granularity or a shorter range");
    auto statement = m_db.prepare("SELECT bucket_ms, " + conditions.group() + " AS grp, " + std::string(kSums) + conditions.sql()
        + " GROUP BY bucket_ms, grp ORDER BY bucket_ms, grp");
    conditions.bindTo(statement);
    std::vector<SeriesPoint> points;
    while (statement.step()) {
        if (points.size() == kMaxPoints)
            throw AnalyticsError("group_by", "group_by: more than " + std::to_string(kMaxPoints)
                + " points; use a coarser granularity, a shorter range or a filter");
        points.push_back({statement.columnInt(0), statement.columnText(1), totalsAt(statement, 2)});
    }
    return points;
}

std::vector<RankedGroup> CallAnalytics::top(const AnalyticsQuery& query, AnalyticsMetric metric, std::size_t limit)
{
    if (!query.groupBy)
        throw AnalyticsError("by", "by: a top list needs a dimension (tenant, consumer, key, model or deployment)");
    if (limit < 1 || limit > kMaxTop)
        throw AnalyticsError("limit", "limit: must be between 1 and " + std::to_string(kMaxTop));
    const Conditions conditions(query);
    auto statement = m_db.prepare("SELECT " + conditions.group() + " AS grp, " + std::string(kSums) + conditions.sql() + " GROUP BY grp");
    conditions.bindTo(statement);
    std::vector<RankedGroup> groups;
    while (statement.step())
        groups.push_back({statement.columnText(0), totalsAt(statement, 1)});
    // Most first; equal values by name, so the order is the same every time.
    std::sort(groups.begin(), groups.end(), [&](const RankedGroup& a, const RankedGroup& b) {
        const auto left = metricValue(metric, a.totals);
        const auto right = metricValue(metric, b.totals);
        return left != right ? left > right : a.group < b.group;
    });
    if (groups.size() > limit)
        groups.resize(limit);
    return groups;
}

} // namespace gatehouse
