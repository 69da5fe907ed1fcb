#include "metrics/DurationHistogram.h"

#include <algorithm>

namespace gatehouse {

void DurationHistogram::observe(std::chrono::microseconds duration)
{
    const int64_t micros = std::max<int64_t>(0, duration.count());
    // lower_bound: the first bound >= micros, so a duration equal to a bound lands in that bucket.
    const auto bound = std::lower_bound(kUpperBoundsMicros.begin(), kUpperBoundsMicros.end(), micros);
    ++m_buckets[static_cast<std::size_t>(bound - kUpperBoundsMicros.begin())];
    ++m_count;
    m_sumMicros += micros;
}

} // namespace gatehouse
