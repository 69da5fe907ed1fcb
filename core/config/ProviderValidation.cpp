#include "config/ProviderValidation.h"

#include "config/PriceSettings.h"

#include "config/AddressParsing.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

namespace gatehouse {
namespace {

constexpr std::size_t kMaxNameLength = 256;
constexpr long long kMaxMillis = 24LL * 3600 * 1000;
constexpr long long kMaxRateLimit = 1'000'000'000'000; // what RateLimiter counts up to
constexpr long long kMaxPriority = 1'000'000;

// 0.5, 100, 1000000: bounds in messages as they would be written in the file.
std::string formatNumber(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    return text;
}

std::string indexed(std::string_view key, std::size_t index)
{
    return std::string(key) + "[" + std::to_string(index) + "]";
}

// `scope` and `id` of a limit or budget entry.
PolicyScope readScope(const SettingsNode& item, bool modelAllowed)
{
    const auto name = item.requiredText("scope");
    const std::string expected = modelAllowed ? "tenant, consumer, key or model" : "tenant, consumer or key";
    const auto kinds = {ScopeKind::Tenant, ScopeKind::Consumer, ScopeKind::ApiKey, ScopeKind::Model};
    const auto kind = std::find_if(kinds.begin(), kinds.end(), [&](ScopeKind k) { return scopeKindName(k) == name; });
    if (kind == kinds.end())
        item.fail("scope", "unknown scope '" + name + "' (expected " + expected + ")", SettingsProblem::BadValue);
    if (*kind == ScopeKind::Model && !modelAllowed)
        item.fail("scope", "budgets apply to a " + expected + ", not to a model", SettingsProblem::BadValue);
    PolicyScope scope{*kind, item.requiredText("id")};
    checkScopeId(item, "id", scope.kind, scope.id);
    return scope;
}

// Dollars as integer micro-dollars, rounded to the nearest.
int64_t readMicros(const SettingsNode& item, std::string_view key)
{
    return std::llround(item.decimal(key, 0, 1e9) * 1e6);
}

// Provider and model names appear in URLs, logs and error messages: one line, a sane length.
std::string readName(const SettingsNode& node, std::string_view key = "name")
{
    auto name = node.requiredText(key);
    if (name.size() > kMaxNameLength)
        node.fail(key, "must be at most " + std::to_string(kMaxNameLength) + " characters", SettingsProblem::BadValue);
    for (const unsigned char c : name) {
        if (c < 0x20 || c == 0x7f)
            node.fail(key, "must not contain control characters", SettingsProblem::BadValue);
    }
    return name;
}

void readMockProvider(const SettingsNode& node, const ProviderEntryKeys& keys, ProviderConfig& provider)
{
    std::set<std::string> allowed{"name", "kind", "latency_ms", "stream_chunks", "chunk_interval_ms"};
    allowed.insert(keys.extraKeys.begin(), keys.extraKeys.end());
    node.expectKeys(allowed);
    if (node.has("latency_ms"))
        provider.mock.latency = node.millis("latency_ms");
    if (node.has("stream_chunks"))
        provider.mock.streamChunks = static_cast<int>(node.integer("stream_chunks", 1, 10000));
    if (node.has("chunk_interval_ms"))
        provider.mock.chunkInterval = node.millis("chunk_interval_ms");
}

// Every kind that speaks HTTP: where the API is, TLS and timeouts, and the settings only some
// kinds have (refused on the others, so a misplaced key is noticed).
void readHttpProvider(const SettingsNode& node, const ProviderEntryKeys& keys, const ProviderKindInfo& info,
    ProviderConfig& provider)
{
    const bool openAiFamily = info.kind == ProviderKind::OpenAi || info.kind == ProviderKind::OpenAiCompatible
        || info.kind == ProviderKind::AzureOpenAi;
    std::set<std::string> allowed{"name", "kind", "base_url", "ca_file", "connect_timeout_ms", "read_timeout_ms", "max_idle_connections"};
    if (!keys.credentialKey.empty())
        allowed.insert(keys.credentialKey);
    allowed.insert(keys.extraKeys.begin(), keys.extraKeys.end());
    if (*info.defaultApiVersion)
        allowed.insert("api_version");
    if (info.kind == ProviderKind::Anthropic)
        allowed.insert("default_max_tokens");
    if (openAiFamily)
        allowed.insert("stream_usage");
    node.expectKeys(allowed);

    std::string url = info.defaultBaseUrl;
    if (node.has("base_url"))
        url = node.text("base_url");
    else if (url.empty())
        node.fail("base_url", std::string("is required for kind ") + info.name, SettingsProblem::Missing);
    try {
        provider.baseUrl = parseUpstreamUrl(url);
    } catch (const ConfigError& error) {
        node.fail("base_url", error.what(), SettingsProblem::BadValue);
    }
    if (node.has("ca_file")) {
        provider.caFile = node.text("ca_file");
        if (!std::ifstream(provider.caFile))
            node.fail("ca_file", "cannot read " + provider.caFile, SettingsProblem::BadValue);
    }
    if (node.has("connect_timeout_ms"))
        provider.connectTimeout = node.millis("connect_timeout_ms", 1);
    if (node.has("read_timeout_ms"))
        provider.readTimeout = node.millis("read_timeout_ms", 1);
    if (node.has("max_idle_connections"))
        provider.maxIdleConnections = static_cast<int>(node.integer("max_idle_connections", 0, 100000));
    provider.apiVersion = node.has("api_version") ? node.text("api_version") : info.defaultApiVersion;
    if (node.has("default_max_tokens"))
        provider.defaultMaxTokens = static_cast<int>(node.integer("default_max_tokens", 1, 10000000));
    if (node.has("stream_usage"))
        provider.quirks.streamUsage = node.boolean("stream_usage");
}

} // namespace

std::string SettingsNode::requiredText(std::string_view key) const
{
    if (!has(key))
        fail(key, "is required", SettingsProblem::Missing);
    auto value = text(key);
    if (value.empty())
        fail(key, "must not be empty", SettingsProblem::BadValue);
    return value;
}

std::chrono::milliseconds SettingsNode::millis(std::string_view key, long long min) const
{
    return std::chrono::milliseconds(integer(key, min, kMaxMillis));
}

double SettingsNode::decimal(std::string_view key, double min, double max) const
{
    if (!has(key))
        fail(key, "is required", SettingsProblem::Missing);
    const auto value = number(key);
    if (!(value >= min && value <= max))
        fail(key, "must be between " + formatNumber(min) + " and " + formatNumber(max), SettingsProblem::BadValue);
    return value;
}

std::vector<std::pair<std::string, std::vector<std::string>>> SettingsNode::namedTexts(std::string_view key) const
{
    const auto mapping = child(key);
    std::vector<std::pair<std::string, std::vector<std::string>>> entries;
    for (const auto& name : mapping->keys())
        entries.emplace_back(name, mapping->texts(name));
    return entries;
}

void SettingsNode::expectKeys(const std::set<std::string>& allowed) const
{
    for (const auto& key : keys()) {
        if (!allowed.count(key)) {
            std::string list;
            for (const auto& name : allowed)
                list += (list.empty() ? "" : ", ") + name;
            fail(key, "unknown setting (expected one of: " + list + ")", SettingsProblem::UnknownKey);
        }
    }
}

ProviderConfig readProviderEntry(const SettingsNode& node, const ProviderEntryKeys& keys)
{
    ProviderConfig provider;
    provider.name = readName(node);
    const auto kind = node.requiredText("kind");
    const auto* info = findProviderKind(kind);
    if (!info)
        node.fail("kind", "unknown provider kind '" + kind + "' (expected one of " + providerKindNames() + ")",
            SettingsProblem::BadValue);
    provider.kind = info->kind;
    if (info->kind == ProviderKind::Mock)
        readMockProvider(node, keys, provider);
    else
        readHttpProvider(node, keys, *info, provider);
    return provider;
}

namespace {

// A `limits:` mapping of a model or a deployment.
RateLimits readLimitsObject(const SettingsNode& limits)
{
    limits.expectKeys({"requests_per_minute", "tokens_per_minute", "concurrent"});
    return readRateLimits(limits);
}

DeploymentConfig readDeployment(const SettingsNode& item, const std::function<bool(const std::string&)>& providerExists)
{
    item.expectKeys({"provider", "model", "weight", "priority", "price", "limits"});
    DeploymentConfig deployment;
    deployment.provider = item.requiredText("provider");
    if (!providerExists(deployment.provider))
        item.fail("provider", "no provider named '" + deployment.provider + "'", SettingsProblem::UnknownReference);
    deployment.upstreamModel = item.requiredText("model");
    if (item.has("weight"))
        deployment.weight = static_cast<int>(item.integer("weight", 1, 1000000));
    if (item.has("priority"))
        deployment.priority = static_cast<int>(item.integer("priority", -kMaxPriority, kMaxPriority));
    if (item.has("price"))
        deployment.price = readTokenPrice(*item.child("price"));
    if (item.has("limits"))
        deployment.limits = readLimitsObject(*item.child("limits"));
    return deployment;
}

// Fallback model names: never empty, never the model itself (whether they exist is
// modelReferenceProblems' question: it needs every model).
std::vector<std::string> readFallbacks(const SettingsNode& node, std::string_view key, const std::string& self)
{
    if (!node.has(key))
        return {};
    auto names = node.texts(key);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i].empty())
            node.fail(indexed(key, i), "must not be empty", SettingsProblem::BadValue);
        if (names[i] == self)
            node.fail(indexed(key, i), "a model cannot fall back to itself", SettingsProblem::BadValue);
    }
    return names;
}

