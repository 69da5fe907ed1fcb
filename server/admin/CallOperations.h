// The admin API's view of the call log (docs/admin-api.md "Calls" and "Analytics"): a filtered,
// paged list of calls (JSON or CSV), one call's detail, and time series and top-N lists over the
// rollups, read from the database the call-record writer fills.
#pragma once

#include "admin/AdminOperations.h"
#include "store/CallAnalytics.h"
#include "store/CallHistory.h"

namespace gatehouse {

class CallOperations {
public:
    CallOperations(CallHistory& history, CallAnalytics& analytics);

    // ListCalls, GetCall, CallSeries, CallTop, and StreamCalls (checked here: the answer carries the
    // filter, AdminApi streams). Throws AdminInputError for bad input, StoreError.
    AdminResult run(const AdminCall& call);

private:
    AdminResult list(const AdminCall& call);
    AdminResult detail(const AdminCall& call);
    AdminResult series(const AdminCall& call);
    AdminResult top(const AdminCall& call);
    AdminResult stream(const AdminCall& call);

    CallHistory& m_history;
    CallAnalytics& m_analytics;
};

} // namespace gatehouse
