#include "policy/DeploymentPicker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

namespace gatehouse {
namespace {

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::optional<std::size_t> indexOf(const std::vector<DeploymentTarget>& deployments, std::string_view id)
{
    for (std::size_t i = 0; i < deployments.size(); ++i) {
        if (deployments[i].id == id)
            return i;
    }
    return std::nullopt;
}

// A uniform index in [0, size).
std::size_t drawIndex(RandomSource& random, std::size_t size)
{
    return std::min(size - 1, static_cast<std::size_t>(random.uniform() * static_cast<double>(size)));
}

} // namespace

std::string_view routingStrategyName(RoutingStrategy strategy)
{
    switch (strategy) {
    case RoutingStrategy::WeightedRandom: return "weighted";
    case RoutingStrategy::RoundRobin: return "round_robin";
    case RoutingStrategy::LeastLatency: return "least_latency";
    case RoutingStrategy::LowestCost: return "lowest_cost";
    case RoutingStrategy::OrderedFallback: return "fallback";
    }
    return "weighted";
}

std::optional<RoutingStrategy> parseRoutingStrategy(std::string_view name)
{
    for (const auto strategy : {RoutingStrategy::WeightedRandom, RoutingStrategy::RoundRobin, RoutingStrategy::LeastLatency,
             RoutingStrategy::LowestCost, RoutingStrategy::OrderedFallback}) {
        if (routingStrategyName(strategy) == name)
            return strategy;
    }
    return std::nullopt;
}

// --- Latency -----------------------------------------------------------------------------------

LatencyStats::LatencyStats(double alpha)
    : m_alpha(std::clamp(alpha, 0.0, 1.0))
    , m_averageMs(std::numeric_limits<double>::quiet_NaN())
{
}

void LatencyStats::record(std::chrono::microseconds timeToFirstToken)
{
    const double sample = static_cast<double>(std::max<int64_t>(0, timeToFirstToken.count())) / 1000.0;
    double current = m_averageMs.load(std::memory_order_relaxed);
    double next;
    do {
        next = std::isnan(current) ? sample : current + m_alpha * (sample - current);
    } while (!m_averageMs.compare_exchange_weak(current, next, std::memory_order_relaxed));
    m_samples.fetch_add(1, std::memory_order_relaxed);
}

std::optional<double> LatencyStats::averageMs() const
{
    const double value = m_averageMs.load(std::memory_order_relaxed);
    if (std::isnan(value))
        return std::nullopt;
    return value;
}

std::shared_ptr<LatencyStats> LatencyRegistry::statsFor(const std::string& deploymentId)
{
    {
        std::shared_lock lock(m_mutex);
        if (const auto found = m_stats.find(deploymentId); found != m_stats.end())
            return found->second;
    }
    std::unique_lock lock(m_mutex);
    auto& slot = m_stats[deploymentId];
    if (!slot)
        slot = std::make_shared<LatencyStats>();
    return slot;
}

void LatencyRegistry::retainOnly(const std::vector<std::string>& deploymentIds)
{
    std::unique_lock lock(m_mutex);
    for (auto it = m_stats.begin(); it != m_stats.end();) {
        if (std::find(deploymentIds.begin(), deploymentIds.end(), it->first) == deploymentIds.end())
            it = m_stats.erase(it);
        else
            ++it;
    }
}

std::vector<std::pair<std::string, std::optional<double>>> LatencyRegistry::averages() const
{
    std::shared_lock lock(m_mutex);
    std::vector<std::pair<std::string, std::optional<double>>> out;
    out.reserve(m_stats.size());
    for (const auto& [id, stats] : m_stats)
        out.emplace_back(id, stats->averageMs());
    return out;
}

// --- Validation --------------------------------------------------------------------------------

std::vector<std::string> validateRoutePolicy(const RoutePolicy& policy)
{
    std::vector<std::string> problems;
    if (policy.deployments.empty())
        problems.push_back("deployments: a route needs at least one deployment");
    std::set<std::string, std::less<>> ids;
    for (std::size_t i = 0; i < policy.deployments.size(); ++i) {
        const auto& deployment = policy.deployments[i];
        const std::string field = "deployments[" + std::to_string(i) + "]";
        if (!ids.insert(deployment.id).second)
            problems.push_back(field + ": the deployment '" + deployment.id + "' appears twice in this route");
        if (deployment.weight < 0)
            problems.push_back(field + ".weight: must not be negative");
        for (const auto& [price, name] : {std::pair{deployment.inputPricePerMillion, "input_price_per_million"},
                 std::pair{deployment.outputPricePerMillion, "output_price_per_million"}}) {
            if (price && (!std::isfinite(*price) || *price < 0))
                problems.push_back(field + "." + name + ": must be a non-negative number");
        }
    }
    if (policy.strategy == RoutingStrategy::WeightedRandom && !policy.deployments.empty()
        && std::none_of(policy.deployments.begin(), policy.deployments.end(), [](const auto& d) { return d.weight > 0; }))
        problems.push_back("deployments: weighted routing needs a deployment with a weight above 0");
    for (std::size_t r = 0; r < policy.rules.size(); ++r) {
        const auto& rule = policy.rules[r];
        const std::string field = "rules[" + std::to_string(r) + "]";
        if (rule.deployments.empty())
            problems.push_back(field + ".deployments: a rule needs at least one deployment");
        for (std::size_t d = 0; d < rule.deployments.size(); ++d) {
            if (!indexOf(policy.deployments, rule.deployments[d]))
                problems.push_back(field + ".deployments[" + std::to_string(d) + "]: no deployment '" + rule.deployments[d] + "' in this route");
        }
        for (std::size_t c = 0; c < rule.conditions.size(); ++c) {
            const auto& condition = rule.conditions[c];
            const std::string conditionField = field + ".conditions[" + std::to_string(c) + "]";
            if ((condition.field == MatchField::Header || condition.field == MatchField::Metadata) && condition.name.empty())
                problems.push_back(conditionField + ".name: a header or metadata condition names what it looks at");
            if (condition.values.empty())
                problems.push_back(conditionField + ".values: a condition needs at least one value");
        }
    }
    if (policy.canary) {
        if (!indexOf(policy.deployments, policy.canary->deployment))
            problems.push_back("canary.deployment: no deployment '" + policy.canary->deployment + "' in this route");
        if (!(policy.canary->percent >= 0.0 && policy.canary->percent <= 100.0))
            problems.push_back("canary.percent: must be between 0 and 100");
    }
    if (!(policy.explorationRate >= 0.0 && policy.explorationRate <= 1.0))
        problems.push_back("exploration_rate: must be between 0 and 1");
    return problems;
}

// --- The picker --------------------------------------------------------------------------------

DeploymentPicker::DeploymentPicker(RoutePolicy policy)
    : m_policy(std::move(policy))
{
    for (auto& rule : m_policy.rules) {
        for (auto& condition : rule.conditions) {
            if (condition.field == MatchField::Header)
                condition.name = lowercase(std::move(condition.name));
        }
        std::vector<std::size_t> targets;
        for (const auto& id : rule.deployments) {
            const auto index = indexOf(m_policy.deployments, id);
            if (index && std::find(targets.begin(), targets.end(), *index) == targets.end())
                targets.push_back(*index);
        }
        m_ruleTargets.push_back(std::move(targets));
    }
    if (m_policy.canary)
        m_canary = indexOf(m_policy.deployments, m_policy.canary->deployment);
}

bool DeploymentPicker::matches(const RoutingRule& rule, const PickRequest& request) const
{
    for (const auto& condition : rule.conditions) {
        std::optional<std::string_view> value;
        switch (condition.field) {
        case MatchField::Tenant: value = request.tenant; break;
        case MatchField::Consumer: value = request.consumer; break;
        case MatchField::ApiKey: value = request.keyName; break;
        case MatchField::Header:
            if (request.header)
                value = request.header(condition.name);
            break;
        case MatchField::Metadata:
            if (request.metadata)
                value = request.metadata(condition.name);
            break;
        }
        if (!value || std::find(condition.values.begin(), condition.values.end(), *value) == condition.values.end())
            return false;
    }
    return true;
}

PickResult DeploymentPicker::pick(const PickRequest& request, RandomSource& random) const
{
    PickResult result;
    const auto& deployments = m_policy.deployments;
    std::vector<bool> usable(deployments.size(), false);
    for (std::size_t i = 0; i < deployments.size(); ++i) {
        usable[i] = !deployments[i].breaker || deployments[i].breaker->admitsRequests();
        if (!usable[i])
            ++result.skippedOpen;
    }

    for (std::size_t r = 0; r < m_policy.rules.size(); ++r) {
        if (!matches(m_policy.rules[r], request))
            continue;
        result.rule = static_cast<int>(r);
        std::vector<std::size_t> chosen;
        for (const auto index : m_ruleTargets[r]) {
            if (usable[index])
                chosen.push_back(index);
        }
        result.attempts = ordered(std::move(chosen), request, random);
        if (m_policy.rules[r].fallBackToOthers) {
            std::vector<std::size_t> others;
            for (std::size_t i = 0; i < deployments.size(); ++i) {
                const auto& targets = m_ruleTargets[r];
                if (usable[i] && std::find(targets.begin(), targets.end(), i) == targets.end())
                    others.push_back(i);
            }
            const auto rest = ordered(std::move(others), request, random);
            result.attempts.insert(result.attempts.end(), rest.begin(), rest.end());
        }
        return result;
    }

    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < deployments.size(); ++i) {
        if (usable[i] && i != m_canary)
            candidates.push_back(i);
    }
    if (m_canary) {
        const bool canaryUsable = usable[*m_canary];
        // The draw is made even when the canary's circuit is open, so the split stays the same.
        const bool canaryTurn = random.uniform() * 100.0 < m_policy.canary->percent;
        if (canaryTurn && canaryUsable) {
            result.canary = true;
            result.attempts.push_back(*m_canary);
            const auto rest = ordered(std::move(candidates), request, random);
            result.attempts.insert(result.attempts.end(), rest.begin(), rest.end());
            return result;
        }
        result.attempts = ordered(std::move(candidates), request, random);
        if (canaryUsable)
            result.attempts.push_back(*m_canary);
        return result;
    }
    result.attempts = ordered(std::move(candidates), request, random);
    return result;
}

