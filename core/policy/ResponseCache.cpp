#include "policy/ResponseCache.h"

#include "policy/HeaderText.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace gatehouse {

// --- The cache ------------------------------------------------------------------------------------

ResponseCache::ResponseCache(ResponseCacheSettings settings, Clock clock)
    : m_clock(std::move(clock))
{
    const std::size_t shards = std::max<std::size_t>(1, settings.shards);
    m_shardBudget = settings.maxBytes / shards;
    m_shards.reserve(shards);
    for (std::size_t i = 0; i < shards; ++i)
        m_shards.push_back(std::make_unique<Shard>());
}

ResponseCache::Shard& ResponseCache::shardFor(const CacheKey& key)
{
    // The map hashes the digest's first 8 bytes; the shard takes the last 8, so the two do not
    // correlate (every entry of a shard landing in a few buckets).
    uint64_t bits = 0;
    for (std::size_t i = key.digest.size() - 8; i < key.digest.size(); ++i)
        bits = (bits << 8) | key.digest[i];
    return *m_shards[bits % m_shards.size()];
}

void ResponseCache::removeLocked(Shard& shard, std::list<Entry>::iterator entry)
{
    shard.bytes -= entry->bytes;
    m_bytes.fetch_sub(entry->bytes, std::memory_order_relaxed);
    m_entries.fetch_sub(1, std::memory_order_relaxed);
    shard.index.erase(entry->key);
    shard.lru.erase(entry);
}

std::shared_ptr<const CachedAnswer> ResponseCache::lookup(const CacheKey& key)
{
    auto& shard = shardFor(key);
    const auto now = m_clock();
    std::lock_guard lock(shard.mutex);
    const auto found = shard.index.find(key);
    if (found == shard.index.end()) {
        m_misses.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }
    const auto entry = found->second;
    if (now >= entry->expiresAt) {
        removeLocked(shard, entry);
        m_expirations.fetch_add(1, std::memory_order_relaxed);
        m_misses.fetch_add(1, std::memory_order_relaxed);
        return nullptr;
    }
    shard.lru.splice(shard.lru.begin(), shard.lru, entry);
    m_hits.fetch_add(1, std::memory_order_relaxed);
    return entry->answer;
}

