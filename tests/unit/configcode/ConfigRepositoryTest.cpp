// What `gatehouse gitlab push` puts in a repository and says about it, without git or a network
// (server/gitlab): repositoryFilesWithExport as a table (a README, the gateway's config file and
// other top-level or hidden files stay; the tree's files become exactly the export's, stale ones go;
// a .gitlab-ci.yml is added only when the repository has none, an edited one stays), the commit
// message of exportCommitMessage, and the 0600 token file of GitLabTokenFile: one token per GitLab
// instance, stored, read and forgotten; the file private after every store; a file others may read
// refused (and not overwritten); a repository "URL" that is not one rejected.
#include "configcode/ConfigTree.h"
#include "gitlab/ConfigRepository.h"
#include "gitlab/GitLabCiFile.h"
#include "gitlab/GitLabTokenFile.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace gatehouse;

using Files = std::map<std::string, std::string>;
using Changes = std::vector<FileChange>;
Q_DECLARE_METATYPE(Files)
Q_DECLARE_METATYPE(Changes)

namespace {

namespace fs = std::filesystem;

const std::string kManifest = "format: gatehouse-config/1\nkeys: included\n";
const std::string kTeamPipeline = "# ours now\nstages: [validate]\nvalidate:\n  script: [gatehouse config validate .]\n";
const std::string kGitLabA = "https://gitlab.a.example/group/project.git";
const std::string kGitLabB = "https://gitlab.b.example:8443/other/sub/project.git";
const std::string kTokenA = "glpat-unit-A-0b1c2d";
const std::string kTokenB = "glpat-unit-B-9e8f7a";

// The files as "path=text" lines, so that a mismatch shows which file differs.
QString shown(const Files& files)
{
    QString text;
    for (const auto& [path, content] : files)
        text += QString::fromStdString(path) + " = " + QString::fromStdString(content).replace('\n', "\\n") + "\n";
    return text;
}

int modeOf(const std::string& path)
{
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0 ? int(status.st_mode & 07777) : -1;
}

std::string readWhole(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeWhole(const std::string& path, const std::string& text, fs::perms permissions)
{
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    fs::permissions(path, permissions);
}

// The runtime_error's message, or "" when the action threw none.
template <typename Action>
std::string errorOf(Action&& action)
{
    try {
        action();
    } catch (const std::runtime_error& error) {
        return std::string("threw: ") + error.what();
    }
    return {};
}

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class ConfigRepositoryTest : public QObject {
    Q_OBJECT

private slots:
    void init();

    void filesWithExport_data();
    void filesWithExport();
    void everyKindDirectoryIsTheTrees();

    void commitMessage_data();
    void commitMessage();
    void aMergeRequestIntoItsOwnBranchIsRefusedFirst();

    void tokenFileIsUnderTheConfigDirectory();
    void tokensAreKeptPerInstance();
    void storedFileIsPrivate();
    void storeWithPermissiveUmaskIsStillPrivate();
    void missingFileHasNoToken();
    void fileOthersCanReadIsRefused_data();
    void fileOthersCanReadIsRefused();
    void fileThatIsNotAnObjectIsRefused();
    void instanceOfRepositoryUrl_data();
    void instanceOfRepositoryUrl();
    void notAUrlIsRejected_data();
    void notAUrlIsRejected();

private:
    std::string tokenFile() const { return m_directory->path().toStdString() + "/config/gatehouse/gitlab-tokens.json"; }

    std::unique_ptr<QTemporaryDir> m_directory;
};

void ConfigRepositoryTest::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    QVERIFY(m_directory->isValid());
}

void ConfigRepositoryTest::filesWithExport_data()
{
    QTest::addColumn<Files>("repository");
    QTest::addColumn<Files>("exported");
    QTest::addColumn<Files>("expected");

    const auto pipeline = gitlabCiFileText();
    const Files firstExport = {{kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"},
        {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}};

    QTest::newRow("empty repository: the export and the pipeline")
        << Files{} << firstExport
        << Files{{kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"},
               {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}, {".gitlab-ci.yml", pipeline}};

    QTest::newRow("README and other top-level files stay")
        << Files{{"README.md", "# Our gateway\n"}, {"gateway.yaml", "server:\n  listen: 0.0.0.0:8088\n"}, {"CODEOWNERS", "* @platform\n"},
               {"tenants.yaml", "not: the tree\n"}, {".gitlab-ci.yml", pipeline}}
        << firstExport
        << Files{{"README.md", "# Our gateway\n"}, {"gateway.yaml", "server:\n  listen: 0.0.0.0:8088\n"}, {"CODEOWNERS", "* @platform\n"},
               {"tenants.yaml", "not: the tree\n"}, {".gitlab-ci.yml", pipeline}, {kConfigManifestFile, kManifest},
               {"tenants/acme.yaml", "name: acme\n"}, {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}};

    QTest::newRow("hidden directories stay")
        << Files{{".gitlab/merge_request_templates/config.md", "Checklist\n"}, {".github/workflows/x.yaml", "on: push\n"}}
        << Files{{kConfigManifestFile, kManifest}}
        << Files{{".gitlab/merge_request_templates/config.md", "Checklist\n"}, {".github/workflows/x.yaml", "on: push\n"},
               {kConfigManifestFile, kManifest}, {".gitlab-ci.yml", pipeline}};

    QTest::newRow("tree files replaced by the export's bytes")
        << Files{{kConfigManifestFile, "format: gatehouse-config/1\nkeys: omitted\n"}, {"tenants/acme.yaml", "name: acme\n# hand edit\n"},
               {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\ndescription: old\n"}, {".gitlab-ci.yml", pipeline}}
        << firstExport
        << Files{{kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"},
               {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}, {".gitlab-ci.yml", pipeline}};

    QTest::newRow("stale tree files removed, in every directory and depth")
        << Files{{kConfigManifestFile, kManifest}, {"tenants/gone.yaml", "name: gone\n"}, {"consumers/gone/app.yaml", "tenant: gone\n"},
               {"providers/old.yaml", "name: old\n"}, {"models/m.yaml", "model: m\n"}, {"access/m.yaml", "model: m\n"},
               {"keys/gk-abc.yaml", "prefix: gk-abc\n"}, {"limits/tenant/gone.yaml", "scope: tenant\n"},
               {"budgets/tenant/gone/monthly.yaml", "scope: tenant\n"}, {"prices/openai/gpt.yaml", "model: gpt\n"},
               {"prompts/hello.yaml", "name: hello\n"}, {"README.md", "# kept\n"}}
        << firstExport
        << Files{{kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"},
               {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}, {"README.md", "# kept\n"}, {".gitlab-ci.yml", pipeline}};

    QTest::newRow("a stale manifest goes with the tree")
        << Files{{kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"}}
        << Files{{"tenants/acme.yaml", "name: acme\n"}}
        << Files{{"tenants/acme.yaml", "name: acme\n"}, {".gitlab-ci.yml", pipeline}};

    QTest::newRow("pipeline added when absent")
        << Files{{"README.md", "# r\n"}} << Files{{kConfigManifestFile, kManifest}}
        << Files{{"README.md", "# r\n"}, {kConfigManifestFile, kManifest}, {".gitlab-ci.yml", pipeline}};

    QTest::newRow("an edited pipeline is the team's and stays")
        << Files{{".gitlab-ci.yml", kTeamPipeline}} << firstExport
        << Files{{".gitlab-ci.yml", kTeamPipeline}, {kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"},
               {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}};

    QTest::newRow("an emptied pipeline stays too")
        << Files{{".gitlab-ci.yml", ""}} << Files{{kConfigManifestFile, kManifest}}
        << Files{{".gitlab-ci.yml", ""}, {kConfigManifestFile, kManifest}};

    QTest::newRow("unchanged repository stays byte for byte")
        << Files{{kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"},
               {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}, {".gitlab-ci.yml", pipeline}, {"README.md", "# r\n"}}
        << firstExport
        << Files{{kConfigManifestFile, kManifest}, {"tenants/acme.yaml", "name: acme\n"},
               {"consumers/acme/billing.yaml", "tenant: acme\nname: billing\n"}, {".gitlab-ci.yml", pipeline}, {"README.md", "# r\n"}};
}

void ConfigRepositoryTest::filesWithExport()
{
    QFETCH(Files, repository);
    QFETCH(Files, exported);
    QFETCH(Files, expected);
    const auto files = repositoryFilesWithExport(repository, exported);
    QVERIFY2(files == expected, qPrintable("got:\n" + shown(files) + "expected:\n" + shown(expected)));
}

// Whatever kinds the tree has (configKinds(): a kind added later included), a stale file in its
// directory is removed, and the same file outside it stays.
void ConfigRepositoryTest::everyKindDirectoryIsTheTrees()
{
    QVERIFY(!configKinds().empty());
    for (const auto& info : configKinds()) {
        const std::string directory = info.directory;
        const Files repository = {{directory + "/stale.yaml", "x: 1\n"}, {directory + "/deeper/stale.yaml", "x: 1\n"},
            {"docs/" + directory + "/stale.yaml", "x: 1\n"}};
        const auto files = repositoryFilesWithExport(repository, {{kConfigManifestFile, kManifest}});
        const Files expected = {{"docs/" + directory + "/stale.yaml", "x: 1\n"}, {kConfigManifestFile, kManifest},
            {".gitlab-ci.yml", gitlabCiFileText()}};
        QVERIFY2(files == expected, qPrintable(QString::fromStdString(directory) + ":\n" + shown(files)));
    }
}

void ConfigRepositoryTest::commitMessage_data()
{
    QTest::addColumn<Changes>("changes");
    QTest::addColumn<QString>("expected");

    QTest::newRow("first export")
        << Changes{{".gitlab-ci.yml", 'A'}, {"gatehouse-export.yaml", 'A'}, {"tenants/acme.yaml", 'A'}}
        << "Gatehouse configuration export: 3 added\n\nadded .gitlab-ci.yml\nadded gatehouse-export.yaml\nadded tenants/acme.yaml\n";
    QTest::newRow("one change")
        << Changes{{"limits/tenant/acme.yaml", 'M'}}
        << "Gatehouse configuration export: 1 changed\n\nchanged limits/tenant/acme.yaml\n";
    QTest::newRow("only removals")
        << Changes{{"tenants/a.yaml", 'D'}, {"tenants/b.yaml", 'D'}}
        << "Gatehouse configuration export: 2 removed\n\nremoved tenants/a.yaml\nremoved tenants/b.yaml\n";
    // The summary counts in a fixed order (added, changed, removed); the lines keep the given order.
    QTest::newRow("all three, summary in fixed order")
        << Changes{{"keys/gk-1.yaml", 'D'}, {"models/m.yaml", 'M'}, {"prompts/p.yaml", 'A'}, {"tenants/t.yaml", 'M'}}
        << "Gatehouse configuration export: 1 added, 2 changed, 1 removed\n\nremoved keys/gk-1.yaml\nchanged models/m.yaml\n"
           "added prompts/p.yaml\nchanged tenants/t.yaml\n";
    QTest::newRow("added and removed, none changed")
        << Changes{{"tenants/new.yaml", 'A'}, {"tenants/old.yaml", 'D'}}
        << "Gatehouse configuration export: 1 added, 1 removed\n\nadded tenants/new.yaml\nremoved tenants/old.yaml\n";
}

void ConfigRepositoryTest::commitMessage()
{
    QFETCH(Changes, changes);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(exportCommitMessage(changes)), expected);
}

void ConfigRepositoryTest::tokenFileIsUnderTheConfigDirectory()
{
    const QByteArray savedConfig = qgetenv("XDG_CONFIG_HOME");
    const QByteArray savedHome = qgetenv("HOME");
    const bool hadConfig = qEnvironmentVariableIsSet("XDG_CONFIG_HOME");
    qputenv("XDG_CONFIG_HOME", "/tmp/xdg-config-for-test");
    qputenv("HOME", "/tmp/home-for-test");
    const auto withConfigHome = gitLabTokenFilePath();
    qunsetenv("XDG_CONFIG_HOME");
    const auto withHomeOnly = gitLabTokenFilePath();
    qputenv("XDG_CONFIG_HOME", "");
    const auto withEmptyConfigHome = gitLabTokenFilePath();
    if (hadConfig)
        qputenv("XDG_CONFIG_HOME", savedConfig);
    else
        qunsetenv("XDG_CONFIG_HOME");
    qputenv("HOME", savedHome);

    QCOMPARE(QString::fromStdString(withConfigHome), QString("/tmp/xdg-config-for-test/gatehouse/gitlab-tokens.json"));
    QCOMPARE(QString::fromStdString(withHomeOnly), QString("/tmp/home-for-test/.config/gatehouse/gitlab-tokens.json"));
    QCOMPARE(QString::fromStdString(withEmptyConfigHome), QString("/tmp/home-for-test/.config/gatehouse/gitlab-tokens.json"));
}

void ConfigRepositoryTest::tokensAreKeptPerInstance()
{
    const auto path = tokenFile();
    storeGitLabToken(kGitLabA, kTokenA, path);
    storeGitLabToken(kGitLabB, kTokenB, path);

    QCOMPARE(readGitLabToken(kGitLabA, path).value_or("(none)"), kTokenA);
    // Any project of the same instance: the token is the instance's.
    QCOMPARE(readGitLabToken("https://gitlab.a.example/another/repo", path).value_or("(none)"), kTokenA);
    QCOMPARE(readGitLabToken(kGitLabB, path).value_or("(none)"), kTokenB);
    // Another port, scheme or host is another instance.
    QVERIFY(!readGitLabToken("https://gitlab.b.example/other/sub/project.git", path));
    QVERIFY(!readGitLabToken("http://gitlab.a.example/group/project.git", path));
    QVERIFY(!readGitLabToken("https://gitlab.c.example/group/project.git", path));

    // Replacing one leaves the other.
    storeGitLabToken(kGitLabA, kTokenA + "-rotated", path);
    QCOMPARE(readGitLabToken(kGitLabA, path).value_or("(none)"), kTokenA + "-rotated");
    QCOMPARE(readGitLabToken(kGitLabB, path).value_or("(none)"), kTokenB);

    // An empty token forgets the instance's, only it.
    storeGitLabToken("https://gitlab.a.example/x/y.git", "", path);
    QVERIFY(!readGitLabToken(kGitLabA, path));
    QCOMPARE(readGitLabToken(kGitLabB, path).value_or("(none)"), kTokenB);
    const auto text = readWhole(path);
    QVERIFY2(!mentions(text, kTokenA) && !mentions(text, "gitlab.a.example"), text.c_str());
    QVERIFY2(mentions(text, "\"https://gitlab.b.example:8443\"") && mentions(text, kTokenB), text.c_str());

    // Forgetting what is not there is no error.
    storeGitLabToken(kGitLabA, "", path);
    QVERIFY(!readGitLabToken(kGitLabA, path));
    QVERIFY(!fs::exists(path + ".tmp"));
}

void ConfigRepositoryTest::storedFileIsPrivate()
{
    const auto path = tokenFile();
    QVERIFY(!fs::exists(fs::path(path).parent_path()));
    storeGitLabToken(kGitLabA, kTokenA, path);
    QCOMPARE(modeOf(path), 0600);
    storeGitLabToken(kGitLabB, kTokenB, path);
    QCOMPARE(modeOf(path), 0600);
    storeGitLabToken(kGitLabA, "", path);
    QCOMPARE(modeOf(path), 0600);
    QVERIFY(!fs::exists(path + ".tmp"));
}

// A leftover temporary file others could read, and a umask that would give them the new file,
// change nothing: the stored file is 0600.
void ConfigRepositoryTest::storeWithPermissiveUmaskIsStillPrivate()
{
    const auto path = tokenFile();
    writeWhole(path + ".tmp", "{}\n", fs::perms(0666));
    const auto previous = ::umask(0);
    storeGitLabToken(kGitLabA, kTokenA, path);
    const auto during = ::umask(previous);
    QCOMPARE(int(during), 0); // the process's umask is given back
    QCOMPARE(modeOf(path), 0600);
    QCOMPARE(readGitLabToken(kGitLabA, path).value_or("(none)"), kTokenA);
}

void ConfigRepositoryTest::missingFileHasNoToken()
{
    const auto path = tokenFile();
    QVERIFY(!readGitLabToken(kGitLabA, path));
    QVERIFY(!fs::exists(path)); // reading creates nothing
    QVERIFY(!fs::exists(fs::path(path).parent_path()));
}

void ConfigRepositoryTest::fileOthersCanReadIsRefused_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0644") << 0644;
    QTest::newRow("0640 group-readable") << 0640;
    QTest::newRow("0604 world-readable") << 0604;
    QTest::newRow("0620 group-writable") << 0620;
}

void ConfigRepositoryTest::fileOthersCanReadIsRefused()
{
    QFETCH(int, mode);
    const auto path = tokenFile();
    storeGitLabToken(kGitLabA, kTokenA, path);
    fs::permissions(path, fs::perms(mode));
    const auto before = readWhole(path);

    const auto read = errorOf([&] { readGitLabToken(kGitLabA, path); });
    QVERIFY2(mentions(read, "chmod 600 " + path), read.c_str());
    QVERIFY2(mentions(read, path + " can be read by other users"), read.c_str());
    QVERIFY2(!mentions(read, kTokenA), read.c_str());

    // Nor is it silently replaced by a store (which would hide that it was exposed).
    const auto store = errorOf([&] { storeGitLabToken(kGitLabB, kTokenB, path); });
    QVERIFY2(mentions(store, "chmod 600"), store.c_str());
    QCOMPARE(readWhole(path), before);
    QCOMPARE(modeOf(path), mode);

    fs::permissions(path, fs::perms(0600));
    QCOMPARE(readGitLabToken(kGitLabA, path).value_or("(none)"), kTokenA);
}

void ConfigRepositoryTest::fileThatIsNotAnObjectIsRefused()
{
    const auto path = tokenFile();
    for (const std::string text : {"[\"glpat-x\"]\n", "glpat-in-plain-text\n", ""}) {
        writeWhole(path, text, fs::perms(0600));
        const auto error = errorOf([&] { readGitLabToken(kGitLabA, path); });
        QVERIFY2(mentions(error, path + " is not a JSON object"), (text + " -> " + error).c_str());
        QVERIFY2(!mentions(error, "glpat-"), error.c_str());
    }
    // An entry that is not a string is no token.
    writeWhole(path, "{\"https://gitlab.a.example\": 42}\n", fs::perms(0600));
    QVERIFY(!readGitLabToken(kGitLabA, path));
}

void ConfigRepositoryTest::instanceOfRepositoryUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("instance");
    QTest::newRow("project") << "https://gitlab.example.com/group/project.git" << "https://gitlab.example.com";
    QTest::newRow("subgroup, no .git") << "https://gitlab.example.com/a/b/c" << "https://gitlab.example.com";
    QTest::newRow("port") << "https://gitlab.example.com:8443/group/project.git" << "https://gitlab.example.com:8443";
    QTest::newRow("loopback http") << "http://127.0.0.1:9000/group/project.git" << "http://127.0.0.1:9000";
    QTest::newRow("instance itself") << "https://gitlab.example.com" << "https://gitlab.example.com";
}

void ConfigRepositoryTest::instanceOfRepositoryUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, instance);
    QCOMPARE(QString::fromStdString(gitLabInstanceOf(url.toStdString())), instance);
}

void ConfigRepositoryTest::notAUrlIsRejected_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("SSH scp form") << "git@gitlab.example.com:group/project.git";
    QTest::newRow("no scheme") << "gitlab.example.com/group/project.git";
    QTest::newRow("a path") << "/srv/git/project.git";
    QTest::newRow("empty") << "";
    QTest::newRow("credentials without a scheme") << "oauth2:glpat-inline-secret@gitlab.example.com/group/project.git";
    // A token in the URL must not become part of the file's key, nor of a message.
    QTest::newRow("credentials in an https URL") << "https://oauth2:glpat-inline-secret@gitlab.example.com/group/project.git";
    QTest::newRow("user name in an https URL") << "https://glpat-inline-secret@gitlab.example.com/group/project.git";
}

void ConfigRepositoryTest::notAUrlIsRejected()
{
    QFETCH(QString, url);
    const auto path = tokenFile();
    const auto instance = errorOf([&] { gitLabInstanceOf(url.toStdString()); });
    QVERIFY2(!instance.empty(), ("accepted: " + url.toStdString()).c_str());
    QVERIFY2(!mentions(instance, "glpat-inline-secret"), instance.c_str());
    const auto store = errorOf([&] { storeGitLabToken(url.toStdString(), kTokenA, path); });
    QVERIFY2(!store.empty() && !mentions(store, "glpat-inline-secret"), store.c_str());
    QVERIFY(!fs::exists(path)); // nothing stored under a bogus key
    const auto read = errorOf([&] { readGitLabToken(url.toStdString(), path); });
    QVERIFY2(!read.empty() && !mentions(read, "glpat-inline-secret"), read.c_str());
    if (!url.contains('@'))
        QVERIFY2(mentions(instance, "is not a repository URL"), instance.c_str());
}

// GitLab would refuse it only after the push: ConfigPush refuses before cloning anything (the
// remote is a closed port, so getting further would be a network error instead).
void ConfigRepositoryTest::aMergeRequestIntoItsOwnBranchIsRefusedFirst()
{
    ConfigPushTarget target;
    target.remote = {"http://127.0.0.1:1/team/config.git", "token"};
    target.branch = "main";
    target.target = "main";
    target.mergeRequest = true;
    ConfigPush push(target, {});
    try {
        push.prepare();
        QFAIL("prepared a merge request into its own branch");
    } catch (const GitError& error) {
        QVERIFY(error.kind() == GitError::Kind::InvalidRequest);
        QVERIFY2(std::string(error.what()).find("both 'main'") != std::string::npos, error.what());
    }
}

QTEST_GUILESS_MAIN(ConfigRepositoryTest)
#include "ConfigRepositoryTest.moc"
