#include "AdminOutput.h"

#include "governance/AccessControl.h"
#include "json/Json.h"

#include <algorithm>
#include <optional>

namespace gatehouse {
namespace {

constexpr std::size_t kShownBodyCharacters = 200; // of an answer that is not the admin API's

// The admin API's times are epoch milliseconds in fields named *_ms.
bool isTimeField(std::string_view field)
{
    return field.ends_with("_ms");
}

std::string oneLine(std::string text)
{
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    return text;
}

// A value as a table cell: times in UTC, absent values as "-", nested values as compact JSON.
std::string cellText(std::string_view field, const Json& value)
{
    if (value.is_null())
        return "-";
    if (value.is_string())
        return oneLine(value.get<std::string>());
    if (isTimeField(field) && value.is_number_integer())
        return formatUtcTimestamp(value.get<int64_t>());
    return value.dump();
}

// A value on a "field: value" line: a time also as its number, so the field name stays true.
std::string lineText(std::string_view field, const Json& value)
{
    if (isTimeField(field) && value.is_number_integer())
        return value.dump() + " (" + formatUtcTimestamp(value.get<int64_t>()) + ")";
    return cellText(field, value);
}

// Nested objects (a rotated key, a key's tags) as dotted names: "rotated_key.expires_at_ms: ...".
void printFields(const Json& entity, const std::string& prefix, std::string_view skippedField, std::ostream& out)
{
    for (const auto& [field, value] : entity.items()) {
        if (prefix.empty() && field == skippedField)
            continue;
        if (value.is_object() && !value.empty())
            printFields(value, prefix + field + ".", {}, out);
        else
            out << prefix << field << ": " << lineText(field, value) << "\n";
    }
}

// Characters as a terminal shows them: UTF-8 continuation bytes take no room.
std::size_t displayWidth(std::string_view text)
{
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void printRow(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths, std::ostream& out)
{
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i)
        line += cells[i] + std::string(widths[i] - displayWidth(cells[i]) + 2, ' ');
    line.erase(line.find_last_not_of(' ') + 1); // an empty last cell leaves no trailing blanks
    out << line << "\n";
}

void printTable(const std::vector<Column>& columns, const Json& items, std::ostream& out)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header;
    for (const auto& column : columns)
        header.emplace_back(column.header);
    rows.push_back(std::move(header));
    for (const auto& item : items) {
        std::vector<std::string> row;
        for (const auto& column : columns) {
            const std::string field(column.field);
            row.push_back(item.contains(field) ? cellText(field, item[field]) : "-");
        }
        rows.push_back(std::move(row));
    }
    std::vector<std::size_t> widths(columns.size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], displayWidth(row[i]));
    }
    for (const auto& row : rows)
        printRow(row, widths, out);
}

// Says on stderr when the page is empty or more pages follow, so a table never silently stops at 50.
void printPageNote(const Json& page, std::ostream& err)
{
    const auto shown = page.value("data", Json::array()).size();
    if (page.contains("next_cursor")) { // paged by cursor (the call log): no total is counted
        if (shown == 0)
            err << "Nothing to list.\n";
        else if (page["next_cursor"].is_string())
            err << "More follow. The next page: --cursor " << page["next_cursor"].get<std::string>() << "\n";
        return;
    }
    const auto total = page.value("total", int64_t(0));
    const auto offset = page.value("offset", int64_t(0));
    if (shown == 0) {
        err << (total == 0 ? std::string("Nothing to list.")
                           : "Nothing at offset " + std::to_string(offset) + "; there are " + std::to_string(total) + ".")
            << "\n";
        return;
    }
    const auto last = offset + static_cast<int64_t>(shown);
    if (offset > 0 || last < total)
        err << "Showing " << offset + 1 << "-" << last << " of " << total << "."
            << (last < total ? " The next page: --offset " + std::to_string(last) : std::string()) << "\n";
}

std::string shortened(const std::string& body)
{
    return body.size() > kShownBodyCharacters ? oneLine(body.substr(0, kShownBodyCharacters)) + "..." : oneLine(body);
}

// The admin API's own error message, or one that says the answer was not the admin API's.
std::string errorMessage(const AdminAnswer& answer, const std::optional<Json>& json, const std::string& where)
{
    if (json && json->contains("error") && (*json)["error"].is_object() && (*json)["error"].contains("message")
        && (*json)["error"]["message"].is_string())
        return (*json)["error"]["message"].get<std::string>();
    return where + " answered " + std::to_string(answer.status) + " without an admin API error"
        + (answer.body.empty() ? std::string(" (empty body)") : ": " + shortened(answer.body));
}

