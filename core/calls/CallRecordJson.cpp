#include "calls/CallRecordJson.h"

#include "governance/AccessControl.h"
#include "json/JsonValues.h"

namespace gatehouse {
namespace {

Json text(const std::string& value)
{
    return value.empty() ? Json(nullptr) : Json(value);
}

Json micros(const std::optional<std::chrono::microseconds>& value)
{
    return value ? Json(value->count()) : Json(nullptr);
}

Json usd(const std::optional<int64_t>& micros)
{
    return micros ? usdJson(*micros) : Json(nullptr);
}

std::string csvText(const Json& value)
{
    if (value.is_null())
        return {};
    if (value.is_string())
        return value.get<std::string>();
    return value.dump();
}

} // namespace

Json callRecordJson(const CallRecord& record, std::optional<int64_t> id)
{
    Json tags = Json::object();
    if (!record.tags.empty()) {
        auto parsed = Json::parse(record.tags, nullptr, false);
        if (parsed.is_object())
            tags = std::move(parsed);
    }
    return {
        {"id", nullableJson(id)},
        {"request_id", record.requestId},
        {"started_at", formatUtcTimestamp(record.startedAtMs())},
        {"started_at_ms", record.startedAtMs()},
        {"endpoint", record.endpoint},
        {"key_prefix", text(record.keyPrefix)},
        {"tenant", text(record.tenant)},
        {"consumer", text(record.consumer)},
        {"model", text(record.model)},
        {"route", text(record.route)},
        {"provider", text(record.provider)},
        {"deployment", text(record.deployment)},
        {"status", record.status},
        {"error_code", text(record.errorCode)},
        {"stream", record.stream},
        {"ttfb_us", micros(record.timeToFirstByte)},
        {"latency_us", record.latency.count()},
        {"overhead_us", micros(record.gatewayOverhead)},
        {"prompt_tokens", nullableJson(record.promptTokens)},
        {"completion_tokens", nullableJson(record.completionTokens)},
        {"cached_tokens", nullableJson(record.cachedTokens)},
        {"cache_write_tokens", nullableJson(record.cacheWriteTokens)},
        {"reasoning_tokens", nullableJson(record.reasoningTokens)},
        {"usage_estimated", record.usageEstimated},
        {"cost_usd", usd(record.costMicros)},
        {"saved_usd", usd(record.savedMicros)},
        {"attempts", record.attempts},
        {"cache", text(record.cache)},
        {"client_ip", text(record.clientIp)},
        {"user_agent", text(record.userAgent)},
        {"tags", std::move(tags)},
        {"prompt", text(record.prompt)},
        {"prompt_version", nullableJson(record.promptVersion)},
        {"prompt_label", text(record.promptLabel)},
    };
}

std::vector<std::string> callRecordFieldNames()
{
    std::vector<std::string> names;
    const auto json = callRecordJson(CallRecord{}); // kept: items() refers into it
    for (const auto& [name, value] : json.items())
        names.push_back(name);
    return names;
}

std::vector<std::string> callRecordCsvFields(const CallRecord& record, std::optional<int64_t> id)
{
    std::vector<std::string> fields;
    const auto json = callRecordJson(record, id);
    for (const auto& [name, value] : json.items())
        fields.push_back(name == "tags" && value.empty() ? std::string() : csvText(value));
    return fields;
}

} // namespace gatehouse
