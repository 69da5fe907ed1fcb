#include "calls/CallRecordWriter.h"

#include "calls/CallRetention.h"
#include "calls/PayloadRedactor.h"
#include "config/GatewayConfig.h"
#include "store/CallHistory.h"
#include "store/Database.h"

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

namespace gatehouse {
namespace {

constexpr int kWriterNiceness = 10;
// How many calls past the watermark are added to the rollups per transaction after a crash.
constexpr int64_t kCatchUpChunk = 10'000;

void bindOptionalText(Statement& statement, int index, const std::string& text)
{
    if (text.empty())
        statement.bindNull(index);
    else
        statement.bindUnowned(index, text); // the record outlives the step
}

template<typename T>
void bindOptional(Statement& statement, int index, const std::optional<T>& value)
{
    if (!value)
        statement.bindNull(index);
    else if constexpr (std::is_same_v<T, std::chrono::microseconds>)
        statement.bind(index, static_cast<int64_t>(value->count()));
    else
        statement.bind(index, static_cast<int64_t>(*value));
}

} // namespace

CallRecordWriter::CallRecordWriter(std::string databasePath, std::size_t queueCapacity, std::size_t batchSize,
    std::chrono::milliseconds gatherWindow, Upkeep upkeep)
    : m_databasePath(std::move(databasePath))
    , m_capacity(queueCapacity)
    , m_batchSize(batchSize)
    , m_gatherWindow(gatherWindow)
    , m_redactor(std::make_unique<PayloadRedactor>(upkeep.redaction.value_or(defaultRedactionPatterns())))
{
    if (upkeep.retention) {
        m_retention = std::make_unique<CallRetention>(*upkeep.retention);
        m_nextPrune = std::chrono::steady_clock::now(); // a first pass at start
    }
    m_queue.reserve(std::min<std::size_t>(queueCapacity, 4096));
    m_thread = std::thread([this] { run(); });
}

CallRecordWriter::~CallRecordWriter()
{
    stop();
}

bool CallRecordWriter::submit(CallRecord record)
{
    std::unique_lock lock(m_mutex);
    if (m_stopping || m_queue.size() >= m_capacity) {
        lock.unlock();
        const auto dropped = ++m_dropped;
        // Log the first drop and then every 1000th, so a flood of drops cannot flood the log.
        if (dropped == 1 || dropped % 1000 == 0)
            spdlog::warn("call log: {} call record(s) dropped so far (writer queue full at {} records)", dropped, m_capacity);
        return false;
    }
    m_queue.push_back(std::move(record));
    ++m_submitted;
    const auto size = m_queue.size();
    lock.unlock();
    // The writer waits for a first record, then gathers until a batch is full: only those two
    // moments need a wake-up, so the request path rarely pays for one.
    if (size == 1 || size == m_batchSize)
        m_wake.notify_one();
    return true;
}

void CallRecordWriter::subscribe(Subscriber subscriber)
{
    std::lock_guard lock(m_subscribersMutex);
    m_subscribers.push_back(std::move(subscriber));
}

void CallRecordWriter::flush()
{
    std::unique_lock lock(m_mutex);
    const auto target = m_submitted;
    ++m_flushWaiters; // ends the writer's gathering pause at once
    m_wake.notify_one();
    m_progress.wait(lock, [&] { return m_settled >= target; });
    --m_flushWaiters;
}

void CallRecordWriter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

CallRecordWriter::Counters CallRecordWriter::counters() const
{
    std::lock_guard lock(m_mutex);
    return {m_submitted, m_written.load(), m_dropped.load(), m_queue.size(), m_pruned.load()};
}

void CallRecordWriter::run()
{
    // Writing records must not compete with serving: a lower priority lets the scheduler prefer the
    // request threads when cores are busy; the writer catches up in the gaps (its queue absorbs bursts).
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kWriterNiceness) != 0)
        spdlog::debug("call log: could not lower the writer thread's priority");
    try {
        m_db = std::make_unique<Database>(m_databasePath);
        m_insert = std::make_unique<Statement>(m_db->prepare(
            "INSERT INTO calls(started_at_ms, request_id, endpoint, key_prefix, tenant, model, provider, deployment, "
            "status, error_code, stream, ttfb_us, latency_us, overhead_us, prompt_tokens, completion_tokens, "
            "cached_tokens, reasoning_tokens, usage_estimated, consumer, cost_micros, saved_micros, attempts, cache, cache_write_tokens, "
            "route, client_ip, user_agent, tags, prompt, prompt_version, prompt_label, id) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        m_rollups = std::make_unique<CallRollups>(*m_db);
        m_insertPayload = std::make_unique<Statement>(m_db->prepare(
            "INSERT INTO call_payloads(call_id, request_headers, request, response_status, response, request_truncated, response_truncated) "
            "VALUES(last_insert_rowid(), ?, ?, ?, ?, ?, ?)"));
    } catch (const StoreError& error) {
        spdlog::error("call log: cannot open the database, records will be counted as dropped: {}", error.what());
    }

    catchUpRollups();
    if (const auto highest = highestCallId())
        m_lastCallId = *highest;
    else
        m_sqliteNumbersCalls = true;
    std::vector<CallRecord> taken;
    for (;;) {
        bool rollupsNow = false;
        {
            std::unique_lock lock(m_mutex);
            // A flush also waits for the rollups summed so far.
            const auto ready = [&] { return !m_queue.empty() || m_stopping || (m_flushWaiters > 0 && !m_pendingRollups.empty()); };
            if (const auto deadline = nextDeadline())
                m_wake.wait_until(lock, *deadline, ready); // idle, it still prunes and writes rollups on time
            else
                m_wake.wait(lock, ready);
            // Gather for a moment: a transaction per record would cost more CPU than the requests.
            if (ready()) {
                m_wake.wait_for(lock, m_gatherWindow,
                    [&] { return m_queue.size() >= m_batchSize || m_stopping || m_flushWaiters > 0; });
            }
            if (m_queue.empty() && m_stopping)
                break;
            taken.swap(m_queue);
            rollupsNow = m_flushWaiters > 0 || m_stopping;
        }
        // Commit at most m_batchSize records at a time, so one transaction never grows without bound.
        for (std::size_t start = 0; start < taken.size(); start += m_batchSize) {
            const auto end = taken.begin() + std::min(taken.size(), start + m_batchSize);
            std::vector<CallRecord> batch(std::make_move_iterator(taken.begin() + start), std::make_move_iterator(end));
            const bool withRollups = std::chrono::steady_clock::now() >= m_rollupsDue || m_pendingRollups.minuteRows() >= kMaxPendingRollupRows;
            if (writeBatch(batch, withRollups)) {
                m_written += batch.size();
                std::lock_guard lock(m_subscribersMutex);
                for (const auto& subscriber : m_subscribers)
                    subscriber(batch);
            } else {
                m_dropped += batch.size();
            }
            {
                std::lock_guard lock(m_mutex);
                m_finished += batch.size();
            }
        }
        taken.clear();
        // Without a batch to go with them (idle, or a flush): a failed write counts as settled,
        // or a flush would wait for a database that keeps failing.
        bool settled = m_pendingRollups.empty();
        if (!settled && (rollupsNow || std::chrono::steady_clock::now() >= m_rollupsDue))
            settled = !writePendingRollups() || m_pendingRollups.empty();
        settle(settled);
        pruneIfDue();
    }
    writePendingRollups();
    settle(true);
    m_insert.reset();
    m_insertPayload.reset();
    m_rollups.reset();
    m_db.reset();
}

bool CallRecordWriter::writeBatch(const std::vector<CallRecord>& batch, bool withRollups)
{
    if (!m_db || !m_insert || !m_rollups || !m_insertPayload)
        return false;
    int64_t lastCallId = m_lastCallId;
    // With the rollups written, the sums start again; otherwise the batch joins them. Either only
    // once the transaction committed: a failed batch is in neither the records nor the rollups.
    std::optional<RollupSums> written;
    try {
        inTransaction(*m_db, [&] {
            for (const auto& record : batch) {
                auto& insert = *m_insert;
                insert.reset();
                insert.bind(1, record.startedAtMs()).bindUnowned(2, record.requestId).bindUnowned(3, record.endpoint);
                bindOptionalText(insert, 4, record.keyPrefix);
                bindOptionalText(insert, 5, record.tenant);
                bindOptionalText(insert, 6, record.model);
                bindOptionalText(insert, 7, record.provider);
                bindOptionalText(insert, 8, record.deployment);
                insert.bind(9, static_cast<int64_t>(record.status));
                bindOptionalText(insert, 10, record.errorCode);
                insert.bind(11, static_cast<int64_t>(record.stream));
                bindOptional(insert, 12, record.timeToFirstByte);
                insert.bind(13, static_cast<int64_t>(record.latency.count()));
                bindOptional(insert, 14, record.gatewayOverhead);
                bindOptional(insert, 15, record.promptTokens);
                bindOptional(insert, 16, record.completionTokens);
                bindOptional(insert, 17, record.cachedTokens);
                bindOptional(insert, 18, record.reasoningTokens);
                insert.bind(19, static_cast<int64_t>(record.usageEstimated));
                bindOptionalText(insert, 20, record.consumer);
                bindOptional(insert, 21, record.costMicros);
                bindOptional(insert, 22, record.savedMicros);
                insert.bind(23, static_cast<int64_t>(record.attempts));
                bindOptionalText(insert, 24, record.cache);
                bindOptional(insert, 25, record.cacheWriteTokens);
                bindOptionalText(insert, 26, record.route);
                bindOptionalText(insert, 27, record.clientIp);
                bindOptionalText(insert, 28, record.userAgent);
                bindOptionalText(insert, 29, record.tags);
                bindOptionalText(insert, 30, record.prompt);
                bindOptional(insert, 31, record.promptVersion);
                bindOptionalText(insert, 32, record.promptLabel);
                if (m_sqliteNumbersCalls)
                    insert.bindNull(33);
                else
                    insert.bind(33, ++lastCallId);
                insert.step();
                if (m_sqliteNumbersCalls)
                    lastCallId = m_db->lastInsertRowId();
                if (record.payload)
                    writePayload(*record.payload); // right after its call: it takes the call's row id
            }
            if (withRollups) {
                written = m_pendingRollups;
                written->add(batch);
                m_rollups->write(*written, lastCallId);
            }
        });
        m_lastCallId = lastCallId;
        if (written)
            rollupsWritten();
        else
            m_pendingRollups.add(batch);
        return true;
    } catch (const StoreError& error) {
        spdlog::error("call log: writing {} record(s) failed, counted as dropped: {}", batch.size(), error.what());
        return false;
    }
}

void CallRecordWriter::rollupsWritten()
{
    m_pendingRollups = RollupSums();
    // The next write not before a second from now: a quiet gateway's first batch after a pause
    // is in the rollups at once, a busy one's batches are summed for a second.
    m_rollupsDue = std::chrono::steady_clock::now() + kRollupInterval;
}

void CallRecordWriter::settle(bool rollupsSettled)
{
    {
        std::lock_guard lock(m_mutex);
        if (rollupsSettled)
            m_settled = m_finished;
    }
    m_progress.notify_all();
}

bool CallRecordWriter::writePendingRollups()
{
    if (m_pendingRollups.empty() || !m_db || !m_rollups)
        return true;
    try {
        inTransaction(*m_db, [&] { m_rollups->write(m_pendingRollups, m_lastCallId); });
        rollupsWritten();
        return true;
    } catch (const StoreError& error) {
        // The records are stored: the next start adds them to the rollups from the watermark.
        spdlog::error("call log: writing the rollups of {} minute row(s) failed, will try again: {}", m_pendingRollups.minuteRows(),
            error.what());
        m_rollupsDue = std::chrono::steady_clock::now() + kRollupInterval;
        return false;
    }
}

// The id the writer's next call follows: above every call and above the rollups' watermark. SQLite
// would reuse ids once retention has deleted every call, and a reused id at or below the watermark
// would be taken for a call the rollups already hold (docs/analytics.md "Rollups").
std::optional<int64_t> CallRecordWriter::highestCallId()
{
    if (!m_db || !m_rollups)
        return std::nullopt;
    try {
        auto query = m_db->prepare("SELECT COALESCE(MAX(id), 0) FROM calls");
        query.step();
        return std::max(query.columnInt(0), m_rollups->watermark());
    } catch (const StoreError& error) {
        spdlog::error("call log: cannot read the last call id, SQLite will number the calls: {}", error.what());
        return std::nullopt;
    }
}

void CallRecordWriter::catchUpRollups()
{
    if (!m_db || !m_rollups)
        return;
    try {
        CallHistory history(*m_db);
        int64_t added = 0;
        for (auto through = m_rollups->watermark();;) {
            const auto calls = history.after(through, kCatchUpChunk);
            if (calls.empty())
                break;
            RollupSums sums;
            for (const auto& call : calls)
                sums.add(call.record);
            through = calls.back().id;
            inTransaction(*m_db, [&] { m_rollups->write(sums, through); });
            added += static_cast<int64_t>(calls.size());
        }
        if (added > 0)
            spdlog::warn("call log: added {} record(s) to the rollups that the last run stored without them (it did not stop cleanly)", added);
    } catch (const StoreError& error) {
        spdlog::error("call log: catching the rollups up with the records failed, charts will miss those calls: {}", error.what());
    }
}

std::optional<std::chrono::steady_clock::time_point> CallRecordWriter::nextDeadline() const
{
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (m_retention)
        deadline = m_nextPrune;
    if (!m_pendingRollups.empty())
        deadline = deadline ? std::min(*deadline, m_rollupsDue) : m_rollupsDue;
    return deadline;
}

void CallRecordWriter::writePayload(const CallPayload& payload)
{
    auto& insert = *m_insertPayload;
    insert.reset();
    insert.bind(1, m_redactor->redact(payload.requestHeaders))
        .bind(2, m_redactor->redact(payload.request))
        .bind(3, static_cast<int64_t>(payload.responseStatus))
        .bind(4, m_redactor->redact(payload.response))
        .bind(5, static_cast<int64_t>(payload.requestTruncated))
        .bind(6, static_cast<int64_t>(payload.responseTruncated));
    insert.step();
}

void CallRecordWriter::pruneIfDue()
{
    const auto now = std::chrono::steady_clock::now();
    if (!m_retention || !m_db || now < m_nextPrune)
        return;
    m_nextPrune = now + m_retention->settings().pruneInterval;
    try {
        const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        const auto result = m_retention->prune(*m_db, nowMs);
        m_pruned += static_cast<uint64_t>(result.calls());
        if (result.more)
            m_nextPrune = now + std::chrono::seconds(1); // a backlog: the next pass after the queued records
        if (result.calls() > 0 || result.rollupRows > 0)
            spdlog::info("call log: retention pruned {} record(s) by age, {} by size, {} rollup row(s)", result.callsByAge,
                result.callsBySize, result.rollupRows);
    } catch (const StoreError& error) {
        spdlog::error("call log: pruning failed, will try again in {} s: {}", m_retention->settings().pruneInterval.count(), error.what());
    }
}

} // namespace gatehouse
