// The audit log as CSV (RFC 4180): one header row, then one row per entry, before/after as JSON.
#pragma once

#include "store/GovernanceStore.h"

#include <string>
#include <vector>

namespace gatehouse {

// Columns: id, at_ms, at (UTC, ISO 8601), actor, action, entity_type, entity_id, before, after,
// reason. Every field is quoted; values are written as stored (no spreadsheet-formula escaping:
// the export is evidence, and changing a byte of it would make it worse evidence).
std::string auditCsv(const std::vector<AuditEntry>& entries);

} // namespace gatehouse
