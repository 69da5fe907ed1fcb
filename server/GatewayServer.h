// The whole gateway in one object, shared by `gatehouse serve` and the console: store, keys,
// snapshot, call-record writer, worker threads and listeners. Start, run, drain, stop.
#pragma once

#include "admin/AdminApi.h"
#include "admin/AdminGateway.h"
#include "calls/CallRecordWriter.h"
#include "config/GatewayConfig.h"
#include "gateway/GatewayHandler.h"
#include "gateway/MetricsEndpoint.h"
#include "gateway/ProviderCatalog.h"
#include "gateway/SnapshotStore.h"
#include "gateway/TrafficControl.h"
#include "http/HttpListener.h"
#include "http/WorkerPool.h"
#include "metrics/CallMetrics.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"
#include "store/PolicyStore.h"
#include "store/PriceStore.h"
#include "store/FeedbackStore.h"
#include "store/PromptStore.h"
#include "store/ProviderStore.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <condition_variable>

namespace gatehouse {

class GatewayServer final : private AdminGateway {
public:
    // Opens the store in `dataDirectory` and syncs the keys the config declares. Throws
    // StoreError or ConfigError with a message that names the problem.
    GatewayServer(GatewayConfig config, std::string dataDirectory);
    ~GatewayServer();

    // Binds the listeners (throws std::runtime_error naming the address) and starts serving.
    void start();
    // Stops accepting, lets in-flight requests finish (up to the drain timeout), stops the workers
    // and writes every call record. Idempotent.
    void stop();

    HostPort dataPlaneAddress() const;
    std::optional<HostPort> adminAddress() const;
    std::string databasePath() const;
    // The configuration file as read at start. The data plane serves more: the providers and
    // models added through the admin API too (servingConfig()).
    const GatewayConfig& config() const { return m_config; }
    // What the data plane serves now: the config file's providers and models and the store's
    // (docs/providers.md). Its providers carry resolved credentials: never show `apiKey`.
    std::shared_ptr<const GatewayConfig> servingConfig() const;
    // How many new snapshots the gateway has taken since it started (SnapshotStore::replacements).
    uint64_t snapshotReplacements() const { return m_snapshots->replacements(); }

    // Creates a key (shown to the caller once, stored hashed) and makes it valid at once. `source`:
    // kLocalKeySource for a key the gateway or the console makes for its own use (not exported).
    std::string createKey(const std::string& name, const std::string& tenant = "default", const std::string& source = "generated");
    // The first-run developer key: created only when the store holds no active key at all.
    std::optional<std::string> createDeveloperKeyIfNone();

    // "Test connection": one real chat call to the named provider (its first deployed model, or
    // `upstreamModel` when given), recorded like any call, with the provider as the data plane
    // serves it now (the config file's or the store's). `done` runs on a worker thread; its message
    // never holds the provider's secret. A provider whose credential cannot be resolved answers 503
    // without a call. Throws std::invalid_argument for an unknown provider or one no model uses and
    // no model given, std::runtime_error when the gateway is not running.
    void testProvider(const std::string& provider, std::function<void(ProviderTestResult)> done, std::string upstreamModel = {});

    // An admin change was committed to the store by this process: the data plane takes it at once
    // (a new snapshot; requests in flight keep theirs). Other processes' changes are noticed by
    // the watcher within a second.
    void governanceChanged();

    // The admin API without HTTP, on this gateway's data directory: what the admin listener serves,
    // and what the console's in-process AdminClient calls. Changes take effect on the data plane
    // before respond() returns.
    AdminService& adminService() { return *m_adminService; }

