// `gatehouse gitlab push|pull` run as processes (issue 8, docs/config-as-code.md "Push and pull")
// against a real git server on loopback (GitHttpServer: nginx + fcgiwrap + git-http-backend, basic
// auth oauth2:<token>) whose /api/v4/ is a FakeGitLab on the same host, as GitLab serves both.
// A data directory filled through the CLI is pushed to a new branch of an empty repository (the
// printed SHA is the server's, the branch holds the export and the pipeline, the message lists the
// files); an unchanged push commits nothing and a changed entity commits only its file; someone
// else's README stays and a stale tree file goes; a merge request is opened, then reused; a wrong
// or missing token, a rejected push and a token file others can read are plain errors that leave
// nothing behind; the token file is read when the environment has no token; --without-keys drops
// the key files; a missing data directory is not exported as an empty configuration; --remote
// pushes and pulls a running gateway. Pull applies a branch, tag or commit to an empty data
// directory (which then exports the same bytes), applies nothing without confirmation or with a
// broken file, and prunes on request.
//
// After every case: no run printed a token, and no run left anything in its TMPDIR (each run gets
// a fresh, empty one).
#include "FakeGitLab.h"
#include "GatewayTestSupport.h"
#include "GitHttpServer.h"
#include "gitlab/GitLabTokenFile.h"
#include "gitlab/GitWorkspace.h"
#include "store/AdminTokenStore.h"
#include "store/Database.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace gatehouse;
using gatehouse::test::FakeGitLab;
using gatehouse::test::GitHttpServer;

namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

const std::string kToken = "glpat-CliT3stT0ken-5e7a91c0";
const std::string kWrongToken = "glpat-Wr0ngCliT0ken-0042ff";
const QString kUser = "gitlab-cli-tester";
const std::string kHookMessage = "GitLab: You are not allowed to push code to protected branches on this project.";
const std::string kReadme = "# Gateway configuration\n\nReviewed in merge requests; applied by the pipeline.\n";
const std::string kTeamPipeline = "# The platform team's pipeline\nstages: [validate]\nvalidate:\n  script: [gatehouse config validate .]\n";
const std::string kCommitSubject = "Gatehouse configuration export: ";
// "...: commit 0123abcd..." as push prints it.
const QRegularExpression kCommitLine("commit ([0-9a-f]{40})");
// A problem as pull prints it: file:line:column: message.
const QRegularExpression kBrokenYamlProblem("consumers/acme/billing\\.yaml:[1-9][0-9]*:[0-9]+: ");
const QRegularExpression kGhostTenantProblem("consumers/ghost/app\\.yaml:[1-9][0-9]*:[0-9]+: .*ghost");

struct CliRun {
    int exitCode = -1;
    QString out;
    QString err;
    QStringList leftInTmp; // what the run left in its TMPDIR

    QString describe() const { return QString("exit %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err); }
    bool says(const std::string& text) const { return out.contains(QString::fromStdString(text)) || err.contains(QString::fromStdString(text)); }
};

std::string readWhole(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeWhole(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Every regular file under `directory`, hidden ones included: path with '/' → bytes.
Files filesUnder(const fs::path& directory)
{
    Files files;
    if (!fs::is_directory(directory))
        return files;
    for (const auto& entry : fs::recursive_directory_iterator(directory)) {
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), directory).generic_string()] = readWhole(entry.path());
    }
    return files;
}

QString shown(const Files& files)
{
    QString text;
    for (const auto& [path, content] : files)
        text += QString::fromStdString(path) + " (" + QString::number(content.size()) + " bytes)\n";
    return text;
}

QString listed(const std::string& lines)
{
    return QString::fromStdString(lines);
}

} // namespace

class GitLabCliTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void pushCreatesTheBranchOfAnEmptyRepository();
    void unchangedPushCommitsNothingAndAChangeOnlyItsFile();
    void foreignFilesStayAndStaleTreeFilesGo();
    void mergeRequestIsOpenedThenReused();
    void mergeRequestFailureSaysThePushHappened();
    void unchangedNewBranchOpensNoMergeRequestForAMissingBranch();
    void pushWithoutKeysRemovesTheKeyFiles();
    void pushFromAMissingDataDirectoryPushesNothing();
    void pushAndPullReachARemoteGateway();
    void wrongTokenIsAClearError();
    void missingTokenIsAUsageError();
    void credentialsInTheUrlAreRefused();
    void rejectedPushLeavesNothingBehind();
    void tokenComesFromThePrivateTokenFile();
    void tokenComesFromTheKeychain();
    void tokenFileOthersCanReadIsRefused();
    void environmentTokenWinsOverTheFile();

    void pullAppliesToAnEmptyDataDirectory();
    void pullWithoutConfirmationAppliesNothing();
    void pullOfABrokenRefAppliesNothing_data();
    void pullOfABrokenRefAppliesNothing();
    void pullOfATagOrCommit_data();
    void pullOfATagOrCommit();
    void pullPrunesOnlyWhenAsked();
    void pullOfAnUnknownRefIsNotFound();

private:
    // --- running the CLI ---------------------------------------------------------------------
    QProcessEnvironment environment(const std::string& gitlabToken = kToken) const;
    CliRun run(const QStringList& arguments, const QProcessEnvironment& environment, const QByteArray& input = {});
    CliRun cli(const QStringList& arguments, const QByteArray& input = {}) { return run(arguments, environment(), input); }

    // --- data directories ---------------------------------------------------------------------
    QString newDirectory(const QString& name);
    // A tenant (acme) with a consumer (billing) and its key, and a tenant rate limit; the
    // consumer's id.
    QString fillDataDirectory(const QString& data);
    Files exportOf(const QString& data);

    // --- the git server -----------------------------------------------------------------------
    std::string newRepository(const QString& name);
    QString repositoryUrl(const std::string& name) const { return QString::fromStdString(m_server->url(name)); }
    std::string gitRaw(const std::string& name, const QStringList& arguments) const;
    Files branchFiles(const std::string& name, const std::string& ref) const;
    std::string headOf(const std::string& name, const std::string& branch) const;
    bool branchExists(const std::string& name, const std::string& branch) const;
    // Commits `files` as the branch's whole tree, as another user would (not through the CLI).
    std::string commitAsSomeoneElse(const std::string& name, const std::string& branch, const Files& files);
    CliRun push(const std::string& repository, const QString& branch, const QString& data, const QStringList& more = {});

    std::unique_ptr<FakeGitLab> m_gitlab;
    std::unique_ptr<GitHttpServer> m_server;
    QTemporaryDir m_home;
    int m_directories = 0;
    int m_runs = 0;
    QStringList m_problems; // found by run(), reported by cleanup()

    // The data directory every pull case starts from, and "team/source" pushed from it.
    QString m_origin;
    Files m_originExport;
    std::string m_firstSha;  // config at the first push, tagged v1
    std::string m_secondSha; // config after a tenant "later" was added
};

