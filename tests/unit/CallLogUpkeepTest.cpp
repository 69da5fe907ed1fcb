// What the call-record writer does besides writing: captured payloads are redacted before they are
// stored, retention deletes records by age and by the database's size (with their payloads)
// and rollups by their granularity's age, leaving everything newer as it was, and records stored
// without their rollups (a crash) are added to them at the next start.
#include "CallLogFixture.h"
#include "calls/CallRetention.h"
#include "calls/PayloadRedactor.h"
#include "config/GatewayConfig.h"
#include "store/CallHistory.h"

#include <QtTest>

using namespace gatehouse;

namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kNowMs = 1'796'450'000'000; // 2026-12-05

CallRecord recordAt(int64_t startedAtMs, int i)
{
    CallRecord record;
    record.startedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(startedAtMs));
    record.requestId = "req-" + std::to_string(i);
    record.endpoint = "/v1/chat/completions";
    record.tenant = "acme";
    record.model = "m";
    record.status = 200;
    record.latency = std::chrono::microseconds(1000);
    return record;
}

int64_t count(Database& db, const std::string& sql)
{
    auto query = db.prepare(sql);
    query.step();
    return query.columnInt(0);
}

} // namespace

class CallLogUpkeepTest : public QObject {
    Q_OBJECT

private slots:
    void init() { m_log = std::make_unique<CallLogFixture>(); }
    void cleanup() { m_log.reset(); }

    void theDefaultPatternsRedactCredentials()
    {
        const PayloadRedactor redactor(defaultRedactionPatterns());
        const auto text = redactor.redact("keys: sk-proj-ABCDEFGHIJKLMNOP1234, gk-0123456789abcdefghij, AKIAABCDEFGHIJKLMNOP, "
                                          "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123, "
                                          "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36");
        QCOMPARE(text, std::string("keys: [REDACTED], [REDACTED], [REDACTED], Authorization: [REDACTED], [REDACTED]"));
        QCOMPARE(redactor.redact("nothing secret: sk-short"), std::string("nothing secret: sk-short"));
        QVERIFY(PayloadRedactor::patternProblem("(unclosed"));
        QVERIFY(!PayloadRedactor::patternProblem("card-[0-9]{4}"));
    }

    void capturedPayloadsAreStoredRedacted()
    {
        auto record = recordAt(kNowMs, 1);
        record.payload = std::make_shared<CallPayload>(CallPayload{"content-type: application/json\n",
            "{\"messages\":[{\"content\":\"my card-1234 and sk-ABCDEFGHIJKLMNOPQRSTUV\"}]}", "{\"answer\":\"card-9876\"}", 200, true, false});
        {
            CallRecordWriter writer(m_log->databasePath(), 100, 10, std::chrono::milliseconds(1),
                CallRecordWriter::Upkeep{std::nullopt, std::vector<std::string>{"card-[0-9]{4}", "sk-[A-Za-z]{16,}"}});
            QVERIFY(writer.submit(record));
            writer.flush();
        }
        CallHistory history(m_log->database());
        const auto stored = history.find("req-1");
        QVERIFY(stored && stored->record.payload);
        const auto& payload = *stored->record.payload;
        QCOMPARE(payload.request, std::string("{\"messages\":[{\"content\":\"my [REDACTED] and [REDACTED]\"}]}"));
        QCOMPARE(payload.response, std::string("{\"answer\":\"[REDACTED]\"}"));
        QCOMPARE(payload.requestHeaders, std::string("content-type: application/json\n"));
        QCOMPARE(payload.responseStatus, 200);
        QVERIFY(payload.requestTruncated);
        QVERIFY(!payload.responseTruncated);
        QVERIFY(!history.find("req-none"));
    }

