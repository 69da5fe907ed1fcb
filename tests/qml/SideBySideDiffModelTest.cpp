// SideBySideDiffModel under QAbstractItemModelTester: removed and added runs paired row by row with
// their line numbers, unchanged runs folded around changes, added, removed and unchanged messages,
// a role change, the changed fields as text, and answers it refuses.
#include "SideBySideDiffModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

// "-b" → {op "-", text "b"}.
QJsonArray lines(std::initializer_list<const char*> texts)
{
    QJsonArray array;
    for (const char* text : texts)
        array.append(QJsonObject{{"op", QString(QChar::fromLatin1(text[0]))}, {"text", QString::fromUtf8(text + 1)}});
    return array;
}

QJsonValue content(const QString& role, const QString& text)
{
    return QJsonObject{{"role", role}, {"content", text}};
}

QJsonObject answer(const QJsonArray& messages, const QJsonArray& changes = {})
{
    return {{"from", 1}, {"to", 2}, {"changes", changes}, {"messages", messages}};
}

QJsonObject messageDiff(int index, const QJsonValue& from, const QJsonValue& to, const QJsonArray& lineList)
{
    return {{"index", index}, {"from", from}, {"to", to}, {"changed", true}, {"lines", lineList}};
}

} // namespace

class SideBySideDiffModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<SideBySideDiffModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void removedAndAddedRunsArePairedRowByRow()
    {
        QSignalSpy changed(m_model.get(), &SideBySideDiffModel::answerChanged);
        m_model->setAnswer(answer({messageDiff(0, content("system", "x"), content("system", "y"), lines({" a", "-b", "-c", "+B", " d", "+e"}))}));
        QCOMPARE(changed.count(), 1);
        QVERIFY(m_model->loaded());
        QCOMPARE(m_model->errorText(), QString());
        QCOMPARE(m_model->fromVersion(), 1);
        QCOMPARE(m_model->toVersion(), 2);
        QCOMPARE(m_model->removedLines(), 2);
        QCOMPARE(m_model->addedLines(), 2);
        QCOMPARE(rows(), QStringList({"message Message 1 · system changed", "1 a | 1 a", "2-b | 2+B", "3-c | ", "4 d | 3 d", " | 4+e"}));
    }

    void unchangedRunsAreFoldedAroundChanges()
    {
        std::vector<QByteArray> texts;
        for (int i = 1; i <= 20; ++i)
            texts.push_back(i == 11 ? QByteArray("-k") : " line " + QByteArray::number(i));
        texts.insert(texts.begin() + 11, QByteArray("+K"));
        QJsonArray lineList;
        for (const QByteArray& text : texts)
            lineList.append(QJsonObject{{"op", QString(QChar::fromLatin1(text[0]))}, {"text", QString::fromUtf8(text.mid(1))}});
        const QJsonObject diff = answer({messageDiff(0, content("user", ""), content("user", ""), lineList)});
        m_model->setAnswer(diff);
        QCOMPARE(rows(), QStringList({"message Message 1 · user changed", "gap 7 from 1", "8 line 8 | 8 line 8", "9 line 9 | 9 line 9",
            "10 line 10 | 10 line 10", "11-k | 11+K", "12 line 12 | 12 line 12", "13 line 13 | 13 line 13", "14 line 14 | 14 line 14",
            "gap 6 from 15"}));
        QSignalSpy changed(m_model.get(), &SideBySideDiffModel::answerChanged);
        m_model->setContext(-1); // every line
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_model->rowCount(), 21);
        m_model->setContext(0);
        QCOMPARE(rows(), QStringList({"message Message 1 · user changed", "gap 10 from 1", "11-k | 11+K", "gap 9 from 12"}));
    }

    void messagesAddedRemovedAndUnchanged()
    {
        m_model->setAnswer(answer({
            messageDiff(0, content("system", "same"), content("system", "same"), lines({" same"})),
            messageDiff(1, content("system", "a"), content("user", "a"), lines({" a"})),
            messageDiff(2, QJsonValue::Null, content("user", "new\nlines"), lines({"+new", "+lines"})),
            messageDiff(3, content("assistant", "old"), QJsonValue::Null, lines({"-old"})),
        }));
        QCOMPARE(rows(), QStringList({"message Message 1 · system unchanged", "gap 1 from 1", "message Message 2 · system → user changed",
            "gap 1 from 1", "message Message 3 · user · added added", " | 1+new", " | 2+lines", "message Message 4 · assistant · removed removed",
            "1-old | "}));
    }

    void changedFieldsAreText()
    {
        m_model->setAnswer(answer({}, {QJsonObject{{"field", "model"}, {"from", "gpt-4o"}, {"to", "gpt-4o-mini"}},
                                         QJsonObject{{"field", "parameters"}, {"from", QJsonObject{{"temperature", 0.2}}}, {"to", QJsonObject{}}},
                                         QJsonObject{{"field", "note"}, {"from", QJsonValue::Null}, {"to", "😀 shorter"}},
                                         QJsonObject{{"field", "variables"},
                                             {"from", QJsonArray{QJsonObject{{"name", "topic"}, {"type", "string"}, {"required", true}, {"default", QJsonValue::Null}}}},
                                             {"to", QJsonArray{QJsonObject{{"name", "topic"}}, QJsonObject{{"name", "count"}, {"type", "integer"}},
                                                        QJsonObject{{"name", "lang"}, {"required", false}, {"default", "en"}},
                                                        QJsonObject{{"name", "ctx"}, {"type", "json"}, {"required", false}, {"default", QJsonArray{}}}}}}}));
        QCOMPARE(m_model->rowCount(), 0);
        const QVariantList changes = m_model->changes();
        QCOMPARE(changes.size(), 4);
        QCOMPARE(changes[3].toMap().value("fromText").toString(), QStringLiteral("topic"));
        QCOMPARE(changes[3].toMap().value("toText").toString(), QStringLiteral("topic, count: integer, lang? = \"en\", ctx: json? = []"));
        QCOMPARE(changes[0].toMap(), QVariantMap({{"field", "model"}, {"fromText", "gpt-4o"}, {"toText", "gpt-4o-mini"}}));
        QCOMPARE(changes[1].toMap().value("fromText").toString(), QStringLiteral("{\"temperature\":0.2}"));
        QCOMPARE(changes[1].toMap().value("toText").toString(), QStringLiteral("{}"));
        QCOMPARE(changes[2].toMap().value("fromText").toString(), QString());
        QCOMPARE(changes[2].toMap().value("toText").toString(), QStringLiteral("😀 shorter"));
    }

    void brokenAnswersAreRefused_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("error");
        QTest::newRow("no messages") << QJsonObject{{"from", 1}} << "it has no \"messages\" list";
        QTest::newRow("a message without lines") << answer({QJsonObject{{"index", 0}}}) << "a message is not an object";
        QTest::newRow("a message that is text") << answer({QJsonValue("hi")}) << "a message is not an object";
        QTest::newRow("an unknown op") << answer({messageDiff(0, content("user", ""), content("user", ""), lines({"?x"}))})
                                       << "a message is not an object";
        QTest::newRow("no index") << QJsonObject{{"messages", QJsonArray{QJsonObject{{"lines", QJsonArray{}}}}}}
                                  << "a message is not an object";
    }
    void brokenAnswersAreRefused()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, error);
        m_model->setAnswer(answer({messageDiff(0, content("user", "a"), content("user", "b"), lines({"-a", "+b"}))}));
        QCOMPARE(m_model->rowCount(), 2);
        m_model->setAnswer(body);
        QCOMPARE(m_model->rowCount(), 0);
        QVERIFY(!m_model->loaded());
        QCOMPARE(m_model->addedLines(), 0);
        QVERIFY2(m_model->errorText().startsWith(QStringLiteral("The admin API's diff answer cannot be shown: ") + error),
            qPrintable(m_model->errorText()));
        m_model->clear();
        QCOMPARE(m_model->errorText(), QString());
    }

