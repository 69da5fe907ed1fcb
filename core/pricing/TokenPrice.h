// What tokens cost, in USD per million of each kind, and a call's cost in micro-dollars (the
// budget ledger's unit: USD per million tokens = micro-dollars per token).
#pragma once

#include "openai/TokenUsage.h"

#include <cstdint>
#include <optional>

namespace gatehouse {

struct TokenPrice {
    double inputPerMillion = 0.0;
    double outputPerMillion = 0.0;
    // Prompt tokens read from the provider's prompt cache (OpenAI "cached", Anthropic "cache read",
    // Gemini "cached content"); unset: they cost the input price.
    std::optional<double> cachedInputPerMillion;
    // Prompt tokens written to the cache, where the provider charges for that (Anthropic); unset:
    // they cost the input price.
    std::optional<double> cacheWritePerMillion;

    // The most `promptTokens` and `completionTokens` can cost: prompt tokens at the dearer of the
    // input and cache-write prices (writing to Anthropic's cache costs more than plain input),
    // completion tokens at the output price. What a budget reserves before the call.
    int64_t costMicros(int64_t promptTokens, int64_t completionTokens) const;
    // A call's cost from its usage: cached and cache-write tokens (parts of the prompt tokens) at
    // their prices, reasoning tokens (part of the completion tokens) at the output price.
    int64_t costMicros(const TokenUsage& usage) const;

    bool operator==(const TokenPrice&) const = default;
};

} // namespace gatehouse
