// BudgetLedger: UTC period windows (month ends, leap years, Monday weeks), reservation up to the
// limit, all-or-nothing across budgets, settle up and down, rollover, the soft-threshold alert once
// per period, the loader, refusal messages — and the race the issue asks to prove absent: 200
// threads against a nearly spent budget never overshoot it (or only by what admitted calls were
// charged above their worst case). Every time is passed in: nothing sleeps.
#include "policy/BudgetLedger.h"

#include <QtTest>

#include <atomic>
#include <barrier>
#include <chrono>
#include <latch>
#include <mutex>
#include <random>
#include <thread>

using namespace gatehouse;

namespace {

constexpr qint64 kDollar = 1'000'000; // qint64 like the test-data columns

qint64 utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0, int second = 0, int ms = 0)
{
    using namespace std::chrono;
    const sys_days date = std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day);
    return duration_cast<milliseconds>(date.time_since_epoch()).count() + ((hour * 60 + minute) * 60 + second) * 1000
        + ms;
}

const qint64 kNow = utc(2024, 3, 15, 12); // a Friday

PolicyScope key(std::string id = "k1")
{
    return {ScopeKind::ApiKey, std::move(id)};
}

PolicyScope consumer(std::string id = "acme")
{
    return {ScopeKind::Consumer, std::move(id)};
}

PolicyScope tenant(std::string id = "t1")
{
    return {ScopeKind::Tenant, std::move(id)};
}

BudgetDefinition budget(PolicyScope scope, BudgetPeriod period, std::int64_t limit)
{
    BudgetDefinition definition;
    definition.scope = std::move(scope);
    definition.period = period;
    definition.limitMicros = limit;
    return definition;
}

// A loader that answers from a table (by scope id) and counts its calls.
struct FakeStore {
    std::map<std::string, std::optional<std::int64_t>> spent;
    std::vector<std::pair<BudgetDefinition, BudgetWindow>> calls;

    BudgetLedger::SpentLoader loader()
    {
        return [this](const BudgetDefinition& definition, const BudgetWindow& window) -> std::optional<std::int64_t> {
            calls.emplace_back(definition, window);
            const auto it = spent.find(definition.scope.id);
            return it == spent.end() ? std::optional<std::int64_t>(0) : it->second;
        };
    }
};

BudgetUsage usageOf(const BudgetLedger& ledger, const PolicyScope& scope, std::int64_t now = kNow)
{
    const auto all = ledger.usage(scope, now);
    if (all.size() != 1)
        qFatal("expected one budget for %s, found %d", scope.describe().c_str(), int(all.size()));
    return all.front();
}

QString text(const std::string& value)
{
    return QString::fromStdString(value);
}

} // namespace

class BudgetLedgerTest : public QObject {
    Q_OBJECT

private slots:
    void periodWindows_data();
    void periodWindows();
    void periodNames();
    void formatsUsd_data();
    void formatsUsd();
    void reservesUpToTheLimit_data();
    void reservesUpToTheLimit();
    void allOrNothingAcrossBudgets();
    void refusalNamesTheBudgetAndItsReset();
    void refusalNamesTheBudgetThatResetsLast();
    void settleReplacesTheReservation_data();
    void settleReplacesTheReservation();
    void unsettledReservationCountsTheWorstCase();
    void rolloverResetsSpending();
    void reservationFromAnEndedPeriodCountsNowhere();
    void softThresholdAlertsOncePerPeriod_data();
    void softThresholdAlertsOncePerPeriod();
    void alertCallbackRunsWithoutTheLock();
    void loaderGetsTheWindowAndFailuresFailClosed();
    void setBudgetsKeepsSpendingAndDropsRemoved();
    void reservationOutlivesTheLedger();
    void concurrentReservationsNeverOvershoot();
    void concurrentReserveAndSettleKeepTheInvariant();
    void overshootIsBoundedByTheCallsInFlight();
};

