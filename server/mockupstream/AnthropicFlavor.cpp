// The anthropic flavor: the Messages API (POST /v1/messages) with x-api-key and anthropic-version
// headers, the Message object, the event-named SSE stream and the error bodies, as in
// https://docs.anthropic.com/en/api/messages, /en/api/messages-streaming and /en/api/errors.
#include "mockupstream/MockFlavors.h"

#include "calls/RequestId.h"
#include "sse/SseParser.h"

#include <algorithm>
#include <array>

namespace gatehouse {
namespace {

constexpr std::string_view kMessagesPath = "/v1/messages";
// anthropic-version is a date (https://docs.anthropic.com/en/api/versioning): the API knows
// 2023-01-01 and 2023-06-01, and newer SDKs send newer dates. The mock accepts any well-formed date
// from 2023-01-01 on, so it keeps working with the SDK of the day, and refuses anything else.
bool isKnownApiVersion(std::string_view version)
{
    if (version.size() != 10 || version[4] != '-' || version[7] != '-')
        return false;
    for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (version[i] < '0' || version[i] > '9')
            return false;
    }
    return version >= "2023-01-01";
}

std::string errorType(int status)
{
    switch (status) {
    case 400:
        return "invalid_request_error";
    case 401:
        return "authentication_error";
    case 402:
        return "billing_error";
    case 403:
        return "permission_error";
    case 404:
        return "not_found_error";
    case 413:
        return "request_too_large";
    case 429:
        return "rate_limit_error";
    case 529:
        return "overloaded_error";
    default: // the errors page: other 4XX use invalid_request_error; api_error is the internal one
        return status >= 500 ? "api_error" : "invalid_request_error";
    }
}

// Every Anthropic answer names its request id, in the request-id header and in error bodies.
MockReply anthropicError(int status, std::string message)
{
    const auto requestId = newRequestId();
    const Json body = {{"type", "error"}, {"error", {{"type", errorType(status)}, {"message", std::move(message)}}},
        {"request_id", requestId}};
    auto headers = retryHeadersFor(status);
    headers.emplace_back("request-id", requestId);
    return {status, jsonText(body), std::move(headers)};
}

// The field checks of the Messages API, in its "field: problem" wording; nothing when all is well.
std::optional<std::string> requestProblem(const Json& request)
{
    if (!request.is_object())
        return "The request body must be a JSON object.";
    if (stringMember(request, "model").empty())
        return "model: Field required";
    const auto* maxTokens = jsonMember(request, "max_tokens");
    if (!maxTokens)
        return "max_tokens: Field required";
    if (!maxTokens->is_number_integer())
        return "max_tokens: Input should be a valid integer";
    if (maxTokens->get<int64_t>() < 1)
        return "max_tokens: Input should be greater than or equal to 1";
    const auto* messages = jsonMember(request, "messages");
    if (!messages)
        return "messages: Field required";
    if (!messages->is_array())
        return "messages: Input should be a valid list";
    if (messages->empty())
        return "messages: at least one message is required";
    if (const auto* stream = jsonMember(request, "stream"); stream && !stream->is_boolean())
        return "stream: Input should be a valid boolean";
    return std::nullopt;
}

bool endsWithToolResult(const Json& request)
{
    const auto* last = lastElement(request, "messages");
    if (!last || stringMember(*last, "role") != "user")
        return false;
    const auto* content = jsonMember(*last, "content");
    if (!content || !content->is_array())
        return false;
    for (const auto& block : *content) {
        if (stringMember(block, "type") == "tool_result")
            return true;
    }
    return false;
}

// The first client tool (server tools such as web search have a versioned "type" and no schema).
std::optional<MockToolCall> toolCallFor(const Json& request)
{
    const auto* tools = jsonMember(request, "tools");
    if (!tools || !tools->is_array() || endsWithToolResult(request))
        return std::nullopt;
    for (const auto& tool : *tools) {
        const auto* schema = jsonMember(tool, "input_schema");
        auto name = stringMember(tool, "name");
        const auto type = stringMember(tool, "type");
        if (schema && schema->is_object() && !name.empty() && (type.empty() || type == "custom"))
            return MockToolCall::forFunction(std::move(name), *schema);
    }
    return std::nullopt;
}

// A MockContent as an Anthropic Message, whole or as its stream of events.
class AnthropicMessage {
public:
    AnthropicMessage(std::string model, const std::string& requestId, MockContent content)
        : m_model(std::move(model))
        , m_id("msg_" + requestId.substr(requestId.find('_') + 1))
        , m_toolUseId("toolu_" + requestId.substr(requestId.find('_') + 1))
        , m_content(std::move(content))
    {
    }

    std::string json() const { return jsonText(message(false)); }

    // message_start, content_block_start, ping, content_block_delta × N, content_block_stop,
    // message_delta (stop reason, output tokens), message_stop: the documented order.
    std::vector<std::string> streamEvents(int chunks) const
    {
        const auto& call = m_content.toolCall();
        std::vector<std::string> events;
        add(events, "message_start", {{"type", "message_start"}, {"message", message(true)}});
        add(events, "content_block_start", {{"type", "content_block_start"}, {"index", 0}, {"content_block", block(true)}});
        add(events, "ping", {{"type", "ping"}});
        for (const auto piece : m_content.streamPieces(chunks)) {
            const Json delta = call ? Json{{"type", "input_json_delta"}, {"partial_json", piece}} : Json{{"type", "text_delta"}, {"text", piece}};
            add(events, "content_block_delta", {{"type", "content_block_delta"}, {"index", 0}, {"delta", delta}});
        }
        add(events, "content_block_stop", {{"type", "content_block_stop"}, {"index", 0}});
        add(events, "message_delta", {{"type", "message_delta"}, {"delta", {{"stop_reason", stopReason()}, {"stop_sequence", nullptr}}},
            {"usage", {{"output_tokens", m_content.usage().completionTokens}}}});
        add(events, "message_stop", {{"type", "message_stop"}});
        return events;
    }

private:
    static void add(std::vector<std::string>& events, std::string_view name, const Json& data)
    {
        events.push_back(formatSseEvent(name, jsonText(data)));
    }

