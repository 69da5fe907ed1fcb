// The call log's rollups and the charts read from them: the rollups the writer keeps (combinations
// and per-dimension cuts) agree with a brute-force recount of the records (an SQL GROUP BY over the
// calls table) at every granularity, latency histogram included; series and top-N answer from them with filters; latency quantiles
// interpolate in the histogram; bad queries name their parameter.
#include "CallLogFixture.h"
#include "store/CallAnalytics.h"

#include <QtTest>

#include <random>

using namespace gatehouse;

namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kStartMs = 1'780'000'000'000; // a Monday morning, UTC; not on an hour boundary

CallRecord call(int64_t startedAtMs, const std::string& tenant, const std::string& model, int64_t costMicros, int latencyMicros,
    int status = 200)
{
    CallRecord record;
    record.startedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(startedAtMs));
    record.requestId = "req-" + std::to_string(startedAtMs) + "-" + tenant + "-" + model;
    record.endpoint = "/v1/chat/completions";
    record.keyPrefix = "gk-" + tenant;
    record.tenant = tenant;
    record.model = model;
    record.provider = "openai";
    record.deployment = model;
    record.status = status;
    if (status != 200)
        record.errorCode = "upstream_error";
    record.latency = std::chrono::microseconds(latencyMicros);
    record.promptTokens = 100;
    record.completionTokens = 20;
    record.costMicros = costMicros;
    return record;
}

// `count` calls over three days: random callers, models, deployments, outcomes, usage, latency.
std::vector<CallRecord> randomRecords(int count)
{
    std::mt19937 random(20261205);
    const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    std::vector<CallRecord> records;
    for (int i = 0; i < count; ++i) {
        CallRecord record = call(kStartMs + static_cast<int64_t>(random() % (72 * kHourMs)), "t" + std::to_string(pick(3)),
            "m" + std::to_string(pick(4)), pick(5000), static_cast<int>(random() % 200'000'000), pick(5) == 0 ? 502 : 200);
        record.consumer = pick(2) ? "app" + std::to_string(pick(2)) : "";
        if (pick(7) == 0)
            record.provider.clear(); // refused before any deployment
        if (pick(3) == 0)
            record.cachedTokens = pick(100);
        if (pick(4) == 0)
            record.reasoningTokens = pick(50);
        if (pick(6) == 0) {
            record.cache = "hit";
            record.savedMicros = pick(900);
        }
        records.push_back(std::move(record));
    }
    return records;
}

