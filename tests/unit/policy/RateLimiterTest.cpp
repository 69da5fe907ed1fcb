// RateLimiter: refill math, requests/tokens/concurrency refusals with Retry-After, settle up and
// down, all-or-nothing across scopes, RAII slot release (also across threads), the OpenAI-style
// headers and their duration format, and eviction of idle state. A fake clock: nothing sleeps.
#include "policy/RateLimiter.h"

#include <QtTest>

#include <atomic>
#include <latch>
#include <stdexcept>
#include <thread>

using namespace gatehouse;

namespace {

constexpr std::int64_t kStart = 1'000'000;

PolicyScope key(std::string id = "k1")
{
    return {ScopeKind::ApiKey, std::move(id)};
}

PolicyScope tenant(std::string id = "t1")
{
    return {ScopeKind::Tenant, std::move(id)};
}

ScopedLimits limited(PolicyScope scope, std::optional<std::int64_t> rpm, std::optional<std::int64_t> tpm = {},
    std::optional<std::int64_t> concurrent = {})
{
    return {std::move(scope), {rpm, tpm, concurrent}};
}

struct FakeClock {
    std::atomic<std::int64_t> now{kStart};
    RateLimiter::Clock clock()
    {
        return [this] { return now.load(); };
    }
    void advance(std::int64_t ms) { now += ms; }
};

QString text(const std::string& value)
{
    return QString::fromStdString(value);
}

QStringList render(const HeaderList& headers)
{
    QStringList lines;
    for (const auto& [name, value] : headers)
        lines << text(name + ": " + value);
    return lines;
}

} // namespace

class RateLimiterTest : public QObject {
    Q_OBJECT

private slots:
    void refillMath_data();
    void refillMath();
    void requestsRefusedWithRetryAfter_data();
    void requestsRefusedWithRetryAfter();
    void tokensReserveTheEstimate();
    void settle_data();
    void settle();
    void settleReplacesThePreviousTotal();
    void oversizedEstimateWaitsForAFullBucket();
    void multiScopeIsAllOrNothing();
    void refusalNamesTheLongestWait();
    void duplicateScopeCountsOnce();
    void scopesWithoutLimitsAreIgnored();
    void limitChangeKeepsWhatWasUsed();
    void zeroLimitRefuses();
    void clockSteppingBackRefillsNothing();
    void concurrencySlots();
    void permitReleasesOnDestructionAndException();
    void permitMovedToAnotherThread();
    void permitOutlivesTheLimiter();
    void concurrencyUnderManyThreads();
    void resetDurationFormat_data();
    void resetDurationFormat();
    void headersOnEveryAnswer();
    void headersShowTheMostConstrainingScope();
    void refusalMessagesAndError_data();
    void refusalMessagesAndError();
    void evictsIdleState();
    void sweepsAsItGoes();
};

