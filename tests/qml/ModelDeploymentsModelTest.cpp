// ModelDeploymentsModel: one row per deployment, grouped by model, with each deployment's share.
#include "ModelDeploymentsModel.h"

#include "config/GatewayConfig.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace gatehouse;

namespace {

GatewayConfig config()
{
    GatewayConfig config;
    config.models.push_back({"chat", {{"mock", "mock-chat-v1", 3}, {"openai", "gpt-4o-mini", 1}}});
    config.models.push_back({"gpt-4o", {{"openai", "gpt-4o", 1}}});
    config.models.push_back({"thirds", {{"a", "m", 1}, {"b", "m", 1}, {"c", "m", 1}}});
    return config;
}

} // namespace

class ModelDeploymentsModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<ModelDeploymentsModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void emptyUntilConfigured()
    {
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->modelCount(), 0);
    }

    void countsModelsAndDeployments()
    {
        QSignalSpy countChanged(m_model.get(), &ModelDeploymentsModel::countChanged);
        m_model->setConfig(config());
        QCOMPARE(countChanged.count(), 1);
        QCOMPARE(m_model->rowCount(), 6);
        QCOMPARE(m_model->count(), 6);
        QCOMPARE(m_model->modelCount(), 3);

        m_model->clear();
        QCOMPARE(countChanged.count(), 2);
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->modelCount(), 0);
    }

    void eachRowIsOneDeployment_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("upstreamModel");
        QTest::addColumn<int>("weight");
        QTest::addColumn<double>("share");
        QTest::addColumn<bool>("firstOfModel");

        QTest::newRow("chat on mock") << 0 << "chat" << "mock" << "mock-chat-v1" << 3 << 75.0 << true;
        QTest::newRow("chat on openai") << 1 << "chat" << "openai" << "gpt-4o-mini" << 1 << 25.0 << false;
        QTest::newRow("gpt-4o") << 2 << "gpt-4o" << "openai" << "gpt-4o" << 1 << 100.0 << true;
        QTest::newRow("a third") << 3 << "thirds" << "a" << "m" << 1 << 100.0 / 3 << true;
        QTest::newRow("the last third") << 5 << "thirds" << "c" << "m" << 1 << 100.0 / 3 << false;
    }

    void eachRowIsOneDeployment()
    {
        QFETCH(int, row);
        QFETCH(QString, model);
        QFETCH(QString, provider);
        QFETCH(QString, upstreamModel);
        QFETCH(int, weight);
        QFETCH(double, share);
        QFETCH(bool, firstOfModel);

        m_model->setConfig(config());
        const auto index = m_model->index(row);
        QCOMPARE(index.data(ModelDeploymentsModel::ModelRole).toString(), model);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), model);
        QCOMPARE(index.data(ModelDeploymentsModel::ProviderRole).toString(), provider);
        QCOMPARE(index.data(ModelDeploymentsModel::UpstreamModelRole).toString(), upstreamModel);
        QCOMPARE(index.data(ModelDeploymentsModel::WeightRole).toInt(), weight);
        QCOMPARE(index.data(ModelDeploymentsModel::SharePercentRole).toDouble(), share);
        QCOMPARE(index.data(ModelDeploymentsModel::FirstOfModelRole).toBool(), firstOfModel);
    }

    void roleNamesAreTheOnesQmlUses()
    {
        const auto names = m_model->roleNames();
        QCOMPARE(names.value(ModelDeploymentsModel::ModelRole), QByteArray("model"));
        QCOMPARE(names.value(ModelDeploymentsModel::ProviderRole), QByteArray("provider"));
        QCOMPARE(names.value(ModelDeploymentsModel::UpstreamModelRole), QByteArray("upstreamModel"));
        QCOMPARE(names.value(ModelDeploymentsModel::WeightRole), QByteArray("weight"));
        QCOMPARE(names.value(ModelDeploymentsModel::SharePercentRole), QByteArray("sharePercent"));
        QCOMPARE(names.value(ModelDeploymentsModel::FirstOfModelRole), QByteArray("firstOfModel"));
        QCOMPARE(names.size(), 6);
    }

private:
    std::unique_ptr<ModelDeploymentsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(ModelDeploymentsModelTest)
#include "ModelDeploymentsModelTest.moc"
