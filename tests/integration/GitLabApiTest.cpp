// The GitLab REST API v4 client against a fake GitLab on loopback that answers with GitLab's
// documented fields and error shapes: repository URLs, project lookup, finding, creating and
// reusing merge requests (the 409 race included), and every error as a plain message that never
// holds the token.
#include "gitlab/GitLabApi.h"
#include "json/Json.h"

#include "FakeGitLab.h"
#include "TestHttpClient.h"

#include "GatewayTestSupport.h"

#include <QtTest>

#include <functional>

using namespace gatehouse;
using gatehouse::test::FakeGitLab;
using gatehouse::test::FakeGitLabRequest;

namespace {

constexpr const char* kToken = "glpat-fake-token-0123456789";
constexpr const char* kProjectPath = "group/sub/project";

struct Failure {
    int status = -1; // -1: no GitLabError was thrown
    QString message;
};

Failure failureOf(const std::function<void()>& call)
{
    try {
        call();
    } catch (const GitLabError& error) {
        return {error.status(), QString::fromStdString(error.what())};
    }
    return {};
}

GitLabApi apiFor(const FakeGitLab& gitlab, const std::string& token = kToken, const std::string& path = kProjectPath)
{
    return GitLabApi(parseGitLabRepositoryUrl(gitlab.repositoryUrl(path)), token, {std::chrono::seconds(5), std::chrono::seconds(10)});
}

std::string jsonOf(const Json& json)
{
    return json.dump();
}

Json bodyOf(const FakeGitLabRequest& request)
{
    return Json::parse(request.body, nullptr, false);
}

QString describe(const std::vector<FakeGitLabRequest>& requests)
{
    QStringList lines;
    for (const auto& request : requests)
        lines << QString::fromStdString(request.method + " " + request.target);
    return lines.join("; ");
}

} // namespace

class GitLabApiTest : public QObject {
    Q_OBJECT

private slots:
    void parsesRepositoryUrls_data();
    void parsesRepositoryUrls();
    void rejectsRepositoryUrlsClearly_data();
    void rejectsRepositoryUrlsClearly();

    void looksUpTheProjectByItsEncodedPath();
    void anUnknownProjectIs404();
    void aWrongTokenIs401WithoutTheToken();
    void sendsTheTokenAsPrivateTokenOnly();

    void createsAMergeRequest();
    void reusesAnOpenMergeRequestForTheSameBranches();
    void aConflictingCreateReturnsTheMergeRequestThatWon();
    void aSecondMergeRequestIs409WithGitLabsMessage();
    void aBlankTitleIs400();
    void theFakeAnswersAMissingTitleAsGitLabDoes();
    void errorAnswersBecomePlainMessages_data();
    void errorAnswersBecomePlainMessages();
    void anUnreachableGitLabIsAClearError();
};

void GitLabApiTest::parsesRepositoryUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("apiBase");
    QTest::addColumn<QString>("path");
    QTest::newRow("with .git") << "https://gitlab.example.com/group/sub/project.git"
                               << "https://gitlab.example.com/api/v4" << "group/sub/project";
    QTest::newRow("without .git") << "https://gitlab.example.com/group/project" << "https://gitlab.example.com/api/v4" << "group/project";
    QTest::newRow("trailing slash") << "https://gitlab.example.com/group/project/" << "https://gitlab.example.com/api/v4" << "group/project";
    QTest::newRow("port") << "https://gitlab.example.com:8443/group/project.git" << "https://gitlab.example.com:8443/api/v4"
                          << "group/project";
    QTest::newRow("dots, dashes, underscores") << "https://gitlab.example.com/my-group/gate_house.config.git"
                                               << "https://gitlab.example.com/api/v4" << "my-group/gate_house.config";
    QTest::newRow("http on loopback") << "http://127.0.0.1:8929/group/project.git" << "http://127.0.0.1:8929/api/v4" << "group/project";
    QTest::newRow("http on localhost") << "http://localhost:8929/group/project" << "http://localhost:8929/api/v4" << "group/project";
    QTest::newRow("http on ::1") << "http://[::1]:8929/group/project" << "http://[::1]:8929/api/v4" << "group/project";
}

