// OpenAI chat and embeddings ↔ the Gemini API: the request, the whole answer, the stream, the
// embeddings and the errors. The mapping (and what is dropped or refused, and why) is documented
// in docs/providers.md.
#include "dialects/GeminiDialect.h"

#include "dialects/JsonFields.h"
#include "dialects/TurnList.h"
#include "calls/RequestId.h"
#include "openai/TranslationError.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>

namespace gatehouse {
namespace {

using namespace fields;

constexpr std::size_t kErrorExcerptBytes = 300;
constexpr const char* kApiKeyHeader = "x-goog-api-key";

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

std::vector<std::pair<std::string, std::string>> requestHeaders(const ProviderConfig& provider)
{
    std::vector<std::pair<std::string, std::string>> headers;
    if (!provider.apiKey.empty())
        headers.emplace_back(kApiKeyHeader, provider.apiKey);
    return headers;
}

std::string modelPath(const DialectTarget& target)
{
    return "/models/" + target.upstreamModel;
}

// ---------------------------------------------------------------------------------------------
// Request: message content as Gemini parts.

Json textPart(std::string text)
{
    return {{"text", std::move(text)}};
}

// "data:image/png;base64,AAAA" as inline data. Gemini takes media inline or as an uploaded file
// URI; the gateway does not fetch URLs on a client's behalf (cost, latency, and a request
// forgery risk), so web URLs are refused rather than downloaded.
Json inlineDataPart(const std::string& url, const char* what)
{
    if (startsWith(url, "http://") || startsWith(url, "https://"))
        refuse(std::string(what) + " URLs cannot be sent to Gemini providers: Gemini takes media inline, and the gateway does not "
                   "download client URLs. Send the " + what + " as a base64 data URL (data:image/png;base64,...).",
            "messages");
    const auto marker = url.find(";base64,");
    if (!startsWith(url, "data:") || marker == std::string::npos)
        refuse(std::string(what) + " URLs must be base64 data URLs with a media type (data:image/png;base64,...).", "messages");
    // Parameters after the media type (";name=...") are not part of Gemini's mimeType.
    const auto mimeType = url.substr(5, std::min(url.find(';', 5), marker) - 5);
    if (mimeType.empty())
        refuse(std::string(what) + " data URLs need a media type (data:image/png;base64,...).", "messages");
    return {{"inlineData", {{"mimeType", mimeType}, {"data", url.substr(marker + 8)}}}};
}

Json imagePart(const Json& part)
{
    const Json* image = fieldOf(part, "image_url");
    const std::string url = image && image->is_string() ? image->get<std::string>() : (image ? optionalString(*image, "url", "messages") : "");
    if (url.empty())
        refuse("An image_url part needs image_url.url.", "messages");
    // "detail" is dropped: Gemini sizes images itself.
    return inlineDataPart(url, "Image");
}

Json audioPart(const Json& part)
{
    const Json* audio = fieldOf(part, "input_audio");
    if (!audio)
        refuse("An input_audio part needs input_audio.data and input_audio.format.", "messages");
    return {{"inlineData", {{"mimeType", "audio/" + requiredString(*audio, "format", "messages")}, {"data", requiredString(*audio, "data", "messages")}}}};
}

Json filePart(const Json& part)
{
    const Json* file = fieldOf(part, "file");
    const auto data = file ? optionalString(*file, "file_data", "messages") : std::string();
    if (data.empty())
        refuse("File parts need file.file_data as a base64 data URL; uploaded file ids cannot be sent to Gemini providers.", "messages");
    return inlineDataPart(data, "File");
}

// System, assistant and tool messages hold text only; user messages may carry media too.
enum class Parts { TextOnly, TextAndMedia };

// One OpenAI content part as a Gemini part; null for an empty text, which Gemini refuses.
Json contentPart(const Json& part, Parts allowed)
{
    const auto type = optionalString(part, "type", "messages");
    if (type == "text" || type == "refusal") {
        // A refusal part only appears in assistant history: it is what the assistant said.
        auto text = optionalString(part, type.c_str(), "messages");
        return text.empty() ? Json() : textPart(std::move(text));
    }
    if (allowed == Parts::TextAndMedia) {
        if (type == "image_url")
            return imagePart(part);
        if (type == "input_audio")
            return audioPart(part);
        if (type == "file")
            return filePart(part);
    }
    refuse("Content parts of type '" + type + "' cannot be sent to Gemini providers in this message.", "messages");
}

// A message's content (string, array of parts, or absent) as Gemini parts.
Json contentParts(const Json& message, Parts allowed)
{
    Json parts = Json::array();
    const Json* content = fieldOf(message, "content");
    if (!content)
        return parts;
    if (content->is_string()) {
        if (!content->get_ref<const std::string&>().empty())
            parts.push_back(textPart(content->get<std::string>()));
        return parts;
    }
    if (!content->is_array())
        refuse("Message content must be a string or an array of content parts.", "messages");
    for (const auto& part : *content) {
        if (auto converted = contentPart(part, allowed); !converted.is_null())
            parts.push_back(std::move(converted));
    }
    return parts;
}

// The text of a message whose content may only be text (system and tool messages).
std::string contentText(const Json& message)
{
    std::string text;
    for (const auto& part : contentParts(message, Parts::TextOnly))
        text += part["text"].get<std::string>();
    return text;
}

// ---------------------------------------------------------------------------------------------
// Request: messages.

// Gemini 3 signs its function calls and refuses a history whose calls lost their signature. It
// travels to the client as tool_calls[].extra_content.google.thought_signature (the field
// Google's own OpenAI-compatible endpoint uses) and comes back from there.
std::string thoughtSignatureOf(const Json& toolCall)
{
    const Json* extra = fieldOf(toolCall, "extra_content");
    const Json* google = extra ? fieldOf(*extra, "google") : nullptr;
    return google ? stringOr(*google, "thought_signature") : std::string();
}

Json functionCallPart(const Json& toolCall)
{
    auto call = readFunctionCall(toolCall, "Gemini");
    // The call id stays on the gateway's side: Gemini pairs calls and responses by name and order.
    Json part = {{"functionCall", {{"name", std::move(call.name)}, {"args", std::move(call.arguments)}}}};
    if (auto signature = thoughtSignatureOf(toolCall); !signature.empty())
        part["thoughtSignature"] = std::move(signature);
    return part;
}

// Remembers the function name of each tool call id: Gemini's functionResponse names the
// function, OpenAI's tool message only its call id. Later calls with a reused id win, since a
// tool message answers the assistant turn just before it.
class ToolCallNames {
public:
    void remember(const Json& toolCall)
    {
        const Json* function = fieldOf(toolCall, "function");
        m_names[stringOr(toolCall, "id")] = function ? stringOr(*function, "name") : std::string();
    }

