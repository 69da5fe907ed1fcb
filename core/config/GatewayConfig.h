// The gateway's configuration as plain data: what the YAML file declares, after validation.
#pragma once

#include "policy/BudgetLedger.h"
#include "policy/CircuitBreaker.h"
#include "policy/DeploymentPicker.h"
#include "policy/RateLimiter.h"
#include "policy/RetryPolicy.h"
#include "config/RetentionSettings.h"
#include "pricing/PriceEntry.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

struct HostPort {
    std::string host;  // "127.0.0.1", "::1", "localhost"
    uint16_t port = 0; // 0 = any free port
    std::string toString() const;
};

struct UpstreamUrl {
    bool tls = false;
    std::string host;
    uint16_t port = 0;
    std::string basePath; // without trailing slash, e.g. "/v1"
    std::string toString() const;
};

enum class ProviderKind { Mock, OpenAi, OpenAiCompatible, AzureOpenAi, Anthropic, Gemini };

// The facts about each provider kind the config needs: its name in YAML and its defaults.
struct ProviderKindInfo {
    ProviderKind kind;
    const char* name;           // "openai-compatible"
    const char* defaultBaseUrl; // "" = base_url is required
    const char* defaultApiVersion; // azure-openai: api-version; anthropic: anthropic-version; "" = none
};
const ProviderKindInfo& providerKindInfo(ProviderKind kind);
const ProviderKindInfo* findProviderKind(const std::string& name);
std::string providerKindNames(); // "mock, openai, ..." for error messages

struct MockProviderSettings {
    std::chrono::milliseconds latency{0};
    int streamChunks = 8;
    std::chrono::milliseconds chunkInterval{0};
};

// What sets one OpenAI-compatible server apart from another, as data rather than code branches.
struct OpenAiQuirks {
    // Ask for usage in streams (stream_options.include_usage). Servers that refuse the field
    // (some older vLLM and LM Studio builds) set it false; their stream usage is then estimated.
    bool streamUsage = true;
};

// Where a provider or model is defined: in the configuration file (read-only through the admin API)
// or in the store (added and edited through the admin API; docs/providers.md).
enum class DefinedIn { ConfigFile, Store };

struct ProviderConfig {
    std::string name;
    ProviderKind kind = ProviderKind::Mock;
    // Every kind but mock: where the provider's API is (each kind has a default, see docs/config.md).
    UpstreamUrl baseUrl;
    std::string apiKey;      // resolved secret; never logged, never exported
    std::string apiKeyReference; // how it was given ("env:NAME", or "stored"), safe to show
    std::string caFile;      // extra CA bundle for https upstreams ("" = system store)
    std::chrono::milliseconds connectTimeout{5000};
    std::chrono::milliseconds readTimeout{120000};
    int maxIdleConnections = 64; // per worker thread
    // azure-openai: the api-version query parameter; anthropic: the anthropic-version header.
    std::string apiVersion;
    // anthropic: max_tokens is required there; sent when an OpenAI client gave none.
    int defaultMaxTokens = 4096;
    OpenAiQuirks quirks; // openai, openai-compatible, azure-openai
    // mock only
    MockProviderSettings mock;

    DefinedIn definedIn = DefinedIn::ConfigFile;
    // Why calls to this provider fail before anything is sent, e.g. "environment variable
    // OPENAI_API_KEY is not set" for a stored provider; "" = usable. Never contains a secret.
    std::string unavailable;
};

struct DeploymentConfig {
    std::string provider;      // ProviderConfig::name
    std::string upstreamModel; // the model name sent upstream
    int weight = 1;
    int priority = 0; // lower first: later priority groups are fallbacks of earlier ones
    // What a call to it costs (docs/pricing.md): overrides the price table's entry for its model.
    // Used for the call's cost, budgets (the worst case before the call) and the lowest-cost strategy.
    std::optional<TokenPrice> price;
    // The upstream's own quota (docs/traffic-policy.md): an attempt that would exceed it skips the
    // deployment. Shared by every model that routes to the same provider and upstream model.
    RateLimits limits;
};

// How a public model spreads, retries and caches its traffic (docs/traffic-policy.md).
struct ModelConfig {
    std::string name; // the public model name clients use
    std::vector<DeploymentConfig> deployments;
    DefinedIn definedIn = DefinedIn::ConfigFile;

    RoutingStrategy strategy = RoutingStrategy::WeightedRandom;
    // Rules and the canary name deployments by deploymentId(provider, upstream model).
    std::vector<RoutingRule> rules;
    std::optional<CanarySplit> canary;
    // Models tried, in order, when every deployment of this one failed (LiteLLM's "fallbacks").
    std::vector<std::string> fallbacks;
    // Models tried, in order, when the prompt does not fit this one's context window.
    std::vector<std::string> contextWindowFallbacks;
    // How long answers stay in the response cache; unset: policy.cache.default_ttl_s; 0: never cached.
    std::optional<std::chrono::seconds> cacheTtl;
    RateLimits limits; // for all callers of this model together
    // Keep the first bytes of each call's request and answer with its record (docs/analytics.md).
    bool capturePayloads = false;
};

