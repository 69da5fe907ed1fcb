#include "admin/CallOperations.h"

#include "admin/AdminInput.h"
#include "admin/CsvText.h"
#include "calls/CallRecordJson.h"
#include "governance/AccessControl.h"
#include "json/JsonValues.h"

#include <chrono>

namespace gatehouse {
namespace {

constexpr int64_t kDefaultPageLimit = 50;

constexpr int64_t kDayMs = 86'400'000;

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Json milliseconds(const std::optional<double>& micros)
{
    return micros ? Json(*micros / 1000.0) : Json(nullptr);
}

// A rollup's totals as the analytics answers show them (docs/admin-api.md "Analytics").
Json totalsJson(const RollupTotals& totals)
{
    const auto requests = static_cast<double>(totals.requests);
    return {
        {"requests", totals.requests},
        {"errors", totals.errors},
        {"error_rate", totals.requests ? Json(static_cast<double>(totals.errors) / requests) : Json(nullptr)},
        {"prompt_tokens", totals.promptTokens},
        {"completion_tokens", totals.completionTokens},
        {"cached_tokens", totals.cachedTokens},
        {"reasoning_tokens", totals.reasoningTokens},
        {"cost_usd", usdJson(totals.costMicros)},
        {"saved_usd", usdJson(totals.savedMicros)},
        {"cache_hits", totals.cacheHits},
        {"latency_mean_ms", totals.requests ? Json(static_cast<double>(totals.latencySumMicros) / requests / 1000.0) : Json(nullptr)},
        {"latency_p50_ms", milliseconds(latencyQuantileMicros(totals, 0.50))},
        {"latency_p95_ms", milliseconds(latencyQuantileMicros(totals, 0.95))},
        {"latency_p99_ms", milliseconds(latencyQuantileMicros(totals, 0.99))},
    };
}

// The rows as CSV: the header of their keys, then their values (nulls empty).
std::string csvOf(const Json& rows)
{
    std::string out;
    for (const auto& row : rows) {
        if (out.empty()) {
            std::vector<std::string> names;
            for (const auto& [name, value] : row.items())
                names.push_back(name);
            appendCsvRow(out, names);
        }
        std::vector<std::string> fields;
        for (const auto& [name, value] : row.items())
            fields.push_back(value.is_null() ? std::string() : value.is_string() ? value.get<std::string>() : value.dump());
        appendCsvRow(out, fields);
    }
    return out;
}

AdminResult csvAnswer(const Json& rows, const std::string& fileName)
{
    AdminResult result;
    result.contentType = "text/csv; charset=utf-8";
    result.body = csvOf(rows);
    result.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
    return result;
}

// The range, granularity and filters every analytics query takes. Default range: the last 24 hours.
AnalyticsQuery analyticsQuery(const QueryParameters& query, const std::string& dimensionParameter)
{
    AnalyticsQuery analytics;
    analytics.untilMs = query.integer("until_ms").value_or(nowMs());
    analytics.sinceMs = query.integer("since_ms").value_or(analytics.untilMs - kDayMs);
    if (const auto name = query.text("granularity")) {
        const auto granularity = parseRollupGranularity(*name);
        if (!granularity)
            refuseField("granularity", "'" + *name + "' is not a granularity; use minute, hour or day", "invalid_value");
        analytics.granularity = *granularity;
    } else {
        analytics.granularity = defaultGranularity(analytics.sinceMs, analytics.untilMs);
    }
    if (const auto name = query.text(dimensionParameter)) {
        analytics.groupBy = parseAnalyticsDimension(*name);
        if (!analytics.groupBy)
            refuseField(dimensionParameter, "'" + *name + "' is not a dimension; use tenant, consumer, key, model or deployment",
                "invalid_value");
    }
    analytics.tenant = query.text("tenant");
    analytics.consumer = query.text("consumer");
    analytics.keyPrefix = query.text("key");
    analytics.model = query.text("model");
    analytics.deployment = query.text("deployment");
    return analytics;
}

} // namespace

CallOperations::CallOperations(CallHistory& history, CallAnalytics& analytics)
    : m_history(history)
    , m_analytics(analytics)
{
}

AdminResult CallOperations::run(const AdminCall& call)
{
    switch (call.route.operation) {
    case AdminOperation::ListCalls:
        return list(call);
    case AdminOperation::GetCall:
        return detail(call);
    case AdminOperation::CallSeries:
        return series(call);
    case AdminOperation::CallTop:
        return top(call);
    case AdminOperation::StreamCalls:
        return stream(call);
    default:
        throw std::logic_error("not a call-log operation");
    }
}

AdminResult CallOperations::list(const AdminCall& call)
{
    const QueryParameters query(call.query,
        {"since_ms", "until_ms", "tenant", "consumer", "key", "model", "provider", "status", "limit", "cursor", "format"});
    const auto format = query.format();
    const CallFilter filter{query.integer("since_ms"), query.integer("until_ms"), query.text("tenant"), query.text("consumer"),
        query.text("key"), query.text("model"), query.text("provider"), query.text("status")};
    std::optional<CallCursor> after;
    if (const auto cursor = query.text("cursor")) {
        after = CallCursor::parse(*cursor);
        if (!after)
            refuseField("cursor", "'" + *cursor + "' is not a cursor; pass the next_cursor of the previous page", "invalid_value");
    }
    // An export takes the largest page by default; X-Next-Cursor tells whether more remain.
    const auto limit = query.integer("limit").value_or(format == "csv" ? CallHistory::kMaxPageLimit : kDefaultPageLimit);
    CallPage page;
    try {
        page = m_history.list(filter, limit, after);
    } catch (const CallHistoryError& error) {
        refuseField(error.field, error.what(), "invalid_value");
    }
    const auto next = page.next ? Json(page.next->text()) : Json(nullptr);
    if (format == "json") {
        Json data = Json::array();
        for (const auto& stored : page.items)
            data.push_back(callRecordJson(stored.record, stored.id));
        return readAnswer({{"data", std::move(data)}, {"limit", limit}, {"next_cursor", next}});
    }
    AdminResult result;
    result.contentType = "text/csv; charset=utf-8";
    appendCsvRow(result.body, callRecordFieldNames());
    for (const auto& stored : page.items)
        appendCsvRow(result.body, callRecordCsvFields(stored.record, stored.id));
    if (page.next)
        result.headers.emplace_back("X-Next-Cursor", page.next->text());
    result.headers.emplace_back("Content-Disposition", "attachment; filename=\"gatehouse-calls.csv\"");
    return result;
}

AdminResult CallOperations::detail(const AdminCall& call)
{
    const QueryParameters none(call.query, {}); // a stray parameter is a mistake worth naming
    const auto& requestId = call.path.at("request_id");
    const auto stored = m_history.find(requestId);
    if (!stored)
        throw AdminInputError(ApiError{404, "No call with request id '" + requestId + "' is in the call log.", "invalid_request_error",
            "request_id", "not_found"});
    auto json = callRecordJson(stored->record, stored->id);
    json["payload"] = nullptr;
    if (const auto& payload = stored->record.payload) {
        json["payload"] = {{"request_headers", payload->requestHeaders}, {"request", payload->request},
            {"request_truncated", payload->requestTruncated},
            {"response_status", payload->responseStatus ? Json(payload->responseStatus) : Json(nullptr)},
            {"response", payload->response}, {"response_truncated", payload->responseTruncated}};
    }
    return readAnswer(json);
}

} // namespace gatehouse