// ---- helpers -----------------------------------------------------------------------------------

QProcessEnvironment GitLabCliTest::environment(const std::string& gitlabToken) const
{
    auto environment = QProcessEnvironment::systemEnvironment();
    for (const auto& name : environment.keys()) {
        if (name.startsWith("GATEHOUSE_") || name.startsWith("GIT_"))
            environment.remove(name);
    }
    environment.insert("USER", kUser);
    environment.insert("HOME", m_home.path() + "/home");
    environment.insert("XDG_DATA_HOME", m_home.path() + "/xdg-data");
    // No token file unless a case writes one here, and no reachable keychain (a real secret-tool
    // finds no Secret Service) unless a case puts a fake secret-tool first on PATH.
    environment.insert("XDG_CONFIG_HOME", m_home.path() + "/xdg-config-none");
    environment.insert("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/gatehouse-test-bus");
    if (!gitlabToken.empty())
        environment.insert("GATEHOUSE_GITLAB_TOKEN", QString::fromStdString(gitlabToken));
    return environment;
}

CliRun GitLabCliTest::run(const QStringList& arguments, const QProcessEnvironment& given, const QByteArray& input)
{
    const QString tmp = m_home.path() + "/tmp-" + QString::number(++m_runs);
    QDir().mkpath(tmp);
    auto environment = given;
    environment.insert("TMPDIR", tmp);

    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(GATEHOUSE_BINARY, arguments);
    CliRun result;
    if (!process.waitForStarted(10000)) {
        result.err = "did not start: " + process.errorString();
        m_problems << "gatehouse " + arguments.join(' ') + ": " + result.err;
        return result;
    }
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(90000)) {
        process.kill();
        process.waitForFinished(5000);
        result.err = "did not finish within 90 s";
        m_problems << "gatehouse " + arguments.join(' ') + ": " + result.err;
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    result.leftInTmp = QDir(tmp).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    if (!result.leftInTmp.isEmpty())
        m_problems << "gatehouse " + arguments.join(' ') + " left in TMPDIR: " + result.leftInTmp.join(", ");
    for (const auto& token : {kToken, kWrongToken}) {
        if (result.says(token))
            m_problems << "gatehouse " + arguments.join(' ') + " printed a token:\n" + result.describe();
    }
    QDir(tmp).removeRecursively();
    return result;
}

QString GitLabCliTest::newDirectory(const QString& name)
{
    const QString path = m_home.path() + "/" + name + "-" + QString::number(++m_directories);
    QDir().mkpath(path);
    return path;
}

QString GitLabCliTest::fillDataDirectory(const QString& data)
{
    const auto tenant = cli({"tenant", "create", "--name", "acme", "--json", "--data", data});
    if (tenant.exitCode != 0) {
        m_problems << "tenant create: " + tenant.describe();
        return {};
    }
    const auto tenantId = QString::number(QJsonDocument::fromJson(tenant.out.toUtf8()).object()["id"].toInt());
    const auto consumer = cli({"consumer", "create", "--tenant", tenantId, "--name", "billing", "--description", "Billing app", "--json",
        "--data", data});
    const auto consumerId = QString::number(QJsonDocument::fromJson(consumer.out.toUtf8()).object()["id"].toInt());
    const auto key = cli({"key", "create", "--consumer", consumerId, "--name", "reports", "--json", "--data", data});
    const auto limit = cli({"limit", "set", "--scope", "tenant", "--id", "acme", "--rpm", "600", "--data", data});
    for (const auto* step : {&consumer, &key, &limit}) {
        if (step->exitCode != 0)
            m_problems << "filling " + data + ": " + step->describe();
    }
    return consumerId;
}

Files GitLabCliTest::exportOf(const QString& data)
{
    const auto directory = newDirectory("export");
    const auto exported = cli({"config", "export", directory, "--data", data});
    if (exported.exitCode != 0)
        m_problems << "config export: " + exported.describe();
    return filesUnder(directory.toStdString());
}

std::string GitLabCliTest::newRepository(const QString& name)
{
    const std::string path = name.toStdString();
    m_server->createRepository(path);
    return path;
}

