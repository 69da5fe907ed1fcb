// One answer of GET /admin/v1/analytics/series as chart-ready data: zero-filled buckets, ranked groups.
#include "AnalyticsSeriesModel.h"

#include <QJsonArray>
#include <QList>
#include <QPointF>
#include <QtCharts/QXYSeries>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

const QStringList& additiveMetrics()
{
    static const QStringList metrics{QStringLiteral("requests"), QStringLiteral("errors"), QStringLiteral("prompt_tokens"),
        QStringLiteral("completion_tokens"), QStringLiteral("cached_tokens"), QStringLiteral("reasoning_tokens"),
        QStringLiteral("tokens"), QStringLiteral("cost_usd"), QStringLiteral("saved_usd"), QStringLiteral("cache_hits"),
        QStringLiteral("requests_per_second")};
    return metrics;
}

const QStringList& otherMetrics()
{
    static const QStringList metrics{QStringLiteral("error_rate"), QStringLiteral("latency_mean_ms"), QStringLiteral("latency_p50_ms"),
        QStringLiteral("latency_p95_ms"), QStringLiteral("latency_p99_ms")};
    return metrics;
}

bool isPercentile(const QString& metric)
{
    return metric == QLatin1String("latency_p50_ms") || metric == QLatin1String("latency_p95_ms") || metric == QLatin1String("latency_p99_ms");
}

double bucketLength(const QString& granularity)
{
    if (granularity == QLatin1String("minute"))
        return 60'000;
    if (granularity == QLatin1String("hour"))
        return 3'600'000;
    if (granularity == QLatin1String("day"))
        return 86'400'000;
    return 0;
}

// Distinct on white and for the common kinds of colour blindness; the first is the console's accent.
const QList<QColor>& palette()
{
    static const QList<QColor> colours{QColor(0x2f64d8), QColor(0xe07b39), QColor(0x2a9d8f), QColor(0xc2417a), QColor(0x8a6fd1),
        QColor(0xd4a72c), QColor(0x4f9dd9), QColor(0x6b8e23), QColor(0xb5523b), QColor(0x3c8d5a)};
    return colours;
}

const QColor kOtherColour(0xa0a8b4);

QXYSeries* xySeries(QObject* object)
{
    return qobject_cast<QXYSeries*>(object);
}

} // namespace

AnalyticsSeriesModel::AnalyticsSeriesModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int AnalyticsSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant AnalyticsSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case GroupRole:
        return row.group;
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case ColorRole:
        return row.color;
    case TotalRole:
        return row.total;
    case PeakRole:
        return row.peak;
    case ValuesRole: {
        QVariantList values;
        values.reserve(static_cast<qsizetype>(row.values.size()));
        for (double value : row.values)
            values.append(value);
        return values;
    }
    case OtherRole:
        return row.other;
    default:
        return {};
    }
}

QHash<int, QByteArray> AnalyticsSeriesModel::roleNames() const
{
    return {
        {GroupRole, "group"},
        {NameRole, "name"},
        {ColorRole, "color"},
        {TotalRole, "total"},
        {PeakRole, "peak"},
        {ValuesRole, "values"},
        {OtherRole, "other"},
    };
}

bool AnalyticsSeriesModel::isAdditive(const QString& metric)
{
    return additiveMetrics().contains(metric);
}

bool AnalyticsSeriesModel::isMetric(const QString& metric)
{
    return isAdditive(metric) || otherMetrics().contains(metric);
}

void AnalyticsSeriesModel::setMetric(const QString& metric)
{
    if (metric == m_metric)
        return;
    if (!isMetric(metric)) {
        qWarning("AnalyticsSeriesModel: '%s' is not a metric of the analytics series; keeping '%s'", qPrintable(metric), qPrintable(m_metric));
        return;
    }
    m_metric = metric;
    emit metricChanged();
    rebuild();
}

