// CallLogFilterModel: every filter alone and together, new calls filtered as they arrive, the pause
// (the view holds still, new calls counted, matching and skipped ones too), get/rowOf, clear.
#include "CallLogFilterModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using gatehouse::CallRecord;
using namespace std::chrono_literals;

namespace {

CallRecord call(const std::string& requestId, const std::string& model, int status, const std::string& errorCode,
    const std::string& tenant, const std::string& consumer, const std::string& keyPrefix)
{
    CallRecord record;
    record.startedAt = std::chrono::system_clock::now();
    record.requestId = requestId;
    record.endpoint = "/v1/chat/completions";
    record.model = model;
    record.status = status;
    record.errorCode = errorCode;
    record.tenant = tenant;
    record.consumer = consumer;
    record.keyPrefix = keyPrefix;
    record.latency = 1500us;
    return record;
}

// Oldest first, as the writer hands them over; the table shows them newest first.
std::vector<CallRecord> mixedCalls()
{
    return {
        call("req-a1", "gpt-4o", 200, "", "acme", "search", "gk-Ac3x9Q"),
        call("req-b2", "gpt-4o-mini", 429, "rate_limit_exceeded", "acme", "billing", "gk-Bi7mT2"),
        call("req-c3", "claude", 502, "upstream_error", "globex", "support-bot", "gk-Gs4pW1"),
        call("req-d4", "gpt-4o", 401, "invalid_api_key", "", "", ""),
        call("req-e5", "gpt-4o", 200, "client_closed", "globex", "analytics", "gk-Ga8kR5"), // a stream cut short
        call("req-F6", "claude", 201, "", "initech", "copilot", "gk-In2vL6"),
    };
}

QStringList shownIds(const QAbstractItemModel& model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(CallLogModel::RequestIdRole).toString();
    return ids;
}

} // namespace

class CallLogFilterModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_log = std::make_unique<CallLogModel>();
        m_log->setFlushInterval(0ms);
        m_view = std::make_unique<CallLogFilterModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_view.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_view->setCalls(m_log.get());
    }

    void cleanup()
    {
        m_tester.reset();
        m_view.reset();
        m_log.reset();
    }

    void filters_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("caller");
        QTest::addColumn<QString>("requestId");
        QTest::addColumn<QStringList>("expected");

        const QString none;
        QTest::newRow("none") << none << none << none << none << QStringList{"req-F6", "req-e5", "req-d4", "req-c3", "req-b2", "req-a1"};
        QTest::newRow("model") << "gpt-4o" << none << none << none << QStringList{"req-e5", "req-d4", "req-a1"};
        QTest::newRow("model is exact") << "gpt-4" << none << none << none << QStringList{};
        QTest::newRow("all statuses") << none << "all" << none << none << QStringList{"req-F6", "req-e5", "req-d4", "req-c3", "req-b2", "req-a1"};
        QTest::newRow("success") << none << "success" << none << none << QStringList{"req-F6", "req-a1"};
        QTest::newRow("errors, a cut stream too") << none << "error" << none << none << QStringList{"req-e5", "req-d4", "req-c3", "req-b2"};
        QTest::newRow("2xx") << none << "2xx" << none << none << QStringList{"req-F6", "req-e5", "req-a1"};
        QTest::newRow("4xx") << none << "4xx" << none << none << QStringList{"req-d4", "req-b2"};
        QTest::newRow("5xx") << none << "5XX" << none << none << QStringList{"req-c3"};
        QTest::newRow("one code") << none << " 429 " << none << none << QStringList{"req-b2"};
        QTest::newRow("a status it cannot read") << none << "fine" << none << none << QStringList{};
        QTest::newRow("tenant") << none << none << "acme" << none << QStringList{"req-b2", "req-a1"};
        QTest::newRow("consumer, any case") << none << none << "COPILOT" << none << QStringList{"req-F6"};
        QTest::newRow("tenant/consumer") << none << none << "acme/bill" << none << QStringList{"req-b2"};
        QTest::newRow("key prefix") << none << none << "gk-gs4" << none << QStringList{"req-c3"};
        QTest::newRow("request id, any case") << none << none << none << "f6" << QStringList{"req-F6"};
        QTest::newRow("request id part") << none << none << none << "req-" << QStringList{"req-F6", "req-e5", "req-d4", "req-c3", "req-b2", "req-a1"};
        QTest::newRow("model and errors") << "gpt-4o" << "error" << none << none << QStringList{"req-e5", "req-d4"};
        QTest::newRow("all four") << "gpt-4o" << "success" << "search" << "a1" << QStringList{"req-a1"};
        QTest::newRow("all four, no match") << "gpt-4o" << "success" << "search" << "b2" << QStringList{};
    }

    void filters()
    {
        QFETCH(QString, model);
        QFETCH(QString, status);
        QFETCH(QString, caller);
        QFETCH(QString, requestId);
        QFETCH(QStringList, expected);
        m_log->enqueue(mixedCalls());
        m_log->flushPending();
        QSignalSpy filtersChanged(m_view.get(), &CallLogFilterModel::filtersChanged);

        m_view->setModel(model);
        m_view->setStatus(status);
        m_view->setCaller(caller);
        m_view->setRequestId(requestId);

        QCOMPARE(shownIds(*m_view), expected);
        QCOMPARE(m_view->count(), expected.size());
        QCOMPARE(m_view->unfilteredCount(), 6);
        const bool filtering = !(model + caller + requestId).isEmpty() || !(status.isEmpty() || status == QLatin1String("all"));
        QCOMPARE(m_view->filtering(), filtering);
        QCOMPARE(filtersChanged.count(), int(!model.isEmpty()) + int(!status.isEmpty()) + int(!caller.isEmpty()) + int(!requestId.isEmpty()));

        m_view->clearFilters();
        QCOMPARE(m_view->count(), 6);
        QVERIFY(!m_view->filtering());
    }

    void newCallsAreFilteredAsTheyArrive()
    {
        m_view->setStatus(QStringLiteral("error"));
        QSignalSpy inserted(m_view.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy count(m_view.get(), &CallLogFilterModel::countChanged);
        m_log->enqueue(mixedCalls());
        m_log->flushPending();
        QCOMPARE(shownIds(*m_view), (QStringList{"req-e5", "req-d4", "req-c3", "req-b2"}));
        QCOMPARE(count.count(), 1);
        QVERIFY(inserted.count() >= 1);

        inserted.clear();
        m_log->enqueue({call("req-g7", "gpt-4o", 200, "", "acme", "search", "gk-Ac3x9Q")}); // not an error
        m_log->flushPending();
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(m_view->count(), 4);
        QCOMPARE(m_view->unfilteredCount(), 7);
    }

    void pausingHoldsTheViewStillAndCountsWhatArrives()
    {
        m_log->enqueue(mixedCalls());
        m_log->flushPending();
        m_view->setStatus(QStringLiteral("error"));
        QSignalSpy inserted(m_view.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_view.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(m_view.get(), &QAbstractItemModel::modelReset);
        QSignalSpy paused(m_view.get(), &CallLogFilterModel::pausedChanged);

        m_view->setPaused(true);
        QVERIFY(m_view->paused());
        m_log->enqueue({call("req-g7", "gpt-4o", 500, "upstream_error", "acme", "search", "gk-Ac3x9Q"),
            call("req-h8", "gpt-4o", 200, "", "acme", "search", "gk-Ac3x9Q")});
        m_log->flushPending();

        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(reset.count(), 0); // a pause never resets the view: it keeps its scroll position
        QCOMPARE(shownIds(*m_view), (QStringList{"req-e5", "req-d4", "req-c3", "req-b2"}));
        QCOMPARE(m_log->rowCount(), 8); // the live log (the Overview's) goes on
        QCOMPARE(m_view->newCalls(), qint64(2));
        QCOMPARE(m_view->newMatchingCalls(), qint64(1));
        QCOMPARE(m_view->skippedCalls(), qint64(0));

        // A filter changed while paused recounts the new calls it matches.
        m_view->setStatus(QString());
        QCOMPARE(m_view->newMatchingCalls(), qint64(2));
        m_view->setStatus(QStringLiteral("error"));

        m_view->setPaused(false);
        QCOMPARE(paused.count(), 2);
        QCOMPARE(shownIds(*m_view), (QStringList{"req-g7", "req-e5", "req-d4", "req-c3", "req-b2"}));
        QCOMPARE(m_view->newCalls(), qint64(0));
        QCOMPARE(m_view->newMatchingCalls(), qint64(0));
    }

    void pausedPastTheCapacityCountsTheSkippedCalls()
    {
        m_log->setCapacity(5);
        m_log->enqueue(mixedCalls());
        m_log->flushPending();
        QCOMPARE(m_view->unfilteredCount(), 5); // the view keeps the live log's capacity
        m_view->setPaused(true);
        for (int batch = 0; batch < 3; ++batch) {
            std::vector<CallRecord> calls;
            for (int i = 0; i < 4; ++i)
                calls.push_back(call("req-new-" + std::to_string(batch * 4 + i), "gpt-4o", 200, "", "acme", "search", "gk-Ac3x9Q"));
            m_log->enqueue(calls);
            m_log->flushPending();
        }
        QCOMPARE(m_view->newCalls(), qint64(12));
        QCOMPARE(m_view->skippedCalls(), qint64(7));
        QCOMPARE(m_view->count(), 5);
        m_view->setPaused(false);
        QCOMPARE(shownIds(*m_view), (QStringList{"req-new-11", "req-new-10", "req-new-9", "req-new-8", "req-new-7"}));
        QCOMPARE(m_view->skippedCalls(), qint64(0));
    }

    void getAndRowOfFollowTheFilter()
    {
        m_log->enqueue(mixedCalls());
        m_log->flushPending();
        m_view->setModel(QStringLiteral("claude"));
        QCOMPARE(m_view->get(1).value("request_id").toString(), QStringLiteral("req-c3"));
        QCOMPARE(m_view->get(1).value("error_code").toString(), QStringLiteral("upstream_error"));
        QVERIFY(m_view->get(2).isEmpty());
        QVERIFY(m_view->get(-1).isEmpty());
        QCOMPARE(m_view->rowOf(QStringLiteral("req-c3")), 1);
        QCOMPARE(m_view->rowOf(QStringLiteral("req-a1")), -1); // in the log, filtered out
        QCOMPARE(m_view->rowOf(QStringLiteral("req-zz")), -1);
    }

    void clearEmptiesThisViewOnly()
    {
        m_log->enqueue(mixedCalls());
        m_log->flushPending();
        m_view->clear();
        QCOMPARE(m_view->count(), 0);
        QCOMPARE(m_log->rowCount(), 6);
        m_log->enqueue({call("req-g7", "gpt-4o", 200, "", "acme", "search", "gk-Ac3x9Q")});
        m_log->flushPending();
        QCOMPARE(shownIds(*m_view), QStringList{"req-g7"});
    }

    void aViewMadeLaterStartsWithTheLogsRows()
    {
        m_log->enqueue(mixedCalls());
        m_log->flushPending();
        CallLogFilterModel later;
        QAbstractItemModelTester tester(&later, QAbstractItemModelTester::FailureReportingMode::QtTest);
        later.setCalls(m_log.get());
        QCOMPARE(later.count(), 6);
        later.setCalls(nullptr);
        QCOMPARE(later.count(), 0);
    }

    // Thousands of rows, as the page holds them: a filter change and a flush stay one pass each.
    void thousandsOfRows()
    {
        std::vector<CallRecord> calls;
        for (int i = 0; i < CallLogModel::kDefaultCapacity; ++i) {
            calls.push_back(call("req-" + std::to_string(i), i % 3 == 0 ? "gpt-4o" : "claude", i % 10 == 0 ? 502 : 200,
                i % 10 == 0 ? "upstream_error" : "", "acme", i % 2 ? "search" : "billing", "gk-Ac3x9Q"));
        }
        m_log->enqueue(calls);
        m_log->flushPending();
        QCOMPARE(m_view->count(), CallLogModel::kDefaultCapacity);
        m_view->setModel(QStringLiteral("gpt-4o"));
        m_view->setStatus(QStringLiteral("5xx"));
        QCOMPARE(m_view->count(), 67); // i % 30 == 0 below 2000
        m_view->setCaller(QStringLiteral("billing"));
        QCOMPARE(m_view->count(), 67); // i % 30 == 0 is even
        m_view->setCaller(QStringLiteral("search"));
        QCOMPARE(m_view->count(), 0);
    }

private:
    std::unique_ptr<CallLogModel> m_log;
    std::unique_ptr<CallLogFilterModel> m_view;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(CallLogFilterModelTest)
#include "CallLogFilterModelTest.moc"