void GitLabApiTest::parsesRepositoryUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, apiBase);
    QFETCH(QString, path);
    const auto address = parseGitLabRepositoryUrl(url.toStdString());
    QCOMPARE(QString::fromStdString(address.apiBase), apiBase);
    QCOMPARE(QString::fromStdString(address.path), path);
    QCOMPARE(QString::fromStdString(address.instanceUrl()) + "/api/v4", apiBase);
}

void GitLabApiTest::rejectsRepositoryUrlsClearly_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("message");
    QTest::newRow("user:pass@") << "https://oauth2:glpat-secret@gitlab.example.com/group/project.git"
                                << "'https://***@gitlab.example.com/group/project.git' is not a GitLab repository URL: it holds a user "
                                   "name or password (user:pass@); give the URL without them and the token separately";
    QTest::newRow("no path") << "https://gitlab.example.com"
                             << "'https://gitlab.example.com' is not a GitLab repository URL: it names no project; expected "
                                "https://HOST/GROUP/PROJECT.git";
    QTest::newRow("only a slash") << "https://gitlab.example.com/"
                                  << "'https://gitlab.example.com/' is not a GitLab repository URL: it names no project";
    QTest::newRow("a group") << "https://gitlab.example.com/group"
                             << "'https://gitlab.example.com/group' is not a GitLab repository URL: 'group' is a group or user, not a "
                                "project";
    QTest::newRow("ssh") << "git@gitlab.example.com:group/project.git"
                         << "'git@gitlab.example.com:group/project.git' is not a GitLab repository URL: only https:// URLs are supported";
    QTest::newRow("ssh scheme") << "ssh://git@gitlab.example.com/group/project.git" << "is not a GitLab repository URL: only https://";
    QTest::newRow("http elsewhere") << "http://gitlab.example.com/group/project.git"
                                    << "'http://gitlab.example.com/group/project.git' is not a GitLab repository URL: http:// would send "
                                       "the token in clear text; use https://";
    QTest::newRow("a web page") << "https://gitlab.example.com/group/project/-/tree/main"
                                << "is not a GitLab repository URL: it is a web page's URL";
    QTest::newRow("query") << "https://gitlab.example.com/group/project?ref=main" << "it has a query, a fragment or white space";
    QTest::newRow("empty segment") << "https://gitlab.example.com/group//project" << "'' is not a GitLab group or project name";
    QTest::newRow("a user's home") << "https://gitlab.example.com/~user/project"
                                   << "'~user' is not a GitLab group or project name (letters, digits, '_', '-', '.')";
    QTest::newRow("bad port") << "https://gitlab.example.com:99999/group/project" << "its host or port is not valid";
}

void GitLabApiTest::rejectsRepositoryUrlsClearly()
{
    QFETCH(QString, url);
    QFETCH(QString, message);
    const auto failure = failureOf([&] { parseGitLabRepositoryUrl(url.toStdString()); });
    QCOMPARE(failure.status, 0);
    QVERIFY2(failure.message.contains(message), qPrintable(failure.message));
    QVERIFY2(!failure.message.contains("secret"), qPrintable(failure.message));
}

void GitLabApiTest::looksUpTheProjectByItsEncodedPath()
{
    FakeGitLab gitlab(kToken);
    gitlab.addProject("other/project");
    const auto id = gitlab.addProject(kProjectPath, "trunk");
    const auto project = apiFor(gitlab).project();
    QCOMPARE(project.id, id);
    QCOMPARE(project.pathWithNamespace, std::string(kProjectPath));
    QCOMPARE(project.defaultBranch, std::string("trunk"));
    QCOMPARE(project.webUrl, gitlab.url() + "/" + kProjectPath);
    const auto requests = gitlab.requests();
    QCOMPARE(requests.size(), std::size_t(1));
    QCOMPARE(requests[0].method, std::string("GET"));
    QCOMPARE(requests[0].target, std::string("/api/v4/projects/group%2Fsub%2Fproject"));
}