void BudgetLedgerTest::periodWindows_data()
{
    QTest::addColumn<int>("period");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end"); // -1: none

    const auto d = int(BudgetPeriod::Daily);
    const auto w = int(BudgetPeriod::Weekly);
    const auto m = int(BudgetPeriod::Monthly);
    QTest::newRow("day, midday") << d << utc(2024, 3, 15, 13, 45) << utc(2024, 3, 15) << utc(2024, 3, 16);
    QTest::newRow("day, last ms") << d << utc(2024, 3, 15, 23, 59, 59, 999) << utc(2024, 3, 15) << utc(2024, 3, 16);
    QTest::newRow("day, midnight starts the next") << d << utc(2024, 3, 16) << utc(2024, 3, 16) << utc(2024, 3, 17);
    QTest::newRow("day, new year's eve") << d << utc(2024, 12, 31, 18) << utc(2024, 12, 31) << utc(2025, 1, 1);
    QTest::newRow("day, before 1970") << d << utc(1969, 12, 31, 6) << utc(1969, 12, 31) << utc(1970, 1, 1);

    QTest::newRow("week, Monday 00:00") << w << utc(2024, 7, 1) << utc(2024, 7, 1) << utc(2024, 7, 8);
    QTest::newRow("week, Sunday last ms") << w << utc(2024, 7, 7, 23, 59, 59, 999) << utc(2024, 7, 1) << utc(2024, 7, 8);
    QTest::newRow("week, Friday") << w << kNow << utc(2024, 3, 11) << utc(2024, 3, 18);
    QTest::newRow("week across new year") << w << utc(2025, 1, 1, 9) << utc(2024, 12, 30) << utc(2025, 1, 6);
    QTest::newRow("week across Feb 29") << w << utc(2024, 2, 29) << utc(2024, 2, 26) << utc(2024, 3, 4);
    QTest::newRow("week, the epoch was a Thursday") << w << 0LL << utc(1969, 12, 29) << utc(1970, 1, 5);

    QTest::newRow("month, Jan 31 last ms") << m << utc(2024, 1, 31, 23, 59, 59, 999) << utc(2024, 1, 1)
                                           << utc(2024, 2, 1);
    QTest::newRow("month, Feb 1") << m << utc(2024, 2, 1) << utc(2024, 2, 1) << utc(2024, 3, 1);
    QTest::newRow("month, Feb 29 2024 (leap)") << m << utc(2024, 2, 29, 12) << utc(2024, 2, 1) << utc(2024, 3, 1);
    QTest::newRow("month, Feb 28 2023") << m << utc(2023, 2, 28, 23, 59, 59, 999) << utc(2023, 2, 1)
                                        << utc(2023, 3, 1);
    QTest::newRow("month, Mar 1 2023") << m << utc(2023, 3, 1) << utc(2023, 3, 1) << utc(2023, 4, 1);
    QTest::newRow("month, April has 30 days") << m << utc(2024, 4, 30, 23) << utc(2024, 4, 1) << utc(2024, 5, 1);
    QTest::newRow("month, December") << m << utc(2024, 12, 31, 23) << utc(2024, 12, 1) << utc(2025, 1, 1);
    QTest::newRow("month, Feb 2000 (leap century)") << m << utc(2000, 2, 29) << utc(2000, 2, 1) << utc(2000, 3, 1);
    QTest::newRow("month, Feb 2100 (not leap)") << m << utc(2100, 2, 28, 23) << utc(2100, 2, 1) << utc(2100, 3, 1);

    QTest::newRow("total") << int(BudgetPeriod::Total) << kNow << 0LL << -1LL;
}

void BudgetLedgerTest::periodWindows()
{
    QFETCH(int, period);
    QFETCH(qint64, now);
    QFETCH(qint64, start);
    QFETCH(qint64, end);

    const auto window = budgetWindow(static_cast<BudgetPeriod>(period), now);
    QCOMPARE(window.startMs, start);
    QCOMPARE(window.endMs.value_or(-1), end);
    if (window.endMs) {
        QVERIFY(window.startMs <= now && now < *window.endMs);
        // The next period starts exactly where this one ends.
        QCOMPARE(budgetWindow(static_cast<BudgetPeriod>(period), *window.endMs).startMs, *window.endMs);
        QCOMPARE(budgetWindow(static_cast<BudgetPeriod>(period), *window.endMs - 1).startMs, window.startMs);
    }
}

void BudgetLedgerTest::periodNames()
{
    for (const auto period : {BudgetPeriod::Daily, BudgetPeriod::Weekly, BudgetPeriod::Monthly, BudgetPeriod::Total})
        QCOMPARE(parseBudgetPeriod(budgetPeriodName(period)), std::optional<BudgetPeriod>(period));
    QCOMPARE(QString::fromUtf8(budgetPeriodName(BudgetPeriod::Weekly).data()), QString("weekly"));
    QVERIFY(!parseBudgetPeriod("yearly"));
    QVERIFY(!parseBudgetPeriod("Daily"));
    QCOMPARE(text(budget(consumer(), BudgetPeriod::Monthly, 0).describe()), QString("monthly budget of consumer 'acme'"));
}

void BudgetLedgerTest::formatsUsd_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("formatted");
    QTest::newRow("zero") << 0LL << "$0.00";
    QTest::newRow("one micro-dollar") << 1LL << "$0.000001";
    QTest::newRow("a fraction of a cent") << 150LL << "$0.00015";
    QTest::newRow("a cent") << 10'000LL << "$0.01";
    QTest::newRow("dollars and cents") << 1'500'000LL << "$1.50";
    QTest::newRow("every digit") << 12'345'678LL << "$12.345678";
    QTest::newRow("hundred") << 100 * kDollar << "$100.00";
    QTest::newRow("negative") << -2'500'000LL << "-$2.50";
}

void BudgetLedgerTest::formatsUsd()
{
    QFETCH(qint64, micros);
    QFETCH(QString, formatted);
    QCOMPARE(text(formatUsd(micros)), formatted);
}

