#include "policy/CacheKey.h"

#include "json/JsonString.h"

#include <openssl/evp.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gatehouse {
namespace {

// Bump when the canonical form changes, so old and new keys can never collide.
constexpr std::string_view kKeyVersion = "gatehouse-cache-v1";

std::string_view apiName(IngressApi api)
{
    switch (api) {
    case IngressApi::ChatCompletions: return "chat.completions";
    case IngressApi::Messages: return "messages";
    case IngressApi::Embeddings: return "embeddings";
    }
    return "unknown";
}

template <typename Number>
void appendNumber(std::string& out, Number value)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

void appendDouble(std::string& out, double value)
{
    // Integral values are written as integers, so 1, 1.0 and 1e0 are one key; the rest in the
    // shortest form that reads back to the same double (0.70 and 0.7 are one key).
    constexpr double kExactIntegers = 9007199254740992.0; // 2^53
    if (value == std::trunc(value) && std::fabs(value) < kExactIntegers) {
        appendNumber(out, static_cast<int64_t>(value)); // -0.0 becomes 0
        return;
    }
    appendNumber(out, value);
}

bool appendCanonical(std::string& out, simdjson::dom::element element, bool topLevel)
{
    using simdjson::dom::element_type;
    switch (element.type()) {
    case element_type::OBJECT: {
        std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
        for (const auto member : simdjson::dom::object(element)) {
            if (topLevel && isIgnoredForCacheKey(member.key))
                continue;
            members.emplace_back(member.key, member.value);
        }
        // Stable: repeated keys keep their order, so {"a":1,"a":2} and {"a":2,"a":1} differ.
        std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        out += '{';
        bool first = true;
        for (const auto& [key, value] : members) {
            if (!first)
                out += ',';
            first = false;
            appendJsonString(out, key);
            out += ':';
            if (!appendCanonical(out, value, false))
                return false;
        }
        out += '}';
        return true;
    }
    case element_type::ARRAY: {
        out += '[';
        bool first = true;
        for (const auto value : simdjson::dom::array(element)) {
            if (!first)
                out += ',';
            first = false;
            if (!appendCanonical(out, value, false))
                return false;
        }
        out += ']';
        return true;
    }
    case element_type::STRING:
        appendJsonString(out, std::string_view(element));
        return true;
    case element_type::INT64:
        appendNumber(out, int64_t(element));
        return true;
    case element_type::UINT64:
        appendNumber(out, uint64_t(element));
        return true;
    case element_type::DOUBLE:
        appendDouble(out, double(element));
        return true;
    case element_type::BOOL:
        out += bool(element) ? "true" : "false";
        return true;
    case element_type::NULL_VALUE:
        out += "null";
        return true;
    }
    return false;
}

CacheKey sha256(std::string_view text)
{
    // As hashApiKey: fetch the algorithm once and keep a context per thread.
    static EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    CacheKey key;
    unsigned int length = 0;
    if (!algorithm || !context || EVP_DigestInit_ex(context.get(), algorithm, nullptr) != 1
        || EVP_DigestUpdate(context.get(), text.data(), text.size()) != 1
        || EVP_DigestFinal_ex(context.get(), key.digest.data(), &length) != 1 || length != key.digest.size())
        throw std::runtime_error("SHA-256 failed");
    return key;
}

} // namespace

std::string CacheKey::hex() const
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(digest.size() * 2, '0');
    for (std::size_t i = 0; i < digest.size(); ++i) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 0xf];
    }
    return out;
}

std::size_t CacheKeyHash::operator()(const CacheKey& key) const noexcept
{
    std::size_t value = 0;
    std::memcpy(&value, key.digest.data(), sizeof value); // already uniformly distributed
    return value;
}

bool isIgnoredForCacheKey(std::string_view field)
{
    static constexpr std::string_view kIgnored[] = {
        "model", "stream", "stream_options", "user", "safety_identifier", "metadata", "store",
        "service_tier", "prompt_cache_key", "prompt_cache_retention",
    };
    return std::find(std::begin(kIgnored), std::end(kIgnored), field) != std::end(kIgnored);
}

std::optional<std::string> canonicalCacheKeyText(const CacheKeyInput& input)
{
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    // The body is const here: simdjson copies it into a padded buffer of its own when needed.
    if (parser.parse(input.body.data(), input.body.size()).get(root) != simdjson::SUCCESS
        || root.type() != simdjson::dom::element_type::OBJECT)
        return std::nullopt;
    std::string out;
    out.reserve(input.body.size() + input.model.size() + input.scope.size() + 64);
    out += '[';
    appendJsonString(out, kKeyVersion);
    out += ',';
    appendJsonString(out, apiName(input.api));
    out += ',';
    appendJsonString(out, input.scope);
    out += ',';
    appendJsonString(out, input.model);
    out += ',';
    if (!appendCanonical(out, root, true))
        return std::nullopt;
    out += ']';
    return out;
}

std::optional<CacheKey> cacheKeyFor(const CacheKeyInput& input)
{
    const auto text = canonicalCacheKeyText(input);
    if (!text)
        return std::nullopt;
    return sha256(*text);
}

} // namespace gatehouse