// git in the bare repository, its output untrimmed (GitHttpServer::git trims: file bytes need all).
std::string GitLabCliTest::gitRaw(const std::string& name, const QStringList& arguments) const
{
    QProcess process;
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert("GIT_CONFIG_NOSYSTEM", "1");
    environment.insert("GIT_CONFIG_GLOBAL", "/dev/null");
    process.setProcessEnvironment(environment);
    process.start("git", QStringList{"--git-dir=" + QString::fromStdString(m_server->repositoryPath(name).string())} + arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        throw std::runtime_error("git " + arguments.join(' ').toStdString() + ": " + process.readAllStandardError().toStdString());
    return process.readAllStandardOutput().toStdString();
}

Files GitLabCliTest::branchFiles(const std::string& name, const std::string& ref) const
{
    Files files;
    std::istringstream paths(gitRaw(name, {"ls-tree", "-r", "--name-only", QString::fromStdString(ref)}));
    for (std::string path; std::getline(paths, path);)
        files[path] = gitRaw(name, {"cat-file", "blob", QString::fromStdString(ref + ":" + path)});
    return files;
}

std::string GitLabCliTest::headOf(const std::string& name, const std::string& branch) const
{
    return m_server->git(name, {"rev-parse", QString::fromStdString("refs/heads/" + branch)});
}

bool GitLabCliTest::branchExists(const std::string& name, const std::string& branch) const
{
    return !m_server->git(name, {"for-each-ref", QString::fromStdString("refs/heads/" + branch)}).empty();
}

std::string GitLabCliTest::commitAsSomeoneElse(const std::string& name, const std::string& branch, const Files& files)
{
    auto workspace = GitWorkspace::open({m_server->url(name), kToken}, branch, "main");
    workspace->replaceFiles(files);
    const auto sha = workspace->commit("Edited by hand", "Someone Else", "someone@example.invalid");
    workspace->push();
    return sha.value_or("");
}

CliRun GitLabCliTest::push(const std::string& repository, const QString& branch, const QString& data, const QStringList& more)
{
    return cli(QStringList{"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", branch, "--data", data} + more);
}

// ---- setup -------------------------------------------------------------------------------------

void GitLabCliTest::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_gitlab = std::make_unique<FakeGitLab>(kToken);
    std::string error;
    m_server = GitHttpServer::start(kToken, error, m_gitlab->port());
    QVERIFY2(m_server, error.c_str());

    // The origin, pushed to team/source: "config" at v1, then with a tenant "later" added.
    m_origin = newDirectory("origin");
    QVERIFY(!fillDataDirectory(m_origin).isEmpty());
    m_originExport = exportOf(m_origin);
    QVERIFY2(m_originExport.contains("tenants/acme.yaml"), qPrintable(shown(m_originExport)));
    QVERIFY2(m_problems.isEmpty(), qPrintable(m_problems.join("\n")));

    const auto source = newRepository("team/source");
    const auto first = push(source, "config", m_origin);
    QVERIFY2(first.exitCode == 0, qPrintable(first.describe()));
    m_firstSha = headOf(source, "config");
    m_server->git(source, {"tag", "-a", "v1", "-m", "first export", QString::fromStdString(m_firstSha)});

    const auto evolved = newDirectory("evolved");
    QVERIFY(!fillDataDirectory(evolved).isEmpty());
    QCOMPARE(cli({"tenant", "create", "--name", "later", "--data", evolved}).exitCode, 0);
    const auto second = push(source, "config", evolved);
    QVERIFY2(second.exitCode == 0, qPrintable(second.describe()));
    m_secondSha = headOf(source, "config");
    QVERIFY(m_secondSha != m_firstSha);
}

void GitLabCliTest::cleanup()
{
    const auto problems = m_problems;
    m_problems.clear();
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n")));
}

// ---- push --------------------------------------------------------------------------------------

void GitLabCliTest::pushCreatesTheBranchOfAnEmptyRepository()
{
    const auto repository = newRepository("team/first");
    const auto pushed = push(repository, "config", m_origin);
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.describe()));

    const auto head = headOf(repository, "config");
    const auto match = kCommitLine.match(pushed.out);
    QVERIFY2(match.hasMatch(), qPrintable(pushed.describe()));
    QCOMPARE(match.captured(1).toStdString(), head);
    QVERIFY2(pushed.out.contains("to config of " + repositoryUrl(repository)), qPrintable(pushed.describe()));
    QVERIFY(!branchExists(repository, "main")); // only the branch asked for

    // The branch holds exactly what `config export` writes: the tree, the manifest, the pipeline.
    const auto files = branchFiles(repository, "config");
    QVERIFY2(files == m_originExport, qPrintable("branch:\n" + shown(files) + "export:\n" + shown(m_originExport)));
    QVERIFY(files.contains("gatehouse-export.yaml"));
    QVERIFY(files.contains("tenants/acme.yaml"));
    QVERIFY(files.contains("consumers/acme/billing.yaml"));
    QVERIFY(files.contains(".gitlab-ci.yml"));
    QVERIFY2(pushed.out.contains(QString("Pushed %1 changed file(s)").arg(files.size())), qPrintable(pushed.describe()));

    // The message: a summary, then one line per file; the author is the user running the command.
    const auto message = m_server->git(repository, {"log", "-1", "--format=%B", "config"});
    QCOMPARE(listed(message.substr(0, message.find('\n'))), QString::fromStdString(kCommitSubject) + QString("%1 added").arg(files.size()));
    for (const auto& [path, text] : files)
        QVERIFY2(message.find("\nadded " + path + "\n") != std::string::npos || message.ends_with("\nadded " + path), message.c_str());
    QCOMPARE(listed(m_server->git(repository, {"log", "-1", "--format=%an", "config"})), kUser + " (gatehouse)");
    QCOMPARE(listed(m_server->git(repository, {"rev-list", "--count", "config"})), QString("1"));
}

void GitLabCliTest::unchangedPushCommitsNothingAndAChangeOnlyItsFile()
{
    const auto data = newDirectory("data");
    const auto consumerId = fillDataDirectory(data);
    const auto repository = newRepository("team/unchanged");
    const auto first = push(repository, "main", data);
    QVERIFY2(first.exitCode == 0, qPrintable(first.describe()));
    const auto firstSha = headOf(repository, "main");

    const auto again = push(repository, "main", data);
    QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
    QVERIFY2(again.out.contains("Nothing to push"), qPrintable(again.describe()));
    QVERIFY2(again.out.contains(QString::fromStdString(firstSha)), qPrintable(again.describe()));
    QCOMPARE(headOf(repository, "main"), firstSha);

    // One entity changed: one commit, one file.
    const auto updated = cli({"consumer", "update", consumerId, "--description", "Billing and invoices", "--data", data});
    QVERIFY2(updated.exitCode == 0, qPrintable(updated.describe()));
    const auto changed = push(repository, "main", data);
    QVERIFY2(changed.exitCode == 0, qPrintable(changed.describe()));
    const auto secondSha = headOf(repository, "main");
    QVERIFY(secondSha != firstSha);
    QCOMPARE(kCommitLine.match(changed.out).captured(1).toStdString(), secondSha);
    QVERIFY2(changed.out.contains("Pushed 1 changed file(s)"), qPrintable(changed.describe()));
    QCOMPARE(m_server->git(repository, {"rev-parse", "main^"}), firstSha);
    QCOMPARE(listed(m_server->git(repository, {"diff", "--name-status", QString::fromStdString(firstSha), "main"})),
        QString("M\tconsumers/acme/billing.yaml"));
    QCOMPARE(listed(m_server->git(repository, {"log", "-1", "--format=%B", "main"})),
        QString::fromStdString(kCommitSubject) + "1 changed\n\nchanged consumers/acme/billing.yaml");
    QVERIFY(branchFiles(repository, "main").at("consumers/acme/billing.yaml").find("Billing and invoices") != std::string::npos);
}

