#include "calls/RequestId.h"

#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
#include <cstdio>

namespace gatehouse {
namespace {

uint32_t processSalt()
{
    uint32_t salt = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&salt), sizeof salt) != 1)
        salt = 0x9e3779b9u; // still unique within the run thanks to the counter
    return salt;
}

} // namespace

std::string newRequestId()
{
    static const uint32_t salt = processSalt();
    static std::atomic<uint64_t> counter{0};
    char buffer[32];
    const auto n = ++counter;
    std::snprintf(buffer, sizeof buffer, "req_%08x%012llx", salt, static_cast<unsigned long long>(n & 0xffffffffffffULL));
    return buffer;
}

} // namespace gatehouse
