// The built-in `mock` provider: answers in-process with MockCompletion, after the configured
// latency, streaming real SSE chunks at the configured interval. No network, no key. Serves every
// ingress API: chat completions, Anthropic messages (text or a tool call) and embeddings.
#pragma once

#include "providers/ProviderAdapter.h"

namespace gatehouse {

class MockProvider final : public ProviderAdapter {
public:
    Awaitable<void> answer(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const override;

private:
    Awaitable<void> answerChat(RequestContext& context, ResponseChannel& channel) const;
    Awaitable<void> answerMessages(RequestContext& context, ResponseChannel& channel) const;
    Awaitable<void> answerEmbeddings(RequestContext& context, ResponseChannel& channel) const;
};

} // namespace gatehouse
