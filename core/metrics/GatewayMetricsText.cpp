#include "metrics/GatewayMetricsText.h"

#include "metrics/PrometheusTextWriter.h"

#include <string_view>

namespace gatehouse {
namespace {

using Type = PrometheusTextWriter::Type;

// Writes one family whose samples come from every label set: `write(labels..., series)` is
// called per set, with the tenant/model/deployment labels ready to extend.
class CallFamilies {
public:
    CallFamilies(PrometheusTextWriter& out, const CallMetricsSnapshot& calls)
        : m_out(out)
        , m_calls(calls)
    {
    }

    // A counter with the three call labels only.
    template<typename Value>
    void counter(std::string_view name, std::string_view help, Value value)
    {
        m_out.family(name, Type::Counter, help);
        for (const auto& [labels, series] : m_calls.series)
            m_out.sample(name, {{"tenant", labels.tenant}, {"model", labels.model}, {"deployment", labels.deployment}}, value(series));
    }

    // Money, counted in micro-dollars, written in dollars.
    template<typename Micros>
    void usdCounter(std::string_view name, std::string_view help, Micros micros)
    {
        m_out.family(name, Type::Counter, help);
        for (const auto& [labels, series] : m_calls.series) {
            const auto dollars = PrometheusTextWriter::formatMillionths(micros(series));
            m_out.sampleText(name, {{"tenant", labels.tenant}, {"model", labels.model}, {"deployment", labels.deployment}}, dollars);
        }
    }

    // Any family: `write(out, labels, series)` writes the samples of one label set.
    template<typename Write>
    void family(std::string_view name, Type type, std::string_view help, Write write)
    {
        m_out.family(name, type, help);
        for (const auto& [labels, series] : m_calls.series)
            write(m_out, labels, series);
    }

private:
    PrometheusTextWriter& m_out;
    const CallMetricsSnapshot& m_calls;
};

void writeCallFamilies(PrometheusTextWriter& out, const CallMetricsSnapshot& calls)
{
    CallFamilies families(out, calls);
    families.family("gatehouse_requests_total", Type::Counter,
        "Calls the data plane answered (refusals included), by HTTP status.",
        [](PrometheusTextWriter& out, const CallLabels& l, const CallSeries& s) {
            for (const auto& [status, count] : s.requestsByStatus) {
                const auto code = std::to_string(status);
                out.sample("gatehouse_requests_total", {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}, {"code", code}}, count);
            }
        });
    families.family("gatehouse_request_errors_total", Type::Counter,
        "Calls that failed or were refused, by reason (rate_limited and budget are the gateway's refusals).",
        [](PrometheusTextWriter& out, const CallLabels& l, const CallSeries& s) {
            for (std::size_t i = 0; i < kCallOutcomeCount; ++i) {
                const auto outcome = static_cast<CallOutcome>(i);
                if (outcome == CallOutcome::Succeeded || s.outcomes[i] == 0)
                    continue;
                out.sample("gatehouse_request_errors_total",
                    {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}, {"reason", callOutcomeLabel(outcome)}}, s.outcomes[i]);
            }
        });
    families.family("gatehouse_request_duration_seconds", Type::Histogram,
        "Whole calls as the client saw them, from the request read to the last byte, by outcome.",
        [](PrometheusTextWriter& out, const CallLabels& l, const CallSeries& s) {
            if (s.succeededDuration.count() > 0)
                out.histogram("gatehouse_request_duration_seconds",
                    {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}, {"outcome", "success"}}, s.succeededDuration);
            if (s.failedDuration.count() > 0)
                out.histogram("gatehouse_request_duration_seconds",
                    {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}, {"outcome", "error"}}, s.failedDuration);
        });
    families.family("gatehouse_time_to_first_token_seconds", Type::Histogram,
        "Streamed answers: from the request read until the first byte of the stream went out.",
        [](PrometheusTextWriter& out, const CallLabels& l, const CallSeries& s) {
            if (s.timeToFirstToken.count() > 0)
                out.histogram("gatehouse_time_to_first_token_seconds", {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}},
                    s.timeToFirstToken);
        });
    families.family("gatehouse_tokens_total", Type::Counter,
        "Tokens as the provider reported them (or estimated when it reported none), by type.",
        [](PrometheusTextWriter& out, const CallLabels& l, const CallSeries& s) {
            out.sample("gatehouse_tokens_total", {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}, {"type", "prompt"}},
                s.promptTokens);
            out.sample("gatehouse_tokens_total", {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}, {"type", "completion"}},
                s.completionTokens);
        });
    families.counter("gatehouse_cached_prompt_tokens_total", "Prompt tokens read from the provider's prompt cache (part of the prompt tokens).",
        [](const CallSeries& s) { return s.cachedPromptTokens; });
    families.counter("gatehouse_reasoning_tokens_total", "Completion tokens spent on reasoning (part of the completion tokens).",
        [](const CallSeries& s) { return s.reasoningTokens; });
    families.counter("gatehouse_cache_write_tokens_total", "Prompt tokens written to the provider's prompt cache (billed at the cache-write price).",
        [](const CallSeries& s) { return s.cacheWriteTokens; });
    families.usdCounter("gatehouse_cost_usd_total", "What the calls cost at their deployment's price, in US dollars.",
        [](const CallSeries& s) { return s.costMicros; });
    families.family("gatehouse_cache_requests_total", Type::Counter,
        "Cacheable calls by what the response cache did: hit, miss or bypass.",
        [](PrometheusTextWriter& out, const CallLabels& l, const CallSeries& s) {
            const std::pair<std::string_view, uint64_t> results[] = {{"hit", s.cacheHits}, {"miss", s.cacheMisses}, {"bypass", s.cacheBypasses}};
            for (const auto& [result, count] : results) {
                if (count > 0)
                    out.sample("gatehouse_cache_requests_total",
                        {{"tenant", l.tenant}, {"model", l.model}, {"deployment", l.deployment}, {"result", result}}, count);
            }
        });
    families.usdCounter("gatehouse_cache_saved_usd_total", "What cache hits saved: the cost of the stored answers they replayed, in US dollars.",
        [](const CallSeries& s) { return s.cacheSavedMicros; });
    families.counter("gatehouse_upstream_attempts_total", "Calls made to deployments, retries and fallbacks included.",
        [](const CallSeries& s) { return s.upstreamAttempts; });
}

