// How each version of a prompt did over a range: the admin API's prompt stats, one row per version.
#include "PromptStatsModel.h"

#include "ModelRow.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double part, double whole)
{
    return whole > 0 ? part / whole : kNaN;
}

} // namespace

PromptStatsModel::PromptStatsModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int PromptStatsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QHash<int, QByteArray> PromptStatsModel::roleNames() const
{
    return {{VersionRole, "version"}, {LabelsRole, "labels"}, {RequestsRole, "requests"}, {ErrorsRole, "errors"},
        {ErrorRateRole, "errorRate"}, {LatencyMeanRole, "latencyMean"}, {LatencyP95Role, "latencyP95"},
        {P95OfSeveralRole, "p95OfSeveral"}, {CostUsdRole, "costUsd"}, {CostPerCallRole, "costPerCall"},
        {PromptTokensRole, "promptTokens"}, {CompletionTokensRole, "completionTokens"}, {FeedbackCountRole, "feedbackCount"},
        {FeedbackMeanRole, "feedbackMean"}};
}

QVariant PromptStatsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case VersionRole: return row.version;
    case LabelsRole: return row.labels.join(QStringLiteral(", "));
    case RequestsRole: return row.requests;
    case ErrorsRole: return row.errors;
    case ErrorRateRole: return ratio(row.errors, row.requests);
    case LatencyMeanRole: return ratio(row.latencyWeighted, row.requests);
    case LatencyP95Role: return row.requests > 0 && row.latencyP95 >= 0 ? row.latencyP95 : kNaN;
    case P95OfSeveralRole: return row.p95Groups > 1;
    case CostUsdRole: return row.costUsd;
    case CostPerCallRole: return ratio(row.costUsd, row.requests);
    case PromptTokensRole: return row.promptTokens;
    case CompletionTokensRole: return row.completionTokens;
    case FeedbackCountRole: return row.feedbackCount;
    case FeedbackMeanRole: return ratio(row.feedbackWeighted, row.feedbackCount);
    default: return {};
    }
}

QVariantMap PromptStatsModel::get(int row) const
{
    return modelRow(*this, row);
}

double PromptStatsModel::maxOf(const QString& roleName) const
{
    const int role = roleNames().key(roleName.toLatin1(), -1);
    double max = 0;
    for (int row = 0; role >= 0 && row < count(); ++row) {
        const double value = data(index(row), role).toDouble();
        if (!std::isnan(value))
            max = std::max(max, std::abs(value));
    }
    return max;
}

double PromptStatsModel::requests() const
{
    double sum = 0;
    for (const Row& row : m_rows)
        sum += row.requests;
    return sum;
}

void PromptStatsModel::setVersions(const QVariantList& versions)
{
    if (versions == m_versions)
        return;
    m_versions = versions;
    emit versionsChanged();
    rebuild();
}

void PromptStatsModel::clear()
{
    m_answer = {};
    m_loaded = false;
    m_errorText.clear();
    rebuild();
}

void PromptStatsModel::setAnswer(const QJsonObject& answer)
{
    const QJsonValue data = answer.value(QLatin1String("data"));
    const QJsonArray entries = data.toArray();
    const bool rowsOk = data.isArray() && std::all_of(entries.begin(), entries.end(), [](const QJsonValue& row) {
        return row.isObject() && row.toObject().value(QLatin1String("version")).isDouble();
    });
    if (!rowsOk) {
        m_answer = {};
        m_loaded = false;
        m_errorText = data.isArray() ? tr("The admin API's stats answer cannot be shown: a row has no version number.")
                                     : tr("The admin API's stats answer cannot be shown: it has no \"data\" list.");
    } else {
        m_answer = answer;
        m_loaded = true;
        m_errorText.clear();
    }
    rebuild();
}

void PromptStatsModel::rebuild()
{
    // Per version: its own row (label null: every call of the version) when the answer has one,
    // else the sum of its labels' rows; the labels' rows name the labels either way.
    struct Parts {
        std::optional<QJsonObject> total;
        std::vector<QJsonObject> labelled;
    };
    std::map<int, Parts> byVersion;
    for (const QVariant& version : m_versions)
        byVersion[version.toInt()];
    for (const QJsonValue& value : m_answer.value(QLatin1String("data")).toArray()) {
        const QJsonObject entry = value.toObject();
        Parts& parts = byVersion[entry.value(QLatin1String("version")).toInt()];
        const QJsonValue label = entry.value(QLatin1String("label"));
        if (label.isNull() || label.isUndefined())
            parts.total = entry;
        else
            parts.labelled.push_back(entry);
    }
    const auto numberOf = [](const QJsonObject& entry, const char* name) { return entry.value(QLatin1String(name)).toDouble(); };
    const auto add = [&](Row& row, const QJsonObject& entry) {
        const double requests = numberOf(entry, "requests");
        row.requests += requests;
        row.errors += numberOf(entry, "errors");
        row.latencyWeighted += numberOf(entry, "latency_mean_ms") * requests;
        if (requests > 0 && entry.value(QLatin1String("latency_p95_ms")).isDouble()) {
            row.latencyP95 = std::max(row.latencyP95, numberOf(entry, "latency_p95_ms"));
            ++row.p95Groups;
        }
        row.costUsd += numberOf(entry, "cost_usd");
        row.promptTokens += numberOf(entry, "prompt_tokens");
        row.completionTokens += numberOf(entry, "completion_tokens");
        const double feedback = numberOf(entry, "feedback_count");
        row.feedbackCount += feedback;
        if (feedback > 0)
            row.feedbackWeighted += numberOf(entry, "feedback_mean") * feedback;
    };
    std::vector<Row> rows;
    for (const auto& [version, parts] : byVersion) {
        Row row;
        row.version = version;
        double labelledRequests = 0;
        for (const QJsonObject& entry : parts.labelled) {
            const double requests = numberOf(entry, "requests");
            labelledRequests += requests;
            const QString label = entry.value(QLatin1String("label")).toString();
            if (requests > 0 && !row.labels.contains(label))
                row.labels.append(label);
        }
        if (parts.total) {
            add(row, *parts.total);
            if (row.requests > labelledRequests)
                row.labels.append(tr("by number"));
        } else {
            for (const QJsonObject& entry : parts.labelled)
                add(row, entry);
        }
        rows.push_back(std::move(row));
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    emit answerChanged();
}
