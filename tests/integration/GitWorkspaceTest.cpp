// The GitLab git transport against a real git server on loopback (nginx + fcgiwrap +
// git-http-backend, basic auth "oauth2:<token>" as GitLab checks it): the first push to an empty
// project creates the branch, later pushes change and remove files, an unchanged export commits
// nothing, a new branch starts from main, read-only checkouts at a branch, tag or SHA; a wrong
// token, a missing repository and a push refused by a hook are plain errors, and the refused push
// leaves the server and the disk as they were. Every git command is recorded: the token is never
// in an argument, only in the environment of network commands, and the askpass script holds none.
// ChildProcess itself: output, exit codes, the clean environment and the deadline.
#include "GitHttpServer.h"
#include "GitWorkspace.h"

#include <QtTest>

#include <csignal>
#include <sys/stat.h>

using namespace gatehouse;
using gatehouse::test::GitHttpServer;

namespace {

const std::string kToken = "glpat-Test0nlyT0ken-4f9c2e";
const std::string kWrongToken = "glpat-Wr0ngT0ken-77aa1b";
const std::string kRotatedToken = "glpat-R0tatedT0ken-0c3d9e";
const std::string kAuthorName = "Gatehouse Export";
const std::string kAuthorEmail = "export@gatehouse.invalid";

struct RecordedCommand {
    std::vector<std::string> arguments;
    std::vector<std::string> environment;
    std::string askPassScript;  // the GIT_ASKPASS file as it was while the command ran
    int askPassMode = -1;
};

std::string readWhole(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string();
}

template <typename Action>
std::optional<GitError> gitErrorOf(Action&& action)
{
    try {
        action();
    } catch (const GitError& error) {
        return error;
    }
    return std::nullopt;
}

const char* kindName(GitError::Kind kind)
{
    switch (kind) {
    case GitError::Kind::AuthenticationFailed: return "AuthenticationFailed";
    case GitError::Kind::NotFound: return "NotFound";
    case GitError::Kind::Rejected: return "Rejected";
    case GitError::Kind::Network: return "Network";
    case GitError::Kind::Timeout: return "Timeout";
    case GitError::Kind::InvalidRequest: return "InvalidRequest";
    case GitError::Kind::Other: return "Other";
    }
    return "?";
}

QString describe(const std::optional<GitError>& error)
{
    return error ? QString("%1: %2").arg(kindName(error->kind()), error->what()) : QString("no error");
}

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

const std::map<std::string, std::string> kFirstExport = {
    {"gatehouse.yaml", "version: 1\n"},
    {"providers/openai.yaml", "name: openai\nbaseUrl: https://api.openai.com\napiKey: ${OPENAI_API_KEY}\n"},
    {"tenants/acme/tenant.yaml", "name: acme\n"},
};

// openai changed, the acme tenant (and with it its directory) removed, a prompt added.
const std::map<std::string, std::string> kSecondExport = {
    {"gatehouse.yaml", "version: 1\n"},
    {"providers/openai.yaml", "name: openai\nbaseUrl: https://eu.api.openai.com\napiKey: ${OPENAI_API_KEY}\n"},
    {"prompts/greeting.yaml", "name: greeting\nversions: []\n"},
};

// Scripts for the ChildProcess cases, outside the test class for moc's sake.
std::vector<std::string> shell(const std::string& script)
{
    return {"/bin/sh", "-c", script};
}
const std::string kOutputScript = "printf 'out'; printf 'err' >&2; exit 3";
const std::string kEnvironmentScript = "printf '%s|%s' \"$GATEHOUSE_PROBE\" \"$HOME\"";
const std::string kGrandchildScript = "sleep 30 & sleep 30";
const std::string kClosedOutputScript = "exec >&- 2>&-; sleep 30";

} // namespace

class GitWorkspaceTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void firstPushToEmptyRepositoryCreatesBranch();
    void laterPushChangesAndRemovesFiles();
    void unchangedFilesCommitNothing();
    void newBranchStartsFromMain();
    void newBranchOfEmptyRepositoryStartsEmpty();
    void openAtRef_data();
    void openAtRef();
    void unknownRefIsNotFound_data();
    void unknownRefIsNotFound();
    void wrongTokenIsAuthenticationFailed();
    void tokenRevokedBeforePushIsAuthenticationFailed();
    void missingRepositoryIsNotFound();
    void rejectedPushCarriesHookMessage();
    void pushOverAChangedBranchIsRejected();
    void unreachableServerIsNetworkError();
    void commandPastItsDeadlineIsTimeout();
    void refusedRemotes_data();
    void refusedRemotes();
    void refusedPaths_data();
    void refusedPaths();
    void tokenOnlyInNetworkEnvironment();

    void childProcessCapturesOutputAndExitCode();
    void childProcessGetsOnlyTheGivenEnvironment();
    void childProcessDeadlineKillsChild();
    void childProcessDeadlineKillsGrandchildren();
    void childProcessDeadlineHoldsWhenOutputIsClosed();
    void childProcessMissingProgramThrows();

private:
    GitRemote remote(const std::string& name, const std::string& token = kToken) const
    {
        return {m_server->url(name), token};
    }
    GitOptions options()
    {
        GitOptions options;
        options.timeout = std::chrono::seconds(60);
        options.runner = [this](const ChildProcessRequest& request) {
            RecordedCommand command{request.arguments, request.environment, {}, -1};
            for (const auto& variable : request.environment)
                if (variable.rfind("GIT_ASKPASS=", 0) == 0) {
                    std::string path = variable.substr(12);
                    command.askPassScript = readWhole(path);
                    struct stat info{};
                    if (::stat(path.c_str(), &info) == 0)
                        command.askPassMode = int(info.st_mode & 07777);
                }
            m_commands.push_back(std::move(command));
            return runChildProcess(request);
        };
        return options;
    }
    // A repository whose main holds kFirstExport (returned: that commit's SHA).
    std::string repositoryWithFirstExport(const std::string& name)
    {
        m_server->createRepository(name);
        auto workspace = GitWorkspace::open(remote(name), "main", "main", options());
        workspace->replaceFiles(kFirstExport);
        auto sha = workspace->commit("Export: first", kAuthorName, kAuthorEmail);
        workspace->push();
        return sha.value_or("");
    }

    std::unique_ptr<GitHttpServer> m_server;
    std::vector<RecordedCommand> m_commands;
    // The "history" repository of openAtRef: kFirstExport tagged, then kSecondExport on main.
    std::string m_firstSha;
    std::string m_secondSha;
    int m_pathsRepositories = 0;
};

void GitWorkspaceTest::initTestCase()
{
    std::string error;
    m_server = GitHttpServer::start(kToken, error);
    QVERIFY2(m_server, error.c_str());

    m_firstSha = repositoryWithFirstExport("history");
    auto workspace = GitWorkspace::open(remote("history"), "main", "main", options());
    workspace->replaceFiles(kSecondExport);
    m_secondSha = workspace->commit("Export: second", kAuthorName, kAuthorEmail).value_or("");
    workspace->push();
    m_server->git("history", {"tag", "-a", "v1", "-m", "first export", QString::fromStdString(m_firstSha)});
    m_server->git("history", {"tag", "light", QString::fromStdString(m_firstSha)});
    QVERIFY(!m_firstSha.empty() && !m_secondSha.empty());
}

// After every case: no recorded command had a token on its command line; only network commands
// carried it, as GATEHOUSE_GIT_TOKEN; the askpass script was private and held no token; and every
// temporary directory was removed.
void GitWorkspaceTest::cleanup()
{
    for (const auto& command : m_commands) {
        std::string commandLine;
        for (const auto& argument : command.arguments)
            commandLine += argument + " ";
        for (const std::string& token : {kToken, kWrongToken, kRotatedToken}) {
            QVERIFY2(!mentions(commandLine, token), commandLine.c_str());
            QVERIFY2(!mentions(command.askPassScript, token), command.askPassScript.c_str());
            for (const auto& variable : command.environment)
                if (mentions(variable, token))
                    QCOMPARE(QString::fromStdString(variable.substr(0, variable.find('=') + 1)),
                        QString("GATEHOUSE_GIT_TOKEN="));
        }
        if (!command.askPassScript.empty())
            QCOMPARE(command.askPassMode, 0700);
        // Every workspace of the case is gone by now, those whose open() failed included.
        for (const auto& variable : command.environment)
            if (variable.rfind("HOME=", 0) == 0) {
                const std::filesystem::path root = std::filesystem::path(variable.substr(5)).parent_path();
                QVERIFY2(!std::filesystem::exists(root), root.c_str());
            }
    }
    m_commands.clear();
}

