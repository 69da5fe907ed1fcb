// ConfigPlanModel under QAbstractItemModelTester: a plan answer as rows (sign, action, kind, name,
// file, members, and the whole change as `item`), problems as "file:line:column: message", the
// summary and whether it was applied; answers that are not plans refused with the reason, never
// shown as an empty plan.
#include "ConfigPlanModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

QJsonObject change(const QString& action, const QString& kind, const QString& name, const QString& file, const QJsonArray& members = {})
{
    return {{"action", action}, {"kind", kind}, {"name", name}, {"file", file}, {"members", members}};
}

QJsonObject plan(const QJsonArray& changes, const QJsonArray& problems = {}, bool applied = false)
{
    return {{"applied", applied}, {"changes", changes}, {"problems", problems},
        {"summary", QJsonObject{{"create", 1}, {"update", 1}, {"delete", 2}}}};
}

QJsonObject problem(const QString& file, int line, int column, const QString& message)
{
    return {{"file", file}, {"line", line}, {"column", column}, {"message", message}};
}

} // namespace

class ConfigPlanModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<ConfigPlanModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void rows_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<QString>("sign");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("members");
        QTest::newRow("create") << 0 << "+" << "create" << "tenant" << "acme" << "tenants/acme.yaml" << "";
        QTest::newRow("update with members") << 1 << "~" << "update" << "model" << "meta/llama-3" << "models/meta%2Fllama-3.yaml"
                                             << "deployments, cache_ttl_seconds";
        QTest::newRow("delete") << 2 << "-" << "delete" << "consumer" << "acme/search" << "consumers/acme/search.yaml" << "";
        QTest::newRow("revoke") << 3 << "-" << "revoke" << "key" << "gk-abcd" << "keys/gk-abcd.yaml" << "";
    }
    void rows()
    {
        QFETCH(int, row);
        QVERIFY(m_model->setPlan(plan({change("create", "tenant", "acme", "tenants/acme.yaml"),
            change("update", "model", "meta/llama-3", "models/meta%2Fllama-3.yaml", {"deployments", "cache_ttl_seconds"}),
            change("delete", "consumer", "acme/search", "consumers/acme/search.yaml"), change("revoke", "key", "gk-abcd", "keys/gk-abcd.yaml")})));
        QCOMPARE(m_model->count(), 4);
        const QModelIndex index = m_model->index(row);
        QTEST(m_model->data(index, ConfigPlanModel::SignRole).toString(), "sign");
        QTEST(m_model->data(index, ConfigPlanModel::ActionRole).toString(), "action");
        QTEST(m_model->data(index, ConfigPlanModel::KindRole).toString(), "kind");
        QTEST(m_model->data(index, ConfigPlanModel::NameRole).toString(), "name");
        QTEST(m_model->data(index, ConfigPlanModel::FileRole).toString(), "file");
        QTEST(m_model->data(index, ConfigPlanModel::MembersRole).toString(), "members");
        // The whole change for AdminTable, with the file as its id.
        const QVariantMap item = m_model->data(index, ConfigPlanModel::ItemRole).toMap();
        QTEST(item.value("sign").toString(), "sign");
        QTEST(item.value("id").toString(), "file");
        QTEST(item.value("members").toString(), "members");
        QCOMPARE(m_model->get(row), item);
    }

    void problemsSummaryAndApplied()
    {
        QSignalSpy changed(m_model.get(), &ConfigPlanModel::planChanged);
        QVERIFY(m_model->setPlan(plan({}, {problem("models/m1.yaml", 3, 15, "deployments[0].provider: no provider named 'nope'"),
            problem("gatehouse-export.yaml", 0, 0, "the manifest is missing"), problem("", 0, 0, "prune needs a manifest")})));
        QCOMPARE(changed.count(), 1);
        QVERIFY(m_model->loaded());
        QCOMPARE(m_model->count(), 0);
        QCOMPARE(m_model->problems(), QStringList({"models/m1.yaml:3:15: deployments[0].provider: no provider named 'nope'",
                                          "gatehouse-export.yaml: the manifest is missing", "prune needs a manifest"}));
        QCOMPARE(m_model->summary().value("create").toInt(), 1);
        QCOMPARE(m_model->summary().value("delete").toInt(), 2);
        QVERIFY(!m_model->applied());

        QVERIFY(m_model->setPlan(plan({change("create", "tenant", "acme", "tenants/acme.yaml")}, {}, true)));
        QVERIFY(m_model->applied());
        QVERIFY(m_model->problems().isEmpty());
        QCOMPARE(m_model->count(), 1);
    }

    void answersThatAreNotPlans_data()
    {
        QTest::addColumn<QJsonObject>("answer");
        QTest::newRow("an error") << QJsonObject{{"error", QJsonObject{{"message", "forbidden"}}}};
        QTest::newRow("no problems list") << QJsonObject{{"changes", QJsonArray()}};
        QTest::newRow("a change without a file") << plan({change("create", "tenant", "acme", "")});
        QTest::newRow("a change without an action") << plan({change("", "tenant", "acme", "tenants/acme.yaml")});
    }
    void answersThatAreNotPlans()
    {
        QFETCH(QJsonObject, answer);
        QVERIFY(m_model->setPlan(plan({change("create", "tenant", "acme", "tenants/acme.yaml")})));
        QVERIFY(!m_model->setPlan(answer));
        QVERIFY(!m_model->loaded());
        QCOMPARE(m_model->count(), 0);
        QVERIFY(!m_model->invalidAnswer().isEmpty());
        QVERIFY(m_model->summary().isEmpty());

        m_model->clear();
        QVERIFY(m_model->invalidAnswer().isEmpty());
        QVERIFY(!m_model->loaded());
    }

private:
    std::unique_ptr<ConfigPlanModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(ConfigPlanModelTest)
#include "ConfigPlanModelTest.moc"
