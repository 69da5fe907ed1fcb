// Two versions of a prompt side by side: the admin API's diff answer as rows of a two-column view.
#include "SideBySideDiffModel.h"

#include "ModelRow.h"

#include "PromptDraft.h"

#include <QJsonArray>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>

namespace {

// A changed field's value for people: the variables as their declarations in short ("name",
// "count: integer", "lang? = \"en\"" for an optional one with a default); a string as it is;
// nothing for null; any other value as JSON.
QString fieldText(const QString& field, const QJsonValue& value)
{
    if (value.isNull() || value.isUndefined())
        return {};
    if (field == QLatin1String("variables") && value.isArray()) {
        QStringList declarations;
        for (const QJsonValue& entry : value.toArray()) {
            const QJsonObject variable = entry.toObject();
            QString text = variable.value(QLatin1String("name")).toString();
            const QString type = variable.value(QLatin1String("type")).toString();
            if (!type.isEmpty() && type != QLatin1String("string"))
                text += QStringLiteral(": ") + type;
            if (!variable.value(QLatin1String("required")).toBool(true))
                text += QLatin1Char('?');
            const QJsonValue defaultValue = variable.value(QLatin1String("default"));
            if (!defaultValue.isNull() && !defaultValue.isUndefined())
                text += QStringLiteral(" = ") + PromptValue::toText(defaultValue, QStringLiteral("json"));
            declarations << text;
        }
        return declarations.join(QStringLiteral(", "));
    }
    return PromptValue::toText(value, QStringLiteral("string"));
}

} // namespace

SideBySideDiffModel::SideBySideDiffModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int SideBySideDiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> SideBySideDiffModel::roleNames() const
{
    return {{KindRole, "kind"}, {MessageRole, "message"}, {TitleRole, "title"}, {StateRole, "messageState"}, {LeftOpRole, "leftOp"},
        {LeftTextRole, "leftText"}, {LeftLineRole, "leftLine"}, {RightOpRole, "rightOp"}, {RightTextRole, "rightText"},
        {RightLineRole, "rightLine"}, {HiddenRole, "hidden"}};
}

QVariant SideBySideDiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case KindRole: return row.kind;
    case MessageRole: return row.message;
    case TitleRole: return row.title;
    case StateRole: return row.state;
    case LeftOpRole: return row.leftOp;
    case LeftTextRole: return row.leftText;
    case LeftLineRole: return row.leftLine;
    case RightOpRole: return row.rightOp;
    case RightTextRole: return row.rightText;
    case RightLineRole: return row.rightLine;
    case HiddenRole: return row.hidden;
    default: return {};
    }
}

QVariantMap SideBySideDiffModel::get(int row) const
{
    return modelRow(*this, row);
}

void SideBySideDiffModel::setContext(int context)
{
    if (context == m_context)
        return;
    m_context = context;
    emit contextChanged();
    if (m_loaded)
        setAnswer(m_answer);
}

void SideBySideDiffModel::clear()
{
    empty({});
}

void SideBySideDiffModel::empty(const QString& error)
{
    m_answer = {};
    m_fromVersion = 0;
    m_toVersion = 0;
    m_changes = {};
    m_added = 0;
    m_removed = 0;
    replace({}, error, false);
}

void SideBySideDiffModel::setAnswer(const QJsonObject& answer)
{
    const auto refuse = [this](const QString& why) { empty(tr("The admin API's diff answer cannot be shown: %1").arg(why)); };
    const QJsonValue messages = answer.value(QLatin1String("messages"));
    if (!messages.isArray())
        return refuse(tr("it has no \"messages\" list"));
    m_added = 0;
    m_removed = 0;
    std::vector<Row> rows;
    for (const QJsonValue& message : messages.toArray()) {
        if (!message.isObject() || !appendMessage(message.toObject(), rows))
            return refuse(tr("a message is not an object with \"index\" and \"lines\" of \" \", \"-\" or \"+\""));
    }
    QVariantList changes;
    for (const QJsonValue& change : answer.value(QLatin1String("changes")).toArray()) {
        const QJsonObject object = change.toObject();
        const QString field = object.value(QLatin1String("field")).toString();
        changes.append(QVariantMap{{QStringLiteral("field"), field},
            {QStringLiteral("fromText"), fieldText(field, object.value(QLatin1String("from")))},
            {QStringLiteral("toText"), fieldText(field, object.value(QLatin1String("to")))}});
    }
    m_answer = answer;
    m_fromVersion = answer.value(QLatin1String("from")).toInt();
    m_toVersion = answer.value(QLatin1String("to")).toInt();
    m_changes = changes;
    replace(std::move(rows), {}, true);
}

