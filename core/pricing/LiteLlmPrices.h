// Reads a price file in LiteLLM's format (model_prices_and_context_window.json: model id ->
// {"litellm_provider", "mode", "input_cost_per_token", "output_cost_per_token",
// "cache_read_input_token_cost", "cache_creation_input_token_cost", ...}, USD per token) into
// price table entries (USD per million tokens). Entries of other kinds (images, audio, per-call
// prices) and malformed ones are skipped and named, never guessed at.
#pragma once

#include "json/Json.h"
#include "pricing/PriceEntry.h"

#include <string>
#include <vector>

namespace gatehouse {

struct LiteLlmImport {
    std::vector<PriceEntry> entries;
    std::vector<std::string> skipped; // "dall-e-3: mode image_generation is not priced per token"
};

// `effectiveDate`: the day the imported prices take effect ("YYYY-MM-DD"). Throws ConfigError when
// the document is not a JSON object.
LiteLlmImport readLiteLlmPrices(const Json& document, const std::string& effectiveDate);

} // namespace gatehouse
