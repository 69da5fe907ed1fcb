// The pieces of the traffic policy's request path that need no network: the channels between an
// attempt and the client (what is held back, forwarded, captured), the headers every answer gets,
// and the token and cost estimates admission reserves.
#include "auth/ApiKey.h"
#include "gateway/AnswerChannels.h"
#include "gateway/CallAdmission.h"

#include <QtTest>

using namespace gatehouse;

namespace {

// Records what reaches the client.
class RecordingChannel final : public ResponseChannel {
public:
    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override
    {
        markFirstByte();
        heads.push_back(head);
        this->body.append(body);
        co_return true;
    }
    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override { co_return co_await send(head, firstPiece); }
    Awaitable<bool> piece(std::string_view data) override
    {
        body.append(data);
        co_return true;
    }
    Awaitable<bool> end() override
    {
        ended = true;
        co_return true;
    }
    void abort() override { aborted = true; }

    std::vector<ResponseHead> heads;
    std::string body;
    bool ended = false;
    bool aborted = false;
};

// Runs a coroutine to its end on a private event loop.
void run(std::function<Awaitable<void>()> body)
{
    asio::io_context loop;
    asio::co_spawn(loop, body(), asio::detached);
    loop.run();
}

// The value of `name` in header lines ("name: value\r\n" each); "<absent>" when it is not there.
std::string header(const std::string& lines, const std::string& name)
{
    const auto start = lines.starts_with(name + ": ") ? 0 : lines.find("\r\n" + name + ": ");
    if (start == std::string::npos)
        return "<absent>";
    const auto value = lines.find(": ", start) + 2;
    return lines.substr(value, lines.find("\r\n", value) - value);
}

struct Fixture {
    SnapshotPtr snapshot;
    IncomingRequest request;

    explicit Fixture(GatewayConfig config = defaultConfig())
    {
        snapshot = std::make_shared<const GatewaySnapshot>(std::move(config), std::vector<StoredKey>{});
        request.receivedAt = std::chrono::steady_clock::now();
    }

    static GatewayConfig defaultConfig()
    {
        GatewayConfig config;
        config.providers.push_back({.name = "p"});
        config.models.push_back({"m", {{"p", "up", 1}}});
        return config;
    }

    RequestContext context() { return RequestContext(request, snapshot, "req_test"); }
};

} // namespace

class AnswerChannelsTest : public QObject {
    Q_OBJECT

private slots:
    void anAttemptsErrorIsHeldUntilReleased()
    {
        RecordingChannel client;
        AttemptChannel attempt(client);
        run([&]() -> Awaitable<void> {
            const ResponseHead error{503};
            co_await attempt.send(error, R"({"error":{}})");
        });
        QVERIFY(!attempt.committed());
        QVERIFY(!attempt.started()); // an adapter's sendError must not take it for a begun answer
        QVERIFY(client.heads.empty());
        QCOMPARE(attempt.held()->head.status, 503);
        run([&]() -> Awaitable<void> { co_await attempt.release(); });
        QCOMPARE(client.heads.size(), std::size_t(1));
        QCOMPARE(client.heads[0].status, 503);
        QVERIFY(attempt.committed());
    }

    void successAndBegunStreamsGoStraightThrough()
    {
        RecordingChannel client;
        AttemptChannel whole(client);
        run([&]() -> Awaitable<void> {
            const ResponseHead ok{200};
            co_await whole.send(ok, "{}");
        });
        QVERIFY(whole.committed());
        QVERIFY(!whole.held());

        RecordingChannel streamClient;
        AttemptChannel stream(streamClient);
        run([&]() -> Awaitable<void> {
            const ResponseHead ok{200, "text/event-stream"};
            co_await stream.begin(ok, "data: 1\n\n");
            // A failure after the stream began is the client's to see: never held.
            const ResponseHead error{502};
            co_await stream.send(error, "late");
        });
        QVERIFY(stream.committed());
        QVERIFY(!stream.held());
        QCOMPARE(streamClient.heads.size(), std::size_t(2));
    }

