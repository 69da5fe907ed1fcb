#include "admin/CsvText.h"

namespace gatehouse {

void appendCsvRow(std::string& out, const std::vector<std::string>& fields)
{
    bool first = true;
    for (const auto& field : fields) {
        if (!first)
            out += ',';
        first = false;
        out += '"';
        for (const char c : field) {
            if (c == '"')
                out += '"';
            out += c;
        }
        out += '"';
    }
    out += "\r\n";
}

} // namespace gatehouse
