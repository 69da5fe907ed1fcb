#include "config/PriceSettings.h"

#include <chrono>
#include <cstdio>

namespace gatehouse {
namespace {

// Far above any list price (USD 75 per million output tokens for the dearest common models), low
// enough that a typo of a few digits is refused.
constexpr double kMaxPricePerMillion = 1'000'000.0;

bool isFamilyName(const std::string& name)
{
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

} // namespace

Json toJson(const TokenPrice& price)
{
    Json json{{"input_per_million", price.inputPerMillion}, {"output_per_million", price.outputPerMillion}};
    if (price.cachedInputPerMillion)
        json["cached_input_per_million"] = *price.cachedInputPerMillion;
    if (price.cacheWritePerMillion)
        json["cache_write_per_million"] = *price.cacheWritePerMillion;
    return json;
}

namespace {

// The four price keys, wherever they sit (a deployment's `price:` or a price table entry).
TokenPrice readPriceKeys(const SettingsNode& node)
{
    TokenPrice price{node.decimal("input_per_million", 0, kMaxPricePerMillion), node.decimal("output_per_million", 0, kMaxPricePerMillion)};
    if (node.has("cached_input_per_million"))
        price.cachedInputPerMillion = node.decimal("cached_input_per_million", 0, kMaxPricePerMillion);
    if (node.has("cache_write_per_million"))
        price.cacheWritePerMillion = node.decimal("cache_write_per_million", 0, kMaxPricePerMillion);
    return price;
}

} // namespace

TokenPrice readTokenPrice(const SettingsNode& node)
{
    node.expectKeys({"input_per_million", "output_per_million", "cached_input_per_million", "cache_write_per_million"});
    return readPriceKeys(node);
}

std::string_view priceOriginName(PriceOrigin origin)
{
    switch (origin) {
    case PriceOrigin::Default:
        return "default";
    case PriceOrigin::File:
        return "file";
    case PriceOrigin::Store:
        return "store";
    }
    return "default";
}

Json toJson(const PriceEntry& entry, bool withOrigin)
{
    Json json{{"provider", entry.provider}, {"model", entry.model}};
    json.update(toJson(entry.price));
    json["currency"] = entry.currency;
    json["source"] = entry.source;
    json["effective_date"] = entry.effectiveDate;
    json["note"] = entry.note;
    if (withOrigin)
        json["origin"] = priceOriginName(entry.origin);
    return json;
}

PriceEntry readPriceEntry(const SettingsNode& node, PriceOrigin origin, const std::string& today)
{
    node.expectKeys({"provider", "model", "input_per_million", "output_per_million", "cached_input_per_million", "cache_write_per_million",
        "currency", "source", "effective_date", "note", "reason"});
    PriceEntry entry;
    entry.origin = origin;
    if (node.has("provider"))
        entry.provider = node.text("provider");
    if (!isFamilyName(entry.provider))
        node.fail("provider", "must be a provider family in lowercase letters, digits, '-' and '_' (openai, anthropic, gemini, mistral, ...)",
            SettingsProblem::BadValue);
    entry.model = node.requiredText("model");
    if (entry.model.empty())
        node.fail("model", "must not be empty", SettingsProblem::BadValue);
    entry.price = readPriceKeys(node);
    if (node.has("currency") && node.text("currency") != "USD")
        node.fail("currency", "must be USD: costs, budgets and spending are kept in US dollars", SettingsProblem::BadValue);
    if (node.has("source"))
        entry.source = node.text("source");
    entry.effectiveDate = node.has("effective_date") ? node.text("effective_date") : today;
    if (!epochMsOfDay(entry.effectiveDate))
        node.fail("effective_date", "must be a date written YYYY-MM-DD, got '" + entry.effectiveDate + "'", SettingsProblem::BadValue);
    if (node.has("note"))
        entry.note = node.text("note");
    return entry;
}

std::optional<int64_t> epochMsOfDay(std::string_view isoDay)
{
    unsigned year = 0, month = 0, day = 0;
    char tail = 0;
    const std::string text(isoDay);
    if (isoDay.size() != 10 || isoDay[4] != '-' || isoDay[7] != '-'
        || std::sscanf(text.c_str(), "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3)
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)), std::chrono::month(month), std::chrono::day(day)};
    if (!date.ok())
        return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::sys_days(date).time_since_epoch()).count();
}

std::string isoDayOf(int64_t epochMs)
{
    const auto days = std::chrono::floor<std::chrono::days>(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(epochMs)));
    const std::chrono::year_month_day date{days};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
        static_cast<unsigned>(date.day()));
    return text;
}

} // namespace gatehouse
