// UsageScanner: usage found in whole bodies and in SSE streams, whatever the chunk boundaries.
#include "openai/UsageScanner.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const std::string kCompletion = R"({"id":"x","choices":[{"message":{"content":"the \"usage\": {\"prompt_tokens\": 999} text"}}],)"
                                R"("usage" : {"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,)"
                                R"("prompt_tokens_details":{"cached_tokens":5},"completion_tokens_details":{"reasoning_tokens":7}}})";

const std::string kStream = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n"
                            "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}],\"usage\":null}\n\n"
                            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\n"
                            "data: [DONE]\n\n";

} // namespace

class UsageScannerTest : public QObject {
    Q_OBJECT

private slots:
    void findsUsageInAWholeBody()
    {
        UsageScanner scanner;
        scanner.feed(kCompletion);
        QVERIFY(scanner.usage());
        QCOMPARE(scanner.usage()->promptTokens, int64_t(12));
        QCOMPARE(scanner.usage()->completionTokens, int64_t(34));
        QCOMPARE(scanner.usage()->cachedPromptTokens, int64_t(5));
        QCOMPARE(scanner.usage()->reasoningTokens, int64_t(7));
    }

    void findsUsageWhereverTheBodyIsSplit()
    {
        // Every split point, including inside the key and inside the object.
        for (std::size_t cut = 0; cut <= kCompletion.size(); ++cut) {
            UsageScanner scanner;
            scanner.feed(std::string_view(kCompletion).substr(0, cut));
            scanner.feed(std::string_view(kCompletion).substr(cut));
            QVERIFY2(scanner.usage() && scanner.usage()->promptTokens == 12, qPrintable(QString("cut at %1").arg(cut)));
        }
    }

    void findsUsageFedByteByByte()
    {
        UsageScanner scanner;
        for (const char c : kStream)
            scanner.feed(std::string_view(&c, 1));
        QVERIFY(scanner.usage());
        QCOMPARE(scanner.usage()->promptTokens, int64_t(3));
        QCOMPARE(scanner.usage()->completionTokens, int64_t(4));
    }

    void skipsNullUsageInStreams()
    {
        UsageScanner scanner;
        scanner.feed(kStream.substr(0, kStream.find("data: {\"choices\":[],")));
        QVERIFY(!scanner.usage());
        scanner.feed(kStream.substr(kStream.find("data: {\"choices\":[],")));
        QVERIFY(scanner.usage());
    }

    void reportsNothingWithoutUsage()
    {
        UsageScanner scanner;
        scanner.feed(R"({"id":"x","choices":[{"message":{"content":"no usage here"}}]})");
        QVERIFY(!scanner.usage());
    }

    void readsAnthropicStyleNames()
    {
        const auto usage = parseUsageObject(R"({"input_tokens":8,"output_tokens":9})");
        QVERIFY(usage);
        QCOMPARE(usage->promptTokens, int64_t(8));
        QCOMPARE(usage->completionTokens, int64_t(9));
        QVERIFY(!parseUsageObject(R"({"unrelated":1})"));
    }

    void mergesAnthropicStreamUsage();
};

// Anthropic streams report input counts at message_start and the final output count at
// message_delta; cached input is reported apart from input_tokens, and OpenAI counts it inside.
void UsageScannerTest::mergesAnthropicStreamUsage()
{
    UsageScanner scanner;
    scanner.feed("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":"
                 "{\"input_tokens\":20,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":5,\"output_tokens\":1}}}\n\n");
    scanner.feed("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hi\"}}\n\n");
    scanner.feed("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":42}}\n\n");
    QVERIFY(scanner.usage());
    QCOMPARE(scanner.usage()->promptTokens, int64_t(125));
    QCOMPARE(scanner.usage()->cachedPromptTokens, int64_t(100));
    QCOMPARE(scanner.usage()->completionTokens, int64_t(42));
}

QTEST_GUILESS_MAIN(UsageScannerTest)
#include "UsageScannerTest.moc"
