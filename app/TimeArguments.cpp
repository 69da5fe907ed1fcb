#include "TimeArguments.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <ctime>

namespace gatehouse {
namespace {

constexpr int64_t kSecondsPerUnit[] = {1, 60, 3600, 86400, 7 * 86400};
constexpr std::string_view kUnits = "smhdw";
constexpr int64_t kLongestDurationSeconds = int64_t(100) * 366 * 86400; // keeps the arithmetic far from overflow

// Reads exactly `digits` decimal digits at `at`, moving past them.
std::optional<int> fixedDigits(std::string_view text, std::size_t& at, std::size_t digits)
{
    if (at + digits > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        const char c = text[at + i];
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    at += digits;
    return value;
}

bool take(std::string_view text, std::size_t& at, char expected)
{
    if (at < text.size() && text[at] == expected) {
        ++at;
        return true;
    }
    return false;
}

// "Z", "+02:00", "-0530" or nothing (UTC): the offset east of UTC in seconds.
std::optional<int64_t> zoneOffsetSeconds(std::string_view text, std::size_t& at)
{
    if (at == text.size())
        return 0;
    if (take(text, at, 'Z') || take(text, at, 'z'))
        return 0;
    const char sign = text[at];
    if (sign != '+' && sign != '-')
        return std::nullopt;
    ++at;
    const auto hours = fixedDigits(text, at, 2);
    take(text, at, ':');
    const auto minutes = fixedDigits(text, at, 2);
    if (!hours || !minutes || *hours > 23 || *minutes > 59)
        return std::nullopt;
    const int64_t offset = *hours * 3600 + *minutes * 60;
    return sign == '+' ? offset : -offset;
}

} // namespace

std::optional<int64_t> parseDurationSeconds(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    int64_t total = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        int64_t count = 0;
        const auto [end, error] = std::from_chars(text.data() + at, text.data() + text.size(), count);
        if (error != std::errc() || count < 0 || count > kLongestDurationSeconds)
            return std::nullopt;
        at = static_cast<std::size_t>(end - text.data());
        if (at == text.size()) {
            // A bare number is seconds, but only on its own: "1h30" is more likely a typo.
            if (total != 0)
                return std::nullopt;
            return count;
        }
        const auto unit = kUnits.find(text[at]);
        if (unit == std::string_view::npos)
            return std::nullopt;
        ++at;
        total += count * kSecondsPerUnit[unit];
        if (total > kLongestDurationSeconds)
            return std::nullopt;
    }
    return total;
}

std::optional<int64_t> parseIsoTimeMs(std::string_view text)
{
    std::size_t at = 0;
    const auto year = fixedDigits(text, at, 4);
    const bool dateSeparators = take(text, at, '-');
    const auto month = fixedDigits(text, at, 2);
    const bool secondSeparator = take(text, at, '-');
    const auto day = fixedDigits(text, at, 2);
    if (!year || !month || !day || !dateSeparators || !secondSeparator || *month < 1 || *month > 12 || *day < 1 || *day > 31)
        return std::nullopt;
    int hour = 0, minute = 0, second = 0, millisecond = 0;
    if (take(text, at, 'T') || take(text, at, 't') || take(text, at, ' ')) {
        const auto h = fixedDigits(text, at, 2);
        const bool colon = take(text, at, ':');
        const auto m = fixedDigits(text, at, 2);
        if (!h || !colon || !m || *h > 23 || *m > 59)
            return std::nullopt;
        hour = *h;
        minute = *m;
        if (take(text, at, ':')) {
            const auto s = fixedDigits(text, at, 2);
            if (!s || *s > 60)
                return std::nullopt;
            second = *s;
            if (take(text, at, '.') || take(text, at, ',')) {
                int scale = 100;
                const auto fractionStart = at;
                while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
                    millisecond += (text[at] - '0') * scale;
                    scale /= 10;
                    ++at;
                }
                if (at == fractionStart)
                    return std::nullopt;
            }
        }
    }
    const auto offset = zoneOffsetSeconds(text, at);
    if (!offset || at != text.size())
        return std::nullopt;

    std::tm fields{};
    fields.tm_year = *year - 1900;
    fields.tm_mon = *month - 1;
    fields.tm_mday = *day;
    fields.tm_hour = hour;
    fields.tm_min = minute;
    fields.tm_sec = second;
    const auto seconds = static_cast<int64_t>(timegm(&fields));
    if (fields.tm_mday != *day) // timegm normalises 2025-02-30 to March: refuse it instead
        return std::nullopt;
    return (seconds - *offset) * 1000 + millisecond;
}

std::optional<int64_t> parseTimeArgumentMs(std::string_view text, Direction direction, int64_t nowMs)
{
    if (const auto time = parseIsoTimeMs(text))
        return time;
    const auto duration = parseDurationSeconds(text);
    if (!duration)
        return std::nullopt;
    return direction == Direction::Ahead ? nowMs + *duration * 1000 : nowMs - *duration * 1000;
}

std::string timeArgumentForms(Direction direction)
{
    return std::string("an ISO 8601 time (2025-06-30, 2025-06-30T12:00:00Z; UTC unless a zone is given) or a duration ")
        + (direction == Direction::Ahead ? "from now" : "ago") + " (90m, 24h, 30d, 2w, 1h30m)";
}

int64_t currentTimeMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace gatehouse
