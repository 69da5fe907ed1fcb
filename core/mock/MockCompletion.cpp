#include "mock/MockCompletion.h"

#include "json/JsonString.h"

#include <algorithm>
#include <chrono>

namespace gatehouse {
namespace {

constexpr std::string_view kText =
    "This is a reply from the Gatehouse mock provider. It returns the same text for every request, so "
    "tests, demos and benchmarks see exactly what to expect, with realistic size and shape. "
    "A gateway sits between applications and model providers: it authenticates each caller, chooses "
    "where the request goes, keeps within limits and budgets, and records every call with its tokens, "
    "cost and timings. The console shows those calls as they happen, and the same records feed the "
    "charts of spend and latency over days and months. Nothing here came from a language model; the "
    "words are fixed, and the token counts in the usage object are computed from the request size and "
    "this text, the same way on every run. Streaming requests receive this text in evenly sized pieces, "
    "one server-sent event each, followed by a final event that carries the finish reason and the usage, "
    "and the closing [DONE] marker, just as the OpenAI API sends them. Enough text to weigh about one "
    "kilobyte, which is a typical size for a short chat answer.";

int64_t countWords(std::string_view text)
{
    int64_t words = 0;
    bool inWord = false;
    for (const char c : text) {
        const bool space = c == ' ' || c == '\n';
        words += !space && !inWord;
        inWord = !space;
    }
    return words;
}

} // namespace

MockCompletion::MockCompletion(std::string model, std::string id, std::size_t promptBytes)
    : m_model(std::move(model))
    , m_id(std::move(id))
    , m_created(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count())
{
    m_usage.promptTokens = std::max<int64_t>(1, static_cast<int64_t>(promptBytes / 4));
    m_usage.completionTokens = countWords(kText) * 4 / 3; // ~0.75 words a token
}

std::string_view MockCompletion::text()
{
    return kText;
}

std::string MockCompletion::usageJson() const
{
    return R"({"prompt_tokens":)" + std::to_string(m_usage.promptTokens) + R"(,"completion_tokens":)"
        + std::to_string(m_usage.completionTokens) + R"(,"total_tokens":)"
        + std::to_string(m_usage.promptTokens + m_usage.completionTokens) + "}";
}

std::string MockCompletion::completionJson() const
{
    std::string out = R"({"id":)";
    appendJsonString(out, m_id);
    out += R"(,"object":"chat.completion","created":)" + std::to_string(m_created) + R"(,"model":)";
    appendJsonString(out, m_model);
    out += R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)";
    appendJsonString(out, kText);
    out += R"(},"logprobs":null,"finish_reason":"stop"}],"usage":)" + usageJson() + "}";
    return out;
}

std::string MockCompletion::chunkJson(std::string_view deltaFields, std::string_view finishReason, bool withUsage) const
{
    std::string out = R"({"id":)";
    appendJsonString(out, m_id);
    out += R"(,"object":"chat.completion.chunk","created":)" + std::to_string(m_created) + R"(,"model":)";
    appendJsonString(out, m_model);
    out += R"(,"choices":[{"index":0,"delta":{)";
    out += deltaFields;
    out += R"(},"logprobs":null,"finish_reason":)";
    out += finishReason.empty() ? std::string("null") : jsonString(finishReason);
    out += "}]";
    if (withUsage)
        out += R"(,"usage":)" + usageJson();
    out += "}";
    return out;
}

std::vector<std::string> MockCompletion::streamEvents(int chunks) const
{
    chunks = std::max(1, chunks);
    const std::string_view text = kText;
    std::vector<std::string> events;
    events.reserve(chunks + 2);
    std::size_t start = 0;
    for (int i = 0; i < chunks; ++i) {
        const std::size_t end = (i + 1 == chunks) ? text.size() : text.size() * (i + 1) / chunks;
        std::string delta = i == 0 ? R"("role":"assistant",)" : "";
        delta += R"("content":)" + jsonString(text.substr(start, end - start));
        events.push_back("data: " + chunkJson(delta, {}, false) + "\n\n");
        start = end;
    }
    events.push_back("data: " + chunkJson({}, "stop", true) + "\n\n");
    events.push_back("data: [DONE]\n\n");
    return events;
}

} // namespace gatehouse
