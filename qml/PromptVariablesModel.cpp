// The variables panel of the prompt editor: the placeholders its messages use and the declarations of a version.
#include "PromptVariablesModel.h"

#include "ModelRow.h"

#include "PromptDraft.h"

#include "prompts/PromptTemplate.h"

#include <QJsonValue>
#include <QSet>

#include <algorithm>

PromptVariablesModel::PromptVariablesModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int PromptVariablesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> PromptVariablesModel::roleNames() const
{
    return {{NameRole, "name"}, {TypeRole, "type"}, {RequiredRole, "required"}, {DefaultTextRole, "defaultText"},
        {DescriptionRole, "description"}, {DeclaredRole, "declared"}, {UsedRole, "used"}, {StatusRole, "status"},
        {FirstUseRole, "firstUse"}, {ProblemRole, "problem"}};
}

const PromptVariablesModel::Declaration* PromptVariablesModel::declaration(const QString& name) const
{
    const auto found = std::find_if(m_declared.begin(), m_declared.end(), [&](const Declaration& d) { return d.name == name; });
    return found == m_declared.end() ? nullptr : &*found;
}

QString PromptVariablesModel::problemOf(const Declaration& declaration) const
{
    if (declaration.defaultText.isEmpty())
        return {};
    const PromptValue value = PromptValue::fromText(declaration.type, declaration.defaultText);
    return value.ok() ? QString() : tr("The default must be %1.").arg(value.error);
}

QVariant PromptVariablesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString& name = m_rows.at(index.row());
    const Declaration* declared = declaration(name);
    const bool used = m_firstUse.contains(name);
    switch (role) {
    case NameRole:
        return name;
    case TypeRole:
        return declared ? declared->type : QStringLiteral("string");
    case RequiredRole:
        return declared ? declared->required : true;
    case DefaultTextRole:
        return declared ? declared->defaultText : QString();
    case DescriptionRole:
        return declared ? declared->description : QString();
    case DeclaredRole:
        return declared != nullptr;
    case UsedRole:
        return used;
    case StatusRole:
        return !declared ? QStringLiteral("undeclared") : used ? QStringLiteral("declared") : QStringLiteral("unused");
    case FirstUseRole:
        return m_firstUse.value(name, -1);
    case ProblemRole:
        return declared ? problemOf(*declared) : QString();
    default:
        return {};
    }
}

QVariantMap PromptVariablesModel::get(int row) const
{
    return modelRow(*this, row);
}

void PromptVariablesModel::setMessages(const QVariantList& messages)
{
    if (messages == m_messages)
        return;
    m_messages = messages;
    // One message at a time, so each name's first message is known; the order of first use is the
    // gateway's (promptPlaceholders), malformed placeholders skipped as it skips them.
    QStringList used;
    QHash<QString, int> firstUse;
    for (int i = 0; i < messages.size(); ++i) {
        const QVariantMap message = messages.at(i).toMap();
        const std::vector<gatehouse::PromptMessage> one{{message.value(QStringLiteral("role")).toString().toStdString(),
            message.value(QStringLiteral("content")).toString().toStdString()}};
        for (const std::string& placeholder : gatehouse::promptPlaceholders(one)) {
            const QString name = QString::fromStdString(placeholder);
            if (!firstUse.contains(name)) {
                firstUse.insert(name, i);
                used.append(name);
            }
        }
    }
    const bool placeholdersChanged = used != m_used;
    m_used = used;
    m_firstUse = firstUse;
    applyRows(wantedRows());
    if (!m_rows.isEmpty())
        emit dataChanged(index(0), index(count() - 1), {FirstUseRole, UsedRole, StatusRole});
    emit messagesChanged();
    if (placeholdersChanged)
        emit statesChanged();
}

QVariantList PromptVariablesModel::variables() const
{
    QVariantList list;
    for (const QString& name : m_rows) {
        const Declaration* declared = declaration(name);
        if (!declared)
            continue;
        QVariantMap variable{{QStringLiteral("name"), declared->name}, {QStringLiteral("type"), declared->type},
            {QStringLiteral("required"), declared->required}, {QStringLiteral("description"), declared->description}};
        if (!declared->defaultText.isEmpty()) {
            const PromptValue value = PromptValue::fromText(declared->type, declared->defaultText);
            variable.insert(QStringLiteral("default"), value.ok() ? value.value.toVariant() : QVariant(declared->defaultText));
        }
        list.append(variable);
    }
    return list;
}