// The fields other than the ones shown apart.
Json without(const Json& entity, std::initializer_list<const char*> fields)
{
    auto rest = entity;
    for (const auto* field : fields)
        rest.erase(field);
    return rest;
}

std::string roleOf(const Json& message)
{
    return message.is_object() ? message.value("role", std::string("?")) : std::string("none");
}

// A prompt diff as a unified diff: the fields that changed, then each changed message's lines.
void printPromptDiff(const Json& diff, std::ostream& out)
{
    out << "--- version " << diff.value("from", Json()).dump() << "\n+++ version " << diff.value("to", Json()).dump() << "\n";
    bool changed = false;
    for (const auto& change : diff.value("changes", Json::array())) {
        out << change.value("field", std::string()) << ": " << change.value("from", Json()).dump() << " -> "
            << change.value("to", Json()).dump() << "\n";
        changed = true;
    }
    for (const auto& message : diff.value("messages", Json::array())) {
        if (!message.value("changed", false))
            continue;
        changed = true;
        const auto from = roleOf(message.value("from", Json())), to = roleOf(message.value("to", Json()));
        out << "@@ message " << message.value("index", 0) + 1 << " (" << (from == to ? from : from + " -> " + to) << ") @@\n";
        for (const auto& line : message.value("lines", Json::array()))
            out << line.value("op", std::string(" ")) << line.value("text", std::string()) << "\n";
    }
    if (!changed)
        out << "No differences.\n";
}

// What a person testing a prompt wants to read: the outcome, the messages sent, the answer's text
// (or its error's message).
void printPromptTestRun(const Json& run, std::ostream& out)
{
    printFields(without(run, {"rendered", "request", "answer"}), {}, {}, out);
    out << "--- rendered\n";
    for (const auto& message : run.value("rendered", Json::array()))
        out << "[" << roleOf(message) << "] " << message.value("content", std::string()) << "\n";
    out << "--- answer\n";
    const auto answer = run.value("answer", Json());
    const auto choices = answer.is_object() ? answer.value("choices", Json::array()) : Json::array();
    if (answer.is_object() && answer.contains("error") && answer["error"].is_object())
        out << "error: " << answer["error"].value("message", std::string()) << "\n";
    else if (!choices.empty() && choices[0].is_object() && choices[0].value("message", Json::object()).value("content", Json()).is_string())
        out << choices[0]["message"]["content"].get<std::string>() << "\n";
    else
        out << answer.dump() << "\n";
}

std::optional<Json> parsedJson(const std::string& body)
{
    auto json = Json::parse(body, nullptr, false);
    if (json.is_discarded())
        return std::nullopt;
    return json;
}

} // namespace

int printAdminAnswer(const CommandSpec& command, const AdminAnswer& answer, const OutputOptions& options, std::ostream& out,
    std::ostream& err)
{
    const auto json = parsedJson(answer.body);
    if (answer.status < 200 || answer.status >= 300) {
        err << "gatehouse: error: " << errorMessage(answer, json, options.where) << "\n";
        return 1;
    }
    if (answer.contentType.starts_with("text/csv")) {
        out << answer.body;
        return 0;
    }
    if (!json || !json->is_object()) {
        err << "gatehouse: error: " << options.where << " answered " << answer.status << " with something that is not "
            << "the admin API's JSON (Content-Type: " << (answer.contentType.empty() ? "none" : answer.contentType)
            << "): " << shortened(answer.body) << "\n";
        return 1;
    }
    if (options.rawJson) {
        out << json->dump(2) << "\n";
        return 0;
    }
    switch (command.shape) {
    case AnswerShape::List:
        if (!json->value("data", Json::array()).empty())
            printTable(command.columns, (*json)["data"], out);
        printPageNote(*json, err);
        break;
    case AnswerShape::Entity:
        printFields(*json, {}, {}, out);
        break;
    case AnswerShape::EntityAndTable: {
        const std::string tableField(command.tableField);
        printFields(*json, {}, tableField, out);
        if (json->value(tableField, Json::array()).empty()) {
            err << "No " << tableField << " to list.\n";
        } else {
            out << "\n"; // the table below the fields
            printTable(command.columns, (*json)[tableField], out);
        }
        break;
    }
    case AnswerShape::PromptDiff:
        printPromptDiff(*json, out);
        break;
    case AnswerShape::PromptTestRun:
        printPromptTestRun(*json, out);
        break;
    case AnswerShape::Secret: {
        // Scripts capture stdout: it gets the secret and nothing else.
        const std::string secretField(command.secretField);
        printFields(*json, {}, secretField, err);
        err << "The " << secretField << " is shown only this once (the store keeps only its hash):\n" << std::flush;
        out << json->value(secretField, std::string()) << "\n";
        break;
    }
    }
    return 0;
}

} // namespace gatehouse
