// ProvidersModel: one row per configured provider with its kind, URL and credential reference (never
// the secret), and "Test connection" against a real in-process gateway: the mock answers, a closed
// port fails with the gateway's exact error, a provider no model uses fails at once.
#include "ProvidersModel.h"
#include "admin/AdminService.h"

#include "GatewayTestSupport.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

constexpr auto kSecret = "sk-secret-value";
constexpr int kResultTimeoutMs = 15000; // a bound, not a wait: each test returns as soon as the result is in

ProviderConfig mockProvider(std::string name)
{
    ProviderConfig provider;
    provider.name = std::move(name);
    provider.kind = ProviderKind::Mock;
    return provider;
}

// mock: the built-in provider. openai: a key given as env:OPENAI_API_KEY, its server down.
// local: openai-compatible without a key, down too. spare: no model is deployed on it.
GatewayConfig config(uint16_t downPort)
{
    GatewayConfig config;
    config.providers.push_back(mockProvider("mock"));
    auto openai = test::openAiCompatibleProvider("openai", {false, "127.0.0.1", downPort, "/v1"}, kSecret);
    openai.apiKeyReference = "env:OPENAI_API_KEY";
    config.providers.push_back(openai);
    config.providers.push_back(test::openAiCompatibleProvider("local", {false, "127.0.0.1", downPort, "/v1"}, ""));
    ProviderConfig spare;
    spare.name = "spare";
    spare.kind = ProviderKind::Anthropic;
    spare.baseUrl = {true, "api.anthropic.com", 443, "/v1"};
    config.providers.push_back(spare);

    config.models.push_back({"chat", {{"mock", "mock-chat-v1", 3}, {"openai", "gpt-4o-mini", 1}}});
    config.models.push_back({"gpt-4o", {{"openai", "gpt-4o", 1}}});
    config.models.push_back({"llama", {{"local", "llama3.1:8b", 1}}});
    return config;
}

QVariant roleOf(const ProvidersModel& model, int row, ProvidersModel::Role role)
{
    return model.data(model.index(row), role);
}

} // namespace

class ProvidersModelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_downPort = test::closedLoopbackPort();
        m_gateway = std::make_unique<test::RunningGateway>(config(m_downPort));
    }

    void init()
    {
        m_model = std::make_unique<ProvidersModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy countChanged(m_model.get(), &ProvidersModel::countChanged);
        m_model->setServer(&m_gateway->server());
        QCOMPARE(countChanged.count(), 1);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void cleanupTestCase()
    {
        m_gateway.reset();
    }

    void listsEveryProviderInConfigOrder()
    {
        QCOMPARE(m_model->count(), 4);
        QCOMPARE(m_model->rowCount(), 4);
        QStringList names;
        for (int row = 0; row < m_model->rowCount(); ++row)
            names.append(roleOf(*m_model, row, ProvidersModel::NameRole).toString());
        QCOMPARE(names, QStringList({"mock", "openai", "local", "spare"}));
    }

    void rolesDescribeEachProvider_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<QString>("credential");
        QTest::addColumn<QString>("models");
        QTest::addColumn<int>("modelCount");

        const QString down = QStringLiteral("http://127.0.0.1:%1/v1").arg(m_downPort);
        QTest::newRow("mock") << 0 << "mock" << "in-process" << "none" << "chat → mock-chat-v1" << 1;
        QTest::newRow("openai") << 1 << "openai-compatible" << down << "env:OPENAI_API_KEY" << "chat → gpt-4o-mini, gpt-4o" << 2;
        QTest::newRow("local") << 2 << "openai-compatible" << down << "none" << "llama → llama3.1:8b" << 1;
        QTest::newRow("spare") << 3 << "anthropic" << "https://api.anthropic.com:443/v1" << "none" << "" << 0;
    }

    void rolesDescribeEachProvider()
    {
        QFETCH(int, row);
        QFETCH(QString, kind);
        QFETCH(QString, baseUrl);
        QFETCH(QString, credential);
        QFETCH(QString, models);
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::KindRole).toString(), kind);
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::BaseUrlRole).toString(), baseUrl);
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::CredentialRole).toString(), credential);
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::ModelsRole).toString(), models);
        QFETCH(int, modelCount);
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::ModelCountRole).toInt(), modelCount);
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Untested));
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::HttpStatusRole).toInt(), 0);
        QCOMPARE(roleOf(*m_model, row, ProvidersModel::LatencyMsRole).toInt(), -1);
        QVERIFY(roleOf(*m_model, row, ProvidersModel::MessageRole).toString().isEmpty());
    }

    void roleNamesAreTheOnesQmlUses()
    {
        const auto names = m_model->roleNames();
        QCOMPARE(names.value(ProvidersModel::NameRole), QByteArray("name"));
        QCOMPARE(names.value(ProvidersModel::KindRole), QByteArray("kind"));
        QCOMPARE(names.value(ProvidersModel::BaseUrlRole), QByteArray("baseUrl"));
        QCOMPARE(names.value(ProvidersModel::CredentialRole), QByteArray("credential"));
        QCOMPARE(names.value(ProvidersModel::ModelsRole), QByteArray("models"));
        QCOMPARE(names.value(ProvidersModel::ModelCountRole), QByteArray("modelCount"));
        QCOMPARE(names.value(ProvidersModel::TestStateRole), QByteArray("testState"));
        QCOMPARE(names.value(ProvidersModel::HttpStatusRole), QByteArray("httpStatus"));
        QCOMPARE(names.value(ProvidersModel::LatencyMsRole), QByteArray("latencyMs"));
        QCOMPARE(names.value(ProvidersModel::MessageRole), QByteArray("message"));
        QCOMPARE(names.value(ProvidersModel::TestedModelRole), QByteArray("testedModel"));
        QCOMPARE(names.value(ProvidersModel::EditableRole), QByteArray("editable"));
        QCOMPARE(names.value(ProvidersModel::ProblemRole), QByteArray("problem"));
        QCOMPARE(names.size(), 13);
    }

    void providersAddedAtRunTimeAreEditableAndSayWhatIsWrong()
    {
        // A tested provider keeps its result when the page is refreshed after an admin change.
        QSignalSpy finished(m_model.get(), &ProvidersModel::testFinished);
        m_model->testConnection("mock");
        QVERIFY(finished.wait(10000));
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Succeeded));

        // Added through the admin API as the console does, with an env credential that is not set.
        auto& admin = m_gateway->server().adminService();
        const auto local = gatehouse::AdminCaller::local("console:test");
        const auto added = admin.respond({gatehouse::http::verb::post, "/admin/v1/providers",
            R"({"name":"team","kind":"openai","credential":{"source":"env","name":"GATEHOUSE_PROVIDERS_MODEL_TEST_UNSET"}})", local});
        QVERIFY2(added.status == 201, added.body.c_str());
        m_model->setServer(&m_gateway->server());
        QCOMPARE(m_model->count(), 5);
        QCOMPARE(roleOf(*m_model, 4, ProvidersModel::NameRole).toString(), QString("team"));
        QCOMPARE(roleOf(*m_model, 4, ProvidersModel::EditableRole).toBool(), true);
        QCOMPARE(roleOf(*m_model, 4, ProvidersModel::CredentialRole).toString(), QString("env:GATEHOUSE_PROVIDERS_MODEL_TEST_UNSET"));
        const auto problem = roleOf(*m_model, 4, ProvidersModel::ProblemRole).toString();
        QVERIFY2(problem.contains("GATEHOUSE_PROVIDERS_MODEL_TEST_UNSET"), qPrintable(problem));
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::EditableRole).toBool(), false); // the config file's
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Succeeded));
        QVERIFY(roleOf(*m_model, 0, ProvidersModel::ProblemRole).toString().isEmpty());
        QCOMPARE(admin.respond({gatehouse::http::verb::delete_, "/admin/v1/providers/team", "", local}).status, 200);
    }

    void noRoleEverReturnsTheSecret()
    {
        // Before and after a test of the provider that holds it.
        assertNoSecretAnywhere();
        QSignalSpy finished(m_model.get(), &ProvidersModel::testFinished);
        m_model->testConnection(QStringLiteral("openai"));
        QVERIFY(finished.wait(kResultTimeoutMs));
        assertNoSecretAnywhere();
    }

    void theMockProviderAnswers()
    {
        QSignalSpy finished(m_model.get(), &ProvidersModel::testFinished);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->testConnection(QStringLiteral("mock"));
        // The row shows the test at once; the answer comes back from a worker thread.
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Testing));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);

        QVERIFY(finished.wait(kResultTimeoutMs));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("mock"));
        QCOMPARE(finished.at(0).at(1).toBool(), true);
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Succeeded));
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::HttpStatusRole).toInt(), 200);
        QVERIFY(roleOf(*m_model, 0, ProvidersModel::LatencyMsRole).toInt() >= 0);
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::TestedModelRole).toString(), QStringLiteral("mock-chat-v1"));
        QVERIFY(!roleOf(*m_model, 0, ProvidersModel::MessageRole).toString().isEmpty());
    }

    void aClosedPortFailsWithTheGatewaysError()
    {
        QSignalSpy finished(m_model.get(), &ProvidersModel::testFinished);
        m_model->testConnection(QStringLiteral("local"));
        QCOMPARE(roleOf(*m_model, 2, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Testing));

        QVERIFY(finished.wait(kResultTimeoutMs));
        QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("local"));
        QCOMPARE(finished.at(0).at(1).toBool(), false);
        QCOMPARE(roleOf(*m_model, 2, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Failed));
        QCOMPARE(roleOf(*m_model, 2, ProvidersModel::HttpStatusRole).toInt(), 502);
        QCOMPARE(roleOf(*m_model, 2, ProvidersModel::TestedModelRole).toString(), QStringLiteral("llama3.1:8b"));
        const QString message = roleOf(*m_model, 2, ProvidersModel::MessageRole).toString();
        const QString expected = QStringLiteral("cannot connect to provider 'local' at http://127.0.0.1:%1/v1: ").arg(m_downPort);
        QVERIFY2(message.startsWith(expected), qPrintable(message));
        QVERIFY2(message.size() > expected.size(), qPrintable(message)); // and the reason
        // The other rows did not move.
        QCOMPARE(roleOf(*m_model, 0, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Untested));
    }

    void aProviderWithoutModelsFailsAtOnceWithTheReason()
    {
        QSignalSpy finished(m_model.get(), &ProvidersModel::testFinished);
        m_model->testConnection(QStringLiteral("spare"));
        QCOMPARE(finished.count(), 1); // no call was made, so no waiting
        QCOMPARE(finished.at(0).at(1).toBool(), false);
        QCOMPARE(roleOf(*m_model, 3, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Failed));
        QCOMPARE(roleOf(*m_model, 3, ProvidersModel::MessageRole).toString(),
            QStringLiteral("No model is deployed on provider 'spare': name a model to test it with."));
        QCOMPARE(roleOf(*m_model, 3, ProvidersModel::HttpStatusRole).toInt(), 0);
    }

    void anUnknownProviderIsIgnored()
    {
        QSignalSpy finished(m_model.get(), &ProvidersModel::testFinished);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->testConnection(QStringLiteral("no-such-provider"));
        QCOMPARE(finished.count(), 0);
        QCOMPARE(changed.count(), 0);
    }

    void aSecondPressWhileTestingStartsNoSecondTest()
    {
        QSignalSpy finished(m_model.get(), &ProvidersModel::testFinished);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->testConnection(QStringLiteral("mock"));
        m_model->testConnection(QStringLiteral("mock"));
        QCOMPARE(changed.count(), 1); // the second press changed nothing, so started nothing
        QVERIFY(finished.wait(kResultTimeoutMs));
        QCOMPARE(finished.count(), 1);
    }

    void withoutAServerTheListIsEmpty()
    {
        QSignalSpy countChanged(m_model.get(), &ProvidersModel::countChanged);
        m_model->setServer(nullptr);
        QCOMPARE(m_model->count(), 0);
        QCOMPARE(countChanged.count(), 1);
    }

    void aStoppedGatewayTestsNothing()
    {
        test::RunningGateway stopped(config(m_downPort));
        ProvidersModel model;
        model.setServer(&stopped.server());
        stopped.server().stop();
        QSignalSpy finished(&model, &ProvidersModel::testFinished);
        model.testConnection(QStringLiteral("mock"));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(roleOf(model, 0, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Failed));
        QCOMPARE(roleOf(model, 0, ProvidersModel::MessageRole).toString(), QStringLiteral("The gateway is not running."));
    }

    // A later test on the same provider and worker finishes after an earlier one: once the later
    // result is in, the earlier one has been delivered (or dropped) too. No sleeping, no guessing.
    void aModelGoneBeforeTheResultIsNotCalled()
    {
        // The console can close while a test runs: the worker must not post to a deleted model.
        auto model = std::make_unique<ProvidersModel>();
        model->setServer(&m_gateway->server());
        model->testConnection(QStringLiteral("mock"));
        model.reset();

        QSignalSpy later(m_model.get(), &ProvidersModel::testFinished);
        m_model->testConnection(QStringLiteral("mock"));
        QVERIFY(later.wait(kResultTimeoutMs));
        QCOMPARE(later.count(), 1);
    }

    void aResultFromAnEarlierServerIsDropped()
    {
        // After a restart the rows are new, even where a provider has the same name (and even if the
        // new server happened to be allocated where the old one was): the controller clears the
        // model before the old server goes.
        ProvidersModel model;
        model.setServer(&m_gateway->server());
        QSignalSpy finished(&model, &ProvidersModel::testFinished);
        model.testConnection(QStringLiteral("mock"));
        model.setServer(nullptr);
        model.setServer(&m_gateway->server());

        QSignalSpy later(m_model.get(), &ProvidersModel::testFinished);
        m_model->testConnection(QStringLiteral("mock"));
        QVERIFY(later.wait(kResultTimeoutMs));
        QCOMPARE(finished.count(), 0);
        QCOMPARE(roleOf(model, 0, ProvidersModel::TestStateRole).toInt(), int(ProvidersModel::Untested));
    }

private:
    void assertNoSecretAnywhere()
    {
        QList<int> roles = m_model->roleNames().keys();
        roles << Qt::DisplayRole << Qt::ToolTipRole;
        for (int row = 0; row < m_model->rowCount(); ++row) {
            for (const int role : roles) {
                const QString value = m_model->data(m_model->index(row), role).toString();
                QVERIFY2(!value.contains(QLatin1String(kSecret)), qPrintable(QStringLiteral("row %1 role %2: %3").arg(row).arg(role).arg(value)));
            }
        }
    }

    uint16_t m_downPort = 0;
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<ProvidersModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(ProvidersModelTest)
#include "ProvidersModelTest.moc"
