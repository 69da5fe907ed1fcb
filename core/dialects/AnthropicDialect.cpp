// OpenAI chat ↔ Anthropic Messages: the request, the whole answer, the stream and the errors.
// The mapping (and what is dropped or refused, and why) is documented in docs/providers.md.
#include "dialects/AnthropicDialect.h"

#include "dialects/JsonFields.h"
#include "dialects/TurnList.h"
#include "openai/TranslationError.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace gatehouse {
namespace {

using namespace fields;

constexpr std::string_view kDefaultApiVersion = "2023-06-01";
constexpr std::size_t kErrorExcerptBytes = 300;


// ---------------------------------------------------------------------------------------------
// Request: message content.

// Anthropic refuses empty text blocks, and an empty text says nothing anyway.
void appendText(Json& blocks, std::string text)
{
    if (!text.empty())
        blocks.push_back({{"type", "text"}, {"text", std::move(text)}});
}

// OpenAI image_url parts carry either a base64 data URL or a web URL; Anthropic names the kind.
Json imageSource(const std::string& url)
{
    if (url.starts_with("data:")) {
        const auto marker = url.find(";base64,");
        if (marker == std::string::npos || marker == 5)
            refuse("Image data URLs must be base64 with a media type (data:image/png;base64,...).", "messages");
        return {{"type", "base64"}, {"media_type", url.substr(5, marker - 5)}, {"data", url.substr(marker + 8)}};
    }
    if (url.starts_with("https://") || url.starts_with("http://"))
        return {{"type", "url"}, {"url", url}};
    refuse("Image URLs must be http(s) URLs or base64 data URLs.", "messages");
}

Json imageBlock(const Json& part)
{
    // image_url is {"url": ..., "detail": ...}; some clients send the URL as a plain string.
    const Json* image = fieldOf(part, "image_url");
    std::string url;
    if (image && image->is_string())
        url = image->get<std::string>();
    else if (image)
        url = optionalString(*image, "url", "messages");
    if (url.empty())
        refuse("An image_url part needs image_url.url.", "messages");
    // "detail" has no Anthropic counterpart: Anthropic sizes images itself.
    return {{"type", "image"}, {"source", imageSource(url)}};
}

void appendPart(Json& blocks, const Json& part)
{
    const auto type = optionalString(part, "type", "messages");
    if (type == "text" || type == "refusal") {
        // A refusal part only appears in assistant history: it is what the assistant said.
        appendText(blocks, optionalString(part, type.c_str(), "messages"));
        return;
    }
    if (type == "image_url") {
        blocks.push_back(imageBlock(part));
        return;
    }
    refuse("Content parts of type '" + type + "' cannot be sent to Anthropic providers (text and image_url can).", "messages");
}

// A message's content (string, array of parts, or absent) as Anthropic content blocks.
Json contentBlocks(const Json& message)
{
    Json blocks = Json::array();
    const Json* content = fieldOf(message, "content");
    if (!content)
        return blocks;
    if (content->is_string()) {
        appendText(blocks, content->get<std::string>());
    } else if (content->is_array()) {
        for (const auto& part : *content)
            appendPart(blocks, part);
    } else {
        refuse("Message content must be a string or an array of content parts.", "messages");
    }
    return blocks;
}

// ---------------------------------------------------------------------------------------------
// Request: messages.

Json toolUseBlock(const Json& toolCall)
{
    auto call = readFunctionCall(toolCall, "Anthropic");
    return {{"type", "tool_use"}, {"id", std::move(call.id)}, {"name", std::move(call.name)}, {"input", std::move(call.arguments)}};
}

Json assistantBlocks(const Json& message)
{
    Json blocks = contentBlocks(message);
    if (const Json* toolCalls = fieldOf(message, "tool_calls")) {
        if (!toolCalls->is_array())
            refuse("tool_calls must be an array.", "messages");
        for (const auto& toolCall : *toolCalls)
            blocks.push_back(toolUseBlock(toolCall));
    }
    return blocks;
}

// Anthropic has no "tool" role: a tool's answer is a tool_result block in a user turn.
Json toolResultBlock(const Json& message)
{
    Json block = {{"type", "tool_result"}, {"tool_use_id", requiredString(message, "tool_call_id", "messages")}};
    if (auto content = contentBlocks(message); !content.empty())
        block["content"] = std::move(content);
    return block;
}

struct Conversation {
    Json system = Json::array(); // text blocks
    Json messages;
};

// System text may appear anywhere in an OpenAI conversation; Anthropic has one top-level
// system prompt, so all of it is gathered there, in order.
void appendSystemBlocks(const Json& message, Json& system)
{
    for (auto& block : contentBlocks(message)) {
        if (block["type"] != "text")
            refuse("System and developer messages can only hold text for Anthropic providers.", "messages");
        system.push_back(std::move(block));
    }
}

Conversation conversationOf(const Json& chat)
{
    const Json* messages = fieldOf(chat, "messages");
    if (!messages || !messages->is_array())
        refuse("messages must be an array.", "messages");
    Conversation conversation;
    TurnList turns("content");
    for (const auto& message : *messages) {
        const auto role = optionalString(message, "role", "messages");
        if (role == "system" || role == "developer")
            appendSystemBlocks(message, conversation.system);
        else if (role == "user")
            turns.append("user", contentBlocks(message));
        else if (role == "assistant")
            turns.append("assistant", assistantBlocks(message));
        else if (role == "tool")
            turns.append("user", Json::array({toolResultBlock(message)}));
        else
            refuse("Messages with role '" + role + "' cannot be sent to Anthropic providers (system, developer, user, assistant and tool can).",
                "messages");
    }
    conversation.messages = turns.take();
    return conversation;
}

// ---------------------------------------------------------------------------------------------
// Request: parameters.

void refuseWhatAnthropicCannotDo(const Json& chat)
{
    if (const Json* n = fieldOf(chat, "n"); n && *n != 1)
        refuse("Anthropic providers answer with one choice: n must be 1.", "n");
    if (const Json* logprobs = fieldOf(chat, "logprobs"); logprobs && *logprobs != false)
        refuse("Anthropic providers do not return log probabilities: logprobs must be false.", "logprobs");
}

// Anthropic requires max_tokens; OpenAI clients usually leave the length to the model.
Json maxTokens(const Json& chat, const ProviderConfig& provider)
{
    for (const char* key : {"max_completion_tokens", "max_tokens"}) {
        if (const Json* value = fieldOf(chat, key)) {
            if (!value->is_number_integer() || value->get<int64_t>() < 1)
                refuse(std::string(key) + " must be a positive integer.", key);
            return *value;
        }
    }
    return provider.defaultMaxTokens;
}

Json anthropicTool(const Json& tool)
{
    auto function = readFunctionTool(tool, "Anthropic");
    Json result = {{"name", std::move(function.name)}};
    if (!function.description.empty())
        result["description"] = std::move(function.description);
    // OpenAI: no parameters means no arguments. Anthropic requires an object schema.
    result["input_schema"] = function.parameters ? *function.parameters : Json{{"type", "object"}, {"properties", Json::object()}};
    return result;
}

Json anthropicTools(const Json& tools)
{
    if (!tools.is_array())
        refuse("tools must be an array.", "tools");
    Json result = Json::array();
    for (const auto& tool : tools)
        result.push_back(anthropicTool(tool));
    return result;
}

// Anthropic's tool_choice, which also carries parallel_tool_calls: false. Nothing when the client
// said nothing: Anthropic's default (auto, parallel allowed) is OpenAI's.
std::optional<Json> anthropicToolChoice(const Json& chat)
{
    const Json* choice = fieldOf(chat, "tool_choice");
    Json result;
    if (!choice || *choice == "auto")
        result = {{"type", "auto"}};
    else if (*choice == "none")
        result = {{"type", "none"}};
    else if (*choice == "required")
        result = {{"type", "any"}};
    else if (const Json* function = choice->is_object() ? fieldOf(*choice, "function") : nullptr)
        result = {{"type", "tool"}, {"name", requiredString(*function, "name", "tool_choice")}};
    else
        refuse(R"(tool_choice must be "auto", "none", "required" or {"type":"function","function":{"name":...}}.)", "tool_choice");

    const Json* parallel = fieldOf(chat, "parallel_tool_calls");
    const bool serial = parallel && *parallel == false;
    if (serial && result["type"] != "none")
        result["disable_parallel_tool_use"] = true;
    if (!choice && !serial)
        return std::nullopt;
    return result;
}

// JSON-schema output maps onto Anthropic's structured outputs (output_config.format). Plain JSON
// mode has no Anthropic counterpart, and asking nicely in the prompt would not be faithful.
std::optional<Json> outputConfig(const Json& chat)
{
    const Json* format = fieldOf(chat, "response_format");
    if (!format)
        return std::nullopt;
    const auto type = optionalString(*format, "type", "response_format");
    if (type == "text")
        return std::nullopt;
    if (type == "json_schema") {
        const Json* spec = fieldOf(*format, "json_schema");
        const Json* schema = spec ? fieldOf(*spec, "schema") : nullptr;
        if (!schema || !schema->is_object())
            refuse("response_format json_schema needs json_schema.schema (a JSON Schema object).", "response_format");
        return Json{{"format", {{"type", "json_schema"}, {"schema", *schema}}}};
    }
    if (type == "json_object")
        refuse(R"(Anthropic providers have no plain JSON mode: use response_format {"type":"json_schema"} with a schema.)",
            "response_format");
    refuse("response_format type '" + type + "' is not supported (text and json_schema are).", "response_format");
}

std::vector<std::pair<std::string, std::string>> requestHeaders(const ProviderConfig& provider)
{
    std::vector<std::pair<std::string, std::string>> headers;
    if (!provider.apiKey.empty())
        headers.emplace_back("x-api-key", provider.apiKey);
    headers.emplace_back("anthropic-version", provider.apiVersion.empty() ? std::string(kDefaultApiVersion) : provider.apiVersion);
    return headers;
}

// ---------------------------------------------------------------------------------------------
// Answers: shared by the whole answer and the stream.

// Anthropic counts cached input apart from input_tokens; OpenAI's prompt_tokens includes it.
TokenUsage tokenUsageOf(const Json& usage)
{
    const auto cacheRead = countOf(usage, "cache_read_input_tokens");
    const auto cacheWrite = countOf(usage, "cache_creation_input_tokens");
    TokenUsage result;
    result.promptTokens = countOf(usage, "input_tokens") + cacheRead + cacheWrite;
    result.completionTokens = countOf(usage, "output_tokens");
    result.cachedPromptTokens = cacheRead;
    result.cacheWriteTokens = cacheWrite; // priced apart (docs/pricing.md)
    return result;
}

std::string finishReasonOf(const Json* stopReason)
{
    const std::string reason = stopReason && stopReason->is_string() ? stopReason->get<std::string>() : "";
    if (reason == "max_tokens" || reason == "model_context_window_exceeded")
        return "length";
    if (reason == "tool_use")
        return "tool_calls";
    if (reason == "refusal")
        return "content_filter";
    // end_turn, stop_sequence, and pause_turn (a server-tool loop paused; what came is whole).
    return "stop";
}

Json envelope(const char* object, const std::string& messageId, const std::string& model, int64_t created)
{
    return {{"id", "chatcmpl-" + messageId}, {"object", object}, {"created", created}, {"model", model}};
}

Json openAiToolCall(const std::string& id, const std::string& name, std::string arguments)
{
    return {{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", std::move(arguments)}}}};
}

struct ErrorTypeInfo {
    std::string_view type;
    int status;            // what the type means when it arrives without one, in a stream
    std::string_view code; // the OpenAI-side code, "" when providerError's default says it
};

// https://docs.anthropic.com/en/api/errors
constexpr ErrorTypeInfo kErrorTypes[] = {
    {"invalid_request_error", 400, ""},
    {"authentication_error", 401, ""},
    {"billing_error", 402, "insufficient_quota"},
    {"permission_error", 403, ""},
    {"not_found_error", 404, "not_found"},
    {"request_too_large", 413, "request_too_large"},
    {"rate_limit_error", 429, ""},
    {"api_error", 500, ""},
    {"timeout_error", 504, ""},
    {"overloaded_error", 529, ""},
};

const ErrorTypeInfo* errorTypeInfo(std::string_view type)
{
    for (const auto& info : kErrorTypes) {
        if (info.type == type)
            return &info;
    }
    return nullptr;
}

// An Anthropic error body ({"type":"error","error":{"type":...,"message":...}}) or whatever came.
ApiError anthropicError(int status, const Json& parsed, std::string_view body, const DialectTarget& target)
{
    const Json* error = fieldOf(parsed, "error");
    const Json* message = error ? fieldOf(*error, "message") : nullptr;
    if (!message || !message->is_string())
        return providerError(status, excerpt(body, kErrorExcerptBytes), {}, target);
    const auto* info = errorTypeInfo(stringOr(*error, "type"));
    return providerError(status, message->get<std::string>(), info ? std::string(info->code) : std::string(), target);
}

// ---------------------------------------------------------------------------------------------
// Stream.

class AnthropicStreamDecoder final : public ChatStreamDecoder {
public:
    explicit AnthropicStreamDecoder(const DialectTarget& target)
        : m_target(target) // a copy: the caller's target may be a temporary
        , m_model(target.upstreamModel)
        , m_created(nowSeconds())
    {
    }

    std::vector<Json> onEvent(const SseEvent& event) override
    {
        const Json data = parseStreamEvent(event.data, m_target.provider.name);
        const std::string type = event.event.empty() ? stringOr(data, "type") : event.event;
        if (type == "message_start")
            return onMessageStart(data);
        if (type == "content_block_start")
            return onBlockStart(data);
        if (type == "content_block_delta")
            return onBlockDelta(data);
        if (type == "message_delta")
            return onMessageDelta(data);
        if (type == "message_stop")
            return onMessageStop();
        if (type == "error")
            throw TranslationError(streamError(data, event.data));
        // ping, content_block_stop, and event types Anthropic may add: nothing for the client.
        return {};
    }

    bool finished() const override { return m_finished; }

    std::optional<TokenUsage> usage() const override
    {
        if (m_usage.empty())
            return std::nullopt;
        return tokenUsageOf(m_usage);
    }

private:
    std::vector<Json> onMessageStart(const Json& data)
    {
        if (const Json* message = fieldOf(data, "message")) {
            m_id = stringOr(*message, "id");
            if (auto model = stringOr(*message, "model"); !model.empty())
                m_model = std::move(model);
            if (const Json* usage = fieldOf(*message, "usage"))
                mergeUsage(*usage);
        }
        return {chunk({{"role", "assistant"}, {"content", ""}})};
    }

    std::vector<Json> onBlockStart(const Json& data)
    {
        const Json* block = fieldOf(data, "content_block");
        if (!block)
            return {};
        const auto type = stringOr(*block, "type");
        if (type == "tool_use") {
            const int toolIndex = m_toolCount++;
            m_toolIndexOfBlock[countOf(data, "index")] = toolIndex;
            Json call = {{"index", toolIndex}};
            call.update(openAiToolCall(stringOr(*block, "id"), stringOr(*block, "name"), ""));
            return {chunk({{"tool_calls", Json::array({std::move(call)})}})};
        }
        // Text and thinking blocks start empty in practice; their text comes as deltas.
        if (type == "text")
            return textChunk("content", stringOr(*block, "text"));
        if (type == "thinking")
            return textChunk("reasoning_content", stringOr(*block, "thinking"));
        return {};
    }

    std::vector<Json> onBlockDelta(const Json& data)
    {
        const Json* delta = fieldOf(data, "delta");
        if (!delta)
            return {};
        const auto type = stringOr(*delta, "type");
        if (type == "text_delta")
            return textChunk("content", stringOr(*delta, "text"));
        if (type == "thinking_delta")
            return textChunk("reasoning_content", stringOr(*delta, "thinking"));
        if (type == "input_json_delta")
            return argumentsChunk(countOf(data, "index"), stringOr(*delta, "partial_json"));
        // signature_delta, citations_delta: the OpenAI shape has nowhere to put them.
        return {};
    }

    std::vector<Json> onMessageDelta(const Json& data)
    {
        if (const Json* usage = fieldOf(data, "usage"))
            mergeUsage(*usage);
        const Json* delta = fieldOf(data, "delta");
        const Json* stopReason = delta ? fieldOf(*delta, "stop_reason") : nullptr;
        if (!stopReason)
            return {};
        return {chunk(Json::object(), finishReasonOf(stopReason))};
    }

    std::vector<Json> onMessageStop()
    {
        m_finished = true;
        if (m_usage.empty())
            return {};
        Json last = envelope("chat.completion.chunk", m_id, m_model, m_created);
        last["choices"] = Json::array();
        last["usage"] = openAiUsageJson(tokenUsageOf(m_usage));
        return {std::move(last)};
    }

    // Usage counts in message_start and message_delta are cumulative: later ones replace.
    void mergeUsage(const Json& usage)
    {
        if (!usage.is_object())
            return;
        for (const auto& [key, value] : usage.items()) {
            if (value.is_number_integer())
                m_usage[key] = value;
        }
    }

    ApiError streamError(const Json& data, std::string_view body) const
    {
        const Json* error = fieldOf(data, "error");
        const auto* info = error ? errorTypeInfo(stringOr(*error, "type")) : nullptr;
        return anthropicError(info ? info->status : 502, data, body, m_target);
    }

    std::vector<Json> textChunk(const char* field, std::string text) const
    {
        if (text.empty())
            return {};
        return {chunk({{field, std::move(text)}})};
    }

    std::vector<Json> argumentsChunk(int64_t blockIndex, std::string partialJson) const
    {
        const auto it = m_toolIndexOfBlock.find(blockIndex);
        // Anthropic opens each tool input with an empty piece; server tools have no OpenAI call.
        if (it == m_toolIndexOfBlock.end() || partialJson.empty())
            return {};
        Json call = {{"index", it->second}, {"function", {{"arguments", std::move(partialJson)}}}};
        return {chunk({{"tool_calls", Json::array({std::move(call)})}})};
    }

    Json chunk(Json delta, Json finishReason = nullptr) const
    {
        Json result = envelope("chat.completion.chunk", m_id, m_model, m_created);
        Json choice = {{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finishReason)}};
        result["choices"] = Json::array({std::move(choice)});
        return result;
    }

    const DialectTarget m_target;
    std::string m_id;
    std::string m_model;
    const int64_t m_created;
    std::map<int64_t, int> m_toolIndexOfBlock; // Anthropic block index → OpenAI tool call index
    int m_toolCount = 0;
    Json m_usage = Json::object(); // Anthropic's usage fields, as last reported
    bool m_finished = false;
};

} // namespace

UpstreamCall AnthropicDialect::chatCall(const Json& chat, const DialectTarget& target) const
{
    refuseWhatAnthropicCannotDo(chat);
    auto conversation = conversationOf(chat);

    Json body = {{"model", target.upstreamModel}, {"max_tokens", maxTokens(chat, target.provider)}};
    if (!conversation.system.empty())
        body["system"] = std::move(conversation.system);
    body["messages"] = std::move(conversation.messages);
    if (const Json* tools = fieldOf(chat, "tools"); tools && !tools->empty()) {
        body["tools"] = anthropicTools(*tools);
        // Anthropic refuses a tool_choice without tools; OpenAI's means nothing without them.
        if (auto choice = anthropicToolChoice(chat))
            body["tool_choice"] = std::move(*choice);
    }
    if (const Json* stop = fieldOf(chat, "stop"))
        body["stop_sequences"] = stopSequences(*stop);
    for (const char* sampling : {"temperature", "top_p"}) {
        if (const Json* value = fieldOf(chat, sampling))
            body[sampling] = *value;
    }
    if (auto user = optionalString(chat, "user", "user"); !user.empty())
        body["metadata"] = {{"user_id", std::move(user)}};
    if (auto config = outputConfig(chat))
        body["output_config"] = std::move(*config);
    if (const Json* stream = fieldOf(chat, "stream"); stream && *stream == true)
        body["stream"] = true;
    return {"/messages", requestHeaders(target.provider), body.dump()};
}

Json AnthropicDialect::chatResponse(const Json& answer, const DialectTarget& target) const
{
    if (!answer.is_object())
        throw TranslationError(ApiError::upstreamFailed("Provider '" + target.provider.name + "' answered with something that is not a message."));
    std::string text;
    std::string reasoning;
    Json toolCalls = Json::array();
    if (const Json* content = fieldOf(answer, "content"); content && content->is_array()) {
        for (const auto& block : *content) {
            const auto type = stringOr(block, "type");
            if (type == "text")
                text += stringOr(block, "text");
            else if (type == "thinking")
                reasoning += stringOr(block, "thinking");
            else if (type == "tool_use") {
                const Json* input = fieldOf(block, "input");
                toolCalls.push_back(openAiToolCall(stringOr(block, "id"), stringOr(block, "name"), input ? input->dump() : "{}"));
            }
        }
    }

    Json message = {{"role", "assistant"}, {"content", text.empty() ? Json() : Json(text)}};
    if (!reasoning.empty())
        message["reasoning_content"] = std::move(reasoning);
    if (!toolCalls.empty())
        message["tool_calls"] = std::move(toolCalls);
    Json choice = {{"index", 0}, {"message", std::move(message)}, {"finish_reason", finishReasonOf(fieldOf(answer, "stop_reason"))}};

    const auto model = stringOr(answer, "model");
    Json completion = envelope("chat.completion", stringOr(answer, "id"), model.empty() ? target.upstreamModel : model, nowSeconds());
    completion["choices"] = Json::array({std::move(choice)});
    const Json* usage = fieldOf(answer, "usage");
    completion["usage"] = openAiUsageJson(tokenUsageOf(usage ? *usage : Json::object()));
    return completion;
}

std::unique_ptr<ChatStreamDecoder> AnthropicDialect::chatStream(const DialectTarget& target) const
{
    return std::make_unique<AnthropicStreamDecoder>(target);
}

ApiError AnthropicDialect::error(int status, std::string_view body, const DialectTarget& target) const
{
    return anthropicError(status, Json::parse(body.begin(), body.end(), nullptr, false), body, target);
}

} // namespace gatehouse
