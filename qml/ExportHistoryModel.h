// The console's pushes to GitLab, newest first, kept in a JSON file of the console's data location
// so the GitLab page can show what went where after a restart.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <vector>

// One entry per push: when, which repository and branch, the commit, how many files changed and
// the merge request's URL (empty without one). The file is a JSON array, newest first, at most
// kMaxEntries long (older entries fall off: it is a record for people, the repository itself holds
// the history). It is read when the model is made and rewritten whole (QSaveFile: a crash never
// leaves half a file) on every append. A file that cannot be read or is not such an array leaves
// the model empty with `errorText` saying so; the next append replaces it rather than failing
// forever. Rows carry the entry as `item` too (with an `id`), for AdminTable.
class ExportHistoryModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("GitLabSync owns the export history.")
    Q_PROPERTY(int count READ count NOTIFY historyChanged)
    Q_PROPERTY(QString path READ path CONSTANT)
    // The path for people: "~/.local/share/gatehouse-console/gitlab-exports.json".
    Q_PROPERTY(QString shownPath READ shownPath CONSTANT)
    Q_PROPERTY(QString errorText READ errorText NOTIFY historyChanged)

public:
    enum Role {
        ItemRole = Qt::UserRole + 1,
        TimeRole,          // epoch ms
        RepositoryRole,
        BranchRole,
        ShaRole,
        FilesChangedRole,
        MergeRequestUrlRole,
    };
    Q_ENUM(Role)

    static constexpr int kMaxEntries = 100;

    struct Entry {
        qint64 timeMs = 0;
        QString repository;
        QString branch;
        QString sha;
        int filesChanged = 0;
        QString mergeRequestUrl;
    };

    // `path`: the JSON file (created with its directory on the first append).
    explicit ExportHistoryModel(QString path, QObject* parent = nullptr);

    // <AppDataLocation>/gitlab-exports.json: ~/.local/share/gatehouse-console/ on Linux.
    static QString defaultPath();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Puts the entry on top (dropping the oldest past kMaxEntries) and saves the file; false (and
    // `errorText`) when the file cannot be written, the entry still shown.
    bool append(const Entry& entry);
    Q_INVOKABLE QVariantMap get(int row) const;
    // Reads the file again (after it was fixed by hand; AdminTable's "Try again").
    Q_INVOKABLE void reload();

    int count() const { return static_cast<int>(m_entries.size()); }
    QString path() const { return m_path; }
    QString shownPath() const;
    QString errorText() const { return m_errorText; }

signals:
    void historyChanged();

private:
    void load();
    bool save();
    QVariantMap itemOf(const Entry& entry) const;

    QString m_path;
    std::vector<Entry> m_entries;
    QString m_errorText;
};