void RateLimiterTest::refillMath_data()
{
    QTest::addColumn<qint64>("rpm");
    QTest::addColumn<int>("taken");
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<qint64>("resetMs");

    QTest::newRow("60/min, all taken, no time") << qint64(60) << 60 << qint64(0) << qint64(0) << qint64(60'000);
    QTest::newRow("60/min, 999 ms: not one whole") << qint64(60) << 60 << qint64(999) << qint64(0) << qint64(59'001);
    QTest::newRow("60/min, 1 s: one back") << qint64(60) << 60 << qint64(1000) << qint64(1) << qint64(59'000);
    QTest::newRow("60/min, 30 s: half") << qint64(60) << 60 << qint64(30'000) << qint64(30) << qint64(30'000);
    QTest::newRow("60/min, 60 s: full") << qint64(60) << 60 << qint64(60'000) << qint64(60) << qint64(0);
    QTest::newRow("60/min, 10 min: capped at the limit") << qint64(60) << 60 << qint64(600'000) << qint64(60)
                                                          << qint64(0);
    // 7/min: one request per 8571.43 ms, exact in integer token·ms units.
    QTest::newRow("7/min, 8571 ms") << qint64(7) << 7 << qint64(8571) << qint64(0) << qint64(51'429);
    QTest::newRow("7/min, 8572 ms") << qint64(7) << 7 << qint64(8572) << qint64(1) << qint64(51'428);
    QTest::newRow("1/min, 59999 ms") << qint64(1) << 1 << qint64(59'999) << qint64(0) << qint64(1);
    QTest::newRow("3/min, one taken") << qint64(3) << 1 << qint64(0) << qint64(2) << qint64(20'000);
    QTest::newRow("none taken") << qint64(100) << 0 << qint64(5) << qint64(100) << qint64(0);
}

void RateLimiterTest::refillMath()
{
    QFETCH(qint64, rpm);
    QFETCH(int, taken);
    QFETCH(qint64, elapsedMs);
    QFETCH(qint64, remaining);
    QFETCH(qint64, resetMs);

    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), rpm);
    for (int i = 0; i < taken; ++i)
        QVERIFY(limiter.admit({scope}, 0).admitted());
    clock.advance(elapsedMs);
    const auto usage = limiter.usage(scope);
    QVERIFY(usage.requests);
    QVERIFY(!usage.tokens);
    QCOMPARE(usage.requests->limit, rpm);
    QCOMPARE(usage.requests->remaining, remaining);
    QCOMPARE(usage.requests->resetMs, resetMs);
}

void RateLimiterTest::requestsRefusedWithRetryAfter_data()
{
    QTest::addColumn<qint64>("rpm");
    QTest::addColumn<qint64>("retryAfterMs");
    QTest::addColumn<qint64>("retryAfterSeconds");

    QTest::newRow("60/min") << qint64(60) << qint64(1000) << qint64(1);
    QTest::newRow("1/min") << qint64(1) << qint64(60'000) << qint64(60);
    QTest::newRow("7/min: rounded up") << qint64(7) << qint64(8572) << qint64(9);
    QTest::newRow("120/min: under a second is 1") << qint64(120) << qint64(500) << qint64(1);
    QTest::newRow("3600/min") << qint64(3600) << qint64(17) << qint64(1);
}

void RateLimiterTest::requestsRefusedWithRetryAfter()
{
    QFETCH(qint64, rpm);
    QFETCH(qint64, retryAfterMs);
    QFETCH(qint64, retryAfterSeconds);

    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), rpm);
    for (qint64 i = 0; i < rpm; ++i)
        QVERIFY(limiter.admit({scope}, 0).admitted());

    auto refused = limiter.admit({scope}, 0);
    QVERIFY(!refused.admitted());
    QCOMPARE(refused.refusal->dimension, RateDimension::Requests);
    QCOMPARE(refused.refusal->scope, key());
    QCOMPARE(refused.refusal->retryAfterMs, retryAfterMs);
    QCOMPARE(refused.refusal->retryAfterSeconds, retryAfterSeconds);
    QVERIFY(!refused.permit.holdsSlots());

    // Exactly Retry-After later it fits, one millisecond earlier it does not.
    clock.advance(retryAfterMs - 1);
    QVERIFY(!limiter.admit({scope}, 0).admitted());
    clock.advance(1);
    QVERIFY(limiter.admit({scope}, 0).admitted());
}

void RateLimiterTest::tokensReserveTheEstimate()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), {}, 1000);

    auto first = limiter.admit({scope}, 400);
    QVERIFY(first.admitted());
    QCOMPARE(first.snapshot.tokens->remaining, qint64(600));
    QCOMPARE(first.permit.chargedTokens(), qint64(400));
    auto second = limiter.admit({scope}, 400);
    QVERIFY(second.admitted());
    QCOMPARE(second.snapshot.tokens->remaining, qint64(200));

    const auto third = limiter.admit({scope}, 400);
    QVERIFY(!third.admitted());
    QCOMPARE(third.refusal->dimension, RateDimension::Tokens);
    QCOMPARE(third.refusal->remaining, qint64(200));
    QCOMPARE(third.refusal->requested, qint64(400));
    QCOMPARE(third.refusal->retryAfterMs, qint64(12'000)); // 200 tokens at 1000/min
    QCOMPARE(third.refusal->retryAfterSeconds, qint64(12));
    QCOMPARE(third.snapshot.tokens->remaining, qint64(200)); // the refusal took nothing

    // A smaller request still fits.
    QVERIFY(limiter.admit({scope}, 200).admitted());
}

void RateLimiterTest::settle_data()
{
    QTest::addColumn<qint64>("estimate");
    QTest::addColumn<qint64>("actual");
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<qint64>("resetMs");
    QTest::addColumn<qint64>("nextRetryAfterMs"); // for a 1-token request after; 0 = admitted

    // 1000 tokens per minute: one token is 60 ms of refill.
    QTest::newRow("refund most of it") << qint64(800) << qint64(100) << qint64(900) << qint64(6000) << qint64(0);
    QTest::newRow("as estimated") << qint64(100) << qint64(100) << qint64(900) << qint64(6000) << qint64(0);
    QTest::newRow("charge more") << qint64(100) << qint64(600) << qint64(400) << qint64(36'000) << qint64(0);
    QTest::newRow("exactly the limit") << qint64(100) << qint64(1000) << qint64(0) << qint64(60'000) << qint64(60);
    QTest::newRow("over the limit: 0 shown, later calls wait")
        << qint64(100) << qint64(1500) << qint64(0) << qint64(90'000) << qint64(30'060);
    QTest::newRow("nothing used") << qint64(0) << qint64(0) << qint64(1000) << qint64(0) << qint64(0);
    QTest::newRow("negative counts as nothing") << qint64(500) << qint64(-5) << qint64(1000) << qint64(0) << qint64(0);
}

void RateLimiterTest::settle()
{
    QFETCH(qint64, estimate);
    QFETCH(qint64, actual);
    QFETCH(qint64, remaining);
    QFETCH(qint64, resetMs);
    QFETCH(qint64, nextRetryAfterMs);

    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), {}, 1000);
    auto decision = limiter.admit({scope}, estimate);
    QVERIFY(decision.admitted());
    decision.permit.settle(actual);
    QCOMPARE(decision.permit.chargedTokens(), std::max<qint64>(0, actual));

    const auto usage = limiter.usage(scope);
    QCOMPARE(usage.tokens->remaining, remaining);
    QCOMPARE(usage.tokens->resetMs, resetMs);

    const auto next = limiter.admit({scope}, 1);
    QCOMPARE(next.admitted(), nextRetryAfterMs == 0);
    if (!next.admitted())
        QCOMPARE(next.refusal->retryAfterMs, nextRetryAfterMs);
}

void RateLimiterTest::settleReplacesThePreviousTotal()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), {}, 1000);
    auto decision = limiter.admit({scope}, 100);
    decision.permit.settle(300);
    QCOMPARE(limiter.usage(scope).tokens->remaining, qint64(700));
    decision.permit.settle(700); // a stream reporting more as it goes
    QCOMPARE(limiter.usage(scope).tokens->remaining, qint64(300));
    decision.permit.settle(700);
    QCOMPARE(limiter.usage(scope).tokens->remaining, qint64(300));

    // A refund after time passed fills the bucket, but never above its capacity.
    clock.advance(60'000);
    decision.permit.settle(0);
    QCOMPARE(limiter.usage(scope).tokens->remaining, qint64(1000));
    QCOMPARE(limiter.usage(scope).tokens->resetMs, qint64(0));
}

void RateLimiterTest::oversizedEstimateWaitsForAFullBucket()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), {}, 1000);

    QVERIFY(limiter.admit({scope}, 10).admitted());
    auto refused = limiter.admit({scope}, 5000); // bigger than the limit: only against a full bucket
    QVERIFY(!refused.admitted());
    QCOMPARE(refused.refusal->retryAfterMs, qint64(600)); // until the 10 tokens are back
    QVERIFY(text(refused.refusal->message()).contains("more than the limit"));

    clock.advance(600);
    auto big = limiter.admit({scope}, 5000);
    QVERIFY(big.admitted());
    QCOMPARE(big.snapshot.tokens->remaining, qint64(0));
    QCOMPARE(big.snapshot.tokens->resetMs, qint64(300'000)); // charged in full: 5 minutes to refill
    QCOMPARE(rateLimitHeaders(big.snapshot).at(2), (std::pair<std::string, std::string>("x-ratelimit-reset-tokens", "5m0s")));

    const auto next = limiter.admit({scope}, 1);
    QVERIFY(!next.admitted());
    QCOMPARE(next.refusal->retryAfterMs, qint64(240'060)); // until 1 token fits again
}

void RateLimiterTest::multiScopeIsAllOrNothing()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const std::vector<ScopedLimits> scopes{limited(key(), 10, 1000), limited(tenant(), 2)};

    QVERIFY(limiter.admit(scopes, 100).admitted());
    QVERIFY(limiter.admit(scopes, 100).admitted());
    const auto refused = limiter.admit(scopes, 100);
    QVERIFY(!refused.admitted());
    QCOMPARE(refused.refusal->scope, tenant());
    QCOMPARE(refused.refusal->dimension, RateDimension::Requests);

    // The key gave nothing to the refused request.
    auto keyUsage = limiter.usage(scopes[0]);
    QCOMPARE(keyUsage.requests->remaining, qint64(8));
    QCOMPARE(keyUsage.tokens->remaining, qint64(800));
    QCOMPARE(keyUsage.inFlight, qint64(0)); // both permits are gone already

    // The other way round: the key refuses on tokens, the tenant's request is not counted.
    clock.advance(30'000); // the tenant has one request again
    QVERIFY(limiter.admit({scopes[0]}, 1000).admitted());
    const auto tooBig = limiter.admit(scopes, 500);
    QVERIFY(!tooBig.admitted());
    QCOMPARE(tooBig.refusal->scope, key());
    QCOMPARE(tooBig.refusal->dimension, RateDimension::Tokens);
    QCOMPARE(limiter.usage(scopes[1]).requests->remaining, qint64(1));
}

void RateLimiterTest::refusalNamesTheLongestWait()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const std::vector<ScopedLimits> scopes{limited(key(), 1), limited(tenant(), {}, 1000)};
    QVERIFY(limiter.admit(scopes, 1000).admitted());
    const auto refused = limiter.admit(scopes, 1000);
    QVERIFY(!refused.admitted());
    // Both refuse: the key waits 60 s for a request, the tenant 60 s for 1000 tokens; the tenant
    // comes second and waits no longer, so the key is named. Now make the tenant's wait longer:
    QCOMPARE(refused.refusal->scope, key());
    clock.advance(30'000);
    const auto again = limiter.admit({limited(key(), 1), limited(tenant(), {}, 100)}, 100);
    QVERIFY(!again.admitted());
    QCOMPARE(again.refusal->scope, tenant()); // 500 tokens still owed at 100/min: 5 min, not 30 s
    QCOMPARE(again.refusal->retryAfterMs, qint64(300'000));
    QCOMPARE(again.refusal->dimension, RateDimension::Tokens);
}

void RateLimiterTest::duplicateScopeCountsOnce()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const std::vector<ScopedLimits> scopes{limited(key(), 2), limited(key(), 100)};
    QVERIFY(limiter.admit(scopes, 0).admitted());
    QVERIFY(limiter.admit(scopes, 0).admitted());
    QVERIFY(!limiter.admit(scopes, 0).admitted()); // the first limits apply, taken once per request
    QCOMPARE(limiter.trackedScopes(), std::size_t(1));
}

void RateLimiterTest::scopesWithoutLimitsAreIgnored()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    auto decision = limiter.admit({{key(), {}}, {tenant(), {}}}, 100);
    QVERIFY(decision.admitted());
    QVERIFY(!decision.permit.holdsSlots());
    QVERIFY(decision.headers().empty());
    QCOMPARE(limiter.trackedScopes(), std::size_t(0));
    decision.permit.settle(500); // harmless
}

void RateLimiterTest::limitChangeKeepsWhatWasUsed()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    for (int i = 0; i < 10; ++i)
        QVERIFY(limiter.admit({limited(key(), 10)}, 0).admitted());
    QVERIFY(!limiter.admit({limited(key(), 10)}, 0).admitted());

    // Raised to 20: the 10 already used still count.
    const auto raised = limiter.admit({limited(key(), 20)}, 0);
    QVERIFY(raised.admitted());
    QCOMPARE(raised.snapshot.requests->remaining, qint64(9));
    // Lowered to 5: over it, so requests wait until the debt drains below the new limit.
    const auto lowered = limiter.admit({limited(key(), 5)}, 0);
    QVERIFY(!lowered.admitted());
    QCOMPARE(lowered.snapshot.requests->remaining, qint64(0));
    QCOMPARE(lowered.refusal->retryAfterMs, qint64(84'000)); // 11 owed, one more fits at 4: 7 at 5/min
}

void RateLimiterTest::zeroLimitRefuses()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto rpm = limiter.admit({limited(key(), 0)}, 0);
    QVERIFY(!rpm.admitted());
    QCOMPARE(rpm.refusal->retryAfterSeconds, qint64(60));
    QCOMPARE(rpm.snapshot.requests->limit, qint64(0));
    QCOMPARE(rpm.snapshot.requests->remaining, qint64(0));

    const auto concurrent = limiter.admit({limited(key("k2"), {}, {}, 0)}, 0);
    QVERIFY(!concurrent.admitted());
    QCOMPARE(concurrent.refusal->dimension, RateDimension::Concurrency);

    // Negative limits are treated as 0, not as "no limit".
    QVERIFY(!limiter.admit({limited(key("k3"), -5)}, 0).admitted());
}

void RateLimiterTest::clockSteppingBackRefillsNothing()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), 60);
    QVERIFY(limiter.admit({scope}, 0).admitted());
    clock.advance(-10'000);
    QCOMPARE(limiter.usage(scope).requests->remaining, qint64(59));
    clock.advance(10'000);
    QCOMPARE(limiter.usage(scope).requests->resetMs, qint64(1000));
    clock.advance(1000);
    QCOMPARE(limiter.usage(scope).requests->remaining, qint64(60));
}

void RateLimiterTest::concurrencySlots()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), {}, {}, 2);

    auto first = limiter.admit({scope}, 0);
    auto second = limiter.admit({scope}, 0);
    QVERIFY(first.admitted() && second.admitted());
    QVERIFY(first.permit.holdsSlots());
    QCOMPARE(limiter.usage(scope).inFlight, qint64(2));

    const auto refused = limiter.admit({scope}, 0);
    QVERIFY(!refused.admitted());
    QCOMPARE(refused.refusal->dimension, RateDimension::Concurrency);
    QCOMPARE(refused.refusal->retryAfterSeconds, qint64(1));
    QVERIFY(refused.headers().size() == 1); // no requests/tokens limits: only Retry-After
    QCOMPARE(refused.headers().front(), (std::pair<std::string, std::string>("retry-after", "1")));

    first.permit.release();
    QVERIFY(!first.permit.holdsSlots());
    first.permit.release(); // idempotent
    QCOMPARE(limiter.usage(scope).inFlight, qint64(1));
    auto third = limiter.admit({scope}, 0);
    QVERIFY(third.admitted());
    QVERIFY(!limiter.admit({scope}, 0).admitted());

    // Settling after release still works (the entry is pinned by the permit).
    first.permit.settle(10);
    first = {};
    second = {};
    third = {};
    QCOMPARE(limiter.usage(scope).inFlight, qint64(0));
}

