// The retry policy: which failures are retried and where, the backoff's bounds, Retry-After in
// both forms, never retrying once the answer began, and the context-window errors of each provider.
#include "ScriptedRandom.h"
#include "json/Json.h"
#include "policy/RetryPolicy.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>

using namespace gatehouse;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(gatehouse::FailureKind)
Q_DECLARE_METATYPE(gatehouse::FailureClass)
Q_DECLARE_METATYPE(gatehouse::RetryAction)
Q_DECLARE_METATYPE(gatehouse::RetryTarget)

namespace {

// 2024-01-01 12:00:00 UTC
std::chrono::system_clock::time_point fixedNow()
{
    return std::chrono::sys_days(std::chrono::year(2024) / 1 / 1) + 12h;
}

AttemptFailure http(int status, std::string_view body = {})
{
    AttemptFailure failure;
    failure.kind = FailureKind::HttpError;
    failure.status = status;
    failure.body = body;
    return failure;
}

AttemptFailure ofKind(FailureKind kind)
{
    AttemptFailure failure;
    failure.kind = kind;
    return failure;
}

// Error bodies are built as JSON: moc misreads an apostrophe inside a raw string literal.
std::string openAiError(const std::string& message, const Json& code, const std::string& type = "invalid_request_error", const Json& param = nullptr)
{
    return Json{{"error", {{"message", message}, {"type", type}, {"param", param}, {"code", code}}}}.dump();
}

std::string anthropicError(const std::string& type, const std::string& message)
{
    return Json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}, {"request_id", "req_1"}}.dump();
}

std::string geminiError(int code, const std::string& status, const std::string& message)
{
    return Json{{"error", {{"code", code}, {"message", message}, {"status", status}}}}.dump();
}

const std::string kOpenAiContext = openAiError("This model's maximum context length is 8192 tokens. However, your messages resulted in 8227 tokens. "
                                               "Please reduce the length of the messages.",
    "context_length_exceeded", "invalid_request_error", "messages");
const std::string kQuota = openAiError("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota");

} // namespace

class RetryPolicyTest : public QObject {
    Q_OBJECT
private slots:
    void decidesByTheFailure_data()
    {
        QTest::addColumn<FailureKind>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<std::string>("body");
        QTest::addColumn<bool>("anotherDeploymentLeft");
        QTest::addColumn<FailureClass>("failureClass");
        QTest::addColumn<RetryAction>("action");
        QTest::addColumn<RetryTarget>("target");

        const auto next = RetryTarget::NextDeployment;
        const auto same = RetryTarget::SameDeployment;
        const auto retry = RetryAction::Retry;
        const auto giveUp = RetryAction::GiveUp;
        const auto transient = FailureClass::Transient;
        const auto permanent = FailureClass::Permanent;
        for (const bool another : {true, false}) {
            const auto where = another ? next : same;
            const std::string suffix = another ? " → next deployment" : " → same deployment";
            const auto row = [&](const std::string& name) -> QTestData& { return QTest::newRow((name + suffix).c_str()); };
            row("connect error") << FailureKind::ConnectFailed << 0 << std::string() << another << transient << retry << where;
            row("timeout") << FailureKind::TimedOut << 0 << std::string() << another << transient << retry << where;
            row("connection lost") << FailureKind::ConnectionLost << 0 << std::string() << another << transient << retry << where;
            row("408") << FailureKind::HttpError << 408 << std::string() << another << transient << retry << where;
            row("409") << FailureKind::HttpError << 409 << std::string() << another << transient << retry << where;
            row("429") << FailureKind::HttpError << 429 << std::string() << another << FailureClass::RateLimited << retry << where;
            for (const int status : {500, 502, 503, 504, 529})
                row(std::to_string(status)) << FailureKind::HttpError << status << std::string() << another << transient << retry << where;
            row("501") << FailureKind::HttpError << 501 << std::string() << another << permanent << giveUp << next;
            for (const int status : {400, 401, 403, 404, 413, 415, 422})
                row(std::to_string(status)) << FailureKind::HttpError << status << std::string("{}") << another << permanent << giveUp << next;
            row("context length") << FailureKind::HttpError << 400 << kOpenAiContext << another << FailureClass::ContextLengthExceeded
                                  << RetryAction::FallbackModel << next;
        }
        // A quota is billing, not load: only another deployment can help.
        QTest::newRow("insufficient_quota → next deployment")
            << FailureKind::HttpError << 429 << kQuota << true << FailureClass::QuotaExhausted << retry << next;
        QTest::newRow("insufficient_quota, nothing else left")
            << FailureKind::HttpError << 429 << kQuota << false << FailureClass::QuotaExhausted << giveUp << next;
    }

