// Calls a request's deployments until one answers (docs/traffic-policy.md): in the order the
// route's picker gives, skipping deployments whose circuit is open, retrying failed attempts as the
// retry policy decides (on the next deployment at once, or on the same one after a backoff or the
// provider's Retry-After), then the route's fallback models — `context_window_fallbacks` when the
// prompt is too long, `fallbacks` when every deployment failed. An error answer is held back while
// another attempt may follow; nothing is retried once a byte of an answer reached the client.
#pragma once

#include "gateway/AnswerChannels.h"
#include "gateway/RequestContext.h"
#include "policy/RandomSource.h"
#include "policy/RetryPolicy.h"
#include "providers/ProviderAdapter.h"

#include <functional>

namespace gatehouse {

class AttemptLoop {
public:
    using AdapterFor = std::function<const ProviderAdapter&(IngressApi, ProviderKind)>;

    // `limiter` claims each attempt on its deployment's own limits (Deployment::limits).
    AttemptLoop(RequestContext& context, ResponseChannel& client, UpstreamPool& pool, AdapterFor adapterFor, RandomSource& random,
        RateLimiter& limiter);

    Awaitable<void> run();

private:
    enum class Next { Answered, NextDeployment, SameDeployment, NextModel, GiveUp };

    // One model's attempt list; Answered or GiveUp end the request, NextModel moves on.
    Awaitable<Next> tryRoute(const Route& route);
    Awaitable<Next> tryDeployment(const Route& route, const Deployment& deployment, int attemptsOnRoute, bool anotherLeft);
    void queueFallbacks(const std::vector<std::string>& models);
    PickRequest pickRequest() const;
    Awaitable<void> wait(std::chrono::milliseconds delay);
    // Claims the attempt on the deployment's limits; false (and the refusal kept as the skip
    // reason) when the deployment is at its limit.
    bool claimDeploymentLimits(const Deployment& deployment);
    Awaitable<void> answerWithLastFailure();

    RequestContext& m_context;
    ResponseChannel& m_client;
    UpstreamPool& m_pool;
    AdapterFor m_adapterFor;
    RandomSource& m_random;
    RateLimiter& m_limiter;
    RetryPolicy m_retry;
    std::vector<const Route*> m_chain; // the requested model's route, then fallback models' as queued
    std::optional<AttemptChannel::HeldAnswer> m_lastFailure;
    const Deployment* m_lastDeployment = nullptr;
    std::optional<ApiError> m_skippedReason; // why deployments were left out without a call
    ResponseHeaders m_skippedHeaders;        // with it: Retry-After when a deployment's limit was the reason
    std::string m_consumerId; // "tenant/consumer", as routing rules name consumers
};

} // namespace gatehouse
