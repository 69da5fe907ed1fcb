#include "admin/AuditCsv.h"

#include "admin/CsvText.h"

namespace gatehouse {
namespace {

std::string jsonOrEmpty(const Json& value)
{
    return value.is_null() ? std::string() : value.dump();
}

} // namespace

std::string auditCsv(const std::vector<AuditEntry>& entries)
{
    std::string out = "id,at_ms,at,actor,action,entity_type,entity_id,before,after,reason\r\n";
    for (const auto& entry : entries) {
        appendCsvRow(out, {std::to_string(entry.id), std::to_string(entry.atMs), formatUtcTimestamp(entry.atMs), entry.actor,
                              entry.action, entry.entityType, entry.entityId, jsonOrEmpty(entry.before), jsonOrEmpty(entry.after),
                              entry.reason});
    }
    return out;
}

} // namespace gatehouse