void BudgetLedgerTest::reservesUpToTheLimit_data()
{
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<qint64>("spent");
    QTest::addColumn<qint64>("heldByOthers");
    QTest::addColumn<qint64>("worstCase");
    QTest::addColumn<bool>("admitted");

    QTest::newRow("exactly to the limit") << 10 * kDollar << 9 * kDollar << 0LL << kDollar << true;
    QTest::newRow("one micro-dollar over") << 10 * kDollar << 9 * kDollar << 0LL << kDollar + 1 << false;
    QTest::newRow("reservations count") << 10 * kDollar << 9'500'000LL << 400'000LL << 100'000LL << true;
    QTest::newRow("reservations count, over") << 10 * kDollar << 9'500'000LL << 400'000LL << 100'001LL << false;
    QTest::newRow("already over") << 10 * kDollar << 11 * kDollar << 0LL << 0LL << false;
    QTest::newRow("zero limit, free request") << 0LL << 0LL << 0LL << 0LL << true;
    QTest::newRow("zero limit") << 0LL << 0LL << 0LL << 1LL << false;
}

void BudgetLedgerTest::reservesUpToTheLimit()
{
    QFETCH(qint64, limit);
    QFETCH(qint64, spent);
    QFETCH(qint64, heldByOthers);
    QFETCH(qint64, worstCase);
    QFETCH(bool, admitted);

    FakeStore store;
    store.spent["acme"] = spent;
    BudgetLedger ledger(store.loader());
    QVERIFY(ledger.setBudgets({budget(consumer(), BudgetPeriod::Monthly, limit)}, kNow).empty());

    BudgetDecision other;
    if (heldByOthers > 0) {
        other = ledger.reserve({consumer()}, heldByOthers, kNow);
        QVERIFY(other.admitted());
    }
    auto decision = ledger.reserve({consumer()}, worstCase, kNow);
    QCOMPARE(decision.admitted(), admitted);
    const auto usage = usageOf(ledger, consumer());
    QCOMPARE(usage.spentMicros, spent);
    QCOMPARE(usage.reservedMicros, heldByOthers + (admitted ? worstCase : 0));
    if (!admitted) {
        QCOMPARE(decision.refusal->reason, BudgetRefusal::Reason::Exceeded);
        QCOMPARE(decision.refusal->requestedMicros, worstCase);
        QCOMPARE(decision.refusal->reservedMicros, heldByOthers);
        QVERIFY(!decision.reservation.pending());
    }
}

