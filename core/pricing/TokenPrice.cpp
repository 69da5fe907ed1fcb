#include "pricing/TokenPrice.h"

#include <algorithm>
#include <cmath>

namespace gatehouse {

int64_t TokenPrice::costMicros(int64_t promptTokens, int64_t completionTokens) const
{
    const double promptPrice = std::max(inputPerMillion, cacheWritePerMillion.value_or(inputPerMillion));
    return std::llround(static_cast<double>(promptTokens) * promptPrice + static_cast<double>(completionTokens) * outputPerMillion);
}

int64_t TokenPrice::costMicros(const TokenUsage& usage) const
{
    // The provider's counts can disagree (cached larger than the prompt); never below zero.
    const auto cached = std::clamp<int64_t>(usage.cachedPromptTokens, 0, std::max<int64_t>(usage.promptTokens, 0));
    const auto written = std::clamp<int64_t>(usage.cacheWriteTokens, 0, std::max<int64_t>(usage.promptTokens, 0) - cached);
    const auto plain = std::max<int64_t>(usage.promptTokens, 0) - cached - written;
    const double micros = static_cast<double>(plain) * inputPerMillion
        + static_cast<double>(cached) * cachedInputPerMillion.value_or(inputPerMillion)
        + static_cast<double>(written) * cacheWritePerMillion.value_or(inputPerMillion)
        + static_cast<double>(std::max<int64_t>(usage.completionTokens, 0)) * outputPerMillion;
    return std::llround(micros);
}

} // namespace gatehouse
