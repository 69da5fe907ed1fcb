// What the admin API and the console show of the traffic policy's live state, as JSON: each
// deployment's health (circuit, latency), each configured rate limit's usage, each budget's
// spending. Read-only views of TrafficControl against the current snapshot.
#pragma once

#include "gateway/GatewaySnapshot.h"
#include "gateway/TrafficControl.h"
#include "json/Json.h"

namespace gatehouse {

enum class TrafficView { Deployments, RateLimits, Budgets };

// {"data": [...]}:
// Deployments: {deployment, provider, model (upstream), models (public names), circuit, consecutive_failures,
//   window_requests, window_failures, error_rate, retry_in_ms, successes, failures, rejected,
//   times_opened, last_failure, latency_ms (moving average of time to first token, null until measured), latency_samples}
// RateLimits: {scope, id, requests_per_minute, tokens_per_minute, concurrent, requests_remaining,
//   requests_reset_ms, tokens_remaining, tokens_reset_ms, in_flight}
// Budgets: {scope, id, period, limit_usd, soft_limit_usd, spent_usd, reserved_usd, remaining_usd,
//   period_start, resets_at (null for a total budget), soft_threshold_reached, loaded}
Json trafficReport(TrafficView view, TrafficControl& traffic, const GatewaySnapshot& snapshot, int64_t nowMs);

} // namespace gatehouse
