// The response cache: request keys (what makes two requests the same), the byte-bounded LRU, TTLs
// on an injected clock, the request controls, and the SSE replay of a stored answer.
#include "ingress/AnswerEncoder.h"
#include "json/Json.h"
#include "mock/MockCompletion.h"
#include "policy/CacheKey.h"
#include "policy/ResponseCache.h"
#include "sse/SseParser.h"

#include <QtTest>

#include <atomic>
#include <map>
#include <thread>

using namespace gatehouse;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(std::string)

namespace {

class ManualClock {
public:
    std::chrono::steady_clock::time_point now() const { return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(m_ns.load())); }
    void advance(std::chrono::nanoseconds by) { m_ns += by.count(); }
    ResponseCache::Clock function()
    {
        return [this] { return now(); };
    }

private:
    std::atomic<int64_t> m_ns{1'000'000'000};
};

CacheKey keyOf(std::string_view body, std::string_view model = "gpt-4o", IngressApi api = IngressApi::ChatCompletions, std::string_view scope = "acme")
{
    const auto key = cacheKeyFor({api, scope, model, body});
    if (!key)
        qFatal("no cache key for %s", std::string(body).c_str());
    return *key;
}

CacheKey numberedKey(int i)
{
    return keyOf(R"({"messages":[{"role":"user","content":"question )" + std::to_string(i) + R"("}]})");
}

CachedAnswer answerOfSize(std::size_t bodyBytes, double cost = 0.01)
{
    return CachedAnswer{std::string(bodyBytes, 'x'), TokenUsage{10, 20}, cost};
}

// What a client assembles from a chat.completion.chunk stream.
struct Assembled {
    std::string role;
    std::string content;
    std::string finishReason;
    Json toolCalls = Json::array();
    std::optional<Json> usage;
    int chunksWithUsageNull = 0;
    int chunks = 0;
    bool done = false;
    bool eventsAfterDone = false;
};

Assembled assemble(const std::string& sse)
{
    Assembled out;
    SseParser parser;
    // Fed in small pieces, as a client reads them.
    std::vector<SseEvent> events;
    for (std::size_t i = 0; i < sse.size(); i += 7) {
        auto got = parser.feed(std::string_view(sse).substr(i, 7));
        events.insert(events.end(), got.begin(), got.end());
    }
    if (parser.hasPartialEvent())
        qFatal("the replay ends inside an event");
    for (const auto& event : events) {
        if (out.done) {
            out.eventsAfterDone = true;
            continue;
        }
        if (event.data == "[DONE]") {
            out.done = true;
            continue;
        }
        const Json chunk = Json::parse(event.data);
        ++out.chunks;
        if (chunk.value("object", "") != "chat.completion.chunk")
            qFatal("not a chunk: %s", event.data.c_str());
        if (chunk.contains("usage")) {
            if (chunk["usage"].is_null())
                ++out.chunksWithUsageNull;
            else
                out.usage = chunk["usage"];
        }
        for (const auto& choice : chunk["choices"]) {
            const auto& delta = choice["delta"];
            if (delta.contains("role"))
                out.role = delta["role"].get<std::string>();
            if (delta.contains("content") && delta["content"].is_string())
                out.content += delta["content"].get<std::string>();
            if (delta.contains("tool_calls")) {
                for (const auto& call : delta["tool_calls"]) {
                    const auto index = call["index"].get<std::size_t>();
                    while (out.toolCalls.size() <= index)
                        out.toolCalls.push_back(Json{{"id", ""}, {"type", ""}, {"function", {{"name", ""}, {"arguments", ""}}}});
                    auto& assembled = out.toolCalls[index];
                    if (call.contains("id"))
                        assembled["id"] = call["id"];
                    if (call.contains("type"))
                        assembled["type"] = call["type"];
                    if (call.contains("function")) {
                        if (call["function"].contains("name"))
                            assembled["function"]["name"] = call["function"]["name"];
                        if (call["function"].contains("arguments"))
                            assembled["function"]["arguments"] = assembled["function"]["arguments"].get<std::string>() + call["function"]["arguments"].get<std::string>();
                    }
                }
            }
            if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
                out.finishReason = choice["finish_reason"].get<std::string>();
        }
    }
    return out;
}

// Built as JSON rather than written as a literal: moc misreads \" inside raw string literals.
std::string toolCompletion()
{
    const auto call = [](const char* id, const char* name, const Json& arguments) {
        return Json{{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments.dump()}}}};
    };
    const Json message{{"role", "assistant"}, {"content", nullptr},
        {"tool_calls", Json::array({call("call_a", "get_weather", Json{{"city", "Paris"}}), call("call_b", "get_time", Json{{"zone", "CET"}})})}};
    return Json{{"id", "chatcmpl-1"}, {"object", "chat.completion"}, {"created", 1700000000}, {"model", "gpt-4o-2024-08-06"},
        {"choices", Json::array({Json{{"index", 0}, {"message", message}, {"logprobs", nullptr}, {"finish_reason", "tool_calls"}}})},
        {"usage", {{"prompt_tokens", 50}, {"completion_tokens", 30}, {"total_tokens", 80}}}, {"system_fingerprint", "fp_1"}}
        .dump();
}

} // namespace