    std::string stopReason() const { return m_content.toolCall() ? "tool_use" : "end_turn"; }

    // `started`: as message_start carries it, before any content (output_tokens 1, as documented).
    Json message(bool started) const
    {
        const auto& usage = m_content.usage();
        return {{"id", m_id}, {"type", "message"}, {"role", "assistant"}, {"model", m_model},
            {"content", started ? Json::array() : Json::array({block(false)})},
            {"stop_reason", started ? Json(nullptr) : Json(stopReason())}, {"stop_sequence", nullptr},
            {"usage", {{"input_tokens", usage.promptTokens}, {"cache_creation_input_tokens", 0}, {"cache_read_input_tokens", 0},
                          {"output_tokens", started ? 1 : usage.completionTokens}}}};
    }

    // `empty`: as content_block_start opens it, before the deltas fill it.
    Json block(bool empty) const
    {
        if (const auto& call = m_content.toolCall()) {
            return {{"type", "tool_use"}, {"id", m_toolUseId}, {"name", call->name},
                {"input", empty ? Json::object() : Json::parse(call->arguments)}};
        }
        return {{"type", "text"}, {"text", empty ? std::string_view() : MockContent::text()}};
    }

    std::string m_model;
    std::string m_id;
    std::string m_toolUseId;
    MockContent m_content;
};

class AnthropicFlavor final : public MockFlavor {
public:
    using MockFlavor::MockFlavor;
    Awaitable<void> handle(IncomingRequest& request, MockChannel& channel) const override;

protected:
    MockReply requestedError(int status, const std::string& model) const override;
    MockReply contextLengthExceeded() const override { return anthropicError(400, "prompt is too long: 9000 tokens > 8192 maximum"); }
    MockReply invalidFault(std::string message) const override { return anthropicError(400, std::move(message)); }

private:
    // The header checks, in the API's order: key, then version. Nothing when both pass.
    std::optional<MockReply> headerProblem(const IncomingRequest& request) const;
    Awaitable<void> answer(ResponseChannel& channel, const Json& request, std::size_t bodySize) const;
};

Awaitable<void> AnthropicFlavor::handle(IncomingRequest& request, MockChannel& channel) const
{
    if (requestPath(request) != kMessagesPath || request.message.method() != http::verb::post) {
        const auto reply = anthropicError(404, "Not Found");
        co_await send(channel, reply);
        co_return;
    }
    if (const auto problem = headerProblem(request)) {
        co_await send(channel, *problem);
        co_return;
    }
    const auto& body = request.message.body();
    const auto json = parseJsonBody(body);
    if (json.is_discarded()) {
        const auto reply = anthropicError(400, "There was an error parsing the body: it is not valid JSON.");
        co_await send(channel, reply);
        co_return;
    }
    if (const auto problem = requestProblem(json)) {
        const auto reply = anthropicError(400, *problem);
        co_await send(channel, reply);
        co_return;
    }
    const auto model = stringMember(json, "model");
    if (co_await answeredByFault(channel, model))
        co_return;
    co_await answer(channel, json, body.size());
}

MockReply AnthropicFlavor::requestedError(int status, const std::string& model) const
{
    switch (status) {
    case 401:
        return anthropicError(status, "invalid x-api-key");
    case 404:
        return anthropicError(status, "model: " + model);
    case 429:
        return anthropicError(status, "This request would exceed the rate limit for your organization of 1 requests per minute. "
            "For details, refer to: https://docs.anthropic.com/en/api/rate-limits.");
    case 500:
        return anthropicError(status, "Internal server error");
    case 529:
        return anthropicError(status, "Overloaded");
    default:
        return anthropicError(status, "Mock error " + std::to_string(status) + " asked for by the model name '" + model + "'.");
    }
}

std::optional<MockReply> AnthropicFlavor::headerProblem(const IncomingRequest& request) const
{
    const auto key = request.message["x-api-key"];
    if (!acceptsKey(key))
        return anthropicError(401, key.empty() ? "x-api-key header is required" : "invalid x-api-key");
    const auto version = request.message["anthropic-version"];
    if (version.empty())
        return anthropicError(400, "anthropic-version: header is required");
    if (!isKnownApiVersion(version))
        return anthropicError(400, "anthropic-version: \"" + std::string(version.substr(0, 100)) + "\" is not a valid version");
    return std::nullopt;
}

Awaitable<void> AnthropicFlavor::answer(ResponseChannel& channel, const Json& request, std::size_t bodySize) const
{
    const auto requestId = newRequestId();
    const AnthropicMessage message(stringMember(request, "model"), requestId, MockContent(bodySize, toolCallFor(request)));
    ResponseHead head{200};
    head.headers.emplace_back("request-id", requestId);
    const auto timing = pace();
    if (const auto* stream = jsonMember(request, "stream"); stream && stream->get<bool>()) {
        head.contentType = "text/event-stream";
        const auto events = message.streamEvents(timing.streamChunks);
        co_await replayPieces(channel, head, events, timing);
    } else {
        const auto body = message.json();
        co_await replayBody(channel, head, body, timing);
    }
}

} // namespace

std::unique_ptr<MockFlavor> makeAnthropicFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests)
{
    return std::make_unique<AnthropicFlavor>(options, requests);
}

} // namespace gatehouse
