#include "calls/CallTags.h"

#include "json/Json.h"
#include "json/JsonString.h"

#include <algorithm>

namespace gatehouse {
namespace {

ApiError badHeader(const std::string& problem)
{
    return ApiError::invalidRequest("The x-gatehouse-metadata header " + problem
            + ". Send a JSON object of strings, e.g. {\"team\":\"search\"}.",
        "x-gatehouse-metadata", "invalid_metadata");
}

// At most `maxBytes` of `text`, never ending inside a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return text;
    auto end = maxBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

} // namespace

std::variant<MetadataTags, ApiError> parseMetadataHeader(std::string_view header)
{
    const auto parsed = Json::parse(header, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return badHeader("is not a JSON object");
    if (parsed.size() > kMaxMetadataTags)
        return badHeader("has " + std::to_string(parsed.size()) + " entries; at most " + std::to_string(kMaxMetadataTags) + " are allowed");
    MetadataTags tags;
    for (const auto& [key, value] : parsed.items()) {
        if (key.empty() || key.size() > kMaxMetadataKeyBytes)
            return badHeader("has a key of " + std::to_string(key.size()) + " bytes; keys are 1 to "
                + std::to_string(kMaxMetadataKeyBytes) + " bytes");
        if (!value.is_string())
            return badHeader("has a value for '" + key + "' that is not a string");
        auto text = value.get<std::string>();
        if (text.size() > kMaxMetadataValueBytes)
            return badHeader("has a value for '" + key + "' of " + std::to_string(text.size()) + " bytes; at most "
                + std::to_string(kMaxMetadataValueBytes) + " are allowed");
        tags.emplace_back(key, std::move(text));
    }
    return tags;
}

void mergeMetadataTags(MetadataTags& tags, const MetadataTags& extra)
{
    for (const auto& [key, value] : extra) {
        const bool present = std::any_of(tags.begin(), tags.end(), [&](const auto& tag) { return tag.first == key; });
        if (!present)
            tags.emplace_back(key, value);
    }
}

std::string metadataTagsJson(const MetadataTags& tags)
{
    if (tags.empty())
        return {};
    // The body's metadata is the provider's to check; the record keeps at most OpenAI's bounds of it.
    std::string json = "{";
    for (std::size_t i = 0; i < std::min(tags.size(), kMaxMetadataTags); ++i) {
        const auto& [key, value] = tags[i];
        if (i > 0)
            json += ',';
        json += jsonString(utf8Prefix(key, kMaxMetadataKeyBytes));
        json += ':';
        json += jsonString(utf8Prefix(value, kMaxMetadataValueBytes));
    }
    json += '}';
    return json;
}

} // namespace gatehouse
