// One page of an admin list endpoint (tenants, consumers, keys, access requests, audit) as a list model.
#pragma once

#include "AdminClient.h"

#include <QAbstractListModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

// QML sets `client`, `path` and `filters` and shows the rows; the model asks again whenever one of
// them changes or the client committed a change. Each row has one role, `item`: the entity as the
// admin API gives it (docs/admin-api.md), so a page reads `item.name`, `item.state` and so on.
class AdminListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(AdminClient* client READ client WRITE setClient NOTIFY clientChanged)
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(QVariantMap filters READ filters WRITE setFilters NOTIFY filtersChanged)
    Q_PROPERTY(int limit READ limit WRITE setLimit NOTIFY limitChanged)
    Q_PROPERTY(int offset READ offset WRITE setOffset NOTIFY offsetChanged)
    Q_PROPERTY(int total READ total NOTIFY totalChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)

public:
    enum Role { ItemRole = Qt::UserRole + 1 };
    Q_ENUM(Role)

    static constexpr int kDefaultLimit = 50; // the admin API's own default page size

    explicit AdminListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    AdminClient* client() const { return m_client; }
    void setClient(AdminClient* client);
    // The list endpoint, "/admin/v1/keys"; it may carry a fixed query ("...?state=pending").
    QString path() const { return m_path; }
    void setPath(const QString& path);
    // Query parameters, {"consumer_id": 3, "state": "pending"}; empty values are left out.
    QVariantMap filters() const { return m_filters; }
    void setFilters(const QVariantMap& filters);
    int limit() const { return m_limit; }
    void setLimit(int limit);
    int offset() const { return m_offset; }
    void setOffset(int offset);

    int total() const { return m_total; } // all entries matching the filters, not only this page's
    int count() const { return static_cast<int>(m_rows.size()); }
    bool loading() const { return m_loading; }
    QString errorText() const { return m_errorText; } // why the last load failed; empty once one succeeded

    // The target the next load asks for: path, filters, limit and offset.
    QString target() const;

    // Asks now (not coalesced): for a "Refresh" button.
    Q_INVOKABLE void reload();
    // The item at `row` (an empty map outside the page), for handlers outside a delegate.
    Q_INVOKABLE QVariantMap get(int row) const;

signals:
    void clientChanged();
    void pathChanged();
    void filtersChanged();
    void limitChanged();
    void offsetChanged();
    void totalChanged();
    void countChanged();
    void loadingChanged();
    void errorTextChanged();
    // A load finished, successfully or not (tests and "loaded" indicators wait on it).
    void loaded();

private:
    // Setting several properties in one go (a page's bindings on creation) asks once.
    void scheduleReload();
    void apply(const AdminReply& reply);
    void replaceRows(QList<QJsonObject> rows);
    void setTotal(int total);
    void setLoading(bool loading);
    void setErrorText(const QString& text);

    QPointer<AdminClient> m_client;
    QString m_path;
    QVariantMap m_filters;
    int m_limit = kDefaultLimit;
    int m_offset = 0;

    QList<QJsonObject> m_rows;
    int m_total = 0;
    bool m_loading = false;
    QString m_errorText;

    bool m_reloadScheduled = false;
    quint64 m_requestSerial = 0; // only the newest request's answer counts
};
