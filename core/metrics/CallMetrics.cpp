#include "metrics/CallMetrics.h"

#include "policy/CircuitBreaker.h"

namespace gatehouse {
namespace {

uint64_t tokens(const std::optional<int64_t>& count)
{
    return count && *count > 0 ? static_cast<uint64_t>(*count) : 0;
}

void count(CallSeries& series, const CallRecord& record)
{
    // Only real HTTP statuses: anything else (0 for a call that never got one) is counted as 0.
    const int status = record.status >= 100 && record.status <= 599 ? record.status : 0;
    ++series.requestsByStatus[status];
    const auto outcome = classifyCall(record);
    ++series.outcomes[static_cast<std::size_t>(outcome)];
    (outcome == CallOutcome::Succeeded ? series.succeededDuration : series.failedDuration).observe(record.latency);
    // A stream that began has status 200 even if it broke later: its first token did arrive.
    if (record.stream && record.status == 200 && record.timeToFirstByte)
        series.timeToFirstToken.observe(*record.timeToFirstByte);
    series.promptTokens += tokens(record.promptTokens);
    series.completionTokens += tokens(record.completionTokens);
    series.cachedPromptTokens += tokens(record.cachedTokens);
    series.reasoningTokens += tokens(record.reasoningTokens);
    series.cacheWriteTokens += tokens(record.cacheWriteTokens);
    series.costMicros += record.costMicros.value_or(0);
    series.cacheSavedMicros += record.savedMicros.value_or(0);
    if (record.cache == "hit")
        ++series.cacheHits;
    else if (record.cache == "miss")
        ++series.cacheMisses;
    else if (record.cache == "bypass")
        ++series.cacheBypasses;
    series.upstreamAttempts += record.attempts > 0 ? static_cast<uint64_t>(record.attempts) : 0;
}

} // namespace

CallMetrics::CallMetrics(std::size_t maxLabelSets)
    : m_maxLabelSets(maxLabelSets)
{
}

CallLabels CallMetrics::labelsFor(const CallRecord& record, const ServedModel& isServed)
{
    CallLabels labels;
    labels.tenant = record.tenant;
    if (!record.model.empty() && isServed && isServed(record.model))
        labels.model = record.model;
    if (!record.deployment.empty())
        labels.deployment = deploymentId(record.provider, record.deployment); // as the circuit metrics name it
    return labels;
}

void CallMetrics::record(const CallRecord& record, const ServedModel& isServed)
{
    auto labels = labelsFor(record, isServed); // before the lock: it allocates
    std::lock_guard lock(m_mutex);
    count(seriesForLocked(std::move(labels)), record);
}

void CallMetrics::record(const std::vector<CallRecord>& batch, const ServedModel& isServed)
{
    for (const auto& call : batch)
        record(call, isServed);
}

CallSeries& CallMetrics::seriesForLocked(CallLabels labels)
{
    if (const auto found = m_series.find(labels); found != m_series.end())
        return found->second;
    if (m_series.size() < m_maxLabelSets)
        return m_series.emplace(std::move(labels), CallSeries{}).first->second;
    ++m_overflowedCalls;
    return m_overflow;
}

CallMetricsSnapshot CallMetrics::snapshot() const
{
    CallMetricsSnapshot copy;
    std::lock_guard lock(m_mutex);
    copy.maxLabelSets = m_maxLabelSets;
    copy.overflowedCalls = m_overflowedCalls;
    copy.series.reserve(m_series.size() + 1);
    for (const auto& [labels, series] : m_series)
        copy.series.emplace_back(labels, series);
    if (m_overflowedCalls > 0)
        copy.series.emplace_back(CallLabels{kOverflowLabel, kOverflowLabel, kOverflowLabel}, m_overflow);
    return copy;
}

} // namespace gatehouse
