// ExportHistoryModel under QAbstractItemModelTester: pushes listed newest first and kept in a JSON
// file that a new model reads back, at most 100 (the oldest fall off), the default path in the
// console's data location, and a file that is not a history or cannot be written said in errorText.
#include "ExportHistoryModel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

ExportHistoryModel::Entry entry(int n, const QString& mergeRequest = {})
{
    return {1700000000000 + n * 1000, QStringLiteral("https://gitlab.example.com/platform/gateway-config.git"), QStringLiteral("config/%1").arg(n),
        QStringLiteral("%1").arg(n, 40, 10, QLatin1Char('0')), n, mergeRequest};
}

// Outside the class: moc mishandles such literals inside it (docs/ARCHITECTURE.md, pitfalls).
const QByteArray kNotAHistory = "{\"not\": \"a list\"}";

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class ExportHistoryModelTest : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_directory.isValid());
        m_path = m_directory.filePath(QStringLiteral("share/gatehouse-console/gitlab-exports.json"));
        QFile::remove(m_path);
    }

    void pushesAreListedNewestFirstAndKept()
    {
        {
            ExportHistoryModel model(m_path);
            QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
            QCOMPARE(model.count(), 0);
            QVERIFY(model.errorText().isEmpty());
            QSignalSpy changed(&model, &ExportHistoryModel::historyChanged);
            QVERIFY(model.append(entry(1)));
            QVERIFY(model.append(entry(2, QStringLiteral("https://gitlab.example.com/platform/gateway-config/-/merge_requests/7"))));
            QCOMPARE(changed.count(), 2);
            QCOMPARE(model.count(), 2);
            QCOMPARE(model.data(model.index(0), ExportHistoryModel::BranchRole).toString(), QStringLiteral("config/2"));
            QCOMPARE(model.data(model.index(1), ExportHistoryModel::BranchRole).toString(), QStringLiteral("config/1"));
            QCOMPARE(model.data(model.index(0), ExportHistoryModel::MergeRequestUrlRole).toString(),
                QStringLiteral("https://gitlab.example.com/platform/gateway-config/-/merge_requests/7"));
            const QVariantMap item = model.data(model.index(0), ExportHistoryModel::ItemRole).toMap();
            QCOMPARE(item.value("sha").toString(), entry(2).sha);
            QCOMPARE(item.value("filesChanged").toInt(), 2);
            QCOMPARE(item.value("timeMs").toLongLong(), entry(2).timeMs);
            QVERIFY(!item.value("id").toString().isEmpty());
            QCOMPARE(model.get(1).value("branch").toString(), QStringLiteral("config/1"));
        }
        // A new model (the console started again) reads them back, in the same order.
        ExportHistoryModel again(m_path);
        QAbstractItemModelTester tester(&again, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(again.count(), 2);
        QCOMPARE(again.get(0).value("branch").toString(), QStringLiteral("config/2"));
        QCOMPARE(again.get(0).value("repository").toString(), QStringLiteral("https://gitlab.example.com/platform/gateway-config.git"));
        QCOMPARE(again.get(1).value("mergeRequestUrl").toString(), QString());
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray saved = QJsonDocument::fromJson(file.readAll()).array();
        QCOMPARE(saved.size(), 2);
        QCOMPARE(saved.at(0).toObject().value("files_changed").toInt(), 2);
    }

    void atMostAHundredAreKept()
    {
        ExportHistoryModel model(m_path);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int n = 1; n <= ExportHistoryModel::kMaxEntries + 5; ++n)
            QVERIFY(model.append(entry(n)));
        QCOMPARE(model.count(), ExportHistoryModel::kMaxEntries);
        QCOMPARE(model.get(0).value("branch").toString(), QStringLiteral("config/105"));
        QCOMPARE(model.get(ExportHistoryModel::kMaxEntries - 1).value("branch").toString(), QStringLiteral("config/6"));
        ExportHistoryModel again(m_path);
        QCOMPARE(again.count(), ExportHistoryModel::kMaxEntries);
    }

    void theDefaultPathIsInTheConsolesDataLocation()
    {
        QVERIFY(ExportHistoryModel::defaultPath().startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/"));
        QVERIFY(ExportHistoryModel::defaultPath().endsWith(QStringLiteral("/gitlab-exports.json")));
    }

    void aFileThatIsNotAHistoryIsSaidAndReplaced()
    {
        QDir().mkpath(QFileInfo(m_path).absolutePath());
        QVERIFY(writeFile(m_path, kNotAHistory));
        ExportHistoryModel model(m_path);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.count(), 0);
        QVERIFY2(model.errorText().contains(m_path), qPrintable(model.errorText()));
        QVERIFY(model.append(entry(1)));
        QVERIFY(model.errorText().isEmpty());
        model.reload();
        QCOMPARE(model.count(), 1);
    }

    void aFileThatCannotBeWrittenIsSaid()
    {
        // A directory where the file should be: nothing can be written there.
        QVERIFY(QDir().mkpath(m_path));
        ExportHistoryModel model(m_path);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(!model.append(entry(1)));
        QCOMPARE(model.count(), 1); // shown all the same
        QVERIFY2(model.errorText().contains(m_path), qPrintable(model.errorText()));
        QDir(m_path).removeRecursively();
    }

private:
    QTemporaryDir m_directory;
    QString m_path;
};

QTEST_GUILESS_MAIN(ExportHistoryModelTest)
#include "ExportHistoryModelTest.moc"
