// The /v1/messages ingress: Anthropic requests to the chat hub, chat answers (whole and streamed)
// and errors back to the shapes the Anthropic SDKs parse.
#include "ingress/MessagesApi.h"
#include "openai/TranslationError.h"
#include "sse/SseParser.h"

#include <QtTest>

using namespace gatehouse;

namespace {

// JSON text with sorted keys: equal documents compare equal whatever their key order, and a
// failing QCOMPARE shows both sides readably.
QString canonical(const Json& json)
{
    return QString::fromStdString(nlohmann::json::parse(json.dump()).dump());
}

QString canonical(const QByteArray& text)
{
    return canonical(Json::parse(text.toStdString()));
}

Json parse(const QByteArray& text)
{
    return Json::parse(text.toStdString());
}

// The encoder's wire text as [[event, data], ...], read back with the gateway's own SSE parser.
Json readEvents(const std::string& wire)
{
    SseParser parser;
    Json events = Json::array();
    for (const auto& event : parser.feed(wire))
        events.push_back(Json::array({event.event, Json::parse(event.data)}));
    if (parser.hasPartialEvent())
        events.push_back(Json::array({"unterminated event", nullptr}));
    return events;
}

std::string encode(const Json& chunks, const std::optional<TokenUsage>& usage = std::nullopt)
{
    messages::StreamEncoder encoder("claude-via-gateway");
    std::string wire;
    for (const auto& chunk : chunks)
        wire += encoder.onChunk(chunk);
    return wire + encoder.finish(usage);
}

// Builders for the expected events, written from the documented shapes
// (https://docs.anthropic.com/en/api/messages-streaming), not from the encoder.
Json event(const char* name, Json data)
{
    return Json::array({name, std::move(data)});
}

Json messageStart(const char* id)
{
    return event("message_start",
        {{"type", "message_start"},
            {"message",
                {{"id", id}, {"type", "message"}, {"role", "assistant"}, {"content", Json::array()},
                    {"model", "claude-via-gateway"}, {"stop_reason", nullptr}, {"stop_sequence", nullptr},
                    {"usage", {{"input_tokens", 0}, {"output_tokens", 0}}}}}});
}

Json ping()
{
    return event("ping", {{"type", "ping"}});
}

Json blockStart(int index, Json block)
{
    return event("content_block_start", {{"type", "content_block_start"}, {"index", index}, {"content_block", std::move(block)}});
}

Json textStart(int index)
{
    return blockStart(index, {{"type", "text"}, {"text", ""}});
}

Json toolStart(int index, const char* id, const char* name)
{
    return blockStart(index, {{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", Json::object()}});
}

Json blockDelta(int index, Json delta)
{
    return event("content_block_delta", {{"type", "content_block_delta"}, {"index", index}, {"delta", std::move(delta)}});
}

Json textDelta(int index, const char* text)
{
    return blockDelta(index, {{"type", "text_delta"}, {"text", text}});
}

Json jsonDelta(int index, const char* partialJson)
{
    return blockDelta(index, {{"type", "input_json_delta"}, {"partial_json", partialJson}});
}

Json blockStop(int index)
{
    return event("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
}

Json messageEnd(const char* stopReason, Json usage, Json stopSequence = nullptr)
{
    return Json::array({event("message_delta",
                            {{"type", "message_delta"}, {"delta", {{"stop_reason", stopReason}, {"stop_sequence", stopSequence}}},
                                {"usage", std::move(usage)}}),
        event("message_stop", {{"type", "message_stop"}})});
}

// A list of events and lists of events, flattened (messageEnd gives two).
QByteArray events(std::initializer_list<Json> parts)
{
    Json out = Json::array();
    for (const auto& part : parts) {
        if (part[0].is_array()) {
            for (const auto& inner : part)
                out.push_back(inner);
        } else {
            out.push_back(part);
        }
    }
    return QByteArray::fromStdString(out.dump());
}

Json chunk(Json delta, Json finishReason = nullptr)
{
    return {{"id", "chatcmpl-abc"}, {"object", "chat.completion.chunk"}, {"created", 1}, {"model", "gpt-4o"},
        {"choices", Json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finishReason)}}})}};
}