// One condition per field of a rule's `match:`; every one must hold.
std::vector<MatchCondition> readMatch(const SettingsNode& match)
{
    match.expectKeys({"tenant", "consumer", "key", "headers", "metadata"});
    std::vector<MatchCondition> conditions;
    const std::pair<const char*, MatchField> scopes[] = {
        {"tenant", MatchField::Tenant}, {"consumer", MatchField::Consumer}, {"key", MatchField::ApiKey}};
    for (const auto& [key, field] : scopes) {
        if (!match.has(key))
            continue;
        MatchCondition condition{field, {}, match.texts(key)};
        if (condition.values.empty())
            match.fail(key, "needs at least one value", SettingsProblem::BadValue);
        const auto kind = field == MatchField::Tenant ? ScopeKind::Tenant
            : field == MatchField::Consumer           ? ScopeKind::Consumer
                                                      : ScopeKind::ApiKey;
        for (std::size_t i = 0; i < condition.values.size(); ++i)
            checkScopeId(match, indexed(key, i), kind, condition.values[i]);
        conditions.push_back(std::move(condition));
    }
    for (const auto& [key, field] : {std::pair{"headers", MatchField::Header}, std::pair{"metadata", MatchField::Metadata}}) {
        if (!match.has(key))
            continue;
        for (auto& [name, values] : match.namedTexts(key)) {
            const auto where = std::string(key) + "." + name;
            if (name.empty())
                match.fail(key, "a name must not be empty", SettingsProblem::BadValue);
            if (values.empty())
                match.fail(where, "needs at least one value", SettingsProblem::BadValue);
            if (field == MatchField::Header) {
                for (auto& c : name)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            conditions.push_back({field, name, std::move(values)});
        }
    }
    return conditions;
}

std::vector<RoutingRule> readRules(const SettingsNode& node)
{
    std::vector<RoutingRule> rules;
    std::set<std::string> names;
    node.forEach("rules", [&](const SettingsNode& item) {
        item.expectKeys({"name", "match", "deployments", "fall_back_to_others"});
        RoutingRule rule;
        rule.name = readName(item);
        if (!names.insert(rule.name).second)
            item.fail("name", "'" + rule.name + "' is declared twice in this model", SettingsProblem::BadValue);
        if (item.has("match"))
            rule.conditions = readMatch(*item.child("match"));
        if (!item.has("deployments"))
            item.fail("deployments", "a rule needs at least one deployment", SettingsProblem::Missing);
        rule.deployments = item.texts("deployments");
        if (item.has("fall_back_to_others"))
            rule.fallBackToOthers = item.boolean("fall_back_to_others");
        rules.push_back(std::move(rule));
    });
    return rules;
}

// The checks DeploymentPicker's own validation makes (rule and canary deployments that are not
// this model's, a deployment listed twice); its fields are this entry's fields.
void checkRoute(const SettingsNode& node, const ModelConfig& model)
{
    const auto policy = routePolicyFor(model);
    const auto problems = validateRoutePolicy(policy);
    if (problems.empty())
        return;
    const auto& problem = problems.front();
    const auto colon = problem.find(": ");
    const auto field = colon == std::string::npos ? std::string() : problem.substr(0, colon);
    auto message = colon == std::string::npos ? problem : problem.substr(colon + 2);
    if (message.starts_with("no deployment '")) {
        std::string ids;
        for (const auto& target : policy.deployments)
            ids += (ids.empty() ? "" : ", ") + target.id;
        message += " (this model's deployments: " + ids + ")";
    }
    node.fail(field, message, SettingsProblem::BadValue);
}

} // namespace

