// GitLabTokenStore where there is no keychain (the session bus points nowhere, as on a headless
// machine): a stored token lands in the 0600 token file under a temporary XDG_CONFIG_HOME, where the
// CLI finds it too; it is read back (by a new store as well), kept per GitLab instance, forgotten
// from the file; a file others can read is refused; a URL that is not one stores nothing. No
// message, note or log line ever holds the token.
#include "GitLabTokenStore.h"

#include "gitlab/GitLabTokenFile.h"
#include "QtMessageLog.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

const QString kRepository = QStringLiteral("https://gitlab.example.com/platform/gateway-config.git");
const QString kOtherProject = QStringLiteral("https://gitlab.example.com/platform/other.git");
const QString kOtherInstance = QStringLiteral("https://gitlab.other.example:8443/platform/gateway-config.git");
const QString kToken = QStringLiteral("glpat-T0kenStoreTest-9f2c1a");
const QString kReplacement = QStringLiteral("glpat-R3placedT0ken-44be0d");


// read()'s answer, once it came.
struct ReadResult {
    bool done = false;
    QString token;
    QString error;
};

} // namespace

class GitLabTokenStoreTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_log = std::make_unique<gatehouse::test::QtMessageLog>();
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        // No Secret Service, no KWallet: a session bus that is not there. Set before the first
        // keychain job connects to it, so a developer's own keychain is never touched either.
        qputenv("DBUS_SESSION_BUS_ADDRESS", QByteArray("unix:path=") + m_config.filePath(QStringLiteral("no-bus")).toUtf8());
    }
    void cleanupTestCase()
    {
        const auto messages = m_log->messages();
        m_log.reset();
        for (const QString& message : messages) {
            QVERIFY2(!message.contains(kToken) && !message.contains(kReplacement), qPrintable(message));
        }
    }
    void init()
    {
        QFile::remove(tokenFile());
    }

    void instanceOf_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("instance");
        QTest::newRow("https") << kRepository << "https://gitlab.example.com";
        QTest::newRow("a port") << kOtherInstance << "https://gitlab.other.example:8443";
        QTest::newRow("loopback http") << "http://127.0.0.1:8929/group/project.git" << "http://127.0.0.1:8929";
        QTest::newRow("spaces around") << "  https://gitlab.example.com/g/p  " << "https://gitlab.example.com";
        QTest::newRow("no scheme") << "gitlab.example.com/g/p.git" << "";
        QTest::newRow("ssh") << "ssh://git@gitlab.example.com/g/p.git" << "";
        QTest::newRow("credentials") << "https://oauth2:secret@gitlab.example.com/g/p.git" << "";
        QTest::newRow("no host") << "https:///g/p.git" << "";
        QTest::newRow("empty") << "" << "";
    }
    void instanceOf()
    {
        QFETCH(QString, url);
        QTEST(GitLabTokenStore::instanceOf(url), "instance");
    }
    void theKeychainKeyNamesTheInstance()
    {
        QCOMPARE(GitLabTokenStore::keychainKey(QStringLiteral("https://gitlab.example.com")), QStringLiteral("gitlab:https://gitlab.example.com"));
        QCOMPARE(QString::fromLatin1(GitLabTokenStore::kService), QStringLiteral("gatehouse"));
    }

    void withoutAKeychainTheTokenGoesToAPrivateFile()
    {
        GitLabTokenStore store;
        store.setRepository(kRepository);
        QCOMPARE(store.instance(), QStringLiteral("https://gitlab.example.com"));
        QVERIFY(store.busy()); // a check is due
        QTRY_VERIFY(!store.busy());
        QVERIFY(!store.stored());
        QVERIFY(store.errorText().isEmpty());

        QSignalSpy changed(&store, &GitLabTokenStore::stateChanged);
        store.store(kToken);
        QTRY_VERIFY(!store.busy());
        QVERIFY2(store.stored(), qPrintable(store.errorText()));
        QCOMPARE(store.location(), QStringLiteral("file"));
        QVERIFY2(store.note().endsWith(QStringLiteral("gatehouse/gitlab-tokens.json (readable only by you): no keychain here.")),
            qPrintable(store.note()));
        QVERIFY(!changed.isEmpty());

        QFile file(tokenFile());
        QVERIFY(file.exists());
        const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther
            | QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
        QCOMPARE(int(file.permissions() & others), 0); // 0600
        QVERIFY(file.permissions().testFlag(QFileDevice::ReadOwner) && file.permissions().testFlag(QFileDevice::WriteOwner));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject tokens = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(tokens.value(QStringLiteral("https://gitlab.example.com")).toString(), kToken);
        // Where `gatehouse gitlab push|pull` look for it.
        QCOMPARE(QString::fromStdString(gatehouse::readGitLabToken(kRepository.toStdString()).value_or("")), kToken);
        noMessageHoldsATokenIn(store);
    }

    void theTokenIsReadBackPerInstance()
    {
        {
            GitLabTokenStore store;
            store.setRepository(kRepository);
            QTRY_VERIFY(!store.busy());
            store.store(kToken);
            QTRY_VERIFY(store.stored());
            QCOMPARE(read(store).token, kToken);
        }
        // A new store (the console started again): stored, and read back.
        GitLabTokenStore store;
        store.setRepository(kOtherProject); // another project of the same GitLab: the same token
        QTRY_VERIFY(!store.busy());
        QVERIFY(store.stored());
        QCOMPARE(store.location(), QStringLiteral("file"));
        const ReadResult result = read(store);
        QCOMPARE(result.token, kToken);
        QVERIFY(result.error.isEmpty());

        store.setRepository(kOtherInstance); // another GitLab: none
        QVERIFY(!store.stored());
        QTRY_VERIFY(!store.busy());
        QVERIFY(!store.stored());
        const ReadResult none = read(store);
        QVERIFY(none.token.isEmpty());
        QVERIFY(none.error.isEmpty());
    }

    void aStoredTokenIsReplacedAndForgotten()
    {
        GitLabTokenStore store;
        store.setRepository(kRepository);
        QTRY_VERIFY(!store.busy());
        store.store(kToken);
        QTRY_VERIFY(store.stored());
        store.store(kReplacement);
        QTRY_VERIFY(!store.busy());
        QCOMPARE(read(store).token, kReplacement);

        store.forget();
        QTRY_VERIFY(!store.busy());
        QVERIFY2(!store.stored(), qPrintable(store.errorText()));
        QVERIFY(store.errorText().isEmpty());
        QVERIFY(store.note().isEmpty());
        QVERIFY(!gatehouse::readGitLabToken(kRepository.toStdString()).has_value());
        const ReadResult none = read(store);
        QVERIFY(none.token.isEmpty());
        QVERIFY(none.error.isEmpty());
        QFile file(tokenFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(kReplacement.toUtf8()));
        noMessageHoldsATokenIn(store);
    }

    void aFileOthersCanReadIsRefused()
    {
        GitLabTokenStore store;
        store.setRepository(kRepository);
        QTRY_VERIFY(!store.busy());
        store.store(kToken);
        QTRY_VERIFY(store.stored());
        QVERIFY(QFile::setPermissions(tokenFile(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        store.check();
        QTRY_VERIFY(!store.busy());
        QVERIFY(!store.stored());
        QVERIFY2(store.errorText().contains(QStringLiteral("can be read by other users")), qPrintable(store.errorText()));
        const ReadResult refused = read(store);
        QVERIFY(refused.token.isEmpty());
        QVERIFY2(refused.error.contains(QStringLiteral("chmod 600")), qPrintable(refused.error));
        noMessageHoldsATokenIn(store);
    }

    void aUrlThatIsNotOneStoresNothing()
    {
        GitLabTokenStore store;
        store.setRepository(QStringLiteral("gitlab.example.com/platform/gateway-config"));
        QVERIFY(store.instance().isEmpty());
        QVERIFY(!store.busy());
        store.store(kToken);
        QVERIFY(!store.busy());
        QVERIFY(!store.stored());
        QVERIFY(!store.errorText().isEmpty());
        QVERIFY(!QFile::exists(tokenFile()));
        const ReadResult refused = read(store);
        QVERIFY(refused.token.isEmpty());
        QVERIFY(!refused.error.isEmpty());
        noMessageHoldsATokenIn(store);
    }

private:
    QString tokenFile() const
    {
        return QString::fromStdString(gatehouse::gitLabTokenFilePath());
    }
    static ReadResult read(GitLabTokenStore& store)
    {
        auto result = std::make_shared<ReadResult>();
        store.read([result](const QString& token, const QString& error) {
            result->done = true;
            result->token = token;
            result->error = error;
        });
        if (!QTest::qWaitFor([&] { return result->done; }, 5000))
            qWarning("the token store did not answer");
        return *result;
    }
    void noMessageHoldsATokenIn(const GitLabTokenStore& store)
    {
        for (const QString& text : {store.note(), store.errorText(), store.location(), store.instance()}) {
            QVERIFY2(!text.contains(kToken) && !text.contains(kReplacement), qPrintable(text));
        }
    }

    QTemporaryDir m_config;
    // Every message Qt logged during the test (keychain warnings included), to check none holds a token.
    std::unique_ptr<gatehouse::test::QtMessageLog> m_log;
};

QTEST_GUILESS_MAIN(GitLabTokenStoreTest)
#include "GitLabTokenStoreTest.moc"
