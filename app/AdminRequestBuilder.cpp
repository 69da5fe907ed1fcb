#include "AdminRequestBuilder.h"

#include "TimeArguments.h"
#include "json/Json.h"
#include "text/PercentEncoding.h"

#include <charconv>
#include <cmath>

#include <fstream>
#include <sstream>
#include <cstring>
#include <cerrno>
namespace gatehouse {
namespace {

std::optional<int64_t> parseInteger(std::string_view text)
{
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// A finite decimal number ("12.5", "100"); nothing else, not even surrounding spaces.
std::optional<double> parseNumber(std::string_view text)
{
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// "env=prod" → {"env", "prod"}; nullopt without a '=' or a key.
std::optional<std::pair<std::string, std::string>> splitKeyValue(const std::string& text)
{
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
        return std::nullopt;
    return std::pair{text.substr(0, equals), text.substr(equals + 1)};
}

// "3" → {3, 1}, "3:90" → {3, 90}: a version of a prompt label's split and its weight.
std::optional<std::pair<int64_t, int64_t>> parseSplitEntry(const std::string& text)
{
    const auto colon = text.find(':');
    const auto version = parseInteger(std::string_view(text).substr(0, colon));
    const auto weight = colon == std::string::npos ? std::optional<int64_t>(1) : parseInteger(std::string_view(text).substr(colon + 1));
    if (!version || !weight)
        return std::nullopt;
    return std::pair{*version, *weight};
}

bool hasBody(http::verb method)
{
    return method != http::verb::get && method != http::verb::delete_;
}

const std::vector<std::string>* given(const ArgumentValues& values, std::string_view name)
{
    const auto found = values.find(name);
    return found == values.end() || found->second.empty() ? nullptr : &found->second;
}

// The text of the file an argument names, or a UsageError saying why it cannot be read.
std::string fileText(const ArgumentSpec& argument, const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw UsageError(std::string(argument.name) + ": cannot read '" + path + "': " + std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// The argument's value as the API takes it. `texts` holds one entry except for repeatable kinds.
Json typedValue(const ArgumentSpec& argument, const std::vector<std::string>& texts, int64_t nowMs)
{
    for (const auto& text : texts) {
        if (const auto problem = valueProblem(argument.kind, text))
            throw UsageError(std::string(argument.name) + ": " + *problem);
    }
    const auto& text = texts.front();
    switch (argument.kind) {
    case ValueKind::Text:
    case ValueKind::OutputFormat:
        return text;
    case ValueKind::Integer:
        return *parseInteger(text);
    case ValueKind::Number:
        return *parseNumber(text);
    case ValueKind::Switch:
        return true;
    case ValueKind::Literal:
        return Json::parse(argument.literal);
    case ValueKind::DurationSeconds:
        return *parseDurationSeconds(text);
    case ValueKind::TimeAhead:
        return *parseTimeArgumentMs(text, Direction::Ahead, nowMs);
    case ValueKind::TimeAgo:
        return *parseTimeArgumentMs(text, Direction::Ago, nowMs);
    case ValueKind::TextList:
        return Json(texts);
    case ValueKind::TextMap: {
        Json map = Json::object();
        for (const auto& entry : texts) {
            const auto [key, value] = *splitKeyValue(entry);
            if (map.contains(key))
                throw UsageError(std::string(argument.name) + ": '" + key + "' is given twice");
            map[key] = value;
        }
        return map;
    }
    case ValueKind::VersionSplit: {
        Json split = Json::array();
        for (const auto& entry : texts) {
            const auto [version, weight] = *parseSplitEntry(entry);
            split.push_back({{"version", version}, {"weight", weight}});
        }
        return split;
    }
    case ValueKind::JsonFile: {
        auto json = Json::parse(fileText(argument, text), nullptr, false);
        if (json.is_discarded())
            throw UsageError(std::string(argument.name) + ": '" + text + "' does not hold JSON");
        return json;
    }
    }
    throw std::logic_error("a value kind without a reader");
}

std::string queryText(const Json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

// The first endpoint whose condition holds: its `when` option was given, or it has none.
const Endpoint& chosenEndpoint(const CommandSpec& command, const ArgumentValues& values)
{
    for (const auto& endpoint : command.endpoints) {
        if (endpoint.when.empty() || given(values, endpoint.when))
            return endpoint;
    }
    throw std::logic_error("command " + std::string(command.name) + " has no endpoint for these arguments");
}

// A file that is the whole body with the body options given besides it added (`prompt version add
// NAME FILE --reason R`): the file must then hold a JSON object that does not set them itself.
std::string withBodyOptions(const std::string& fileBody, const Json& options, std::string_view fileArgument)
{
    if (options.empty())
        return fileBody;
    auto json = Json::parse(fileBody, nullptr, false);
    if (!json.is_object())
        throw UsageError(std::string(fileArgument) + ": must hold a JSON object to add " + options.begin().key() + " to");
    for (const auto& [field, value] : options.items()) {
        if (json.contains(field))
            throw UsageError(std::string(fileArgument) + " sets " + field + " already; leave it out of the file or the command line");
        json[field] = value;
    }
    return json.dump();
}

// Body options make no sense on a read: `access mode MODEL --auto-approve` without --set.
void refuseBodyArgumentsOnARead(const CommandSpec& command, const Endpoint& endpoint, const ArgumentValues& values)
{
    if (hasBody(endpoint.method))
        return;
    for (const auto& argument : command.arguments) {
        if (argument.placement == Placement::Body && given(values, argument.name)) {
            std::string needed;
            for (const auto& other : command.endpoints)
                needed += other.when.empty() ? "" : (needed.empty() ? "" : " or ") + std::string(other.when);
            throw UsageError(std::string(argument.name) + " needs " + (needed.empty() ? "a change" : needed));
        }
    }
}

} // namespace

std::optional<std::string> valueProblem(ValueKind kind, const std::string& text)
{
    switch (kind) {
    case ValueKind::Integer:
        if (!parseInteger(text))
            return "'" + text + "' is not a whole number";
        break;
    case ValueKind::Number:
        if (!parseNumber(text))
            return "'" + text + "' is not a number";
        break;
    case ValueKind::DurationSeconds:
        if (!parseDurationSeconds(text))
            return "'" + text + "' is not a duration; use seconds or a number with s, m, h, d or w (90m, 24h, 1h30m)";
        break;
    case ValueKind::TimeAhead:
    case ValueKind::TimeAgo:
        if (!parseTimeArgumentMs(text, Direction::Ahead, 0))
            return "'" + text + "' is not " + timeArgumentForms(kind == ValueKind::TimeAhead ? Direction::Ahead : Direction::Ago);
        break;
    case ValueKind::TextMap:
        if (!splitKeyValue(text))
            return "'" + text + "' is not KEY=VALUE";
        break;
    case ValueKind::VersionSplit:
        if (!parseSplitEntry(text))
            return "'" + text + "' is not VERSION or VERSION:WEIGHT (3, or 3:90)";
        break;
    case ValueKind::OutputFormat:
        if (text != "table" && text != "json" && text != "csv")
            return "'" + text + "' is not a format; use table, json or csv";
        break;
    case ValueKind::Text:
    case ValueKind::Switch:
    case ValueKind::Literal:
    case ValueKind::TextList:
    case ValueKind::JsonFile:
        break;
    }
    return std::nullopt;
}

BuiltRequest buildAdminRequest(const CommandSpec& command, const ArgumentValues& values, int64_t nowMs)
{
    const auto& endpoint = chosenEndpoint(command, values);
    refuseBodyArgumentsOnARead(command, endpoint, values);

    BuiltRequest request;
    request.call.method = endpoint.method;
    std::string path(endpoint.path);
    std::string query;
    Json body = Json::object();
    std::optional<std::string> wholeBody; // Placement::BodyFile
    std::string_view fileArgument;
    const auto addQuery = [&](std::string_view field, const std::string& text) {
        query += query.empty() ? '?' : '&';
        query.append(field).append("=").append(percentEncode(text));
    };

    for (const auto& argument : command.arguments) {
        const auto* texts = given(values, argument.name);
        if (!texts)
            continue;
        const auto value = typedValue(argument, *texts, nowMs);
        switch (argument.placement) {
        case Placement::Path: {
            const auto placeholder = "{" + std::string(argument.field) + "}";
            const auto at = path.find(placeholder);
            if (at != std::string::npos)
                path.replace(at, placeholder.size(), percentEncode(queryText(value)));
            break;
        }
        case Placement::Query:
            addQuery(argument.field, queryText(value));
            break;
        case Placement::Body:
            if (body.contains(argument.field))
                throw UsageError(std::string(argument.name) + " sets " + std::string(argument.field)
                    + ", which another option given already sets");
            body[std::string(argument.field)] = value;
            break;
        case Placement::BodyFile:
            wholeBody = fileText(argument, queryText(value));
            fileArgument = argument.name;
            break;
        case Placement::Output:
            // table: the default; json: the answer as it is; csv: the API writes it.
            request.rawJson = value == "json";
            if (value == "csv")
                addQuery(argument.field, "csv");
            break;
        }
    }
    request.call.target = path + query;
    if (hasBody(endpoint.method))
        request.call.body = wholeBody ? withBodyOptions(*wholeBody, body, fileArgument) : body.dump();
    return request;
}

} // namespace gatehouse
