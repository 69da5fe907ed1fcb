#include "providers/PassThroughProvider.h"

#include "dialects/OpenAiDialect.h"
#include "gateway/Responses.h"
#include "logging/Logging.h"
#include "openai/ContentMeter.h"
#include "openai/UsageScanner.h"
#include "providers/ProviderErrorRelay.h"
#include "upstream/UpstreamExchange.h"

namespace gatehouse {
namespace {

constexpr std::string_view kAskForStreamUsage = R"(,"stream_options":{"include_usage":true})";

bool isOpenAiFamily(ProviderKind kind)
{
    return kind == ProviderKind::OpenAi || kind == ProviderKind::OpenAiCompatible || kind == ProviderKind::AzureOpenAi;
}

// Where the request goes (after the base path) and the headers that authenticate it.
struct PassThroughTarget {
    std::string path;
    HeaderList headers;
};

PassThroughTarget targetFor(const RequestContext& context)
{
    const auto& provider = *context.deployment->provider;
    const DialectTarget target{provider, context.deployment->upstreamModel};
    if (provider.kind == ProviderKind::Anthropic) {
        // The client's API version and beta flags describe its body: they travel with it.
        const auto& message = context.request.message;
        const auto clientVersion = message["anthropic-version"];
        HeaderList headers{{"anthropic-version", clientVersion.empty() ? provider.apiVersion : std::string(clientVersion)}};
        if (const auto beta = message["anthropic-beta"]; !beta.empty())
            headers.emplace_back("anthropic-beta", std::string(beta));
        if (!provider.apiKey.empty())
            headers.emplace_back("x-api-key", provider.apiKey);
        return {"/messages", std::move(headers)};
    }
    const OpenAiDialect dialect(provider.kind == ProviderKind::AzureOpenAi ? OpenAiDialect::Flavor::Azure : OpenAiDialect::Flavor::OpenAi);
    const auto operation = context.api == IngressApi::Embeddings ? "/embeddings" : "/chat/completions";
    return {dialect.targetFor(operation, target), dialect.credentialHeaders(provider)};
}

// Where the first event in `text` ends (just past its blank line), or npos. SSE allows LF, CRLF
// and CR line ends; servers use the first two ("\n\n", sse-starlette's "\r\n\r\n").
std::size_t endOfEvent(std::string_view text)
{
    const auto lf = text.find("\n\n");
    const auto crlf = text.find("\r\n\r\n");
    if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf))
        return crlf + 4;
    return lf == std::string_view::npos ? lf : lf + 2;
}

// An OpenAI usage-only chunk: "choices" is an empty array, however the server spaces its JSON.
bool isUsageOnlyEvent(std::string_view event)
{
    const auto skipSpaces = [&](std::size_t i) {
        while (i < event.size() && (event[i] == ' ' || event[i] == '\t' || event[i] == '\r' || event[i] == '\n'))
            ++i;
        return i;
    };
    constexpr std::string_view key = R"("choices")";
    for (auto at = event.find(key); at != std::string_view::npos; at = event.find(key, at + 1)) {
        auto i = skipSpaces(at + key.size());
        if (i >= event.size() || event[i] != ':')
            continue;
        i = skipSpaces(i + 1);
        if (i >= event.size() || event[i] != '[')
            continue;
        i = skipSpaces(i + 1);
        if (i < event.size() && event[i] == ']')
            return true;
    }
    return false;
}

// Removes the usage-only chunk the gateway asked an OpenAI stream for, when the client did not
// ask for it. Pieces are held back only until their event is complete (a blank line), so the
// stream still flows event by event.
class UsageChunkFilter {
public:
    std::string pass(std::string_view piece)
    {
        m_pending.append(piece);
        std::string out;
        std::string_view rest(m_pending);
        for (auto end = endOfEvent(rest); end != std::string_view::npos; end = endOfEvent(rest)) {
            const auto event = rest.substr(0, end);
            if (!isUsageOnlyEvent(event))
                out.append(event);
            rest.remove_prefix(end);
        }
        m_pending.erase(0, m_pending.size() - rest.size());
        return out;
    }
    std::string rest() { return std::exchange(m_pending, {}); }

private:
    std::string m_pending;
};

class PassThroughCall {
public:
    PassThroughCall(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool)
        : m_context(context)
        , m_channel(channel)
        , m_provider(*context.deployment->provider)
        , m_exchange(pool, m_provider)
    {
    }

