#include "ExportHistoryModel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

ExportHistoryModel::ExportHistoryModel(QString path, QObject* parent)
    : QAbstractListModel(parent)
    , m_path(std::move(path))
{
    load();
}

QString ExportHistoryModel::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/gitlab-exports.json");
}

QString ExportHistoryModel::shownPath() const
{
    const QString home = QDir::homePath();
    if (!home.isEmpty() && home != QLatin1String("/") && m_path.startsWith(home + QLatin1Char('/')))
        return QStringLiteral("~") + m_path.mid(home.size());
    return m_path;
}

int ExportHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> ExportHistoryModel::roleNames() const
{
    return {{ItemRole, "item"}, {TimeRole, "timeMs"}, {RepositoryRole, "repository"}, {BranchRole, "branch"}, {ShaRole, "sha"},
        {FilesChangedRole, "filesChanged"}, {MergeRequestUrlRole, "mergeRequestUrl"}};
}

QVariantMap ExportHistoryModel::itemOf(const Entry& entry) const
{
    return {{QStringLiteral("id"), QStringLiteral("%1 %2").arg(entry.timeMs).arg(entry.sha)}, {QStringLiteral("timeMs"), entry.timeMs},
        {QStringLiteral("repository"), entry.repository}, {QStringLiteral("branch"), entry.branch}, {QStringLiteral("sha"), entry.sha},
        {QStringLiteral("filesChanged"), entry.filesChanged}, {QStringLiteral("mergeRequestUrl"), entry.mergeRequestUrl}};
}

QVariant ExportHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries[static_cast<std::size_t>(index.row())];
    switch (role) {
    case ItemRole: return itemOf(entry);
    case TimeRole: return entry.timeMs;
    case RepositoryRole: return entry.repository;
    case BranchRole: return entry.branch;
    case ShaRole: return entry.sha;
    case FilesChangedRole: return entry.filesChanged;
    case MergeRequestUrlRole: return entry.mergeRequestUrl;
    default: return {};
    }
}

QVariantMap ExportHistoryModel::get(int row) const
{
    return row >= 0 && row < count() ? itemOf(m_entries[static_cast<std::size_t>(row)]) : QVariantMap();
}

void ExportHistoryModel::reload()
{
    beginResetModel();
    m_entries.clear();
    m_errorText.clear();
    load();
    endResetModel();
    emit historyChanged();
}

void ExportHistoryModel::load()
{
    QFile file(m_path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        m_errorText = tr("The export history %1 cannot be read: %2").arg(m_path, file.errorString());
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isArray()) {
        m_errorText = tr("The export history %1 is not a JSON list of exports; it is replaced with the next push.").arg(m_path);
        return;
    }
    for (const QJsonValue& value : document.array()) {
        const QJsonObject object = value.toObject();
        Entry entry{static_cast<qint64>(object.value(QStringLiteral("time_ms")).toDouble()), object.value(QStringLiteral("repository")).toString(),
            object.value(QStringLiteral("branch")).toString(), object.value(QStringLiteral("sha")).toString(),
            object.value(QStringLiteral("files_changed")).toInt(), object.value(QStringLiteral("merge_request_url")).toString()};
        // An entry without a repository is not one of ours (hand-edited): left out, not shown blank.
        if (!entry.repository.isEmpty() && static_cast<int>(m_entries.size()) < kMaxEntries)
            m_entries.push_back(std::move(entry));
    }
}

bool ExportHistoryModel::save()
{
    QJsonArray array;
    for (const Entry& entry : m_entries)
        array.append(QJsonObject{{QStringLiteral("time_ms"), static_cast<double>(entry.timeMs)}, {QStringLiteral("repository"), entry.repository},
            {QStringLiteral("branch"), entry.branch}, {QStringLiteral("sha"), entry.sha}, {QStringLiteral("files_changed"), entry.filesChanged},
            {QStringLiteral("merge_request_url"), entry.mergeRequestUrl}});
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(array).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        m_errorText = tr("The export history could not be saved to %1: %2").arg(m_path, file.errorString());
        return false;
    }
    m_errorText.clear();
    return true;
}

bool ExportHistoryModel::append(const Entry& entry)
{
    if (count() >= kMaxEntries) {
        const int last = count() - 1;
        beginRemoveRows({}, kMaxEntries - 1, last);
        m_entries.resize(kMaxEntries - 1);
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_entries.insert(m_entries.begin(), entry);
    endInsertRows();
    const bool saved = save();
    emit historyChanged();
    return saved;
}
