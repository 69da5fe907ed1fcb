// AnthropicDialect: OpenAI chat requests in, Anthropic Messages requests out; Anthropic answers,
// streams and errors in, OpenAI shapes out. Tables of JSON, compared as parsed JSON.
#include "dialects/AnthropicDialect.h"
#include "openai/TranslationError.h"
#include "sse/SseParser.h"

#include <QtTest>

#include <chrono>

using namespace gatehouse;

namespace {

const char* kUpstreamModel = "claude-test";

ProviderConfig anthropicProvider(std::string apiKey = "sk-ant-test", std::string apiVersion = {})
{
    ProviderConfig provider;
    provider.name = "claude";
    provider.kind = ProviderKind::Anthropic;
    provider.apiKey = std::move(apiKey);
    provider.apiVersion = std::move(apiVersion);
    provider.defaultMaxTokens = 1000;
    return provider;
}

Json json(const QByteArray& text)
{
    return Json::parse(text.toStdString());
}

// Key order is not part of the contract: compare as unordered JSON.
bool sameJson(const Json& actual, const Json& expected)
{
    return nlohmann::json::parse(actual.dump()) == nlohmann::json::parse(expected.dump());
}

QByteArray bothShown(const Json& actual, const Json& expected)
{
    return QByteArray::fromStdString("\n  actual:   " + actual.dump() + "\n  expected: " + expected.dump());
}

int64_t nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<SseEvent> eventsOf(const QByteArray& sse)
{
    SseParser parser;
    return parser.feed(sse.toStdString());
}

} // namespace

#define COMPARE_JSON(actual, expected) QVERIFY2(sameJson(actual, expected), bothShown(actual, expected).constData())

class AnthropicDialectTest : public QObject {
    Q_OBJECT

private slots:
    void translatesRequests_data();
    void translatesRequests();
    void refusesWhatAnthropicCannotDo_data();
    void refusesWhatAnthropicCannotDo();
    void sendsCredentialsAndVersion_data();
    void sendsCredentialsAndVersion();
    void translatesAnswers_data();
    void translatesAnswers();
    void mapsStopReasons_data();
    void mapsStopReasons();
    void decodesStreams_data();
    void decodesStreams();
    void streamErrorsThrow_data();
    void streamErrorsThrow();
    void mapsErrors_data();
    void mapsErrors();

private:
    const ProviderConfig m_provider = anthropicProvider();
    const DialectTarget m_target{m_provider, kUpstreamModel};
    const AnthropicDialect m_dialect;
};

