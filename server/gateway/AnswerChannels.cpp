#include "gateway/AnswerChannels.h"

#include "policy/DeploymentPicker.h"

#include <charconv>

namespace gatehouse {

AnnotatedChannel::AnnotatedChannel(ResponseChannel& client, const RequestContext& context)
    : m_client(client)
    , m_context(context)
{
}

void AnnotatedChannel::annotateNextHead()
{
    markFirstByte();
    m_client.addHeaderLinesToNextHead(policyHeaderLines(m_context, std::chrono::steady_clock::now()));
}

Awaitable<bool> AnnotatedChannel::send(const ResponseHead& head, std::string_view body)
{
    annotateNextHead();
    co_return co_await m_client.send(head, body);
}

Awaitable<bool> AnnotatedChannel::begin(const ResponseHead& head, std::string_view firstPiece)
{
    annotateNextHead();
    co_return co_await m_client.begin(head, firstPiece);
}

namespace {

void appendHeaderLine(std::string& lines, std::string_view name, std::string_view value)
{
    lines += name;
    lines += ": ";
    lines += value;
    lines += "\r\n";
}

template<typename Integer>
std::string_view decimal(char (&digits)[24], Integer number)
{
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
    return {digits, static_cast<std::size_t>(end - digits)};
}

// Milliseconds with three decimals ("12.345"), from whole microseconds: no printf on every answer.
void appendMilliseconds(std::string& lines, std::chrono::microseconds duration)
{
    char digits[24];
    lines += decimal(digits, duration.count() / 1000);
    lines += '.';
    const auto fraction = decimal(digits, duration.count() % 1000 + 1000); // "1xyz": keeps the zeros
    lines += fraction.substr(1);
}

} // namespace

std::string policyHeaderLines(const RequestContext& context, std::chrono::steady_clock::time_point now)
{
    const auto& facts = context.facts;
    std::string lines;
    lines.reserve(256);
    appendHeaderLine(lines, "x-gatehouse-request-id", context.requestId);
    if (const auto* deployment = context.deployment; deployment && facts.attempts > 0) {
        if (deployment->id.empty())
            appendHeaderLine(lines, "x-gatehouse-deployment", deploymentId(deployment->provider->name, deployment->upstreamModel));
        else
            appendHeaderLine(lines, "x-gatehouse-deployment", deployment->id);
        appendHeaderLine(lines, "x-gatehouse-provider", deployment->provider->name);
    }
    char digits[24];
    appendHeaderLine(lines, "x-gatehouse-attempts", decimal(digits, facts.attempts));
    if (facts.cache)
        appendHeaderLine(lines, "x-gatehouse-cache", cacheHeaderValue(*facts.cache));
    // Until the answering attempt was sent upstream; an answer the gateway gives itself (an error,
    // a cache hit) is all overhead.
    const auto until = facts.answeringAttemptStartedAt.value_or(now);
    const auto overhead = std::max(std::chrono::steady_clock::duration::zero(), until - context.request.receivedAt - facts.notOverhead);
    lines += "x-gatehouse-overhead-ms: ";
    appendMilliseconds(lines, std::chrono::duration_cast<std::chrono::microseconds>(overhead));
    lines += "\r\n";
    for (const auto& [name, value] : facts.rateLimitHeaders)
        appendHeaderLine(lines, name, value);
    return lines;
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
