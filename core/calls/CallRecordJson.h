// One call record as the admin API shows it (docs/admin-api.md "Calls"): the calls list, one
// call's detail and the live stream all write it with this one function, and the CSV export has
// the same fields in the same order.
#pragma once

#include "calls/CallRecord.h"
#include "json/Json.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

// {"id", "request_id", "started_at", "started_at_ms", "endpoint", "key_prefix", "tenant",
// "consumer", "model", "route", "provider", "deployment", "status", "error_code", "stream",
// "ttfb_us", "latency_us", "overhead_us", "prompt_tokens", "completion_tokens", "cached_tokens",
// "cache_write_tokens", "reasoning_tokens", "usage_estimated", "cost_usd", "saved_usd", "attempts",
// "cache", "client_ip", "user_agent", "tags"}. Unknown values are null; `id` is the stored row's
// (null for a record not stored yet); tags are an object.
Json callRecordJson(const CallRecord& record, std::optional<int64_t> id = std::nullopt);

// The same fields as text, for a CSV row: nulls empty, tags as their JSON text.
std::vector<std::string> callRecordFieldNames();
std::vector<std::string> callRecordCsvFields(const CallRecord& record, std::optional<int64_t> id);

} // namespace gatehouse