    void decidesByTheFailure()
    {
        QFETCH(FailureKind, kind);
        QFETCH(int, status);
        QFETCH(std::string, body);
        QFETCH(bool, anotherDeploymentLeft);
        QFETCH(FailureClass, failureClass);
        QFETCH(RetryAction, action);
        QFETCH(RetryTarget, target);
        AttemptFailure failure;
        failure.kind = kind;
        failure.status = status;
        failure.body = body;
        SeededRandom random(1);
        const RetryPolicy policy;
        QCOMPARE(classifyFailure(failure), failureClass);
        const auto decision = policy.decide(failure, {1, anotherDeploymentLeft}, random, fixedNow());
        QCOMPARE(decision.failureClass, failureClass);
        QCOMPARE(decision.action, action);
        QVERIFY(!decision.reason.empty());
        if (action == RetryAction::Retry) {
            QCOMPARE(decision.target, target);
            if (target == RetryTarget::NextDeployment)
                QCOMPARE(decision.delay, milliseconds(0)); // the next deployment has not failed: no wait
            else
                QVERIFY(decision.delay <= policy.settings().baseDelay);
        }
    }

    void neverRetriesOnceTheAnswerBegan_data()
    {
        QTest::addColumn<FailureKind>("kind");
        QTest::addColumn<int>("status");
        QTest::newRow("stream cut off") << FailureKind::ConnectionLost << 0;
        QTest::newRow("stream stalled") << FailureKind::TimedOut << 0;
        QTest::newRow("error event after the head") << FailureKind::HttpError << 503;
        QTest::newRow("429 mid-stream") << FailureKind::HttpError << 429;
        QTest::newRow("context length, too late to fall back") << FailureKind::HttpError << 400;
    }

    void neverRetriesOnceTheAnswerBegan()
    {
        QFETCH(FailureKind, kind);
        QFETCH(int, status);
        AttemptFailure failure;
        failure.kind = kind;
        failure.status = status;
        failure.body = kOpenAiContext;
        failure.answerStarted = true;
        SeededRandom random(1);
        for (const bool another : {true, false}) {
            const auto decision = RetryPolicy().decide(failure, {1, another}, random, fixedNow());
            QCOMPARE(decision.action, RetryAction::GiveUp);
        }
        failure.answerStarted = false;
        QVERIFY(RetryPolicy().decide(failure, {1, true}, random, fixedNow()).action != RetryAction::GiveUp);
    }

    void attemptsAreBounded()
    {
        RetrySettings settings;
        settings.maxAttempts = 3;
        const RetryPolicy policy(settings);
        SeededRandom random(7);
        const auto failure = http(503);
        QCOMPARE(policy.decide(failure, {1, true}, random, fixedNow()).action, RetryAction::Retry);
        QCOMPARE(policy.decide(failure, {2, false}, random, fixedNow()).action, RetryAction::Retry);
        QCOMPARE(policy.decide(failure, {3, true}, random, fixedNow()).action, RetryAction::GiveUp);
        QCOMPARE(policy.decide(failure, {4, false}, random, fixedNow()).action, RetryAction::GiveUp);
        settings.maxAttempts = 1; // never retry
        QCOMPARE(RetryPolicy(settings).decide(failure, {1, true}, random, fixedNow()).action, RetryAction::GiveUp);
        // A context-window fallback is another model, not another attempt at this one.
        QCOMPARE(policy.decide(http(400, kOpenAiContext), {3, false}, random, fixedNow()).action, RetryAction::FallbackModel);
    }

