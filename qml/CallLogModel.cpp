// The live call log behind the console's call tables: newest call first, capped, fed in batches.
#include "CallLogModel.h"

#include "calls/CallRecordJson.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace {

QVariant optionalMilliseconds(const std::optional<std::chrono::microseconds>& value)
{
    return value ? QVariant(value->count() / 1000.0) : QVariant();
}

QVariant optionalCount(const std::optional<int64_t>& value)
{
    return value ? QVariant(static_cast<qint64>(*value)) : QVariant();
}

} // namespace

CallLogModel::CallLogModel(QObject* parent)
    : QAbstractListModel(parent)
{
    m_clock.start();
    connect(&m_flushTimer, &QTimer::timeout, this, &CallLogModel::flushPending);
    setFlushInterval(kDefaultFlushInterval);
}

void CallLogModel::enqueue(const std::vector<gatehouse::CallRecord>& batch)
{
    std::lock_guard lock(m_pendingMutex);
    const auto first = static_cast<std::ptrdiff_t>(m_pending.size());
    m_pending.insert(m_pending.end(), batch.begin(), batch.end());
    for (auto record = m_pending.begin() + first; record != m_pending.end(); ++record)
        record->payload.reset();
    m_pendingArrived += static_cast<qint64>(batch.size());
    // Bounded even when the GUI thread stalls: only the newest `capacity` records can ever be shown.
    // Cutting at twice the limit keeps the erase amortised over many batches.
    if (m_pending.size() > 2 * m_pendingLimit)
        m_pending.erase(m_pending.begin(), m_pending.end() - static_cast<std::ptrdiff_t>(m_pendingLimit));
}

void CallLogModel::flushPending()
{
    flushPendingAt(m_clock.elapsed());
}

void CallLogModel::flushPendingAt(qint64 nowMs)
{
    std::vector<gatehouse::CallRecord> arrived;
    qint64 arrivedCount = 0;
    {
        std::lock_guard lock(m_pendingMutex);
        arrived.swap(m_pending);
        arrivedCount = std::exchange(m_pendingArrived, 0);
    }
    const auto capacity = static_cast<std::size_t>(m_capacity);
    if (arrived.size() > capacity)
        arrived.erase(arrived.begin(), arrived.end() - static_cast<std::ptrdiff_t>(capacity));
    if (arrivedCount > 0)
        emit callsArrived(arrived, arrivedCount);
    take(std::move(arrived), arrivedCount, nowMs);

    const auto dropped = m_droppedRecordsSource ? m_droppedRecordsSource() : 0;
    if (dropped != m_droppedRecords) {
        m_droppedRecords = dropped;
        emit droppedRecordsChanged();
    }
}

void CallLogModel::take(std::vector<gatehouse::CallRecord> arrived, qint64 arrivedCount, qint64 nowMs)
{
    if (m_paused) {
        for (auto& record : arrived)
            m_held.push_back(std::move(record));
        while (m_held.size() > static_cast<std::size_t>(m_capacity))
            m_held.pop_front();
        m_arrivedWhilePaused += arrivedCount;
        if (arrivedCount > 0)
            emit pausedCountsChanged();
    } else {
        show(std::move(arrived));
    }

    if (arrivedCount > 0) {
        m_totalCalls += arrivedCount;
        emit totalCallsChanged();
    }
    updateRate(nowMs, arrivedCount);
}

void CallLogModel::show(std::vector<gatehouse::CallRecord> arrived)
{
    if (arrived.empty())
        return;
    const auto capacity = static_cast<std::size_t>(m_capacity);
    if (arrived.size() > capacity)
        arrived.erase(arrived.begin(), arrived.end() - static_cast<std::ptrdiff_t>(capacity));
    const int incoming = static_cast<int>(arrived.size());

    // Make room first, so the model never holds more than `capacity` rows, even between the two steps.
    trimTo(m_capacity - incoming);

    beginInsertRows({}, 0, incoming - 1);
    for (auto& record : arrived)
        m_rows.push_front(std::move(record)); // the batch is oldest first, so its newest ends up on top
    endInsertRows();
    emit countChanged();
}

void CallLogModel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (!paused) {
        std::vector<gatehouse::CallRecord> held(std::make_move_iterator(m_held.begin()), std::make_move_iterator(m_held.end()));
        m_held.clear();
        m_arrivedWhilePaused = 0;
        show(std::move(held));
        emit pausedCountsChanged();
    }
    emit pausedChanged();
}

