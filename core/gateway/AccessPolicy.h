// Who may call which model, as the data plane sees it: each model's access mode and each
// consumer's latest access request, taken from the governance store into the snapshot. Checking a
// call is two hash lookups; no lock, no database.
#pragma once

#include "governance/AccessControl.h"
#include "openai/ApiError.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace gatehouse {

struct ModelAccess;
struct AccessRequest;

class AccessPolicy {
public:
    AccessPolicy() = default; // every model open
    AccessPolicy(const std::vector<ModelAccess>& modes, const std::vector<AccessRequest>& latestRequests);

    // Nothing when the call may go ahead; otherwise the 403 permission_denied that names the
    // state and what to do. `consumerId` none: a tenant-level key, which reaches open models only
    // (approval and private models are granted to consumers).
    std::optional<ApiError> check(std::optional<int64_t> consumerId, const std::string& consumerName, const std::string& keyName,
        const std::string& model) const;

    AccessMode modeOf(const std::string& model) const;

private:
    struct LatestRequest {
        AccessState state = AccessState::Pending;
        bool grant = false;
        std::string note;
        int64_t sinceMs = 0; // filed (pending) or decided
    };
    static std::string requestKey(int64_t consumerId, const std::string& model);

    std::unordered_map<std::string, AccessMode> m_modes; // absent: open
    std::unordered_map<std::string, LatestRequest> m_latest; // by requestKey
};

} // namespace gatehouse
