#include "UnifiedDiffModel.h"

namespace {

// "diff --git a/models/x.yaml b/models/x.yaml" -> "models/x.yaml". Export paths never hold spaces
// (file names are percent-encoded), so git never quotes them.
QString pathOfDiffLine(const QString& line)
{
    const int b = line.lastIndexOf(QStringLiteral(" b/"));
    return b < 0 ? QString() : line.mid(b + 3);
}

} // namespace

UnifiedDiffModel::UnifiedDiffModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int UnifiedDiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> UnifiedDiffModel::roleNames() const
{
    return {{TextRole, "text"}, {KindRole, "kind"}, {FileRole, "file"}};
}

QVariant UnifiedDiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole: return row.text;
    case KindRole:
        switch (row.kind) {
        case Kind::Header: return QStringLiteral("header");
        case Kind::Hunk: return QStringLiteral("hunk");
        case Kind::Added: return QStringLiteral("added");
        case Kind::Removed: return QStringLiteral("removed");
        case Kind::Context: return QStringLiteral("context");
        case Kind::Note: return QStringLiteral("note");
        }
        return {};
    case FileRole: return row.file >= 0 ? m_files.at(row.file) : QString();
    default: return {};
    }
}

void UnifiedDiffModel::setText(const QString& diff)
{
    beginResetModel();
    m_rows.clear();
    m_files.clear();
    m_fileRows.clear();
    m_added = m_removed = m_omitted = 0;
    QStringList lines = diff.split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast(); // the text's final end of line
    bool inHeader = false;
    for (const QString& line : lines) {
        Row row{line, Kind::Context, static_cast<int>(m_files.size()) - 1};
        if (line.startsWith(QLatin1String("diff --git "))) {
            inHeader = true;
            m_files.append(pathOfDiffLine(line));
            row.file = static_cast<int>(m_files.size()) - 1;
            if (static_cast<int>(m_rows.size()) < m_maxLines)
                m_fileRows.insert(m_files.last(), static_cast<int>(m_rows.size()));
            row.kind = Kind::Header;
        } else if (line.startsWith(QLatin1String("@@"))) {
            inHeader = false;
            row.kind = Kind::Hunk;
        } else if (inHeader) {
            row.kind = Kind::Header;
        } else if (line.startsWith(QLatin1Char('+'))) {
            row.kind = Kind::Added;
            ++m_added;
        } else if (line.startsWith(QLatin1Char('-'))) {
            row.kind = Kind::Removed;
            ++m_removed;
        } else if (line.startsWith(QLatin1Char('\\'))) {
            row.kind = Kind::Note;
        }
        // Counted whole, shown in part.
        if (static_cast<int>(m_rows.size()) < m_maxLines)
            m_rows.push_back(std::move(row));
        else
            ++m_omitted;
    }
    endResetModel();
    emit textChanged();
}

void UnifiedDiffModel::clear()
{
    setText(QString());
}

int UnifiedDiffModel::rowOfFile(const QString& path) const
{
    return m_fileRows.value(path, -1);
}
