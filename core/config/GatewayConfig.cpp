#include "config/GatewayConfig.h"

namespace gatehouse {

const std::vector<std::string>& defaultRedactionPatterns()
{
    static const std::vector<std::string> patterns{
        R"(sk-[A-Za-z0-9_\-]{16,})",                  // OpenAI, Anthropic (sk-ant-...)
        R"(g(?:k|at)-[A-Za-z0-9_\-]{16,})",           // Gatehouse API keys and admin tokens
        R"(AKIA[0-9A-Z]{16})",                        // AWS access key ids
        R"([Bb]earer\s+[A-Za-z0-9._~+/\-]{16,}=*)",   // bearer tokens written into text
        R"(eyJ[\w\-]{8,}\.[\w\-]{8,}\.[\w\-]{8,})",     // JWTs
    };
    return patterns;
}

std::string HostPort::toString() const
{
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string UpstreamUrl::toString() const
{
    const bool ipv6 = host.find(':') != std::string::npos;
    return std::string(tls ? "https://" : "http://") + (ipv6 ? "[" + host + "]" : host) + ":"
        + std::to_string(port) + basePath;
}

namespace {
// Quirks as data: what differs between kinds that speak HTTP is where they live by default and
// which API version they expect; everything else is in their dialect (core/dialects).
constexpr ProviderKindInfo kProviderKinds[] = {
    {ProviderKind::Mock, "mock", "", ""},
    {ProviderKind::OpenAi, "openai", "https://api.openai.com/v1", ""},
    {ProviderKind::OpenAiCompatible, "openai-compatible", "", ""},
    {ProviderKind::AzureOpenAi, "azure-openai", "", "2024-10-21"},
    {ProviderKind::Anthropic, "anthropic", "https://api.anthropic.com/v1", "2023-06-01"},
    {ProviderKind::Gemini, "gemini", "https://generativelanguage.googleapis.com/v1beta", ""},
};
} // namespace

const ProviderKindInfo& providerKindInfo(ProviderKind kind)
{
    for (const auto& info : kProviderKinds) {
        if (info.kind == kind)
            return info;
    }
    return kProviderKinds[0];
}

const ProviderKindInfo* findProviderKind(const std::string& name)
{
    for (const auto& info : kProviderKinds) {
        if (name == info.name)
            return &info;
    }
    return nullptr;
}

std::string providerKindNames()
{
    std::string names;
    for (const auto& info : kProviderKinds)
        names += (names.empty() ? "" : ", ") + std::string(info.name);
    return names;
}

const ProviderConfig* GatewayConfig::findProvider(const std::string& name) const
{
    for (const auto& provider : providers) {
        if (provider.name == name)
            return &provider;
    }
    return nullptr;
}

const ModelConfig* GatewayConfig::findModel(const std::string& name) const
{
    for (const auto& model : models) {
        if (model.name == name)
            return &model;
    }
    return nullptr;
}

RoutePolicy routePolicyFor(const ModelConfig& model)
{
    RoutePolicy policy;
    policy.strategy = model.strategy;
    for (const auto& deployment : model.deployments) {
        DeploymentTarget target;
        target.id = deploymentId(deployment.provider, deployment.upstreamModel);
        target.weight = deployment.weight;
        target.priority = deployment.priority;
        if (deployment.price) {
            target.inputPricePerMillion = deployment.price->inputPerMillion;
            target.outputPricePerMillion = deployment.price->outputPerMillion;
        }
        policy.deployments.push_back(std::move(target));
    }
    policy.rules = model.rules;
    policy.canary = model.canary;
    return policy;
}

} // namespace gatehouse
