// Strict reading of admin API input — JSON bodies and query parameters — where every error names
// the field: unknown fields, wrong types and missing required ones are 400s, never ignored.
#pragma once

#include "config/JsonSettingsNode.h"
#include "json/Json.h"
#include "openai/ApiError.h"
#include "store/GovernanceStore.h"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// An admin request refused with `error`. The admin handler is plain synchronous code over a store
// that throws (GovernanceError, StoreError), so input errors are thrown too and turned into one
// answer in one place (AdminApi); nothing here runs on the data plane's request path.
class AdminInputError : public std::runtime_error {
public:
    explicit AdminInputError(ApiError error)
        : std::runtime_error(error.message)
        , m_error(std::move(error))
    {
    }
    const ApiError& error() const { return m_error; }

private:
    ApiError m_error;
};

// 400 invalid_request_error naming `field`, with `code` ("invalid_type", "unknown_parameter", ...).
[[noreturn]] void refuseField(const std::string& field, const std::string& message, const std::string& code);

// A request body as a JSON object: refuses what is not JSON, not an object, nested deeper than 16
// or repeats a top-level key (400 naming it). An empty body is `{}`. Parse errors never quote the body.
Json parseJsonObject(std::string_view text);

// A request body: a JSON object whose keys must all be in `allowed`. An empty body is `{}`.
class JsonBody {
public:
    JsonBody(std::string_view text, std::initializer_list<std::string_view> allowed);

    std::string requiredString(const std::string& field) const;
    std::string optionalString(const std::string& field) const; // "" when absent or null
    int64_t requiredInteger(const std::string& field) const;
    std::optional<int64_t> optionalInteger(const std::string& field) const; // nullopt when absent or null
    bool optionalBool(const std::string& field, bool fallback) const;
    bool has(const std::string& field) const { return find(field) != nullptr; }
    // ["a","b"]: an array of strings; nullopt when absent or null.
    std::optional<std::vector<std::string>> optionalStringList(const std::string& field) const;
    // {"env":"prod"}: an object of string values; nullopt when absent or null.
    std::optional<std::map<std::string, std::string>> optionalStringMap(const std::string& field) const;
    // The field's JSON as given, for a reader of its own (a prompt label's split); null when absent.
    Json value(const std::string& field) const;

private:
    const Json* find(const std::string& field) const; // nullptr when absent or null
    Json m_object;
};

// The query string of a request, percent-decoded; each name at most once and in `allowed`.
class QueryParameters {
public:
    QueryParameters(std::string_view query, std::initializer_list<std::string_view> allowed);

    std::optional<std::string> text(const std::string& name) const;
    std::optional<int64_t> integer(const std::string& name) const;
    // limit (default `defaultLimit`) and offset (default 0); the store checks their ranges.
    PageRequest page(int64_t defaultLimit = PageRequest{}.limit) const;
    // "json" (the default) or "csv"; another value is a 400 naming `format`.
    std::string format() const;

private:
    std::map<std::string, std::string, std::less<>> m_values;
};

// An id in a path ("/tenants/12"): a positive integer, else 404 naming the entity ("tenant 'x'").
int64_t pathId(const std::string& entity, const std::string& text);

// The ApiError for a store refusal: NotFound → 404, Conflict → 409, Invalid → 400 with the field.
ApiError apiErrorFor(const GovernanceError& error);
// The ApiError for a provider or model setting the config loader's rules refuse: 400 naming the
// field (a deployment's unknown provider: 404 naming it).
ApiError apiErrorFor(const SettingsError& error);

} // namespace gatehouse
