// Prompt versions compared on their calls: rows per version and per label and version, errors,
// tokens, cost, exact latency percentiles (of the newest calls, bounded), feedback scores; test
// runs, other prompts and calls outside the range left out.
#include "CallLogFixture.h"
#include "store/PromptStats.h"

#include <QtTest>

using namespace gatehouse;

namespace {

constexpr int64_t kStartMs = 1'780'000'000'000;

// A call of `prompt` version `version` chosen by `label`, `latencyMs` long, `at` ms after the start.
CallRecord promptCall(const std::string& requestId, int64_t version, const std::string& label, int latencyMs, int at = 0,
    const std::string& prompt = "greet")
{
    CallRecord record;
    record.startedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(kStartMs + at));
    record.requestId = requestId;
    record.endpoint = "/v1/prompts/" + prompt + "/chat/completions";
    record.status = 200;
    record.latency = std::chrono::milliseconds(latencyMs);
    record.prompt = prompt;
    record.promptVersion = version;
    record.promptLabel = label;
    record.promptTokens = 10;
    record.completionTokens = 5;
    record.costMicros = 1500;
    return record;
}

const PromptStatsRow* rowOf(const std::vector<PromptStatsRow>& rows, int64_t version, const std::string& label)
{
    for (const auto& row : rows) {
        if (row.version == version && row.label == label)
            return &row;
    }
    return nullptr;
}

void addFeedback(Database& db, const std::string& requestId, double score, const std::string& keyPrefix = "gk-a")
{
    auto insert = db.prepare("INSERT INTO call_feedback(request_id, score, key_prefix, created_at_ms) VALUES(?, ?, ?, ?)");
    insert.bind(1, requestId).bindReal(2, score).bind(3, keyPrefix).bind(4, kStartMs);
    insert.step();
}

} // namespace

