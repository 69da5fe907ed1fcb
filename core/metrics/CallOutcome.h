// How a call ended, as /metrics counts it: a small fixed set of reasons, so that error codes a
// provider invents can never become label values.
#pragma once

#include "calls/CallRecord.h"

#include <cstddef>
#include <string_view>

namespace gatehouse {

enum class CallOutcome {
    Succeeded,
    RateLimited,    // refused by the gateway's rate limits before any deployment was called
    OverBudget,     // refused by a budget (exceeded, or its spending unknown) before any deployment was called
    Unauthorized,   // 401/403 from the gateway: no key, a wrong or expired key, access denied
    InvalidRequest, // another 4xx from the gateway itself: bad JSON, unknown model, wrong method, too large
    NoDeployment,   // a 5xx before any deployment was called: all circuits open, provider unusable
    UpstreamFailed, // failed after a deployment was called: its error (a provider's own 429 too), timeout, broken stream
    ClientClosed,   // the client went away before its answer ended
    CutOffAtShutdown,
};
inline constexpr std::size_t kCallOutcomeCount = static_cast<std::size_t>(CallOutcome::CutOffAtShutdown) + 1;

CallOutcome classifyCall(const CallRecord& record);

// The `reason` label of gatehouse_request_errors_total ("" for Succeeded).
std::string_view callOutcomeLabel(CallOutcome outcome);

} // namespace gatehouse
