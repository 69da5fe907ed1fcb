#include "sse/SseParser.h"

namespace gatehouse {

std::vector<SseEvent> SseParser::feed(std::string_view bytes)
{
    std::vector<SseEvent> out;
    while (!bytes.empty()) {
        // A CR that ended the previous piece may be the first half of a CRLF.
        if (m_skipLf) {
            m_skipLf = false;
            if (bytes.front() == '\n') {
                bytes.remove_prefix(1);
                continue;
            }
        }
        const auto end = bytes.find_first_of("\r\n");
        if (end == std::string_view::npos) {
            m_line.append(bytes);
            break;
        }
        m_line.append(bytes.substr(0, end));
        std::size_t consumed = end + 1;
        if (bytes[end] == '\r') {
            if (end + 1 < bytes.size() && bytes[end + 1] == '\n')
                ++consumed;
            else if (end + 1 == bytes.size())
                m_skipLf = true;
        }
        takeLine(m_line, out);
        m_line.clear();
        bytes.remove_prefix(consumed);
    }
    return out;
}

void SseParser::takeLine(std::string_view line, std::vector<SseEvent>& out)
{
    if (line.empty()) {
        if (m_hasData)
            out.push_back(std::move(m_current));
        m_current = {};
        m_hasData = false;
        return;
    }
    if (line.front() == ':')
        return; // a comment, e.g. a keep-alive
    const auto colon = line.find(':');
    const auto field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    if (field == "event") {
        m_current.event = std::string(value);
    } else if (field == "data") {
        if (m_hasData)
            m_current.data += '\n';
        m_current.data.append(value);
        m_hasData = true;
    }
    // "id" and "retry" do not matter to a proxy reading one answer; unknown fields are ignored.
}

std::string formatSseEvent(std::string_view event, std::string_view data)
{
    std::string out;
    out.reserve(event.size() + data.size() + 16);
    if (!event.empty())
        out.append("event: ").append(event).append("\n");
    out.append("data: ").append(data).append("\n\n");
    return out;
}

} // namespace gatehouse
