// GeminiDialect: tables of OpenAI request in → Gemini request out, Gemini answer/stream/error in →
// OpenAI shape out, compared as parsed JSON.
#include "dialects/GeminiDialect.h"
#include "openai/TranslationError.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const ProviderConfig& testProvider()
{
    static const ProviderConfig provider = [] {
        ProviderConfig config;
        config.name = "gem";
        config.kind = ProviderKind::Gemini;
        config.apiKey = "secret-key";
        return config;
    }();
    return provider;
}

DialectTarget testTarget()
{
    return {testProvider(), "gemini-2.5-flash"};
}

Json parse(const QString& text)
{
    return Json::parse(text.toStdString());
}

// Compared as JSON values, key order aside: the text of the key-sorted form.
QString canonical(const Json& json)
{
    return QString::fromStdString(nlohmann::json::parse(json.dump()).dump());
}

QString canonical(const QString& text)
{
    return canonical(parse(text));
}

// "created" is the clock's: checked for shape, then left out of the comparison.
Json withoutCreated(Json object)
{
    const auto it = object.find("created");
    if (it == object.end() || !it->is_number_integer() || it->get<int64_t>() <= 0)
        throw std::runtime_error("no positive integer 'created' in " + object.dump());
    object.erase(it);
    return object;
}

std::optional<ApiError> translationErrorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const TranslationError& error) {
        return error.error();
    }
    return std::nullopt;
}

const GeminiDialect dialect;

} // namespace

class GeminiDialectTest : public QObject {
    Q_OBJECT

private slots:
    void chatRequestBody_data();
    void chatRequestBody();
    void chatRequestTargetAndHeaders_data();
    void chatRequestTargetAndHeaders();
    void chatRequestRefused_data();
    void chatRequestRefused();

    void chatResponse_data();
    void chatResponse();
    void finishReasons_data();
    void finishReasons();
    void chatResponseRefused_data();
    void chatResponseRefused();
    void generatedIdsWhenResponseHasNone();

    void stream_data();
    void stream();
    void streamErrors_data();
    void streamErrors();

    void embeddingsRequest_data();
    void embeddingsRequest();
    void embeddingsRefused_data();
    void embeddingsRefused();
    void embeddingsResponse_data();
    void embeddingsResponse();

    void errors_data();
    void errors();
    void longNonJsonErrorIsCut();
};

// ---------------------------------------------------------------------------------------------
// Chat request.