bool ResponseCache::insert(const CacheKey& key, CachedAnswer answer, std::chrono::milliseconds ttl)
{
    const std::size_t bytes = entryBytes(answer);
    if (bytes > m_shardBudget || ttl.count() <= 0) {
        m_rejected.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // Built outside the lock: the lock only links it in.
    auto shared = std::make_shared<const CachedAnswer>(std::move(answer));
    auto& shard = shardFor(key);
    const auto expiresAt = m_clock() + ttl;
    std::lock_guard lock(shard.mutex);
    if (const auto found = shard.index.find(key); found != shard.index.end())
        removeLocked(shard, found->second); // replaced: a refresh, or two misses racing
    while (shard.bytes + bytes > m_shardBudget && !shard.lru.empty()) {
        removeLocked(shard, std::prev(shard.lru.end()));
        m_evictions.fetch_add(1, std::memory_order_relaxed);
    }
    shard.lru.push_front(Entry{key, std::move(shared), expiresAt, bytes});
    shard.index.emplace(key, shard.lru.begin());
    shard.bytes += bytes;
    m_bytes.fetch_add(bytes, std::memory_order_relaxed);
    m_entries.fetch_add(1, std::memory_order_relaxed);
    m_inserts.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void ResponseCache::erase(const CacheKey& key)
{
    auto& shard = shardFor(key);
    std::lock_guard lock(shard.mutex);
    if (const auto found = shard.index.find(key); found != shard.index.end())
        removeLocked(shard, found->second);
}

void ResponseCache::clear()
{
    for (auto& shard : m_shards) {
        std::lock_guard lock(shard->mutex);
        while (!shard->lru.empty())
            removeLocked(*shard, shard->lru.begin());
    }
}

ResponseCacheCounters ResponseCache::counters() const
{
    ResponseCacheCounters counters;
    counters.hits = m_hits.load(std::memory_order_relaxed);
    counters.misses = m_misses.load(std::memory_order_relaxed);
    counters.inserts = m_inserts.load(std::memory_order_relaxed);
    counters.evictions = m_evictions.load(std::memory_order_relaxed);
    counters.expirations = m_expirations.load(std::memory_order_relaxed);
    counters.rejected = m_rejected.load(std::memory_order_relaxed);
    counters.entries = m_entries.load(std::memory_order_relaxed);
    counters.bytes = m_bytes.load(std::memory_order_relaxed);
    return counters;
}

// --- Request controls -------------------------------------------------------------------------

namespace {


bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

} // namespace

CacheControls parseCacheControls(std::string_view cacheControl, std::string_view gatehouseCache)
{
    CacheControls controls;
    while (!cacheControl.empty()) {
        const auto comma = cacheControl.find(',');
        auto directive = trimmedHeaderText(cacheControl.substr(0, comma));
        cacheControl = comma == std::string_view::npos ? std::string_view{} : cacheControl.substr(comma + 1);
        directive = trimmedHeaderText(directive.substr(0, directive.find('='))); // "max-age=0" → "max-age"
        if (equalsIgnoringCase(directive, "no-cache")) {
            controls.read = false;
        } else if (equalsIgnoringCase(directive, "no-store")) {
            controls.read = false;
            controls.write = false;
        }
    }
    const auto value = trimmedHeaderText(gatehouseCache);
    if (equalsIgnoringCase(value, "bypass")) {
        controls.read = false;
        controls.write = false;
    } else if (equalsIgnoringCase(value, "refresh")) {
        controls.read = false;
    }
    return controls;
}

CacheOutcome cacheOutcome(const CacheControls& controls, bool found)
{
    if (!controls.read)
        return CacheOutcome::Bypass;
    return found ? CacheOutcome::Hit : CacheOutcome::Miss;
}

std::string_view cacheHeaderValue(CacheOutcome outcome)
{
    switch (outcome) {
    case CacheOutcome::Hit: return "hit";
    case CacheOutcome::Miss: return "miss";
    case CacheOutcome::Bypass: return "bypass";
    }
    return "bypass";
}

// --- Replay ------------------------------------------------------------------------------------

namespace {

const Json* member(const Json& object, const char* name)
{
    if (!object.is_object())
        return nullptr;
    const auto found = object.find(name);
    return found == object.end() || found->is_null() ? nullptr : &*found;
}

Json chunkOf(const Json& completion, Json choices, bool includeUsage)
{
    Json chunk = Json::object();
    if (const auto* id = member(completion, "id"))
        chunk["id"] = *id;
    chunk["object"] = "chat.completion.chunk";
    for (const char* name : {"created", "model", "service_tier", "system_fingerprint"})
        if (const auto* value = member(completion, name))
            chunk[name] = *value;
    chunk["choices"] = std::move(choices);
    if (includeUsage)
        chunk["usage"] = nullptr;
    return chunk;
}

Json choiceDelta(const Json& index, Json delta)
{
    return Json::array({Json{{"index", index}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", nullptr}}});
}

} // namespace

std::vector<Json> completionToChunks(const Json& completion, bool includeUsage)
{
    std::vector<Json> chunks;
    const auto* choices = member(completion, "choices");
    if (choices && choices->is_array()) {
        for (std::size_t position = 0; position < choices->size(); ++position) {
            const auto& choice = (*choices)[position];
            const Json index = member(choice, "index") ? choice["index"] : Json(position);
            static const Json kNoMessage = Json::object();
            const auto* found = member(choice, "message");
            const Json& message = found ? *found : kNoMessage;

            Json first{{"role", member(message, "role") ? message["role"] : Json("assistant")}, {"content", ""}};
            if (const auto* refusal = member(message, "refusal"))
                first["refusal"] = *refusal;
            chunks.push_back(chunkOf(completion, choiceDelta(index, std::move(first)), includeUsage));

            Json content = Json::object();
            if (const auto* reasoning = member(message, "reasoning_content"))
                content["reasoning_content"] = *reasoning;
            if (const auto* text = member(message, "content"); text && text->is_string() && !text->get_ref<const std::string&>().empty())
                content["content"] = *text;
            if (!content.empty()) {
                Json piece = choiceDelta(index, std::move(content));
                if (const auto* logprobs = member(choice, "logprobs"))
                    piece[0]["logprobs"] = *logprobs;
                chunks.push_back(chunkOf(completion, std::move(piece), includeUsage));
            }

            if (const auto* calls = member(message, "tool_calls"); calls && calls->is_array()) {
                for (std::size_t i = 0; i < calls->size(); ++i) {
                    const auto& call = (*calls)[i];
                    Json streamed{{"index", i}};
                    for (const char* name : {"id", "type", "function"})
                        if (const auto* value = member(call, name))
                            streamed[name] = *value;
                    chunks.push_back(chunkOf(completion, choiceDelta(index, Json{{"tool_calls", Json::array({std::move(streamed)})}}), includeUsage));
                }
            }

            Json last = choiceDelta(index, Json::object());
            last[0]["finish_reason"] = member(choice, "finish_reason") ? choice["finish_reason"] : Json("stop");
            if (const auto* stopReason = member(choice, "stop_reason")) // vLLM names the matched stop sequence
                last[0]["stop_reason"] = *stopReason;
            chunks.push_back(chunkOf(completion, std::move(last), includeUsage));
        }
    }
    if (includeUsage) {
        Json usageChunk = chunkOf(completion, Json::array(), false);
        const auto* usage = member(completion, "usage");
        usageChunk["usage"] = usage ? *usage : Json::object();
        chunks.push_back(std::move(usageChunk));
    }
    return chunks;
}

std::string replayAsSse(const CachedAnswer& answer, AnswerEncoder& encoder, bool includeUsage)
{
    const Json completion = Json::parse(answer.body);
    std::string out;
    for (const auto& chunk : completionToChunks(completion, includeUsage))
        out += encoder.onChunk(chunk);
    out += encoder.finish(answer.usage);
    return out;
}

} // namespace gatehouse