    CallRecordWriter& callRecords() { return *m_records; }
    // What GET /metrics reports per tenant, model and deployment (docs/metrics.md); counted only
    // when metrics.enabled.
    const CallMetrics& callMetrics() const { return *m_callMetrics; }
    // Circuit breakers, latency, rate limits, budgets and the response cache (docs/traffic-policy.md).
    TrafficControl& traffic() { return *m_traffic; }
    // Waits until no request is in flight (at most `timeout`) and every finished call's record is
    // written. A client has its answer slightly before its call is recorded; this closes that gap.
    void settle(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    int inFlight() const { return m_handler ? m_handler->inFlight() : 0; }

private:
    // AdminGateway: what the admin API asks of this gateway.
    const GatewayConfig* configFile() const override { return &m_config; }
    void runProviderTest(const std::string& provider, const std::string& upstreamModel,
        std::function<void(ProviderTestResult)> done) override
    {
        testProvider(provider, std::move(done), upstreamModel);
    }
    void runChatCall(std::string body, CallRecord call, std::function<void(CallRecord, std::string)> done) override;
    // A new snapshot unless the store's watcher took this change already (it polls every second):
    // one committed change, one snapshot.
    void adminChangeCommitted() override;
    Json trafficReport(TrafficView view) const override;

    GatewayGauges metricsGauges() const; // what /metrics reads at each scrape besides the call metrics
    void announceMetrics() const;        // logs where /metrics is and how it is guarded

    void rebuildSnapshot();
    bool storeChangedSinceSnapshot(); // any generation differs from the snapshot's; under m_storeMutex
    void mergeStoredPolicy(PolicySettings& policy); // the store's limits and budgets, in rebuildSnapshot
    void mergeStoredPrices(std::vector<PriceEntry>& prices); // the store's prices, likewise
    // Logs the store's entries that are not served or cannot be called, when that changes.
    void reportServingProblems(const MergedConfig& merged);
    void watchKeyChanges(); // runs on m_keyWatcher

    Awaitable<void> handleAdmin(IncomingRequest& request, ResponseChannel& channel);

    GatewayConfig m_config;
    std::string m_dataDirectory;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<KeyStore> m_keyStore;
    std::unique_ptr<GovernanceStore> m_governance;
    std::unique_ptr<ProviderStore> m_providerStore;
    std::unique_ptr<PolicyStore> m_policyStore;
    std::unique_ptr<PriceStore> m_priceStore;
    std::unique_ptr<PromptStore> m_promptStore;
    std::unique_ptr<FeedbackStore> m_feedback; // the data plane's: its own connection
    std::mutex m_storeMutex; // the main connection is used from the caller's thread(s) only
    std::unique_ptr<TrafficControl> m_traffic; // before the snapshots: they hold its breakers
    std::unique_ptr<SnapshotStore> m_snapshots;
    std::unique_ptr<CallMetrics> m_callMetrics; // before the writer: its thread feeds them until it stops
    std::unique_ptr<CallFeed> m_callFeed;       // the same: the admin API's live streams of calls
    std::unique_ptr<CallRecordWriter> m_records;

    // Destroyed before the handler and the writer: pending coroutines on the workers refer to them.
    std::vector<std::unique_ptr<UpstreamPool>> m_pools;
    std::unique_ptr<GatewayHandler> m_handler;
    std::unique_ptr<MetricsEndpoint> m_metricsEndpoint; // null unless metrics.enabled
    std::unique_ptr<WorkerPool> m_workers;
    std::unique_ptr<HttpListener> m_dataPlane;
    std::unique_ptr<HttpListener> m_admin;
    std::unique_ptr<AdminService> m_adminService;
    std::unique_ptr<AdminApi> m_adminApi;
    bool m_started = false;
    bool m_stopped = false;

    // Notices keys added by another process (`gatehouse key create`) within a second.
    std::thread m_keyWatcher;
    std::mutex m_watchMutex;
    std::condition_variable m_watchWake;
    bool m_watchStop = false;
    int64_t m_keysGeneration = 0;
    int64_t m_governanceGeneration = 0;
    int64_t m_providersGeneration = 0;
    int64_t m_policyGeneration = 0;
    int64_t m_promptsGeneration = 0;
    std::string m_servingProblems; // as last logged
};

} // namespace gatehouse