std::vector<std::size_t> DeploymentPicker::ordered(std::vector<std::size_t> candidates, const PickRequest& request, RandomSource& random) const
{
    if (candidates.size() < 2)
        return candidates; // nothing to order (the common single-deployment route: no allocation)
    const auto& deployments = m_policy.deployments;
    std::stable_sort(candidates.begin(), candidates.end(),
        [&](std::size_t a, std::size_t b) { return deployments[a].priority < deployments[b].priority; });
    const uint64_t turn = m_policy.strategy == RoutingStrategy::RoundRobin ? m_roundRobin.fetch_add(1, std::memory_order_relaxed) : 0;
    std::vector<std::size_t> out;
    out.reserve(candidates.size());
    for (std::size_t begin = 0; begin < candidates.size();) {
        std::size_t end = begin + 1;
        while (end < candidates.size() && deployments[candidates[end]].priority == deployments[candidates[begin]].priority)
            ++end;
        std::vector<std::size_t> group(candidates.begin() + static_cast<std::ptrdiff_t>(begin), candidates.begin() + static_cast<std::ptrdiff_t>(end));
        orderGroup(group, begin == 0, turn, request, random);
        out.insert(out.end(), group.begin(), group.end());
        begin = end;
    }
    return out;
}

void DeploymentPicker::orderGroup(std::vector<std::size_t>& group, bool first, uint64_t turn, const PickRequest& request, RandomSource& random) const
{
    if (group.size() < 2)
        return;
    const auto& deployments = m_policy.deployments;
    switch (m_policy.strategy) {
    case RoutingStrategy::WeightedRandom: {
        // Draws without replacement: each next one by weight among those left. Weights of 0 or
        // less are never drawn and stay at the end in their order.
        std::vector<std::size_t> drawn;
        drawn.reserve(group.size());
        std::vector<std::size_t> left;
        std::vector<std::size_t> unweighted;
        for (const auto index : group)
            (deployments[index].weight > 0 ? left : unweighted).push_back(index);
        while (!left.empty()) {
            int64_t total = 0;
            for (const auto index : left)
                total += deployments[index].weight;
            auto point = static_cast<int64_t>(random.uniform() * static_cast<double>(total));
            std::size_t chosen = left.size() - 1;
            for (std::size_t i = 0; i < left.size(); ++i) {
                point -= deployments[left[i]].weight;
                if (point < 0) {
                    chosen = i;
                    break;
                }
            }
            drawn.push_back(left[chosen]);
            left.erase(left.begin() + static_cast<std::ptrdiff_t>(chosen));
        }
        drawn.insert(drawn.end(), unweighted.begin(), unweighted.end());
        group = std::move(drawn);
        return;
    }
    case RoutingStrategy::RoundRobin:
        std::rotate(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(turn % group.size()), group.end());
        return;
    case RoutingStrategy::LeastLatency: {
        // Untried deployments first (they need a measurement), then the fastest average, then
        // those that cannot be measured.
        const auto rank = [&](std::size_t index) -> std::pair<int, double> {
            const auto& latency = deployments[index].latency;
            if (!latency)
                return {2, 0.0};
            const auto average = latency->averageMs();
            return average ? std::pair{1, *average} : std::pair{0, 0.0};
        };
        std::stable_sort(group.begin(), group.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
        if (first && m_policy.explorationRate > 0 && random.uniform() < m_policy.explorationRate) {
            const std::size_t explored = drawIndex(random, group.size());
            std::rotate(group.begin(), group.begin() + static_cast<std::ptrdiff_t>(explored),
                group.begin() + static_cast<std::ptrdiff_t>(explored) + 1);
        }
        return;
    }
    case RoutingStrategy::LowestCost: {
        const bool estimated = request.promptTokens > 0 || request.completionTokens > 0;
        const double promptWeight = estimated ? static_cast<double>(std::max<int64_t>(0, request.promptTokens)) : 1.0;
        const double completionWeight = estimated ? static_cast<double>(std::max<int64_t>(0, request.completionTokens)) : 1.0;
        // Unpriced deployments last: their cost is unknown, not zero.
        const auto cost = [&](std::size_t index) {
            const auto& deployment = deployments[index];
            if (!deployment.inputPricePerMillion && !deployment.outputPricePerMillion)
                return std::numeric_limits<double>::infinity();
            return deployment.inputPricePerMillion.value_or(0.0) * promptWeight + deployment.outputPricePerMillion.value_or(0.0) * completionWeight;
        };
        std::stable_sort(group.begin(), group.end(), [&](std::size_t a, std::size_t b) { return cost(a) < cost(b); });
        return;
    }
    case RoutingStrategy::OrderedFallback:
        return; // the priority order, then the configuration's
    }
}

} // namespace gatehouse
