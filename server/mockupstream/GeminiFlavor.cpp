// The gemini flavor: the Gemini API's model methods (POST /v1beta/models/{model}:generateContent,
// :streamGenerateContent, :embedContent, :batchEmbedContents), the key in x-goog-api-key or ?key=,
// GenerateContentResponse objects, SSE (alt=sse) or JSON-array streams and Google's error bodies,
// as in https://ai.google.dev/api/generate-content and https://ai.google.dev/api/embeddings.
#include "mockupstream/MockFlavors.h"

#include "calls/RequestId.h"

#include <array>
#include <cctype>

namespace gatehouse {
namespace {

constexpr std::array<std::string_view, 2> kModelPrefixes{"/v1beta/models/", "/v1/models/"};
constexpr int kMaxEmbeddingDimensions = 4096; // above Gemini's largest (3072)

// Google's canonical status name for an HTTP status (google.rpc.Code).
std::string_view statusName(int status)
{
    switch (status) {
    case 400:
        return "INVALID_ARGUMENT";
    case 401:
        return "UNAUTHENTICATED";
    case 403:
        return "PERMISSION_DENIED";
    case 404:
        return "NOT_FOUND";
    case 409:
        return "ABORTED";
    case 429:
        return "RESOURCE_EXHAUSTED";
    case 499:
        return "CANCELLED";
    case 500:
        return "INTERNAL";
    case 501:
        return "UNIMPLEMENTED";
    case 503:
        return "UNAVAILABLE";
    case 504:
        return "DEADLINE_EXCEEDED";
    default:
        return status >= 500 ? "UNKNOWN" : "FAILED_PRECONDITION";
    }
}

MockReply googleError(int status, std::string message, Json details = Json::array())
{
    Json error = {{"code", status}, {"message", std::move(message)}, {"status", statusName(status)}};
    if (!details.empty())
        error["details"] = std::move(details);
    const Json body = {{"error", std::move(error)}};
    return {status, jsonText(body), retryHeadersFor(status)};
}

MockReply invalidArgument(std::string message)
{
    return googleError(400, std::move(message));
}

// What the Gemini API answers to a key it does not know: a 400, not a 401.
MockReply apiKeyInvalid()
{
    constexpr std::string_view kMessage = "API key not valid. Please pass a valid API key.";
    return googleError(400, std::string(kMessage),
        Json::array({{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"}, {"reason", "API_KEY_INVALID"}, {"domain", "googleapis.com"},
                         {"metadata", {{"service", "generativelanguage.googleapis.com"}}}},
            {{"@type", "type.googleapis.com/google.rpc.LocalizedMessage"}, {"locale", "en-US"}, {"message", kMessage}}}));
}

// Google's JSON mapping accepts each field in lowerCamelCase and in its proto snake_case name.
const Json* protoMember(const Json& object, std::string_view camelName)
{
    if (const auto* member = jsonMember(object, camelName))
        return member;
    std::string snake;
    for (const char c : camelName) {
        if (std::isupper(static_cast<unsigned char>(c)))
            snake.append(1, '_').append(1, static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else
            snake += c;
    }
    return jsonMember(object, snake);
}

bool hasPart(const Json* content, std::string_view partField)
{
    const auto* parts = content ? jsonMember(*content, "parts") : nullptr;
    if (!parts || !parts->is_array())
        return false;
    for (const auto& part : *parts) {
        if (protoMember(part, partField))
            return true;
    }
    return false;
}

// The first function declaration of the tools, unless the last content answers a call already.
std::optional<MockToolCall> toolCallFor(const Json& request)
{
    const auto* tools = jsonMember(request, "tools");
    if (!tools || !tools->is_array() || hasPart(lastElement(request, "contents"), "functionResponse"))
        return std::nullopt;
    for (const auto& tool : *tools) {
        const auto* declarations = protoMember(tool, "functionDeclarations");
        if (!declarations || !declarations->is_array())
            continue;
        for (const auto& declaration : *declarations) {
            auto name = stringMember(declaration, "name");
            if (name.empty())
                continue;
            const auto* parameters = protoMember(declaration, "parameters");
            if (!parameters)
                parameters = protoMember(declaration, "parametersJsonSchema");
            return MockToolCall::forFunction(std::move(name), parameters ? *parameters : Json::object());
        }
    }
    return std::nullopt;
}

// The text of a Content's parts, for embedding; nothing when it is not a Content.
std::optional<std::string> contentText(const Json* content)
{
    const auto* parts = content ? jsonMember(*content, "parts") : nullptr;
    if (!parts || !parts->is_array())
        return std::nullopt;
    std::string text;
    for (const auto& part : *parts)
        text += stringMember(part, "text");
    return text;
}

// outputDimensionality: the default when absent; nothing when it is out of range.
std::optional<int> outputDimensionality(const Json& request)
{
    const auto* given = protoMember(request, "outputDimensionality");
    if (!given || given->is_null())
        return kMockEmbeddingDimensions;
    if (!given->is_number_integer() || given->get<int64_t>() < 1 || given->get<int64_t>() > kMaxEmbeddingDimensions)
        return std::nullopt;
    return given->get<int>();
}

// A MockContent as GenerateContentResponse objects: whole, or split over stream chunks of which
// the last carries finishReason and usageMetadata.
class GeminiResponse {
public:
    GeminiResponse(std::string model, std::string responseId, MockContent content)
        : m_model(std::move(model))
        , m_responseId(std::move(responseId))
        , m_content(std::move(content))
    {
    }

    std::string json() const
    {
        const auto& call = m_content.toolCall();
        return jsonText(response(call ? functionCallPart() : Json{{"text", MockContent::text()}}, true));
    }

    // A function call is never split: Gemini sends it whole in one chunk.
    std::vector<std::string> streamChunks(int chunks) const
    {
        std::vector<std::string> out;
        if (m_content.toolCall()) {
            out.push_back(jsonText(response(functionCallPart(), true)));
            return out;
        }
        const auto pieces = m_content.streamPieces(chunks);
        for (std::size_t i = 0; i < pieces.size(); ++i)
            out.push_back(jsonText(response(Json{{"text", pieces[i]}}, i + 1 == pieces.size())));
        return out;
    }

private:
    Json functionCallPart() const
    {
        const auto& call = *m_content.toolCall();
        return {{"functionCall", {{"name", call.name}, {"args", Json::parse(call.arguments)}}}};
    }

    Json response(Json part, bool last) const
    {
        Json candidate = {{"content", {{"parts", Json::array({std::move(part)})}, {"role", "model"}}}};
        if (last)
            candidate["finishReason"] = "STOP"; // function calls finish with STOP too
        candidate["index"] = 0;
        Json out = {{"candidates", Json::array({std::move(candidate)})}};
        if (last) {
            const auto& usage = m_content.usage();
            out["usageMetadata"] = {{"promptTokenCount", usage.promptTokens}, {"candidatesTokenCount", usage.completionTokens},
                {"totalTokenCount", usage.promptTokens + usage.completionTokens}};
        }
        out["modelVersion"] = m_model;
        out["responseId"] = m_responseId;
        return out;
    }

    std::string m_model;
    std::string m_responseId;
    MockContent m_content;
};

// With alt=sse each chunk is an SSE event, CRLF-framed as Google sends them; without it the
// chunks are the elements of one JSON array, written as they come.
std::vector<std::string> frameStream(const std::vector<std::string>& chunks, bool sse)
{
    std::vector<std::string> pieces;
    pieces.reserve(chunks.size());
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        if (sse)
            pieces.push_back("data: " + chunks[i] + "\r\n\r\n");
        else
            pieces.push_back((i == 0 ? "[" : ",\r\n") + chunks[i] + (i + 1 == chunks.size() ? "]" : ""));
    }
    return pieces;
}

struct ModelRoute {
    std::string model;
    std::string_view method; // "generateContent", ...
};

std::optional<ModelRoute> modelRoute(std::string_view path)
{
    for (const auto prefix : kModelPrefixes) {
        if (!path.starts_with(prefix))
            continue;
        const auto rest = path.substr(prefix.size());
        const auto colon = rest.rfind(':');
        if (colon == 0 || colon == std::string_view::npos)
            return std::nullopt;
        return ModelRoute{std::string(rest.substr(0, colon)), rest.substr(colon + 1)};
    }
    return std::nullopt;
}

class GeminiFlavor final : public MockFlavor {
public:
    using MockFlavor::MockFlavor;
    Awaitable<void> handle(IncomingRequest& request, MockChannel& channel) const override;

protected:
    MockReply requestedError(int status, const std::string& model) const override;
    MockReply contextLengthExceeded() const override
    {
        return invalidArgument("The input token count (9000) exceeds the maximum number of tokens allowed (8192).");
    }
    MockReply invalidFault(std::string message) const override { return invalidArgument(std::move(message)); }

private:
    std::optional<MockReply> keyProblem(const IncomingRequest& request) const;
    Awaitable<void> generateContent(IncomingRequest& request, ResponseChannel& channel, const Json& body, const ModelRoute& route) const;
    Awaitable<void> embedContent(ResponseChannel& channel, const Json& body) const;
    Awaitable<void> batchEmbedContents(ResponseChannel& channel, const Json& body) const;
};

Awaitable<void> GeminiFlavor::handle(IncomingRequest& request, MockChannel& channel) const
{
    const auto route = modelRoute(requestPath(request));
    if (!route || request.message.method() != http::verb::post) {
        const auto reply = googleError(404, "Method not found.");
        co_await send(channel, reply);
        co_return;
    }
    if (const auto problem = keyProblem(request)) {
        co_await send(channel, *problem);
        co_return;
    }
    const auto json = parseJsonBody(request.message.body());
    if (json.is_discarded() || !json.is_object()) {
        const auto reply = invalidArgument("Invalid JSON payload received. The body is not a JSON object.");
        co_await send(channel, reply);
        co_return;
    }
    if (co_await answeredByFault(channel, route->model))
        co_return;
    if (route->method == "generateContent" || route->method == "streamGenerateContent") {
        co_await generateContent(request, channel, json, *route);
    } else if (route->method == "embedContent") {
        co_await embedContent(channel, json);
    } else if (route->method == "batchEmbedContents") {
        co_await batchEmbedContents(channel, json);
    } else {
        const auto reply = googleError(404, "Method not found.");
        co_await send(channel, reply);
    }
}

MockReply GeminiFlavor::requestedError(int status, const std::string& model) const
{
    switch (status) {
    case 400:
        return googleError(status, "Request contains an invalid argument.");
    case 403:
        return googleError(status, "The caller does not have permission");
    case 404:
        return googleError(status, "models/" + model + " is not found for API version v1beta, or is not supported for "
            "generateContent. Call ListModels to see the list of available models and their supported methods.");
    case 429:
        return googleError(status, "You exceeded your current quota, please check your plan and billing details. For more "
            "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
            Json::array({{{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", "1s"}}}));
    case 500:
        return googleError(status, "An internal error has occurred. Please retry or report in "
            "https://developers.generativeai.google/guide/troubleshooting");
    case 503:
        return googleError(status, "The model is overloaded. Please try again later.");
    case 504:
        return googleError(status, "Deadline expired before operation could complete.");
    default:
        return googleError(status, "Mock error " + std::to_string(status) + " asked for by the model name '" + model + "'.");
    }
}

std::optional<MockReply> GeminiFlavor::keyProblem(const IncomingRequest& request) const
{
    auto key = request.message["x-goog-api-key"];
    if (key.empty())
        key = queryParameter(request, "key").value_or(std::string_view());
    if (acceptsKey(key))
        return std::nullopt;
    if (key.empty()) {
        return googleError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API "
            "Key or other form of API consumer identity to call this API.");
    }
    return apiKeyInvalid();
}

Awaitable<void> GeminiFlavor::generateContent(IncomingRequest& request, ResponseChannel& channel, const Json& body,
    const ModelRoute& route) const
{
    const auto* contents = jsonMember(body, "contents");
    if (!contents || !contents->is_array() || contents->empty()) {
        const auto reply = invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
        co_await send(channel, reply);
        co_return;
    }
    const GeminiResponse response(route.model, newRequestId().substr(4), MockContent(request.message.body().size(), toolCallFor(body)));
    ResponseHead head{200};
    const auto timing = pace();
    if (route.method == "generateContent") {
        const auto json = response.json();
        co_await replayBody(channel, head, json, timing);
        co_return;
    }
    const bool sse = queryParameter(request, "alt") == std::optional<std::string_view>("sse");
    if (sse)
        head.contentType = "text/event-stream";
    const auto pieces = frameStream(response.streamChunks(timing.streamChunks), sse);
    co_await replayPieces(channel, head, pieces, timing);
}

Awaitable<void> GeminiFlavor::embedContent(ResponseChannel& channel, const Json& body) const
{
    const auto text = contentText(jsonMember(body, "content"));
    const auto dimensions = outputDimensionality(body);
    if (!text || !dimensions) {
        const auto reply = invalidArgument(!text ? "* EmbedContentRequest.content: content is not specified\n"
                                                 : "* EmbedContentRequest.output_dimensionality: must be from 1 to 4096\n");
        co_await send(channel, reply);
        co_return;
    }
    const auto json = R"({"embedding":{"values":)" + jsonFloatArray(mockEmbedding(*text, *dimensions)) + "}}";
    const ResponseHead head{200};
    const auto timing = pace();
    co_await replayBody(channel, head, json, timing);
}

Awaitable<void> GeminiFlavor::batchEmbedContents(ResponseChannel& channel, const Json& body) const
{
    const auto* requests = jsonMember(body, "requests");
    if (!requests || !requests->is_array() || requests->empty()) {
        const auto reply = invalidArgument("* BatchEmbedContentsRequest.requests: requests is not specified\n");
        co_await send(channel, reply);
        co_return;
    }
    std::string json = R"({"embeddings":[)";
    for (std::size_t i = 0; i < requests->size(); ++i) {
        const auto& entry = (*requests)[i];
        const auto text = contentText(jsonMember(entry, "content"));
        const auto dimensions = outputDimensionality(entry);
        if (!text || !dimensions) {
            const auto reply = invalidArgument("* BatchEmbedContentsRequest.requests[" + std::to_string(i) + "]: content is not "
                "specified or output_dimensionality is out of range\n");
            co_await send(channel, reply);
            co_return;
        }
        json += (i == 0 ? R"({"values":)" : R"(,{"values":)") + jsonFloatArray(mockEmbedding(*text, *dimensions)) + "}";
    }
    json += "]}";
    const ResponseHead head{200};
    const auto timing = pace();
    co_await replayBody(channel, head, json, timing);
}

} // namespace

std::unique_ptr<MockFlavor> makeGeminiFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests)
{
    return std::make_unique<GeminiFlavor>(options, requests);
}

} // namespace gatehouse
