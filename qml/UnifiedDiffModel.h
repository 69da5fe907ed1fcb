// A unified diff (git's staged diff of a GitLab export) as rows for a monospace list: one row per
// line with what kind of line it is, so the view colours added and removed lines.
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <vector>

// Fed the text of `git diff --cached` (setText). Each line is a row whose `kind` is "header" (a
// file's "diff --git", "index", "new file mode", "---" and "+++" lines: they start with - and + too,
// so they must not read as removed or added), "hunk" ("@@ -1,3 +1,4 @@"), "added", "removed",
// "context" or "note" ("\ No newline at end of file"). A diff longer than `maxLines` keeps its first
// lines and says how many it left out in `omittedLines`: an export of thousands of entities diffed
// against an empty branch must not build a million delegates' worth of rows.
class UnifiedDiffModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("GitLabSync owns the diff of its preview.")
    Q_PROPERTY(int count READ count NOTIFY textChanged)
    Q_PROPERTY(int addedLines READ addedLines NOTIFY textChanged)
    Q_PROPERTY(int removedLines READ removedLines NOTIFY textChanged)
    Q_PROPERTY(int omittedLines READ omittedLines NOTIFY textChanged)

public:
    enum Role {
        TextRole = Qt::UserRole + 1, // the line without its end of line
        KindRole,                    // "header", "hunk", "added", "removed", "context", "note"
        FileRole,                    // the path of the file the line belongs to
    };
    Q_ENUM(Role)

    static constexpr int kDefaultMaxLines = 20000;

    explicit UnifiedDiffModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setText(const QString& diff);
    void clear();
    void setMaxLines(int lines) { m_maxLines = lines; }

    // The row of the file's "diff --git" line, to scroll to it; -1 when the diff does not show it
    // (or it lies past the rows kept).
    Q_INVOKABLE int rowOfFile(const QString& path) const;

    int count() const { return static_cast<int>(m_rows.size()); }
    int addedLines() const { return m_added; }
    int removedLines() const { return m_removed; }
    int omittedLines() const { return m_omitted; }

signals:
    void textChanged();

private:
    enum class Kind { Header, Hunk, Added, Removed, Context, Note };
    struct Row {
        QString text;
        Kind kind = Kind::Context;
        int file = -1; // index into m_files
    };

    std::vector<Row> m_rows;
    QStringList m_files;
    QHash<QString, int> m_fileRows;
    int m_added = 0;
    int m_removed = 0;
    int m_omitted = 0;
    int m_maxLines = kDefaultMaxLines;
};
