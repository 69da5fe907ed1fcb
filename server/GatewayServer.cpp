#include "GatewayServer.h"

#include "auth/ApiKey.h"
#include "logging/Logging.h"
#include "store/CallSpending.h"
#include "store/DataDirectory.h"

#include <algorithm>

namespace gatehouse {
namespace {

std::vector<KeyStore::DeclaredKey> declaredKeys(const GatewayConfig& config)
{
    std::vector<KeyStore::DeclaredKey> keys;
    for (const auto& key : config.keys)
        keys.push_back({key.name, key.secret, key.tenant, key.allowedModels});
    return keys;
}

bool isLoopback(const std::string& host)
{
    error_code ec;
    const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    return !ec && address.is_loopback();
}

} // namespace

GatewayServer::GatewayServer(GatewayConfig config, std::string dataDirectory)
    : m_config(std::move(config))
    , m_dataDirectory(std::move(dataDirectory))
{
    prepareDataDirectory(m_dataDirectory);
    m_database = std::make_unique<Database>(databasePath());
    m_keyStore = std::make_unique<KeyStore>(*m_database);
    m_keyStore->ensureTenant("default");
    m_keyStore->syncDeclaredKeys(declaredKeys(m_config));
    m_governance = std::make_unique<GovernanceStore>(*m_database);
    m_providerStore = std::make_unique<ProviderStore>(*m_database);
    m_policyStore = std::make_unique<PolicyStore>(*m_database);
    m_priceStore = std::make_unique<PriceStore>(*m_database);
    m_promptStore = std::make_unique<PromptStore>(*m_database);
    // Budgets start from what the recorded calls of their period cost (read on this connection,
    // under m_storeMutex like every other use of it: setBudgets runs in rebuildSnapshot only).
    m_traffic = std::make_unique<TrafficControl>(
        m_config.policy,
        [this](const BudgetDefinition& budget, const BudgetWindow& window) { return recordedSpendMicros(*m_database, budget.scope, window); },
        [](const BudgetAlert& alert) { componentLogger("policy")->warn("{}", alert.message()); });
    m_snapshots = std::make_unique<SnapshotStore>(std::make_shared<const GatewaySnapshot>(m_config, std::vector<StoredKey>{}));
    rebuildSnapshot();
    m_records = std::make_unique<CallRecordWriter>(databasePath(), m_config.storage.writerQueueCapacity,
        m_config.storage.writerBatchSize, m_config.storage.writerFlushInterval,
        CallRecordWriter::Upkeep{m_config.storage.retention, m_config.capture.redact});
    m_feedback = std::make_unique<FeedbackStore>(databasePath());
    m_callMetrics = std::make_unique<CallMetrics>(m_config.metrics.maxLabelSets);
    if (m_config.metrics.enabled) {
        // Counted on the writer's thread as each batch is written, so the request path pays nothing.
        m_records->subscribe([this](const std::vector<CallRecord>& batch) {
            const auto snapshot = m_snapshots->current(); // once per batch
            m_callMetrics->record(batch, [&](const std::string& model) { return snapshot->route(model) != nullptr; });
        });
    }
    // The admin API's live streams of calls: a batch is formatted only when a stream is open.
    m_callFeed = std::make_unique<CallFeed>();
    m_records->subscribe([feed = m_callFeed.get()](const std::vector<CallRecord>& batch) { feed->publish(batch); });
    m_adminService = std::make_unique<AdminService>(databasePath(), static_cast<AdminGateway*>(this));
}

GatewayServer::~GatewayServer()
{
    stop();
}

std::string GatewayServer::databasePath() const
{
    return m_dataDirectory + "/" + Database::defaultFileName();
}

void GatewayServer::watchKeyChanges()
{
    std::unique_lock lock(m_watchMutex);
    while (!m_watchWake.wait_for(lock, std::chrono::seconds(1), [&] { return m_watchStop; })) {
        try {
            std::lock_guard storeLock(m_storeMutex);
            if (const auto generation = m_keyStore->generation(); generation != m_keysGeneration) {
                rebuildSnapshot();
                componentLogger("server")->info("API keys changed in the store: now {} active key(s)", m_keyStore->activeKeyCount());
            } else if (m_governance->generation() != m_governanceGeneration) {
                // Changed by another process on the same data directory (e.g. the CLI).
                rebuildSnapshot();
                componentLogger("server")->info("access rules changed in the store: new snapshot");
            } else if (m_providerStore->generation() != m_providersGeneration) {
                rebuildSnapshot();
                componentLogger("server")->info("providers or models changed in the store: new snapshot");
            } else if (m_policyStore->generation() != m_policyGeneration) {
                rebuildSnapshot();
                componentLogger("server")->info("rate limits or budgets changed in the store: new snapshot");
            } else if (m_promptStore->generation() != m_promptsGeneration) {
                rebuildSnapshot();
                componentLogger("server")->info("prompts changed in the store: new snapshot");
            }
        } catch (const std::exception& error) {
            // Logged and tried again at the next poll: the thread must outlive a bad row.
            componentLogger("server")->warn("cannot check the store for changes or build a new snapshot: {}", error.what());
        }
    }
}

bool GatewayServer::storeChangedSinceSnapshot()
{
    return m_keyStore->generation() != m_keysGeneration || m_governance->generation() != m_governanceGeneration
        || m_providerStore->generation() != m_providersGeneration || m_policyStore->generation() != m_policyGeneration
        || m_promptStore->generation() != m_promptsGeneration;
}

void GatewayServer::adminChangeCommitted()
{
    std::lock_guard lock(m_storeMutex);
    if (storeChangedSinceSnapshot())
        rebuildSnapshot();
}

void GatewayServer::governanceChanged()
{
    std::lock_guard lock(m_storeMutex);
    rebuildSnapshot();
}

// The snapshot serves the config file's providers and models plus the store's (resolving env
// references now, in this process's environment); requests in flight keep the one they started with.
// The store's rate limits and budgets after the file's; on a clash the file's win (the admin API
// refuses clashes, so only a file changed since makes one).
void GatewayServer::mergeStoredPolicy(PolicySettings& policy)
{
    for (auto& stored : m_policyStore->listLimits()) {
        const auto clash = std::any_of(policy.limits.begin(), policy.limits.end(),
            [&](const ScopedLimits& limit) { return limit.scope == stored.limit.scope; });
        if (!clash)
            policy.limits.push_back(std::move(stored.limit));
    }
    for (auto& stored : m_policyStore->listBudgets()) {
        const auto& budget = stored.budget;
        const auto clash = std::any_of(policy.budgets.begin(), policy.budgets.end(),
            [&](const BudgetDefinition& other) { return other.scope == budget.scope && other.period == budget.period; });
        if (!clash)
            policy.budgets.push_back(std::move(stored.budget));
    }
}

// The store's prices after the file's; the file's entry wins on a clash (same provider, model and
// day), as with limits.
void GatewayServer::mergeStoredPrices(std::vector<PriceEntry>& prices)
{
    const auto fileEntries = prices.size();
    for (auto& stored : m_priceStore->list()) {
        const auto clash = std::any_of(prices.begin(), prices.begin() + static_cast<std::ptrdiff_t>(fileEntries),
            [&](const PriceEntry& entry) { return entry.sameSlot(stored.entry); });
        if (!clash)
            prices.push_back(std::move(stored.entry));
    }
}

void GatewayServer::rebuildSnapshot()
{
    // Read before building (a change made meanwhile bumps them again: the next poll picks it up),
    // kept only once the snapshot is in place, so a build that fails is tried again.
    const auto keysGeneration = m_keyStore->generation();
    const auto governanceGeneration = m_governance->generation();
    const auto providersGeneration = m_providerStore->generation();
    const auto policyGeneration = m_policyStore->generation();
    const auto promptsGeneration = m_promptStore->generation();
    auto merged = mergeConfig(m_config, m_providerStore->catalog(), processEnvironment());
    mergeStoredPolicy(merged.config.policy);
    mergeStoredPrices(merged.config.prices);
    reportServingProblems(merged);
    AccessPolicy access(m_governance->listModelAccess(), m_governance->latestAccessRequests());
    auto snapshot = std::make_shared<const GatewaySnapshot>(
        std::move(merged.config), m_keyStore->activeKeys(), std::move(access), m_traffic->health(),
        m_promptStore->list([](const std::string& problem) { componentLogger("server")->error("{}: the prompt is not served", problem); }));
    m_snapshots->replace(snapshot);
    m_keysGeneration = keysGeneration;
    m_governanceGeneration = governanceGeneration;
    m_providersGeneration = providersGeneration;
    m_policyGeneration = policyGeneration;
    m_promptsGeneration = promptsGeneration;
    for (const auto& budget : m_traffic->applySnapshot(*snapshot))
        componentLogger("policy")->error("the spending of the {} cannot be read from the call records: it refuses requests until it can",
            budget.describe());
}

void GatewayServer::reportServingProblems(const MergedConfig& merged)
{
    std::vector<std::string> problems;
    for (const auto& provider : merged.leftOutProviders)
        problems.push_back("provider '" + provider.name + "' in the store is not served: " + provider.reason);
    for (const auto& model : merged.leftOutModels)
        problems.push_back("model '" + model.name + "' in the store is not served: " + model.reason);
    for (const auto& provider : merged.config.providers) {
        if (!provider.unavailable.empty())
            problems.push_back("provider '" + provider.name + "' cannot be called: " + provider.unavailable);
    }
    std::string all;
    for (const auto& problem : problems)
        all += problem + "\n";
    if (all == m_servingProblems)
        return;
    m_servingProblems = all;
    for (const auto& problem : problems)
        componentLogger("server")->warn("{}", problem);
}

GatewayGauges GatewayServer::metricsGauges() const
{
    GatewayGauges gauges;
    gauges.requestsInFlight = inFlight();
    gauges.callRecords = m_records->counters();
    gauges.callRecordQueueCapacity = m_config.storage.writerQueueCapacity;
    gauges.circuits = m_traffic->breakers().snapshots();
    return gauges;
}

void GatewayServer::announceMetrics() const
{
    auto log = componentLogger("server");
    const auto address = dataPlaneAddress();
    if (!m_config.metrics.bearerToken.empty()) {
        log->info("metrics: GET /metrics on {} with the bearer token from {}", address.toString(), m_config.metrics.bearerTokenReference);
    } else if (isLoopback(address.host)) {
        log->info("metrics: GET /metrics on {}, no token (loopback only)", address.toString());
    } else {
        log->warn("metrics: GET /metrics on {} needs no token: anyone who reaches this address reads every tenant's traffic and "
                  "spending. Set metrics.bearer_token, or keep the listener on a private network.",
            address.toString());
    }
}

Json GatewayServer::trafficReport(TrafficView view) const
{
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return gatehouse::trafficReport(view, *m_traffic, *m_snapshots->current(), now);
}

std::shared_ptr<const GatewayConfig> GatewayServer::servingConfig() const
{
    const auto snapshot = m_snapshots->current();
    return {snapshot, &snapshot->config()}; // shares the snapshot's lifetime
}

std::string GatewayServer::createKey(const std::string& name, const std::string& tenant, const std::string& source)
{
    std::lock_guard lock(m_storeMutex);
    auto key = generateApiKey();
    m_keyStore->addKey(name, key, tenant, {}, source);
    rebuildSnapshot();
    return key;
}

std::optional<std::string> GatewayServer::createDeveloperKeyIfNone()
{
    {
        std::lock_guard lock(m_storeMutex);
        if (m_keyStore->activeKeyCount() > 0)
            return std::nullopt;
    }
    return createKey("developer", "default", kLocalKeySource);
}

void GatewayServer::start()
{
    if (m_started)
        return;
    const auto& server = m_config.server;
    if (server.adminListen && !isLoopback(server.adminListen->host))
        throw std::runtime_error("admin_listen " + server.adminListen->toString()
            + ": the admin API speaks plain HTTP, so its tokens would cross the network in clear text; it only listens on "
              "loopback addresses (127.0.0.1, ::1). Reach it from elsewhere through a TLS proxy or an SSH tunnel.");

    m_workers = std::make_unique<WorkerPool>(server.threads);
    for (std::size_t i = 0; i < m_workers->size(); ++i)
        m_pools.push_back(std::make_unique<UpstreamPool>(m_workers->context(i).get_executor()));
    m_handler = std::make_unique<GatewayHandler>(*m_snapshots, *m_records, m_pools, *m_traffic, *m_feedback);
    if (m_config.metrics.enabled)
        m_metricsEndpoint = std::make_unique<MetricsEndpoint>(m_config.metrics, *m_callMetrics, [this] { return metricsGauges(); });

    auto dataState = std::make_shared<SessionSharedState>();
    dataState->limits = {server.maxHeaderBytes, server.maxBodyBytes, server.readTimeout, server.idleTimeout};
    // GET /metrics is the operator's, not a call: answered before the data plane's handler, which
    // would authenticate and record it.
    dataState->handler = [handler = m_handler.get(), metrics = m_metricsEndpoint.get()](IncomingRequest& request, ResponseChannel& channel) {
        if (metrics && MetricsEndpoint::serves(request))
            return metrics->handle(request, channel);
        return handler->handle(request, channel);
    };
    dataState->onRejected = [handler = m_handler.get()](const IncomingRequest& request, int status, const std::string& code) {
        handler->recordRejected(request, status, code);
    };
    m_dataPlane = std::make_unique<HttpListener>(*m_workers, server.listen, dataState, "data plane");

    if (server.adminListen) {
        auto adminState = std::make_shared<SessionSharedState>();
        adminState->limits = dataState->limits;
        adminState->handler = [this](IncomingRequest& request, ResponseChannel& channel) { return handleAdmin(request, channel); };
        m_adminApi = std::make_unique<AdminApi>(*m_adminService, m_callFeed.get());
        m_admin = std::make_unique<HttpListener>(*m_workers, *server.adminListen, adminState, "admin API");
    }

    m_dataPlane->start();
    if (m_admin)
        m_admin->start();
    if (m_metricsEndpoint)
        announceMetrics();
    m_workers->start();
    m_keyWatcher = std::thread([this] { watchKeyChanges(); });
    m_started = true;
}

void GatewayServer::stop()
{
    if (!m_started || m_stopped)
        return;
    m_stopped = true;
    {
        std::lock_guard lock(m_watchMutex);
        m_watchStop = true;
    }
    m_watchWake.notify_all();
    m_keyWatcher.join();
    auto log = componentLogger("server");
    m_dataPlane->state().draining = true;
    m_dataPlane->stopAccepting();
    if (m_admin)
        m_admin->stopAccepting();
    // Open streams of calls end now, cleanly (their last chunk sent), while the workers still run.
    m_callFeed->close();
    if (!m_callFeed->waitUntilEnded(std::chrono::seconds(2)))
        log->warn("a live stream of calls did not end within 2 s: it is cut off");
    const int inFlight = m_handler->inFlight();
    if (inFlight > 0)
        log->info("draining: waiting for {} in-flight request(s), at most {} ms", inFlight, m_config.server.drainTimeout.count());
    if (const int left = m_handler->waitUntilIdle(m_config.server.drainTimeout); left > 0)
        log->warn("drain timeout: {} request(s) still running are cut off (recorded as 503 shutdown_cut_off)", left);
    m_workers->stop();
    if (m_metricsEndpoint)
        m_metricsEndpoint->stop(); // before the workers go: a page being written is handed back to one
    for (auto& pool : m_pools)
        pool->clear();
    m_dataPlane.reset();
    m_admin.reset();
    m_workers.reset(); // destroys what was still pending on the workers
    m_records->stop();
    const auto counters = m_records->counters();
    log->info("stopped: {} call record(s) written, {} dropped", counters.written, counters.dropped);
}

void GatewayServer::testProvider(const std::string& name, std::function<void(ProviderTestResult)> done, std::string upstreamModel)
{
    // The provider as the data plane serves it now; the snapshot stays alive until the test ends.
    auto snapshot = m_snapshots->current();
    const auto* provider = snapshot->config().findProvider(name);
    if (!provider)
        throw std::invalid_argument("No provider named '" + name + "'.");
    for (const auto& model : snapshot->config().models) {
        for (const auto& deployment : model.deployments) {
            if (upstreamModel.empty() && deployment.provider == name)
                upstreamModel = deployment.upstreamModel;
        }
    }
    if (upstreamModel.empty())
        throw std::invalid_argument("No model is deployed on provider '" + name + "': name a model to test it with.");
    if (!m_started || m_stopped)
        throw std::runtime_error("The gateway is not running.");
    // On worker 0, whose upstream pool it may use like any request there.
    asio::co_spawn(m_workers->context(0),
        [this, snapshot, provider, upstreamModel, done = std::move(done)]() -> Awaitable<void> {
            ProviderTestResult result;
            if (!provider->unavailable.empty()) {
                result.status = 503;
                result.model = upstreamModel;
                result.message = "Provider '" + provider->name + "' cannot be called: " + provider->unavailable + ".";
            } else {
                result = co_await m_handler->testProvider(*provider, upstreamModel, 0);
            }
            // A provider may quote the credential it refused: it never leaves through a test's message.
            if (const auto& secret = provider->apiKey; !secret.empty()) {
                for (auto at = result.message.find(secret); at != std::string::npos; at = result.message.find(secret, at))
                    result.message.replace(at, secret.size(), "****");
            }
            done(std::move(result));
        },
        asio::detached);
}

void GatewayServer::runChatCall(std::string body, CallRecord call, std::function<void(CallRecord, std::string)> done)
{
    if (!m_started || m_stopped)
        throw std::runtime_error("The gateway is not running.");
    // On worker 0, like a provider test.
    asio::co_spawn(m_workers->context(0),
        [this, body = std::move(body), call = std::move(call), done = std::move(done)]() mutable -> Awaitable<void> {
            std::string answer;
            try {
                answer = co_await m_handler->runAdminCall(std::move(body), call, 0);
            } catch (const std::exception& error) {
                // Never leave the admin request waiting: the failure is its answer.
                call.status = 500;
                call.errorCode = "server_error";
                answer = ApiError{500, std::string("The test run failed inside the gateway: ") + error.what(), "server_error", {}, "server_error"}
                             .toJson();
            }
            done(std::move(call), std::move(answer));
        },
        asio::detached);
}

void GatewayServer::settle(std::chrono::milliseconds timeout)
{
    if (m_handler)
        m_handler->waitUntilIdle(timeout);
    m_records->flush();
}

HostPort GatewayServer::dataPlaneAddress() const
{
    return m_dataPlane ? m_dataPlane->boundAddress() : m_config.server.listen;
}

std::optional<HostPort> GatewayServer::adminAddress() const
{
    if (!m_admin)
        return std::nullopt;
    return m_admin->boundAddress();
}

Awaitable<void> GatewayServer::handleAdmin(IncomingRequest& request, ResponseChannel& channel)
{
    const auto target = request.message.target();
    ResponseHead head;
    if (target == "/healthz" || target == "/admin/v1/status") {
        if (request.message.method() != http::verb::get) {
            head.status = 405;
            head.headers.emplace_back("Allow", "GET");
            const auto body = ApiError::methodNotAllowed(std::string(request.message.method_string()), std::string(target), "GET").toJson();
            co_await channel.send(head, body);
            co_return;
        }
        const auto counters = m_records->counters();
        const std::string body = R"({"status":"ok","data_plane":")" + dataPlaneAddress().toString() + R"(","in_flight":)"
            + std::to_string(inFlight()) + R"(,"call_records":{"submitted":)" + std::to_string(counters.submitted)
            + R"(,"written":)" + std::to_string(counters.written) + R"(,"dropped":)" + std::to_string(counters.dropped)
            + R"(,"queue_depth":)" + std::to_string(counters.queueDepth) + "}}";
        co_await channel.send(head, body);
        co_return;
    }
    co_await m_adminApi->handle(request, channel);
}

} // namespace gatehouse