void GitLabApiTest::anUnknownProjectIs404()
{
    FakeGitLab gitlab(kToken);
    gitlab.addProject(kProjectPath);
    const auto failure = failureOf([&] { apiFor(gitlab, kToken, "group/missing").project(); });
    QCOMPARE(failure.status, 404);
    QCOMPARE(failure.message,
        QString::fromStdString("no GitLab project group/missing at " + gitlab.url() + " (404 Project Not Found), or the token cannot see it"));
}

void GitLabApiTest::aWrongTokenIs401WithoutTheToken()
{
    FakeGitLab gitlab(kToken);
    gitlab.addProject(kProjectPath);
    const std::string wrongToken = "glpat-wrong-token-9876543210";
    const auto failure = failureOf([&] { apiFor(gitlab, wrongToken).project(); });
    QCOMPARE(failure.status, 401);
    QCOMPARE(failure.message,
        QString::fromStdString("GitLab at " + gitlab.url()
            + " refused the token (401 Unauthorized): check that it is valid, not expired, and has the api scope"));
    QVERIFY(!failure.message.contains(QString::fromStdString(wrongToken)));
    QVERIFY(!failure.message.contains(kToken));
}

void GitLabApiTest::sendsTheTokenAsPrivateTokenOnly()
{
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    const auto api = apiFor(gitlab);
    api.project();
    api.openMergeRequest(id, "config/export", "main", "Gateway config", "From gatehouse");
    const auto requests = gitlab.requests();
    QCOMPARE(requests.size(), std::size_t(3));
    for (const auto& request : requests) {
        QCOMPARE(request.header("private-token"), std::string(kToken));
        QVERIFY(!request.hasHeader("authorization"));
        QVERIFY(request.target.find(kToken) == std::string::npos);
        QVERIFY(request.body.find(kToken) == std::string::npos);
        for (const auto& [name, value] : request.headers) {
            if (name != "private-token")
                QVERIFY2(value.find(kToken) == std::string::npos, name.c_str());
        }
    }
}

void GitLabApiTest::createsAMergeRequest()
{
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    const auto mergeRequest = apiFor(gitlab).openMergeRequest(id, "config/export-1", "main", "Gateway config: 2 changes", "- provider openai");
    QVERIFY(!mergeRequest.reused);
    QCOMPARE(mergeRequest.iid, std::int64_t(1));
    QVERIFY(mergeRequest.id > 0);
    QCOMPARE(mergeRequest.state, std::string("opened"));
    QCOMPARE(mergeRequest.sourceBranch, std::string("config/export-1"));
    QCOMPARE(mergeRequest.targetBranch, std::string("main"));
    QCOMPARE(mergeRequest.sha.size(), std::size_t(40));
    QCOMPARE(mergeRequest.webUrl, gitlab.url() + "/group/sub/project/-/merge_requests/1");

    const auto requests = gitlab.requests();
    QCOMPARE(requests.size(), std::size_t(2));
    QCOMPARE(requests[0].method, std::string("GET"));
    QCOMPARE(requests[0].target, "/api/v4/projects/" + std::to_string(id)
            + "/merge_requests?state=opened&source_branch=config%2Fexport-1&target_branch=main");
    QCOMPARE(requests[1].method, std::string("POST"));
    QCOMPARE(requests[1].target, "/api/v4/projects/" + std::to_string(id) + "/merge_requests");
    QCOMPARE(requests[1].header("content-type"), std::string("application/json"));
    const auto body = bodyOf(requests[1]);
    QCOMPARE(jsonOf(body),
        jsonOf({{"source_branch", "config/export-1"}, {"target_branch", "main"}, {"title", "Gateway config: 2 changes"},
            {"description", "- provider openai"}}));
    const auto stored = gitlab.mergeRequests();
    QCOMPARE(stored.size(), std::size_t(1));
    QCOMPARE(stored[0].title, std::string("Gateway config: 2 changes"));
}

