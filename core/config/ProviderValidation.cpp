#include "config/ProviderValidation.h"

#include "config/AddressParsing.h"

#include <fstream>

namespace gatehouse {
namespace {

constexpr std::size_t kMaxNameLength = 256;
constexpr long long kMaxMillis = 24LL * 3600 * 1000;

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

ModelConfig readModelEntry(const SettingsNode& node, const std::function<bool(const std::string&)>& providerExists,
    const ModelEntryKeys& keys)
{
    std::set<std::string> allowed{keys.nameKey, "deployments"};
    allowed.insert(keys.extraKeys.begin(), keys.extraKeys.end());
    node.expectKeys(allowed);
    ModelConfig model;
    model.name = readName(node, keys.nameKey);
    node.forEach("deployments", [&](const SettingsNode& item) {
        item.expectKeys({"provider", "model", "weight"});
        DeploymentConfig deployment;
        deployment.provider = item.requiredText("provider");
        if (!providerExists(deployment.provider))
            item.fail("provider", "no provider named '" + deployment.provider + "'", SettingsProblem::UnknownReference);
        deployment.upstreamModel = item.requiredText("model");
        if (item.has("weight"))
            deployment.weight = static_cast<int>(item.integer("weight", 1, 1000000));
        model.deployments.push_back(std::move(deployment));
    });
    if (model.deployments.empty())
        node.fail("deployments", "a model needs at least one deployment", SettingsProblem::Missing);
    return model;
}

} // namespace gatehouse
