#include "gateway/GatewayHandler.h"

#include "calls/RequestId.h"
#include "gateway/AnswerChannels.h"
#include "gateway/AttemptLoop.h"
#include "gateway/FeedbackRequest.h"
#include "gateway/PayloadTap.h"
#include "gateway/Responses.h"
#include "json/Json.h"
#include "json/JsonString.h"
#include "logging/Logging.h"

#include <random>

namespace gatehouse {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view pathOf(const http::request<http::string_body>& message)
{
    const auto target = message.target();
    const auto query = target.find('?');
    return {target.data(), query == std::string_view::npos ? target.size() : query};
}

std::chrono::microseconds micros(Clock::duration duration)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(duration);
}

// Each worker thread draws deployment choices and retry jitter from its own generator.
RandomSource& threadRandom()
{
    thread_local SeededRandom random{std::random_device{}()};
    return random;
}

// Who called: the connection's peer and its User-Agent (cut: it is the client's to choose).
void noteClient(const IncomingRequest& request, CallRecord& record)
{
    if (!request.clientAddress.is_unspecified())
        record.clientIp = request.clientAddress.to_string();
    const auto agent = request.message[http::field::user_agent];
    record.userAgent.assign(agent.data(), std::min<std::size_t>(agent.size(), 256));
}

} // namespace

GatewayHandler::GatewayHandler(SnapshotStore& snapshots, CallRecordWriter& records, std::vector<std::unique_ptr<UpstreamPool>>& pools,
    TrafficControl& traffic, FeedbackStore& feedback)
    : m_snapshots(snapshots)
    , m_records(records)
    , m_pools(pools)
    , m_renderPrompt([]() -> RandomSource& { return threadRandom(); })
    , m_traffic(traffic)
    , m_feedback(feedback)
    , m_admission(traffic.limiter(), traffic.budgets())
    , m_cache(traffic.cache())
    , m_log(componentLogger("server"))
{
}

Awaitable<void> GatewayHandler::handle(IncomingRequest& request, ResponseChannel& client)
{
    const auto path = pathOf(request.message);
    const auto method = request.message.method();
    if (path == "/healthz") {
        const ResponseHead head;
        const auto body = healthBody(request.message.target().find("detail=") != std::string_view::npos);
        co_await client.send(head, body);
        co_return;
    }

    std::string_view promptName;
    const auto* endpoint = findEndpoint(path, promptName);
    RequestContext context(request, m_snapshots.current(), newRequestId(), endpoint ? endpoint->api : IngressApi::ChatCompletions);
    context.promptName = std::string(promptName);
    const InFlightCall call(*this, context, client);
    // Every answer carries the x-gatehouse-* (and x-ratelimit-*) headers, whoever sends it.
    AnnotatedChannel channel(client, context);
    context.record.startedAt = request.receivedAtWallClock;
    context.record.endpoint = std::string(path.substr(0, 128));
    noteClient(request, context.record);
    const auto methodName = request.message.method_string();
    m_log->debug("{} {} {} started", context.requestId, std::string_view(methodName.data(), methodName.size()), context.record.endpoint);

    if (!endpoint) {
        const auto error = ApiError::notFound("Unknown path: " + std::string(path.substr(0, 200))
            + ". Gatehouse serves /v1/chat/completions, /v1/messages, /v1/embeddings, /v1/models, /v1/prompts/{name}/chat/completions and /v1/feedback.");
        co_await sendError(context, channel, error);
    } else if (method != endpoint->method) {
        const auto allowed = std::string(http::to_string(endpoint->method));
        const auto error = ApiError::methodNotAllowed(std::string(methodName), std::string(path), allowed);
        const ResponseHeaders allow{{"Allow", allowed}};
        co_await sendError(context, channel, error, allow);
    } else if (endpoint->action == Action::ListModels) {
        co_await listModels(context, channel);
    } else if (endpoint->action == Action::PostFeedback) {
        co_await postFeedback(context, channel);
    } else {
        co_await callProvider(context, channel);
    }
    context.completed = true;
}

GatewayHandler::InFlightCall::InFlightCall(GatewayHandler& handler, RequestContext& context, const ResponseChannel& channel)
    : m_handler(handler)
    , m_context(context)
    , m_channel(channel)
{
    ++m_handler.m_inFlight;
}

