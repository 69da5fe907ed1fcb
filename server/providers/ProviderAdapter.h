// A way of answering a data-plane call with a provider: call it (or simulate it), send the answer
// to the client in the shape of the API it called (context.api) as it comes, and fill the call
// record (status, usage, upstream time).
#pragma once

#include "gateway/RequestContext.h"
#include "upstream/UpstreamPool.h"

namespace gatehouse {

class ProviderAdapter {
public:
    virtual ~ProviderAdapter() = default;
    virtual Awaitable<void> answer(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const = 0;
};

} // namespace gatehouse