void GitLabCliTest::foreignFilesStayAndStaleTreeFilesGo()
{
    const auto repository = newRepository("team/shared");
    const auto theirs = commitAsSomeoneElse(repository, "main",
        {{"README.md", kReadme}, {".gitlab-ci.yml", kTeamPipeline}, {"gatehouse-export.yaml", "format: gatehouse-config/1\nkeys: included\n"},
            {"tenants/gone.yaml", "name: gone\n"}, {"limits/tenant/gone.yaml", "scope: tenant\nid: gone\nrequests_per_minute: 5\n"}});
    QVERIFY(!theirs.empty());

    const auto pushed = push(repository, "main", m_origin);
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.describe()));
    QCOMPARE(m_server->git(repository, {"rev-parse", "main^"}), theirs);

    const auto files = branchFiles(repository, "main");
    QCOMPARE(files.at("README.md"), kReadme);
    QCOMPARE(files.at(".gitlab-ci.yml"), kTeamPipeline); // the team's edited pipeline is theirs
    QVERIFY(!files.contains("tenants/gone.yaml"));
    QVERIFY(!files.contains("limits/tenant/gone.yaml"));
    auto expected = m_originExport;
    expected["README.md"] = kReadme;
    expected[".gitlab-ci.yml"] = kTeamPipeline;
    QVERIFY2(files == expected, qPrintable("branch:\n" + shown(files) + "expected:\n" + shown(expected)));

    const auto message = m_server->git(repository, {"log", "-1", "--format=%B", "main"});
    QVERIFY2(message.find("removed tenants/gone.yaml") != std::string::npos, message.c_str());
    QVERIFY2(message.find("removed limits/tenant/gone.yaml") != std::string::npos, message.c_str());
    QVERIFY2(message.find("README.md") == std::string::npos && message.find(".gitlab-ci.yml") == std::string::npos, message.c_str());
}

void GitLabCliTest::mergeRequestIsOpenedThenReused()
{
    const auto repository = newRepository("team/review");
    const auto projectId = m_gitlab->addProject("team/review");
    const auto mainSha = commitAsSomeoneElse(repository, "main", {{"README.md", kReadme}});
    const auto before = m_gitlab->requests().size();

    const QStringList mergeRequest = {"--merge-request", "--target", "main", "--title", "Gateway config: acme"};
    const auto opened = push(repository, "gatehouse/update", m_origin, mergeRequest);
    QVERIFY2(opened.exitCode == 0, qPrintable(opened.describe()));
    const auto branchSha = headOf(repository, "gatehouse/update");
    QCOMPARE(m_server->git(repository, {"rev-parse", "gatehouse/update^"}), mainSha); // a new branch starts from --target
    QCOMPARE(headOf(repository, "main"), mainSha);

    auto mergeRequests = m_gitlab->mergeRequests();
    QCOMPARE(mergeRequests.size(), std::size_t(1));
    QCOMPARE(mergeRequests[0].sourceBranch, std::string("gatehouse/update"));
    QCOMPARE(mergeRequests[0].targetBranch, std::string("main"));
    QCOMPARE(mergeRequests[0].title, std::string("Gateway config: acme"));
    QVERIFY2(mergeRequests[0].description.find("added tenants/acme.yaml") != std::string::npos, mergeRequests[0].description.c_str());
    const auto webUrl = QString::fromStdString(m_gitlab->url() + "/team/review/-/merge_requests/" + std::to_string(mergeRequests[0].iid));
    QVERIFY2(opened.out.contains("(opened): " + webUrl), qPrintable(opened.describe()));
    QVERIFY2(opened.out.contains(QString::fromStdString(branchSha)), qPrintable(opened.describe()));

    // The API was reached through the repository's host, with the token in PRIVATE-TOKEN only.
    const auto requests = m_gitlab->requests();
    QVERIFY(requests.size() > before);
    // First the project by its path, then its merge requests by its id.
    QCOMPARE(requests[before].method, std::string("GET"));
    QCOMPARE(requests[before].target, std::string("/api/v4/projects/team%2Freview"));
    const auto byId = "/api/v4/projects/" + std::to_string(projectId) + "/merge_requests";
    for (auto request = requests.begin() + long(before); request != requests.end(); ++request) {
        QCOMPARE(request->header("private-token"), kToken);
        QVERIFY2(request == requests.begin() + long(before) || request->target.starts_with(byId), request->target.c_str());
        QVERIFY2(request->target.find(kToken) == std::string::npos && request->body.find(kToken) == std::string::npos, request->target.c_str());
    }

    // Again, unchanged: nothing pushed, the open merge request reused.
    const auto again = push(repository, "gatehouse/update", m_origin, mergeRequest);
    QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
    QVERIFY2(again.out.contains("Nothing to push"), qPrintable(again.describe()));
    QVERIFY2(again.out.contains("(already open): " + webUrl), qPrintable(again.describe()));
    QCOMPARE(headOf(repository, "gatehouse/update"), branchSha);

    // Again, changed: a new commit on the branch, the same merge request.
    const auto data = newDirectory("review");
    fillDataDirectory(data);
    const auto changed = push(repository, "gatehouse/update", data, mergeRequest);
    QVERIFY2(changed.exitCode == 0, qPrintable(changed.describe()));
    QVERIFY2(changed.out.contains("(already open): " + webUrl), qPrintable(changed.describe()));
    QCOMPARE(m_server->git(repository, {"rev-parse", "gatehouse/update^"}), branchSha);
    mergeRequests = m_gitlab->mergeRequests();
    QCOMPARE(mergeRequests.size(), std::size_t(1));
}

void GitLabCliTest::mergeRequestFailureSaysThePushHappened()
{
    // The repository exists for git, but GitLab's API knows no such project (or the token cannot see it).
    const auto repository = newRepository("team/unlisted");
    const auto pushed = push(repository, "update", m_origin, {"--merge-request", "--target", "main", "--title", "T"});
    QCOMPARE(pushed.exitCode, 1);
    QVERIFY(branchExists(repository, "update"));
    const auto head = headOf(repository, "update");
    QVERIFY2(pushed.err.contains(QString::fromStdString("pushed " + head + " to update")), qPrintable(pushed.describe()));
    QVERIFY2(pushed.err.contains("merge request could not be opened"), qPrintable(pushed.describe()));
    QVERIFY2(pushed.err.contains("404 Project Not Found"), qPrintable(pushed.describe()));
}