Json usageChunk(Json usage)
{
    return {{"id", "chatcmpl-abc"}, {"object", "chat.completion.chunk"}, {"created", 1}, {"model", "gpt-4o"},
        {"choices", Json::array()}, {"usage", std::move(usage)}};
}

Json toolCallDelta(int index, Json id, Json name, const char* arguments)
{
    Json function = {{"arguments", arguments}};
    if (!name.is_null())
        function["name"] = std::move(name);
    Json call = {{"index", index}};
    if (!id.is_null()) {
        call["id"] = std::move(id);
        call["type"] = "function";
    }
    call["function"] = std::move(function);
    return {{"tool_calls", Json::array({std::move(call)})}};
}

QByteArray chunks(std::initializer_list<Json> list)
{
    Json out = Json::array();
    for (const auto& item : list)
        out.push_back(item);
    return QByteArray::fromStdString(out.dump());
}

const Json usage12 = {{"prompt_tokens", 12}, {"completion_tokens", 5}, {"total_tokens", 17}};
const Json anthropicUsage12 = {{"input_tokens", 12}, {"output_tokens", 5}};

} // namespace

class MessagesApiTest : public QObject {
    Q_OBJECT

private slots:
    void translatesRequests_data();
    void translatesRequests();
    void rejectsMalformedRequests_data();
    void rejectsMalformedRequests();
    void translatesResponses_data();
    void translatesResponses();
    void encodesStreams_data();
    void encodesStreams();
    void streamUsageFromTheCallerWins();
    void streamWithoutChunksIsStillAWholeMessage();
    void streamEndsOnce();
    void errorEventHasTheDocumentedShape();
    void errorBodyTypeFollowsTheStatus_data();
    void errorBodyTypeFollowsTheStatus();
};

