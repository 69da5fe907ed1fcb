#include "gateway/AttemptLoop.h"

#include "gateway/CallAdmission.h"
#include "gateway/Responses.h"
#include "json/Json.h"
#include "logging/Logging.h"

#include <algorithm>

namespace gatehouse {
namespace {

using Clock = std::chrono::steady_clock;

// How the failed attempt failed, for the retry policy and the circuit breaker.
AttemptFailure failureOf(const AttemptChannel::HeldAnswer& held, const std::string& errorCode)
{
    AttemptFailure failure;
    failure.status = held.head.status;
    failure.body = held.body;
    if (errorCode == "upstream_timeout")
        failure.kind = FailureKind::TimedOut;
    else if (errorCode == "upstream_error")
        failure.kind = FailureKind::ConnectionLost; // no answer from the provider (connect or read failed)
    for (const auto& [name, value] : held.head.headers) {
        if (beast::iequals(name, "retry-after"))
            failure.retryAfter = value;
        else if (beast::iequals(name, "retry-after-ms"))
            failure.retryAfterMs = value;
    }
    return failure;
}

// For the log and the breaker's last failure: the status, and the error's own message (which
// names the provider and what went wrong, never a secret), cut to a readable length.
std::string describe(const AttemptFailure& failure)
{
    std::string text = failure.kind == FailureKind::TimedOut ? "timed out"
        : failure.kind != FailureKind::HttpError             ? "connection failed"
                                                              : "HTTP " + std::to_string(failure.status);
    const auto body = Json::parse(failure.body, nullptr, false);
    if (body.is_object() && body.contains("error") && body["error"].is_object()) {
        const auto message = body["error"].value("message", std::string());
        if (!message.empty())
            text += ": " + message.substr(0, 200);
    }
    return text;
}

} // namespace

AttemptLoop::AttemptLoop(RequestContext& context, ResponseChannel& client, UpstreamPool& pool, AdapterFor adapterFor, RandomSource& random,
    RateLimiter& limiter)
    : m_context(context)
    , m_client(client)
    , m_pool(pool)
    , m_adapterFor(std::move(adapterFor))
    , m_random(random)
    , m_limiter(limiter)
    , m_retry(context.snapshot->config().policy.retry)
{
    if (const auto consumer = context.caller->consumerScope())
        m_consumerId = consumer->id;
}

Awaitable<void> AttemptLoop::run()
{
    m_chain.push_back(m_context.route);
    for (std::size_t i = 0; i < m_chain.size(); ++i) {
        const auto next = co_await tryRoute(*m_chain[i]);
        if (next == Next::Answered)
            co_return;
        if (next == Next::GiveUp)
            break;
        if (i + 1 < m_chain.size())
            componentLogger("server")->info("{}: model '{}' failed, falling back to '{}'", m_context.requestId, m_chain[i]->model, m_chain[i + 1]->model);
    }
    co_await answerWithLastFailure();
}

Awaitable<AttemptLoop::Next> AttemptLoop::tryRoute(const Route& route)
{
    const auto pick = route.picker->pick(pickRequest(), m_random);
    if (pick.attempts.empty()) {
        m_skippedReason = ApiError::unavailable("Every deployment of model '" + route.model
            + "' is paused by its circuit breaker after repeated failures; try again shortly.");
        m_skippedReason->code = "no_healthy_deployment";
        m_skippedHeaders.clear();
    }
    int attemptsOnRoute = 0;
    std::size_t position = 0;
    while (position < pick.attempts.size()) {
        const auto& deployment = route.deployments[pick.attempts[position]];
        const bool anotherLeft = position + 1 < pick.attempts.size();
        const int attemptsBefore = m_context.facts.attempts;
        const auto next = co_await tryDeployment(route, deployment, attemptsOnRoute, anotherLeft);
        attemptsOnRoute += m_context.facts.attempts - attemptsBefore;
        switch (next) {
        case Next::Answered:
        case Next::GiveUp:
        case Next::NextModel:
            co_return next;
        case Next::NextDeployment:
            ++position;
            break;
        case Next::SameDeployment:
            break;
        }
    }
    // Every deployment of this model failed (or was skipped): its fallback models are next.
    queueFallbacks(route.fallbacks);
    co_return Next::NextModel;
}

Awaitable<AttemptLoop::Next> AttemptLoop::tryDeployment(const Route& route, const Deployment& deployment, int attemptsOnRoute, bool anotherLeft)
{
    // A provider whose credential cannot be resolved: nothing is sent, the message says what to fix.
    if (const auto& problem = deployment.provider->unavailable; !problem.empty()) {
        m_skippedReason = ApiError::unavailable("Provider '" + deployment.provider->name + "' cannot be called: " + problem
            + ". An admin can fix it with PATCH /admin/v1/providers/" + deployment.provider->name + ".");
        m_skippedReason->code = "provider_unavailable";
        m_skippedHeaders.clear();
        co_return Next::NextDeployment;
    }
    BreakerPermit permit;
    if (deployment.breaker) {
        permit = deployment.breaker->tryAcquire();
        if (!permit) {
            // Opened since the picker looked, or its half-open probe is taken.
            m_skippedReason = ApiError::unavailable("Deployment '" + deployment.id + "' is paused by its circuit breaker after repeated failures.");
            m_skippedReason->code = "no_healthy_deployment";
            m_skippedHeaders.clear();
            co_return Next::NextDeployment;
        }
    }
    if (!claimDeploymentLimits(deployment))
        co_return Next::NextDeployment; // the breaker permit is given back unused

    auto& context = m_context;
    context.deployment = &deployment;
    context.record.provider = deployment.provider->name;
    context.record.deployment = deployment.upstreamModel;
    context.record.route = route.model;
    context.record.status = 0;
    context.record.errorCode.clear();
    context.facts.attempts += 1;
    m_lastDeployment = &deployment;

    const auto started = Clock::now();
    context.facts.answeringAttemptStartedAt = started;
    AttemptChannel attempt(m_client);
    co_await m_adapterFor(context.api, deployment.provider->kind).answer(context, attempt, m_pool);

    if (attempt.committed()) {
        if (deployment.latency && attempt.firstByteAt())
            deployment.latency->record(std::chrono::duration_cast<std::chrono::microseconds>(*attempt.firstByteAt() - started));
        // Error answers are held, so an error here means the answer broke off after it began.
        const bool brokeOff = !context.record.errorCode.empty() && context.record.errorCode != "client_closed";
        if (brokeOff)
            permit.failed("the answer broke off");
        else
            permit.succeeded();
        co_return Next::Answered;
    }

    // The error answer was held: decide whether another attempt follows. A failed attempt used no
    // tokens of its deployment's quota (the request it made still counts).
    context.deploymentPermit.settle(0);
    context.deploymentPermit.release();
    m_lastFailure = attempt.held();
    const auto failure = failureOf(*m_lastFailure, context.record.errorCode);
    if (countsAgainstDeployment(failure))
        permit.failed(describe(failure));
    else
        permit.succeeded();
    context.facts.notOverhead += Clock::now() - started;
    context.facts.answeringAttemptStartedAt.reset();

    const auto decision = m_retry.decide(failure, {attemptsOnRoute + 1, anotherLeft}, m_random, std::chrono::system_clock::now());
    componentLogger("server")->debug("{}: attempt {} on '{}' failed ({}): {}", context.requestId, context.facts.attempts, deployment.id,
        describe(failure), decision.reason);
    switch (decision.action) {
    case RetryAction::GiveUp:
        // A failure of the deployments (not of the request) may still be saved by a fallback model.
        if (decision.failureClass != FailureClass::Permanent && !route.fallbacks.empty()) {
            queueFallbacks(route.fallbacks);
            co_return Next::NextModel;
        }
        co_return Next::GiveUp;
    case RetryAction::FallbackModel:
        queueFallbacks(route.contextWindowFallbacks);
        co_return route.contextWindowFallbacks.empty() ? Next::GiveUp : Next::NextModel;
    case RetryAction::Retry:
        if (decision.delay.count() > 0)
            co_await wait(decision.delay);
        co_return decision.target == RetryTarget::NextDeployment ? Next::NextDeployment : Next::SameDeployment;
    }
    co_return Next::GiveUp;
}

bool AttemptLoop::claimDeploymentLimits(const Deployment& deployment)
{
    if (!deployment.limits.any())
        return true;
    auto decision = m_limiter.admit({{{ScopeKind::Deployment, deployment.id}, deployment.limits}},
        CallAdmission::estimatedTokens(m_context));
    if (decision.refusal) {
        // 429 naming the deployment and the limit: what the client gets if no other deployment can answer.
        m_skippedReason = decision.refusal->toApiError();
        m_skippedHeaders = {{"Retry-After", std::to_string(decision.refusal->retryAfterSeconds)}};
        return false;
    }
    m_context.deploymentPermit = std::move(decision.permit);
    return true;
}

void AttemptLoop::queueFallbacks(const std::vector<std::string>& models)
{
    // Each model is tried once per request, so the chain is bounded by the configuration.
    for (const auto& model : models) {
        const auto* route = m_context.snapshot->route(model);
        if (route && std::find(m_chain.begin(), m_chain.end(), route) == m_chain.end())
            m_chain.push_back(route);
    }
}

PickRequest AttemptLoop::pickRequest() const
{
    const auto& caller = *m_context.caller;
    PickRequest request;
    request.tenant = caller.tenant;
    request.consumer = m_consumerId;
    request.keyName = caller.keyPrefix;
    const auto& message = m_context.request.message;
    request.header = [&message](std::string_view name) -> std::optional<std::string_view> {
        const auto found = message.find(beast::string_view(name.data(), name.size()));
        if (found == message.end())
            return std::nullopt;
        return std::string_view(found->value().data(), found->value().size());
    };
    const auto& metadata = m_context.chat.metadata;
    request.metadata = [&metadata](std::string_view key) -> std::optional<std::string_view> {
        for (const auto& [name, value] : metadata) {
            if (name == key)
                return std::string_view(value);
        }
        return std::nullopt;
    };
    request.promptTokens = estimateTokens(message.body().size());
    request.completionTokens = m_context.chat.maxTokens.value_or(m_context.snapshot->config().policy.assumedCompletionTokens);
    return request;
}

Awaitable<void> AttemptLoop::wait(std::chrono::milliseconds delay)
{
    const auto started = Clock::now();
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    m_context.facts.notOverhead += Clock::now() - started;
}

Awaitable<void> AttemptLoop::answerWithLastFailure()
{
    if (m_lastFailure) {
        // The last attempt's own answer, as the provider gave it (through the gateway's error shape).
        m_context.deployment = m_lastDeployment;
        const auto held = std::move(*m_lastFailure);
        m_lastFailure.reset();
        co_await m_client.send(held.head, held.body);
        co_return;
    }
    const auto error = m_skippedReason.value_or(ApiError::unavailable("No deployment of model '" + m_context.route->model + "' could be called."));
    co_await sendError(m_context, m_client, error, m_skippedHeaders);
}

} // namespace gatehouse
