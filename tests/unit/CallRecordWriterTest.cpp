// CallRecordWriter: every submitted record is written or counted as dropped; subscribers see batches.
#include "TemporaryDataDirectory.h"
#include "calls/CallRecordWriter.h"
#include "store/Database.h"

#include <QtTest>

#include <atomic>

using namespace gatehouse;

namespace {

CallRecord sampleRecord(int i)
{
    CallRecord record;
    record.startedAt = std::chrono::system_clock::now();
    record.requestId = "req_" + std::to_string(i);
    record.endpoint = "/v1/chat/completions";
    record.keyPrefix = "gk-abc";
    record.model = "m";
    record.status = i % 7 == 0 ? 502 : 200;
    record.errorCode = i % 7 == 0 ? "upstream_error" : "";
    record.latency = std::chrono::microseconds(1000 + i);
    if (i % 2 == 0)
        record.promptTokens = i;
    return record;
}

int64_t countRows(const std::string& path, const char* where = "1")
{
    Database db(path);
    auto query = db.prepare(std::string("SELECT count(*) FROM calls WHERE ") + where);
    query.step();
    return query.columnInt(0);
}

} // namespace

class CallRecordWriterTest : public QObject {
    Q_OBJECT

private slots:
    void writesEverySubmittedRecord()
    {
        TemporaryDataDirectory dir;
        Database migrated(dir.databasePath());
        std::atomic<int> seenBySubscriber{0};
        std::atomic<int> batches{0};
        {
            CallRecordWriter writer(dir.databasePath(), 100000, 500);
            writer.subscribe([&](const std::vector<CallRecord>& batch) {
                seenBySubscriber += static_cast<int>(batch.size());
                ++batches;
                QVERIFY(batch.size() <= 500);
            });
            for (int i = 0; i < 5000; ++i)
                QVERIFY(writer.submit(sampleRecord(i)));
            writer.flush();
            const auto counters = writer.counters();
            QCOMPARE(counters.submitted, uint64_t(5000));
            QCOMPARE(counters.written, uint64_t(5000));
            QCOMPARE(counters.dropped, uint64_t(0));
        }
        QCOMPARE(seenBySubscriber.load(), 5000);
        QVERIFY(batches.load() >= 10); // batch size 500 caps each transaction
        QCOMPARE(countRows(dir.databasePath()), int64_t(5000));
        QCOMPARE(countRows(dir.databasePath(), "status = 502 AND error_code = 'upstream_error'"), int64_t(715));
        QCOMPARE(countRows(dir.databasePath(), "prompt_tokens IS NULL"), int64_t(2500));
    }

    void stopWritesWhatIsQueued()
    {
        TemporaryDataDirectory dir;
        Database migrated(dir.databasePath());
        {
            CallRecordWriter writer(dir.databasePath(), 100000, 100);
            for (int i = 0; i < 1000; ++i)
                writer.submit(sampleRecord(i));
        } // destructor stops: everything queued is written first
        QCOMPARE(countRows(dir.databasePath()), int64_t(1000));
    }

    void aFullQueueDropsAndCountsNeverBlocks()
    {
        TemporaryDataDirectory dir;
        Database migrated(dir.databasePath());
        // Hold a write lock so the writer cannot commit and the queue fills up.
        Database blocker(dir.databasePath());
        blocker.exec("BEGIN IMMEDIATE");
        CallRecordWriter writer(dir.databasePath(), 100, 10);
        int accepted = 0;
        for (int i = 0; i < 1000; ++i)
            accepted += writer.submit(sampleRecord(i)) ? 1 : 0;
        blocker.exec("ROLLBACK");
        writer.flush();
        const auto counters = writer.counters();
        QVERIFY(accepted < 1000);
        QCOMPARE(counters.submitted, uint64_t(accepted));
        QCOMPARE(counters.written + counters.dropped, uint64_t(1000));
        QCOMPARE(countRows(dir.databasePath()), int64_t(counters.written));
    }

    void anUnopenableDatabaseCountsEveryRecordAsDropped()
    {
        CallRecordWriter writer("/nonexistent-dir/gatehouse.db", 1000, 10);
        for (int i = 0; i < 50; ++i)
            writer.submit(sampleRecord(i));
        writer.flush();
        QCOMPARE(writer.counters().written, uint64_t(0));
        QCOMPARE(writer.counters().dropped, uint64_t(50));
    }
};

QTEST_GUILESS_MAIN(CallRecordWriterTest)
#include "CallRecordWriterTest.moc"