void MessagesApiTest::translatesRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("system string") << QByteArray(R"({"model":"m","max_tokens":10,"system":"Be brief.",
        "messages":[{"role":"user","content":"Hi"}]})")
                                   << QByteArray(R"({"model":"m","max_tokens":10,
        "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]})");
    QTest::newRow("system blocks") << QByteArray(R"({"model":"m","max_tokens":10,
        "system":[{"type":"text","text":"You are Gatehouse."},{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
        "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]})")
                                   << QByteArray(R"({"model":"m","max_tokens":10,
        "messages":[{"role":"system","content":"You are Gatehouse.\nBe brief."},{"role":"user","content":"Hi"}]})");
    QTest::newRow("image base64") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
        {"type":"text","text":"What is this?"},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0K"}}]}]})")
                                  << QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
        {"type":"text","text":"What is this?"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K"}}]}]})");
    QTest::newRow("image url") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
        {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}]})")
                               << QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
        {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]})");
    QTest::newRow("tool_use and tool_result round") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"user","content":"Weather in Paris?"},
        {"role":"assistant","content":[{"type":"text","text":"Let me look."},
            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris","days":[1,2]}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18 C"},
            {"type":"text","text":"And tomorrow?"}]}]})")
                                                    << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"user","content":"Weather in Paris?"},
        {"role":"assistant","content":"Let me look.","tool_calls":[{"id":"toolu_1","type":"function",
            "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"days\":[1,2]}"}}]},
        {"role":"tool","tool_call_id":"toolu_1","content":"18 C"},
        {"role":"user","content":"And tomorrow?"}]})");
    QTest::newRow("tool_use without text or input") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"now"},
            {"type":"tool_use","id":"toolu_2","name":"today","input":{}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"},
            {"type":"tool_result","tool_use_id":"toolu_2","content":"Monday"}]}]})")
                                                    << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"assistant","content":null,"tool_calls":[
            {"id":"toolu_1","type":"function","function":{"name":"now","arguments":"{}"}},
            {"id":"toolu_2","type":"function","function":{"name":"today","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"toolu_1","content":""},
        {"role":"tool","tool_call_id":"toolu_2","content":"Monday"}]})");
    QTest::newRow("tool_result is_error with text blocks") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,
            "content":[{"type":"text","text":"timeout"},{"type":"text","text":"retry later"}]}]}]})")
                                                           << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"tool","tool_call_id":"toolu_1","content":"Error: timeout\nretry later"}]})");
    QTest::newRow("thinking blocks left out of history") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"user","content":"Hi"},
        {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Hello"}]},
        {"role":"user","content":[{"type":"text","text":"Say it"},{"type":"text","text":"twice"}]}]})")
                                                         << QByteArray(R"({"model":"m","max_tokens":10,"messages":[
        {"role":"user","content":"Hi"},
        {"role":"assistant","content":"Hello"},
        {"role":"user","content":[{"type":"text","text":"Say it"},{"type":"text","text":"twice"}]}]})");

    const auto withTools = [](const char* toolChoice) {
        return QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
            "tools":[{"name":"get_weather","description":"Weather by city",
                "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
                {"name":"now","input_schema":{"type":"object"}}])")
            + (toolChoice ? QByteArray(",\"tool_choice\":") + toolChoice : QByteArray()) + "}";
    };
    const auto translatedTools = [](const char* extra) {
        return QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather by city",
                "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
                {"type":"function","function":{"name":"now","parameters":{"type":"object"}}}])")
            + extra + "}";
    };
    QTest::newRow("tools without tool_choice") << withTools(nullptr) << translatedTools("");
    QTest::newRow("tool_choice auto") << withTools(R"({"type":"auto"})") << translatedTools(R"(,"tool_choice":"auto")");
    QTest::newRow("tool_choice any") << withTools(R"({"type":"any"})") << translatedTools(R"(,"tool_choice":"required")");
    QTest::newRow("tool_choice tool") << withTools(R"({"type":"tool","name":"now"})")
                                      << translatedTools(R"(,"tool_choice":{"type":"function","function":{"name":"now"}})");
    QTest::newRow("tool_choice none") << withTools(R"({"type":"none"})") << translatedTools(R"(,"tool_choice":"none")");
    QTest::newRow("disable_parallel_tool_use") << withTools(R"({"type":"auto","disable_parallel_tool_use":true})")
                                               << translatedTools(R"(,"tool_choice":"auto","parallel_tool_calls":false)");
    QTest::newRow("tool_choice without tools") << QByteArray(R"({"model":"m","max_tokens":10,
        "messages":[{"role":"user","content":"Hi"}],"tools":[],"tool_choice":{"type":"any"}})")
                                               << QByteArray(R"({"model":"m","max_tokens":10,
        "messages":[{"role":"user","content":"Hi"}]})");

    QTest::newRow("sampling, stop sequences; top_k and thinking dropped") << QByteArray(R"({"model":"m","max_tokens":1024,
        "messages":[{"role":"user","content":"Hi"}],"temperature":0.2,"top_p":0.9,"top_k":40,
        "stop_sequences":["END","\n\nHuman:"],"thinking":{"type":"enabled","budget_tokens":512}})")
                                                                          << QByteArray(R"({"model":"m","max_tokens":1024,
        "messages":[{"role":"user","content":"Hi"}],"temperature":0.2,"top_p":0.9,"stop":["END","\n\nHuman:"]})");
    QTest::newRow("stream asks for usage") << QByteArray(R"({"model":"m","max_tokens":10,"stream":true,
        "messages":[{"role":"user","content":"Hi"}]})")
                                           << QByteArray(R"({"model":"m","max_tokens":10,"stream":true,
        "stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]})");
    QTest::newRow("stream false") << QByteArray(R"({"model":"m","max_tokens":10,"stream":false,
        "messages":[{"role":"user","content":"Hi"}]})")
                                  << QByteArray(R"({"model":"m","max_tokens":10,"stream":false,
        "messages":[{"role":"user","content":"Hi"}]})");
    QTest::newRow("metadata user_id") << QByteArray(R"({"model":"m","max_tokens":10,"metadata":{"user_id":"u-42"},
        "messages":[{"role":"user","content":"Hi"}]})")
                                      << QByteArray(R"({"model":"m","max_tokens":10,"user":"u-42",
        "messages":[{"role":"user","content":"Hi"}]})");
}