void AnthropicDialectTest::translatesRequests_data()
{
    QTest::addColumn<QByteArray>("chat");
    QTest::addColumn<QByteArray>("expected"); // the Anthropic request body

    QTest::newRow("plain text, default max_tokens")
        << QByteArray(R"({"model":"public","messages":[{"role":"user","content":"hi"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})");

    QTest::newRow("system and developer text gathered at the top")
        << QByteArray(R"({"model":"m","messages":[
            {"role":"system","content":"Be brief."},
            {"role":"user","content":"hi"},
            {"role":"developer","content":[{"type":"text","text":"No emoji."},{"type":"text","text":"French."}]},
            {"role":"assistant","content":"Salut"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,
            "system":[{"type":"text","text":"Be brief."},{"type":"text","text":"No emoji."},{"type":"text","text":"French."}],
            "messages":[{"role":"user","content":[{"type":"text","text":"hi"}]},
                        {"role":"assistant","content":[{"type":"text","text":"Salut"}]}]})");

    QTest::newRow("images: base64 data URL and web URL")
        << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[
            {"type":"text","text":"Compare"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K","detail":"high"}},
            {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
            {"type":"image_url","image_url":"http://example.com/dog.gif"}]}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,"messages":[{"role":"user","content":[
            {"type":"text","text":"Compare"},
            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0K"}},
            {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
            {"type":"image","source":{"type":"url","url":"http://example.com/dog.gif"}}]}]})");

    QTest::newRow("max_completion_tokens wins over max_tokens")
        << QByteArray(R"({"model":"m","max_tokens":50,"max_completion_tokens":70,"messages":[{"role":"user","content":"hi"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":70,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})");

    QTest::newRow("max_tokens")
        << QByteArray(R"({"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":50,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]})");

    QTest::newRow("sampling, stop string, user, stream")
        << QByteArray(R"({"model":"m","temperature":0.2,"top_p":0.9,"stop":"END","user":"u-1","stream":true,
            "messages":[{"role":"user","content":"hi"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],
            "stop_sequences":["END"],"temperature":0.2,"top_p":0.9,"metadata":{"user_id":"u-1"},"stream":true})");

    QTest::newRow("stop array, stream false")
        << QByteArray(R"({"model":"m","stop":["a","b"],"stream":false,"messages":[{"role":"user","content":"hi"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],
            "stop_sequences":["a","b"]})");

    const QByteArray tools = R"("tools":[
        {"type":"function","function":{"name":"weather","description":"Weather now",
            "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
        {"type":"function","function":{"name":"clock"}}])";
    const QByteArray anthropicTools = R"("tools":[
        {"name":"weather","description":"Weather now",
            "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
        {"name":"clock","input_schema":{"type":"object","properties":{}}}])";
    const QByteArray hi = R"("messages":[{"role":"user","content":"hi"}])";
    const QByteArray anthropicHi = R"("messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}])";
    const auto withTools = [&](const QByteArray& extra) { return "{\"model\":\"m\"," + hi + "," + tools + extra + "}"; };
    const auto anthropicWithTools = [&](const QByteArray& extra) {
        return "{\"model\":\"claude-test\",\"max_tokens\":1000," + anthropicHi + "," + anthropicTools + extra + "}";
    };

    QTest::newRow("tools, no tool_choice") << withTools("") << anthropicWithTools("");
    QTest::newRow("tool_choice auto") << withTools(R"(,"tool_choice":"auto")") << anthropicWithTools(R"(,"tool_choice":{"type":"auto"})");
    QTest::newRow("tool_choice required") << withTools(R"(,"tool_choice":"required")") << anthropicWithTools(R"(,"tool_choice":{"type":"any"})");
    QTest::newRow("tool_choice none") << withTools(R"(,"tool_choice":"none")") << anthropicWithTools(R"(,"tool_choice":{"type":"none"})");
    QTest::newRow("tool_choice function")
        << withTools(R"(,"tool_choice":{"type":"function","function":{"name":"clock"}})")
        << anthropicWithTools(R"(,"tool_choice":{"type":"tool","name":"clock"})");
    QTest::newRow("parallel_tool_calls false alone")
        << withTools(R"(,"parallel_tool_calls":false)")
        << anthropicWithTools(R"(,"tool_choice":{"type":"auto","disable_parallel_tool_use":true})");
    QTest::newRow("parallel_tool_calls false with required")
        << withTools(R"(,"tool_choice":"required","parallel_tool_calls":false)")
        << anthropicWithTools(R"(,"tool_choice":{"type":"any","disable_parallel_tool_use":true})");
    QTest::newRow("parallel_tool_calls true changes nothing") << withTools(R"(,"parallel_tool_calls":true)") << anthropicWithTools("");
    QTest::newRow("tool_choice without tools dropped")
        << QByteArray(R"({"model":"m","tool_choice":"required","tools":[],)" + hi + "}")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,)" + anthropicHi + "}");

    QTest::newRow("tool calls, results merged into one user turn")
        << QByteArray(R"({"model":"m","messages":[
            {"role":"user","content":"Weather in Paris, and the time?"},
            {"role":"assistant","content":null,"tool_calls":[
                {"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"toolu_2","type":"function","function":{"name":"clock","arguments":""}}]},
            {"role":"tool","tool_call_id":"toolu_1","content":"18C"},
            {"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"12:00"}]},
            {"role":"user","content":"Thanks"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,"messages":[
            {"role":"user","content":[{"type":"text","text":"Weather in Paris, and the time?"}]},
            {"role":"assistant","content":[
                {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}},
                {"type":"tool_use","id":"toolu_2","name":"clock","input":{}}]},
            {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}]},
                {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"12:00"}]},
                {"type":"text","text":"Thanks"}]}]})");

    QTest::newRow("assistant text before its tool call")
        << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"time?"},
            {"role":"assistant","content":"Checking.","tool_calls":[{"id":"t1","type":"function","function":{"name":"clock","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"t1","content":""}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,"messages":[
            {"role":"user","content":[{"type":"text","text":"time?"}]},
            {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"t1","name":"clock","input":{}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1"}]}]})");

    QTest::newRow("same-role messages merged, empty turns dropped")
        << QByteArray(R"({"model":"m","messages":[
            {"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"}]},
            {"role":"assistant","content":""},{"role":"user","content":"c"}]})")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,"messages":[{"role":"user","content":[
            {"type":"text","text":"a"},{"type":"text","text":"b"},{"type":"text","text":"c"}]}]})");

    QTest::newRow("params without an Anthropic counterpart dropped")
        << QByteArray(R"({"model":"m","frequency_penalty":0.5,"presence_penalty":0.1,"seed":7,"logit_bias":{"50256":-100},
            "logprobs":false,"n":1,"response_format":{"type":"text"},"stream_options":{"include_usage":true},
            "service_tier":"auto","store":true,"metadata":{"k":"v"},"reasoning_effort":"low",)" + hi + "}")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,)" + anthropicHi + "}");

    QTest::newRow("json_schema becomes structured output")
        << QByteArray(R"({"model":"m","response_format":{"type":"json_schema","json_schema":{"name":"city","strict":true,
            "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}},)"
               + hi + "}")
        << QByteArray(R"({"model":"claude-test","max_tokens":1000,)" + anthropicHi + R"(,"output_config":{"format":{"type":"json_schema",
            "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}}})");
}

