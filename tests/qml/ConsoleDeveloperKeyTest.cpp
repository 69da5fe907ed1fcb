// ConsoleDeveloperKey: the key file is created 0600, reused while the store accepts it, replaced when not.
#include "ConsoleDeveloperKey.h"

#include "GatewayServer.h"
#include "config/ConfigLoader.h"
#include "gatehouse/DefaultConfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

namespace {

std::unique_ptr<gatehouse::GatewayServer> gatewayIn(const QString& dataDirectory)
{
    auto config = gatehouse::ConfigLoader().loadText(gatehouse::kDefaultConfigYaml, "built-in default config");
    return std::make_unique<gatehouse::GatewayServer>(config, dataDirectory.toStdString());
}

QString fileContents(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

unsigned fileMode(const QString& path)
{
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? (info.st_mode & 0777u) : 0u;
}

} // namespace

class ConsoleDeveloperKeyTest : public QObject {
    Q_OBJECT

private slots:
    void firstRunCreatesAPrivateKeyFile()
    {
        QTemporaryDir data;
        const QString key = ConsoleDeveloperKey::loadOrCreate(*gatewayIn(data.path()), data.path());

        QVERIFY(key.startsWith(QStringLiteral("gk-")));
        const QString path = ConsoleDeveloperKey::filePath(data.path());
        QCOMPARE(path, data.filePath(QStringLiteral("console-developer.key")));
        QCOMPARE(fileContents(path), key + '\n');
        QCOMPARE(fileMode(path), 0600u);
    }

    void laterRunsReuseTheKey()
    {
        QTemporaryDir data;
        const QString first = ConsoleDeveloperKey::loadOrCreate(*gatewayIn(data.path()), data.path());
        const QString second = ConsoleDeveloperKey::loadOrCreate(*gatewayIn(data.path()), data.path());
        QCOMPARE(second, first);
    }

    void aKeyTheStoreDoesNotKnowIsReplaced()
    {
        QTemporaryDir data;
        const QString path = ConsoleDeveloperKey::filePath(data.path());
        {
            QFile stale(path);
            QVERIFY(stale.open(QIODevice::WriteOnly));
            stale.write("gk-NotInThisStoreNotInThisStoreNotInThisSto\n");
            QVERIFY(stale.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
        }

        const QString key = ConsoleDeveloperKey::loadOrCreate(*gatewayIn(data.path()), data.path());

        QVERIFY(key.startsWith(QStringLiteral("gk-")));
        QVERIFY(!key.startsWith(QStringLiteral("gk-NotInThisStore")));
        QCOMPARE(fileContents(path), key + '\n');
        QCOMPARE(fileMode(path), 0600u);
    }
};

QTEST_GUILESS_MAIN(ConsoleDeveloperKeyTest)
#include "ConsoleDeveloperKeyTest.moc"