void BudgetLedgerTest::allOrNothingAcrossBudgets()
{
    FakeStore store;
    store.spent["acme"] = 9'900'000;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(key(), BudgetPeriod::Daily, 5 * kDollar),
                          budget(consumer(), BudgetPeriod::Monthly, 10 * kDollar),
                          budget(tenant(), BudgetPeriod::Total, 100 * kDollar)},
        kNow);
    const std::vector<PolicyScope> scopes{key(), consumer(), tenant()};

    const auto refused = ledger.reserve(scopes, 500'000, kNow);
    QVERIFY(!refused.admitted());
    QCOMPARE(refused.refusal->budget.scope, consumer());
    for (const auto& scope : scopes)
        QCOMPARE(usageOf(ledger, scope).reservedMicros, 0LL); // nobody kept a share of the refused request

    auto admitted = ledger.reserve(scopes, 50'000, kNow);
    QVERIFY(admitted.admitted());
    QVERIFY(admitted.reservation.pending());
    for (const auto& scope : scopes)
        QCOMPARE(usageOf(ledger, scope).reservedMicros, 50'000LL);
    ledger.settle(admitted.reservation, 20'000);
    QVERIFY(!admitted.reservation.pending());
    QCOMPARE(usageOf(ledger, key()).spentMicros, 20'000LL);
    QCOMPARE(usageOf(ledger, consumer()).spentMicros, 9'920'000LL);
    QCOMPARE(usageOf(ledger, tenant()).spentMicros, 20'000LL);
    QCOMPARE(usageOf(ledger, consumer()).remainingMicros, 80'000LL);

    // A scope without a budget, or listed twice, changes nothing.
    auto again = ledger.reserve({key(), key(), {ScopeKind::ApiKey, "no-budget"}}, 10'000, kNow);
    QVERIFY(again.admitted());
    QCOMPARE(usageOf(ledger, key()).reservedMicros, 10'000LL);
    auto none = ledger.reserve({{ScopeKind::ApiKey, "no-budget"}}, 10'000, kNow);
    QVERIFY(none.admitted());
    QVERIFY(!none.reservation.pending());
}

void BudgetLedgerTest::refusalNamesTheBudgetAndItsReset()
{
    FakeStore store;
    store.spent["acme"] = 99'980'000;
    store.spent["t1"] = 50 * kDollar;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(consumer(), BudgetPeriod::Monthly, 100 * kDollar),
                          budget(tenant(), BudgetPeriod::Total, 50 * kDollar)},
        kNow);
    auto held = ledger.reserve({consumer()}, 10'000, kNow);
    QVERIFY(held.admitted());

    const auto monthly = ledger.reserve({consumer()}, 50'000, kNow);
    QVERIFY(!monthly.admitted());
    const auto& refusal = *monthly.refusal;
    QCOMPARE(refusal.budget.period, BudgetPeriod::Monthly);
    QCOMPARE(refusal.resetsAtMs, std::optional<std::int64_t>(utc(2024, 4, 1)));
    QCOMPARE(text(refusal.message()),
        QString("Budget exceeded: the monthly budget of consumer 'acme' is $100.00, with $99.98 spent and $0.01 "
                "reserved by calls in flight; this request (up to $0.05) does not fit. It resets at "
                "2024-04-01T00:00:00Z."));
    const auto error = refusal.toApiError();
    QCOMPARE(error.status, 429);
    QCOMPARE(text(error.code), QString("budget_exceeded"));
    QCOMPARE(text(error.type), QString("insufficient_quota"));
    QVERIFY(text(error.toJson()).contains("monthly budget of consumer 'acme'"));
    QCOMPARE(refusal.retryAfterSeconds(utc(2024, 3, 31, 23, 59, 58, 500)), std::optional<std::int64_t>(2));
    QCOMPARE(refusal.retryAfterSeconds(utc(2024, 4, 2)), std::optional<std::int64_t>(1));

    const auto total = ledger.reserve({tenant()}, 1, kNow);
    QVERIFY(!total.admitted());
    QVERIFY(!total.refusal->resetsAtMs);
    QVERIFY(!total.refusal->retryAfterSeconds(kNow));
    QVERIFY(text(total.refusal->message()).endsWith("It is a total budget and does not reset."));
    QVERIFY(text(total.refusal->message()).contains("total budget of tenant 't1'"));
}

void BudgetLedgerTest::refusalNamesTheBudgetThatResetsLast()
{
    FakeStore store;
    store.spent["acme"] = 10 * kDollar;
    store.spent["k1"] = 10 * kDollar;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(consumer(), BudgetPeriod::Daily, 10 * kDollar),
                          budget(consumer(), BudgetPeriod::Monthly, 10 * kDollar),
                          budget(consumer(), BudgetPeriod::Weekly, 10 * kDollar)},
        kNow);
    // Retrying after the daily reset would still hit the weekly and monthly ones: name the monthly.
    const auto decision = ledger.reserve({consumer()}, 1, kNow);
    QVERIFY(!decision.admitted());
    QCOMPARE(decision.refusal->budget.period, BudgetPeriod::Monthly);

    ledger.setBudgets({budget(key(), BudgetPeriod::Total, 10 * kDollar), budget(consumer(), BudgetPeriod::Daily, 10 * kDollar)},
        kNow);
    const auto never = ledger.reserve({consumer(), key()}, 1, kNow);
    QVERIFY(!never.admitted());
    QCOMPARE(never.refusal->budget.period, BudgetPeriod::Total);
}

void BudgetLedgerTest::settleReplacesTheReservation_data()
{
    QTest::addColumn<qint64>("worstCase");
    QTest::addColumn<qint64>("actual");
    QTest::addColumn<qint64>("spent");

    QTest::newRow("lower") << kDollar << 250'000LL << 250'000LL;
    QTest::newRow("the same") << kDollar << kDollar << kDollar;
    QTest::newRow("higher: the provider charged more") << kDollar << 1'500'000LL << 1'500'000LL;
    QTest::newRow("nothing: the call never left") << kDollar << 0LL << 0LL;
    QTest::newRow("negative counts as nothing") << kDollar << -5LL << 0LL;
}

void BudgetLedgerTest::settleReplacesTheReservation()
{
    QFETCH(qint64, worstCase);
    QFETCH(qint64, actual);
    QFETCH(qint64, spent);

    FakeStore store;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(key(), BudgetPeriod::Weekly, 10 * kDollar)}, kNow);
    auto decision = ledger.reserve({key()}, worstCase, kNow);
    QVERIFY(decision.admitted());
    QCOMPARE(decision.reservation.worstCaseMicros(), worstCase);
    ledger.settle(decision.reservation, actual);
    QCOMPARE(usageOf(ledger, key()).spentMicros, spent);
    QCOMPARE(usageOf(ledger, key()).reservedMicros, 0LL);

    ledger.settle(decision.reservation, 5 * kDollar); // once only
    QCOMPARE(usageOf(ledger, key()).spentMicros, spent);
}

void BudgetLedgerTest::unsettledReservationCountsTheWorstCase()
{
    FakeStore store;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(key(), BudgetPeriod::Daily, 10 * kDollar)}, kNow);
    {
        auto decision = ledger.reserve({key()}, kDollar, kNow);
        QVERIFY(decision.admitted());
        // dropped here: an exception, a client that went away
    }
    QCOMPARE(usageOf(ledger, key()).spentMicros, kDollar);
    QCOMPARE(usageOf(ledger, key()).reservedMicros, 0LL);

    // Moved, it is counted once, by whoever holds it last; assigned over, the old one is settled.
    auto first = ledger.reserve({key()}, kDollar, kNow);
    BudgetReservation moved = std::move(first.reservation);
    QVERIFY(!first.reservation.pending()); // NOLINT(bugprone-use-after-move): moved-from is empty
    QCOMPARE(usageOf(ledger, key()).reservedMicros, kDollar);
    moved = ledger.reserve({key()}, 2 * kDollar, kNow).reservation;
    QCOMPARE(usageOf(ledger, key()).spentMicros, 2 * kDollar);
    QCOMPARE(usageOf(ledger, key()).reservedMicros, 2 * kDollar);
    std::thread([reservation = std::move(moved)] {}).join(); // destroyed on another thread
    QCOMPARE(usageOf(ledger, key()).spentMicros, 4 * kDollar);
    QCOMPARE(usageOf(ledger, key()).reservedMicros, 0LL);
}

void BudgetLedgerTest::rolloverResetsSpending()
{
    FakeStore store;
    store.spent["k1"] = 9 * kDollar;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(key(), BudgetPeriod::Daily, 10 * kDollar)}, kNow);
    const auto lastMs = utc(2024, 3, 15, 23, 59, 59, 999);
    QVERIFY(!ledger.reserve({key()}, 2 * kDollar, lastMs).admitted());

    const auto midnight = utc(2024, 3, 16);
    // Looking does not roll anything over, but shows the new period.
    const auto view = usageOf(ledger, key(), midnight);
    QCOMPARE(view.window, (BudgetWindow{midnight, utc(2024, 3, 17)}));
    QCOMPARE(view.spentMicros, 0LL);
    QCOMPARE(usageOf(ledger, key(), lastMs).spentMicros, 9 * kDollar);

    auto decision = ledger.reserve({key()}, 2 * kDollar, midnight);
    QVERIFY(decision.admitted());
    ledger.settle(decision.reservation, 2 * kDollar);
    QCOMPARE(usageOf(ledger, key(), midnight).spentMicros, 2 * kDollar);
    QCOMPARE(store.calls.size(), std::size_t(1)); // a new period starts from 0, the store is not asked
}

void BudgetLedgerTest::reservationFromAnEndedPeriodCountsNowhere()
{
    FakeStore store;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(key(), BudgetPeriod::Monthly, 10 * kDollar)}, kNow);
    const auto march = utc(2024, 3, 31, 23, 59, 59);
    const auto april = utc(2024, 4, 1, 0, 0, 1);

    auto old = ledger.reserve({key()}, 8 * kDollar, march);
    QVERIFY(old.admitted());
    // April starts empty: the call started in March is March's (as its record will be).
    auto fresh = ledger.reserve({key()}, 9 * kDollar, april);
    QVERIFY(fresh.admitted());
    QCOMPARE(usageOf(ledger, key(), april).reservedMicros, 9 * kDollar);
    ledger.settle(old.reservation, 8 * kDollar);
    QCOMPARE(usageOf(ledger, key(), april).spentMicros, 0LL);
    QCOMPARE(usageOf(ledger, key(), april).reservedMicros, 9 * kDollar);
    ledger.settle(fresh.reservation, kDollar);
    QCOMPARE(usageOf(ledger, key(), april).spentMicros, kDollar);
}

