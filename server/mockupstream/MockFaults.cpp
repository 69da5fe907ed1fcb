#include "mockupstream/MockFaults.h"

#include "mockupstream/MockFlavors.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <set>

namespace gatehouse {
namespace {

constexpr std::string_view kKnownKeys = "fail, status, retry_after, context_length, delay_ms, reset, reset_after_chunks, id";

// The keys that take a whole number, and its range.
struct NumberKey {
    std::string_view name;
    int low;
    int high;
};
constexpr std::array<NumberKey, 5> kNumberKeys{{
    {"fail", 0, 1'000'000},
    {"status", 400, 599},
    {"retry_after", 0, 86'400},
    {"delay_ms", 0, 600'000},
    {"reset_after_chunks", 0, 1'000'000},
}};
// The keys that take no value.
constexpr std::array<std::string_view, 2> kFlagKeys{"context_length", "reset"};

std::optional<int> wholeNumber(std::string_view text, int low, int high)
{
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low || value > high)
        return std::nullopt;
    return value;
}

// Checks one "key" or "key=value" item and records it; a message naming what is wrong otherwise.
std::optional<std::string> readItem(std::string_view item, std::set<std::string_view>& seen, std::map<std::string_view, int>& numbers)
{
    const auto equals = item.find('=');
    const auto key = item.substr(0, equals);
    std::string quoted(1, '\'');
    quoted.append(key).append(1, '\'');
    const bool hasValue = equals != std::string_view::npos;
    const auto value = hasValue ? item.substr(equals + 1) : std::string_view();
    const auto number = std::find_if(kNumberKeys.begin(), kNumberKeys.end(), [&](const NumberKey& known) { return known.name == key; });
    const bool isFlag = std::find(kFlagKeys.begin(), kFlagKeys.end(), key) != kFlagKeys.end();
    if (number == kNumberKeys.end() && !isFlag && key != "id")
        return "unknown key " + quoted + " (the keys: " + std::string(kKnownKeys) + ")";
    if (!seen.insert(key).second)
        return "the key " + quoted + " is given twice";
    if (isFlag && hasValue)
        return "the key " + quoted + " takes no value";
    if (key == "id")
        return hasValue ? std::nullopt : std::optional<std::string>("the key 'id' needs a value (any text)");
    if (isFlag)
        return std::nullopt;
    const auto parsed = wholeNumber(value, number->low, number->high);
    if (!parsed) {
        return "the key " + quoted + " needs a whole number from " + std::to_string(number->low) + " to " + std::to_string(number->high)
            + (hasValue ? ", not '" + std::string(value) + "'" : "");
    }
    numbers[key] = *parsed;
    return std::nullopt;
}

std::optional<int> numberOf(const std::map<std::string_view, int>& numbers, std::string_view key)
{
    const auto found = numbers.find(key);
    return found == numbers.end() ? std::nullopt : std::optional<int>(found->second);
}

} // namespace

bool MockFaultSpec::fails(int ordinal) const
{
    return failure != MockFailure::None && (!failCount || ordinal <= *failCount);
}

std::variant<MockFaultSpec, std::string> parseMockFault(std::string_view model)
{
    const auto problem = [&](const std::string& what) { return "Bad mock-fault model '" + std::string(model) + "': " + what + "."; };
    if (!model.starts_with(kMockFaultPrefix))
        return problem("it does not start with " + std::string(kMockFaultPrefix));
    std::set<std::string_view> seen;
    std::map<std::string_view, int> numbers;
    auto rest = model.substr(kMockFaultPrefix.size());
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (const auto wrong = readItem(rest.substr(0, comma), seen, numbers))
            return problem(*wrong);
        if (comma == std::string_view::npos)
            break;
        rest = rest.substr(comma + 1);
        if (rest.empty())
            return problem("it ends with a comma");
    }
    if (seen.count("status") + seen.count("context_length") + seen.count("reset") > 1)
        return problem("status, context_length and reset exclude each other");
    if (seen.count("reset") && seen.count("retry_after"))
        return problem("retry_after goes with an answer, and reset sends none");

    MockFaultSpec spec;
    if (seen.count("context_length"))
        spec.failure = MockFailure::ContextLength;
    else if (seen.count("reset"))
        spec.failure = MockFailure::Reset;
    else if (seen.count("status") || seen.count("fail"))
        spec.failure = MockFailure::Status;
    spec.status = numberOf(numbers, "status").value_or(spec.status);
    spec.failCount = numberOf(numbers, "fail");
    spec.retryAfterSeconds = numberOf(numbers, "retry_after");
    spec.delay = std::chrono::milliseconds(numberOf(numbers, "delay_ms").value_or(0));
    spec.resetAfterChunks = numberOf(numbers, "reset_after_chunks");
    return spec;
}

int MockFaultCounter::next(const std::string& model)
{
    const std::lock_guard lock(m_mutex);
    return ++m_counts[model];
}

int MockFaultCounter::count(const std::string& model) const
{
    const std::lock_guard lock(m_mutex);
    const auto found = m_counts.find(model);
    return found == m_counts.end() ? 0 : found->second;
}

Awaitable<bool> MockChannel::send(const ResponseHead& head, std::string_view body)
{
    markFirstByte();
    co_return co_await m_connection.send(head, body);
}

Awaitable<bool> MockChannel::begin(const ResponseHead& head, std::string_view firstPiece)
{
    markFirstByte();
    const auto first = m_piecesLeft == 0 ? std::string_view() : firstPiece; // reset_after_chunks=0: the head alone
    const bool delivered = co_await m_connection.begin(head, first);
    co_return delivered && goesOn(first);
}

Awaitable<bool> MockChannel::piece(std::string_view data)
{
    const bool delivered = co_await m_connection.piece(data);
    co_return delivered && goesOn(data);
}

Awaitable<bool> MockChannel::end()
{
    co_return co_await m_connection.end();
}

bool MockChannel::goesOn(std::string_view sent)
{
    if (!m_piecesLeft)
        return true;
    if (!sent.empty() && *m_piecesLeft > 0)
        --*m_piecesLeft;
    if (*m_piecesLeft > 0)
        return true;
    m_connection.abort();
    return false;
}

Awaitable<bool> MockFlavor::answeredByFault(MockChannel& channel, const std::string& model) const
{
    const int ordinal = m_requests.next(model);
    if (const auto status = mockErrorStatus(model)) {
        const auto reply = requestedError(*status, model);
        co_await send(channel, reply);
        co_return true;
    }
    if (!model.starts_with(kMockFaultPrefix))
        co_return false;
    const auto parsed = parseMockFault(model);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        const auto reply = invalidFault(*problem);
        co_await send(channel, reply);
        co_return true;
    }
    const auto& fault = std::get<MockFaultSpec>(parsed);
    co_await pauseFor(fault.delay);
    if (!fault.fails(ordinal)) {
        if (fault.resetAfterChunks)
            channel.cutStreamAfter(*fault.resetAfterChunks);
        co_return false;
    }
    if (fault.failure == MockFailure::Reset) {
        channel.abort();
        co_return true;
    }
    auto reply = fault.failure == MockFailure::ContextLength ? contextLengthExceeded() : requestedError(fault.status, model);
    if (fault.retryAfterSeconds) {
        std::erase_if(reply.headers, [](const auto& header) { return header.first == "Retry-After"; });
        reply.headers.emplace_back("Retry-After", std::to_string(*fault.retryAfterSeconds));
    }
    co_await send(channel, reply);
    co_return true;
}

} // namespace gatehouse
