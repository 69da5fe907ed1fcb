#include "metrics/CallOutcome.h"

namespace gatehouse {

CallOutcome classifyCall(const CallRecord& record)
{
    const auto& code = record.errorCode;
    if (code == "shutdown_cut_off")
        return CallOutcome::CutOffAtShutdown;
    if (code == "client_closed")
        return CallOutcome::ClientClosed;
    if (code.empty() && record.status >= 100 && record.status < 400)
        return CallOutcome::Succeeded;
    // A provider answers 429 rate_limit_exceeded too; only a call that never reached a deployment
    // was refused by the gateway's own limits. The deployment is set by the first attempt (and by
    // a provider test, which counts no attempts).
    const bool reachedDeployment = record.attempts > 0 || !record.deployment.empty();
    if (reachedDeployment)
        return CallOutcome::UpstreamFailed;
    if (code == "rate_limit_exceeded")
        return CallOutcome::RateLimited;
    if (code == "budget_exceeded" || code == "budget_unavailable")
        return CallOutcome::OverBudget;
    if (record.status == 401 || record.status == 403)
        return CallOutcome::Unauthorized;
    if (record.status >= 400 && record.status < 500)
        return CallOutcome::InvalidRequest;
    return CallOutcome::NoDeployment;
}

std::string_view callOutcomeLabel(CallOutcome outcome)
{
    switch (outcome) {
    case CallOutcome::Succeeded:
        return "";
    case CallOutcome::RateLimited:
        return "rate_limited";
    case CallOutcome::OverBudget:
        return "budget";
    case CallOutcome::Unauthorized:
        return "unauthorized";
    case CallOutcome::InvalidRequest:
        return "invalid_request";
    case CallOutcome::NoDeployment:
        return "no_deployment";
    case CallOutcome::UpstreamFailed:
        return "upstream";
    case CallOutcome::ClientClosed:
        return "client_closed";
    case CallOutcome::CutOffAtShutdown:
        return "shutdown";
    }
    return "unknown";
}

} // namespace gatehouse
