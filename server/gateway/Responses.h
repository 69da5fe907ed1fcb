// How the data plane answers: every response carries the request id, every error is OpenAI-shaped
// and lands in the call record.
#pragma once

#include "gateway/RequestContext.h"

namespace gatehouse {

ResponseHead responseHead(const RequestContext& context, int status, std::string contentType = "application/json");

// Sends `error` (unless the response already started, then only aborts) and records it.
Awaitable<void> sendError(RequestContext& context, ResponseChannel& channel, const ApiError& error);
Awaitable<void> sendError(RequestContext& context, ResponseChannel& channel, const ApiError& error, const ResponseHeaders& extraHeaders);

} // namespace gatehouse
