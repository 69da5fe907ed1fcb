// Everything one data-plane request carries through the pipeline stages.
#pragma once

#include "calls/CallRecord.h"
#include "gateway/GatewaySnapshot.h"
#include "http/Exchange.h"
#include "ingress/AnswerEncoder.h"
#include "openai/ApiError.h"
#include "openai/ChatRequest.h"

#include <optional>

namespace gatehouse {

struct RequestContext {
    RequestContext(IncomingRequest& incoming, SnapshotPtr currentSnapshot, std::string id, IngressApi ingress = IngressApi::ChatCompletions)
        : api(ingress)
        , request(incoming)
        , snapshot(std::move(currentSnapshot))
        , requestId(std::move(id))
    {
    }

    IngressApi api; // the API the client called: decides the request and answer shapes
    IncomingRequest& request;
    SnapshotPtr snapshot; // held for the whole request: a config swap never changes it midway
    std::string requestId;

    const Caller* caller = nullptr;
    ChatRequestFields chat; // model and stream flags (of any ingress API's body)
    const Route* route = nullptr;
    const Deployment* deployment = nullptr;

    std::optional<ApiError> error; // set by the stage that stops the request
    CallRecord record;
    // Time spent waiting on the provider, so the record can tell the gateway's own overhead.
    std::chrono::steady_clock::duration upstreamTime{0};
    bool completed = false; // the handler ran to its end (false: cut off at shutdown)
};

} // namespace gatehouse
