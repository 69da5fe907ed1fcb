// The deterministic fake answers served by the built-in `mock` provider and by
// `gatehouse mock-upstream`: the content every provider shape shares (fixed text or one tool call,
// token counts, embeddings, error triggers), and its OpenAI rendering (JSON and SSE chunks).
#pragma once

#include "json/Json.h"
#include "openai/TokenUsage.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// About 4 bytes a token, as OpenAI's rule of thumb; never 0.
int64_t mockTokenCount(std::size_t bytes);

// `text` cut into `pieces` parts of about equal size, never inside a UTF-8 sequence; fewer parts
// when the text is shorter than `pieces` bytes, one (possibly empty) part at least.
std::vector<std::string_view> splitEvenly(std::string_view text, int pieces);

// A model named "mock-error-<status>" (400..599) asks the mock for that error answer.
std::optional<int> mockErrorStatus(std::string_view model);

// A deterministic unit vector for `text`: equal texts get equal vectors, others differ.
std::vector<float> mockEmbedding(std::string_view text, int dimensions);
constexpr int kMockEmbeddingDimensions = 8;

// The call the mock makes when a request offers tools: to the first function tool, with arguments
// its schema accepts, so clients that validate them go on to send a tool result.
struct MockToolCall {
    std::string name;
    std::string arguments; // a compact JSON object

    // Each required property of the JSON schema `parameters` gets a value by its type: string
    // "mock-<name>" (or the first enum value), number/integer 1, boolean true, array [], object
    // recursively. Types are matched case-insensitively: Gemini writes them in capitals.
    static MockToolCall forFunction(std::string name, const Json& parameters);
};

// What a mock answer says, whatever the wire shape: the fixed text or one tool call, and the
// token counts (prompt from the request size, completion from what is answered).
class MockContent {
public:
    explicit MockContent(std::size_t promptBytes, std::optional<MockToolCall> toolCall = {});

    const std::optional<MockToolCall>& toolCall() const { return m_toolCall; }
    // The fixed text (~1 KB), the same for every request.
    static std::string_view text();
    // What a stream sends in pieces: the text, or the tool call's arguments.
    std::vector<std::string_view> streamPieces(int pieces) const;
    const TokenUsage& usage() const { return m_usage; }

private:
    std::optional<MockToolCall> m_toolCall;
    TokenUsage m_usage;
};

// The OpenAI chat completion shape of a MockContent.
class MockCompletion {
public:
    MockCompletion(std::string model, std::string id, MockContent content);
    // The fixed text, `promptBytes` sizing the prompt tokens.
    MockCompletion(std::string model, std::string id, std::size_t promptBytes);

    // A whole chat.completion object.
    std::string completionJson() const;

    // The SSE stream, each element one "data: ...\n\n" event: `chunks` content events (the text
    // or the tool call's arguments split evenly; a tool call's first event names it), an event
    // with the finish_reason, then, when `includeUsage`, one with "choices":[] and the usage (the
    // others then carry "usage":null, as OpenAI does for stream_options.include_usage), and [DONE].
    std::vector<std::string> streamEvents(int chunks, bool includeUsage) const;

    const MockContent& content() const { return m_content; }
    const TokenUsage& usage() const { return m_content.usage(); }
    static std::string_view text() { return MockContent::text(); }

private:
    std::string chunkJson(std::string_view deltaFields, std::string_view finishReason, bool includeUsage) const;
    std::string usageChunkJson() const;
    std::string head(std::string_view object) const;
    std::string usageJson() const;
    std::string toolCallId() const;
    std::string_view finishReason() const;

    std::string m_model;
    std::string m_id;
    long long m_created;
    MockContent m_content;
};

} // namespace gatehouse
