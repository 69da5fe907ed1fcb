// `openai-compatible` providers (OpenAI, vLLM, Ollama's /v1, LM Studio, any base URL): the body goes
// upstream as bytes with only the model spliced, the answer comes back piece by piece as it arrives.
#pragma once

#include "providers/ProviderAdapter.h"

namespace gatehouse {

class OpenAiCompatibleProvider final : public ProviderAdapter {
public:
    Awaitable<void> chatCompletion(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const override;
};

} // namespace gatehouse