GatewayHandler::InFlightCall::~InFlightCall()
{
    // Runs when the call ends, and also when its coroutine is destroyed unfinished because the
    // drain timeout ran out at shutdown: such a call is recorded as cut off, not lost.
    if (!m_context.completed) {
        // The status is what the client already got, if anything: a stream cut off keeps its 200.
        if (m_context.record.status == 0)
            m_context.record.status = 503;
        m_context.record.errorCode = "shutdown_cut_off";
    }
    m_handler.finishRecord(m_context, m_channel);
    if (--m_handler.m_inFlight == 0) {
        std::lock_guard lock(m_handler.m_idleMutex);
        m_handler.m_idle.notify_all();
    }
}

std::string GatewayHandler::healthBody(bool detail) const
{
    if (!detail)
        return R"({"status":"ok"})";
    // Each deployment's circuit: what a load balancer or an operator checks. No failure texts
    // here (this path needs no key); the admin API has them.
    Json deployments = Json::array();
    for (const auto& [id, breaker] : m_traffic.breakers().snapshots()) {
        deployments.push_back({{"deployment", id}, {"circuit", breakerStateName(breaker.state)},
            {"retry_in_ms", breaker.retryIn.count()}, {"consecutive_failures", breaker.consecutiveFailures}});
    }
    return Json{{"status", "ok"}, {"deployments", deployments}}.dump();
}

const GatewayHandler::Endpoint* GatewayHandler::findEndpoint(std::string_view path, std::string_view& promptName)
{
    static const Endpoint prompt{"/v1/prompts/{name}/chat/completions", http::verb::post, IngressApi::ChatCompletions, Action::CallProvider};
    if (const auto name = promptNameInPath(path)) {
        promptName = *name;
        return &prompt;
    }
    static const Endpoint endpoints[] = {
        {"/v1/chat/completions", http::verb::post, IngressApi::ChatCompletions, Action::CallProvider},
        {"/v1/messages", http::verb::post, IngressApi::Messages, Action::CallProvider},
        {"/v1/embeddings", http::verb::post, IngressApi::Embeddings, Action::CallProvider},
        {"/v1/models", http::verb::get, IngressApi::ChatCompletions, Action::ListModels},
        {"/v1/feedback", http::verb::post, IngressApi::ChatCompletions, Action::PostFeedback},
    };
    for (const auto& endpoint : endpoints) {
        if (endpoint.path == path)
            return &endpoint;
    }
    return nullptr;
}

Awaitable<void> GatewayHandler::callProvider(RequestContext& context, ResponseChannel& channel)
{
    const bool admitted = context.promptName.empty()
        ? runStages({&m_authenticate, &m_parseChat, &m_resolveRoute, &m_authorizeAccess}, context) == StageStatus::Continue
        : runStages({&m_authenticate, &m_renderPrompt, &m_parseChat, &m_resolveRoute, &m_authorizeAccess}, context) == StageStatus::Continue;
    if (!admitted) {
        co_await sendError(context, channel, *context.error);
        co_return;
    }
    co_await callAdmitted(context, channel);
}

Awaitable<void> GatewayHandler::callAdmitted(RequestContext& context, ResponseChannel& channel)
{
    // A model that captures payloads has its answers go through a tap, which hands what it kept to
    // the call record when this call ends (docs/analytics.md "Payload capture").
    std::optional<PayloadTapChannel> tap;
    if (context.route->capturePayloads)
        tap.emplace(channel, context.request, context.record, context.snapshot->config().capture.maxBytes);
    ResponseChannel& out = tap ? static_cast<ResponseChannel&>(*tap) : channel;

    ResponseHeaders refusalHeaders;
    if (m_admission.admit(context, refusalHeaders) == StageStatus::Stop) {
        co_await sendError(context, out, *context.error, refusalHeaders);
        co_return;
    }
    const auto cachePlan = m_cache.plan(context);
    if (co_await m_cache.answerIfCached(context, out, cachePlan)) {
        settleCall(context);
        co_return;
    }
    // An answer that may be stored is kept as it goes out, whole or streamed (AnswerCache::store
    // keeps a stream as the completion it adds up to).
    const bool capture = cachePlan.mayStore();
    CapturingChannel capturing(out, capture ? m_traffic.cache().shardBudget() : 0);
    AttemptLoop attempts(context, capture ? static_cast<ResponseChannel&>(capturing) : out, *m_pools[context.request.workerIndex],
        [this](IngressApi api, ProviderKind kind) -> const ProviderAdapter& { return adapterFor(api, kind); }, threadRandom(),
        m_traffic.limiter());
    co_await attempts.run();
    settleCall(context);
    if (capture) {
        if (auto body = capturing.captured())
            m_cache.store(context, cachePlan, std::move(*body));
    }
}

