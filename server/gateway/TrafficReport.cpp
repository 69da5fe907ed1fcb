#include "gateway/TrafficReport.h"

#include "governance/AccessControl.h"
#include "json/JsonValues.h"

#include <map>
#include <set>

namespace gatehouse {
namespace {


Json deployments(TrafficControl& traffic, const GatewaySnapshot& snapshot)
{
    // The public models each deployment serves, from the snapshot's configuration.
    std::map<std::string, std::pair<const DeploymentConfig*, std::vector<std::string>>> served;
    for (const auto& model : snapshot.config().models) {
        for (const auto& deployment : model.deployments) {
            auto& entry = served[deploymentId(deployment.provider, deployment.upstreamModel)];
            entry.first = &deployment;
            entry.second.push_back(model.name);
        }
    }
    std::map<std::string, std::optional<double>> latency;
    for (const auto& [id, average] : traffic.latency().averages())
        latency[id] = average;
    Json data = Json::array();
    for (const auto& [id, breaker] : traffic.breakers().snapshots()) {
        const auto found = served.find(id);
        if (found == served.end())
            continue; // no longer served: pruned at the next snapshot
        const auto& deployment = *found->second.first;
        const auto samples = traffic.latency().statsFor(id)->samples();
        const auto average = latency.count(id) ? latency[id] : std::nullopt;
        data.push_back({
            {"deployment", id},
            {"provider", deployment.provider},
            {"model", deployment.upstreamModel},
            {"models", found->second.second},
            {"circuit", breakerStateName(breaker.state)},
            {"consecutive_failures", breaker.consecutiveFailures},
            {"window_requests", breaker.windowRequests},
            {"window_failures", breaker.windowFailures},
            {"error_rate", breaker.windowRequests ? static_cast<double>(breaker.windowFailures) / static_cast<double>(breaker.windowRequests) : 0.0},
            {"retry_in_ms", breaker.retryIn.count()},
            {"successes", breaker.successes},
            {"failures", breaker.failures},
            {"rejected", breaker.rejected},
            {"times_opened", breaker.timesOpened},
            {"last_failure", breaker.lastFailure},
            {"latency_ms", average ? Json(*average) : Json(nullptr)},
            {"latency_samples", samples},
        });
    }
    return data;
}

Json rateLimits(TrafficControl& traffic, const GatewaySnapshot& snapshot)
{
    std::vector<ScopedLimits> all = snapshot.config().policy.limits;
    for (const auto& model : snapshot.config().models) {
        if (model.limits.any())
            all.push_back({{ScopeKind::Model, model.name}, model.limits});
    }
    // Deployments' quotas, once each however many models route to them.
    std::set<std::string> deploymentsSeen;
    for (const auto& model : snapshot.config().models) {
        for (const auto& deployment : model.deployments) {
            auto id = deploymentId(deployment.provider, deployment.upstreamModel);
            if (deployment.limits.any() && deploymentsSeen.insert(id).second)
                all.push_back({{ScopeKind::Deployment, std::move(id)}, deployment.limits});
        }
    }
    Json data = Json::array();
    for (const auto& scoped : all) {
        const auto usage = traffic.limiter().usage(scoped);
        const auto& limits = scoped.limits;
        data.push_back({
            {"scope", scopeKindName(scoped.scope.kind)},
            {"id", scoped.scope.id},
            {"requests_per_minute", nullableJson(limits.requestsPerMinute)},
            {"tokens_per_minute", nullableJson(limits.tokensPerMinute)},
            {"concurrent", nullableJson(limits.concurrentRequests)},
            {"requests_remaining", usage.requests ? Json(usage.requests->remaining) : Json(nullptr)},
            {"requests_reset_ms", usage.requests ? Json(usage.requests->resetMs) : Json(nullptr)},
            {"tokens_remaining", usage.tokens ? Json(usage.tokens->remaining) : Json(nullptr)},
            {"tokens_reset_ms", usage.tokens ? Json(usage.tokens->resetMs) : Json(nullptr)},
            {"in_flight", usage.inFlight},
        });
    }
    return data;
}

Json budgets(TrafficControl& traffic, const GatewaySnapshot& snapshot, int64_t nowMs)
{
    std::set<std::pair<int, std::string>> seen;
    Json data = Json::array();
    for (const auto& budget : snapshot.config().policy.budgets) {
        if (!seen.insert({static_cast<int>(budget.scope.kind), budget.scope.id}).second)
            continue; // usage() answers every budget of the scope at once
        for (const auto& usage : traffic.budgets().usage(budget.scope, nowMs)) {
            const auto& definition = usage.budget;
            const auto soft = definition.softThresholdMicros();
            data.push_back({
                {"scope", scopeKindName(definition.scope.kind)},
                {"id", definition.scope.id},
                {"period", budgetPeriodName(definition.period)},
                {"limit_usd", usdJson(definition.limitMicros)},
                {"soft_limit_usd", soft ? Json(usdJson(*soft)) : Json(nullptr)},
                {"spent_usd", usdJson(usage.spentMicros)},
                {"reserved_usd", usdJson(usage.reservedMicros)},
                {"remaining_usd", usdJson(usage.remainingMicros)},
                {"period_start", formatUtcTimestamp(usage.window.startMs)},
                {"resets_at", usage.window.endMs ? Json(formatUtcTimestamp(*usage.window.endMs)) : Json(nullptr)},
                {"soft_threshold_reached", usage.softThresholdReached},
                {"loaded", usage.loaded},
            });
        }
    }
    return data;
}

} // namespace

Json trafficReport(TrafficView view, TrafficControl& traffic, const GatewaySnapshot& snapshot, int64_t nowMs)
{
    switch (view) {
    case TrafficView::Deployments:
        return {{"data", deployments(traffic, snapshot)}};
    case TrafficView::RateLimits:
        return {{"data", rateLimits(traffic, snapshot)}};
    case TrafficView::Budgets:
        return {{"data", budgets(traffic, snapshot, nowMs)}};
    }
    return {{"data", Json::array()}};
}

} // namespace gatehouse
