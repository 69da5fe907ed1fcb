#include "gateway/TrafficControl.h"

namespace gatehouse {
namespace {

int64_t wallClockMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

TrafficControl::TrafficControl(const PolicySettings& settings, BudgetLedger::SpentLoader loadSpent, BudgetLedger::AlertCallback onBudgetAlert)
    : m_breakers(settings.circuitBreaker)
    , m_budgets(std::move(loadSpent), std::move(onBudgetAlert))
    , m_cache(ResponseCacheSettings{settings.cacheMaxBytes})
{
}

std::vector<BudgetDefinition> TrafficControl::applySnapshot(const GatewaySnapshot& snapshot)
{
    const auto ids = snapshot.deploymentIds();
    m_breakers.retainOnly(ids);
    m_latency.retainOnly(ids);
    return m_budgets.setBudgets(snapshot.config().policy.budgets, wallClockMs());
}

} // namespace gatehouse
