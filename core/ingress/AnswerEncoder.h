// How an answer in the hub's shape (OpenAI chat completion, whole or as chunks) is written for
// the API the client called: as it is for /v1/chat/completions, as an Anthropic message for
// /v1/messages.
#pragma once

#include "json/Json.h"
#include "openai/ApiError.h"
#include "openai/TokenUsage.h"

#include <memory>
#include <optional>
#include <string>

namespace gatehouse {

// The client-facing APIs the gateway serves.
enum class IngressApi { ChatCompletions, Messages, Embeddings };

class AnswerEncoder {
public:
    virtual ~AnswerEncoder() = default;
    virtual std::string wholeAnswer(const Json& completion) = 0;
    // A streamed chunk as the SSE text the client gets (may be "").
    virtual std::string onChunk(const Json& chunk) = 0;
    // After the last chunk: what closes the stream.
    virtual std::string finish(const std::optional<TokenUsage>& usage) = 0;
    // An error after the stream began (the status line is already sent): an error event.
    virtual std::string errorEvent(const ApiError& error) = 0;
};

// /v1/chat/completions. `includeUsage`: the client asked for the usage chunk
// (stream_options.include_usage); otherwise it is left out, as OpenAI does.
class ChatAnswerEncoder final : public AnswerEncoder {
public:
    explicit ChatAnswerEncoder(bool includeUsage);
    std::string wholeAnswer(const Json& completion) override;
    std::string onChunk(const Json& chunk) override;
    std::string finish(const std::optional<TokenUsage>& usage) override;
    std::string errorEvent(const ApiError& error) override;

private:
    bool m_includeUsage;
};

// The usage-only chunk that ends an OpenAI stream when usage was asked for ("choices": []).
bool isUsageOnlyChunk(const Json& chunk);

// `model`: the model name the client asked for (Anthropic answers name it).
std::unique_ptr<AnswerEncoder> answerEncoderFor(IngressApi api, const std::string& model, bool includeUsage);

} // namespace gatehouse
