#include "providers/MockProvider.h"

#include "gateway/Responses.h"
#include "providers/MockReplay.h"

namespace gatehouse {

Awaitable<void> MockProvider::chatCompletion(RequestContext& context, ResponseChannel& channel, UpstreamPool&) const
{
    const auto& settings = context.deployment->provider->mock;
    const MockCompletion completion(context.deployment->upstreamModel, "chatcmpl-" + context.requestId,
        context.request.message.body().size());
    const auto started = std::chrono::steady_clock::now();
    const auto head = responseHead(context, 200);
    const MockPace pace{settings.latency, settings.streamChunks, settings.chunkInterval};
    const bool delivered = co_await replayMockCompletion(channel, completion, context.chat, head, pace);
    context.upstreamTime = std::chrono::steady_clock::now() - started;
    context.record.status = delivered ? 200 : 499;
    context.record.errorCode = delivered ? "" : "client_closed";
    context.record.promptTokens = completion.usage().promptTokens;
    context.record.completionTokens = completion.usage().completionTokens;
}

} // namespace gatehouse
