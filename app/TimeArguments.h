// Reads the times and durations people type on the command line: "24h", "30d", "2025-06-30",
// "2025-06-30T12:00:00Z". The admin API speaks epoch milliseconds and seconds only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// "90s", "15m", "24h", "30d", "2w", combinations such as "1h30m", or a plain number of seconds.
// nullopt: not a duration.
std::optional<int64_t> parseDurationSeconds(std::string_view text);

// "2025-06-30", "2025-06-30T12:00", "2025-06-30T12:00:00Z", "2025-06-30 12:00:00+02:00" (ISO 8601;
// no zone means UTC). nullopt: not such a time.
std::optional<int64_t> parseIsoTimeMs(std::string_view text);

// Which side of now a bare duration means: "--expires 30d" is in the future, "--since 24h" ago.
enum class Direction { Ahead, Ago };

// An ISO 8601 time, or a duration counted from `nowMs` in `direction`. nullopt: neither.
std::optional<int64_t> parseTimeArgumentMs(std::string_view text, Direction direction, int64_t nowMs);

// What parseTimeArgumentMs accepts, for help texts and error messages.
std::string timeArgumentForms(Direction direction);

int64_t currentTimeMs();

} // namespace gatehouse