    void timeoutsCanBeLeftAlone()
    {
        RetrySettings settings;
        settings.retryTimeouts = false;
        SeededRandom random(1);
        const RetryPolicy policy(settings);
        QCOMPARE(policy.decide(ofKind(FailureKind::TimedOut), {1, true}, random, fixedNow()).action, RetryAction::GiveUp);
        QCOMPARE(policy.decide(ofKind(FailureKind::ConnectFailed), {1, true}, random, fixedNow()).action, RetryAction::Retry);
    }

    void backoffGrowsWithFullJitterWithinItsBounds()
    {
        RetrySettings settings;
        settings.baseDelay = 100ms;
        settings.maxDelay = 1000ms;
        const RetryPolicy policy(settings);
        SeededRandom random(42);
        const int64_t ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
        for (int retry = 1; retry <= 7; ++retry) {
            const int64_t ceiling = ceilings[retry - 1];
            int64_t low = ceiling;
            int64_t high = 0;
            double sum = 0;
            constexpr int kDraws = 4000;
            for (int i = 0; i < kDraws; ++i) {
                const auto delay = policy.backoff(retry, random).count();
                QVERIFY2(delay >= 0 && delay <= ceiling, qPrintable(QString("retry %1: %2 ms").arg(retry).arg(delay)));
                low = std::min(low, delay);
                high = std::max(high, delay);
                sum += static_cast<double>(delay);
            }
            // Full jitter: the whole range [0, ceiling] is used, about evenly.
            QVERIFY(low <= ceiling / 50);
            QVERIFY(high >= ceiling - ceiling / 50);
            const double mean = sum / kDraws;
            QVERIFY2(std::fabs(mean - ceiling / 2.0) < ceiling * 0.05, qPrintable(QString("retry %1: mean %2").arg(retry).arg(mean)));
        }
        ScriptedRandom extremes({0.0, 0.999999999});
        QCOMPARE(policy.backoff(3, extremes), 0ms);
        QCOMPARE(policy.backoff(3, extremes), 400ms);
        QCOMPARE(policy.backoff(200, extremes), 0ms); // no overflow for absurd retry counts
        QCOMPARE(policy.backoff(200, extremes), 1000ms);
    }

    void sameDeploymentRetriesWaitTheBackoff()
    {
        const RetryPolicy policy;
        ScriptedRandom random({0.5});
        const auto decision = policy.decide(http(503), {2, false}, random, fixedNow());
        QCOMPARE(decision.action, RetryAction::Retry);
        QCOMPARE(decision.target, RetryTarget::SameDeployment);
        QCOMPARE(decision.delay, 250ms); // half of min(8000, 250 * 2^1)
    }

    void parsesRetryAfter_data()
    {
        QTest::addColumn<std::string>("value");
        QTest::addColumn<int>("expectedMs"); // -1: not a Retry-After value
        QTest::newRow("seconds") << std::string("2") << 2000;
        QTest::newRow("zero") << std::string("0") << 0;
        QTest::newRow("spaces") << std::string(" 30 ") << 30000;
        QTest::newRow("fraction") << std::string("1.5") << 1500;
        QTest::newRow("http-date ahead") << std::string("Mon, 01 Jan 2024 12:00:30 GMT") << 30000;
        QTest::newRow("http-date next day") << std::string("Tue, 02 Jan 2024 00:00:00 GMT") << 12 * 3600 * 1000;
        QTest::newRow("http-date past") << std::string("Sun, 06 Nov 1994 08:49:37 GMT") << 0;
        QTest::newRow("negative") << std::string("-5") << -1;
        QTest::newRow("words") << std::string("soon") << -1;
        QTest::newRow("empty") << std::string() << -1;
        QTest::newRow("bad date") << std::string("Mon, 32 Jan 2024 12:00:30 GMT") << -1;
        QTest::newRow("bad month") << std::string("Mon, 01 Foo 2024 12:00:30 GMT") << -1;
        QTest::newRow("not GMT") << std::string("Mon, 01 Jan 2024 12:00:30 CET") << -1;
        QTest::newRow("RFC 850 form") << std::string("Monday, 01-Jan-24 12:00:30 GMT") << -1;
    }

