// The price table (docs/pricing.md): what each provider's models cost, with history. Built with
// every snapshot from the shipped list prices, the config file's `prices:` and the admin API's
// entries (a later origin wins for the same provider, model and date). A call is priced at the
// entry in force when it started, so editing a price never changes what earlier calls cost.
#pragma once

#include "config/GatewayConfig.h"
#include "pricing/PriceEntry.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

// One model's entries, oldest first.
class PriceHistory {
public:
    void add(const PriceEntry& entry, int64_t effectiveFromMs);
    // The entry in force at `epochMs`: the latest that took effect by then; before the first, the
    // first (a model's first known price is its price until a change). Null only when empty.
    const PriceEntry* inForce(int64_t epochMs) const;
    const std::vector<PriceEntry>& entries() const { return m_entries; }

private:
    std::vector<PriceEntry> m_entries;
    std::vector<int64_t> m_effectiveFromMs; // parallel to m_entries
};

class PriceTable {
public:
    // The shipped list prices (resources/prices/default-prices.json). Throws ConfigError when the
    // embedded file is broken, which a unit test rules out.
    static const std::vector<PriceEntry>& defaults();

    PriceTable() = default;
    // Entries whose effective_date is not a date are left out (the readers refuse them first).
    explicit PriceTable(const std::vector<PriceEntry>& entries);

    // The prices of the model a deployment on a provider of `kind` calls; null when the table has
    // none. A provider family's own entries first, then entries for any provider; OpenAI-compatible
    // servers (Mistral's API, a vLLM) match any family's entry. A dated model id
    // ("gpt-4o-2024-08-06", "claude-sonnet-4-5-20250929") falls back to the undated one.
    const PriceHistory* find(ProviderKind kind, std::string_view upstreamModel) const;

    // Every entry after merging, by provider, model and date.
    std::vector<PriceEntry> entries() const;

private:
    const PriceHistory* findExact(ProviderKind kind, std::string_view model) const;

    // provider family -> model -> history
    std::map<std::string, std::map<std::string, PriceHistory, std::less<>>, std::less<>> m_byProvider;
};

// The provider family whose list prices apply to a provider kind: "openai", "anthropic",
// "gemini"; "" for kinds that have no list price of their own (OpenAI-compatible, mock).
std::string_view priceFamilyOf(ProviderKind kind);

} // namespace gatehouse
