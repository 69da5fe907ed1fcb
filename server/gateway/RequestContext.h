// Everything one data-plane request carries through the pipeline stages.
#pragma once

#include "calls/CallRecord.h"
#include "gateway/GatewaySnapshot.h"
#include "http/Exchange.h"
#include "ingress/AnswerEncoder.h"
#include "openai/ApiError.h"
#include "openai/ChatRequest.h"
#include "policy/BudgetLedger.h"
#include "policy/RateLimiter.h"
#include "policy/ResponseCache.h"

#include <optional>

namespace gatehouse {

// What the answer's x-gatehouse-* and x-ratelimit-* headers say (docs/traffic-policy.md); filled as
// the request goes, read when its head is sent.
struct AnswerFacts {
    int attempts = 0;                     // calls made to deployments (0: refused or answered before any)
    std::optional<CacheOutcome> cache;    // unset: the cache was not consulted (not cacheable)
    HeaderList rateLimitHeaders;          // from the limiter's decision, allowed or refused
    // The gateway's own time: everything before the answering attempt was sent, except the time
    // earlier attempts spent upstream and the backoff between attempts.
    std::chrono::steady_clock::duration notOverhead{0};
    std::optional<std::chrono::steady_clock::time_point> answeringAttemptStartedAt;
};

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
    // A call to a managed prompt: its name (from the path); once rendered, the prompt in the key's
    // model list stands for its model in it (RenderPromptStage); the model's access mode still applies.
    std::string promptName;
    bool accessThroughPrompt = false;
    ChatRequestFields chat; // model and stream flags (of any ingress API's body)
    const Route* route = nullptr;
    const Deployment* deployment = nullptr;

    std::optional<ApiError> error; // set by the stage that stops the request
    CallRecord record;
    // Time spent waiting on the provider, so the record can tell the gateway's own overhead.
    std::chrono::steady_clock::duration upstreamTime{0};
    bool completed = false; // the handler ran to its end (false: cut off at shutdown)

    AnswerFacts facts;
    RatePermit ratePermit;          // the rate limits' claim: settled with the real tokens, freed at the end
    RatePermit deploymentPermit;    // the answering attempt's claim on its deployment's limits, settled alike
    BudgetReservation budget;       // the worst-case cost reserved: settled with the real cost
};

} // namespace gatehouse
