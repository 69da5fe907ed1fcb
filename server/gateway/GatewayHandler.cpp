#include "gateway/GatewayHandler.h"

#include "calls/RequestId.h"
#include "gateway/Responses.h"
#include "json/JsonString.h"
#include "logging/Logging.h"

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

} // namespace

GatewayHandler::GatewayHandler(SnapshotStore& snapshots, CallRecordWriter& records, std::vector<std::unique_ptr<UpstreamPool>>& pools)
    : m_snapshots(snapshots)
    , m_records(records)
    , m_pools(pools)
    , m_log(componentLogger("server"))
{
}

Awaitable<void> GatewayHandler::handle(IncomingRequest& request, ResponseChannel& channel)
{
    const auto path = pathOf(request.message);
    const auto method = request.message.method();
    if (path == "/healthz") {
        const ResponseHead head;
        co_await channel.send(head, R"({"status":"ok"})");
        co_return;
    }

    const auto* endpoint = findEndpoint(path);
    RequestContext context(request, m_snapshots.current(), newRequestId(), endpoint ? endpoint->api : IngressApi::ChatCompletions);
    const InFlightCall call(*this, context, channel);
    context.record.startedAt = request.receivedAtWallClock;
    context.record.endpoint = std::string(path.substr(0, 128));
    const auto methodName = request.message.method_string();
    m_log->debug("{} {} {} started", context.requestId, std::string_view(methodName.data(), methodName.size()), context.record.endpoint);

    if (!endpoint) {
        const auto error = ApiError::notFound("Unknown path: " + std::string(path.substr(0, 200))
            + ". Gatehouse serves /v1/chat/completions, /v1/messages, /v1/embeddings and /v1/models.");
        co_await sendError(context, channel, error);
    } else if (method != endpoint->method) {
        const auto allowed = std::string(http::to_string(endpoint->method));
        const auto error = ApiError::methodNotAllowed(std::string(methodName), std::string(path), allowed);
        const ResponseHeaders allow{{"Allow", allowed}};
        co_await sendError(context, channel, error, allow);
    } else if (endpoint->listsModels) {
        co_await listModels(context, channel);
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

const GatewayHandler::Endpoint* GatewayHandler::findEndpoint(std::string_view path)
{
    static const Endpoint endpoints[] = {
        {"/v1/chat/completions", http::verb::post, IngressApi::ChatCompletions, false},
        {"/v1/messages", http::verb::post, IngressApi::Messages, false},
        {"/v1/embeddings", http::verb::post, IngressApi::Embeddings, false},
        {"/v1/models", http::verb::get, IngressApi::ChatCompletions, true},
    };
    for (const auto& endpoint : endpoints) {
        if (endpoint.path == path)
            return &endpoint;
    }
    return nullptr;
}

Awaitable<void> GatewayHandler::callProvider(RequestContext& context, ResponseChannel& channel)
{
    if (runStages({&m_authenticate, &m_parseChat, &m_resolveRoute, &m_selectDeployment}, context) == StageStatus::Stop) {
        co_await sendError(context, channel, *context.error);
        co_return;
    }
    const auto& adapter = adapterFor(context.api, context.deployment->provider->kind);
    co_await adapter.answer(context, channel, *m_pools[context.request.workerIndex]);
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
    const auto head = responseHead(context, 200);
    co_await channel.send(head, body);
}

const ProviderAdapter& GatewayHandler::adapterFor(IngressApi api, ProviderKind kind) const
{
    if (kind == ProviderKind::Mock)
        return m_mockProvider;
    if (PassThroughProvider::canPassThrough(api, kind))
        return m_passThroughProvider;
    return m_translatingProvider;
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
