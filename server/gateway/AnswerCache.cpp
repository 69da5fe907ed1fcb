#include "gateway/AnswerCache.h"

#include "gateway/Responses.h"
#include "policy/StreamedAnswer.h"

namespace gatehouse {

AnswerCache::AnswerCache(ResponseCache& cache)
    : m_cache(cache)
{
}

AnswerCache::Plan AnswerCache::plan(const RequestContext& context) const
{
    Plan plan;
    // /v1/messages answers are Anthropic-shaped, and a stored one could not be replayed as a
    // stream: that API is not cached (docs/traffic-policy.md).
    if (context.api == IngressApi::Messages || context.route->cacheTtl.count() <= 0)
        return plan;
    const auto& message = context.request.message;
    const auto cacheControl = message[http::field::cache_control];
    const auto gatehouseCache = message["x-gatehouse-cache"];
    plan.controls = parseCacheControls({cacheControl.data(), cacheControl.size()}, {gatehouseCache.data(), gatehouseCache.size()});
    plan.ttl = context.route->cacheTtl;
    // The tenant scopes entries: one tenant never learns from a hit what another one asked.
    plan.key = cacheKeyFor({context.api, context.caller->tenant, context.chat.model, message.body()});
    return plan;
}

Awaitable<bool> AnswerCache::answerIfCached(RequestContext& context, ResponseChannel& channel, const Plan& plan)
{
    if (!plan.key)
        co_return false;
    const auto answer = plan.controls.read ? m_cache.lookup(*plan.key) : nullptr;
    context.facts.cache = cacheOutcome(plan.controls, answer != nullptr);
    if (!answer)
        co_return false;

    auto& record = context.record;
    record.status = 200;
    record.setUsage(answer->usage, false);
    record.costMicros = 0;
    record.savedMicros = static_cast<int64_t>(answer->costUsd * 1e6 + 0.5);
    if (!context.chat.stream) {
        const ResponseHead head{200};
        co_await channel.send(head, answer->body);
        co_return true;
    }
    const auto encoder = answerEncoderFor(context.api, context.chat.model, context.chat.includeUsage);
    const auto events = replayAsSse(*answer, *encoder, context.chat.includeUsage);
    const ResponseHead head{200, "text/event-stream"};
    if (co_await channel.begin(head, events))
        co_await channel.end();
    co_return true;
}

void AnswerCache::store(const RequestContext& context, const Plan& plan, std::string body)
{
    const auto& record = context.record;
    TokenUsage usage;
    usage.promptTokens = record.promptTokens.value_or(0);
    usage.completionTokens = record.completionTokens.value_or(0);
    if (context.chat.stream) {
        // Kept as the completion it adds up to, so non-streaming callers can have it too; a stream
        // that did not end cleanly is not stored.
        auto whole = completionFromStream(body, usage);
        if (!whole)
            return;
        body = std::move(*whole);
    }
    CachedAnswer answer{std::move(body), usage, static_cast<double>(record.costMicros.value_or(0)) / 1e6};
    m_cache.insert(*plan.key, std::move(answer), plan.ttl);
}

} // namespace gatehouse