void GeminiDialectTest::chatRequestBody_data()
{
    QTest::addColumn<QString>("chat");
    QTest::addColumn<QString>("body");

    QTest::newRow("user text") << R"({"model":"g","messages":[{"role":"user","content":"hi"}]})"
                               << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})";
    QTest::newRow("system and developer gathered in order")
        << R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"},
               {"role":"developer","content":[{"type":"text","text":"Use French."}]}]})"
        << R"({"systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Use French."}]},
               "contents":[{"role":"user","parts":[{"text":"hi"}]}]})";
    QTest::newRow("assistant is model, same roles merged")
        << R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},
               {"role":"assistant","content":"c"},{"role":"assistant","content":[{"type":"text","text":"d"}]},{"role":"user","content":"e"}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"a"},{"text":"b"}]},{"role":"model","parts":[{"text":"c"},{"text":"d"}]},
               {"role":"user","parts":[{"text":"e"}]}]})";
    QTest::newRow("empty texts dropped")
        << R"({"messages":[{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"x"}]},{"role":"assistant","content":""}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"x"}]}]})";
    QTest::newRow("image data URL inline")
        << R"({"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
               {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K","detail":"high"}}]}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"What is this?"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0K"}}]}]})";
    QTest::newRow("data URL parameters are not the mime type")
        << R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;name=a.jpg;base64,/9j/"}}]}]})"
        << R"({"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}}]}]})";
    QTest::newRow("audio and pdf inline")
        << R"({"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}},
               {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE","filename":"a.pdf"}}]}]})"
        << R"({"contents":[{"role":"user","parts":[{"inlineData":{"mimeType":"audio/wav","data":"UklG"}},
               {"inlineData":{"mimeType":"application/pdf","data":"JVBE"}}]}]})";
    QTest::newRow("tool calls and results, names looked up")
        << R"({"messages":[{"role":"user","content":"Weather and time in Paris?"},
               {"role":"assistant","content":null,"tool_calls":[
                 {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
                  "extra_content":{"google":{"thought_signature":"c2ln"}}},
                 {"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},
               {"role":"tool","tool_call_id":"call_a","content":"{\"temp\":21}"},
               {"role":"tool","tool_call_id":"call_b","content":[{"type":"text","text":"12:00"}]},
               {"role":"user","content":"Thanks"}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"Weather and time in Paris?"}]},
               {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"},
                                        {"functionCall":{"name":"get_time","args":{}}}]},
               {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":21}}},
                                       {"functionResponse":{"name":"get_time","response":{"content":"12:00"}}},
                                       {"text":"Thanks"}]}]})";
    QTest::newRow("a reused call id answers the latest call")
        << R"({"messages":[{"role":"assistant","tool_calls":[{"id":"call_0","type":"function","function":{"name":"first","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"call_0","content":"[1,2]"},
               {"role":"assistant","tool_calls":[{"id":"call_0","type":"function","function":{"name":"second","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"call_0","content":"ok"}]})"
        << R"({"contents":[{"role":"model","parts":[{"functionCall":{"name":"first","args":{}}}]},
               {"role":"user","parts":[{"functionResponse":{"name":"first","response":{"content":"[1,2]"}}}]},
               {"role":"model","parts":[{"functionCall":{"name":"second","args":{}}}]},
               {"role":"user","parts":[{"functionResponse":{"name":"second","response":{"content":"ok"}}}]}]})";
    QTest::newRow("tools with auto")
        << R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":"auto","tools":[
               {"type":"function","function":{"name":"get_weather","description":"Weather now",
                "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}},
               {"type":"function","function":{"name":"ping"}}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[
               {"name":"get_weather","description":"Weather now",
                "parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}},
               {"name":"ping"}]}],"toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}})";
    QTest::newRow("tool_choice none")
        << R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":"none","tools":[{"type":"function","function":{"name":"f"}}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],
               "toolConfig":{"functionCallingConfig":{"mode":"NONE"}}})";
    QTest::newRow("tool_choice required")
        << R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":"required","tools":[{"type":"function","function":{"name":"f"}}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],
               "toolConfig":{"functionCallingConfig":{"mode":"ANY"}}})";
    QTest::newRow("tool_choice one function")
        << R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"function","function":{"name":"g"}},
               "tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"g"}}]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f"},{"name":"g"}]}],
               "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["g"]}}})";
    QTest::newRow("tool_choice without tools means nothing")
        << R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":"required","tools":[]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})";
    QTest::newRow("generation config")
        << R"({"messages":[{"role":"user","content":"hi"}],"temperature":0.2,"top_p":0.9,"max_tokens":100,"seed":7,
               "presence_penalty":0.5,"frequency_penalty":-0.5,"n":2,"stop":"END"})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0.2,"topP":0.9,"candidateCount":2,
               "seed":7,"presencePenalty":0.5,"frequencyPenalty":-0.5,"maxOutputTokens":100,"stopSequences":["END"]}})";
    QTest::newRow("max_completion_tokens wins, stop array")
        << R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":100,"max_completion_tokens":50,"stop":["a","b"]})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":50,"stopSequences":["a","b"]}})";
    QTest::newRow("json_object")
        << R"({"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json"}})";
    QTest::newRow("json_schema")
        << R"({"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,
               "schema":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false}}}})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json",
               "responseJsonSchema":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false}}})";
    QTest::newRow("response_format text")
        << R"({"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"text"}})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})";
    QTest::newRow("reasoning_effort low")
        << R"({"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"low"})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":1024}}})";
    QTest::newRow("reasoning_effort none")
        << R"({"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"none"})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":0}}})";
    QTest::newRow("nulls, stream and client-only fields say nothing")
        << R"({"messages":[{"role":"user","content":"hi"}],"temperature":null,"stream":true,"stream_options":{"include_usage":true},
               "user":"u1","logprobs":false,"parallel_tool_calls":false,"tool_choice":null})"
        << R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})";
}

void GeminiDialectTest::chatRequestBody()
{
    QFETCH(QString, chat);
    QFETCH(QString, body);
    const auto call = dialect.chatCall(parse(chat), testTarget());
    QCOMPARE(canonical(Json::parse(call.body)), canonical(body));
}

void GeminiDialectTest::chatRequestTargetAndHeaders_data()
{
    QTest::addColumn<QString>("chat");
    QTest::addColumn<QString>("apiKey");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QStringList>("headers");

    const QString plain = R"({"messages":[{"role":"user","content":"hi"}]})";
    const QString stream = R"({"stream":true,"messages":[{"role":"user","content":"hi"}]})";
    QTest::newRow("plain") << plain << "k1" << "/models/gemini-2.5-flash:generateContent" << QStringList{"x-goog-api-key: k1"};
    QTest::newRow("stream") << stream << "k1" << "/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
                            << QStringList{"x-goog-api-key: k1"};
    QTest::newRow("stream false") << R"({"stream":false,"messages":[{"role":"user","content":"hi"}]})" << "k1"
                                  << "/models/gemini-2.5-flash:generateContent" << QStringList{"x-goog-api-key: k1"};
    QTest::newRow("no key, no header") << plain << "" << "/models/gemini-2.5-flash:generateContent" << QStringList{};
}

