// What the recorded calls of a budget's scope cost within a window: where a budget's spending
// starts when the gateway starts or the budget is (re)defined (BudgetLedger's SpentLoader).
#pragma once

#include "policy/BudgetLedger.h"
#include "store/Database.h"

#include <optional>

namespace gatehouse {

// Sums calls.cost_micros of the scope (key: key_prefix; consumer "tenant/consumer": tenant and
// consumer; tenant: tenant) started within [window.startMs, window.endMs). Nothing when the
// scope cannot be in the calls table (a model) or the query fails: the ledger then fails closed.
std::optional<int64_t> recordedSpendMicros(Database& database, const PolicyScope& scope, const BudgetWindow& window);

} // namespace gatehouse
