// The diff of two prompt versions: line diffs by longest common subsequence (kept, removed, added;
// removals first), the bound on the matching table, the fields that differ, and messages that only
// one version has.
#include "prompts/PromptDiff.h"

#include <QtTest>

using namespace gatehouse;

namespace {

// "a|b|c" is the text of three lines: keeps the test data on one line each.
std::string text(const QString& bars)
{
    return QString(bars).replace('|', '\n').toStdString();
}

// The diff as " a|-b|+c": each line's op and text, joined by '|'.
QString shown(const std::vector<DiffLine>& lines)
{
    QStringList parts;
    for (const auto& line : lines)
        parts << QString(QChar(line.op)) + QString::fromStdString(line.text);
    return parts.join('|');
}

std::string numberedLines(int count, const std::string& prefix)
{
    std::string lines;
    for (int i = 0; i < count; ++i)
        lines += prefix + std::to_string(i) + '\n';
    return lines;
}

// `count` numbered lines, a line "same", `count` more, between the lines "head" and "tail".
std::string bracketed(int count, const std::string& prefix)
{
    return "head\n" + numberedLines(count, prefix) + "same\n" + numberedLines(count, prefix + "2 ") + "tail";
}

PromptVersion version(int64_t number, std::vector<PromptMessage> messages)
{
    PromptVersion made;
    made.version = number;
    made.model = "gpt-4o";
    made.messages = std::move(messages);
    made.parameters = Json{{"temperature", 0.2}};
    made.note = "first";
    return made;
}

} // namespace

class PromptDiffTest : public QObject {
    Q_OBJECT

private slots:
    void linesAreMatchedByTheLongestCommonSubsequence_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("diff");
        QTest::newRow("same") << "a|b" << "a|b" << " a| b";
        QTest::newRow("one line changed") << "a|b|c" << "a|x|c" << " a|-b|+x| c";
        QTest::newRow("a line added") << "a|c" << "a|b|c" << " a|+b| c";
        QTest::newRow("a line removed") << "a|b|c" << "a|c" << " a|-b| c";
        QTest::newRow("subsequence in the middle") << "a|b|c|d" << "b|d|e" << "-a| b|-c| d|+e";
        QTest::newRow("nothing in common") << "a|b" << "c" << "-a|-b|+c";
        QTest::newRow("moved line") << "a|b|c" << "c|a|b" << "+c| a| b|-c";
        QTest::newRow("empty text is one empty line") << "" << "a" << "-|+a";
        QTest::newRow("trailing newline") << "a|" << "a" << " a|-";
        QTest::newRow("repeated lines") << "x|x|y" << "x|y|x|y" << " x|+y| x| y";
    }

    void linesAreMatchedByTheLongestCommonSubsequence()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, diff);
        QCOMPARE(shown(diffLines(text(from), text(to))), diff);
    }

    void aLargeMiddleIsRemovedThenAddedWithoutMatching()
    {
        // 1600 × 1600 lines between a shared first and last line pass the table's bound.
        QVERIFY(3201u * 3201u > kMaxLineDiffCells);
        const auto lines = diffLines(bracketed(1600, "old "), bracketed(1600, "new "));
        QCOMPARE(lines.size(), std::size_t(1 + 3201 + 3201 + 1));
        QCOMPARE(lines.front().op, ' ');
        QCOMPARE(lines.back().op, ' ');
        QCOMPARE(lines[1].op, '-');
        QCOMPARE(lines[3201].op, '-'); // "same" is not matched in an unmatched middle
        QCOMPARE(lines[3202].op, '+');

        // Under the bound the same shape is matched: "same" is kept.
        const auto small = diffLines(bracketed(100, "old "), bracketed(100, "new "));
        QCOMPARE(std::count_if(small.begin(), small.end(), [](const DiffLine& line) { return line.op == ' '; }), 3);
    }

    void onlyTheFieldsThatDifferAreListed()
    {
        auto from = version(1, {{"system", "You are terse."}});
        auto to = from;
        to.version = 2;
        to.model = "gpt-4o-mini";
        to.note = "cheaper";
        to.overridable = {"max_tokens"};
        const auto diff = diffPromptVersions(from, to);
        QCOMPARE(diff.from, int64_t(1));
        QCOMPARE(diff.to, int64_t(2));
        QStringList fields;
        for (const auto& change : diff.changes)
            fields << QString::fromStdString(change.field);
        QCOMPARE(fields, (QStringList{"model", "overridable", "note"}));
        QCOMPARE(diff.changes[0].from, Json("gpt-4o"));
        QCOMPARE(diff.changes[0].to, Json("gpt-4o-mini"));
        QCOMPARE(diff.changes[1].to, Json::array({"max_tokens"}));
        QCOMPARE(diff.messages.size(), std::size_t(1));
        QVERIFY(!diff.messages[0].changed());

        to.variables.push_back({"topic", PromptVariableType::String, true, std::nullopt, ""});
        to.parameters["max_tokens"] = 100;
        const auto more = diffPromptVersions(from, to);
        QCOMPARE(more.changes[1].field, std::string("parameters"));
        QCOMPARE(more.changes[1].to, (Json{{"temperature", 0.2}, {"max_tokens", 100}}));
        QCOMPARE(more.changes[3].field, std::string("variables"));
        QCOMPARE(more.changes[3].from, Json::array());
        QCOMPARE(more.changes[3].to[0]["name"], Json("topic"));
    }

    void messagesAreComparedByIndex()
    {
        const auto from = version(3, {{"system", text("You are terse.|Answer in English.")}, {"user", "{{question}}"}});
        const auto to = version(4, {{"system", text("You are terse.|Answer in {{language}}.")}, {"assistant", "{{question}}"},
                                       {"user", text("Thanks.|Bye.")}});
        const auto diff = diffPromptVersions(from, to);
        QCOMPARE(diff.messages.size(), std::size_t(3));
        QCOMPARE(shown(diff.messages[0].lines), QString(" You are terse.|-Answer in English.|+Answer in {{language}}."));
        QVERIFY(diff.messages[1].changed()); // the role changed, the text did not
        QCOMPARE(shown(diff.messages[1].lines), QString(" {{question}}"));
        QVERIFY(!diff.messages[2].from);
        QCOMPARE(shown(diff.messages[2].lines), QString("+Thanks.|+Bye."));

        const auto back = diffPromptVersions(to, from);
        QVERIFY(!back.messages[2].to);
        QCOMPARE(shown(back.messages[2].lines), QString("-Thanks.|-Bye."));
    }

    void theJsonNamesEveryPart()
    {
        const auto diff = toJson(diffPromptVersions(version(1, {{"user", "hi"}}), version(2, {{"user", "hi"}, {"user", "again"}})));
        QCOMPARE(diff["from"], Json(1));
        QCOMPARE(diff["to"], Json(2));
        QCOMPARE(diff["changes"], Json::array());
        const auto& added = diff["messages"][1];
        QCOMPARE(added["index"], Json(1));
        QVERIFY(added["from"].is_null());
        QCOMPARE(added["to"], (Json{{"role", "user"}, {"content", "again"}}));
        QCOMPARE(added["changed"], Json(true));
        QCOMPARE(added["lines"], Json::array({Json{{"op", "+"}, {"text", "again"}}}));
        QCOMPARE(diff["messages"][0]["changed"], Json(false));
    }
};

QTEST_GUILESS_MAIN(PromptDiffTest)
#include "PromptDiffTest.moc"