void AnthropicDialectTest::translatesRequests()
{
    QFETCH(QByteArray, chat);
    QFETCH(QByteArray, expected);
    const auto call = m_dialect.chatCall(json(chat), m_target);
    QCOMPARE(call.target, std::string("/messages"));
    COMPARE_JSON(Json::parse(call.body), json(expected));
}

void AnthropicDialectTest::refusesWhatAnthropicCannotDo_data()
{
    QTest::addColumn<QByteArray>("chat");
    QTest::addColumn<QString>("param");

    const auto withMessage = [](const QByteArray& message) { return R"({"model":"m","messages":[)" + message + "]}"; };
    const auto withParam = [](const QByteArray& param) { return R"({"model":"m","messages":[{"role":"user","content":"hi"}],)" + param + "}"; };
    const auto withCall = [&](const QByteArray& arguments) {
        return withMessage(R"({"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":)"
            + arguments + "}}]}");
    };
    const auto withImage = [&](const QByteArray& url) {
        return withMessage(R"({"role":"user","content":[{"type":"image_url","image_url":{"url":")" + url + R"("}}]})");
    };

    QTest::newRow("n > 1") << withParam(R"("n":2)") << "n";
    QTest::newRow("logprobs") << withParam(R"("logprobs":true,"top_logprobs":2)") << "logprobs";
    QTest::newRow("json_object") << withParam(R"("response_format":{"type":"json_object"})") << "response_format";
    QTest::newRow("json_schema without schema") << withParam(R"("response_format":{"type":"json_schema","json_schema":{"name":"x"}})") << "response_format";
    QTest::newRow("unknown response_format") << withParam(R"("response_format":{"type":"yaml"})") << "response_format";
    QTest::newRow("unparsable arguments") << withCall(R"("{\"city\":")") << "messages";
    QTest::newRow("arguments not an object") << withCall(R"("[1,2]")") << "messages";
    QTest::newRow("ftp image") << withImage("ftp://example.com/a.png") << "messages";
    QTest::newRow("data URL not base64") << withImage("data:image/png,rawbytes") << "messages";
    QTest::newRow("data URL without media type") << withImage("data:;base64,AAAA") << "messages";
    QTest::newRow("audio part") << withMessage(R"({"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]})") << "messages";
    QTest::newRow("image in system") << withMessage(R"({"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x/a.png"}}]})") << "messages";
    QTest::newRow("function role") << withMessage(R"({"role":"function","name":"f","content":"1"})") << "messages";
    QTest::newRow("tool result without id") << withMessage(R"({"role":"tool","content":"1"})") << "messages";
    QTest::newRow("content a number") << withMessage(R"({"role":"user","content":42})") << "messages";
    QTest::newRow("custom tool") << withParam(R"("tools":[{"type":"custom","custom":{"name":"x"}}])") << "tools";
    QTest::newRow("tool_choice unknown")
        << withParam(R"("tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"sometimes")") << "tool_choice";
    QTest::newRow("stop a number") << withParam(R"("stop":5)") << "stop";
    QTest::newRow("max_tokens zero") << withParam(R"("max_tokens":0)") << "max_tokens";
}