void GeminiDialectTest::chatRequestTargetAndHeaders()
{
    QFETCH(QString, chat);
    QFETCH(QString, apiKey);
    QFETCH(QString, target);
    QFETCH(QStringList, headers);
    ProviderConfig provider = testProvider();
    provider.apiKey = apiKey.toStdString();
    const auto call = dialect.chatCall(parse(chat), {provider, "gemini-2.5-flash"});
    QCOMPARE(QString::fromStdString(call.target), target);
    QStringList actualHeaders;
    for (const auto& [name, value] : call.headers)
        actualHeaders << QString::fromStdString(name + ": " + value);
    QCOMPARE(actualHeaders, headers);
}

void GeminiDialectTest::chatRequestRefused_data()
{
    QTest::addColumn<QString>("chat");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("https image") << R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png"}}]}]})"
                                 << "messages" << "does not download client URLs";
    QTest::newRow("http image as string") << R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":"http://x.test/a.png"}]}]})"
                                          << "messages" << "does not download client URLs";
    QTest::newRow("data URL not base64") << R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}]})"
                                         << "messages" << "base64 data URLs";
    QTest::newRow("file id") << R"({"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]})"
                             << "messages" << "uploaded file ids";
    QTest::newRow("image in system") << R"({"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}]})"
                                     << "messages" << "image_url";
    QTest::newRow("unknown role") << R"({"messages":[{"role":"function","content":"x"}]})" << "messages" << "role 'function'";
    QTest::newRow("tool result without call") << R"({"messages":[{"role":"tool","tool_call_id":"call_x","content":"1"}]})"
                                              << "messages" << "call_x";
    QTest::newRow("arguments not an object")
        << R"({"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]})"
        << "messages" << "not a JSON object";
    QTest::newRow("non-function tool") << R"({"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search"}]})" << "tools"
                                       << "web_search";
    QTest::newRow("bad tool_choice") << R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":"sometimes","tools":[{"type":"function","function":{"name":"f"}}]})"
                                     << "tool_choice" << "tool_choice must be";
    QTest::newRow("logprobs") << R"({"messages":[{"role":"user","content":"hi"}],"logprobs":true})" << "logprobs" << "log probabilities";
    QTest::newRow("logit_bias") << R"({"messages":[{"role":"user","content":"hi"}],"logit_bias":{"50256":-100}})" << "logit_bias" << "logit_bias";
    QTest::newRow("json_schema without schema") << R"({"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x"}}})"
                                                << "response_format" << "json_schema.schema";
    QTest::newRow("unknown response_format") << R"({"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}})"
                                             << "response_format" << "'yaml'";
    QTest::newRow("stop not text") << R"({"messages":[{"role":"user","content":"hi"}],"stop":[1]})" << "stop" << "stop must be";
    QTest::newRow("max_tokens zero") << R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":0})" << "max_tokens" << "positive integer";
    QTest::newRow("temperature text") << R"({"messages":[{"role":"user","content":"hi"}],"temperature":"hot"})" << "temperature" << "number";
    QTest::newRow("n fraction") << R"({"messages":[{"role":"user","content":"hi"}],"n":1.5})" << "n" << "integer";
    QTest::newRow("unknown reasoning_effort") << R"({"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"max"})" << "reasoning_effort"
                                              << "reasoning_effort must be";
}

void GeminiDialectTest::chatRequestRefused()
{
    QFETCH(QString, chat);
    QFETCH(QString, param);
    QFETCH(QString, messagePart);
    const auto error = translationErrorOf([&] { dialect.chatCall(parse(chat), testTarget()); });
    QVERIFY(error);
    QCOMPARE(error->status, 400);
    QCOMPARE(QString::fromStdString(error->type), QString("invalid_request_error"));
    QCOMPARE(QString::fromStdString(error->param), param);
    QVERIFY2(QString::fromStdString(error->message).contains(messagePart), error->message.c_str());
}

// ---------------------------------------------------------------------------------------------
// Chat response.