class PromptStatsTest : public QObject {
    Q_OBJECT

private slots:
    void versionsAndLabelsAreComparedOnTheirCalls()
    {
        CallLogFixture log;
        std::vector<CallRecord> records;
        // Version 1: 20 calls by production, 1..20 ms; the 20th failed.
        for (int i = 1; i <= 20; ++i)
            records.push_back(promptCall("p1-" + std::to_string(i), 1, "production", i, i));
        records.back().status = 502;
        // Version 2: 3 calls by canary, one asked for by number (no label), one cut off mid-stream.
        records.push_back(promptCall("c2-1", 2, "canary", 100));
        records.push_back(promptCall("c2-2", 2, "canary", 300));
        records.back().errorCode = "shutdown_cut_off";
        records.push_back(promptCall("v2-1", 2, "", 200));
        // Left out: a test run, another prompt, a call before the range, a call with no version.
        // (A test run is known by the admin API's path it was recorded under, not by its tag.)
        records.push_back(promptCall("test-run", 2, "", 9000));
        records.back().endpoint = "/admin/v1/prompts/greet/versions/2/test-run";
        records.back().tags = Json{{std::string(kTestRunTag), "true"}, {std::string(kTestRunActorTag), "ops"}}.dump();
        records.push_back(promptCall("other", 1, "production", 9000, 0, "other"));
        records.push_back(promptCall("early", 1, "production", 9000, -1));
        records.push_back(promptCall("refused", 1, "", 9000));
        records.back().promptVersion.reset();
        QVERIFY(log.write(records));
        addFeedback(log.database(), "p1-1", 1);
        addFeedback(log.database(), "p1-2", 0);
        addFeedback(log.database(), "p1-2", 1, "gk-b"); // another key's score for the same call counts too
        addFeedback(log.database(), "c2-1", -1);
        addFeedback(log.database(), "v2-1", 5);
        addFeedback(log.database(), "test-run", 100);

        PromptStats stats(log.database());
        const auto rows = stats.compare("greet", kStartMs, kStartMs + 60'000);
        QCOMPARE(rows.size(), std::size_t(4)); // v1, v1 production, v2, v2 canary
        QCOMPARE(rows[0].version, int64_t(1));
        QCOMPARE(rows[0].label, std::string());
        QCOMPARE(rows[1].label, std::string("production"));
        QCOMPARE(rows[2].version, int64_t(2));
        QCOMPARE(rows[3].label, std::string("canary"));

        const auto* v1 = rowOf(rows, 1, "");
        QCOMPARE(v1->requests, int64_t(20));
        QCOMPARE(v1->errors, int64_t(1));
        QCOMPARE(v1->promptTokens, int64_t(200));
        QCOMPARE(v1->completionTokens, int64_t(100));
        QCOMPARE(v1->costMicros, int64_t(30000));
        QCOMPARE(v1->latencyMeanMs, 10.5);
        QCOMPARE(*v1->latencyP50Ms, 10.0); // nearest rank: the 10th of 20
        QCOMPARE(*v1->latencyP95Ms, 19.0); // the 19th
        QCOMPARE(v1->latencySamples, int64_t(20));
        QCOMPARE(v1->feedbackCount, int64_t(3));
        QCOMPARE(*v1->feedbackMean, 2.0 / 3.0);
        QCOMPARE(rowOf(rows, 1, "production")->requests, int64_t(20));

        const auto* v2 = rowOf(rows, 2, "");
        QCOMPARE(v2->requests, int64_t(3));
        QCOMPARE(v2->errors, int64_t(1)); // the cut-off stream
        QCOMPARE(*v2->latencyP50Ms, 200.0);
        QCOMPARE(*v2->latencyP95Ms, 300.0);
        QCOMPARE(v2->feedbackCount, int64_t(2));
        QCOMPARE(*v2->feedbackMean, 2.0);
        const auto* canary = rowOf(rows, 2, "canary");
        QCOMPARE(canary->requests, int64_t(2));
        QCOMPARE(canary->latencyMeanMs, 200.0);
        QCOMPARE(canary->feedbackCount, int64_t(1));
        QCOMPARE(*canary->feedbackMean, -1.0);

        const auto json = toJson(*v2);
        QVERIFY(json["label"].is_null());
        QCOMPARE(json["error_rate"], Json(1.0 / 3.0));
        QCOMPARE(json["cost_usd"], Json(0.0045));
        QCOMPARE(toJson(*canary)["label"], Json("canary"));

        QVERIFY(stats.compare("greet", kStartMs + 60'000, kStartMs + 120'000).empty());
        QVERIFY(stats.compare("nothing", kStartMs, kStartMs + 60'000).empty());
    }

    void percentilesComeFromTheNewestCallsOnly()
    {
        // 106000 calls of one version: the oldest 6000 slow (5.7%), the newest 100000 fast. A sample of
        // the newest 100000 has a fast p95; one that took the oldest would not.
        CallLogFixture log;
        constexpr int kCalls = 106'000;
        log.database().exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(kCalls)
            + ") INSERT INTO calls(started_at_ms, request_id, endpoint, status, stream, latency_us, prompt, prompt_version) "
              "SELECT " + std::to_string(kStartMs) + " + i, 'r' || i, '/v1/prompts/greet/chat/completions', 200, 0, "
              "CASE WHEN i <= 6000 THEN 5000000 ELSE 1000 END, 'greet', 1 FROM n");
        const auto rows = PromptStats(log.database()).compare("greet", kStartMs, kStartMs + kCalls + 1);
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].requests, int64_t(kCalls));
        QCOMPARE(rows[0].latencySamples, int64_t(PromptStats::kMaxLatencySamples));
        QCOMPARE(*rows[0].latencyP95Ms, 1.0);
        QVERIFY(rows[0].latencyMeanMs > 200.0); // the mean is over every call
    }
};

QTEST_GUILESS_MAIN(PromptStatsTest)
#include "PromptStatsTest.moc"