// main already holds the export, and the review branch is new: there is nothing to commit, so
// nothing is pushed and the branch does not exist on the server. A merge request from a branch
// GitLab does not have cannot be opened (GitLab answers "Source branch does not exist"), and the
// output must not claim that the branch holds the configuration.
void GitLabCliTest::unchangedNewBranchOpensNoMergeRequestForAMissingBranch()
{
    const auto repository = newRepository("team/current");
    m_gitlab->addProject("team/current");
    const auto onMain = push(repository, "main", m_origin);
    QVERIFY2(onMain.exitCode == 0, qPrintable(onMain.describe()));

    const auto pushed = push(repository, "review", m_origin, {"--merge-request", "--target", "main", "--title", "No-op"});
    const bool branchThere = branchExists(repository, "review");
    const auto mergeRequests = m_gitlab->mergeRequests();
    bool mergeRequestFromMissingBranch = false;
    for (const auto& mergeRequest : mergeRequests)
        mergeRequestFromMissingBranch |= mergeRequest.sourceBranch == "review" && !branchThere;
    QVERIFY2(!mergeRequestFromMissingBranch, qPrintable("a merge request was opened from 'review', which the server does not have:\n"
                                                   + pushed.describe()));
    QVERIFY2(branchThere || !pushed.out.contains("review already holds this configuration"),
        qPrintable("the output says the missing branch holds the configuration:\n" + pushed.describe()));
}

void GitLabCliTest::pushWithoutKeysRemovesTheKeyFiles()
{
    const auto repository = newRepository("team/keyless");
    QCOMPARE(push(repository, "main", m_origin).exitCode, 0);
    const auto withKeys = branchFiles(repository, "main");
    QStringList keyFiles;
    for (const auto& [path, text] : withKeys) {
        if (path.starts_with("keys/"))
            keyFiles << QString::fromStdString(path);
    }
    QCOMPARE(keyFiles.size(), 1);

    const auto pushed = push(repository, "main", m_origin, {"--without-keys"});
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.describe()));
    const auto files = branchFiles(repository, "main");
    for (const auto& [path, text] : files)
        QVERIFY2(!path.starts_with("keys/"), path.c_str());
    QVERIFY2(files.at("gatehouse-export.yaml").find("keys: omitted") != std::string::npos, files.at("gatehouse-export.yaml").c_str());
    for (const auto& [path, text] : files)
        QVERIFY2(text.find("sha256") == std::string::npos, path.c_str());
    QCOMPARE(listed(m_server->git(repository, {"log", "-1", "--format=%B", "main"})),
        QString::fromStdString(kCommitSubject) + "1 changed, 1 removed\n\nchanged gatehouse-export.yaml\nremoved " + keyFiles[0]);
}

// A mistyped --data (or a forgotten one, on a machine whose gateway keeps its data elsewhere) must
// not export an empty store: pushed to the default branch, that commit removes every file of the
// tree, and the generated pipeline then applies it with --prune, deleting the gateway's whole
// configuration.
void GitLabCliTest::pushFromAMissingDataDirectoryPushesNothing()
{
    const auto repository = newRepository("team/typo");
    QCOMPARE(push(repository, "main", m_origin).exitCode, 0);
    const auto before = headOf(repository, "main");

    const auto missing = newDirectory("typo") + "/no-such-data";
    const auto pushed = push(repository, "main", missing);
    QVERIFY2(pushed.exitCode != 0, qPrintable(pushed.describe()));
    QCOMPARE(headOf(repository, "main"), before);
    QVERIFY2(!QFileInfo::exists(missing), "the push created the data directory it was to read");
}

// --remote: the export comes from, and the pull goes to, a running gateway's admin API (token from
// GATEHOUSE_ADMIN_TOKEN), not a data directory.
void GitLabCliTest::pushAndPullReachARemoteGateway()
{
    test::RunningGateway gateway(test::mockGatewayWithAdminListener());
    std::string adminToken;
    {
        Database database(gateway.server().databasePath());
        adminToken = AdminTokenStore(database).create({"test-setup", {}}, "gitops", AdminRole::Admin).plaintext;
    }
    const auto adminUrl = QString("http://127.0.0.1:%1").arg(gateway.server().adminAddress()->port);
    auto remote = environment();
    remote.insert("GATEHOUSE_ADMIN_TOKEN", QString::fromStdString(adminToken));

    QCOMPARE(run({"tenant", "create", "--name", "remote-team", "--remote", adminUrl}, remote).exitCode, 0);
    const auto repository = newRepository("team/remote");
    const auto pushed = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--remote", adminUrl}, remote);
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.describe()));
    const auto files = branchFiles(repository, "main");
    QVERIFY2(files.contains("tenants/remote-team.yaml"), qPrintable(shown(files)));
    QVERIFY2(!files.contains("tenants/acme.yaml"), qPrintable(shown(files)));

    const auto pulled = run({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--remote", adminUrl},
        remote);
    QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.describe()));
    QVERIFY2(pulled.out.contains("Applied to " + adminUrl), qPrintable(pulled.describe()));
    const auto tenants = run({"tenant", "list", "--json", "--remote", adminUrl}, remote);
    QStringList names;
    for (const auto& tenant : QJsonDocument::fromJson(tenants.out.toUtf8()).object()["data"].toArray())
        names << tenant.toObject()["name"].toString();
    QVERIFY2(names.contains("later") && names.contains("acme") && names.contains("remote-team"), qPrintable(names.join(", ")));
    // The admin token is the gateway's secret as much as the GitLab token is GitLab's.
    QVERIFY2(!pushed.says(adminToken) && !pulled.says(adminToken), qPrintable(pulled.describe()));
}

