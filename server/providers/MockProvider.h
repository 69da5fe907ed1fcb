// The built-in `mock` provider: answers in-process with MockCompletion, after the configured
// latency, streaming real SSE chunks at the configured interval. No network, no key.
#pragma once

#include "providers/ProviderAdapter.h"

namespace gatehouse {

class MockProvider final : public ProviderAdapter {
public:
    Awaitable<void> chatCompletion(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const override;
};

} // namespace gatehouse
