// ConfigLoader: the YAML format, env-referenced secrets, and errors that name file, line and field.
#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "config/JsonSettingsNode.h"
#include "gatehouse/DefaultConfig.h"

#include <QtTest>

using namespace gatehouse;

namespace {

ConfigLoader loaderWith(std::map<std::string, std::string> variables)
{
    return ConfigLoader([variables](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end())
            return std::nullopt;
        return found->second;
    });
}

const char* kValidConfig = R"(
server:
  listen: 127.0.0.1:9001
  admin_listen: "[::1]:9002"
  threads: 3
  max_body_bytes: 2048
log:
  level: debug
  json: true
providers:
  - name: local
    kind: openai-compatible
    base_url: https://api.example.com:8443/v1/
    api_key: env:UPSTREAM_KEY
    ca_file: CA_FILE
    read_timeout_ms: 1500
  - name: mock
    kind: mock
    latency_ms: 25
    stream_chunks: 4
models:
  - name: gpt-4o-mini
    deployments:
      - provider: local
        model: gpt-4o-mini-2024-07-18
        weight: 3
      - provider: mock
        model: mock-1
keys:
  - name: ci
    key: env:CI_KEY
    tenant: team-a
    models: [gpt-4o-mini]
)";

// Every traffic-policy setting (docs/config.md), each with a value other than its default.
const char* kPolicyConfig = R"(
providers:
  - {name: openai, kind: mock}
  - {name: azure, kind: mock}
models:
  - name: gpt-4o
    strategy: least_latency
    fallbacks: [gpt-4o-mini]
    context_window_fallbacks: gpt-4o-128k
    cache_ttl_s: 300
    limits: {requests_per_minute: 600, tokens_per_minute: 100000, concurrent: 20}
    canary: {deployment: azure/gpt-4o, percent: 12.5}
    rules:
      - name: acme-on-azure
        match:
          tenant: [acme]
          consumer: acme/search-app
          key: [gh-abc123, gh-def456]
          headers: {X-Region: [eu, eu-west]}
          metadata: {team: search}
        deployments: [azure/gpt-4o]
        fall_back_to_others: true
      - name: everyone
        deployments: openai/gpt-4o
    deployments:
      - provider: openai
        model: gpt-4o
        priority: 1
        price: {input_per_million: 2.5, output_per_million: 10}
      - provider: azure
        model: gpt-4o
        weight: 2
        limits: {requests_per_minute: 300, tokens_per_minute: 50000}
  - name: gpt-4o-mini
    fallbacks: [gpt-4o]
    deployments: [{provider: openai, model: gpt-4o-mini}]
  - name: gpt-4o-128k
    deployments: [{provider: openai, model: gpt-4o-128k, priority: -2}]
policy:
  retry: {max_attempts: 5, base_delay_ms: 100, max_delay_ms: 2000, max_retry_after_ms: 10000, retry_timeouts: false}
  circuit_breaker: {consecutive_failures: 0, failure_ratio: 0.25, minimum_requests: 10, window_ms: 60000, cooldown_ms: 5000}
  cache: {max_bytes: 1048576, default_ttl_s: 60}
  assumed_completion_tokens: 1024
  limits:
    - {scope: tenant, id: acme, requests_per_minute: 600, tokens_per_minute: 200000, concurrent: 50}
    - {scope: consumer, id: acme/search-app, requests_per_minute: 0}
    - {scope: key, id: gh-abc123, concurrent: 2}
    - {scope: model, id: gpt-4o-mini, tokens_per_minute: 1000000}
  budgets:
    - {scope: tenant, id: acme, period: monthly, limit_usd: 100, soft_limit_usd: 80.5}
    - {scope: tenant, id: acme, period: daily, limit_usd: 10}
    - {scope: consumer, id: acme/search-app, period: total, limit_usd: 0.1234567, soft_limit_fraction: 0.8}
    - {scope: key, id: gh-abc123, limit_usd: 1}
)";

// The start of every traffic-policy refusal below: lines 1-5, then the row's own lines from 6 on.
const char* kPolicyPrefix = "providers:\n  - {name: p, kind: mock}\nmodels:\n"
                            "  - name: m\n    deployments: [{provider: p, model: a}, {provider: p, model: b}]\n";

bool knownProvider(const std::string& name)
{
    return name == "p";
}

} // namespace

class ConfigLoaderTest : public QObject {
    Q_OBJECT

private slots:
    void readsCaptureAndRetention()
    {
        const auto config = loaderWith({}).loadText("storage:\n  retention:\n    calls_max_age_days: 90\n    calls_max_mb: 2048\n"
                                                    "    minute_rollups_max_age_days: 2\n    hour_rollups_max_age_days: 0\n"
                                                    "    day_rollups_max_age_days: 3650\n    prune_interval_s: 60\n"
                                                    "capture:\n  max_bytes: 4096\n  redact: ['secret-[0-9]+', 'x{3}']\n"
                                                    "providers:\n  - {name: p, kind: mock}\n"
                                                    "models:\n  - {name: m, capture_payloads: true, deployments: [{provider: p, model: a}]}\n",
            "capture.yaml");
        const auto& retention = config.storage.retention;
        QCOMPARE(retention.callsMaxAgeDays, int64_t(90));
        QCOMPARE(retention.callsMaxMegabytes, int64_t(2048));
        QCOMPARE(retention.minuteRollupsMaxAgeDays, int64_t(2));
        QCOMPARE(retention.hourRollupsMaxAgeDays, int64_t(0));
        QCOMPARE(retention.dayRollupsMaxAgeDays, int64_t(3650));
        QCOMPARE(retention.pruneInterval, std::chrono::seconds(60));
        QCOMPARE(config.capture.maxBytes, std::size_t(4096));
        QCOMPARE(config.capture.redact, (std::vector<std::string>{"secret-[0-9]+", "x{3}"}));
        QVERIFY(config.models[0].capturePayloads);

        // Unset: 30 days of records, 7 of minute rollups, 90 of hour rollups, days forever; the
        // default redaction patterns; no model captures.
        const auto defaults = loaderWith({}).loadText("providers:\n  - {name: p, kind: mock}\n"
                                                      "models:\n  - {name: m, deployments: [{provider: p, model: a}]}\n",
            "defaults.yaml");
        QCOMPARE(defaults.storage.retention.callsMaxAgeDays, int64_t(30));
        QCOMPARE(defaults.storage.retention.callsMaxMegabytes, int64_t(0));
        QCOMPARE(defaults.storage.retention.minuteRollupsMaxAgeDays, int64_t(7));
        QCOMPARE(defaults.storage.retention.dayRollupsMaxAgeDays, int64_t(0));
        QCOMPARE(defaults.capture.redact, defaultRedactionPatterns());
        QVERIFY(!defaults.models[0].capturePayloads);
    }

