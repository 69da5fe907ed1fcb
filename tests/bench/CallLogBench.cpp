// The call log's benchmark (issue 6; run by tests/bench/run-bench.sh). Prints "name value" lines
// for the report; writes only into DATA_DIR, which it expects empty.
//
//   gatehouse-call-log-bench DATA_DIR WRITER_RECORDS CHART_RECORDS
//
// 1. The writer: WRITER_RECORDS generated records through a CallRecordWriter set up as `gatehouse
//    serve` sets it up (records, rollups, one transaction per batch), timed from the first submit
//    to the last commit with its rollups. The records start 20 µs apart, as they would in traffic
//    of 50,000 calls/s (the target): the rollups sum what falls in the same minute, so how far
//    apart the records are is part of what is measured.
// 2. The charts: the rollups of CHART_RECORDS more generated records, evenly spread over 30 days,
//    added through CallRollups (the writer's own aggregation) in batches of 100000 without storing
//    the records themselves — chart queries read only the rollups — then each chart query of the
//    console and the admin API, five times, the median reported; unfiltered, and filtered to one
//    tenant (a filtered chart reads the combinations, not the cuts).
//
// The records: traffic from 20 tenants, each with 5 consumers and 2 keys per consumer, to 10 models
// over 15 deployments, about 1 in 20 failed.
#include "calls/CallRecordWriter.h"
#include "calls/CallRollups.h"
#include "store/CallAnalytics.h"
#include "store/Database.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace gatehouse;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kEndMs = 1'780'000'000'000;
constexpr int64_t kSpanMs = 30 * kDayMs;
constexpr double kWriterStepMicros = 20.0; // 50,000 calls/s

// The record `index` of generated traffic that starts at `startMs` with `stepMicros` between calls.
CallRecord generatedRecord(int64_t index, int64_t startMs, double stepMicros, std::mt19937_64& random)
{
    const auto tenant = static_cast<int>(random() % 20);
    const auto consumer = static_cast<int>(random() % 5);
    const auto key = static_cast<int>(random() % 2);
    const auto model = static_cast<int>(random() % 10);
    CallRecord record;
    record.startedAt = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(startMs + static_cast<int64_t>(static_cast<double>(index) * stepMicros / 1000.0)));
    record.requestId = "req_" + std::to_string(index);
    record.endpoint = "/v1/chat/completions";
    record.tenant = "tenant-" + std::to_string(tenant);
    record.consumer = "app-" + std::to_string(consumer);
    record.keyPrefix = "gk-" + std::to_string(tenant) + "-" + std::to_string(consumer) + "-" + std::to_string(key);
    record.model = "model-" + std::to_string(model);
    record.route = record.model;
    record.provider = "provider-" + std::to_string((model + static_cast<int>(random() % 2)) % 3);
    record.deployment = "upstream-" + std::to_string(model);
    const bool failed = random() % 20 == 0;
    record.status = failed ? 502 : 200;
    record.errorCode = failed ? "upstream_error" : "";
    record.latency = std::chrono::microseconds(20'000 + static_cast<int64_t>(random() % 3'000'000));
    record.timeToFirstByte = std::chrono::microseconds(record.latency.count() / 4);
    record.gatewayOverhead = std::chrono::microseconds(150);
    record.promptTokens = 200 + static_cast<int64_t>(random() % 2000);
    record.completionTokens = failed ? 0 : 50 + static_cast<int64_t>(random() % 800);
    record.costMicros = record.promptTokens.value() * 2 + record.completionTokens.value() * 8;
    record.attempts = 1;
    record.clientIp = "10.0." + std::to_string(tenant) + "." + std::to_string(consumer);
    record.userAgent = "OpenAI/Python 1.55.0";
    return record;
}

double millisSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The median of five runs of `query`, in milliseconds.
template<typename Query>
double medianMillis(Query&& query)
{
    std::vector<double> runs;
    for (int i = 0; i < 5; ++i) {
        const auto start = Clock::now();
        query();
        runs.push_back(millisSince(start));
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s DATA_DIR WRITER_RECORDS CHART_RECORDS\n", argv[0]);
        return 2;
    }
    const std::string databasePath = std::string(argv[1]) + "/" + Database::defaultFileName();
    const int64_t count = std::stoll(argv[2]);
    const int64_t chartCount = std::stoll(argv[3]);
    if (count < 1000 || chartCount < 1000) {
        std::fprintf(stderr, "call-log-bench: the record counts must be at least 1000\n");
        return 2;
    }
    try {
        { Database migrate(databasePath); }

        // The writer as `gatehouse serve` sets it up (storage defaults: 200000 queued, batches of 2000).
        // The generator stays ahead of it but never fills the queue: a drop would be a failed run.
        std::mt19937_64 random(42);
        const auto start = Clock::now();
        CallRecordWriter writer(databasePath, 200'000, 2000);
        for (int64_t i = 0; i < count; ++i) {
            if (i % 1000 == 0) {
                while (writer.counters().queueDepth > 150'000)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            writer.submit(generatedRecord(i, kEndMs - kDayMs, kWriterStepMicros, random));
        }
        writer.flush();
        const double writeSeconds = millisSince(start) / 1000.0;
        const auto counters = writer.counters();
        writer.stop();
        std::printf("writer_records %lld\n", static_cast<long long>(counters.written));
        std::printf("writer_dropped %lld\n", static_cast<long long>(counters.dropped));
        std::printf("writer_seconds %.2f\n", writeSeconds);
        std::printf("writer_records_per_second %.0f\n", static_cast<double>(counters.written) / writeSeconds);

        // The charts' data set: a database of its own, rollups only.
        const std::string chartPath = std::string(argv[1]) + "/charts.db";
        Database database(chartPath);
        {
            const auto addStart = Clock::now();
            CallRollups rollups(database);
            std::mt19937_64 chartRandom(7);
            const double stepMicros = static_cast<double>(kSpanMs) * 1000.0 / static_cast<double>(chartCount);
            RollupSums sums;
            for (int64_t i = 0; i < chartCount; ++i) {
                sums.add(generatedRecord(i, kEndMs - kSpanMs, stepMicros, chartRandom));
                if ((i + 1) % 100'000 == 0 || i + 1 == chartCount) {
                    inTransaction(database, [&] { rollups.write(sums, 0); });
                    sums = RollupSums();
                }
            }
            std::printf("chart_records %lld\n", static_cast<long long>(chartCount));
            std::printf("chart_rollup_seconds %.2f\n", millisSince(addStart) / 1000.0);
        }
        CallAnalytics analytics(database);
        for (const char* table : {"call_rollups", "call_rollup_cuts"}) {
            auto rows = database.prepare(std::string("SELECT COUNT(*) FROM ") + table);
            rows.step();
            std::printf("rows %s %lld\n", table, static_cast<long long>(rows.columnInt(0)));
        }
        struct Chart {
            const char* name;
            AnalyticsQuery query;
        };
        const Chart charts[] = {
            {"cost_30d_by_model_daily", {kEndMs - kSpanMs, kEndMs, RollupGranularity::Day, AnalyticsDimension::Model}},
            {"cost_7d_by_tenant_hourly", {kEndMs - 7 * kDayMs, kEndMs, RollupGranularity::Hour, AnalyticsDimension::Tenant}},
            {"requests_24h_by_minute", {kEndMs - kDayMs, kEndMs, RollupGranularity::Minute}},
            {"latency_7d_hourly", {kEndMs - 7 * kDayMs, kEndMs, RollupGranularity::Hour}},
            {"tenant_cost_30d_by_model_daily",
                {kEndMs - kSpanMs, kEndMs, RollupGranularity::Day, AnalyticsDimension::Model, std::string("tenant-3")}},
            {"tenant_cost_7d_by_key_hourly",
                {kEndMs - 7 * kDayMs, kEndMs, RollupGranularity::Hour, AnalyticsDimension::Key, std::string("tenant-3")}},
        };
        std::size_t points = 0;
        for (const auto& chart : charts) {
            const auto millis = medianMillis([&] { points = analytics.series(chart.query).size(); });
            std::printf("query %s %.1f %zu\n", chart.name, millis, points);
        }
        const AnalyticsQuery consumers{kEndMs - kSpanMs, kEndMs, RollupGranularity::Day, AnalyticsDimension::Consumer};
        const auto topMillis = medianMillis([&] { points = analytics.top(consumers, AnalyticsMetric::Cost, 10).size(); });
        std::printf("query top_10_consumers_30d_by_cost %.1f %zu\n", topMillis, points);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "call-log-bench: %s\n", error.what());
        return 1;
    }
    return 0;
}
