#include "gateway/Responses.h"

#include "ingress/MessagesApi.h"

namespace gatehouse {

Awaitable<void> sendError(RequestContext& context, ResponseChannel& channel, const ApiError& error)
{
    static const ResponseHeaders none;
    co_await sendError(context, channel, error, none);
}

Awaitable<void> sendError(RequestContext& context, ResponseChannel& channel, const ApiError& error, const ResponseHeaders& extraHeaders)
{
    context.record.status = error.status;
    context.record.errorCode = error.code.empty() ? error.type : error.code;
    if (channel.started()) {
        channel.abort();
        co_return;
    }
    ResponseHead head{error.status};
    head.headers.insert(head.headers.end(), extraHeaders.begin(), extraHeaders.end());
    // Each ingress API answers errors in its own shape: Anthropic SDK clients read Anthropic's.
    const auto body = context.api == IngressApi::Messages ? messages::errorBody(error) : error.toJson();
    co_await channel.send(head, body);
}

} // namespace gatehouse
