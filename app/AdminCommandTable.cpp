#include "AdminCommandTable.h"

namespace gatehouse {
namespace {

using verb = http::verb;
using P = Placement;
using K = ValueKind;
constexpr bool kRequired = true;
constexpr bool kOptional = false;

// Arguments several commands share, spelled once.
ArgumentSpec idArgument(std::string_view what)
{
    return {"ID", "id", P::Path, K::Text, kRequired, what};
}

ArgumentSpec reasonInBody()
{
    return {"--reason", "reason", P::Body, K::Text, kOptional, "Why: recorded in the audit log"};
}

// DELETE has no body: the admin API takes its reason as ?reason=.
ArgumentSpec reasonInQuery()
{
    return {"--reason", "reason", P::Query, K::Text, kOptional, "Why: recorded in the audit log"};
}

ArgumentSpec noteArgument()
{
    return {"--note", "note", P::Body, K::Text, kOptional,
        "A note for the consumer (shown in the data plane's 403) and the audit log"};
}

// Every list is a page: without these, the first 50 (the API's default).
std::vector<ArgumentSpec> paged(std::vector<ArgumentSpec> arguments)
{
    arguments.push_back({"--limit", "limit", P::Query, K::Integer, kOptional, "Entries per page (1-1000, default 50)"});
    arguments.push_back({"--offset", "offset", P::Query, K::Integer, kOptional, "Entries to skip"});
    return arguments;
}

const std::vector<Column> kTenantColumns{{"ID", "id"}, {"NAME", "name"}, {"CREATED", "created_at_ms"}};
const std::vector<Column> kConsumerColumns{{"ID", "id"}, {"TENANT", "tenant"}, {"NAME", "name"},
    {"DESCRIPTION", "description"}, {"CREATED", "created_at_ms"}};
const std::vector<Column> kKeyColumns{{"ID", "id"}, {"NAME", "name"}, {"PREFIX", "prefix"}, {"CONSUMER", "consumer_id"},
    {"TENANT", "tenant"}, {"EXPIRES", "expires_at_ms"}, {"REVOKED", "revoked_at_ms"}};
const std::vector<Column> kAccessRequestColumns{{"ID", "id"}, {"CONSUMER", "consumer_id"}, {"MODEL", "model"},
    {"STATE", "state"}, {"GRANT", "grant"}, {"REQUESTED_BY", "requested_by"}, {"DECIDED_BY", "decided_by"},
    {"CREATED", "created_at_ms"}};
const std::vector<Column> kModelColumns{{"MODEL", "model"}, {"MODE", "mode"}, {"AUTO_APPROVE", "auto_approve"},
    {"SERVED", "served"}};
const std::vector<Column> kAdminTokenColumns{{"ID", "id"}, {"NAME", "name"}, {"ROLE", "role"}, {"PREFIX", "prefix"},
    {"CREATED", "created_at_ms"}, {"REVOKED", "revoked_at_ms"}};
const std::vector<Column> kLimitColumns{{"SCOPE", "scope"}, {"ID", "id"}, {"RPM", "requests_per_minute"},
    {"TPM", "tokens_per_minute"}, {"CONCURRENT", "concurrent"}, {"SOURCE", "source"}, {"UPDATED", "updated_at_ms"}};
const std::vector<Column> kBudgetColumns{{"SCOPE", "scope"}, {"ID", "id"}, {"PERIOD", "period"}, {"LIMIT_USD", "limit_usd"},
    {"SOFT_USD", "soft_limit_usd"}, {"SOFT_FRACTION", "soft_limit_fraction"}, {"SOURCE", "source"}, {"UPDATED", "updated_at_ms"}};
const std::vector<Column> kPriceColumns{{"PROVIDER", "provider"}, {"MODEL", "model"}, {"INPUT", "input_per_million"},
    {"OUTPUT", "output_per_million"}, {"CACHED_IN", "cached_input_per_million"}, {"CACHE_WRITE", "cache_write_per_million"},
    {"FROM", "effective_date"}, {"ORIGIN", "origin"}};
const std::vector<Column> kAuditColumns{{"ID", "id"}, {"AT", "at_ms"}, {"ACTOR", "actor"}, {"ACTION", "action"},
    {"ENTITY", "entity_type"}, {"ENTITY_ID", "entity_id"}, {"REASON", "reason"}};
const std::vector<Column> kCallColumns{{"STARTED", "started_at_ms"}, {"REQUEST_ID", "request_id"}, {"TENANT", "tenant"},
    {"CONSUMER", "consumer"}, {"MODEL", "model"}, {"STATUS", "status"}, {"LATENCY_US", "latency_us"},
    {"PROMPT", "prompt_tokens"}, {"COMPLETION", "completion_tokens"}, {"COST_USD", "cost_usd"}};

const std::vector<Column> kPromptColumns{{"NAME", "name"}, {"LATEST", "latest_version"}, {"DESCRIPTION", "description"},
    {"CREATED", "created_at_ms"}};
const std::vector<Column> kPromptVersionColumns{{"VERSION", "version"}, {"MODEL", "model"}, {"NOTE", "note"},
    {"BY", "created_by"}, {"CREATED", "created_at_ms"}};
const std::vector<Column> kPromptMessageColumns{{"ROLE", "role"}, {"CONTENT", "content"}};
const std::vector<Column> kPromptStatsColumns{{"VERSION", "version"}, {"LABEL", "label"}, {"REQUESTS", "requests"},
    {"ERRORS", "errors"}, {"P50_MS", "latency_p50_ms"}, {"P95_MS", "latency_p95_ms"}, {"PROMPT", "prompt_tokens"},
    {"COMPLETION", "completion_tokens"}, {"COST_USD", "cost_usd"}, {"FEEDBACK", "feedback_count"}, {"SCORE", "feedback_mean"}};

const std::vector<Column> kSeriesColumns{{"BUCKET", "bucket_ms"}, {"GROUP", "group"}, {"REQUESTS", "requests"},
    {"ERRORS", "errors"}, {"PROMPT", "prompt_tokens"}, {"COMPLETION", "completion_tokens"}, {"COST_USD", "cost_usd"},
    {"P50_MS", "latency_p50_ms"}, {"P95_MS", "latency_p95_ms"}};
const std::vector<Column> kTopColumns{{"GROUP", "group"}, {"REQUESTS", "requests"}, {"ERRORS", "errors"},
    {"PROMPT", "prompt_tokens"}, {"COMPLETION", "completion_tokens"}, {"COST_USD", "cost_usd"}, {"P95_MS", "latency_p95_ms"}};

// The range and filters every analytics command takes.
std::vector<ArgumentSpec> analyticsArguments(std::vector<ArgumentSpec> arguments)
{
    const std::vector<ArgumentSpec> common{
        {"--since", "since_ms", P::Query, K::TimeAgo, kOptional, "From this time on (default: 24h ago): 2025-06-30, or ago: 7d"},
        {"--until", "until_ms", P::Query, K::TimeAgo, kOptional, "Before this time (default: now)"},
        {"--granularity", "granularity", P::Query, K::Text, kOptional, "minute, hour or day (default: by the range)"},
        {"--tenant", "tenant", P::Query, K::Text, kOptional, "Only this tenant's calls"},
        {"--consumer", "consumer", P::Query, K::Text, kOptional, "Only this consumer's calls (tenant/consumer)"},
        {"--key", "key", P::Query, K::Text, kOptional, "Only this API key prefix"},
        {"--model", "model", P::Query, K::Text, kOptional, "Only calls that asked for this model"},
        {"--deployment", "deployment", P::Query, K::Text, kOptional, "Only this deployment (provider/upstream model)"},
        {"--format", "format", P::Output, K::OutputFormat, kOptional, "table (default), json or csv"}};
    arguments.insert(arguments.end(), common.begin(), common.end());
    return arguments;
}

const CommandGroup kGroups[]{
    {"tenant", "Tenants (teams): list, get, create, rename, delete"},
    {"consumer", "Consumers (applications of a tenant): list, get, create, update, delete"},
    {"key", "API keys: list, get, create, update, revoke, rotate"},
    {"access", "Model access: requests and their decisions, grants, access modes"},
    {"admin-token", "Admin API tokens: list, create, revoke"},
    {"limit", "Rate limits per key, consumer, tenant or model: list, set, delete"},
    {"budget", "USD budgets per key, consumer or tenant: list, set, delete"},
    {"price", "The price table (USD per million tokens): list, set, delete, import a LiteLLM price file"},
    {"calls", "The call log: list (filtered, as a table, JSON or CSV), show one call"},
    {"analytics", "Charts of the call log as numbers: series (per minute, hour or day), top (tenants, keys, models, ...)"},
    {"prompt", "Managed prompts: list, show, create, describe, delete, versions, diff, labels, stats, test runs"},
    {"prompt version", "A prompt's versions: add one from a JSON file, show one"},
    {"prompt label", "A prompt's labels: set or move one (with weights), delete one"},
};

ArgumentSpec promptName()
{
    return {"NAME", "name", P::Path, K::Text, kRequired, "The prompt's name"};
}

ArgumentSpec promptVersion()
{
    return {"VERSION", "version", P::Path, K::Integer, kRequired, "The version's number"};
}

// The scope a rate limit or a budget applies to, as its body fields or its path.
ArgumentSpec scopeOption(std::string_view kinds)
{
    return {"--scope", "scope", P::Body, K::Text, kRequired, kinds};
}

ArgumentSpec scopeIdOption()
{
    return {"--id", "id", P::Body, K::Text, kRequired, "A tenant's name, a consumer as tenant/consumer, a key's prefix, a model's name"};
}

// SCOPE ID (and PERIOD) of a stored rate limit or budget to delete, and the reason.
std::vector<ArgumentSpec> scopeInPath(bool withPeriod)
{
    std::vector<ArgumentSpec> arguments{{"SCOPE", "scope", P::Path, K::Text, kRequired, "tenant, consumer, key or model"},
        {"ID", "id", P::Path, K::Text, kRequired, "The scope's id (a consumer as tenant/consumer)"}};
    if (withPeriod)
        arguments.push_back({"PERIOD", "period", P::Path, K::Text, kRequired, "daily, weekly, monthly or total"});
    arguments.push_back(reasonInQuery());
    return arguments;
}

// The decisions on an access request differ only in their name and path.
CommandSpec decision(std::string_view name, std::string_view path, std::string_view summary)
{
    return {"access", name, summary, {{verb::post, path}},
        {idArgument("The access request's id"), noteArgument()}, AnswerShape::Entity};
}

const std::vector<CommandSpec>& commandTable()
{
    static const std::vector<CommandSpec> commands{
        // --- tenants ---
        {"tenant", "list", "List tenants, by name", {{verb::get, "/admin/v1/tenants"}}, paged({}), AnswerShape::List,
            kTenantColumns},
        {"tenant", "get", "Show a tenant", {{verb::get, "/admin/v1/tenants/{id}"}}, {idArgument("The tenant's id")},
            AnswerShape::Entity},
        {"tenant", "create", "Create a tenant", {{verb::post, "/admin/v1/tenants"}},
            {{"--name", "name", P::Body, K::Text, kRequired, "Its name: 1-64 of A-Z a-z 0-9 - _ ."}, reasonInBody()},
            AnswerShape::Entity},
        {"tenant", "rename", "Rename a tenant (its tenant-level keys move along)", {{verb::patch, "/admin/v1/tenants/{id}"}},
            {idArgument("The tenant's id"), {"--name", "name", P::Body, K::Text, kRequired, "The new name"}, reasonInBody()},
            AnswerShape::Entity},
        {"tenant", "delete", "Delete a tenant without consumers or usable keys", {{verb::delete_, "/admin/v1/tenants/{id}"}},
            {idArgument("The tenant's id"), reasonInQuery()}, AnswerShape::Entity},

        // --- consumers ---
        {"consumer", "list", "List consumers", {{verb::get, "/admin/v1/consumers"}},
            paged({{"--tenant", "tenant_id", P::Query, K::Integer, kOptional, "Only this tenant's (its id)"},
                {"--name", "name", P::Query, K::Text, kOptional, "Only names containing this (any case)"}}),
            AnswerShape::List, kConsumerColumns},
        {"consumer", "get", "Show a consumer", {{verb::get, "/admin/v1/consumers/{id}"}},
            {idArgument("The consumer's id")}, AnswerShape::Entity},
        {"consumer", "create", "Create a consumer in a tenant", {{verb::post, "/admin/v1/consumers"}},
            {{"--tenant", "tenant_id", P::Body, K::Integer, kRequired, "The tenant's id"},
                {"--name", "name", P::Body, K::Text, kRequired, "Its name, unique in the tenant"},
                {"--description", "description", P::Body, K::Text, kOptional, "What it is"}, reasonInBody()},
            AnswerShape::Entity},
        {"consumer", "update", "Change a consumer's description", {{verb::patch, "/admin/v1/consumers/{id}"}},
            {idArgument("The consumer's id"),
                {"--description", "description", P::Body, K::Text, kRequired, "The new description"}, reasonInBody()},
            AnswerShape::Entity},
        {"consumer", "delete", "Delete a consumer without usable keys (its access requests go with it)",
            {{verb::delete_, "/admin/v1/consumers/{id}"}}, {idArgument("The consumer's id"), reasonInQuery()},
            AnswerShape::Entity},

        // --- API keys ---
        {"key", "list", "List API keys (never the keys themselves)", {{verb::get, "/admin/v1/keys"}},
            paged({{"--consumer", "consumer_id", P::Query, K::Integer, kOptional, "Only this consumer's (its id)"}}),
            AnswerShape::List, kKeyColumns},
        {"key", "get", "Show an API key (never the key itself)", {{verb::get, "/admin/v1/keys/{id}"}},
            {idArgument("The key's id")}, AnswerShape::Entity},
        // Without --consumer, `key create` makes a tenant-level key on the local data directory as it
        // always did (gatehouse_main.cpp): the admin API only creates consumers' keys.
        {"key", "create",
            "Create an API key and print it once on stdout: a consumer's (--consumer, through the admin API) or a "
            "tenant-level one (--tenant, local only)",
            {{verb::post, "/admin/v1/keys"}},
            {{"--consumer", "consumer_id", P::Body, K::Integer, kOptional, "The consumer's id"},
                {"--name", "name", P::Body, K::Text, kRequired, "A name for the key"},
                {"--expires", "expires_at_ms", P::Body, K::TimeAhead, kOptional,
                    "When it stops working: 2025-12-31, 2025-12-31T18:00:00Z, or from now: 30d, 12h"},
                {"--allowed-model", "allowed_models", P::Body, K::TextList, kOptional,
                    "Only this model (repeat for more; default: every model the consumer may use)"},
                {"--tag", "tags", P::Body, K::TextMap, kOptional, "A label KEY=VALUE (repeat for more)"}},
            AnswerShape::Secret, {}, "key"},
        {"key", "update", "Change an API key's name, models, tags or expiry", {{verb::patch, "/admin/v1/keys/{id}"}},
            {idArgument("The key's id"), {"--name", "name", P::Body, K::Text, kOptional, "A new name"},
                {"--allowed-model", "allowed_models", P::Body, K::TextList, kOptional,
                    "Only these models from now on (repeat; replaces the list)"},
                {"--every-model", "allowed_models", P::Body, K::Literal, kOptional,
                    "Every model the consumer may use (clears the list)", "[]"},
                {"--tag", "tags", P::Body, K::TextMap, kOptional, "KEY=VALUE (repeat; replaces every tag)"},
                {"--clear-tags", "tags", P::Body, K::Literal, kOptional, "Remove every tag", "{}"},
                {"--expires", "expires_at_ms", P::Body, K::TimeAhead, kOptional,
                    "A new expiry: 2025-12-31, 2025-12-31T18:00:00Z, or from now: 30d, 12h"},
                reasonInBody()},
            AnswerShape::Entity},
        {"key", "revoke", "Revoke an API key: refused from its next call", {{verb::post, "/admin/v1/keys/{id}/revoke"}},
            {idArgument("The key's id"), reasonInBody()}, AnswerShape::Entity},
        {"key", "rotate", "Replace an API key: print the new one once; the old one works until the grace period ends",
            {{verb::post, "/admin/v1/keys/{id}/rotate"}},
            {idArgument("The key's id"),
                {"--grace", "grace_seconds", P::Body, K::DurationSeconds, kOptional,
                    "How long the old key keeps working: 0, 90m, 24h (the default), up to 30d"}},
            AnswerShape::Secret, {}, "key"},

        // --- model access ---
        {"access", "list", "List access requests, newest first", {{verb::get, "/admin/v1/access-requests"}},
            paged({{"--consumer", "consumer_id", P::Query, K::Integer, kOptional, "Only this consumer's (its id)"},
                {"--model", "model", P::Query, K::Text, kOptional, "Only for this model"},
                {"--state", "state", P::Query, K::Text, kOptional,
                    "Only in this state: pending, approved, rejected, revoked or cancelled"}}),
            AnswerShape::List, kAccessRequestColumns},
        {"access", "get", "Show an access request", {{verb::get, "/admin/v1/access-requests/{id}"}},
            {idArgument("The access request's id")}, AnswerShape::Entity},
        {"access", "request", "File an access request for a consumer", {{verb::post, "/admin/v1/access-requests"}},
            {{"--consumer", "consumer_id", P::Body, K::Integer, kRequired, "The consumer's id"},
                {"--model", "model", P::Body, K::Text, kRequired, "The model"},
                {"--reason", "reason", P::Body, K::Text, kOptional, "Why the consumer needs it"}},
            AnswerShape::Entity},
        decision("approve", "/admin/v1/access-requests/{id}/approve", "Approve a pending access request"),
        decision("reject", "/admin/v1/access-requests/{id}/reject", "Reject a pending access request"),
        decision("revoke", "/admin/v1/access-requests/{id}/revoke", "Revoke an approved access request (or grant)"),
        decision("cancel", "/admin/v1/access-requests/{id}/cancel", "Cancel a pending access request"),
        {"access", "grant", "Grant a consumer access to a model (the only way into a private model)",
            {{verb::post, "/admin/v1/access-grants"}},
            {{"--consumer", "consumer_id", P::Body, K::Integer, kRequired, "The consumer's id"},
                {"--model", "model", P::Body, K::Text, kRequired, "The model"}, noteArgument()},
            AnswerShape::Entity},
        {"access", "mode", "Show a model's access mode, or set it with --set",
            {{verb::put, "/admin/v1/models/{model}/access", "--set"}, {verb::get, "/admin/v1/models/{model}/access"}},
            {{"MODEL", "model", P::Path, K::Text, kRequired, "The model's public name"},
                {"--set", "mode", P::Body, K::Text, kOptional,
                    "open (everyone), approval (approved requests) or private (grants only)"},
                {"--auto-approve", "auto_approve", P::Body, K::Switch, kOptional,
                    "With --set approval: approve requests as they are filed"},
                reasonInBody()},
            AnswerShape::Entity},
        {"access", "models", "List models with their access modes", {{verb::get, "/admin/v1/models"}}, paged({}),
            AnswerShape::List, kModelColumns},

        // --- audit log ---
        {"", "audit", "Read the audit log, newest first", {{verb::get, "/admin/v1/audit"}},
            paged({{"--entity-type", "entity_type", P::Query, K::Text, kOptional,
                       "tenant, consumer, model_access, access_request, api_key, admin_token, ..."},
                {"--entity-id", "entity_id", P::Query, K::Text, kOptional, "Only this entity (its id or model name)"},
                {"--since", "since_ms", P::Query, K::TimeAgo, kOptional,
                    "From this time on (inclusive): 2025-06-30, 2025-06-30T12:00:00Z, or ago: 24h, 7d"},
                {"--until", "until_ms", P::Query, K::TimeAgo, kOptional, "Before this time (same forms as --since)"},
                {"--format", "format", P::Output, K::OutputFormat, kOptional,
                    "table (default), json (the API's answer) or csv (RFC 4180, up to 1000 entries a page)"}}),
            AnswerShape::List, kAuditColumns},

        // --- the call log ---
        {"calls", "list", "List calls, newest first", {{verb::get, "/admin/v1/calls"}},
            {{"--since", "since_ms", P::Query, K::TimeAgo, kOptional,
                 "From this time on (inclusive): 2025-06-30, 2025-06-30T12:00:00Z, or ago: 1h, 7d"},
                {"--until", "until_ms", P::Query, K::TimeAgo, kOptional, "Before this time (same forms as --since)"},
                {"--tenant", "tenant", P::Query, K::Text, kOptional, "Only this tenant's calls"},
                {"--consumer", "consumer", P::Query, K::Text, kOptional, "Only this consumer's calls (tenant/consumer)"},
                {"--key", "key", P::Query, K::Text, kOptional, "Only calls made with this API key prefix"},
                {"--model", "model", P::Query, K::Text, kOptional, "Only calls that asked for this model"},
                {"--provider", "provider", P::Query, K::Text, kOptional, "Only calls answered by this provider"},
                {"--status", "status", P::Query, K::Text, kOptional, "A status (429), a class (5xx) or error (400 and above)"},
                {"--limit", "limit", P::Query, K::Integer, kOptional, "Calls per page (1-10000; default 50, csv 10000)"},
                {"--cursor", "cursor", P::Query, K::Text, kOptional,
                    "Continue after the previous page: its next_cursor (or, after a csv page, its last row's started_at_ms-id)"},
                {"--format", "format", P::Output, K::OutputFormat, kOptional,
                    "table (default), json (the API's answer) or csv (RFC 4180, every field of each call)"}},
            AnswerShape::List, kCallColumns},
        {"calls", "show", "Show one call by its request id (the x-gatehouse-request-id header)",
            {{verb::get, "/admin/v1/calls/{request_id}"}},
            {{"REQUEST_ID", "request_id", P::Path, K::Text, kRequired, "The call's request id"}}, AnswerShape::Entity},

        {"analytics", "series", "Requests, errors, tokens, cost and latency per minute, hour or day",
            {{verb::get, "/admin/v1/analytics/series"}},
            analyticsArguments({{"--group-by", "group_by", P::Query, K::Text, kOptional,
                "Split by tenant, consumer, key, model or deployment"}}),
            AnswerShape::List, kSeriesColumns},
        {"analytics", "top", "The tenants, consumers, keys, models or deployments with the most cost, tokens, ...",
            {{verb::get, "/admin/v1/analytics/top"}},
            analyticsArguments({{"--by", "by", P::Query, K::Text, kRequired, "tenant, consumer, key, model or deployment"},
                {"--metric", "metric", P::Query, K::Text, kOptional, "requests, errors, tokens, cost (default) or latency_p95"},
                {"--limit", "limit", P::Query, K::Integer, kOptional, "How many (1-100, default 10)"}}),
            AnswerShape::List, kTopColumns},

        // --- rate limits and budgets (the config file's are listed, and read-only) ---
        {"limit", "list", "List rate limits: the config file's, then the store's", {{verb::get, "/admin/v1/limits"}},
            paged({}), AnswerShape::List, kLimitColumns},
        {"limit", "set", "Set (create or replace) a scope's rate limits", {{verb::put, "/admin/v1/limits"}},
            {scopeOption("tenant, consumer, key or model"), scopeIdOption(),
                {"--rpm", "requests_per_minute", P::Body, K::Integer, kOptional, "Requests per minute (0 pauses the scope)"},
                {"--tpm", "tokens_per_minute", P::Body, K::Integer, kOptional, "Tokens per minute"},
                {"--concurrent", "concurrent", P::Body, K::Integer, kOptional, "Requests in flight at once"}, reasonInBody()},
            AnswerShape::Entity},
        {"limit", "delete", "Delete a scope's stored rate limits", {{verb::delete_, "/admin/v1/limits/{scope}/{id}"}},
            scopeInPath(false),
            AnswerShape::Entity},
        {"budget", "list", "List budgets: the config file's, then the store's", {{verb::get, "/admin/v1/budgets"}},
            paged({}), AnswerShape::List, kBudgetColumns},
        {"budget", "set", "Set (create or replace) a scope's budget for a period", {{verb::put, "/admin/v1/budgets"}},
            {scopeOption("tenant, consumer or key"), scopeIdOption(),
                {"--period", "period", P::Body, K::Text, kOptional, "daily, weekly, monthly (the default) or total"},
                {"--limit-usd", "limit_usd", P::Body, K::Number, kRequired, "The hard limit in USD"},
                {"--soft-usd", "soft_limit_usd", P::Body, K::Number, kOptional, "Alert when spending reaches this (USD)"},
                {"--soft-fraction", "soft_limit_fraction", P::Body, K::Number, kOptional,
                    "Alert at this fraction of the limit (0.8), instead of --soft-usd"},
                reasonInBody()},
            AnswerShape::Entity},
        {"budget", "delete", "Delete a stored budget", {{verb::delete_, "/admin/v1/budgets/{scope}/{id}/{period}"}},
            scopeInPath(true),
            AnswerShape::Entity},

        // --- the price table (the shipped and the config file's entries are listed, and read-only) ---
        {"price", "list", "List the price table: shipped, config file and stored entries", {{verb::get, "/admin/v1/prices"}},
            paged({{"--provider", "provider", P::Query, K::Text, kOptional, "Only this provider family (openai, anthropic, ...)"},
                {"--model", "model", P::Query, K::Text, kOptional, "Only this model id"},
                {"--origin", "origin", P::Query, K::Text, kOptional, "Only default, file or store entries"}}),
            AnswerShape::List, kPriceColumns},
        {"price", "set", "Set (create or replace) a model's price from a day on", {{verb::put, "/admin/v1/prices"}},
            {{"--model", "model", P::Body, K::Text, kRequired, "The upstream model id (gpt-4o, claude-sonnet-4-5)"},
                {"--provider", "provider", P::Body, K::Text, kOptional, "Provider family (openai, anthropic, gemini, mistral); default: any"},
                {"--input", "input_per_million", P::Body, K::Number, kRequired, "USD per million prompt tokens"},
                {"--output", "output_per_million", P::Body, K::Number, kRequired, "USD per million completion tokens"},
                {"--cached-input", "cached_input_per_million", P::Body, K::Number, kOptional, "USD per million cached prompt tokens"},
                {"--cache-write", "cache_write_per_million", P::Body, K::Number, kOptional, "USD per million tokens written to the cache"},
                {"--effective-date", "effective_date", P::Body, K::Text, kOptional, "YYYY-MM-DD it takes effect (default today)"},
                {"--source", "source", P::Body, K::Text, kOptional, "Where the price comes from"}, reasonInBody()},
            AnswerShape::Entity},
        {"price", "delete", "Delete a stored price (the one under it applies again)", {{verb::delete_, "/admin/v1/prices"}},
            {{"--model", "model", P::Query, K::Text, kRequired, "The model id"},
                {"--provider", "provider", P::Query, K::Text, kOptional, "Its provider family (default: any)"},
                {"--effective-date", "effective_date", P::Query, K::Text, kRequired, "The day it took effect (YYYY-MM-DD)"},
                reasonInQuery()},
            AnswerShape::Entity},
        {"price", "import", "Import a LiteLLM price file (model_prices_and_context_window.json)",
            {{verb::post, "/admin/v1/prices/import"}},
            {{"FILE", "file", P::BodyFile, K::Text, kRequired, "The JSON file"},
                {"--effective-date", "effective_date", P::Query, K::Text, kOptional, "YYYY-MM-DD the prices take effect (default today)"},
                reasonInQuery()},
            AnswerShape::Entity},

        // --- managed prompts ---
        {"prompt", "list", "List prompts", {{verb::get, "/admin/v1/prompts"}}, paged({}), AnswerShape::List, kPromptColumns},
        {"prompt", "show", "Show a prompt, its labels and its versions", {{verb::get, "/admin/v1/prompts/{name}"}}, {promptName()},
            AnswerShape::EntityAndTable, kPromptVersionColumns, {}, "versions"},
        {"prompt", "create", "Create a prompt (then add versions with `prompt version add`)", {{verb::post, "/admin/v1/prompts"}},
            {{"NAME", "name", P::Body, K::Text, kRequired, "Its name: a-z 0-9 . _ -, starting with a letter or digit"},
                {"--description", "description", P::Body, K::Text, kOptional, "What it is for"}, reasonInBody()},
            AnswerShape::Entity},
        {"prompt", "describe", "Change a prompt's description", {{verb::patch, "/admin/v1/prompts/{name}"}},
            {promptName(), {"DESCRIPTION", "description", P::Body, K::Text, kRequired, "The new description"}, reasonInBody()},
            AnswerShape::Entity},
        {"prompt", "delete", "Delete a prompt with its versions and labels", {{verb::delete_, "/admin/v1/prompts/{name}"}},
            {promptName(), reasonInQuery()}, AnswerShape::Entity},
        {"prompt version", "add", "Add a version from a JSON file (model, messages, variables, parameters, overridable, note)",
            {{verb::post, "/admin/v1/prompts/{name}/versions"}},
            {promptName(), {"FILE", "file", P::BodyFile, K::Text, kRequired, "The version as JSON (docs/prompts.md)"}, reasonInBody()},
            AnswerShape::EntityAndTable, kPromptMessageColumns, {}, "messages"},
        {"prompt version", "show", "Show a version", {{verb::get, "/admin/v1/prompts/{name}/versions/{version}"}},
            {promptName(), promptVersion()}, AnswerShape::EntityAndTable, kPromptMessageColumns, {}, "messages"},
        {"prompt", "diff", "Show what changed from one version to another", {{verb::get, "/admin/v1/prompts/{name}/diff"}},
            {promptName(), {"FROM", "from", P::Query, K::Integer, kRequired, "The older version"},
                {"TO", "to", P::Query, K::Integer, kRequired, "The newer version"}},
            AnswerShape::PromptDiff},
        {"prompt label", "set", "Point a label at a version, or split it over several by weight",
            {{verb::put, "/admin/v1/prompts/{name}/labels/{label}"}},
            {promptName(), {"LABEL", "label", P::Path, K::Text, kRequired, "The label: production, staging, ..."},
                {"SPLIT", "split", P::Body, K::VersionSplit, kRequired, "VERSION, or VERSION:WEIGHT repeated for a split: 3:90 4:10"},
                reasonInBody()},
            AnswerShape::Entity},
        {"prompt label", "delete", "Delete a label", {{verb::delete_, "/admin/v1/prompts/{name}/labels/{label}"}},
            {promptName(), {"LABEL", "label", P::Path, K::Text, kRequired, "The label"}, reasonInQuery()}, AnswerShape::Entity},
        {"prompt", "stats", "Compare the versions on their calls: requests, errors, latency, tokens, cost, feedback",
            {{verb::get, "/admin/v1/prompts/{name}/stats"}},
            {promptName(), {"--since", "since_ms", P::Query, K::TimeAgo, kOptional, "From this time on (default: 7d ago): 2025-06-30, or ago: 24h"},
                {"--until", "until_ms", P::Query, K::TimeAgo, kOptional, "Before this time (default: now)"}},
            AnswerShape::EntityAndTable, kPromptStatsColumns, {}, "data"},
        {"prompt", "test-run", "Run a version with variables through the gateway and show its answer (recorded as a test call)",
            {{verb::post, "/admin/v1/prompts/{name}/versions/{version}/test-run"}},
            {promptName(), promptVersion(),
                {"--var", "text_variables", P::Body, K::TextMap, kOptional, "A variable NAME=VALUE, read by its declared type (repeat)"},
                {"--vars-file", "variables", P::Body, K::JsonFile, kOptional, "A JSON file of variable names to values"},
                {"--model", "model", P::Body, K::Text, kOptional, "Another model to send it to (default: the version's)"},
                reasonInBody()},
            AnswerShape::PromptTestRun},

        // --- admin tokens ---
        {"admin-token", "list", "List admin tokens (never the tokens themselves)", {{verb::get, "/admin/v1/admin-tokens"}},
            paged({}), AnswerShape::List, kAdminTokenColumns},
        {"admin-token", "create", "Create an admin API token and print it once on stdout",
            {{verb::post, "/admin/v1/admin-tokens"}},
            {{"--name", "name", P::Body, K::Text, kRequired, "A name for the token: the actor in the audit log"},
                {"--role", "role", P::Body, K::Text, kRequired,
                    "viewer (reads), operator (also access requests, consumers, keys), admin (everything)"},
                reasonInBody()},
            AnswerShape::Secret, {}, "token"},
        {"admin-token", "revoke", "Revoke an admin token: refused from its next request",
            {{verb::post, "/admin/v1/admin-tokens/{name}/revoke"}},
            {{"NAME", "name", P::Path, K::Text, kRequired, "The token's name"}, reasonInBody()}, AnswerShape::Entity},
    };
    return commands;
}

} // namespace

std::span<const CommandGroup> adminCommandGroups()
{
    return kGroups;
}

std::span<const CommandSpec> adminCommands()
{
    return commandTable();
}

} // namespace gatehouse
