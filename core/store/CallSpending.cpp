#include "store/CallSpending.h"

#include <limits>

namespace gatehouse {

std::optional<int64_t> recordedSpendMicros(Database& database, const PolicyScope& scope, const BudgetWindow& window)
{
    const int64_t endMs = window.endMs.value_or(std::numeric_limits<int64_t>::max());
    constexpr std::string_view sum = "SELECT COALESCE(SUM(cost_micros), 0) FROM calls WHERE started_at_ms >= ? AND started_at_ms < ? AND ";
    try {
        std::optional<Statement> query;
        switch (scope.kind) {
        case ScopeKind::ApiKey:
            query.emplace(database.prepare(std::string(sum) + "key_prefix = ?"));
            query->bind(3, scope.id);
            break;
        case ScopeKind::Tenant:
            query.emplace(database.prepare(std::string(sum) + "tenant = ?"));
            query->bind(3, scope.id);
            break;
        case ScopeKind::Consumer: {
            // "tenant/consumer": neither name can hold a slash (they are slugs).
            const auto slash = scope.id.find('/');
            if (slash == std::string::npos)
                return std::nullopt;
            query.emplace(database.prepare(std::string(sum) + "tenant = ? AND consumer = ?"));
            query->bind(3, scope.id.substr(0, slash)).bind(4, scope.id.substr(slash + 1));
            break;
        }
        case ScopeKind::Model:
        case ScopeKind::Deployment:
            return std::nullopt; // budgets are never on a model or a deployment
        }
        query->bind(1, window.startMs).bind(2, endMs);
        if (!query->step())
            return 0;
        return query->columnInt(0);
    } catch (const StoreError&) {
        return std::nullopt;
    }
}

} // namespace gatehouse
