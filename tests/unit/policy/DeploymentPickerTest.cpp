// The deployment picker: each strategy's order (distributions with a seeded random source and a
// tolerance), priority groups, routing rules, the canary split, and open circuits left out.
#include "policy/DeploymentPicker.h"

#include <QtTest>

#include <map>
#include <set>
#include <thread>

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

DeploymentTarget target(std::string id, int weight = 1, int priority = 0)
{
    DeploymentTarget deployment;
    deployment.id = std::move(id);
    deployment.weight = weight;
    deployment.priority = priority;
    return deployment;
}

RoutePolicy policyOf(RoutingStrategy strategy, std::vector<DeploymentTarget> deployments)
{
    RoutePolicy policy;
    policy.strategy = strategy;
    policy.deployments = std::move(deployments);
    return policy;
}

std::vector<std::string> ids(const DeploymentPicker& picker, const PickResult& result)
{
    std::vector<std::string> out;
    for (const auto index : result.attempts)
        out.push_back(picker.policy().deployments[index].id);
    return out;
}

using Ids = std::vector<std::string>;

// How often each deployment came first in `picks` picks.
std::map<std::string, double> firstChoiceShares(const DeploymentPicker& picker, int picks, RandomSource& random, const PickRequest& request = {})
{
    std::map<std::string, double> shares;
    for (int i = 0; i < picks; ++i) {
        const auto result = picker.pick(request, random);
        if (result.attempts.empty())
            qFatal("no deployment picked");
        // Every attempt list names each usable deployment once.
        std::set<std::size_t> distinct(result.attempts.begin(), result.attempts.end());
        if (distinct.size() != result.attempts.size())
            qFatal("a deployment appears twice in one attempt list");
        shares[picker.policy().deployments[result.attempts.front()].id] += 1.0 / picks;
    }
    return shares;
}

std::shared_ptr<CircuitBreaker> openBreaker()
{
    CircuitBreakerSettings settings;
    settings.consecutiveFailures = 1;
    settings.cooldown = 1h;
    auto breaker = std::make_shared<CircuitBreaker>(settings);
    breaker->tryAcquire().failed();
    return breaker;
}

// Lookups over fixed maps, as the data plane's over the request's headers and metadata.
struct FakeRequest {
    std::map<std::string, std::string> headers;
    std::map<std::string, std::string> metadata;
    std::string tenant = "default";
    std::string consumer;
    std::string key = "app-key";

    PickRequest view() const
    {
        PickRequest request;
        request.tenant = tenant;
        request.consumer = consumer;
        request.keyName = key;
        request.header = [this](std::string_view name) -> std::optional<std::string_view> {
            const auto found = headers.find(std::string(name));
            return found == headers.end() ? std::nullopt : std::optional<std::string_view>(found->second);
        };
        request.metadata = [this](std::string_view name) -> std::optional<std::string_view> {
            const auto found = metadata.find(std::string(name));
            return found == metadata.end() ? std::nullopt : std::optional<std::string_view>(found->second);
        };
        return request;
    }
};

} // namespace

class DeploymentPickerTest : public QObject {
    Q_OBJECT
private slots:
    void weightedRandomFollowsTheWeights()
    {
        const DeploymentPicker picker(policyOf(RoutingStrategy::WeightedRandom, {target("a", 1), target("b", 2), target("c", 7)}));
        SeededRandom random(2024);
        const auto shares = firstChoiceShares(picker, 20000, random);
        QVERIFY2(std::fabs(shares.at("a") - 0.1) < 0.015, qPrintable(QString::number(shares.at("a"))));
        QVERIFY2(std::fabs(shares.at("b") - 0.2) < 0.015, qPrintable(QString::number(shares.at("b"))));
        QVERIFY2(std::fabs(shares.at("c") - 0.7) < 0.015, qPrintable(QString::number(shares.at("c"))));
        // The fallbacks are drawn by weight too: after c, b is second twice as often as a.
        int bSecond = 0;
        int aSecond = 0;
        for (int i = 0; i < 20000; ++i) {
            const auto order = ids(picker, picker.pick({}, random));
            QCOMPARE(order.size(), std::size_t(3));
            if (order[0] == "c")
                (order[1] == "b" ? bSecond : aSecond)++;
        }
        const double ratio = static_cast<double>(bSecond) / std::max(1, aSecond);
        QVERIFY2(std::fabs(ratio - 2.0) < 0.2, qPrintable(QString::number(ratio)));
    }