    void readsEveryDocumentedSetting()
    {
        QTemporaryFile caFile;
        QVERIFY(caFile.open());
        auto yaml = QString(kValidConfig).replace("CA_FILE", caFile.fileName()).toStdString();
        const auto config = loaderWith({{"UPSTREAM_KEY", "sk-upstream"}, {"CI_KEY", "gk-0123456789abcdefghijklmnop"}})
                                .loadText(yaml, "test.yaml");
        QCOMPARE(config.providers[0].caFile, caFile.fileName().toStdString());
        QCOMPARE(config.server.listen.toString(), std::string("127.0.0.1:9001"));
        QVERIFY(config.server.adminListen.has_value());
        QCOMPARE(config.server.adminListen->host, std::string("::1"));
        QCOMPARE(config.server.threads, 3);
        QCOMPARE(config.server.maxBodyBytes, std::size_t(2048));
        QCOMPARE(config.log.level, std::string("debug"));
        QVERIFY(config.log.json);
        QCOMPARE(config.providers.size(), std::size_t(2));
        const auto& local = config.providers[0];
        QCOMPARE(local.kind, ProviderKind::OpenAiCompatible);
        QVERIFY(local.baseUrl.tls);
        QCOMPARE(local.baseUrl.host, std::string("api.example.com"));
        QCOMPARE(local.baseUrl.port, uint16_t(8443));
        QCOMPARE(local.baseUrl.basePath, std::string("/v1"));
        QCOMPARE(local.apiKey, std::string("sk-upstream"));
        QCOMPARE(local.apiKeyReference, std::string("env:UPSTREAM_KEY"));
        QCOMPARE(local.readTimeout.count(), 1500);
        QCOMPARE(config.providers[1].mock.latency.count(), 25);
        QCOMPARE(config.providers[1].mock.streamChunks, 4);
        QCOMPARE(config.models[0].deployments.size(), std::size_t(2));
        QCOMPARE(config.models[0].deployments[0].weight, 3);
        QCOMPARE(config.keys[0].tenant, std::string("team-a"));
        QCOMPARE(config.keys[0].allowedModels, std::vector<std::string>{"gpt-4o-mini"});
    }

    void theBuiltInDefaultServesMockModels()
    {
        const auto config = loaderWith({}).loadText(kDefaultConfigYaml, "default");
        QVERIFY(!config.models.empty());
        for (const auto& model : config.models) {
            for (const auto& deployment : model.deployments)
                QCOMPARE(config.findProvider(deployment.provider)->kind, ProviderKind::Mock);
        }
        QCOMPARE(config.server.listen.toString(), std::string("127.0.0.1:8088"));
    }

    void providerKindsHaveTheirDefaults()
    {
        const auto config = loaderWith({}).loadText("providers:\n"
                                                    "  - {name: o, kind: openai}\n"
                                                    "  - {name: a, kind: anthropic, default_max_tokens: 1000}\n"
                                                    "  - {name: g, kind: gemini}\n"
                                                    "  - {name: z, kind: azure-openai, base_url: 'https://res.openai.azure.com'}\n"
                                                    "  - {name: v, kind: openai-compatible, base_url: 'http://127.0.0.1:8000/v1', stream_usage: false}\n",
            "cfg.yaml");
        QCOMPARE(config.providers.size(), std::size_t(5));
        QCOMPARE(config.providers[0].kind, ProviderKind::OpenAi);
        QCOMPARE(config.providers[0].baseUrl.toString(), std::string("https://api.openai.com:443/v1"));
        QCOMPARE(config.providers[1].kind, ProviderKind::Anthropic);
        QCOMPARE(config.providers[1].baseUrl.toString(), std::string("https://api.anthropic.com:443/v1"));
        QCOMPARE(config.providers[1].apiVersion, std::string("2023-06-01"));
        QCOMPARE(config.providers[1].defaultMaxTokens, 1000);
        QCOMPARE(config.providers[2].kind, ProviderKind::Gemini);
        QCOMPARE(config.providers[2].baseUrl.basePath, std::string("/v1beta"));
        QCOMPARE(config.providers[3].kind, ProviderKind::AzureOpenAi);
        QCOMPARE(config.providers[3].apiVersion, std::string("2024-10-21"));
        QCOMPARE(config.providers[3].baseUrl.basePath, std::string(""));
        QCOMPARE(config.providers[4].quirks.streamUsage, false);
        QCOMPARE(config.providers[0].quirks.streamUsage, true);
    }

