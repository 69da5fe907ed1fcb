// The deterministic fake completions served by the built-in `mock` provider and by
// `gatehouse mock-upstream`: OpenAI-shaped JSON and SSE chunks, the same text every time.
#pragma once

#include "openai/TokenUsage.h"

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

class MockCompletion {
public:
    // `promptBytes` sizes the reported prompt tokens (about 4 bytes a token, as OpenAI's rule of thumb).
    MockCompletion(std::string model, std::string id, std::size_t promptBytes);

    // A whole chat.completion object (~1 KB of content).
    std::string completionJson() const;

    // The SSE stream: `chunks` content events (the text split evenly), a final event with
    // finish_reason and usage, then [DONE]. Each element is one "data: ...\n\n" event.
    std::vector<std::string> streamEvents(int chunks) const;

    const TokenUsage& usage() const { return m_usage; }
    static std::string_view text();

private:
    std::string chunkJson(std::string_view deltaFields, std::string_view finishReason, bool withUsage) const;
    std::string usageJson() const;

    std::string m_model;
    std::string m_id;
    long long m_created;
    TokenUsage m_usage;
};

} // namespace gatehouse