void AnalyticsSeriesModel::setRankBy(const QString& rankBy)
{
    if (rankBy == m_rankBy)
        return;
    if (!rankBy.isEmpty() && !isMetric(rankBy)) {
        qWarning("AnalyticsSeriesModel: cannot rank by '%s', not a metric of the analytics series", qPrintable(rankBy));
        return;
    }
    m_rankBy = rankBy;
    emit rankByChanged();
    rebuild();
}

void AnalyticsSeriesModel::setMaxGroups(int maxGroups)
{
    maxGroups = std::max(0, maxGroups);
    if (maxGroups == m_maxGroups)
        return;
    m_maxGroups = maxGroups;
    emit maxGroupsChanged();
    rebuild();
}

bool AnalyticsSeriesModel::refuse(const QString& why)
{
    clear();
    setErrorText(tr("The admin API's series answer cannot be shown: %1").arg(why));
    return false;
}

bool AnalyticsSeriesModel::setAnswer(const QJsonValue& answer)
{
    if (!answer.isObject())
        return refuse(tr("it is not a JSON object"));
    const QJsonObject body = answer.toObject();
    const QJsonValue data = body.value(QLatin1String("data"));
    if (!data.isArray())
        return refuse(tr("it has no \"data\" list"));
    const QString granularity = body.value(QLatin1String("granularity")).toString();
    const double step = bucketLength(granularity);
    if (step <= 0)
        return refuse(tr("\"%1\" is not a granularity").arg(granularity));
    const QJsonValue since = body.value(QLatin1String("since_ms"));
    const QJsonValue until = body.value(QLatin1String("until_ms"));
    if (!since.isDouble() || !until.isDouble() || until.toDouble() < since.toDouble())
        return refuse(tr("its range (since_ms, until_ms) is missing or reversed"));
    const double sinceMs = since.toDouble();
    const double buckets = std::max(1.0, std::ceil((until.toDouble() - sinceMs) / step));
    if (buckets > kMaxBuckets)
        return refuse(tr("%1 buckets are more than the admin API ever sends").arg(buckets, 0, 'f', 0));

    int bucketCount = static_cast<int>(buckets);
    std::vector<Group> groups;
    QHash<QString, std::size_t> groupIndex;
    double requests = 0;
    double errors = 0;
    const QJsonArray points = data.toArray();
    for (qsizetype i = 0; i < points.size(); ++i) {
        const QJsonObject point = points.at(i).toObject();
        const QJsonValue bucket = point.value(QLatin1String("bucket_ms"));
        const double offset = bucket.toDouble() - sinceMs;
        if (!points.at(i).isObject() || !bucket.isDouble() || offset < 0 || std::fmod(offset, step) != 0)
            return refuse(tr("point %1 is not at the start of a %2 of the range").arg(i).arg(granularity));
        const double index = offset / step;
        if (index >= kMaxBuckets)
            return refuse(tr("point %1 lies far outside the range").arg(i));
        const QString group = point.value(QLatin1String("group")).toString();
        auto found = groupIndex.find(group);
        if (found == groupIndex.end()) {
            found = groupIndex.insert(group, groups.size());
            groups.push_back({group, {}});
        }
        // A point just past `until_ms` (a clock a little ahead) widens the range rather than vanishing.
        bucketCount = std::max(bucketCount, static_cast<int>(index) + 1);
        auto& byBucket = groups[*found].points;
        if (byBucket.size() <= static_cast<std::size_t>(index))
            byBucket.resize(static_cast<std::size_t>(index) + 1);
        byBucket[static_cast<std::size_t>(index)] = point;
        requests += point.value(QLatin1String("requests")).toDouble();
        errors += point.value(QLatin1String("errors")).toDouble();
    }
    for (Group& group : groups)
        group.points.resize(static_cast<std::size_t>(bucketCount));

    m_groups = std::move(groups);
    m_loaded = true;
    m_granularity = granularity;
    m_groupBy = body.value(QLatin1String("group_by")).toString();
    m_sinceMs = sinceMs;
    m_untilMs = until.toDouble();
    m_bucketMs = step;
    m_bucketCount = bucketCount;
    m_requests = requests;
    m_errors = errors;
    setErrorText({});
    emit answerChanged();
    rebuild();
    return true;
}

