// The Gemini API (https://ai.google.dev/api/generate-content): POST {base}/models/{model}:generateContent,
// :streamGenerateContent?alt=sse, :batchEmbedContents, with the x-goog-api-key header.
// Default base URL https://generativelanguage.googleapis.com/v1beta.
#pragma once

#include "dialects/ProviderDialect.h"

namespace gatehouse {

class GeminiDialect final : public ProviderDialect {
public:
    UpstreamCall chatCall(const Json& chat, const DialectTarget& target) const override;
    Json chatResponse(const Json& answer, const DialectTarget& target) const override;
    std::unique_ptr<ChatStreamDecoder> chatStream(const DialectTarget& target) const override;
    UpstreamCall embeddingsCall(const Json& request, const DialectTarget& target) const override;
    Json embeddingsResponse(const Json& answer, const Json& request, const DialectTarget& target) const override;
    ApiError error(int status, std::string_view body, const DialectTarget& target) const override;
};

} // namespace gatehouse