void GeminiDialectTest::chatResponse_data()
{
    QTest::addColumn<QString>("answer");
    QTest::addColumn<QString>("completion");

    QTest::newRow("text")
        << R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"},{"text":"lo"}]},"finishReason":"STOP","index":0}],
               "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7},
               "modelVersion":"gemini-2.5-flash-001","responseId":"r1"})"
        << R"({"id":"chatcmpl-r1","object":"chat.completion","model":"gemini-2.5-flash-001",
               "choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],
               "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})";
    QTest::newRow("function calls, with a thought signature")
        << R"({"candidates":[{"content":{"role":"model","parts":[
                 {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"},
                 {"functionCall":{"name":"get_time"}}]},"finishReason":"STOP"}],
               "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":12},"responseId":"r2"})"
        << R"({"id":"chatcmpl-r2","object":"chat.completion","model":"gemini-2.5-flash",
               "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                 {"id":"call_r2_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
                  "extra_content":{"google":{"thought_signature":"c2ln"}}},
                 {"id":"call_r2_1","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
               "usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}})";
    QTest::newRow("thoughts, cached prompt, tool-use prompt")
        << R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Let me think.","thought":true},{"text":"42"}]},"finishReason":"STOP"}],
               "usageMetadata":{"promptTokenCount":100,"cachedContentTokenCount":60,"toolUsePromptTokenCount":4,"candidatesTokenCount":3,
                                "thoughtsTokenCount":20,"totalTokenCount":127},"responseId":"r3"})"
        << R"({"id":"chatcmpl-r3","object":"chat.completion","model":"gemini-2.5-flash",
               "choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning_content":"Let me think."},"finish_reason":"stop"}],
               "usage":{"prompt_tokens":104,"completion_tokens":23,"total_tokens":127,"prompt_tokens_details":{"cached_tokens":60},
                        "completion_tokens_details":{"reasoning_tokens":20}}})";
    QTest::newRow("two candidates")
        << R"({"candidates":[{"content":{"parts":[{"text":"A"}]},"finishReason":"STOP"},
                             {"content":{"parts":[{"text":"B"}]},"finishReason":"MAX_TOKENS","index":1}],"responseId":"r4"})"
        << R"({"id":"chatcmpl-r4","object":"chat.completion","model":"gemini-2.5-flash",
               "choices":[{"index":0,"message":{"role":"assistant","content":"A"},"finish_reason":"stop"},
                          {"index":1,"message":{"role":"assistant","content":"B"},"finish_reason":"length"}],
               "usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}})";
    QTest::newRow("filtered answer has no content")
        << R"({"candidates":[{"finishReason":"SAFETY","safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"HIGH"}]}],
               "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"responseId":"r5"})"
        << R"({"id":"chatcmpl-r5","object":"chat.completion","model":"gemini-2.5-flash",
               "choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}],
               "usage":{"prompt_tokens":9,"completion_tokens":0,"total_tokens":9}})";
}

void GeminiDialectTest::chatResponse()
{
    QFETCH(QString, answer);
    QFETCH(QString, completion);
    const auto actual = dialect.chatResponse(parse(answer), testTarget());
    QCOMPARE(canonical(withoutCreated(actual)), canonical(completion));
}

void GeminiDialectTest::finishReasons_data()
{
    QTest::addColumn<QString>("geminiReason");
    QTest::addColumn<bool>("calledFunction");
    QTest::addColumn<QString>("openAiReason");

    QTest::newRow("STOP") << "STOP" << false << "stop";
    QTest::newRow("STOP after a call") << "STOP" << true << "tool_calls";
    QTest::newRow("MAX_TOKENS") << "MAX_TOKENS" << false << "length";
    QTest::newRow("MAX_TOKENS during a call") << "MAX_TOKENS" << true << "length";
    for (const char* filtered : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"})
        QTest::newRow(filtered) << filtered << false << "content_filter";
    for (const char* other : {"OTHER", "LANGUAGE", "MALFORMED_FUNCTION_CALL", "FINISH_REASON_UNSPECIFIED", ""})
        QTest::newRow(*other ? other : "absent") << other << false << "stop";
}

void GeminiDialectTest::finishReasons()
{
    QFETCH(QString, geminiReason);
    QFETCH(bool, calledFunction);
    QFETCH(QString, openAiReason);
    Json candidate = {{"content", {{"parts", Json::array({{{"text", "x"}}})}}}};
    if (calledFunction)
        candidate["content"]["parts"].push_back({{"functionCall", {{"name", "f"}, {"args", Json::object()}}}});
    if (!geminiReason.isEmpty())
        candidate["finishReason"] = geminiReason.toStdString();
    const auto completion = dialect.chatResponse({{"candidates", Json::array({candidate})}, {"responseId", "r"}}, testTarget());
    QCOMPARE(QString::fromStdString(completion["choices"][0]["finish_reason"].get<std::string>()), openAiReason);
}

void GeminiDialectTest::chatResponseRefused_data()
{
    QTest::addColumn<QString>("answer");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("blocked prompt") << R"({"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":8}})"
                                    << 400 << "content_filter" << "blocked the prompt (SAFETY)";
    QTest::newRow("blocked prompt, empty candidates") << R"({"candidates":[],"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}})"
                                                      << 400 << "content_filter" << "PROHIBITED_CONTENT";
    QTest::newRow("no candidates, no reason") << R"({"usageMetadata":{"promptTokenCount":8}})" << 502 << "upstream_error" << "no candidates";
    QTest::newRow("not an object") << R"([1])" << 502 << "upstream_error" << "not a response";
}

