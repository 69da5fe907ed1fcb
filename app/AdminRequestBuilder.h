// Turns a command from the table and the arguments given to it into the one admin API request it
// makes, the same whether the request then runs locally or against --remote.
#pragma once

#include "AdminCommandTable.h"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse {

// A mistake in the command line itself (a duration that does not parse, options that exclude each
// other): exit code 2, like the parser's own errors.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The values given, by argument name ("--name", "ID"); a flag given has one value "true".
// Arguments not given are absent.
using ArgumentValues = std::map<std::string, std::vector<std::string>, std::less<>>;

struct AdminApiRequest {
    http::verb method = http::verb::get;
    std::string target; // path and query, percent-encoded: "/admin/v1/consumers?tenant_id=2"
    std::string body;   // JSON, or empty for GET and DELETE
};

struct BuiltRequest {
    AdminApiRequest call;
    bool rawJson = false; // `--format json`: show the API's answer as it is
};

// Throws UsageError. `nowMs` anchors durations such as "--expires 30d".
BuiltRequest buildAdminRequest(const CommandSpec& command, const ArgumentValues& values, int64_t nowMs);

// Checks one typed value of `kind` the way buildAdminRequest reads it; the problem, or nullopt.
// The CLI runs it while parsing, so a mistake is reported with the parser's usage errors.
std::optional<std::string> valueProblem(ValueKind kind, const std::string& text);

} // namespace gatehouse
