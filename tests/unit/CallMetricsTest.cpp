// The per-call metrics behind GET /metrics: how a call record is classified (errors, the gateway's
// refusals versus a provider's own 429), the duration histogram's buckets, what is counted under
// which labels (never a model the gateway does not serve), and the cap on label sets.
#include "metrics/CallMetrics.h"

#include <QtTest>

using namespace gatehouse;
using std::chrono::microseconds;

Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(gatehouse::CallOutcome)

namespace {

CallRecord call(int status, std::string errorCode = {}, int attempts = 0)
{
    CallRecord record;
    record.tenant = "acme";
    record.model = "gpt";
    record.status = status;
    record.errorCode = std::move(errorCode);
    record.attempts = attempts;
    if (attempts > 0) {
        record.provider = "openai";
        record.deployment = "gpt-4o";
    }
    return record;
}

// The gateway serves these models and no others.
bool served(const std::string& model)
{
    return model == "gpt" || model == "claude";
}

const CallSeries* find(const CallMetricsSnapshot& snapshot, const CallLabels& labels)
{
    for (const auto& [seriesLabels, series] : snapshot.series) {
        if (seriesLabels == labels)
            return &series;
    }
    return nullptr;
}

} // namespace

class CallMetricsTest : public QObject {
    Q_OBJECT

private slots:
    void classifiesEveryWayACallEnds_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<std::string>("errorCode");
        QTest::addColumn<int>("attempts");
        QTest::addColumn<CallOutcome>("expected");
        QTest::newRow("success") << 200 << std::string() << 1 << CallOutcome::Succeeded;
        QTest::newRow("cache hit, no attempt") << 200 << std::string() << 0 << CallOutcome::Succeeded;
        QTest::newRow("gateway rate limit") << 429 << std::string("rate_limit_exceeded") << 0 << CallOutcome::RateLimited;
        QTest::newRow("provider's own 429") << 429 << std::string("rate_limit_exceeded") << 1 << CallOutcome::UpstreamFailed;
        QTest::newRow("budget exceeded") << 429 << std::string("budget_exceeded") << 0 << CallOutcome::OverBudget;
        QTest::newRow("budget unknown, fails closed") << 503 << std::string("budget_unavailable") << 0 << CallOutcome::OverBudget;
        QTest::newRow("missing key") << 401 << std::string("missing_api_key") << 0 << CallOutcome::Unauthorized;
        QTest::newRow("access denied") << 403 << std::string("consumer_key_required") << 0 << CallOutcome::Unauthorized;
        QTest::newRow("unknown model") << 404 << std::string("model_not_found") << 0 << CallOutcome::InvalidRequest;
        QTest::newRow("body too large") << 413 << std::string("request_too_large") << 0 << CallOutcome::InvalidRequest;
        QTest::newRow("every circuit open") << 503 << std::string("no_healthy_deployment") << 0 << CallOutcome::NoDeployment;
        QTest::newRow("provider 500") << 500 << std::string("upstream_500") << 2 << CallOutcome::UpstreamFailed;
        QTest::newRow("provider's invented code") << 400 << std::string("some_new_provider_code") << 1 << CallOutcome::UpstreamFailed;
        QTest::newRow("timeout") << 504 << std::string("upstream_timeout") << 1 << CallOutcome::UpstreamFailed;
        QTest::newRow("stream broke after 200") << 200 << std::string("upstream_error") << 1 << CallOutcome::UpstreamFailed;
        QTest::newRow("client went away") << 200 << std::string("client_closed") << 1 << CallOutcome::ClientClosed;
        QTest::newRow("cut off at shutdown") << 503 << std::string("shutdown_cut_off") << 1 << CallOutcome::CutOffAtShutdown;
    }

    void classifiesEveryWayACallEnds()
    {
        QFETCH(int, status);
        QFETCH(std::string, errorCode);
        QFETCH(int, attempts);
        QFETCH(CallOutcome, expected);
        const auto outcome = classifyCall(call(status, errorCode, attempts));
        QVERIFY2(outcome == expected, callOutcomeLabel(outcome).data());
    }

    void aProviderTestIsAnUpstreamFailureThoughItCountsNoAttempt()
    {
        // "Test connection" records name the deployment but count no attempts.
        auto record = call(502, "upstream_auth_failed", 0);
        record.provider = "openai";
        record.deployment = "gpt-4o";
        QVERIFY(classifyCall(record) == CallOutcome::UpstreamFailed);
    }

    void durationsLandInTheFirstBucketTheyDoNotExceed_data()
    {
        QTest::addColumn<qint64>("micros");
        QTest::addColumn<int>("bucket");
        QTest::newRow("zero") << qint64(0) << 0;
        QTest::newRow("negative counts as zero") << qint64(-5) << 0;
        QTest::newRow("exactly 1 ms: le is inclusive") << qint64(1'000) << 0;
        QTest::newRow("just above 1 ms") << qint64(1'001) << 1;
        QTest::newRow("exactly 2.5 ms") << qint64(2'500) << 1;
        QTest::newRow("one second") << qint64(1'000'000) << 9;
        QTest::newRow("exactly the last bound") << qint64(120'000'000) << 15;
        QTest::newRow("above every bound: +Inf") << qint64(120'000'001) << 16;
    }

    void durationsLandInTheFirstBucketTheyDoNotExceed()
    {
        QFETCH(qint64, micros);
        QFETCH(int, bucket);
        DurationHistogram histogram;
        histogram.observe(microseconds(micros));
        for (std::size_t i = 0; i < DurationHistogram::kBucketCount; ++i)
            QCOMPARE(histogram.bucketCounts()[i], uint64_t(static_cast<int>(i) == bucket ? 1 : 0));
        QCOMPARE(histogram.count(), uint64_t(1));
        QCOMPARE(histogram.sumMicros(), std::max<int64_t>(0, micros));
    }

    void theHistogramSumIsExact()
    {
        DurationHistogram histogram;
        for (int i = 0; i < 1000; ++i)
            histogram.observe(microseconds(333'333));
        QCOMPARE(histogram.count(), uint64_t(1000));
        QCOMPARE(histogram.sumMicros(), int64_t(333'333'000));
        QCOMPARE(histogram.bucketCounts()[8], uint64_t(1000)); // 0.25 s < 0.333 s <= 0.5 s
    }

    void countsEachCallUnderItsTenantModelAndDeployment()
    {
        CallMetrics metrics(100);
        auto ok = call(200, {}, 1);
        ok.latency = microseconds(40'000);
        ok.promptTokens = 12;
        ok.completionTokens = 30;
        ok.cachedTokens = 4;
        ok.reasoningTokens = 10;
        ok.cacheWriteTokens = 6;
        ok.costMicros = 1'250;
        ok.cache = "miss";
        metrics.record(ok, served);
        auto failed = call(502, "upstream_502", 2);
        failed.latency = microseconds(3'000'000);
        metrics.record(failed, served);
        auto refused = call(429, "rate_limit_exceeded", 0);
        metrics.record(refused, served);

        const auto snapshot = metrics.snapshot();
        QCOMPARE(snapshot.series.size(), std::size_t(2)); // the refusal reached no deployment
        const auto* deployed = find(snapshot, {"acme", "gpt", "openai/gpt-4o"});
        QVERIFY(deployed);
        QCOMPARE(deployed->requestsByStatus.at(200), uint64_t(1));
        QCOMPARE(deployed->requestsByStatus.at(502), uint64_t(1));
        QCOMPARE(deployed->outcomes[static_cast<std::size_t>(CallOutcome::Succeeded)], uint64_t(1));
        QCOMPARE(deployed->outcomes[static_cast<std::size_t>(CallOutcome::UpstreamFailed)], uint64_t(1));
        QCOMPARE(deployed->succeededDuration.count(), uint64_t(1));
        QCOMPARE(deployed->succeededDuration.sumMicros(), int64_t(40'000));
        QCOMPARE(deployed->failedDuration.sumMicros(), int64_t(3'000'000));
        QCOMPARE(deployed->promptTokens, uint64_t(12));
        QCOMPARE(deployed->completionTokens, uint64_t(30));
        QCOMPARE(deployed->cachedPromptTokens, uint64_t(4));
        QCOMPARE(deployed->reasoningTokens, uint64_t(10));
        QCOMPARE(deployed->cacheWriteTokens, uint64_t(6));
        QCOMPARE(deployed->costMicros, int64_t(1'250));
        QCOMPARE(deployed->cacheMisses, uint64_t(1));
        QCOMPARE(deployed->upstreamAttempts, uint64_t(3));

        const auto* gatewayRefusals = find(snapshot, {"acme", "gpt", ""});
        QVERIFY(gatewayRefusals);
        QCOMPARE(gatewayRefusals->outcomes[static_cast<std::size_t>(CallOutcome::RateLimited)], uint64_t(1));
        QCOMPARE(gatewayRefusals->requestsByStatus.at(429), uint64_t(1));
    }

    void aModelTheGatewayDoesNotServeIsNeverALabel()
    {
        CallMetrics metrics(100);
        for (int i = 0; i < 50; ++i) {
            auto probe = call(404, "model_not_found");
            probe.model = "made-up-" + std::to_string(i); // what a client typed
            metrics.record(probe, served);
        }
        const auto snapshot = metrics.snapshot();
        QCOMPARE(snapshot.series.size(), std::size_t(1));
        QCOMPARE(snapshot.series[0].first, (CallLabels{"acme", "", ""}));
        QCOMPARE(snapshot.series[0].second.outcomes[static_cast<std::size_t>(CallOutcome::InvalidRequest)], uint64_t(50));
    }

    void onlyStreamsThatBeganCountATimeToFirstToken()
    {
        CallMetrics metrics(100);
        auto stream = call(200, {}, 1);
        stream.stream = true;
        stream.timeToFirstByte = microseconds(80'000);
        metrics.record(stream, served);
        auto whole = call(200, {}, 1); // its first byte is the whole answer: not a token time
        whole.timeToFirstByte = microseconds(900'000);
        metrics.record(whole, served);
        auto refusedStream = call(502, "upstream_502", 1);
        refusedStream.stream = true;
        refusedStream.timeToFirstByte = microseconds(5'000);
        metrics.record(refusedStream, served);

        const auto* series = find(metrics.snapshot(), {"acme", "gpt", "openai/gpt-4o"});
        QVERIFY(series);
        QCOMPARE(series->timeToFirstToken.count(), uint64_t(1));
        QCOMPARE(series->timeToFirstToken.sumMicros(), int64_t(80'000));
    }

    void labelSetsBeyondTheCapAreFoldedIntoTheOverflowSetAndCounted()
    {
        CallMetrics metrics(2);
        for (const auto* tenant : {"a", "b", "c", "d", "a"}) {
            auto record = call(200, {}, 1);
            record.tenant = tenant;
            record.completionTokens = 1;
            metrics.record(record, served);
        }
        const auto snapshot = metrics.snapshot();
        QCOMPARE(snapshot.maxLabelSets, std::size_t(2));
        QCOMPARE(snapshot.overflowedCalls, uint64_t(2)); // c and d; the second "a" has its set
        QCOMPARE(snapshot.series.size(), std::size_t(3));
        QCOMPARE(snapshot.series.back().first.deployment, std::string(CallMetrics::kOverflowLabel));
        QCOMPARE(snapshot.series.back().second.completionTokens, uint64_t(2));
        QCOMPARE(find(snapshot, {"a", "gpt", "openai/gpt-4o"})->completionTokens, uint64_t(2));
        // Nothing is lost: the sets add up to every call.
        uint64_t total = 0;
        for (const auto& entry : snapshot.series)
            total += entry.second.requestsByStatus.at(200);
        QCOMPARE(total, uint64_t(5));
    }

    void noOverflowSetUntilTheCapIsReached()
    {
        CallMetrics metrics(2);
        metrics.record(call(200, {}, 1), served);
        const auto snapshot = metrics.snapshot();
        QCOMPARE(snapshot.overflowedCalls, uint64_t(0));
        QCOMPARE(snapshot.series.size(), std::size_t(1));
    }

    void aBatchIsCountedCallByCall()
    {
        CallMetrics metrics(10);
        std::vector<CallRecord> batch{call(200, {}, 1), call(200, {}, 1), call(429, "budget_exceeded")};
        metrics.record(batch, served);
        const auto snapshot = metrics.snapshot();
        QCOMPARE(find(snapshot, {"acme", "gpt", "openai/gpt-4o"})->requestsByStatus.at(200), uint64_t(2));
        QCOMPARE(find(snapshot, {"acme", "gpt", ""})->outcomes[static_cast<std::size_t>(CallOutcome::OverBudget)], uint64_t(1));
    }
};

QTEST_GUILESS_MAIN(CallMetricsTest)
#include "CallMetricsTest.moc"
