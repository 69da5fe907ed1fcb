// One row of the price table (docs/pricing.md): what one provider's model costs from a date on.
#pragma once

#include "pricing/TokenPrice.h"

#include <string>

namespace gatehouse {

// Where a price table entry comes from; a later origin wins over an earlier one for the same
// provider, model and date.
enum class PriceOrigin { Default, File, Store };

std::string_view priceOriginName(PriceOrigin origin); // "default" | "file" | "store"

struct PriceEntry {
    // The provider family whose list price this is: "openai", "anthropic", "gemini", "mistral", or
    // "" for a model whatever serves it. A deployment's provider kind decides which it looks up.
    std::string provider;
    std::string model; // the upstream model id ("gpt-4o", "claude-sonnet-4-5")
    TokenPrice price;
    std::string currency = "USD";  // the only currency costs are kept in
    std::string source;            // where the price was read (a URL, "litellm import", "admin")
    std::string effectiveDate;     // "YYYY-MM-DD" (UTC): calls from that day on cost this
    std::string note;              // anything a reader should know (tiers, what was assumed)
    PriceOrigin origin = PriceOrigin::Default;

    bool sameSlot(const PriceEntry& other) const
    {
        return provider == other.provider && model == other.model && effectiveDate == other.effectiveDate;
    }
};

} // namespace gatehouse