void AnalyticsSeriesModel::fail(const QString& why)
{
    clear();
    setErrorText(why);
}

void AnalyticsSeriesModel::clear()
{
    m_groups.clear();
    m_loaded = false;
    m_granularity.clear();
    m_groupBy.clear();
    m_sinceMs = m_untilMs = m_bucketMs = 0;
    m_bucketCount = 0;
    m_requests = m_errors = 0;
    emit answerChanged();
    rebuild();
}

void AnalyticsSeriesModel::setErrorText(const QString& text)
{
    if (text == m_errorText)
        return;
    m_errorText = text;
    emit errorTextChanged();
}

double AnalyticsSeriesModel::bucketSeconds(int index) const
{
    // The last bucket ends with the range (a minute that has only begun): its rate counts the part
    // of it in the range, though at least a twelfth of it, so the first call of a new minute does not
    // read as a burst.
    const double start = bucketTime(index);
    const double end = std::min(start + m_bucketMs, std::max(m_untilMs, start));
    return std::max(end - start, m_bucketMs / 12) / 1000;
}

double AnalyticsSeriesModel::valueOf(const QJsonObject& point, const QString& metric, int index) const
{
    if (point.isEmpty())
        return isAdditive(metric) ? 0 : kNoValue;
    const auto field = [&point](const char* name) { return point.value(QLatin1String(name)).toDouble(); };
    if (metric == QLatin1String("tokens"))
        return field("prompt_tokens") + field("completion_tokens");
    if (metric == QLatin1String("requests_per_second"))
        return field("requests") / bucketSeconds(index);
    if (metric == QLatin1String("error_rate"))
        return field("requests") > 0 ? field("errors") / field("requests") : kNoValue;
    const QJsonValue value = point.value(metric);
    if (value.isDouble())
        return value.toDouble();
    return isAdditive(metric) ? 0 : kNoValue;
}

double AnalyticsSeriesModel::combined(const std::vector<int>& members, int index, const QString& metric) const
{
    const auto pointOf = [&](int member) -> const QJsonObject& {
        return m_groups[static_cast<std::size_t>(member)].points[static_cast<std::size_t>(index)];
    };
    if (members.size() == 1)
        return valueOf(pointOf(members.front()), metric, index);
    double sum = 0;
    double requests = 0;
    double errors = 0;
    for (int member : members) {
        const QJsonObject& point = pointOf(member);
        if (isAdditive(metric)) {
            sum += valueOf(point, metric, index);
            continue;
        }
        const double calls = point.value(QLatin1String("requests")).toDouble();
        requests += calls;
        errors += point.value(QLatin1String("errors")).toDouble();
        if (metric == QLatin1String("latency_mean_ms") && calls > 0)
            sum += point.value(QLatin1String("latency_mean_ms")).toDouble() * calls;
    }
    if (isAdditive(metric))
        return sum;
    if (requests <= 0)
        return kNoValue;
    if (metric == QLatin1String("error_rate"))
        return errors / requests;
    if (metric == QLatin1String("latency_mean_ms"))
        return sum / requests;
    return kNoValue; // percentiles of several groups cannot be told from theirs
}

double AnalyticsSeriesModel::membersTotal(const std::vector<int>& members, const QString& metric) const
{
    double requests = 0;
    double errors = 0;
    double sum = 0;
    double weighted = 0;
    int pointsWithCalls = 0;
    double lastValue = kNoValue;
    for (int member : members) {
        const auto& points = m_groups[static_cast<std::size_t>(member)].points;
        for (std::size_t index = 0; index < points.size(); ++index) {
            const QJsonObject& point = points[index];
            if (point.isEmpty())
                continue;
            const double calls = point.value(QLatin1String("requests")).toDouble();
            requests += calls;
            errors += point.value(QLatin1String("errors")).toDouble();
            const double value = valueOf(point, metric, static_cast<int>(index));
            if (isAdditive(metric)) {
                sum += value;
            } else if (!std::isnan(value) && calls > 0) {
                weighted += value * calls;
                ++pointsWithCalls;
                lastValue = value;
            }
        }
    }
    if (metric == QLatin1String("requests_per_second")) {
        const double span = m_untilMs > m_sinceMs ? m_untilMs - m_sinceMs : m_bucketCount * m_bucketMs;
        return span > 0 ? requests / (span / 1000) : 0;
    }
    if (isAdditive(metric))
        return sum;
    if (metric == QLatin1String("error_rate"))
        return requests > 0 ? errors / requests : kNoValue;
    if (metric == QLatin1String("latency_mean_ms"))
        return requests > 0 ? weighted / requests : kNoValue;
    // A percentile of several buckets cannot be told from theirs; of one it is that one's.
    return isPercentile(metric) && pointsWithCalls == 1 ? lastValue : kNoValue;
}