    const std::string& nameOf(const std::string& id) const
    {
        const auto it = m_names.find(id);
        if (it == m_names.end() || it->second.empty())
            refuse("The tool message with tool_call_id '" + id + "' answers no earlier assistant tool call; Gemini providers need the "
                       "function name of each tool result.",
                "messages");
        return it->second;
    }

private:
    std::map<std::string, std::string> m_names;
};

Json modelParts(const Json& message, ToolCallNames& names)
{
    Json parts = contentParts(message, Parts::TextOnly);
    if (const Json* toolCalls = fieldOf(message, "tool_calls")) {
        if (!toolCalls->is_array())
            refuse("tool_calls must be an array.", "messages");
        for (const auto& toolCall : *toolCalls) {
            parts.push_back(functionCallPart(toolCall));
            names.remember(toolCall);
        }
    }
    return parts;
}

// Gemini has no "tool" role: a tool's answer is a functionResponse part in a user turn. Its
// response must be a JSON object: a JSON object result goes as it is, anything else is wrapped.
Json functionResponsePart(const Json& message, const ToolCallNames& names)
{
    const auto& name = names.nameOf(requiredString(message, "tool_call_id", "messages"));
    auto text = contentText(message);
    Json response = Json::parse(text, nullptr, false);
    if (!response.is_object())
        response = {{"content", std::move(text)}};
    return {{"functionResponse", {{"name", name}, {"response", std::move(response)}}}};
}

struct Conversation {
    Json systemParts = Json::array();
    Json contents;
};

Conversation conversationOf(const Json& chat)
{
    const Json* messages = fieldOf(chat, "messages");
    if (!messages || !messages->is_array())
        refuse("messages must be an array.", "messages");
    Conversation conversation;
    TurnList contents("parts");
    ToolCallNames names;
    for (const auto& message : *messages) {
        const auto role = optionalString(message, "role", "messages");
        // System text may appear anywhere in an OpenAI conversation; Gemini has one
        // systemInstruction, so all of it is gathered there, in order.
        if (role == "system" || role == "developer") {
            for (auto& part : contentParts(message, Parts::TextOnly))
                conversation.systemParts.push_back(std::move(part));
        } else if (role == "user") {
            contents.append("user", contentParts(message, Parts::TextAndMedia));
        } else if (role == "assistant") {
            contents.append("model", modelParts(message, names));
        } else if (role == "tool") {
            contents.append("user", Json::array({functionResponsePart(message, names)}));
        } else {
            refuse("Messages with role '" + role + "' cannot be sent to Gemini providers (system, developer, user, assistant and tool can).",
                "messages");
        }
    }
    conversation.contents = contents.take();
    return conversation;
}

// ---------------------------------------------------------------------------------------------
// Request: tools.

// OpenAI parameters are JSON Schema. Gemini's "parameters" is an OpenAPI subset that refuses
// common JSON Schema keywords (additionalProperties, $schema...); "parametersJsonSchema" takes
// JSON Schema as it is.
Json functionDeclaration(const Json& tool)
{
    auto function = readFunctionTool(tool, "Gemini");
    Json declaration = {{"name", std::move(function.name)}};
    if (!function.description.empty())
        declaration["description"] = std::move(function.description);
    if (function.parameters)
        declaration["parametersJsonSchema"] = *function.parameters;
    return declaration;
}

Json geminiTools(const Json& tools)
{
    if (!tools.is_array())
        refuse("tools must be an array.", "tools");
    Json declarations = Json::array();
    for (const auto& tool : tools)
        declarations.push_back(functionDeclaration(tool));
    return Json::array({{{"functionDeclarations", std::move(declarations)}}});
}

// Nothing when the client said nothing: Gemini's default (AUTO) is OpenAI's.
std::optional<Json> toolConfig(const Json& chat)
{
    const Json* choice = fieldOf(chat, "tool_choice");
    if (!choice)
        return std::nullopt;
    Json config;
    if (*choice == "auto")
        config = {{"mode", "AUTO"}};
    else if (*choice == "none")
        config = {{"mode", "NONE"}};
    else if (*choice == "required")
        config = {{"mode", "ANY"}};
    else if (const Json* function = choice->is_object() ? fieldOf(*choice, "function") : nullptr)
        config = {{"mode", "ANY"}, {"allowedFunctionNames", Json::array({requiredString(*function, "name", "tool_choice")})}};
    else
        refuse(R"(tool_choice must be "auto", "none", "required" or {"type":"function","function":{"name":...}}.)", "tool_choice");
    return Json{{"functionCallingConfig", std::move(config)}};
}

// ---------------------------------------------------------------------------------------------
// Request: generation config.

void refuseWhatGeminiCannotDo(const Json& chat)
{
    // Gemini has logprobs only on some models and in another shape; an answer without them
    // would not be what the client asked for.
    if (const Json* logprobs = fieldOf(chat, "logprobs"); logprobs && *logprobs != false)
        refuse("Gemini providers do not return log probabilities through the gateway: logprobs must be false.", "logprobs");
    if (const Json* bias = fieldOf(chat, "logit_bias"); bias && !bias->empty())
        refuse("Gemini providers have no logit_bias.", "logit_bias");
    if (fieldOf(chat, "audio"))
        refuse("Gemini providers cannot answer with audio through the gateway.", "audio");
}

struct NumberField {
    const char* openAi;
    const char* gemini;
    bool integer;
};

constexpr NumberField kNumberFields[] = {
    {"temperature", "temperature", false},
    {"top_p", "topP", false},
    {"n", "candidateCount", true},
    {"seed", "seed", true},
    {"presence_penalty", "presencePenalty", false},
    {"frequency_penalty", "frequencyPenalty", false},
};

void copyNumbers(const Json& chat, Json& config)
{
    for (const auto& field : kNumberFields) {
        const Json* value = fieldOf(chat, field.openAi);
        if (!value)
            continue;
        if (field.integer ? !value->is_number_integer() : !value->is_number())
            refuse(std::string(field.openAi) + (field.integer ? " must be an integer." : " must be a number."), field.openAi);
        config[field.gemini] = *value;
    }
}

std::optional<Json> maxOutputTokens(const Json& chat)
{
    // max_completion_tokens replaced max_tokens in OpenAI's API; when both come, it wins.
    for (const char* key : {"max_completion_tokens", "max_tokens"}) {
        if (const Json* value = fieldOf(chat, key)) {
            if (!value->is_number_integer() || value->get<int64_t>() < 1)
                refuse(std::string(key) + " must be a positive integer.", key);
            return *value;
        }
    }
    return std::nullopt;
}

// json_object is Gemini's JSON mode; json_schema adds the schema as JSON Schema
// (responseJsonSchema; the older responseSchema takes only an OpenAPI subset).
void applyResponseFormat(const Json& chat, Json& config)
{
    const Json* format = fieldOf(chat, "response_format");
    if (!format)
        return;
    const auto type = optionalString(*format, "type", "response_format");
    if (type == "text")
        return;
    if (type == "json_object") {
        config["responseMimeType"] = "application/json";
        return;
    }
    if (type == "json_schema") {
        const Json* spec = fieldOf(*format, "json_schema");
        const Json* schema = spec ? fieldOf(*spec, "schema") : nullptr;
        if (!schema || !schema->is_object())
            refuse("response_format json_schema needs json_schema.schema (a JSON Schema object).", "response_format");
        config["responseMimeType"] = "application/json";
        config["responseJsonSchema"] = *schema;
        return;
    }
    refuse("response_format type '" + type + "' is not supported (text, json_object and json_schema are).", "response_format");
}

// reasoning_effort as a thinking budget, with the budgets Google's own OpenAI-compatible endpoint
// uses (low 1K, medium 8K, high 24K; none turns thinking off). thinkingBudget is understood by
// Gemini 2.5 and, for compatibility, Gemini 3; thinkingLevel only by Gemini 3.
void applyReasoningEffort(const Json& chat, Json& config)
{
    const auto effort = optionalString(chat, "reasoning_effort", "reasoning_effort");
    if (effort.empty())
        return;
    int budget = 0;
    if (effort == "minimal" || effort == "low")
        budget = 1024;
    else if (effort == "medium")
        budget = 8192;
    else if (effort == "high")
        budget = 24576;
    else if (effort != "none")
        refuse("reasoning_effort must be none, minimal, low, medium or high.", "reasoning_effort");
    config["thinkingConfig"] = {{"thinkingBudget", budget}};
}

Json generationConfig(const Json& chat)
{
    Json config = Json::object();
    copyNumbers(chat, config);
    if (auto tokens = maxOutputTokens(chat))
        config["maxOutputTokens"] = std::move(*tokens);
    if (const Json* stop = fieldOf(chat, "stop"))
        config["stopSequences"] = stopSequences(*stop);
    applyResponseFormat(chat, config);
    applyReasoningEffort(chat, config);
    return config;
}

bool wantsStream(const Json& chat)
{
    const Json* stream = fieldOf(chat, "stream");
    return stream && *stream == true;
}

// ---------------------------------------------------------------------------------------------
// Answers: shared by the whole answer and the stream.

// Gemini counts thoughts apart from the candidates; OpenAI's completion_tokens includes the
// reasoning. Tool-use prompt tokens (results of tools Google runs) are input too.
TokenUsage tokenUsageOf(const Json& metadata)
{
    TokenUsage usage;
    usage.promptTokens = countOf(metadata, "promptTokenCount") + countOf(metadata, "toolUsePromptTokenCount");
    usage.reasoningTokens = countOf(metadata, "thoughtsTokenCount");
    usage.completionTokens = countOf(metadata, "candidatesTokenCount") + usage.reasoningTokens;
    usage.cachedPromptTokens = countOf(metadata, "cachedContentTokenCount");
    return usage;
}

bool isContentFilterReason(std::string_view reason)
{
    constexpr std::string_view kFiltered[] = {
        "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"};
    return std::find(std::begin(kFiltered), std::end(kFiltered), reason) != std::end(kFiltered);
}

// https://ai.google.dev/api/generate-content#FinishReason
std::string finishReasonOf(std::string_view reason, bool calledFunctions)
{
    if (reason == "MAX_TOKENS")
        return "length";
    if (isContentFilterReason(reason))
        return "content_filter";
    // Gemini ends a turn of function calls with STOP; OpenAI clients look for tool_calls.
    if (calledFunctions)
        return "tool_calls";
    // STOP, and OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL...: what came is all there is.
    return "stop";
}

Json envelope(const char* object, const std::string& responseId, const std::string& model, int64_t created)
{
    return {{"id", "chatcmpl-" + responseId}, {"object", object}, {"created", created}, {"model", model}};
}

// Gemini's function calls have no ids; OpenAI's need one, unique in the conversation so that
// tool results find their call: the response id and the call's position make one that is.
class ToolCallIds {
public:
    explicit ToolCallIds(std::string responseId)
        : m_responseId(std::move(responseId))
    {
    }
    std::string next() { return "call_" + m_responseId + "_" + std::to_string(m_count++); }

private:
    std::string m_responseId;
    int m_count = 0;
};

// A functionCall part as an OpenAI tool call; `part` holds the call and its thought signature.
Json openAiToolCall(const Json& call, const Json& part, ToolCallIds& ids)
{
    const Json* args = fieldOf(call, "args");
    Json toolCall = {{"id", ids.next()}, {"type", "function"},
        {"function", {{"name", stringOr(call, "name")}, {"arguments", args ? args->dump() : "{}"}}}};
    if (auto signature = stringOr(part, "thoughtSignature"); !signature.empty())
        toolCall["extra_content"] = {{"google", {{"thought_signature", std::move(signature)}}}};
    return toolCall;
}

// What one candidate (or one streamed piece of it) says, in OpenAI terms.
struct CandidateContent {
    std::string text;
    std::string reasoning;
    Json toolCalls = Json::array();
};

CandidateContent contentOf(const Json& candidate, ToolCallIds& ids)
{
    CandidateContent result;
    const Json* content = fieldOf(candidate, "content");
    const Json* parts = content ? fieldOf(*content, "parts") : nullptr;
    if (!parts || !parts->is_array())
        return result;
    for (const auto& part : *parts) {
        if (const Json* call = fieldOf(part, "functionCall"))
            result.toolCalls.push_back(openAiToolCall(*call, part, ids));
        else if (const Json* thought = fieldOf(part, "thought"); thought && *thought == true)
            result.reasoning += stringOr(part, "text");
        else
            result.text += stringOr(part, "text");
        // Code execution and inline media parts: the gateway asks for neither.
    }
    return result;
}

// A prompt Gemini refused to answer comes as a success with no candidates.
void throwIfPromptBlocked(const Json& answer, const DialectTarget& target)
{
    const Json* feedback = fieldOf(answer, "promptFeedback");
    const auto reason = feedback ? stringOr(*feedback, "blockReason") : std::string();
    if (reason.empty())
        return;
    if (const Json* candidates = fieldOf(answer, "candidates"); candidates && !candidates->empty())
        return;
    throw TranslationError({400, "Provider '" + target.provider.name + "' blocked the prompt (" + reason + ").", "invalid_request_error",
        "messages", "content_filter"});
}

// ---------------------------------------------------------------------------------------------
// Errors.

struct RpcStatusInfo {
    std::string_view status;
    int httpStatus; // what the status means when it arrives without an HTTP code, in a stream
};

// The HTTP status of each google.rpc.Code (https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto).
constexpr RpcStatusInfo kRpcStatuses[] = {
    {"INVALID_ARGUMENT", 400},
    {"FAILED_PRECONDITION", 400},
    {"OUT_OF_RANGE", 400},
    {"UNAUTHENTICATED", 401},
    {"PERMISSION_DENIED", 403},
    {"NOT_FOUND", 404},
    {"ABORTED", 409},
    {"ALREADY_EXISTS", 409},
    {"RESOURCE_EXHAUSTED", 429},
    {"CANCELLED", 499},
    {"UNKNOWN", 500},
    {"INTERNAL", 500},
    {"DATA_LOSS", 500},
    {"UNIMPLEMENTED", 501},
    {"UNAVAILABLE", 503},
    {"DEADLINE_EXCEEDED", 504},
};

const RpcStatusInfo* rpcStatusInfo(std::string_view status)
{
    for (const auto& info : kRpcStatuses) {
        if (info.status == status)
            return &info;
    }
    return nullptr;
}

// The OpenAI-side code of a known status: its lower-case name ("failed_precondition").
std::string codeOf(std::string_view status)
{
    if (!rpcStatusInfo(status))
        return {};
    std::string code(status);
    std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return code;
}

// Gemini answers a bad key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID: it is the
// gateway's credentials that failed, which the client must not take for its own mistake.
bool isInvalidApiKey(const Json& error)
{
    if (stringOr(error, "message").find("API_KEY_INVALID") != std::string::npos)
        return true;
    const Json* details = fieldOf(error, "details");
    if (!details || !details->is_array())
        return false;
    return std::any_of(details->begin(), details->end(), [](const Json& detail) { return stringOr(detail, "reason") == "API_KEY_INVALID"; });
}

// The Google RPC status object, from {"error":{...}} or the [{"error":{...}}] that
// streamGenerateContent answers without alt=sse.
const Json* rpcErrorOf(const Json& parsed)
{
    const Json& body = parsed.is_array() && !parsed.empty() ? parsed.front() : parsed;
    const Json* error = fieldOf(body, "error");
    return error && error->is_object() ? error : nullptr;
}

// A Google error body ({"error":{"code":...,"message":...,"status":...}}) or whatever came.
ApiError geminiError(int status, const Json& parsed, std::string_view body, const DialectTarget& target)
{
    const Json* error = rpcErrorOf(parsed);
    const Json* message = error ? fieldOf(*error, "message") : nullptr;
    if (!message || !message->is_string())
        return providerError(status, excerpt(body, kErrorExcerptBytes), {}, target);
    if (status == 400 && isInvalidApiKey(*error))
        return credentialsRefused(status, message->get<std::string>(), target);
    return providerError(status, message->get<std::string>(), codeOf(stringOr(*error, "status")), target);
}

// ---------------------------------------------------------------------------------------------
// Stream: each alt=sse event is a whole GenerateContentResponse holding the next piece.

class GeminiStreamDecoder final : public ChatStreamDecoder {
public:
    explicit GeminiStreamDecoder(const DialectTarget& target)
        : m_target(target) // a copy: the caller's target may be a temporary
        , m_model(target.upstreamModel)
        , m_created(nowSeconds())
    {
    }

