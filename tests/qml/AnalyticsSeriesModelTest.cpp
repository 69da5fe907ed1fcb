// AnalyticsSeriesModel: a series answer of the admin API as chart rows — every bucket of the range
// (0 where the API left one out, no value for what does not add up), groups ranked into a stack
// with "Other" last, a switch of metric, the series it fills, answers it refuses, and a real
// answer of a gateway's admin API after a few calls.
#include "AnalyticsSeriesModel.h"
#include "InProcessAdminClient.h"

#include "GatewayTestSupport.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineSeries>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>
#include <numeric>

namespace {

constexpr double kMinute = 60'000;
const char* const kChatBody = "{\"model\": \"mock-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}";
const char* const kUnknownModelBody = "{\"model\": \"no-such-model\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}";
constexpr double kHour = 3'600'000;
// 2027-01-15 08:00:00 UTC: the start of a minute, an hour and (minus 8 h) a day.
constexpr double kSince = 1'800'000'000'000 - 1'800'000'000'000 % 86'400'000 + 8 * kHour;

// One point of a series answer, as the admin API gives it; `fields` overrides the defaults.
QJsonObject point(double bucketMs, const QString& group, double requests, const QJsonObject& fields = {})
{
    QJsonObject object{
        {QStringLiteral("bucket_ms"), bucketMs},
        {QStringLiteral("bucket"), QStringLiteral("(not read)")},
        {QStringLiteral("group"), group},
        {QStringLiteral("requests"), requests},
        {QStringLiteral("errors"), 0},
        {QStringLiteral("error_rate"), 0},
        {QStringLiteral("prompt_tokens"), requests * 100},
        {QStringLiteral("completion_tokens"), requests * 10},
        {QStringLiteral("cached_tokens"), 0},
        {QStringLiteral("reasoning_tokens"), 0},
        {QStringLiteral("cost_usd"), requests * 0.01},
        {QStringLiteral("saved_usd"), 0},
        {QStringLiteral("cache_hits"), 0},
        {QStringLiteral("latency_mean_ms"), 200},
        {QStringLiteral("latency_p50_ms"), 150},
        {QStringLiteral("latency_p95_ms"), 400},
        {QStringLiteral("latency_p99_ms"), 900},
    };
    for (auto field = fields.begin(); field != fields.end(); ++field)
        object.insert(field.key(), field.value());
    return object;
}

QJsonObject answer(const QString& granularity, double since, double until, const QJsonArray& data, const QString& groupBy = QStringLiteral("model"))
{
    return {
        {QStringLiteral("granularity"), granularity},
        {QStringLiteral("group_by"), groupBy.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(groupBy)},
        {QStringLiteral("since_ms"), since},
        {QStringLiteral("until_ms"), until},
        {QStringLiteral("data"), data},
    };
}

// Five minutes of two models: gpt-4o in minutes 0 and 3, claude in minute 1.
QJsonObject fiveMinutes()
{
    return answer(QStringLiteral("minute"), kSince, kSince + 5 * kMinute,
        {point(kSince, QStringLiteral("gpt-4o"), 3), point(kSince + kMinute, QStringLiteral("claude"), 4),
            point(kSince + 3 * kMinute, QStringLiteral("gpt-4o"), 2)});
}

// One hour bucket per group, with `cost` each: the groups' ranking by cost.
QJsonObject groupsCosting(const QList<QPair<QString, double>>& costs)
{
    QJsonArray data;
    for (const auto& [group, cost] : costs)
        data.append(point(kSince, group, 1, {{QStringLiteral("cost_usd"), cost}}));
    return answer(QStringLiteral("hour"), kSince, kSince + 2 * kHour, data);
}

QList<double> valuesOf(const AnalyticsSeriesModel& model, int row)
{
    QList<double> values;
    for (const QVariant& value : model.data(model.index(row), AnalyticsSeriesModel::ValuesRole).toList())
        values.append(value.toDouble());
    return values;
}

QStringList namesOf(const AnalyticsSeriesModel& model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(model.data(model.index(row), AnalyticsSeriesModel::NameRole).toString());
    return names;
}

QList<double> ysOf(const QXYSeries& series)
{
    QList<double> ys;
    for (const QPointF& point : series.points())
        ys.append(point.y());
    return ys;
}

} // namespace

class AnalyticsSeriesModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<AnalyticsSeriesModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void emptyUntilAnAnswer()
    {
        QCOMPARE(m_model->rowCount(), 0);
        QVERIFY(!m_model->loaded());
        QCOMPARE(m_model->errorText(), QString());
        QCOMPARE(m_model->metric(), QStringLiteral("cost_usd"));
        QCOMPARE(m_model->bucketCount(), 0);
    }

    void everyBucketOfTheRangeIsThereWithZeroWhereTheApiLeftItOut()
    {
        m_model->setMetric(QStringLiteral("requests"));
        QSignalSpy valuesChanged(m_model.get(), &AnalyticsSeriesModel::valuesChanged);
        QVERIFY(m_model->setAnswer(fiveMinutes()));
        QCOMPARE(valuesChanged.count(), 1);
        QVERIFY(m_model->loaded());
        QCOMPARE(m_model->granularity(), QStringLiteral("minute"));
        QCOMPARE(m_model->groupBy(), QStringLiteral("model"));
        QCOMPARE(m_model->bucketMs(), kMinute);
        QCOMPARE(m_model->bucketCount(), 5);
        QCOMPARE(m_model->firstBucketMs(), kSince);
        QCOMPARE(m_model->lastBucketMs(), kSince + 4 * kMinute);
        QCOMPARE(m_model->bucketTime(3), kSince + 3 * kMinute);
        QCOMPARE(namesOf(*m_model), QStringList({QStringLiteral("gpt-4o"), QStringLiteral("claude")}));
        QCOMPARE(valuesOf(*m_model, 0), QList<double>({3, 0, 0, 2, 0}));
        QCOMPARE(valuesOf(*m_model, 1), QList<double>({0, 4, 0, 0, 0}));
        QCOMPARE(m_model->requests(), 9.0);
        QCOMPARE(m_model->total(), 9.0);
        QCOMPARE(m_model->data(m_model->index(0), AnalyticsSeriesModel::TotalRole).toDouble(), 5.0);
        QCOMPARE(m_model->data(m_model->index(1), AnalyticsSeriesModel::PeakRole).toDouble(), 4.0);
        QCOMPARE(m_model->maxValue(), 4.0); // the fullest bucket's stack

        // Buckets are whole; an open end still counts its last, partial bucket.
        QVERIFY(m_model->setAnswer(answer(QStringLiteral("hour"), kSince, kSince + 2.5 * kHour, {})));
        QCOMPARE(m_model->bucketCount(), 3);
    }

    void whatDoesNotAddUpHasNoValueWithoutCalls()
    {
        m_model->setMetric(QStringLiteral("latency_p95_ms"));
        QVERIFY(!m_model->additive());
        QVERIFY(m_model->setAnswer(fiveMinutes()));
        const QList<double> values = valuesOf(*m_model, 0);
        QCOMPARE(values.size(), 5);
        QCOMPARE(values[0], 400.0);
        QVERIFY(std::isnan(values[1]));
        QVERIFY(std::isnan(values[2]));
        QCOMPARE(values[3], 400.0);

        // A line leaves the buckets without calls out instead of dropping to 0.
        QLineSeries line;
        QVERIFY(m_model->fillLine(&line, 0));
        QCOMPARE(line.count(), 2);
        QCOMPARE(line.at(1), QPointF(kSince + 3 * kMinute, 400));
        // Several buckets' percentiles tell nothing of the range's; the mean latency is weighted.
        QVERIFY(std::isnan(m_model->total()));
        QCOMPARE(m_model->totalOf(0, QStringLiteral("latency_mean_ms")), 200.0);
    }

    void aPercentileOfOneBucketIsTheRangesOwn()
    {
        // The Overview's "today": one day bucket, so its percentiles are exact.
        const double day = kSince - 8 * kHour;
        QVERIFY(m_model->setAnswer(answer(QStringLiteral("day"), day, day + 9 * kHour,
            {point(day, QString(), 40, {{QStringLiteral("latency_p50_ms"), 310.5}})}, QString())));
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(namesOf(*m_model), QStringList{QStringLiteral("All calls")});
        QCOMPARE(m_model->totalOf(0, QStringLiteral("latency_p50_ms")), 310.5);
        QCOMPARE(m_model->total(), 0.4); // cost
    }

    void theStackIsLargestFirstWithTheRestAsOther_data()
    {
        QTest::addColumn<int>("maxGroups");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QList<double>>("totals");

        const QStringList everyGroup{QStringLiteral("b"), QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e")};
        QTest::newRow("all fit") << 8 << everyGroup << QList<double>{5, 3, 3, 2, 1};
        QTest::newRow("no limit") << 0 << everyGroup << QList<double>{5, 3, 3, 2, 1};
        QTest::newRow("exactly") << 5 << everyGroup << QList<double>{5, 3, 3, 2, 1};
        QTest::newRow("two lumped") << 4 << QStringList{QStringLiteral("b"), QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("Other (2 groups)")}
                                    << QList<double>{5, 3, 3, 3};
        QTest::newRow("one row") << 1 << QStringList{QStringLiteral("Other (5 groups)")} << QList<double>{14};
    }

    void theStackIsLargestFirstWithTheRestAsOther()
    {
        QFETCH(int, maxGroups);
        QFETCH(QStringList, names);
        QFETCH(QList<double>, totals);

        m_model->setMaxGroups(maxGroups);
        // Ties go by name: "a" before "c".
        QVERIFY(m_model->setAnswer(groupsCosting({{QStringLiteral("e"), 1}, {QStringLiteral("c"), 3}, {QStringLiteral("b"), 5},
            {QStringLiteral("a"), 3}, {QStringLiteral("d"), 2}})));
        QCOMPARE(namesOf(*m_model), names);
        QList<double> rowTotals;
        for (int row = 0; row < m_model->rowCount(); ++row)
            rowTotals.append(m_model->data(m_model->index(row), AnalyticsSeriesModel::TotalRole).toDouble());
        QCOMPARE(rowTotals, totals);
        QCOMPARE(m_model->total(), 14.0);
        QCOMPARE(m_model->hiddenGroups(), 0);
        const bool lumped = names.last().startsWith(QLatin1String("Other"));
        QCOMPARE(m_model->data(m_model->index(m_model->rowCount() - 1), AnalyticsSeriesModel::OtherRole).toBool(), lumped);
        QCOMPARE(m_model->data(m_model->index(m_model->rowCount() - 1), AnalyticsSeriesModel::GroupRole).toString(),
            lumped ? QString() : names.last());
        // Every row has its own colour; "Other" is grey.
        QSet<QRgb> colours;
        for (int row = 0; row < m_model->rowCount(); ++row)
            colours.insert(m_model->data(m_model->index(row), AnalyticsSeriesModel::ColorRole).value<QColor>().rgb());
        QCOMPARE(colours.size(), m_model->rowCount());
    }

    void stackedBandsSitOnTheRowsBelow()
    {
        m_model->setMetric(QStringLiteral("requests"));
        QVERIFY(m_model->setAnswer(fiveMinutes()));
        QLineSeries upper;
        QLineSeries lower;
        QVERIFY(m_model->fillStacked(&upper, &lower, 0));
        QCOMPARE(ysOf(lower), QList<double>({0, 0, 0, 0, 0}));
        QCOMPARE(ysOf(upper), QList<double>({3, 0, 0, 2, 0}));
        QVERIFY(m_model->fillStacked(&upper, &lower, 1));
        QCOMPARE(ysOf(lower), QList<double>({3, 0, 0, 2, 0}));
        QCOMPARE(ysOf(upper), QList<double>({3, 4, 0, 2, 0}));
        QCOMPARE(upper.at(4).x(), kSince + 4 * kMinute);
        // Without a lower series, and scaled (an axis in thousands).
        QVERIFY(m_model->fillStacked(&upper, nullptr, 1, 0.5));
        QCOMPARE(ysOf(upper), QList<double>({1.5, 2, 0, 1, 0}));

        // Not a row, not a series: nothing drawn, and said.
        QVERIFY(!m_model->fillStacked(&upper, &lower, 2));
        QCOMPARE(upper.count(), 0);
        QCOMPARE(lower.count(), 0);
        QObject notASeries;
        QVERIFY(!m_model->fillStacked(&notASeries, nullptr, 0));
        QVERIFY(!m_model->fillLine(&notASeries, 0));
        QVERIFY(!m_model->fillLine(&upper, 0, QStringLiteral("no_such_metric")));
    }

    void switchingTheMetricRedrawsTheSameAnswer()
    {
        m_model->setMetric(QStringLiteral("requests"));
        QVERIFY(m_model->setAnswer(fiveMinutes()));
        QSignalSpy metricChanged(m_model.get(), &AnalyticsSeriesModel::metricChanged);
        QSignalSpy valuesChanged(m_model.get(), &AnalyticsSeriesModel::valuesChanged);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

        m_model->setMetric(QStringLiteral("tokens")); // prompt + completion
        QCOMPARE(metricChanged.count(), 1);
        QCOMPARE(valuesChanged.count(), 1);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(valuesOf(*m_model, 0), QList<double>({330, 0, 0, 220, 0}));
        QCOMPARE(m_model->total(), 990.0);

        m_model->setMetric(QStringLiteral("cost_usd"));
        QCOMPARE(valuesOf(*m_model, 1), QList<double>({0, 0.04, 0, 0, 0}));

        m_model->setMetric(QStringLiteral("cost_usd")); // the same: nothing happens
        QCOMPARE(metricChanged.count(), 2);

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not a metric")));
        m_model->setMetric(QStringLiteral("latency_p42_ms"));
        QCOMPARE(m_model->metric(), QStringLiteral("cost_usd"));
        QCOMPARE(metricChanged.count(), 2);

        // Another metric of a row without switching: the latency lines of one chart.
        QCOMPARE(m_model->value(0, 0, QStringLiteral("latency_p99_ms")), 900.0);
        QVERIFY(std::isnan(m_model->value(0, 1, QStringLiteral("latency_p99_ms"))));
        QCOMPARE(m_model->peakOf(0, QStringLiteral("requests")), 3.0);
        QLineSeries line;
        QVERIFY(m_model->fillLine(&line, 0, QStringLiteral("latency_p50_ms"), 0.5));
        QCOMPARE(ysOf(line), QList<double>({75, 75}));
    }

    void theErrorRateIsErrorsOverRequests()
    {
        m_model->setMetric(QStringLiteral("error_rate"));
        QVERIFY(m_model->setAnswer(answer(QStringLiteral("minute"), kSince, kSince + 3 * kMinute,
            {point(kSince, QStringLiteral("a"), 4, {{QStringLiteral("errors"), 1}}),
                point(kSince + 2 * kMinute, QStringLiteral("a"), 6, {{QStringLiteral("errors"), 3}})})));
        const QList<double> values = valuesOf(*m_model, 0);
        QCOMPARE(values[0], 0.25);
        QVERIFY(std::isnan(values[1]));
        QCOMPARE(values[2], 0.5);
        QCOMPARE(m_model->total(), 0.4);
        QCOMPARE(m_model->errors(), 4.0);
    }

    void requestsPerSecondCountOnlyTheBucketsPartInTheRange()
    {
        m_model->setMetric(QStringLiteral("requests_per_second"));
        // The range ends 30 s into its third minute: that minute's 15 calls came in 30 s.
        QVERIFY(m_model->setAnswer(answer(QStringLiteral("minute"), kSince, kSince + 2.5 * kMinute,
            {point(kSince, QString(), 60), point(kSince + 2 * kMinute, QString(), 15)}, QString())));
        QCOMPARE(valuesOf(*m_model, 0), QList<double>({1, 0, 0.5}));
        QCOMPARE(m_model->total(), 0.5); // 75 calls in 150 s
    }

    void twoChartsRankedAlikeStackAndColourAlike()
    {
        // By tokens b leads; by cost a does. The tokens chart ranked by cost follows the cost chart.
        const QJsonObject body = answer(QStringLiteral("hour"), kSince, kSince + kHour,
            {point(kSince, QStringLiteral("a"), 1, {{QStringLiteral("cost_usd"), 9}}),
                point(kSince, QStringLiteral("b"), 50, {{QStringLiteral("cost_usd"), 1}})});
        AnalyticsSeriesModel tokens;
        tokens.setMetric(QStringLiteral("tokens"));
        QVERIFY(tokens.setAnswer(body));
        QCOMPARE(namesOf(tokens), QStringList({QStringLiteral("b"), QStringLiteral("a")}));

        tokens.setRankBy(QStringLiteral("cost_usd"));
        QVERIFY(m_model->setAnswer(body));
        QCOMPARE(namesOf(tokens), namesOf(*m_model));
        QCOMPARE(namesOf(tokens), QStringList({QStringLiteral("a"), QStringLiteral("b")}));
        for (int row = 0; row < 2; ++row)
            QCOMPARE(tokens.data(tokens.index(row), AnalyticsSeriesModel::ColorRole), m_model->data(m_model->index(row), AnalyticsSeriesModel::ColorRole));
    }

    void groupsPastTheLimitOfALatencyAreLeftOutAndCounted()
    {
        m_model->setMetric(QStringLiteral("latency_p95_ms"));
        m_model->setMaxGroups(2);
        QVERIFY(m_model->setAnswer(answer(QStringLiteral("hour"), kSince, kSince + kHour,
            {point(kSince, QStringLiteral("few"), 1), point(kSince, QStringLiteral("most"), 30), point(kSince, QStringLiteral("some"), 5)})));
        QCOMPARE(namesOf(*m_model), QStringList({QStringLiteral("most"), QStringLiteral("some")})); // by requests
        QCOMPARE(m_model->hiddenGroups(), 1);
    }

    void callsWithoutAGroupAreNamed()
    {
        m_model->setMetric(QStringLiteral("requests"));
        QVERIFY(m_model->setAnswer(answer(QStringLiteral("hour"), kSince, kSince + kHour,
            {point(kSince, QStringLiteral("gpt-4o"), 5), point(kSince, QString(), 2)}, QStringLiteral("model"))));
        QCOMPARE(namesOf(*m_model), QStringList({QStringLiteral("gpt-4o"), QStringLiteral("(none)")}));
        QCOMPARE(m_model->data(m_model->index(1), AnalyticsSeriesModel::GroupRole).toString(), QString());
        const QVariantMap item = m_model->get(1);
        QCOMPARE(item.value(QStringLiteral("name")).toString(), QStringLiteral("(none)"));
        QCOMPARE(item.value(QStringLiteral("total")).toDouble(), 2.0);
        QVERIFY(m_model->get(7).isEmpty());
    }

    void anAnswerWithoutCallsIsAnEmptyRange()
    {
        QVERIFY(m_model->setAnswer(answer(QStringLiteral("day"), kSince, kSince + 30 * 86'400'000.0, {})));
        QVERIFY(m_model->loaded());
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->bucketCount(), 30);
        QCOMPARE(m_model->requests(), 0.0);
        QCOMPARE(m_model->total(), 0.0);
        QCOMPARE(m_model->maxValue(), 0.0);
        QCOMPARE(m_model->errorText(), QString());
    }

    void answersThatAreNotASeriesAreRefused_data()
    {
        QTest::addColumn<QJsonValue>("body");
        QTest::addColumn<QString>("why");

        const QJsonObject good = fiveMinutes();
        const auto without = [&good](const QString& key) {
            QJsonObject body = good;
            body.remove(key);
            return body;
        };
        const auto with = [&good](const QString& key, const QJsonValue& value) {
            QJsonObject body = good;
            body.insert(key, value);
            return body;
        };
        QTest::newRow("not an object") << QJsonValue(QJsonArray{1, 2}) << QStringLiteral("it is not a JSON object");
        QTest::newRow("nothing") << QJsonValue() << QStringLiteral("it is not a JSON object");
        QTest::newRow("no data") << QJsonValue(without(QStringLiteral("data"))) << QStringLiteral("it has no \"data\" list");
        QTest::newRow("data not a list") << QJsonValue(with(QStringLiteral("data"), QJsonObject{})) << QStringLiteral("it has no \"data\" list");
        QTest::newRow("unknown granularity") << QJsonValue(with(QStringLiteral("granularity"), QStringLiteral("week")))
                                             << QStringLiteral("\"week\" is not a granularity");
        QTest::newRow("no range") << QJsonValue(without(QStringLiteral("until_ms"))) << QStringLiteral("its range (since_ms, until_ms) is missing or reversed");
        QTest::newRow("reversed range") << QJsonValue(with(QStringLiteral("until_ms"), kSince - kMinute))
                                        << QStringLiteral("its range (since_ms, until_ms) is missing or reversed");
        QTest::newRow("too many buckets") << QJsonValue(with(QStringLiteral("until_ms"), kSince + 60000.0 * kMinute))
                                          << QStringLiteral("60000 buckets are more than the admin API ever sends");
        QTest::newRow("between buckets") << QJsonValue(with(QStringLiteral("data"), QJsonArray{point(kSince + 1000, QStringLiteral("a"), 1)}))
                                         << QStringLiteral("point 0 is not at the start of a minute of the range");
        QTest::newRow("before the range") << QJsonValue(with(QStringLiteral("data"), QJsonArray{point(kSince, QStringLiteral("a"), 1), point(kSince - kMinute, QStringLiteral("a"), 1)}))
                                          << QStringLiteral("point 1 is not at the start of a minute of the range");
        QTest::newRow("a point not an object") << QJsonValue(with(QStringLiteral("data"), QJsonArray{QStringLiteral("gpt-4o")}))
                                               << QStringLiteral("point 0 is not at the start of a minute of the range");
        QTest::newRow("far outside") << QJsonValue(with(QStringLiteral("data"), QJsonArray{point(kSince + 80000 * kMinute, QStringLiteral("a"), 1)}))
                                     << QStringLiteral("point 0 lies far outside the range");
    }

    void answersThatAreNotASeriesAreRefused()
    {
        QFETCH(QJsonValue, body);
        QFETCH(QString, why);

        QVERIFY(m_model->setAnswer(fiveMinutes()));
        QCOMPARE(m_model->rowCount(), 2);
        QSignalSpy errorTextChanged(m_model.get(), &AnalyticsSeriesModel::errorTextChanged);
        QVERIFY(!m_model->setAnswer(body));
        QCOMPARE(m_model->errorText(), QStringLiteral("The admin API's series answer cannot be shown: ") + why);
        QCOMPARE(errorTextChanged.count(), 1);
        // What was shown before would look current: nothing is shown.
        QCOMPARE(m_model->rowCount(), 0);
        QVERIFY(!m_model->loaded());
        QCOMPARE(m_model->bucketCount(), 0);

        // The next good answer clears the reason.
        QVERIFY(m_model->setAnswer(fiveMinutes()));
        QCOMPARE(m_model->errorText(), QString());
        QCOMPARE(m_model->rowCount(), 2);
    }

    void aFailedRequestEmptiesTheModel()
    {
        QVERIFY(m_model->setAnswer(fiveMinutes()));
        m_model->fail(QStringLiteral("cannot connect to http://127.0.0.1:1: Connection refused"));
        QCOMPARE(m_model->rowCount(), 0);
        QVERIFY(!m_model->loaded());
        QCOMPARE(m_model->errorText(), QStringLiteral("cannot connect to http://127.0.0.1:1: Connection refused"));
        QLineSeries line;
        line.append(1, 1);
        QVERIFY(!m_model->fillLine(&line, 0));
        QCOMPARE(line.count(), 0);
    }

    void takesARealAnswerOfTheAdminApi()
    {
        using namespace gatehouse;
        auto config = test::mockGatewayWithAdminListener("mock-chat");
        config.models[0].deployments[0].price = TokenPrice{2.5, 10.0};
        test::RunningGateway gateway(std::move(config));
        const auto key = gateway.server().createKey("analytics-test");
        for (int i = 0; i < 3; ++i)
            QCOMPARE(gateway.client().postJson("/v1/chat/completions", kChatBody, key).status, 200);
        QCOMPARE(gateway.client().postJson("/v1/chat/completions", kUnknownModelBody, key).status, 404);
        gateway.server().settle(); // the calls are in the rollups

        InProcessAdminClient client([&gateway]() -> GatewayServer* { return &gateway.server(); });
        AdminReply reply;
        bool answered = false;
        client.send(QStringLiteral("GET"), QStringLiteral("/admin/v1/analytics/series?group_by=model"), {}, [&](const AdminReply& answer) {
            reply = answer;
            answered = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));

        m_model->setMetric(QStringLiteral("requests"));
        QVERIFY2(m_model->setAnswer(reply.body), qPrintable(m_model->errorText()));
        // The last 24 hours by default: hours, the first one whole.
        QCOMPARE(m_model->granularity(), QStringLiteral("hour"));
        QVERIFY2(m_model->bucketCount() == 24 || m_model->bucketCount() == 25, qPrintable(QString::number(m_model->bucketCount())));
        QCOMPARE(m_model->requests(), 4.0);
        QCOMPARE(m_model->errors(), 1.0);
        QCOMPARE(namesOf(*m_model), QStringList({QStringLiteral("mock-chat"), QStringLiteral("no-such-model")}));
        const QList<double> values = valuesOf(*m_model, 0);
        QCOMPARE(values.last(), 3.0); // this hour's
        QCOMPARE(std::accumulate(values.begin(), values.end(), 0.0), 3.0);

        m_model->setMetric(QStringLiteral("cost_usd"));
        QVERIFY2(m_model->total() > 0, "the mock's calls at a price cost something");
        m_model->setMetric(QStringLiteral("latency_p50_ms"));
        QVERIFY(m_model->value(0, m_model->bucketCount() - 1) >= 0);
    }

private:
    std::unique_ptr<AnalyticsSeriesModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(AnalyticsSeriesModelTest)
#include "AnalyticsSeriesModelTest.moc"
