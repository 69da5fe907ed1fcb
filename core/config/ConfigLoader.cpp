#include "config/ConfigLoader.h"

#include "calls/PayloadRedactor.h"
#include "config/PriceSettings.h"

#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "config/ProviderValidation.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace gatehouse {
namespace {

// Carries the file name so every error can say where it is.
class Reader {
public:
    Reader(std::string source, const EnvironmentLookup& environment)
        : m_source(std::move(source))
        , m_environment(environment)
    {
    }

    [[noreturn]] void fail(const YAML::Node& node, const std::string& field, const std::string& problem) const
    {
        std::string where = m_source;
        if (node.IsDefined() && node.Mark().line >= 0)
            where += ":" + std::to_string(node.Mark().line + 1);
        throw ConfigError(where + ": " + field + ": " + problem);
    }

    void expectMap(const YAML::Node& node, const std::string& field, std::set<std::string> allowed) const
    {
        if (!node.IsMap())
            fail(node, field, "expected a mapping");
        for (const auto& entry : node) {
            const auto key = entry.first.as<std::string>();
            if (!allowed.count(key)) {
                std::string list;
                for (const auto& name : allowed)
                    list += (list.empty() ? "" : ", ") + name;
                fail(entry.first, field.empty() ? key : field + "." + key, "unknown setting (expected one of: " + list + ")");
            }
        }
    }

    std::string string(const YAML::Node& node, const std::string& field) const
    {
        if (!node.IsScalar())
            fail(node, field, "expected a text value");
        return node.Scalar();
    }

    std::string requiredString(const YAML::Node& parent, const char* key, const std::string& field) const
    {
        const auto node = parent[key];
        if (!node.IsDefined() || node.IsNull())
            fail(parent, field + "." + key, "is required");
        auto value = string(node, field + "." + key);
        if (value.empty())
            fail(node, field + "." + key, "must not be empty");
        return value;
    }

