// Reading the call log back: every field written by the call-record writer reads back the same;
// filtered pages, walked by cursor, give exactly a brute-force selection of the records, newest
// first; bad filters name their parameter.
#include "CallLogFixture.h"
#include "calls/CallRecordJson.h"
#include "store/CallHistory.h"

#include <QtTest>

#include <algorithm>

using namespace gatehouse;

namespace {

constexpr int64_t kStartMs = 1'780'000'000'000;

// Record i: tenants a and b alternate, every third is a consumer's, statuses cycle through
// 200, 429 and 502; two records share each start time (so paging must break ties by id).
CallRecord generated(int i)
{
    CallRecord record;
    record.startedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(kStartMs + i / 2));
    record.requestId = "req-" + std::to_string(i);
    record.endpoint = "/v1/chat/completions";
    record.keyPrefix = i % 4 == 0 ? "gk-four" : "gk-other";
    record.tenant = i % 2 == 0 ? "a" : "b";
    record.consumer = i % 3 == 0 ? "app" : "";
    record.model = i % 5 == 0 ? "big" : "small";
    record.status = i % 3 == 0 ? 200 : i % 3 == 1 ? 429 : 502;
    record.latency = std::chrono::microseconds(1000 + i);
    return record;
}

std::vector<std::string> requestIds(const std::vector<StoredCall>& calls)
{
    std::vector<std::string> ids;
    for (const auto& call : calls)
        ids.push_back(call.record.requestId);
    return ids;
}

} // namespace

Q_DECLARE_METATYPE(CallFilter)

class CallHistoryTest : public QObject {
    Q_OBJECT

private slots:
    void init() { m_log = std::make_unique<CallLogFixture>(); }
    void cleanup() { m_log.reset(); }

    void everyFieldReadsBackAsWritten()
    {
        CallRecord record = generated(1);
        record.consumer = "app";
        record.route = "fallback-model";
        record.provider = "openai";
        record.deployment = "gpt-4o";
        record.errorCode = "upstream_error";
        record.stream = true;
        record.timeToFirstByte = std::chrono::microseconds(300);
        record.gatewayOverhead = std::chrono::microseconds(40);
        record.setUsage({100, 50, 20, 10, 5}, true);
        record.costMicros = 1234;
        record.savedMicros = 99;
        record.attempts = 2;
        record.cache = "miss";
        record.clientIp = "::1";
        record.userAgent = "OpenAI/Python 1.0";
        record.tags = "{\"team\":\"search\"}";
        QVERIFY(m_log->write({record}));

        CallHistory history(m_log->database());
        const auto stored = history.find("req-1");
        QVERIFY(stored);
        QVERIFY(stored->id > 0);
        // The admin API's view of both is the same, field by field (the id aside).
        QCOMPARE(callRecordJson(stored->record).dump(), callRecordJson(record).dump());
        QVERIFY(!history.find("req-none"));
    }

    void theJsonAndCsvViewsHaveTheSameFields()
    {
        const auto json = callRecordJson(generated(3), 7);
        std::vector<std::string> keys;
        for (const auto& [key, value] : json.items())
            keys.push_back(key);
        QCOMPARE(callRecordFieldNames(), keys);
        const auto fields = callRecordCsvFields(generated(3), 7);
        QCOMPARE(fields.size(), keys.size());
        QCOMPARE(fields[0], std::string("7"));
        QCOMPARE(fields[1], std::string("req-3"));
        QCOMPARE(json["tags"], Json::object());
        QCOMPARE(fields.back(), std::string()); // no tags: an empty cell
    }

    void filteredPagesMatchABruteForceSelection_data()
    {
        QTest::addColumn<CallFilter>("filter");
        QTest::addColumn<int>("pageSize");
        QTest::newRow("everything") << CallFilter{} << 7;
        QTest::newRow("tenant a") << CallFilter{{}, {}, std::string("a")} << 4;
        QTest::newRow("consumer b/app") << CallFilter{{}, {}, {}, std::string("b/app")} << 3;
        QTest::newRow("key and model") << CallFilter{{}, {}, {}, {}, std::string("gk-four"), std::string("big")} << 1;
        QTest::newRow("5xx") << CallFilter{{}, {}, {}, {}, {}, {}, {}, std::string("5xx")} << 5;
        QTest::newRow("errors") << CallFilter{{}, {}, {}, {}, {}, {}, {}, std::string("error")} << 6;
        QTest::newRow("exactly 429") << CallFilter{{}, {}, {}, {}, {}, {}, {}, std::string("429")} << 2;
        QTest::newRow("a time window") << CallFilter{kStartMs + 5, kStartMs + 20} << 8;
        QTest::newRow("nothing matches") << CallFilter{{}, {}, std::string("nobody")} << 10;
    }

