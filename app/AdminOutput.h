// Shows an admin API answer the way the command's table entry says: a list as an aligned table,
// one entity as "field: value" lines, a secret alone on stdout; --json the answer as it is; an
// error answer as `gatehouse: error: MESSAGE`. The same for local and remote answers.
#pragma once

#include "AdminCommandTable.h"
#include "AdminTransport.h"

#include <ostream>
#include <string>

namespace gatehouse {

struct OutputOptions {
    bool rawJson = false; // --json: the answer as JSON (pretty), for jq
    std::string where;    // the data directory or URL the answer came from, for messages
};

// `out` gets the data (the table, the entity, the secret); `err` everything said to the person.
// Returns the exit code: 0, or 1 for an error answer or one that is not JSON.
int printAdminAnswer(const CommandSpec& command, const AdminAnswer& answer, const OutputOptions& options, std::ostream& out,
    std::ostream& err);

} // namespace gatehouse
