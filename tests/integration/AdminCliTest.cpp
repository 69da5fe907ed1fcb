// `gatehouse tenant|consumer|key|access|audit|admin-token ...` run as processes: on a local data
// directory (acting as cli:$USER) and against a running gateway's admin API (--remote, token from
// the environment), with their exit codes, what goes to stdout and what to stderr.
#include "GatewayTestSupport.h"
#include "TemporaryDataDirectory.h"
#include "store/AdminTokenStore.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <boost/asio.hpp>

#include <thread>

using namespace gatehouse;

namespace {

const QString kUser = "cli-tester";
const QString kModel = "mock-chat"; // served by the in-process gateway of the remote tests
const QRegularExpression kApiKeyLine("^gk-[0-9A-Za-z]{40}\\n$");

struct CliRun {
    int exitCode = -1;
    QString out;
    QString err;
    QString describe() const { return QString("exit %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err); }
};

// The command runs with a known $USER (the audit actor), no admin URL or token inherited from the
// shell running the tests, and a default data directory inside the test's own directory.
QProcessEnvironment cliEnvironment(const std::string& home)
{
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.remove("GATEHOUSE_ADMIN_URL");
    environment.remove("GATEHOUSE_ADMIN_TOKEN");
    environment.insert("USER", kUser);
    environment.insert("XDG_DATA_HOME", QString::fromStdString(home) + "/xdg");
    return environment;
}

CliRun runCli(const QStringList& arguments, const QProcessEnvironment& environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(GATEHOUSE_BINARY, arguments);
    CliRun run;
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(5000);
        run.err = "did not finish within 30 s";
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QJsonObject jsonOf(const CliRun& run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

// A server that is not an admin API: answers one request with a web page, then stops.
class WebPageServer {
public:
    WebPageServer()
        : m_acceptor(m_io, {boost::asio::ip::make_address("127.0.0.1"), 0})
        , m_thread([this] { serveOnce(); })
    {
    }
    ~WebPageServer()
    {
        // If the command never came, this connection ends the wait in accept (otherwise it only
        // lands in the backlog), so a failing test cannot hang here.
        boost::system::error_code ignored;
        boost::asio::ip::tcp::socket wakeUp(m_io);
        wakeUp.connect(m_acceptor.local_endpoint(), ignored);
        wakeUp.close(ignored); // the server's read ends at once
        m_thread.join();
    }
    uint16_t port() const { return m_acceptor.local_endpoint().port(); }

private:
    void serveOnce()
    {
        boost::system::error_code ignored;
        auto socket = m_acceptor.accept(ignored);
        std::string request;
        boost::asio::read_until(socket, boost::asio::dynamic_buffer(request), "\r\n\r\n", ignored);
        const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 21\r\n"
                                   "Connection: close\r\n\r\n<html>welcome</html>\n";
        boost::asio::write(socket, boost::asio::buffer(answer), ignored);
    }

    boost::asio::io_context m_io;
    boost::asio::ip::tcp::acceptor m_acceptor;
    std::thread m_thread;
};

// Two versions of a prompt, as `prompt version add` reads them from files.
const char* kPromptFirst = R"({"model": "mock-chat", "messages": [{"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Greet {{name}}."}], "variables": [{"name": "name"}], "note": "first"})";
const char* kPromptSecond = R"({"model": "mock-chat", "messages": [{"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Greet {{name}}, who is {{age}}."}],
    "variables": [{"name": "name"}, {"name": "age", "type": "integer"}], "note": "with age"})";
const char* kPromptUndeclared = R"({"model": "mock-chat", "messages": [{"role": "user", "content": "Hi {{who}}"}]})";

// Writes `text` to `name` in `directory`; its path.
QString writeFile(const std::string& directory, const QString& name, const char* text)
{
    const auto path = QString::fromStdString(directory) + "/" + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text);
    return path;
}

// The governance flow every mode runs: tenant → consumer → key → access mode → request → approval.
struct FlowResult {
    QString key;
    QString requestId;
};

} // namespace

class AdminCliTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void localFlowFromTenantToApprovedAccess();
    void localKeyCreateWithoutConsumerMakesATenantLevelKey();
    void remoteCommandsTakeUrlAndTokenFromTheEnvironment();
    void remoteOptionsWorkToo();
    void aViewerTokenGets403AndExit1();
    void anUnreachableGatewayIsAClearError_data();
    void anUnreachableGatewayIsAClearError();
    void anAnswerThatIsNotJsonNamesTheUrl();
    void anErrorAnswerPrintsTheApiMessageAndExits1();
    void jsonOutputParses();
    void limitsAndBudgetsAreSetListedAndDeleted();
    void limitsAndBudgetsReachARemoteGateway();
    void usageErrorsExit2_data();
    void usageErrorsExit2();
    void promptsAreVersionedLabelledAndCompared();
    void aPromptTestRunReachesARemoteGateway();

private:
    // Runs the flow with `common` appended to every command (--data DIR, or nothing for the
    // environment's --remote); QVERIFY failures leave `result` incomplete.
    void runFlow(const QStringList& common, FlowResult& result);
    CliRun cli(QStringList arguments, const QStringList& common = {}) { return runCli(arguments << common, m_environment); }
    // Starts the in-process gateway with its admin API, and sets the environment to reach it as `tokenName`.
    void startRemoteGateway(AdminRole role = AdminRole::Admin, const std::string& tokenName = "ops");
    QString adminUrl() const;

