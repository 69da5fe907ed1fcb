#include "store/CallHistory.h"

#include <charconv>
#include <variant>

namespace gatehouse {
namespace {

constexpr std::string_view kColumns =
    "id, started_at_ms, request_id, endpoint, key_prefix, tenant, consumer, model, route, provider, deployment, status, "
    "error_code, stream, ttfb_us, latency_us, overhead_us, prompt_tokens, completion_tokens, cached_tokens, "
    "cache_write_tokens, reasoning_tokens, usage_estimated, cost_micros, saved_micros, attempts, cache, client_ip, "
    "user_agent, tags, prompt, prompt_version, prompt_label";

std::string textAt(const Statement& row, int column)
{
    return row.columnIsNull(column) ? std::string() : row.columnText(column);
}

std::optional<int64_t> integerAt(const Statement& row, int column)
{
    return row.columnIsNull(column) ? std::nullopt : std::optional<int64_t>(row.columnInt(column));
}

std::optional<std::chrono::microseconds> microsAt(const Statement& row, int column)
{
    const auto value = integerAt(row, column);
    return value ? std::optional<std::chrono::microseconds>(*value) : std::nullopt;
}

StoredCall callAt(const Statement& row)
{
    StoredCall call;
    call.id = row.columnInt(0);
    auto& record = call.record;
    record.startedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(row.columnInt(1)));
    record.requestId = textAt(row, 2);
    record.endpoint = textAt(row, 3);
    record.keyPrefix = textAt(row, 4);
    record.tenant = textAt(row, 5);
    record.consumer = textAt(row, 6);
    record.model = textAt(row, 7);
    record.route = textAt(row, 8);
    record.provider = textAt(row, 9);
    record.deployment = textAt(row, 10);
    record.status = static_cast<int>(row.columnInt(11));
    record.errorCode = textAt(row, 12);
    record.stream = row.columnInt(13) != 0;
    record.timeToFirstByte = microsAt(row, 14);
    record.latency = std::chrono::microseconds(row.columnInt(15));
    record.gatewayOverhead = microsAt(row, 16);
    record.promptTokens = integerAt(row, 17);
    record.completionTokens = integerAt(row, 18);
    record.cachedTokens = integerAt(row, 19);
    record.cacheWriteTokens = integerAt(row, 20);
    record.reasoningTokens = integerAt(row, 21);
    record.usageEstimated = row.columnInt(22) != 0;
    record.costMicros = integerAt(row, 23);
    record.savedMicros = integerAt(row, 24);
    record.attempts = static_cast<int>(integerAt(row, 25).value_or(0));
    record.cache = textAt(row, 26);
    record.clientIp = textAt(row, 27);
    record.userAgent = textAt(row, 28);
    record.tags = textAt(row, 29);
    record.prompt = textAt(row, 30);
    record.promptVersion = integerAt(row, 31);
    record.promptLabel = textAt(row, 32);
    return call;
}

using Parameter = std::variant<int64_t, std::string>;

// A status filter as the statuses it selects: [first, last).
struct StatusRange {
    int64_t first = 0;
    int64_t last = 0;
};

StatusRange statusRange(const std::string& status)
{
    if (status == "error")
        return {400, 1000};
    if (status.size() == 3 && status[1] == 'x' && status[2] == 'x' && status[0] >= '1' && status[0] <= '5') {
        const int64_t first = (status[0] - '0') * 100;
        return {first, first + 100};
    }
    int code = 0;
    const auto [end, error] = std::from_chars(status.data(), status.data() + status.size(), code);
    if (error != std::errc() || end != status.data() + status.size() || code < 100 || code > 599)
        throw CallHistoryError("status", "status: '" + status + "' is not a status filter; use a code like 429, a class like 5xx, or error");
    return {code, code + 1};
}

// The SQL condition for a status filter, with its parameters.
void addStatusCondition(const std::string& status, std::string& where, std::vector<Parameter>& parameters)
{
    const auto range = statusRange(status);
    where += " AND status >= ? AND status < ?";
    parameters.emplace_back(range.first);
    parameters.emplace_back(range.last);
}

bool equalsIfSet(const std::optional<std::string>& wanted, const std::string& value)
{
    return !wanted || *wanted == value;
}

} // namespace

bool callMatches(const CallFilter& filter, const CallRecord& record)
{
    const auto startedAtMs = record.startedAtMs();
    if ((filter.sinceMs && startedAtMs < *filter.sinceMs) || (filter.untilMs && startedAtMs >= *filter.untilMs))
        return false;
    if (filter.consumer && *filter.consumer != record.tenant + "/" + record.consumer)
        return false;
    if (filter.status) {
        const auto range = statusRange(*filter.status);
        if (record.status < range.first || record.status >= range.last)
            return false;
    }
    return equalsIfSet(filter.tenant, record.tenant) && equalsIfSet(filter.keyPrefix, record.keyPrefix)
        && equalsIfSet(filter.model, record.model) && equalsIfSet(filter.provider, record.provider);
}

