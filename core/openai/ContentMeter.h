// Measures how much answer text passes by, chunk by chunk, without keeping it: the bytes of every
// "content" string value, in a whole chat.completion or in its SSE chunks. Used only to estimate
// the tokens of a provider that reports no usage.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse {

class ContentMeter {
public:
    void feed(std::string_view chunk);
    std::size_t contentBytes() const { return m_bytes; }

private:
    enum class State { Searching, AfterKey, InString };

    State m_state = State::Searching;
    std::string m_tail; // the end of the previous chunk, so a key split across chunks is found
    bool m_escaped = false;
    std::size_t m_bytes = 0;
};

} // namespace gatehouse
