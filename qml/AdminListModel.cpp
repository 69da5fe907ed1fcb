// One page of an admin list endpoint (tenants, consumers, keys, access requests, audit) as a list model.
#include "AdminListModel.h"

#include <QUrl>

namespace {

// "consumer_id=3&state=pending": sorted by name (QVariantMap is), each part percent-encoded.
QString queryOf(const QVariantMap& filters)
{
    QStringList parts;
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        const QString value = it.value().toString();
        if (value.isEmpty())
            continue; // "any": an unset filter field in a page
        parts << QString::fromLatin1(QUrl::toPercentEncoding(it.key()) + '=' + QUrl::toPercentEncoding(value));
    }
    return parts.join(QLatin1Char('&'));
}

// The same entities in the same order (only their fields may differ).
bool sameEntities(const QList<QJsonObject>& before, const QList<QJsonObject>& after)
{
    if (before.size() != after.size())
        return false;
    for (qsizetype row = 0; row < before.size(); ++row) {
        const auto id = before[row].value(QLatin1String("id"));
        if (id.isUndefined() || id != after[row].value(QLatin1String("id")))
            return false;
    }
    return true;
}

} // namespace

AdminListModel::AdminListModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int AdminListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant AdminListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != ItemRole)
        return {};
    return m_rows[index.row()].toVariantMap();
}

QHash<int, QByteArray> AdminListModel::roleNames() const
{
    return {{ItemRole, "item"}};
}

void AdminListModel::setClient(AdminClient* client)
{
    if (client == m_client)
        return;
    if (m_client)
        disconnect(m_client, &AdminClient::changed, this, &AdminListModel::scheduleReload);
    m_client = client;
    if (m_client)
        connect(m_client, &AdminClient::changed, this, &AdminListModel::scheduleReload);
    emit clientChanged();
    scheduleReload();
}

void AdminListModel::setPath(const QString& path)
{
    if (path == m_path)
        return;
    m_path = path;
    emit pathChanged();
    scheduleReload();
}

void AdminListModel::setFilters(const QVariantMap& filters)
{
    if (filters == m_filters)
        return;
    m_filters = filters;
    emit filtersChanged();
    scheduleReload();
}

void AdminListModel::setLimit(int limit)
{
    if (limit == m_limit)
        return;
    m_limit = limit;
    emit limitChanged();
    scheduleReload();
}

void AdminListModel::setOffset(int offset)
{
    if (offset == m_offset)
        return;
    m_offset = offset;
    emit offsetChanged();
    scheduleReload();
}

QString AdminListModel::target() const
{
    QString query = queryOf(m_filters);
    query += (query.isEmpty() ? QString() : QStringLiteral("&")) + QStringLiteral("limit=%1&offset=%2").arg(m_limit).arg(m_offset);
    return m_path + (m_path.contains(QLatin1Char('?')) ? QLatin1Char('&') : QLatin1Char('?')) + query;
}

void AdminListModel::scheduleReload()
{
    if (m_reloadScheduled)
        return;
    m_reloadScheduled = true;
    QMetaObject::invokeMethod(
        this, [this] {
            if (m_reloadScheduled) // else reload() ran meanwhile and asked already
                reload();
        },
        Qt::QueuedConnection);
}

void AdminListModel::reload()
{
    m_reloadScheduled = false;
    const quint64 serial = ++m_requestSerial; // whatever is still on its way is now stale
    if (!m_client || m_path.isEmpty()) {
        replaceRows({});
        setTotal(0);
        setErrorText({});
        setLoading(false);
        return;
    }
    setLoading(true);
    const QPointer<AdminListModel> self(this); // the client may outlive the model
    m_client->send(QStringLiteral("GET"), target(), {}, [self, serial](const AdminReply& reply) {
        if (self && serial == self->m_requestSerial)
            self->apply(reply);
    });
}

QVariantMap AdminListModel::get(int row) const
{
    return row >= 0 && row < count() ? m_rows[row].toVariantMap() : QVariantMap();
}

void AdminListModel::apply(const AdminReply& reply)
{
    const auto page = reply.body.toObject();
    if (reply.ok() && page.value(QLatin1String("data")).isArray()) {
        QList<QJsonObject> rows;
        for (const auto& item : page.value(QLatin1String("data")).toArray())
            rows.append(item.toObject());
        replaceRows(std::move(rows));
        setTotal(page.value(QLatin1String("total")).toInt(static_cast<int>(m_rows.size())));
        setErrorText({});
    } else {
        // Rows from before would look current: show none, and why.
        replaceRows({});
        setTotal(0);
        setErrorText(reply.ok() ? tr("%1 did not answer with a list").arg(m_path) : reply.errorMessage);
    }
    setLoading(false);
    emit loaded();
}

// The same entities again (the usual reload after an approve or a revoke) are updated in place, so
// delegates keep their state (focus, an open menu, the scroll position). Any other answer — an
// entity added or gone, another filter or page — resets the model: always correct and cheap for a
// page of at most 1000 rows; a general move/insert diff would buy little for much more code.
void AdminListModel::replaceRows(QList<QJsonObject> rows)
{
    if (sameEntities(m_rows, rows)) {
        for (qsizetype row = 0; row < rows.size(); ++row) {
            if (rows[row] == m_rows[row])
                continue;
            m_rows[row] = std::move(rows[row]);
            emit dataChanged(index(static_cast<int>(row)), index(static_cast<int>(row)), {ItemRole});
        }
        return;
    }
    const int countBefore = count();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (count() != countBefore)
        emit countChanged();
}

void AdminListModel::setTotal(int total)
{
    if (total == m_total)
        return;
    m_total = total;
    emit totalChanged();
}

void AdminListModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    emit loadingChanged();
}

void AdminListModel::setErrorText(const QString& text)
{
    if (text == m_errorText)
        return;
    m_errorText = text;
    emit errorTextChanged();
}
