#include "calls/RequestId.h"

#include <openssl/rand.h>

#include <atomic>
#include <cstdint>

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
    static constexpr char hex[] = "0123456789abcdef";
    // Formatted by hand: snprintf cost more than the rest of the id's life on the request path.
    std::string id = "req_00000000000000000000";
    const auto n = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    for (int i = 0; i < 8; ++i)
        id[4 + i] = hex[(salt >> (28 - 4 * i)) & 0xf];
    for (int i = 0; i < 12; ++i)
        id[12 + i] = hex[(n >> (44 - 4 * i)) & 0xf];
    return id;
}

} // namespace gatehouse
