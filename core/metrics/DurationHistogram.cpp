#include "metrics/DurationHistogram.h"

#include <algorithm>

namespace gatehouse {

std::size_t DurationHistogram::bucketIndex(std::chrono::microseconds duration)
{
    const int64_t micros = std::max<int64_t>(0, duration.count());
    // lower_bound: the first bound >= micros, so a duration equal to a bound lands in that bucket.
    const auto bound = std::lower_bound(kUpperBoundsMicros.begin(), kUpperBoundsMicros.end(), micros);
    return static_cast<std::size_t>(bound - kUpperBoundsMicros.begin());
}

void DurationHistogram::observe(std::chrono::microseconds duration)
{
    ++m_buckets[bucketIndex(duration)];
    ++m_count;
    m_sumMicros += std::max<int64_t>(0, duration.count());
}

} // namespace gatehouse
