// A streamed answer kept whole for the response cache: a completion replayed as chunks merges back
// into the same completion; deltas split anywhere (content, tool-call arguments) join up; a stream
// that did not end cleanly is never kept; the stream's own usage wins over the record's.
#include "policy/ResponseCache.h"
#include "policy/StreamedAnswer.h"
#include "sse/SseParser.h"

#include <QtTest>

using namespace gatehouse;

namespace {

std::string sseOf(const std::vector<Json>& chunks, bool done = true)
{
    std::string sse;
    for (const auto& chunk : chunks)
        sse += formatSseEvent("", chunk.dump());
    if (done)
        sse += "data: [DONE]\n\n";
    return sse;
}

Json chunk(Json delta, Json finishReason = nullptr, int index = 0)
{
    return {{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"created", 1700000000}, {"model", "gpt-4o"},
        {"choices", Json::array({{{"index", index}, {"delta", std::move(delta)}, {"finish_reason", std::move(finishReason)}}})}};
}

} // namespace

class StreamedAnswerTest : public QObject {
    Q_OBJECT

private slots:
    void aReplayedCompletionMergesBackIntoItself()
    {
        const Json completion = Json::parse(
            "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1700000001,\"model\":\"gpt-4o\","
            "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Checking the weather.\","
            "\"reasoning_content\":\"The user wants weather.\",\"tool_calls\":["
            "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}},"
            "{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"time\",\"arguments\":\"{}\"}}]},"
            "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
            "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":30,\"total_tokens\":42}}");
        const auto merged = completionFromStream(sseOf(completionToChunks(completion, true)), {});
        QVERIFY(merged);
        const auto json = Json::parse(*merged);
        QCOMPARE(json["id"], completion["id"]);
        QCOMPARE(json["object"], Json("chat.completion"));
        QCOMPARE(json["model"], completion["model"]);
        QCOMPARE(json["choices"][0]["message"].dump(), completion["choices"][0]["message"].dump());
        QCOMPARE(json["choices"][0]["finish_reason"], Json("tool_calls"));
        QCOMPARE(json["usage"]["total_tokens"], Json(42));
    }

    void deltasSplitAnywhereJoinUp()
    {
        const auto sse = sseOf({chunk({{"role", "assistant"}, {"content", ""}}), chunk({{"content", "Hel"}}), chunk({{"content", "lo"}}),
            chunk({{"tool_calls", Json::array({{{"index", 0}, {"id", "call_a"}, {"type", "function"},
                                                 {"function", {{"name", "lookup"}, {"arguments", "{\"q\":"}}}}})}}),
            chunk({{"tool_calls", Json::array({{{"index", 0}, {"function", {{"arguments", "\"x\"}"}}}}})}}),
            chunk(Json::object(), "stop"), chunk({{"content", "second"}}, "length", 1)});
        const auto merged = completionFromStream(sse, {7, 3});
        QVERIFY(merged);
        const auto json = Json::parse(*merged);
        QCOMPARE(json["choices"].size(), std::size_t(2));
        const auto& message = json["choices"][0]["message"];
        QCOMPARE(message["content"], Json("Hello"));
        QCOMPARE(message["tool_calls"][0]["function"]["arguments"], Json("{\"q\":\"x\"}"));
        QCOMPARE(message["tool_calls"][0]["id"], Json("call_a"));
        QCOMPARE(json["choices"][0]["finish_reason"], Json("stop"));
        QCOMPARE(json["choices"][1]["message"]["content"], Json("second"));
        QCOMPARE(json["choices"][1]["finish_reason"], Json("length"));
        // No usage in the stream (the client did not ask for it): the record's.
        QCOMPARE(json["usage"]["prompt_tokens"], Json(7));
        QCOMPARE(json["usage"]["total_tokens"], Json(10));
    }

    void anUnfinishedOrFailedStreamIsNotKept()
    {
        QVERIFY(!completionFromStream(sseOf({chunk({{"content", "Hi"}})}, false), {}));                    // cut before [DONE]
        QVERIFY(!completionFromStream(sseOf({chunk({{"content", "Hi"}}), Json{{"error", {{"message", "x"}}}}}), {})); // an error event
        QVERIFY(!completionFromStream("data: not json\n\ndata: [DONE]\n\n", {}));
        QVERIFY(!completionFromStream("data: [DONE]\n\n", {})); // no choice at all
        QVERIFY(!completionFromStream(sseOf({chunk({{"content", "Hi"}})}) + "data: {}\n\n", {})); // something after [DONE]
    }
};

QTEST_APPLESS_MAIN(StreamedAnswerTest)
#include "StreamedAnswerTest.moc"
