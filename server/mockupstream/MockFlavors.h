// The flavors of `gatehouse mock-upstream`: one class per provider API (routes, auth, validation,
// wire shapes, error bodies), all answering from the same MockContent. Shapes are written by hand
// from each provider's API reference, independently of the gateway's translators (core/dialects,
// core/ingress), so that tests of the translators run against a second implementation.
#pragma once

#include "json/Json.h"
#include "mock/MockCompletion.h"
#include "mockupstream/MockFaults.h"
#include "mockupstream/MockUpstreamServer.h"
#include "openai/ApiError.h"
#include "openai/ChatRequest.h"
#include "providers/MockReplay.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace gatehouse {

// A whole answer that is not mock content: an error, a model list. Sent at once, without latency.
struct MockReply {
    int status = 200;
    std::string body;
    ResponseHeaders headers;
};

class MockFlavor {
public:
    // `requests` counts the requests per model name (the server's, shared by nothing else).
    MockFlavor(MockUpstreamOptions options, MockFaultCounter& requests);
    virtual ~MockFlavor() = default;

    // Routes, checks and answers one request. Every failure is an answer, never an exception.
    virtual Awaitable<void> handle(IncomingRequest& request, MockChannel& channel) const = 0;

    static Awaitable<void> send(ResponseChannel& channel, const MockReply& reply);

protected:
    const MockUpstreamOptions& options() const { return m_options; }
    MockPace pace() const;
    // True when no key is required or `given` is the required one.
    bool acceptsKey(std::string_view given) const;

    // Every flavor calls this once it knows the request's model name: counts the request, then
    // plays what a "mock-error-<status>" or "mock-fault:..." name asks for (MockFaults.h) with the
    // bodies below: sends the error, or drops the connection, after any delay; arranges for a
    // stream to be cut. True when that dealt with the request and the flavor must not answer it.
    Awaitable<bool> answeredByFault(MockChannel& channel, const std::string& model) const;

    // This API's error body for `status`, asked for by the model name `model`.
    virtual MockReply requestedError(int status, const std::string& model) const = 0;
    // This API's 400 for a prompt longer than the model's context (8192 tokens; the prompt 9000).
    virtual MockReply contextLengthExceeded() const = 0;
    // This API's 400 for a malformed "mock-fault:" model name; `message` names what is wrong.
    virtual MockReply invalidFault(std::string message) const = 0;

private:
    MockUpstreamOptions m_options;
    MockFaultCounter& m_requests;
};

std::unique_ptr<MockFlavor> makeOpenAiFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests);
std::unique_ptr<MockFlavor> makeAnthropicFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests);
std::unique_ptr<MockFlavor> makeGeminiFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests);
std::unique_ptr<MockFlavor> makeAzureFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests);

// The OpenAI API's answers (chat completions, embeddings). The openai flavor serves them on
// OpenAI's routes; the azure flavor derives from it and serves the same answers behind Azure's
// deployment routes, auth and error shape.
class OpenAiFlavor : public MockFlavor {
public:
    using MockFlavor::MockFlavor;
    Awaitable<void> handle(IncomingRequest& request, MockChannel& channel) const override;

    // The OpenAI embeddings answer to `request` (deterministic vectors; float or base64), or the
    // 400 OpenAI gives a malformed one. Also used by the built-in mock provider.
    struct EmbeddingsAnswer {
        std::string body;
        int64_t promptTokens = 0;
    };
    static std::variant<EmbeddingsAnswer, ApiError> embeddingsAnswer(const Json& request, const std::string& model);

    // A tool call to the request's first function tool, unless it has none or its last message is
    // already a tool result (then the answer is text, as a model's would be).
    static std::optional<MockToolCall> toolCallFor(const Json& request);

protected:
    // What a chat completion request asks for, however it was read.
    struct ChatAsk {
        ChatRequestFields fields; // model (as answered), stream, includeUsage
        std::size_t promptBytes = 0;
        std::optional<MockToolCall> toolCall;
    };

    Awaitable<void> answerChat(ResponseChannel& channel, const ChatAsk& ask) const;
    // `request` is the parsed embeddings body; `model` the name the answer gives.
    Awaitable<void> answerEmbeddings(ResponseChannel& channel, const Json& request, const std::string& model) const;

    // OpenAI's 400 answer to a malformed request (Azure passes the model service's on as they are,
    // context_length_exceeded and bad "mock-fault:" names included).
    static MockReply invalidRequest(std::string message, std::string param);
    MockReply requestedError(int status, const std::string& model) const override;
    MockReply contextLengthExceeded() const override;
    MockReply invalidFault(std::string message) const override;

private:
    Awaitable<void> chatCompletion(IncomingRequest& request, MockChannel& channel) const;
    Awaitable<void> embeddings(IncomingRequest& request, MockChannel& channel) const;
};

// Shared by the flavors.
std::string_view requestPath(const IncomingRequest& request);
// The raw value of `name` in the request's query string (no percent-decoding: keys and versions
// do not need it).
std::optional<std::string_view> queryParameter(const IncomingRequest& request, std::string_view name);
// The body as JSON; a discarded value (is_discarded()) when it is not valid JSON.
Json parseJsonBody(const std::string& body);
// A member of a JSON object; nullptr when `object` is not an object or lacks it.
const Json* jsonMember(const Json& object, std::string_view key);
// Compact JSON text. Names taken from the request path may hold bytes that are not UTF-8: they are
// replaced rather than thrown on, as nlohmann's dump() would.
std::string jsonText(const Json& json);
// A string member's value; "" when absent or not a string.
std::string stringMember(const Json& object, std::string_view key);
// The last element of an array member; nullptr when absent, not an array, or empty.
const Json* lastElement(const Json& object, std::string_view arrayKey);
// Retry-After: 1 on 429 answers, which every provider asks clients to back off on.
ResponseHeaders retryHeadersFor(int status);
// Floats as a JSON array, each in its shortest exact form.
std::string jsonFloatArray(const std::vector<float>& values);

} // namespace gatehouse
