// The data plane: routes each request to its endpoint, runs the stages, calls the provider,
// and hands the finished call record to the writer.
#pragma once

#include "calls/CallRecordWriter.h"
#include "gateway/AnswerCache.h"
#include "gateway/CallAdmission.h"
#include "gateway/PromptStage.h"
#include "store/FeedbackStore.h"
#include "gateway/ProviderProbe.h"
#include "gateway/RequestStages.h"
#include "gateway/SnapshotStore.h"
#include "gateway/TrafficControl.h"
#include "logging/Logging.h"
#include "providers/MockProvider.h"
#include "providers/PassThroughProvider.h"
#include "providers/TranslatingProvider.h"
#include "upstream/UpstreamPool.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace gatehouse {

class GatewayHandler {
public:
    // `pools` holds one upstream pool per worker thread, indexed like the workers.
    GatewayHandler(SnapshotStore& snapshots, CallRecordWriter& records, std::vector<std::unique_ptr<UpstreamPool>>& pools,
        TrafficControl& traffic, FeedbackStore& feedback);

    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel);

    // One real chat call to `provider` asking `upstreamModel` for a few tokens (see ProviderProbe.h).
    Awaitable<ProviderTestResult> testProvider(const ProviderConfig& provider, std::string upstreamModel, std::size_t workerIndex);

    // A chat completion request of the admin API's own (a prompt version's test run; `body`, not
    // streamed): the pipeline after authentication, as a call of no key and no tenant, with the
    // answer kept instead of sent. `call` gives the record's endpoint, prompt fields and tags (sent
    // as the request's x-gatehouse-metadata); it comes back as the call was recorded. Returns the
    // answer's body.
    Awaitable<std::string> runAdminCall(std::string body, CallRecord& call, std::size_t workerIndex);

    // Records a request the HTTP layer refused before it reached the handler (body too large, ...).
    void recordRejected(const IncomingRequest& request, int status, const std::string& code);

    int inFlight() const { return m_inFlight.load(); }
    // Blocks until no request is in flight or `timeout` passes; returns how many are still running.
    int waitUntilIdle(std::chrono::milliseconds timeout);

private:
    // Counts a call in flight for its whole life and writes its record when it ends, however it ends.
    class InFlightCall {
    public:
        InFlightCall(GatewayHandler& handler, RequestContext& context, const ResponseChannel& channel);
        ~InFlightCall();
        InFlightCall(const InFlightCall&) = delete;
        InFlightCall& operator=(const InFlightCall&) = delete;

    private:
        GatewayHandler& m_handler;
        RequestContext& m_context;
        const ResponseChannel& m_channel;
    };

    // What a data-plane path does.
    enum class Action { CallProvider, ListModels, PostFeedback };
    // A data-plane path: its method and the API (request and answer shapes) it speaks.
    struct Endpoint {
        std::string_view path;
        http::verb method;
        IngressApi api;
        Action action;
    };
    // The endpoint of `path`; a managed prompt's path also gives the prompt's name.
    static const Endpoint* findEndpoint(std::string_view path, std::string_view& promptName);
    // GET /healthz: {"status":"ok"}; with ?detail=true also every deployment's circuit state.
    std::string healthBody(bool detail) const;

    Awaitable<void> callProvider(RequestContext& context, ResponseChannel& channel);
    // Once the stages let a call through: limits and budgets, the cache, the attempts, the cost.
    Awaitable<void> callAdmitted(RequestContext& context, ResponseChannel& channel);
    // What the call cost, what the cache did, how many attempts: into the record, and the rate
    // limits and budgets settled with it.
    void settleCall(RequestContext& context) const;
    Awaitable<void> listModels(RequestContext& context, ResponseChannel& channel);
    Awaitable<void> postFeedback(RequestContext& context, ResponseChannel& channel);
    void finishRecord(RequestContext& context, const ResponseChannel& channel);
    const ProviderAdapter& adapterFor(IngressApi api, ProviderKind kind) const;

    SnapshotStore& m_snapshots;
    CallRecordWriter& m_records;
    std::vector<std::unique_ptr<UpstreamPool>>& m_pools;

    AuthenticateStage m_authenticate;
    ParseChatRequestStage m_parseChat;
    ResolveRouteStage m_resolveRoute;
    AuthorizeAccessStage m_authorizeAccess;
    RenderPromptStage m_renderPrompt;
    TrafficControl& m_traffic;
    FeedbackStore& m_feedback;
    asio::thread_pool m_feedbackThread{1}; // FeedbackStore's inserts, off the workers
    CallAdmission m_admission;
    AnswerCache m_cache;
    MockProvider m_mockProvider;
    PassThroughProvider m_passThroughProvider;
    TranslatingProvider m_translatingProvider;

    std::shared_ptr<spdlog::logger> m_log;
    std::atomic<int> m_inFlight{0};
    std::mutex m_idleMutex;
    std::condition_variable m_idle;
};

} // namespace gatehouse