void GitWorkspaceTest::firstPushToEmptyRepositoryCreatesBranch()
{
    m_server->createRepository("first");
    auto workspace = GitWorkspace::open(remote("first"), "main", "main", options());
    QCOMPARE(workspace->branch(), std::string("main"));
    QVERIFY(workspace->files().empty());
    QVERIFY(workspace->headSha().empty());

    workspace->replaceFiles(kFirstExport);
    std::vector<FileChange> expected = {
        {"gatehouse.yaml", 'A'}, {"providers/openai.yaml", 'A'}, {"tenants/acme/tenant.yaml", 'A'}};
    QVERIFY(workspace->stagedChanges() == expected);
    QVERIFY(mentions(workspace->stagedDiff(), "+name: openai"));

    auto sha = workspace->commit("Export: 3 files\n\nadded providers/openai.yaml", kAuthorName, kAuthorEmail);
    QVERIFY(sha.has_value());
    QCOMPARE(sha->size(), std::size_t(40));
    workspace->push();

    QCOMPARE(m_server->git("first", {"rev-parse", "refs/heads/main"}), *sha);
    QCOMPARE(m_server->git("first", {"log", "-1", "--format=%an <%ae>|%s", "main"}),
        kAuthorName + " <" + kAuthorEmail + ">|Export: 3 files");
    QCOMPARE(m_server->git("first", {"show", "main:providers/openai.yaml"}) + "\n",
        kFirstExport.at("providers/openai.yaml"));
}

void GitWorkspaceTest::laterPushChangesAndRemovesFiles()
{
    std::string firstSha = repositoryWithFirstExport("second");
    auto workspace = GitWorkspace::open(remote("second"), "main", "main", options());
    QVERIFY(workspace->files() == kFirstExport);
    QCOMPARE(workspace->headSha(), firstSha);

    workspace->replaceFiles(kSecondExport);
    std::vector<FileChange> expected = {
        {"prompts/greeting.yaml", 'A'}, {"providers/openai.yaml", 'M'}, {"tenants/acme/tenant.yaml", 'D'}};
    QVERIFY(workspace->stagedChanges() == expected);
    std::string diff = workspace->stagedDiff();
    QVERIFY2(mentions(diff, "-baseUrl: https://api.openai.com") && mentions(diff, "+baseUrl: https://eu.api.openai.com"),
        diff.c_str());
    QVERIFY(!std::filesystem::exists(workspace->directory() / "tenants"));
    QVERIFY(workspace->files() == kSecondExport);

    auto sha = workspace->commit("Export: second", kAuthorName, kAuthorEmail);
    QVERIFY(sha.has_value());
    workspace->push();
    QCOMPARE(m_server->git("second", {"rev-parse", "main"}), *sha);
    QCOMPARE(m_server->git("second", {"rev-parse", "main^"}), firstSha);
    QCOMPARE(m_server->git("second", {"ls-tree", "-r", "--name-only", "main"}),
        std::string("gatehouse.yaml\nprompts/greeting.yaml\nproviders/openai.yaml"));
}

void GitWorkspaceTest::unchangedFilesCommitNothing()
{
    std::string firstSha = repositoryWithFirstExport("unchanged");
    auto workspace = GitWorkspace::open(remote("unchanged"), "main", "main", options());
    workspace->replaceFiles(workspace->files());
    QVERIFY(workspace->stagedChanges().empty());
    QVERIFY(workspace->stagedDiff().empty());
    QVERIFY(!workspace->commit("Export: nothing", kAuthorName, kAuthorEmail).has_value());
    QCOMPARE(workspace->headSha(), firstSha);
}