void AnthropicDialectTest::refusesWhatAnthropicCannotDo()
{
    QFETCH(QByteArray, chat);
    QFETCH(QString, param);
    try {
        m_dialect.chatCall(json(chat), m_target);
        QFAIL("no TranslationError");
    } catch (const TranslationError& e) {
        QCOMPARE(e.error().status, 400);
        QCOMPARE(e.error().type, std::string("invalid_request_error"));
        QCOMPARE(QString::fromStdString(e.error().param), param);
        QVERIFY(!e.error().message.empty());
    }
}

void AnthropicDialectTest::sendsCredentialsAndVersion_data()
{
    QTest::addColumn<QString>("apiKey");
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<QByteArray>("headers"); // [[name, value], ...] in order

    QTest::newRow("key, default version") << "sk-ant-1" << "" << QByteArray(R"([["x-api-key","sk-ant-1"],["anthropic-version","2023-06-01"]])");
    QTest::newRow("key, configured version") << "sk-ant-1" << "2024-01-01"
                                             << QByteArray(R"([["x-api-key","sk-ant-1"],["anthropic-version","2024-01-01"]])");
    QTest::newRow("no key (e.g. a local proxy)") << "" << "" << QByteArray(R"([["anthropic-version","2023-06-01"]])");
}

void AnthropicDialectTest::sendsCredentialsAndVersion()
{
    QFETCH(QString, apiKey);
    QFETCH(QString, apiVersion);
    QFETCH(QByteArray, headers);
    const auto provider = anthropicProvider(apiKey.toStdString(), apiVersion.toStdString());
    const auto call = m_dialect.chatCall(json(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})"), {provider, "claude-x"});
    QCOMPARE(call.target, std::string("/messages"));
    Json actual = Json::array();
    for (const auto& [name, value] : call.headers)
        actual.push_back({name, value});
    QCOMPARE(actual, json(headers)); // ordered: the order headers are sent in
}

void AnthropicDialectTest::translatesAnswers_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QByteArray>("expected"); // without "created", checked apart

    QTest::newRow("text blocks joined")
        << QByteArray(R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
            "content":[{"type":"text","text":"Hello"},{"type":"text","text":" world"}],
            "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}})")
        << QByteArray(R"({"id":"chatcmpl-msg_1","object":"chat.completion","model":"claude-sonnet-4-5",
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello world"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}})");

    QTest::newRow("text and tool use")
        << QByteArray(R"({"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5",
            "content":[{"type":"text","text":"Checking."},
                       {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris","days":2}},
                       {"type":"tool_use","id":"toolu_2","name":"clock","input":{}}],
            "stop_reason":"tool_use","usage":{"input_tokens":30,"output_tokens":20}})")
        << QByteArray(R"({"id":"chatcmpl-msg_2","object":"chat.completion","model":"claude-sonnet-4-5",
            "choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","tool_calls":[
                {"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\",\"days\":2}"}},
                {"id":"toolu_2","type":"function","function":{"name":"clock","arguments":"{}"}}]},
              "finish_reason":"tool_calls"}],
            "usage":{"prompt_tokens":30,"completion_tokens":20,"total_tokens":50}})");

    QTest::newRow("tool use only: content null")
        << QByteArray(R"({"id":"msg_3","model":"claude-haiku-4-5","content":[{"type":"tool_use","id":"t","name":"clock","input":{}}],
            "stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":2}})")
        << QByteArray(R"({"id":"chatcmpl-msg_3","object":"chat.completion","model":"claude-haiku-4-5",
            "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                {"id":"t","type":"function","function":{"name":"clock","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
            "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})");

    QTest::newRow("usage with cache read and creation")
        << QByteArray(R"({"id":"msg_4","model":"claude-sonnet-4-5","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",
            "usage":{"input_tokens":5,"cache_creation_input_tokens":20,"cache_read_input_tokens":100,"output_tokens":7}})")
        << QByteArray(R"({"id":"chatcmpl-msg_4","object":"chat.completion","model":"claude-sonnet-4-5",
            "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":125,"completion_tokens":7,"total_tokens":132,"prompt_tokens_details":{"cached_tokens":100}}})");

    QTest::newRow("thinking as reasoning_content")
        << QByteArray(R"({"id":"msg_5","model":"claude-sonnet-4-5","content":[
            {"type":"thinking","thinking":"2+2 is 4.","signature":"sig"},{"type":"redacted_thinking","data":"xx"},
            {"type":"text","text":"4"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":9}})")
        << QByteArray(R"({"id":"chatcmpl-msg_5","object":"chat.completion","model":"claude-sonnet-4-5",
            "choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning_content":"2+2 is 4."},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12}})");

    QTest::newRow("no model in the answer: the upstream model")
        << QByteArray(R"({"id":"msg_6","content":[],"stop_reason":"max_tokens","usage":{"input_tokens":3,"output_tokens":0}})")
        << QByteArray(R"({"id":"chatcmpl-msg_6","object":"chat.completion","model":"claude-test",
            "choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"length"}],
            "usage":{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3}})");
}