    long long integer(const YAML::Node& node, const std::string& field, long long min, long long max) const
    {
        long long value = 0;
        try {
            value = node.as<long long>();
        } catch (const YAML::Exception&) {
            fail(node, field, "expected a whole number");
        }
        if (value < min || value > max)
            fail(node, field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return value;
    }

    bool boolean(const YAML::Node& node, const std::string& field) const
    {
        try {
            return node.as<bool>();
        } catch (const YAML::Exception&) {
            fail(node, field, "expected true or false");
        }
    }

    std::chrono::milliseconds millis(const YAML::Node& node, const std::string& field, long long min = 0) const
    {
        return std::chrono::milliseconds(integer(node, field, min, 24LL * 3600 * 1000));
    }

    // Secrets are never written in the file itself: "env:NAME" names an environment variable.
    std::string secret(const YAML::Node& node, const std::string& field) const
    {
        const auto reference = string(node, field);
        if (!reference.starts_with("env:"))
            fail(node, field, "secrets are given as env:VARIABLE_NAME, never in the file");
        const auto name = reference.substr(4);
        if (name.empty())
            fail(node, field, "env: needs a variable name");
        const auto value = m_environment(name);
        if (!value || value->empty())
            fail(node, field, "environment variable " + name + " is not set");
        return *value;
    }

    template<typename Fn>
    void forEach(const YAML::Node& parent, const char* key, Fn&& fn) const
    {
        const auto list = parent[key];
        if (!list.IsDefined() || list.IsNull())
            return;
        if (!list.IsSequence())
            fail(list, key, "expected a list");
        for (std::size_t i = 0; i < list.size(); ++i)
            fn(list[i], std::string(key) + "[" + std::to_string(i) + "]");
    }

    HostPort hostPort(const YAML::Node& node, const std::string& field) const
    {
        try {
            return parseHostPort(string(node, field));
        } catch (const ConfigError& error) {
            fail(node, field, error.what());
        }
    }

    const std::string& source() const { return m_source; }

private:
    std::string m_source;
    const EnvironmentLookup& m_environment;
};

void readServer(const Reader& r, const YAML::Node& node, ServerSettings& server)
{
    r.expectMap(node, "server",
        {"listen", "admin_listen", "threads", "max_body_bytes", "max_header_bytes", "read_timeout_ms",
            "idle_timeout_ms", "drain_timeout_ms"});
    if (node["listen"])
        server.listen = r.hostPort(node["listen"], "server.listen");
    if (node["admin_listen"])
        server.adminListen = r.hostPort(node["admin_listen"], "server.admin_listen");
    if (node["threads"])
        server.threads = static_cast<int>(r.integer(node["threads"], "server.threads", 0, 256));
    if (node["max_body_bytes"])
        server.maxBodyBytes = r.integer(node["max_body_bytes"], "server.max_body_bytes", 1024, 1LL << 30);
    if (node["max_header_bytes"])
        server.maxHeaderBytes = r.integer(node["max_header_bytes"], "server.max_header_bytes", 1024, 1 << 20);
    if (node["read_timeout_ms"])
        server.readTimeout = r.millis(node["read_timeout_ms"], "server.read_timeout_ms", 1);
    if (node["idle_timeout_ms"])
        server.idleTimeout = r.millis(node["idle_timeout_ms"], "server.idle_timeout_ms", 1);
    if (node["drain_timeout_ms"])
        server.drainTimeout = r.millis(node["drain_timeout_ms"], "server.drain_timeout_ms");
}

void readLog(const Reader& r, const YAML::Node& node, LogSettings& log)
{
    r.expectMap(node, "log", {"level", "json"});
    if (node["level"]) {
        log.level = r.string(node["level"], "log.level");
        static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
        if (!levels.count(log.level))
            r.fail(node["level"], "log.level", "expected one of trace, debug, info, warn, error, off");
    }
    if (node["json"])
        log.json = r.boolean(node["json"], "log.json");
}

void readStorage(const Reader& r, const YAML::Node& node, StorageSettings& storage)
{
    r.expectMap(node, "storage", {"writer_queue_capacity", "writer_batch_size", "writer_flush_interval_ms", "retention"});
    if (node["writer_queue_capacity"])
        storage.writerQueueCapacity = r.integer(node["writer_queue_capacity"], "storage.writer_queue_capacity", 100, 100000000);
    if (node["writer_batch_size"])
        storage.writerBatchSize = r.integer(node["writer_batch_size"], "storage.writer_batch_size", 1, 100000);
    if (node["writer_flush_interval_ms"])
        storage.writerFlushInterval = r.millis(node["writer_flush_interval_ms"], "storage.writer_flush_interval_ms");
    if (!node["retention"])
        return;
    const auto retention = node["retention"];
    r.expectMap(retention, "storage.retention", {"calls_max_age_days", "calls_max_mb", "minute_rollups_max_age_days",
        "hour_rollups_max_age_days", "day_rollups_max_age_days", "prune_interval_s"});
    auto& settings = storage.retention;
    const std::pair<const char*, int64_t*> days[] = {{"calls_max_age_days", &settings.callsMaxAgeDays},
        {"minute_rollups_max_age_days", &settings.minuteRollupsMaxAgeDays}, {"hour_rollups_max_age_days", &settings.hourRollupsMaxAgeDays},
        {"day_rollups_max_age_days", &settings.dayRollupsMaxAgeDays}};
    for (const auto& [key, value] : days) {
        if (retention[key])
            *value = r.integer(retention[key], std::string("storage.retention.") + key, 0, 36500);
    }
    if (retention["calls_max_mb"])
        settings.callsMaxMegabytes = r.integer(retention["calls_max_mb"], "storage.retention.calls_max_mb", 0, 16 * 1024 * 1024);
    if (retention["prune_interval_s"])
        settings.pruneInterval = std::chrono::seconds(r.integer(retention["prune_interval_s"], "storage.retention.prune_interval_s", 1, 86400));
}

void readCapture(const Reader& r, const YAML::Node& node, CaptureSettings& capture)
{
    r.expectMap(node, "capture", {"max_bytes", "redact"});
    if (node["max_bytes"])
        capture.maxBytes = r.integer(node["max_bytes"], "capture.max_bytes", 1024, 16 * 1024 * 1024);
    if (!node["redact"])
        return;
    capture.redact.clear(); // the list replaces the defaults
    r.forEach(node, "redact", [&](const YAML::Node& item, const std::string& field) {
        auto pattern = r.string(item, "capture." + field);
        if (pattern.empty())
            r.fail(item, "capture." + field, "must not be empty");
        if (const auto problem = PayloadRedactor::patternProblem(pattern))
            r.fail(item, "capture." + field, "not a regular expression (ECMAScript): " + *problem);
        capture.redact.push_back(std::move(pattern));
    });
}

void readMetrics(const Reader& r, const YAML::Node& node, MetricsSettings& metrics)
{
    r.expectMap(node, "metrics", {"enabled", "bearer_token", "max_label_sets"});
    if (node["enabled"])
        metrics.enabled = r.boolean(node["enabled"], "metrics.enabled");
    if (node["bearer_token"]) {
        metrics.bearerTokenReference = r.string(node["bearer_token"], "metrics.bearer_token");
        metrics.bearerToken = r.secret(node["bearer_token"], "metrics.bearer_token");
    }
    if (node["max_label_sets"])
        metrics.maxLabelSets = r.integer(node["max_label_sets"], "metrics.max_label_sets", 1, 100000);
}

// The node at `path` below `node` ("rules[0].deployments[1]"; a key that contains dots is found
// too), or the deepest node on the way that exists: where a problem is reported.
YAML::Node locate(const YAML::Node& node, std::string_view path)
{
    if (path.empty())
        return node;
    if (node.IsMap()) {
        const auto direct = node[std::string(path)];
        if (direct.IsDefined())
            return direct;
    }
    if (path.front() == '.')
        return locate(node, path.substr(1));
    if (path.front() == '[') {
        const auto close = path.find(']');
        std::size_t index = 0;
        if (close == std::string_view::npos || std::from_chars(path.data() + 1, path.data() + close, index).ec != std::errc()
            || !node.IsSequence() || index >= node.size())
            return node;
        return locate(node[index], path.substr(close + 1));
    }
    const auto end = std::min(path.find_first_of(".["), path.size());
    if (!node.IsMap())
        return node;
    const auto next = node[std::string(path.substr(0, end))];
    return next.IsDefined() ? locate(next, path.substr(end)) : node;
}

// A problem from the shared rules ("models[2].fallbacks[0]: no model named 'x'"), reported at
// its place in the file.
[[noreturn]] void failAt(const Reader& r, const YAML::Node& root, const std::string& problem)
{
    const auto colon = problem.find(": ");
    const auto field = problem.substr(0, colon);
    r.fail(locate(root, field), field, colon == std::string::npos ? problem : problem.substr(colon + 2));
}

// A YAML mapping seen through the shared provider and model rules (config/ProviderValidation.h),
// so the file and the admin API validate alike; problems name the file, line and field.
class YamlSettingsNode final : public SettingsNode {
public:
    YamlSettingsNode(const Reader& reader, YAML::Node node, std::string field)
        : m_reader(reader)
        , m_node(std::move(node))
        , m_field(std::move(field))
    {
    }

