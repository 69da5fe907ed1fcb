// Token counts of one call, as the provider reported them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gatehouse {

struct TokenUsage {
    int64_t promptTokens = 0;
    int64_t completionTokens = 0;
    int64_t cachedPromptTokens = 0; // part of promptTokens read from the provider's prompt cache
    int64_t reasoningTokens = 0;    // part of completionTokens
    int64_t cacheWriteTokens = 0;   // part of promptTokens written to the cache (Anthropic charges for it)
};

// For providers that report no usage: OpenAI's rule of thumb of about 4 bytes of English text a
// token. Records that use it are marked as estimated.
constexpr int64_t estimateTokens(std::size_t textBytes)
{
    return static_cast<int64_t>((textBytes + 3) / 4);
}

} // namespace gatehouse
