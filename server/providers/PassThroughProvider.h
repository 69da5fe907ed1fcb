// Requests a provider can take as they are: OpenAI chat and embeddings requests to openai,
// openai-compatible (vLLM, Ollama's /v1, LM Studio, Groq, ...) and azure-openai providers, and
// Anthropic Messages requests to anthropic providers. The body goes upstream as bytes with only
// the model spliced; the answer comes back piece by piece as it arrives.
#pragma once

#include "providers/ProviderAdapter.h"

namespace gatehouse {

class PassThroughProvider final : public ProviderAdapter {
public:
    Awaitable<void> answer(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const override;

    // Whether this request can go to its deployment's provider untranslated.
    static bool canPassThrough(IngressApi api, ProviderKind kind);
};

} // namespace gatehouse