void GitLabApiTest::reusesAnOpenMergeRequestForTheSameBranches()
{
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    gitlab.addMergeRequest(kProjectPath, "config/export", "main", "An old one", "closed");
    gitlab.addMergeRequest(kProjectPath, "config/export", "release", "Another target");
    const auto open = gitlab.addMergeRequest(kProjectPath, "config/export", "main", "Opened earlier");
    const auto mergeRequest = apiFor(gitlab).openMergeRequest(id, "config/export", "main", "Gateway config", "");
    QVERIFY(mergeRequest.reused);
    QCOMPARE(mergeRequest.iid, open.iid);
    QCOMPARE(mergeRequest.id, open.id);
    QCOMPARE(mergeRequest.sha, open.sha);
    const auto requests = gitlab.requests();
    QVERIFY2(requests.size() == 1 && requests[0].method == "GET", qPrintable(describe(requests)));
    QCOMPARE(gitlab.mergeRequests().size(), std::size_t(3));
}

void GitLabApiTest::aConflictingCreateReturnsTheMergeRequestThatWon()
{
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    gitlab.conflictOnNextCreate();
    const auto mergeRequest = apiFor(gitlab).openMergeRequest(id, "config/export", "main", "Gateway config", "");
    QVERIFY(mergeRequest.reused);
    QCOMPARE(mergeRequest.iid, std::int64_t(1));
    QCOMPARE(mergeRequest.state, std::string("opened"));
    const auto requests = gitlab.requests();
    QVERIFY2(requests.size() == 3 && requests[0].method == "GET" && requests[1].method == "POST" && requests[2].method == "GET",
        qPrintable(describe(requests)));
    const auto stored = gitlab.mergeRequests();
    QCOMPARE(stored.size(), std::size_t(1));
    QCOMPARE(stored[0].title, std::string("Opened by someone else"));
}

void GitLabApiTest::aSecondMergeRequestIs409WithGitLabsMessage()
{
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    gitlab.addMergeRequest(kProjectPath, "other", "main", "Unrelated");
    gitlab.addMergeRequest(kProjectPath, "config/export", "main", "Opened earlier");
    const auto failure = failureOf([&] { apiFor(gitlab).createMergeRequest(id, "config/export", "main", "Gateway config", ""); });
    QCOMPARE(failure.status, 409);
    QCOMPARE(failure.message,
        QString::fromStdString("GitLab at " + gitlab.url() + " could not create a merge request from config/export to main in "
            + kProjectPath + " (409 Conflict): Another open merge request already exists for this source branch: !2"));
}

void GitLabApiTest::aBlankTitleIs400()
{
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    const auto failure = failureOf([&] { apiFor(gitlab).openMergeRequest(id, "config/export", "main", "", ""); });
    QCOMPARE(failure.status, 400);
    QCOMPARE(failure.message,
        QString::fromStdString("GitLab at " + gitlab.url() + " could not create a merge request from config/export to main in "
            + kProjectPath + " (400 Bad Request): title can't be blank"));
    QVERIFY(gitlab.mergeRequests().empty());
}

void GitLabApiTest::theFakeAnswersAMissingTitleAsGitLabDoes()
{
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    TestHttpClient client(gitlab.port());
    const auto response = client.request("POST", "/api/v4/projects/" + std::to_string(id) + "/merge_requests",
        jsonOf({{"source_branch", "config/export"}, {"target_branch", "main"}}),
        {{"PRIVATE-TOKEN", kToken}, {"Content-Type", "application/json"}});
    QCOMPARE(response.status, 400);
    QCOMPARE(Json::parse(response.body, nullptr, false), Json({{"error", "title is missing"}}));
}

