#include "admin/AdminInput.h"

#include "admin/AdminRouter.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace gatehouse {
namespace {

// Admin bodies are flat objects; deeper input is refused before it costs anything.
constexpr int kMaxBodyDepth = 16;

std::string allowedList(std::initializer_list<std::string_view> allowed)
{
    std::string list;
    for (const auto name : allowed)
        list += (list.empty() ? "" : ", ") + std::string(name);
    return list.empty() ? "none" : list;
}

bool isAllowed(std::initializer_list<std::string_view> allowed, std::string_view name)
{
    return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

[[noreturn]] void refuseJson(const std::string& message)
{
    throw AdminInputError(ApiError::invalidRequest(message, {}, "invalid_json"));
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: ...; last read: '...'" →
// "parse error at line 1, column 2: ...". What was last read is left out: it may be part of a
// secret (a provider's credential), and the position is enough to find the mistake.
std::string parseErrorText(const std::string& what)
{
    const auto start = what.find("] ");
    auto text = start == std::string::npos ? what : what.substr(start + 2);
    if (const auto lastRead = text.find("; last read:"); lastRead != std::string::npos)
        text.erase(lastRead);
    return text;
}

std::string jsonTypeName(const Json& value)
{
    if (value.is_number_float())
        return "a fractional number";
    return std::string("a value of type ") + value.type_name();
}

std::optional<int64_t> parseInteger(std::string_view text)
{
    int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || stop != end || text.empty())
        return std::nullopt;
    return value;
}

} // namespace

void refuseField(const std::string& field, const std::string& message, const std::string& code)
{
    throw AdminInputError(ApiError::invalidRequest(field + ": " + message, field, code));
}

Json parseJsonObject(std::string_view text)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return Json::object();
    std::set<std::string> seen;
    const auto check = [&](int depth, Json::parse_event_t event, Json& parsed) {
        if (depth > kMaxBodyDepth)
            refuseJson("The request body nests deeper than " + std::to_string(kMaxBodyDepth) + " levels.");
        // A repeated field would be read as its last value; refuse it rather than guess.
        if (event == Json::parse_event_t::key && depth == 1 && !seen.insert(parsed.get<std::string>()).second)
            refuseField(parsed.get<std::string>(), "given more than once", "duplicate_parameter");
        return true;
    };
    Json object;
    try {
        object = Json::parse(text.begin(), text.end(), check);
    } catch (const Json::parse_error& error) {
        refuseJson("The request body is not valid JSON: " + parseErrorText(error.what()));
    }
    if (!object.is_object())
        refuseJson("The request body must be a JSON object, not " + std::string(object.type_name()) + ".");
    return object;
}

JsonBody::JsonBody(std::string_view text, std::initializer_list<std::string_view> allowed)
    : m_object(parseJsonObject(text))
{
    for (const auto& [name, value] : m_object.items()) {
        if (!isAllowed(allowed, name))
            refuseField(name, "unknown field; this endpoint accepts " + allowedList(allowed), "unknown_parameter");
    }
}

const Json* JsonBody::find(const std::string& field) const
{
    const auto found = m_object.find(field);
    return found == m_object.end() || found->is_null() ? nullptr : &*found;
}

std::string JsonBody::requiredString(const std::string& field) const
{
    const auto* value = find(field);
    if (!value)
        refuseField(field, "required", "missing_required_parameter");
    if (!value->is_string())
        refuseField(field, "must be a string, not " + jsonTypeName(*value), "invalid_type");
    return value->get<std::string>();
}

std::string JsonBody::optionalString(const std::string& field) const
{
    return find(field) ? requiredString(field) : std::string();
}

int64_t JsonBody::requiredInteger(const std::string& field) const
{
    const auto* value = find(field);
    if (!value)
        refuseField(field, "required", "missing_required_parameter");
    if (value->is_number_integer() && !(value->is_number_unsigned() && value->get<uint64_t>() > uint64_t(INT64_MAX)))
        return value->get<int64_t>();
    refuseField(field, "must be an integer, not " + jsonTypeName(*value), "invalid_type");
}

std::optional<int64_t> JsonBody::optionalInteger(const std::string& field) const
{
    return find(field) ? std::optional<int64_t>(requiredInteger(field)) : std::nullopt;
}

std::optional<std::vector<std::string>> JsonBody::optionalStringList(const std::string& field) const
{
    const auto* value = find(field);
    if (!value)
        return std::nullopt;
    if (!value->is_array())
        refuseField(field, "must be an array of strings, not " + jsonTypeName(*value), "invalid_type");
    std::vector<std::string> items;
    for (const auto& item : *value) {
        if (!item.is_string())
            refuseField(field, "must be an array of strings; it holds " + jsonTypeName(item), "invalid_type");
        items.push_back(item.get<std::string>());
    }
    return items;
}

