// CallLogModel: batching (one insert per flush), the cap and its order, roles, totals and rate, the
// pause (held calls, skipped ones), following another model, a call's fields, payloads never kept.
#include "CallLogModel.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <thread>

using gatehouse::CallRecord;
using namespace std::chrono_literals;

namespace {

CallRecord call(int number)
{
    CallRecord record;
    record.startedAt = std::chrono::system_clock::now();
    record.requestId = "req-" + std::to_string(number);
    record.endpoint = "/v1/chat/completions";
    record.keyPrefix = "gk-AbCdEf1";
    record.tenant = "default";
    record.model = "mock-chat";
    record.provider = "mock";
    record.deployment = "mock-chat-v1";
    record.status = 200;
    record.latency = 1500us;
    return record;
}

std::vector<CallRecord> calls(int first, int count)
{
    std::vector<CallRecord> batch;
    for (int i = first; i < first + count; ++i)
        batch.push_back(call(i));
    return batch;
}

QString requestIdAt(const CallLogModel& model, int row)
{
    return model.data(model.index(row), CallLogModel::RequestIdRole).toString();
}

} // namespace

class CallLogModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<CallLogModel>();
        m_model->setFlushInterval(0ms); // each test flushes by hand
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void batchesFromAnotherThreadArriveInOneInsert()
    {
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        std::thread writer([&] {
            for (int batch = 0; batch < 3; ++batch)
                m_model->enqueue(calls(batch * 100, 100));
        });
        writer.join();
        QCOMPARE(m_model->rowCount(), 0); // nothing reaches the model before the flush

        m_model->flushPending();

        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 299);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(m_model->rowCount(), 300);
        QCOMPARE(requestIdAt(*m_model, 0), QStringLiteral("req-299"));
        QCOMPARE(requestIdAt(*m_model, 299), QStringLiteral("req-0"));
    }

    void droppedRecordsFollowTheWritersCounter()
    {
        QCOMPARE(m_model->droppedRecords(), qint64(0));
        std::atomic<qint64> dropped{0};
        m_model->setDroppedRecordsSource([&] { return dropped.load(); });
        QSignalSpy changed(m_model.get(), &CallLogModel::droppedRecordsChanged);
        m_model->flushPending();
        QCOMPARE(changed.count(), 0); // still none
        dropped = 12;
        m_model->flushPending();
        QCOMPARE(m_model->droppedRecords(), qint64(12));
        QCOMPARE(changed.count(), 1);
        m_model->flushPending();
        QCOMPARE(changed.count(), 1); // unchanged: no signal
        m_model->setDroppedRecordsSource({});
    }

    void flushWithNothingPendingChangesNothing()
    {
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy total(m_model.get(), &CallLogModel::totalCallsChanged);
        m_model->flushPending();
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(total.count(), 0);
    }

    void overflowDropsTheOldestRows_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("existing");
        QTest::addColumn<int>("incoming");
        QTest::addColumn<int>("expectedRemovals");

        QTest::newRow("fits") << 10 << 4 << 5 << 0;
        QTest::newRow("exactly full") << 10 << 5 << 5 << 0;
        QTest::newRow("pushes some out") << 10 << 8 << 5 << 1;
        QTest::newRow("replaces all") << 10 << 10 << 10 << 1;
        QTest::newRow("more than capacity at once") << 10 << 6 << 25 << 1;
        QTest::newRow("more than capacity into empty") << 10 << 0 << 25 << 0;
    }

    void overflowDropsTheOldestRows()
    {
        QFETCH(int, capacity);
        QFETCH(int, existing);
        QFETCH(int, incoming);
        QFETCH(int, expectedRemovals);

        m_model->setCapacity(capacity);
        m_model->enqueue(calls(0, existing));
        m_model->flushPending();

        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        m_model->enqueue(calls(existing, incoming));
        m_model->flushPending();

        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), expectedRemovals);
        const int total = existing + incoming;
        const int expectedRows = std::min(total, capacity);
        QCOMPARE(m_model->rowCount(), expectedRows);
        QCOMPARE(m_model->count(), expectedRows);
        // Newest first, and the rows kept are the newest ones.
        for (int row = 0; row < expectedRows; ++row)
            QCOMPARE(requestIdAt(*m_model, row), QStringLiteral("req-%1").arg(total - 1 - row));
        QCOMPARE(m_model->totalCalls(), qint64(total));
    }

    void pendingStaysBoundedWhileTheGuiIsBusy()
    {
        m_model->setCapacity(10);
        for (int batch = 0; batch < 100; ++batch)
            m_model->enqueue(calls(batch * 5, 5));

        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->flushPending();

        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m_model->rowCount(), 10);
        QCOMPARE(requestIdAt(*m_model, 0), QStringLiteral("req-499"));
        QCOMPARE(requestIdAt(*m_model, 9), QStringLiteral("req-490"));
        QCOMPARE(m_model->totalCalls(), qint64(500)); // every call counted, even those never shown
    }

    void loweringTheCapacityKeepsTheNewest()
    {
        m_model->enqueue(calls(0, 20));
        m_model->flushPending();
        QSignalSpy capacityChanged(m_model.get(), &CallLogModel::capacityChanged);

        m_model->setCapacity(5);

        QCOMPARE(capacityChanged.count(), 1);
        QCOMPARE(m_model->rowCount(), 5);
        QCOMPARE(requestIdAt(*m_model, 0), QStringLiteral("req-19"));
        QCOMPARE(requestIdAt(*m_model, 4), QStringLiteral("req-15"));
    }

    void rolesExposeEveryColumn()
    {
        const auto roles = m_model->roleNames();
        for (const char* name : {"time", "requestId", "model", "provider", "status", "latencyMs", "ttfbMs", "tokensIn",
                 "tokensOut", "keyPrefix", "stream", "errorCode"})
            QVERIFY2(roles.values().contains(name), name);

        auto complete = call(1);
        complete.stream = true;
        complete.timeToFirstByte = 2500us;
        complete.promptTokens = 12;
        complete.completionTokens = 34;
        auto failed = call(2);
        failed.status = 404;
        failed.errorCode = "model_not_found";
        failed.provider.clear();
        failed.latency = 250us;
        m_model->enqueue({complete, failed});
        m_model->flushPending();

        const auto newest = m_model->index(0);
        QCOMPARE(newest.data(CallLogModel::StatusRole).toInt(), 404);
        QCOMPARE(newest.data(CallLogModel::ErrorCodeRole).toString(), QStringLiteral("model_not_found"));
        QCOMPARE(newest.data(CallLogModel::LatencyMsRole).toDouble(), 0.25);
        QVERIFY(!newest.data(CallLogModel::TtfbMsRole).isValid());
        QVERIFY(!newest.data(CallLogModel::TokensInRole).isValid());
        QVERIFY(!newest.data(CallLogModel::TokensOutRole).isValid());
        QCOMPARE(newest.data(CallLogModel::StreamRole).toBool(), false);

        const auto older = m_model->index(1);
        QCOMPARE(older.data(CallLogModel::RequestIdRole).toString(), QStringLiteral("req-1"));
        QCOMPARE(older.data(CallLogModel::ModelRole).toString(), QStringLiteral("mock-chat"));
        QCOMPARE(older.data(CallLogModel::ProviderRole).toString(), QStringLiteral("mock"));
        QCOMPARE(older.data(CallLogModel::StatusRole).toInt(), 200);
        QCOMPARE(older.data(CallLogModel::LatencyMsRole).toDouble(), 1.5);
        QCOMPARE(older.data(CallLogModel::TtfbMsRole).toDouble(), 2.5);
        QCOMPARE(older.data(CallLogModel::TokensInRole).toLongLong(), qint64(12));
        QCOMPARE(older.data(CallLogModel::TokensOutRole).toLongLong(), qint64(34));
        QCOMPARE(older.data(CallLogModel::KeyPrefixRole).toString(), QStringLiteral("gk-AbCdEf1"));
        QCOMPARE(older.data(CallLogModel::StreamRole).toBool(), true);
        QVERIFY(older.data(CallLogModel::ErrorCodeRole).toString().isEmpty());
        // Local wall-clock time with milliseconds: "14:03:22.153".
        QVERIFY(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}$"))
                    .match(older.data(CallLogModel::TimeRole).toString())
                    .hasMatch());
    }

    void callsPerSecondAveragesOverTheWindow()
    {
        QCOMPARE(m_model->callsPerSecond(), 0.0);
        m_model->enqueue(calls(0, 50));
        m_model->flushPendingAt(1000);
        QCOMPARE(m_model->callsPerSecond(), 25.0); // 50 calls in a 2 s window
        m_model->enqueue(calls(50, 30));
        m_model->flushPendingAt(2000);
        QCOMPARE(m_model->callsPerSecond(), 40.0);
        m_model->flushPendingAt(3000); // the first sample has left the window
        QCOMPARE(m_model->callsPerSecond(), 15.0);
        m_model->flushPendingAt(4000);
        QCOMPARE(m_model->callsPerSecond(), 0.0);
        QCOMPARE(m_model->totalCalls(), qint64(80));
    }

    void clearEmptiesTheViewButNotTheTotal()
    {
        m_model->enqueue(calls(0, 7));
        m_model->flushPending();
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->clear();
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->totalCalls(), qint64(7));
    }

    void pausingHoldsTheRowsStillUntilResumed()
    {
        m_model->setCapacity(10);
        m_model->enqueue(calls(0, 4));
        m_model->flushPending();
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy paused(m_model.get(), &CallLogModel::pausedChanged);

        m_model->setPaused(true);
        m_model->enqueue(calls(4, 3));
        m_model->flushPending();

        QCOMPARE(paused.count(), 1);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(m_model->rowCount(), 4);
        QCOMPARE(requestIdAt(*m_model, 0), QStringLiteral("req-3"));
        QCOMPARE(m_model->arrivedWhilePaused(), qint64(3));
        QCOMPARE(m_model->skippedWhilePaused(), qint64(0));
        QCOMPARE(m_model->held().size(), std::size_t(3));
        QCOMPARE(m_model->totalCalls(), qint64(7)); // the totals keep counting

        m_model->setPaused(false);

        QCOMPARE(paused.count(), 2);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m_model->rowCount(), 7);
        for (int row = 0; row < 7; ++row)
            QCOMPARE(requestIdAt(*m_model, row), QStringLiteral("req-%1").arg(6 - row));
        QCOMPARE(m_model->arrivedWhilePaused(), qint64(0));
        QVERIFY(m_model->held().empty());
    }

    void callsBeyondTheCapacityWhilePausedAreCountedAsSkipped_data()
    {
        QTest::addColumn<int>("batches");
        QTest::addColumn<bool>("flushEachBatch");
        QTest::addColumn<qint64>("expectedSkipped");

        // Capacity 10, 4 rows shown, then batches of 5 calls while paused.
        QTest::newRow("fits") << 2 << true << qint64(0);
        QTest::newRow("one flush over") << 3 << true << qint64(5);
        QTest::newRow("many flushes") << 20 << true << qint64(90);
        QTest::newRow("one late flush") << 20 << false << qint64(90); // cut while still pending, counted all the same
    }

    void callsBeyondTheCapacityWhilePausedAreCountedAsSkipped()
    {
        QFETCH(int, batches);
        QFETCH(bool, flushEachBatch);
        QFETCH(qint64, expectedSkipped);

        m_model->setCapacity(10);
        m_model->enqueue(calls(0, 4));
        m_model->flushPending();
        m_model->setPaused(true);
        for (int batch = 0; batch < batches; ++batch) {
            m_model->enqueue(calls(4 + batch * 5, 5));
            if (flushEachBatch)
                m_model->flushPending();
        }
        m_model->flushPending();

        const int arrived = batches * 5;
        QCOMPARE(m_model->arrivedWhilePaused(), qint64(arrived));
        QCOMPARE(m_model->skippedWhilePaused(), expectedSkipped);
        QCOMPARE(m_model->rowCount(), 4);

        m_model->setPaused(false);
        // The newest calls, the held ones first, up to the capacity.
        const int last = 4 + arrived - 1;
        QCOMPARE(m_model->rowCount(), std::min(10, 4 + arrived));
        for (int row = 0; row < m_model->rowCount(); ++row)
            QCOMPARE(requestIdAt(*m_model, row), QStringLiteral("req-%1").arg(last - row));
    }

    void clearWhilePausedForgetsTheHeldCalls()
    {
        m_model->setPaused(true);
        m_model->enqueue(calls(0, 3));
        m_model->flushPending();
        QSignalSpy counts(m_model.get(), &CallLogModel::pausedCountsChanged);
        m_model->clear();
        QCOMPARE(counts.count(), 1);
        QCOMPARE(m_model->arrivedWhilePaused(), qint64(0));
        m_model->setPaused(false);
        QCOMPARE(m_model->rowCount(), 0);
    }

    void aFollowerShowsItsSourceAndPausesOnItsOwn()
    {
        m_model->enqueue(calls(0, 3));
        m_model->flushPending();
        CallLogModel follower;
        QAbstractItemModelTester tester(&follower, QAbstractItemModelTester::FailureReportingMode::QtTest);

        follower.follow(m_model.get());
        QCOMPARE(follower.rowCount(), 3);
        QCOMPARE(follower.totalCalls(), qint64(3));
        QCOMPARE(requestIdAt(follower, 0), QStringLiteral("req-2"));

        QSignalSpy inserted(&follower, &QAbstractItemModel::rowsInserted);
        m_model->enqueue(calls(3, 2));
        m_model->flushPending(); // the source's flush is the follower's
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(follower.rowCount(), 5);
        QCOMPARE(requestIdAt(follower, 0), QStringLiteral("req-4"));
        QCOMPARE(follower.totalCalls(), qint64(5));

        follower.setPaused(true);
        m_model->enqueue(calls(5, 2));
        m_model->flushPending();
        QCOMPARE(m_model->rowCount(), 7); // the source goes on
        QCOMPARE(follower.rowCount(), 5);
        QCOMPARE(follower.arrivedWhilePaused(), qint64(2));
        follower.setPaused(false);
        QCOMPARE(follower.rowCount(), 7);
        QCOMPARE(requestIdAt(follower, 0), QStringLiteral("req-6"));

        follower.follow(nullptr);
        m_model->enqueue(calls(7, 1));
        m_model->flushPending();
        QCOMPARE(follower.rowCount(), 7);
    }

    void callAtHasEveryFieldOfTheApi()
    {
        auto record = call(1);
        record.consumer = "search";
        record.timeToFirstByte = 2500us;
        record.promptTokens = 12;
        record.costMicros = 4132;
        record.tags = "{\"team\":\"search\"}";
        record.clientIp = "10.0.0.7";
        m_model->enqueue({record});
        m_model->flushPending();

        const QVariantMap fields = m_model->callAt(0);
        QCOMPARE(fields.value("request_id").toString(), QStringLiteral("req-1"));
        QCOMPARE(fields.value("endpoint").toString(), QStringLiteral("/v1/chat/completions"));
        QCOMPARE(fields.value("deployment").toString(), QStringLiteral("mock-chat-v1"));
        QCOMPARE(fields.value("consumer").toString(), QStringLiteral("search"));
        QCOMPARE(fields.value("status").toInt(), 200);
        QCOMPARE(fields.value("latency_us").toLongLong(), qint64(1500));
        QCOMPARE(fields.value("ttfb_us").toLongLong(), qint64(2500));
        QCOMPARE(fields.value("prompt_tokens").toLongLong(), qint64(12));
        QCOMPARE(fields.value("cost_usd").toDouble(), 0.004132);
        QCOMPARE(fields.value("client_ip").toString(), QStringLiteral("10.0.0.7"));
        QCOMPARE(fields.value("tags").toMap().value("team").toString(), QStringLiteral("search"));
        QVERIFY(fields.contains("completion_tokens"));
        QVERIFY(fields.value("completion_tokens").isNull());
        QVERIFY(fields.value("id").isNull()); // the live log does not know the stored row
        QVERIFY(!fields.contains("payload"));
        QVERIFY(m_model->callAt(1).isEmpty());
        QVERIFY(m_model->callAt(-1).isEmpty());
    }

    void capturedPayloadsAreNotKept()
    {
        auto record = call(1);
        record.payload = std::make_shared<gatehouse::CallPayload>();
        record.payload->request = "{\"messages\":[{\"content\":\"sk-unredacted-secret\"}]}";
        const std::vector<CallRecord> batch{record};
        m_model->enqueue(batch);
        m_model->flushPending();
        QVERIFY(!m_model->record(0).payload);
        QVERIFY(batch.front().payload); // the writer's batch, shared with other subscribers, is left alone
    }

    void theTimerFlushesOnItsOwn()
    {
        m_model->setFlushInterval(CallLogModel::kDefaultFlushInterval);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->enqueue(calls(0, 3));
        QVERIFY(inserted.wait(5000));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m_model->rowCount(), 3);
    }

private:
    std::unique_ptr<CallLogModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(CallLogModelTest)
#include "CallLogModelTest.moc"
