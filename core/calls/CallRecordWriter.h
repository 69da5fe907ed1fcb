// Takes call records from the request path without ever blocking it, and writes them to SQLite
// in batches on one background thread, with their captured payloads (redacted there, off the
// request path) in the same transaction. It sums the records' rollups in memory and writes them at
// most once a second (kRollupInterval) with the batch of the moment, so that a busy second's
// thousands of calls cost a few thousand rollup rows rather than several per call; a crash between
// two rollup writes is made good at the next start from the watermark (CallRollups). Between
// batches the same thread prunes the log as its retention says. Subscribers (the console) see each
// written batch.
#pragma once

#include "calls/CallRecord.h"
#include "calls/CallRollups.h"
#include "config/RetentionSettings.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse {

class CallRetention;
class Database;
class PayloadRedactor;
class Statement;

class CallRecordWriter {
public:
    using Subscriber = std::function<void(const std::vector<CallRecord>& batch)>;

    // How long the rollups may lag the records at most, and how many minute rows they may sum in
    // memory before they are written anyway (a bound on the memory they take).
    static constexpr std::chrono::milliseconds kRollupInterval{1000};
    static constexpr std::size_t kMaxPendingRollupRows = 50'000;

    struct Counters {
        uint64_t submitted = 0;
        uint64_t written = 0;
        uint64_t dropped = 0; // queue full or write failed: counted, logged, never silent
        std::size_t queueDepth = 0;
        uint64_t pruned = 0; // records deleted by retention
    };

    // What the writer does besides writing (docs/analytics.md).
    struct Upkeep {
        std::optional<RetentionSettings> retention;        // unset: nothing is ever pruned
        std::optional<std::vector<std::string>> redaction; // unset: the default patterns (defaultRedactionPatterns)
    };

    // Opens its own connection to the database at `databasePath` (which must be migrated already).
    // After the first record of a batch arrives, the writer waits up to `gatherWindow` for more
    // (or for a full batch, or a flush) before it commits.
    CallRecordWriter(std::string databasePath, std::size_t queueCapacity, std::size_t batchSize,
        std::chrono::milliseconds gatherWindow = std::chrono::milliseconds(50), Upkeep upkeep = {});
    ~CallRecordWriter(); // stops: everything submitted is written first

    // Never blocks on I/O: a full queue drops the record and counts it.
    bool submit(CallRecord record);

    // Called on the writer thread after each committed batch. Add subscribers before traffic starts.
    void subscribe(Subscriber subscriber);

    // Blocks until every record submitted before this call is written (or dropped), its rollups too.
    void flush();
    void stop();

    Counters counters() const;

private:
    void run();
    bool writeBatch(const std::vector<CallRecord>& batch, bool withRollups);
    void rollupsWritten();
    bool writePendingRollups(); // false: the write failed (logged; tried again later)
    void settle(bool rollupsSettled);
    void catchUpRollups();
    std::optional<int64_t> highestCallId();
    std::optional<std::chrono::steady_clock::time_point> nextDeadline() const;
    void writePayload(const CallPayload& payload);
    void pruneIfDue();

    std::string m_databasePath;
    std::size_t m_capacity;
    std::size_t m_batchSize;
    std::chrono::milliseconds m_gatherWindow;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_progress;
    std::vector<CallRecord> m_queue;
    uint64_t m_submitted = 0;
    uint64_t m_finished = 0; // written or dropped by a failed write
    uint64_t m_settled = 0;  // finished, and in the rollups (or dropped): what flush() waits for
    int m_flushWaiters = 0;
    bool m_stopping = false;

    std::atomic<uint64_t> m_written{0};
    std::atomic<uint64_t> m_dropped{0};
    std::mutex m_subscribersMutex;
    std::vector<Subscriber> m_subscribers;
    std::unique_ptr<Database> m_db;        // used by the writer thread only
    std::unique_ptr<Statement> m_insert;
    std::unique_ptr<CallRollups> m_rollups;
    RollupSums m_pendingRollups;                           // written records not yet in the rollups
    std::chrono::steady_clock::time_point m_rollupsDue;    // the next rollup write, not before (past at start)
    int64_t m_lastCallId = 0;                              // the last calls row written: the writer numbers them
    bool m_sqliteNumbersCalls = false;                     // ... unless the last id could not be read
    std::unique_ptr<Statement> m_insertPayload;
    std::unique_ptr<PayloadRedactor> m_redactor;
    std::unique_ptr<CallRetention> m_retention;
    std::chrono::steady_clock::time_point m_nextPrune;
    std::atomic<uint64_t> m_pruned{0};
    std::thread m_thread;
};

} // namespace gatehouse
