#include "providers/TranslatingProvider.h"

#include "dialects/ProviderDialect.h"
#include "gateway/Responses.h"
#include "ingress/MessagesApi.h"
#include "logging/Logging.h"
#include "openai/TranslationError.h"
#include "providers/ProviderErrorRelay.h"
#include "upstream/UpstreamExchange.h"

namespace gatehouse {
namespace {

constexpr std::size_t kMaxAnswerBytes = 64 * 1024 * 1024; // a whole (non-streamed) answer

// The bytes of answer text in a hub chunk or completion, for estimating tokens when the provider
// reports no usage.
std::size_t textBytes(const Json& answer, const char* field)
{
    std::size_t bytes = 0;
    const auto choices = answer.find("choices");
    if (choices == answer.end() || !choices->is_array())
        return 0;
    for (const auto& choice : *choices) {
        const auto part = choice.find(field);
        if (part == choice.end() || !part->is_object())
            continue;
        if (const auto content = part->find("content"); content != part->end() && content->is_string())
            bytes += content->get_ref<const std::string&>().size();
    }
    return bytes;
}

std::optional<TokenUsage> usageOf(const Json& answer)
{
    const auto usage = answer.find("usage");
    if (usage == answer.end() || !usage->is_object())
        return std::nullopt;
    TokenUsage tokens{usage->value("prompt_tokens", int64_t(0)), usage->value("completion_tokens", int64_t(0))};
    if (const auto details = usage->find("prompt_tokens_details"); details != usage->end() && details->is_object())
        tokens.cachedPromptTokens = details->value("cached_tokens", int64_t(0));
    if (const auto details = usage->find("completion_tokens_details"); details != usage->end() && details->is_object())
        tokens.reasoningTokens = details->value("reasoning_tokens", int64_t(0));
    return tokens;
}

class TranslatedCall {
public:
    TranslatedCall(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool)
        : m_context(context)
        , m_channel(channel)
        , m_provider(*context.deployment->provider)
        , m_target{m_provider, context.deployment->upstreamModel}
        , m_dialect(*dialectFor(m_provider.kind))
        , m_exchange(pool, m_provider)
        , m_encoder(answerEncoderFor(context.api, context.chat.model, context.chat.includeUsage))
    {
    }

    Awaitable<void> run()
    {
        UpstreamCall call;
        std::optional<ApiError> refused; // (no co_await inside a catch block)
        try {
            call = buildCall();
        } catch (const TranslationError& error) {
            refused = error.error();
        }
        if (refused) {
            co_await sendError(m_context, m_channel, *refused);
            co_return;
        }
        const auto accept = m_stream ? "text/event-stream" : "application/json";
        const auto head = UpstreamExchange::requestHead(m_provider, call.target, call.headers, call.body.size(), accept);
        const UpstreamConnection::RequestBuffers request{asio::buffer(head), asio::buffer(call.body), asio::const_buffer(), asio::const_buffer()};
        const auto failure = co_await m_exchange.send(request);
        if (failure)
            co_await sendError(m_context, m_channel, *failure);
        else if (m_exchange.status() >= 400)
            co_await relayProviderError(m_context, m_channel, m_exchange, m_dialect, m_target);
        else if (m_stream)
            co_await relayStream();
        else
            co_await relayWholeAnswer();
        m_context.upstreamTime += m_exchange.elapsed();
    }

private:
    // The client's request → the hub (OpenAI chat) → the provider's request.
    UpstreamCall buildCall()
    {
        const auto& body = m_context.request.message.body();
        m_request = Json::parse(body.begin(), body.end()); // already validated as JSON by the parse stage
        if (m_context.api == IngressApi::Messages)
            m_request = messages::toChatRequest(m_request);
        m_stream = m_context.api != IngressApi::Embeddings && m_request.value("stream", false);
        if (m_context.api == IngressApi::Embeddings)
            return m_dialect.embeddingsCall(m_request, m_target);
        return m_dialect.chatCall(m_request, m_target);
    }

