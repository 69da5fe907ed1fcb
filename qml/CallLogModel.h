// The live call log behind the console's call tables: newest call first, capped, fed in batches.
#pragma once

#include "calls/CallRecord.h"

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

// Records arrive on the gateway's writer thread and only land in a pending buffer there; a timer on
// the GUI thread moves them into the model with one insert per tick, so a gateway serving thousands
// of calls per second costs the GUI a handful of model updates per second, not thousands.
// A model can also follow another one on the GUI thread (the Call log page's own view of the log),
// and be paused: the table holds still while what arrives is kept aside (up to the capacity; the
// rest counted as skipped) and shown on resume.
class CallLogModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The call log belongs to the GatewayController: use controller.callLog.")
    Q_PROPERTY(int capacity READ capacity WRITE setCapacity NOTIFY capacityChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(qint64 totalCalls READ totalCalls NOTIFY totalCallsChanged)
    Q_PROPERTY(double callsPerSecond READ callsPerSecond NOTIFY callsPerSecondChanged)
    // Call records the gateway could not write (its writer's queue was full, or a write failed):
    // shown on the call log page, never silent.
    Q_PROPERTY(qint64 droppedRecords READ droppedRecords NOTIFY droppedRecordsChanged)
    Q_PROPERTY(bool paused READ paused WRITE setPaused NOTIFY pausedChanged)
    // Since the pause: calls that arrived, and those of them not kept (more than the capacity).
    Q_PROPERTY(qint64 arrivedWhilePaused READ arrivedWhilePaused NOTIFY pausedCountsChanged)
    Q_PROPERTY(qint64 skippedWhilePaused READ skippedWhilePaused NOTIFY pausedCountsChanged)

public:
    enum Role {
        TimeRole = Qt::UserRole + 1,
        RequestIdRole,
        ModelRole,
        ProviderRole,
        StatusRole,
        LatencyMsRole,
        TtfbMsRole,
        TokensInRole,
        TokensOutRole,
        KeyPrefixRole,
        StreamRole,
        ErrorCodeRole,
    };
    Q_ENUM(Role)

    static constexpr int kDefaultCapacity = 2000;
    static constexpr std::chrono::milliseconds kDefaultFlushInterval{150};
    // callsPerSecond averages over this window: long enough to be steady, short enough to follow a burst.
    static constexpr std::chrono::milliseconds kRateWindow{2000};

    explicit CallLogModel(QObject* parent = nullptr);

    // Thread-safe and cheap: called on the writer thread after each committed batch; only queues.
    // Captured payloads are not kept: they are unredacted until the writer stores them, and the
    // Call log page reads them, redacted, from the admin API.
    void enqueue(const std::vector<gatehouse::CallRecord>& batch);

    // Shows `source`'s rows now, then takes what each of its flushes brings, in the same flush (its
    // own timer stops). Null: follows nothing. The source must be on the same thread.
    void follow(CallLogModel* source);

    // Moves everything queued into the model: at most one removal (rows pushed past the capacity)
    // and one insertion at the top. The timer calls it; tests call it to flush deterministically.
    void flushPending();
    // The same, with the time (ms on a monotonic clock) the rate is measured against: for tests.
    void flushPendingAt(qint64 nowMs);

    // 0 stops the timer (tests then flush by hand).
    void setFlushInterval(std::chrono::milliseconds interval);

    // Where droppedRecords is read from at each flush (the running gateway's writer counters);
    // none: 0.
    void setDroppedRecordsSource(std::function<qint64()> source);

    // Also forgets the calls held while paused.
    Q_INVOKABLE void clear();

    // The call in `row` with every field, as the admin API writes a call (calls/CallRecordJson.h;
    // `id` null: the live log does not know the stored row); {} for no such row.
    Q_INVOKABLE QVariantMap callAt(int row) const;
    // For filters that must not convert each row to QVariants: 0 <= row < count().
    const gatehouse::CallRecord& record(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
    // The calls held while paused, oldest first.
    const std::deque<gatehouse::CallRecord>& held() const { return m_held; }

    int capacity() const { return m_capacity; }
    void setCapacity(int capacity);
    int count() const { return static_cast<int>(m_rows.size()); }
    qint64 totalCalls() const { return m_totalCalls; }
    double callsPerSecond() const { return m_callsPerSecond; }
    qint64 droppedRecords() const { return m_droppedRecords; }
    bool paused() const { return m_paused; }
    void setPaused(bool paused);
    qint64 arrivedWhilePaused() const { return m_arrivedWhilePaused; }
    qint64 skippedWhilePaused() const { return m_arrivedWhilePaused - static_cast<qint64>(m_held.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void capacityChanged();
    void countChanged();
    void totalCallsChanged();
    void callsPerSecondChanged();
    void droppedRecordsChanged();
    void pausedChanged();
    void pausedCountsChanged();
    // At each flush, before the model shows them: what arrived (oldest first; at most the capacity)
    // and how many calls that was (cut ones too). For followers.
    void callsArrived(const std::vector<gatehouse::CallRecord>& calls, qint64 count);

private:
    // One flush's worth: shown, or held while paused; counted in the totals and the rate.
    void take(std::vector<gatehouse::CallRecord> arrived, qint64 arrivedCount, qint64 nowMs);
    // At most one removal and one insertion at the top.
    void show(std::vector<gatehouse::CallRecord> arrived);
    void trimTo(int rows);
    void updateRate(qint64 nowMs, qint64 arrived);

    // GUI thread only. Index 0 is the newest call; a deque makes both ends cheap.
    std::deque<gatehouse::CallRecord> m_rows;
    bool m_paused = false;
    std::deque<gatehouse::CallRecord> m_held; // oldest first, at most m_capacity
    qint64 m_arrivedWhilePaused = 0;
    QPointer<CallLogModel> m_source;
    int m_capacity = kDefaultCapacity;
    qint64 m_totalCalls = 0;
    double m_callsPerSecond = 0;
    qint64 m_droppedRecords = 0;
    std::function<qint64()> m_droppedRecordsSource;
    std::deque<std::pair<qint64, qint64>> m_rateSamples; // (flush time ms, calls that arrived)
    QElapsedTimer m_clock;
    QTimer m_flushTimer;

    // Shared with the writer thread.
    std::mutex m_pendingMutex;
    std::vector<gatehouse::CallRecord> m_pending; // oldest first
    std::size_t m_pendingLimit = kDefaultCapacity; // older pending records would be cut at once anyway
    qint64 m_pendingArrived = 0;                  // counts records cut from m_pending too
};