void CallLogModel::follow(CallLogModel* source)
{
    if (source == m_source)
        return;
    if (m_source)
        disconnect(m_source, &CallLogModel::callsArrived, this, nullptr);
    m_source = source;
    if (!source)
        return;
    setFlushInterval(std::chrono::milliseconds(0));
    beginResetModel();
    m_rows = source->m_rows;
    if (m_rows.size() > static_cast<std::size_t>(m_capacity))
        m_rows.resize(static_cast<std::size_t>(m_capacity));
    endResetModel();
    emit countChanged();
    m_totalCalls = source->m_totalCalls;
    emit totalCallsChanged();
    connect(source, &CallLogModel::callsArrived, this, [this](const std::vector<gatehouse::CallRecord>& calls, qint64 count) {
        take(calls, count, m_clock.elapsed());
    });
}

QVariantMap CallLogModel::callAt(int row) const
{
    if (row < 0 || row >= count())
        return {};
    // Once per selection, not per row shown: the JSON detour keeps one definition of the fields.
    const std::string json = gatehouse::callRecordJson(record(row)).dump();
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object().toVariantMap();
}

void CallLogModel::setDroppedRecordsSource(std::function<qint64()> source)
{
    m_droppedRecordsSource = std::move(source);
}

void CallLogModel::updateRate(qint64 nowMs, qint64 arrived)
{
    if (arrived > 0)
        m_rateSamples.emplace_back(nowMs, arrived);
    const qint64 windowMs = kRateWindow.count();
    while (!m_rateSamples.empty() && m_rateSamples.front().first <= nowMs - windowMs)
        m_rateSamples.pop_front();
    qint64 calls = 0;
    for (const auto& sample : m_rateSamples)
        calls += sample.second;
    const double rate = calls * 1000.0 / static_cast<double>(windowMs);
    if (rate != m_callsPerSecond) {
        m_callsPerSecond = rate;
        emit callsPerSecondChanged();
    }
}

void CallLogModel::setFlushInterval(std::chrono::milliseconds interval)
{
    if (interval.count() <= 0) {
        m_flushTimer.stop();
        return;
    }
    m_flushTimer.start(interval);
}

void CallLogModel::clear()
{
    {
        std::lock_guard lock(m_pendingMutex);
        m_pending.clear(); // still counted in totalCalls at the next flush: they did happen
    }
    if (!m_held.empty() || m_arrivedWhilePaused > 0) {
        m_held.clear();
        m_arrivedWhilePaused = 0;
        emit pausedCountsChanged();
    }
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    emit countChanged();
}

void CallLogModel::setCapacity(int capacity)
{
    capacity = std::max(capacity, 1);
    if (capacity == m_capacity)
        return;
    m_capacity = capacity;
    {
        std::lock_guard lock(m_pendingMutex);
        m_pendingLimit = static_cast<std::size_t>(capacity);
    }
    trimTo(capacity);
    while (m_held.size() > static_cast<std::size_t>(capacity))
        m_held.pop_front();
    emit pausedCountsChanged();
    emit capacityChanged();
}

void CallLogModel::trimTo(int rows)
{
    rows = std::max(rows, 0);
    const int current = count();
    if (current <= rows)
        return;
    beginRemoveRows({}, rows, current - 1);
    m_rows.erase(m_rows.begin() + rows, m_rows.end());
    endRemoveRows();
    emit countChanged();
}

int CallLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant CallLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& call = m_rows[static_cast<std::size_t>(index.row())];
    // Converted here rather than on arrival: only the rows a view shows are ever converted.
    switch (role) {
    case Qt::DisplayRole:
    case RequestIdRole:
        return QString::fromStdString(call.requestId);
    case TimeRole: {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(call.startedAt.time_since_epoch()).count();
        return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"));
    }
    case ModelRole:
        return QString::fromStdString(call.model);
    case ProviderRole:
        return QString::fromStdString(call.provider);
    case StatusRole:
        return call.status;
    case LatencyMsRole:
        return call.latency.count() / 1000.0;
    case TtfbMsRole:
        return optionalMilliseconds(call.timeToFirstByte);
    case TokensInRole:
        return optionalCount(call.promptTokens);
    case TokensOutRole:
        return optionalCount(call.completionTokens);
    case KeyPrefixRole:
        return QString::fromStdString(call.keyPrefix);
    case StreamRole:
        return call.stream;
    case ErrorCodeRole:
        return QString::fromStdString(call.errorCode);
    default:
        return {};
    }
}

QHash<int, QByteArray> CallLogModel::roleNames() const
{
    return {
        {TimeRole, "time"},
        {RequestIdRole, "requestId"},
        {ModelRole, "model"},
        {ProviderRole, "provider"},
        {StatusRole, "status"},
        {LatencyMsRole, "latencyMs"},
        {TtfbMsRole, "ttfbMs"},
        {TokensInRole, "tokensIn"},
        {TokensOutRole, "tokensOut"},
        {KeyPrefixRole, "keyPrefix"},
        {StreamRole, "stream"},
        {ErrorCodeRole, "errorCode"},
    };
}