void writeCircuitFamilies(PrometheusTextWriter& out, const GatewayGauges& gauges)
{
    out.family("gatehouse_circuit_state", Type::Gauge, "Each deployment's circuit breaker: 1 for its current state, 0 for the others.");
    for (const auto& [deployment, breaker] : gauges.circuits) {
        for (const auto state : {BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen})
            out.sample("gatehouse_circuit_state", {{"deployment", deployment}, {"state", breakerStateName(state)}}, breaker.state == state ? 1 : 0);
    }
    out.family("gatehouse_circuit_opened_total", Type::Counter, "Times each deployment's circuit opened.");
    for (const auto& [deployment, breaker] : gauges.circuits)
        out.sample("gatehouse_circuit_opened_total", {{"deployment", deployment}}, breaker.timesOpened);
    out.family("gatehouse_circuit_rejected_total", Type::Counter,
        "Attempts not sent to a deployment because its circuit was open or its half-open probe was running.");
    for (const auto& [deployment, breaker] : gauges.circuits)
        out.sample("gatehouse_circuit_rejected_total", {{"deployment", deployment}}, breaker.rejected);
}

void writeGatewayFamilies(PrometheusTextWriter& out, const CallMetricsSnapshot& calls, const GatewayGauges& gauges)
{
    out.family("gatehouse_requests_in_flight", Type::Gauge, "Data-plane calls running now.");
    out.sample("gatehouse_requests_in_flight", {}, gauges.requestsInFlight);
    out.family("gatehouse_call_records_written_total", Type::Counter, "Call records written to the database.");
    out.sample("gatehouse_call_records_written_total", {}, gauges.callRecords.written);
    out.family("gatehouse_call_records_dropped_total", Type::Counter,
        "Call records dropped because the writer's queue was full or a write failed (their calls are missing from the call log).");
    out.sample("gatehouse_call_records_dropped_total", {}, gauges.callRecords.dropped);
    out.family("gatehouse_call_record_queue_depth", Type::Gauge, "Call records waiting for the writer.");
    out.sample("gatehouse_call_record_queue_depth", {}, static_cast<uint64_t>(gauges.callRecords.queueDepth));
    out.family("gatehouse_call_record_queue_capacity", Type::Gauge, "Call records the writer's queue holds before it drops (storage.writer_queue_capacity).");
    out.sample("gatehouse_call_record_queue_capacity", {}, static_cast<uint64_t>(gauges.callRecordQueueCapacity));

    std::size_t ownSets = calls.series.size();
    if (calls.overflowedCalls > 0)
        --ownSets; // the overflow set is not one of the capped sets
    out.family("gatehouse_metrics_label_sets", Type::Gauge, "Tenant/model/deployment combinations with series of their own.");
    out.sample("gatehouse_metrics_label_sets", {}, static_cast<uint64_t>(ownSets));
    out.family("gatehouse_metrics_label_sets_limit", Type::Gauge, "The most combinations kept (metrics.max_label_sets).");
    out.sample("gatehouse_metrics_label_sets_limit", {}, static_cast<uint64_t>(calls.maxLabelSets));
    out.family("gatehouse_metrics_overflowed_calls_total", Type::Counter,
        "Calls counted under the (overflow) label set because the limit of label sets was reached.");
    out.sample("gatehouse_metrics_overflowed_calls_total", {}, calls.overflowedCalls);
}

} // namespace

std::string gatewayMetricsText(const CallMetricsSnapshot& calls, const GatewayGauges& gauges)
{
    PrometheusTextWriter out;
    writeCallFamilies(out, calls);
    writeCircuitFamilies(out, gauges);
    writeGatewayFamilies(out, calls, gauges);
    return out.take();
}

} // namespace gatehouse
