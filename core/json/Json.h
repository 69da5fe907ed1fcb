// The JSON document type of the translators (provider dialects, ingress APIs). The pass-through
// hot path never builds one: it reads with simdjson and writes bytes. Translation builds whole
// objects, where readable code matters more than the last microsecond; ordered_json keeps the
// key order as written, so translated bodies are deterministic and diffable in tests.
#pragma once

#include <nlohmann/json.hpp>

namespace gatehouse {

using Json = nlohmann::ordered_json;

} // namespace gatehouse