void GitLabCliTest::wrongTokenIsAClearError()
{
    const auto repository = newRepository("team/guarded");
    const auto pushed = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin},
        environment(kWrongToken));
    QCOMPARE(pushed.exitCode, 1);
    QVERIFY2(pushed.err.contains("GitLab refused the token for " + repositoryUrl(repository)), qPrintable(pushed.describe()));
    QVERIFY2(pushed.err.contains("authentication failed"), qPrintable(pushed.describe()));
    QVERIFY(!branchExists(repository, "main"));

    const auto pulled = run({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--data",
                                newDirectory("guarded")},
        environment(kWrongToken));
    QCOMPARE(pulled.exitCode, 1);
    QVERIFY2(pulled.err.contains("GitLab refused the token for " + repositoryUrl("team/source")), qPrintable(pulled.describe()));
    // (run() checks that neither token was printed.)
}

void GitLabCliTest::missingTokenIsAUsageError()
{
    const auto repository = newRepository("team/tokenless");
    const auto pushed = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, environment(""));
    QCOMPARE(pushed.exitCode, 2);
    QVERIFY2(pushed.err.contains("GATEHOUSE_GITLAB_TOKEN"), qPrintable(pushed.describe()));
    QVERIFY(!branchExists(repository, "main"));

    const auto untouched = newDirectory("tokenless") + "/data";
    const auto pulled = run({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--data", untouched},
        environment(""));
    QCOMPARE(pulled.exitCode, 2);
    QVERIFY2(pulled.err.contains("GATEHOUSE_GITLAB_TOKEN"), qPrintable(pulled.describe()));
    QVERIFY2(!QFileInfo::exists(untouched), "a pull without a token created the data directory");

    // An empty variable is no token either.
    auto empty = environment("");
    empty.insert("GATEHOUSE_GITLAB_TOKEN", "");
    const auto blank = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, empty);
    QCOMPARE(blank.exitCode, 2);
    QVERIFY2(blank.err.contains("GATEHOUSE_GITLAB_TOKEN"), qPrintable(blank.describe()));
}

void GitLabCliTest::credentialsInTheUrlAreRefused()
{
    const auto repository = newRepository("team/inline");
    auto url = repositoryUrl(repository);
    url.replace("http://", QString::fromStdString("http://oauth2:" + kWrongToken + "@"));
    const auto pushed = cli({"gitlab", "push", "--repo", url, "--branch", "main", "--data", m_origin});
    QCOMPARE(pushed.exitCode, 1);
    QVERIFY2(pushed.err.contains("user name or password"), qPrintable(pushed.describe()));
    QVERIFY(!branchExists(repository, "main"));

    // Without a token in the environment either: the usage error names the GitLab instance, not
    // the credentials in the URL.
    const auto tokenless = run({"gitlab", "pull", "--import-keys", "--repo", url, "--ref", "main", "--yes", "--data", newDirectory("inline")}, environment(""));
    QVERIFY2(tokenless.exitCode == 1 || tokenless.exitCode == 2, qPrintable(tokenless.describe()));
    QVERIFY2(!tokenless.err.contains(QString::fromStdString(kWrongToken)), qPrintable(tokenless.describe()));
    // (run() checks that no run printed the token in the URL back.)
}

void GitLabCliTest::rejectedPushLeavesNothingBehind()
{
    const auto repository = newRepository("team/protected");
    const auto first = push(repository, "main", m_origin);
    QVERIFY2(first.exitCode == 0, qPrintable(first.describe()));
    const auto before = headOf(repository, "main");
    m_server->rejectPushes(repository, kHookMessage);

    const auto data = newDirectory("protected");
    fillDataDirectory(data); // other keys: a change to push
    const auto refused = push(repository, "main", data);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QString::fromStdString("the push to branch 'main' of " + m_server->url(repository) + " was rejected")),
        qPrintable(refused.describe()));
    QVERIFY2(refused.err.contains(QString::fromStdString(kHookMessage)), qPrintable(refused.describe()));
    QVERIFY2(!refused.out.contains("Pushed"), qPrintable(refused.describe()));
    QCOMPARE(headOf(repository, "main"), before);
    QVERIFY2(refused.leftInTmp.isEmpty(), qPrintable(refused.leftInTmp.join(", ")));
}

void GitLabCliTest::tokenComesFromThePrivateTokenFile()
{
    const auto repository = newRepository("team/stored");
    const auto configHome = newDirectory("xdg-config");
    const auto tokenFile = configHome.toStdString() + "/gatehouse/gitlab-tokens.json";
    storeGitLabToken(m_server->url(repository), kToken, tokenFile);
    QCOMPARE(int(fs::status(tokenFile).permissions() & fs::perms::all), 0600);

    auto fromFile = environment("");
    fromFile.insert("XDG_CONFIG_HOME", configHome);
    const auto pushed = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, fromFile);
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.describe()));
    QCOMPARE(kCommitLine.match(pushed.out).captured(1).toStdString(), headOf(repository, "main"));

    const auto data = newDirectory("stored");
    const auto pulled = run({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl(repository), "--ref", "main", "--yes", "--data", data}, fromFile);
    QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.describe()));

    // A file written by hand, 0600, the same way.
    const auto byHand = newDirectory("xdg-config");
    const auto instance = "http://127.0.0.1:" + QString::number(QUrl(repositoryUrl(repository)).port());
    writeWhole(byHand.toStdString() + "/gatehouse/gitlab-tokens.json",
        QJsonDocument(QJsonObject{{instance, QString::fromStdString(kToken)}}).toJson().toStdString());
    fs::permissions(byHand.toStdString() + "/gatehouse/gitlab-tokens.json", fs::perms::owner_read | fs::perms::owner_write);
    fromFile.insert("XDG_CONFIG_HOME", byHand);
    const auto again = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, fromFile);
    QVERIFY2(again.exitCode == 0 && again.out.contains("Nothing to push"), qPrintable(again.describe()));

    // A file with another instance's token only: no token for this one.
    const auto elsewhere = newDirectory("xdg-config");
    storeGitLabToken("https://gitlab.example.com/group/project.git", kToken, elsewhere.toStdString() + "/gatehouse/gitlab-tokens.json");
    fromFile.insert("XDG_CONFIG_HOME", elsewhere);
    const auto none = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, fromFile);
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.contains("GATEHOUSE_GITLAB_TOKEN"), qPrintable(none.describe()));
}