    std::unique_ptr<TemporaryDataDirectory> m_home;
    QStringList m_local;                  // --data DIR
    QProcessEnvironment m_environment;
    std::unique_ptr<test::RunningGateway> m_gateway;
    QString m_token;
};

void AdminCliTest::init()
{
    m_home = std::make_unique<TemporaryDataDirectory>();
    QVERIFY(m_home->isValid());
    m_local = QStringList{"--data", QString::fromStdString(m_home->path()) + "/data"};
    m_environment = cliEnvironment(m_home->path());
}

void AdminCliTest::cleanup()
{
    m_gateway.reset();
    m_home.reset();
}

void AdminCliTest::startRemoteGateway(AdminRole role, const std::string& tokenName)
{
    auto config = test::mockGatewayWithAdminListener(kModel.toStdString());
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    Database db(m_gateway->server().databasePath());
    m_token = QString::fromStdString(AdminTokenStore(db).create({"test-setup", {}}, tokenName, role).plaintext);
    m_environment.insert("GATEHOUSE_ADMIN_URL", adminUrl());
    m_environment.insert("GATEHOUSE_ADMIN_TOKEN", m_token);
}

QString AdminCliTest::adminUrl() const
{
    return QString("http://127.0.0.1:%1").arg(m_gateway->server().adminAddress()->port);
}

