#include "calls/CallRetention.h"

#include "calls/CallRollups.h"
#include "store/Database.h"

#include <algorithm>
#include <climits>
#include <optional>

namespace gatehouse {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t pragmaValue(Database& database, const char* pragma)
{
    auto query = database.prepare(std::string("PRAGMA ") + pragma);
    return query.step() ? query.columnInt(0) : 0;
}

int64_t scalar(Statement& query)
{
    return query.step() && !query.columnIsNull(0) ? query.columnInt(0) : 0;
}

// Whether any call started before `cutoff`: checked first, so that a pass with nothing to prune
// takes no write lock at all.
bool oldestCallBefore(Database& database, int64_t cutoff)
{
    auto query = database.prepare("SELECT 1 FROM calls INDEXED BY calls_by_time WHERE started_at_ms < ? LIMIT 1");
    query.bind(1, cutoff);
    return query.step();
}

// Deletes up to `limit` of the oldest calls that started before `bound` (with their payloads);
// returns how many.
int64_t deleteOldestCalls(Database& database, int64_t bound, int64_t limit)
{
    int64_t deleted = 0;
    inTransaction(database, [&] {
        const auto chosen = "SELECT id FROM calls INDEXED BY calls_by_time WHERE started_at_ms < ? ORDER BY started_at_ms LIMIT "
            + std::to_string(limit);
        auto payloads = database.prepare("DELETE FROM call_payloads WHERE call_id IN (" + chosen + ")");
        auto feedback = database.prepare("DELETE FROM call_feedback WHERE request_id IN (SELECT request_id FROM calls WHERE id IN (" + chosen + "))");
        auto calls = database.prepare("DELETE FROM calls WHERE id IN (" + chosen + ")");
        payloads.bind(1, bound);
        payloads.step();
        feedback.bind(1, bound);
        feedback.step();
        calls.bind(1, bound);
        calls.step();
        auto changes = database.prepare("SELECT changes()");
        deleted = scalar(changes);
    });
    return deleted;
}

} // namespace

int64_t databaseUsedBytes(Database& database)
{
    const auto pageSize = pragmaValue(database, "page_size");
    return (pragmaValue(database, "page_count") - pragmaValue(database, "freelist_count")) * pageSize;
}

CallRetention::CallRetention(RetentionSettings settings)
    : m_settings(settings)
{
}

PruneResult CallRetention::prune(Database& database, int64_t nowMs) const
{
    PruneResult result;
    if (m_settings.callsMaxAgeDays > 0 && oldestCallBefore(database, nowMs - m_settings.callsMaxAgeDays * kDayMs)) {
        const auto cutoff = nowMs - m_settings.callsMaxAgeDays * kDayMs;
        for (int64_t deleted = kChunkRows; deleted == kChunkRows;) {
            if (result.calls() >= kMaxCallsPerPass) {
                result.more = true;
                return result;
            }
            deleted = deleteOldestCalls(database, cutoff, kChunkRows);
            result.callsByAge += deleted;
        }
    }
    if (m_settings.callsMaxMegabytes > 0) {
        // Freed pages are reused, not returned: the used size falls as records go, the file does not shrink.
        const auto capBytes = m_settings.callsMaxMegabytes * 1024 * 1024;
        for (auto used = databaseUsedBytes(database); used > capBytes; used = databaseUsedBytes(database)) {
            if (result.calls() >= kMaxCallsPerPass) {
                result.more = true;
                return result;
            }
            // As many of the oldest records as the excess holds at the records' average size (a
            // chunk at most): no more than needed go.
            int64_t records = 0;
            {
                auto count = database.prepare("SELECT COUNT(*) FROM calls");
                records = scalar(count);
            }
            const auto wanted = (used - capBytes) * records / used + 1;
            const auto deleted = deleteOldestCalls(database, INT64_MAX, std::min(kChunkRows, wanted));
            result.callsBySize += deleted;
            if (deleted == 0)
                break; // nothing left to delete: the rest is rollups and settings
        }
    }
    const std::pair<RollupGranularity, int64_t> rollupAges[] = {{RollupGranularity::Minute, m_settings.minuteRollupsMaxAgeDays},
        {RollupGranularity::Hour, m_settings.hourRollupsMaxAgeDays}, {RollupGranularity::Day, m_settings.dayRollupsMaxAgeDays}};
    for (const auto& [granularity, days] : rollupAges) {
        if (days <= 0)
            continue;
        // Sixty buckets per transaction, oldest first: a minute's rows can number thousands.
        const auto width = static_cast<int64_t>(granularity);
        const auto cutoff = nowMs - days * kDayMs;
        for (;;) {
            if (result.rollupRows >= kMaxRollupRowsPerPass) {
                result.more = true;
                return result;
            }
            std::optional<int64_t> oldestBucket;
            {
                // Read and finished before the transaction below: no read is held while writing.
                auto oldest = database.prepare("SELECT MIN(bucket_ms) FROM call_rollups WHERE granularity_ms = ? AND bucket_ms < ?");
                oldest.bind(1, width).bind(2, cutoff);
                if (oldest.step() && !oldest.columnIsNull(0))
                    oldestBucket = oldest.columnInt(0);
            }
            if (!oldestBucket)
                break;
            const auto bound = std::min(cutoff, *oldestBucket + 60 * width);
            inTransaction(database, [&] {
                for (const char* table : {"call_rollups", "call_rollup_cuts"}) {
                    auto remove = database.prepare(std::string("DELETE FROM ") + table + " WHERE granularity_ms = ? AND bucket_ms < ?");
                    remove.bind(1, width).bind(2, bound);
                    remove.step();
                    auto changes = database.prepare("SELECT changes()");
                    result.rollupRows += scalar(changes);
                }
            });
        }
    }
    return result;
}

} // namespace gatehouse