void GatewayHandler::settleCall(RequestContext& context) const
{
    auto& record = context.record;
    record.attempts = context.facts.attempts;
    if (record.route.empty() && context.route)
        record.route = context.route->model; // answered without an attempt (from the cache)
    if (context.facts.cache)
        record.cache = std::string(cacheHeaderValue(*context.facts.cache));
    // Priced at the deployment's price in force when the call started (docs/pricing.md): a later
    // price edit never changes what this call cost.
    const auto* deployment = context.deployment;
    if (!record.costMicros && deployment && context.facts.attempts > 0) {
        if (const auto price = deployment->priceAt(record.startedAtMs()))
            record.costMicros = price->costMicros(record.usage());
    }
    m_admission.settle(context);
}

Awaitable<void> GatewayHandler::listModels(RequestContext& context, ResponseChannel& channel)
{
    if (runStages({&m_authenticate}, context) == StageStatus::Stop) {
        co_await sendError(context, channel, *context.error);
        co_return;
    }
    std::string body = R"({"object":"list","data":[)";
    bool first = true;
    for (const auto& name : context.snapshot->modelsFor(*context.caller)) {
        body += first ? "" : ",";
        body += R"({"id":)" + jsonString(name) + R"(,"object":"model","created":0,"owned_by":"gatehouse"})";
        first = false;
    }
    body += "]}";
    context.record.status = 200;
    const ResponseHead head{200};
    co_await channel.send(head, body);
}

// A score for a call of the caller's tenant. The insert runs on the feedback thread, never on this
// worker: it may wait for the call-record writer's lock, and the worker serves other calls meanwhile.
Awaitable<void> GatewayHandler::postFeedback(RequestContext& context, ResponseChannel& channel)
{
    if (runStages({&m_authenticate}, context) == StageStatus::Stop) {
        co_await sendError(context, channel, *context.error);
        co_return;
    }
    auto read = readFeedbackRequest(context.request.message.body());
    if (auto* error = std::get_if<ApiError>(&read)) {
        co_await sendError(context, channel, *error);
        co_return;
    }
    auto feedback = std::get<CallFeedback>(std::move(read));
    feedback.keyPrefix = context.caller->keyPrefix;
    std::optional<CallFeedback> stored;
    bool failed = false;
    try {
        // Named, not a temporary: see ARCHITECTURE.md, pitfalls.
        auto store = [&]() -> Awaitable<std::optional<CallFeedback>> { co_return m_feedback.add(feedback, context.caller->tenant); };
        stored = co_await asio::co_spawn(m_feedbackThread, std::move(store), asio::use_awaitable);
    } catch (const StoreError& storeError) {
        m_log->error("{} feedback for {} could not be stored: {}", context.requestId, feedback.requestId, storeError.what());
        failed = true; // answered below: no co_await inside a handler
    }
    if (failed) {
        co_await sendError(context, channel, ApiError::unavailable("The feedback could not be stored; try again."));
        co_return;
    }
    if (!stored) {
        auto error = ApiError::notFound("No call '" + feedback.requestId.substr(0, 100)
            + "' of your tenant is in the call log (a call is written a moment after its answer).");
        error.param = "request_id";
        co_await sendError(context, channel, error);
        co_return;
    }
    context.record.status = 201;
    const ResponseHead head{201};
    co_await channel.send(head, feedbackJson(*stored));
}

const ProviderAdapter& GatewayHandler::adapterFor(IngressApi api, ProviderKind kind) const
{
    if (kind == ProviderKind::Mock)
        return m_mockProvider;
    if (PassThroughProvider::canPassThrough(api, kind))
        return m_passThroughProvider;
    return m_translatingProvider;
}

namespace {

// Keeps what a probe call answered instead of sending it anywhere.
class CollectingChannel final : public ResponseChannel {
public:
    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override
    {
        markFirstByte();
        status = head.status;
        this->body.append(body);
        co_return true;
    }
    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override { co_return co_await send(head, firstPiece); }
    Awaitable<bool> piece(std::string_view data) override
    {
        body.append(data);
        co_return true;
    }
    Awaitable<bool> end() override { co_return true; }
    void abort() override {}

    int status = 0;
    std::string body;
};

// The answer's text, or the error's message: what a person testing a connection wants to read.
std::string probeMessage(const std::string& body)
{
    const auto parsed = Json::parse(body, nullptr, false);
    if (parsed.is_object()) {
        if (const auto error = parsed.find("error"); error != parsed.end() && error->is_object())
            return error->value("message", body);
        const auto choices = parsed.find("choices");
        if (choices != parsed.end() && choices->is_array() && !choices->empty()) {
            const auto& message = (*choices)[0].value("message", Json::object());
            if (const auto content = message.find("content"); content != message.end() && content->is_string())
                return content->get<std::string>().substr(0, 200);
        }
    }
    return body.substr(0, 200);
}

} // namespace

