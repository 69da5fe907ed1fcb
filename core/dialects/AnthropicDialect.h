// The Anthropic Messages API (https://docs.anthropic.com/en/api/messages): POST {base}/messages with
// x-api-key and anthropic-version headers; SSE events message_start, content_block_start/delta/stop,
// message_delta, message_stop, ping and error. Default base URL https://api.anthropic.com/v1.
#pragma once

#include "dialects/ProviderDialect.h"

namespace gatehouse {

class AnthropicDialect final : public ProviderDialect {
public:
    UpstreamCall chatCall(const Json& chat, const DialectTarget& target) const override;
    Json chatResponse(const Json& answer, const DialectTarget& target) const override;
    std::unique_ptr<ChatStreamDecoder> chatStream(const DialectTarget& target) const override;

    ApiError error(int status, std::string_view body, const DialectTarget& target) const override;
};

} // namespace gatehouse