void MessagesApiTest::translatesRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, expected);
    try {
        QCOMPARE(canonical(messages::toChatRequest(parse(request))), canonical(expected));
    } catch (const TranslationError& error) {
        QFAIL(error.what());
    }
}

void MessagesApiTest::rejectsMalformedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("message");

    const auto hi = QByteArray(R"("messages":[{"role":"user","content":"Hi"}])");
    const auto withContent = [](const char* role, const char* content) {
        return QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":")") + role + R"(","content":)" + content + "}]}";
    };
    QTest::newRow("missing max_tokens") << QByteArray(R"({"model":"m",)" + hi + "}") << "max_tokens"
                                        << "max_tokens: Field required";
    QTest::newRow("max_tokens zero") << QByteArray(R"({"model":"m","max_tokens":0,)" + hi + "}") << "max_tokens"
                                     << "max_tokens: Input should be greater than or equal to 1";
    QTest::newRow("max_tokens text") << QByteArray(R"({"model":"m","max_tokens":"10",)" + hi + "}") << "max_tokens"
                                     << "max_tokens: Input should be a valid integer";
    QTest::newRow("max_tokens fraction") << QByteArray(R"({"model":"m","max_tokens":1.5,)" + hi + "}") << "max_tokens"
                                         << "max_tokens: Input should be a valid integer";
    QTest::newRow("missing model") << QByteArray(R"({"max_tokens":10,)" + hi + "}") << "model" << "model: Field required";
    QTest::newRow("model number") << QByteArray(R"({"model":4,"max_tokens":10,)" + hi + "}") << "model"
                                  << "model: Input should be a valid string";
    QTest::newRow("missing messages") << QByteArray(R"({"model":"m","max_tokens":10})") << "messages"
                                      << "messages: Field required";
    QTest::newRow("no messages") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[]})") << "messages"
                                 << "messages: at least one message is required";
    QTest::newRow("system role") << withContent("system", R"("Hi")") << "messages.0.role"
                                 << "messages.0.role: Input should be 'user' or 'assistant'";
    QTest::newRow("missing content") << QByteArray(R"({"model":"m","max_tokens":10,"messages":[{"role":"user"}]})")
                                     << "messages.0.content" << "messages.0.content: Field required";
    QTest::newRow("document block") << withContent("user",
        R"([{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}])")
                                    << "messages.0.content.0.type"
                                    << "messages.0.content.0.type: 'document' blocks in a user message cannot be translated for this model's provider";
    QTest::newRow("tool_use from the user") << withContent("user", R"([{"type":"tool_use","id":"t","name":"n","input":{}}])")
                                            << "messages.0.content.0.type"
                                            << "messages.0.content.0.type: 'tool_use' blocks in a user message cannot be translated for this model's provider";
    QTest::newRow("image from the assistant") << withContent("assistant",
        R"([{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}])")
                                              << "messages.0.content.0.type"
                                              << "messages.0.content.0.type: 'image' blocks in an assistant message cannot be translated for this model's provider";
    QTest::newRow("image in tool_result") << withContent("user", R"([{"type":"tool_result","tool_use_id":"t",
        "content":[{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}])")
                                          << "messages.0.content.0.content.0.type"
                                          << "messages.0.content.0.content.0.type: 'image' blocks in a tool_result cannot be translated for this model's provider";
    QTest::newRow("image file source") << withContent("user", R"([{"type":"image","source":{"type":"file","file_id":"f"}}])")
                                       << "messages.0.content.0.source.type"
                                       << "messages.0.content.0.source.type: image source 'file' cannot be translated (use base64 or url)";
    QTest::newRow("text without text") << withContent("user", R"([{"type":"text"}])") << "messages.0.content.0.text"
                                       << "messages.0.content.0.text: Field required";
    QTest::newRow("tool_use input not an object") << withContent("assistant", R"([{"type":"tool_use","id":"t","name":"n","input":"x"}])")
                                                  << "messages.0.content.0.input"
                                                  << "messages.0.content.0.input: Input should be a valid dictionary";
    QTest::newRow("server tool") << QByteArray(R"({"model":"m","max_tokens":10,)" + hi
            + R"(,"tools":[{"type":"web_search_20250305","name":"web_search"}]})")
                                 << "tools.0.type"
                                 << "tools.0.type: tool type \"web_search_20250305\" cannot be translated for this model's provider";
    QTest::newRow("tool without input_schema") << QByteArray(R"({"model":"m","max_tokens":10,)" + hi + R"(,"tools":[{"name":"now"}]})")
                                               << "tools.0.input_schema" << "tools.0.input_schema: Field required";
    QTest::newRow("unknown tool_choice") << QByteArray(R"({"model":"m","max_tokens":10,)" + hi
            + R"(,"tools":[{"name":"now","input_schema":{}}],"tool_choice":{"type":"all"}})")
                                         << "tool_choice.type"
                                         << "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'";
    QTest::newRow("tool_choice tool without name") << QByteArray(R"({"model":"m","max_tokens":10,)" + hi
            + R"(,"tools":[{"name":"now","input_schema":{}}],"tool_choice":{"type":"tool"}})")
                                                   << "tool_choice.name" << "tool_choice.name: Field required";
    QTest::newRow("stop_sequences not strings") << QByteArray(R"({"model":"m","max_tokens":10,)" + hi + R"(,"stop_sequences":["a",1]})")
                                                << "stop_sequences.1" << "stop_sequences.1: Input should be a valid string";
    QTest::newRow("stream not bool") << QByteArray(R"({"model":"m","max_tokens":10,)" + hi + R"(,"stream":"yes"})")
                                     << "stream" << "stream: Input should be a valid boolean";
}

