// The Call log page's view of the live call log: its filters, and a pause that holds the table still.
#pragma once

#include "CallLogModel.h"

#include <QPointer>
#include <QSortFilterProxyModel>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <string>

// It shows its own CallLogModel that follows the live log (`calls`, shared with the Overview), so a
// pause here holds only this table still: what arrives meanwhile is kept (up to the capacity),
// counted, and shown on resume; what does not fit is counted as skipped. Filters run on the records
// themselves (no QVariant per row) and only over the rows each flush inserts, so the live tail stays
// cheap at thousands of rows.
class CallLogFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(CallLogModel* calls READ calls WRITE setCalls NOTIFY callsChanged)
    Q_PROPERTY(bool paused READ paused WRITE setPaused NOTIFY pausedChanged)
    // Exact public model name asked for; "": every model.
    Q_PROPERTY(QString model READ model WRITE setModel NOTIFY filtersChanged)
    // "" (all), "success" (2xx and 3xx without an error code), "error" (every other outcome),
    // "2xx", "3xx", "4xx", "5xx", or one code ("429"). Anything else matches no call.
    Q_PROPERTY(QString status READ status WRITE setStatus NOTIFY filtersChanged)
    // Part of the key prefix, the tenant, the consumer or "tenant/consumer"; any case.
    Q_PROPERTY(QString caller READ caller WRITE setCaller NOTIFY filtersChanged)
    // Part of the request id; any case.
    Q_PROPERTY(QString requestId READ requestId WRITE setRequestId NOTIFY filtersChanged)
    Q_PROPERTY(bool filtering READ filtering NOTIFY filtersChanged)
    // Rows shown, and rows this view holds before filtering.
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int unfilteredCount READ unfilteredCount NOTIFY unfilteredCountChanged)
    // While paused: calls that arrived since the pause, those of them kept that the filters match,
    // and those not kept (more arrived than the capacity; they are in the database).
    Q_PROPERTY(qint64 newCalls READ newCalls NOTIFY pausedCountsChanged)
    Q_PROPERTY(qint64 newMatchingCalls READ newMatchingCalls NOTIFY pausedCountsChanged)
    Q_PROPERTY(qint64 skippedCalls READ skippedCalls NOTIFY pausedCountsChanged)

public:
    explicit CallLogFilterModel(QObject* parent = nullptr);

    CallLogModel* calls() const { return m_calls; }
    void setCalls(CallLogModel* calls);
    bool paused() const { return m_tail->paused(); }
    void setPaused(bool paused);
    QString model() const { return m_model; }
    void setModel(const QString& model);
    QString status() const { return m_status; }
    void setStatus(const QString& status);
    QString caller() const { return m_caller; }
    void setCaller(const QString& caller);
    QString requestId() const { return m_requestId; }
    void setRequestId(const QString& requestId);
    bool filtering() const;
    int count() const { return rowCount(); }
    int unfilteredCount() const { return m_tail->count(); }
    qint64 newCalls() const { return m_tail->arrivedWhilePaused(); }
    qint64 newMatchingCalls() const { return m_newMatchingCalls; }
    qint64 skippedCalls() const { return m_tail->skippedWhilePaused(); }

    // The call in `row` of this view with every field (CallLogModel::callAt); {} for none.
    Q_INVOKABLE QVariantMap get(int row) const;
    // The row of this view showing the call `requestId`; -1 when it shows none.
    Q_INVOKABLE int rowOf(const QString& requestId) const;
    Q_INVOKABLE void clearFilters();
    // Empties this table (and what it holds while paused); the live log keeps its rows.
    Q_INVOKABLE void clear();

    // Whether the filters let `record` through.
    bool matches(const gatehouse::CallRecord& record) const;

signals:
    void callsChanged();
    void pausedChanged();
    void filtersChanged();
    void countChanged();
    void unfilteredCountChanged();
    void pausedCountsChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    // How `status` reads: a class, a code, or one of the words.
    struct StatusFilter {
        enum Kind { Any, Success, Error, Class, Code, Nothing } kind = Any;
        int value = 0; // the class's hundreds (4 for 4xx), or the code
    };
    static StatusFilter parseStatus(const QString& text);

    void changeFilter(QString& field, const QString& value);
    void refilter();
    void countNewMatchingCalls();

    QPointer<CallLogModel> m_calls;
    CallLogModel* m_tail; // child; the source of this proxy
    int m_lastCount = 0;
    qint64 m_newMatchingCalls = 0;
    QString m_model;
    QString m_status;
    QString m_caller;
    QString m_requestId;
    // The filters as the records hold text: UTF-8, the substrings in lower case.
    std::string m_modelUtf8;
    std::string m_callerLower;
    std::string m_requestIdLower;
    StatusFilter m_statusFilter;
};