Awaitable<ProviderTestResult> GatewayHandler::testProvider(const ProviderConfig& provider, std::string upstreamModel, std::size_t workerIndex)
{
    IncomingRequest request;
    request.message.method(http::verb::post);
    request.message.target("/admin/test-connection");
    request.message.body() = R"({"model":)" + jsonString(upstreamModel)
        + R"(,"messages":[{"role":"user","content":"Reply with the word OK."}],"max_tokens":5})";
    request.receivedAt = Clock::now();
    request.receivedAtWallClock = std::chrono::system_clock::now();
    request.workerIndex = workerIndex;

    CollectingChannel channel;
    RequestContext context(request, m_snapshots.current(), newRequestId());
    const Deployment deployment{&provider, upstreamModel, 1};
    {
        const InFlightCall call(*this, context, channel);
        context.record.startedAt = request.receivedAtWallClock;
        context.record.endpoint = "/admin/test-connection";
        context.deployment = &deployment;
        context.record.provider = provider.name;
        context.record.deployment = upstreamModel;
        context.record.model = upstreamModel;
        auto parsed = parseChatRequest(request.message.body());
        context.chat = std::get<ChatRequestFields>(parsed);
        co_await adapterFor(IngressApi::ChatCompletions, provider.kind).answer(context, channel, *m_pools[workerIndex]);
        context.completed = true;
    }
    ProviderTestResult result;
    result.status = channel.status;
    result.ok = channel.status == 200;
    result.model = upstreamModel;
    result.message = probeMessage(channel.body);
    result.latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - request.receivedAt);
    co_return result;
}

Awaitable<std::string> GatewayHandler::runAdminCall(std::string body, CallRecord& call, std::size_t workerIndex)
{
    IncomingRequest request;
    request.message.method(http::verb::post);
    request.message.target(call.endpoint);
    request.message.body() = std::move(body);
    if (!call.tags.empty())
        request.message.set("x-gatehouse-metadata", call.tags);
    request.receivedAt = Clock::now();
    request.receivedAtWallClock = std::chrono::system_clock::now();
    request.workerIndex = workerIndex;

    static const Caller admin; // no key, no tenant, every model: the admin API's own call
    CollectingChannel channel;
    RequestContext context(request, m_snapshots.current(), newRequestId());
    CallRecord recorded;
    {
        const InFlightCall inFlight(*this, context, channel);
        context.caller = &admin;
        context.record.startedAt = request.receivedAtWallClock;
        context.record.endpoint = call.endpoint.substr(0, 128);
        context.record.prompt = call.prompt;
        context.record.promptVersion = call.promptVersion;
        context.record.promptLabel = call.promptLabel;
        if (runStages({&m_parseChat, &m_resolveRoute}, context) == StageStatus::Continue)
            co_await callAdmitted(context, channel);
        else
            co_await sendError(context, channel, *context.error);
        context.completed = true;
        recorded = context.record; // before the record goes to the writer, which finishRecord completes
    }
    recorded.requestId = context.requestId;
    recorded.latency = micros(Clock::now() - request.receivedAt);
    call = std::move(recorded);
    co_return std::move(channel.body);
}

void GatewayHandler::finishRecord(RequestContext& context, const ResponseChannel& channel)
{
    auto& record = context.record;
    const auto now = Clock::now();
    record.requestId = context.requestId;
    record.latency = micros(now - context.request.receivedAt);
    if (const auto firstByte = channel.firstByteAt())
        record.timeToFirstByte = micros(*firstByte - context.request.receivedAt);
    if (context.deployment)
        record.gatewayOverhead = micros(now - context.request.receivedAt - context.upstreamTime);
    m_log->debug("{} finished: status {} in {} us", context.requestId, record.status, record.latency.count());
    m_records.submit(std::move(record));
}

void GatewayHandler::recordRejected(const IncomingRequest& request, int status, const std::string& code)
{
    CallRecord record;
    record.startedAt = request.receivedAtWallClock;
    record.requestId = newRequestId();
    record.endpoint = std::string(pathOf(request.message).substr(0, 128));
    noteClient(request, record);
    record.status = status;
    record.errorCode = code;
    record.latency = micros(Clock::now() - request.receivedAt);
    m_records.submit(std::move(record));
}

int GatewayHandler::waitUntilIdle(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_idleMutex);
    m_idle.wait_for(lock, timeout, [&] { return m_inFlight.load() == 0; });
    return m_inFlight.load();
}

} // namespace gatehouse