void AdminCliTest::runFlow(const QStringList& common, FlowResult& result)
{
    const auto tenant = cli({"tenant", "create", "--name", "acme", "--reason", "new team", "--json"}, common);
    QVERIFY2(tenant.exitCode == 0, qPrintable(tenant.describe()));
    const auto tenantId = QString::number(jsonOf(tenant)["id"].toInt());

    const auto consumer = cli({"consumer", "create", "--tenant", tenantId, "--name", "billing", "--description", "Billing app", "--json"}, common);
    QVERIFY2(consumer.exitCode == 0, qPrintable(consumer.describe()));
    const auto consumerId = QString::number(jsonOf(consumer)["id"].toInt());
    QCOMPARE(jsonOf(consumer)["tenant"].toString(), QString("acme"));

    // The key alone on stdout, so `KEY=$(gatehouse key create ...)` captures exactly it.
    const auto key = cli({"key", "create", "--consumer", consumerId, "--name", "reports", "--expires", "30d", "--tag", "env=prod"}, common);
    QVERIFY2(key.exitCode == 0, qPrintable(key.describe()));
    QVERIFY2(kApiKeyLine.match(key.out).hasMatch(), qPrintable(key.describe()));
    QVERIFY2(key.err.contains("name: reports") && key.err.contains("tags.env: prod") && key.err.contains("shown only this once"),
        qPrintable(key.describe()));
    QVERIFY(!key.err.contains(key.out.trimmed()));
    result.key = key.out.trimmed();

    const auto mode = cli({"access", "mode", kModel, "--set", "approval", "--reason", "costly"}, common);
    QVERIFY2(mode.exitCode == 0 && mode.out.contains("mode: approval"), qPrintable(mode.describe()));
    const auto shownMode = cli({"access", "mode", kModel}, common);
    QVERIFY2(shownMode.exitCode == 0 && shownMode.out.contains("mode: approval"), qPrintable(shownMode.describe()));

    const auto request = cli({"access", "request", "--consumer", consumerId, "--model", kModel, "--reason", "monthly reports", "--json"}, common);
    QVERIFY2(request.exitCode == 0, qPrintable(request.describe()));
    QCOMPARE(jsonOf(request)["state"].toString(), QString("pending"));
    result.requestId = QString::number(jsonOf(request)["id"].toInt());

    const auto approve = cli({"access", "approve", result.requestId, "--note", "ok for Q3"}, common);
    QVERIFY2(approve.exitCode == 0 && approve.out.contains("state: approved"), qPrintable(approve.describe()));

    const auto list = cli({"access", "list", "--consumer", consumerId}, common);
    QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
    const auto rows = list.out.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 2); // the header and the request
    QVERIFY2(rows[0].startsWith("ID") && rows[0].contains("STATE"), qPrintable(list.describe()));
    QVERIFY2(rows[1].contains(kModel) && rows[1].contains("approved"), qPrintable(list.describe()));
}

void AdminCliTest::localFlowFromTenantToApprovedAccess()
{
    FlowResult flow;
    runFlow(m_local, flow);
    if (QTest::currentTestFailed())
        return;

    const auto actor = "cli:" + kUser;
    const auto audit = cli({"audit"}, m_local);
    QVERIFY2(audit.exitCode == 0, qPrintable(audit.describe()));
    for (const auto* action : {"tenant.create", "consumer.create", "api_key.create", "model_access.set",
             "access_request.create", "access_request.approve"}) {
        const auto line = QRegularExpression(QString("^\\d+ .*%1 +%2 ").arg(QRegularExpression::escape(actor), QRegularExpression::escape(action)),
            QRegularExpression::MultilineOption);
        QVERIFY2(line.match(audit.out).hasMatch(), qPrintable(QString(action) + " by " + actor + " missing:\n" + audit.out));
    }
    const auto entries = jsonOf(cli({"audit", "--format", "json"}, m_local))["data"].toArray();
    QCOMPARE(entries.size(), 6);
    for (const auto& entry : entries)
        QCOMPARE(entry.toObject()["actor"].toString(), actor);

    const auto csv = cli({"audit", "--format", "csv", "--entity-type", "access_request", "--since", "1h"}, m_local);
    QVERIFY2(csv.exitCode == 0, qPrintable(csv.describe()));
    const auto csvRows = csv.out.split("\r\n", Qt::SkipEmptyParts); // RFC 4180 line ends
    QCOMPARE(csvRows.size(), 3);
    QCOMPARE(csvRows[0], QString("id,at_ms,at,actor,action,entity_type,entity_id,before,after,reason"));
}

void AdminCliTest::localKeyCreateWithoutConsumerMakesATenantLevelKey()
{
    const auto key = cli({"key", "create", "--name", "script", "--tenant", "ops"}, m_local);
    QCOMPARE(key.exitCode, 0);
    QVERIFY2(kApiKeyLine.match(key.out).hasMatch(), qPrintable(key.describe()));
    QVERIFY2(key.err.contains("for tenant 'ops'"), qPrintable(key.describe()));
    const auto keys = jsonOf(cli({"key", "list", "--json"}, m_local))["data"].toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys[0].toObject()["tenant"].toString(), QString("ops"));
    QVERIFY(keys[0].toObject()["consumer_id"].isNull());
}

