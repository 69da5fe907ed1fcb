// UnifiedDiffModel under QAbstractItemModelTester: git's staged diff of an export as rows whose kind
// tells headers (whose ---/+++ lines must not read as removed/added) from hunks, added, removed and
// context lines, each with its file; the row of each file; a diff cut at maxLines with the rest
// counted; an empty diff.
#include "UnifiedDiffModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

// As `git diff --cached` writes it for an added, a changed and a deleted file.
const char* const kDiff = "diff --git a/.gitlab-ci.yml b/.gitlab-ci.yml\n"
                          "new file mode 100644\n"
                          "index 0000000..3b18e51\n"
                          "--- /dev/null\n"
                          "+++ b/.gitlab-ci.yml\n"
                          "@@ -0,0 +1,2 @@\n"
                          "+stages:\n"
                          "+  - validate\n"
                          "diff --git a/tenants/acme.yaml b/tenants/acme.yaml\n"
                          "index 1111111..2222222 100644\n"
                          "--- a/tenants/acme.yaml\n"
                          "+++ b/tenants/acme.yaml\n"
                          "@@ -1,2 +1,2 @@\n"
                          " name: acme\n"
                          "-note: old\n"
                          "+note: new\n"
                          "\\ No newline at end of file\n"
                          "diff --git a/tenants/globex.yaml b/tenants/globex.yaml\n"
                          "deleted file mode 100644\n"
                          "index 3333333..0000000\n"
                          "--- a/tenants/globex.yaml\n"
                          "+++ /dev/null\n"
                          "@@ -1 +0,0 @@\n"
                          "-name: globex\n";

QString kindAt(const UnifiedDiffModel& model, int row)
{
    return model.data(model.index(row), UnifiedDiffModel::KindRole).toString();
}

QString textAt(const UnifiedDiffModel& model, int row)
{
    return model.data(model.index(row), UnifiedDiffModel::TextRole).toString();
}

} // namespace

class UnifiedDiffModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_model = std::make_unique<UnifiedDiffModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void linesAreKindedAndFiled()
    {
        QSignalSpy changed(m_model.get(), &UnifiedDiffModel::textChanged);
        m_model->setText(QString::fromLatin1(kDiff));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_model->count(), 24);
        QStringList kinds;
        for (int row = 0; row < m_model->count(); ++row)
            kinds << kindAt(*m_model, row);
        QCOMPARE(kinds, QStringList({"header", "header", "header", "header", "header", "hunk", "added", "added",
                            "header", "header", "header", "header", "hunk", "context", "removed", "added", "note",
                            "header", "header", "header", "header", "header", "hunk", "removed"}));
        QCOMPARE(textAt(*m_model, 0), QStringLiteral("diff --git a/.gitlab-ci.yml b/.gitlab-ci.yml"));
        QCOMPARE(textAt(*m_model, 14), QStringLiteral("-note: old"));
        QCOMPARE(m_model->data(m_model->index(14), UnifiedDiffModel::FileRole).toString(), QStringLiteral("tenants/acme.yaml"));
        QCOMPARE(m_model->data(m_model->index(23), UnifiedDiffModel::FileRole).toString(), QStringLiteral("tenants/globex.yaml"));
        // Header lines start with --- and +++ too: they are not counted.
        QCOMPARE(m_model->addedLines(), 3);
        QCOMPARE(m_model->removedLines(), 2);
        QCOMPARE(m_model->omittedLines(), 0);
        QCOMPARE(m_model->roleNames().value(UnifiedDiffModel::KindRole), QByteArray("kind"));
    }

    void eachFileHasItsFirstRow()
    {
        m_model->setText(QString::fromLatin1(kDiff));
        QCOMPARE(m_model->rowOfFile(QStringLiteral(".gitlab-ci.yml")), 0);
        QCOMPARE(m_model->rowOfFile(QStringLiteral("tenants/acme.yaml")), 8);
        QCOMPARE(m_model->rowOfFile(QStringLiteral("tenants/globex.yaml")), 17);
        QCOMPARE(m_model->rowOfFile(QStringLiteral("models/none.yaml")), -1);
    }

    void aLongDiffKeepsItsFirstLinesAndCountsTheRest()
    {
        m_model->setMaxLines(10);
        m_model->setText(QString::fromLatin1(kDiff));
        QCOMPARE(m_model->count(), 10);
        QCOMPARE(m_model->omittedLines(), 14);
        // Counted whole, shown in part.
        QCOMPARE(m_model->addedLines(), 3);
        QCOMPARE(m_model->removedLines(), 2);
        QCOMPARE(m_model->rowOfFile(QStringLiteral("tenants/acme.yaml")), 8);
        QCOMPARE(m_model->rowOfFile(QStringLiteral("tenants/globex.yaml")), -1);
    }

    void anEmptyDiffHasNoRows()
    {
        m_model->setText(QString::fromLatin1(kDiff));
        m_model->clear();
        QCOMPARE(m_model->count(), 0);
        QCOMPARE(m_model->addedLines(), 0);
        QCOMPARE(m_model->rowOfFile(QStringLiteral("tenants/acme.yaml")), -1);
        m_model->setText(QString());
        QCOMPARE(m_model->count(), 0);
    }

private:
    std::unique_ptr<UnifiedDiffModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_GUILESS_MAIN(UnifiedDiffModelTest)
#include "UnifiedDiffModelTest.moc"