namespace gatehouse {

AdminResult CallOperations::series(const AdminCall& call)
{
    const QueryParameters query(call.query,
        {"since_ms", "until_ms", "granularity", "group_by", "tenant", "consumer", "key", "model", "deployment", "format"});
    const auto format = query.format();
    const auto analytics = analyticsQuery(query, "group_by");
    std::vector<SeriesPoint> points;
    try {
        points = m_analytics.series(analytics);
    } catch (const AnalyticsError& error) {
        refuseField(error.field, error.what(), "invalid_value");
    }
    Json data = Json::array();
    for (const auto& point : points) {
        Json row{{"bucket_ms", point.bucketMs}, {"bucket", formatUtcTimestamp(point.bucketMs)}, {"group", point.group}};
        row.update(totalsJson(point.totals));
        data.push_back(std::move(row));
    }
    if (format == "csv")
        return csvAnswer(data, "gatehouse-series.csv");
    return readAnswer({{"granularity", rollupGranularityName(analytics.granularity)},
        {"group_by", analytics.groupBy ? Json(analyticsDimensionName(*analytics.groupBy)) : Json(nullptr)},
        {"since_ms", rollupBucketStart(analytics.granularity, analytics.sinceMs)}, {"until_ms", analytics.untilMs},
        {"data", std::move(data)}});
}

AdminResult CallOperations::top(const AdminCall& call)
{
    const QueryParameters query(call.query,
        {"since_ms", "until_ms", "granularity", "by", "metric", "limit", "tenant", "consumer", "key", "model", "deployment", "format"});
    const auto format = query.format();
    const auto analytics = analyticsQuery(query, "by");
    const auto metricName = query.text("metric").value_or("cost");
    const auto metric = parseAnalyticsMetric(metricName);
    if (!metric)
        refuseField("metric", "'" + metricName + "' is not a metric; use requests, errors, tokens, cost or latency_p95", "invalid_value");
    std::vector<RankedGroup> groups;
    try {
        groups = m_analytics.top(analytics, *metric, static_cast<std::size_t>(std::max<int64_t>(0, query.integer("limit").value_or(10))));
    } catch (const AnalyticsError& error) {
        refuseField(error.field, error.what(), "invalid_value");
    }
    Json data = Json::array();
    for (const auto& group : groups) {
        Json row{{"group", group.group}};
        row.update(totalsJson(group.totals));
        data.push_back(std::move(row));
    }
    if (format == "csv")
        return csvAnswer(data, "gatehouse-top.csv");
    return readAnswer({{"by", analyticsDimensionName(*analytics.groupBy)}, {"metric", metricName}, {"since_ms", analytics.sinceMs},
        {"until_ms", analytics.untilMs}, {"data", std::move(data)}});
}

AdminResult CallOperations::stream(const AdminCall& call)
{
    const QueryParameters query(call.query, {"tenant", "consumer", "key", "model", "provider", "status"});
    const CallFilter filter{std::nullopt, std::nullopt, query.text("tenant"), query.text("consumer"), query.text("key"),
        query.text("model"), query.text("provider"), query.text("status")};
    if (filter.consumer && filter.consumer->find('/') == std::string::npos)
        refuseField("consumer", "consumer: '" + *filter.consumer + "': a consumer is named tenant/consumer", "invalid_value");
    try {
        callMatches(filter, CallRecord{}); // checks the status filter now, not on the writer's thread
    } catch (const CallHistoryError& error) {
        refuseField(error.field, error.what(), "invalid_value");
    }
    AdminResult result;
    result.contentType = "text/event-stream";
    result.callStream = filter;
    return result;
}

} // namespace gatehouse
