#include "mock/MockCompletion.h"

#include "json/JsonString.h"
#include "policy/StableHash.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>

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

constexpr std::string_view kErrorModelPrefix = "mock-error-";

// A schema nested deeper than this gets {} there: the arguments stay small whatever the input.
constexpr int kMaxSchemaDepth = 16;

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

uint64_t splitMix64(uint64_t& state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::string lowerCase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// The schema's type: "type" as a string, or the first non-null entry of a type list.
std::string schemaType(const Json& schema)
{
    const auto type = schema.find("type");
    if (type == schema.end())
        return {};
    if (type->is_string())
        return lowerCase(type->get<std::string>());
    if (type->is_array()) {
        for (const auto& entry : *type) {
            if (entry.is_string() && lowerCase(entry.get<std::string>()) != "null")
                return lowerCase(entry.get<std::string>());
        }
    }
    return {};
}

Json argumentsFor(const Json& schema, int depth);

Json valueFor(const std::string& name, const Json& schema, int depth)
{
    const auto choices = schema.find("enum");
    if (choices != schema.end() && choices->is_array() && !choices->empty())
        return choices->front();
    const auto type = schemaType(schema);
    if (type == "number" || type == "integer")
        return 1;
    if (type == "boolean")
        return true;
    if (type == "array")
        return Json::array();
    if (type == "object")
        return argumentsFor(schema, depth + 1);
    return "mock-" + name; // strings, and properties without a type
}

Json argumentsFor(const Json& schema, int depth)
{
    Json arguments = Json::object();
    if (!schema.is_object() || depth > kMaxSchemaDepth)
        return arguments;
    const auto required = schema.find("required");
    if (required == schema.end() || !required->is_array())
        return arguments;
    const auto properties = schema.find("properties");
    for (const auto& entry : *required) {
        if (!entry.is_string())
            continue;
        const auto name = entry.get<std::string>();
        Json property = Json::object();
        if (properties != schema.end() && properties->is_object()) {
            const auto found = properties->find(name);
            if (found != properties->end() && found->is_object())
                property = *found;
        }
        arguments[name] = valueFor(name, property, depth);
    }
    return arguments;
}

} // namespace

int64_t mockTokenCount(std::size_t bytes)
{
    return std::max<int64_t>(1, static_cast<int64_t>(bytes / 4));
}

std::vector<std::string_view> splitEvenly(std::string_view text, int pieces)
{
    const auto count = static_cast<std::size_t>(std::max(1, pieces));
    const auto parts = std::max<std::size_t>(1, std::min(count, text.size()));
    std::vector<std::string_view> out;
    out.reserve(parts);
    std::size_t start = 0;
    for (std::size_t i = 0; i < parts && start < text.size(); ++i) {
        std::size_t end = (i + 1 == parts) ? text.size() : text.size() * (i + 1) / parts;
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
            ++end; // a UTF-8 continuation byte stays with its sequence
        if (end > start)
            out.push_back(text.substr(start, end - start));
        start = end;
    }
    if (out.empty())
        out.push_back(text);
    return out;
}

std::optional<int> mockErrorStatus(std::string_view model)
{
    if (!model.starts_with(kErrorModelPrefix))
        return std::nullopt;
    const auto digits = model.substr(kErrorModelPrefix.size());
    int status = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    if (error != std::errc() || end != digits.data() + digits.size() || status < 400 || status > 599)
        return std::nullopt;
    return status;
}

std::vector<float> mockEmbedding(std::string_view text, int dimensions)
{
    uint64_t state = stableHash(text);
    std::vector<float> values(static_cast<std::size_t>(std::max(1, dimensions)));
    double squares = 0;
    for (auto& value : values) {
        value = static_cast<float>(static_cast<double>(splitMix64(state) >> 11) / 4503599627370496.0 - 1.0); // [-1, 1)
        squares += double(value) * value;
    }
    const double norm = squares > 0 ? std::sqrt(squares) : 1.0;
    for (auto& value : values)
        value = static_cast<float>(value / norm);
    return values;
}

MockToolCall MockToolCall::forFunction(std::string name, const Json& parameters)
{
    return {std::move(name), argumentsFor(parameters, 0).dump()};
}

MockContent::MockContent(std::size_t promptBytes, std::optional<MockToolCall> toolCall)
    : m_toolCall(std::move(toolCall))
{
    m_usage.promptTokens = mockTokenCount(promptBytes);
    m_usage.completionTokens = m_toolCall ? mockTokenCount(m_toolCall->name.size() + m_toolCall->arguments.size())
                                          : countWords(kText) * 4 / 3; // ~0.75 words a token
}

