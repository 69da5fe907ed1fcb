// Finds the "usage" object in a response while it streams past, chunk by chunk, without
// keeping the body: works for a whole chat.completion and for SSE chunk streams alike.
#pragma once

#include "openai/TokenUsage.h"

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

class UsageScanner {
public:
    void feed(std::string_view chunk);

    // What the usage objects seen so far add up to: an OpenAI usage object replaces the earlier
    // ones; Anthropic's (input counts at message_start, output counts at message_delta) merge.
    const std::optional<TokenUsage>& usage() const { return m_usage; }

private:
    enum class State { Searching, AfterKey, Capturing };
    void scanFrom(std::string_view text);
    void finishCapture();

    State m_state = State::Searching;
    std::string m_tail;     // the end of the previous chunk, so a key split across chunks is found
    std::string m_captured; // the usage object being collected
    int m_depth = 0;
    bool m_inString = false;
    bool m_escaped = false;
    std::optional<TokenUsage> m_usage;
};

// Reads a usage object's JSON text into `usage` as described above; false if it is not one.
bool mergeUsageObject(std::string_view json, TokenUsage& usage);
// One usage object on its own. Returns nothing if it is not a usage object.
std::optional<TokenUsage> parseUsageObject(std::string_view json);

} // namespace gatehouse