std::string CallCursor::text() const
{
    return std::to_string(startedAtMs) + "-" + std::to_string(id);
}

std::optional<CallCursor> CallCursor::parse(const std::string& text)
{
    // Two runs of digits around one dash: nothing signed, nothing else.
    const auto dash = text.find('-');
    if (dash == std::string::npos || text.find_first_not_of("0123456789-") != std::string::npos || text.find('-', dash + 1) != std::string::npos)
        return std::nullopt;
    CallCursor cursor;
    const auto* begin = text.data();
    const auto* end = text.data() + text.size();
    const auto first = std::from_chars(begin, begin + dash, cursor.startedAtMs);
    const auto second = std::from_chars(begin + dash + 1, end, cursor.id);
    if (first.ec != std::errc() || first.ptr != begin + dash || second.ec != std::errc() || second.ptr != end)
        return std::nullopt;
    return cursor;
}

CallHistory::CallHistory(Database& database)
    : m_db(database)
{
}

CallPage CallHistory::list(const CallFilter& filter, int64_t limit, const std::optional<CallCursor>& after)
{
    if (limit < 1 || limit > kMaxPageLimit)
        throw CallHistoryError("limit", "limit: must be between 1 and " + std::to_string(kMaxPageLimit));
    std::string where = " WHERE 1";
    std::vector<Parameter> parameters;
    const auto equals = [&](const char* column, const std::optional<std::string>& value) {
        if (!value)
            return;
        where += std::string(" AND ") + column + " = ?";
        parameters.emplace_back(*value);
    };
    if (filter.sinceMs) {
        where += " AND started_at_ms >= ?";
        parameters.emplace_back(*filter.sinceMs);
    }
    if (filter.untilMs) {
        where += " AND started_at_ms < ?";
        parameters.emplace_back(*filter.untilMs);
    }
    equals("tenant", filter.tenant);
    if (filter.consumer) {
        const auto slash = filter.consumer->find('/');
        if (slash == std::string::npos)
            throw CallHistoryError("consumer", "consumer: '" + *filter.consumer + "': a consumer is named tenant/consumer");
        where += " AND tenant = ? AND consumer = ?";
        parameters.emplace_back(filter.consumer->substr(0, slash));
        parameters.emplace_back(filter.consumer->substr(slash + 1));
    }
    equals("key_prefix", filter.keyPrefix);
    equals("model", filter.model);
    equals("provider", filter.provider);
    if (filter.status)
        addStatusCondition(*filter.status, where, parameters);
    if (after) {
        // Keyset paging over the time index (its rows are ordered by time, then id).
        where += " AND (started_at_ms < ? OR (started_at_ms = ? AND id < ?))";
        parameters.emplace_back(after->startedAtMs);
        parameters.emplace_back(after->startedAtMs);
        parameters.emplace_back(after->id);
    }
    auto query = m_db.prepare(std::string("SELECT ") + std::string(kColumns) + " FROM calls INDEXED BY calls_by_time" + where
        + " ORDER BY started_at_ms DESC, id DESC LIMIT ?");
    int index = 1;
    for (const auto& parameter : parameters) {
        if (const auto* number = std::get_if<int64_t>(&parameter))
            query.bind(index++, *number);
        else
            query.bind(index++, std::get<std::string>(parameter));
    }
    query.bind(index, limit + 1); // one more tells whether another page follows
    CallPage page;
    while (query.step()) {
        if (static_cast<int64_t>(page.items.size()) == limit) {
            const auto& last = page.items.back();
            page.next = CallCursor{last.record.startedAtMs(), last.id};
            break;
        }
        page.items.push_back(callAt(query));
    }
    return page;
}

std::optional<StoredCall> CallHistory::find(const std::string& requestId)
{
    auto query = m_db.prepare(std::string("SELECT ") + std::string(kColumns) + " FROM calls WHERE request_id = ? ORDER BY id LIMIT 1");
    query.bind(1, requestId);
    if (!query.step())
        return std::nullopt;
    auto call = callAt(query);
    auto payload = m_db.prepare("SELECT request_headers, request, response_status, response, request_truncated, response_truncated "
                                "FROM call_payloads WHERE call_id = ?");
    payload.bind(1, call.id);
    if (payload.step()) {
        call.record.payload = std::make_shared<CallPayload>(CallPayload{textAt(payload, 0), textAt(payload, 1), textAt(payload, 3),
            static_cast<int>(payload.columnInt(2)), payload.columnInt(4) != 0, payload.columnInt(5) != 0});
    }
    return call;
}

std::vector<StoredCall> CallHistory::after(int64_t id, int64_t limit)
{
    auto query = m_db.prepare(std::string("SELECT ") + std::string(kColumns) + " FROM calls WHERE id > ? ORDER BY id LIMIT ?");
    query.bind(1, id).bind(2, limit);
    std::vector<StoredCall> calls;
    while (query.step())
        calls.push_back(callAt(query));
    return calls;
}

} // namespace gatehouse