    void retentionDeletesOldRecordsAndRollups()
    {
        // 40, 20 and 0 days old: 3 records each; the oldest has a payload.
        std::vector<CallRecord> records;
        for (const int age : {40, 20, 0}) {
            for (int i = 0; i < 3; ++i)
                records.push_back(recordAt(kNowMs - age * kDayMs + i, age * 10 + i));
        }
        records[0].payload = std::make_shared<CallPayload>(CallPayload{"", "old request", "old answer", 200, false, false});
        QVERIFY(m_log->write(records));
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM call_payloads"), int64_t(1));
        // Feedback on the oldest call and on the newest: it goes with its call.
        m_log->database().exec("INSERT INTO call_feedback(request_id, score, key_prefix, created_at_ms) VALUES('req-400', 1, 'gk-a', 0), "
                               "('req-0', 1, 'gk-a', 0)");

        RetentionSettings settings;
        settings.callsMaxAgeDays = 30;
        settings.minuteRollupsMaxAgeDays = 7;
        settings.hourRollupsMaxAgeDays = 30;
        settings.dayRollupsMaxAgeDays = 0; // forever
        const auto result = CallRetention(settings).prune(m_log->database(), kNowMs);
        QCOMPARE(result.callsByAge, int64_t(3));
        QCOMPARE(result.callsBySize, int64_t(0));
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM calls"), int64_t(6));
        QCOMPARE(count(m_log->database(), "SELECT MIN(started_at_ms) FROM calls"), kNowMs - 20 * kDayMs);
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM call_payloads"), int64_t(0));
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM call_feedback WHERE request_id = 'req-400'"), int64_t(0));
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM call_feedback WHERE request_id = 'req-0'"), int64_t(1));
        // Minute rollups older than 7 days (40 and 20 days) and hour rollups older than 30 days
        // (40) are gone; day rollups stay, so the totals of the oldest day are still charted.
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM call_rollups WHERE granularity_ms = 60000"), int64_t(1));
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM call_rollups WHERE granularity_ms = 3600000"), int64_t(2));
        QCOMPARE(count(m_log->database(), "SELECT SUM(requests) FROM call_rollups WHERE granularity_ms = 86400000"), int64_t(9));
        // Each combination row had one cut row per dimension (and the total): 3 × (1 + 6).
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM call_rollup_cuts WHERE granularity_ms = 60000"), int64_t(6));
        QCOMPARE(count(m_log->database(), "SELECT SUM(requests) FROM call_rollup_cuts WHERE granularity_ms = 86400000 AND dimension = 'model'"),
            int64_t(9));
        QCOMPARE(result.rollupRows, int64_t(3 * (1 + 6)));

        QVERIFY(!result.more);
        // A second pass finds nothing more.
        const auto again = CallRetention(settings).prune(m_log->database(), kNowMs);
        QCOMPARE(again.calls() + again.rollupRows, int64_t(0));
    }

    void recordsStoredWithoutTheirRollupsAreAddedAtTheNextStart()
    {
        // A run that stopped cleanly: its records and their rollups, the watermark at its last call.
        QVERIFY(m_log->write({recordAt(kNowMs, 1), recordAt(kNowMs + 1, 2)}));
        QCOMPARE(count(m_log->database(), "SELECT value FROM meta WHERE name = 'rollups_through_call_id'"),
            count(m_log->database(), "SELECT MAX(id) FROM calls"));
        // A run that crashed between storing two records and writing their rollups (the writer
        // sums rollups in memory for up to a second): the records are there, the rollups miss them.
        m_log->database().exec("INSERT INTO calls(started_at_ms, request_id, endpoint, tenant, model, status, stream, latency_us, attempts) "
                               "VALUES(" + std::to_string(kNowMs + 2) + ", 'req-3', '/v1/chat/completions', 'acme', 'm', 200, 0, 1000, 1), "
                               "(" + std::to_string(kNowMs + 3) + ", 'req-4', '/v1/chat/completions', 'acme', 'm', 502, 0, 1000, 1)");
        const auto rollupRequests = [&] {
            return count(m_log->database(), "SELECT SUM(requests) FROM call_rollups WHERE granularity_ms = 60000");
        };
        QCOMPARE(rollupRequests(), int64_t(2));
        // The next writer adds them before anything else, and moves the watermark past them.
        QVERIFY(m_log->write({recordAt(kNowMs + 4, 5)}));
        QCOMPARE(rollupRequests(), int64_t(4 + 1));
        QCOMPARE(count(m_log->database(), "SELECT errors FROM call_rollup_cuts WHERE granularity_ms = 86400000 AND dimension = ''"), int64_t(1));
        QCOMPARE(count(m_log->database(), "SELECT value FROM meta WHERE name = 'rollups_through_call_id'"),
            count(m_log->database(), "SELECT MAX(id) FROM calls"));
        // A writer with nothing to catch up adds nothing twice.
        QVERIFY(m_log->write({}));
        QCOMPARE(rollupRequests(), int64_t(5));
    }

