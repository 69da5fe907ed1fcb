// Which deployments of a model a request goes to, in order: routing rules on the request
// (tenant, consumer, key, headers, metadata) first, then the canary split, then the model's
// strategy (weighted random, round-robin, least latency, lowest cost, ordered fallback) within
// priority groups. Deployments whose circuit is open are left out. The answer is an attempt list:
// the first choice, then the fallbacks a retry moves on to.
#pragma once

#include "policy/CircuitBreaker.h"
#include "policy/RandomSource.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

enum class RoutingStrategy { WeightedRandom, RoundRobin, LeastLatency, LowestCost, OrderedFallback };

// "weighted", "round_robin", "least_latency", "lowest_cost", "fallback": the configuration's words.
std::string_view routingStrategyName(RoutingStrategy strategy);
std::optional<RoutingStrategy> parseRoutingStrategy(std::string_view name);

// The moving average (EWMA) of a deployment's time to first token, shared by every route that
// uses the deployment. Lock-free: record() is one compare-and-swap loop.
class LatencyStats {
public:
    // `alpha`: the weight of each new sample (0.2: the last ~10 samples dominate).
    explicit LatencyStats(double alpha = 0.2);
    // The time from sending the request to the first byte of the answer (streamed or not).
    void record(std::chrono::microseconds timeToFirstToken);
    std::optional<double> averageMs() const; // nothing until the first sample
    uint64_t samples() const { return m_samples.load(std::memory_order_relaxed); }

private:
    double m_alpha;
    std::atomic<double> m_averageMs; // NaN until the first sample
    std::atomic<uint64_t> m_samples{0};
};

// LatencyStats per deployment id, kept across snapshots (as CircuitBreakerRegistry).
class LatencyRegistry {
public:
    std::shared_ptr<LatencyStats> statsFor(const std::string& deploymentId);
    void retainOnly(const std::vector<std::string>& deploymentIds);
    std::vector<std::pair<std::string, std::optional<double>>> averages() const; // by id, in order

private:
    mutable std::shared_mutex m_mutex;
    std::map<std::string, std::shared_ptr<LatencyStats>, std::less<>> m_stats;
};

// One deployment of a route as the picker sees it; the snapshot fills these when it is built.
struct DeploymentTarget {
    std::string id;   // deploymentId(provider, upstream model): names it in rules, the canary, logs
    int weight = 1;   // weighted random; 0 or less: never drawn, only a last fallback of its group
    int priority = 0; // lower first: the strategy orders each priority group, groups follow each other
    std::optional<double> inputPricePerMillion;  // USD per 1M prompt tokens (lowest cost)
    std::optional<double> outputPricePerMillion; // USD per 1M completion tokens
    std::shared_ptr<CircuitBreaker> breaker; // null: never skipped
    std::shared_ptr<LatencyStats> latency;   // null: no measurements (ranked after measured ones)
};

enum class MatchField { Tenant, Consumer, ApiKey, Header, Metadata };

// One condition of a rule: the request's field (for Header and Metadata, the one called `name`;
// header names are compared case-insensitively) equals one of `values` (exactly).
struct MatchCondition {
    MatchField field = MatchField::Tenant;
    std::string name;
    std::vector<std::string> values;
};

// When every condition holds (no conditions: always), the request goes to `deployments` (ids of
// this route's deployments, ordered among themselves by the route's strategy); with
// `fallBackToOthers` the route's other deployments follow as fallbacks, otherwise they are never
// tried. Rules are tried in order; the first that matches decides, and the canary does not apply.
struct RoutingRule {
    std::string name; // for logs and the call record
    std::vector<MatchCondition> conditions;
    std::vector<std::string> deployments;
    bool fallBackToOthers = false;
};

// `percent` % of the requests no rule matched go first to `deployment` (then to the others, as
// fallbacks); the other requests never go to it first: it is their last fallback.
struct CanarySplit {
    std::string deployment;
    double percent = 0.0;
};

struct RoutePolicy {
    RoutingStrategy strategy = RoutingStrategy::WeightedRandom;
    std::vector<DeploymentTarget> deployments;
    std::vector<RoutingRule> rules;
    std::optional<CanarySplit> canary;
    // Least latency: the share of requests whose first choice is drawn at random from the first
    // priority group instead, so a deployment that was slow once gets measured again.
    double explorationRate = 0.05;
};

// What a policy's configuration gets wrong, each message starting with the field
// ("rules[0].deployments[1]: no deployment 'x' in this route"); empty when it is usable.
std::vector<std::string> validateRoutePolicy(const RoutePolicy& policy);

// What the rules can look at. The lookups return nothing for an absent header or metadata key;
// header names are asked for in lowercase.
struct PickRequest {
    std::string_view tenant;
    std::string_view consumer;
    std::string_view keyName;
    std::function<std::optional<std::string_view>(std::string_view name)> header;
    std::function<std::optional<std::string_view>(std::string_view key)> metadata;
    // Lowest cost: the request's expected tokens weigh the two prices (both 0: weighed 1:1).
    int64_t promptTokens = 0;
    int64_t completionTokens = 0;
};

struct PickResult {
    std::vector<std::size_t> attempts; // indices into RoutePolicy::deployments, first choice first
    int rule = -1;                     // the index of the rule that decided, -1 when none matched
    bool canary = false;               // the canary draw chose the first deployment
    std::size_t skippedOpen = 0;       // deployments left out because their circuit refuses requests
};

// One per route, built with the snapshot. pick() is const and thread-safe (the round-robin
// position is an atomic); randomness comes from the caller (a thread-local SeededRandom on the
// data plane).
class DeploymentPicker {
public:
    // Rule and canary deployment ids that name no deployment of the route are ignored (see
    // validateRoutePolicy for the configuration's checks).
    explicit DeploymentPicker(RoutePolicy policy);

    // An empty attempt list: every deployment the request may use has an open circuit.
    PickResult pick(const PickRequest& request, RandomSource& random) const;

    const RoutePolicy& policy() const { return m_policy; }

private:
    std::vector<std::size_t> ordered(std::vector<std::size_t> candidates, const PickRequest& request, RandomSource& random) const;
    void orderGroup(std::vector<std::size_t>& group, bool first, uint64_t turn, const PickRequest& request, RandomSource& random) const;
    bool matches(const RoutingRule& rule, const PickRequest& request) const;

    RoutePolicy m_policy;
    std::vector<std::vector<std::size_t>> m_ruleTargets; // each rule's deployments as indices
    std::optional<std::size_t> m_canary;
    mutable std::atomic<uint64_t> m_roundRobin{0};
};

} // namespace gatehouse