    void capturingKeepsOnlyAWholeSuccessWithinItsBound_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("streamed");
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<bool>("abort");
        QTest::addColumn<bool>("captured");
        QTest::newRow("whole 200") << 200 << false << 100 << false << true;
        QTest::newRow("200 in pieces") << 200 << true << 100 << false << true;
        QTest::newRow("too large") << 200 << true << 5 << false << false;
        QTest::newRow("an error") << 400 << false << 100 << false << false;
        QTest::newRow("cut off") << 200 << true << 100 << true << false;
    }

    void capturingKeepsOnlyAWholeSuccessWithinItsBound()
    {
        QFETCH(int, status);
        QFETCH(bool, streamed);
        QFETCH(int, maxBytes);
        QFETCH(bool, abort);
        QFETCH(bool, captured);
        RecordingChannel client;
        CapturingChannel capturing(client, static_cast<std::size_t>(maxBytes));
        run([&]() -> Awaitable<void> {
            const ResponseHead head{status};
            if (!streamed) {
                co_await capturing.send(head, "{\"a\":1}");
                co_return;
            }
            co_await capturing.begin(head, "{\"a\"");
            co_await capturing.piece(":1}");
            if (abort)
                capturing.abort();
            else
                co_await capturing.end();
        });
        QCOMPARE(client.body, std::string("{\"a\":1}")); // the client gets it all the same
        QCOMPARE(capturing.captured().has_value(), captured);
        if (captured)
            QCOMPARE(*capturing.captured(), std::string("{\"a\":1}"));
    }

    void policyHeadersSayWhatHappened()
    {
        Fixture fixture;
        auto context = fixture.context();
        const auto start = fixture.request.receivedAt;

        // Refused before any deployment: attempts 0, no deployment, the overhead until now.
        auto headers = policyHeaderLines(context, start + std::chrono::milliseconds(2));
        QVERIFY(headers.starts_with("x-gatehouse-request-id: " + context.requestId + "\r\n"));
        QVERIFY(headers.ends_with("\r\n"));
        QCOMPARE(header(headers, "x-gatehouse-attempts"), std::string("0"));
        QCOMPARE(header(headers, "x-gatehouse-deployment"), std::string("<absent>"));
        QCOMPARE(header(headers, "x-gatehouse-cache"), std::string("<absent>"));
        QCOMPARE(header(headers, "x-gatehouse-overhead-ms"), std::string("2.000"));

        // Answered by the second attempt, after 30 ms spent on the first one and its backoff.
        const auto* route = fixture.snapshot->route("m");
        context.deployment = &route->deployments[0];
        context.facts.attempts = 2;
        context.facts.cache = CacheOutcome::Miss;
        context.facts.notOverhead = std::chrono::milliseconds(30);
        context.facts.answeringAttemptStartedAt = start + std::chrono::milliseconds(31);
        context.facts.rateLimitHeaders = {{"x-ratelimit-limit-requests", "60"}};
        headers = policyHeaderLines(context, start + std::chrono::seconds(5));
        QCOMPARE(header(headers, "x-gatehouse-deployment"), std::string("p/up"));
        QCOMPARE(header(headers, "x-gatehouse-provider"), std::string("p"));
        QCOMPARE(header(headers, "x-gatehouse-attempts"), std::string("2"));
        QCOMPARE(header(headers, "x-gatehouse-cache"), std::string("miss"));
        QCOMPARE(header(headers, "x-gatehouse-overhead-ms"), std::string("1.000")); // the provider's 5 s are not overhead
        QCOMPARE(header(headers, "x-ratelimit-limit-requests"), std::string("60"));

        // Milliseconds with three decimals, leading zeros of the fraction kept.
        context.facts.notOverhead = {};
        context.facts.answeringAttemptStartedAt = start + std::chrono::microseconds(12045);
        QCOMPARE(header(policyHeaderLines(context, start), "x-gatehouse-overhead-ms"), std::string("12.045"));
        context.facts.answeringAttemptStartedAt = start + std::chrono::microseconds(7);
        QCOMPARE(header(policyHeaderLines(context, start), "x-gatehouse-overhead-ms"), std::string("0.007"));
    }

    void annotatedChannelHandsItsLinesToTheClientsNextHead()
    {
        Fixture fixture;
        auto context = fixture.context();
        RecordingChannel client;
        AnnotatedChannel annotated(client, context);
        run([&]() -> Awaitable<void> {
            const ResponseHead head{200};
            co_await annotated.send(head, "{}");
        });
        QCOMPARE(client.heads.size(), std::size_t(1));
        QVERIFY(client.heads[0].headers.empty()); // the head itself is passed on, not copied
        QCOMPARE(header(client.headerLinesForNextHead(), "x-gatehouse-request-id"), context.requestId);
        QCOMPARE(header(client.headerLinesForNextHead(), "x-gatehouse-attempts"), std::string("0"));
        QVERIFY(annotated.started());
    }

    void admissionEstimatesTokensAndTheWorstCaseCost()
    {
        auto config = Fixture::defaultConfig();
        config.models[0].deployments[0].price = TokenPrice{1.0, 10.0};
        config.models[0].fallbacks = {"dear"};
        config.models.push_back({"dear", {{"p", "dear-up", 1, 0, TokenPrice{2.0, 30.0}}}});
        config.policy.assumedCompletionTokens = 500;
        Fixture fixture(config);
        fixture.request.message.body() = std::string(400, 'x'); // 100 prompt tokens by the estimate
        auto context = fixture.context();
        context.route = fixture.snapshot->route("m");

        QCOMPARE(CallAdmission::estimatedTokens(context), int64_t(100 + 500));
        // The fallback model's price is the highest one the call may reach.
        QCOMPARE(CallAdmission::worstCaseMicros(context), int64_t(100 * 2 + 500 * 30));
        context.chat.maxTokens = 10;
        QCOMPARE(CallAdmission::estimatedTokens(context), int64_t(110));
        QCOMPARE(CallAdmission::worstCaseMicros(context), int64_t(100 * 2 + 10 * 30));
        context.api = IngressApi::Embeddings; // no answer tokens
        QCOMPARE(CallAdmission::worstCaseMicros(context), int64_t(100 * 2));
    }
};

QTEST_GUILESS_MAIN(AnswerChannelsTest)
#include "AnswerChannelsTest.moc"