private:
    // Each row in words: "message <title> <state>", "gap <hidden> from <left line>", or
    // "<left line><op><text> | <right line><op><text>" (the op " " is a space).
    QStringList rows() const
    {
        QStringList list;
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QVariantMap r = m_model->get(row);
            const QString kind = r.value("kind").toString();
            if (kind == QLatin1String("message")) {
                list << QStringLiteral("message %1 %2").arg(r.value("title").toString(), r.value("messageState").toString());
            } else if (kind == QLatin1String("gap")) {
                list << QStringLiteral("gap %1 from %2").arg(r.value("hidden").toInt()).arg(r.value("leftLine").toInt());
            } else {
                const auto side = [&](const char* which) {
                    const QString op = r.value(QStringLiteral("%1Op").arg(QLatin1String(which))).toString();
                    if (op.isEmpty())
                        return QString();
                    return QString::number(r.value(QStringLiteral("%1Line").arg(QLatin1String(which))).toInt()) + op
                        + r.value(QStringLiteral("%1Text").arg(QLatin1String(which))).toString();
                };
                list << side("left") + QStringLiteral(" | ") + side("right");
            }
        }
        return list;
    }

    std::unique_ptr<SideBySideDiffModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(SideBySideDiffModelTest)
#include "SideBySideDiffModelTest.moc"
