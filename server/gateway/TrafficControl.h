// The traffic policy's state that outlives configuration snapshots: deployment health (circuit
// breakers, latency), rate-limit buckets, budget spending and the response cache. One per gateway;
// the data plane reads it on every request, a snapshot swap updates it (applySnapshot).
#pragma once

#include "gateway/GatewaySnapshot.h"
#include "policy/BudgetLedger.h"
#include "policy/CircuitBreaker.h"
#include "policy/DeploymentPicker.h"
#include "policy/RateLimiter.h"
#include "policy/ResponseCache.h"

namespace gatehouse {

class TrafficControl {
public:
    // `loadSpent` tells a budget's spending so far (the recorded calls); `onBudgetAlert` hears of
    // every soft threshold crossed (the log, the console).
    TrafficControl(const PolicySettings& settings, BudgetLedger::SpentLoader loadSpent, BudgetLedger::AlertCallback onBudgetAlert = {});

    DeploymentHealth health() { return {&m_breakers, &m_latency}; }
    CircuitBreakerRegistry& breakers() { return m_breakers; }
    LatencyRegistry& latency() { return m_latency; }
    RateLimiter& limiter() { return m_limiter; }
    BudgetLedger& budgets() { return m_budgets; }
    ResponseCache& cache() { return m_cache; }

    // After `snapshot` became current: its budgets replace the ledger's (spending kept for the
    // budgets that remain), and the health of deployments it no longer has is forgotten. Returns
    // the budgets whose spending could not be loaded (they refuse requests: fail closed).
    std::vector<BudgetDefinition> applySnapshot(const GatewaySnapshot& snapshot);

private:
    CircuitBreakerRegistry m_breakers;
    LatencyRegistry m_latency;
    RateLimiter m_limiter;
    BudgetLedger m_budgets;
    ResponseCache m_cache;
};

} // namespace gatehouse