    std::vector<std::string> keys() const override
    {
        requireMap();
        std::vector<std::string> names;
        for (const auto& entry : m_node)
            names.push_back(entry.first.as<std::string>());
        return names;
    }
    bool has(std::string_view key) const override
    {
        requireMap();
        const auto value = m_node[std::string(key)];
        return value.IsDefined() && !value.IsNull();
    }
    std::string text(std::string_view key) const override { return m_reader.string(at(key), field(key)); }
    long long integer(std::string_view key, long long min, long long max) const override
    {
        return m_reader.integer(at(key), field(key), min, max);
    }
    bool boolean(std::string_view key) const override { return m_reader.boolean(at(key), field(key)); }
    double number(std::string_view key) const override
    {
        const auto value = at(key);
        try {
            if (value.IsScalar())
                return value.as<double>();
        } catch (const YAML::Exception&) {
        }
        m_reader.fail(value, field(key), "expected a number");
    }
    std::unique_ptr<SettingsNode> child(std::string_view key) const override
    {
        const auto value = present(key);
        if (!value.IsMap())
            m_reader.fail(value, field(key), "expected a mapping");
        return std::make_unique<YamlSettingsNode>(m_reader, value, field(key));
    }
    std::vector<std::string> texts(std::string_view key) const override
    {
        const auto value = present(key);
        if (!value.IsSequence())
            return {m_reader.string(value, field(key))};
        std::vector<std::string> values;
        for (std::size_t i = 0; i < value.size(); ++i)
            values.push_back(m_reader.string(value[i], field(key) + "[" + std::to_string(i) + "]"));
        return values;
    }
    void forEach(std::string_view key, const std::function<void(const SettingsNode&)>& item) const override
    {
        requireMap();
        const auto list = at(key);
        if (!list.IsDefined() || list.IsNull())
            return;
        if (!list.IsSequence())
            m_reader.fail(list, field(key), "expected a list");
        for (std::size_t i = 0; i < list.size(); ++i)
            item(YamlSettingsNode(m_reader, list[i], field(key) + "[" + std::to_string(i) + "]"));
    }
    [[noreturn]] void fail(std::string_view key, const std::string& problem, SettingsProblem) const override
    {
        m_reader.fail(locate(m_node, key), field(key), problem);
    }

private:
    void requireMap() const
    {
        if (!m_node.IsMap())
            m_reader.fail(m_node, m_field, "expected a mapping");
    }
    // The value at `key`, which must be there and not null.
    YAML::Node present(std::string_view key) const
    {
        if (!has(key))
            fail(key, "is required", SettingsProblem::Missing);
        return at(key);
    }
    YAML::Node at(std::string_view key) const { return m_node[std::string(key)]; }
    std::string field(std::string_view key) const
    {
        if (key.empty())
            return m_field;
        return m_field.empty() ? std::string(key) : m_field + "." + std::string(key);
    }

