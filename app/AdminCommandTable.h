// The admin commands (`gatehouse tenant|consumer|key|access|audit|admin-token|limit|budget|price|prompt ...`) as data: each
// names the admin API request it makes, where each of its arguments goes in that request, and how
// the answer is shown. The CLI registration, the request builder and the printer all read this
// table, so a command is one entry here, whether it runs locally or against --remote.
#pragma once

#include "http/Asio.h"

#include <span>
#include <string_view>
#include <vector>

namespace gatehouse {

// Where an argument's value goes in the request.
enum class Placement {
    Path,  // replaces {field} in the endpoint's path, percent-encoded
    Query, // ?field=value
    Body,  // a field of the JSON body
    BodyFile, // a path: the file's text is the request's whole body (an import); Body options
              // given besides are added to it, which must then be a JSON object

    Output // changes how the answer is requested or shown, not the API call itself
};

// What the typed text becomes. Only parsing happens here; checking values is the API's job.
enum class ValueKind {
    Text,            // a JSON string
    Integer,         // a JSON number (ids, paging)
    Number,          // a JSON number that may have decimals (amounts: "12.5")
    Switch,          // a flag that sends true
    Literal,         // a flag that sends ArgumentSpec::literal (JSON), e.g. [] to clear a list
    DurationSeconds, // "24h" → 86400
    TimeAhead,       // ISO 8601, or a duration from now ("30d") → epoch ms
    TimeAgo,         // ISO 8601, or a duration ago ("24h") → epoch ms
    TextList,        // repeatable → a JSON array of strings
    TextMap,         // repeatable KEY=VALUE → a JSON object of strings
    VersionSplit,    // repeatable VERSION or VERSION:WEIGHT → [{"version", "weight"}] (a prompt label's split)
    JsonFile,        // a path: the file's JSON is the value (a test run's variables)
    OutputFormat,    // table (default), json (the raw answer) or csv (asks the API for CSV)
};

struct ArgumentSpec {
    std::string_view name;  // "--name"; without dashes it is positional ("ID")
    std::string_view field; // the body field, query parameter or path placeholder
    Placement placement;
    ValueKind kind;
    bool required;
    std::string_view help;
    std::string_view literal = {}; // ValueKind::Literal only

    bool positional() const { return !name.starts_with("-"); }
};

// One admin API request. A command with several makes the first whose `when` option was given
// (`access mode MODEL --set approval` sets, `access mode MODEL` reads).
struct Endpoint {
    http::verb method;
    std::string_view path;     // the admin API's pattern: "/admin/v1/tenants/{id}"
    std::string_view when = {}; // an option name; "" = always
};

// A column of a list's table: the header and the entity's field (a field ending in _ms is shown
// as a UTC time).
struct Column {
    std::string_view header;
    std::string_view field;
};

enum class AnswerShape {
    List,   // {"data":[...],"total":N,...}: a table of `columns`
    Entity, // one object: "field: value" lines
    Secret, // one object carrying a secret shown once (`secretField`): the secret alone on stdout
    EntityAndTable, // one object's fields, then its array `tableField` as a table of `columns`
    PromptDiff,     // a prompt diff: the changed fields, then each changed message as a line diff
    PromptTestRun,  // a prompt's test run: the outcome, the rendered messages, the answer's text
};

struct CommandSpec {
    std::string_view group; // "tenant", "prompt version"; "" for a command of its own ("audit")
    std::string_view name;
    std::string_view summary;
    std::vector<Endpoint> endpoints;
    std::vector<ArgumentSpec> arguments;
    AnswerShape shape;
    std::vector<Column> columns = {};  // AnswerShape::List and EntityAndTable
    std::string_view secretField = {}; // AnswerShape::Secret
    std::string_view tableField = {};  // AnswerShape::EntityAndTable
};

struct CommandGroup {
    std::string_view name; // "prompt"; a group within a group is named with its parent's: "prompt version"
    std::string_view summary;
};

std::span<const CommandGroup> adminCommandGroups();
std::span<const CommandSpec> adminCommands();

} // namespace gatehouse
