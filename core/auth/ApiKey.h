// API keys: generation (high-entropy, shown once), hashing for storage, and the visible prefix.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

// "gk-" followed by 40 base62 characters (~238 bits from the OpenSSL CSPRNG).
std::string generateApiKey();

// Lower-case hex SHA-256 of the key: what the store keeps instead of the key.
std::string hashApiKey(std::string_view key);

// The first characters of a key, safe to show and log ("gk-AbCdEf1").
std::string visibleKeyPrefix(std::string_view key);

} // namespace gatehouse