    const Reader& m_reader;
    const YAML::Node m_node;
    std::string m_field;
};

ProviderConfig readProvider(const Reader& r, const YAML::Node& node, const std::string& field)
{
    auto provider = readProviderEntry(YamlSettingsNode(r, node, field), {"api_key", {}});
    // The file names its credential as env:NAME and it must be set now: the gateway does not
    // start with a provider it cannot call.
    if (node["api_key"]) {
        provider.apiKeyReference = r.string(node["api_key"], field + ".api_key");
        provider.apiKey = r.secret(node["api_key"], field + ".api_key");
    }
    return provider;
}

ModelConfig readModel(const Reader& r, const YAML::Node& node, const std::string& field, const GatewayConfig& config)
{
    return readModelEntry(YamlSettingsNode(r, node, field),
        [&](const std::string& provider) { return config.findProvider(provider) != nullptr; });
}

void readRetry(const SettingsNode& node, RetrySettings& retry)
{
    node.expectKeys({"max_attempts", "base_delay_ms", "max_delay_ms", "max_retry_after_ms", "retry_timeouts"});
    if (node.has("max_attempts"))
        retry.maxAttempts = static_cast<int>(node.integer("max_attempts", 1, 10));
    if (node.has("base_delay_ms"))
        retry.baseDelay = node.millis("base_delay_ms");
    if (node.has("max_delay_ms"))
        retry.maxDelay = node.millis("max_delay_ms");
    if (node.has("max_retry_after_ms"))
        retry.maxRetryAfter = node.millis("max_retry_after_ms");
    if (node.has("retry_timeouts"))
        retry.retryTimeouts = node.boolean("retry_timeouts");
}

void readCircuitBreaker(const SettingsNode& node, CircuitBreakerSettings& breaker)
{
    node.expectKeys({"consecutive_failures", "failure_ratio", "minimum_requests", "window_ms", "cooldown_ms"});
    if (node.has("consecutive_failures"))
        breaker.consecutiveFailures = static_cast<int>(node.integer("consecutive_failures", 0, 1000));
    if (node.has("failure_ratio"))
        breaker.failureRatio = node.decimal("failure_ratio", 0, 1);
    if (node.has("minimum_requests"))
        breaker.minimumRequests = static_cast<int>(node.integer("minimum_requests", 1, 1000000));
    if (node.has("window_ms"))
        breaker.window = node.millis("window_ms", 1);
    if (node.has("cooldown_ms"))
        breaker.cooldown = node.millis("cooldown_ms");
}

void readCache(const SettingsNode& node, PolicySettings& policy)
{
    node.expectKeys({"max_bytes", "default_ttl_s"});
    if (node.has("max_bytes"))
        policy.cacheMaxBytes = static_cast<std::size_t>(node.integer("max_bytes", 0, 16LL << 30));
    if (node.has("default_ttl_s"))
        policy.cacheDefaultTtl = std::chrono::seconds(node.integer("default_ttl_s", 0, kMaxCacheTtlSeconds));
}

void readLimits(const SettingsNode& node, const GatewayConfig& config, std::vector<ScopedLimits>& limits)
{
    std::map<std::pair<ScopeKind, std::string>, std::size_t> seen;
    node.forEach("limits", [&](const SettingsNode& item) {
        ScopedLimits entry = readLimitEntry(item);
        const auto& scope = entry.scope;
        if (scope.kind == ScopeKind::Model) {
            const auto* model = config.findModel(scope.id);
            if (!model)
                item.fail("id", "no model named '" + scope.id + "'", SettingsProblem::UnknownReference);
            if (model->limits.any())
                item.fail("id", "the model's entry sets its limits already (models[].limits): set them in one place",
                    SettingsProblem::BadValue);
        }
        const auto [first, inserted] = seen.emplace(std::pair{scope.kind, scope.id}, limits.size());
        if (!inserted)
            item.fail("id", scope.describe() + " already has limits (policy.limits[" + std::to_string(first->second) + "])",
                SettingsProblem::BadValue);
        limits.push_back(std::move(entry));
    });
}

void readBudgets(const SettingsNode& node, std::vector<BudgetDefinition>& budgets)
{
    std::map<std::tuple<ScopeKind, std::string, BudgetPeriod>, std::size_t> seen;
    node.forEach("budgets", [&](const SettingsNode& item) {
        BudgetDefinition budget = readBudgetEntry(item);
        const auto [first, inserted] = seen.emplace(std::tuple{budget.scope.kind, budget.scope.id, budget.period}, budgets.size());
        if (!inserted)
            item.fail("id", "the " + budget.describe() + " is declared twice (policy.budgets[" + std::to_string(first->second) + "])",
                SettingsProblem::BadValue);
        budgets.push_back(std::move(budget));
    });
}

// The policy section (YAML only): read through the shared readers, after the models it names.
void readPolicy(const Reader& r, const YAML::Node& yaml, GatewayConfig& config)
{
    const YamlSettingsNode node(r, yaml, "policy");
    node.expectKeys({"retry", "circuit_breaker", "cache", "assumed_completion_tokens", "limits", "budgets"});
    auto& policy = config.policy;
    if (node.has("retry"))
        readRetry(*node.child("retry"), policy.retry);
    if (node.has("circuit_breaker"))
        readCircuitBreaker(*node.child("circuit_breaker"), policy.circuitBreaker);
    if (node.has("cache"))
        readCache(*node.child("cache"), policy);
    if (node.has("assumed_completion_tokens"))
        policy.assumedCompletionTokens = node.integer("assumed_completion_tokens", 1, 10'000'000);
    readLimits(node, config, policy.limits);
    readBudgets(node, policy.budgets);
}

// The file's price table entries (docs/pricing.md), through the reader the admin API uses too. An
// entry without effective_date takes effect from the start (1970-01-01), so a file never changes
// meaning with the day it is read.
void readPrices(const Reader& r, const YAML::Node& root, std::vector<PriceEntry>& prices)
{
    r.forEach(root, "prices", [&](const YAML::Node& item, const std::string& field) {
        const YamlSettingsNode node(r, item, field);
        auto entry = readPriceEntry(node, PriceOrigin::File, "1970-01-01");
        for (std::size_t i = 0; i < prices.size(); ++i) {
            if (prices[i].sameSlot(entry))
                node.fail("model", "the price of '" + entry.model + "' from " + entry.effectiveDate + " is declared twice (prices["
                    + std::to_string(i) + "])", SettingsProblem::BadValue);
        }
        prices.push_back(std::move(entry));
    });
}

KeyConfig readKey(const Reader& r, const YAML::Node& node, const std::string& field, const GatewayConfig& config)
{
    r.expectMap(node, field, {"name", "key", "tenant", "models"});
    KeyConfig key;
    key.name = r.requiredString(node, "name", field);
    if (!node["key"])
        r.fail(node, field + ".key", "is required (env:VARIABLE_NAME)");
    key.secretReference = r.string(node["key"], field + ".key");
    key.secret = r.secret(node["key"], field + ".key");
    if (key.secret.size() < 20)
        r.fail(node["key"], field + ".key", "the key must be at least 20 characters long");
    if (node["tenant"])
        key.tenant = r.string(node["tenant"], field + ".tenant");
    r.forEach(node, "models", [&](const YAML::Node& item, const std::string& itemField) {
        const auto name = r.string(item, field + "." + itemField);
        const bool known = std::any_of(config.models.begin(), config.models.end(), [&](const auto& m) { return m.name == name; });
        if (!known)
            r.fail(item, field + "." + itemField, "no model named '" + name + "'");
        key.allowedModels.push_back(name);
    });
    return key;
}

template<typename T>
void rejectDuplicateNames(const Reader& r, const YAML::Node& list, const std::vector<T>& items, const char* what)
{
    std::set<std::string> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!seen.insert(items[i].name).second)
            r.fail(list[i], std::string(what) + "[" + std::to_string(i) + "].name", "'" + items[i].name + "' is declared twice");
    }
}

} // namespace

