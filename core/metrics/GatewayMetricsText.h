// The gateway's /metrics page: every gatehouse_ family with its HELP text, written from the call
// metrics, the circuit breakers and the call-record writer. docs/metrics.md documents each one.
#pragma once

#include "calls/CallRecordWriter.h"
#include "metrics/CallMetrics.h"
#include "policy/CircuitBreaker.h"

#include <string>
#include <utility>
#include <vector>

namespace gatehouse {

// The gateway's state at the moment of a scrape, besides the per-call metrics.
struct GatewayGauges {
    int requestsInFlight = 0;
    CallRecordWriter::Counters callRecords;
    std::size_t callRecordQueueCapacity = 0;
    std::vector<std::pair<std::string, BreakerSnapshot>> circuits; // by deployment id
};

std::string gatewayMetricsText(const CallMetricsSnapshot& calls, const GatewayGauges& gauges);

} // namespace gatehouse
