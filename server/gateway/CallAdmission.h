// Rate limits and budgets around a data-plane call (docs/traffic-policy.md): before it goes
// upstream, its estimated tokens are claimed on every rate-limited scope and its worst-case cost
// reserved on every budget, all or nothing; after it, both are settled with what it really used.
#pragma once

#include "gateway/RequestStages.h"
#include "policy/BudgetLedger.h"
#include "policy/RateLimiter.h"

namespace gatehouse {

class CallAdmission {
public:
    CallAdmission(RateLimiter& limiter, BudgetLedger& budgets);

    // Continue: admitted (context.ratePermit and context.budget hold the claims). Stop: refused,
    // context.error says why (429 rate_limit_exceeded / budget_exceeded, 503 budget_unavailable)
    // and `refusalHeaders` carry Retry-After. Either way context.facts.rateLimitHeaders are set.
    StageStatus admit(RequestContext& context, ResponseHeaders& refusalHeaders) const;

    // After the call: the real tokens replace the estimate, the real cost (context.record.costMicros,
    // 0 when the call reached no provider or has no price) replaces the worst case.
    void settle(RequestContext& context) const;

    // The tokens claimed before the call: the prompt's estimate plus the answer's bound.
    static int64_t estimatedTokens(const RequestContext& context);
    // The most the call can cost: the estimate at the highest price among the deployments it may
    // reach (its model's and its fallback models').
    static int64_t worstCaseMicros(const RequestContext& context);

private:
    RateLimiter& m_limiter;
    BudgetLedger& m_budgets;
};

} // namespace gatehouse
