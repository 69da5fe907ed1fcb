// How long the call log keeps what (docs/analytics.md "Retention"): records by age and by the
// database's size, rollups by age per granularity. Pruned by the call-record writer in the background.
#pragma once

#include <chrono>
#include <cstdint>

namespace gatehouse {

struct RetentionSettings {
    int64_t callsMaxAgeDays = 30;        // records older than this are deleted; 0 = kept whatever their age
    int64_t callsMaxMegabytes = 0;       // the oldest records go while the database uses more; 0 = no cap
    int64_t minuteRollupsMaxAgeDays = 7; // 0 = kept forever
    int64_t hourRollupsMaxAgeDays = 90;
    int64_t dayRollupsMaxAgeDays = 0;
    std::chrono::seconds pruneInterval{300};
};

} // namespace gatehouse
