#include "policy/RetryPolicy.h"

#include "json/Json.h"
#include "policy/HeaderText.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace gatehouse {
namespace {

using std::chrono::milliseconds;

std::string lowercase(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}


// "120", "1.5": non-negative seconds (or milliseconds, by `unit`); nothing for anything else.
std::optional<milliseconds> parseNumber(std::string_view text, double unitMs)
{
    text = trimmedHeaderText(text);
    if (text.empty() || text.size() > 24)
        return std::nullopt;
    bool dot = false;
    for (const char c : text) {
        if (c == '.' && !dot)
            dot = true;
        else if (c < '0' || c > '9')
            return std::nullopt;
    }
    double value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    // Clamped to a day: nobody waits that long, and the cast below stays defined.
    return milliseconds(static_cast<int64_t>(std::min(value * unitMs, 86'400'000.0)));
}

int parseDigits(std::string_view text)
{
    int value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return text.empty() ? -1 : value;
}

// IMF-fixdate (RFC 9110 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::chrono::system_clock::time_point> parseHttpDate(std::string_view text)
{
    text = trimmedHeaderText(text);
    if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' || text[16] != ' '
        || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
        return std::nullopt;
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto month = std::find(std::begin(kMonths), std::end(kMonths), text.substr(8, 3));
    const int day = parseDigits(text.substr(5, 2));
    const int year = parseDigits(text.substr(12, 4));
    const int hour = parseDigits(text.substr(17, 2));
    const int minute = parseDigits(text.substr(20, 2));
    const int second = parseDigits(text.substr(23, 2));
    if (month == std::end(kMonths) || day < 1 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(year),
        std::chrono::month(static_cast<unsigned>(month - std::begin(kMonths) + 1)), std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok())
        return std::nullopt;
    return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
}

// Gemini: {"error":{..."details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1s"}]}},
// sometimes wrapped in an array (stream errors).
std::optional<milliseconds> geminiRetryDelay(std::string_view body)
{
    if (body.find("retryDelay") == std::string_view::npos)
        return std::nullopt;
    const Json parsed = Json::parse(body, nullptr, false);
    const Json& document = parsed.is_array() && !parsed.empty() ? parsed[0] : parsed;
    if (!document.is_object())
        return std::nullopt;
    const auto error = document.find("error");
    if (error == document.end() || !error->is_object())
        return std::nullopt;
    const auto details = error->find("details");
    if (details == error->end() || !details->is_array())
        return std::nullopt;
    for (const auto& detail : *details) {
        const auto delay = detail.is_object() ? detail.find("retryDelay") : detail.end();
        if (delay == detail.end() || !delay->is_string())
            continue;
        const auto& text = delay->get_ref<const std::string&>();
        if (text.size() < 2 || text.back() != 's')
            continue;
        if (auto parsedDelay = parseNumber(std::string_view(text).substr(0, text.size() - 1), 1000.0))
            return parsedDelay;
    }
    return std::nullopt;
}

bool isInsufficientQuota(std::string_view body)
{
    return body.find("insufficient_quota") != std::string_view::npos;
}

} // namespace

// --- Classification ----------------------------------------------------------------------------

bool isContextLengthError(int status, std::string_view body)
{
    if (status != 400 && status != 413 && status != 422)
        return false;
    static constexpr std::string_view kMarkers[] = {
        "context_length_exceeded",                     // OpenAI, Azure OpenAI, Groq, ... (error.code)
        "maximum context length",                      // OpenAI (older wording), vLLM, DeepSeek, OpenRouter, Mistral
        "exceeds the context window",                  // OpenAI (newer wording)
        "prompt is too long",                          // Anthropic
        "exceed context limit",                        // Anthropic: input + max_tokens over the window
        "exceeds the maximum number of tokens allowed", // Gemini
        "input is too long for requested model",       // Bedrock-style servers
        "exceeds the context length",                  // Ollama
    };
    // Error bodies are small; a huge one is looked at only up to its first 64 KiB.
    const std::string text = lowercase(body.substr(0, 64 * 1024));
    return std::any_of(std::begin(kMarkers), std::end(kMarkers), [&](std::string_view marker) { return text.find(marker) != std::string::npos; });
}

