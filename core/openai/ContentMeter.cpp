#include "openai/ContentMeter.h"

namespace gatehouse {
namespace {
constexpr std::string_view kKey = "\"content\":";
}

void ContentMeter::feed(std::string_view chunk)
{
    std::string joined;
    if (!m_tail.empty()) {
        joined = std::move(m_tail) + std::string(chunk);
        m_tail.clear();
        chunk = joined;
    }
    std::size_t i = 0;
    while (i < chunk.size()) {
        switch (m_state) {
        case State::Searching: {
            const auto found = chunk.find(kKey, i);
            if (found == std::string_view::npos) {
                // Keep what could be the start of a key cut off by the chunk's end.
                const auto keep = std::min(chunk.size() - i, kKey.size() - 1);
                m_tail = std::string(chunk.substr(chunk.size() - keep));
                return;
            }
            i = found + kKey.size();
            m_state = State::AfterKey;
            break;
        }
        case State::AfterKey:
            if (chunk[i] == ' ') {
                ++i;
            } else {
                // null (e.g. a tool call's content) or an array of parts: not text to count here.
                m_state = chunk[i] == '"' ? State::InString : State::Searching;
                i += m_state == State::InString;
            }
            break;
        case State::InString:
            for (; i < chunk.size(); ++i) {
                if (m_escaped) {
                    m_escaped = false;
                } else if (chunk[i] == '\\') {
                    m_escaped = true;
                } else if (chunk[i] == '"') {
                    m_state = State::Searching;
                    ++i;
                    break;
                }
                ++m_bytes;
            }
            break;
        }
    }
}

} // namespace gatehouse
