// The Call log page's view of the live call log: its filters, and a pause that holds the table still.
#include "CallLogFilterModel.h"

#include <QRegularExpression>

#include <algorithm>
#include <string_view>

namespace {

char lowerAscii(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `needle` is already lower case; only ASCII letters fold (request ids, key prefixes and names are
// ASCII in practice; other bytes must match exactly).
bool containsIgnoringCase(std::string_view haystack, std::string_view needle)
{
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
               [](char fromHaystack, char fromNeedle) { return lowerAscii(fromHaystack) == fromNeedle; })
        != haystack.end();
}

std::string lowerUtf8(const QString& text)
{
    std::string utf8 = text.trimmed().toStdString();
    std::transform(utf8.begin(), utf8.end(), utf8.begin(), lowerAscii);
    return utf8;
}

} // namespace

CallLogFilterModel::CallLogFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
    , m_tail(new CallLogModel(this))
{
    m_tail->setFlushInterval(std::chrono::milliseconds(0)); // it follows the live log's flushes
    setSourceModel(m_tail);
    connect(m_tail, &CallLogModel::pausedChanged, this, &CallLogFilterModel::pausedChanged);
    connect(m_tail, &CallLogModel::pausedCountsChanged, this, &CallLogFilterModel::countNewMatchingCalls);
    connect(m_tail, &CallLogModel::countChanged, this, &CallLogFilterModel::unfilteredCountChanged);
    // Every way the proxy's rows change ends in countChanged, emitted only when the count did change.
    const auto countMaybeChanged = [this] {
        if (rowCount() != m_lastCount) {
            m_lastCount = rowCount();
            emit countChanged();
        }
    };
    connect(this, &QAbstractItemModel::rowsInserted, this, countMaybeChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, countMaybeChanged);
    connect(this, &QAbstractItemModel::modelReset, this, countMaybeChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, countMaybeChanged);
}

void CallLogFilterModel::setCalls(CallLogModel* calls)
{
    if (calls == m_calls)
        return;
    if (m_calls)
        disconnect(m_calls, nullptr, this, nullptr);
    m_calls = calls;
    if (calls) {
        // The same capacity as the live log: a pause keeps as many calls as it would show.
        m_tail->setCapacity(calls->capacity());
        connect(calls, &CallLogModel::capacityChanged, this, [this] { m_tail->setCapacity(m_calls->capacity()); });
    }
    m_tail->follow(calls);
    if (!calls)
        m_tail->clear();
    emit callsChanged();
}

void CallLogFilterModel::setPaused(bool paused)
{
    m_tail->setPaused(paused);
}

void CallLogFilterModel::clear()
{
    m_tail->clear();
}

void CallLogFilterModel::countNewMatchingCalls()
{
    qint64 matching = 0;
    for (const auto& record : m_tail->held())
        matching += matches(record) ? 1 : 0;
    m_newMatchingCalls = matching;
    emit pausedCountsChanged();
}

void CallLogFilterModel::setModel(const QString& model)
{
    changeFilter(m_model, model);
}

void CallLogFilterModel::setStatus(const QString& status)
{
    changeFilter(m_status, status);
}

void CallLogFilterModel::setCaller(const QString& caller)
{
    changeFilter(m_caller, caller);
}

void CallLogFilterModel::setRequestId(const QString& requestId)
{
    changeFilter(m_requestId, requestId);
}

void CallLogFilterModel::clearFilters()
{
    if (!filtering())
        return;
    m_model.clear();
    m_status.clear();
    m_caller.clear();
    m_requestId.clear();
    refilter();
}

void CallLogFilterModel::changeFilter(QString& field, const QString& value)
{
    if (field == value)
        return;
    field = value;
    refilter();
}

void CallLogFilterModel::refilter()
{
    m_modelUtf8 = m_model.trimmed().toStdString();
    m_callerLower = lowerUtf8(m_caller);
    m_requestIdLower = lowerUtf8(m_requestId);
    m_statusFilter = parseStatus(m_status);
    invalidateRowsFilter();
    countNewMatchingCalls();
    emit filtersChanged();
}

bool CallLogFilterModel::filtering() const
{
    return !m_model.trimmed().isEmpty() || m_statusFilter.kind != StatusFilter::Any || !m_caller.trimmed().isEmpty()
        || !m_requestId.trimmed().isEmpty();
}

CallLogFilterModel::StatusFilter CallLogFilterModel::parseStatus(const QString& text)
{
    const QString status = text.trimmed().toLower();
    if (status.isEmpty() || status == QLatin1String("all"))
        return {};
    if (status == QLatin1String("success"))
        return {StatusFilter::Success, 0};
    if (status == QLatin1String("error") || status == QLatin1String("errors"))
        return {StatusFilter::Error, 0};
    static const QRegularExpression statusClass(QStringLiteral("^([1-5])xx$"));
    if (const auto match = statusClass.match(status); match.hasMatch())
        return {StatusFilter::Class, match.captured(1).toInt()};
    static const QRegularExpression code(QStringLiteral("^[1-5]\\d\\d$"));
    if (code.match(status).hasMatch())
        return {StatusFilter::Code, status.toInt()};
    return {StatusFilter::Nothing, 0};
}

bool CallLogFilterModel::matches(const gatehouse::CallRecord& record) const
{
    if (!m_modelUtf8.empty() && record.model != m_modelUtf8)
        return false;
    // Success as the analytics count it: every other outcome (refusals, failures, a cut stream) is an error.
    const bool success = record.status >= 200 && record.status < 400 && record.errorCode.empty();
    switch (m_statusFilter.kind) {
    case StatusFilter::Any:
        break;
    case StatusFilter::Success:
        if (!success)
            return false;
        break;
    case StatusFilter::Error:
        if (success)
            return false;
        break;
    case StatusFilter::Class:
        if (record.status / 100 != m_statusFilter.value)
            return false;
        break;
    case StatusFilter::Code:
        if (record.status != m_statusFilter.value)
            return false;
        break;
    case StatusFilter::Nothing:
        return false;
    }
    if (!m_callerLower.empty()) {
        const bool found = containsIgnoringCase(record.keyPrefix, m_callerLower) || containsIgnoringCase(record.tenant, m_callerLower)
            || containsIgnoringCase(record.consumer, m_callerLower)
            || (m_callerLower.find('/') != std::string::npos
                && containsIgnoringCase(record.tenant + '/' + record.consumer, m_callerLower));
        if (!found)
            return false;
    }
    return m_requestIdLower.empty() || containsIgnoringCase(record.requestId, m_requestIdLower);
}

bool CallLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid() || sourceRow < 0 || sourceRow >= m_tail->count())
        return false;
    return matches(m_tail->record(sourceRow));
}

QVariantMap CallLogFilterModel::get(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    return m_tail->callAt(mapToSource(index(row, 0)).row());
}

int CallLogFilterModel::rowOf(const QString& requestId) const
{
    const std::string wanted = requestId.toStdString();
    for (int row = 0; row < rowCount(); ++row) {
        if (m_tail->record(mapToSource(index(row, 0)).row()).requestId == wanted)
            return row;
    }
    return -1;
}