void AnthropicDialectTest::translatesAnswers()
{
    QFETCH(QByteArray, answer);
    QFETCH(QByteArray, expected);
    const auto before = nowSeconds();
    auto completion = m_dialect.chatResponse(json(answer), m_target);
    const auto after = nowSeconds();
    QVERIFY(completion["created"].is_number_integer());
    const auto created = completion["created"].get<int64_t>();
    QVERIFY(created >= before && created <= after);
    completion.erase("created");
    COMPARE_JSON(completion, json(expected));
}

void AnthropicDialectTest::mapsStopReasons_data()
{
    QTest::addColumn<QString>("stopReason");
    QTest::addColumn<QString>("finishReason");
    QTest::newRow("end_turn") << "end_turn" << "stop";
    QTest::newRow("stop_sequence") << "stop_sequence" << "stop";
    QTest::newRow("pause_turn") << "pause_turn" << "stop";
    QTest::newRow("max_tokens") << "max_tokens" << "length";
    QTest::newRow("model_context_window_exceeded") << "model_context_window_exceeded" << "length";
    QTest::newRow("tool_use") << "tool_use" << "tool_calls";
    QTest::newRow("refusal") << "refusal" << "content_filter";
}

// The same mapping for whole answers and for streams.
void AnthropicDialectTest::mapsStopReasons()
{
    QFETCH(QString, stopReason);
    QFETCH(QString, finishReason);
    const auto expected = finishReason.toStdString();

    Json answer = {{"id", "msg_1"}, {"model", "c"}, {"content", Json::array()}, {"stop_reason", stopReason.toStdString()}};
    const auto completion = m_dialect.chatResponse(answer, m_target);
    QCOMPARE(completion["choices"][0]["finish_reason"].get<std::string>(), expected);

    auto decoder = m_dialect.chatStream(m_target);
    const Json delta = {{"type", "message_delta"}, {"delta", {{"stop_reason", stopReason.toStdString()}}}};
    const auto chunks = decoder->onEvent({"message_delta", delta.dump()});
    QCOMPARE(chunks.size(), std::size_t(1));
    QCOMPARE(chunks[0]["choices"][0]["finish_reason"].get<std::string>(), expected);
    COMPARE_JSON(chunks[0]["choices"][0]["delta"], Json::object());
}