    void rejectsWithFileLineAndField_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown top-level") << "servers: {}\n" << "cfg.yaml:1: servers: unknown setting";
        QTest::newRow("bad redaction pattern") << "capture:\n  redact: ['(unclosed']\n"
                                               << "cfg.yaml:2: capture.redact[0]: not a regular expression (ECMAScript)";
        QTest::newRow("tiny capture") << "capture:\n  max_bytes: 10\n" << "cfg.yaml:2: capture.max_bytes: must be between 1024 and 16777216";
        QTest::newRow("unknown retention setting") << "storage:\n  retention:\n    keep_days: 3\n"
                                                   << "cfg.yaml:3: storage.retention.keep_days: unknown setting";
        QTest::newRow("negative retention") << "storage:\n  retention:\n    calls_max_age_days: -1\n"
                                            << "cfg.yaml:3: storage.retention.calls_max_age_days: must be between 0 and 36500";
        QTest::newRow("capture_payloads not a boolean")
            << "providers:\n  - {name: p, kind: mock}\nmodels:\n  - {name: m, capture_payloads: maybe, deployments: [{provider: p, model: a}]}\n"
            << "models[0].capture_payloads: expected true or false";
        QTest::newRow("unknown provider setting")
            << "providers:\n  - name: m\n    kind: mock\n    latency: 5\n" << "cfg.yaml:4: providers[0].latency: unknown setting";
        QTest::newRow("literal secret")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: http://x/v1\n    api_key: sk-123\n"
            << "cfg.yaml:5: providers[0].api_key: secrets are given as env:VARIABLE_NAME";
        QTest::newRow("unset env")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: http://x/v1\n    api_key: env:NOPE\n"
            << "environment variable NOPE is not set";
        QTest::newRow("bad scheme")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: ftp://x\n"
            << "cfg.yaml:4: providers[0].base_url: 'ftp://x': base_url must start with http:// or https://";
        QTest::newRow("unreadable ca_file")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: https://x/v1\n    ca_file: /nonexistent/ca.pem\n"
            << "cfg.yaml:5: providers[0].ca_file: cannot read /nonexistent/ca.pem";
        QTest::newRow("unknown kind") << "providers:\n  - name: p\n    kind: magic\n" << "providers[0].kind: unknown provider kind 'magic'";
        QTest::newRow("missing name") << "providers:\n  - kind: mock\n" << "providers[0].name: is required";
        QTest::newRow("azure without base_url")
            << "providers:\n  - name: az\n    kind: azure-openai\n" << "cfg.yaml:2: providers[0].base_url: is required for kind azure-openai";
        QTest::newRow("api_version where the kind has none")
            << "providers:\n  - name: p\n    kind: openai\n    api_version: v1\n" << "cfg.yaml:4: providers[0].api_version: unknown setting";
        QTest::newRow("stream_usage on anthropic")
            << "providers:\n  - name: p\n    kind: anthropic\n    stream_usage: false\n" << "cfg.yaml:4: providers[0].stream_usage: unknown setting";
        QTest::newRow("unknown provider in deployment")
            << "models:\n  - name: m\n    deployments:\n      - provider: ghost\n        model: x\n"
            << "cfg.yaml:4: models[0].deployments[0].provider: no provider named 'ghost'";
        QTest::newRow("model without deployments") << "models:\n  - name: m\n" << "a model needs at least one deployment";
        QTest::newRow("duplicate model")
            << "providers:\n  - {name: p, kind: mock}\nmodels:\n  - {name: m, deployments: [{provider: p, model: a}]}\n"
               "  - {name: m, deployments: [{provider: p, model: b}]}\n"
            << "cfg.yaml:5: models[1].name: 'm' is declared twice";
        QTest::newRow("short key") << "keys:\n  - name: k\n    key: env:SHORT\n" << "keys[0].key: the key must be at least 20 characters long";
        QTest::newRow("key for unknown model")
            << "keys:\n  - name: k\n    key: env:LONG\n    models: [nothing]\n" << "keys[0].models[0]: no model named 'nothing'";
        QTest::newRow("bad level") << "log:\n  level: loud\n" << "log.level: expected one of";
        QTest::newRow("bad listen") << "server:\n  listen: localhost\n" << "server.listen: 'localhost': missing port";
        QTest::newRow("bad number") << "server:\n  threads: many\n" << "server.threads: expected a whole number";
        QTest::newRow("out of range") << "server:\n  threads: 9999\n" << "server.threads: must be between 0 and 256";
        QTest::newRow("not yaml") << "providers: [\n" << "cfg.yaml:2: not valid YAML";
    }

    void rejectsWithFileLineAndField()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        const auto loader = loaderWith({{"SHORT", "abc"}, {"LONG", "gk-0123456789abcdefghijklmnop"}});
        try {
            loader.loadText(yaml.toStdString(), "cfg.yaml");
            QFAIL("expected a ConfigError");
        } catch (const ConfigError& error) {
            const QString message = QString::fromStdString(error.what());
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }

    void readsEveryTrafficPolicySetting()
    {
        const auto config = loaderWith({}).loadText(kPolicyConfig, "policy.yaml");
        QCOMPARE(config.models.size(), std::size_t(3));
        const auto& model = config.models[0];
        QCOMPARE(model.strategy, RoutingStrategy::LeastLatency);
        QCOMPARE(model.fallbacks, std::vector<std::string>{"gpt-4o-mini"});
        QCOMPARE(model.contextWindowFallbacks, std::vector<std::string>{"gpt-4o-128k"});
        QCOMPARE(model.cacheTtl, std::optional<std::chrono::seconds>(300));
        QCOMPARE(model.limits.requestsPerMinute, std::optional<int64_t>(600));
        QCOMPARE(model.limits.tokensPerMinute, std::optional<int64_t>(100000));
        QCOMPARE(model.limits.concurrentRequests, std::optional<int64_t>(20));
        QVERIFY(model.canary);
        QCOMPARE(model.canary->deployment, std::string("azure/gpt-4o"));
        QCOMPARE(model.canary->percent, 12.5);

        QCOMPARE(model.rules.size(), std::size_t(2));
        const auto& rule = model.rules[0];
        QCOMPARE(rule.name, std::string("acme-on-azure"));
        QCOMPARE(rule.deployments, std::vector<std::string>{"azure/gpt-4o"});
        QVERIFY(rule.fallBackToOthers);
        QCOMPARE(rule.conditions.size(), std::size_t(5));
        const auto condition = [&](std::size_t i, MatchField field, const char* name, std::vector<std::string> values) {
            QCOMPARE(rule.conditions[i].field, field);
            QCOMPARE(rule.conditions[i].name, std::string(name));
            QCOMPARE(rule.conditions[i].values, values);
        };
        condition(0, MatchField::Tenant, "", {"acme"});
        condition(1, MatchField::Consumer, "", {"acme/search-app"});
        condition(2, MatchField::ApiKey, "", {"gh-abc123", "gh-def456"});
        condition(3, MatchField::Header, "x-region", {"eu", "eu-west"}); // header names in lowercase
        condition(4, MatchField::Metadata, "team", {"search"});
        QCOMPARE(model.rules[1].deployments, std::vector<std::string>{"openai/gpt-4o"});
        QVERIFY(model.rules[1].conditions.empty());
        QVERIFY(!model.rules[1].fallBackToOthers);

        const auto& openai = model.deployments[0];
        QCOMPARE(openai.priority, 1);
        QVERIFY(openai.price);
        QCOMPARE(openai.price->inputPerMillion, 2.5);
        QCOMPARE(openai.price->outputPerMillion, 10.0);
        QCOMPARE(model.deployments[1].priority, 0);
        QVERIFY(!model.deployments[1].price);
        QVERIFY(!openai.limits.any());
        QCOMPARE(model.deployments[1].limits.requestsPerMinute, std::optional<int64_t>(300));
        QCOMPARE(model.deployments[1].limits.tokensPerMinute, std::optional<int64_t>(50000));
        QVERIFY(!model.deployments[1].limits.concurrentRequests);
        QCOMPARE(config.models[2].deployments[0].priority, -2);
        // Absent: the defaults.
        QCOMPARE(config.models[1].strategy, RoutingStrategy::WeightedRandom);
        QVERIFY(!config.models[1].cacheTtl);
        QVERIFY(!config.models[1].canary);
        QVERIFY(!config.models[1].limits.any());
        QVERIFY(config.models[2].fallbacks.empty());

        const auto route = routePolicyFor(model);
        QCOMPARE(route.deployments[1].id, std::string("azure/gpt-4o"));
        QCOMPARE(route.deployments[0].inputPricePerMillion, std::optional<double>(2.5));
        QCOMPARE(route.deployments[1].weight, 2);

        const auto& policy = config.policy;
        QCOMPARE(policy.retry.maxAttempts, 5);
        QCOMPARE(policy.retry.baseDelay.count(), 100);
        QCOMPARE(policy.retry.maxDelay.count(), 2000);
        QCOMPARE(policy.retry.maxRetryAfter.count(), 10000);
        QVERIFY(!policy.retry.retryTimeouts);
        QCOMPARE(policy.circuitBreaker.consecutiveFailures, 0);
        QCOMPARE(policy.circuitBreaker.failureRatio, 0.25);
        QCOMPARE(policy.circuitBreaker.minimumRequests, 10);
        QCOMPARE(policy.circuitBreaker.window.count(), 60000);
        QCOMPARE(policy.circuitBreaker.cooldown.count(), 5000);
        QCOMPARE(policy.cacheMaxBytes, std::size_t(1048576));
        QCOMPARE(policy.cacheDefaultTtl.count(), 60);
        QCOMPARE(policy.assumedCompletionTokens, int64_t(1024));

        QCOMPARE(policy.limits.size(), std::size_t(4));
        QCOMPARE(policy.limits[0].scope, (PolicyScope{ScopeKind::Tenant, "acme"}));
        QCOMPARE(policy.limits[0].limits.requestsPerMinute, std::optional<int64_t>(600));
        QCOMPARE(policy.limits[0].limits.tokensPerMinute, std::optional<int64_t>(200000));
        QCOMPARE(policy.limits[0].limits.concurrentRequests, std::optional<int64_t>(50));
        QCOMPARE(policy.limits[1].scope, (PolicyScope{ScopeKind::Consumer, "acme/search-app"}));
        QCOMPARE(policy.limits[1].limits.requestsPerMinute, std::optional<int64_t>(0)); // 0: paused
        QVERIFY(!policy.limits[1].limits.tokensPerMinute);
        QCOMPARE(policy.limits[2].scope, (PolicyScope{ScopeKind::ApiKey, "gh-abc123"}));
        QCOMPARE(policy.limits[2].limits.concurrentRequests, std::optional<int64_t>(2));
        QCOMPARE(policy.limits[3].scope, (PolicyScope{ScopeKind::Model, "gpt-4o-mini"}));
        QCOMPARE(policy.limits[3].limits.tokensPerMinute, std::optional<int64_t>(1000000));

        QCOMPARE(policy.budgets.size(), std::size_t(4));
        QCOMPARE(policy.budgets[0].scope, (PolicyScope{ScopeKind::Tenant, "acme"}));
        QCOMPARE(policy.budgets[0].period, BudgetPeriod::Monthly);
        QCOMPARE(policy.budgets[0].limitMicros, int64_t(100'000'000));
        QCOMPARE(policy.budgets[0].softLimitMicros, std::optional<int64_t>(80'500'000));
        QVERIFY(!policy.budgets[0].softLimitFraction);
        QCOMPARE(policy.budgets[1].period, BudgetPeriod::Daily);
        QVERIFY(!policy.budgets[1].softThresholdMicros());
        QCOMPARE(policy.budgets[2].scope, (PolicyScope{ScopeKind::Consumer, "acme/search-app"}));
        QCOMPARE(policy.budgets[2].period, BudgetPeriod::Total);
        QCOMPARE(policy.budgets[2].limitMicros, int64_t(123457)); // rounded to the nearest micro-dollar
        QCOMPARE(policy.budgets[2].softLimitFraction, std::optional<double>(0.8));
        QCOMPARE(policy.budgets[3].scope, (PolicyScope{ScopeKind::ApiKey, "gh-abc123"}));
        QCOMPARE(policy.budgets[3].period, BudgetPeriod::Monthly); // the default
    }

    void withoutAPolicySectionTheDefaultsApply()
    {
        const auto config = loaderWith({}).loadText(kDefaultConfigYaml, "default");
        const PolicySettings defaults;
        QCOMPARE(config.policy.retry.maxAttempts, defaults.retry.maxAttempts);
        QCOMPARE(config.policy.circuitBreaker.consecutiveFailures, defaults.circuitBreaker.consecutiveFailures);
        QCOMPARE(config.policy.cacheMaxBytes, defaults.cacheMaxBytes);
        QCOMPARE(config.policy.assumedCompletionTokens, defaults.assumedCompletionTokens);
        QVERIFY(config.policy.limits.empty());
        QVERIFY(config.policy.budgets.empty());
    }

    // Each row is appended to kPolicyPrefix (model "m" with deployments p/a and p/b on lines 4-5).
    void rejectsTrafficPolicyWithFileLineAndField_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char* name, const char* yaml, const char* expected) { QTest::newRow(name) << yaml << expected; };
        // Model entries.
        row("unknown strategy", "    strategy: fastest\n",
            "cfg.yaml:6: models[0].strategy: unknown strategy 'fastest' (expected one of weighted, round_robin, least_latency, lowest_cost, fallback)");
        row("rule naming another deployment", "    rules:\n      - name: r\n        deployments: [p/a, p/zz]\n",
            "cfg.yaml:8: models[0].rules[0].deployments[1]: no deployment 'p/zz' in this route (this model's deployments: p/a, p/b)");
        row("rule without deployments", "    rules:\n      - name: r\n", "cfg.yaml:7: models[0].rules[0].deployments: a rule needs at least one deployment");
        row("rule with an empty list", "    rules:\n      - {name: r, deployments: []}\n",
            "cfg.yaml:7: models[0].rules[0].deployments: a rule needs at least one deployment");
        row("rule without name", "    rules:\n      - deployments: [p/a]\n", "cfg.yaml:7: models[0].rules[0].name: is required");
        row("rule name twice", "    rules:\n      - {name: r, deployments: [p/a]}\n      - {name: r, deployments: [p/b]}\n",
            "cfg.yaml:8: models[0].rules[1].name: 'r' is declared twice in this model");
        row("unknown match field", "    rules:\n      - name: r\n        match: {team: x}\n        deployments: [p/a]\n",
            "cfg.yaml:8: models[0].rules[0].match.team: unknown setting (expected one of: consumer, headers, key, metadata, tenant)");
        row("match not a mapping", "    rules:\n      - {name: r, match: [x], deployments: [p/a]}\n",
            "cfg.yaml:7: models[0].rules[0].match: expected a mapping");
        row("header value not text", "    rules:\n      - name: r\n        match:\n          headers: {x-region: [eu, [x]]}\n        deployments: [p/a]\n",
            "cfg.yaml:9: models[0].rules[0].match.headers.x-region[1]: expected a text value");
        row("header without values", "    rules:\n      - name: r\n        match:\n          headers: {x-region: []}\n        deployments: [p/a]\n",
            "cfg.yaml:9: models[0].rules[0].match.headers.x-region: needs at least one value");
        row("empty tenant list", "    rules:\n      - name: r\n        match: {tenant: []}\n        deployments: [p/a]\n",
            "cfg.yaml:8: models[0].rules[0].match.tenant: needs at least one value");
        row("consumer without tenant", "    rules:\n      - name: r\n        match: {consumer: [acme/app, app]}\n        deployments: [p/a]\n",
            "cfg.yaml:8: models[0].rules[0].match.consumer[1]: 'app': a consumer is named tenant/consumer");
        row("fall_back_to_others not bool", "    rules:\n      - {name: r, deployments: [p/a], fall_back_to_others: maybe}\n",
            "cfg.yaml:7: models[0].rules[0].fall_back_to_others: expected true or false");
        row("canary percent 150", "    canary: {deployment: p/a, percent: 150}\n", "cfg.yaml:6: models[0].canary.percent: must be between 0 and 100");
        row("canary percent not a number", "    canary: {deployment: p/a, percent: half}\n", "cfg.yaml:6: models[0].canary.percent: expected a number");
        row("canary without percent", "    canary: {deployment: p/a}\n", "cfg.yaml:6: models[0].canary.percent: is required");
        row("canary on another deployment", "    canary: {deployment: q/a, percent: 5}\n",
            "cfg.yaml:6: models[0].canary.deployment: no deployment 'q/a' in this route (this model's deployments: p/a, p/b)");
        row("fallback to an unknown model", "    fallbacks: [nothing]\n", "cfg.yaml:6: models[0].fallbacks[0]: no model named 'nothing'");
        row("context fallback to an unknown model", "    context_window_fallbacks: big\n",
            "cfg.yaml:6: models[0].context_window_fallbacks[0]: no model named 'big'");
        row("self-fallback", "    fallbacks: [m]\n", "cfg.yaml:6: models[0].fallbacks[0]: a model cannot fall back to itself");
        row("self context fallback", "    context_window_fallbacks: [m]\n",
            "cfg.yaml:6: models[0].context_window_fallbacks[0]: a model cannot fall back to itself");
        row("cache ttl over 30 days", "    cache_ttl_s: 2592001\n", "cfg.yaml:6: models[0].cache_ttl_s: must be between 0 and 2592000");
        row("negative model limit", "    limits: {concurrent: -1}\n", "cfg.yaml:6: models[0].limits.concurrent: must be between 0 and 1000000000000");
        row("unknown model limit", "    limits: {rpm: 5}\n",
            "cfg.yaml:6: models[0].limits.rpm: unknown setting (expected one of: concurrent, requests_per_minute, tokens_per_minute)");
        row("price with only one side", "  - name: n\n    deployments:\n      - provider: p\n        model: a\n        price: {input_per_million: 2.5}\n",
            "cfg.yaml:10: models[1].deployments[0].price.output_per_million: is required");
        row("negative price", "  - name: n\n    deployments:\n      - provider: p\n        model: a\n        price: {input_per_million: -1, output_per_million: 1}\n",
            "cfg.yaml:10: models[1].deployments[0].price.input_per_million: must be between 0 and 1000000");
        row("price not a mapping", "  - name: n\n    deployments:\n      - {provider: p, model: a, price: 3}\n",
            "cfg.yaml:8: models[1].deployments[0].price: expected a mapping");
        row("fractional priority", "  - name: n\n    deployments:\n      - {provider: p, model: a, priority: 1.5}\n",
            "cfg.yaml:8: models[1].deployments[0].priority: expected a whole number");
        row("negative deployment limit", "  - name: n\n    deployments:\n      - {provider: p, model: a, limits: {requests_per_minute: -5}}\n",
            "cfg.yaml:8: models[1].deployments[0].limits.requests_per_minute: must be between 0 and 1000000000000");
        row("deployment limits disagree", "  - name: n\n    deployments:\n      - {provider: p, model: c, limits: {concurrent: 2}}\n"
            "  - name: o\n    deployments:\n      - {provider: p, model: c, limits: {concurrent: 3}}\n",
            "cfg.yaml:11: models[2].deployments[0].limits: provider 'p' model 'c' has other limits at models[1].deployments[0]; "
            "a deployment's limits are its quota, set them alike");
        row("deployment listed twice", "  - name: n\n    deployments:\n      - {provider: p, model: a}\n      - {provider: p, model: a}\n",
            "cfg.yaml:9: models[1].deployments[1]: the deployment 'p/a' appears twice in this route");
        // The policy section.
        row("unknown policy setting", "policy:\n  retries: {}\n",
            "cfg.yaml:7: policy.retries: unknown setting (expected one of: assumed_completion_tokens, budgets, cache, circuit_breaker, limits, retry)");
        row("max_attempts 0", "policy:\n  retry: {max_attempts: 0}\n", "cfg.yaml:7: policy.retry.max_attempts: must be between 1 and 10");
        row("delay over a day", "policy:\n  retry: {max_delay_ms: 86400001}\n", "cfg.yaml:7: policy.retry.max_delay_ms: must be between 0 and 86400000");
        row("retry_timeouts not bool", "policy:\n  retry: {retry_timeouts: 3}\n", "cfg.yaml:7: policy.retry.retry_timeouts: expected true or false");
        row("failure ratio over 1", "policy:\n  circuit_breaker:\n    failure_ratio: 1.5\n",
            "cfg.yaml:8: policy.circuit_breaker.failure_ratio: must be between 0 and 1");
        row("consecutive failures over 1000", "policy:\n  circuit_breaker: {consecutive_failures: 1001}\n",
            "cfg.yaml:7: policy.circuit_breaker.consecutive_failures: must be between 0 and 1000");
        row("cache over 16 GiB", "policy:\n  cache: {max_bytes: 17179869185}\n", "cfg.yaml:7: policy.cache.max_bytes: must be between 0 and 17179869184");
        row("default ttl over 30 days", "policy:\n  cache: {default_ttl_s: 2592001}\n",
            "cfg.yaml:7: policy.cache.default_ttl_s: must be between 0 and 2592000");
        row("assumed completion tokens 0", "policy:\n  assumed_completion_tokens: 0\n",
            "cfg.yaml:7: policy.assumed_completion_tokens: must be between 1 and 10000000");
        row("policy not a mapping", "policy: [retry]\n", "cfg.yaml:6: policy: expected a mapping");
        row("limit without any dimension", "policy:\n  limits:\n    - {scope: tenant, id: acme}\n",
            "cfg.yaml:8: policy.limits[0]: a limit needs at least one of requests_per_minute, tokens_per_minute, concurrent");
        row("unknown limit scope", "policy:\n  limits:\n    - {scope: team, id: acme, concurrent: 1}\n",
            "cfg.yaml:8: policy.limits[0].scope: unknown scope 'team' (expected tenant, consumer, key or model)");
        row("limit without id", "policy:\n  limits:\n    - {scope: key, concurrent: 1}\n", "cfg.yaml:8: policy.limits[0].id: is required");
        row("limit for a consumer without tenant", "policy:\n  limits:\n    - {scope: consumer, id: app, concurrent: 1}\n",
            "cfg.yaml:8: policy.limits[0].id: 'app': a consumer is named tenant/consumer");
        row("limit for an unknown model", "policy:\n  limits:\n    - {scope: model, id: ghost, concurrent: 1}\n",
            "cfg.yaml:8: policy.limits[0].id: no model named 'ghost'");
        row("model limits in two places", "    limits: {concurrent: 1}\npolicy:\n  limits:\n    - {scope: model, id: m, concurrent: 2}\n",
            "cfg.yaml:9: policy.limits[0].id: the model's entry sets its limits already (models[].limits): set them in one place");
        row("duplicate limit scope", "policy:\n  limits:\n    - {scope: tenant, id: acme, concurrent: 1}\n    - {scope: tenant, id: acme, requests_per_minute: 5}\n",
            "cfg.yaml:9: policy.limits[1].id: tenant 'acme' already has limits (policy.limits[0])");
        row("limit as text", "policy:\n  limits:\n    - {scope: tenant, id: acme, concurrent: lots}\n",
            "cfg.yaml:8: policy.limits[0].concurrent: expected a whole number");
        row("budget with scope model", "policy:\n  budgets:\n    - {scope: model, id: m, limit_usd: 5}\n",
            "cfg.yaml:8: policy.budgets[0].scope: budgets apply to a tenant, consumer or key, not to a model");
        row("budget without limit", "policy:\n  budgets:\n    - {scope: tenant, id: acme}\n", "cfg.yaml:8: policy.budgets[0].limit_usd: is required");
        row("budget limit 0", "policy:\n  budgets:\n    - {scope: tenant, id: acme, limit_usd: 0}\n",
            "cfg.yaml:8: policy.budgets[0].limit_usd: must be more than 0");
        row("budget limit below a micro-dollar", "policy:\n  budgets:\n    - {scope: tenant, id: acme, limit_usd: 0.0000001}\n",
            "cfg.yaml:8: policy.budgets[0].limit_usd: must be more than 0");
        row("negative budget", "policy:\n  budgets:\n    - {scope: tenant, id: acme, limit_usd: -5}\n",
            "cfg.yaml:8: policy.budgets[0].limit_usd: must be between 0 and 1000000000");
        row("unknown period", "policy:\n  budgets:\n    - {scope: tenant, id: acme, period: yearly, limit_usd: 5}\n",
            "cfg.yaml:8: policy.budgets[0].period: unknown period 'yearly' (expected daily, weekly, monthly or total)");
        row("soft limit at the limit", "policy:\n  budgets:\n    - {scope: tenant, id: acme, limit_usd: 10, soft_limit_usd: 10}\n",
            "cfg.yaml:8: policy.budgets[0].soft_limit_usd: must be less than limit_usd");
        row("soft fraction 1", "policy:\n  budgets:\n    - {scope: tenant, id: acme, limit_usd: 10, soft_limit_fraction: 1}\n",
            "cfg.yaml:8: policy.budgets[0].soft_limit_fraction: must be more than 0 and less than 1");
        row("both soft limits", "policy:\n  budgets:\n    - {scope: tenant, id: acme, limit_usd: 10, soft_limit_usd: 5, soft_limit_fraction: 0.5}\n",
            "cfg.yaml:8: policy.budgets[0].soft_limit_fraction: give soft_limit_usd or soft_limit_fraction, not both");
        row("duplicate budget", "policy:\n  budgets:\n    - {scope: tenant, id: acme, period: monthly, limit_usd: 10}\n    - {scope: tenant, id: acme, limit_usd: 20}\n",
            "cfg.yaml:9: policy.budgets[1].id: the monthly budget of tenant 'acme' is declared twice (policy.budgets[0])");
    }

    void rejectsTrafficPolicyWithFileLineAndField()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        try {
            loaderWith({}).loadText(kPolicyPrefix + yaml.toStdString(), "cfg.yaml");
            QFAIL("expected a ConfigError");
        } catch (const ConfigError& error) {
            QCOMPARE(QString::fromStdString(error.what()), expected);
        }
    }

    // The admin API reads model bodies with the same rules, through JsonSettingsNode.
    void readsTrafficPolicyFromJson()
    {
        const auto body = Json::parse(R"({"model": "m", "strategy": "lowest_cost", "fallbacks": ["n"], "context_window_fallbacks": "big",
            "cache_ttl_s": 0, "limits": {"tokens_per_minute": 5000},
            "canary": {"deployment": "p/b", "percent": 10},
            "rules": [{"name": "eu", "match": {"tenant": "acme", "headers": {"X-Region": ["eu", "eu-west"]}, "metadata": {"team": "search"}},
                       "deployments": ["p/a"], "fall_back_to_others": true}],
            "deployments": [{"provider": "p", "model": "a", "priority": 2, "price": {"input_per_million": 0.15, "output_per_million": 1}},
                            {"provider": "p", "model": "b"}]})");
        const auto model = readModelEntry(JsonSettingsNode(body), knownProvider, {"model", {}});
        QCOMPARE(model.strategy, RoutingStrategy::LowestCost);
        QCOMPARE(model.fallbacks, std::vector<std::string>{"n"});
        QCOMPARE(model.contextWindowFallbacks, std::vector<std::string>{"big"});
        QCOMPARE(model.cacheTtl, std::optional<std::chrono::seconds>(0)); // 0: never cached
        QCOMPARE(model.limits.tokensPerMinute, std::optional<int64_t>(5000));
        QVERIFY(!model.limits.requestsPerMinute);
        QCOMPARE(model.canary->deployment, std::string("p/b"));
        QCOMPARE(model.canary->percent, 10.0);
        QCOMPARE(model.rules.size(), std::size_t(1));
        QCOMPARE(model.rules[0].conditions.size(), std::size_t(3));
        QCOMPARE(model.rules[0].conditions[0].values, std::vector<std::string>{"acme"});
        QCOMPARE(model.rules[0].conditions[1].name, std::string("x-region"));
        QCOMPARE(model.rules[0].conditions[1].values, (std::vector<std::string>{"eu", "eu-west"}));
        QCOMPARE(model.rules[0].conditions[2].field, MatchField::Metadata);
        QVERIFY(model.rules[0].fallBackToOthers);
        QCOMPARE(model.deployments[0].priority, 2);
        QCOMPARE(model.deployments[0].price->inputPerMillion, 0.15);
        QCOMPARE(model.deployments[0].price->outputPerMillion, 1.0);
    }

    // Each row is merged into a valid body ({"model": "m", "deployments": [p/a]}). The message is
    // exact, and the error's field is what the message starts with.
    void rejectsTrafficPolicyInJson_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<int>("problem");
        QTest::addColumn<QString>("message");
        const auto wrongType = int(SettingsProblem::WrongType);
        const auto badValue = int(SettingsProblem::BadValue);
        QTest::newRow("percent in quotes") << R"({"canary": {"deployment": "p/a", "percent": "10"}})" << wrongType
                                           << "canary.percent: expected a number, not a string";
        QTest::newRow("price in quotes")
            << R"({"deployments": [{"provider": "p", "model": "a", "price": {"input_per_million": "2.5", "output_per_million": 1}}]})"
            << wrongType << "deployments[0].price.input_per_million: expected a number, not a string";
        QTest::newRow("price with only one side") << R"({"deployments": [{"provider": "p", "model": "a", "price": {"input_per_million": 2.5}}]})"
                                                  << int(SettingsProblem::Missing) << "deployments[0].price.output_per_million: is required";
        QTest::newRow("priority in quotes") << R"({"deployments": [{"provider": "p", "model": "a", "priority": "1"}]})" << wrongType
                                            << "deployments[0].priority: expected a whole number, not a string";
        QTest::newRow("ttl fractional") << R"({"cache_ttl_s": 1.5})" << wrongType << "cache_ttl_s: expected a whole number, not a fractional number";
        QTest::newRow("limit in quotes") << R"({"limits": {"concurrent": "2"}})" << wrongType
                                         << "limits.concurrent: expected a whole number, not a string";
        QTest::newRow("limits not an object") << R"({"limits": 5})" << wrongType << "limits: expected an object, not a number";
        QTest::newRow("header value a number") << R"({"rules": [{"name": "r", "match": {"headers": {"x-region": 1}}, "deployments": ["p/a"]}]})"
                                               << wrongType << "rules[0].match.headers.x-region: expected a text value, not a number";
        QTest::newRow("list element null") << R"({"fallbacks": ["n", null]})" << wrongType << "fallbacks[1]: expected a text value, not null";
        QTest::newRow("unknown strategy")
            << R"({"strategy": "fastest"})" << badValue
            << "strategy: unknown strategy 'fastest' (expected one of weighted, round_robin, least_latency, lowest_cost, fallback)";
        QTest::newRow("rule naming another deployment") << R"({"rules": [{"name": "r", "deployments": ["x/y"]}]})" << badValue
                                                        << "rules[0].deployments[0]: no deployment 'x/y' in this route (this model's deployments: p/a)";
        QTest::newRow("canary percent 150") << R"({"canary": {"deployment": "p/a", "percent": 150}})" << badValue
                                            << "canary.percent: must be between 0 and 100";
        QTest::newRow("self-fallback") << R"({"fallbacks": ["m"]})" << badValue << "fallbacks[0]: a model cannot fall back to itself";
        QTest::newRow("unknown rule key") << R"({"rules": [{"name": "r", "deployments": ["p/a"], "fallback": true}]})"
                                          << int(SettingsProblem::UnknownKey)
                                          << "rules[0].fallback: unknown setting (expected one of: deployments, fall_back_to_others, match, name)";
    }

    void rejectsTrafficPolicyInJson()
    {
        QFETCH(QString, body);
        QFETCH(int, problem);
        QFETCH(QString, message);
        Json document{{"model", "m"}, {"deployments", {{{"provider", "p"}, {"model", "a"}}}}};
        document.update(Json::parse(body.toStdString()));
        try {
            readModelEntry(JsonSettingsNode(document), knownProvider, {"model", {}});
            QFAIL("expected a SettingsError");
        } catch (const SettingsError& error) {
            QCOMPARE(QString::fromStdString(error.what()), message);
            QCOMPARE(QString::fromStdString(error.field()), message.section(": ", 0, 0));
            QCOMPARE(int(error.problem()), problem);
        }
    }

    void modelReferencesAreCheckedAcrossModels()
    {
        std::vector<ModelConfig> models(3);
        models[0].name = "a";
        models[0].fallbacks = {"b"};
        models[1].name = "b";
        models[1].fallbacks = {"a"}; // a cycle: allowed, each model is tried once per request
        models[1].contextWindowFallbacks = {"c", "ghost"};
        models[2].name = "c";
        models[2].fallbacks = {"gone"};
        QCOMPARE(modelReferenceProblems(models), (std::vector<std::string>{
            "models[1].context_window_fallbacks[1]: no model named 'ghost'", "models[2].fallbacks[0]: no model named 'gone'"}));
        models.pop_back();
        models[1].contextWindowFallbacks.clear();
        QVERIFY(modelReferenceProblems(models).empty());
    }

    void missingFileIsNamed()
    {
        try {
            loaderWith({}).loadFile("/nonexistent/gatehouse.yaml");
            QFAIL("expected a ConfigError");
        } catch (const ConfigError& error) {
            QCOMPARE(QString(error.what()), QString("/nonexistent/gatehouse.yaml: cannot open the configuration file"));
        }
    }

    void parsesAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("v4") << "127.0.0.1:8088" << "127.0.0.1" << 8088;
        QTest::newRow("any port") << "localhost:0" << "localhost" << 0;
        QTest::newRow("v6") << "[::1]:9000" << "::1" << 9000;
    }

    void parsesAddresses()
    {
        QFETCH(QString, text);
        QFETCH(QString, host);
        QFETCH(int, port);
        const auto address = parseHostPort(text.toStdString());
        QCOMPARE(QString::fromStdString(address.host), host);
        QCOMPARE(int(address.port), port);
    }

    void rejectsBadAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("no port") << "127.0.0.1";
        QTest::newRow("port too big") << "127.0.0.1:70000";
        QTest::newRow("unbracketed v6") << "::1:80";
        QTest::newRow("not a number") << "host:http";
        QTest::newRow("empty host") << ":80";
    }

    void rejectsBadAddresses()
    {
        QFETCH(QString, text);
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseHostPort(text.toStdString()));
    }

    void parsesUpstreamUrls()
    {
        const auto plain = parseUpstreamUrl("http://127.0.0.1:9000/v1");
        QVERIFY(!plain.tls);
        QCOMPARE(plain.port, uint16_t(9000));
        QCOMPARE(plain.basePath, std::string("/v1"));
        const auto tls = parseUpstreamUrl("https://api.openai.com/v1");
        QVERIFY(tls.tls);
        QCOMPARE(tls.port, uint16_t(443));
        QCOMPARE(parseUpstreamUrl("http://[::1]:81").toString(), std::string("http://[::1]:81"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseUpstreamUrl("http://host/v1?x=1"));
    }
};

QTEST_GUILESS_MAIN(ConfigLoaderTest)
#include "ConfigLoaderTest.moc"