    std::vector<Json> onEvent(const SseEvent& event) override
    {
        const Json data = parseStreamEvent(event.data, m_target.provider.name);
        if (const Json* error = rpcErrorOf(data))
            throw TranslationError(streamError(*error, data, event.data));
        throwIfPromptBlocked(data, m_target);
        noteResponse(data);

        std::vector<Json> chunks;
        if (const Json* candidates = fieldOf(data, "candidates"); candidates && candidates->is_array()) {
            for (const auto& candidate : *candidates)
                appendCandidateChunks(candidate, chunks);
        }
        if (!m_finished && allChoicesFinished()) {
            m_finished = true;
            if (m_usage)
                chunks.push_back(usageChunk());
        }
        return chunks;
    }

    bool finished() const override { return m_finished; }

    std::optional<TokenUsage> usage() const override
    {
        if (!m_usage)
            return std::nullopt;
        return tokenUsageOf(*m_usage);
    }

private:
    struct ChoiceState {
        bool started = false; // the role went out
        int toolCalls = 0;
        bool finished = false;
    };

    // Every event repeats the response id and model version; usage counts grow, the last wins.
    void noteResponse(const Json& data)
    {
        if (!m_ids) {
            auto responseId = stringOr(data, "responseId");
            m_responseId = responseId.empty() ? newRequestId() : std::move(responseId);
            m_ids.emplace(m_responseId);
        }
        if (auto version = stringOr(data, "modelVersion"); !version.empty())
            m_model = std::move(version);
        // Some events carry usageMetadata without counts ({"trafficType":...}): no report yet.
        if (const Json* metadata = fieldOf(data, "usageMetadata"); metadata && fieldOf(*metadata, "promptTokenCount"))
            m_usage = *metadata;
    }

