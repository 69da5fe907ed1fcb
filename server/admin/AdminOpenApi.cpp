#include "admin/AdminOpenApi.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace gatehouse {
namespace {

Json ref(const std::string& kind, const std::string& name)
{
    return {{"$ref", "#/components/" + kind + "/" + name}};
}

Json schemaRef(const std::string& name)
{
    return ref("schemas", name);
}

Json integer(const std::string& description = {})
{
    Json schema{{"type", "integer"}, {"format", "int64"}};
    if (!description.empty())
        schema["description"] = description;
    return schema;
}

Json string(const std::string& description = {})
{
    Json schema{{"type", "string"}};
    if (!description.empty())
        schema["description"] = description;
    return schema;
}

Json nullable(Json schema)
{
    schema["nullable"] = true;
    return schema;
}

Json enumeration(std::vector<std::string> values, const std::string& description = {})
{
    Json schema = string(description);
    schema["enum"] = std::move(values);
    return schema;
}

Json object(Json properties, std::vector<std::string> required, bool closed = false)
{
    Json schema{{"type", "object"}};
    if (!required.empty()) // OpenAPI 3.0 (JSON Schema draft 4) wants a non-empty list or none
        schema["required"] = std::move(required);
    schema["properties"] = std::move(properties);
    if (closed)
        schema["additionalProperties"] = false;
    return schema;
}

Json array(Json items, const std::string& description = {})
{
    Json schema{{"type", "array"}, {"items", std::move(items)}};
    if (!description.empty())
        schema["description"] = description;
    return schema;
}

Json page(const std::string& item)
{
    return object({{"data", {{"type", "array"}, {"items", schemaRef(item)}}},
                      {"total", integer("Matching entries before paging")}, {"limit", integer()}, {"offset", integer()}},
        {"data", "total", "limit", "offset"});
}

// One call record (calls/CallRecordJson.h): what the calls list, one call's detail and the CSV export show.
Json callSchema()
{
    const auto count = [](const std::string& description) { return nullable(integer(description)); };
    const auto text = [](const std::string& description) { return nullable(string(description)); };
    const auto usd = [](const std::string& description) {
        return Json{{"type", "number"}, {"nullable", true}, {"description", description}};
    };
    return object({{"id", integer("The stored row's id")}, {"request_id", string("The x-gatehouse-request-id the client got")},
                      {"started_at", string("UTC, ISO 8601, to the second")}, {"started_at_ms", integer("Epoch ms")},
                      {"endpoint", string("/v1/chat/completions, /v1/messages, ...")},
                      {"key_prefix", text("The API key's prefix; null when the caller was not authenticated")},
                      {"tenant", text("")}, {"consumer", text("The consumer's name within the tenant")},
                      {"model", text("The model the client asked for")},
                      {"route", text("The model that answered: the requested one or a fallback")},
                      {"provider", text("")}, {"deployment", text("The upstream model")}, {"status", integer("The HTTP status the client got")},
                      {"error_code", text("null on success")}, {"stream", {{"type", "boolean"}}},
                      {"ttfb_us", count("Time to the first byte of the answer")}, {"latency_us", integer()},
                      {"overhead_us", count("The gateway's own time")}, {"prompt_tokens", count("")},
                      {"completion_tokens", count("")}, {"cached_tokens", count("")}, {"cache_write_tokens", count("")},
                      {"reasoning_tokens", count("")}, {"usage_estimated", {{"type", "boolean"}}},
                      {"cost_usd", usd("At the price in force when the call started; null: no price known")},
                      {"saved_usd", usd("What a cache hit saved")}, {"attempts", integer("Deployments called")},
                      {"cache", text("hit, miss or bypass; null when not cacheable")},
                      {"client_ip", text("The connection's peer address")}, {"user_agent", text("Cut to 256 bytes")},
                      {"tags", {{"type", "object"}, {"additionalProperties", string()},
                                   {"description", "The request's metadata and x-gatehouse-metadata tags"}}}},
        {"id", "request_id", "started_at_ms", "endpoint", "status", "latency_us", "tags"});
}

// A point of a series (with its bucket) or a group of a top list: the rollups' totals.
Json analyticsRowSchema(bool withBucket)
{
    const auto number = [](const std::string& description) {
        return Json{{"type", "number"}, {"nullable", true}, {"description", description}};
    };
    Json properties{{"group", string("The dimension's value; empty when not grouped, or for calls without one")},
        {"requests", integer()}, {"errors", integer("Calls that did not succeed, as /metrics counts errors")},
        {"error_rate", number("errors / requests")}, {"prompt_tokens", integer()}, {"completion_tokens", integer()},
        {"cached_tokens", integer()}, {"reasoning_tokens", integer()}, {"cost_usd", {{"type", "number"}}},
        {"saved_usd", {{"type", "number"}}}, {"cache_hits", integer()}, {"latency_mean_ms", number("")},
        {"latency_p50_ms", number("Estimated from the latency histogram")}, {"latency_p95_ms", number("")},
        {"latency_p99_ms", number("")}};
    if (withBucket) {
        properties["bucket_ms"] = integer("The bucket's start (epoch ms, UTC)");
        properties["bucket"] = string("The same in ISO 8601");
    }
    return object(std::move(properties), {"group", "requests", "errors", "cost_usd"});
}

Json allowedModels()
{
    return {{"type", "array"}, {"items", string()}, {"maxItems", 256},
        {"description", "The models the key may call (also within its consumer's access); empty: every model"}};
}

Json tags(const std::string& note = {})
{
    return {{"type", "object"}, {"additionalProperties", string()}, {"maxProperties", 32},
        {"description", "Free-form labels: names of 1-64 characters, values of at most 256; never secrets"
                + (note.empty() ? "" : ". " + note)}};
}

const std::string kNameRule = "1-64 characters of A-Z a-z 0-9 - _ . starting with a letter or a digit";
const std::string kReasonText = "Why: recorded as the audit entry's reason";

// A provider's settings: the config file's keys (docs/config.md), each for the kinds that have it.
Json providerSettings(bool forPatch)
{
    const auto setting = [forPatch](Json schema) { return forPatch ? nullable(std::move(schema)) : schema; };
    const auto millis = [&](const std::string& description, int minimum) {
        Json schema = integer(description);
        schema["minimum"] = minimum;
        schema["maximum"] = 86400000;
        return setting(std::move(schema));
    };
    return {
        {"base_url", setting(string("http(s)://host[:port][/path]; required for openai-compatible and azure-openai"))},
        {"api_version", setting(string("azure-openai (api-version query) and anthropic (anthropic-version header) only"))},
        {"default_max_tokens", setting(integer("anthropic only: max_tokens when an OpenAI client gives none (default 4096)"))},
        {"stream_usage", setting({{"type", "boolean"}, {"description", "OpenAI family only: ask streams for usage (default true)"}})},
        {"ca_file", setting(string("Extra trusted CA certificates (PEM) for https; must be readable by the gateway"))},
        {"connect_timeout_ms", millis("TCP connect plus TLS handshake (default 5000)", 1)},
        {"read_timeout_ms", millis("Waiting for the answer's head, and between two body reads (default 120000)", 1)},
        {"max_idle_connections", setting(integer("Kept-alive upstream connections per worker thread, 0-100000 (default 64)"))},
        {"latency_ms", millis("mock only: delay before the answer", 0)},
        {"stream_chunks", setting(integer("mock only: content events in a streamed answer, 1-10000"))},
        {"chunk_interval_ms", millis("mock only: delay between streamed events", 0)},
    };
}

Json providerKinds()
{
    return enumeration({"mock", "openai", "openai-compatible", "azure-openai", "anthropic", "gemini"});
}

Json providerInput(bool create)
{
    Json properties = providerSettings(!create);
    properties["kind"] = providerKinds();
    properties["credential"] = schemaRef("CredentialInput");
    properties["reason"] = string(kReasonText);
    if (create)
        properties["name"] = string("Unique across the config file and the store; at most 256 characters, no control characters");
    else
        properties["name"] = string("If given, the provider's own name: providers are not renamed");
    Json schema = object(properties, create ? std::vector<std::string>{"name", "kind"} : std::vector<std::string>{}, true);
    schema["description"] = create
        ? "The config file's provider entry in JSON, checked by the same rules; settings a kind does not have are refused."
        : "Only the fields given change; null returns a setting to its default. The result is checked as a whole.";
    return schema;
}

Json providerSchema()
{
    Json properties = providerSettings(false);
    properties["base_url"] = nullable(string("The effective URL (HTTP kinds)"));
    properties["ca_file"] = nullable(string());
    properties["name"] = string();
    properties["kind"] = providerKinds();
    properties["source"] = enumeration({"config", "store"}, "config: defined in the config file, read-only here");
    properties["credential"] = schemaRef("Credential");
    properties["models"] = {{"type", "array"}, {"items", string()}, {"description", "The served models deploying on it"}};
    properties["served"] = nullable({{"type", "boolean"}, {"description", "null without a gateway"}});
    properties["problem"] = nullable(string("Why calls to it fail (an unset environment variable) or why it is not served"));
    properties["created_at_ms"] = nullable(integer("Epoch milliseconds; null for the config file's"));
    properties["updated_at_ms"] = nullable(integer("Epoch milliseconds; null for the config file's"));
    Json schema = object(properties, {"name", "kind", "source", "credential", "models", "served", "problem", "created_at_ms",
                                         "updated_at_ms"});
    schema["description"] = "The effective settings of its kind (defaults applied); never a secret.";
    return schema;
}

constexpr int64_t kMaxLimit = 1'000'000'000'000; // what the rate limiter counts up to

Json bounded(Json schema, Json minimum, Json maximum)
{
    schema["minimum"] = minimum;
    schema["maximum"] = maximum;
    return schema;
}

Json orNull(bool nullAllowed, Json schema)
{
    return nullAllowed ? nullable(std::move(schema)) : schema;
}

// A reference with a description (OpenAPI 3.0 ignores the siblings of a $ref).
Json described(const std::string& name, const std::string& description, bool nullAllowed)
{
    return orNull(nullAllowed, {{"allOf", Json::array({schemaRef(name)})}, {"description", description}});
}

// USD per million tokens of each kind (docs/pricing.md).
Json tokenPriceProperties()
{
    const auto price = [](const char* description) {
        auto schema = bounded({{"type", "number"}}, 0, 1000000);
        schema["description"] = description;
        return schema;
    };
    return {{"input_per_million", price("USD per million prompt tokens")}, {"output_per_million", price("USD per million completion tokens")},
        {"cached_input_per_million", price("Prompt tokens read from the provider's cache; absent: the input price")},
        {"cache_write_per_million", price("Prompt tokens written to the cache (Anthropic); absent: the input price")}};
}

// A price table entry: as a PUT body (with reason), or as listed (with origin).
Json priceEntrySchema(bool listed)
{
    auto properties = tokenPriceProperties();
    properties["provider"] = string("Provider family: openai, anthropic, gemini, mistral, ...; empty: whatever serves the model");
    properties["model"] = string("The upstream model id");
    properties["currency"] = enumeration({"USD"});
    properties["source"] = string("Where the price was read");
    properties["effective_date"] = string("YYYY-MM-DD (UTC): calls from that day on cost this; default today");
    properties["note"] = string();
    if (listed)
        properties["origin"] = enumeration({"default", "file", "store"});
    else
        properties["reason"] = string(kReasonText);
    std::vector<std::string> required{"model", "input_per_million", "output_per_million"};
    if (listed)
        required.insert(required.end(), {"provider", "currency", "source", "effective_date", "note", "origin"});
    return object(std::move(properties), std::move(required), true);
}

// A model's traffic policy (docs/config.md, "Traffic policy"; docs/traffic-policy.md). In a PATCH
// every key may be null (back to its default); an answer shows every key, the unset optional ones null.
Json modelPolicy(bool forPatch, bool answer = false)
{
    const bool unsetIsNull = forPatch || answer;
    const auto list = [&](Json items, const std::string& description) {
        return orNull(forPatch, {{"type", "array"}, {"items", std::move(items)}, {"description", description}});
    };
    return {
        {"strategy", orNull(forPatch, enumeration({"weighted", "round_robin", "least_latency", "lowest_cost", "fallback"},
                                          "How each priority group of deployments is ordered (default weighted: random by weight)"))},
        {"rules", list(schemaRef("RoutingRule"), "Tried in order; the first whose match holds sends the request to its deployments")},
        {"canary", described("Canary", "A share of the requests no rule matched starts on one deployment", unsetIsNull)},
        {"fallbacks", list(string(), "Models tried, in order, when every deployment of this one failed; each must exist")},
        {"context_window_fallbacks", list(string(), "Models tried, in order, when the prompt does not fit this one; each must exist")},
        {"cache_ttl_s", orNull(unsetIsNull, bounded(integer("Seconds an answer stays cached, 0-2592000; 0: never; unset: "
                                                            "policy.cache.default_ttl_s"), 0, 2592000))},
        {"limits", described("ModelLimits", "Rate limits for all callers of this model together", unsetIsNull)},
        {"capture_payloads", orNull(forPatch, {{"type", "boolean"}, {"default", false},
                                                  {"description", "Keep the first bytes of each call's request and answer with its record "
                                                                  "(docs/analytics.md \"Payload capture\")"}})},
    };
}

Json modelInput(bool create)
{
    Json properties = modelPolicy(!create);
    const Json deployments{{"type", "array"}, {"minItems", 1}, {"items", schemaRef("Deployment")}};
    properties["deployments"] = create ? deployments : nullable(deployments);
    properties["deployments"]["description"] = create ? "In order (the fallback strategy keeps it)" : "Replaces all deployments; null keeps them";
    properties["model"] = create ? string("The public name clients send; unique across the config file and the store")
                                 : string("If given, the model's own name: models are not renamed");
    properties["reason"] = string(kReasonText);
    Json schema = object(properties, create ? std::vector<std::string>{"model", "deployments"} : std::vector<std::string>{}, true);
    schema["description"] = create
        ? "The config file's model entry in JSON (its name under model), checked by the same rules."
        : "Only the fields given change; null returns a key to its default. The result is checked as a whole.";
    return schema;
}

Json modelSchema()
{
    Json properties{{"model", string("The public model name")}, {"mode", enumeration({"open", "approval", "private"})},
        {"auto_approve", {{"type", "boolean"}}},
        {"served", nullable({{"type", "boolean"},
                       {"description", "Served by the gateway now; null when the admin API runs without a gateway (the CLI "
                                       "on a data directory)"}})},
        {"source", nullable(enumeration({"config", "store"},
                       "Where it is defined: the config file (read-only here) or the store; null for a model that only has "
                       "an access setting"))},
        {"deployments", {{"type", "array"}, {"items", schemaRef("Deployment")}}}};
    properties.update(modelPolicy(false, true));
    properties.update({{"problem", nullable(string("Why a stored model is not served"))},
        {"created_at_ms", nullable(integer("Epoch milliseconds; null unless stored"))},
        {"updated_at_ms", nullable(integer("Epoch milliseconds; null unless stored"))}});
    Json schema = object(properties, {"model", "mode", "auto_approve", "served", "source", "deployments", "strategy", "rules",
                                         "canary", "fallbacks", "context_window_fallbacks", "cache_ttl_s", "limits", "capture_payloads", "problem",
                                         "created_at_ms", "updated_at_ms"});
    schema["description"] = "Every traffic policy key is shown, unset ones at their default (strategy weighted, empty lists) or null.";
    return schema;
}

Json deploymentSchema()
{
    Json weight = bounded(integer("Relative share of the traffic within its priority group, 1-1000000"), 1, 1000000);
    weight["default"] = 1;
    Json priority = bounded(integer("Lower first: a higher priority group is only a fallback of the lower ones"), -1000000, 1000000);
    priority["default"] = 0;
    return object({{"provider", string("A provider of the config file or of the store")},
                      {"model", string("The model name sent upstream")}, {"weight", weight}, {"priority", priority},
                      {"price", described("TokenPrice", "USD per million tokens; null: calls cost 0 (a local model)", true)},
                      {"limits", described("ModelLimits", "The upstream's own quota for this provider and upstream model, shared by "
                                                          "every model that routes to it (docs/traffic-policy.md)", true)}},
        {"provider", "model"}, true);
}

// A value or a list of values (answers show lists).
Json texts()
{
    return {{"oneOf", Json::array({string(), {{"type", "array"}, {"items", string()}}})}};
}

Json valueLists(const std::string& description)
{
    return {{"type", "object"}, {"additionalProperties", texts()}, {"description", description}};
}

Json routingRuleSchema()
{
    const Json match = object({{"tenant", texts()}, {"consumer", texts()}, {"key", texts()},
                                  {"headers", valueLists("Header name (case-insensitive) → values")},
                                  {"metadata", valueLists("A key of the request's metadata object → values")}},
        {}, true);
    Json schema = object({{"name", string("Unique within the model")}, {"match", match},
                             {"deployments", {{"type", "array"}, {"minItems", 1}, {"items", string("provider/upstream model")}}},
                             {"fall_back_to_others", {{"type", "boolean"}, {"default", false}}}},
        {"name", "deployments"}, true);
    schema["description"] = "match: every condition must hold (none: always): tenant names, consumers (tenant/consumer), "
                            "key prefixes, header and metadata values; each a value or a list, shown as lists.";
    return schema;
}

// A rate limit or a budget of policy.limits / policy.budgets (docs/config.md): as a PUT body (the
// file's entry in JSON, plus reason) or as an answer (every key, unset ones null, with its source).
Json policyEntry(bool budget, bool answer)
{
    const auto amount = [&](const std::string& description) {
        return bounded({{"type", "number"}, {"description", description}}, 0, 1e9);
    };
    Json properties{{"scope", budget ? enumeration({"tenant", "consumer", "key"})
                                     : enumeration({"tenant", "consumer", "key", "model"})},
        {"id", string("A tenant's name, a consumer as tenant/consumer, a key's prefix" + std::string(budget ? "" : ", a model's public name"))}};
    std::vector<std::string> required{"scope", "id"};
    if (budget) {
        Json period = enumeration({"daily", "weekly", "monthly", "total"}, "UTC calendar periods; total never resets");
        period["default"] = "monthly";
        properties["period"] = period;
        properties["limit_usd"] = amount("The hard limit, more than 0");
        properties["soft_limit_usd"] = orNull(answer, amount("The alert threshold, less than limit_usd"));
        properties["soft_limit_fraction"] = orNull(answer, bounded({{"type", "number"}, {"description", "The alert threshold as "
                                                                   "a fraction of the limit (not with soft_limit_usd)"}}, 0, 1));
        required.push_back("limit_usd");
    } else {
        properties["requests_per_minute"] = orNull(answer, bounded(integer("0 refuses every request"), 0, kMaxLimit));
        properties["tokens_per_minute"] = orNull(answer, bounded(integer(), 0, kMaxLimit));
        properties["concurrent"] = orNull(answer, bounded(integer("Requests in flight"), 0, kMaxLimit));
    }
    if (!answer) {
        properties["reason"] = string(kReasonText);
        Json schema = object(properties, required, true);
        schema["description"] = budget ? "The config file's policy.budgets entry in JSON, checked by the same rules."
                                       : "The config file's policy.limits entry in JSON (at least one dimension), checked by the same rules.";
        return schema;
    }
    properties["source"] = enumeration({"config_file", "store"}, "config_file: declared in the config file, read-only here");
    properties["updated_at_ms"] = nullable(integer("Epoch milliseconds; null for the config file's"));
    for (const auto& key : properties.items()) {
        if (std::find(required.begin(), required.end(), key.key()) == required.end())
            required.push_back(key.key());
    }
    return object(properties, required);
}

Json schemas()
{
    const auto timestamp = integer("Epoch milliseconds");
    const Json keyProperties{{"id", integer()}, {"name", string()},
        {"prefix", string("The key's first characters, safe to show (gk-AbCdEf1)")},
        {"consumer_id", nullable(integer("Null for a tenant-level key (config, `gatehouse key create`)"))},
        {"tenant", string("The tenant's name")}, {"created_at_ms", timestamp},
        {"expires_at_ms", nullable(integer("Epoch milliseconds; null: never expires"))},
        {"revoked_at_ms", nullable(integer("Epoch milliseconds; null: not revoked"))},
        {"allowed_models", allowedModels()}, {"tags", tags()}};
    const std::vector<std::string> keyRequired{"id", "name", "prefix", "consumer_id", "tenant", "created_at_ms",
        "expires_at_ms", "revoked_at_ms", "allowed_models", "tags"};
    const Json apiKey = object(keyProperties, keyRequired);
    Json createdProperties = keyProperties;
    createdProperties["key"] = string("The API key (gk-...): shown in this answer only, the store keeps its hash");
    auto createdRequired = keyRequired;
    createdRequired.push_back("key");
    const Json apiKeyCreated = object(createdProperties, createdRequired);
    Json rotatedProperties = createdProperties;
    rotatedProperties["rotated_key"] = {{"allOf", Json::array({schemaRef("ApiKey")})},
        {"description", "The old key, now expiring at the end of the grace period"}};
    auto rotatedRequired = createdRequired;
    rotatedRequired.push_back("rotated_key");
    const Json apiKeyRotated = object(rotatedProperties, rotatedRequired);
    return {
        {"Error", object({{"error", object({{"message", string("What went wrong and what to do")},
                                                  {"type", string("invalid_request_error, authentication_error, "
                                                                  "permission_denied, server_error")},
                                                  {"param", nullable(string("The offending field or parameter"))},
                                                  {"code", nullable(string("Stable code clients can branch on"))}},
                                              {"message", "type", "param", "code"})}},
                      {"error"})},
        {"Tenant", object({{"id", integer()}, {"name", string(kNameRule)}, {"created_at_ms", timestamp}},
                       {"id", "name", "created_at_ms"})},
        {"Consumer", object({{"id", integer()}, {"tenant_id", integer()}, {"tenant", string("The tenant's name")},
                                {"name", string(kNameRule + ", unique within the tenant")}, {"description", string()},
                                {"created_at_ms", timestamp}},
                         {"id", "tenant_id", "tenant", "name", "description", "created_at_ms"})},
        {"ModelAccess", object({{"model", string()}, {"mode", enumeration({"open", "approval", "private"})},
                                   {"auto_approve", {{"type", "boolean"}}}},
                            {"model", "mode", "auto_approve"})},
        {"AccessRequest",
            object({{"id", integer()}, {"consumer_id", integer()}, {"model", string()},
                       {"state", enumeration({"pending", "approved", "rejected", "revoked", "cancelled"})},
                       {"grant", {{"type", "boolean"}, {"description", "Created approved by an admin (POST /admin/v1/access-grants)"}}},
                       {"reason", string()}, {"note", string("The latest decision's note")},
                       {"requested_by", string()},
                       {"decided_by", nullable(string("The latest decision's actor; auto-approve for automatic approvals"))},
                       {"created_at_ms", timestamp}, {"decided_at_ms", nullable(timestamp)}},
                {"id", "consumer_id", "model", "state", "grant", "reason", "note", "requested_by", "decided_by",
                    "created_at_ms", "decided_at_ms"})},
        {"AuditEntry",
            object({{"id", integer()}, {"at_ms", timestamp}, {"actor", string("The admin token's name, cli:USER, ...")},
                       {"action", string("tenant.create, consumer.update, access_request.approve, ...")},
                       {"entity_type", string("tenant, consumer, provider, model, model_access, access_request, api_key, admin_token")},
                       {"entity_id", string("The row id, or the name for provider, model and model_access")},
                       {"before", nullable({{"type", "object"}, {"description", "The entity before; null for a creation"}})},
                       {"after", nullable({{"type", "object"}, {"description", "The entity after; null for a deletion"}})},
                       {"reason", string()}},
                {"id", "at_ms", "actor", "action", "entity_type", "entity_id", "before", "after", "reason"})},
        {"ApiKey", apiKey},
        {"ApiKeyCreated", apiKeyCreated},
        {"ApiKeyRotated", apiKeyRotated},
        {"ApiKeyPage", page("ApiKey")},
        {"ApiKeyCreate", object({{"consumer_id", integer("The consumer the key authenticates as")},
                                    {"name", string("1-64 characters, for display")},
                                    {"expires_at_ms", integer("Epoch milliseconds, in the future; absent: never expires")},
                                    {"allowed_models", allowedModels()}, {"tags", tags()}},
                             {"consumer_id", "name"}, true)},
        {"ApiKeyUpdate", object({{"name", string("1-64 characters, for display")},
                                    {"expires_at_ms", integer("A new expiry, in the future (an expiry cannot be removed)")},
                                    {"allowed_models", allowedModels()}, {"tags", tags("Replaces all tags")},
                                    {"reason", string(kReasonText)}},
                             {}, true)},
        {"Model", modelSchema()},
        {"ModelPage", page("Model")},
        {"Deployment", deploymentSchema()},
        {"TokenPrice", object(tokenPriceProperties(), {"input_per_million", "output_per_million"}, true)},
        {"Price", priceEntrySchema(true)},
        {"PricePage", page("Price")},
        {"LiteLlmPriceFile", {{"type", "object"}, {"description", "LiteLLM's model_prices_and_context_window.json: model id -> "
                                  "{litellm_provider, mode, input_cost_per_token, output_cost_per_token, "
                                  "cache_read_input_token_cost, cache_creation_input_token_cost} (USD per token)"},
                                 {"additionalProperties", {{"type", "object"}}}}},
        {"PricePut", priceEntrySchema(false)},
        {"PriceImport", object({{"imported", integer("Entries read from the file and stored")},
                                   {"created", integer("New entries")}, {"updated", integer("Entries of the same provider, model and day replaced")},
                                   {"effective_date", string("YYYY-MM-DD")}, {"skipped", integer("Entries not priced per token (images, audio) or malformed")},
                                   {"skipped_examples", {{"type", "array"}, {"items", string()}}}},
                            {"imported", "created", "updated", "effective_date", "skipped", "skipped_examples"})},
        {"RoutingRule", routingRuleSchema()},
        {"Canary", object({{"deployment", string("provider/upstream model: one of this model's deployments")},
                              {"percent", bounded({{"type", "number"}}, 0, 100)}},
                       {"deployment", "percent"}, true)},
        {"ModelLimits", object({{"requests_per_minute", bounded(integer("0 refuses every request"), 0, kMaxLimit)},
                                   {"tokens_per_minute", bounded(integer(), 0, kMaxLimit)},
                                   {"concurrent", bounded(integer("Requests in flight"), 0, kMaxLimit)}},
                            {}, true)},
        {"ModelCreate", modelInput(true)},
        {"ModelUpdate", modelInput(false)},
        {"Credential", object({{"source", enumeration({"none", "env", "stored"})},
                                  {"name", string("env: the environment variable's name")},
                                  {"set", {{"type", "boolean"}, {"description", "stored: a secret is stored (it is never shown)"}}}},
                           {"source"})},
        {"CredentialInput", object({{"source", enumeration({"none", "env", "stored"})},
                                       {"name", string("env: the environment variable, read by the gateway whenever it "
                                                       "builds a snapshot")},
                                       {"secret", string("stored: the secret, kept in the store and never shown again; "
                                                         "on PATCH leave it out to keep the stored one. No control characters.")}},
                                {"source"}, true)},
        {"Provider", providerSchema()},
        {"ProviderPage", page("Provider")},
        {"ProviderCreate", providerInput(true)},
        {"ProviderUpdate", providerInput(false)},
        {"ProviderTest", object({{"model", string("The upstream model to call; absent: the first model deployed on the provider")},
                                    {"reason", string(kReasonText)}},
                             {}, true)},
        {"ProviderTestResult", object({{"name", string("The provider tested")}, {"ok", {{"type", "boolean"}}},
                                          {"status", integer("The HTTP status the call ended with (502/504: unreachable, "
                                                             "503: its credential cannot be resolved)")},
                                          {"model", string("The upstream model called")},
                                          {"message", string("The start of the answer, or the error's message (never the secret)")},
                                          {"latency_ms", integer()}},
                                   {"name", "ok", "status", "model", "message", "latency_ms"})},
        {"AdminToken", object({{"id", integer()}, {"name", string(kNameRule + "; the audit log's actor, never reused")},
                                  {"role", enumeration({"viewer", "operator", "admin"})},
                                  {"prefix", string("The token's first characters, safe to show")},
                                  {"created_at_ms", timestamp}, {"revoked_at_ms", nullable(timestamp)}},
                           {"id", "name", "role", "prefix", "created_at_ms", "revoked_at_ms"})},
        {"AdminTokenCreated",
            object({{"id", integer()}, {"name", string()}, {"role", enumeration({"viewer", "operator", "admin"})},
                       {"prefix", string()}, {"created_at_ms", timestamp}, {"revoked_at_ms", nullable(timestamp)},
                       {"token", string("The token (gat-...): shown in this answer only, the store keeps its hash")}},
                {"id", "name", "role", "prefix", "created_at_ms", "revoked_at_ms", "token"})},
        {"AdminTokenPage", page("AdminToken")},
        {"AdminTokenCreate", object({{"name", string(kNameRule)}, {"role", enumeration({"viewer", "operator", "admin"})},
                                        {"reason", string(kReasonText)}},
                                 {"name", "role"}, true)},
        {"AdminTokenRevoke", object({{"reason", string(kReasonText)}}, {}, true)},
        {"ApiKeyRevoke", object({{"reason", string(kReasonText)}}, {}, true)},
        {"ApiKeyRotate", object({{"grace_seconds", [] {
                                      Json grace = integer("How long the old key keeps working, 0 to 2592000 (30 days)");
                                      grace["minimum"] = 0;
                                      grace["maximum"] = 2592000;
                                      grace["default"] = 86400;
                                      return grace;
                                  }()}},
                             {}, true)},
        {"TenantPage", page("Tenant")},
        {"ConsumerPage", page("Consumer")},
        {"AccessRequestPage", page("AccessRequest")},
        {"AuditPage", page("AuditEntry")},
        {"Call", callSchema()},
        {"AnalyticsSeries", object({{"granularity", enumeration({"minute", "hour", "day"})},
                                       {"group_by", nullable(string("The dimension the series is split by"))},
                                       {"since_ms", integer("The first bucket's start")}, {"until_ms", integer()},
                                       {"data", {{"type", "array"}, {"items", analyticsRowSchema(true)}}}},
                                {"granularity", "group_by", "since_ms", "until_ms", "data"})},
        {"AnalyticsTop", object({{"by", string()}, {"metric", string()}, {"since_ms", integer()}, {"until_ms", integer()},
                                    {"data", {{"type", "array"}, {"items", analyticsRowSchema(false)}}}},
                             {"by", "metric", "since_ms", "until_ms", "data"})},
        {"CallPage", object({{"data", {{"type", "array"}, {"items", schemaRef("Call")}}}, {"limit", integer()},
                                {"next_cursor", nullable(string("Pass as cursor for the next (older) page; null on the last page"))}},
                         {"data", "limit", "next_cursor"})},
        {"DeploymentHealth", object({{"deployment", string("provider/upstream model")}, {"provider", string()},
                                         {"model", string("The upstream model")},
                                         {"models", {{"type", "array"}, {"items", string()}, {"description", "The public models it serves"}}},
                                         {"circuit", enumeration({"closed", "open", "half_open"})},
                                         {"consecutive_failures", integer()}, {"window_requests", integer()},
                                         {"window_failures", integer()}, {"error_rate", {{"type", "number"}}},
                                         {"retry_in_ms", integer("Open: time until a probe may go")},
                                         {"successes", integer()}, {"failures", integer()},
                                         {"rejected", integer("Requests refused while a probe was running or the circuit open")},
                                         {"times_opened", integer()}, {"last_failure", string()},
                                         {"latency_ms", nullable({{"type", "number"}, {"description", "Moving average of the time to first token"}})},
                                         {"latency_samples", integer()}},
                                {"deployment", "provider", "model", "models", "circuit"})},
        {"RateLimitUsage", object({{"scope", enumeration({"key", "consumer", "tenant", "model"})}, {"id", string()},
                                       {"requests_per_minute", nullable(integer())}, {"tokens_per_minute", nullable(integer())},
                                       {"concurrent", nullable(integer())}, {"requests_remaining", nullable(integer())},
                                       {"requests_reset_ms", nullable(integer())}, {"tokens_remaining", nullable(integer())},
                                       {"tokens_reset_ms", nullable(integer())}, {"in_flight", integer()}},
                              {"scope", "id"})},
        {"BudgetUsage", object({{"scope", enumeration({"key", "consumer", "tenant"})}, {"id", string()},
                                    {"period", enumeration({"daily", "weekly", "monthly", "total"})},
                                    {"limit_usd", {{"type", "number"}}}, {"soft_limit_usd", nullable({{"type", "number"}})},
                                    {"spent_usd", {{"type", "number"}}}, {"reserved_usd", {{"type", "number"}}},
                                    {"remaining_usd", {{"type", "number"}}}, {"period_start", string()},
                                    {"resets_at", nullable(string("UTC; null for a total budget"))},
                                    {"soft_threshold_reached", {{"type", "boolean"}}}, {"loaded", {{"type", "boolean"}}}},
                           {"scope", "id", "period", "limit_usd", "spent_usd"})},
        {"RateLimit", policyEntry(false, true)},
        {"RateLimitPage", page("RateLimit")},
        {"RateLimitPut", policyEntry(false, false)},
        {"Budget", policyEntry(true, true)},
        {"BudgetPage", page("Budget")},
        {"BudgetPut", policyEntry(true, false)},
        {"TenantCreate", object({{"name", string(kNameRule)}, {"reason", string(kReasonText)}}, {"name"}, true)},
        {"TenantRename", object({{"name", string("The new name; " + kNameRule)}, {"reason", string(kReasonText)}}, {"name"}, true)},
        {"ConsumerCreate", object({{"tenant_id", integer()}, {"name", string(kNameRule)},
                                      {"description", string("At most 4096 characters")}, {"reason", string(kReasonText)}},
                               {"tenant_id", "name"}, true)},
        {"ConsumerUpdate", object({{"description", string("At most 4096 characters")}, {"reason", string(kReasonText)}},
                               {"description"}, true)},
        {"ModelAccessSet", object({{"mode", enumeration({"open", "approval", "private"})},
                                      {"auto_approve", {{"type", "boolean"}, {"default", false},
                                                           {"description", "Approve filed requests at once (not for private models)"}}},
                                      {"reason", string(kReasonText)}},
                               {"mode"}, true)},
        {"AccessRequestCreate", object({{"consumer_id", integer()}, {"model", string()},
                                           {"reason", string("Why the consumer needs the model")}},
                                    {"consumer_id", "model"}, true)},
        {"AccessDecision", object({{"note", string("Shown to the consumer in 403 messages (reject, revoke)")}}, {}, true)},
        {"AccessGrant", object({{"consumer_id", integer()}, {"model", string()}, {"note", string()}},
                            {"consumer_id", "model"}, true)},
        {"Status", object({{"status", string()}, {"data_plane", string()}, {"in_flight", integer()},
                              {"call_records", object({{"submitted", integer()}, {"written", integer()},
                                                           {"dropped", integer()}, {"queue_depth", integer()}},
                                                   {"submitted", "written", "dropped", "queue_depth"})}},
                       {"status", "data_plane", "in_flight", "call_records"})},
    };
}

Json errorResponse(const std::string& description)
{
    return {{"description", description}, {"content", {{"application/json", {{"schema", schemaRef("Error")}}}}}};
}

Json responses()
{
    return {
        {"BadRequest", errorResponse("Invalid input: code invalid_json, missing_required_parameter, invalid_type, "
                                     "invalid_value, unknown_parameter or duplicate_parameter; param names the field")},
        {"Unauthorized", errorResponse("No, an unknown or a revoked admin token: code invalid_admin_token")},
        {"Forbidden", errorResponse("The token's role is not enough: code insufficient_role, the message names the role needed")},
        {"NotFound", errorResponse("No such entity: code not_found")},
        {"Conflict", errorResponse("Refused by the current state (a duplicate name, a delete while in use, an illegal "
                                   "access-request transition, an entry of the config file); the message says why and "
                                   "what to do: code conflict")},
        {"Unavailable", errorResponse("Needs the running gateway (code gateway_required) or it cannot run now (code unavailable)")},
    };
}

Json queryParameter(const std::string& name, Json schema, const std::string& description)
{
    return {{"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", std::move(schema)}};
}

Json parameters()
{
    Json limit = integer();
    limit["minimum"] = 1;
    limit["maximum"] = 1000;
    limit["default"] = 50;
    Json offset = integer();
    offset["minimum"] = 0;
    offset["default"] = 0;
    return {
        {"Id", {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", integer()}}},
        {"Limit", queryParameter("limit", limit, "Page size, 1-1000")},
        {"Offset", queryParameter("offset", offset, "Entries to skip")},
        {"DeleteReason", queryParameter("reason", string(), kReasonText)},
    };
}

// One operation. `role` nullopt: served without a token.
struct Operation {
    std::string id;
    std::string tag;
    std::string summary;
    std::string description;
    std::optional<std::string> role;
    Json parameters = Json::array();
    std::string requestSchema; // "" when there is no body
    int status = 200;
    std::string answer;        // the success answer's description
    Json answerSchema;
    std::vector<std::string> errors; // component response names beyond Unauthorized and Forbidden
};

std::string errorStatus(const std::string& response)
{
    if (response == "BadRequest")
        return "400";
    if (response == "NotFound")
        return "404";
    if (response == "Unavailable")
        return "503";
    return "409"; // Conflict
}

Json operation(const Operation& op)
{
    Json out{{"operationId", op.id}, {"tags", {op.tag}}, {"summary", op.summary}};
    std::string description = op.description;
    if (op.role) {
        description += (description.empty() ? "" : "\n\n") + std::string("Role: ") + *op.role
            + (*op.role == "admin" ? " only." : " or higher (viewer < operator < admin).");
        out["x-gatehouse-role"] = *op.role;
    } else {
        out["security"] = Json::array();
    }
    out["description"] = description;
    if (!op.parameters.empty())
        out["parameters"] = op.parameters;
    if (!op.requestSchema.empty())
        out["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", schemaRef(op.requestSchema)}}}}}};
    Json answers{{std::to_string(op.status), {{"description", op.answer}, {"content", {{"application/json", {{"schema", op.answerSchema}}}}}}}};
    for (const auto& error : op.errors)
        answers[errorStatus(error)] = ref("responses", error);
    if (op.role) { // any of them may also meet an unknown query parameter
        answers["400"] = ref("responses", "BadRequest");
        answers["401"] = ref("responses", "Unauthorized");
        answers["403"] = ref("responses", "Forbidden");
    }
    out["responses"] = std::move(answers);
    return out;
}

