#include "ingress/MessagesApi.h"

#include "openai/TranslationError.h"
#include "openai/UsageScanner.h"
#include "sse/SseParser.h"

#include <utility>

namespace gatehouse::messages {
namespace {

// ---- Reading the request ------------------------------------------------------------------

// Anthropic names the offending field as a dotted path before the problem
// ("max_tokens: Field required", "messages.0.role: ..."); the same path becomes the param.
[[noreturn]] void reject(const std::string& path, const std::string& problem, std::string code = {})
{
    throw TranslationError(ApiError::invalidRequest(path + ": " + problem, path, std::move(code)));
}

std::string at(const std::string& path, std::size_t index)
{
    return path + "." + std::to_string(index);
}

std::string member(const std::string& path, const char* key)
{
    return path.empty() ? std::string(key) : path + "." + key;
}

// A member that is absent or null counts as not given, as Anthropic treats optional fields.
const Json* optionalField(const Json& object, const char* key)
{
    const auto it = object.find(key); // end() for a non-object too
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

const Json& requiredField(const Json& object, const char* key, const std::string& path)
{
    const auto it = object.find(key);
    if (it == object.end())
        reject(member(path, key), "Field required", "missing_required_parameter");
    return *it;
}

const std::string& requireString(const Json& value, const std::string& path)
{
    if (!value.is_string())
        reject(path, "Input should be a valid string");
    return value.get_ref<const std::string&>();
}

const Json& requireArray(const Json& value, const std::string& path)
{
    if (!value.is_array())
        reject(path, "Input should be a valid list");
    return value;
}

const Json& requireObject(const Json& value, const std::string& path)
{
    if (!value.is_object())
        reject(path, "Input should be a valid dictionary");
    return value;
}

const std::string& requiredString(const Json& object, const char* key, const std::string& path)
{
    return requireString(requiredField(object, key, path), member(path, key));
}

const Json& requiredObject(const Json& object, const char* key, const std::string& path)
{
    return requireObject(requiredField(object, key, path), member(path, key));
}

const std::string& blockType(const Json& block, const std::string& path)
{
    requireObject(block, path);
    return requiredString(block, "type", path);
}

[[noreturn]] void rejectBlock(const std::string& type, const std::string& path, const std::string& where)
{
    reject(path + ".type", "'" + type + "' blocks " + where + " cannot be translated for this model's provider",
        "unsupported_content");
}

// Content that is a string or a list of text blocks, as one string (system prompts, tool results).
std::string joinedText(const Json& content, const std::string& path, const std::string& where)
{
    if (content.is_string())
        return content.get<std::string>();
    std::string text;
    const auto& blocks = requireArray(content, path);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const auto blockPath = at(path, i);
        const auto& type = blockType(blocks[i], blockPath);
        if (type != "text")
            rejectBlock(type, blockPath, where);
        if (!text.empty())
            text += '\n';
        text += requiredString(blocks[i], "text", blockPath);
    }
    return text;
}

Json textPart(const Json& block, const std::string& path)
{
    return {{"type", "text"}, {"text", requiredString(block, "text", path)}};
}

Json imagePart(const Json& block, const std::string& path)
{
    const auto sourcePath = path + ".source";
    const auto& source = requiredObject(block, "source", path);
    const auto& kind = requiredString(source, "type", sourcePath);
    std::string url;
    if (kind == "base64") {
        url = "data:" + requiredString(source, "media_type", sourcePath)
            + ";base64," + requiredString(source, "data", sourcePath);
    } else if (kind == "url") {
        url = requiredString(source, "url", sourcePath);
    } else {
        reject(sourcePath + ".type", "image source '" + kind + "' cannot be translated (use base64 or url)", "unsupported_content");
    }
    return {{"type", "image_url"}, {"image_url", {{"url", std::move(url)}}}};
}

// One text part stays a plain string: the form every OpenAI-compatible server accepts.
Json contentOf(Json parts)
{
    if (parts.size() == 1 && parts[0]["type"] == "text")
        return parts[0]["text"];
    return parts;
}

Json toolMessage(const Json& block, const std::string& path)
{
    const auto& id = requiredString(block, "tool_use_id", path);
    std::string content;
    if (const auto* given = optionalField(block, "content"))
        content = joinedText(*given, path + ".content", "in a tool_result");
    // The chat API has no error flag on tool results: say it in the text the model reads.
    if (const auto* isError = optionalField(block, "is_error"); isError && *isError == true)
        content = "Error: " + content;
    return {{"role", "tool"}, {"tool_call_id", id}, {"content", std::move(content)}};
}

Json toolCall(const Json& block, const std::string& path)
{
    const auto& id = requiredString(block, "id", path);
    const auto& name = requiredString(block, "name", path);
    Json input = Json::object();
    if (const auto* given = optionalField(block, "input"))
        input = requireObject(*given, path + ".input");
    return {{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", input.dump()}}}};
}

// Tool results become "tool" messages ahead of the user's other content: OpenAI wants them right
// after the assistant's tool_calls, and Anthropic puts them first in the user turn for that reason.
void appendUserMessage(Json& messages, const Json& content, const std::string& path)
{
    if (content.is_string()) {
        messages.push_back({{"role", "user"}, {"content", content}});
        return;
    }
    Json parts = Json::array();
    const auto& blocks = requireArray(content, path);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const auto blockPath = at(path, i);
        const auto& type = blockType(blocks[i], blockPath);
        if (type == "text")
            parts.push_back(textPart(blocks[i], blockPath));
        else if (type == "image")
            parts.push_back(imagePart(blocks[i], blockPath));
        else if (type == "tool_result")
            messages.push_back(toolMessage(blocks[i], blockPath));
        else
            rejectBlock(type, blockPath, "in a user message");
    }
    if (!parts.empty())
        messages.push_back({{"role", "user"}, {"content", contentOf(std::move(parts))}});
}

void appendAssistantMessage(Json& messages, const Json& content, const std::string& path)
{
    if (content.is_string()) {
        messages.push_back({{"role", "assistant"}, {"content", content}});
        return;
    }
    Json parts = Json::array();
    Json toolCalls = Json::array();
    const auto& blocks = requireArray(content, path);
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const auto blockPath = at(path, i);
        const auto& type = blockType(blocks[i], blockPath);
        if (type == "text")
            parts.push_back(textPart(blocks[i], blockPath));
        else if (type == "tool_use")
            toolCalls.push_back(toolCall(blocks[i], blockPath));
        else if (type == "thinking" || type == "redacted_thinking")
            continue; // a Claude's own reasoning from earlier turns: other models cannot read it back
        else
            rejectBlock(type, blockPath, "in an assistant message");
    }
    Json message = {{"role", "assistant"}, {"content", parts.empty() ? Json(nullptr) : contentOf(std::move(parts))}};
    if (!toolCalls.empty())
        message["tool_calls"] = std::move(toolCalls);
    messages.push_back(std::move(message));
}

Json chatMessages(const Json& request)
{
    Json messages = Json::array();
    if (const auto* system = optionalField(request, "system")) {
        auto text = joinedText(*system, "system", "in the system prompt");
        if (!text.empty())
            messages.push_back({{"role", "system"}, {"content", std::move(text)}});
    }
    const auto& given = requireArray(requiredField(request, "messages", ""), "messages");
    if (given.empty())
        reject("messages", "at least one message is required");
    for (std::size_t i = 0; i < given.size(); ++i) {
        const auto path = at("messages", i);
        requireObject(given[i], path);
        const auto& role = requiredString(given[i], "role", path);
        const auto& content = requiredField(given[i], "content", path);
        if (role == "user")
            appendUserMessage(messages, content, path + ".content");
        else if (role == "assistant")
            appendAssistantMessage(messages, content, path + ".content");
        else
            reject(path + ".role", "Input should be 'user' or 'assistant'");
    }
    return messages;
}

int64_t maxTokens(const Json& request)
{
    const auto& value = requiredField(request, "max_tokens", "");
    if (!value.is_number_integer())
        reject("max_tokens", "Input should be a valid integer");
    const auto tokens = value.get<int64_t>();
    if (tokens < 1)
        reject("max_tokens", "Input should be greater than or equal to 1");
    return tokens;
}

Json functionTool(const Json& tool, const std::string& path)
{
    requireObject(tool, path);
    // Anthropic's server tools (web_search, bash, text_editor, ...) run at Anthropic: nothing to map them to.
    if (const auto* type = optionalField(tool, "type"); type && *type != "custom")
        reject(path + ".type", "tool type " + type->dump() + " cannot be translated for this model's provider",
            "unsupported_tool");
    Json function = {{"name", requiredString(tool, "name", path)}};
    if (const auto* description = optionalField(tool, "description"))
        function["description"] = requireString(*description, path + ".description");
    function["parameters"] = requiredObject(tool, "input_schema", path);
    return {{"type", "function"}, {"function", std::move(function)}};
}

Json functionTools(const Json& tools)
{
    Json out = Json::array();
    requireArray(tools, "tools");
    for (std::size_t i = 0; i < tools.size(); ++i)
        out.push_back(functionTool(tools[i], at("tools", i)));
    return out;
}

Json chatToolChoice(const Json& choice)
{
    requireObject(choice, "tool_choice");
    const auto& type = requiredString(choice, "type", "tool_choice");
    if (type == "auto" || type == "none")
        return type;
    if (type == "any")
        return "required";
    if (type == "tool") {
        const auto& name = requiredString(choice, "name", "tool_choice");
        return {{"type", "function"}, {"function", {{"name", name}}}};
    }
    reject("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
}

void copyTools(const Json& request, Json& chat)
{
    const auto* tools = optionalField(request, "tools");
    if (!tools)
        return;
    auto translated = functionTools(*tools);
    if (translated.empty())
        return; // OpenAI refuses an empty tools list and a tool_choice without tools
    chat["tools"] = std::move(translated);
    const auto* choice = optionalField(request, "tool_choice");
    if (!choice)
        return;
    chat["tool_choice"] = chatToolChoice(*choice);
    if (const auto* single = optionalField(*choice, "disable_parallel_tool_use"); single && *single == true)
        chat["parallel_tool_calls"] = false;
}

void copyNumber(const Json& request, const char* key, Json& chat)
{
    const auto* value = optionalField(request, key);
    if (!value)
        return;
    if (!value->is_number())
        reject(key, "Input should be a valid number");
    chat[key] = *value;
}

void copyStopSequences(const Json& request, Json& chat)
{
    const auto* sequences = optionalField(request, "stop_sequences");
    if (!sequences)
        return;
    requireArray(*sequences, "stop_sequences");
    for (std::size_t i = 0; i < sequences->size(); ++i)
        requireString((*sequences)[i], at("stop_sequences", i));
    if (!sequences->empty())
        chat["stop"] = *sequences;
}

void copyStream(const Json& request, Json& chat)
{
    const auto* stream = optionalField(request, "stream");
    if (!stream)
        return;
    if (!stream->is_boolean())
        reject("stream", "Input should be a valid boolean");
    chat["stream"] = *stream;
    // The gateway accounts tokens from the usage chunk, and message_delta reports it to the client.
    if (*stream == true)
        chat["stream_options"] = {{"include_usage", true}};
}

void copyUser(const Json& request, Json& chat)
{
    const auto* metadata = optionalField(request, "metadata");
    if (!metadata)
        return;
    requireObject(*metadata, "metadata");
    if (const auto* user = optionalField(*metadata, "user_id"))
        chat["user"] = requireString(*user, "metadata.user_id");
}

// ---- Writing the answer -------------------------------------------------------------------

// The hub's answers come from providers: read them leniently, a missing or odd field is a default.
std::string stringField(const Json& object, const char* key)
{
    const auto* value = optionalField(object, key);
    return value && value->is_string() ? value->get<std::string>() : std::string();
}

const Json& objectField(const Json& object, const char* key)
{
    static const Json none = Json::object();
    const auto* value = optionalField(object, key);
    return value && value->is_object() ? *value : none;
}

// The first choice (the gateway never asks for more), or an empty object.
const Json& firstChoice(const Json& object)
{
    static const Json none = Json::object();
    const auto* choices = optionalField(object, "choices");
    return choices && choices->is_array() && !choices->empty() ? (*choices)[0] : none;
}

std::string messageId(const Json& chat)
{
    std::string id = stringField(chat, "id");
    constexpr std::string_view openAiPrefix = "chatcmpl-";
    if (id.starts_with(openAiPrefix))
        id.erase(0, openAiPrefix.size());
    return "msg_" + id;
}

struct StopReason {
    Json reason = nullptr;
    Json sequence = nullptr;
};

// OpenAI's finish_reason as Anthropic's stop_reason. OpenAI says "stop" for a matched stop
// sequence too; vLLM-style servers tell which one in the choice's "stop_reason".
StopReason stopReasonOf(const Json& choice)
{
    const auto* finish = optionalField(choice, "finish_reason");
    if (!finish || !finish->is_string())
        return {};
    const auto& reason = finish->get_ref<const std::string&>();
    if (reason == "length")
        return {"max_tokens"};
    if (reason == "tool_calls" || reason == "function_call")
        return {"tool_use"};
    if (reason == "content_filter")
        return {"refusal"};
    if (const auto* sequence = optionalField(choice, "stop_reason"); reason == "stop" && sequence && sequence->is_string())
        return {"stop_sequence", *sequence};
    return {"end_turn"};
}

// An answer that ended without a finish_reason still needs a stop_reason for the SDKs.
Json orEndTurn(const Json& stopReason)
{
    return stopReason.is_null() ? Json("end_turn") : stopReason;
}

// Anthropic requires an object; arguments a model got wrong are not worth failing the answer for.
Json parsedArguments(const std::string& arguments)
{
    auto parsed = Json::parse(arguments, nullptr, false);
    return parsed.is_object() ? parsed : Json::object();
}

Json toolUseBlock(const Json& call)
{
    const auto& function = objectField(call, "function");
    return {{"type", "tool_use"}, {"id", stringField(call, "id")}, {"name", stringField(function, "name")},
        {"input", parsedArguments(stringField(function, "arguments"))}};
}

std::optional<TokenUsage> usageOf(const Json& object)
{
    const auto* usage = optionalField(object, "usage");
    return usage ? parseUsageObject(usage->dump()) : std::nullopt;
}

// Anthropic's input_tokens leaves out cache reads, which OpenAI's prompt_tokens includes.
Json anthropicUsage(const TokenUsage& usage)
{
    Json json = {{"input_tokens", usage.promptTokens - usage.cachedPromptTokens}};
    if (usage.cachedPromptTokens > 0)
        json["cache_read_input_tokens"] = usage.cachedPromptTokens;
    json["output_tokens"] = usage.completionTokens;
    return json;
}

Json contentBlocks(const Json& message)
{
    Json blocks = Json::array();
    if (auto text = stringField(message, "content"); !text.empty())
        blocks.push_back({{"type", "text"}, {"text", std::move(text)}});
    if (const auto* calls = optionalField(message, "tool_calls"); calls && calls->is_array()) {
        for (const auto& call : *calls)
            blocks.push_back(toolUseBlock(call));
    }
    return blocks;
}

// The Anthropic error type a client's SDK turns into its exception class.
std::string errorType(int status)
{
    switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503:
    case 529: return "overloaded_error";
    default:
        // Anthropic uses invalid_request_error for the 4xx it has no own type for.
        return status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
    }
}

Json errorJson(const ApiError& error)
{
    return {{"type", "error"}, {"error", {{"type", errorType(error.status)}, {"message", error.message}}}};
}

std::string sseEvent(const char* name, const Json& data)
{
    return formatSseEvent(name, data.dump());
}

} // namespace

Json toChatRequest(const Json& request)
{
    if (!request.is_object())
        throw TranslationError(ApiError::invalidRequest("The request body must be a JSON object."));
    Json chat = {{"model", requiredString(request, "model", "")}};
    chat["messages"] = chatMessages(request);
    chat["max_tokens"] = maxTokens(request);
    copyNumber(request, "temperature", chat);
    copyNumber(request, "top_p", chat);
    copyStopSequences(request, chat);
    copyStream(request, chat);
    copyTools(request, chat);
    copyUser(request, chat);
    // top_k and thinking are dropped: the chat API has no counterpart (see docs/providers.md).
    return chat;
}

Json fromChatResponse(const Json& completion, const std::string& model)
{
    const auto& choice = firstChoice(completion);
    const auto stop = stopReasonOf(choice);
    return {
        {"id", messageId(completion)},
        {"type", "message"},
        {"role", "assistant"},
        {"model", model},
        {"content", contentBlocks(objectField(choice, "message"))},
        {"stop_reason", orEndTurn(stop.reason)},
        {"stop_sequence", stop.sequence},
        {"usage", anthropicUsage(usageOf(completion).value_or(TokenUsage{}))},
    };
}

// ---- StreamEncoder ------------------------------------------------------------------------

StreamEncoder::StreamEncoder(std::string model)
    : m_model(std::move(model))
{
}

std::string StreamEncoder::onChunk(const Json& chunk)
{
    if (m_finished)
        return {};
    std::string out = startMessage(chunk);
    if (auto usage = usageOf(chunk))
        m_usage = usage;
    out += onChoice(firstChoice(chunk)); // the usage chunk has none: an empty object
    return out;
}

std::string StreamEncoder::finish(const std::optional<TokenUsage>& usage)
{
    if (m_finished)
        return {};
    std::string out = startMessage(Json::object()); // an answer without chunks is still a whole message
    out += closeBlock();
    const auto reported = usage ? usage : m_usage;
    // Usage is cumulative in message_delta; the input counts are only known now (OpenAI reports
    // them in the last chunk), and the SDKs take input_tokens from here when present.
    const Json deltaUsage = reported ? anthropicUsage(*reported) : Json{{"output_tokens", 0}};
    out += sseEvent("message_delta",
        {{"type", "message_delta"},
            {"delta", {{"stop_reason", orEndTurn(m_stopReason)},
                          {"stop_sequence", m_stopSequence}}},
            {"usage", deltaUsage}});
    out += sseEvent("message_stop", {{"type", "message_stop"}});
    m_finished = true;
    return out;
}

std::string StreamEncoder::errorEvent(const ApiError& error)
{
    return sseEvent("error", errorJson(error));
}

std::string StreamEncoder::startMessage(const Json& chunk)
{
    if (m_started)
        return {};
    m_started = true;
    // OpenAI reports usage only at the end: the counts here are zero and message_delta has them.
    const Json message = {
        {"id", messageId(chunk)},
        {"type", "message"},
        {"role", "assistant"},
        {"model", m_model},
        {"content", Json::array()},
        {"stop_reason", nullptr},
        {"stop_sequence", nullptr},
        {"usage", {{"input_tokens", 0}, {"output_tokens", 0}}},
    };
    // Anthropic sends a ping right after message_start; clients written against it may expect one.
    return sseEvent("message_start", {{"type", "message_start"}, {"message", message}})
        + sseEvent("ping", {{"type", "ping"}});
}

std::string StreamEncoder::onChoice(const Json& choice)
{
    std::string out;
    if (const auto* delta = optionalField(choice, "delta")) {
        if (const auto* text = optionalField(*delta, "content"); text && text->is_string())
            out += onText(text->get<std::string>());
        if (const auto* calls = optionalField(*delta, "tool_calls"); calls && calls->is_array()) {
            for (const auto& call : *calls)
                out += onToolCall(call);
        }
    }
    if (const auto stop = stopReasonOf(choice); !stop.reason.is_null()) {
        m_stopReason = stop.reason;
        m_stopSequence = stop.sequence;
    }
    return out;
}

std::string StreamEncoder::onText(const std::string& text)
{
    if (text.empty())
        return {}; // OpenAI's first chunk carries "" with the role: no block for that
    std::string out;
    if (m_openBlock != Block::Text)
        out += openBlock(Block::Text, {{"type", "text"}, {"text", ""}});
    out += blockDelta({{"type", "text_delta"}, {"text", text}});
    return out;
}

std::string StreamEncoder::onToolCall(const Json& toolCall)
{
    const auto* given = optionalField(toolCall, "index");
    const int64_t index = given && given->is_number_integer() ? given->get<int64_t>() : 0;
    const std::string id = stringField(toolCall, "id");
    const auto& function = objectField(toolCall, "function");
    std::string out;
    // OpenAI streams tool calls one after another (a call's first piece has its id), so a new
    // call ends the open block. Providers without an index still give each call its own id.
    const bool newCall = index > m_lastToolIndex || (!id.empty() && id != m_lastToolId);
    if (newCall) {
        out += openBlock(Block::ToolUse,
            {{"type", "tool_use"}, {"id", id}, {"name", stringField(function, "name")}, {"input", Json::object()}});
        m_lastToolIndex = index;
        m_lastToolId = id;
    } else if (m_openBlock != Block::ToolUse || index != m_lastToolIndex) {
        return {}; // a piece of a call whose block is closed: Anthropic cannot reopen a block
    }
    if (const auto arguments = stringField(function, "arguments"); !arguments.empty())
        out += blockDelta({{"type", "input_json_delta"}, {"partial_json", arguments}});
    return out;
}

std::string StreamEncoder::openBlock(Block kind, Json contentBlock)
{
    std::string out = closeBlock();
    m_openBlock = kind;
    m_openIndex = m_nextIndex++;
    out += sseEvent("content_block_start",
        {{"type", "content_block_start"}, {"index", m_openIndex}, {"content_block", std::move(contentBlock)}});
    return out;
}

std::string StreamEncoder::closeBlock()
{
    if (m_openBlock == Block::None)
        return {};
    m_openBlock = Block::None;
    return sseEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", m_openIndex}});
}

std::string StreamEncoder::blockDelta(Json delta) const
{
    return sseEvent("content_block_delta", {{"type", "content_block_delta"}, {"index", m_openIndex}, {"delta", std::move(delta)}});
}

std::string errorBody(const ApiError& error)
{
    return errorJson(error).dump();
}

} // namespace gatehouse::messages