void AdminCliTest::remoteCommandsTakeUrlAndTokenFromTheEnvironment()
{
    startRemoteGateway(AdminRole::Admin, "ops");
    FlowResult flow;
    runFlow({}, flow);
    if (QTest::currentTestFailed())
        return;

    // The gateway took every change at once: the new key reaches the now-approved model.
    const auto chat = m_gateway->client().postJson("/v1/chat/completions",
        R"({"model":")" + kModel.toStdString() + R"(","messages":[{"role":"user","content":"hi"}]})", flow.key.toStdString());
    QCOMPARE(chat.status, 200);

    // The token's name is the actor; models come with the gateway's served flag.
    const auto audit = jsonOf(cli({"audit", "--json", "--entity-type", "access_request"}));
    QCOMPARE(audit["data"].toArray().size(), 2);
    for (const auto& entry : audit["data"].toArray())
        QCOMPARE(entry.toObject()["actor"].toString(), QString("ops"));
    const auto models = cli({"access", "models"});
    QVERIFY2(models.exitCode == 0 && QRegularExpression("mock-chat +approval +false +true").match(models.out).hasMatch(),
        qPrintable(models.describe()));
    const auto tokens = cli({"admin-token", "list"});
    QVERIFY2(tokens.exitCode == 0 && QRegularExpression("\\bops +admin +gat-").match(tokens.out).hasMatch(), qPrintable(tokens.describe()));
}

void AdminCliTest::remoteOptionsWorkToo()
{
    startRemoteGateway();
    m_environment.remove("GATEHOUSE_ADMIN_URL");
    m_environment.remove("GATEHOUSE_ADMIN_TOKEN");
    const auto created = cli({"tenant", "create", "--name", "flagged", "--remote", adminUrl(), "--token", m_token});
    QVERIFY2(created.exitCode == 0 && created.out.contains("name: flagged"), qPrintable(created.describe()));
    // --data beats an admin URL in the environment: an option given is what was meant.
    m_environment.insert("GATEHOUSE_ADMIN_URL", adminUrl());
    const auto local = cli({"tenant", "list", "--json"}, m_local);
    QVERIFY2(local.exitCode == 0, qPrintable(local.describe()));
    QCOMPARE(jsonOf(local)["total"].toInt(), 0);
}

void AdminCliTest::aViewerTokenGets403AndExit1()
{
    startRemoteGateway(AdminRole::Viewer, "ana");
    const auto refused = cli({"tenant", "create", "--name", "newco"});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.out.isEmpty());
    QVERIFY2(refused.err.startsWith("gatehouse: error: POST /admin/v1/tenants needs the 'admin' role; the admin token 'ana' has "
                                    "the role 'viewer'."),
        qPrintable(refused.describe()));
    const auto read = cli({"tenant", "list"});
    QVERIFY2(read.exitCode == 0, qPrintable(read.describe()));
}

void AdminCliTest::anUnreachableGatewayIsAClearError_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("message");
    const auto port = QString::number(test::closedLoopbackPort());
    QTest::newRow("closed port") << "http://127.0.0.1:" + port
                                 << "gatehouse: error: cannot connect to the admin API at http://127.0.0.1:" + port + ": Connection refused";
    QTest::newRow("not a URL") << "127.0.0.1:" + port
                               << "gatehouse: error: '127.0.0.1:" + port + "' is not an admin API URL: use http://HOST:PORT";
}

void AdminCliTest::anUnreachableGatewayIsAClearError()
{
    QFETCH(QString, url);
    QFETCH(QString, message);
    m_environment.insert("GATEHOUSE_ADMIN_TOKEN", "gat-unused");
    const auto run = cli({"tenant", "list", "--remote", url});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.startsWith(message), qPrintable(run.describe()));
}

void AdminCliTest::anAnswerThatIsNotJsonNamesTheUrl()
{
    WebPageServer server;
    const auto url = QString("http://127.0.0.1:%1").arg(server.port());
    m_environment.insert("GATEHOUSE_ADMIN_TOKEN", "gat-unused");
    const auto run = cli({"tenant", "list", "--remote", url});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.startsWith("gatehouse: error: " + url + " answered 200 with something that is not the admin API's JSON "
                                "(Content-Type: text/html): <html>welcome</html>"),
        qPrintable(run.describe()));
}