EnvironmentLookup processEnvironment()
{
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value)
            return std::nullopt;
        return std::string(value);
    };
}

ConfigLoader::ConfigLoader(EnvironmentLookup environment)
    : m_environment(std::move(environment))
{
}

GatewayConfig ConfigLoader::loadText(std::string_view yaml, const std::string& sourceName) const
{
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& error) {
        throw ConfigError(sourceName + ":" + std::to_string(error.mark.line + 1) + ": not valid YAML: " + error.msg);
    }
    const Reader r(sourceName, m_environment);
    GatewayConfig config;
    config.source = sourceName;
    if (root.IsNull())
        return config;
    r.expectMap(root, "", {"server", "log", "storage", "capture", "metrics", "providers", "models", "keys", "policy", "prices"});
    if (root["server"])
        readServer(r, root["server"], config.server);
    if (root["log"])
        readLog(r, root["log"], config.log);
    if (root["storage"])
        readStorage(r, root["storage"], config.storage);
    if (root["capture"])
        readCapture(r, root["capture"], config.capture);
    if (root["metrics"])
        readMetrics(r, root["metrics"], config.metrics);
    r.forEach(root, "providers", [&](const YAML::Node& node, const std::string& field) {
        config.providers.push_back(readProvider(r, node, field));
    });
    rejectDuplicateNames(r, root["providers"], config.providers, "providers");
    r.forEach(root, "models", [&](const YAML::Node& node, const std::string& field) {
        config.models.push_back(readModel(r, node, field, config));
    });
    rejectDuplicateNames(r, root["models"], config.models, "models");
    if (const auto problems = modelReferenceProblems(config.models); !problems.empty())
        failAt(r, root, problems.front());
    r.forEach(root, "keys", [&](const YAML::Node& node, const std::string& field) {
        config.keys.push_back(readKey(r, node, field, config));
    });
    rejectDuplicateNames(r, root["keys"], config.keys, "keys");
    if (root["policy"])
        readPolicy(r, root["policy"], config);
    readPrices(r, root, config.prices);
    return config;
}

GatewayConfig ConfigLoader::loadFile(const std::string& path) const
{
    std::ifstream file(path);
    if (!file)
        throw ConfigError(path + ": cannot open the configuration file");
    std::stringstream text;
    text << file.rdbuf();
    return loadText(text.str(), path);
}

} // namespace gatehouse