QString AnalyticsSeriesModel::effectiveRank() const
{
    if (!m_rankBy.isEmpty())
        return m_rankBy;
    return additive() ? m_metric : QStringLiteral("requests");
}

void AnalyticsSeriesModel::rebuild()
{
    const QString rank = effectiveRank();
    std::vector<int> order(m_groups.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<double> rankValue(m_groups.size());
    for (std::size_t i = 0; i < m_groups.size(); ++i) {
        const double value = membersTotal({static_cast<int>(i)}, rank);
        rankValue[i] = std::isnan(value) ? -std::numeric_limits<double>::infinity() : value;
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const double left = rankValue[static_cast<std::size_t>(a)];
        const double right = rankValue[static_cast<std::size_t>(b)];
        if (left != right)
            return left > right;
        return m_groups[static_cast<std::size_t>(a)].name < m_groups[static_cast<std::size_t>(b)].name;
    });

    const std::size_t limit = m_maxGroups > 0 ? static_cast<std::size_t>(m_maxGroups) : order.size();
    const bool lumpRest = additive() && order.size() > limit && limit > 0;
    const std::size_t shown = std::min(order.size(), lumpRest ? limit - 1 : limit);

    std::vector<Row> rows;
    for (std::size_t i = 0; i < shown; ++i) {
        const Group& group = m_groups[static_cast<std::size_t>(order[i])];
        Row row;
        row.group = group.name;
        row.name = !group.name.isEmpty() ? group.name : m_groupBy.isEmpty() ? tr("All calls") : tr("(none)");
        row.color = palette().at(static_cast<qsizetype>(i) % palette().size());
        row.members = {order[i]};
        rows.push_back(std::move(row));
    }
    if (lumpRest) {
        Row other;
        other.name = tr("Other (%n groups)", "", static_cast<int>(order.size() - shown));
        other.color = kOtherColour;
        other.other = true;
        other.members.assign(order.begin() + static_cast<std::ptrdiff_t>(shown), order.end());
        rows.push_back(std::move(other));
    }

    std::vector<double> stackTops(static_cast<std::size_t>(m_bucketCount), 0.0);
    double maxValue = 0;
    for (Row& row : rows) {
        row.values.resize(static_cast<std::size_t>(m_bucketCount));
        for (int index = 0; index < m_bucketCount; ++index) {
            const double value = combined(row.members, index, m_metric);
            row.values[static_cast<std::size_t>(index)] = value;
            if (std::isnan(value))
                continue;
            row.peak = std::max(row.peak, value);
            stackTops[static_cast<std::size_t>(index)] += value;
        }
        row.total = membersTotal(row.members, m_metric);
        maxValue = std::max(maxValue, row.peak);
    }
    if (additive() && !stackTops.empty())
        maxValue = *std::max_element(stackTops.begin(), stackTops.end());

    std::vector<int> everyGroup(m_groups.size());
    std::iota(everyGroup.begin(), everyGroup.end(), 0);

    beginResetModel();
    m_rows = std::move(rows);
    m_hiddenGroups = lumpRest ? 0 : static_cast<int>(order.size() - shown);
    m_maxValue = maxValue;
    m_total = m_groups.empty() ? (additive() ? 0 : kNoValue) : membersTotal(everyGroup, m_metric);
    endResetModel();
    emit valuesChanged();
}