void MessagesApiTest::rejectsMalformedRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, param);
    QFETCH(QString, message);
    try {
        messages::toChatRequest(parse(request));
        QFAIL("accepted");
    } catch (const TranslationError& error) {
        QCOMPARE(error.error().status, 400);
        QCOMPARE(error.error().type, std::string("invalid_request_error"));
        QCOMPARE(QString::fromStdString(error.error().param), param);
        QCOMPARE(QString::fromStdString(error.error().message), message);
    }
}

void MessagesApiTest::translatesResponses_data()
{
    QTest::addColumn<QByteArray>("completion");
    QTest::addColumn<QByteArray>("expected");

    const auto completion = [](const char* message, const char* finishReason, const char* usage) {
        return QByteArray(R"({"id":"chatcmpl-abc","object":"chat.completion","created":1,"model":"gpt-4o",
            "choices":[{"index":0,"message":)") + message + R"(,"finish_reason":)" + finishReason + "}],"
            + R"("usage":)" + usage + "}";
    };
    const auto message = [](const char* content, const char* stopReason, const char* usage, const char* stopSequence = "null") {
        return QByteArray(R"({"id":"msg_abc","type":"message","role":"assistant","model":"claude-via-gateway","content":)")
            + content + R"(,"stop_reason":)" + stopReason + R"(,"stop_sequence":)" + stopSequence + R"(,"usage":)" + usage + "}";
    };
    const char* usage = R"({"prompt_tokens":12,"completion_tokens":5,"total_tokens":17})";
    const char* anthropicUsage = R"({"input_tokens":12,"output_tokens":5})";
    const char* hello = R"({"role":"assistant","content":"Hello!"})";
    const char* helloBlocks = R"([{"type":"text","text":"Hello!"}])";

    QTest::newRow("text, stop") << completion(hello, R"("stop")", usage) << message(helloBlocks, R"("end_turn")", anthropicUsage);
    QTest::newRow("length") << completion(hello, R"("length")", usage) << message(helloBlocks, R"("max_tokens")", anthropicUsage);
    QTest::newRow("content_filter") << completion(hello, R"("content_filter")", usage)
                                    << message(helloBlocks, R"("refusal")", anthropicUsage);
    QTest::newRow("no finish_reason") << completion(hello, "null", usage) << message(helloBlocks, R"("end_turn")", anthropicUsage);
    QTest::newRow("matched stop sequence (vLLM stop_reason)")
        << QByteArray(R"({"id":"chatcmpl-abc","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},
            "finish_reason":"stop","stop_reason":"END"}],"usage":{"prompt_tokens":12,"completion_tokens":5}})")
        << message(helloBlocks, R"("stop_sequence")", anthropicUsage, R"("END")");
    QTest::newRow("tool calls with text") << completion(R"({"role":"assistant","content":"Checking.","tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
            {"id":"call_2","type":"function","function":{"name":"now","arguments":""}}]})", R"("tool_calls")", usage)
                                          << message(R"([{"type":"text","text":"Checking."},
            {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
            {"type":"tool_use","id":"call_2","name":"now","input":{}}])", R"("tool_use")", anthropicUsage);
    QTest::newRow("tool call, no text, broken arguments") << completion(R"({"role":"assistant","content":null,"tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}},
            {"id":"call_2","type":"function","function":{"name":"now","arguments":"[1]"}}]})", R"("tool_calls")", usage)
                                                          << message(R"([
            {"type":"tool_use","id":"call_1","name":"get_weather","input":{}},
            {"type":"tool_use","id":"call_2","name":"now","input":{}}])", R"("tool_use")", anthropicUsage);
    QTest::newRow("cached prompt tokens") << completion(hello, R"("stop")",
        R"({"prompt_tokens":1200,"completion_tokens":5,"total_tokens":1205,"prompt_tokens_details":{"cached_tokens":1024}})")
                                          << message(helloBlocks, R"("end_turn")",
                                                 R"({"input_tokens":176,"cache_read_input_tokens":1024,"output_tokens":5})");
    QTest::newRow("empty content") << completion(R"({"role":"assistant","content":""})", R"("stop")", usage)
                                   << message("[]", R"("end_turn")", anthropicUsage);
    QTest::newRow("no usage, other id") << QByteArray(R"({"id":"gen-7","choices":[{"index":0,
            "message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}]})")
                                        << QByteArray(R"({"id":"msg_gen-7","type":"message","role":"assistant",
            "model":"claude-via-gateway","content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn",
            "stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}})");
}