    void filteredPagesMatchABruteForceSelection()
    {
        QFETCH(CallFilter, filter);
        QFETCH(int, pageSize);
        std::vector<CallRecord> records;
        for (int i = 0; i < 60; ++i)
            records.push_back(generated(i));
        QVERIFY(m_log->write(records));

        // The expected answer: the matching records, newest first (a later one of a tie first).
        std::vector<std::string> expected;
        for (int i = 59; i >= 0; --i) {
            const auto& record = records[static_cast<std::size_t>(i)];
            const auto ms = record.startedAtMs();
            const bool matches = (!filter.sinceMs || ms >= *filter.sinceMs) && (!filter.untilMs || ms < *filter.untilMs)
                && (!filter.tenant || record.tenant == *filter.tenant)
                && (!filter.consumer || record.tenant + "/" + record.consumer == *filter.consumer)
                && (!filter.keyPrefix || record.keyPrefix == *filter.keyPrefix) && (!filter.model || record.model == *filter.model)
                && (!filter.status || statusMatches(*filter.status, record.status));
            if (matches)
                expected.push_back(record.requestId);
        }

        CallHistory history(m_log->database());
        std::vector<std::string> walked;
        std::optional<CallCursor> cursor;
        int pages = 0;
        do {
            const auto page = history.list(filter, pageSize, cursor);
            QVERIFY(static_cast<int>(page.items.size()) <= pageSize);
            const auto ids = requestIds(page.items);
            walked.insert(walked.end(), ids.begin(), ids.end());
            cursor = page.next;
            QVERIFY(++pages <= 61); // a cursor that never ends would loop
        } while (cursor);
        QCOMPARE(walked, expected);
    }

    void badFiltersNameTheirParameter()
    {
        CallHistory history(m_log->database());
        const auto fieldOf = [&](const CallFilter& filter, int64_t limit) {
            try {
                history.list(filter, limit);
            } catch (const CallHistoryError& error) {
                return error.field;
            }
            return std::string("(accepted)");
        };
        QCOMPARE(fieldOf(CallFilter{{}, {}, {}, {}, {}, {}, {}, std::string("teapot")}, 10), std::string("status"));
        QCOMPARE(fieldOf(CallFilter{{}, {}, {}, {}, {}, {}, {}, std::string("700")}, 10), std::string("status"));
        QCOMPARE(fieldOf(CallFilter{{}, {}, {}, std::string("no-slash")}, 10), std::string("consumer"));
        QCOMPARE(fieldOf(CallFilter{}, 0), std::string("limit"));
        QCOMPARE(fieldOf(CallFilter{}, CallHistory::kMaxPageLimit + 1), std::string("limit"));
        QCOMPARE(fieldOf(CallFilter{}, CallHistory::kMaxPageLimit), std::string("(accepted)"));
    }

    void aCursorIsTextThatReadsBack()
    {
        const CallCursor cursor{kStartMs, 42};
        const auto parsed = CallCursor::parse(cursor.text());
        QVERIFY(parsed);
        QCOMPARE(parsed->startedAtMs, kStartMs);
        QCOMPARE(parsed->id, int64_t(42));
        for (const char* bad : {"", "12", "12-", "-5", "a-b", "12-5x", "12--5"})
            QVERIFY2(!CallCursor::parse(bad), bad);
    }

private:
    static bool statusMatches(const std::string& filter, int status)
    {
        if (filter == "error")
            return status >= 400;
        if (filter.size() == 3 && filter[1] == 'x')
            return status / 100 == filter[0] - '0';
        return status == std::stoi(filter);
    }

    std::unique_ptr<CallLogFixture> m_log;
};

QTEST_APPLESS_MAIN(CallHistoryTest)
#include "CallHistoryTest.moc"
