#include "auth/ApiKey.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace gatehouse {
namespace {
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t kRandomChars = 40;
constexpr std::size_t kVisiblePrefixLength = 10;
} // namespace

std::string generateApiKey()
{
    std::string key = "gk-";
    while (key.size() < 3 + kRandomChars) {
        std::array<unsigned char, 64> bytes{};
        if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
            throw std::runtime_error("the system random generator failed; cannot create an API key");
        for (const unsigned char byte : bytes) {
            // Rejection sampling keeps every character equally likely: 248 = 4 * 62.
            if (byte < 248 && key.size() < 3 + kRandomChars)
                key += kAlphabet[byte % kAlphabet.size()];
        }
    }
    return key;
}

std::string hashApiKey(std::string_view key)
{
    // Every request hashes its key: fetch the algorithm once and reuse a context per thread,
    // which costs a fraction of EVP_Digest's implicit fetch and allocation each time.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (!sha256 || !context || EVP_DigestInit_ex(context.get(), sha256, nullptr) != 1
        || EVP_DigestUpdate(context.get(), key.data(), key.size()) != 1
        || EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(length * 2, '0');
    for (unsigned int i = 0; i < length; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    return out;
}

std::string visibleKeyPrefix(std::string_view key)
{
    return std::string(key.substr(0, kVisiblePrefixLength));
}

} // namespace gatehouse