void AdminCliTest::anErrorAnswerPrintsTheApiMessageAndExits1()
{
    QCOMPARE(cli({"tenant", "create", "--name", "acme"}, m_local).exitCode, 0);
    const auto duplicate = cli({"tenant", "create", "--name", "acme"}, m_local);
    QCOMPARE(duplicate.exitCode, 1);
    QVERIFY(duplicate.out.isEmpty());
    QVERIFY2(duplicate.err.startsWith("gatehouse: error: tenant 'acme' already exists"), qPrintable(duplicate.describe()));
    const auto invalid = cli({"tenant", "create", "--name", "team a"}, m_local);
    QCOMPARE(invalid.exitCode, 1);
    QVERIFY2(invalid.err.startsWith("gatehouse: error: name: "), qPrintable(invalid.describe()));
}

void AdminCliTest::jsonOutputParses()
{
    QCOMPARE(cli({"tenant", "create", "--name", "acme"}, m_local).exitCode, 0);
    const auto list = cli({"tenant", "list", "--json"}, m_local);
    QCOMPARE(list.exitCode, 0);
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(list.out.toUtf8(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(document.object()["total"].toInt(), 1);
    QCOMPARE(document.object()["data"].toArray()[0].toObject()["name"].toString(), QString("acme"));

    const auto consumer = cli({"consumer", "create", "--tenant", "1", "--name", "app", "--json"}, m_local);
    const auto key = cli({"key", "create", "--consumer", QString::number(jsonOf(consumer)["id"].toInt()), "--name", "k", "--json"}, m_local);
    QCOMPARE(key.exitCode, 0);
    QVERIFY2(jsonOf(key)["key"].toString().startsWith("gk-"), qPrintable(key.describe()));
}

void AdminCliTest::limitsAndBudgetsAreSetListedAndDeleted()
{
    const auto limit = cli({"limit", "set", "--scope", "tenant", "--id", "acme", "--rpm", "600", "--tpm", "200000", "--concurrent",
                               "20", "--reason", "team quota", "--json"},
        m_local);
    QVERIFY2(limit.exitCode == 0, qPrintable(limit.describe()));
    QCOMPARE(jsonOf(limit)["requests_per_minute"].toInt(), 600);
    QCOMPARE(jsonOf(limit)["tokens_per_minute"].toInt(), 200000);
    QCOMPARE(jsonOf(limit)["source"].toString(), QString("store"));

    const auto budget = cli({"budget", "set", "--scope", "consumer", "--id", "acme/app", "--period", "monthly", "--limit-usd", "100",
                                "--soft-usd", "80.5"},
        m_local);
    QVERIFY2(budget.exitCode == 0, qPrintable(budget.describe()));
    QVERIFY2(budget.out.contains("limit_usd: 100") && budget.out.contains("soft_limit_usd: 80.5"), qPrintable(budget.describe()));

    const auto limits = cli({"limit", "list"}, m_local);
    QVERIFY2(limits.exitCode == 0 && QRegularExpression("tenant +acme +600 +200000 +20 +store").match(limits.out).hasMatch(),
        qPrintable(limits.describe()));
    const auto budgets = cli({"budget", "list"}, m_local);
    QVERIFY2(budgets.exitCode == 0 && QRegularExpression("consumer +acme/app +monthly +100.0 +80.5 +- +store").match(budgets.out).hasMatch(),
        qPrintable(budgets.describe()));

    // Refused by the API: its message, exit 1.
    const auto refused = cli({"limit", "set", "--scope", "consumer", "--id", "app", "--rpm", "1"}, m_local);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("a consumer is named tenant/consumer"), qPrintable(refused.describe()));

    QCOMPARE(cli({"limit", "delete", "tenant", "acme", "--reason", "done"}, m_local).exitCode, 0);
    QCOMPARE(cli({"budget", "delete", "consumer", "acme/app", "monthly"}, m_local).exitCode, 0);
    QCOMPARE(jsonOf(cli({"limit", "list", "--json"}, m_local))["total"].toInt(), 0);
    QCOMPARE(jsonOf(cli({"budget", "list", "--json"}, m_local))["total"].toInt(), 0);
    const auto again = cli({"limit", "delete", "tenant", "acme"}, m_local);
    QCOMPARE(again.exitCode, 1);

    const auto audit = jsonOf(cli({"audit", "--json", "--entity-type", "rate_limit"}, m_local))["data"].toArray();
    QCOMPARE(audit.size(), 2);
    QCOMPARE(audit[0].toObject()["action"].toString(), QString("rate_limit.delete"));
    QCOMPARE(audit[1].toObject()["reason"].toString(), QString("team quota"));
    QCOMPARE(audit[1].toObject()["actor"].toString(), QString("cli:") + kUser);
}

void AdminCliTest::limitsAndBudgetsReachARemoteGateway()
{
    startRemoteGateway();
    const auto limit = cli({"limit", "set", "--scope", "tenant", "--id", "default", "--rpm", "0"});
    QVERIFY2(limit.exitCode == 0, qPrintable(limit.describe()));
    const auto key = m_gateway->server().createKey("cli-limit");
    const auto chat = m_gateway->client().postJson("/v1/chat/completions",
        R"({"model":")" + kModel.toStdString() + R"(","messages":[{"role":"user","content":"hi"}]})", key);
    QCOMPARE(chat.status, 429);
    QCOMPARE(cli({"limit", "delete", "tenant", "default"}).exitCode, 0);
    const auto again = m_gateway->client().postJson("/v1/chat/completions",
        R"({"model":")" + kModel.toStdString() + R"(","messages":[{"role":"user","content":"hi"}]})", key);
    QCOMPARE(again.status, 200);
}

void AdminCliTest::usageErrorsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing option") << QStringList{"tenant", "create"} << "--name is required";
    QTest::newRow("unknown option") << QStringList{"tenant", "list", "--colour"} << "--colour";
    QTest::newRow("no subcommand") << QStringList{"access"} << "A subcommand is required";
    QTest::newRow("bad duration") << QStringList{"key", "rotate", "1", "--grace", "soon"} << "'soon' is not a duration";
    QTest::newRow("bad time") << QStringList{"audit", "--since", "yesterday"} << "'yesterday' is not an ISO 8601 time";
    QTest::newRow("not a number") << QStringList{"consumer", "list", "--tenant", "acme"} << "'acme' is not a whole number";
    QTest::newRow("not KEY=VALUE") << QStringList{"key", "create", "--consumer", "1", "--name", "k", "--tag", "prod"} << "'prod' is not KEY=VALUE";
    QTest::newRow("set options without --set") << QStringList{"access", "mode", "m", "--auto-approve"} << "--auto-approve needs --set";
    QTest::newRow("--token without --remote") << QStringList{"tenant", "list", "--token", "gat-x"} << "--token is for --remote";
    QTest::newRow("--remote without a token") << QStringList{"tenant", "list", "--remote", "http://127.0.0.1:9"} << "needs an admin token: set GATEHOUSE_ADMIN_TOKEN";
    QTest::newRow("--data and --remote") << QStringList{"tenant", "list", "--data", "d", "--remote", "http://127.0.0.1:9"} << "excludes";
    QTest::newRow("amount not a number") << QStringList{"budget", "set", "--scope", "tenant", "--id", "a", "--limit-usd", "lots"}
                                         << "'lots' is not a number";
    QTest::newRow("budget without limit") << QStringList{"budget", "set", "--scope", "tenant", "--id", "a"} << "--limit-usd is required";
    QTest::newRow("tenant key with consumer options") << QStringList{"key", "create", "--name", "k", "--expires", "1d"} << "--expires needs --consumer";
    QTest::newRow("split not a version") << QStringList{"prompt", "label", "set", "greet", "production", "1:x"}
                                         << "'1:x' is not VERSION or VERSION:WEIGHT";
    QTest::newRow("label without a version") << QStringList{"prompt", "label", "set", "greet", "production"} << "SPLIT is required";
    QTest::newRow("version file missing") << QStringList{"prompt", "version", "add", "greet", "/nonexistent/v.json"}
                                          << "FILE: cannot read '/nonexistent/v.json'";
    QTest::newRow("vars file missing") << QStringList{"prompt", "test-run", "greet", "1", "--vars-file", "/nonexistent/vars.json"}
                                       << "--vars-file: cannot read";
    QTest::newRow("prompt without a subcommand") << QStringList{"prompt", "version"} << "A subcommand is required";
}

