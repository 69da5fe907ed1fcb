// A 64-bit FNV-1a hash: the same on every machine, build and run, unlike std::hash. For choices that
// must not change across restarts (a user's version of a split prompt label, the mock's answers).
#pragma once

#include <cstdint>
#include <string_view>

namespace gatehouse {

inline uint64_t stableHash(std::string_view text)
{
    uint64_t hash = 14695981039346656037ULL;
    for (const unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return hash;
}

} // namespace gatehouse