FailureClass classifyFailure(const AttemptFailure& failure)
{
    switch (failure.kind) {
    case FailureKind::ConnectFailed:
    case FailureKind::TimedOut:
    case FailureKind::ConnectionLost:
        return FailureClass::Transient;
    case FailureKind::HttpError:
        break;
    }
    const int status = failure.status;
    if (status == 429)
        return isInsufficientQuota(failure.body) ? FailureClass::QuotaExhausted : FailureClass::RateLimited;
    if (status == 408 || status == 409)
        return FailureClass::Transient;
    if (status >= 500 && status <= 599)
        return status == 501 ? FailureClass::Permanent : FailureClass::Transient;
    if (isContextLengthError(status, failure.body))
        return FailureClass::ContextLengthExceeded;
    return FailureClass::Permanent;
}

bool countsAgainstDeployment(const AttemptFailure& failure)
{
    if (failure.kind != FailureKind::HttpError)
        return true;
    const int status = failure.status;
    return status == 429 || status == 401 || status == 403 || (status >= 500 && status <= 599);
}

// --- Retry-After --------------------------------------------------------------------------------

std::optional<milliseconds> parseRetryAfter(std::string_view value, std::chrono::system_clock::time_point now)
{
    if (auto seconds = parseNumber(value, 1000.0))
        return seconds;
    if (const auto date = parseHttpDate(value)) {
        const auto wait = std::chrono::duration_cast<milliseconds>(*date - now);
        return std::max(wait, milliseconds(0));
    }
    return std::nullopt;
}

std::optional<milliseconds> requestedRetryDelay(const AttemptFailure& failure, std::chrono::system_clock::time_point now)
{
    if (!failure.retryAfterMs.empty()) {
        if (auto delay = parseNumber(failure.retryAfterMs, 1.0))
            return delay;
    }
    if (!failure.retryAfter.empty()) {
        if (auto delay = parseRetryAfter(failure.retryAfter, now))
            return delay;
    }
    return geminiRetryDelay(failure.body);
}

// --- The policy -------------------------------------------------------------------------------

RetryPolicy::RetryPolicy(RetrySettings settings)
    : m_settings(settings)
{
}

milliseconds RetryPolicy::backoff(int retry, RandomSource& random) const
{
    const double base = static_cast<double>(std::max<int64_t>(0, m_settings.baseDelay.count()));
    const double cap = static_cast<double>(std::max<int64_t>(0, m_settings.maxDelay.count()));
    const int doublings = std::clamp(retry - 1, 0, 62);
    const double ceiling = std::min(cap, base * std::ldexp(1.0, doublings));
    // Whole milliseconds in [0, ceiling], each equally likely.
    const auto drawn = static_cast<int64_t>(random.uniform() * (std::floor(ceiling) + 1.0));
    return milliseconds(std::min<int64_t>(drawn, static_cast<int64_t>(ceiling)));
}

RetryDecision RetryPolicy::decide(const AttemptFailure& failure, const AttemptState& state, RandomSource& random,
    std::chrono::system_clock::time_point now) const
{
    RetryDecision decision;
    decision.failureClass = classifyFailure(failure);
    if (failure.answerStarted) {
        decision.reason = "the answer had already begun to reach the client";
        return decision;
    }
    if (decision.failureClass == FailureClass::ContextLengthExceeded) {
        decision.action = RetryAction::FallbackModel;
        decision.reason = "the request exceeds the model's context window";
        return decision;
    }
    if (decision.failureClass == FailureClass::Permanent) {
        decision.reason = "the provider refused the request; it would fail the same way again";
        return decision;
    }
    if (failure.kind == FailureKind::TimedOut && !m_settings.retryTimeouts) {
        decision.reason = "timed-out requests are not retried (they may still run upstream)";
        return decision;
    }
    if (state.attemptsMade >= m_settings.maxAttempts) {
        decision.reason = "no attempts left";
        return decision;
    }
    if (state.anotherDeploymentLeft) {
        decision.action = RetryAction::Retry;
        decision.target = RetryTarget::NextDeployment;
        decision.reason = "retrying on the next deployment";
        return decision;
    }
    if (decision.failureClass == FailureClass::QuotaExhausted) {
        decision.reason = "the deployment's quota is exhausted and no other deployment is left";
        return decision;
    }
    const auto requested = requestedRetryDelay(failure, now);
    if (requested && *requested > m_settings.maxRetryAfter) {
        decision.reason = "the provider asked to wait longer than the gateway waits";
        return decision;
    }
    decision.action = RetryAction::Retry;
    decision.target = RetryTarget::SameDeployment;
    decision.delay = std::max(requested.value_or(milliseconds(0)), backoff(state.attemptsMade, random));
    decision.reason = requested ? "retrying after the provider's Retry-After" : "retrying after a backoff";
    return decision;
}

} // namespace gatehouse
