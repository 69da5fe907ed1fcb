// A call's metadata tags (docs/analytics.md): string pairs from the request body's "metadata" and
// from the x-gatehouse-metadata header, kept with its record and matched by routing rules.
#pragma once

#include "openai/ApiError.h"

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gatehouse {

using MetadataTags = std::vector<std::pair<std::string, std::string>>;

// OpenAI's bounds for request metadata, applied to the header as well.
constexpr std::size_t kMaxMetadataTags = 16;
constexpr std::size_t kMaxMetadataKeyBytes = 64;
constexpr std::size_t kMaxMetadataValueBytes = 512;

// The x-gatehouse-metadata header: a JSON object of strings, at most 16 of them, keys of at most 64
// bytes and values of at most 512. Anything else is a 400 that names the header and the problem.
std::variant<MetadataTags, ApiError> parseMetadataHeader(std::string_view header);

// Adds `extra` to `tags`, except keys `tags` has already (the body's metadata wins over the header).
void mergeMetadataTags(MetadataTags& tags, const MetadataTags& extra);

// {"team":"search","run":"7"}: the record's tags column; "" for no tags. Keeps the first 16 tags,
// keys cut to 64 bytes and values to 512 (the body's metadata is not checked by the gateway).
std::string metadataTagsJson(const MetadataTags& tags);

} // namespace gatehouse
