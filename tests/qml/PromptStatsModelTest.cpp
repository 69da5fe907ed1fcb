// PromptStatsModel under QAbstractItemModelTester: a row per version from the API's version rows with
// the labels their calls came through, labels' rows summed when a version has no row of its own,
// versions without calls, the bars' maxima, and answers it refuses.
#include "PromptStatsModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>

namespace {

QJsonObject row(int version, const QJsonValue& label, int requests, int errors, double costUsd, double p95, int feedbackCount = 0,
    double feedbackMean = 0, double meanMs = 0)
{
    return {{"version", version}, {"label", label}, {"requests", requests}, {"errors", errors},
        {"error_rate", requests ? QJsonValue(double(errors) / requests) : QJsonValue()}, {"prompt_tokens", requests * 300},
        {"completion_tokens", requests * 80}, {"cost_usd", costUsd}, {"latency_mean_ms", requests ? QJsonValue(meanMs) : QJsonValue()},
        {"latency_p50_ms", requests ? QJsonValue(p95 / 2) : QJsonValue()}, {"latency_p95_ms", requests ? QJsonValue(p95) : QJsonValue()},
        {"feedback_count", feedbackCount}, {"feedback_mean", feedbackCount ? QJsonValue(feedbackMean) : QJsonValue()}};
}

} // namespace

class PromptStatsModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<PromptStatsModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void aRowPerVersionFromItsOwnRow()
    {
        QSignalSpy changed(m_model.get(), &PromptStatsModel::answerChanged);
        m_model->setAnswer({{"data", QJsonArray{
            row(1, QJsonValue::Null, 1200, 12, 2.4, 1800, 40, 0.8, 900),
            row(1, "production", 1200, 12, 2.4, 1800, 40, 0.8, 900),
            row(2, QJsonValue::Null, 150, 6, 0.15, 2400, 3, -1, 600),
            row(2, "production", 100, 5, 0.10, 2300),
            row(2, "staging", 30, 1, 0.03, 2500),
            row(2, "canary", 0, 0, 0, 0),
        }}});
        QCOMPARE(changed.count(), 1);
        QVERIFY(m_model->loaded());
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(m_model->requests(), 1350.0);
        const QVariantMap v1 = m_model->get(0);
        QCOMPARE(v1.value("version").toInt(), 1);
        QCOMPARE(v1.value("labels").toString(), QStringLiteral("production"));
        QCOMPARE(v1.value("requests").toDouble(), 1200.0);
        QCOMPARE(v1.value("errorRate").toDouble(), 0.01);
        QCOMPARE(v1.value("latencyP95").toDouble(), 1800.0);
        QCOMPARE(v1.value("p95OfSeveral").toBool(), false);
        QCOMPARE(v1.value("costPerCall").toDouble(), 0.002);
        QCOMPARE(v1.value("feedbackMean").toDouble(), 0.8);
        QCOMPARE(v1.value("latencyMean").toDouble(), 900.0);
        QCOMPARE(v1.value("promptTokens").toDouble(), 360000.0);
        const QVariantMap v2 = m_model->get(1);
        // 20 calls named the version; the canary label had none.
        QCOMPARE(v2.value("labels").toString(), QStringLiteral("production, staging, by number"));
        QCOMPARE(v2.value("errorRate").toDouble(), 0.04);
        QCOMPARE(v2.value("latencyP95").toDouble(), 2400.0); // the version's own, not its labels'
        QCOMPARE(v2.value("feedbackMean").toDouble(), -1.0);
        QCOMPARE(m_model->maxOf("errorRate"), 0.04);
        QCOMPARE(m_model->maxOf("requests"), 1200.0);
        QCOMPARE(m_model->maxOf("feedbackMean"), 1.0); // the largest size: a bar of -1 is as long as one of 1
        QCOMPARE(m_model->maxOf("nothing"), 0.0);
    }

    void labelsRowsAreSummedWithoutAVersionRow()
    {
        m_model->setAnswer({{"data", QJsonArray{
            row(3, "production", 90, 9, 0.9, 1000, 10, 1.0, 500),
            row(3, "staging", 10, 0, 0.1, 3000, 30, 0.0, 1500),
        }}});
        QCOMPARE(m_model->rowCount(), 1);
        const QVariantMap v3 = m_model->get(0);
        QCOMPARE(v3.value("labels").toString(), QStringLiteral("production, staging"));
        QCOMPARE(v3.value("requests").toDouble(), 100.0);
        QCOMPARE(v3.value("errors").toDouble(), 9.0);
        QCOMPARE(v3.value("errorRate").toDouble(), 0.09);
        QCOMPARE(v3.value("costUsd").toDouble(), 1.0);
        QCOMPARE(v3.value("latencyMean").toDouble(), 600.0); // weighted by requests
        QCOMPARE(v3.value("latencyP95").toDouble(), 3000.0); // the highest
        QCOMPARE(v3.value("p95OfSeveral").toBool(), true);
        QCOMPARE(v3.value("feedbackCount").toDouble(), 40.0);
        QCOMPARE(v3.value("feedbackMean").toDouble(), 0.25); // weighted by entries
    }

    void everyVersionHasARow()
    {
        m_model->setVersions({1, 2, 3});
        QCOMPARE(m_model->rowCount(), 3); // before any answer
        m_model->setAnswer({{"data", QJsonArray{row(2, QJsonValue::Null, 5, 0, 0, 100)}}});
        QCOMPARE(m_model->rowCount(), 3);
        const QVariantMap v1 = m_model->get(0);
        QCOMPARE(v1.value("requests").toDouble(), 0.0);
        QVERIFY(std::isnan(v1.value("errorRate").toDouble()));
        QVERIFY(std::isnan(v1.value("latencyP95").toDouble()));
        QVERIFY(std::isnan(v1.value("costPerCall").toDouble()));
        QVERIFY(std::isnan(v1.value("feedbackMean").toDouble()));
        QCOMPARE(m_model->get(1).value("requests").toDouble(), 5.0);
        QCOMPARE(m_model->get(1).value("labels").toString(), QStringLiteral("by number"));
        // A version the prompt no longer lists still shows while the answer has it.
        m_model->setVersions({1});
        QCOMPARE(m_model->rowCount(), 2);
    }

    void brokenAnswersAreRefused_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("error");
        QTest::newRow("no data") << QJsonObject{{"rows", QJsonArray{}}} << "it has no \"data\" list.";
        QTest::newRow("a row without a version") << QJsonObject{{"data", QJsonArray{QJsonObject{{"requests", 3}}}}}
                                                 << "a row has no version number.";
        QTest::newRow("a row that is a number") << QJsonObject{{"data", QJsonArray{3}}} << "a row has no version number.";
    }
    void brokenAnswersAreRefused()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, error);
        m_model->setAnswer({{"data", QJsonArray{row(1, QJsonValue::Null, 5, 0, 0, 100)}}});
        QCOMPARE(m_model->rowCount(), 1);
        m_model->setAnswer(body);
        QCOMPARE(m_model->rowCount(), 0);
        QVERIFY(!m_model->loaded());
        QCOMPARE(m_model->errorText(), QStringLiteral("The admin API's stats answer cannot be shown: ") + error);
        m_model->clear();
        QCOMPARE(m_model->errorText(), QString());
    }

private:
    std::unique_ptr<PromptStatsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(PromptStatsModelTest)
#include "PromptStatsModelTest.moc"
