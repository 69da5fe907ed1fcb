#include "openai/ContentMeter.h"

#include <algorithm>
#include <cstring>

namespace gatehouse {
namespace {
constexpr std::string_view kKey = "\"content\":";
}

void ContentMeter::feed(std::string_view chunk)
{
    std::size_t i = 0;
    // A key may straddle the previous chunk and this one: the tail is shorter than the key, so a
    // key found in the seam always ends inside this chunk. Only the seam is copied, never the chunk.
    if (!m_tail.empty()) {
        std::string seam = std::move(m_tail);
        const auto tailSize = seam.size();
        m_tail.clear();
        seam.append(chunk.substr(0, kKey.size() - 1));
        if (const auto found = seam.find(kKey); found != std::string::npos) {
            m_state = State::AfterKey;
            i = found + kKey.size() - tailSize;
        } else if (chunk.size() < kKey.size() - 1) {
            // A piece shorter than the key: the seam is all there is to search next time.
            m_tail = seam.substr(seam.size() - std::min(seam.size(), kKey.size() - 1));
            return;
        }
    }
    while (i < chunk.size()) {
        switch (m_state) {
        case State::Searching: {
            // glibc's memmem: far faster than a find() that stops at every quote of the JSON.
            const void* found = memmem(chunk.data() + i, chunk.size() - i, kKey.data(), kKey.size());
            if (!found) {
                // Keep what could be the start of a key cut off by the chunk's end.
                const auto keep = std::min(chunk.size() - i, kKey.size() - 1);
                m_tail = std::string(chunk.substr(chunk.size() - keep));
                return;
            }
            i = static_cast<std::size_t>(static_cast<const char*>(found) - chunk.data()) + kKey.size();
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
