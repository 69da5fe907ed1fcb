// OpenAI's own chat and embeddings API, for requests that come translated from another ingress
// API (e.g. /v1/messages → an openai provider). Chat requests that arrive as OpenAI requests
// never come here: they are passed through as bytes. The Azure flavor differs only in where the
// request goes ({base}/openai/deployments/{deployment}/...?api-version=...) and the api-key header.
#pragma once

#include "dialects/ProviderDialect.h"

namespace gatehouse {

class OpenAiDialect final : public ProviderDialect {
public:
    enum class Flavor { OpenAi, Azure };
    explicit OpenAiDialect(Flavor flavor);

    UpstreamCall chatCall(const Json& chat, const DialectTarget& target) const override;
    Json chatResponse(const Json& answer, const DialectTarget& target) const override;
    std::unique_ptr<ChatStreamDecoder> chatStream(const DialectTarget& target) const override;
    UpstreamCall embeddingsCall(const Json& request, const DialectTarget& target) const override;
    Json embeddingsResponse(const Json& answer, const Json& request, const DialectTarget& target) const override;
    ApiError error(int status, std::string_view body, const DialectTarget& target) const override;

    // The path (after the base path) and credential header of an OpenAI-API call, e.g.
    // "/chat/completions" → "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21" for Azure.
    std::string targetFor(std::string_view operation, const DialectTarget& target) const;
    std::vector<std::pair<std::string, std::string>> credentialHeaders(const ProviderConfig& provider) const;

private:
    Flavor m_flavor;
};

} // namespace gatehouse
