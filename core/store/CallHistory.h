// Reads the call log back (docs/admin-api.md "Calls"): a filtered page of calls, newest first, and
// one call by its request id. The call-record writer is the only writer; this is a reader on its
// own connection (WAL lets it read while the writer commits).
#pragma once

#include "calls/CallRecord.h"
#include "store/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

struct StoredCall {
    int64_t id = 0; // the row's id: increases with every record written
    CallRecord record;
};

// Which calls: every set field must match. Times are epoch ms, `since` included, `until` not.
struct CallFilter {
    std::optional<int64_t> sinceMs;
    std::optional<int64_t> untilMs;
    std::optional<std::string> tenant;
    std::optional<std::string> consumer; // "tenant/consumer", as limits and budgets name consumers
    std::optional<std::string> keyPrefix;
    std::optional<std::string> model;    // the model the client asked for
    std::optional<std::string> provider;
    // "200" (exactly), "2xx", "4xx", "5xx", or "error" (every status of 400 and above).
    std::optional<std::string> status;
};

// Whether `record` is one `filter` selects (the live stream's test; list() asks the database).
// Throws CallHistoryError for a bad status filter.
bool callMatches(const CallFilter& filter, const CallRecord& record);

// Where a page ends: the next page starts after this call (newest-first order).
struct CallCursor {
    int64_t startedAtMs = 0;
    int64_t id = 0;

    // "1733390000123-5821": what the API hands out as next_cursor.
    std::string text() const;
    // Nullopt for text that is not a cursor.
    static std::optional<CallCursor> parse(const std::string& text);
};

struct CallPage {
    std::vector<StoredCall> items;
    std::optional<CallCursor> next; // unset: this is the last page
};

class CallHistoryError : public std::runtime_error {
public:
    CallHistoryError(std::string field, const std::string& message)
        : std::runtime_error(message)
        , field(std::move(field))
    {
    }
    std::string field; // the query parameter at fault
};

class CallHistory {
public:
    static constexpr int64_t kMaxPageLimit = 10'000;

    explicit CallHistory(Database& database);

    // Newest first (by start time, then id). Throws CallHistoryError for a bad status filter or a
    // limit outside 1..kMaxPageLimit; StoreError when the database fails.
    CallPage list(const CallFilter& filter, int64_t limit, const std::optional<CallCursor>& after = std::nullopt);
    // The call with its captured payload, if its model captured one.
    std::optional<StoredCall> find(const std::string& requestId);
    // Up to `limit` calls written after the one with row id `id`, in the order they were written
    // (without payloads): how the writer finds the calls its rollups miss after a crash.
    std::vector<StoredCall> after(int64_t id, int64_t limit);

private:
    Database& m_db;
};

} // namespace gatehouse
