// A streamed answer as the response cache keeps it (docs/traffic-policy.md "Cache"): the whole
// chat.completion its chat.completion.chunk events add up to. The cache stores answers whole and
// replays them as SSE to streaming callers (replayAsSse), so an answer first given as a stream can
// serve later callers, streaming or not.
#pragma once

#include "openai/TokenUsage.h"

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// The completion of an OpenAI chat stream's SSE text, merged chunk by chunk: id, created, model and
// system_fingerprint from the chunks; per choice the role, the content, refusal and reasoning
// texts joined, tool calls joined by their index (id, type, name, arguments), the last
// finish_reason; the stream's usage, or `usage` when it reported none. Nullopt for a stream that
// did not end with "data: [DONE]", carried an error, or is not JSON chunks: never cache half an answer.
std::optional<std::string> completionFromStream(std::string_view sse, const TokenUsage& usage);

} // namespace gatehouse
