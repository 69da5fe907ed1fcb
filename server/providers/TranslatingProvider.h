// Requests that need translating on the way: OpenAI chat requests to anthropic and gemini
// providers, Anthropic Messages requests to every provider but anthropic, embeddings to gemini.
// The request goes through the hub (OpenAI chat shape) and the provider's dialect (core/dialects);
// the answer comes back through the dialect and the client API's AnswerEncoder, streamed event
// by event as it arrives.
#pragma once

#include "providers/ProviderAdapter.h"

namespace gatehouse {

class TranslatingProvider final : public ProviderAdapter {
public:
    Awaitable<void> answer(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const override;
};

} // namespace gatehouse