    void idsAreNeverReusedBelowTheWatermark()
    {
        QVERIFY(m_log->write({recordAt(kNowMs, 1), recordAt(kNowMs + 1, 2), recordAt(kNowMs + 2, 3)}));
        const auto watermark = count(m_log->database(), "SELECT value FROM meta WHERE name = 'rollups_through_call_id'");
        QCOMPARE(watermark, int64_t(3));
        // Retention deleted every call (an idle month): SQLite alone would number the next call 1,
        // which a catch-up after a crash would take for a call the rollups already hold.
        m_log->database().exec("DELETE FROM calls");
        QVERIFY(m_log->write({recordAt(kNowMs + 3, 4)}));
        QCOMPARE(count(m_log->database(), "SELECT id FROM calls WHERE request_id = 'req-4'"), watermark + 1);
        QCOMPARE(count(m_log->database(), "SELECT value FROM meta WHERE name = 'rollups_through_call_id'"), watermark + 1);
    }

    void aPassIsBoundedAndSaysWhenWorkIsLeft()
    {
        // More old records than one pass deletes: the pass stops at its bound, the next finishes.
        const int64_t old = CallRetention::kMaxCallsPerPass + 1200;
        std::vector<CallRecord> records;
        for (int64_t i = 0; i < old; ++i)
            records.push_back(recordAt(kNowMs - 40 * kDayMs + i, static_cast<int>(i)));
        records.push_back(recordAt(kNowMs, -1));
        QVERIFY(m_log->write(records, 5000));
        RetentionSettings settings;
        settings.callsMaxAgeDays = 30;
        const CallRetention retention(settings);
        const auto first = retention.prune(m_log->database(), kNowMs);
        QCOMPARE(first.callsByAge, CallRetention::kMaxCallsPerPass);
        QVERIFY(first.more);
        const auto second = retention.prune(m_log->database(), kNowMs);
        QCOMPARE(second.callsByAge, int64_t(1200));
        QVERIFY(!second.more);
        QCOMPARE(count(m_log->database(), "SELECT COUNT(*) FROM calls"), int64_t(1));
    }

    void retentionKeepsTheDatabaseUnderItsSize()
    {
        // About 12 MB of records (2 KB user agents), capped at 4 MB: the oldest go.
        std::vector<CallRecord> records;
        for (int i = 0; i < 6000; ++i) {
            records.push_back(recordAt(kNowMs - 6000 + i, i));
            records.back().userAgent = std::string(2000, static_cast<char>('a' + i % 26));
        }
        QVERIFY(m_log->write(records));
        QVERIFY(databaseUsedBytes(m_log->database()) > 8 * 1024 * 1024);

        RetentionSettings settings;
        settings.callsMaxAgeDays = 0; // by size only
        settings.callsMaxMegabytes = 4;
        settings.minuteRollupsMaxAgeDays = 0;
        settings.hourRollupsMaxAgeDays = 0;
        const auto result = CallRetention(settings).prune(m_log->database(), kNowMs);
        QVERIFY(result.callsBySize > 0);
        QCOMPARE(result.callsByAge, int64_t(0));
        QVERIFY(databaseUsedBytes(m_log->database()) <= 4 * 1024 * 1024);
        // The newest remain, without a gap.
        const auto remaining = count(m_log->database(), "SELECT COUNT(*) FROM calls");
        QCOMPARE(remaining, 6000 - result.callsBySize);
        QCOMPARE(count(m_log->database(), "SELECT MAX(started_at_ms) FROM calls"), kNowMs - 1);
        QCOMPARE(count(m_log->database(), "SELECT MIN(started_at_ms) FROM calls"), kNowMs - remaining);
    }

private:
    std::unique_ptr<CallLogFixture> m_log;
};

QTEST_APPLESS_MAIN(CallLogUpkeepTest)
#include "CallLogUpkeepTest.moc"
