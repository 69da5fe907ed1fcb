// Server-sent events, read incrementally: feed the bytes as they arrive, get whole events out.
// Follows the WHATWG event-stream rules the providers use: "event:" and "data:" fields, multi-line
// data joined with "\n", comments (":") ignored, events ended by a blank line, CRLF or LF.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

struct SseEvent {
    std::string event; // "" when the event had no "event:" field (OpenAI, Gemini)
    std::string data;
};

class SseParser {
public:
    // Returns the events completed by this piece (possibly none).
    std::vector<SseEvent> feed(std::string_view bytes);
    // Bytes of an event not yet ended by a blank line.
    bool hasPartialEvent() const { return !m_line.empty() || m_hasData || !m_current.event.empty(); }

private:
    void takeLine(std::string_view line, std::vector<SseEvent>& out);

    std::string m_line;
    SseEvent m_current;
    bool m_hasData = false;
    bool m_skipLf = false;
};

// One event as written on the wire: "event: NAME\n" (if named) + "data: DATA\n\n".
std::string formatSseEvent(std::string_view event, std::string_view data);

} // namespace gatehouse