void RateLimiterTest::permitReleasesOnDestructionAndException()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), {}, {}, 1);
    {
        auto decision = limiter.admit({scope}, 0);
        QVERIFY(decision.admitted());
        QVERIFY(!limiter.admit({scope}, 0).admitted());
    }
    QCOMPARE(limiter.usage(scope).inFlight, qint64(0));

    try {
        auto decision = limiter.admit({scope}, 0);
        QVERIFY(decision.admitted());
        throw std::runtime_error("the upstream call failed");
    } catch (const std::runtime_error&) {
    }
    QCOMPARE(limiter.usage(scope).inFlight, qint64(0));
    QVERIFY(limiter.admit({scope}, 0).admitted());

    // Move-assigning over a permit frees the slots it held.
    auto held = limiter.admit({scope}, 0).permit;
    QVERIFY(held.holdsSlots());
    held = RatePermit();
    QCOMPARE(limiter.usage(scope).inFlight, qint64(0));
}

void RateLimiterTest::permitMovedToAnotherThread()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const std::vector<ScopedLimits> scopes{limited(key(), {}, 1000, 1), limited(tenant(), {}, {}, 1)};
    auto decision = limiter.admit(scopes, 500);
    QVERIFY(decision.admitted());
    RatePermit moved = std::move(decision.permit);
    QVERIFY(!decision.permit.holdsSlots()); // NOLINT(bugprone-use-after-move): moved-from is empty
    QVERIFY(moved.holdsSlots());

    std::thread worker([permit = std::move(moved)]() mutable {
        permit.settle(100);
        // destroyed here, on the worker thread
    });
    worker.join();
    QCOMPARE(limiter.usage(scopes[0]).inFlight, qint64(0));
    QCOMPARE(limiter.usage(scopes[1]).inFlight, qint64(0));
    QCOMPARE(limiter.usage(scopes[0]).tokens->remaining, qint64(900));
    QVERIFY(limiter.admit(scopes, 0).admitted());
}