void MessagesApiTest::translatesResponses()
{
    QFETCH(QByteArray, completion);
    QFETCH(QByteArray, expected);
    QCOMPARE(canonical(messages::fromChatResponse(parse(completion), "claude-via-gateway")), canonical(expected));
}

void MessagesApiTest::encodesStreams_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    // The first row spelled out as wire JSON, so the shapes are pinned independently of the builders.
    QTest::newRow("text only")
        << chunks({chunk({{"role", "assistant"}, {"content", ""}}), chunk({{"content", "Hel"}}), chunk({{"content", "lo!"}}),
               chunk(Json::object(), "stop"), usageChunk(usage12)})
        << QByteArray(R"([
            ["message_start",{"type":"message_start","message":{"id":"msg_abc","type":"message","role":"assistant",
                "content":[],"model":"claude-via-gateway","stop_reason":null,"stop_sequence":null,
                "usage":{"input_tokens":0,"output_tokens":0}}}],
            ["ping",{"type":"ping"}],
            ["content_block_start",{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}],
            ["content_block_delta",{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}],
            ["content_block_delta",{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo!"}}],
            ["content_block_stop",{"type":"content_block_stop","index":0}],
            ["message_delta",{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},
                "usage":{"input_tokens":12,"output_tokens":5}}],
            ["message_stop",{"type":"message_stop"}]])");

    QTest::newRow("tool call split across chunks")
        << chunks({chunk({{"role", "assistant"}, {"content", nullptr}}),
               chunk(toolCallDelta(0, "call_1", "get_weather", "")), chunk(toolCallDelta(0, nullptr, nullptr, "{\"city\":")),
               chunk(toolCallDelta(0, nullptr, nullptr, "\"Paris\"}")), chunk(Json::object(), "tool_calls"), usageChunk(usage12)})
        << events({messageStart("msg_abc"), ping(), toolStart(0, "call_1", "get_weather"), jsonDelta(0, "{\"city\":"),
               jsonDelta(0, "\"Paris\"}"), blockStop(0), messageEnd("tool_use", anthropicUsage12)});

    QTest::newRow("text then two tools")
        << chunks({chunk({{"content", "Checking."}}), chunk(toolCallDelta(0, "call_1", "get_weather", "{\"city\":\"Paris\"}")),
               chunk(toolCallDelta(1, "call_2", "now", "")), chunk(toolCallDelta(1, nullptr, nullptr, "{}")),
               chunk(Json::object(), "tool_calls"), usageChunk(usage12)})
        << events({messageStart("msg_abc"), ping(), textStart(0), textDelta(0, "Checking."), blockStop(0),
               toolStart(1, "call_1", "get_weather"), jsonDelta(1, "{\"city\":\"Paris\"}"), blockStop(1),
               toolStart(2, "call_2", "now"), jsonDelta(2, "{}"), blockStop(2), messageEnd("tool_use", anthropicUsage12)});

    // Providers that do not number their tool calls (no index) still start a block per new id.
    QTest::newRow("tool calls without index")
        << chunks({chunk({{"tool_calls", {{{"id", "call_1"}, {"function", {{"name", "a"}, {"arguments", "{}"}}}}}}}),
               chunk({{"tool_calls", {{{"id", "call_2"}, {"function", {{"name", "b"}, {"arguments", "{}"}}}}}}}),
               chunk(Json::object(), "tool_calls")})
        << events({messageStart("msg_abc"), ping(), toolStart(0, "call_1", "a"), jsonDelta(0, "{}"), blockStop(0),
               toolStart(1, "call_2", "b"), jsonDelta(1, "{}"), blockStop(1), messageEnd("tool_use", {{"output_tokens", 0}})});

    // Anthropic cannot reopen a closed block; OpenAI never sends such a piece, so it is dropped.
    QTest::newRow("late piece of a closed tool call")
        << chunks({chunk(toolCallDelta(0, "call_1", "a", "{}")), chunk({{"content", "Done."}}),
               chunk(toolCallDelta(0, nullptr, nullptr, "junk")), chunk(Json::object(), "stop")})
        << events({messageStart("msg_abc"), ping(), toolStart(0, "call_1", "a"), jsonDelta(0, "{}"), blockStop(0),
               textStart(1), textDelta(1, "Done."), blockStop(1), messageEnd("end_turn", {{"output_tokens", 0}})});

    QTest::newRow("last text in the finishing chunk, length")
        << chunks({chunk({{"content", "Once upon"}}, "length"), usageChunk(usage12)})
        << events({messageStart("msg_abc"), ping(), textStart(0), textDelta(0, "Once upon"), blockStop(0),
               messageEnd("max_tokens", anthropicUsage12)});

    QTest::newRow("cached usage in message_delta")
        << chunks({chunk({{"content", "Hi"}}), chunk(Json::object(), "stop"),
               usageChunk({{"prompt_tokens", 1200}, {"completion_tokens", 3}, {"prompt_tokens_details", {{"cached_tokens", 1024}}}})})
        << events({messageStart("msg_abc"), ping(), textStart(0), textDelta(0, "Hi"), blockStop(0),
               messageEnd("end_turn", {{"input_tokens", 176}, {"cache_read_input_tokens", 1024}, {"output_tokens", 3}})});

    QTest::newRow("matched stop sequence (vLLM stop_reason)")
        << chunks({chunk({{"content", "Hi"}}),
               {{"id", "chatcmpl-abc"}, {"choices", {{{"index", 0}, {"delta", Json::object()}, {"finish_reason", "stop"}, {"stop_reason", "END"}}}}}})
        << events({messageStart("msg_abc"), ping(), textStart(0), textDelta(0, "Hi"), blockStop(0),
               messageEnd("stop_sequence", {{"output_tokens", 0}}, "END")});

    QTest::newRow("no content, no usage")
        << chunks({chunk({{"role", "assistant"}, {"content", ""}}), chunk(Json::object(), "stop")})
        << events({messageStart("msg_abc"), ping(), messageEnd("end_turn", {{"output_tokens", 0}})});
}

