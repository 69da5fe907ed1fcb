// The azure flavor: Azure OpenAI's deployment routes (/openai/deployments/{deployment}/chat/completions
// and /embeddings, ?api-version= required), api-key auth and the service's own error bodies, as in
// https://learn.microsoft.com/azure/ai-services/openai/reference. The answers are the openai
// flavor's, naming the deployment as their model.
#include "mockupstream/MockFlavors.h"

namespace gatehouse {
namespace {

constexpr std::string_view kDeploymentsPrefix = "/openai/deployments/";
constexpr std::string_view kChatOperation = "/chat/completions";
constexpr std::string_view kEmbeddingsOperation = "/embeddings";

// Errors raised by Azure itself (not passed through from the model) have only a code and a message.
MockReply azureReply(int status, std::string code, std::string message)
{
    const Json body = {{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}};
    return {status, jsonText(body), retryHeadersFor(status)};
}

// Azure's answer to a path it does not serve, and to a request without api-version.
MockReply resourceNotFound()
{
    return azureReply(404, "404", "Resource not found");
}

struct DeploymentRoute {
    std::string deployment;
    std::string_view operation; // kChatOperation or kEmbeddingsOperation
};

std::optional<DeploymentRoute> deploymentRoute(std::string_view path)
{
    if (!path.starts_with(kDeploymentsPrefix))
        return std::nullopt;
    const auto rest = path.substr(kDeploymentsPrefix.size());
    const auto slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos)
        return std::nullopt;
    const auto operation = rest.substr(slash);
    if (operation != kChatOperation && operation != kEmbeddingsOperation)
        return std::nullopt;
    return DeploymentRoute{std::string(rest.substr(0, slash)), operation == kChatOperation ? kChatOperation : kEmbeddingsOperation};
}

class AzureFlavor final : public OpenAiFlavor {
public:
    using OpenAiFlavor::OpenAiFlavor;
    Awaitable<void> handle(IncomingRequest& request, MockChannel& channel) const override;

protected:
    // Raised by Azure itself. contextLengthExceeded() and invalidFault() are the openai flavor's:
    // request errors come from the model service behind Azure, in OpenAI's shape.
    MockReply requestedError(int status, const std::string& model) const override;

private:
    Awaitable<void> chatCompletion(ResponseChannel& channel, const Json& request, std::size_t bodySize,
        const std::string& deployment) const;
};

Awaitable<void> AzureFlavor::handle(IncomingRequest& request, MockChannel& channel) const
{
    if (!acceptsKey(request.message["api-key"])) {
        const auto reply = azureReply(401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
            "provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
        co_await send(channel, reply);
        co_return;
    }
    const auto route = deploymentRoute(requestPath(request));
    const auto apiVersion = queryParameter(request, "api-version");
    if (!route || request.message.method() != http::verb::post || !apiVersion || apiVersion->empty()) {
        const auto reply = resourceNotFound();
        co_await send(channel, reply);
        co_return;
    }
    if (co_await answeredByFault(channel, route->deployment))
        co_return;
    const auto& body = request.message.body();
    const auto json = parseJsonBody(body);
    if (json.is_discarded() || !json.is_object()) {
        const auto reply = invalidRequest("The request body is not a valid JSON object.", {});
        co_await send(channel, reply);
        co_return;
    }
    if (route->operation == kChatOperation)
        co_await chatCompletion(channel, json, body.size(), route->deployment);
    else
        co_await answerEmbeddings(channel, json, route->deployment);
}

Awaitable<void> AzureFlavor::chatCompletion(ResponseChannel& channel, const Json& request, std::size_t bodySize,
    const std::string& deployment) const
{
    // The deployment names the model, so unlike OpenAI the body needs no "model".
    const auto* messages = jsonMember(request, "messages");
    const auto* stream = jsonMember(request, "stream");
    const auto* streamOptions = jsonMember(request, "stream_options");
    const auto* includeUsage = streamOptions ? jsonMember(*streamOptions, "include_usage") : nullptr;
    std::optional<MockReply> problem;
    if (!messages || !messages->is_array() || messages->empty())
        problem = invalidRequest("'messages' must be a non-empty array of messages.", "messages");
    else if (stream && !stream->is_boolean() && !stream->is_null())
        problem = invalidRequest("'stream' must be true or false.", "stream");
    else if (includeUsage && !includeUsage->is_boolean() && !includeUsage->is_null())
        problem = invalidRequest("'stream_options.include_usage' must be true or false.", "stream_options.include_usage");
    if (problem) {
        co_await send(channel, *problem);
        co_return;
    }
    ChatAsk ask;
    ask.fields.model = deployment;
    ask.fields.stream = stream && stream->is_boolean() && stream->get<bool>();
    ask.fields.hasStreamOptions = streamOptions && streamOptions->is_object();
    ask.fields.includeUsage = includeUsage && includeUsage->is_boolean() && includeUsage->get<bool>();
    ask.promptBytes = bodySize;
    ask.toolCall = toolCallFor(request);
    co_await answerChat(channel, ask);
}

MockReply AzureFlavor::requestedError(int status, const std::string& model) const
{
    switch (status) {
    case 400: // request errors come from the model service behind Azure, in OpenAI's shape
        return OpenAiFlavor::requestedError(status, model);
    case 401:
        return azureReply(401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
            "valid key for an active subscription and use a correct regional API endpoint for your resource.");
    case 403:
        return azureReply(403, "403", "Access denied due to Virtual Network/Firewall rules.");
    case 404:
        return azureReply(404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the "
            "deployment within the last 5 minutes, please wait a moment and try again.");
    case 429:
        return azureReply(429, "429", "Rate limit is exceeded. Try again in 1 seconds.");
    case 500:
        return azureReply(500, "InternalServerError", "Backend returned unexpected response. Please contact Microsoft for help.");
    case 503:
        return azureReply(503, "ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later.");
    default:
        return azureReply(status, std::to_string(status), "Mock error " + std::to_string(status) + " asked for by the deployment name '"
            + model + "'.");
    }
}

} // namespace

std::unique_ptr<MockFlavor> makeAzureFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests)
{
    return std::make_unique<AzureFlavor>(options, requests);
}

} // namespace gatehouse
