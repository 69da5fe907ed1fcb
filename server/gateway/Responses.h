// How the data plane answers errors: OpenAI-shaped (Anthropic-shaped on /v1/messages), and in the
// call record. (Every answer's request id and x-gatehouse-* headers come from AnnotatedChannel.)
#pragma once

#include "gateway/RequestContext.h"

namespace gatehouse {

// Sends `error` (unless the response already started, then only aborts) and records it.
Awaitable<void> sendError(RequestContext& context, ResponseChannel& channel, const ApiError& error);
Awaitable<void> sendError(RequestContext& context, ResponseChannel& channel, const ApiError& error, const ResponseHeaders& extraHeaders);

} // namespace gatehouse
