// What applying a configuration tree would do to a gateway (POST /admin/v1/config/plan, or what an
// apply did): one row per change, and the problems that stop it.
#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QString>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <vector>

// Takes the admin API's plan answer, {applied, changes: [{action, kind, name, file, members}],
// problems: [{file, line, column, message}], summary: {create, update, delete}} (docs/admin-api.md),
// and shows each change as a row: `sign` "+" create, "~" update (with the members that change), "-"
// delete or revoke, as `gatehouse config plan` prints them. Rows also carry the whole change as
// `item` (with an `id`), so an AdminTable shows them. Problems are "file:line:column: message"
// texts, in the order the API gives them. An answer that is not a plan empties the model and says
// why in `invalidAnswer`, rather than showing an empty plan that would read as "nothing to change".
class ConfigPlanModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("GitLabSync owns the plan of its import.")
    Q_PROPERTY(int count READ count NOTIFY planChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY planChanged)
    Q_PROPERTY(bool applied READ applied NOTIFY planChanged)
    Q_PROPERTY(QStringList problems READ problems NOTIFY planChanged)
    // {create, update, delete}: the API's counts (a revoke counts as a delete).
    Q_PROPERTY(QVariantMap summary READ summary NOTIFY planChanged)
    // Why the last answer was not a plan (not `errorText`: AdminTable would offer to reload it).
    Q_PROPERTY(QString invalidAnswer READ invalidAnswer NOTIFY planChanged)

public:
    enum Role {
        ItemRole = Qt::UserRole + 1, // the change as a map, with `id` and `sign`
        ActionRole,                  // "create", "update", "delete", "revoke"
        SignRole,                    // "+", "~", "-"
        KindRole,                    // "tenant", "model", ...
        NameRole,
        FileRole,                    // "tenants/acme.yaml"
        MembersRole,                 // an update's changed members, comma-separated
    };
    Q_ENUM(Role)

    explicit ConfigPlanModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Shows a plan answer; false (and `invalidAnswer`) when it is not one.
    bool setPlan(const QJsonObject& answer);
    void clear();
    Q_INVOKABLE QVariantMap get(int row) const;

    int count() const { return static_cast<int>(m_rows.size()); }
    bool loaded() const { return m_loaded; }
    bool applied() const { return m_applied; }
    QStringList problems() const { return m_problems; }
    QVariantMap summary() const { return m_summary; }
    QString invalidAnswer() const { return m_invalidAnswer; }

signals:
    void planChanged();

private:
    struct Row {
        QString action;
        QString kind;
        QString name;
        QString file;
        QStringList members;
    };
    static QString signOf(const QString& action);
    QVariantMap itemOf(int index) const;

    std::vector<Row> m_rows;
    QStringList m_problems;
    QVariantMap m_summary;
    QString m_invalidAnswer;
    bool m_loaded = false;
    bool m_applied = false;
};
