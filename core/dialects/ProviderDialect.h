// How the gateway speaks to one kind of provider when the request has to be translated: the
// OpenAI chat-completions shape is the hub every ingress API maps to, and each dialect maps that
// hub to its provider's wire format and back. Pure functions of JSON in, JSON out: no sockets,
// so every dialect is tested with tables of request in/request out, response in/response out.
//
// (Requests an OpenAI-compatible provider can take as they are never come here: the server
// passes their bytes through with only the model replaced.)
#pragma once

#include "config/GatewayConfig.h"
#include "json/Json.h"
#include "openai/ApiError.h"
#include "openai/TokenUsage.h"
#include "sse/SseParser.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse {

// Where a translated request goes: the provider and the model name it knows.
struct DialectTarget {
    const ProviderConfig& provider;
    std::string upstreamModel;
};

// One HTTP request to a provider. The server adds Host, Content-Type (application/json),
// Content-Length and Accept; the dialect names everything else.
struct UpstreamCall {
    std::string target; // path and query after the provider's base path, e.g. "/messages"
    std::vector<std::pair<std::string, std::string>> headers; // credentials, API version, ...
    std::string body;
};

// Turns a provider's server-sent events into OpenAI chat.completion.chunk objects, in order.
// The chunk objects are complete ("id", "object", "created", "model", "choices"); the last one
// the decoder returns carries "usage" (OpenAI-shaped, with "choices": []) when the provider
// reported usage.
class ChatStreamDecoder {
public:
    virtual ~ChatStreamDecoder() = default;
    // One event from the provider; returns the chunks it becomes (often none, e.g. for a ping).
    // Throws TranslationError for an error event in the stream (e.g. Anthropic's "overloaded_error").
    virtual std::vector<Json> onEvent(const SseEvent& event) = 0;
    // True once the provider signalled the end of the answer (message_stop, a finishReason, ...).
    virtual bool finished() const = 0;
    // What the provider reported so far; nothing if it reported no usage at all.
    virtual std::optional<TokenUsage> usage() const = 0;
};

class ProviderDialect {
public:
    virtual ~ProviderDialect() = default;

    // An OpenAI chat request (already validated as JSON with model and messages) as this
    // provider's request. `chat["stream"]` decides between the streaming and the plain call.
    // Throws TranslationError (400, naming the param) for what the provider cannot do.
    virtual UpstreamCall chatCall(const Json& chat, const DialectTarget& target) const = 0;

    // The provider's whole (non-streamed) answer as an OpenAI chat.completion object, with "usage".
    virtual Json chatResponse(const Json& answer, const DialectTarget& target) const = 0;

    // The decoder may keep a reference to `target.provider`: it must outlive the decoder.
    virtual std::unique_ptr<ChatStreamDecoder> chatStream(const DialectTarget& target) const = 0;

    // OpenAI /v1/embeddings, for the providers that have embeddings. The default throws a
    // TranslationError (400) saying the provider has none.
    virtual UpstreamCall embeddingsCall(const Json& request, const DialectTarget& target) const;
    virtual Json embeddingsResponse(const Json& answer, const Json& request, const DialectTarget& target) const;

    // A provider's error answer (status >= 400, body as received) as an OpenAI-shaped error that
    // keeps the provider's message and names the provider. 401/403 become a 502
    // "upstream_auth_failed" (the gateway's credentials were refused, not the client's).
    virtual ApiError error(int status, std::string_view body, const DialectTarget& target) const = 0;
};

// The dialect of a provider kind (static instances; the mock kind has none).
const ProviderDialect* dialectFor(ProviderKind kind);

// Helpers every dialect shares.
// "Provider 'NAME' answered HTTP STATUS: MESSAGE", with 401/403 mapped as described above and
// other statuses kept (400, 404, 413, 429, 500, 503...; 529 becomes 503).
ApiError providerError(int status, const std::string& providerMessage, const std::string& providerType, const DialectTarget& target);
// The 502 "upstream_auth_failed" for a provider that refused the gateway's credentials; `status`
// is the provider's own (401, 403, or Gemini's 400 API_KEY_INVALID).
ApiError credentialsRefused(int status, const std::string& providerMessage, const DialectTarget& target);
// A TokenUsage as OpenAI's usage object, with prompt_tokens_details.cached_tokens and
// completion_tokens_details.reasoning_tokens when they are non-zero.
Json openAiUsageJson(const TokenUsage& usage);

} // namespace gatehouse
