// What to do after an attempt to call a deployment failed: give up, try again (here or on the
// next deployment of the attempt list, after how long), or fall back to another model because the
// request does not fit this one's context window. Pure: time and randomness come in as arguments.
#pragma once

#include "policy/RandomSource.h"

#include <chrono>
#include <optional>
#include <string_view>

namespace gatehouse {

enum class FailureKind {
    ConnectFailed,  // no connection (refused, DNS, TLS): the request never reached the provider
    TimedOut,       // no answer within the provider's read timeout
    ConnectionLost, // the connection broke after the request was written, before an answer came
    HttpError,      // the provider answered with an error status
};

struct AttemptFailure {
    FailureKind kind = FailureKind::HttpError;
    int status = 0;             // HttpError: the provider's status
    std::string_view body;      // HttpError: the provider's error body as received ("" if none)
    std::string_view retryAfter;   // the `Retry-After` header ("" if absent): seconds or an HTTP-date
    std::string_view retryAfterMs; // OpenAI's `retry-after-ms` header ("" if absent), preferred when present
    // A byte of the answer (status line, head or body; streamed or not) already went to the
    // client. Then nothing is ever retried: the client would get two answers spliced together.
    bool answerStarted = false;
};

// Why an attempt failed, as far as retrying is concerned.
enum class FailureClass {
    Transient,             // connect error, timeout, lost connection, 408, 409, 5xx (but 501): worth another try
    RateLimited,           // 429: another try after the provider's Retry-After, or elsewhere at once
    QuotaExhausted,        // 429 insufficient_quota (OpenAI): billing, not load; only another deployment helps
    ContextLengthExceeded, // the prompt does not fit the model: only a model with a larger window helps
    Permanent,             // any other 4xx (bad request, auth, not found, ...), 501: the same again fails the same way
};

enum class RetryAction {
    GiveUp,        // answer the client with this failure
    Retry,         // another attempt, at `target`, after `delay`
    FallbackModel, // context window exceeded: retry on the route's configured fallback model, if any
};

enum class RetryTarget {
    NextDeployment, // the next entry of the attempt list (DeploymentPicker's order)
    SameDeployment, // this deployment again: there is no other one left
};

struct RetryDecision {
    RetryAction action = RetryAction::GiveUp;
    RetryTarget target = RetryTarget::NextDeployment; // for Retry
    std::chrono::milliseconds delay{0};               // for Retry: wait this long first
    FailureClass failureClass = FailureClass::Permanent;
    std::string_view reason; // a short static explanation, for the log and the call record
};

struct RetrySettings {
    int maxAttempts = 3;                          // attempts in all, the first included (1: never retry)
    std::chrono::milliseconds baseDelay{250};     // the backoff before the first retry is drawn from [0, base]
    std::chrono::milliseconds maxDelay{8000};     // the backoff's ceiling
    std::chrono::milliseconds maxRetryAfter{30000}; // a longer Retry-After is not waited for on that deployment
    bool retryTimeouts = true; // a timed-out request may still be running (and billed) upstream
};

// Where the failed attempt stands: how many attempts have been made (this one included) and
// whether the attempt list has a deployment after this one that has not been tried yet.
struct AttemptState {
    int attemptsMade = 1;
    bool anotherDeploymentLeft = false;
};

class RetryPolicy {
public:
    explicit RetryPolicy(RetrySettings settings = {});

    // The decision, in this order:
    // 1. answerStarted → GiveUp (never after the first byte reached the client).
    // 2. ContextLengthExceeded → FallbackModel (the caller gives up when the route has no fallback
    //    model; each fallback model is tried once, so the chain is bounded by the configuration).
    // 3. Permanent, or a timeout with retryTimeouts off → GiveUp.
    // 4. attemptsMade >= maxAttempts → GiveUp.
    // 5. Another deployment left → Retry on the next deployment at once: the delay protects the
    //    failing deployment, and the next one has not failed.
    // 6. Only this deployment: QuotaExhausted → GiveUp; a Retry-After (header, retry-after-ms, or
    //    Gemini's RetryInfo.retryDelay in the body) longer than maxRetryAfter → GiveUp (the client
    //    gets the 429 with the provider's Retry-After and can wait itself); otherwise Retry here
    //    after max(Retry-After, backoff(attemptsMade)).
    // `now` reads an HTTP-date Retry-After.
    RetryDecision decide(const AttemptFailure& failure, const AttemptState& state, RandomSource& random,
        std::chrono::system_clock::time_point now) const;

    // Exponential backoff with full jitter: uniform in [0, min(maxDelay, baseDelay * 2^(retry-1))]
    // for the retry-th retry (1, 2, ...). Full rather than decorrelated jitter: the AWS
    // Architecture Blog's comparison ("Exponential Backoff And Jitter", Marc Brooker, 2015) found
    // both spread competing clients about equally well and full jitter doing the least work, and it
    // needs no state between attempts (the previous sleep), so one const policy serves every request.
    std::chrono::milliseconds backoff(int retry, RandomSource& random) const;

    const RetrySettings& settings() const { return m_settings; }

private:
    RetrySettings m_settings;
};

FailureClass classifyFailure(const AttemptFailure& failure);

// Whether the failure says something about the deployment's health, i.e. counts as a failure for
// its circuit breaker: connect errors, timeouts, lost connections, 5xx, 429 (the deployment is
// saturated: send traffic elsewhere for a while) and 401/403 (the gateway's credentials for it are
// refused). Not: the client's own mistakes (400, 404, 413, 422, context length), nor 408/409.
bool countsAgainstDeployment(const AttemptFailure& failure);

// An error answer that means "the prompt is longer than this model's context window", by the
// providers' codes and messages (status 400, or 413/422 from some OpenAI-compatible servers):
//   OpenAI, Azure OpenAI, Groq and most compatible servers: error.code "context_length_exceeded";
//     messages "This model's maximum context length is N tokens. However, your messages resulted
//     in M tokens…" and "Your input exceeds the context window of this model…"; vLLM, DeepSeek
//     and OpenRouter word it "…maximum context length is N tokens…" too.
//   Anthropic: invalid_request_error "prompt is too long: N tokens > M maximum", and "input length
//     and `max_tokens` exceed context limit: N + M > L, decrease input length or `max_tokens`…".
//   Gemini: INVALID_ARGUMENT "The input token count (N) exceeds the maximum number of tokens
//     allowed (M)."
//   Mistral: "Prompt contains N tokens … too large for model with M maximum context length";
//     Bedrock-style servers: "Input is too long for requested model".
// Matched case-insensitively anywhere in the body, so the gateway's own relayed form ("Provider
// 'x' answered HTTP 400: …") is recognised too.
bool isContextLengthError(int status, std::string_view body);

// Retry-After: delay-seconds ("120"; a fraction such as "1.5" is accepted) or an HTTP-date
// ("Sun, 06 Nov 1994 08:49:37 GMT", the IMF-fixdate form; a date in the past is 0). Nothing when
// the value is neither.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value, std::chrono::system_clock::time_point now);

// The provider's requested wait, from the first of: retry-after-ms, Retry-After, Gemini's
// error.details[].retryDelay ("1.5s", google.rpc.RetryInfo) in the body.
std::optional<std::chrono::milliseconds> requestedRetryDelay(const AttemptFailure& failure, std::chrono::system_clock::time_point now);

} // namespace gatehouse