    Awaitable<void> relayWholeAnswer()
    {
        std::string body;
        if (const auto ec = co_await m_exchange.readWholeBody(body, kMaxAnswerBytes)) {
            co_await sendError(m_context, m_channel, ApiError::upstreamFailed("The answer of " + m_exchange.where() + " broke off: " + ec.message() + "."));
            co_return;
        }
        m_exchange.finish();
        std::string answer;
        std::optional<ApiError> failed; // (no co_await inside a catch block)
        try {
            const auto upstream = Json::parse(body);
            if (m_context.api == IngressApi::Embeddings) {
                const auto embeddings = m_dialect.embeddingsResponse(upstream, m_request, m_target);
                recordUsage(usageOf(embeddings), 0);
                answer = embeddings.dump();
            } else {
                const auto completion = m_dialect.chatResponse(upstream, m_target);
                recordUsage(usageOf(completion), textBytes(completion, "message"));
                answer = m_encoder->wholeAnswer(completion);
            }
        } catch (const TranslationError& error) {
            failed = error.error();
        } catch (const Json::exception& error) {
            failed = unreadable(error.what());
        }
        if (failed) {
            co_await sendError(m_context, m_channel, *failed);
            co_return;
        }
        m_context.record.status = 200;
        const ResponseHead head{200};
        if (!co_await m_channel.send(head, answer))
            clientGone();
    }

    Awaitable<void> relayStream()
    {
        const auto decoder = m_dialect.chatStream(m_target);
        SseParser events;
        std::size_t answerBytes = 0;
        std::optional<ApiError> midStreamError;
        const auto ec = co_await m_exchange.readBody([&](std::string_view piece) -> Awaitable<bool> {
            std::string out;
            try {
                for (const auto& event : events.feed(piece)) {
                    for (const auto& chunk : decoder->onEvent(event)) {
                        answerBytes += textBytes(chunk, "delta");
                        out += m_encoder->onChunk(chunk);
                    }
                }
            } catch (const TranslationError& error) {
                midStreamError = error.error();
            } catch (const Json::exception& error) {
                midStreamError = unreadable(error.what());
            }
            if (!out.empty() && !co_await deliver(out))
                co_return false;
            co_return !midStreamError;
        });
        if (m_clientGone) {
            clientGone();
            co_return;
        }
        recordUsage(decoder->usage(), answerBytes);
        if (!midStreamError && ec)
            midStreamError = ApiError::upstreamFailed("Provider '" + m_provider.name + "' broke off the stream: " + ec.message() + ".");
        if (!midStreamError && !decoder->finished())
            midStreamError = ApiError::upstreamFailed("Provider '" + m_provider.name + "' ended the stream before the answer was complete.");
        if (midStreamError) {
            co_await failStream(*midStreamError);
            co_return;
        }
        m_exchange.finish();
        if (co_await deliver(m_encoder->finish(m_usage)))
            co_await m_channel.end();
        else
            clientGone();
    }

    // An error once the client has the status line: an error event in the client API's shape.
    Awaitable<void> failStream(const ApiError& error)
    {
        componentLogger("upstream")->warn("{}: stream from provider '{}' failed: {}", m_context.requestId, m_provider.name, error.message);
        if (!m_began) {
            co_await sendError(m_context, m_channel, error);
            co_return;
        }
        m_context.record.status = error.status;
        m_context.record.errorCode = error.code.empty() ? error.type : error.code;
        if (co_await m_channel.piece(m_encoder->errorEvent(error)))
            co_await m_channel.end();
    }

    Awaitable<bool> deliver(const std::string& text)
    {
        bool delivered = true;
        if (m_began) {
            delivered = co_await m_channel.piece(text);
        } else {
            m_context.record.status = 200;
            const ResponseHead head{200, "text/event-stream"};
            delivered = co_await m_channel.begin(head, text);
            m_began = true;
        }
        m_clientGone = !delivered;
        co_return delivered;
    }

    void recordUsage(const std::optional<TokenUsage>& reported, std::size_t answerBytes)
    {
        m_usage = reported ? *reported : TokenUsage{estimateTokens(m_request.dump().size()), estimateTokens(answerBytes)};
        m_context.record.setUsage(*m_usage, !reported);
    }

    void clientGone()
    {
        m_context.record.status = 499;
        m_context.record.errorCode = "client_closed";
    }

    ApiError unreadable(const std::string& what) const
    {
        return ApiError::upstreamFailed("Provider '" + m_provider.name + "' sent an answer the gateway cannot read: " + what);
    }

    RequestContext& m_context;
    ResponseChannel& m_channel;
    const ProviderConfig& m_provider;
    const DialectTarget m_target;
    const ProviderDialect& m_dialect;
    UpstreamExchange m_exchange;
    std::unique_ptr<AnswerEncoder> m_encoder;
    Json m_request; // the hub request (or the embeddings request)
    std::optional<TokenUsage> m_usage; // as reported, or estimated
    bool m_stream = false;
    bool m_began = false;
    bool m_clientGone = false;
};

} // namespace

Awaitable<void> TranslatingProvider::answer(RequestContext& context, ResponseChannel& channel, UpstreamPool& pool) const
{
    TranslatedCall call(context, channel, pool);
    co_await call.run();
}

} // namespace gatehouse