void RateLimiterTest::permitOutlivesTheLimiter()
{
    FakeClock clock;
    auto limiter = std::make_unique<RateLimiter>(clock.clock());
    auto decision = limiter->admit({limited(key(), 10, 100, 1)}, 50);
    QVERIFY(decision.admitted());
    limiter.reset();
    decision.permit.settle(20); // the state lives as long as the permit
    decision.permit.release();
}

void RateLimiterTest::concurrencyUnderManyThreads()
{
    constexpr int kThreads = 32;
    constexpr int kRounds = 300;
    constexpr std::int64_t kKeyLimit = 3;
    FakeClock clock;
    RateLimiter limiter(clock.clock(), RateLimiter::Options{8, 60'000});
    const std::vector<ScopedLimits> scopes{limited(key(), {}, {}, kKeyLimit), limited(tenant(), {}, {}, 5)};

    std::atomic<int> holders{0};
    std::atomic<int> mostHolders{0};
    std::atomic<int> admitted{0};
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            // Other scopes on other shards in the same requests, so admissions lock several shards.
            const std::vector<ScopedLimits> mine{
                scopes[0], limited(key("own-" + std::to_string(t)), {}, {}, 1), scopes[1]};
            start.arrive_and_wait();
            for (int round = 0; round < kRounds; ++round) {
                auto decision = limiter.admit(mine, 0);
                if (!decision.admitted())
                    continue;
                ++admitted;
                const int now = ++holders;
                int seen = mostHolders.load();
                while (now > seen && !mostHolders.compare_exchange_weak(seen, now)) {
                }
                --holders;
                if (round % 2 == 0)
                    decision.permit.release(); // half released explicitly, half by the destructor
            }
        });
    }
    for (auto& thread : threads)
        thread.join();

    QVERIFY(admitted.load() > 0);
    QVERIFY2(mostHolders.load() <= kKeyLimit, qPrintable(QString::number(mostHolders.load())));
    QCOMPARE(limiter.usage(scopes[0]).inFlight, qint64(0));
    QCOMPARE(limiter.usage(scopes[1]).inFlight, qint64(0));
}