// A rate limit or budget declared in the config file for a key (by its prefix), a consumer
// ("tenant/consumer"), a tenant (its name) or a model (docs/traffic-policy.md).
struct PolicySettings {
    RetrySettings retry;
    CircuitBreakerSettings circuitBreaker;
    std::size_t cacheMaxBytes = 64u << 20;
    std::chrono::seconds cacheDefaultTtl{0}; // 0: the cache is off for models that set no TTL
    // The completion tokens assumed for a request that gives no max_tokens, when its worst-case
    // cost is reserved against a budget and its tokens against a tokens-per-minute limit.
    int64_t assumedCompletionTokens = 4096;
    std::vector<ScopedLimits> limits;
    std::vector<BudgetDefinition> budgets;
};

struct KeyConfig {
    std::string name;
    std::string secret;          // resolved plaintext key; only hashed before it is stored
    std::string secretReference; // "env:NAME"
    std::string tenant = "default";
    std::vector<std::string> allowedModels; // empty = every model
};

struct ServerSettings {
    HostPort listen{"127.0.0.1", 8088};
    std::optional<HostPort> adminListen;
    int threads = 0; // 0 = one per core
    std::size_t maxBodyBytes = 4 * 1024 * 1024;
    std::size_t maxHeaderBytes = 16 * 1024;
    std::chrono::milliseconds readTimeout{30000};   // client must send a whole request in this time
    std::chrono::milliseconds idleTimeout{60000};   // keep-alive connections idle longer are closed
    std::chrono::milliseconds drainTimeout{30000};  // SIGTERM waits this long for in-flight requests
};

struct LogSettings {
    std::string level = "info"; // trace, debug, info, warn, error, off
    bool json = false;
};

struct StorageSettings {
    std::size_t writerQueueCapacity = 200000; // call records waiting for the writer
    std::size_t writerBatchSize = 2000;
    std::chrono::milliseconds writerFlushInterval{50}; // how long the writer gathers records before a commit
    RetentionSettings retention;
};

// What `capture.redact` holds when the config file does not set it: API keys and access tokens of
// the common shapes (OpenAI/Anthropic "sk-...", Gatehouse's keys and admin tokens, AWS access key
// ids, bearer tokens written into text, JWTs).
const std::vector<std::string>& defaultRedactionPatterns();

// Payload capture (docs/analytics.md "Payload capture"), for the models that turn it on.
struct CaptureSettings {
    std::size_t maxBytes = 32 * 1024; // of the request's body, and of the answer's
    // ECMAScript regular expressions; each match is replaced by [REDACTED] before anything is stored.
    std::vector<std::string> redact = defaultRedactionPatterns();
};

// GET /metrics on the data-plane listener (docs/metrics.md). Off unless enabled: it shows every
// tenant's traffic and spending, so it must never be exposed by accident.
struct MetricsSettings {
    bool enabled = false;
    std::string bearerToken;          // resolved secret; "" = no token asked (whoever reaches the listener may scrape)
    std::string bearerTokenReference; // "env:NAME", safe to show
    // (tenant, model, deployment) combinations with series of their own; calls beyond are folded
    // into one overflow set and counted, so /metrics stays bounded whatever the traffic.
    std::size_t maxLabelSets = 1000;
};

struct GatewayConfig {
    // Where it was read from: the file's path, or "built-in default config"; named in the admin
    // API's answers about the entries defined there.
    std::string source;
    ServerSettings server;
    LogSettings log;
    StorageSettings storage;
    CaptureSettings capture;
    MetricsSettings metrics;
    std::vector<ProviderConfig> providers;
    std::vector<ModelConfig> models;
    std::vector<KeyConfig> keys;
    PolicySettings policy;
    // The price table's entries (docs/pricing.md): the file's `prices:` section, then those set
    // through the admin API (the snapshot puts both over the shipped defaults).
    std::vector<PriceEntry> prices;

    const ProviderConfig* findProvider(const std::string& name) const;
    const ModelConfig* findModel(const std::string& name) const;
};

// The model's routing as DeploymentPicker takes it: strategy, rules, canary and one target per
// deployment (id deploymentId(provider, upstream model), weight, priority, prices), without
// breakers or latency statistics (the snapshot attaches those from its registries).
RoutePolicy routePolicyFor(const ModelConfig& model);

} // namespace gatehouse
