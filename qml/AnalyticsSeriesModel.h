// One answer of GET /admin/v1/analytics/series as chart-ready data: one row per group, one value per bucket.
#pragma once

#include <QAbstractListModel>
#include <QColor>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <vector>

// QML hands it the JSON body of a series answer (docs/admin-api.md "Analytics") with setAnswer() and
// draws the rows. The API leaves out buckets without calls; the model puts every bucket of the range
// back: 0 for what adds up (requests, errors, tokens, cost), no value for what does not (an error
// rate or a latency of a bucket without calls has none, so a line skips it rather than dropping to 0).
//
// Rows are the groups, largest first by `rankBy` (the bottom of a stack), ties by name; for metrics
// that add up, the groups past `maxGroups` are summed into one last row, "Other". Metrics that do not
// add up keep the first `maxGroups` groups and count the rest in `hiddenGroups`. A chart fills its
// series with one replace() each (fillStacked, fillLine), never point by point.
class AnalyticsSeriesModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    // A field of the API's points ("cost_usd", "requests", "errors", "error_rate", "latency_p95_ms", …),
    // or "tokens" (prompt + completion) or "requests_per_second" (requests / the bucket's seconds in
    // the range: the last bucket, cut short by until_ms, counts only its part; total: over the range).
    Q_PROPERTY(QString metric READ metric WRITE setMetric NOTIFY metricChanged)
    // What orders the groups (and so who is in "Other"): empty for `metric` when it adds up, else
    // "requests". Two charts of one answer with the same rankBy stack and colour the groups alike.
    Q_PROPERTY(QString rankBy READ rankBy WRITE setRankBy NOTIFY rankByChanged)
    Q_PROPERTY(int maxGroups READ maxGroups WRITE setMaxGroups NOTIFY maxGroupsChanged)
    Q_PROPERTY(bool additive READ additive NOTIFY metricChanged)
    Q_PROPERTY(int count READ count NOTIFY valuesChanged)
    Q_PROPERTY(int hiddenGroups READ hiddenGroups NOTIFY valuesChanged)
    // Why the last answer could not be shown; "" once one could. A refused answer empties the model.
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    // An answer is shown (possibly without a single call).
    Q_PROPERTY(bool loaded READ loaded NOTIFY answerChanged)
    Q_PROPERTY(QString granularity READ granularity NOTIFY answerChanged)
    Q_PROPERTY(QString groupBy READ groupBy NOTIFY answerChanged)
    Q_PROPERTY(double sinceMs READ sinceMs NOTIFY answerChanged)
    Q_PROPERTY(double untilMs READ untilMs NOTIFY answerChanged)
    Q_PROPERTY(double bucketMs READ bucketMs NOTIFY answerChanged)
    Q_PROPERTY(int bucketCount READ bucketCount NOTIFY answerChanged)
    // The start of the first and of the last bucket (epoch ms): a time axis' range.
    Q_PROPERTY(double firstBucketMs READ firstBucketMs NOTIFY answerChanged)
    Q_PROPERTY(double lastBucketMs READ lastBucketMs NOTIFY answerChanged)
    // Requests and errors in the whole answer, all groups.
    Q_PROPERTY(double requests READ requests NOTIFY answerChanged)
    Q_PROPERTY(double errors READ errors NOTIFY answerChanged)
    // The metric over the whole range and every group: the sum when it adds up, errors / requests for
    // the error rate, the mean weighted by requests for the mean latency; NaN when it cannot be told
    // (a percentile of several buckets) or there were no calls.
    Q_PROPERTY(double total READ total NOTIFY valuesChanged)
    // The highest point a chart of the metric reaches: the top of the stack in the fullest bucket when
    // it adds up, else the largest value; 0 without values.
    Q_PROPERTY(double maxValue READ maxValue NOTIFY valuesChanged)

