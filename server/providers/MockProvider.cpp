#include "providers/MockProvider.h"

#include "gateway/Responses.h"
#include "ingress/MessagesApi.h"
#include "mockupstream/MockFlavors.h"
#include "openai/TranslationError.h"
#include "providers/MockReplay.h"
#include "sse/SseParser.h"

namespace gatehouse {
namespace {

using Clock = std::chrono::steady_clock;

MockPace paceOf(const RequestContext& context)
{
    const auto& settings = context.deployment->provider->mock;
    return {settings.latency, settings.streamChunks, settings.chunkInterval};
}

void recordDelivery(RequestContext& context, bool delivered)
{
    context.record.status = delivered ? 200 : 499;
    context.record.errorCode = delivered ? "" : "client_closed";
}

// The mock's OpenAI stream, re-encoded chunk by chunk for the client's API (e.g. Anthropic events).
std::vector<std::string> encodedStream(const MockCompletion& completion, int chunks, AnswerEncoder& encoder)
{
    std::vector<std::string> pieces;
    for (const auto& event : completion.streamEvents(chunks, true)) {
        for (const auto& parsed : SseParser().feed(event)) {
            if (parsed.data == "[DONE]")
                continue;
            if (auto piece = encoder.onChunk(Json::parse(parsed.data)); !piece.empty())
                pieces.push_back(std::move(piece));
        }
    }
    pieces.push_back(encoder.finish(completion.usage()));
    return pieces;
}

} // namespace

Awaitable<void> MockProvider::answer(RequestContext& context, ResponseChannel& channel, UpstreamPool&) const
{
    const auto started = Clock::now();
    switch (context.api) {
    case IngressApi::ChatCompletions:
        co_await answerChat(context, channel);
        break;
    case IngressApi::Messages:
        co_await answerMessages(context, channel);
        break;
    case IngressApi::Embeddings:
        co_await answerEmbeddings(context, channel);
        break;
    }
    context.upstreamTime = Clock::now() - started;
}

// The hot path of demos and benchmarks: OpenAI bytes written directly; a JSON document is built
// only for a body that may offer tools (then the answer is a call to the first one).
Awaitable<void> MockProvider::answerChat(RequestContext& context, ResponseChannel& channel) const
{
    const auto& body = context.request.message.body();
    std::optional<MockToolCall> toolCall;
    if (body.find(R"("tools")") != std::string::npos)
        toolCall = OpenAiFlavor::toolCallFor(Json::parse(body));
    const MockCompletion completion(context.deployment->upstreamModel, "chatcmpl-" + context.requestId,
        MockContent(body.size(), std::move(toolCall)));
    const ResponseHead head{200};
    const auto pace = paceOf(context);
    const bool delivered = co_await replayMockCompletion(channel, completion, context.chat, head, pace);
    recordDelivery(context, delivered);
    context.record.setUsage(completion.usage(), false);
}

// Anthropic Messages: the request through the hub, the mock's answer (text, or a call to the
// first tool) through the Messages encoder, as for any translated provider.
Awaitable<void> MockProvider::answerMessages(RequestContext& context, ResponseChannel& channel) const
{
    Json hub;
    std::optional<ApiError> refused; // (no co_await inside a catch block)
    try {
        hub = messages::toChatRequest(Json::parse(context.request.message.body()));
    } catch (const TranslationError& error) {
        refused = error.error();
    }
    if (refused) {
        co_await sendError(context, channel, *refused);
        co_return;
    }
    const MockContent content(context.request.message.body().size(), OpenAiFlavor::toolCallFor(hub));
    const MockCompletion completion(context.deployment->upstreamModel, "chatcmpl-" + context.requestId, content);
    const auto encoder = answerEncoderFor(IngressApi::Messages, context.chat.model, false);
    const auto pace = paceOf(context);
    bool delivered = false;
    if (context.chat.stream) {
        const ResponseHead head{200, "text/event-stream"};
        const auto pieces = encodedStream(completion, pace.streamChunks, *encoder);
        delivered = co_await replayPieces(channel, head, pieces, pace);
    } else {
        const ResponseHead head{200};
        const auto body = encoder->wholeAnswer(Json::parse(completion.completionJson()));
        delivered = co_await replayBody(channel, head, body, pace);
    }
    recordDelivery(context, delivered);
    context.record.setUsage(completion.usage(), false);
}

Awaitable<void> MockProvider::answerEmbeddings(RequestContext& context, ResponseChannel& channel) const
{
    const auto answer = OpenAiFlavor::embeddingsAnswer(Json::parse(context.request.message.body()), context.deployment->upstreamModel);
    if (const auto* error = std::get_if<ApiError>(&answer)) {
        co_await sendError(context, channel, *error);
        co_return;
    }
    const auto& embeddings = std::get<OpenAiFlavor::EmbeddingsAnswer>(answer);
    const ResponseHead head{200};
    const auto pace = paceOf(context);
    const bool delivered = co_await replayBody(channel, head, embeddings.body, pace);
    recordDelivery(context, delivered);
    context.record.setUsage(TokenUsage{embeddings.promptTokens, 0}, false);
}

} // namespace gatehouse