void AnthropicDialectTest::decodesStreams_data()
{
    QTest::addColumn<QByteArray>("sse");
    QTest::addColumn<QByteArray>("expected"); // each chunk's "choices" (and "usage"), in order
    QTest::addColumn<bool>("finished");
    QTest::addColumn<QByteArray>("usage"); // [prompt, completion, cached] or null

    const QByteArray start = "event: message_start\n"
                             R"(data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],)"
                             R"("model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}})"
                             "\n\n";
    const QByteArray roleChunk = R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})";
    const auto contentChunk = [](const QByteArray& field, const QByteArray& text) {
        return R"({"choices":[{"index":0,"delta":{")" + field + R"(":")" + text + R"("},"finish_reason":null}]})";
    };
    const auto finishChunk = [](const QByteArray& reason) {
        return R"({"choices":[{"index":0,"delta":{},"finish_reason":")" + reason + R"("}]})";
    };

    QTest::newRow("text, with a ping")
        << start + "event: content_block_start\n"
                   R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})" "\n\n"
                   "event: ping\n"
                   R"(data: {"type": "ping"})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}})" "\n\n"
                   "event: content_block_stop\n"
                   R"(data: {"type":"content_block_stop","index":0})" "\n\n"
                   "event: message_delta\n"
                   R"(data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}})" "\n\n"
                   "event: message_stop\n"
                   R"(data: {"type":"message_stop"})" "\n\n"
        << "[" + roleChunk + "," + contentChunk("content", "Hello") + "," + contentChunk("content", "!") + "," + finishChunk("stop") + ","
            + R"({"choices":[],"usage":{"prompt_tokens":25,"completion_tokens":15,"total_tokens":40}})" + "]"
        << true << QByteArray("[25,15,0]");

    QTest::newRow("tool use, arguments split")
        << start + "event: content_block_start\n"
                   R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}})" "\n\n"
                   "event: content_block_stop\n"
                   R"(data: {"type":"content_block_stop","index":0})" "\n\n"
                   "event: content_block_start\n"
                   R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_a","name":"weather","input":{}}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}})" "\n\n"
                   "event: content_block_stop\n"
                   R"(data: {"type":"content_block_stop","index":1})" "\n\n"
                   "event: content_block_start\n"
                   R"(data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_b","name":"clock","input":{}}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}})" "\n\n"
                   "event: content_block_stop\n"
                   R"(data: {"type":"content_block_stop","index":2})" "\n\n"
                   "event: message_delta\n"
                   R"(data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40}})" "\n\n"
                   "event: message_stop\n"
                   R"(data: {"type":"message_stop"})" "\n\n"
        << "[" + roleChunk + "," + contentChunk("content", "Checking.") + ","
            + R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_a","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]},)"
            + R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Pa"}}]},"finish_reason":null}]},)"
            + R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ris\"}"}}]},"finish_reason":null}]},)"
            + R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"toolu_b","type":"function","function":{"name":"clock","arguments":""}}]},"finish_reason":null}]},)"
            + R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}]},)"
            + finishChunk("tool_calls") + ","
            + R"({"choices":[],"usage":{"prompt_tokens":25,"completion_tokens":40,"total_tokens":65}})" + "]"
        << true << QByteArray("[25,40,0]");

    QTest::newRow("thinking, signature dropped")
        << start + "event: content_block_start\n"
                   R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm."}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}})" "\n\n"
                   "event: content_block_stop\n"
                   R"(data: {"type":"content_block_stop","index":0})" "\n\n"
                   "event: content_block_start\n"
                   R"(data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})" "\n\n"
                   "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"4"}})" "\n\n"
                   "event: message_delta\n"
                   R"(data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}})" "\n\n"
                   "event: message_stop\n"
                   R"(data: {"type":"message_stop"})" "\n\n"
        << "[" + roleChunk + "," + contentChunk("reasoning_content", "Hmm.") + "," + contentChunk("content", "4") + "," + finishChunk("stop")
            + "," + R"({"choices":[],"usage":{"prompt_tokens":25,"completion_tokens":9,"total_tokens":34}})" + "]"
        << true << QByteArray("[25,9,0]");

    QTest::newRow("cached input")
        << QByteArray("event: message_start\n"
                      R"(data: {"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","content":[],)"
                      R"("usage":{"input_tokens":5,"cache_creation_input_tokens":20,"cache_read_input_tokens":100,"output_tokens":1}}})" "\n\n"
                      "event: message_delta\n"
                      R"(data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":7}})" "\n\n"
                      "event: message_stop\n"
                      R"(data: {"type":"message_stop"})" "\n\n")
        << "[" + roleChunk + "," + finishChunk("length") + ","
            + R"({"choices":[],"usage":{"prompt_tokens":125,"completion_tokens":7,"total_tokens":132,"prompt_tokens_details":{"cached_tokens":100}}})" + "]"
        << true << QByteArray("[125,7,100]");

    QTest::newRow("cut before message_stop: not finished")
        << start + "event: content_block_delta\n"
                   R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}})" "\n\n"
        << "[" + roleChunk + "," + contentChunk("content", "Hel") + "]" << false << QByteArray("[25,1,0]");

    QTest::newRow("nothing but pings") << QByteArray("event: ping\ndata: {\"type\": \"ping\"}\n\n") << QByteArray("[]") << false
                                       << QByteArray("null");
}