double AnalyticsSeriesModel::bucketTime(int index) const
{
    return m_sinceMs + index * m_bucketMs;
}

double AnalyticsSeriesModel::value(int row, int index, const QString& metric) const
{
    const QString chosen = metric.isEmpty() ? m_metric : metric;
    if (row < 0 || row >= count() || index < 0 || index >= m_bucketCount || !isMetric(chosen))
        return kNoValue;
    const Row& shown = m_rows[static_cast<std::size_t>(row)];
    return chosen == m_metric ? shown.values[static_cast<std::size_t>(index)] : combined(shown.members, index, chosen);
}

double AnalyticsSeriesModel::totalOf(int row, const QString& metric) const
{
    if (row < 0 || row >= count())
        return kNoValue;
    const QString chosen = metric.isEmpty() ? m_metric : metric;
    if (!isMetric(chosen))
        return kNoValue;
    return membersTotal(m_rows[static_cast<std::size_t>(row)].members, chosen);
}

QVariantMap AnalyticsSeriesModel::get(int row) const
{
    QVariantMap item;
    if (row < 0 || row >= count())
        return item;
    const auto roles = roleNames();
    for (auto role = roles.cbegin(); role != roles.cend(); ++role)
        item.insert(QString::fromLatin1(role.value()), data(index(row), role.key()));
    return item;
}

bool AnalyticsSeriesModel::fillStacked(QObject* upper, QObject* lower, int row, double factor) const
{
    QXYSeries* top = xySeries(upper);
    QXYSeries* bottom = xySeries(lower);
    if (!top || row < 0 || row >= count()) {
        if (top)
            top->clear();
        if (bottom)
            bottom->clear();
        return false;
    }
    QList<QPointF> tops;
    QList<QPointF> bottoms;
    tops.reserve(m_bucketCount);
    bottoms.reserve(m_bucketCount);
    for (int index = 0; index < m_bucketCount; ++index) {
        double base = 0;
        for (int below = 0; below < row; ++below) {
            const double value = m_rows[static_cast<std::size_t>(below)].values[static_cast<std::size_t>(index)];
            base += std::isnan(value) ? 0 : value;
        }
        const double own = m_rows[static_cast<std::size_t>(row)].values[static_cast<std::size_t>(index)];
        const double x = bucketTime(index);
        bottoms.append(QPointF(x, base * factor));
        tops.append(QPointF(x, (base + (std::isnan(own) ? 0 : own)) * factor));
    }
    if (bottom)
        bottom->replace(bottoms);
    top->replace(tops);
    return true;
}

bool AnalyticsSeriesModel::fillLine(QObject* series, int row, const QString& metric, double factor) const
{
    QXYSeries* line = xySeries(series);
    const QString chosen = metric.isEmpty() ? m_metric : metric;
    if (!line || row < 0 || row >= count() || !isMetric(chosen)) {
        if (line)
            line->clear();
        return false;
    }
    const Row& shown = m_rows[static_cast<std::size_t>(row)];
    QList<QPointF> points;
    points.reserve(m_bucketCount);
    for (int index = 0; index < m_bucketCount; ++index) {
        const double value = chosen == m_metric ? shown.values[static_cast<std::size_t>(index)] : combined(shown.members, index, chosen);
        if (!std::isnan(value))
            points.append(QPointF(bucketTime(index), value * factor));
    }
    line->replace(points);
    return true;
}

double AnalyticsSeriesModel::peakOf(int row, const QString& metric) const
{
    const QString chosen = metric.isEmpty() ? m_metric : metric;
    if (row < 0 || row >= count() || !isMetric(chosen))
        return 0;
    const Row& shown = m_rows[static_cast<std::size_t>(row)];
    if (chosen == m_metric)
        return shown.peak;
    double peak = 0;
    for (int index = 0; index < m_bucketCount; ++index) {
        const double value = combined(shown.members, index, chosen);
        if (!std::isnan(value))
            peak = std::max(peak, value);
    }
    return peak;
}