void GitWorkspaceTest::newBranchStartsFromMain()
{
    std::string mainSha = repositoryWithFirstExport("branching");
    auto workspace = GitWorkspace::open(remote("branching"), "gatehouse/export-1", "main", options());
    QCOMPARE(workspace->branch(), std::string("gatehouse/export-1"));
    QVERIFY(workspace->files() == kFirstExport);

    workspace->replaceFiles(kSecondExport);
    auto sha = workspace->commit("Export: for review", kAuthorName, kAuthorEmail);
    QVERIFY(sha.has_value());
    workspace->push();
    QCOMPARE(m_server->git("branching", {"rev-parse", "refs/heads/gatehouse/export-1"}), *sha);
    QCOMPARE(m_server->git("branching", {"rev-parse", "refs/heads/gatehouse/export-1^"}), mainSha);
    QCOMPARE(m_server->git("branching", {"rev-parse", "refs/heads/main"}), mainSha);
}

void GitWorkspaceTest::newBranchOfEmptyRepositoryStartsEmpty()
{
    m_server->createRepository("empty-branch");
    auto workspace = GitWorkspace::open(remote("empty-branch"), "config", "main", options());
    QVERIFY(workspace->files().empty());
    workspace->replaceFiles(kFirstExport);
    auto sha = workspace->commit("Export: first", kAuthorName, kAuthorEmail);
    QVERIFY(sha.has_value());
    workspace->push();
    QCOMPARE(m_server->git("empty-branch", {"rev-parse", "refs/heads/config"}), *sha);
}

void GitWorkspaceTest::openAtRef_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addColumn<bool>("atFirst");
    QTest::newRow("branch") << "main" << false;
    QTest::newRow("full branch ref") << "refs/heads/main" << false;
    QTest::newRow("annotated tag") << "v1" << true;
    QTest::newRow("lightweight tag") << "light" << true;
    QTest::newRow("full sha of an older commit") << "first-full" << true;
    QTest::newRow("abbreviated sha") << "first-short" << true;
    QTest::newRow("full sha of the branch head") << "second-full" << false;
}

void GitWorkspaceTest::openAtRef()
{
    QFETCH(QString, ref);
    QFETCH(bool, atFirst);
    std::string name = ref.toStdString();
    if (ref == "first-full")
        name = m_firstSha;
    else if (ref == "first-short")
        name = m_firstSha.substr(0, 10);
    else if (ref == "second-full")
        name = m_secondSha;

    auto workspace = GitWorkspace::openAt(remote("history"), name, options());
    QVERIFY(workspace->readOnly());
    QCOMPARE(workspace->headSha(), atFirst ? m_firstSha : m_secondSha);
    QVERIFY(workspace->files() == (atFirst ? kFirstExport : kSecondExport));
    auto error = gitErrorOf([&] { workspace->push(); });
    QVERIFY2(error && error->kind() == GitError::Kind::InvalidRequest, qPrintable(describe(error)));
}

void GitWorkspaceTest::unknownRefIsNotFound_data()
{
    QTest::addColumn<QString>("ref");
    QTest::newRow("name") << "no-such-branch";
    QTest::newRow("full sha") << "0123456789abcdef0123456789abcdef01234567";
    QTest::newRow("abbreviated sha") << "0123456789";
}

void GitWorkspaceTest::unknownRefIsNotFound()
{
    QFETCH(QString, ref);
    auto error = gitErrorOf([&] { GitWorkspace::openAt(remote("history"), ref.toStdString(), options()); });
    QVERIFY2(error && error->kind() == GitError::Kind::NotFound, qPrintable(describe(error)));
    QVERIFY2(mentions(error->what(), ref.toStdString()) && mentions(error->what(), m_server->url("history")),
        error->what());
}