void AdminCliTest::usageErrorsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto run = cli(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains(message), qPrintable(run.describe()));
}

void AdminCliTest::promptsAreVersionedLabelledAndCompared()
{
    const auto created = cli({"prompt", "create", "greet", "--description", "greets people", "--reason", "onboarding"}, m_local);
    QVERIFY2(created.exitCode == 0 && created.out.contains("name: greet"), qPrintable(created.describe()));
    const auto first = cli({"prompt", "version", "add", "greet", writeFile(m_home->path(), "v1.json", kPromptFirst), "--reason", "start"}, m_local);
    QVERIFY2(first.exitCode == 0 && first.out.startsWith("version: 1\n"), qPrintable(first.describe()));
    // The messages as a table below the version's fields.
    QVERIFY2(QRegularExpression("\\nROLE +CONTENT\\nsystem +Be brief\\.\\nuser +Greet \\{\\{name\\}\\}\\.").match(first.out).hasMatch(),
        qPrintable(first.describe()));
    const auto second = cli({"prompt", "version", "add", "greet", writeFile(m_home->path(), "v2.json", kPromptSecond), "--json"}, m_local);
    QVERIFY2(second.exitCode == 0, qPrintable(second.describe()));
    QCOMPARE(jsonOf(second)["version"].toInt(), 2);

    // A refused version: the API's message naming the field and the placeholder's place.
    const auto refused = cli({"prompt", "version", "add", "greet", writeFile(m_home->path(), "bad.json", kPromptUndeclared)}, m_local);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.startsWith("gatehouse: error: messages[0].content: The placeholder at message 1, line 1, column 4 uses variable 'who'"),
        qPrintable(refused.describe()));

    const auto label = cli({"prompt", "label", "set", "greet", "production", "1:90", "2:10", "--reason", "a/b test", "--json"}, m_local);
    QVERIFY2(label.exitCode == 0, qPrintable(label.describe()));
    const auto split = jsonOf(label)["split"].toArray();
    QCOMPARE(split.size(), 2);
    QCOMPARE(split[0].toObject()["weight"].toInt(), 90);
    QCOMPARE(split[1].toObject()["version"].toInt(), 2);
    const auto moved = cli({"prompt", "label", "set", "greet", "production", "2"}, m_local);
    QVERIFY2(moved.exitCode == 0 && moved.out.contains(R"(split: [{"version":2,"weight":1}])"), qPrintable(moved.describe()));
    const auto missing = cli({"prompt", "label", "set", "greet", "staging", "7"}, m_local);
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("split[0].version: prompt 'greet' has no version 7"), qPrintable(missing.describe()));

    const auto diff = cli({"prompt", "diff", "greet", "1", "2"}, m_local);
    QVERIFY2(diff.exitCode == 0, qPrintable(diff.describe()));
    QVERIFY2(diff.out.startsWith("--- version 1\n+++ version 2\n"), qPrintable(diff.describe()));
    QVERIFY2(diff.out.contains(R"(note: "first" -> "with age")"), qPrintable(diff.describe()));
    QVERIFY2(diff.out.contains("@@ message 2 (user) @@\n-Greet {{name}}.\n+Greet {{name}}, who is {{age}}.\n"), qPrintable(diff.describe()));
    QVERIFY2(!diff.out.contains("message 1"), qPrintable(diff.describe())); // unchanged: not shown
    QVERIFY2(cli({"prompt", "diff", "greet", "2", "2"}, m_local).out.contains("No differences."), "diff of a version with itself");

    const auto show = cli({"prompt", "show", "greet"}, m_local);
    QVERIFY2(show.exitCode == 0 && QRegularExpression("\\n2 +mock-chat +with age +cli:cli-tester ").match(show.out).hasMatch(),
        qPrintable(show.describe()));
    const auto list = cli({"prompt", "list"}, m_local);
    QVERIFY2(QRegularExpression("greet +2 +greets people").match(list.out).hasMatch(), qPrintable(list.describe()));
    const auto stats = cli({"prompt", "stats", "greet", "--since", "1h"}, m_local);
    QVERIFY2(stats.exitCode == 0 && stats.out.startsWith("prompt: greet\n") && stats.err.contains("No data to list."),
        qPrintable(stats.describe()));
    // No data plane here: a test run says so.
    const auto run = cli({"prompt", "test-run", "greet", "1", "--var", "name=Ada"}, m_local);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("needs the running gateway"), qPrintable(run.describe()));

    const auto audit = jsonOf(cli({"audit", "--json", "--entity-type", "prompt"}, m_local))["data"].toArray();
    QCOMPARE(audit.size(), 5); // create, two versions, a label created and moved
    QCOMPARE(audit[1].toObject()["reason"].toString(), QString("a/b test"));
    QCOMPARE(audit[4].toObject()["reason"].toString(), QString("onboarding"));
    QCOMPARE(audit[3].toObject()["reason"].toString(), QString("start"));

    QCOMPARE(cli({"prompt", "label", "delete", "greet", "production"}, m_local).exitCode, 0);
    QCOMPARE(cli({"prompt", "delete", "greet", "--reason", "done"}, m_local).exitCode, 0);
    QCOMPARE(jsonOf(cli({"prompt", "list", "--json"}, m_local))["total"].toInt(), 0);
}

