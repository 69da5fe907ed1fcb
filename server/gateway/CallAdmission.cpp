#include "gateway/CallAdmission.h"

#include <algorithm>

namespace gatehouse {
namespace {

int64_t epochMs(std::chrono::system_clock::time_point time)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

int64_t promptEstimate(const RequestContext& context)
{
    return estimateTokens(context.request.message.body().size());
}

int64_t completionBound(const RequestContext& context)
{
    if (context.api == IngressApi::Embeddings)
        return 0;
    return context.chat.maxTokens.value_or(context.snapshot->config().policy.assumedCompletionTokens);
}

} // namespace

CallAdmission::CallAdmission(RateLimiter& limiter, BudgetLedger& budgets)
    : m_limiter(limiter)
    , m_budgets(budgets)
{
}

int64_t CallAdmission::estimatedTokens(const RequestContext& context)
{
    return promptEstimate(context) + completionBound(context);
}

int64_t CallAdmission::worstCaseMicros(const RequestContext& context)
{
    const auto prompt = promptEstimate(context);
    const auto completion = completionBound(context);
    const auto nowMs = epochMs(context.request.receivedAtWallClock);
    int64_t worst = 0;
    const auto consider = [&](const Route* route) {
        if (!route)
            return;
        for (const auto& deployment : route->deployments) {
            if (const auto price = deployment.priceAt(nowMs))
                worst = std::max(worst, price->costMicros(prompt, completion));
        }
    };
    const auto& route = *context.route;
    consider(&route);
    for (const auto* list : {&route.fallbacks, &route.contextWindowFallbacks}) {
        for (const auto& model : *list)
            consider(context.snapshot->route(model));
    }
    return worst;
}

StageStatus CallAdmission::admit(RequestContext& context, ResponseHeaders& refusalHeaders) const
{
    const auto& caller = *context.caller;
    // A call no limit and no budget applies to touches neither the limiter's nor the ledger's locks.
    const auto limited = context.snapshot->rateLimitsFor(caller, *context.route);
    RateDecision rate;
    if (!limited.empty()) {
        rate = m_limiter.admit(limited, estimatedTokens(context));
        context.facts.rateLimitHeaders = rateLimitHeaders(rate.snapshot);
    }
    if (rate.refusal) {
        context.error = rate.refusal->toApiError();
        refusalHeaders = rate.headers();
        // The x-ratelimit-* trio goes out with every answer already; keep only Retry-After here.
        std::erase_if(refusalHeaders, [](const auto& header) { return header.first.rfind("x-ratelimit-", 0) == 0; });
        return StageStatus::Stop;
    }
    if (context.snapshot->config().policy.budgets.empty()) {
        context.ratePermit = std::move(rate.permit);
        return StageStatus::Continue;
    }
    const auto nowMs = epochMs(context.request.receivedAtWallClock);
    auto budget = m_budgets.reserve(GatewaySnapshot::budgetScopesFor(caller), worstCaseMicros(context), nowMs);
    if (budget.refusal) {
        context.error = budget.refusal->toApiError();
        if (const auto seconds = budget.refusal->retryAfterSeconds(nowMs))
            refusalHeaders.emplace_back("Retry-After", std::to_string(*seconds));
        return StageStatus::Stop; // the rate permit is dropped with `rate`: nothing stays claimed
    }
    context.ratePermit = std::move(rate.permit);
    context.budget = std::move(budget.reservation);
    return StageStatus::Continue;
}

void CallAdmission::settle(RequestContext& context) const
{
    const auto& record = context.record;
    const auto tokens = record.promptTokens.value_or(0) + record.completionTokens.value_or(0);
    context.ratePermit.settle(tokens);
    context.ratePermit.release();
    context.deploymentPermit.settle(tokens);
    context.deploymentPermit.release();
    if (context.budget.pending())
        m_budgets.settle(context.budget, record.costMicros.value_or(0));
}

} // namespace gatehouse
