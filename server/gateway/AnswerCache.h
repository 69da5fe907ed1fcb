// The response cache on the request path (docs/traffic-policy.md): which requests may use it, the
// answer to a hit (whole, or replayed as SSE to a streaming client), and storing a fresh answer.
#pragma once

#include "gateway/RequestContext.h"
#include "policy/ResponseCache.h"

#include <optional>

namespace gatehouse {

class AnswerCache {
public:
    explicit AnswerCache(ResponseCache& cache);

    // What the cache may do for one request. `key` unset: the request is not cacheable (its model
    // caches nothing, its API is not cached, its body has no canonical form) and the answer
    // carries no x-gatehouse-cache header.
    struct Plan {
        std::optional<CacheKey> key;
        CacheControls controls;
        std::chrono::seconds ttl{0};
        bool mayStore() const { return key && controls.write; }
    };
    Plan plan(const RequestContext& context) const;

    // Looks the request up (if the controls allow it) and sets context.facts.cache. A hit is
    // answered here (true), recorded with cost 0 and the cost it saved.
    Awaitable<bool> answerIfCached(RequestContext& context, ResponseChannel& channel, const Plan& plan);

    // Stores a whole 200 answer the client just got, with the call's usage and cost.
    void store(const RequestContext& context, const Plan& plan, std::string body);

private:
    ResponseCache& m_cache;
};

} // namespace gatehouse