    void appendCandidateChunks(const Json& candidate, std::vector<Json>& chunks)
    {
        const auto index = countOf(candidate, "index");
        auto& choice = m_choices[index];
        auto content = contentOf(candidate, *m_ids);
        Json delta = Json::object();
        if (!content.reasoning.empty())
            delta["reasoning_content"] = std::move(content.reasoning);
        if (!content.text.empty())
            delta["content"] = std::move(content.text);
        if (!content.toolCalls.empty())
            delta["tool_calls"] = indexedToolCalls(std::move(content.toolCalls), choice);
        if (!delta.empty())
            chunks.push_back(chunk(index, startDelta(choice, std::move(delta)), nullptr));

        const auto reason = stringOr(candidate, "finishReason");
        if (reason.empty() || choice.finished)
            return;
        choice.finished = true;
        chunks.push_back(chunk(index, startDelta(choice, Json::object()), finishReasonOf(reason, choice.toolCalls > 0)));
    }

    // Streamed tool calls carry their position in the choice's list of calls.
    static Json indexedToolCalls(Json toolCalls, ChoiceState& choice)
    {
        Json result = Json::array();
        for (auto& toolCall : toolCalls) {
            Json indexed = {{"index", choice.toolCalls++}};
            indexed.update(std::move(toolCall));
            result.push_back(std::move(indexed));
        }
        return result;
    }