    void weightZeroIsOnlyALastFallback()
    {
        const DeploymentPicker picker(policyOf(RoutingStrategy::WeightedRandom, {target("spare", 0), target("main", 5)}));
        SeededRandom random(1);
        for (int i = 0; i < 200; ++i)
            QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"main", "spare"}));
    }

    void theSameSeedPicksTheSame()
    {
        const DeploymentPicker picker(policyOf(RoutingStrategy::WeightedRandom, {target("a"), target("b"), target("c")}));
        SeededRandom first(99);
        SeededRandom second(99);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(picker.pick({}, first).attempts, picker.pick({}, second).attempts);
    }

    void roundRobinTakesTurns()
    {
        const DeploymentPicker picker(policyOf(RoutingStrategy::RoundRobin, {target("a"), target("b"), target("c")}));
        SeededRandom random(1);
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"a", "b", "c"}));
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"b", "c", "a"}));
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"c", "a", "b"}));
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"a", "b", "c"}));
    }

    void roundRobinIsEvenAcrossThreads()
    {
        const DeploymentPicker picker(policyOf(RoutingStrategy::RoundRobin, {target("a"), target("b"), target("c"), target("d")}));
        constexpr int kThreads = 4;
        constexpr int kEach = 1000;
        std::vector<std::map<std::size_t, int>> counts(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                SeededRandom random(static_cast<uint64_t>(t));
                for (int i = 0; i < kEach; ++i)
                    ++counts[t][picker.pick({}, random).attempts.front()];
            });
        }
        for (auto& thread : threads)
            thread.join();
        std::map<std::size_t, int> total;
        for (const auto& perThread : counts)
            for (const auto& [index, count] : perThread)
                total[index] += count;
        for (std::size_t index = 0; index < 4; ++index)
            QCOMPARE(total[index], kThreads * kEach / 4); // the turn counter is shared and atomic
    }

    void leastLatencyTriesTheUntriedThenPrefersTheFastest()
    {
        auto slow = std::make_shared<LatencyStats>();
        auto fast = std::make_shared<LatencyStats>();
        auto fresh = std::make_shared<LatencyStats>();
        RoutePolicy policy = policyOf(RoutingStrategy::LeastLatency, {target("slow"), target("fast"), target("fresh")});
        policy.deployments[0].latency = slow;
        policy.deployments[1].latency = fast;
        policy.deployments[2].latency = fresh;
        policy.explorationRate = 0;
        const DeploymentPicker picker(policy);
        SeededRandom random(5);
        slow->record(400ms);
        fast->record(80ms);
        // Never measured: it goes first, so it gets measured.
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"fresh", "fast", "slow"}));
        fresh->record(200ms);
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"fast", "fresh", "slow"}));
        // The fast one slows down; the average follows.
        for (int i = 0; i < 20; ++i)
            fast->record(600ms);
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"fresh", "slow", "fast"}));
    }

    void leastLatencyStillExplores()
    {
        auto slow = std::make_shared<LatencyStats>();
        auto fast = std::make_shared<LatencyStats>();
        slow->record(500ms);
        fast->record(50ms);
        RoutePolicy policy = policyOf(RoutingStrategy::LeastLatency, {target("slow"), target("fast"), target("unmeasurable")});
        policy.deployments[0].latency = slow;
        policy.deployments[1].latency = fast;
        policy.explorationRate = 0.1;
        const DeploymentPicker picker(policy);
        SeededRandom random(77);
        const auto shares = firstChoiceShares(picker, 20000, random);
        // 90 % exploit, 10 % explore among the three: fast 0.9 + 0.1/3, the others 0.1/3 each.
        QVERIFY2(std::fabs(shares.at("fast") - (0.9 + 0.1 / 3)) < 0.01, qPrintable(QString::number(shares.at("fast"))));
        QVERIFY2(std::fabs(shares.at("slow") - 0.1 / 3) < 0.01, qPrintable(QString::number(shares.at("slow"))));
        QVERIFY2(std::fabs(shares.at("unmeasurable") - 0.1 / 3) < 0.01, qPrintable(QString::number(shares.at("unmeasurable"))));
        // The fallbacks stay in latency order; a deployment without stats comes last.
        policy.explorationRate = 0;
        const DeploymentPicker exploiting(policy);
        QCOMPARE(ids(exploiting, exploiting.pick({}, random)), (Ids{"fast", "slow", "unmeasurable"}));
    }

    void latencyIsAnExponentialMovingAverage()
    {
        LatencyStats stats(0.2);
        QVERIFY(!stats.averageMs());
        stats.record(100ms);
        QCOMPARE(*stats.averageMs(), 100.0);
        stats.record(200ms);
        QCOMPARE(*stats.averageMs(), 120.0);
        stats.record(std::chrono::microseconds(120'000));
        QCOMPARE(*stats.averageMs(), 120.0);
        QCOMPARE(stats.samples(), uint64_t(3));

        LatencyRegistry registry;
        const auto a = registry.statsFor("p/a");
        QCOMPARE(registry.statsFor("p/a"), a);
        a->record(10ms);
        registry.statsFor("p/b");
        const auto averages = registry.averages();
        QCOMPARE(averages.size(), std::size_t(2));
        QCOMPARE(averages[0].second, std::optional<double>(10.0));
        QVERIFY(!averages[1].second);
        registry.retainOnly({"p/b"});
        QCOMPARE(registry.averages().size(), std::size_t(1));
    }

    void lowestCostGoesToTheCheapest()
    {
        auto premium = target("premium");
        premium.inputPricePerMillion = 5.0;
        premium.outputPricePerMillion = 15.0;
        auto mini = target("mini");
        mini.inputPricePerMillion = 0.15;
        mini.outputPricePerMillion = 0.6;
        auto readsCheap = target("reads-cheap"); // cheap input, dear output
        readsCheap.inputPricePerMillion = 0.1;
        readsCheap.outputPricePerMillion = 4.0;
        const DeploymentPicker picker(policyOf(RoutingStrategy::LowestCost, {premium, target("unpriced"), readsCheap, mini}));
        SeededRandom random(1);
        // Prices weighed 1:1 when the request says nothing.
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"mini", "reads-cheap", "premium", "unpriced"}));
        // A long prompt with a short answer: the input price decides.
        PickRequest longPrompt;
        longPrompt.promptTokens = 100'000;
        longPrompt.completionTokens = 100;
        QCOMPARE(ids(picker, picker.pick(longPrompt, random)), (Ids{"reads-cheap", "mini", "premium", "unpriced"}));
    }

    void orderedFallbackFollowsPriority()
    {
        const DeploymentPicker picker(policyOf(RoutingStrategy::OrderedFallback,
            {target("backup", 1, 2), target("primary", 1, 0), target("secondary-a", 1, 1), target("secondary-b", 1, 1)}));
        SeededRandom random(1);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"primary", "secondary-a", "secondary-b", "backup"}));
    }

    void strategiesWorkWithinPriorityGroups()
    {
        const DeploymentPicker picker(policyOf(RoutingStrategy::WeightedRandom,
            {target("far", 100, 1), target("near-a", 1, 0), target("near-b", 1, 0)}));
        SeededRandom random(8);
        const auto shares = firstChoiceShares(picker, 4000, random);
        QVERIFY(!shares.count("far")); // its weight does not matter: it is in the fallback group
        QVERIFY(std::fabs(shares.at("near-a") - 0.5) < 0.04);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(ids(picker, picker.pick({}, random)).back(), std::string("far"));
    }

    void openCircuitsAreSkipped()
    {
        RoutePolicy policy = policyOf(RoutingStrategy::OrderedFallback, {target("a"), target("b"), target("c")});
        policy.deployments[0].breaker = openBreaker();
        policy.deployments[1].breaker = std::make_shared<CircuitBreaker>(); // closed
        const DeploymentPicker picker(policy);
        SeededRandom random(1);
        const auto result = picker.pick({}, random);
        QCOMPARE(ids(picker, result), (Ids{"b", "c"}));
        QCOMPARE(result.skippedOpen, std::size_t(1));

        policy.deployments[1].breaker = openBreaker();
        policy.deployments[2].breaker = openBreaker();
        const DeploymentPicker allOpen(policy);
        const auto none = allOpen.pick({}, random);
        QVERIFY(none.attempts.empty());
        QCOMPARE(none.skippedOpen, std::size_t(3));
    }

    void aCircuitReadyForItsProbeIsPicked()
    {
        CircuitBreakerSettings settings;
        settings.consecutiveFailures = 1;
        settings.cooldown = 0ms; // the cooldown is over at once
        auto breaker = std::make_shared<CircuitBreaker>(settings);
        breaker->tryAcquire().failed();
        QCOMPARE(breaker->state(), BreakerState::Open);
        RoutePolicy policy = policyOf(RoutingStrategy::OrderedFallback, {target("recovering"), target("other")});
        policy.deployments[0].breaker = breaker;
        const DeploymentPicker picker(policy);
        SeededRandom random(1);
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"recovering", "other"}));
        auto probe = breaker->tryAcquire(); // the request that got it probes
        QVERIFY(probe.isProbe());
        QCOMPARE(ids(picker, picker.pick({}, random)), (Ids{"other"})); // others wait for the probe
    }

    void rulesDecideBeforeTheStrategy()
    {
        RoutePolicy policy = policyOf(RoutingStrategy::WeightedRandom, {target("shared-1"), target("shared-2"), target("dedicated"), target("eu")});
        policy.rules.push_back({"acme gets its own", {{MatchField::Tenant, "", {"acme"}}}, {"dedicated"}, false});
        policy.rules.push_back({"EU data stays in the EU", {{MatchField::Header, "X-Data-Region", {"eu", "EU"}}}, {"eu"}, true});
        policy.rules.push_back({"batch jobs", {{MatchField::Metadata, "job", {"batch"}}, {MatchField::Consumer, "", {"etl"}}}, {"shared-2"}, false});
        policy.rules.push_back({"one key", {{MatchField::ApiKey, "", {"canary-key"}}}, {"shared-1"}, false});
        const DeploymentPicker picker(policy);
        SeededRandom random(3);

        FakeRequest acme;
        acme.tenant = "acme";
        acme.headers["x-data-region"] = "eu"; // the first matching rule wins
        for (int i = 0; i < 20; ++i) {
            const auto result = picker.pick(acme.view(), random);
            QCOMPARE(ids(picker, result), (Ids{"dedicated"}));
            QCOMPARE(result.rule, 0);
        }

        FakeRequest eu;
        eu.headers["x-data-region"] = "EU";
        const auto euResult = picker.pick(eu.view(), random);
        QCOMPARE(euResult.rule, 1);
        QCOMPARE(ids(picker, euResult).front(), std::string("eu"));
        QCOMPARE(euResult.attempts.size(), std::size_t(4)); // the others follow as fallbacks

        FakeRequest batch;
        batch.metadata["job"] = "batch";
        QCOMPARE(picker.pick(batch.view(), random).rule, -1); // both conditions must hold
        batch.consumer = "etl";
        QCOMPARE(ids(picker, picker.pick(batch.view(), random)), (Ids{"shared-2"}));

        FakeRequest keyed;
        keyed.key = "canary-key";
        QCOMPARE(ids(picker, picker.pick(keyed.view(), random)), (Ids{"shared-1"}));

        FakeRequest plain;
        const auto shares = firstChoiceShares(picker, 4000, random, plain.view());
        QCOMPARE(shares.size(), std::size_t(4)); // no rule: the strategy over every deployment
        QCOMPARE(picker.pick(plain.view(), random).rule, -1);
    }

    void aRuleWhoseDeploymentsAreOpenFindsNothing()
    {
        RoutePolicy policy = policyOf(RoutingStrategy::WeightedRandom, {target("shared"), target("dedicated")});
        policy.deployments[1].breaker = openBreaker();
        policy.rules.push_back({"acme", {{MatchField::Tenant, "", {"acme"}}}, {"dedicated"}, false});
        const DeploymentPicker picker(policy);
        SeededRandom random(3);
        FakeRequest acme;
        acme.tenant = "acme";
        const auto result = picker.pick(acme.view(), random);
        QVERIFY(result.attempts.empty()); // the rule says only there; it is down
        QCOMPARE(result.rule, 0);
        QCOMPARE(result.skippedOpen, std::size_t(1));
        policy.rules[0].fallBackToOthers = true;
        const DeploymentPicker withFallback(policy);
        QCOMPARE(ids(withFallback, withFallback.pick(acme.view(), random)), (Ids{"shared"}));
    }

    void theCanaryGetsItsShare()
    {
        RoutePolicy policy = policyOf(RoutingStrategy::WeightedRandom, {target("stable-a"), target("stable-b"), target("next")});
        policy.canary = CanarySplit{"next", 10.0};
        const DeploymentPicker picker(policy);
        SeededRandom random(11);
        int canaryFirst = 0;
        constexpr int kPicks = 20000;
        for (int i = 0; i < kPicks; ++i) {
            const auto result = picker.pick({}, random);
            const auto order = ids(picker, result);
            QCOMPARE(order.size(), std::size_t(3));
            QCOMPARE(result.canary, order.front() == "next");
            if (result.canary)
                ++canaryFirst;
            else
                QCOMPARE(order.back(), std::string("next")); // otherwise only the last fallback
        }
        const double share = static_cast<double>(canaryFirst) / kPicks;
        QVERIFY2(std::fabs(share - 0.10) < 0.01, qPrintable(QString::number(share)));
    }

    void anOpenCanaryGetsNothing()
    {
        RoutePolicy policy = policyOf(RoutingStrategy::WeightedRandom, {target("stable"), target("next")});
        policy.canary = CanarySplit{"next", 50.0};
        policy.deployments[1].breaker = openBreaker();
        const DeploymentPicker picker(policy);
        SeededRandom random(11);
        for (int i = 0; i < 200; ++i) {
            const auto result = picker.pick({}, random);
            QCOMPARE(ids(picker, result), (Ids{"stable"}));
            QVERIFY(!result.canary);
        }
    }

    void validatesAPolicy()
    {
        RoutePolicy policy = policyOf(RoutingStrategy::WeightedRandom, {target("a", 0), target("a", -1)});
        policy.deployments[0].inputPricePerMillion = -1.0;
        policy.rules.push_back({"r", {{MatchField::Header, "", {}}}, {"a", "missing"}, false});
        policy.canary = CanarySplit{"nowhere", 120.0};
        policy.explorationRate = 2.0;
        const auto problems = validateRoutePolicy(policy);
        const auto has = [&](const std::string& start) {
            return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) { return p.rfind(start, 0) == 0; });
        };
        QVERIFY(has("deployments[1]: the deployment 'a' appears twice"));
        QVERIFY(has("deployments[1].weight: must not be negative"));
        QVERIFY(has("deployments[0].input_price_per_million:"));
        QVERIFY(has("deployments: weighted routing needs a deployment with a weight above 0"));
        QVERIFY(has("rules[0].deployments[1]: no deployment 'missing' in this route"));
        QVERIFY(has("rules[0].conditions[0].name:"));
        QVERIFY(has("rules[0].conditions[0].values:"));
        QVERIFY(has("canary.deployment: no deployment 'nowhere'"));
        QVERIFY(has("canary.percent: must be between 0 and 100"));
        QVERIFY(has("exploration_rate:"));
        QCOMPARE(problems.size(), std::size_t(10));
        QVERIFY(validateRoutePolicy(policyOf(RoutingStrategy::RoundRobin, {target("a"), target("b")})).empty());
    }

    void namesTheStrategies()
    {
        for (const auto strategy : {RoutingStrategy::WeightedRandom, RoutingStrategy::RoundRobin, RoutingStrategy::LeastLatency,
                 RoutingStrategy::LowestCost, RoutingStrategy::OrderedFallback})
            QCOMPARE(parseRoutingStrategy(routingStrategyName(strategy)), std::optional<RoutingStrategy>(strategy));
        QCOMPARE(routingStrategyName(RoutingStrategy::LeastLatency), std::string_view("least_latency"));
        QVERIFY(!parseRoutingStrategy("fastest"));
    }
};

QTEST_GUILESS_MAIN(DeploymentPickerTest)
#include "DeploymentPickerTest.moc"
