#include "policy/StreamedAnswer.h"

#include "json/Json.h"
#include "sse/SseParser.h"

#include <map>

namespace gatehouse {
namespace {

// One choice as its deltas arrive.
struct ChoiceSoFar {
    Json role = "assistant";
    std::string content;
    std::optional<std::string> refusal;
    std::optional<std::string> reasoning;
    std::map<int64_t, Json> toolCalls; // by the delta's index
    Json finishReason = nullptr;
};

void appendText(std::optional<std::string>& text, const Json& piece)
{
    if (piece.is_string())
        text = text.value_or("") + piece.get<std::string>();
}

void mergeToolCall(Json& call, const Json& delta)
{
    for (const char* key : {"id", "type"}) {
        if (delta.contains(key) && !delta[key].is_null())
            call[key] = delta[key];
    }
    if (!delta.contains("function") || !delta["function"].is_object())
        return;
    auto& function = call["function"];
    if (!function.is_object())
        function = Json{{"name", ""}, {"arguments", ""}};
    for (const char* key : {"name", "arguments"}) {
        const auto& piece = delta["function"].value(key, Json());
        if (piece.is_string())
            function[key] = function[key].get<std::string>() + piece.get<std::string>();
    }
}

void mergeChoice(ChoiceSoFar& choice, const Json& delta)
{
    if (delta.contains("role") && delta["role"].is_string())
        choice.role = delta["role"];
    if (const auto& content = delta.value("content", Json()); content.is_string())
        choice.content += content.get<std::string>();
    appendText(choice.refusal, delta.value("refusal", Json()));
    appendText(choice.reasoning, delta.value("reasoning_content", Json()));
    if (const auto& calls = delta.value("tool_calls", Json()); calls.is_array()) {
        for (const auto& call : calls) {
            const auto index = call.value("index", static_cast<int64_t>(0));
            mergeToolCall(choice.toolCalls[index], call);
        }
    }
}

Json messageOf(const ChoiceSoFar& choice)
{
    Json message{{"role", choice.role}};
    // With tool calls and no text, OpenAI's content is null.
    message["content"] = choice.content.empty() && !choice.toolCalls.empty() ? Json(nullptr) : Json(choice.content);
    if (choice.refusal)
        message["refusal"] = *choice.refusal;
    if (choice.reasoning)
        message["reasoning_content"] = *choice.reasoning;
    if (!choice.toolCalls.empty()) {
        Json calls = Json::array();
        for (const auto& [index, call] : choice.toolCalls)
            calls.push_back(call);
        message["tool_calls"] = std::move(calls);
    }
    return message;
}

} // namespace

std::optional<std::string> completionFromStream(std::string_view sse, const TokenUsage& usage)
{
    SseParser parser;
    Json head = Json::object(); // id, created, model, system_fingerprint as the chunks give them
    Json reportedUsage = nullptr;
    std::map<int64_t, ChoiceSoFar> choices;
    bool done = false;
    for (const auto& event : parser.feed(sse)) {
        if (done)
            return std::nullopt; // anything after [DONE] is not OpenAI's stream
        if (event.data == "[DONE]") {
            done = true;
            continue;
        }
        const auto chunk = Json::parse(event.data, nullptr, false);
        if (!chunk.is_object() || chunk.contains("error"))
            return std::nullopt;
        for (const char* key : {"id", "created", "model", "system_fingerprint"}) {
            if (!head.contains(key) && chunk.contains(key) && !chunk[key].is_null())
                head[key] = chunk[key];
        }
        if (chunk.contains("usage") && chunk["usage"].is_object())
            reportedUsage = chunk["usage"];
        if (!chunk.contains("choices") || !chunk["choices"].is_array())
            continue;
        for (const auto& choice : chunk["choices"]) {
            auto& soFar = choices[choice.value("index", static_cast<int64_t>(0))];
            if (choice.contains("delta") && choice["delta"].is_object())
                mergeChoice(soFar, choice["delta"]);
            if (choice.contains("finish_reason") && !choice["finish_reason"].is_null())
                soFar.finishReason = choice["finish_reason"];
        }
    }
    if (!done || choices.empty())
        return std::nullopt;

    Json completion{{"id", head.value("id", Json(""))}, {"object", "chat.completion"}, {"created", head.value("created", Json(0))},
        {"model", head.value("model", Json(""))}};
    Json merged = Json::array();
    for (const auto& [index, choice] : choices)
        merged.push_back({{"index", index}, {"message", messageOf(choice)}, {"logprobs", nullptr}, {"finish_reason", choice.finishReason}});
    completion["choices"] = std::move(merged);
    if (reportedUsage.is_null()) {
        reportedUsage = {{"prompt_tokens", usage.promptTokens}, {"completion_tokens", usage.completionTokens},
            {"total_tokens", usage.promptTokens + usage.completionTokens}};
    }
    completion["usage"] = std::move(reportedUsage);
    if (head.contains("system_fingerprint"))
        completion["system_fingerprint"] = head["system_fingerprint"];
    return completion.dump();
}

} // namespace gatehouse