    void parsesRetryAfter()
    {
        QFETCH(std::string, value);
        QFETCH(int, expectedMs);
        const auto parsed = parseRetryAfter(value, fixedNow());
        if (expectedMs < 0) {
            QVERIFY(!parsed);
        } else {
            QVERIFY(parsed);
            QCOMPARE(parsed->count(), int64_t(expectedMs));
        }
    }

    void respectsRetryAfterOnTheSameDeployment()
    {
        const RetryPolicy policy; // maxRetryAfter 30 s
        SeededRandom random(3);
        auto failure = http(429);
        failure.retryAfter = "3";
        auto decision = policy.decide(failure, {1, false}, random, fixedNow());
        QCOMPARE(decision.action, RetryAction::Retry);
        QCOMPARE(decision.target, RetryTarget::SameDeployment);
        QCOMPARE(decision.delay, 3000ms); // never earlier than asked (the backoff is smaller)

        failure.retryAfter = "Mon, 01 Jan 2024 12:00:10 GMT";
        QCOMPARE(policy.decide(failure, {1, false}, random, fixedNow()).delay, 10000ms);

        failure.retryAfterMs = "1200"; // OpenAI's header wins, as in its SDKs
        QCOMPARE(policy.decide(failure, {1, false}, random, fixedNow()).delay, 1200ms);

        // Longer than the gateway waits: the client gets the 429 (with the provider's Retry-After).
        failure.retryAfterMs = {};
        failure.retryAfter = "120";
        decision = policy.decide(failure, {1, false}, random, fixedNow());
        QCOMPARE(decision.action, RetryAction::GiveUp);
        // ... unless another deployment can take it now.
        decision = policy.decide(failure, {1, true}, random, fixedNow());
        QCOMPARE(decision.action, RetryAction::Retry);
        QCOMPARE(decision.target, RetryTarget::NextDeployment);
        QCOMPARE(decision.delay, 0ms);

        // An unreadable Retry-After is ignored: the backoff decides.
        failure.retryAfter = "later";
        decision = policy.decide(failure, {1, false}, random, fixedNow());
        QCOMPARE(decision.action, RetryAction::Retry);
        QVERIFY(decision.delay <= 250ms);
    }

    void readsGeminiRetryInfo()
    {
        const std::string body = R"({"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2.5s"}]}})";
        auto failure = http(429, body);
        QCOMPARE(requestedRetryDelay(failure, fixedNow()), std::optional<milliseconds>(2500ms));
        const std::string streamed = "[" + body + "]";
        failure.body = streamed;
        QCOMPARE(requestedRetryDelay(failure, fixedNow()), std::optional<milliseconds>(2500ms));
        failure.retryAfter = "1"; // the header wins
        QCOMPARE(requestedRetryDelay(failure, fixedNow()), std::optional<milliseconds>(1000ms));
        QVERIFY(!requestedRetryDelay(http(429, "{\"error\":{\"details\":[{\"retryDelay\":\"soon\"}]}}"), fixedNow()));
        QVERIFY(!requestedRetryDelay(http(429, "not json retryDelay"), fixedNow()));
    }

