// PromptVariablesModel under QAbstractItemModelTester: the rows in order of first use then the unused
// declarations, undeclared and unused variables, rows inserted and removed (not reset) while
// placeholders are typed, declarations edited, defaults read by type, and the body's `variables`.
#include "PromptVariablesModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

QVariantMap message(const QString& role, const QString& content)
{
    return {{QStringLiteral("role"), role}, {QStringLiteral("content"), content}};
}

QVariantList messages(std::initializer_list<QString> contents)
{
    QVariantList list;
    for (const QString& content : contents)
        list.append(message(QStringLiteral("user"), content));
    return list;
}

QVariantMap variable(const QString& name, const QString& type = QStringLiteral("string"), const QVariant& defaultValue = {},
    bool required = true)
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("type"), type}, {QStringLiteral("required"), required},
        {QStringLiteral("default"), defaultValue.isValid() ? defaultValue : QVariant::fromValue(nullptr)},
        {QStringLiteral("description"), QString()}};
}

} // namespace

class PromptVariablesModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<PromptVariablesModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void rowsFollowFirstUseThenUnusedDeclarations()
    {
        m_model->setVariables({variable("old"), variable("topic"), variable("audience", "string", "engineers", false), variable("text")});
        m_model->setMessages({message("system", "You summarise {{topic}} for {{ audience }}."), message("user", "{{text}}\n{{topic}}")});
        QCOMPARE(m_model->placeholders(), QStringList({"topic", "audience", "text"}));
        QCOMPARE(names(), QStringList({"topic", "audience", "text", "old"}));
        QCOMPARE(column("status"), QVariantList({"declared", "declared", "declared", "unused"}));
        QCOMPARE(column("firstUse"), QVariantList({0, 0, 1, -1}));
        QCOMPARE(column("used"), QVariantList({true, true, true, false}));
        QCOMPARE(m_model->get(1).value("defaultText").toString(), QStringLiteral("engineers"));
        QCOMPARE(m_model->get(1).value("required").toBool(), false);
        QCOMPARE(m_model->unusedCount(), 1);
        QCOMPARE(m_model->undeclaredCount(), 0);
    }

    void anUndeclaredPlaceholderIsFlaggedUntilDeclared()
    {
        m_model->setVariables({variable("text")});
        m_model->setMessages(messages({"{{text}} and {{question}}"}));
        QCOMPARE(names(), QStringList({"text", "question"}));
        QCOMPARE(m_model->get(1).value("status").toString(), QStringLiteral("undeclared"));
        QCOMPARE(m_model->get(1).value("declared").toBool(), false);
        QCOMPARE(m_model->undeclaredCount(), 1);
        QCOMPARE(m_model->variables().size(), 1); // the body has only what is declared
        QVERIFY(!m_model->setField(QStringLiteral("question"), QStringLiteral("type"), QStringLiteral("integer")));

        QSignalSpy dataChanged(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy states(m_model.get(), &PromptVariablesModel::statesChanged);
        m_model->declare(QStringLiteral("question"));
        QCOMPARE(dataChanged.count(), 1);
        QCOMPARE(states.count(), 1);
        QCOMPARE(m_model->get(1).value("status").toString(), QStringLiteral("declared"));
        QCOMPARE(m_model->undeclaredCount(), 0);
        const QVariantMap declared = m_model->variables().at(1).toMap();
        QCOMPARE(declared, QVariantMap({{"name", "question"}, {"type", "string"}, {"required", true}, {"description", ""}}));
    }

    void rowsAreInsertedAndRemovedWhileTyping()
    {
        m_model->setVariables({variable("a"), variable("b")});
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy count(m_model.get(), &PromptVariablesModel::countChanged);

        m_model->setMessages(messages({"{{a}} {{c"})); // c is not a placeholder until closed
        QCOMPARE(names(), QStringList({"a", "b"}));
        m_model->setMessages(messages({"{{a}} {{c}}"}));
        QCOMPARE(names(), QStringList({"a", "c", "b"}));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 1);
        m_model->setMessages(messages({"{{a}}"})); // c goes; b stays, declared
        QCOMPARE(names(), QStringList({"a", "b"}));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(count.count(), 2);

        // b used before a: the order of rows changes, which is a reset.
        m_model->setMessages(messages({"{{b}} then {{a}}"}));
        QCOMPARE(names(), QStringList({"b", "a"}));
        QCOMPARE(reset.count(), 1);
        QCOMPARE(count.count(), 2);
    }

    void escapedAndMalformedPlaceholdersAreNotVariables()
    {
        m_model->setMessages(messages({"\\{{x}} {{ 1y }} {{a b}} {{z", "{{ok}}"}));
        QCOMPARE(names(), QStringList({"ok"}));
        QCOMPARE(m_model->get(0).value("firstUse").toInt(), 1);
    }

    void declarationsAreEdited()
    {
        m_model->setMessages(messages({"{{n}} {{flag}} {{data}} {{name}}"}));
        for (const char* name : {"n", "flag", "data", "name"})
            m_model->declare(QString::fromLatin1(name));
        QSignalSpy variablesChanged(m_model.get(), &PromptVariablesModel::variablesChanged);
        QVERIFY(m_model->setField("n", "type", "integer"));
        QVERIFY(m_model->setField("n", "default", "3.0"));
        QVERIFY(m_model->get(0).value("problem").toString().contains(QStringLiteral("without a decimal point")));
        QCOMPARE(m_model->problemCount(), 1);
        // Sent as typed, for the gateway to name it.
        QCOMPARE(m_model->variables().at(0).toMap().value("default"), QVariant(QStringLiteral("3.0")));
        QVERIFY(m_model->setField("n", "default", "3"));
        QCOMPARE(m_model->problemCount(), 0);
        QCOMPARE(m_model->variables().at(0).toMap().value("default").toDouble(), 3.0);

        QVERIFY(m_model->setField("flag", "type", "boolean"));
        QVERIFY(m_model->setField("flag", "default", "true"));
        QVERIFY(m_model->setField("flag", "required", false));
        QCOMPARE(m_model->variables().at(1).toMap().value("default"), QVariant(true));
        QCOMPARE(m_model->variables().at(1).toMap().value("required"), QVariant(false));
        QVERIFY(m_model->setField("data", "type", "json"));
        QVERIFY(m_model->setField("data", "default", "{\"a\": [1, 2]}"));
        QCOMPARE(m_model->variables().at(2).toMap().value("default").toMap().value("a").toList().size(), 2);
        QVERIFY(m_model->setField("name", "description", "who is asking"));
        QVERIFY(m_model->setField("name", "default", ""));
        QVERIFY(!m_model->variables().at(3).toMap().contains("default")); // empty: no default
        QCOMPARE(m_model->variables().at(3).toMap().value("description").toString(), QStringLiteral("who is asking"));
        QVERIFY(!m_model->setField("name", "colour", "red"));
        QCOMPARE(variablesChanged.count(), 10);
    }

    void defaultsAreShownAsTyped_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("string") << "string" << QVariant("engineers") << "engineers";
        QTest::newRow("string of digits") << "string" << QVariant("42") << "42";
        QTest::newRow("number") << "number" << QVariant(2.5) << "2.5";
        QTest::newRow("integer") << "integer" << QVariant(3) << "3";
        QTest::newRow("boolean") << "boolean" << QVariant(false) << "false";
        QTest::newRow("json") << "json" << QVariant(QVariantMap{{"a", QVariantList{1, 2}}}) << "{\"a\":[1,2]}";
        QTest::newRow("json string") << "json" << QVariant("Ada") << "\"Ada\"";
        QTest::newRow("none") << "string" << QVariant() << "";
    }
    void defaultsAreShownAsTyped()
    {
        QFETCH(QString, type);
        QFETCH(QVariant, value);
        QFETCH(QString, text);
        m_model->setVariables({variable("v", type, value)});
        QCOMPARE(m_model->get(0).value("defaultText").toString(), text);
        QCOMPARE(m_model->get(0).value("problem").toString(), QString());
    }

    void removingADeclaration()
    {
        m_model->setVariables({variable("used"), variable("spare")});
        m_model->setMessages(messages({"{{used}}"}));
        QCOMPARE(names(), QStringList({"used", "spare"}));
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        m_model->remove(QStringLiteral("spare"));
        QCOMPARE(names(), QStringList({"used"}));
        QCOMPARE(removed.count(), 1);
        m_model->remove(QStringLiteral("used")); // still used: its row stays, undeclared
        QCOMPARE(names(), QStringList({"used"}));
        QCOMPARE(m_model->get(0).value("status").toString(), QStringLiteral("undeclared"));
        QVERIFY(m_model->variables().isEmpty());
    }

private:
    QStringList names() const
    {
        QStringList list;
        for (int row = 0; row < m_model->rowCount(); ++row)
            list << m_model->get(row).value("name").toString();
        return list;
    }
    QVariantList column(const char* role) const
    {
        QVariantList list;
        for (int row = 0; row < m_model->rowCount(); ++row)
            list << m_model->get(row).value(QString::fromLatin1(role));
        return list;
    }

    std::unique_ptr<PromptVariablesModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(PromptVariablesModelTest)
#include "PromptVariablesModelTest.moc"