void RateLimiterTest::resetDurationFormat_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("formatted");

    // Go's time.Duration text, as OpenAI sends it ("1s", "6m0s", "20ms").
    QTest::newRow("zero") << qint64(0) << "0s";
    QTest::newRow("negative") << qint64(-5) << "0s";
    QTest::newRow("1 ms") << qint64(1) << "1ms";
    QTest::newRow("20 ms") << qint64(20) << "20ms";
    QTest::newRow("999 ms") << qint64(999) << "999ms";
    QTest::newRow("1 s") << qint64(1000) << "1s";
    QTest::newRow("1.5 s") << qint64(1500) << "1.5s";
    QTest::newRow("1.05 s") << qint64(1050) << "1.05s";
    QTest::newRow("1.001 s") << qint64(1001) << "1.001s";
    QTest::newRow("59.999 s") << qint64(59'999) << "59.999s";
    QTest::newRow("1 min") << qint64(60'000) << "1m0s";
    QTest::newRow("6 min") << qint64(360'000) << "6m0s";
    QTest::newRow("4m12.172s") << qint64(252'172) << "4m12.172s";
    QTest::newRow("1 h") << qint64(3'600'000) << "1h0m0s";
    QTest::newRow("1h0m1s") << qint64(3'601'000) << "1h0m1s";
    QTest::newRow("23h47m36.648s") << qint64(85'656'648) << "23h47m36.648s";
    QTest::newRow("more than a day stays in hours") << qint64(90'000'000) << "25h0m0s";
}

void RateLimiterTest::resetDurationFormat()
{
    QFETCH(qint64, ms);
    QFETCH(QString, formatted);
    QCOMPARE(text(formatResetDuration(ms)), formatted);
}

void RateLimiterTest::headersOnEveryAnswer()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    const auto scope = limited(key(), 60, 1000);

    const auto allowed = limiter.admit({scope}, 100);
    QVERIFY(allowed.admitted());
    QCOMPARE(render(allowed.headers()), (QStringList{
        "x-ratelimit-limit-requests: 60",
        "x-ratelimit-limit-tokens: 1000",
        "x-ratelimit-remaining-requests: 59",
        "x-ratelimit-remaining-tokens: 900",
        "x-ratelimit-reset-requests: 1s",
        "x-ratelimit-reset-tokens: 6s",
    }));

    clock.advance(250);
    const auto refused = limiter.admit({scope}, 950);
    QVERIFY(!refused.admitted());
    // 900 + 250 ms × 1000/min = 904.17 tokens; 950 need 2750 ms more → 3 s.
    QCOMPARE(render(refused.headers()), (QStringList{
        "x-ratelimit-limit-requests: 60",
        "x-ratelimit-limit-tokens: 1000",
        "x-ratelimit-remaining-requests: 59",
        "x-ratelimit-remaining-tokens: 904",
        "x-ratelimit-reset-requests: 750ms",
        "x-ratelimit-reset-tokens: 5.75s",
        "retry-after: 3",
    }));
}

void RateLimiterTest::headersShowTheMostConstrainingScope()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    // The tenant is tighter on requests, the key on tokens: each trio comes from its own scope.
    const std::vector<ScopedLimits> scopes{limited(key(), 100, 1000), limited(tenant(), 10, 100'000),
        limited({ScopeKind::Model, "gpt-4o"}, 1000)};
    const auto decision = limiter.admit(scopes, 800);
    QVERIFY(decision.admitted());
    QCOMPARE(decision.snapshot.requests->scope, tenant());
    QCOMPARE(decision.snapshot.requests->limit, qint64(10));
    QCOMPARE(decision.snapshot.requests->remaining, qint64(9));
    QCOMPARE(decision.snapshot.tokens->scope, key());
    QCOMPARE(decision.snapshot.tokens->remaining, qint64(200));
    QCOMPARE(decision.snapshot.tokens->resetMs, qint64(48'000));
}

void RateLimiterTest::refusalMessagesAndError_data()
{
    QTest::addColumn<int>("dimension");
    QTest::addColumn<qint64>("requested");
    QTest::addColumn<qint64>("retryAfterSeconds");
    QTest::addColumn<QString>("message");

    QTest::newRow("requests") << int(RateDimension::Requests) << qint64(1) << qint64(1)
                              << "Rate limit reached for consumer 'acme' on requests per minute: limit 60, remaining 0. "
                                 "Retry after 1 second.";
    QTest::newRow("tokens") << int(RateDimension::Tokens) << qint64(40) << qint64(3)
                            << "Rate limit reached for consumer 'acme' on tokens per minute: limit 60, remaining 0, "
                               "requested 40. Retry after 3 seconds.";
    QTest::newRow("tokens, more than the limit")
        << int(RateDimension::Tokens) << qint64(400) << qint64(60)
        << "Rate limit reached for consumer 'acme' on tokens per minute: limit 60, remaining 0, requested 400 (more "
           "than the limit: it waits until the whole limit is free). Retry after 60 seconds.";
    QTest::newRow("concurrency") << int(RateDimension::Concurrency) << qint64(1) << qint64(1)
                                 << "Rate limit reached for consumer 'acme' on concurrent requests: limit 60, all in "
                                    "use. Retry after 1 second.";
}

void RateLimiterTest::refusalMessagesAndError()
{
    QFETCH(int, dimension);
    QFETCH(qint64, requested);
    QFETCH(qint64, retryAfterSeconds);
    QFETCH(QString, message);

    RateLimitRefusal refusal{{ScopeKind::Consumer, "acme"}, static_cast<RateDimension>(dimension), 60, 0, requested,
        retryAfterSeconds * 1000, retryAfterSeconds};
    QCOMPARE(text(refusal.message()), message);
    const auto error = refusal.toApiError();
    QCOMPARE(error.status, 429);
    QCOMPARE(text(error.code), QString("rate_limit_exceeded"));
    QCOMPARE(text(error.type), QString("rate_limit_error"));
    QVERIFY(text(error.toJson()).contains(R"("code":"rate_limit_exceeded")"));
}

void RateLimiterTest::evictsIdleState()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock());
    QVERIFY(limiter.admit({limited(key("a"), 60)}, 0).admitted());            // full again after 1 s
    QVERIFY(limiter.admit({limited(key("b"), {}, 1000)}, 1000).admitted());   // after 60 s
    auto held = limiter.admit({limited(key("c"), {}, {}, 1)}, 0);               // while held
    QVERIFY(held.admitted());
    QCOMPARE(limiter.trackedScopes(), std::size_t(3));

    QCOMPARE(limiter.evictIdle(), std::size_t(0));
    clock.advance(1000);
    QCOMPARE(limiter.evictIdle(), std::size_t(1));
    clock.advance(59'000);
    QCOMPARE(limiter.evictIdle(), std::size_t(1));
    QCOMPARE(limiter.trackedScopes(), std::size_t(1));
    held.permit.release();
    QCOMPARE(limiter.evictIdle(), std::size_t(0)); // released but still pinned by the permit
    held.permit = {};
    QCOMPARE(limiter.evictIdle(), std::size_t(1));
    QCOMPARE(limiter.trackedScopes(), std::size_t(0));

    // Eviction loses nothing: an evicted scope is a full bucket.
    const auto usage = limiter.usage(limited(key("b"), {}, 1000));
    QCOMPARE(usage.tokens->remaining, qint64(1000));
    QCOMPARE(usage.tokens->resetMs, qint64(0));
}

void RateLimiterTest::sweepsAsItGoes()
{
    FakeClock clock;
    RateLimiter limiter(clock.clock(), RateLimiter::Options{1, 10'000});
    for (int i = 0; i < 100; ++i)
        QVERIFY(limiter.admit({limited(key("k" + std::to_string(i)), 60)}, 0).admitted());
    QCOMPARE(limiter.trackedScopes(), std::size_t(100));
    clock.advance(9'999);
    QVERIFY(limiter.admit({limited(key("another"), 60)}, 0).admitted());
    QCOMPARE(limiter.trackedScopes(), std::size_t(101)); // not due yet
    clock.advance(1);
    QVERIFY(limiter.admit({limited(key("last"), 60)}, 0).admitted());
    QCOMPARE(limiter.trackedScopes(), std::size_t(2)); // "another" still refilling, "last" just used
}

QTEST_GUILESS_MAIN(RateLimiterTest)
#include "RateLimiterTest.moc"