ModelConfig readModelEntry(const SettingsNode& node, const std::function<bool(const std::string&)>& providerExists,
    const ModelEntryKeys& keys)
{
    std::set<std::string> allowed{keys.nameKey, "deployments", "strategy", "rules", "canary", "fallbacks",
        "context_window_fallbacks", "cache_ttl_s", "limits", "capture_payloads"};
    allowed.insert(keys.extraKeys.begin(), keys.extraKeys.end());
    node.expectKeys(allowed);
    ModelConfig model;
    model.name = readName(node, keys.nameKey);
    node.forEach("deployments", [&](const SettingsNode& item) { model.deployments.push_back(readDeployment(item, providerExists)); });
    if (model.deployments.empty())
        node.fail("deployments", "a model needs at least one deployment", SettingsProblem::Missing);
    if (node.has("strategy")) {
        const auto name = node.text("strategy");
        const auto strategy = parseRoutingStrategy(name);
        if (!strategy)
            node.fail("strategy", "unknown strategy '" + name + "' (expected one of weighted, round_robin, least_latency, lowest_cost, fallback)",
                SettingsProblem::BadValue);
        model.strategy = *strategy;
    }
    model.rules = readRules(node);
    if (node.has("canary")) {
        const auto canary = node.child("canary");
        canary->expectKeys({"deployment", "percent"});
        model.canary = CanarySplit{canary->requiredText("deployment"), canary->decimal("percent", 0, 100)};
    }
    model.fallbacks = readFallbacks(node, "fallbacks", model.name);
    model.contextWindowFallbacks = readFallbacks(node, "context_window_fallbacks", model.name);
    if (node.has("cache_ttl_s"))
        model.cacheTtl = std::chrono::seconds(node.integer("cache_ttl_s", 0, kMaxCacheTtlSeconds));
    if (node.has("limits"))
        model.limits = readLimitsObject(*node.child("limits"));
    if (node.has("capture_payloads"))
        model.capturePayloads = node.boolean("capture_payloads");
    checkRoute(node, model);
    return model;
}