// Rows of a query as text, for comparing two queries row by row.
std::vector<std::string> rowsOf(Database& db, const std::string& sql)
{
    auto query = db.prepare(sql);
    std::vector<std::string> rows;
    while (query.step()) {
        std::string row;
        for (int column = 0; column < query.columnCount(); ++column)
            row += (column ? "|" : "") + (query.columnIsNull(column) ? std::string("NULL") : query.columnText(column));
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace

class CallAnalyticsTest : public QObject {
    Q_OBJECT

private slots:
    void init() { m_log = std::make_unique<CallLogFixture>(); }
    void cleanup() { m_log.reset(); }

    void rollupsMatchABruteForceRecountOfTheRecords()
    {
        const auto records = randomRecords(3000);
        QVERIFY(m_log->write(records, 256));

        for (const auto granularity : kRollupGranularities) {
            const auto g = std::to_string(static_cast<int64_t>(granularity));
            const auto recount = rowsOf(m_log->database(),
                "SELECT (started_at_ms / " + g + ") * " + g + ", COALESCE(tenant, ''), COALESCE(consumer, ''), COALESCE(key_prefix, ''), "
                "COALESCE(model, ''), CASE WHEN provider IS NULL THEN '' ELSE provider || '/' || deployment END AS d, COUNT(*), "
                "SUM(status >= 400 OR error_code IS NOT NULL), SUM(COALESCE(prompt_tokens, 0)), SUM(COALESCE(completion_tokens, 0)), "
                "SUM(COALESCE(cached_tokens, 0)), SUM(COALESCE(reasoning_tokens, 0)), SUM(COALESCE(cost_micros, 0)), "
                "SUM(COALESCE(saved_micros, 0)), SUM(COALESCE(cache = 'hit', 0)), SUM(latency_us) FROM calls GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6");
            const auto rollups = rowsOf(m_log->database(),
                "SELECT bucket_ms, tenant, consumer, key_prefix, model, deployment, requests, errors, prompt_tokens, completion_tokens, "
                "cached_tokens, reasoning_tokens, cost_micros, saved_micros, cache_hits, latency_us_sum FROM call_rollups "
                "WHERE granularity_ms = " + g + " ORDER BY 1, 2, 3, 4, 5, 6");
            QVERIFY(recount.size() > 10);
            QCOMPARE(rollups, recount);

            // The latency histogram: each bucket counts the calls between its bounds.
            const auto& bounds = DurationHistogram::kUpperBoundsMicros;
            for (std::size_t i = 0; i < DurationHistogram::kBucketCount; ++i) {
                const auto lower = i == 0 ? std::string("-1") : std::to_string(bounds[i - 1]);
                const auto upper = i == bounds.size() ? std::string("9223372036854775807") : std::to_string(bounds[i]);
                const auto expected = rowsOf(m_log->database(), "SELECT COUNT(*) FROM calls WHERE latency_us > " + lower + " AND latency_us <= " + upper);
                const auto counted = rowsOf(m_log->database(), "SELECT COALESCE(SUM(latency_b" + std::to_string(i) + "), 0) FROM call_rollups WHERE granularity_ms = " + g);
                QCOMPARE(counted, expected);
            }

            // The cuts: per dimension, one row per bucket and value, the same sums.
            const std::pair<std::string, std::string> cuts[] = {{"", "''"}, {"tenant", "COALESCE(tenant, '')"},
                {"consumer", "CASE WHEN COALESCE(consumer, '') = '' THEN '' ELSE COALESCE(tenant, '') || '/' || consumer END"},
                {"key", "COALESCE(key_prefix, '')"}, {"model", "COALESCE(model, '')"},
                {"deployment", "CASE WHEN provider IS NULL THEN '' ELSE provider || '/' || deployment END"}};
            for (const auto& [dimension, value] : cuts) {
                const auto recountCut = rowsOf(m_log->database(),
                    "SELECT (started_at_ms / " + g + ") * " + g + ", " + value + ", COUNT(*), SUM(status >= 400 OR error_code IS NOT NULL), "
                    "SUM(COALESCE(prompt_tokens, 0)), SUM(COALESCE(completion_tokens, 0)), SUM(COALESCE(cached_tokens, 0)), "
                    "SUM(COALESCE(reasoning_tokens, 0)), SUM(COALESCE(cost_micros, 0)), SUM(COALESCE(saved_micros, 0)), "
                    "SUM(COALESCE(cache = 'hit', 0)), SUM(latency_us) FROM calls GROUP BY 1, 2 ORDER BY 1, 2");
                const auto cutRows = rowsOf(m_log->database(),
                    "SELECT bucket_ms, value, requests, errors, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, "
                    "cost_micros, saved_micros, cache_hits, latency_us_sum FROM call_rollup_cuts WHERE granularity_ms = " + g
                    + " AND dimension = '" + dimension + "' ORDER BY 1, 2");
                QVERIFY(!recountCut.empty());
                QVERIFY2(cutRows == recountCut, dimension.c_str());
                const auto histogram = [&](const std::string& table, const std::string& where) {
                    std::string sums;
                    for (std::size_t i = 0; i < DurationHistogram::kBucketCount; ++i)
                        sums += (i ? ", SUM(latency_b" : "SUM(latency_b") + std::to_string(i) + ")";
                    return rowsOf(m_log->database(), "SELECT " + sums + " FROM " + table + " WHERE granularity_ms = " + g + where);
                };
                QCOMPARE(histogram("call_rollup_cuts", " AND dimension = '" + dimension + "'"), histogram("call_rollups", ""));
            }
        }
    }

    void theUpgradeFillsTheCutsFromTheCombinations()
    {
        // A database of schema 9 had only the combinations: the upgrade derives the cuts from them.
        QVERIFY(m_log->write(randomRecords(500)));
        const auto cutsOf = [&](Database& db) { return rowsOf(db, "SELECT * FROM call_rollup_cuts ORDER BY 1, 2, 3, 4"); };
        const auto written = cutsOf(m_log->database());
        QVERIFY(written.size() > 100);
        // Back to what schema 9 had: without schema 10's cuts, indexes and watermark, and schema 11's prompts.
        m_log->database().exec("DROP TABLE call_rollup_cuts; DROP INDEX call_rollups_by_tenant; DROP INDEX call_rollups_by_model; "
                               "DELETE FROM meta WHERE name = 'rollups_through_call_id'; "
                               "DROP TABLE prompt_labels; DROP TABLE prompt_versions; DROP TABLE prompts; DROP TABLE call_feedback; "
                               "DROP INDEX calls_by_prompt; ALTER TABLE calls DROP COLUMN prompt; ALTER TABLE calls DROP COLUMN prompt_version; "
                               "ALTER TABLE calls DROP COLUMN prompt_label; DELETE FROM meta WHERE name = 'prompts_generation'; "
                               "PRAGMA user_version = 9;");
        Database upgraded(m_log->databasePath());
        QCOMPARE(upgraded.schemaVersion(), Database::kCurrentSchemaVersion);
        QCOMPARE(cutsOf(upgraded), written);
        QCOMPARE(rowsOf(upgraded, "SELECT value FROM meta WHERE name = 'rollups_through_call_id'"), rowsOf(upgraded, "SELECT MAX(id) FROM calls"));
    }

    void seriesAndTopAnswerFromTheRollups()
    {
        // Two tenants over two hours: acme calls m1 twice in the first hour and m2 once in the second;
        // beta calls m1 once in the second hour and fails once.
        const auto hour0 = (kStartMs / kHourMs + 1) * kHourMs;
        QVERIFY(m_log->write({call(hour0 + 10, "acme", "m1", 1000, 2000), call(hour0 + 20, "acme", "m1", 3000, 2000),
                  call(hour0 + kHourMs + 5, "acme", "m2", 500, 40'000), call(hour0 + kHourMs + 6, "beta", "m1", 7000, 2000),
                  call(hour0 + kHourMs + 7, "beta", "m1", 0, 600'000, 502)},
            2));
        CallAnalytics analytics(m_log->database());
        AnalyticsQuery query{hour0, hour0 + 2 * kHourMs, RollupGranularity::Hour, AnalyticsDimension::Model};
        const auto points = analytics.series(query);
        QCOMPARE(points.size(), std::size_t(3));
        QCOMPARE(points[0].bucketMs, hour0);
        QCOMPARE(points[0].group, std::string("m1"));
        QCOMPARE(points[0].totals.requests, int64_t(2));
        QCOMPARE(points[0].totals.costMicros, int64_t(4000));
        QCOMPARE(points[1].bucketMs, hour0 + kHourMs);
        QCOMPARE(points[1].group, std::string("m1"));
        QCOMPARE(points[1].totals.requests, int64_t(2));
        QCOMPARE(points[1].totals.errors, int64_t(1));
        QCOMPARE(points[2].group, std::string("m2"));

        // Filtered to a tenant and not grouped: one point per hour.
        query.groupBy.reset();
        query.tenant = "acme";
        const auto acme = analytics.series(query);
        QCOMPARE(acme.size(), std::size_t(2));
        QCOMPARE(acme[1].totals.costMicros, int64_t(500));
        QCOMPARE(acme[1].totals.promptTokens, int64_t(100));

        // The range starts mid-bucket: it is rounded down to the bucket's start.
        const auto rounded = analytics.series({hour0 + 30 * 60'000, hour0 + kHourMs, RollupGranularity::Hour});
        QCOMPARE(rounded.size(), std::size_t(1));
        QCOMPARE(rounded[0].totals.requests, int64_t(2));

        AnalyticsQuery byTenant{hour0, hour0 + 2 * kHourMs, RollupGranularity::Minute, AnalyticsDimension::Tenant};
        const auto byCost = analytics.top(byTenant, AnalyticsMetric::Cost, 10);
        QCOMPARE(byCost.size(), std::size_t(2));
        QCOMPARE(byCost[0].group, std::string("beta"));
        QCOMPARE(byCost[0].totals.costMicros, int64_t(7000));
        QCOMPARE(byCost[1].totals.costMicros, int64_t(4500));
        const auto byRequests = analytics.top(byTenant, AnalyticsMetric::Requests, 1);
        QCOMPARE(byRequests.size(), std::size_t(1));
        QCOMPARE(byRequests[0].group, std::string("acme"));
        QCOMPARE(analytics.top(byTenant, AnalyticsMetric::LatencyP95, 1)[0].group, std::string("beta"));
    }

    void badQueriesNameTheirParameter()
    {
        CallAnalytics analytics(m_log->database());
        const auto fieldOf = [](auto&& run) {
            try {
                run();
            } catch (const AnalyticsError& error) {
                return error.field;
            }
            return std::string("(accepted)");
        };
        QCOMPARE(fieldOf([&] { analytics.series({kStartMs, kStartMs}); }), std::string("until_ms"));
        QCOMPARE(fieldOf([&] { analytics.series({kStartMs, kStartMs + 100 * 24 * kHourMs, RollupGranularity::Minute}); }),
            std::string("granularity"));
        AnalyticsQuery consumer{kStartMs, kStartMs + kHourMs};
        consumer.consumer = "no-slash";
        QCOMPARE(fieldOf([&] { analytics.series(consumer); }), std::string("consumer"));
        QCOMPARE(fieldOf([&] { analytics.top({kStartMs, kStartMs + kHourMs}, AnalyticsMetric::Cost, 5); }), std::string("by"));
        QCOMPARE(fieldOf([&] { analytics.top({kStartMs, kStartMs + kHourMs, RollupGranularity::Hour, AnalyticsDimension::Key},
                             AnalyticsMetric::Cost, 0); }),
            std::string("limit"));
        QCOMPARE(fieldOf([&] { analytics.series({kStartMs, kStartMs + kHourMs}); }), std::string("(accepted)"));
    }

    void latencyQuantilesInterpolateInTheHistogram()
    {
        RollupTotals totals;
        QVERIFY(!latencyQuantileMicros(totals, 0.5));
        totals.latencyBuckets[1] = 10; // ten calls between 1 ms and 2.5 ms
        QCOMPARE(*latencyQuantileMicros(totals, 0.5), 1750.0);
        QCOMPARE(*latencyQuantileMicros(totals, 1.0), 2500.0);
        totals.latencyBuckets[DurationHistogram::kBucketCount - 1] = 10; // and ten above the last bound
        QCOMPARE(*latencyQuantileMicros(totals, 0.99), 120'000'000.0);
        QCOMPARE(*latencyQuantileMicros(totals, 0.25), 1750.0);
        QCOMPARE(defaultGranularity(0, 6 * kHourMs), RollupGranularity::Minute);
        QCOMPARE(defaultGranularity(0, 7 * 24 * kHourMs), RollupGranularity::Hour);
        QCOMPARE(defaultGranularity(0, 30 * 24 * kHourMs), RollupGranularity::Day);
    }

private:
    std::unique_ptr<CallLogFixture> m_log;
};

QTEST_APPLESS_MAIN(CallAnalyticsTest)
#include "CallAnalyticsTest.moc"