Json idParameter()
{
    return ref("parameters", "Id");
}

Json paging()
{
    return {ref("parameters", "Limit"), ref("parameters", "Offset")};
}

Json withPaging(Json parameters)
{
    for (auto& parameter : paging())
        parameters.push_back(parameter);
    return parameters;
}

Json modelName()
{
    return {{"name", "model"}, {"in", "path"}, {"required", true},
        {"description", "The public model name; a '/' in it is sent as %2F"}, {"schema", string()}};
}

Json providerName()
{
    return {{"name", "name"}, {"in", "path"}, {"required", true},
        {"description", "The provider's name; a '/' in it is sent as %2F"}, {"schema", string()}};
}

Json decision(const std::string& action, const std::string& summary, const std::string& from, const std::string& to)
{
    return operation({action + "AccessRequest", "access requests", summary,
        "Moves a " + from + " request to " + to + ". Any other state is a 409 whose message says what to do "
            "instead (docs/governance.md). The note becomes the request's note and the audit entry's reason.",
        "operator", Json::array({idParameter()}), "AccessDecision", 200, "The request after the decision",
        schemaRef("AccessRequest"), {"BadRequest", "NotFound", "Conflict"}});
}

// The traffic policy's live state: a whole list (not paged), answered by the running gateway.
Json trafficOperation(const std::string& id, const std::string& summary, const std::string& description, const std::string& item)
{
    const Json list = object({{"data", {{"type", "array"}, {"items", schemaRef(item)}}}}, {"data"});
    return operation({id, "traffic", summary,
        description + " Needs the running gateway: the CLI on a bare data directory gets 503 gateway_required.", "viewer",
        Json::array(), "", 200, "The whole list", list, {"Unavailable"}});
}

