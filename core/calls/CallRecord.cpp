#include "calls/CallRecord.h"

namespace gatehouse {

void CallRecord::setUsage(const TokenUsage& usage, bool estimated)
{
    promptTokens = usage.promptTokens;
    completionTokens = usage.completionTokens;
    cachedTokens = usage.cachedPromptTokens > 0 ? std::optional<int64_t>(usage.cachedPromptTokens) : std::nullopt;
    cacheWriteTokens = usage.cacheWriteTokens > 0 ? std::optional<int64_t>(usage.cacheWriteTokens) : std::nullopt;
    reasoningTokens = usage.reasoningTokens > 0 ? std::optional<int64_t>(usage.reasoningTokens) : std::nullopt;
    usageEstimated = estimated;
}

TokenUsage CallRecord::usage() const
{
    return {promptTokens.value_or(0), completionTokens.value_or(0), cachedTokens.value_or(0), reasoningTokens.value_or(0),
        cacheWriteTokens.value_or(0)};
}

} // namespace gatehouse
