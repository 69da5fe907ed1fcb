#include "ConfigPlanModel.h"

#include <QJsonArray>

ConfigPlanModel::ConfigPlanModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int ConfigPlanModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> ConfigPlanModel::roleNames() const
{
    return {{ItemRole, "item"}, {ActionRole, "action"}, {SignRole, "sign"}, {KindRole, "kind"}, {NameRole, "name"},
        {FileRole, "file"}, {MembersRole, "members"}};
}

QString ConfigPlanModel::signOf(const QString& action)
{
    return action == QLatin1String("create") ? QStringLiteral("+") : action == QLatin1String("update") ? QStringLiteral("~") : QStringLiteral("-");
}

QVariantMap ConfigPlanModel::itemOf(int index) const
{
    const Row& row = m_rows[static_cast<std::size_t>(index)];
    // The file names the entity uniquely (one file per entity): a stable id for the table's rows.
    return {{QStringLiteral("id"), row.file}, {QStringLiteral("action"), row.action}, {QStringLiteral("sign"), signOf(row.action)},
        {QStringLiteral("kind"), row.kind}, {QStringLiteral("name"), row.name}, {QStringLiteral("file"), row.file},
        {QStringLiteral("members"), row.members.join(QStringLiteral(", "))}};
}

QVariant ConfigPlanModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case ItemRole: return itemOf(index.row());
    case ActionRole: return row.action;
    case SignRole: return signOf(row.action);
    case KindRole: return row.kind;
    case NameRole: return row.name;
    case FileRole: return row.file;
    case MembersRole: return row.members.join(QStringLiteral(", "));
    default: return {};
    }
}

QVariantMap ConfigPlanModel::get(int row) const
{
    return row >= 0 && row < count() ? itemOf(row) : QVariantMap();
}

bool ConfigPlanModel::setPlan(const QJsonObject& answer)
{
    std::vector<Row> rows;
    QStringList problems;
    QString error;
    if (!answer.value(QStringLiteral("changes")).isArray() || !answer.value(QStringLiteral("problems")).isArray())
        error = tr("The admin API's answer is not a plan: it has no \"changes\" and \"problems\" lists.");
    for (const QJsonValue& value : answer.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject change = value.toObject();
        Row row{change.value(QStringLiteral("action")).toString(), change.value(QStringLiteral("kind")).toString(),
            change.value(QStringLiteral("name")).toString(), change.value(QStringLiteral("file")).toString(), {}};
        for (const QJsonValue& member : change.value(QStringLiteral("members")).toArray())
            row.members.append(member.toString());
        if (row.action.isEmpty() || row.file.isEmpty()) {
            error = tr("The admin API's plan has a change without an action or a file.");
            break;
        }
        rows.push_back(std::move(row));
    }
    for (const QJsonValue& value : answer.value(QStringLiteral("problems")).toArray()) {
        const QJsonObject problem = value.toObject();
        // As ConfigProblem::describe() writes it for the CLI: "file:line:column: message".
        QString where = problem.value(QStringLiteral("file")).toString();
        const int line = problem.value(QStringLiteral("line")).toInt();
        if (!where.isEmpty() && line > 0)
            where += QStringLiteral(":%1:%2").arg(line).arg(problem.value(QStringLiteral("column")).toInt());
        const QString message = problem.value(QStringLiteral("message")).toString();
        problems.append(where.isEmpty() ? message : where + QStringLiteral(": ") + message);
    }

    beginResetModel();
    m_invalidAnswer = error;
    m_loaded = error.isEmpty();
    if (m_loaded) {
        m_rows = std::move(rows);
        m_problems = problems;
        m_applied = answer.value(QStringLiteral("applied")).toBool();
        const QJsonObject summary = answer.value(QStringLiteral("summary")).toObject();
        m_summary = {{QStringLiteral("create"), summary.value(QStringLiteral("create")).toInt()},
            {QStringLiteral("update"), summary.value(QStringLiteral("update")).toInt()},
            {QStringLiteral("delete"), summary.value(QStringLiteral("delete")).toInt()}};
    } else {
        m_rows.clear();
        m_problems.clear();
        m_applied = false;
        m_summary.clear();
    }
    endResetModel();
    emit planChanged();
    return m_loaded;
}

void ConfigPlanModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_problems.clear();
    m_summary.clear();
    m_invalidAnswer.clear();
    m_loaded = false;
    m_applied = false;
    endResetModel();
    emit planChanged();
}
