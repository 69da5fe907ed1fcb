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
        case State::InString: {
            // Counts runs of plain text at memchr speed (an answer's text is most of its bytes): up
            // to the closing quote, unless a backslash comes first. The backslash and the
            // character it escapes count as bytes too.
            const char* const end = chunk.data() + chunk.size();
            const char* quote = nullptr; // the next quote from here (end: none), searched once per quote
            bool closed = false;
            while (i < chunk.size() && !closed) {
                if (m_escaped) {
                    m_escaped = false;
                    ++m_bytes;
                    ++i;
                    continue;
                }
                const char* run = chunk.data() + i;
                if (!quote || quote < run) {
                    quote = static_cast<const char*>(std::memchr(run, '"', static_cast<std::size_t>(end - run)));
                    quote = quote ? quote : end;
                }
                const auto span = static_cast<std::size_t>(quote - run);
                if (const auto* backslash = static_cast<const char*>(std::memchr(run, '\\', span))) {
                    const auto upToEscape = static_cast<std::size_t>(backslash - run) + 1;
                    m_bytes += upToEscape;
                    i += upToEscape;
                    m_escaped = true;
                    continue;
                }
                m_bytes += span;
                i += span;
                if (quote != end) {
                    ++i;
                    closed = true;
                    m_state = State::Searching;
                }
            }
            break;
        }
        }
    }
}

} // namespace gatehouse
