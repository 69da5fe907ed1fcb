// The Anthropic Messages API (/v1/messages) as an ingress: Anthropic-shaped requests become the
// OpenAI chat hub, and OpenAI-shaped answers (whole or streamed) become Anthropic-shaped again,
// so Anthropic SDK clients can use any provider. (To an `anthropic` provider the request is
// passed through untranslated.) Follows https://docs.anthropic.com/en/api/messages and
// https://docs.anthropic.com/en/api/messages-streaming.
#pragma once

#include "json/Json.h"
#include "openai/ApiError.h"
#include "openai/TokenUsage.h"

#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse::messages {

// An Anthropic Messages request as an OpenAI chat request: system (string or text blocks) →
// a system message; text, image (base64 and url sources), tool_use and tool_result blocks →
// content parts, assistant tool_calls and "tool" messages; tools (input_schema) → function
// tools; tool_choice (auto/any/tool/none) → tool_choice; stop_sequences → stop; max_tokens,
// temperature, top_p, stream (+ stream_options.include_usage), metadata.user_id → user. top_k and
// thinking have no OpenAI counterpart and are dropped (docs/providers.md). Throws TranslationError
// (400, param and message naming the field as Anthropic does: "max_tokens: Field required") for
// a malformed request or content the hub cannot carry (document blocks, server tools, ...).
Json toChatRequest(const Json& request);

// An OpenAI chat.completion as an Anthropic message: id "msg_...", type "message", role
// "assistant", content blocks (text, tool_use with parsed arguments; unparsable ones become {}),
// stop_reason (stop → end_turn, length → max_tokens, tool_calls → tool_use, content_filter →
// refusal, a matched stop sequence → stop_sequence with stop_sequence set when known: vLLM-style
// servers name it in the choice's "stop_reason"), usage {input_tokens (without cached ones),
// output_tokens, cache_read_input_tokens when cached}. `model` is the model name the client asked for.
Json fromChatResponse(const Json& completion, const std::string& model);

// OpenAI chat.completion.chunk objects in, Anthropic SSE events out (as wire text, via
// formatSseEvent): message_start and a ping, content_block_start / content_block_delta (text_delta,
// input_json_delta) / content_block_stop per block, message_delta (stop_reason, usage), message_stop.
// OpenAI reports usage only at the end, so message_start counts zero and message_delta carries
// the cumulative input_tokens (and cache_read_input_tokens) with output_tokens.
class StreamEncoder {
public:
    explicit StreamEncoder(std::string model);
    // One chunk from the hub; returns the events it becomes (possibly "").
    std::string onChunk(const Json& chunk);
    // After the last chunk: closes open blocks, sends message_delta and message_stop. `usage`
    // (what the gateway accounted) wins over the hub's usage chunk. Later calls return "".
    std::string finish(const std::optional<TokenUsage>& usage);
    // An error after the stream began: an "error" event (Anthropic's mid-stream error shape).
    static std::string errorEvent(const ApiError& error);

private:
    enum class Block { None, Text, ToolUse };

    std::string startMessage(const Json& chunk);
    std::string onChoice(const Json& choice);
    std::string onText(const std::string& text);
    std::string onToolCall(const Json& toolCall);
    std::string openBlock(Block kind, Json contentBlock);
    std::string closeBlock();
    std::string blockDelta(Json delta) const;

    std::string m_model;
    bool m_started = false;
    bool m_finished = false;
    Block m_openBlock = Block::None;
    int m_openIndex = -1; // the open block's index in the message's content
    int m_nextIndex = 0;
    // The hub's latest tool_calls entry (its index and id): the one a tool_use block is open for.
    int64_t m_lastToolIndex = -1;
    std::string m_lastToolId;
    Json m_stopReason = nullptr; // Anthropic's value, once the hub sent a finish_reason
    Json m_stopSequence = nullptr;
    std::optional<TokenUsage> m_usage; // from the hub's usage chunk
};

// An ApiError as Anthropic's error body: {"type":"error","error":{"type":...,"message":...}},
// with the Anthropic error type for the status (invalid_request_error, authentication_error,
// permission_error, not_found_error, request_too_large, rate_limit_error, api_error,
// overloaded_error).
std::string errorBody(const ApiError& error);

} // namespace gatehouse::messages