void GeminiDialectTest::chatResponseRefused()
{
    QFETCH(QString, answer);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, messagePart);
    const auto error = translationErrorOf([&] { dialect.chatResponse(parse(answer), testTarget()); });
    QVERIFY(error);
    QCOMPARE(error->status, status);
    QCOMPARE(QString::fromStdString(error->code), code);
    QVERIFY2(QString::fromStdString(error->message).contains(messagePart), error->message.c_str());
}

void GeminiDialectTest::generatedIdsWhenResponseHasNone()
{
    const auto answer = parse(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"}]})");
    const auto first = dialect.chatResponse(answer, testTarget());
    const auto second = dialect.chatResponse(answer, testTarget());
    const auto id = first["id"].get<std::string>();
    QVERIFY2(id.rfind("chatcmpl-", 0) == 0 && id.size() > 9, id.c_str());
    QVERIFY(first["id"] != second["id"]);
    // Tool call ids derive from the response id, so they stay unique in the conversation.
    QCOMPARE(first["choices"][0]["message"]["tool_calls"][0]["id"].get<std::string>(), "call_" + id.substr(9) + "_0");
}

// ---------------------------------------------------------------------------------------------
// Stream.

void GeminiDialectTest::stream_data()
{
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<QString>("chunks");
    QTest::addColumn<bool>("finished");
    QTest::addColumn<QString>("usage"); // OpenAI-shaped, or null when none was reported

    QTest::newRow("text in several events, usage last")
        << QStringList{
               R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}],
                   "usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},"modelVersion":"gemini-2.5-flash-001","responseId":"r1"})",
               R"({"candidates":[{"content":{"role":"model","parts":[{"text":"lo"}]}}],"modelVersion":"gemini-2.5-flash-001","responseId":"r1"})",
               R"({"candidates":[{"content":{"role":"model","parts":[{"text":"!"}]},"finishReason":"STOP"}],
                   "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},"modelVersion":"gemini-2.5-flash-001","responseId":"r1"})"}
        << R"([{"id":"chatcmpl-r1","object":"chat.completion.chunk","model":"gemini-2.5-flash-001",
                "choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]},
               {"id":"chatcmpl-r1","object":"chat.completion.chunk","model":"gemini-2.5-flash-001",
                "choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]},
               {"id":"chatcmpl-r1","object":"chat.completion.chunk","model":"gemini-2.5-flash-001",
                "choices":[{"index":0,"delta":{"content":"!"},"finish_reason":null}]},
               {"id":"chatcmpl-r1","object":"chat.completion.chunk","model":"gemini-2.5-flash-001",
                "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]},
               {"id":"chatcmpl-r1","object":"chat.completion.chunk","model":"gemini-2.5-flash-001","choices":[],
                "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}])"
        << true << R"({"prompt_tokens":5,"completion_tokens":3,"total_tokens":8})";
    QTest::newRow("function call in one piece")
        << QStringList{
               R"({"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"}]},
                   "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":6,"thoughtsTokenCount":10},"responseId":"r2"})"}
        << R"([{"id":"chatcmpl-r2","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_r2_0","type":"function",
                  "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"},"extra_content":{"google":{"thought_signature":"c2ln"}}}]},
                  "finish_reason":null}]},
               {"id":"chatcmpl-r2","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]},
               {"id":"chatcmpl-r2","object":"chat.completion.chunk","model":"gemini-2.5-flash","choices":[],
                "usage":{"prompt_tokens":20,"completion_tokens":16,"total_tokens":36,"completion_tokens_details":{"reasoning_tokens":10}}}])"
        << true << R"({"prompt_tokens":20,"completion_tokens":16,"total_tokens":36,"completion_tokens_details":{"reasoning_tokens":10}})";
    QTest::newRow("calls across events keep counting")
        << QStringList{R"({"candidates":[{"content":{"parts":[{"text":"Checking."},{"functionCall":{"name":"a","args":{}}}]}}],"responseId":"r3"})",
               R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"b","args":{"x":1}}}]},"finishReason":"STOP"}],"responseId":"r3"})"}
        << R"([{"id":"chatcmpl-r3","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"role":"assistant","content":"Checking.","tool_calls":[
                  {"index":0,"id":"call_r3_0","type":"function","function":{"name":"a","arguments":"{}"}}]},"finish_reason":null}]},
               {"id":"chatcmpl-r3","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"tool_calls":[
                  {"index":1,"id":"call_r3_1","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}]},"finish_reason":null}]},
               {"id":"chatcmpl-r3","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}])"
        << true << "null";
    QTest::newRow("thoughts, then an empty finishing event")
        << QStringList{R"({"candidates":[{"content":{"parts":[{"text":"Hmm.","thought":true}]}}],"responseId":"r4"})",
               R"({"candidates":[{"content":{"parts":[{"text":"Yes."}]}}],"responseId":"r4"})",
               R"({"candidates":[{"content":{"parts":[{"text":""}]},"finishReason":"MAX_TOKENS"}],"responseId":"r4",
                   "usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":1,"thoughtsTokenCount":1}})"}
        << R"([{"id":"chatcmpl-r4","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Hmm."},"finish_reason":null}]},
               {"id":"chatcmpl-r4","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"content":"Yes."},"finish_reason":null}]},
               {"id":"chatcmpl-r4","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{},"finish_reason":"length"}]},
               {"id":"chatcmpl-r4","object":"chat.completion.chunk","model":"gemini-2.5-flash","choices":[],
                "usage":{"prompt_tokens":2,"completion_tokens":2,"total_tokens":4,"completion_tokens_details":{"reasoning_tokens":1}}}])"
        << true << R"({"prompt_tokens":2,"completion_tokens":2,"total_tokens":4,"completion_tokens_details":{"reasoning_tokens":1}})";
    QTest::newRow("filtered at once: the finish chunk names the role")
        << QStringList{R"({"candidates":[{"finishReason":"SAFETY"}],"responseId":"r5"})"}
        << R"([{"id":"chatcmpl-r5","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":"content_filter"}]}])"
        << true << "null";
    QTest::newRow("unfinished")
        << QStringList{R"({"candidates":[{"content":{"parts":[{"text":"Hi"}]}}],"responseId":"r6","usageMetadata":{"promptTokenCount":3}})"}
        << R"([{"id":"chatcmpl-r6","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}])"
        << false << R"({"prompt_tokens":3,"completion_tokens":0,"total_tokens":3})";
    QTest::newRow("usage without counts is no usage")
        << QStringList{R"({"candidates":[{"content":{"parts":[{"text":"Hi"}]}}],"responseId":"r8","usageMetadata":{"trafficType":"ON_DEMAND"}})"}
        << R"([{"id":"chatcmpl-r8","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}])"
        << false << "null";
    QTest::newRow("two candidates: done when both are")
        << QStringList{R"({"candidates":[{"content":{"parts":[{"text":"A"}]},"finishReason":"STOP"},{"content":{"parts":[{"text":"B"}]},"index":1}],"responseId":"r7"})"}
        << R"([{"id":"chatcmpl-r7","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{"role":"assistant","content":"A"},"finish_reason":null}]},
               {"id":"chatcmpl-r7","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]},
               {"id":"chatcmpl-r7","object":"chat.completion.chunk","model":"gemini-2.5-flash",
                "choices":[{"index":1,"delta":{"role":"assistant","content":"B"},"finish_reason":null}]}])"
        << false << "null";
}