void AdminCliTest::aPromptTestRunReachesARemoteGateway()
{
    startRemoteGateway(AdminRole::Operator, "otto");
    QCOMPARE(cli({"prompt", "create", "greet"}).exitCode, 0);
    QCOMPARE(cli({"prompt", "version", "add", "greet", writeFile(m_home->path(), "v2.json", kPromptSecond)}).exitCode, 0);
    const auto vars = writeFile(m_home->path(), "vars.json", R"({"name": "Ada"})");
    const auto run = cli({"prompt", "test-run", "greet", "1", "--vars-file", vars, "--var", "age=36", "--reason", "smoke"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(run.out.contains("status: 200\n") && run.out.contains("--- rendered\n[system] Be brief.\n[user] Greet Ada, who is 36.\n--- answer\n"),
        qPrintable(run.describe()));
    const auto requestId = QRegularExpression("request_id: (\\S+)").match(run.out).captured(1).toStdString();
    const auto record = test::callRecord(m_gateway->server(), requestId);
    QCOMPARE(record["prompt"], QString("greet"));
    QVERIFY2(record["tags"].contains(R"("gatehouse_actor":"otto")"), qPrintable(record["tags"]));

    // The data plane's refusal is the run's answer, not the command's failure.
    const auto elsewhere = cli({"prompt", "test-run", "greet", "1", "--var", "name=Bo", "--var", "age=1", "--model", "nope"});
    QVERIFY2(elsewhere.exitCode == 0 && elsewhere.out.contains("status: 404\n") && elsewhere.out.contains("error: "),
        qPrintable(elsewhere.describe()));
    const auto mistyped = cli({"prompt", "test-run", "greet", "1", "--var", "name=Bo", "--var", "age=old"});
    QCOMPARE(mistyped.exitCode, 1);
    QVERIFY2(mistyped.err.startsWith("gatehouse: error: variables.age: "), qPrintable(mistyped.describe()));
}

QTEST_GUILESS_MAIN(AdminCliTest)
#include "AdminCliTest.moc"
