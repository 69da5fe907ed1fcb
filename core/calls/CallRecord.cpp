#include "calls/CallRecord.h"

namespace gatehouse {

void CallRecord::setUsage(const TokenUsage& usage, bool estimated)
{
    promptTokens = usage.promptTokens;
    completionTokens = usage.completionTokens;
    cachedTokens = usage.cachedPromptTokens > 0 ? std::optional<int64_t>(usage.cachedPromptTokens) : std::nullopt;
    reasoningTokens = usage.reasoningTokens > 0 ? std::optional<int64_t>(usage.reasoningTokens) : std::nullopt;
    usageEstimated = estimated;
}

} // namespace gatehouse