void AnthropicDialectTest::decodesStreams()
{
    QFETCH(QByteArray, sse);
    QFETCH(QByteArray, expected);
    QFETCH(bool, finished);
    QFETCH(QByteArray, usage);

    const auto before = nowSeconds();
    auto decoder = m_dialect.chatStream(m_target);
    QVERIFY(!decoder->finished());
    Json actual = Json::array();
    for (const auto& event : eventsOf(sse)) {
        for (auto& chunk : decoder->onEvent(event)) {
            // The envelope every chunk carries, then what differs.
            QCOMPARE(chunk["id"].get<std::string>(), std::string("chatcmpl-msg_1"));
            QCOMPARE(chunk["object"].get<std::string>(), std::string("chat.completion.chunk"));
            QCOMPARE(chunk["model"].get<std::string>(), std::string("claude-sonnet-4-5"));
            const auto created = chunk["created"].get<int64_t>();
            QVERIFY(created >= before && created <= nowSeconds());
            for (const char* field : {"id", "object", "created", "model"})
                chunk.erase(field);
            actual.push_back(std::move(chunk));
        }
    }
    COMPARE_JSON(actual, json(expected));
    QCOMPARE(decoder->finished(), finished);

    const auto expectedUsage = json(usage);
    const auto reported = decoder->usage();
    QCOMPARE(reported.has_value(), !expectedUsage.is_null());
    if (reported) {
        QCOMPARE(reported->promptTokens, expectedUsage[0].get<int64_t>());
        QCOMPARE(reported->completionTokens, expectedUsage[1].get<int64_t>());
        QCOMPARE(reported->cachedPromptTokens, expectedUsage[2].get<int64_t>());
    }
}

void AnthropicDialectTest::streamErrorsThrow_data()
{
    QTest::addColumn<QByteArray>("data"); // of the event that fails
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("overloaded") << QByteArray(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})") << 503
                                << "upstream_error" << "upstream_529" << "Provider 'claude' answered HTTP 529: Overloaded";
    QTest::newRow("rate limited") << QByteArray(R"({"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}})") << 429
                                  << "rate_limit_error" << "rate_limit_exceeded" << "Provider 'claude' answered HTTP 429: Slow down";
    QTest::newRow("api error") << QByteArray(R"({"type":"error","error":{"type":"api_error","message":"Internal"}})") << 500
                               << "upstream_error" << "upstream_500" << "Provider 'claude' answered HTTP 500: Internal";
    QTest::newRow("unknown type") << QByteArray(R"({"type":"error","error":{"type":"brand_new_error","message":"New"}})") << 502
                                  << "upstream_error" << "upstream_502" << "Provider 'claude' answered HTTP 502: New";
    QTest::newRow("event not JSON") << QByteArray("not json") << 502 << "upstream_error" << "upstream_error"
                                    << "Provider 'claude' sent a stream event that is not JSON: not json";
}

void AnthropicDialectTest::streamErrorsThrow()
{
    QFETCH(QByteArray, data);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, message);

    auto decoder = m_dialect.chatStream(m_target);
    decoder->onEvent({"message_start", R"({"type":"message_start","message":{"id":"msg_1","model":"c","usage":{"input_tokens":1}}})"});
    try {
        decoder->onEvent({"error", data.toStdString()});
        QFAIL("no TranslationError");
    } catch (const TranslationError& e) {
        QCOMPARE(e.error().status, status);
        QCOMPARE(QString::fromStdString(e.error().type), type);
        QCOMPARE(QString::fromStdString(e.error().code), code);
        QCOMPARE(QString::fromStdString(e.error().message), message);
    }
    QVERIFY(!decoder->finished());
}

