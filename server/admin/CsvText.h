// CSV (RFC 4180) as the admin API's exports write it: every field quoted, rows ended by CRLF.
#pragma once

#include <string>
#include <vector>

namespace gatehouse {

// Appends one row. Values are written as they are (no spreadsheet-formula escaping: an export is
// evidence, and changing a byte of it would make it worse evidence).
void appendCsvRow(std::string& out, const std::vector<std::string>& fields);

} // namespace gatehouse