// {scope}/{id} (and {period}) of a stored rate limit or budget.
Json policyPathParameters(bool budget)
{
    const auto path = [](const std::string& name, Json schema, const std::string& description) {
        return Json{{"name", name}, {"in", "path"}, {"required", true}, {"description", description}, {"schema", std::move(schema)}};
    };
    Json parameters = Json::array({path("scope", budget ? enumeration({"tenant", "consumer", "key"})
                                                        : enumeration({"tenant", "consumer", "key", "model"}), "The scope's kind"),
        path("id", string(), "The scope's id; a consumer's tenant/consumer is sent with its '/' as %2F")});
    if (budget)
        parameters.push_back(path("period", enumeration({"daily", "weekly", "monthly", "total"}), "The budget's period"));
    return parameters;
}

Json streamCallsOperation()
{
    Json parameters = Json::array();
    for (const auto& [name, text] : {std::pair{"tenant", "Only this tenant's calls"},
             std::pair{"consumer", "Only this consumer's calls, as tenant/consumer"}, std::pair{"key", "Only this API key prefix"},
             std::pair{"model", "Only calls that asked for this model"}, std::pair{"provider", "Only calls answered by this provider"},
             std::pair{"status", "A status (429), a class (5xx) or error (400 and above)"}})
        parameters.push_back(queryParameter(name, string(), text));
    Json answer = operation({"streamCalls", "calls", "Stream calls as they are written",
        "Server-sent events, until the client closes or the gateway stops: `event: call` with a Call as its data for each "
        "call written from now on that the filters select; `event: dropped` with {\"dropped\": N} when the stream fell more "
        "than 10000 calls behind and lost the oldest; a comment line every 15 s while nothing happens.",
        "viewer", parameters, "", 200, "The stream", string(), {"BadRequest"}});
    answer["responses"]["200"]["content"] = {{"text/event-stream", {{"schema", string()}}}};
    return answer;
}