class ResponseCacheTest : public QObject {
    Q_OBJECT
private slots:
    // --- Keys ---

    void keysAreEqualExactlyWhenTheAnswerWouldBe_data()
    {
        QTest::addColumn<std::string>("a");
        QTest::addColumn<std::string>("b");
        QTest::addColumn<bool>("same");
        const std::string base = R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":0.5})";
        QTest::newRow("identical") << base << base << true;
        QTest::newRow("key order") << base << std::string(R"({"temperature":0.5,"messages":[{"content":"Hi","role":"user"}],"model":"gpt-4o"})") << true;
        QTest::newRow("whitespace") << base
                                    << std::string("{\n  \"model\" : \"gpt-4o\",\n\t\"messages\": [ { \"role\": \"user\", \"content\": \"Hi\" } ],\r\n \"temperature\": 0.5 }\n")
                                    << true;
        QTest::newRow("streamed and not") << base
                                          << std::string(R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}],"temperature":0.5})")
                                          << true;
        QTest::newRow("who asks") << base
                                  << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":0.5,"user":"u-42","metadata":{"session":"s"},"store":true,"service_tier":"auto","safety_identifier":"x","prompt_cache_key":"k"})")
                                  << true;
        QTest::newRow("the body's model spelling") << base << std::string(R"({"model":"other","messages":[{"role":"user","content":"Hi"}],"temperature":0.5})") << true;
        QTest::newRow("number spelling 0.5") << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":0.50})") << true;
        QTest::newRow("number spelling 5e-1") << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":5e-1})") << true;
        QTest::newRow("integral 1 and 1.0")
            << std::string(R"({"messages":[],"temperature":1,"max_tokens":100})") << std::string(R"({"messages":[],"temperature":1.0,"max_tokens":1e2})") << true;
        QTest::newRow("unicode escapes") << std::string(R"({"messages":[{"role":"user","content":"café"}]})")
                                         << std::string(R"({"messages":[{"role":"user","content":"caf\u00e9"}]})") << true;
        QTest::newRow("nested key order in tools")
            << std::string(R"({"messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]})")
            << std::string(R"({"tools":[{"function":{"parameters":{"properties":{"a":{"type":"string"}},"type":"object"},"name":"f"},"type":"function"}],"messages":[]})")
            << true;

        QTest::newRow("content") << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi!"}],"temperature":0.5})") << false;
        QTest::newRow("whitespace inside a string") << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi "}],"temperature":0.5})") << false;
        QTest::newRow("role") << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"system","content":"Hi"}],"temperature":0.5})") << false;
        QTest::newRow("message order")
            << std::string(R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]})")
            << std::string(R"({"messages":[{"role":"user","content":"b"},{"role":"user","content":"a"}]})") << false;
        QTest::newRow("content parts instead of a string")
            << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"temperature":0.5})") << false;
        QTest::newRow("temperature") << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":0.7})") << false;
        QTest::newRow("no temperature") << base << std::string(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]})") << false;
        const std::string prefix = R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":0.5,)";
        QTest::newRow("top_p") << base << prefix + R"("top_p":0.9})" << false;
        QTest::newRow("max_tokens") << base << prefix + R"("max_tokens":10})" << false;
        QTest::newRow("max_completion_tokens") << base << prefix + R"("max_completion_tokens":10})" << false;
        QTest::newRow("stop") << base << prefix + R"("stop":["\n"]})" << false;
        QTest::newRow("seed") << base << prefix + R"("seed":7})" << false;
        QTest::newRow("n") << base << prefix + R"("n":2})" << false;
        QTest::newRow("tools") << base << prefix + R"("tools":[{"type":"function","function":{"name":"f"}}]})" << false;
        QTest::newRow("tool_choice") << base << prefix + R"("tool_choice":"required"})" << false;
        QTest::newRow("response_format") << base << prefix + R"("response_format":{"type":"json_object"}})" << false;
        QTest::newRow("an unknown field counts") << base << prefix + R"("top_k":40})" << false;
        QTest::newRow("a nested user field counts")
            << std::string(R"({"messages":[{"role":"user","content":"Hi"}]})") << std::string(R"({"messages":[{"role":"user","content":"Hi","name":"bob"}]})") << false;
        QTest::newRow("string vs number") << std::string(R"({"messages":[],"seed":1})") << std::string(R"({"messages":[],"seed":"1"})") << false;
        QTest::newRow("true vs 1") << std::string(R"({"messages":[],"logprobs":true})") << std::string(R"({"messages":[],"logprobs":1})") << false;
        QTest::newRow("null vs absent") << std::string(R"({"messages":[],"stop":null})") << std::string(R"({"messages":[]})") << false;
    }

    void keysAreEqualExactlyWhenTheAnswerWouldBe()
    {
        QFETCH(std::string, a);
        QFETCH(std::string, b);
        QFETCH(bool, same);
        QCOMPARE(keyOf(a) == keyOf(b), same);
    }

    void modelApiAndScopeArePartOfTheKey()
    {
        const std::string body = R"({"messages":[{"role":"user","content":"Hi"}]})";
        const auto key = keyOf(body);
        QVERIFY(!(key == keyOf(body, "gpt-4o-mini")));
        QVERIFY(!(key == keyOf(body, "gpt-4o", IngressApi::Messages)));
        QVERIFY(!(key == keyOf(body, "gpt-4o", IngressApi::ChatCompletions, "other-tenant")));
        // Fields cannot run into each other: the parts are JSON strings, not concatenated.
        QVERIFY(!(keyOf(body, "ab", IngressApi::ChatCompletions, "c") == keyOf(body, "b", IngressApi::ChatCompletions, "ca")));
    }

    void theCanonicalFormIsDocumented()
    {
        const auto text = canonicalCacheKeyText({IngressApi::ChatCompletions, "acme", "gpt-4o",
            R"({ "stream": true, "temperature": 1.0, "messages": [ {"role": "user", "content": "Hi"} ], "model": "x", "b": 0.25, "a": -0.0 })"});
        QVERIFY(text);
        QCOMPARE(*text, std::string(R"(["gatehouse-cache-v1","chat.completions","acme","gpt-4o",{"a":0,"b":0.25,"messages":[{"content":"Hi","role":"user"}],"temperature":1}])"));
        QCOMPARE(keyOf(R"({"messages":[]})").hex().size(), std::size_t(64));
    }

    void bodiesThatAreNotObjectsHaveNoKey_data()
    {
        QTest::addColumn<std::string>("body");
        QTest::newRow("empty") << std::string();
        QTest::newRow("not json") << std::string("{\"messages\":");
        QTest::newRow("array") << std::string("[1,2]");
        QTest::newRow("string") << std::string("\"hi\"");
    }

    void bodiesThatAreNotObjectsHaveNoKey()
    {
        QFETCH(std::string, body);
        QVERIFY(!cacheKeyFor({IngressApi::ChatCompletions, "", "m", body}));
    }

    // --- Storage ---

    void storesAndSharesTheAnswer()
    {
        ResponseCache cache({1 << 20, 4});
        const auto key = numberedKey(1);
        QVERIFY(!cache.lookup(key));
        QVERIFY(cache.insert(key, CachedAnswer{"{\"id\":\"a\"}", TokenUsage{3, 4}, 0.25}, 60s));
        const auto hit = cache.lookup(key);
        QVERIFY(hit);
        QCOMPARE(hit->body, std::string("{\"id\":\"a\"}"));
        QCOMPARE(hit->usage.promptTokens, int64_t(3));
        QCOMPARE(hit->usage.completionTokens, int64_t(4));
        QCOMPARE(hit->costUsd, 0.25);
        const auto counters = cache.counters();
        QCOMPARE(counters.hits, uint64_t(1));
        QCOMPARE(counters.misses, uint64_t(1));
        QCOMPARE(counters.inserts, uint64_t(1));
        QCOMPARE(counters.entries, uint64_t(1));
        QCOMPARE(counters.bytes, uint64_t(ResponseCache::entryBytes(*hit)));
    }

    void evictsTheLeastRecentlyUsedByBytes()
    {
        const auto entry = ResponseCache::entryBytes(answerOfSize(1000));
        QCOMPARE(entry, sizeof(CacheKey) + 1000 + ResponseCache::kEntryOverheadBytes);
        ResponseCache cache({3 * entry + entry / 2, 1}); // room for three entries of this size
        for (int i = 0; i < 3; ++i)
            QVERIFY(cache.insert(numberedKey(i), answerOfSize(1000), 60s));
        QVERIFY(cache.lookup(numberedKey(0))); // 0 is now the most recently used; 1 the least
        QVERIFY(cache.insert(numberedKey(3), answerOfSize(1000), 60s));
        QVERIFY(cache.lookup(numberedKey(0)));
        QVERIFY(!cache.lookup(numberedKey(1)));
        QVERIFY(cache.lookup(numberedKey(2)));
        QVERIFY(cache.lookup(numberedKey(3)));
        auto counters = cache.counters();
        QCOMPARE(counters.evictions, uint64_t(1));
        QCOMPARE(counters.entries, uint64_t(3));
        QCOMPARE(counters.bytes, uint64_t(3 * entry));

        // A big answer pushes out as many as it needs, oldest first (now 0, then 2).
        QVERIFY(cache.insert(numberedKey(4), answerOfSize(2000), 60s));
        QVERIFY(!cache.lookup(numberedKey(0)));
        QVERIFY(!cache.lookup(numberedKey(2)));
        QVERIFY(cache.lookup(numberedKey(3)));
        QVERIFY(cache.lookup(numberedKey(4)));
        counters = cache.counters();
        QCOMPARE(counters.evictions, uint64_t(3));
        QVERIFY(counters.bytes <= 3 * entry + entry / 2);
        QCOMPARE(counters.bytes, uint64_t(entry + ResponseCache::entryBytes(answerOfSize(2000))));
    }

    void refusesAnAnswerLargerThanItsShare()
    {
        ResponseCache cache({40'000, 4}); // 10 000 bytes a shard
        QCOMPARE(cache.shardBudget(), std::size_t(10'000));
        QVERIFY(!cache.insert(numberedKey(1), answerOfSize(10'000), 60s));
        QVERIFY(!cache.lookup(numberedKey(1)));
        QVERIFY(cache.insert(numberedKey(1), answerOfSize(9'000), 60s));
        QVERIFY(!cache.insert(numberedKey(2), answerOfSize(10), 0s)); // no TTL: nothing to keep
        QCOMPARE(cache.counters().rejected, uint64_t(2));
    }

    void replacingAnEntryRecountsItsBytes()
    {
        ResponseCache cache({1 << 20, 1});
        QVERIFY(cache.insert(numberedKey(1), answerOfSize(500), 60s));
        QVERIFY(cache.insert(numberedKey(1), answerOfSize(100), 60s));
        QCOMPARE(cache.counters().entries, uint64_t(1));
        QCOMPARE(cache.counters().bytes, uint64_t(ResponseCache::entryBytes(answerOfSize(100))));
        QCOMPARE(cache.lookup(numberedKey(1))->body.size(), std::size_t(100));
        cache.erase(numberedKey(1));
        QCOMPARE(cache.counters().bytes, uint64_t(0));
        QVERIFY(cache.insert(numberedKey(2), answerOfSize(100), 60s));
        cache.clear();
        QCOMPARE(cache.counters().entries, uint64_t(0));
        QVERIFY(!cache.lookup(numberedKey(2)));
    }

    void aHitOutlivesItsEviction()
    {
        ResponseCache cache({ResponseCache::entryBytes(answerOfSize(100)), 1});
        QVERIFY(cache.insert(numberedKey(1), answerOfSize(100), 60s));
        const auto held = cache.lookup(numberedKey(1));
        QVERIFY(cache.insert(numberedKey(2), answerOfSize(100), 60s)); // evicts 1
        QVERIFY(!cache.lookup(numberedKey(1)));
        QCOMPARE(held->body.size(), std::size_t(100)); // the request answering from it still has it
    }

    void entriesExpireAfterTheirOwnTtl()
    {
        ManualClock clock;
        ResponseCache cache({1 << 20, 2}, clock.function());
        QVERIFY(cache.insert(numberedKey(1), answerOfSize(10), 1000ms)); // e.g. a model with a short TTL
        QVERIFY(cache.insert(numberedKey(2), answerOfSize(10), 5000ms));
        clock.advance(999ms);
        QVERIFY(cache.lookup(numberedKey(1)));
        clock.advance(1ms);
        QVERIFY(!cache.lookup(numberedKey(1)));
        QVERIFY(cache.lookup(numberedKey(2)));
        clock.advance(4000ms);
        QVERIFY(!cache.lookup(numberedKey(2)));
        const auto counters = cache.counters();
        QCOMPARE(counters.expirations, uint64_t(2));
        QCOMPARE(counters.entries, uint64_t(0));
        QCOMPARE(counters.bytes, uint64_t(0));
        QCOMPARE(counters.hits, uint64_t(2));
        QCOMPARE(counters.misses, uint64_t(2));

        // A refresh starts the TTL over.
        QVERIFY(cache.insert(numberedKey(3), answerOfSize(10), 1000ms));
        clock.advance(800ms);
        QVERIFY(cache.insert(numberedKey(3), answerOfSize(10), 1000ms));
        clock.advance(800ms);
        QVERIFY(cache.lookup(numberedKey(3)));
    }

    void manyThreadsShareTheCache()
    {
        const std::size_t maxBytes = 64 * ResponseCache::entryBytes(answerOfSize(300));
        ResponseCache cache({maxBytes, 8});
        std::vector<CacheKey> keys;
        for (int i = 0; i < 256; ++i)
            keys.push_back(numberedKey(i));
        constexpr int kThreads = 8;
        constexpr int kOperations = 4000;
        std::atomic<uint64_t> lookups{0};
        std::atomic<bool> wrongBody{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < kOperations; ++i) {
                    const std::size_t k = static_cast<std::size_t>(t * 7919 + i * 31) % keys.size();
                    if (i % 3 == 0) {
                        cache.insert(keys[k], CachedAnswer{std::string(300, static_cast<char>('a' + k % 26)), {}, 0.0}, 60s);
                    } else {
                        ++lookups;
                        if (const auto hit = cache.lookup(keys[k]); hit && hit->body != std::string(300, static_cast<char>('a' + k % 26)))
                            wrongBody = true;
                    }
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        QVERIFY(!wrongBody);
        const auto counters = cache.counters();
        QCOMPARE(counters.hits + counters.misses, lookups.load());
        QVERIFY(counters.hits > 0);
        QVERIFY(counters.evictions > 0);
        QVERIFY(counters.bytes <= maxBytes);
        QCOMPARE(counters.bytes, counters.entries * ResponseCache::entryBytes(answerOfSize(300)));
        QVERIFY(counters.entries + counters.evictions <= counters.inserts); // the rest were replaced
    }

    // --- Controls ---

    void readsTheRequestControls_data()
    {
        QTest::addColumn<QString>("cacheControl");
        QTest::addColumn<QString>("gatehouseCache");
        QTest::addColumn<bool>("read");
        QTest::addColumn<bool>("write");
        QTest::newRow("none") << "" << "" << true << true;
        QTest::newRow("no-cache") << "no-cache" << "" << false << true;
        QTest::newRow("no-store") << "no-store" << "" << false << false;
        QTest::newRow("case and spaces") << "  No-Cache " << "" << false << true;
        QTest::newRow("a list") << "max-age=0, no-store" << "" << false << false;
        QTest::newRow("other directives") << "private, max-age=60" << "" << true << true;
        QTest::newRow("a directive with a value") << "no-cache=\"set-cookie\"" << "" << false << true;
        QTest::newRow("bypass") << "" << "bypass" << false << false;
        QTest::newRow("refresh") << "" << "Refresh" << false << true;
        QTest::newRow("unknown value") << "" << "sometimes" << true << true;
        QTest::newRow("stricter wins: refresh + no-store") << "no-store" << "refresh" << false << false;
        QTest::newRow("stricter wins: no-cache + bypass") << "no-cache" << "bypass" << false << false;
    }

    void readsTheRequestControls()
    {
        QFETCH(QString, cacheControl);
        QFETCH(QString, gatehouseCache);
        QFETCH(bool, read);
        QFETCH(bool, write);
        const auto controls = parseCacheControls(cacheControl.toStdString(), gatehouseCache.toStdString());
        QCOMPARE(controls.read, read);
        QCOMPARE(controls.write, write);
    }

    void namesTheOutcomeInTheAnswerHeader()
    {
        QCOMPARE(cacheHeaderValue(cacheOutcome({true, true}, true)), std::string_view("hit"));
        QCOMPARE(cacheHeaderValue(cacheOutcome({true, true}, false)), std::string_view("miss"));
        QCOMPARE(cacheHeaderValue(cacheOutcome({false, true}, false)), std::string_view("bypass"));
        QCOMPARE(cacheHeaderValue(cacheOutcome({false, false}, false)), std::string_view("bypass"));
    }

    // --- Replay ---

    void replaysTextAsTheStreamOpenAiWouldSend_data()
    {
        QTest::addColumn<bool>("includeUsage");
        QTest::newRow("without usage") << false;
        QTest::newRow("with usage") << true;
    }

    void replaysTextAsTheStreamOpenAiWouldSend()
    {
        QFETCH(bool, includeUsage);
        const MockCompletion mock("gpt-4o", "chatcmpl-7", 400);
        const CachedAnswer answer{mock.completionJson(), mock.usage(), 0.002};
        ChatAnswerEncoder encoder(includeUsage);
        const auto sse = replayAsSse(answer, encoder, includeUsage);
        const auto assembled = assemble(sse);
        QCOMPARE(assembled.role, std::string("assistant"));
        QCOMPARE(assembled.content, std::string(MockCompletion::text()));
        QCOMPARE(assembled.finishReason, std::string("stop"));
        QVERIFY(assembled.done);
        QVERIFY(!assembled.eventsAfterDone);
        QCOMPARE(assembled.toolCalls.size(), std::size_t(0));
        QCOMPARE(assembled.usage.has_value(), includeUsage);
        if (includeUsage) {
            const auto stored = Json::parse(answer.body)["usage"];
            QCOMPARE(assembled.usage->dump(), stored.dump());
            QCOMPARE(assembled.chunksWithUsageNull, assembled.chunks - 1); // all but the usage chunk
        } else {
            QCOMPARE(assembled.chunksWithUsageNull, 0);
        }
        // Every chunk names the stored answer.
        const auto chunks = completionToChunks(Json::parse(answer.body), includeUsage);
        for (const auto& chunk : chunks) {
            QCOMPARE(chunk["id"].get<std::string>(), std::string("chatcmpl-7"));
            QCOMPARE(chunk["model"].get<std::string>(), std::string("gpt-4o"));
        }
    }

    void replaysToolCalls()
    {
        const std::string completion = toolCompletion();
        const CachedAnswer answer{completion, TokenUsage{50, 30}, 0.01};
        ChatAnswerEncoder encoder(false);
        const auto assembled = assemble(replayAsSse(answer, encoder, false));
        QCOMPARE(assembled.finishReason, std::string("tool_calls"));
        QCOMPARE(assembled.content, std::string());
        const auto stored = Json::parse(completion)["choices"][0]["message"]["tool_calls"];
        QCOMPARE(assembled.toolCalls.dump(), stored.dump());
        QVERIFY(assembled.done);
        const auto chunks = completionToChunks(Json::parse(completion), false);
        QCOMPARE(chunks.front()["system_fingerprint"].get<std::string>(), std::string("fp_1"));
    }

    void replaysEveryChoice()
    {
        const std::string twoChoices = R"({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[)"
                                       R"({"index":0,"message":{"role":"assistant","content":"first"},"finish_reason":"stop"},)"
                                       R"({"index":1,"message":{"role":"assistant","content":"second"},"finish_reason":"length"}]})";
        const auto chunks = completionToChunks(Json::parse(twoChoices), false);
        std::map<int, std::string> text;
        std::map<int, std::string> finish;
        for (const auto& chunk : chunks) {
            for (const auto& choice : chunk["choices"]) {
                const int index = choice["index"].get<int>();
                if (choice["delta"].contains("content"))
                    text[index] += choice["delta"]["content"].get<std::string>();
                if (choice["finish_reason"].is_string())
                    finish[index] = choice["finish_reason"].get<std::string>();
            }
        }
        QCOMPARE(text[0], std::string("first"));
        QCOMPARE(text[1], std::string("second"));
        QCOMPARE(finish[0], std::string("stop"));
        QCOMPARE(finish[1], std::string("length"));
    }

    void replaysToAnthropicClientsThroughTheirEncoder()
    {
        const MockCompletion mock("claude-x", "chatcmpl-8", 400);
        const CachedAnswer answer{mock.completionJson(), mock.usage(), 0.0};
        const auto encoder = answerEncoderFor(IngressApi::Messages, "claude-x", false);
        const auto sse = replayAsSse(answer, *encoder, false);
        std::string text;
        std::vector<std::string> names;
        for (const auto& event : SseParser().feed(sse)) {
            names.push_back(event.event);
            const auto data = Json::parse(event.data);
            if (event.event == "content_block_delta")
                text += data["delta"]["text"].get<std::string>();
            if (event.event == "message_delta")
                QCOMPARE(data["usage"]["output_tokens"].get<int64_t>(), mock.usage().completionTokens);
        }
        QCOMPARE(text, std::string(MockCompletion::text()));
        QCOMPARE(names.front(), std::string("message_start"));
        QCOMPARE(names.back(), std::string("message_stop"));
    }
};

QTEST_GUILESS_MAIN(ResponseCacheTest)
#include "ResponseCacheTest.moc"
