// The exact-match key of a request for the response cache: SHA-256 over a canonical form of the
// client API, the cache scope, the public model and every body field that can change the answer.
#pragma once

#include "ingress/AnswerEncoder.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

struct CacheKey {
    std::array<unsigned char, 32> digest{};

    bool operator==(const CacheKey&) const = default;
    std::string hex() const; // 64 lowercase hex digits, for logs and the admin API
};

struct CacheKeyHash {
    std::size_t operator()(const CacheKey& key) const noexcept; // the digest's first 8 bytes
};

struct CacheKeyInput {
    IngressApi api = IngressApi::ChatCompletions; // answers of different APIs have different shapes
    // Who may share entries: requests with different scopes never share one. The data plane passes
    // the caller's tenant, so one tenant cannot learn from hit/miss what another one asked.
    std::string_view scope;
    std::string_view model; // the public model name the client asked for (the route)
    std::string_view body;  // the request body as received (JSON text)
};

// The key, or nothing when the body is not a JSON object (or holds a number beyond 64 bits):
// such a request is not cached. Canonical form: object keys sorted (byte order), no whitespace
// outside strings, strings re-escaped one way (so "\u00e9" and "é" are equal), numbers written
// one way (1, 1.0 and 1e0 are equal; 0.70 and 0.7 too), arrays in their order. The top-level
// members named by isIgnoredForCacheKey are left out; everything else counts, unknown fields
// included (a field the gateway does not know may change the answer).
std::optional<CacheKey> cacheKeyFor(const CacheKeyInput& input);

// The text that cacheKeyFor hashes (for tests and debugging):
// ["gatehouse-cache-v1","<api>","<scope>","<model>",{canonical body}].
std::optional<std::string> canonicalCacheKeyText(const CacheKeyInput& input);

// Top-level request fields that do not change what the model answers, so are not in the key:
// "model" (the key names the public model itself), "stream" and "stream_options" (a streamed and a
// whole request for the same thing share an entry: a hit is replayed as SSE), "user",
// "safety_identifier" and "metadata" (who is asking, for abuse tracking and logs; Anthropic's
// metadata.user_id too), "store" (whether OpenAI keeps the completion), "service_tier" (how fast,
// not what), "prompt_cache_key" and "prompt_cache_retention" (provider-side prompt caching hints).
bool isIgnoredForCacheKey(std::string_view topLevelField);

} // namespace gatehouse
