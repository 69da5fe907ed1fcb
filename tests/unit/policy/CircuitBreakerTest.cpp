// The circuit breaker: every transition (closed → open by consecutive failures or by the error
// ratio, open → half-open after the cooldown, half-open → closed or open by the single probe),
// results that arrive late, the single probe under concurrency, and the registry.
#include "policy/CircuitBreaker.h"

#include <QtTest>

#include <atomic>
#include <latch>
#include <thread>

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

class ManualClock {
public:
    std::chrono::steady_clock::time_point now() const { return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(m_ns.load())); }
    void advance(std::chrono::nanoseconds by) { m_ns += by.count(); }
    CircuitBreaker::Clock function()
    {
        return [this] { return now(); };
    }

private:
    std::atomic<int64_t> m_ns{5'000'000'000};
};

CircuitBreakerSettings consecutiveOnly(int failures, std::chrono::milliseconds cooldown = 10s)
{
    CircuitBreakerSettings settings;
    settings.consecutiveFailures = failures;
    settings.failureRatio = 0; // off
    settings.cooldown = cooldown;
    return settings;
}

void fail(CircuitBreaker& breaker, int times = 1)
{
    for (int i = 0; i < times; ++i) {
        auto permit = breaker.tryAcquire();
        QVERIFY(permit);
        permit.failed("HTTP 503");
    }
}

void succeed(CircuitBreaker& breaker, int times = 1)
{
    for (int i = 0; i < times; ++i) {
        auto permit = breaker.tryAcquire();
        QVERIFY(permit);
        permit.succeeded();
    }
}

} // namespace