void GitLabCliTest::tokenFileOthersCanReadIsRefused()
{
    const auto repository = newRepository("team/exposed");
    const auto configHome = newDirectory("xdg-config");
    const auto tokenFile = configHome.toStdString() + "/gatehouse/gitlab-tokens.json";
    storeGitLabToken(m_server->url(repository), kToken, tokenFile);
    fs::permissions(tokenFile, fs::perms(0644));

    auto fromFile = environment("");
    fromFile.insert("XDG_CONFIG_HOME", configHome);
    const auto pushed = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, fromFile);
    QCOMPARE(pushed.exitCode, 1);
    QVERIFY2(pushed.err.contains(QString::fromStdString("chmod 600 " + tokenFile)), qPrintable(pushed.describe()));
    QVERIFY(!branchExists(repository, "main"));
    QCOMPARE(int(fs::status(tokenFile).permissions() & fs::perms::all), 0644); // left for the user to fix

    const auto pulled = run({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--data",
                                newDirectory("exposed")},
        fromFile);
    QCOMPARE(pulled.exitCode, 1);
    QVERIFY2(pulled.err.contains("chmod 600"), qPrintable(pulled.describe()));
}

void GitLabCliTest::environmentTokenWinsOverTheFile()
{
    const auto repository = newRepository("team/both");
    const auto configHome = newDirectory("xdg-config");
    storeGitLabToken(m_server->url(repository), kWrongToken, configHome.toStdString() + "/gatehouse/gitlab-tokens.json");
    auto both = environment(kToken);
    both.insert("XDG_CONFIG_HOME", configHome);
    const auto pushed = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, both);
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.describe()));
}

// ---- pull --------------------------------------------------------------------------------------

