// CallLogModel: batching (one insert per flush), the cap and its order, roles, totals and rate.
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