class CircuitBreakerTest : public QObject {
    Q_OBJECT
private slots:
    void opensAfterConsecutiveFailures()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(3), clock.function());
        QCOMPARE(breaker.state(), BreakerState::Closed);
        fail(breaker, 2);
        succeed(breaker); // a success breaks the run
        fail(breaker, 2);
        QCOMPARE(breaker.state(), BreakerState::Closed);
        QCOMPARE(breaker.snapshot().consecutiveFailures, 2);
        fail(breaker);
        QCOMPARE(breaker.state(), BreakerState::Open);
        const auto snapshot = breaker.snapshot();
        QCOMPARE(snapshot.timesOpened, uint64_t(1));
        QCOMPARE(snapshot.failures, uint64_t(5));
        QCOMPARE(snapshot.successes, uint64_t(1));
        QCOMPARE(snapshot.lastFailure, std::string("HTTP 503"));
        QCOMPARE(snapshot.retryIn, std::chrono::milliseconds(10s));
        QCOMPARE(snapshot.inState, 0ms);
        clock.advance(1500ms);
        QCOMPARE(breaker.snapshot().inState, 1500ms);
        QCOMPARE(breaker.snapshot().retryIn, 8500ms);
    }

    void opensWhenTheErrorRatioIsTooHigh()
    {
        ManualClock clock;
        CircuitBreakerSettings settings;
        settings.consecutiveFailures = 0; // off
        settings.failureRatio = 0.5;
        settings.minimumRequests = 10;
        settings.window = 10s;
        CircuitBreaker breaker(settings, clock.function());
        // Alternating: never two failures in a row, but half of all results.
        for (int i = 0; i < 4; ++i) {
            succeed(breaker);
            fail(breaker);
        }
        QCOMPARE(breaker.state(), BreakerState::Closed); // 4 of 8: too few results to judge
        succeed(breaker);
        QCOMPARE(breaker.state(), BreakerState::Closed); // 4 of 9
        fail(breaker);
        QCOMPARE(breaker.state(), BreakerState::Open); // 5 of 10
    }

    void theRatioOnlyCountsTheRollingWindow()
    {
        ManualClock clock;
        CircuitBreakerSettings settings;
        settings.consecutiveFailures = 0;
        settings.failureRatio = 0.5;
        settings.minimumRequests = 10;
        settings.window = 10s;
        CircuitBreaker breaker(settings, clock.function());
        fail(breaker, 4);
        clock.advance(5s);
        succeed(breaker, 5);
        auto snapshot = breaker.snapshot();
        QCOMPARE(snapshot.windowRequests, uint64_t(9));
        QCOMPARE(snapshot.windowFailures, uint64_t(4));
        // The four failures leave the window; what is left is mostly good.
        clock.advance(6s);
        snapshot = breaker.snapshot();
        QCOMPARE(snapshot.windowRequests, uint64_t(5));
        QCOMPARE(snapshot.windowFailures, uint64_t(0));
        fail(breaker, 4);
        QCOMPARE(breaker.state(), BreakerState::Closed); // 4 of 9 in the window
        fail(breaker);
        QCOMPARE(breaker.state(), BreakerState::Open); // 5 of 10
    }

    void refusesWhileOpenThenLetsOneProbeThrough()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(1, 10s), clock.function());
        fail(breaker);
        QCOMPARE(breaker.state(), BreakerState::Open);
        QVERIFY(!breaker.tryAcquire());
        QVERIFY(!breaker.admitsRequests());
        clock.advance(9999ms);
        QVERIFY(!breaker.tryAcquire());
        QCOMPARE(breaker.snapshot().retryIn, 1ms);
        QCOMPARE(breaker.snapshot().rejected, uint64_t(2));
        clock.advance(1ms);
        QVERIFY(breaker.admitsRequests()); // asking does not take the probe
        QCOMPARE(breaker.state(), BreakerState::Open);

        auto probe = breaker.tryAcquire();
        QVERIFY(probe);
        QVERIFY(probe.isProbe());
        QCOMPARE(breaker.state(), BreakerState::HalfOpen);
        QVERIFY(breaker.snapshot().probeInFlight);
        QVERIFY(!breaker.admitsRequests());
        QVERIFY(!breaker.tryAcquire()); // one probe at a time
        QVERIFY(!breaker.tryAcquire());
        QCOMPARE(breaker.snapshot().rejected, uint64_t(4));
    }

    void aSuccessfulProbeClosesTheCircuit()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(2, 10s), clock.function());
        fail(breaker, 2);
        clock.advance(10s);
        auto probe = breaker.tryAcquire();
        QVERIFY(probe.isProbe());
        probe.succeeded();
        QCOMPARE(breaker.state(), BreakerState::Closed);
        const auto snapshot = breaker.snapshot();
        QCOMPARE(snapshot.consecutiveFailures, 0);
        QCOMPARE(snapshot.windowRequests, uint64_t(0)); // a clean slate
        QVERIFY(!snapshot.probeInFlight);
        auto next = breaker.tryAcquire();
        QVERIFY(next);
        QVERIFY(!next.isProbe());
        next.failed();
        QCOMPARE(breaker.state(), BreakerState::Closed); // one failure, the threshold is two again
    }

    void aFailedProbeReopensForAnotherCooldown()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(1, 10s), clock.function());
        fail(breaker);
        clock.advance(10s);
        auto probe = breaker.tryAcquire();
        QVERIFY(probe.isProbe());
        clock.advance(2s); // the probe takes a while
        probe.failed("timeout");
        QCOMPARE(breaker.state(), BreakerState::Open);
        QCOMPARE(breaker.snapshot().timesOpened, uint64_t(2));
        QCOMPARE(breaker.snapshot().lastFailure, std::string("timeout"));
        QCOMPARE(breaker.snapshot().retryIn, std::chrono::milliseconds(10s)); // from the probe's failure
        clock.advance(9s);
        QVERIFY(!breaker.tryAcquire());
        clock.advance(1s);
        auto second = breaker.tryAcquire();
        QVERIFY(second.isProbe());
        second.succeeded();
        QCOMPARE(breaker.state(), BreakerState::Closed);
    }

    void aDroppedProbeLetsTheNextCallerProbe()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(1, 1s), clock.function());
        fail(breaker);
        clock.advance(1s);
        {
            auto probe = breaker.tryAcquire();
            QVERIFY(probe.isProbe());
            QVERIFY(!breaker.tryAcquire());
        } // the request was cancelled: no result
        QCOMPARE(breaker.state(), BreakerState::HalfOpen);
        QVERIFY(breaker.admitsRequests());
        auto next = breaker.tryAcquire();
        QVERIFY(next.isProbe());
        next.succeeded();
        QCOMPARE(breaker.state(), BreakerState::Closed);
        const auto snapshot = breaker.snapshot();
        QCOMPARE(snapshot.successes, uint64_t(1));
        QCOMPARE(snapshot.failures, uint64_t(1));
    }

    void movedPermitsReportOnce()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(1, 1s), clock.function());
        fail(breaker);
        clock.advance(1s);
        BreakerPermit held;
        QVERIFY(!held);
        {
            auto probe = breaker.tryAcquire();
            held = std::move(probe);
        } // the moved-from permit releases nothing
        QVERIFY(held.isProbe());
        QVERIFY(!breaker.tryAcquire());
        held.succeeded();
        held.failed(); // already reported: ignored
        QCOMPARE(breaker.state(), BreakerState::Closed);
        QCOMPARE(breaker.snapshot().failures, uint64_t(1));
    }

    void lateResultsDoNotMoveTheState()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(2, 10s), clock.function());
        auto slow = breaker.tryAcquire(); // admitted while closed, answers much later
        fail(breaker, 2);
        QCOMPARE(breaker.state(), BreakerState::Open);
        slow.succeeded(); // from before the circuit opened: not evidence that it recovered
        QCOMPARE(breaker.state(), BreakerState::Open);
        QCOMPARE(breaker.snapshot().successes, uint64_t(1)); // but counted

        clock.advance(10s);
        auto probe = breaker.tryAcquire();
        QVERIFY(probe.isProbe());
        // In half-open, only the probe decides.
        auto late = breaker.tryAcquire();
        QVERIFY(!late);
        probe.failed();
        QCOMPARE(breaker.state(), BreakerState::Open);
    }

    void exactlyOneProbeUnderConcurrency()
    {
        ManualClock clock;
        CircuitBreaker breaker(consecutiveOnly(1, 1s), clock.function());
        constexpr int kThreads = 8;
        constexpr int kRounds = 50;
        for (int round = 0; round < kRounds; ++round) {
            fail(breaker); // closed: opens; half-open is handled below
            QCOMPARE(breaker.state(), BreakerState::Open);
            clock.advance(1s);
            std::atomic<int> probes{0};
            std::atomic<int> refused{0};
            std::atomic<int> ordinary{0};
            std::latch start(kThreads);
            std::vector<BreakerPermit> permits(kThreads);
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t) {
                threads.emplace_back([&, t] {
                    start.arrive_and_wait();
                    permits[t] = breaker.tryAcquire();
                    if (!permits[t])
                        ++refused;
                    else if (permits[t].isProbe())
                        ++probes;
                    else
                        ++ordinary;
                });
            }
            for (auto& thread : threads)
                thread.join();
            QCOMPARE(probes.load(), 1);
            QCOMPARE(refused.load(), kThreads - 1);
            QCOMPARE(ordinary.load(), 0);
            QCOMPARE(breaker.state(), BreakerState::HalfOpen);
            // Every thread reports; only the probe's result counts. Alternate the outcome.
            const bool recover = round % 2 == 0;
            for (auto& permit : permits) {
                if (permit && recover)
                    permit.succeeded();
                else if (permit)
                    permit.failed();
            }
            QCOMPARE(breaker.state(), recover ? BreakerState::Closed : BreakerState::Open);
            if (!recover) {
                clock.advance(1s);
                auto probe = breaker.tryAcquire();
                QVERIFY(probe.isProbe());
                probe.succeeded();
            }
            QCOMPARE(breaker.state(), BreakerState::Closed);
        }
    }

    void closedAdmissionAndResultsFromManyThreads()
    {
        CircuitBreakerSettings settings = consecutiveOnly(1'000'000);
        CircuitBreaker breaker(settings);
        constexpr int kThreads = 8;
        constexpr int kEach = 5000;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < kEach; ++i) {
                    auto permit = breaker.tryAcquire();
                    if ((i + t) % 4 == 0)
                        permit.failed();
                    else
                        permit.succeeded();
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        const auto snapshot = breaker.snapshot();
        QCOMPARE(snapshot.successes + snapshot.failures, uint64_t(kThreads * kEach));
        QCOMPARE(snapshot.failures, uint64_t(kThreads * kEach / 4));
        QCOMPARE(snapshot.state, BreakerState::Closed);
    }

    void namesItsStates()
    {
        QCOMPARE(breakerStateName(BreakerState::Closed), std::string_view("closed"));
        QCOMPARE(breakerStateName(BreakerState::Open), std::string_view("open"));
        QCOMPARE(breakerStateName(BreakerState::HalfOpen), std::string_view("half_open"));
        QCOMPARE(deploymentId("openai", "gpt-4o"), std::string("openai/gpt-4o"));
    }

    void theRegistryKeepsOneBreakerPerDeployment()
    {
        ManualClock clock;
        CircuitBreakerRegistry registry(consecutiveOnly(1), clock.function());
        const auto a = registry.breakerFor("openai/gpt-4o");
        QCOMPARE(registry.breakerFor("openai/gpt-4o"), a);
        QVERIFY(!registry.find("azure/gpt-4o"));
        const auto b = registry.breakerFor("azure/gpt-4o", consecutiveOnly(5));
        QCOMPARE(b->settings().consecutiveFailures, 5);
        fail(*a);
        auto snapshots = registry.snapshots();
        QCOMPARE(snapshots.size(), std::size_t(2));
        QCOMPARE(snapshots[0].first, std::string("azure/gpt-4o"));
        QCOMPARE(snapshots[0].second.state, BreakerState::Closed);
        QCOMPARE(snapshots[1].first, std::string("openai/gpt-4o"));
        QCOMPARE(snapshots[1].second.state, BreakerState::Open);

        // New settings from a new snapshot keep the state.
        QCOMPARE(registry.breakerFor("openai/gpt-4o", consecutiveOnly(3)), a);
        QCOMPARE(a->settings().consecutiveFailures, 3);
        QCOMPARE(a->state(), BreakerState::Open);

        registry.retainOnly({"azure/gpt-4o"});
        QVERIFY(!registry.find("openai/gpt-4o"));
        QCOMPARE(registry.find("azure/gpt-4o"), b);
        QCOMPARE(a->state(), BreakerState::Open); // still usable by whoever holds it
    }
};

QTEST_GUILESS_MAIN(CircuitBreakerTest)
#include "CircuitBreakerTest.moc"
