// Who a rate limit or a budget applies to: a kind (key, consumer, tenant, model) and an id.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace gatehouse {

// Deployment: an upstream deployment (provider + upstream model) whatever model routes to it; its
// limits are the provider's quota, checked per attempt (docs/traffic-policy.md).
enum class ScopeKind { ApiKey, Consumer, Tenant, Model, Deployment };

// "key", "consumer", "tenant", "model", "deployment": the word used in refusal messages and headers.
inline std::string_view scopeKindName(ScopeKind kind)
{
    switch (kind) {
    case ScopeKind::ApiKey: return "key";
    case ScopeKind::Consumer: return "consumer";
    case ScopeKind::Tenant: return "tenant";
    case ScopeKind::Model: return "model";
    case ScopeKind::Deployment: return "deployment";
    }
    return "scope";
}

// The id is whatever the snapshot knows the scope by (key name, consumer id, tenant name, public
// model name); ids only ever come from authenticated callers and configured models, which is what
// bounds the number of scopes the limiter and the ledger can be asked to track.
struct PolicyScope {
    ScopeKind kind = ScopeKind::ApiKey;
    std::string id;

    bool operator==(const PolicyScope&) const = default;

    // "consumer 'acme-app'"
    std::string describe() const { return std::string(scopeKindName(kind)) + " '" + id + "'"; }
};

struct PolicyScopeHash {
    std::size_t operator()(const PolicyScope& scope) const noexcept
    {
        return std::hash<std::string_view>{}(scope.id) * 31u + static_cast<std::size_t>(scope.kind);
    }
};

} // namespace gatehouse
