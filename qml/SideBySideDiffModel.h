// Two versions of a prompt side by side: the admin API's diff answer as rows of a two-column view.
#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <vector>

// QML hands it the answer of GET /admin/v1/prompts/{name}/diff (setAnswer) and shows its rows: per
// message a header row ("message"), then its lines ("line") with the old text on the left and the
// new on the right. A line both versions have is on both sides; a run of removed lines and the run
// of added lines after it are paired row by row (removed on the left, added on the right, a blank
// side where one run is longer), so a changed line reads across. Unchanged lines more than
// `context` rows away from a change are folded, each run of them into one "gap" row saying how many
// are hidden; a message without a change is one gap row. `changes` lists the other fields that
// differ (model, parameters, variables, note...) with both values as text, the variables in short.
class SideBySideDiffModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY answerChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY answerChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY answerChanged)
    Q_PROPERTY(int fromVersion READ fromVersion NOTIFY answerChanged)
    Q_PROPERTY(int toVersion READ toVersion NOTIFY answerChanged)
    // [{field, fromText, toText}]
    Q_PROPERTY(QVariantList changes READ changes NOTIFY answerChanged)
    Q_PROPERTY(int addedLines READ addedLines NOTIFY answerChanged)
    Q_PROPERTY(int removedLines READ removedLines NOTIFY answerChanged)
    // Unchanged lines kept around a change; -1 keeps every line.
    Q_PROPERTY(int context READ context WRITE setContext NOTIFY contextChanged)

public:
    enum Role {
        KindRole = Qt::UserRole + 1, // "message", "line" or "gap"
        MessageRole,                 // the message's 0-based index
        TitleRole,                   // a message row's heading: "Message 2 · user", "Message 3 · added"
        StateRole,                   // a message row's: "changed", "added", "removed", "unchanged"
        LeftOpRole,                  // " " (both), "-" (removed) or "" (nothing on this side)
        LeftTextRole,
        LeftLineRole,                // 1-based line of the old message; 0 for none
        RightOpRole,                 // " ", "+" or ""
        RightTextRole,
        RightLineRole,
        HiddenRole,                  // a gap row's count of unchanged lines not shown
    };
    Q_ENUM(Role)

    static constexpr int kDefaultContext = 3;

    explicit SideBySideDiffModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Shows a diff answer; an answer that is not one empties the model and says why in `errorText`.
    Q_INVOKABLE void setAnswer(const QJsonObject& answer);
    Q_INVOKABLE void clear();
    Q_INVOKABLE QVariantMap get(int row) const;

    int count() const { return static_cast<int>(m_rows.size()); }
    bool loaded() const { return m_loaded; }
    QString errorText() const { return m_errorText; }
    int fromVersion() const { return m_fromVersion; }
    int toVersion() const { return m_toVersion; }
    QVariantList changes() const { return m_changes; }
    int addedLines() const { return m_added; }
    int removedLines() const { return m_removed; }
    int context() const { return m_context; }
    void setContext(int context);

signals:
    void answerChanged();
    void contextChanged();

private:
    struct Row {
        QString kind;
        int message = 0;
        QString title;
        QString state;
        QString leftOp;
        QString leftText;
        int leftLine = 0;
        QString rightOp;
        QString rightText;
        int rightLine = 0;
        int hidden = 0;
    };
    // The rows of one message of the answer; false when it is not one.
    bool appendMessage(const QJsonObject& message, std::vector<Row>& rows);
    void replace(std::vector<Row> rows, QString error, bool loaded);
    // No answer shown; `error` says why ("" after clear()).
    void empty(const QString& error);

    std::vector<Row> m_rows;
    QJsonObject m_answer;
    bool m_loaded = false;
    QString m_errorText;
    int m_fromVersion = 0;
    int m_toVersion = 0;
    QVariantList m_changes;
    int m_added = 0;
    int m_removed = 0;
    int m_context = kDefaultContext;
};