void GitLabApiTest::errorAnswersBecomePlainMessages_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message"); // after "GitLab at URL "
    QTest::newRow("400 parameter") << 400 << "application/json" << QString::fromStdString(jsonOf({{"error", "title is missing"}}))
                                   << "could not create a merge request from config/export to main in group/sub/project (400 Bad Request): "
                                      "title is missing";
    QTest::newRow("400 model") << 400 << "application/json"
                               << QString::fromStdString(jsonOf({{"message", {{"source_branch", Json::array({"is invalid"})},
                                                                                 {"base", Json::array({"Branch protection"})}}}}))
                               << "could not create a merge request from config/export to main in group/sub/project (400 Bad Request): "
                                  "source_branch is invalid; Branch protection";
    QTest::newRow("403") << 403 << "application/json" << QString::fromStdString(jsonOf({{"message", "403 Forbidden"}}))
                         << "does not let the token create a merge request from config/export to main in group/sub/project "
                            "(403 Forbidden): the token needs the api scope, and its user a role on group/sub/project that allows it "
                            "(Developer or higher to open merge requests)";
    QTest::newRow("403 scope") << 403 << "application/json"
                               << QString::fromStdString(jsonOf({{"error", "insufficient_scope"},
                                      {"error_description", "The request requires higher privileges than provided by the access token."},
                                      {"scope", "api"}}))
                               << "does not let the token create a merge request from config/export to main in group/sub/project "
                                  "(403 Forbidden: insufficient_scope: The request requires higher privileges than provided by the "
                                  "access token.): the token needs the api scope";
    QTest::newRow("409 array") << 409 << "application/json"
                               << QString::fromStdString(jsonOf({{"message", Json::array({"first", "second"})}}))
                               << "could not create a merge request from config/export to main in group/sub/project (409 Conflict): "
                                  "first; second";
    QTest::newRow("500 page") << 500 << "text/html" << "<html>We're sorry</html>"
                              << "could not create a merge request from config/export to main in group/sub/project "
                                 "(500 Internal Server Error): (Content-Type: text/html) <html>We're sorry</html>";
    QTest::newRow("502 empty") << 502 << "text/plain" << ""
                               << "could not create a merge request from config/export to main in group/sub/project (502 Bad Gateway): "
                                  "an empty body";
    QTest::newRow("201 not JSON") << 201 << "text/html" << "<html>login</html>"
                                  << "answered 201 Created to create a merge request from config/export to main in group/sub/project "
                                     "with something that is not GitLab's JSON (Content-Type: text/html) <html>login</html>";
    QTest::newRow("201 without iid") << 201 << "application/json" << QString::fromStdString(jsonOf({{"id", 5}, {"state", "opened"}}))
                                     << "answered 201 Created to create a merge request from config/export to main in "
                                        "group/sub/project with something that is not GitLab's JSON";
    QTest::newRow("echoed token") << 422 << "application/json"
                                  << QString::fromStdString(jsonOf({{"message", std::string("token ") + kToken + " is odd"}}))
                                  << "could not create a merge request from config/export to main in group/sub/project "
                                     "(422 Unprocessable Entity): token [token] is odd";
}

void GitLabApiTest::errorAnswersBecomePlainMessages()
{
    QFETCH(int, status);
    QFETCH(QString, contentType);
    QFETCH(QString, body);
    QFETCH(QString, message);
    FakeGitLab gitlab(kToken);
    const auto id = gitlab.addProject(kProjectPath);
    gitlab.answerNextRequestWith(status, contentType.toStdString(), body.toStdString());
    const auto failure = failureOf([&] { apiFor(gitlab).createMergeRequest(id, "config/export", "main", "Gateway config", ""); });
    QCOMPARE(failure.status, status);
    const auto expected = QString::fromStdString("GitLab at " + gitlab.url() + " ") + message;
    QVERIFY2(failure.message.startsWith(expected), qPrintable(failure.message));
    QVERIFY(!failure.message.contains(kToken));
}

void GitLabApiTest::anUnreachableGitLabIsAClearError()
{
    const auto url = "http://127.0.0.1:" + std::to_string(test::closedLoopbackPort());
    const GitLabApi api(parseGitLabRepositoryUrl(url + "/group/project.git"), kToken);
    const auto failure = failureOf([&] { api.project(); });
    QCOMPARE(failure.status, 0);
    QCOMPARE(failure.message, QString::fromStdString("cannot connect to GitLab at " + url + ": Connection refused"));
}

QTEST_GUILESS_MAIN(GitLabApiTest)
#include "GitLabApiTest.moc"