void GitWorkspaceTest::wrongTokenIsAuthenticationFailed()
{
    m_server->createRepository("guarded");
    auto error = gitErrorOf([&] { GitWorkspace::open(remote("guarded", kWrongToken), "main", "main", options()); });
    QVERIFY2(error && error->kind() == GitError::Kind::AuthenticationFailed, qPrintable(describe(error)));
    std::string message = error->what();
    QVERIFY2(mentions(message, "GitLab refused the token for " + m_server->url("guarded")), message.c_str());
    QVERIFY2(mentions(message, "authentication failed"), message.c_str());
    QVERIFY2(!mentions(message, kWrongToken) && !mentions(message, kToken), message.c_str());
}

void GitWorkspaceTest::tokenRevokedBeforePushIsAuthenticationFailed()
{
    std::string firstSha = repositoryWithFirstExport("revoked");
    auto workspace = GitWorkspace::open(remote("revoked"), "main", "main", options());
    workspace->replaceFiles(kSecondExport);
    QVERIFY(workspace->commit("Export: second", kAuthorName, kAuthorEmail).has_value());

    m_server->setToken(kRotatedToken);
    auto error = gitErrorOf([&] { workspace->push(); });
    m_server->setToken(kToken);
    QVERIFY2(error && error->kind() == GitError::Kind::AuthenticationFailed, qPrintable(describe(error)));
    QVERIFY2(!mentions(error->what(), kToken) && !mentions(error->what(), kRotatedToken), error->what());
    QCOMPARE(m_server->git("revoked", {"rev-parse", "main"}), firstSha);
}

void GitWorkspaceTest::missingRepositoryIsNotFound()
{
    auto error = gitErrorOf([&] { GitWorkspace::open(remote("does-not-exist"), "main", "main", options()); });
    QVERIFY2(error && error->kind() == GitError::Kind::NotFound, qPrintable(describe(error)));
    QVERIFY2(mentions(error->what(), "the repository " + m_server->url("does-not-exist") + " was not found"),
        error->what());
}

void GitWorkspaceTest::rejectedPushCarriesHookMessage()
{
    std::string firstSha = repositoryWithFirstExport("protected");
    m_server->rejectPushes("protected", "GitLab: You are not allowed to push code to protected branches on this project.");

    auto workspace = GitWorkspace::open(remote("protected"), "main", "main", options());
    workspace->replaceFiles(kSecondExport);
    QVERIFY(workspace->commit("Export: second", kAuthorName, kAuthorEmail).has_value());
    auto error = gitErrorOf([&] { workspace->push(); });
    QVERIFY2(error && error->kind() == GitError::Kind::Rejected, qPrintable(describe(error)));
    std::string message = error->what();
    QVERIFY2(mentions(message, "the push to branch 'main' of " + m_server->url("protected") + " was rejected: "), message.c_str());
    QVERIFY2(mentions(message, "You are not allowed to push code to protected branches on this project."), message.c_str());
    QVERIFY2(!mentions(message, kToken), message.c_str());

    QCOMPARE(m_server->git("protected", {"rev-parse", "main"}), firstSha);
    const std::filesystem::path checkout = workspace->directory();
    QVERIFY(std::filesystem::exists(checkout));
    workspace.reset();
    QVERIFY(!std::filesystem::exists(checkout));
    QVERIFY(!std::filesystem::exists(checkout.parent_path()));
}

void GitWorkspaceTest::pushOverAChangedBranchIsRejected()
{
    std::string firstSha = repositoryWithFirstExport("raced");
    auto late = GitWorkspace::open(remote("raced"), "main", "main", options());
    auto early = GitWorkspace::open(remote("raced"), "main", "main", options());
    early->replaceFiles(kSecondExport);
    auto earlySha = early->commit("Export: early", kAuthorName, kAuthorEmail);
    early->push();

    auto files = kFirstExport;
    files["gatehouse.yaml"] = "version: 2\n";
    late->replaceFiles(files);
    QVERIFY(late->commit("Export: late", kAuthorName, kAuthorEmail).has_value());
    auto error = gitErrorOf([&] { late->push(); });
    QVERIFY2(error && error->kind() == GitError::Kind::Rejected, qPrintable(describe(error)));
    QVERIFY2(mentions(error->what(), "the branch changed on the server after it was fetched"), error->what());
    QCOMPARE(m_server->git("raced", {"rev-parse", "main"}), earlySha.value_or(""));
}

