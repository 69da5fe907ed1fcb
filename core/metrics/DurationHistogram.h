// A fixed-bucket histogram of call durations for /metrics, kept in whole microseconds so that its
// sum is exact however many calls it counts.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace gatehouse {

class DurationHistogram {
public:
    // Upper bounds of the buckets (Prometheus `le`), in microseconds: from a cache hit (about a
    // millisecond) to a long streamed answer (minutes). Everything slower lands in +Inf.
    static constexpr std::array<int64_t, 16> kUpperBoundsMicros = {1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000,
        250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000, 120'000'000};
    static constexpr std::size_t kBucketCount = kUpperBoundsMicros.size() + 1; // the last is +Inf

    // Counts one duration in the first bucket whose bound it does not exceed (`le` is inclusive).
    // A negative duration (a clock step) counts as zero.
    void observe(std::chrono::microseconds duration);
    // The bucket observe() counts a duration in (the call log's rollups count with the same buckets).
    static std::size_t bucketIndex(std::chrono::microseconds duration);

    // Per bucket, not cumulative: [i] counts durations above bound i-1 and at most bound i; the
    // last counts those above every bound. The exposition adds them up into `le` buckets.
    const std::array<uint64_t, kBucketCount>& bucketCounts() const { return m_buckets; }
    uint64_t count() const { return m_count; }
    int64_t sumMicros() const { return m_sumMicros; }

private:
    std::array<uint64_t, kBucketCount> m_buckets{};
    uint64_t m_count = 0;
    int64_t m_sumMicros = 0;
};

} // namespace gatehouse