    void recognisesContextWindowErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<std::string>("body");
        QTest::addColumn<bool>("contextLength");
        QTest::newRow("OpenAI, chat completions") << 400 << kOpenAiContext << true;
        QTest::newRow("OpenAI, with the completion")
            << 400
            << openAiError("This model's maximum context length is 4097 tokens. However, you requested 4120 tokens (3120 in the messages, "
                           "1000 in the completion). Please reduce the length of the messages or completion.",
                   "context_length_exceeded", "invalid_request_error", "messages")
            << true;
        QTest::newRow("OpenAI, newer wording")
            << 400
            << openAiError("Your input exceeds the context window of this model. Please adjust your input and try again.", "context_length_exceeded",
                   "invalid_request_error", "input")
            << true;
        QTest::newRow("Azure OpenAI (code only)") << 400 << Json{{"error", {{"code", "context_length_exceeded"}, {"message", "Too long."}}}}.dump() << true;
        QTest::newRow("Anthropic, prompt") << 400 << anthropicError("invalid_request_error", "prompt is too long: 209353 tokens > 199999 maximum") << true;
        QTest::newRow("Anthropic, prompt + max_tokens")
            << 400
            << anthropicError("invalid_request_error",
                   "input length and `max_tokens` exceed context limit: 178959 + 64000 > 200000, decrease input length or `max_tokens` and try again")
            << true;
        QTest::newRow("Gemini")
            << 400 << geminiError(400, "INVALID_ARGUMENT", "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).") << true;
        QTest::newRow("vLLM")
            << 400
            << Json{{"object", "error"},
                   {"message", "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion)."},
                   {"type", "BadRequestError"}, {"code", 400}}
                   .dump()
            << true;
        QTest::newRow("Mistral")
            << 400
            << Json{{"object", "error"}, {"message", "Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length"},
                   {"type", "invalid_request_error"}}
                   .dump()
            << true;
        QTest::newRow("a compatible server's 422") << 422 << Json{{"detail", "This model's maximum context length is 2048 tokens."}}.dump() << true;
        QTest::newRow("relayed by the gateway")
            << 400 << std::string("Provider 'anthropic' answered HTTP 400: prompt is too long: 210000 tokens > 200000 maximum") << true;

        QTest::newRow("Anthropic, max_tokens over the model's output limit")
            << 400
            << anthropicError("invalid_request_error", "max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens for claude-3-5-sonnet-20240620")
            << false;
        QTest::newRow("OpenAI, another bad request") << 400 << openAiError("Invalid value for 'role'.", nullptr, "invalid_request_error", "messages[0].role") << false;
        QTest::newRow("Gemini, bad key") << 400 << geminiError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.") << false;
        QTest::newRow("Anthropic, bytes too large") << 413 << anthropicError("request_too_large", "Request exceeds the maximum allowed number of bytes.") << false;
        QTest::newRow("the words on a 500") << 500 << kOpenAiContext << false;
        QTest::newRow("the words on a 429") << 429 << kOpenAiContext << false;
        QTest::newRow("empty") << 400 << std::string() << false;
    }

    void recognisesContextWindowErrors()
    {
        QFETCH(int, status);
        QFETCH(std::string, body);
        QFETCH(bool, contextLength);
        QCOMPARE(isContextLengthError(status, body), contextLength);
        if (status == 400 || status == 413 || status == 422)
            QCOMPARE(classifyFailure(http(status, body)) == FailureClass::ContextLengthExceeded, contextLength);
    }

    void tellsWhatCountsAgainstADeployment_data()
    {
        QTest::addColumn<FailureKind>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("counts");
        QTest::newRow("connect") << FailureKind::ConnectFailed << 0 << true;
        QTest::newRow("timeout") << FailureKind::TimedOut << 0 << true;
        QTest::newRow("lost") << FailureKind::ConnectionLost << 0 << true;
        QTest::newRow("500") << FailureKind::HttpError << 500 << true;
        QTest::newRow("503") << FailureKind::HttpError << 503 << true;
        QTest::newRow("429") << FailureKind::HttpError << 429 << true;
        QTest::newRow("401: our credentials") << FailureKind::HttpError << 401 << true;
        QTest::newRow("403: our credentials") << FailureKind::HttpError << 403 << true;
        QTest::newRow("400: the client's request") << FailureKind::HttpError << 400 << false;
        QTest::newRow("404") << FailureKind::HttpError << 404 << false;
        QTest::newRow("408") << FailureKind::HttpError << 408 << false;
        QTest::newRow("422") << FailureKind::HttpError << 422 << false;
    }

    void tellsWhatCountsAgainstADeployment()
    {
        QFETCH(FailureKind, kind);
        QFETCH(int, status);
        QFETCH(bool, counts);
        AttemptFailure failure;
        failure.kind = kind;
        failure.status = status;
        QCOMPARE(countsAgainstDeployment(failure), counts);
    }
};

QTEST_GUILESS_MAIN(RetryPolicyTest)
#include "RetryPolicyTest.moc"