public:
    enum Role {
        GroupRole = Qt::UserRole + 1, // the group as the API names it ("" for calls without one)
        NameRole,                     // for people: the group, "(none)" for "", "Other" for the rest
        ColorRole,                    // the row's colour in every chart of the page
        TotalRole,                    // the metric over the range, as `total` for this row
        PeakRole,                     // the row's largest value in one bucket
        ValuesRole,                   // one number per bucket (NaN: no value)
        OtherRole,                    // the row sums the groups past maxGroups
    };
    Q_ENUM(Role)

    static constexpr int kDefaultMaxGroups = 8;
    // The admin API refuses a series of more buckets; a larger one cannot be a real answer.
    static constexpr int kMaxBuckets = 50000;

    explicit AnalyticsSeriesModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString metric() const { return m_metric; }
    void setMetric(const QString& metric);
    QString rankBy() const { return m_rankBy; }
    void setRankBy(const QString& rankBy);
    int maxGroups() const { return m_maxGroups; }
    void setMaxGroups(int maxGroups);
    bool additive() const { return isAdditive(m_metric); }

    int count() const { return static_cast<int>(m_rows.size()); }
    int hiddenGroups() const { return m_hiddenGroups; }
    QString errorText() const { return m_errorText; }
    bool loaded() const { return m_loaded; }
    QString granularity() const { return m_granularity; }
    QString groupBy() const { return m_groupBy; }
    double sinceMs() const { return m_sinceMs; }
    double untilMs() const { return m_untilMs; }
    double bucketMs() const { return m_bucketMs; }
    int bucketCount() const { return m_bucketCount; }
    double firstBucketMs() const { return m_sinceMs; }
    double lastBucketMs() const { return m_bucketCount > 0 ? m_sinceMs + (m_bucketCount - 1) * m_bucketMs : m_sinceMs; }
    double requests() const { return m_requests; }
    double errors() const { return m_errors; }
    double total() const { return m_total; }
    double maxValue() const { return m_maxValue; }

    // Shows a series answer's body. False when it is not one (errorText says why; the model is empty then).
    Q_INVOKABLE bool setAnswer(const QJsonValue& answer);
    // Shows nothing, and says why: the request for the answer failed ("" when there is no reason).
    Q_INVOKABLE void fail(const QString& why);
    Q_INVOKABLE void clear();

    // The start of bucket `index` (epoch ms).
    Q_INVOKABLE double bucketTime(int index) const;
    // The row's value of `metric` (empty: the model's metric) in bucket `index` (NaN: none).
    Q_INVOKABLE double value(int row, int index, const QString& metric = {}) const;
    // `metric` of the row over the whole range, as TotalRole (empty: the model's metric).
    Q_INVOKABLE double totalOf(int row, const QString& metric = {}) const;
    // The row's role values by name, for code outside a delegate; empty outside the model.
    Q_INVOKABLE QVariantMap get(int row) const;

    // Fills a stacked band: `upper` (a LineSeries, or any QXYSeries) with the top of row `row`'s band
    // (the rows up to it, summed), `lower` (may be null) with its bottom (the rows before it; 0 for the
    // first). Values are multiplied by `factor` (an axis in thousands). One replace() each. False (and
    // the series emptied) when `row` is not a row or `upper` is not an XY series.
    Q_INVOKABLE bool fillStacked(QObject* upper, QObject* lower, int row, double factor = 1) const;
    // Fills a line with row `row`'s values of `metric` (empty: the model's metric) times `factor`,
    // leaving out buckets without a value. One replace().
    Q_INVOKABLE bool fillLine(QObject* series, int row, const QString& metric = {}, double factor = 1) const;
    // The row's largest value of `metric` in one bucket (empty: the model's metric; 0 without values).
    Q_INVOKABLE double peakOf(int row, const QString& metric = {}) const;

    // Whether `metric` adds up across groups and buckets (counts, tokens, money).
    Q_INVOKABLE static bool isAdditive(const QString& metric);
    // Whether the model knows `metric`.
    Q_INVOKABLE static bool isMetric(const QString& metric);

signals:
    void metricChanged();
    void rankByChanged();
    void maxGroupsChanged();
    void errorTextChanged();
    void answerChanged();
    // The rows or their values changed: charts fill their series again.
    void valuesChanged();

private:
    // One group as the answer gave it: its point of each bucket (empty where it had none).
    struct Group {
        QString name;
        std::vector<QJsonObject> points;
    };
    struct Row {
        QString group;
        QString name;
        QColor color;
        bool other = false;
        std::vector<int> members; // indexes into m_groups
        std::vector<double> values;
        double total = 0;
        double peak = 0;
    };

    // The metric's value of one point of bucket `index` (NaN when it has none); `point` empty: a
    // bucket without calls.
    double valueOf(const QJsonObject& point, const QString& metric, int index) const;
    // The seconds of bucket `index` within the range: what its requests per second divide by.
    double bucketSeconds(int index) const;
    // `metric` of the groups `members` in bucket `index`, summed or combined as the metric allows.
    double combined(const std::vector<int>& members, int index, const QString& metric) const;
    double membersTotal(const std::vector<int>& members, const QString& metric) const;
    QString effectiveRank() const;
    // Builds the rows from m_groups for the current metric, rank and maxGroups: one model reset.
    void rebuild();
    void setErrorText(const QString& text);
    bool refuse(const QString& why);

    QString m_metric = QStringLiteral("cost_usd");
    QString m_rankBy;
    int m_maxGroups = kDefaultMaxGroups;

    bool m_loaded = false;
    QString m_granularity;
    QString m_groupBy;
    double m_sinceMs = 0;
    double m_untilMs = 0;
    double m_bucketMs = 0;
    int m_bucketCount = 0;
    double m_requests = 0;
    double m_errors = 0;
    std::vector<Group> m_groups;

    std::vector<Row> m_rows;
    int m_hiddenGroups = 0;
    double m_total = 0;
    double m_maxValue = 0;
    QString m_errorText;
};