std::string_view MockContent::text()
{
    return kText;
}

std::vector<std::string_view> MockContent::streamPieces(int pieces) const
{
    return splitEvenly(m_toolCall ? std::string_view(m_toolCall->arguments) : kText, pieces);
}

MockCompletion::MockCompletion(std::string model, std::string id, MockContent content)
    : m_model(std::move(model))
    , m_id(std::move(id))
    , m_created(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count())
    , m_content(std::move(content))
{
}

MockCompletion::MockCompletion(std::string model, std::string id, std::size_t promptBytes)
    : MockCompletion(std::move(model), std::move(id), MockContent(promptBytes))
{
}

std::string MockCompletion::usageJson() const
{
    const auto& usage = m_content.usage();
    return R"({"prompt_tokens":)" + std::to_string(usage.promptTokens) + R"(,"completion_tokens":)"
        + std::to_string(usage.completionTokens) + R"(,"total_tokens":)"
        + std::to_string(usage.promptTokens + usage.completionTokens) + "}";
}

std::string MockCompletion::toolCallId() const
{
    // Derived from the completion id: unique per answer, and the same in its JSON and its stream.
    char hex[17];
    const auto [end, error] = std::to_chars(hex, hex + 16, stableHash(m_id), 16);
    return "call_" + std::string(hex, end);
}

std::string_view MockCompletion::finishReason() const
{
    return m_content.toolCall() ? "tool_calls" : "stop";
}

std::string MockCompletion::head(std::string_view object) const
{
    std::string out = R"({"id":)";
    appendJsonString(out, m_id);
    out += R"(,"object":")";
    out += object;
    out += R"(","created":)" + std::to_string(m_created) + R"(,"model":)";
    appendJsonString(out, m_model);
    return out;
}

std::string MockCompletion::completionJson() const
{
    std::string out = head("chat.completion");
    out += R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)";
    if (const auto& call = m_content.toolCall()) {
        out += R"(null,"tool_calls":[{"id":)" + jsonString(toolCallId()) + R"(,"type":"function","function":{"name":)";
        out += jsonString(call->name) + R"(,"arguments":)" + jsonString(call->arguments) + "}}]";
    } else {
        appendJsonString(out, kText);
    }
    out += R"(,"refusal":null},"logprobs":null,"finish_reason":")";
    out += finishReason();
    out += R"("}],"usage":)" + usageJson() + "}";
    return out;
}

std::string MockCompletion::chunkJson(std::string_view deltaFields, std::string_view finishReason, bool includeUsage) const
{
    std::string out = head("chat.completion.chunk");
    out += R"(,"choices":[{"index":0,"delta":{)";
    out += deltaFields;
    out += R"(},"logprobs":null,"finish_reason":)";
    out += finishReason.empty() ? std::string("null") : jsonString(finishReason);
    out += "}]";
    if (includeUsage)
        out += R"(,"usage":null)";
    out += "}";
    return out;
}

std::string MockCompletion::usageChunkJson() const
{
    return head("chat.completion.chunk") + R"(,"choices":[],"usage":)" + usageJson() + "}";
}

std::vector<std::string> MockCompletion::streamEvents(int chunks, bool includeUsage) const
{
    const auto pieces = m_content.streamPieces(chunks);
    std::vector<std::string> events;
    events.reserve(pieces.size() + 4);
    const auto addChunk = [&](const std::string& delta, std::string_view finish) {
        events.push_back("data: " + chunkJson(delta, finish, includeUsage) + "\n\n");
    };
    if (const auto& call = m_content.toolCall()) {
        // As OpenAI streams a tool call: the first chunk names it with empty arguments, the
        // following ones carry only argument text.
        addChunk(R"("role":"assistant","content":null,"tool_calls":[{"index":0,"id":)" + jsonString(toolCallId())
                + R"(,"type":"function","function":{"name":)" + jsonString(call->name) + R"(,"arguments":""}}])",
            {});
        for (const auto piece : pieces)
            addChunk(R"("tool_calls":[{"index":0,"function":{"arguments":)" + jsonString(piece) + "}}]", {});
    } else {
        for (std::size_t i = 0; i < pieces.size(); ++i)
            addChunk(std::string(i == 0 ? R"("role":"assistant",)" : "") + R"("content":)" + jsonString(pieces[i]), {});
    }
    addChunk({}, finishReason());
    if (includeUsage)
        events.push_back("data: " + usageChunkJson() + "\n\n");
    events.push_back("data: [DONE]\n\n");
    return events;
}

} // namespace gatehouse