Json analyticsOperation(const std::string& id, const std::string& summary, const std::string& description, bool series,
    const std::string& schema)
{
    Json parameters = Json::array({
        queryParameter("since_ms", integer(), "From this time (epoch ms), rounded down to its bucket; default: 24 hours before until_ms"),
        queryParameter("until_ms", integer(), "Before this time (epoch ms); default: now"),
        queryParameter("granularity", enumeration({"minute", "hour", "day"}),
            "Default: minute up to 6 hours, hour up to 8 days, day beyond"),
    });
    if (series) {
        parameters.push_back(queryParameter("group_by", enumeration({"tenant", "consumer", "key", "model", "deployment"}),
            "Split the series by this dimension"));
    } else {
        parameters.push_back(queryParameter("by", enumeration({"tenant", "consumer", "key", "model", "deployment"}), "Required"));
        parameters.push_back(queryParameter("metric", enumeration({"requests", "errors", "tokens", "cost", "latency_p95"}),
            "What to rank by; default cost"));
        parameters.push_back(queryParameter("limit", integer(), "1 to 100; default 10"));
    }
    for (const auto& [name, text] : {std::pair{"tenant", "Only this tenant's calls"},
             std::pair{"consumer", "Only this consumer's calls, as tenant/consumer"}, std::pair{"key", "Only this API key prefix"},
             std::pair{"model", "Only calls that asked for this model"},
             std::pair{"deployment", "Only calls answered by this deployment (provider/upstream model)"}})
        parameters.push_back(queryParameter(name, string(), text));
    parameters.push_back(queryParameter("format", enumeration({"json", "csv"}), "csv: text/csv, one row per point or group"));
    Json answer = operation({id, "calls", summary, description, "viewer", parameters, "", 200, summary, schemaRef(schema), {"BadRequest"}});
    answer["responses"]["200"]["content"]["text/csv"] = {{"schema", string()}};
    return answer;
}