bool SideBySideDiffModel::appendMessage(const QJsonObject& message, std::vector<Row>& rows)
{
    const QJsonValue index = message.value(QLatin1String("index"));
    const QJsonValue lines = message.value(QLatin1String("lines"));
    if (!index.isDouble() || !lines.isArray())
        return false;
    const int number = index.toInt();
    const QJsonValue from = message.value(QLatin1String("from"));
    const QJsonValue to = message.value(QLatin1String("to"));
    const QString fromRole = from.toObject().value(QLatin1String("role")).toString();
    const QString toRole = to.toObject().value(QLatin1String("role")).toString();

    // Side by side: context on both sides, each run of removed lines beside the added run after it.
    std::vector<Row> lineRows;
    std::vector<Row> removed;
    std::vector<Row> added;
    int leftLine = 0;
    int rightLine = 0;
    const auto flush = [&] {
        for (std::size_t k = 0; k < std::max(removed.size(), added.size()); ++k) {
            Row row{QStringLiteral("line"), number};
            if (k < removed.size()) {
                row.leftOp = removed[k].leftOp;
                row.leftText = removed[k].leftText;
                row.leftLine = removed[k].leftLine;
            }
            if (k < added.size()) {
                row.rightOp = added[k].rightOp;
                row.rightText = added[k].rightText;
                row.rightLine = added[k].rightLine;
            }
            lineRows.push_back(std::move(row));
        }
        removed.clear();
        added.clear();
    };
    for (const QJsonValue& value : lines.toArray()) {
        const QJsonObject line = value.toObject();
        const QString op = line.value(QLatin1String("op")).toString();
        const QString text = line.value(QLatin1String("text")).toString();
        Row row{QStringLiteral("line"), number};
        if (op == QLatin1String(" ")) {
            flush();
            row.leftOp = row.rightOp = op;
            row.leftText = row.rightText = text;
            row.leftLine = ++leftLine;
            row.rightLine = ++rightLine;
            lineRows.push_back(std::move(row));
        } else if (op == QLatin1String("-")) {
            row.leftOp = op;
            row.leftText = text;
            row.leftLine = ++leftLine;
            removed.push_back(std::move(row));
            ++m_removed;
        } else if (op == QLatin1String("+")) {
            row.rightOp = op;
            row.rightText = text;
            row.rightLine = ++rightLine;
            added.push_back(std::move(row));
            ++m_added;
        } else {
            return false;
        }
    }
    flush();

    Row header{QStringLiteral("message"), number};
    const bool changedLines = std::any_of(lineRows.begin(), lineRows.end(), [](const Row& row) { return row.leftOp != QLatin1String(" "); });
    if (!from.isObject() && to.isObject()) {
        header.state = QStringLiteral("added");
        header.title = tr("Message %1 · %2 · added").arg(number + 1).arg(toRole);
    } else if (from.isObject() && !to.isObject()) {
        header.state = QStringLiteral("removed");
        header.title = tr("Message %1 · %2 · removed").arg(number + 1).arg(fromRole);
    } else {
        header.state = changedLines || fromRole != toRole ? QStringLiteral("changed") : QStringLiteral("unchanged");
        header.title = fromRole == toRole ? tr("Message %1 · %2").arg(number + 1).arg(toRole)
                                          : tr("Message %1 · %2 → %3").arg(number + 1).arg(fromRole, toRole);
    }
    header.leftText = fromRole;
    header.rightText = toRole;
    rows.push_back(std::move(header));

    // Folding: an unchanged row stays when a change is at most `context` rows away.
    const int size = static_cast<int>(lineRows.size());
    std::vector<int> distance(lineRows.size(), std::numeric_limits<int>::max());
    for (int pass = 0; pass < 2; ++pass) {
        int last = -1;
        for (int k = 0; k < size; ++k) {
            const int i = pass == 0 ? k : size - 1 - k;
            if (lineRows[static_cast<std::size_t>(i)].leftOp != QLatin1String(" "))
                last = i;
            if (last >= 0)
                distance[static_cast<std::size_t>(i)] = std::min(distance[static_cast<std::size_t>(i)], std::abs(i - last));
        }
    }
    Row gap{QStringLiteral("gap"), number};
    for (int i = 0; i < size; ++i) {
        Row& row = lineRows[static_cast<std::size_t>(i)];
        if (m_context < 0 || distance[static_cast<std::size_t>(i)] <= m_context) {
            if (gap.hidden > 0)
                rows.push_back(std::exchange(gap, Row{QStringLiteral("gap"), number}));
            rows.push_back(std::move(row));
            continue;
        }
        if (gap.hidden++ == 0) {
            gap.leftLine = row.leftLine;
            gap.rightLine = row.rightLine;
        }
    }
    if (gap.hidden > 0)
        rows.push_back(std::move(gap));
    return true;
}

void SideBySideDiffModel::replace(std::vector<Row> rows, QString error, bool loaded)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_errorText = std::move(error);
    m_loaded = loaded;
    endResetModel();
    emit answerChanged();
}