void GitWorkspaceTest::unreachableServerIsNetworkError()
{
    // Nothing listens on port 1 of the loopback address: the connection is refused at once.
    auto error = gitErrorOf([&] {
        GitWorkspace::open({"http://127.0.0.1:1/group/project.git", kToken}, "main", "main", options());
    });
    QVERIFY2(error && error->kind() == GitError::Kind::Network, qPrintable(describe(error)));
    QVERIFY2(mentions(error->what(), "could not reach http://127.0.0.1:1/group/project.git"), error->what());
}

void GitWorkspaceTest::commandPastItsDeadlineIsTimeout()
{
    m_server->createRepository("slow");
    auto slowOptions = options();
    slowOptions.timeout = std::chrono::seconds(0);
    auto error = gitErrorOf([&] { GitWorkspace::open(remote("slow"), "main", "main", slowOptions); });
    QVERIFY2(error && error->kind() == GitError::Kind::Timeout, qPrintable(describe(error)));
    QVERIFY2(mentions(error->what(), "did not finish within 0 s and was stopped"), error->what());
}

void GitWorkspaceTest::refusedRemotes_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("reason");
    QTest::newRow("credentials in the URL") << "https://oauth2:glpat-InUrl@gitlab.example.com/g/p.git" << "t0ken"
                                            << "must not contain a user name or password";
    QTest::newRow("user in the URL") << "https://oauth2@gitlab.example.com/g/p.git" << "t0ken"
                                     << "must not contain a user name or password";
    QTest::newRow("plain http to another host") << "http://gitlab.example.com/g/p.git" << "t0ken"
                                                << "over plain http to gitlab.example.com";
    QTest::newRow("ssh") << "git@gitlab.example.com:g/p.git" << "t0ken" << "is not an http(s) URL";
    QTest::newRow("option as URL") << "--upload-pack=touch /tmp/x" << "t0ken" << "is not an http(s) URL";
    QTest::newRow("no project") << "https://gitlab.example.com/" << "t0ken" << "names no project";
    QTest::newRow("no token") << "https://gitlab.example.com/g/p.git" << "" << "no GitLab access token";
    QTest::newRow("token with a line break") << "https://gitlab.example.com/g/p.git" << "a\nb" << "line break";
}

void GitWorkspaceTest::refusedRemotes()
{
    QFETCH(QString, url);
    QFETCH(QString, token);
    QFETCH(QString, reason);
    auto error = gitErrorOf([&] {
        GitWorkspace::open({url.toStdString(), token.toStdString()}, "main", "main", options());
    });
    QVERIFY2(error && error->kind() == GitError::Kind::InvalidRequest, qPrintable(describe(error)));
    QVERIFY2(mentions(error->what(), reason.toStdString()), error->what());
    QVERIFY2(!mentions(error->what(), "glpat-InUrl"), error->what());
    QVERIFY(m_commands.empty());
}

void GitWorkspaceTest::refusedPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("parent") << "../outside.yaml" << "'..'";
    QTest::newRow("inner parent") << "providers/../../outside.yaml" << "'..'";
    QTest::newRow("absolute") << "/etc/gatehouse.yaml" << "absolute";
    QTest::newRow("git directory") << ".git/config" << "'.git'";
    QTest::newRow("git directory, other case") << "sub/.GIT/hooks/pre-commit" << "'.git'";
    QTest::newRow("empty part") << "providers//openai.yaml" << "empty part";
    QTest::newRow("file and directory") << "gatehouse.yaml/inner.yaml" << "also given as a file";
}

void GitWorkspaceTest::refusedPaths()
{
    QFETCH(QString, path);
    QFETCH(QString, reason);
    const std::string name = "paths-" + std::to_string(++m_pathsRepositories);
    repositoryWithFirstExport(name);
    auto workspace = GitWorkspace::open(remote(name), "main", "main", options());
    auto files = kSecondExport;
    files[path.toStdString()] = "x: 1\n";
    auto error = gitErrorOf([&] { workspace->replaceFiles(files); });
    QVERIFY2(error && error->kind() == GitError::Kind::InvalidRequest, qPrintable(describe(error)));
    QVERIFY2(mentions(error->what(), reason.toStdString()), error->what());
    // Refused before anything was touched.
    QVERIFY(workspace->files() == kFirstExport);
    QVERIFY(workspace->stagedChanges().empty());
    QVERIFY(!std::filesystem::exists(workspace->directory().parent_path() / "outside.yaml"));
}