void BudgetLedgerTest::softThresholdAlertsOncePerPeriod_data()
{
    QTest::addColumn<bool>("asFraction");
    QTest::newRow("fraction 0.8") << true;
    QTest::newRow("amount $8") << false;
}

void BudgetLedgerTest::softThresholdAlertsOncePerPeriod()
{
    QFETCH(bool, asFraction);

    FakeStore store;
    store.spent["acme"] = 7 * kDollar;
    std::vector<BudgetAlert> alerts;
    BudgetLedger ledger(store.loader(), [&](const BudgetAlert& alert) { alerts.push_back(alert); });
    auto definition = budget(consumer(), BudgetPeriod::Daily, 10 * kDollar);
    if (asFraction)
        definition.softLimitFraction = 0.8;
    else
        definition.softLimitMicros = 8 * kDollar;
    QCOMPARE(definition.softThresholdMicros(), std::optional<std::int64_t>(8 * kDollar));
    ledger.setBudgets({definition}, kNow);

    const auto spend = [&](std::int64_t micros, std::int64_t now) {
        auto decision = ledger.reserve({consumer()}, micros, now);
        QVERIFY(decision.admitted());
        ledger.settle(decision.reservation, micros);
    };
    spend(500'000, kNow); // $7.50
    QCOMPARE(alerts.size(), std::size_t(0));
    spend(600'000, kNow); // $8.10: crossed
    QCOMPARE(alerts.size(), std::size_t(1));
    QCOMPARE(alerts[0].spentMicros, 8'100'000LL);
    QCOMPARE(alerts[0].thresholdMicros, 8 * kDollar);
    QCOMPARE(alerts[0].budget.scope, consumer());
    QCOMPARE(text(alerts[0].message()),
        QString("The daily budget of consumer 'acme' reached its soft threshold: $8.10 spent of $10.00 (alert at "
                "$8.00). It resets at 2024-03-16T00:00:00Z."));
    QVERIFY(usageOf(ledger, consumer()).softThresholdReached);
    spend(500'000, kNow);
    spend(1'000'000, kNow);
    QCOMPARE(alerts.size(), std::size_t(1)); // once per period

    // The next day starts below it again, and crossing it alerts again.
    const auto tomorrow = utc(2024, 3, 16, 9);
    spend(7'999'999, tomorrow);
    QCOMPARE(alerts.size(), std::size_t(1));
    spend(1, tomorrow);
    QCOMPARE(alerts.size(), std::size_t(2));
    QCOMPARE(alerts[1].window.startMs, utc(2024, 3, 16));

    // A reservation alone does not alert: only settled spending does.
    const auto dayAfter = utc(2024, 3, 17, 9);
    auto big = ledger.reserve({consumer()}, 9 * kDollar, dayAfter);
    QVERIFY(big.admitted());
    QCOMPARE(alerts.size(), std::size_t(2));
    ledger.settle(big.reservation, kDollar);
    QCOMPARE(alerts.size(), std::size_t(2));

    // Loaded already over the threshold: that crossing was an earlier run's.
    FakeStore over;
    over.spent["acme"] = 9 * kDollar;
    std::vector<BudgetAlert> none;
    BudgetLedger restarted(over.loader(), [&](const BudgetAlert& alert) { none.push_back(alert); });
    restarted.setBudgets({definition}, kNow);
    auto decision = restarted.reserve({consumer()}, 100'000, kNow);
    restarted.settle(decision.reservation, 100'000);
    QCOMPARE(none.size(), std::size_t(0));
}

void BudgetLedgerTest::alertCallbackRunsWithoutTheLock()
{
    FakeStore store;
    BudgetLedger* self = nullptr;
    std::optional<BudgetUsage> seen;
    BudgetLedger ledger(store.loader(), [&](const BudgetAlert& alert) {
        // Reads (and even reserves on) the same budget: would deadlock if called under its lock.
        seen = usageOf(*self, alert.budget.scope);
        auto inner = self->reserve({alert.budget.scope}, 0, kNow);
        QVERIFY(inner.admitted());
    });
    self = &ledger;
    auto definition = budget(tenant(), BudgetPeriod::Total, 10 * kDollar);
    definition.softLimitMicros = kDollar;
    ledger.setBudgets({definition}, kNow);
    auto decision = ledger.reserve({tenant()}, 2 * kDollar, kNow);
    ledger.settle(decision.reservation, 2 * kDollar);
    QVERIFY(seen);
    QCOMPARE(seen->spentMicros, 2 * kDollar);
}

void BudgetLedgerTest::loaderGetsTheWindowAndFailuresFailClosed()
{
    FakeStore store;
    store.spent["acme"] = std::nullopt; // the store could not answer
    store.spent["k1"] = 3 * kDollar;
    BudgetLedger ledger(store.loader());
    const auto failed = ledger.setBudgets(
        {budget(key(), BudgetPeriod::Weekly, 10 * kDollar), budget(consumer(), BudgetPeriod::Monthly, 10 * kDollar)},
        kNow);
    QCOMPARE(failed.size(), std::size_t(1));
    QCOMPARE(failed[0].scope, consumer());
    QCOMPARE(store.calls.size(), std::size_t(2));
    QCOMPARE(store.calls[0].second, (BudgetWindow{utc(2024, 3, 11), utc(2024, 3, 18)}));
    QCOMPARE(store.calls[1].second, (BudgetWindow{utc(2024, 3, 1), utc(2024, 4, 1)}));
    QCOMPARE(usageOf(ledger, key()).spentMicros, 3 * kDollar);
    QVERIFY(!usageOf(ledger, consumer()).loaded);

    const auto refused = ledger.reserve({key(), consumer()}, 1, kNow);
    QVERIFY(!refused.admitted());
    QCOMPARE(refused.refusal->reason, BudgetRefusal::Reason::Unavailable);
    QCOMPARE(refused.refusal->toApiError().status, 503);
    QCOMPARE(text(refused.refusal->toApiError().code), QString("budget_unavailable"));
    QVERIFY(text(refused.refusal->message()).contains("monthly budget of consumer 'acme' could not be loaded"));
    QCOMPARE(usageOf(ledger, key()).reservedMicros, 0LL);

    // Set again: only the one that failed is loaded again.
    store.spent["acme"] = kDollar;
    QVERIFY(ledger.setBudgets({budget(key(), BudgetPeriod::Weekly, 10 * kDollar),
                                  budget(consumer(), BudgetPeriod::Monthly, 10 * kDollar)},
        kNow)
                .empty());
    QCOMPARE(store.calls.size(), std::size_t(3));
    QVERIFY(ledger.reserve({key(), consumer()}, 1, kNow).admitted());

    // A budget that never loaded starts its next period from 0.
    FakeStore broken;
    broken.spent["acme"] = std::nullopt;
    BudgetLedger later(broken.loader());
    later.setBudgets({budget(consumer(), BudgetPeriod::Daily, kDollar)}, kNow);
    QVERIFY(!later.reserve({consumer()}, 1, kNow).admitted());
    QVERIFY(later.reserve({consumer()}, 1, utc(2024, 3, 16)).admitted());
}

void BudgetLedgerTest::setBudgetsKeepsSpendingAndDropsRemoved()
{
    FakeStore store;
    BudgetLedger ledger(store.loader());
    ledger.setBudgets({budget(key(), BudgetPeriod::Monthly, 10 * kDollar), budget(tenant(), BudgetPeriod::Total, kDollar)},
        kNow);
    auto spent = ledger.reserve({key()}, 4 * kDollar, kNow);
    ledger.settle(spent.reservation, 4 * kDollar);
    auto pending = ledger.reserve({key(), tenant()}, 500'000, kNow);
    QVERIFY(pending.admitted());

    // Lower the key's limit, drop the tenant's budget, list one twice (the first counts).
    ledger.setBudgets({budget(key(), BudgetPeriod::Monthly, 5 * kDollar), budget(key(), BudgetPeriod::Monthly, kDollar)},
        kNow);
    QCOMPARE(store.calls.size(), std::size_t(2)); // the key's budget was not reloaded
    const auto usage = usageOf(ledger, key());
    QCOMPARE(usage.budget.limitMicros, 5 * kDollar);
    QCOMPARE(usage.spentMicros, 4 * kDollar);
    QCOMPARE(usage.reservedMicros, 500'000LL);
    QCOMPARE(usage.remainingMicros, 500'000LL);
    QVERIFY(ledger.usage(tenant(), kNow).empty());
    QVERIFY(ledger.reserve({tenant()}, 100 * kDollar, kNow).admitted()); // no budget any more

    ledger.settle(pending.reservation, 500'000); // its dropped budget is settled harmlessly
    QCOMPARE(usageOf(ledger, key()).spentMicros, 4'500'000LL);
    QVERIFY(!ledger.reserve({key()}, 500'001, kNow).admitted());
}

void BudgetLedgerTest::reservationOutlivesTheLedger()
{
    FakeStore store;
    int alerts = 0;
    auto ledger = std::make_unique<BudgetLedger>(store.loader(), [&](const BudgetAlert&) { ++alerts; });
    auto definition = budget(key(), BudgetPeriod::Daily, kDollar);
    definition.softLimitMicros = 1;
    ledger->setBudgets({definition}, kNow);
    auto decision = ledger->reserve({key()}, 1000, kNow);
    ledger.reset();
    decision = {}; // settled at its worst case against state the reservation kept alive
    QCOMPARE(alerts, 1);
}

// The proof. A budget with room for exactly kFit worst-case requests; 200 threads, released
// together by a latch, each reserve the worst case. A check-then-act gateway would let all 200 start
// (each sees spent < limit) and overshoot by up to 200 costs. Here exactly kFit are admitted, and the
// barrier between reserving and settling makes every admitted call in flight at the moment the limit
// is reached. Each settles a random actual ≤ worst case: the final spent is ≤ the limit.
namespace {
constexpr int kThreads = 200;
constexpr int kRounds = 50;
constexpr std::int64_t kLimit = 100 * kDollar;
constexpr std::int64_t kWorstCase = 50'000;  // $0.05
constexpr int kFit = 7;
constexpr std::int64_t kInitialSpent = kLimit - kFit * kWorstCase - 20'000; // room for 7, not 8

struct Round {
    std::unique_ptr<BudgetLedger> ledger;
    std::vector<PolicyScope> scopesFor(int thread) const
    {
        // Every request also has its own key's and the tenant's budgets: several shards per reservation.
        return {key("k" + std::to_string(thread % 10)), consumer(), tenant()};
    }
};

Round makeRound()
{
    Round round;
    auto store = std::make_shared<FakeStore>();
    store->spent["acme"] = kInitialSpent;
    round.ledger = std::make_unique<BudgetLedger>([store](const BudgetDefinition& d, const BudgetWindow& w) {
        return store->loader()(d, w);
    });
    std::vector<BudgetDefinition> budgets{budget(consumer(), BudgetPeriod::Monthly, kLimit),
        budget(tenant(), BudgetPeriod::Total, 1000 * kDollar)};
    for (int k = 0; k < 10; ++k)
        budgets.push_back(budget(key("k" + std::to_string(k)), BudgetPeriod::Daily, 100 * kDollar));
    if (!round.ledger->setBudgets(budgets, kNow).empty())
        qFatal("budgets did not load");
    return round;
}
} // namespace

void BudgetLedgerTest::concurrentReservationsNeverOvershoot()
{
    for (int roundIndex = 0; roundIndex < kRounds; ++roundIndex) {
        auto round = makeRound();
        std::latch start(kThreads);
        std::barrier allReserved(kThreads);
        std::atomic<int> admitted{0};
        std::atomic<std::int64_t> settled{0};
        std::mutex refusalMutex;
        std::vector<std::string> refusals;

        std::vector<std::thread> threads;
        threads.reserve(kThreads);
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                std::mt19937_64 random(static_cast<std::uint64_t>(roundIndex) * 1000 + t);
                const auto scopes = round.scopesFor(t);
                start.arrive_and_wait();
                auto decision = round.ledger->reserve(scopes, kWorstCase, kNow);
                if (decision.admitted()) {
                    ++admitted;
                } else {
                    std::lock_guard lock(refusalMutex);
                    refusals.push_back(decision.refusal->message());
                }
                allReserved.arrive_and_wait(); // every admitted call is in flight now
                if (decision.admitted()) {
                    const auto actual = std::uniform_int_distribution<std::int64_t>(0, kWorstCase)(random);
                    round.ledger->settle(decision.reservation, actual);
                    settled += actual;
                }
            });
        }
        for (auto& thread : threads)
            thread.join();

        const auto usage = usageOf(*round.ledger, consumer());
        QCOMPARE(admitted.load(), kFit);
        QCOMPARE(int(refusals.size()), kThreads - kFit);
        QVERIFY(refusals.front().find("monthly budget of consumer 'acme'") != std::string::npos);
        QCOMPARE(usage.reservedMicros, 0LL);
        QCOMPARE(usage.spentMicros, kInitialSpent + settled.load());
        QVERIFY2(usage.spentMicros <= kLimit, qPrintable(QString("round %1: spent %2").arg(roundIndex).arg(usage.spentMicros)));
        QCOMPARE(usageOf(*round.ledger, tenant()).spentMicros, settled.load());
    }
}

// Without the barrier: calls settle while others are still reserving, so refunds make room for more.
// The invariant spent + reserved ≤ limit is watched from another thread the whole time.
void BudgetLedgerTest::concurrentReserveAndSettleKeepTheInvariant()
{
    for (int roundIndex = 0; roundIndex < kRounds; ++roundIndex) {
        auto round = makeRound();
        std::latch start(kThreads + 1);
        std::atomic<bool> done{false};
        std::atomic<int> admitted{0};
        std::atomic<int> violations{0};
        std::atomic<std::int64_t> settled{0};

        std::thread watcher([&] {
            start.arrive_and_wait();
            while (!done.load()) {
                const auto usage = usageOf(*round.ledger, consumer());
                if (usage.spentMicros + usage.reservedMicros > kLimit)
                    ++violations;
            }
        });
        std::vector<std::thread> threads;
        threads.reserve(kThreads);
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                std::mt19937_64 random(static_cast<std::uint64_t>(roundIndex) * 1000 + t);
                const auto scopes = round.scopesFor(t);
                start.arrive_and_wait();
                auto decision = round.ledger->reserve(scopes, kWorstCase, kNow);
                if (!decision.admitted())
                    return;
                ++admitted;
                const auto actual = std::uniform_int_distribution<std::int64_t>(0, kWorstCase)(random);
                round.ledger->settle(decision.reservation, actual);
                settled += actual;
            });
        }
        for (auto& thread : threads)
            thread.join();
        done = true;
        watcher.join();

        const auto usage = usageOf(*round.ledger, consumer());
        QCOMPARE(violations.load(), 0);
        QVERIFY(admitted.load() >= kFit);
        QCOMPARE(usage.reservedMicros, 0LL);
        QCOMPARE(usage.spentMicros, kInitialSpent + settled.load());
        QVERIFY2(usage.spentMicros <= kLimit, qPrintable(QString("round %1: spent %2").arg(roundIndex).arg(usage.spentMicros)));
    }
}

// A provider that charges more than the worst case (a bad price table, a surprise fee): the limit can
// then be passed, but only by the excess of the calls already admitted when it was reached — every
// reservation after that is refused, however many threads try.
void BudgetLedgerTest::overshootIsBoundedByTheCallsInFlight()
{
    constexpr std::int64_t kExcess = 30'000;
    for (int roundIndex = 0; roundIndex < kRounds; ++roundIndex) {
        for (const bool barrier : {true, false}) {
            auto round = makeRound();
            std::latch start(kThreads);
            std::barrier allReserved(kThreads);
            std::atomic<int> admitted{0};

            std::vector<std::thread> threads;
            threads.reserve(kThreads);
            for (int t = 0; t < kThreads; ++t) {
                threads.emplace_back([&, t] {
                    const auto scopes = round.scopesFor(t);
                    start.arrive_and_wait();
                    auto decision = round.ledger->reserve(scopes, kWorstCase, kNow);
                    if (decision.admitted())
                        ++admitted;
                    if (barrier)
                        allReserved.arrive_and_wait();
                    if (decision.admitted())
                        round.ledger->settle(decision.reservation, kWorstCase + kExcess);
                });
            }
            for (auto& thread : threads)
                thread.join();

            const auto usage = usageOf(*round.ledger, consumer());
            const auto overshoot = usage.spentMicros - kLimit;
            // Room only shrinks when calls cost more than reserved: never more than kFit get in.
            QVERIFY(admitted.load() <= kFit);
            QVERIFY(admitted.load() >= 1);
            QCOMPARE(usage.spentMicros, kInitialSpent + admitted.load() * (kWorstCase + kExcess));
            QVERIFY(overshoot <= admitted.load() * kExcess);
            if (barrier) {
                // All kFit were in flight when the limit was reached: overshoot = 7 × $0.03 − $0.02.
                QCOMPARE(admitted.load(), kFit);
                QCOMPARE(overshoot, kFit * kExcess - 20'000);
            }
            QCOMPARE(usage.reservedMicros, 0LL);
            if (overshoot >= 0) // past the limit, nothing more gets in
                QVERIFY(!round.ledger->reserve({consumer()}, 1, kNow).admitted());
        }
    }
}

QTEST_GUILESS_MAIN(BudgetLedgerTest)
#include "BudgetLedgerTest.moc"