std::vector<std::string> modelReferenceProblems(const std::vector<ModelConfig>& models)
{
    std::set<std::string> names;
    for (const auto& model : models)
        names.insert(model.name);
    std::vector<std::string> problems;
    // A deployment's limits are the upstream's quota, one per provider and upstream model: every
    // model routing to it must agree on them (the first that sets them is where they are read).
    std::map<std::pair<std::string, std::string>, std::pair<RateLimits, std::string>> deploymentLimits;
    for (std::size_t m = 0; m < models.size(); ++m) {
        for (std::size_t d = 0; d < models[m].deployments.size(); ++d) {
            const auto& deployment = models[m].deployments[d];
            if (!deployment.limits.any())
                continue;
            const auto where = indexed("models", m) + "." + indexed("deployments", d);
            const auto [first, inserted] = deploymentLimits.try_emplace({deployment.provider, deployment.upstreamModel}, deployment.limits, where);
            if (!inserted && first->second.first != deployment.limits)
                problems.push_back(where + ".limits: provider '" + deployment.provider + "' model '" + deployment.upstreamModel
                    + "' has other limits at " + first->second.second + "; a deployment's limits are its quota, set them alike");
        }
    }
    for (std::size_t m = 0; m < models.size(); ++m) {
        for (const auto& [list, key] : {std::pair{&models[m].fallbacks, "fallbacks"},
                 std::pair{&models[m].contextWindowFallbacks, "context_window_fallbacks"}}) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                if (!names.count((*list)[i]))
                    problems.push_back(indexed("models", m) + "." + indexed(key, i) + ": no model named '" + (*list)[i] + "'");
            }
        }
    }
    return problems;
}