    // The first delta of each choice names the role, as OpenAI's streams do.
    static Json startDelta(ChoiceState& choice, Json delta)
    {
        if (choice.started)
            return delta;
        choice.started = true;
        Json withRole = {{"role", "assistant"}};
        withRole.update(std::move(delta));
        return withRole;
    }

    bool allChoicesFinished() const
    {
        return !m_choices.empty() && std::all_of(m_choices.begin(), m_choices.end(), [](const auto& entry) { return entry.second.finished; });
    }

    ApiError streamError(const Json& error, const Json& data, std::string_view body) const
    {
        auto status = static_cast<int>(countOf(error, "code"));
        if (status < 400 || status > 599) {
            const auto* info = rpcStatusInfo(stringOr(error, "status"));
            status = info ? info->httpStatus : 502;
        }
        return geminiError(status, data, body, m_target);
    }

    Json chunk(int64_t index, Json delta, Json finishReason) const
    {
        Json result = envelope("chat.completion.chunk", m_responseId, m_model, m_created);
        Json choice = {{"index", index}, {"delta", std::move(delta)}, {"finish_reason", std::move(finishReason)}};
        result["choices"] = Json::array({std::move(choice)});
        return result;
    }

    Json usageChunk() const
    {
        Json last = envelope("chat.completion.chunk", m_responseId, m_model, m_created);
        last["choices"] = Json::array();
        last["usage"] = openAiUsageJson(tokenUsageOf(*m_usage));
        return last;
    }

