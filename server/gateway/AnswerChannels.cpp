#include "gateway/AnswerChannels.h"

#include "policy/DeploymentPicker.h"

#include <cstdio>

namespace gatehouse {

AnnotatedChannel::AnnotatedChannel(ResponseChannel& client, const RequestContext& context)
    : m_client(client)
    , m_context(context)
{
}

ResponseHead AnnotatedChannel::annotated(const ResponseHead& head)
{
    markFirstByte();
    ResponseHead result = head;
    const auto extra = policyHeaders(m_context, std::chrono::steady_clock::now());
    result.headers.insert(result.headers.end(), extra.begin(), extra.end());
    return result;
}

Awaitable<bool> AnnotatedChannel::send(const ResponseHead& head, std::string_view body)
{
    const auto withHeaders = annotated(head);
    co_return co_await m_client.send(withHeaders, body);
}

Awaitable<bool> AnnotatedChannel::begin(const ResponseHead& head, std::string_view firstPiece)
{
    const auto withHeaders = annotated(head);
    co_return co_await m_client.begin(withHeaders, firstPiece);
}

ResponseHeaders policyHeaders(const RequestContext& context, std::chrono::steady_clock::time_point now)
{
    const auto& facts = context.facts;
    ResponseHeaders headers;
    if (const auto* deployment = context.deployment; deployment && facts.attempts > 0) {
        headers.emplace_back("x-gatehouse-deployment", deployment->id.empty() ? deploymentId(deployment->provider->name, deployment->upstreamModel) : deployment->id);
        headers.emplace_back("x-gatehouse-provider", deployment->provider->name);
    }
    headers.emplace_back("x-gatehouse-attempts", std::to_string(facts.attempts));
    if (facts.cache)
        headers.emplace_back("x-gatehouse-cache", std::string(cacheHeaderValue(*facts.cache)));
    // Until the answering attempt was sent upstream; an answer the gateway gives itself (an error,
    // a cache hit) is all overhead.
    const auto until = facts.answeringAttemptStartedAt.value_or(now);
    const auto overhead = std::max(std::chrono::steady_clock::duration::zero(), until - context.request.receivedAt - facts.notOverhead);
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double, std::milli>(overhead).count());
    headers.emplace_back("x-gatehouse-overhead-ms", text);
    headers.insert(headers.end(), facts.rateLimitHeaders.begin(), facts.rateLimitHeaders.end());
    return headers;
}

Awaitable<bool> AttemptChannel::send(const ResponseHead& head, std::string_view body)
{
    if (head.status >= 400 && !m_committed) {
        m_held = HeldAnswer{head, std::string(body)};
        co_return true;
    }
    markFirstByte();
    m_committed = true;
    co_return co_await m_client.send(head, body);
}

Awaitable<bool> AttemptChannel::begin(const ResponseHead& head, std::string_view firstPiece)
{
    markFirstByte();
    m_committed = true;
    co_return co_await m_client.begin(head, firstPiece);
}

Awaitable<bool> AttemptChannel::release()
{
    if (!m_held || m_committed)
        co_return false;
    m_committed = true;
    const auto held = std::move(*m_held);
    m_held.reset();
    co_return co_await m_client.send(held.head, held.body);
}

} // namespace gatehouse

namespace gatehouse {

void CapturingChannel::keep(std::string_view data)
{
    if (!m_capturing)
        return;
    if (m_body.size() + data.size() > m_maxBytes) {
        m_capturing = false;
        m_body.clear();
        return;
    }
    m_body.append(data);
}

Awaitable<bool> CapturingChannel::send(const ResponseHead& head, std::string_view body)
{
    markFirstByte();
    m_capturing = head.status == 200;
    keep(body);
    m_complete = m_capturing;
    co_return co_await m_client.send(head, body);
}

Awaitable<bool> CapturingChannel::begin(const ResponseHead& head, std::string_view firstPiece)
{
    markFirstByte();
    m_capturing = head.status == 200;
    keep(firstPiece);
    co_return co_await m_client.begin(head, firstPiece);
}

Awaitable<bool> CapturingChannel::piece(std::string_view data)
{
    keep(data);
    co_return co_await m_client.piece(data);
}

Awaitable<bool> CapturingChannel::end()
{
    m_complete = m_capturing;
    co_return co_await m_client.end();
}

void CapturingChannel::abort()
{
    m_capturing = false;
    m_complete = false;
    m_client.abort();
}

std::optional<std::string> CapturingChannel::captured() const
{
    if (!m_complete)
        return std::nullopt;
    return m_body;
}

} // namespace gatehouse