std::optional<std::map<std::string, std::string>> JsonBody::optionalStringMap(const std::string& field) const
{
    const auto* value = find(field);
    if (!value)
        return std::nullopt;
    if (!value->is_object())
        refuseField(field, "must be an object of strings, not " + jsonTypeName(*value), "invalid_type");
    std::map<std::string, std::string> items;
    for (const auto& [name, item] : value->items()) {
        if (!item.is_string())
            refuseField(field, "the value of '" + name + "' must be a string, not " + jsonTypeName(item), "invalid_type");
        items.emplace(name, item.get<std::string>());
    }
    return items;
}

Json JsonBody::value(const std::string& field) const
{
    const auto* found = find(field);
    return found ? *found : Json(nullptr);
}

bool JsonBody::optionalBool(const std::string& field, bool fallback) const
{
    const auto* value = find(field);
    if (!value)
        return fallback;
    if (!value->is_boolean())
        refuseField(field, "must be true or false, not " + jsonTypeName(*value), "invalid_type");
    return value->get<bool>();
}

QueryParameters::QueryParameters(std::string_view query, std::initializer_list<std::string_view> allowed)
{
    std::size_t start = 0;
    while (start < query.size()) {
        const auto end = std::min(query.find('&', start), query.size());
        const auto pair = query.substr(start, end - start);
        start = end + 1;
        if (pair.empty())
            continue;
        const auto equals = std::min(pair.find('='), pair.size());
        const auto name = percentDecode(pair.substr(0, equals), true);
        const auto value = percentDecode(equals < pair.size() ? pair.substr(equals + 1) : std::string_view(), true);
        if (!name || !value)
            refuseField(name.value_or(std::string(pair.substr(0, equals))), "malformed percent-encoding", "invalid_value");
        if (!isAllowed(allowed, *name))
            refuseField(*name, "unknown query parameter; this endpoint accepts " + allowedList(allowed), "unknown_parameter");
        if (!m_values.emplace(*name, *value).second)
            refuseField(*name, "given more than once", "duplicate_parameter");
    }
}

std::optional<std::string> QueryParameters::text(const std::string& name) const
{
    const auto found = m_values.find(name);
    return found == m_values.end() ? std::nullopt : std::optional<std::string>(found->second);
}

std::optional<int64_t> QueryParameters::integer(const std::string& name) const
{
    const auto value = text(name);
    if (!value)
        return std::nullopt;
    const auto number = parseInteger(*value);
    if (!number)
        refuseField(name, "'" + *value + "' is not an integer", "invalid_value");
    return number;
}

PageRequest QueryParameters::page(int64_t defaultLimit) const
{
    return {integer("limit").value_or(defaultLimit), integer("offset").value_or(0)};
}

std::string QueryParameters::format() const
{
    const auto format = text("format").value_or("json");
    if (format != "json" && format != "csv")
        refuseField("format", "'" + format + "' is not a format; use json or csv", "invalid_value");
    return format;
}

int64_t pathId(const std::string& entity, const std::string& text)
{
    const auto id = parseInteger(text);
    if (!id || *id < 1)
        throw AdminInputError(ApiError::notFound(entity + " '" + text + "' does not exist: ids are positive integers"));
    return *id;
}

ApiError apiErrorFor(const GovernanceError& error)
{
    switch (error.kind()) {
    case GovernanceErrorKind::NotFound:
        return ApiError::notFound(error.what());
    case GovernanceErrorKind::Conflict:
        return {409, error.what(), "invalid_request_error", {}, "conflict"};
    case GovernanceErrorKind::Invalid:
        break;
    }
    return ApiError::invalidRequest(error.what(), error.field(), "invalid_value");
}

ApiError apiErrorFor(const SettingsError& error)
{
    switch (error.problem()) {
    case SettingsProblem::UnknownReference:
        return {404, error.what(), "invalid_request_error", error.field(), "not_found"};
    case SettingsProblem::UnknownKey:
        return ApiError::invalidRequest(error.what(), error.field(), "unknown_parameter");
    case SettingsProblem::Missing:
        return ApiError::invalidRequest(error.what(), error.field(), "missing_required_parameter");
    case SettingsProblem::WrongType:
        return ApiError::invalidRequest(error.what(), error.field(), "invalid_type");
    case SettingsProblem::BadValue:
        break;
    }
    return ApiError::invalidRequest(error.what(), error.field(), "invalid_value");
}

} // namespace gatehouse