    const DialectTarget m_target;
    std::string m_responseId;
    std::string m_model;
    const int64_t m_created;
    std::optional<ToolCallIds> m_ids; // set by the first event, which names the response
    std::map<int64_t, ChoiceState> m_choices;
    std::optional<Json> m_usage; // Gemini's usageMetadata, as last reported
    bool m_finished = false;
};

// ---------------------------------------------------------------------------------------------
// Embeddings.

// The inputs as texts. Gemini embeds text, not OpenAI token ids.
std::vector<std::string> embeddingInputs(const Json& request)
{
    const Json* input = fieldOf(request, "input");
    if (!input)
        refuse("input is required.", "input");
    if (input->is_string())
        return {input->get<std::string>()};
    const bool allStrings = input->is_array() && !input->empty()
        && std::all_of(input->begin(), input->end(), [](const Json& item) { return item.is_string(); });
    if (!allStrings)
        refuse("Gemini providers embed text only: input must be a string or a non-empty array of strings (not token ids).", "input");
    return input->get<std::vector<std::string>>();
}

bool wantsBase64(const Json& request)
{
    const auto format = optionalString(request, "encoding_format", "encoding_format");
    if (format.empty() || format == "float")
        return false;
    if (format == "base64")
        return true;
    refuse("encoding_format must be float or base64.", "encoding_format");
}

std::string base64(const std::string& bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t count = std::min<std::size_t>(3, bytes.size() - i);
        uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j)
            group = (group << 8) | (j < count ? static_cast<unsigned char>(bytes[i + j]) : 0u);
        for (std::size_t j = 0; j < 4; ++j)
            out += j <= count ? alphabet[(group >> (18 - 6 * j)) & 0x3f] : '=';
    }
    return out;
}