    Awaitable<void> run()
    {
        prepareBody();
        const auto target = targetFor(m_context);
        const auto accept = m_context.request.message[http::field::accept];
        const auto head = UpstreamExchange::requestHead(m_provider, target.path, target.headers, m_body.size(), {accept.data(), accept.size()});
        const UpstreamConnection::RequestBuffers request{asio::buffer(head), asio::buffer(m_body.before.data(), m_body.before.size()),
            asio::buffer(m_body.modelLiteral), asio::buffer(m_body.after.data(), m_body.after.size())};

        const auto failure = co_await m_exchange.send(request);
        if (failure) {
            m_context.upstreamTime += m_exchange.elapsed();
            co_await sendError(m_context, m_channel, *failure);
            co_return;
        }
        if (m_exchange.status() >= 400)
            co_await relayError();
        else
            co_await relayBody();
        m_context.upstreamTime += m_exchange.elapsed();
    }

private:
    // The client's bytes with the deployment's model. An OpenAI stream is also asked for its usage
    // (the gateway records every call's tokens), unless the client asked already or the server
    // refuses the field; the extra chunk is then filtered out of the answer.
    void prepareBody()
    {
        const auto& body = m_context.request.message.body();
        m_body = spliceModel(body, m_context.chat, m_context.deployment->upstreamModel);
        const auto& chat = m_context.chat;
        if (m_context.api != IngressApi::ChatCompletions || !chat.stream || chat.includeUsage || !m_provider.quirks.streamUsage)
            return;
        m_dropUsageChunk = true;
        if (!chat.hasStreamOptions) {
            // Right after the model value: a member added without re-writing the body.
            m_body.modelLiteral += kAskForStreamUsage;
            return;
        }
        // stream_options is there without include_usage (rare): rewrite the body once.
        auto json = Json::parse(body);
        json["model"] = m_context.deployment->upstreamModel;
        json["stream_options"]["include_usage"] = true;
        m_rewritten = json.dump();
        m_body = {{}, m_rewritten, {}};
    }

    Awaitable<void> relayBody()
    {
        ResponseHead head{m_exchange.status()};
        if (const auto type = m_exchange.header(http::field::content_type); !type.empty())
            head.contentType = std::string(type);
        if (const auto length = m_exchange.contentLength(); length && !m_dropUsageChunk)
            head.contentLength = static_cast<std::size_t>(*length);
        m_context.record.status = m_exchange.status();

        UsageScanner usage;
        ContentMeter content;
        UsageChunkFilter filter;
        bool begun = false;
        bool clientGone = false;
        auto deliver = [&](std::string_view piece) -> Awaitable<bool> {
            const bool delivered = begun ? co_await m_channel.piece(piece) : co_await m_channel.begin(head, piece);
            begun = true;
            clientGone = !delivered;
            co_return delivered;
        };
        const auto ec = co_await m_exchange.readBody([&](std::string_view piece) -> Awaitable<bool> {
            usage.feed(piece);
            content.feed(piece);
            if (!m_dropUsageChunk)
                co_return co_await deliver(piece);
            const auto passed = filter.pass(piece);
            co_return passed.empty() || co_await deliver(passed);
        });
        if (!ec && m_dropUsageChunk) {
            const auto rest = filter.rest();
            if (!rest.empty())
                co_await deliver(rest);
        }
        if (!ec && !begun)
            co_await m_channel.begin(head, {});
        if (!ec && !clientGone)
            co_await m_channel.end();
        recordUsage(usage, content);
        if (clientGone) {
            m_context.record.status = 499;
            m_context.record.errorCode = "client_closed";
            co_return;
        }
        if (ec) {
            componentLogger("upstream")->warn("{}: provider '{}' broke off the response: {}", m_context.requestId, m_provider.name, ec.message());
            const auto error = ApiError::upstreamFailed("Provider '" + m_provider.name + "' broke off the response: " + ec.message() + ".");
            co_await sendError(m_context, m_channel, error);
            co_return;
        }
        m_exchange.finish();
    }

    void recordUsage(const UsageScanner& usage, const ContentMeter& content)
    {
        if (const auto& tokens = usage.usage()) {
            m_context.record.setUsage(*tokens, false);
            return;
        }
        // The provider reported none (a server with stream_usage: false, or one that never does).
        const TokenUsage estimate{estimateTokens(m_context.request.message.body().size()), estimateTokens(content.contentBytes())};
        m_context.record.setUsage(estimate, true);
    }

    Awaitable<void> relayError()
    {
        const DialectTarget target{m_provider, m_context.deployment->upstreamModel};
        co_await relayProviderError(m_context, m_channel, m_exchange, *dialectFor(m_provider.kind), target);
    }

    RequestContext& m_context;
    ResponseChannel& m_channel;
    const ProviderConfig& m_provider;
    UpstreamExchange m_exchange;
    SplicedBody m_body;
    std::string m_rewritten;
    bool m_dropUsageChunk = false;
};

} // namespace

bool PassThroughProvider::canPassThrough(IngressApi api, ProviderKind kind)
{
    if (api == IngressApi::Messages)
        return kind == ProviderKind::Anthropic;
    return isOpenAiFamily(kind);
}

Awaitable<void> PassThroughProvider::answer(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const
{
    PassThroughCall call(context, channel, pool);
    co_await call.run();
}

} // namespace gatehouse