void MessagesApiTest::encodesStreams()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(canonical(readEvents(encode(parse(input)))), canonical(expected));
}

void MessagesApiTest::streamUsageFromTheCallerWins()
{
    TokenUsage usage;
    usage.promptTokens = 30;
    usage.completionTokens = 7;
    const auto wire = encode(Json::array({chunk({{"content", "Hi"}}, "stop"), usageChunk(usage12)}), usage);
    const auto expected = events({messageStart("msg_abc"), ping(), textStart(0), textDelta(0, "Hi"), blockStop(0),
        messageEnd("end_turn", {{"input_tokens", 30}, {"output_tokens", 7}})});
    QCOMPARE(canonical(readEvents(wire)), canonical(expected));
}

void MessagesApiTest::streamWithoutChunksIsStillAWholeMessage()
{
    const auto expected = events({messageStart("msg_"), ping(), messageEnd("end_turn", {{"output_tokens", 0}})});
    QCOMPARE(canonical(readEvents(encode(Json::array()))), canonical(expected));
}

void MessagesApiTest::streamEndsOnce()
{
    messages::StreamEncoder encoder("claude-via-gateway");
    QVERIFY(!encoder.onChunk(chunk({{"content", "Hi"}})).empty());
    QVERIFY(!encoder.finish(std::nullopt).empty());
    QCOMPARE(encoder.finish(std::nullopt), std::string());
    QCOMPARE(encoder.onChunk(chunk({{"content", "late"}})), std::string());
}