void PromptVariablesModel::setVariables(const QVariantList& variables)
{
    std::vector<Declaration> declared;
    for (const QVariant& entry : variables) {
        const QVariantMap map = entry.toMap();
        Declaration d;
        d.name = map.value(QStringLiteral("name")).toString();
        if (d.name.isEmpty() || std::any_of(declared.begin(), declared.end(), [&](const Declaration& o) { return o.name == d.name; }))
            continue;
        const QString type = map.value(QStringLiteral("type")).toString();
        if (!type.isEmpty())
            d.type = type;
        d.required = map.value(QStringLiteral("required"), true).toBool();
        const QVariant defaultValue = map.value(QStringLiteral("default"));
        if (defaultValue.isValid() && !defaultValue.isNull())
            d.defaultText = PromptValue::toText(QJsonValue::fromVariant(defaultValue), d.type);
        d.description = map.value(QStringLiteral("description")).toString();
        declared.push_back(std::move(d));
    }
    beginResetModel();
    m_declared = std::move(declared);
    const int before = count();
    m_rows = wantedRows();
    endResetModel();
    if (count() != before)
        emit countChanged();
    emit variablesChanged();
    emit statesChanged();
}

QStringList PromptVariablesModel::wantedRows() const
{
    QStringList rows = m_used;
    for (const Declaration& d : m_declared) {
        if (!m_firstUse.contains(d.name))
            rows.append(d.name);
    }
    return rows;
}

void PromptVariablesModel::applyRows(const QStringList& wanted)
{
    if (wanted == m_rows)
        return;
    const int before = count();
    const QSet<QString> kept(wanted.begin(), wanted.end());
    const QSet<QString> had(m_rows.begin(), m_rows.end());
    QStringList oldOrder;
    for (const QString& name : m_rows) {
        if (kept.contains(name))
            oldOrder.append(name);
    }
    QStringList newOrder;
    for (const QString& name : wanted) {
        if (had.contains(name))
            newOrder.append(name);
    }
    if (oldOrder != newOrder) {
        beginResetModel();
        m_rows = wanted;
        endResetModel();
    } else {
        for (int row = count() - 1; row >= 0; --row) {
            if (kept.contains(m_rows.at(row)))
                continue;
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
        // What is left is in `wanted`'s order: each missing name goes in at its place.
        for (int row = 0; row < wanted.size(); ++row) {
            if (row < count() && m_rows.at(row) == wanted.at(row))
                continue;
            beginInsertRows({}, row, row);
            m_rows.insert(row, wanted.at(row));
            endInsertRows();
        }
    }
    if (count() != before)
        emit countChanged();
}

void PromptVariablesModel::rowChanged(const QString& name)
{
    const int row = static_cast<int>(m_rows.indexOf(name));
    if (row >= 0)
        emit dataChanged(index(row), index(row));
    emit variablesChanged();
    emit statesChanged();
}

void PromptVariablesModel::declare(const QString& name)
{
    if (name.isEmpty() || declaration(name))
        return;
    m_declared.push_back({name});
    applyRows(wantedRows());
    rowChanged(name);
}

void PromptVariablesModel::remove(const QString& name)
{
    const auto found = std::find_if(m_declared.begin(), m_declared.end(), [&](const Declaration& d) { return d.name == name; });
    if (found == m_declared.end())
        return;
    m_declared.erase(found);
    applyRows(wantedRows());
    rowChanged(name);
}

bool PromptVariablesModel::setField(const QString& name, const QString& field, const QVariant& value)
{
    const auto found = std::find_if(m_declared.begin(), m_declared.end(), [&](const Declaration& d) { return d.name == name; });
    if (found == m_declared.end())
        return false;
    if (field == QLatin1String("type"))
        found->type = value.toString();
    else if (field == QLatin1String("required"))
        found->required = value.toBool();
    else if (field == QLatin1String("default"))
        found->defaultText = value.toString();
    else if (field == QLatin1String("description"))
        found->description = value.toString();
    else
        return false;
    rowChanged(name);
    return true;
}

int PromptVariablesModel::undeclaredCount() const
{
    return static_cast<int>(std::count_if(m_used.begin(), m_used.end(), [this](const QString& name) { return !declaration(name); }));
}

int PromptVariablesModel::unusedCount() const
{
    return static_cast<int>(std::count_if(m_declared.begin(), m_declared.end(), [this](const Declaration& d) { return !m_firstUse.contains(d.name); }));
}

int PromptVariablesModel::problemCount() const
{
    return static_cast<int>(std::count_if(m_declared.begin(), m_declared.end(), [this](const Declaration& d) { return !problemOf(d).isEmpty(); }));
}
