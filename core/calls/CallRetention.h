// Prunes the call log as its RetentionSettings say (docs/analytics.md "Retention"): records older
// than their maximum age, then the oldest records while the database uses more than its cap, then
// rollups past their granularity's age. Deletes in chunks of a bounded size, one transaction each,
// so that the writer it runs on is never held up for long.
#pragma once

#include "config/RetentionSettings.h"

#include <cstdint>

namespace gatehouse {

class Database;

struct PruneResult {
    int64_t callsByAge = 0;
    int64_t callsBySize = 0;
    int64_t rollupRows = 0;

    bool more = false; // the pass stopped at its bound with work left: the next should come soon

    int64_t calls() const { return callsByAge + callsBySize; }
};

class CallRetention {
public:
    static constexpr int64_t kChunkRows = 5000;
    // What one pass deletes at most, so that the writer it runs on goes back to writing records
    // before its queue fills (after a long downtime or a lowered limit the backlog can be large).
    static constexpr int64_t kMaxCallsPerPass = 50'000;
    static constexpr int64_t kMaxRollupRowsPerPass = 200'000;

    explicit CallRetention(RetentionSettings settings);

    // One pass at `nowMs`, bounded (kMaxCallsPerPass, kMaxRollupRowsPerPass). Throws StoreError.
    PruneResult prune(Database& database, int64_t nowMs) const;

    const RetentionSettings& settings() const { return m_settings; }

private:
    RetentionSettings m_settings;
};

// The bytes the database's pages hold (its file size less the free pages it reuses).
int64_t databaseUsedBytes(Database& database);

} // namespace gatehouse