RateLimits readRateLimits(const SettingsNode& node)
{
    RateLimits limits;
    for (const auto& [key, limit] : {std::pair{"requests_per_minute", &limits.requestsPerMinute},
             std::pair{"tokens_per_minute", &limits.tokensPerMinute}, std::pair{"concurrent", &limits.concurrentRequests}}) {
        if (node.has(key))
            *limit = node.integer(key, 0, kMaxRateLimit);
    }
    return limits;
}

void checkScopeId(const SettingsNode& node, std::string_view key, ScopeKind kind, const std::string& id)
{
    if (id.empty())
        node.fail(key, "must not be empty", SettingsProblem::BadValue);
    if (kind == ScopeKind::Consumer) {
        const auto slash = id.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == id.size())
            node.fail(key, "'" + id + "': a consumer is named tenant/consumer", SettingsProblem::BadValue);
    }
}

ScopedLimits readLimitEntry(const SettingsNode& node)
{
    node.expectKeys({"scope", "id", "requests_per_minute", "tokens_per_minute", "concurrent"});
    ScopedLimits entry{readScope(node, true), readRateLimits(node)};
    if (!entry.limits.any())
        node.fail("", "a limit needs at least one of requests_per_minute, tokens_per_minute, concurrent", SettingsProblem::Missing);
    return entry;
}

BudgetDefinition readBudgetEntry(const SettingsNode& node)
{
    node.expectKeys({"scope", "id", "period", "limit_usd", "soft_limit_usd", "soft_limit_fraction"});
    BudgetDefinition budget;
    budget.scope = readScope(node, false);
    if (node.has("period")) {
        const auto name = node.text("period");
        const auto period = parseBudgetPeriod(name);
        if (!period)
            node.fail("period", "unknown period '" + name + "' (expected daily, weekly, monthly or total)", SettingsProblem::BadValue);
        budget.period = *period;
    }
    budget.limitMicros = readMicros(node, "limit_usd");
    if (budget.limitMicros <= 0)
        node.fail("limit_usd", "must be more than 0", SettingsProblem::BadValue);
    if (node.has("soft_limit_usd") && node.has("soft_limit_fraction"))
        node.fail("soft_limit_fraction", "give soft_limit_usd or soft_limit_fraction, not both", SettingsProblem::BadValue);
    if (node.has("soft_limit_usd")) {
        budget.softLimitMicros = readMicros(node, "soft_limit_usd");
        if (*budget.softLimitMicros >= budget.limitMicros)
            node.fail("soft_limit_usd", "must be less than limit_usd", SettingsProblem::BadValue);
    }
    if (node.has("soft_limit_fraction")) {
        budget.softLimitFraction = node.decimal("soft_limit_fraction", 0, 1);
        if (*budget.softLimitFraction <= 0 || *budget.softLimitFraction >= 1)
            node.fail("soft_limit_fraction", "must be more than 0 and less than 1", SettingsProblem::BadValue);
    }
    return budget;
}

} // namespace gatehouse
