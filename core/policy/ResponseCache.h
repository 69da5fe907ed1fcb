// The exact-match response cache: complete answers by CacheKey, bounded by bytes (LRU), with a
// TTL per entry; the request controls that steer it; and the replay of a stored answer to a
// streaming client as SSE.
#pragma once

#include "ingress/AnswerEncoder.h"
#include "json/Json.h"
#include "openai/TokenUsage.h"
#include "policy/CacheKey.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gatehouse {

// What a cache entry holds: the whole non-streamed answer in the hub's shape (an OpenAI
// chat.completion, as the client of /v1/chat/completions receives it; other client APIs encode it
// with their AnswerEncoder), its usage and what the call cost, so a hit can be recorded with
// cost 0 and this cost as saved.
struct CachedAnswer {
    std::string body;
    TokenUsage usage;
    double costUsd = 0.0;
};

struct ResponseCacheSettings {
    std::size_t maxBytes = 64u << 20; // the whole cache; entries are counted by entryBytes()
    std::size_t shards = 16;          // independent locks; each holds at most maxBytes / shards
};

struct ResponseCacheCounters {
    uint64_t hits = 0;
    uint64_t misses = 0;      // lookups that found nothing, or only an expired entry
    uint64_t inserts = 0;
    uint64_t evictions = 0;   // entries pushed out to stay within the byte bound (LRU)
    uint64_t expirations = 0; // entries found past their TTL and removed
    uint64_t rejected = 0;    // answers larger than a shard's share of maxBytes, never stored
    uint64_t entries = 0;
    uint64_t bytes = 0;       // the sum of entryBytes() of the entries held now
};

// Thread-safe. The key space is split over shards by the key's first bytes, each shard with its
// own mutex, LRU list and byte budget, so worker threads rarely wait on each other; a lookup holds
// its shard's lock only to find the entry and move it to the front (the answer is shared, not
// copied).
class ResponseCache {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit ResponseCache(ResponseCacheSettings settings = {}, Clock clock = &std::chrono::steady_clock::now);

    // The live entry for `key`, or null (a miss). An expired entry is removed and is a miss.
    std::shared_ptr<const CachedAnswer> lookup(const CacheKey& key);

    // Stores (or replaces) the entry, valid for `ttl` from now, evicting the least recently used
    // entries of its shard until it fits. False when the entry alone exceeds the shard's budget
    // or the TTL is not positive: nothing is stored.
    bool insert(const CacheKey& key, CachedAnswer answer, std::chrono::milliseconds ttl);

    void erase(const CacheKey& key);
    void clear();

    ResponseCacheCounters counters() const;
    std::size_t shardBudget() const { return m_shardBudget; }

    // What an entry counts against the bound: the key, the answer body and a fixed allowance for
    // the bookkeeping (list and map nodes, the shared answer's control block).
    static constexpr std::size_t kEntryOverheadBytes = 160;
    static std::size_t entryBytes(const CachedAnswer& answer) { return sizeof(CacheKey) + answer.body.size() + kEntryOverheadBytes; }

private:
    struct Entry {
        CacheKey key;
        std::shared_ptr<const CachedAnswer> answer;
        std::chrono::steady_clock::time_point expiresAt;
        std::size_t bytes = 0;
    };
    struct Shard {
        std::mutex mutex;
        std::list<Entry> lru; // most recently used first
        std::unordered_map<CacheKey, std::list<Entry>::iterator, CacheKeyHash> index;
        std::size_t bytes = 0;
    };

    Shard& shardFor(const CacheKey& key);
    void removeLocked(Shard& shard, std::list<Entry>::iterator entry);

    Clock m_clock;
    std::size_t m_shardBudget;
    std::vector<std::unique_ptr<Shard>> m_shards;
    std::atomic<uint64_t> m_hits{0}, m_misses{0}, m_inserts{0}, m_evictions{0}, m_expirations{0}, m_rejected{0};
    std::atomic<uint64_t> m_entries{0}, m_bytes{0};
};

// --- Request controls -------------------------------------------------------------------------

struct CacheControls {
    bool read = true;  // a stored answer may answer this request
    bool write = true; // this request's answer may be stored
};

// From the request's `Cache-Control` and `x-gatehouse-cache` header values ("" when absent):
// Cache-Control `no-cache` → don't read, do write; `no-store` → neither (other directives, such as
// max-age, are ignored; names are case-insensitive, the list comma-separated);
// x-gatehouse-cache `bypass` → neither, `refresh` → don't read, do write (other values ignored).
// When both headers speak, the stricter one wins for each of read and write.
CacheControls parseCacheControls(std::string_view cacheControl, std::string_view gatehouseCache);

// The answer's `x-gatehouse-cache` header.
enum class CacheOutcome { Hit, Miss, Bypass };

// Hit: answered from the cache. Miss: looked up and not found (the answer is stored if `write`).
// Bypass: not looked up (the controls said so).
CacheOutcome cacheOutcome(const CacheControls& controls, bool found);
std::string_view cacheHeaderValue(CacheOutcome outcome); // "hit" | "miss" | "bypass"

// --- Replaying a stored answer as a stream -------------------------------------------------------

// The chat.completion.chunk objects an OpenAI stream of this chat.completion would have carried,
// per choice in order: a chunk with the role (and refusal, if any), a chunk with the content
// (and reasoning_content where the provider gave one), one chunk per tool call (index, id, type,
// function name and the whole arguments), a chunk with the finish_reason. Then, when
// `includeUsage`, the usage-only chunk ("choices": []) and "usage": null on every other chunk, as
// OpenAI sends with stream_options.include_usage. id, created, model, system_fingerprint and
// service_tier are the stored answer's.
std::vector<Json> completionToChunks(const Json& completion, bool includeUsage);

// The whole SSE text a streaming client gets for a cache hit: the chunks of `answer.body` through
// `encoder` (the client API's, from answerEncoderFor: for /v1/chat/completions the chunks as they
// are and `data: [DONE]`; for /v1/messages Anthropic's events), then its finish() with the stored
// usage. `includeUsage`: the client's stream_options.include_usage. Throws Json::exception when
// the body is not JSON (a stored answer always is).
std::string replayAsSse(const CachedAnswer& answer, AnswerEncoder& encoder, bool includeUsage);

} // namespace gatehouse
