#include "dialects/ProviderDialect.h"

#include "dialects/AnthropicDialect.h"
#include "dialects/GeminiDialect.h"
#include "dialects/OpenAiDialect.h"
#include "openai/TranslationError.h"

namespace gatehouse {

UpstreamCall ProviderDialect::embeddingsCall(const Json&, const DialectTarget& target) const
{
    throw TranslationError(ApiError::invalidRequest(
        "Provider '" + target.provider.name + "' has no embeddings API; route this model to an openai, azure-openai, gemini or mock provider.",
        "model", "embeddings_unsupported"));
}

Json ProviderDialect::embeddingsResponse(const Json&, const Json& request, const DialectTarget& target) const
{
    return embeddingsCall(request, target).body; // unreachable: embeddingsCall throws for such providers
}

const ProviderDialect* dialectFor(ProviderKind kind)
{
    static const OpenAiDialect openAi(OpenAiDialect::Flavor::OpenAi);
    static const OpenAiDialect azure(OpenAiDialect::Flavor::Azure);
    static const AnthropicDialect anthropic;
    static const GeminiDialect gemini;
    switch (kind) {
    case ProviderKind::OpenAi:
    case ProviderKind::OpenAiCompatible:
        return &openAi;
    case ProviderKind::AzureOpenAi:
        return &azure;
    case ProviderKind::Anthropic:
        return &anthropic;
    case ProviderKind::Gemini:
        return &gemini;
    case ProviderKind::Mock:
        return nullptr;
    }
    return nullptr;
}

ApiError credentialsRefused(int status, const std::string& providerMessage, const DialectTarget& target)
{
    // The gateway's credentials for the provider were refused: not the client's fault, and not to
    // be confused with the client's own 401.
    auto error = ApiError::upstreamFailed("Provider '" + target.provider.name + "' rejected the gateway's credentials (HTTP "
        + std::to_string(status) + "): " + (providerMessage.empty() ? "(no message)" : providerMessage));
    error.code = "upstream_auth_failed";
    return error;
}

ApiError providerError(int status, const std::string& providerMessage, const std::string& providerType, const DialectTarget& target)
{
    const auto& name = target.provider.name;
    const std::string detail = providerMessage.empty() ? "(no message)" : providerMessage;
    if (status == 401 || status == 403)
        return credentialsRefused(status, providerMessage, target);
    ApiError error;
    error.status = status == 529 ? 503 : (status >= 400 && status < 600 ? status : 502);
    error.message = "Provider '" + name + "' answered HTTP " + std::to_string(status) + ": " + detail;
    if (status == 429) {
        error.type = "rate_limit_error";
        error.code = "rate_limit_exceeded";
    } else if (status >= 500) {
        error.type = "upstream_error";
        error.code = "upstream_" + std::to_string(status);
    } else {
        error.type = "invalid_request_error";
        error.code = providerType.empty() ? "upstream_" + std::to_string(status) : providerType;
    }
    return error;
}

Json openAiUsageJson(const TokenUsage& usage)
{
    Json json = {{"prompt_tokens", usage.promptTokens}, {"completion_tokens", usage.completionTokens},
        {"total_tokens", usage.promptTokens + usage.completionTokens}};
    if (usage.cachedPromptTokens > 0)
        json["prompt_tokens_details"] = {{"cached_tokens", usage.cachedPromptTokens}};
    if (usage.reasoningTokens > 0)
        json["completion_tokens_details"] = {{"reasoning_tokens", usage.reasoningTokens}};
    return json;
}

} // namespace gatehouse
