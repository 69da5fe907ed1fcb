// Everything one data-plane request carries through the pipeline stages.
#pragma once

#include "calls/CallRecord.h"
#include "gateway/GatewaySnapshot.h"
#include "http/Exchange.h"
#include "openai/ApiError.h"
#include "openai/ChatRequest.h"

#include <optional>

namespace gatehouse {

struct RequestContext {
    RequestContext(IncomingRequest& incoming, SnapshotPtr currentSnapshot, std::string id)
        : request(incoming)
        , snapshot(std::move(currentSnapshot))
        , requestId(std::move(id))
    {
    }

    IncomingRequest& request;
    SnapshotPtr snapshot; // held for the whole request: a config swap never changes it midway
    std::string requestId;

    const Caller* caller = nullptr;
    ChatRequestFields chat;
    const Route* route = nullptr;
    const Deployment* deployment = nullptr;

    std::optional<ApiError> error; // set by the stage that stops the request
    CallRecord record;
    // Time spent waiting on the provider, so the record can tell the gateway's own overhead.
    std::chrono::steady_clock::duration upstreamTime{0};
    bool completed = false; // the handler ran to its end (false: cut off at shutdown)
};

} // namespace gatehouse