void MessagesApiTest::errorEventHasTheDocumentedShape()
{
    const auto wire = messages::StreamEncoder::errorEvent(ApiError::unavailable("Provider 'p' answered HTTP 529: Overloaded"));
    QCOMPARE(wire, std::string("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                               "\"message\":\"Provider 'p' answered HTTP 529: Overloaded\"}}\n\n"));
}

void MessagesApiTest::errorBodyTypeFollowsTheStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("400") << 400 << "invalid_request_error";
    QTest::newRow("401") << 401 << "authentication_error";
    QTest::newRow("403") << 403 << "permission_error";
    QTest::newRow("404") << 404 << "not_found_error";
    QTest::newRow("405, another 4xx") << 405 << "invalid_request_error";
    QTest::newRow("413") << 413 << "request_too_large";
    QTest::newRow("429") << 429 << "rate_limit_error";
    QTest::newRow("500") << 500 << "api_error";
    QTest::newRow("502") << 502 << "api_error";
    QTest::newRow("504") << 504 << "api_error";
    QTest::newRow("503") << 503 << "overloaded_error";
    QTest::newRow("529") << 529 << "overloaded_error";
}

void MessagesApiTest::errorBodyTypeFollowsTheStatus()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    const ApiError error{status, "Something \"quoted\" went wrong.", "whatever_error", "model", "some_code"};
    const Json expected = {{"type", "error"}, {"error", {{"type", type.toStdString()}, {"message", "Something \"quoted\" went wrong."}}}};
    QCOMPARE(canonical(QByteArray::fromStdString(messages::errorBody(error))), canonical(expected));
}

QTEST_APPLESS_MAIN(MessagesApiTest)
#include "MessagesApiTest.moc"