void GitLabCliTest::pullAppliesToAnEmptyDataDirectory()
{
    const auto data = newDirectory("pulled");
    // Without --import-keys, the branch's key files are refused: whoever wrote them chose the keys.
    const auto refused = cli({"gitlab", "pull", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--data", data});
    QVERIFY2(refused.exitCode == 1, qPrintable(refused.describe()));
    QVERIFY2(refused.err.contains("--import-keys"), qPrintable(refused.describe()));
    QVERIFY2(refused.err.contains("nothing was applied"), qPrintable(refused.describe()));
    const auto pulled = cli({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--data", data});
    QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.describe()));
    QVERIFY2(pulled.out.contains("Configuration at config of " + repositoryUrl("team/source")), qPrintable(pulled.describe()));
    QVERIFY2(pulled.out.contains("Applied to"), qPrintable(pulled.describe()));
    QVERIFY2(pulled.out.contains("create tenant later"), qPrintable(pulled.describe()));

    // The branch's configuration is now the data directory's: its export is the branch's tree.
    const auto exported = exportOf(data);
    const auto branch = branchFiles("team/source", "config");
    QVERIFY2(exported == branch, qPrintable("export:\n" + shown(exported) + "branch:\n" + shown(branch)));

    // Pulling it again changes nothing.
    const auto again = cli({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--data", data});
    QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
    QVERIFY2(again.out.contains("No changes"), qPrintable(again.describe()));
}

void GitLabCliTest::pullWithoutConfirmationAppliesNothing()
{
    const auto data = newDirectory("unconfirmed");
    // An empty store (a gateway that never had configuration): `config export` refuses a directory
    // without one, which is what a mistyped --data looks like.
    QCOMPARE(cli({"tenant", "list", "--data", data}).exitCode, 0);
    const auto before = exportOf(data);
    const QStringList pull = {"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "v1", "--data", data};

    const auto declined = cli(pull, "n\n");
    QCOMPARE(declined.exitCode, 1);
    QVERIFY2(declined.out.contains("Plan against"), qPrintable(declined.describe()));
    QVERIFY2(declined.out.contains("Apply these changes to"), qPrintable(declined.describe()));
    QVERIFY2(declined.out.contains("Not applied."), qPrintable(declined.describe()));
    QVERIFY2(!declined.out.contains("Applied to"), qPrintable(declined.describe()));
    QVERIFY2(exportOf(data) == before, "a declined pull changed the data directory");

    // No answer at all (stdin closed) is a no as well.
    const auto unanswered = cli(pull);
    QCOMPARE(unanswered.exitCode, 1);
    QVERIFY2(unanswered.out.contains("Not applied."), qPrintable(unanswered.describe()));
    QVERIFY2(exportOf(data) == before, "an unanswered pull changed the data directory");

    const auto confirmed = cli(pull, "y\n");
    QVERIFY2(confirmed.exitCode == 0, qPrintable(confirmed.describe()));
    QVERIFY2(confirmed.out.contains("Applied to"), qPrintable(confirmed.describe()));
    QVERIFY(exportOf(data) == m_originExport);
}

void GitLabCliTest::pullOfABrokenRefAppliesNothing_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QRegularExpression>("problem");
    // The consumer's file is not YAML: the flow sequence never ends (found at the end of the file).
    QTest::newRow("not YAML") << "consumers/acme/billing.yaml" << "tenant: acme\nname: billing\ndescription: [unclosed\n"
                              << kBrokenYamlProblem;
    // Well-formed, but its tenant does not exist.
    QTest::newRow("unknown tenant") << "consumers/ghost/app.yaml" << "tenant: ghost\nname: app\n" << kGhostTenantProblem;
}

// A ref whose tree has a broken file beside a valid new one: the problem is printed where it is,
// and nothing is applied, not even the valid file.
void GitLabCliTest::pullOfABrokenRefAppliesNothing()
{
    QFETCH(QString, file);
    QFETCH(QString, text);
    QFETCH(QRegularExpression, problem);
    auto files = branchFiles("team/source", "config");
    files["tenants/newco.yaml"] = "name: newco\n";
    files[file.toStdString()] = text.toStdString();
    const auto branch = "broken-" + std::to_string(++m_directories);
    commitAsSomeoneElse("team/source", branch, files);

    const auto data = newDirectory("broken");
    QCOMPARE(cli({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "v1", "--yes", "--data", data}).exitCode, 0);
    const auto before = exportOf(data);

    const auto pulled = cli({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", QString::fromStdString(branch), "--yes",
        "--data", data});
    QCOMPARE(pulled.exitCode, 1);
    QVERIFY2(pulled.err.contains(problem), qPrintable(pulled.describe()));
    QVERIFY2(pulled.err.contains("nothing was applied"), qPrintable(pulled.describe()));
    QVERIFY2(!pulled.out.contains("Applied to"), qPrintable(pulled.describe()));
    const auto after = exportOf(data);
    QVERIFY2(after == before, qPrintable("before:\n" + shown(before) + "after:\n" + shown(after)));
    QVERIFY(!after.contains("tenants/newco.yaml"));
}

void GitLabCliTest::pullOfATagOrCommit_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addColumn<bool>("atFirst");
    QTest::newRow("annotated tag") << "v1" << true;
    QTest::newRow("full sha of the first push") << "first" << true;
    QTest::newRow("abbreviated sha of the first push") << "first-short" << true;
    QTest::newRow("full sha of the branch head") << "second" << false;
    QTest::newRow("full branch ref") << "refs/heads/config" << false;
}

void GitLabCliTest::pullOfATagOrCommit()
{
    QFETCH(QString, ref);
    QFETCH(bool, atFirst);
    if (ref == "first")
        ref = QString::fromStdString(m_firstSha);
    else if (ref == "first-short")
        ref = QString::fromStdString(m_firstSha.substr(0, 12));
    else if (ref == "second")
        ref = QString::fromStdString(m_secondSha);

    const auto data = newDirectory("at");
    const auto pulled = cli({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", ref, "--yes", "--data", data});
    QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.describe()));
    QVERIFY2(pulled.out.contains("Configuration at " + ref + " of "), qPrintable(pulled.describe()));
    const auto exported = exportOf(data);
    const auto expected = branchFiles("team/source", atFirst ? m_firstSha : m_secondSha);
    QVERIFY2(exported == expected, qPrintable("export:\n" + shown(exported) + "expected:\n" + shown(expected)));
    QCOMPARE(exported.contains("tenants/later.yaml"), !atFirst);
    if (atFirst)
        QVERIFY(exported == m_originExport);
}

void GitLabCliTest::pullPrunesOnlyWhenAsked()
{
    const auto data = newDirectory("prune");
    const QStringList pull = {"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--yes", "--data", data};
    QCOMPARE(cli(pull + QStringList{"--ref", "config"}).exitCode, 0);
    QVERIFY(exportOf(data).contains("tenants/later.yaml"));

    // v1 has no tenant "later": without --prune it stays...
    const auto kept = cli(pull + QStringList{"--ref", "v1"});
    QVERIFY2(kept.exitCode == 0, qPrintable(kept.describe()));
    QVERIFY(exportOf(data).contains("tenants/later.yaml"));

    // ...with --prune it goes, and the data directory is v1's exactly.
    const auto pruned = cli(pull + QStringList{"--ref", "v1", "--prune"});
    QVERIFY2(pruned.exitCode == 0, qPrintable(pruned.describe()));
    QVERIFY2(pruned.out.contains("delete tenant later"), qPrintable(pruned.describe()));
    const auto exported = exportOf(data);
    QVERIFY2(exported == m_originExport, qPrintable("export:\n" + shown(exported) + "v1:\n" + shown(m_originExport)));
}

void GitLabCliTest::pullOfAnUnknownRefIsNotFound()
{
    const auto data = newDirectory("unknown");
    const auto pulled = cli({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "no-such-branch", "--yes", "--data", data});
    QCOMPARE(pulled.exitCode, 1);
    QVERIFY2(pulled.err.contains("no-such-branch") && pulled.err.contains(repositoryUrl("team/source")), qPrintable(pulled.describe()));
    QVERIFY2(!QFileInfo::exists(data + "/gatehouse.db"), "a failed fetch created a store");

    // A data directory that does not exist is a mistyped --data, not a new gateway: nothing is fetched or made.
    const auto missing = data + "/typo";
    const auto mistyped = cli({"gitlab", "pull", "--import-keys", "--repo", repositoryUrl("team/source"), "--ref", "config", "--yes", "--data", missing});
    QCOMPARE(mistyped.exitCode, 1);
    QVERIFY2(mistyped.err.contains("no data directory " + missing), qPrintable(mistyped.describe()));
    QVERIFY2(!QFileInfo::exists(missing), "a pull created the data directory");
}

// The console's keychain entry, read through secret-tool (here a fake one first on PATH that
// records how it was asked): the token is its output, never an argument of anything.
void GitLabCliTest::tokenComesFromTheKeychain()
{
    const auto repository = newRepository("team/keychain");
    const auto bin = newDirectory("fake-bin");
    const auto asked = bin + "/asked.txt";
    writeWhole(bin.toStdString() + "/secret-tool",
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + asked.toStdString() + "'\nprintf '%s\\n' '" + kToken + "'\n");
    fs::permissions(bin.toStdString() + "/secret-tool", fs::perms::owner_all);
    auto fromKeychain = environment("");
    fromKeychain.insert("PATH", bin + ":" + fromKeychain.value("PATH"));

    const auto pushed = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, fromKeychain);
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.describe()));
    QCOMPARE(kCommitLine.match(pushed.out).captured(1).toStdString(), headOf(repository, "main"));
    QFile question(asked);
    QVERIFY(question.open(QIODevice::ReadOnly));
    const auto instance = "http://127.0.0.1:" + QString::number(QUrl(repositoryUrl(repository)).port());
    QCOMPARE(QString::fromUtf8(question.readAll()).split('\n', Qt::SkipEmptyParts),
        (QStringList{"lookup", "user", "gitlab:" + instance, "server", "gatehouse", "type", "plaintext"}));

    // A keychain without the entry (secret-tool exits 1): the usage error names every place looked in.
    writeWhole(bin.toStdString() + "/secret-tool", "#!/bin/sh\nexit 1\n");
    const auto missing = run({"gitlab", "push", "--repo", repositoryUrl(repository), "--branch", "main", "--data", m_origin}, fromKeychain);
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("GATEHOUSE_GITLAB_TOKEN") && missing.err.contains("keychain") && missing.err.contains("gitlab-tokens.json"),
        qPrintable(missing.describe()));
}

QTEST_GUILESS_MAIN(GitLabCliTest)
#include "GitLabCliTest.moc"
