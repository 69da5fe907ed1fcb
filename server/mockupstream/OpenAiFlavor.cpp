// The openai flavor: OpenAI's chat completions, embeddings and models routes, bearer auth and error
// bodies, as in https://platform.openai.com/docs/api-reference (chat, chat-streaming, embeddings).
#include "mockupstream/MockFlavors.h"

#include "calls/RequestId.h"
#include "json/JsonString.h"

#include <cstring>

namespace gatehouse {
namespace {

constexpr std::string_view kChatPath = "/v1/chat/completions";
constexpr std::string_view kEmbeddingsPath = "/v1/embeddings";
constexpr std::string_view kModelsPath = "/v1/models";
constexpr std::string_view kBearerPrefix = "Bearer ";
constexpr int kMaxEmbeddingDimensions = 4096; // above OpenAI's largest (3072)

MockReply openAiReply(const ApiError& error)
{
    return {error.status, error.toJson(), retryHeadersFor(error.status)};
}

// The benchmark's hot path parses chat bodies with simdjson only; a JSON DOM is built just for
// bodies that may offer tools. A false positive (the word in a message) only costs that parse.
bool mayOfferTools(std::string_view body)
{
    return body.find("\"tools\"") != std::string_view::npos;
}

std::string base64(const std::vector<unsigned char>& bytes)
{
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t group = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8) | bytes[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6)
            out += kAlphabet[(group >> shift) & 63];
    }
    if (const auto rest = bytes.size() - i; rest > 0) {
        const uint32_t group = (uint32_t(bytes[i]) << 16) | (rest == 2 ? uint32_t(bytes[i + 1]) << 8 : 0);
        out += kAlphabet[(group >> 18) & 63];
        out += kAlphabet[(group >> 12) & 63];
        out += rest == 2 ? kAlphabet[(group >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// encoding_format "base64": the little-endian float32 bytes, base64-encoded (what the official
// Python SDK asks for by default).
std::string base64Floats(const std::vector<float>& values)
{
    std::vector<unsigned char> bytes;
    bytes.reserve(values.size() * 4);
    for (const float value : values) {
        uint32_t bits = 0;
        std::memcpy(&bits, &value, sizeof bits);
        for (int i = 0; i < 4; ++i)
            bytes.push_back(static_cast<unsigned char>(bits >> (8 * i)));
    }
    return base64(bytes);
}

struct EmbeddingInputs {
    std::vector<std::string> texts; // token arrays are kept as their JSON text
    int64_t promptTokens = 0;
};

bool isTokenArray(const Json& value)
{
    if (!value.is_array() || value.empty())
        return false;
    for (const auto& token : value) {
        if (!token.is_number_integer())
            return false;
    }
    return true;
}

void addText(EmbeddingInputs& inputs, std::string text)
{
    inputs.promptTokens += mockTokenCount(text.size());
    inputs.texts.push_back(std::move(text));
}

void addTokens(EmbeddingInputs& inputs, const Json& tokens)
{
    inputs.promptTokens += static_cast<int64_t>(tokens.size());
    inputs.texts.push_back(tokens.dump());
}

// "input": a string, an array of strings, an array of tokens, or an array of token arrays.
std::optional<EmbeddingInputs> readEmbeddingInputs(const Json* input)
{
    EmbeddingInputs inputs;
    if (input && input->is_string()) {
        addText(inputs, input->get<std::string>());
    } else if (input && isTokenArray(*input)) {
        addTokens(inputs, *input);
    } else if (input && input->is_array() && !input->empty()) {
        for (const auto& entry : *input) {
            if (entry.is_string())
                addText(inputs, entry.get<std::string>());
            else if (isTokenArray(entry))
                addTokens(inputs, entry);
            else
                return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    return inputs;
}

} // namespace

std::unique_ptr<MockFlavor> makeOpenAiFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests)
{
    return std::make_unique<OpenAiFlavor>(options, requests);
}

Awaitable<void> OpenAiFlavor::handle(IncomingRequest& request, MockChannel& channel) const
{
    const auto authorization = request.message[http::field::authorization];
    const auto key = authorization.starts_with(kBearerPrefix) ? authorization.substr(kBearerPrefix.size()) : std::string_view();
    if (!acceptsKey(key)) {
        // The shape and wording of OpenAI's own answers to a missing and to a wrong key.
        const auto reply = authorization.empty()
            ? openAiReply({401, "You didn't provide an API key. You need to provide your API key in an Authorization header using "
                                "Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from "
                                "https://platform.openai.com/account/api-keys.",
                  "invalid_request_error", {}, {}})
            : openAiReply({401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                  "invalid_request_error", {}, "invalid_api_key"});
        co_await send(channel, reply);
        co_return;
    }
    const auto path = requestPath(request);
    const auto method = request.message.method();
    if (path == kChatPath && method == http::verb::post) {
        co_await chatCompletion(request, channel);
    } else if (path == kEmbeddingsPath && method == http::verb::post) {
        co_await embeddings(request, channel);
    } else if (path == kModelsPath && method == http::verb::get) {
        const MockReply models{200, R"({"object":"list","data":[{"id":"mock-model","object":"model","created":0,"owned_by":"mock-upstream"}]})"};
        co_await send(channel, models);
    } else {
        const auto reply = openAiReply({404, "Invalid URL (" + std::string(request.message.method_string()) + " "
                + std::string(path.substr(0, 200)) + ")", "invalid_request_error", {}, {}});
        co_await send(channel, reply);
    }
}

Awaitable<void> OpenAiFlavor::chatCompletion(IncomingRequest& request, MockChannel& channel) const
{
    auto& body = request.message.body();
    const auto parsed = parseChatRequest(body);
    if (const auto* error = std::get_if<ApiError>(&parsed)) {
        const auto reply = openAiReply(*error);
        co_await send(channel, reply);
        co_return;
    }
    ChatAsk ask{std::get<ChatRequestFields>(parsed), body.size(), {}};
    if (co_await answeredByFault(channel, ask.fields.model))
        co_return;
    if (mayOfferTools(body))
        ask.toolCall = toolCallFor(parseJsonBody(body));
    co_await answerChat(channel, ask);
}

Awaitable<void> OpenAiFlavor::embeddings(IncomingRequest& request, MockChannel& channel) const
{
    const auto json = parseJsonBody(request.message.body());
    if (json.is_discarded() || !json.is_object()) {
        const auto reply = invalidRequest("The request body is not a valid JSON object.", {});
        co_await send(channel, reply);
        co_return;
    }
    const auto model = stringMember(json, "model");
    if (model.empty()) {
        const auto reply = invalidRequest("Missing required parameter: 'model'.", "model");
        co_await send(channel, reply);
        co_return;
    }
    if (co_await answeredByFault(channel, model))
        co_return;
    co_await answerEmbeddings(channel, json, model);
}

Awaitable<void> OpenAiFlavor::answerChat(ResponseChannel& channel, const ChatAsk& ask) const
{
    const MockCompletion completion(ask.fields.model, "chatcmpl-" + newRequestId(), MockContent(ask.promptBytes, ask.toolCall));
    const ResponseHead head{200};
    const auto timing = pace();
    co_await replayMockCompletion(channel, completion, ask.fields, head, timing);
}

std::variant<OpenAiFlavor::EmbeddingsAnswer, ApiError> OpenAiFlavor::embeddingsAnswer(const Json& request, const std::string& model)
{
    const auto inputs = readEmbeddingInputs(jsonMember(request, "input"));
    if (!inputs)
        return ApiError::invalidRequest("'input' must be a non-empty string, array of strings, or array of tokens.", "input");
    int dimensions = kMockEmbeddingDimensions;
    if (const auto* given = jsonMember(request, "dimensions"); given && !given->is_null()) {
        if (!given->is_number_integer() || given->get<int64_t>() < 1 || given->get<int64_t>() > kMaxEmbeddingDimensions)
            return ApiError::invalidRequest("'dimensions' must be an integer from 1 to " + std::to_string(kMaxEmbeddingDimensions) + ".", "dimensions");
        dimensions = given->get<int>();
    }
    const auto format = stringMember(request, "encoding_format");
    if (const auto* given = jsonMember(request, "encoding_format"); given && !given->is_null() && format != "float" && format != "base64")
        return ApiError::invalidRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");

    std::string body = R"({"object":"list","data":[)";
    for (std::size_t i = 0; i < inputs->texts.size(); ++i) {
        const auto vector = mockEmbedding(inputs->texts[i], dimensions);
        body += i == 0 ? "" : ",";
        body += R"({"object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":)";
        body += format == "base64" ? jsonString(base64Floats(vector)) : jsonFloatArray(vector);
        body += "}";
    }
    const auto tokens = std::to_string(inputs->promptTokens);
    body += R"(],"model":)" + jsonString(model) + R"(,"usage":{"prompt_tokens":)" + tokens + R"(,"total_tokens":)" + tokens + "}}";
    return EmbeddingsAnswer{std::move(body), inputs->promptTokens};
}

Awaitable<void> OpenAiFlavor::answerEmbeddings(ResponseChannel& channel, const Json& request, const std::string& model) const
{
    const auto answer = embeddingsAnswer(request, model);
    if (const auto* error = std::get_if<ApiError>(&answer)) {
        co_await send(channel, openAiReply(*error));
        co_return;
    }
    const ResponseHead head{200};
    const auto timing = pace();
    co_await replayBody(channel, head, std::get<EmbeddingsAnswer>(answer).body, timing);
}

std::optional<MockToolCall> OpenAiFlavor::toolCallFor(const Json& request)
{
    if (const auto* last = lastElement(request, "messages"); last && stringMember(*last, "role") == "tool")
        return std::nullopt;
    const auto* tools = jsonMember(request, "tools");
    if (!tools || !tools->is_array())
        return std::nullopt;
    for (const auto& tool : *tools) {
        const auto* function = jsonMember(tool, "function");
        if (stringMember(tool, "type") != "function" || !function)
            continue;
        auto name = stringMember(*function, "name");
        if (name.empty())
            continue;
        const auto* parameters = jsonMember(*function, "parameters");
        return MockToolCall::forFunction(std::move(name), parameters ? *parameters : Json::object());
    }
    return std::nullopt;
}

MockReply OpenAiFlavor::invalidRequest(std::string message, std::string param)
{
    return openAiReply(ApiError::invalidRequest(std::move(message), std::move(param)));
}

MockReply OpenAiFlavor::requestedError(int status, const std::string& model) const
{
    // Type and code as OpenAI's error guide lists them for each status.
    switch (status) {
    case 400:
        return openAiReply({400, "Invalid request (mock error asked for by the model name '" + model + "').", "invalid_request_error", {}, {}});
    case 401:
        return openAiReply({401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error", {}, "invalid_api_key"});
    case 403:
        return openAiReply({403, "Country, region, or territory not supported", "request_forbidden", {}, "unsupported_country_region_territory"});
    case 404:
        return openAiReply({404, "The model `" + model + "` does not exist or you do not have access to it.", "invalid_request_error", {},
            "model_not_found"});
    case 429:
        return openAiReply({429, "Rate limit reached for " + model + " in organization org-mock on requests per min (RPM): Limit 1, Used 1, "
                "Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.",
            "requests", {}, "rate_limit_exceeded"});
    case 500:
        return openAiReply({500, "The server had an error while processing your request. Sorry about that!", "server_error", {}, {}});
    case 503:
        return openAiReply({503, "The engine is currently overloaded, please try again later.", "server_error", {}, {}});
    default:
        return openAiReply({status, "Mock error " + std::to_string(status) + " asked for by the model name '" + model + "'.",
            status >= 500 ? "server_error" : "invalid_request_error", {}, {}});
    }
}

MockReply OpenAiFlavor::contextLengthExceeded() const
{
    return openAiReply({400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        "invalid_request_error", "messages", "context_length_exceeded"});
}

MockReply OpenAiFlavor::invalidFault(std::string message) const
{
    return invalidRequest(std::move(message), "model");
}

} // namespace gatehouse