// OpenAI's base64 embeddings are the float32 values, little-endian, end to end (what the
// official SDKs ask for by default and decode).
std::string base64Floats(const Json& values)
{
    std::string bytes;
    bytes.reserve(values.size() * 4);
    for (const auto& value : values) {
        const auto bits = std::bit_cast<uint32_t>(value.is_number() ? value.get<float>() : 0.0f);
        for (int shift = 0; shift < 32; shift += 8)
            bytes += static_cast<char>((bits >> shift) & 0xff);
    }
    return base64(bytes);
}

// batchEmbedContents reports no tokens: the gateway's estimate of about four bytes a token.
int64_t estimatedTokens(const std::vector<std::string>& inputs)
{
    std::size_t bytes = 0;
    for (const auto& text : inputs)
        bytes += text.size();
    return estimateTokens(bytes);
}

int64_t embeddingPromptTokens(const Json& answer, const std::vector<std::string>& inputs)
{
    // Newer embedding answers may count the tokens; when they do, the count beats a guess.
    if (const Json* metadata = fieldOf(answer, "usageMetadata"); metadata && fieldOf(*metadata, "promptTokenCount"))
        return countOf(*metadata, "promptTokenCount");
    return estimatedTokens(inputs);
}

} // namespace

UpstreamCall GeminiDialect::chatCall(const Json& chat, const DialectTarget& target) const
{
    refuseWhatGeminiCannotDo(chat);
    auto conversation = conversationOf(chat);

    Json body = Json::object();
    if (!conversation.systemParts.empty())
        body["systemInstruction"] = {{"parts", std::move(conversation.systemParts)}};
    body["contents"] = std::move(conversation.contents);
    if (const Json* tools = fieldOf(chat, "tools"); tools && !tools->empty()) {
        body["tools"] = geminiTools(*tools);
        // A tool choice means nothing without tools, on either side.
        if (auto config = toolConfig(chat))
            body["toolConfig"] = std::move(*config);
    }
    if (auto config = generationConfig(chat); !config.empty())
        body["generationConfig"] = std::move(config);

    const bool stream = wantsStream(chat);
    return {modelPath(target) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"), requestHeaders(target.provider), body.dump()};
}

Json GeminiDialect::chatResponse(const Json& answer, const DialectTarget& target) const
{
    if (!answer.is_object())
        throw TranslationError(ApiError::upstreamFailed("Provider '" + target.provider.name + "' answered with something that is not a response."));
    throwIfPromptBlocked(answer, target);
    const Json* candidates = fieldOf(answer, "candidates");
    if (!candidates || !candidates->is_array() || candidates->empty())
        throw TranslationError(ApiError::upstreamFailed("Provider '" + target.provider.name + "' answered with no candidates."));

    auto responseId = stringOr(answer, "responseId");
    if (responseId.empty())
        responseId = newRequestId();
    ToolCallIds ids(responseId);
    Json choices = Json::array();
    for (const auto& candidate : *candidates) {
        auto content = contentOf(candidate, ids);
        const bool calledFunctions = !content.toolCalls.empty();
        Json message = {{"role", "assistant"}, {"content", content.text.empty() ? Json() : Json(std::move(content.text))}};
        if (!content.reasoning.empty())
            message["reasoning_content"] = std::move(content.reasoning);
        if (calledFunctions)
            message["tool_calls"] = std::move(content.toolCalls);
        choices.push_back({{"index", countOf(candidate, "index")}, {"message", std::move(message)},
            {"finish_reason", finishReasonOf(stringOr(candidate, "finishReason"), calledFunctions)}});
    }

    const auto version = stringOr(answer, "modelVersion");
    Json completion = envelope("chat.completion", responseId, version.empty() ? target.upstreamModel : version, nowSeconds());
    completion["choices"] = std::move(choices);
    const Json* metadata = fieldOf(answer, "usageMetadata");
    completion["usage"] = openAiUsageJson(tokenUsageOf(metadata ? *metadata : Json::object()));
    return completion;
}

std::unique_ptr<ChatStreamDecoder> GeminiDialect::chatStream(const DialectTarget& target) const
{
    return std::make_unique<GeminiStreamDecoder>(target);
}

UpstreamCall GeminiDialect::embeddingsCall(const Json& request, const DialectTarget& target) const
{
    const auto inputs = embeddingInputs(request);
    wantsBase64(request); // refuses an unknown encoding before the call is paid for
    std::optional<int64_t> dimensions;
    if (const Json* value = fieldOf(request, "dimensions")) {
        if (!value->is_number_integer() || value->get<int64_t>() < 1)
            refuse("dimensions must be a positive integer.", "dimensions");
        dimensions = value->get<int64_t>();
    }

    // The batch method takes one or many texts alike, and names the model in each request.
    const auto model = "models/" + target.upstreamModel;
    Json requests = Json::array();
    for (const auto& text : inputs) {
        Json entry = {{"model", model}, {"content", {{"parts", Json::array({textPart(text)})}}}};
        if (dimensions)
            entry["outputDimensionality"] = *dimensions;
        requests.push_back(std::move(entry));
    }
    return {modelPath(target) + ":batchEmbedContents", requestHeaders(target.provider), Json{{"requests", std::move(requests)}}.dump()};
}

Json GeminiDialect::embeddingsResponse(const Json& answer, const Json& request, const DialectTarget& target) const
{
    const Json* embeddings = fieldOf(answer, "embeddings");
    if (!embeddings || !embeddings->is_array())
        throw TranslationError(ApiError::upstreamFailed("Provider '" + target.provider.name + "' answered with no embeddings."));
    const bool asBase64 = wantsBase64(request);
    Json data = Json::array();
    for (const auto& embedding : *embeddings) {
        const Json* values = fieldOf(embedding, "values");
        const Json& floats = values && values->is_array() ? *values : Json::array();
        data.push_back({{"object", "embedding"}, {"index", data.size()}, {"embedding", asBase64 ? Json(base64Floats(floats)) : floats}});
    }
    const auto promptTokens = embeddingPromptTokens(answer, embeddingInputs(request));
    return {{"object", "list"}, {"data", std::move(data)}, {"model", target.upstreamModel},
        {"usage", {{"prompt_tokens", promptTokens}, {"total_tokens", promptTokens}}}};
}

ApiError GeminiDialect::error(int status, std::string_view body, const DialectTarget& target) const
{
    return geminiError(status, Json::parse(body.begin(), body.end(), nullptr, false), body, target);
}

} // namespace gatehouse