void GeminiDialectTest::stream()
{
    QFETCH(QStringList, events);
    QFETCH(QString, chunks);
    QFETCH(bool, finished);
    QFETCH(QString, usage);
    auto decoder = dialect.chatStream(testTarget());
    Json actual = Json::array();
    for (const auto& data : events) {
        for (auto& chunk : decoder->onEvent({"", data.toStdString()}))
            actual.push_back(withoutCreated(std::move(chunk)));
    }
    QCOMPARE(canonical(actual), canonical(chunks));
    QCOMPARE(decoder->finished(), finished);
    const auto reported = decoder->usage();
    QCOMPARE(reported ? canonical(openAiUsageJson(*reported)) : QString("null"), canonical(usage));
}

void GeminiDialectTest::streamErrors_data()
{
    QTest::addColumn<QString>("data");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("overloaded") << R"({"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}})" << 503
                                << "upstream_503" << "The model is overloaded.";
    QTest::newRow("status without code") << R"({"error":{"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}})" << 429
                                         << "rate_limit_exceeded" << "Quota exceeded.";
    QTest::newRow("unknown error") << R"({"error":{"message":"Odd."}})" << 502 << "upstream_502" << "Odd.";
    QTest::newRow("blocked prompt") << R"({"promptFeedback":{"blockReason":"OTHER"},"responseId":"r"})" << 400 << "content_filter"
                                    << "blocked the prompt (OTHER)";
    QTest::newRow("not JSON") << "<html>" << 502 << "upstream_error" << "<html>";
}

