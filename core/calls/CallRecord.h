// What the gateway remembers about one call.
#pragma once

#include "openai/TokenUsage.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gatehouse {

// What payload capture kept of a call (docs/analytics.md "Payload capture"): the first bytes of
// its request and of its answer as sent (a stream's SSE text), redacted before they are stored.
struct CallPayload {
    std::string requestHeaders; // "name: value" lines, without credentials
    std::string request;
    std::string response;
    int responseStatus = 0; // 0: no answer was sent
    bool requestTruncated = false;
    bool responseTruncated = false;
};

struct CallRecord {
    std::chrono::system_clock::time_point startedAt;
    std::string requestId;
    std::string endpoint;   // "/v1/chat/completions"
    std::string keyPrefix;  // "" when the caller was not authenticated
    std::string tenant;
    std::string consumer;   // the consumer's name within the tenant ("" for a tenant-level key)
    std::string model;      // the public model name the client asked for
    std::string route;      // the public model that answered: `model`, or the fallback model that did
    std::string provider;
    std::string deployment; // the upstream model name
    int status = 0;
    std::string errorCode;  // "" on success
    bool stream = false;
    std::optional<std::chrono::microseconds> timeToFirstByte;
    std::chrono::microseconds latency{0};
    std::optional<std::chrono::microseconds> gatewayOverhead; // latency minus the time spent waiting on upstream
    std::optional<int64_t> promptTokens;
    std::optional<int64_t> completionTokens;
    std::optional<int64_t> cachedTokens;    // part of promptTokens read from the provider's cache
    std::optional<int64_t> cacheWriteTokens; // part of promptTokens written to it (Anthropic charges for it)
    std::optional<int64_t> reasoningTokens; // part of completionTokens spent on reasoning
    bool usageEstimated = false;            // the provider reported no usage: the counts are estimates
    // Traffic policy: what the call cost at its deployment's price in force when it started (unset:
    // no price known; docs/pricing.md), what a
    // cache hit saved (the stored answer's cost), how many deployments were called, the cache's say.
    std::optional<int64_t> costMicros;  // USD × 1,000,000
    std::optional<int64_t> savedMicros;
    int attempts = 0;
    std::string cache; // "hit" | "miss" | "bypass"; "" when the request was not cacheable
    // Who called from where (docs/analytics.md): the connection's peer address, its User-Agent (cut
    // to 256 bytes), and the request's metadata tags (string members of the body's "metadata" and
    // of the x-gatehouse-metadata header's JSON object) as a JSON object text, "" when none.
    std::string clientIp;
    std::string userAgent;
    std::string tags;
    // A call to a managed prompt (docs/prompts.md): its name, the version rendered and the label
    // that chose it ("" when the caller asked for the version itself).
    std::string prompt;
    std::optional<int64_t> promptVersion;
    std::string promptLabel;
    // Set only for a model that captures payloads (ModelConfig::capturePayloads).
    std::shared_ptr<CallPayload> payload;

    // Fills the token fields from a provider's (or an estimated) usage.
    void setUsage(const TokenUsage& usage, bool estimated);
    // The token fields back as a usage (unset counts as 0): what the call is priced on.
    TokenUsage usage() const;
    int64_t startedAtMs() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(startedAt.time_since_epoch()).count();
    }
};

} // namespace gatehouse