Json paths()
{
    const Json deleteParameters = Json::array({idParameter(), ref("parameters", "DeleteReason")});
    Json auditParameters = withPaging(Json::array({
        queryParameter("entity_type", string(), "tenant, consumer, provider, model, model_access, access_request, api_key, admin_token"),
        queryParameter("entity_id", string(), "The row id, or the model name for model_access"),
        queryParameter("since_ms", integer(), "Entries at or after this time (epoch ms)"),
        queryParameter("until_ms", integer(), "Entries before this time (epoch ms)"),
        queryParameter("format", enumeration({"json", "csv"}), "csv: text/csv with a header row; limit then defaults to 1000"),
    }));
    Json auditAnswer = operation({"queryAudit", "audit", "Query the audit log",
        "Newest first. Every change made through the admin API, the CLI or the console appends exactly one entry; "
        "the log cannot be changed (the database refuses updates and deletes). With format=csv the answer is "
        "text/csv with the header row id,at_ms,at,actor,action,entity_type,entity_id,before,after,reason and an "
        "X-Total-Count header.",
        "viewer", auditParameters, "", 200, "A page of entries", schemaRef("AuditPage"), {"BadRequest"}});
    auditAnswer["responses"]["200"]["content"]["text/csv"] = {{"schema", string()}};
    auditAnswer["responses"]["200"]["headers"] = {{"X-Total-Count", {{"description", "Matching entries (csv only)"}, {"schema", integer()}}}};

    const Json callsParameters = Json::array({
        queryParameter("since_ms", integer(), "Calls that started at or after this time (epoch ms)"),
        queryParameter("until_ms", integer(), "Calls that started before this time (epoch ms)"),
        queryParameter("tenant", string(), "Only this tenant's calls"),
        queryParameter("consumer", string(), "Only this consumer's calls, as tenant/consumer"),
        queryParameter("key", string(), "Only calls with this API key prefix"),
        queryParameter("model", string(), "Only calls that asked for this model"),
        queryParameter("provider", string(), "Only calls answered by this provider"),
        queryParameter("status", string(), "A status (429), a class (2xx, 4xx, 5xx) or error (400 and above)"),
        queryParameter("limit", integer(), "1 to 10000; default 50 (csv: 10000)"),
        queryParameter("cursor", string(), "The next_cursor of the previous page (X-Next-Cursor for csv)"),
        queryParameter("format", enumeration({"json", "csv"}), "csv: text/csv with a header row of the Call fields"),
    });
    Json callsAnswer = operation({"listCalls", "calls", "List calls",
        "Newest first, from the call log. Paged by cursor: a page ends with next_cursor, null on the last page. With "
        "format=csv the answer is text/csv, one row per call with the Call schema's fields in order (tags as JSON), and "
        "an X-Next-Cursor header while more pages remain.",
        "viewer", callsParameters, "", 200, "A page of calls", schemaRef("CallPage"), {"BadRequest"}});
    callsAnswer["responses"]["200"]["content"]["text/csv"] = {{"schema", string()}};
    callsAnswer["responses"]["200"]["headers"] = {{"X-Next-Cursor", {{"description", "The next page's cursor (csv only)"}, {"schema", string()}}}};

    return {
        {"/admin/v1/status", {{"get", operation({"getStatus", "meta", "Gateway status",
                                          "Served by the gateway itself, without a token; GET /healthz answers the same.",
                                          std::nullopt, Json::array(), "", 200, "The gateway's state", schemaRef("Status"), {}})}}},
        {"/admin/v1/openapi.json", {{"get", operation({"getOpenApiDocument", "meta", "This document",
                                                "Served without a token.", std::nullopt, Json::array(), "", 200,
                                                "The OpenAPI 3.0 document", {{"type", "object"}}, {}})}}},
        {"/admin/v1/tenants",
            {{"get", operation({"listTenants", "tenants", "List tenants", "By name.", "viewer", paging(), "", 200,
                         "A page of tenants", schemaRef("TenantPage"), {"BadRequest"}})},
                {"post", operation({"createTenant", "tenants", "Create a tenant", "", "admin", Json::array(), "TenantCreate",
                             201, "The new tenant", schemaRef("Tenant"), {"BadRequest", "Conflict"}})}}},
        {"/admin/v1/tenants/{id}",
            {{"get", operation({"getTenant", "tenants", "Get a tenant", "", "viewer", Json::array({idParameter()}), "", 200,
                         "The tenant", schemaRef("Tenant"), {"NotFound"}})},
                {"patch", operation({"renameTenant", "tenants", "Rename a tenant", "Its legacy API keys move along.",
                              "admin", Json::array({idParameter()}), "TenantRename", 200, "The renamed tenant",
                              schemaRef("Tenant"), {"BadRequest", "NotFound", "Conflict"}})},
                {"delete", operation({"deleteTenant", "tenants", "Delete a tenant",
                               "Refused (409) while it has consumers or usable API keys.", "admin", deleteParameters, "",
                               200, "The tenant as it was", schemaRef("Tenant"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/consumers",
            {{"get", operation({"listConsumers", "consumers", "List consumers", "By tenant name, then name.", "viewer",
                         withPaging(Json::array({queryParameter("tenant_id", integer(), "Only this tenant's consumers"),
                             queryParameter("name", string(), "Case-insensitive substring of the name")})),
                         "", 200, "A page of consumers", schemaRef("ConsumerPage"), {"BadRequest"}})},
                {"post", operation({"createConsumer", "consumers", "Create a consumer", "", "operator", Json::array(),
                             "ConsumerCreate", 201, "The new consumer", schemaRef("Consumer"),
                             {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/consumers/{id}",
            {{"get", operation({"getConsumer", "consumers", "Get a consumer", "", "viewer", Json::array({idParameter()}),
                         "", 200, "The consumer", schemaRef("Consumer"), {"NotFound"}})},
                {"patch", operation({"updateConsumer", "consumers", "Change a consumer's description", "", "operator",
                              Json::array({idParameter()}), "ConsumerUpdate", 200, "The consumer",
                              schemaRef("Consumer"), {"BadRequest", "NotFound"}})},
                {"delete", operation({"deleteConsumer", "consumers", "Delete a consumer",
                               "Refused (409) while it has usable API keys; its access requests go with it (the audit "
                               "log keeps their history).",
                               "admin", deleteParameters, "", 200, "The consumer as it was", schemaRef("Consumer"),
                               {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/providers",
            {{"get", operation({"listProviders", "providers", "List providers",
                         "The config file's (in file order), then the store's (by name). Credentials show only where "
                         "they come from.",
                         "viewer", paging(), "", 200, "A page of providers", schemaRef("ProviderPage"), {"BadRequest"}})},
                {"post", operation({"createProvider", "providers", "Add a provider",
                             "Checked with the config file's rules (400 naming the field). A name the config file uses is a "
                             "409. Usable by models at once.",
                             "admin", Json::array(), "ProviderCreate", 201, "The provider", schemaRef("Provider"),
                             {"BadRequest", "Conflict"}})}}},
        {"/admin/v1/providers/{name}",
            {{"parameters", Json::array({providerName()})},
                {"get", operation({"getProvider", "providers", "Get a provider", "", "viewer", Json::array(), "", 200,
                            "The provider", schemaRef("Provider"), {"NotFound"}})},
                {"patch", operation({"updateProvider", "providers", "Change a stored provider",
                              "Takes effect on the data plane at once; requests in flight keep the settings they started "
                              "with. A provider of the config file is a 409 (edit it there).",
                              "admin", Json::array(), "ProviderUpdate", 200, "The provider", schemaRef("Provider"),
                              {"BadRequest", "NotFound", "Conflict"}})},
                {"delete", operation({"deleteProvider", "providers", "Delete a stored provider",
                               "Refused (409) while a model deploys on it, and for a provider of the config file. Its "
                               "stored secret goes with it.",
                               "admin", Json::array({ref("parameters", "DeleteReason")}), "", 200, "The provider as it was",
                               schemaRef("Provider"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/providers/{name}/test",
            {{"parameters", Json::array({providerName()})},
                {"post", operation({"testProvider", "providers", "Test a provider with one real call",
                             "One small chat call through the data plane's own path, recorded like any call and audited as "
                             "provider.test. The answer is 200 whatever the provider said: ok tells.",
                             "operator", Json::array(), "ProviderTest", 200, "What the provider answered",
                             schemaRef("ProviderTestResult"), {"BadRequest", "NotFound", "Conflict", "Unavailable"}})}}},
        {"/admin/v1/models",
            {{"get", operation({"listModels", "models", "List models with their deployments and access modes",
                         "The config file's models, then the store's (served or not, with the reason), then every other "
                         "model with an access setting (served: false, source: null).",
                         "viewer", paging(), "", 200, "A page of models", schemaRef("ModelPage"), {"BadRequest"}})},
                {"post", operation({"createModel", "models", "Add a model",
                             "Its deployments may use providers of the config file or of the store (404 naming "
                             "deployments[N].provider for one that does not exist), its fallbacks any model of either (400 "
                             "naming fallbacks[N] for one that does not exist). Callable at once; its access mode is set "
                             "under /models/{model}/access.",
                             "admin", Json::array(), "ModelCreate", 201, "The model", schemaRef("Model"),
                             {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/models/{model}",
            {{"parameters", Json::array({modelName()})},
                {"get", operation({"getModel", "models", "Get a model", "", "viewer", Json::array(), "", 200, "The model",
                            schemaRef("Model"), {"NotFound"}})},
                {"patch", operation({"updateModel", "models", "Change a stored model's deployments or traffic policy",
                              "Replaces the fields given; the result is checked as a whole. Takes effect on the data plane "
                              "at once. A model of the config file is a 409 (edit it there).",
                              "admin", Json::array(), "ModelUpdate", 200, "The model", schemaRef("Model"),
                              {"BadRequest", "NotFound", "Conflict"}})},
                {"delete", operation({"deleteModel", "models", "Delete a stored model",
                               "Its access setting and access requests stay (history). Other models' fallbacks to it stay "
                               "and are skipped.", "admin",
                               Json::array({ref("parameters", "DeleteReason")}), "", 200, "The model as it was",
                               schemaRef("Model"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/models/{model}/access",
            {{"parameters", Json::array({modelName()})},
                {"get", operation({"getModelAccess", "model access", "Get a model's access mode",
                            "A model never configured is open without auto-approve.", "viewer", Json::array(), "", 200,
                            "The model's access", schemaRef("ModelAccess"), {}})},
                {"put", operation({"setModelAccess", "model access", "Set a model's access mode",
                            "Replaces the setting: an absent auto_approve is false.", "admin", Json::array(),
                            "ModelAccessSet", 200, "The model's access", schemaRef("ModelAccess"), {"BadRequest"}})}}},
        {"/admin/v1/access-requests",
            {{"get", operation({"listAccessRequests", "access requests", "List access requests", "Newest first.", "viewer",
                         withPaging(Json::array({queryParameter("consumer_id", integer(), "Only this consumer's requests"),
                             queryParameter("model", string(), "Only requests for this model"),
                             queryParameter("state", enumeration({"pending", "approved", "rejected", "revoked", "cancelled"}),
                                 "Only requests in this state")})),
                         "", 200, "A page of requests", schemaRef("AccessRequestPage"), {"BadRequest"}})},
                {"post", operation({"fileAccessRequest", "access requests", "File an access request for a consumer",
                             "Pending, or approved at once when the model auto-approves. Refused (409) for a private "
                             "model and while the consumer's latest request for the model is pending or approved.",
                             "operator", Json::array(), "AccessRequestCreate", 201, "The new request",
                             schemaRef("AccessRequest"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/access-requests/{id}",
            {{"get", operation({"getAccessRequest", "access requests", "Get an access request", "", "viewer",
                         Json::array({idParameter()}), "", 200, "The request", schemaRef("AccessRequest"), {"NotFound"}})}}},
        {"/admin/v1/access-requests/{id}/approve", {{"post", decision("approve", "Approve an access request", "pending", "approved")}}},
        {"/admin/v1/access-requests/{id}/reject", {{"post", decision("reject", "Reject an access request", "pending", "rejected")}}},
        {"/admin/v1/access-requests/{id}/revoke", {{"post", decision("revoke", "Revoke an access request", "approved", "revoked")}}},
        {"/admin/v1/access-requests/{id}/cancel", {{"post", decision("cancel", "Cancel an access request", "pending", "cancelled")}}},
        {"/admin/v1/access-grants",
            {{"post", operation({"grantAccess", "access requests", "Grant a consumer access to a model",
                          "Creates a request already approved: the only way into a private model. Refused (409) while "
                          "a pending request waits for a decision or when the latest request is already a grant.",
                          "admin", Json::array(), "AccessGrant", 201, "The grant", schemaRef("AccessRequest"),
                          {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/keys",
            {{"get", operation({"listKeys", "api keys", "List API keys", "By id. Never the key nor its hash.", "viewer",
                         withPaging(Json::array({queryParameter("consumer_id", integer(), "Only this consumer's keys")})),
                         "", 200, "A page of keys", schemaRef("ApiKeyPage"), {"BadRequest"}})},
                {"post", operation({"createKey", "api keys", "Create an API key for a consumer",
                             "The answer carries the key itself (key) once; the store keeps only its hash. The key works "
                             "on the data plane at once.",
                             "operator", Json::array(), "ApiKeyCreate", 201, "The new key, with the key shown once",
                             schemaRef("ApiKeyCreated"), {"BadRequest", "NotFound"}})}}},
        {"/admin/v1/keys/{id}",
            {{"get", operation({"getKey", "api keys", "Get an API key", "Never the key nor its hash.", "viewer",
                         Json::array({idParameter()}), "", 200, "The key", schemaRef("ApiKey"), {"NotFound"}})},
                {"patch", operation({"updateKey", "api keys", "Change an API key's name, models, tags or expiry",
                              "Only the fields given change; tags are replaced as a whole. Takes effect on the data plane "
                              "at once. Refused (409) for a revoked key.",
                              "operator", Json::array({idParameter()}), "ApiKeyUpdate", 200, "The key",
                              schemaRef("ApiKey"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/keys/{id}/revoke",
            {{"post", operation({"revokeKey", "api keys", "Revoke an API key",
                          "The key stops working at once (401). Refused (409) for a key already revoked.", "operator",
                          Json::array({idParameter()}), "ApiKeyRevoke", 200, "The revoked key", schemaRef("ApiKey"),
                          {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/keys/{id}/rotate",
            {{"post", operation({"rotateKey", "api keys", "Rotate an API key",
                          "Creates a new key for the same consumer (shown once) and lets the old one expire after "
                          "grace_seconds (default 86400; 0 ends it at once). Refused (409) for a revoked or expired key.",
                          "operator", Json::array({idParameter()}), "ApiKeyRotate", 201,
                          "The new key with the key shown once, and the old one as rotated_key",
                          schemaRef("ApiKeyRotated"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/admin-tokens",
            {{"get", operation({"listAdminTokens", "admin tokens", "List admin tokens",
                         "By name, revoked ones included. Never a token nor its hash.", "admin", paging(), "", 200,
                         "A page of tokens", schemaRef("AdminTokenPage"), {"BadRequest"}})},
                {"post", operation({"createAdminToken", "admin tokens", "Create an admin token",
                             "The answer carries the token itself (token) once; the store keeps only its hash.", "admin",
                             Json::array(), "AdminTokenCreate", 201, "The new token, shown once",
                             schemaRef("AdminTokenCreated"), {"BadRequest", "Conflict"}})}}},
        {"/admin/v1/admin-tokens/{name}/revoke",
            {{"parameters", Json::array({{{"name", "name"}, {"in", "path"}, {"required", true},
                                {"description", "The token's name"}, {"schema", string()}}})},
                {"post", operation({"revokeAdminToken", "admin tokens", "Revoke an admin token",
                             "The token stops working at once (401). Its name stays taken. Refused (409) when already revoked.",
                             "admin", Json::array(), "AdminTokenRevoke", 200, "The revoked token", schemaRef("AdminToken"),
                             {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/audit", {{"get", std::move(auditAnswer)}}},
        {"/admin/v1/calls", {{"get", std::move(callsAnswer)}}},
        {"/admin/v1/analytics/series",
            {{"get", analyticsOperation("callSeries", "A time series of the calls",
                         "Requests, errors, tokens, cost and latency percentiles per bucket (and per group), from the "
                         "rollups; buckets without calls are left out. format=csv: the points as CSV (the spend export).",
                         true, "AnalyticsSeries")}}},
        {"/admin/v1/analytics/top",
            {{"get", analyticsOperation("callTop", "The top groups of the calls",
                         "The groups of `by` with the most of `metric` over the range, most first.", false, "AnalyticsTop")}}},
        {"/admin/v1/calls/stream", {{"get", streamCallsOperation()}}},
        {"/admin/v1/calls/{request_id}",
            {{"get", operation({"getCall", "calls", "Get one call", "The call the client got this x-gatehouse-request-id for.",
                         "viewer", Json::array({{{"name", "request_id"}, {"in", "path"}, {"required", true}, {"schema", string()}}}),
                         "", 200, "The call", schemaRef("Call"), {"NotFound"}})}}},
        {"/admin/v1/limits",
            {{"get", operation({"listLimits", "traffic", "List rate limits",
                         "The config file's policy.limits (source config_file, read-only here), then the store's (source "
                         "store, by scope and id). What is left of them now: /admin/v1/traffic/rate-limits.",
                         "viewer", paging(), "", 200, "A page of rate limits", schemaRef("RateLimitPage"), {"BadRequest"}})},
                {"put", operation({"putLimit", "traffic", "Set a rate limit",
                            "Creates or replaces the stored limit of the scope. Checked with the config file's "
                            "rules; a scope the config file limits is a 409 (change it there). Takes effect on the data "
                            "plane at once, keeping what was already used.",
                            "admin", Json::array(), "RateLimitPut", 200, "The rate limit",
                            schemaRef("RateLimit"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/limits/{scope}/{id}",
            {{"parameters", policyPathParameters(false)},
                {"delete", operation({"deleteLimit", "traffic", "Delete a stored rate limit",
                               "The scope is unlimited from the next request on (unless another limit applies). One of the "
                               "config file is a 409.",
                               "admin", Json::array({ref("parameters", "DeleteReason")}), "", 200, "The rate limit as it was",
                               schemaRef("RateLimit"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/budgets",
            {{"get", operation({"listBudgets", "traffic", "List budgets",
                         "The config file's policy.budgets (source config_file, read-only here), then the store's (source "
                         "store, by scope, id and period). Their spending: /admin/v1/traffic/budgets.",
                         "viewer", paging(), "", 200, "A page of budgets", schemaRef("BudgetPage"), {"BadRequest"}})},
                {"put", operation({"putBudget", "traffic", "Set a budget",
                            "Creates or replaces the stored budget of the scope and period. Checked with the "
                            "config file's rules; a budget the config file declares is a 409 (change it there). A budget "
                            "that stays keeps its spending; a new one starts from the recorded calls of its period.",
                            "admin", Json::array(), "BudgetPut", 200, "The budget", schemaRef("Budget"),
                            {"BadRequest", "Conflict"}})}}},
        {"/admin/v1/budgets/{scope}/{id}/{period}",
            {{"parameters", policyPathParameters(true)},
                {"delete", operation({"deleteBudget", "traffic", "Delete a stored budget",
                               "Its calls are no longer limited by it from the next request on. One of the config file is a 409.",
                               "admin", Json::array({ref("parameters", "DeleteReason")}), "", 200, "The budget as it was",
                               schemaRef("Budget"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/prices",
            {{"get", operation({"listPrices", "prices", "List the price table",
                         "The merged table: the shipped list prices (origin default), the config file's prices: (file, "
                         "read-only here) and the store's (store); for the same provider, model and day the later origin "
                         "wins. By provider, model and effective_date. docs/pricing.md.",
                         "viewer",
                         withPaging(Json::array({queryParameter("provider", string(), "Only this provider family"),
                             queryParameter("model", string(), "Only this model id"),
                             queryParameter("origin", enumeration({"default", "file", "store"}), "Only entries of this origin")})),
                         "", 200, "A page of prices", schemaRef("PricePage"), {"BadRequest"}})},
                {"put", operation({"putPrice", "prices", "Set a price",
                            "Creates or replaces the stored entry for the provider, model and effective_date (default "
                            "today). Calls that started before keep the cost they were recorded with. An entry of the "
                            "config file is a 409.",
                            "admin", Json::array(), "PricePut", 200, "The price", schemaRef("Price"), {"BadRequest", "Conflict"}})},
                {"delete", operation({"deletePrice", "prices", "Delete a stored price",
                               "Named by ?provider=&model=&effective_date=. The entry under it (a file's or the shipped one) "
                               "applies again. One of the config file is a 409.",
                               "admin",
                               Json::array({queryParameter("provider", string(), "The provider family (empty: any provider)"),
                                   queryParameter("model", string(), "The model id (required)"),
                                   queryParameter("effective_date", string(), "YYYY-MM-DD (required)"), ref("parameters", "DeleteReason")}),
                               "", 200, "The price as it was", schemaRef("Price"), {"BadRequest", "NotFound", "Conflict"}})}}},
        {"/admin/v1/prices/import",
            {{"post", operation({"importPrices", "prices", "Import a LiteLLM price file",
                          "The body is a file in LiteLLM's model_prices_and_context_window.json format. Entries priced per "
                          "token (chat, completion, embedding) are stored in one transaction with one audit entry; others are "
                          "counted as skipped. Entries the config file declares are left as the file says.",
                          "admin",
                          Json::array({queryParameter("effective_date", string(), "YYYY-MM-DD the imported prices take effect; default today"),
                              queryParameter("reason", string(), kReasonText)}),
                          "LiteLlmPriceFile", 200, "What was imported", schemaRef("PriceImport"), {"BadRequest"}})}}},
        {"/admin/v1/traffic/deployments", {{"get", trafficOperation("trafficDeployments", "Deployment health",
            "Every served deployment (provider/upstream model) with its circuit state, its results in the breaker's "
            "window and since start, and the moving average of its time to first token. docs/traffic-policy.md.",
            "DeploymentHealth")}}},
        {"/admin/v1/traffic/rate-limits", {{"get", trafficOperation("trafficRateLimits", "Rate-limit usage",
            "Every configured rate limit (policy.limits and the models' own limits) with what is left now and when it is full again.",
            "RateLimitUsage")}}},
        {"/admin/v1/traffic/budgets", {{"get", trafficOperation("trafficBudgets", "Budget usage",
            "Every configured budget with its current period: spent, reserved by calls in flight, remaining, and when it resets.",
            "BudgetUsage")}}},
    };
}

// Managed prompts (docs/prompts.md): the entities and the inputs.
Json promptSchemas()
{
    const auto timestamp = integer("Epoch milliseconds");
    const auto anyJson = [](const std::string& description) { return Json{{"description", description}}; };
    const auto parameters = [] {
        return Json{{"type", "object"},
            {"description", "Request fields the version sets: temperature, top_p, max_tokens, max_completion_tokens, response_format, "
                            "tools, tool_choice, stop, seed, presence_penalty, frequency_penalty"}};
    };
    const Json promptName = string("a-z 0-9 . _ -, 1-64 characters, starting with a letter or digit");
    Json versionProperties{{"model", string("The public model it is sent to")},
        {"messages", array(schemaRef("PromptMessage"), "At least one; {{variable}} placeholders in the contents")},
        {"variables", array(schemaRef("PromptVariable"), "Every variable a placeholder uses, declared once")},
        {"parameters", parameters()},
        {"overridable", array(string(), "The parameters a caller may set per call")},
        {"note", string("What changed, at most 2000 bytes")}};
    Json versionCreate = versionProperties;
    versionCreate["reason"] = string(kReasonText);
    Json version = versionProperties;
    version["version"] = integer("1, 2, ... per prompt");
    version["created_at_ms"] = timestamp;
    version["created_by"] = string("The actor who added it");
    const auto totalsRow = [&] {
        const auto number = [](const std::string& description) {
            return Json{{"type", "number"}, {"nullable", true}, {"description", description}};
        };
        return object({{"version", integer()}, {"label", nullable(string("The label that chose the calls; null: every call of the version"))},
                          {"requests", integer()}, {"errors", integer("Status 400 or above, or an error code (a stream cut off)")},
                          {"error_rate", number("errors / requests")}, {"prompt_tokens", integer()}, {"completion_tokens", integer()},
                          {"cost_usd", {{"type", "number"}}}, {"latency_mean_ms", number("Over every call")},
                          {"latency_p50_ms", number("Exact (nearest rank), over the latency_samples newest calls")},
                          {"latency_p95_ms", number("The same")},
                          {"latency_samples", integer("The calls the percentiles come from: all, up to 100000")},
                          {"feedback_count", integer("Feedback entries posted for these calls")},
                          {"feedback_mean", number("Their mean score")}},
            {"version", "label", "requests", "errors", "error_rate", "prompt_tokens", "completion_tokens", "cost_usd", "latency_mean_ms",
                "latency_p50_ms", "latency_p95_ms", "latency_samples", "feedback_count", "feedback_mean"});
    };
    const Json diffLine = object({{"op", enumeration({" ", "-", "+"}, "Kept, removed or added")}, {"text", string()}}, {"op", "text"});
    return {
        {"Prompt", object({{"name", promptName}, {"description", string()},
                              {"latest_version", nullable(integer("The newest version; null before the first"))},
                              {"labels", array(schemaRef("PromptLabel"))}, {"created_at_ms", timestamp},
                              {"versions", array(schemaRef("PromptVersion"), "Every version, oldest first: GET of one prompt only")}},
                       {"name", "description", "latest_version", "labels", "created_at_ms"})},
        {"PromptPage", page("Prompt")},
        {"PromptCreate", object({{"name", promptName}, {"description", string("At most 4096 bytes")}, {"reason", string(kReasonText)}},
                             {"name"}, true)},
        {"PromptUpdate", object({{"description", string("At most 4096 bytes")}, {"reason", string(kReasonText)}}, {"description"}, true)},
        {"PromptMessage", object({{"role", enumeration({"system", "user", "assistant"})}, {"content", string()}}, {"role", "content"}, true)},
        {"PromptVariable", object({{"name", string("[A-Za-z_][A-Za-z0-9_]{0,63}")},
                                      {"type", enumeration({"string", "number", "integer", "boolean", "json"}, "Default string")},
                                      {"required", {{"type", "boolean"}, {"default", true}}},
                                      {"default", anyJson("A value of the type, used when a call gives none")},
                                      {"description", string()}},
                               {"name"}, true)},
        {"PromptVersionCreate", object(versionCreate, {"model", "messages"}, true)},
        {"PromptVersion", object(version, {"version", "model", "messages", "variables", "parameters", "overridable", "note",
                                              "created_at_ms", "created_by"})},
        {"PromptVersionList", object({{"data", array(schemaRef("PromptVersion"))}}, {"data"})},
        {"PromptSplit", object({{"version", integer("A version of the prompt, named once")},
                                   {"weight", bounded(integer("Relative share, 1-1000000 (default 1)"), 1, 1000000)}},
                            {"version"}, true)},
        {"PromptLabel", object({{"label", string()}, {"split", array(schemaRef("PromptSplit"))}, {"updated_at_ms", timestamp}},
                            {"label", "split", "updated_at_ms"})},
        {"PromptLabelSet", object({{"split", array(schemaRef("PromptSplit"), "One version, or several by weight (an A/B split)")},
                                      {"reason", string(kReasonText)}},
                               {"split"}, true)},
        {"PromptDiff",
            object({{"from", integer()}, {"to", integer()},
                       {"changes", array(object({{"field", enumeration({"model", "parameters", "overridable", "variables", "note"})},
                                                    {"from", anyJson("The field in `from`")}, {"to", anyJson("The field in `to`")}},
                                                {"field", "from", "to"}),
                                       "Only the fields that differ")},
                       {"messages", array(object({{"index", integer("0-based")},
                                                     {"from", described("PromptMessage", "null: `from` has no message here", true)},
                                                     {"to", described("PromptMessage", "null: `to` has no message here", true)},
                                                     {"changed", {{"type", "boolean"}}},
                                                     {"lines", array(diffLine, "The content line by line (longest common subsequence)")}},
                                                 {"index", "from", "to", "changed", "lines"}),
                                        "Every index either version has")}},
                {"from", "to", "changes", "messages"})},
        {"PromptStats", object({{"prompt", string()}, {"since_ms", integer()}, {"until_ms", integer()},
                                   {"data", array(totalsRow(), "Per version (label null), then per label, by version")}},
                            {"prompt", "since_ms", "until_ms", "data"})},
        {"PromptTestRunRequest",
            object({{"variables", {{"type", "object"}, {"description", "Variable names to JSON values, as a call gives them"}}},
                       {"text_variables", {{"type", "object"}, {"additionalProperties", string()},
                                              {"description", "Variable names to text, read by each variable's type (\"36\" for an "
                                                              "integer); a name may not also be in variables"}}},
                       {"model", string("Another public model to send it to; default the version's")},
                       {"reason", string(kReasonText)}},
                {}, true)},
        {"PromptTestRun",
            object({{"prompt", string()}, {"version", integer()}, {"model", string("The model the request named")},
                       {"status", integer("The status the call got")}, {"request_id", string("The call in the call log")},
                       {"usage", nullable(object({{"prompt_tokens", nullable(integer())}, {"completion_tokens", nullable(integer())},
                                                     {"total_tokens", integer()}},
                                          {}))},
                       {"cost_usd", {{"type", "number"}, {"nullable", true}}}, {"latency_ms", integer()},
                       {"rendered", array(schemaRef("PromptMessage"), "The messages the variables made")},
                       {"request", {{"type", "object"}, {"description", "The chat completion request sent"}}},
                       {"answer", anyJson("The chat completion, or the error body, the data plane answered")}},
                {"prompt", "version", "model", "status", "request_id", "usage", "cost_usd", "latency_ms", "rendered", "request", "answer"})},
    };
}

Json promptPaths()
{
    const auto pathParameter = [](const std::string& name, Json schema, const std::string& description) {
        return Json{{"name", name}, {"in", "path"}, {"required", true}, {"description", description}, {"schema", std::move(schema)}};
    };
    const auto name = pathParameter("name", string(), "The prompt's name");
    const auto version = pathParameter("version", integer(), "The version's number");
    const auto label = pathParameter("label", string(), "The label: a-z 0-9 . _ -, starting with a letter or digit");
    const std::vector<std::string> readErrors{"NotFound"};
    const std::vector<std::string> changeErrors{"BadRequest", "NotFound"};
    return {
        {"/admin/v1/prompts",
            {{"get", operation({"listPrompts", "prompts", "List prompts", "By name, each with its labels and latest version.", "viewer",
                         paging(), "", 200, "A page of prompts", schemaRef("PromptPage"), {"BadRequest"}})},
                {"post", operation({"createPrompt", "prompts", "Create a prompt", "Without versions: add them under /versions.",
                             "operator", Json::array(), "PromptCreate", 201, "The prompt", schemaRef("Prompt"), {"BadRequest", "Conflict"}})}}},
        {"/admin/v1/prompts/{name}",
            {{"parameters", Json::array({name})},
                {"get", operation({"getPrompt", "prompts", "Get a prompt with its versions", "", "viewer", Json::array(), "", 200,
                            "The prompt with versions", schemaRef("Prompt"), readErrors})},
                {"patch", operation({"updatePrompt", "prompts", "Change a prompt's description", "", "operator", Json::array(),
                              "PromptUpdate", 200, "The prompt", schemaRef("Prompt"), changeErrors})},
                {"delete", operation({"deletePrompt", "prompts", "Delete a prompt",
                               "With its versions and labels (the audit log keeps their history); calls of it are answered 404 "
                               "from the next request on.",
                               "admin", Json::array({ref("parameters", "DeleteReason")}), "", 200, "The prompt as it was",
                               schemaRef("Prompt"), changeErrors})}}},
        {"/admin/v1/prompts/{name}/versions",
            {{"parameters", Json::array({name})},
                {"get", operation({"listPromptVersions", "prompts", "List a prompt's versions", "Oldest first, not paged.", "viewer",
                            Json::array(), "", 200, "Every version", schemaRef("PromptVersionList"), readErrors})},
                {"post", operation({"createPromptVersion", "prompts", "Add a version",
                             "Numbered one above the latest; never changed afterwards. The template, the parameters and what "
                             "may be overridden are checked: a 400 names the field (messages[1].content, variables[0].type, "
                             "...) with the template's code (bad_placeholder, undeclared_variable, invalid_template, ...) and "
                             "the placeholder's position in the message. Labels do not move: set one to serve it.",
                             "operator", Json::array(), "PromptVersionCreate", 201, "The version", schemaRef("PromptVersion"),
                             changeErrors})}}},
        {"/admin/v1/prompts/{name}/versions/{version}",
            {{"parameters", Json::array({name, version})},
                {"get", operation({"getPromptVersion", "prompts", "Get a version", "", "viewer", Json::array(), "", 200, "The version",
                            schemaRef("PromptVersion"), readErrors})}}},
        {"/admin/v1/prompts/{name}/versions/{version}/test-run",
            {{"parameters", Json::array({name, version})},
                {"post", operation({"testRunPromptVersion", "prompts", "Test-run a version",
                             "Renders the version with the variables and sends the chat request through the data plane "
                             "(routing, limits, pricing, the call log), not streamed. The call is recorded with the prompt and "
                             "version, no label, no key, and the tags gatehouse_test_run=true and gatehouse_actor; it is "
                             "audited as prompt.test_run. The answer is 200 whatever the call got: status tells. Needs the "
                             "running gateway (503 gateway_required without one).",
                             "operator", Json::array(), "PromptTestRunRequest", 200, "The run", schemaRef("PromptTestRun"),
                             {"BadRequest", "NotFound", "Unavailable"}})}}},
        {"/admin/v1/prompts/{name}/diff",
            {{"parameters", Json::array({name})},
                {"get", operation({"diffPromptVersions", "prompts", "Compare two versions",
                            "The fields that differ, and each message's content as a line diff.", "viewer",
                            Json::array({queryParameter("from", integer(), "A version (required)"),
                                queryParameter("to", integer(), "A version (required)")}),
                            "", 200, "The diff", schemaRef("PromptDiff"), {"BadRequest", "NotFound"}})}}},
        {"/admin/v1/prompts/{name}/labels/{label}",
            {{"parameters", Json::array({name, label})},
                {"put", operation({"setPromptLabel", "prompts", "Set or move a label",
                            "Points the label at one version, or splits its calls over several by weight. Served from the "
                            "next call on. A version that does not exist is a 404 naming split[N].version.",
                            "operator", Json::array(), "PromptLabelSet", 200, "The label", schemaRef("PromptLabel"), changeErrors})},
                {"delete", operation({"deletePromptLabel", "prompts", "Delete a label",
                               "Calls that name it (or the default label production) are answered 404 from the next call on.",
                               "operator", Json::array({ref("parameters", "DeleteReason")}), "", 200, "The label as it was",
                               schemaRef("PromptLabel"), changeErrors})}}},
        {"/admin/v1/prompts/{name}/stats",
            {{"parameters", Json::array({name})},
                {"get", operation({"promptStats", "prompts", "Compare the versions on their calls",
                            "Requests, errors, tokens, cost, latency and feedback per version and per label, from the call log; "
                            "test runs are left out.",
                            "viewer",
                            Json::array({queryParameter("since_ms", integer(), "Calls that started at or after (default: 7 days before until_ms)"),
                                queryParameter("until_ms", integer(), "Calls that started before (default: now)")}),
                            "", 200, "The comparison", schemaRef("PromptStats"), {"BadRequest", "NotFound"}})}}},
    };
}

Json configSchemas()
{
    const auto files = Json{{"type", "object"}, {"additionalProperties", string()},
        {"description", "The tree's files: path (with '/', e.g. models/gpt-4o.yaml) to the file's text. Top-level files other than "
                        "gatehouse-export.yaml (a README, .gitlab-ci.yml) are left alone."}};
    const auto problem = object({{"file", string("The file, \"\" for the tree as a whole")}, {"line", integer("1-based; 0: the whole file")},
                                    {"column", integer("1-based; 0: the whole file")}, {"message", string()}},
        {"file", "line", "column", "message"});
    return {
        {"ConfigExport", object({{"files", files}}, {"files"})},
        {"ConfigTreeInput",
            object({{"files", files},
                       {"prune", {{"type", "boolean"}, {"default", false}, {"description", "Delete what the tree does not have (keys are revoked)"}}},
                       {"import_keys", {{"type", "boolean"}, {"default", false},
                                           {"description", "Import key files the gateway lacks, by their hash. Off, each is a problem: whoever "
                                                           "writes a key file chooses that key's secret"}}},
                       {"expected_base", string("A plan's base: the apply is refused (409 config_changed) unless the gateway is still as planned")},
                       {"reason", string(kReasonText)}},
                {"files"}, true)},
        {"ConfigValidation", object({{"valid", {{"type", "boolean"}}}, {"problems", array(problem)}}, {"valid", "problems"})},
        {"ConfigPlan",
            object({{"applied", {{"type", "boolean"}, {"description", "true: committed (apply without problems)"}}},
                       {"base", string("SHA-256 of the gateway's export before the run: give it to the apply as expected_base")},
                       {"changes", array(object({{"action", enumeration({"create", "import", "update", "delete", "revoke"})},
                                                    {"kind", enumeration({"tenant", "consumer", "provider", "model", "model_access", "key",
                                                                 "limit", "budget", "price", "prompt"})},
                                                    {"name", string()}, {"file", string()},
                                                    {"members", array(string(), "update: the top-level members that change")}},
                                           {"action", "kind", "name", "file", "members"}))},
                       {"problems", array(problem, "Any problem: nothing was applied")},
                       {"summary", object({{"create", integer()}, {"update", integer()}, {"delete", integer()}}, {"create", "update", "delete"})}},
                {"applied", "base", "changes", "problems", "summary"})},
    };
}

Json configPaths()
{
    return {
        {"/admin/v1/config/export",
            {{"get", operation({"exportConfig", "config", "Export the configuration as code",
                         "The store's configuration (docs/config-as-code.md) as YAML files, one per entity, byte-identical for an "
                         "unchanged configuration. Never a secret: credentials as environment variable names or {source: stored}, "
                         "keys as SHA-256 and prefix (or left out with keys=omit).",
                         "admin", Json::array({queryParameter("keys", enumeration({"include", "omit"}), "Default include")}), "", 200,
                         "The files", schemaRef("ConfigExport"), {"BadRequest"}})}}},
        {"/admin/v1/config/validate",
            {{"post", operation({"validateConfig", "config", "Validate a configuration tree",
                          "Reads every file and applies the tree to an empty store with the gateway's config file, then rolls it "
                          "back: every problem with its file, line and column.",
                          "viewer", Json::array(), "ConfigTreeInput", 200, "The problems (none: valid)", schemaRef("ConfigValidation"),
                          {"BadRequest"}})}}},
        {"/admin/v1/config/plan",
            {{"post", operation({"planConfig", "config", "Plan a configuration tree against this gateway",
                          "What an apply would create, update and delete, entity by entity, and every problem; nothing is kept "
                          "(the changes are made in a transaction that is rolled back, so it takes the store's write lock for "
                          "that time: operators and admins only).",
                          "operator", Json::array(), "ConfigTreeInput", 200, "The plan", schemaRef("ConfigPlan"), {"BadRequest"}})}}},
        {"/admin/v1/config/apply",
            {{"post", operation({"applyConfig", "config", "Apply a configuration tree",
                          "All or nothing, in one transaction and one new snapshot; each change audited as the admin API's own. "
                          "With any problem nothing is applied: 400 (code invalid_config) with the error, the plan and the problems; "
                          "409 (code config_changed) when expected_base is given and the gateway changed since.",
                          "admin", Json::array(), "ConfigTreeInput", 200, "The plan as applied", schemaRef("ConfigPlan"),
                          {"BadRequest", "Conflict"}})}}},
    };
}

} // namespace

Json adminOpenApi()
{
    return {
        {"openapi", "3.0.3"},
        {"info", {{"title", "Gatehouse admin API"}, {"version", "1"},
                     {"description", "Tenants, consumers, providers and models, model access, access requests, API "
                                     "keys, managed prompts, and the audit log. "
                                     "Authenticate with an admin token (`gatehouse admin-token create`) as "
                                     "`Authorization: Bearer gat-...`. Roles: viewer (reads), operator (also access "
                                     "requests, consumer create/update, API keys, provider tests and prompts), admin (everything, "
                                     "including providers and models: providers hold credentials). Errors are "
                                     "{\"error\":{\"message\",\"type\",\"param\",\"code\"}}; a wrong method on a known "
                                     "path is 405 with Allow. See docs/admin-api.md."}}},
        {"security", Json::array({{{"adminToken", Json::array()}}})},
        {"tags", Json::array({{{"name", "tenants"}}, {{"name", "consumers"}}, {{"name", "providers"}}, {{"name", "models"}},
                     {{"name", "model access"}},
                     {{"name", "access requests"}}, {{"name", "api keys"}}, {{"name", "admin tokens"}}, {{"name", "audit"}}, {{"name", "calls"}},
                     {{"name", "traffic"}}, {{"name", "prices"}}, {{"name", "prompts"}}, {{"name", "config"}}, {{"name", "meta"}}})},
        {"paths", [] {
             auto all = paths();
             all.update(promptPaths());
             all.update(configPaths());
             return all;
         }()},
        {"components",
            {{"securitySchemes", {{"adminToken", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "gat-<40 base62>"},
                                                     {"description", "An admin token; its role decides what it may do"}}}}},
                {"schemas", [] {
                     auto all = schemas();
                     all.update(promptSchemas());
                     all.update(configSchemas());
                     return all;
                 }()},
                {"responses", responses()}, {"parameters", parameters()}}},
    };
}

const std::string& adminOpenApiDocument()
{
    static const std::string document = adminOpenApi().dump(2);
    return document;
}

} // namespace gatehouse
