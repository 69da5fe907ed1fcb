#include "admin/AuditCsv.h"

namespace gatehouse {
namespace {

void appendField(std::string& out, const std::string& value)
{
    out += '"';
    for (const char c : value) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

std::string jsonOrEmpty(const Json& value)
{
    return value.is_null() ? std::string() : value.dump();
}

} // namespace

std::string auditCsv(const std::vector<AuditEntry>& entries)
{
    std::string out = "id,at_ms,at,actor,action,entity_type,entity_id,before,after,reason\r\n";
    for (const auto& entry : entries) {
        const std::string fields[] = {std::to_string(entry.id), std::to_string(entry.atMs), formatUtcTimestamp(entry.atMs),
            entry.actor, entry.action, entry.entityType, entry.entityId, jsonOrEmpty(entry.before), jsonOrEmpty(entry.after),
            entry.reason};
        bool first = true;
        for (const auto& field : fields) {
            if (!first)
                out += ',';
            first = false;
            appendField(out, field);
        }
        out += "\r\n";
    }
    return out;
}

} // namespace gatehouse
