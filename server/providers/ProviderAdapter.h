// A provider kind's way of answering a chat completion: call it (or simulate it), stream the
// answer to the client as it comes, and fill the call record (status, usage, upstream time).
#pragma once

#include "gateway/RequestContext.h"
#include "upstream/UpstreamPool.h"

namespace gatehouse {

class ProviderAdapter {
public:
    virtual ~ProviderAdapter() = default;
    virtual Awaitable<void> chatCompletion(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const = 0;
};

} // namespace gatehouse
