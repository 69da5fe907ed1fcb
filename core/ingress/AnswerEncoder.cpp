#include "ingress/AnswerEncoder.h"

#include "ingress/MessagesApi.h"
#include "sse/SseParser.h"

namespace gatehouse {
namespace {

class MessagesAnswerEncoder final : public AnswerEncoder {
public:
    explicit MessagesAnswerEncoder(std::string model)
        : m_model(model)
        , m_stream(std::move(model))
    {
    }
    std::string wholeAnswer(const Json& completion) override { return messages::fromChatResponse(completion, m_model).dump(); }
    std::string onChunk(const Json& chunk) override { return m_stream.onChunk(chunk); }
    std::string finish(const std::optional<TokenUsage>& usage) override { return m_stream.finish(usage); }
    std::string errorEvent(const ApiError& error) override { return messages::StreamEncoder::errorEvent(error); }

private:
    std::string m_model;
    messages::StreamEncoder m_stream;
};

} // namespace

bool isUsageOnlyChunk(const Json& chunk)
{
    const auto choices = chunk.find("choices");
    const auto usage = chunk.find("usage");
    return choices != chunk.end() && choices->is_array() && choices->empty() && usage != chunk.end() && usage->is_object();
}

ChatAnswerEncoder::ChatAnswerEncoder(bool includeUsage)
    : m_includeUsage(includeUsage)
{
}

std::string ChatAnswerEncoder::wholeAnswer(const Json& completion)
{
    return completion.dump();
}

std::string ChatAnswerEncoder::onChunk(const Json& chunk)
{
    if (!m_includeUsage && isUsageOnlyChunk(chunk))
        return {};
    return formatSseEvent({}, chunk.dump());
}

std::string ChatAnswerEncoder::finish(const std::optional<TokenUsage>&)
{
    return formatSseEvent({}, "[DONE]");
}

std::string ChatAnswerEncoder::errorEvent(const ApiError& error)
{
    // What OpenAI sends when a stream fails midway: a data event with the error object.
    return formatSseEvent({}, error.toJson());
}

std::unique_ptr<AnswerEncoder> answerEncoderFor(IngressApi api, const std::string& model, bool includeUsage)
{
    if (api == IngressApi::Messages)
        return std::make_unique<MessagesAnswerEncoder>(model);
    return std::make_unique<ChatAnswerEncoder>(includeUsage);
}

} // namespace gatehouse
