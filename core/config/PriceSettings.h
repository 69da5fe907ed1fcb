// Prices in the configuration's words (docs/pricing.md): one reader and one writer for the YAML
// file's `prices:` and deployment `price:` entries, the admin API's bodies and answers, the store
// and the shipped price table, so what is written reads back the same.
#pragma once

#include "config/ProviderValidation.h"
#include "json/Json.h"
#include "pricing/PriceEntry.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace gatehouse {

// {"input_per_million", "output_per_million"} plus "cached_input_per_million" and
// "cache_write_per_million" when they are set.
Json toJson(const TokenPrice& price);
TokenPrice readTokenPrice(const SettingsNode& node);

// {"provider", "model", the price's keys, "currency", "source", "effective_date", "note"}; with
// `withOrigin`, also "origin" ("default", "file" or "store"): how the admin API shows an entry.
Json toJson(const PriceEntry& entry, bool withOrigin = false);
// An entry as the file, an admin body or the shipped table writes it. "provider" may be empty or
// absent (any provider serving the model); "currency" must be USD; "effective_date" defaults to
// `today` ("YYYY-MM-DD").
PriceEntry readPriceEntry(const SettingsNode& node, PriceOrigin origin, const std::string& today);

// 00:00 UTC of a "YYYY-MM-DD" day in epoch milliseconds; nothing when it is not such a date.
std::optional<int64_t> epochMsOfDay(std::string_view isoDay);
// The UTC day of an instant, "YYYY-MM-DD".
std::string isoDayOf(int64_t epochMs);

} // namespace gatehouse
