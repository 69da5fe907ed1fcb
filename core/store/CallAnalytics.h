// Charts of the call log (docs/analytics.md): time series and top-N over the rollups the
// call-record writer keeps (CallRollups), never over the calls themselves, so a query over months
// of traffic reads buckets, not millions of records.
#pragma once

#include "calls/CallRollups.h"
#include "store/Database.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse {

// What a series is split by, or a top-N ranks.
enum class AnalyticsDimension { Tenant, Consumer, Key, Model, Deployment };

// "tenant", "consumer", "key", "model", "deployment"; parse: nullopt for another word.
std::string_view analyticsDimensionName(AnalyticsDimension dimension);
std::optional<AnalyticsDimension> parseAnalyticsDimension(std::string_view name);
std::optional<RollupGranularity> parseRollupGranularity(std::string_view name);

// What a top-N ranks by.
enum class AnalyticsMetric { Requests, Errors, Tokens, Cost, LatencyP95 };
std::optional<AnalyticsMetric> parseAnalyticsMetric(std::string_view name); // requests, errors, tokens, cost, latency_p95

struct AnalyticsQuery {
    int64_t sinceMs = 0; // rounded down to its bucket's start
    int64_t untilMs = 0; // exclusive
    RollupGranularity granularity = RollupGranularity::Hour;
    std::optional<AnalyticsDimension> groupBy; // unset: one series for everything
    // Filters, each optional: only the calls of this tenant, consumer ("tenant/consumer"), key
    // prefix, model (the one asked for) or deployment ("provider/upstream model").
    std::optional<std::string> tenant;
    std::optional<std::string> consumer;
    std::optional<std::string> keyPrefix;
    std::optional<std::string> model;
    std::optional<std::string> deployment;
};

struct SeriesPoint {
    int64_t bucketMs = 0;
    std::string group; // the dimension's value ("" when not grouped, or for calls without one)
    RollupTotals totals;
};

struct RankedGroup {
    std::string group;
    RollupTotals totals;
};

class AnalyticsError : public std::runtime_error {
public:
    AnalyticsError(std::string field, const std::string& message)
        : std::runtime_error(message)
        , field(std::move(field))
    {
    }
    std::string field; // the query parameter at fault
};

// The latency below which `quantile` (0..1) of the calls finished, estimated from the histogram by
// linear interpolation inside the bucket it falls in (the last, open bucket answers its lower
// bound). Nullopt without calls.
std::optional<double> latencyQuantileMicros(const RollupTotals& totals, double quantile);

class CallAnalytics {
public:
    static constexpr std::size_t kMaxPoints = 50'000;
    static constexpr std::size_t kMaxTop = 100;

    explicit CallAnalytics(Database& database);

    // Points by bucket, then group; buckets without calls are left out. Throws AnalyticsError for
    // an empty or inverted range, a consumer that is not tenant/consumer, or more than kMaxPoints
    // buckets (use a coarser granularity); StoreError when the database fails.
    std::vector<SeriesPoint> series(const AnalyticsQuery& query);

    // The `limit` groups of `query.groupBy` (required) with the most of `metric` over the range.
    std::vector<RankedGroup> top(const AnalyticsQuery& query, AnalyticsMetric metric, std::size_t limit);

private:
    Database& m_db;
};

// The granularity a chart of [sinceMs, untilMs) is drawn at when none is asked for: minutes up to
// 6 hours, hours up to 8 days, days beyond.
RollupGranularity defaultGranularity(int64_t sinceMs, int64_t untilMs);

} // namespace gatehouse