void AnthropicDialectTest::mapsErrors_data()
{
    QTest::addColumn<int>("upstreamStatus");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const auto anthropicError = [](const char* type, const char* message) {
        return QByteArray(R"({"type":"error","error":{"type":")") + type + R"(","message":")" + message + R"("},"request_id":"req_1"})";
    };

    QTest::newRow("401: the gateway's key") << 401 << anthropicError("authentication_error", "invalid x-api-key") << 502 << "upstream_error"
                                            << "upstream_auth_failed"
                                            << "Provider 'claude' rejected the gateway's credentials (HTTP 401): invalid x-api-key";
    QTest::newRow("403") << 403 << anthropicError("permission_error", "no access") << 502 << "upstream_error" << "upstream_auth_failed"
                         << "Provider 'claude' rejected the gateway's credentials (HTTP 403): no access";
    QTest::newRow("429 keeps the message") << 429 << anthropicError("rate_limit_error", "Number of request tokens has exceeded your limit")
                                           << 429 << "rate_limit_error" << "rate_limit_exceeded"
                                           << "Provider 'claude' answered HTTP 429: Number of request tokens has exceeded your limit";
    QTest::newRow("529 overloaded") << 529 << anthropicError("overloaded_error", "Overloaded") << 503 << "upstream_error" << "upstream_529"
                                    << "Provider 'claude' answered HTTP 529: Overloaded";
    QTest::newRow("400") << 400 << anthropicError("invalid_request_error", "messages: roles must alternate") << 400 << "invalid_request_error"
                         << "upstream_400" << "Provider 'claude' answered HTTP 400: messages: roles must alternate";
    QTest::newRow("404") << 404 << anthropicError("not_found_error", "model: claude-nope") << 404 << "invalid_request_error" << "not_found"
                         << "Provider 'claude' answered HTTP 404: model: claude-nope";
    QTest::newRow("413") << 413 << anthropicError("request_too_large", "Request exceeds the maximum size") << 413 << "invalid_request_error"
                         << "request_too_large" << "Provider 'claude' answered HTTP 413: Request exceeds the maximum size";
    QTest::newRow("non-JSON body") << 502 << QByteArray("<html>Bad Gateway</html>") << 502 << "upstream_error" << "upstream_502"
                                   << "Provider 'claude' answered HTTP 502: <html>Bad Gateway</html>";
    QTest::newRow("JSON of another shape") << 500 << QByteArray(R"({"detail":"boom"})") << 500 << "upstream_error" << "upstream_500"
                                           << R"(Provider 'claude' answered HTTP 500: {"detail":"boom"})";
    QTest::newRow("long body cut at 300 bytes") << 500 << QByteArray(400, 'x') << 500 << "upstream_error" << "upstream_500"
                                                << "Provider 'claude' answered HTTP 500: " + QString(300, 'x');
    QTest::newRow("cut never splits a character") << 500 << QByteArray(299, 'x') + "é and more" << 500 << "upstream_error" << "upstream_500"
                                                   << "Provider 'claude' answered HTTP 500: " + QString(299, 'x');
    QTest::newRow("empty body") << 503 << QByteArray() << 503 << "upstream_error" << "upstream_503"
                                << "Provider 'claude' answered HTTP 503: (no message)";
}

void AnthropicDialectTest::mapsErrors()
{
    QFETCH(int, upstreamStatus);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, message);

    const auto error = m_dialect.error(upstreamStatus, std::string_view(body.constData(), body.size()), m_target);
    QCOMPARE(error.status, status);
    QCOMPARE(QString::fromStdString(error.type), type);
    QCOMPARE(QString::fromStdString(error.code), code);
    QCOMPARE(QString::fromStdString(error.message), message);
}

QTEST_GUILESS_MAIN(AnthropicDialectTest)
#include "AnthropicDialectTest.moc"