void GitWorkspaceTest::tokenOnlyInNetworkEnvironment()
{
    repositoryWithFirstExport("environment");
    bool sawNetwork = false, sawLocal = false;
    for (const auto& command : m_commands) {
        bool network = std::find(command.environment.begin(), command.environment.end(), "GATEHOUSE_GIT_TOKEN=" + kToken)
            != command.environment.end();
        auto has = [&](const std::string& variable) {
            return std::find(command.environment.begin(), command.environment.end(), variable) != command.environment.end();
        };
        QVERIFY(has("GIT_CONFIG_NOSYSTEM=1") && has("GIT_CONFIG_GLOBAL=/dev/null") && has("GIT_TERMINAL_PROMPT=0"));
        QVERIFY(std::find(command.arguments.begin(), command.arguments.end(), "credential.helper=") != command.arguments.end());
        for (const auto& variable : command.environment)
            QVERIFY2(variable.rfind("http_proxy=", 0) != 0 && variable.rfind("https_proxy=", 0) != 0
                    && variable.rfind("HTTPS_PROXY=", 0) != 0, variable.c_str());
        if (network) {
            sawNetwork = true;
            QVERIFY(!command.askPassScript.empty());
        } else {
            sawLocal = true;
            QVERIFY(command.askPassScript.empty());
        }
    }
    QVERIFY(sawNetwork && sawLocal);
}

void GitWorkspaceTest::childProcessCapturesOutputAndExitCode()
{
    ChildProcessRequest request;
    request.arguments = shell(kOutputScript);
    auto result = runChildProcess(request);
    QCOMPARE(result.exitCode, 3);
    QCOMPARE(result.standardOutput, std::string("out"));
    QCOMPARE(result.standardError, std::string("err"));
    QVERIFY(!result.timedOut);
}

void GitWorkspaceTest::childProcessGetsOnlyTheGivenEnvironment()
{
    qputenv("GATEHOUSE_PROBE", "from the parent");
    ChildProcessRequest request;
    request.arguments = shell(kEnvironmentScript);
    request.environment = {"HOME=/nonexistent"};
    auto result = runChildProcess(request);
    qunsetenv("GATEHOUSE_PROBE");
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.standardOutput, std::string("|/nonexistent"));
}

void GitWorkspaceTest::childProcessDeadlineKillsChild()
{
    ChildProcessRequest request;
    request.arguments = {"sleep", "30"};
    request.timeout = std::chrono::milliseconds(100);
    auto result = runChildProcess(request);
    QVERIFY(result.timedOut);
    QCOMPARE(result.exitCode, 128 + SIGKILL);
}

void GitWorkspaceTest::childProcessDeadlineKillsGrandchildren()
{
    // The backgrounded sleep holds the output pipes: only killing the whole group ends the wait.
    ChildProcessRequest request;
    request.arguments = shell(kGrandchildScript);
    request.timeout = std::chrono::milliseconds(100);
    auto result = runChildProcess(request);
    QVERIFY(result.timedOut);
}

void GitWorkspaceTest::childProcessDeadlineHoldsWhenOutputIsClosed()
{
    ChildProcessRequest request;
    request.arguments = shell(kClosedOutputScript);
    request.timeout = std::chrono::milliseconds(100);
    auto result = runChildProcess(request);
    QVERIFY(result.timedOut);
    QCOMPARE(result.exitCode, 128 + SIGKILL);
}

void GitWorkspaceTest::childProcessMissingProgramThrows()
{
    ChildProcessRequest request;
    request.arguments = {"/nonexistent/gatehouse-no-such-program"};
    QVERIFY_THROWS_EXCEPTION(std::system_error, runChildProcess(request));
}

QTEST_GUILESS_MAIN(GitWorkspaceTest)
#include "GitWorkspaceTest.moc"
