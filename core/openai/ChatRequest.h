// Reads the few fields of a chat completion request the gateway needs, without copying the body,
// and splices a new model name into it for the upstream.
#pragma once

#include "openai/ApiError.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gatehouse {

struct ChatRequestFields {
    std::string model;
    std::size_t modelTokenOffset = 0; // where the "model" value's JSON string literal starts in the body
    std::size_t modelTokenLength = 0; // its length, quotes included
    bool stream = false;
    bool hasStreamOptions = false; // a "stream_options" member is present
    bool includeUsage = false;     // stream_options.include_usage is true: the client wants the usage chunk
    // max_completion_tokens, else max_tokens (OpenAI and Anthropic): bounds the answer's cost.
    std::optional<int64_t> maxTokens;
    // The string members of "metadata" (OpenAI's and Anthropic's request metadata), for routing rules.
    std::vector<std::pair<std::string, std::string>> metadata;
};

// What a body must hold besides "model": "messages" (OpenAI chat, Anthropic messages) or "input" (embeddings).
enum class RequestBodyKind { Chat, Embeddings };

// Validates the whole body as JSON and checks the required fields (model, messages or input).
// The body's capacity is grown by simdjson's padding if needed (no copy when it already has room).
std::variant<ChatRequestFields, ApiError> parseChatRequest(std::string& body, RequestBodyKind kind = RequestBodyKind::Chat);

// The body with its model replaced, as three pieces that can be written with one gathered write.
struct SplicedBody {
    std::string_view before;
    std::string modelLiteral; // the new JSON string literal
    std::string_view after;
    std::size_t size() const { return before.size() + modelLiteral.size() + after.size(); }
    std::string joined() const;
};
SplicedBody spliceModel(std::string_view body, const ChatRequestFields& fields, std::string_view newModel);

} // namespace gatehouse
