// Token counts of one call, as the provider reported them.
#pragma once

#include <cstdint>

namespace gatehouse {

struct TokenUsage {
    int64_t promptTokens = 0;
    int64_t completionTokens = 0;
    int64_t cachedPromptTokens = 0;
    int64_t reasoningTokens = 0;
};

} // namespace gatehouse
