// The synchronous stages of the request path, each one small class with one job. A stage either
// lets the request continue or stops it with an error in the context.
#pragma once

#include "gateway/RequestContext.h"

namespace gatehouse {

enum class StageStatus { Continue, Stop };

class RequestStage {
public:
    virtual ~RequestStage() = default;
    virtual StageStatus run(RequestContext& context) const = 0;
};

// Authorization: Bearer <key>, or x-api-key: <key> → the caller.
class AuthenticateStage final : public RequestStage {
public:
    StageStatus run(RequestContext& context) const override;
};

// Validates the body (chat, messages or embeddings, by the context's API) and reads model and stream.
class ParseChatRequestStage final : public RequestStage {
public:
    StageStatus run(RequestContext& context) const override;
};

// Public model name → route, if the caller may use it (otherwise it does not exist for them), or
// reaches it through a prompt.
class ResolveRouteStage final : public RequestStage {
public:
    StageStatus run(RequestContext& context) const override;
};

// The model's access mode and the caller's consumer's access request decide (403 permission_denied
// naming the state and what to do), for prompt calls too (RenderPromptStage checked the prompt's).
class AuthorizeAccessStage final : public RequestStage {
public:
    StageStatus run(RequestContext& context) const override;
};

// Runs stages in order until one stops the request.
StageStatus runStages(std::initializer_list<const RequestStage*> stages, RequestContext& context);

} // namespace gatehouse
