#include "gateway/AccessPolicy.h"

#include "store/GovernanceStore.h"

namespace gatehouse {

AccessPolicy::AccessPolicy(const std::vector<ModelAccess>& modes, const std::vector<AccessRequest>& latestRequests)
{
    for (const auto& access : modes)
        m_modes[access.model] = access.mode;
    for (const auto& request : latestRequests) {
        const auto since = request.state == AccessState::Pending ? request.createdAtMs : request.decidedAtMs.value_or(request.createdAtMs);
        m_latest[requestKey(request.consumerId, request.model)] = {request.state, request.grant, request.note, since};
    }
}

std::string AccessPolicy::requestKey(int64_t consumerId, const std::string& model)
{
    return std::to_string(consumerId) + '\n' + model;
}

AccessMode AccessPolicy::modeOf(const std::string& model) const
{
    const auto found = m_modes.find(model);
    return found == m_modes.end() ? AccessMode::Open : found->second;
}

std::optional<ApiError> AccessPolicy::check(std::optional<int64_t> consumerId, const std::string& consumerName,
    const std::string& keyName, const std::string& model) const
{
    const auto mode = modeOf(model);
    if (mode == AccessMode::Open)
        return std::nullopt;
    if (!consumerId) {
        auto error = ApiError{403,
            "The key '" + keyName + "' belongs to no consumer, and model '" + model + "' is " + std::string(accessModeName(mode))
                + ": access is granted to consumers. Use a key of a consumer that has access.",
            "permission_denied", "model", "consumer_key_required"};
        return error;
    }
    const auto found = m_latest.find(requestKey(*consumerId, model));
    const auto* latest = found == m_latest.end() ? nullptr : &found->second;
    const auto decision = decideAccess(mode, latest ? std::optional(latest->state) : std::nullopt, latest && latest->grant);
    if (decision.allowed)
        return std::nullopt;
    return accessDeniedError(decision.denial, consumerName, model, latest ? latest->note : std::string_view{},
        latest ? std::optional(latest->sinceMs) : std::nullopt);
}

} // namespace gatehouse