void GeminiDialectTest::streamErrors()
{
    QFETCH(QString, data);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, messagePart);
    auto decoder = dialect.chatStream(testTarget());
    decoder->onEvent({"", R"({"candidates":[{"content":{"parts":[{"text":"Hi"}]}}],"responseId":"r"})"});
    const auto error = translationErrorOf([&] { decoder->onEvent({"", data.toStdString()}); });
    QVERIFY(error);
    QCOMPARE(error->status, status);
    QCOMPARE(QString::fromStdString(error->code), code);
    QVERIFY2(QString::fromStdString(error->message).contains(messagePart), error->message.c_str());
    QVERIFY(!decoder->finished());
}

// ---------------------------------------------------------------------------------------------
// Embeddings.

void GeminiDialectTest::embeddingsRequest_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("body");

    QTest::newRow("one text") << R"({"model":"e","input":"hello"})"
                              << R"({"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello"}]}}]})";
    QTest::newRow("texts and dimensions") << R"({"model":"e","input":["a","b"],"dimensions":768,"encoding_format":"float","user":"u"})"
                                          << R"({"requests":[
                                                   {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"outputDimensionality":768},
                                                   {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"outputDimensionality":768}]})";
    QTest::newRow("base64 asked") << R"({"model":"e","input":"x","encoding_format":"base64"})"
                                  << R"({"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"x"}]}}]})";
}

void GeminiDialectTest::embeddingsRequest()
{
    QFETCH(QString, request);
    QFETCH(QString, body);
    const auto call = dialect.embeddingsCall(parse(request), {testProvider(), "gemini-embedding-001"});
    QCOMPARE(QString::fromStdString(call.target), QString("/models/gemini-embedding-001:batchEmbedContents"));
    QCOMPARE(call.headers.size(), std::size_t(1));
    QCOMPARE(call.headers[0].first, std::string("x-goog-api-key"));
    QCOMPARE(canonical(Json::parse(call.body)), canonical(body));
}

void GeminiDialectTest::embeddingsRefused_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("param");

    QTest::newRow("token ids") << R"({"model":"e","input":[15339,1917]})" << "input";
    QTest::newRow("token id arrays") << R"({"model":"e","input":[[15339],[1917]]})" << "input";
    QTest::newRow("empty array") << R"({"model":"e","input":[]})" << "input";
    QTest::newRow("missing input") << R"({"model":"e"})" << "input";
    QTest::newRow("unknown encoding") << R"({"model":"e","input":"x","encoding_format":"hex"})" << "encoding_format";
    QTest::newRow("dimensions zero") << R"({"model":"e","input":"x","dimensions":0})" << "dimensions";
}

void GeminiDialectTest::embeddingsRefused()
{
    QFETCH(QString, request);
    QFETCH(QString, param);
    const auto error = translationErrorOf([&] { dialect.embeddingsCall(parse(request), testTarget()); });
    QVERIFY(error);
    QCOMPARE(error->status, 400);
    QCOMPARE(QString::fromStdString(error->param), param);
}

void GeminiDialectTest::embeddingsResponse_data()
{
    QTest::addColumn<QString>("answer");
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("response");

    // 4 + 5 bytes of text: an estimated ceil(9 / 4) = 3 tokens.
    QTest::newRow("floats, tokens estimated")
        << R"({"embeddings":[{"values":[0.5,-0.25]},{"values":[1.0,0.0]}]})" << R"({"model":"e","input":["abcd","hello"]})"
        << R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25]},{"object":"embedding","index":1,"embedding":[1.0,0.0]}],
               "model":"gemini-embedding-001","usage":{"prompt_tokens":3,"total_tokens":3}})";
    QTest::newRow("base64 of little-endian float32")
        << R"({"embeddings":[{"values":[1.0,-2.0]},{"values":[0.5,0.25,-1.5]}]})" << R"({"model":"e","input":["a","b"],"encoding_format":"base64"})"
        << R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":"AACAPwAAAMA="},{"object":"embedding","index":1,"embedding":"AAAAPwAAgD4AAMC/"}],
               "model":"gemini-embedding-001","usage":{"prompt_tokens":1,"total_tokens":1}})";
    QTest::newRow("reported tokens beat the estimate")
        << R"({"embeddings":[{"values":[0.1]}],"usageMetadata":{"promptTokenCount":11}})" << R"({"model":"e","input":"hello there"})"
        << R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1]}],"model":"gemini-embedding-001",
               "usage":{"prompt_tokens":11,"total_tokens":11}})";
}

