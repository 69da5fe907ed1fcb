// The randomness the traffic policy draws (deployment choice, canary split, retry jitter),
// injected so tests can seed it or script it.
#pragma once

#include <cstdint>
#include <random>

namespace gatehouse {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // A uniformly distributed value in [0, 1).
    virtual double uniform() = 0;
};

// A Mersenne Twister behind the interface. Not thread-safe: the data plane keeps one per worker
// thread (thread_local, seeded from std::random_device); tests seed it to get repeatable draws.
class SeededRandom final : public RandomSource {
public:
    explicit SeededRandom(uint64_t seed)
        : m_engine(seed)
    {
    }
    // The top 53 bits as a double: exactly uniform and never 1.0 (std::generate_canonical in
    // libstdc++ can round up to 1.0).
    double uniform() override { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }

private:
    std::mt19937_64 m_engine;
};

} // namespace gatehouse
