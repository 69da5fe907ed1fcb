#include "openai/UsageScanner.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace gatehouse {
namespace {
constexpr std::string_view kKey = "\"usage\"";
constexpr std::size_t kMaxUsageBytes = 8192; // a usage object is far smaller; beyond this it is not one

// The optional counts: absent (or not a number) reads as 0.
int64_t countOrZero(simdjson::simdjson_result<simdjson::dom::element> field)
{
    int64_t value = 0;
    return field.get(value) == simdjson::SUCCESS ? value : 0;
}
} // namespace

void UsageScanner::feed(std::string_view chunk)
{
    if (m_state == State::Searching && !m_tail.empty()) {
        // A key may straddle the previous chunk and this one: the tail is shorter than the key,
        // so a key found in the seam always ends inside this chunk.
        const auto tailSize = m_tail.size();
        std::string seam = std::move(m_tail);
        m_tail.clear();
        seam.append(chunk.substr(0, kKey.size() - 1));
        const auto pos = seam.find(kKey);
        if (pos != std::string::npos) {
            m_state = State::AfterKey;
            scanFrom(chunk.substr(pos + kKey.size() - tailSize));
            return;
        }
        if (chunk.size() < kKey.size() - 1) {
            // The whole chunk was in the seam: its end (with the old tail) is the new tail.
            m_tail = seam.substr(seam.size() - std::min(seam.size(), kKey.size() - 1));
            return;
        }
    }
    scanFrom(chunk);
}

void UsageScanner::scanFrom(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        switch (m_state) {
        case State::Searching: {
            // glibc's memmem (vectorised two-way search): several times faster here than a
            // Boyer-Moore-Horspool std::search.
            const auto* found = static_cast<const char*>(memmem(text.data() + i, text.size() - i, kKey.data(), kKey.size()));
            if (!found) {
                const auto keep = std::min(text.size() - i, kKey.size() - 1);
                m_tail.assign(text.substr(text.size() - keep));
                return;
            }
            i = static_cast<std::size_t>(found - text.data()) + kKey.size();
            m_state = State::AfterKey;
            break;
        }
        case State::AfterKey: {
            const char c = text[i++];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':')
                break;
            if (c == '{') {
                m_state = State::Capturing;
                m_captured.assign("{");
                m_depth = 1;
                m_inString = false;
                m_escaped = false;
            } else {
                m_state = State::Searching; // "usage": null, or not a key at all
            }
            break;
        }
        case State::Capturing: {
            // Walk to the closing brace (or the end of this chunk), then append the span at once.
            const auto start = i;
            bool closed = false;
            while (i < text.size() && !closed) {
                const char c = text[i++];
                if (m_inString) {
                    if (m_escaped)
                        m_escaped = false;
                    else if (c == '\\')
                        m_escaped = true;
                    else if (c == '"')
                        m_inString = false;
                } else if (c == '"') {
                    m_inString = true;
                } else if (c == '{') {
                    ++m_depth;
                } else if (c == '}') {
                    closed = --m_depth == 0;
                }
            }
            m_captured.append(text.substr(start, i - start));
            if (closed)
                finishCapture();
            else if (m_captured.size() > kMaxUsageBytes)
                m_state = State::Searching;
            break;
        }
        }
    }
}

void UsageScanner::finishCapture()
{
    m_state = State::Searching;
    TokenUsage merged = m_usage.value_or(TokenUsage{});
    if (mergeUsageObject(m_captured, merged))
        m_usage = merged;
}

bool mergeUsageObject(std::string_view json, TokenUsage& usage)
{
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(json.data(), json.size(), true).get(root) || !root.is_object())
        return false;
    int64_t count = 0;
    // Chat completions: one complete object (the last one of a stream) that replaces what came before.
    if (root["prompt_tokens"].get(count) == simdjson::SUCCESS) {
        usage = TokenUsage{};
        usage.promptTokens = count;
        usage.completionTokens = countOrZero(root["completion_tokens"]);
        usage.cachedPromptTokens = countOrZero(root.at_pointer("/prompt_tokens_details/cached_tokens"));
        usage.reasoningTokens = countOrZero(root.at_pointer("/completion_tokens_details/reasoning_tokens"));
        return true;
    }
    // Anthropic's Messages API: message_start has the input counts, each message_delta the output
    // count so far; input_tokens excludes cached input, which OpenAI's prompt_tokens includes.
    bool found = false;
    if (root["input_tokens"].get(count) == simdjson::SUCCESS) {
        const auto cacheRead = countOrZero(root["cache_read_input_tokens"]);
        const auto cacheWrite = countOrZero(root["cache_creation_input_tokens"]);
        usage.promptTokens = count + cacheRead + cacheWrite;
        usage.cachedPromptTokens = cacheRead;
        usage.cacheWriteTokens = cacheWrite;
        found = true;
    }
    if (root["output_tokens"].get(count) == simdjson::SUCCESS) {
        usage.completionTokens = count;
        found = true;
    }
    return found;
}

std::optional<TokenUsage> parseUsageObject(std::string_view json)
{
    TokenUsage usage;
    if (!mergeUsageObject(json, usage))
        return std::nullopt;
    return usage;
}

} // namespace gatehouse