void GeminiDialectTest::embeddingsResponse()
{
    QFETCH(QString, answer);
    QFETCH(QString, request);
    QFETCH(QString, response);
    const auto actual = dialect.embeddingsResponse(parse(answer), parse(request), {testProvider(), "gemini-embedding-001"});
    QCOMPARE(canonical(actual), canonical(response));
}

// ---------------------------------------------------------------------------------------------
// Errors.

void GeminiDialectTest::errors_data()
{
    QTest::addColumn<int>("upstreamStatus");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("API key invalid")
        << 400
        << R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
               "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}})"
        << 502 << "upstream_error" << "upstream_auth_failed" << "API key not valid";
    QTest::newRow("API key invalid, named in the message")
        << 400 << R"([{"error":{"code":400,"message":"API_KEY_INVALID: key expired","status":"INVALID_ARGUMENT"}}])" << 502 << "upstream_error"
        << "upstream_auth_failed" << "key expired";
    QTest::newRow("permission denied") << 403 << R"({"error":{"code":403,"message":"Method doesn't allow unregistered callers.","status":"PERMISSION_DENIED"}})"
                                       << 502 << "upstream_error" << "upstream_auth_failed" << "unregistered callers";
    QTest::newRow("bad argument") << 400 << R"({"error":{"code":400,"message":"Invalid value at 'contents'.","status":"INVALID_ARGUMENT"}})" << 400
                                  << "invalid_request_error" << "invalid_argument" << "Invalid value at 'contents'.";
    QTest::newRow("precondition") << 400 << R"({"error":{"code":400,"message":"User location is not supported.","status":"FAILED_PRECONDITION"}})"
                                  << 400 << "invalid_request_error" << "failed_precondition" << "User location is not supported.";
    QTest::newRow("model not found") << 404 << R"({"error":{"code":404,"message":"models/x is not found.","status":"NOT_FOUND"}})" << 404
                                     << "invalid_request_error" << "not_found" << "models/x is not found.";
    QTest::newRow("quota") << 429 << R"({"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}})"
                           << 429 << "rate_limit_error" << "rate_limit_exceeded" << "Resource has been exhausted (e.g. check quota).";
    QTest::newRow("internal") << 500 << R"({"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}})" << 500
                              << "upstream_error" << "upstream_500" << "An internal error has occurred.";
    QTest::newRow("unavailable") << 503 << R"({"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}})" << 503
                                 << "upstream_error" << "upstream_503" << "The model is overloaded.";
    QTest::newRow("unknown status name") << 400 << R"({"error":{"code":400,"message":"Odd.","status":"SOMETHING_NEW"}})" << 400
                                         << "invalid_request_error" << "upstream_400" << "Odd.";
    QTest::newRow("not JSON") << 502 << "<html><body>Bad Gateway</body></html>" << 502 << "upstream_error" << "upstream_502"
                              << "<html><body>Bad Gateway</body></html>";
}

void GeminiDialectTest::errors()
{
    QFETCH(int, upstreamStatus);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, messagePart);
    const auto error = dialect.error(upstreamStatus, body.toStdString(), testTarget());
    QCOMPARE(error.status, status);
    QCOMPARE(QString::fromStdString(error.type), type);
    QCOMPARE(QString::fromStdString(error.code), code);
    const auto message = QString::fromStdString(error.message);
    QVERIFY2(message.contains("Provider 'gem'") && message.contains(messagePart), error.message.c_str());
}

void GeminiDialectTest::longNonJsonErrorIsCut()
{
    const std::string head(300, 'x');
    const auto error = dialect.error(502, head + "TAIL", testTarget());
    QVERIFY2(error.message.find(head) != std::string::npos, error.message.c_str());
    QVERIFY2(error.message.find("TAIL") == std::string::npos, error.message.c_str());
}

QTEST_GUILESS_MAIN(GeminiDialectTest)
#include "GeminiDialectTest.moc"
