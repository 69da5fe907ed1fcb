// The GitLab page and its controller (GitLabSync) end to end: a real git server on loopback (nginx +
// fcgiwrap + git-http-backend, basic auth "oauth2:<token>" as GitLab checks it), two real in-process
// gateways through their in-process admin clients, and no keychain (the session bus points nowhere:
// the token goes to the 0600 file under a temporary XDG_CONFIG_HOME). Through the page's own fields
// and buttons: the token stored and never shown; a preview of the export with its changed files and
// diff; the push landing on the server (the SHA is the branch's head there) and in the history; an
// unchanged export with nothing to push; a second change as a minimal diff; the branch imported into
// an empty second gateway, planned, applied after the confirmation and planned again as nothing to
// do; a preview and a pruned plan shown together; a wrong token and a broken file said plainly, the
// token in no message or log line; a merge request opened through the page's option on a fake GitLab
// answering /api/v4/ on the git server's host (FakeGitLab behind GitHttpServer), then reused. With
// GATEHOUSE_SCREENSHOT=FILE it saves the page with that preview and plan
// (docs/images/console-gitlab.png, docs/console.md).
#include "AdminConnection.h"
#include "GatewayController.h"
#include "GitLabSync.h"
#include "InProcessAdminClient.h"
#include "MainWindowLoader.h"

#include "FakeGitLab.h"
#include "GatewayTestSupport.h"
#include "GitHttpServer.h"
#include "QtMessageLog.h"
#include "gitlab/GitWorkspace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <memory>
#include <optional>

Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

using namespace gatehouse;
using gatehouse::test::FakeGitLab;
using gatehouse::test::GitHttpServer;

namespace {

constexpr int kTimeoutMs = 60000; // a bound for a clone or a push on a busy machine, not a wait

const std::string kToken = "glpat-C0nsolePageTest-5d7e21";
const std::string kWrongToken = "glpat-Wr0ngC0nsoleT0ken-a1b2c3";
const std::string kProject = "platform/gateway-config";
const QString kBranch = QStringLiteral("gatehouse/config");


QList<QQuickItem*> itemsNamed(QQuickItem* root, const QString& name)
{
    QList<QQuickItem*> found;
    if (root->objectName() == name)
        found.append(root);
    for (QQuickItem* child : root->childItems())
        found += itemsNamed(child, name);
    return found;
}

// One admin request, answered.
AdminReply call(AdminClient& client, const QString& method, const QString& target, const QJsonObject& body = {})
{
    auto reply = std::make_shared<std::optional<AdminReply>>();
    client.send(method, target, body, [reply](const AdminReply& answer) { *reply = answer; });
    if (!QTest::qWaitFor([&] { return reply->has_value(); }, kTimeoutMs))
        return AdminReply::unreachable(QStringLiteral("no answer"));
    return **reply;
}

// The gateway's tenants by name, sorted.
QStringList tenantNames(AdminClient& client)
{
    QStringList names;
    for (const QJsonValue& tenant : call(client, QStringLiteral("GET"), QStringLiteral("/admin/v1/tenants?limit=100")).body.toObject().value("data").toArray())
        names << tenant.toObject().value("name").toString();
    names.sort();
    return names;
}

QStringList changedPaths(const GitLabSync& sync)
{
    QStringList paths;
    for (const QVariant& file : sync.changedFiles())
        paths << file.toMap().value(QStringLiteral("status")).toString() + QLatin1Char(' ') + file.toMap().value(QStringLiteral("path")).toString();
    return paths;
}

// A tenant file with a member a tenant does not have: what a reviewer should have caught.
const std::string kBrokenTenant = "name: acme\ncolour: blue\n";

} // namespace

class GitLabPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void theTokenIsStoredAndNeverShown();
    void aPreviewShowsTheChangedFilesAndTheDiff();
    void thePushLandsOnTheServerAndInTheHistory();
    void anUnchangedExportHasNothingToPush();
    void aLaterChangeIsAMinimalDiff();
    void theBranchIsImportedIntoAnEmptyGateway();
    void aPreviewAndAPlanShowTogether();
    void aRepositoryChangedMidwayStopsThePreview();
    void aWrongTokenIsAPlainError();
    void aBrokenFileIsAProblemAndNothingApplies();
    void aMergeRequestIsOpenedThenReused();
    void thePageIsInTheConsolesNavigation();

private:
    QQuickItem* item(const QString& name) const;
    QString textOf(const QString& name) const;
    bool preview();
    bool push();
    bool plan(const QString& ref);

    QTemporaryDir m_home;
    std::unique_ptr<test::QtMessageLog> m_log; // every message Qt logged: none may hold a token
    std::unique_ptr<FakeGitLab> m_gitlab; // GitLab's API, behind m_server's /api/v4/: outlives it
    std::unique_ptr<GitHttpServer> m_server;
    std::string m_url;
    std::unique_ptr<test::RunningGateway> m_source;
    std::unique_ptr<test::RunningGateway> m_target;
    std::unique_ptr<InProcessAdminClient> m_sourceClient;
    std::unique_ptr<InProcessAdminClient> m_targetClient;
    std::unique_ptr<GitLabSync> m_sync;
    QQmlEngine m_engine;
    QQuickWindow m_window;
    std::unique_ptr<QQuickItem> m_page;
    QString m_firstSha;
};

void GitLabPageTest::initTestCase()
{
    m_log = std::make_unique<test::QtMessageLog>();
    QVERIFY(m_home.isValid());
    // A home of its own: the token file (~/.config/gatehouse) and the history (the console's data
    // location, ~/.local/share/gatehouse-console) land there, under the names the console uses.
    qputenv("HOME", m_home.path().toUtf8());
    qunsetenv("XDG_CONFIG_HOME");
    qunsetenv("XDG_DATA_HOME");
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse-console"));
    qputenv("DBUS_SESSION_BUS_ADDRESS", QByteArray("unix:path=") + m_home.filePath(QStringLiteral("no-bus")).toUtf8());

    // GitLab's API on the repository's host, as GitLab serves both: where ConfigPush finds it.
    m_gitlab = std::make_unique<FakeGitLab>(kToken);
    m_gitlab->addProject(kProject);
    std::string error;
    m_server = GitHttpServer::start(kToken, error, m_gitlab->port());
    QVERIFY2(m_server, error.c_str());
    m_url = m_server->createRepository(kProject);

    m_source = std::make_unique<test::RunningGateway>(test::mockGatewayWithAdminListener("mock-chat"));
    m_target = std::make_unique<test::RunningGateway>(test::mockGatewayWithAdminListener("mock-chat"));
    m_sourceClient = std::make_unique<InProcessAdminClient>([this]() -> GatewayServer* { return &m_source->server(); });
    m_targetClient = std::make_unique<InProcessAdminClient>([this]() -> GatewayServer* { return &m_target->server(); });
    QQmlEngine::setObjectOwnership(m_sourceClient.get(), QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(m_targetClient.get(), QQmlEngine::CppOwnership);

    // What the source gateway's configuration holds: a tenant with a consumer.
    const AdminReply tenant = call(*m_sourceClient, QStringLiteral("POST"), QStringLiteral("/admin/v1/tenants"), {{"name", "acme"}});
    QVERIFY2(tenant.ok(), qPrintable(tenant.errorMessage));
    const AdminReply consumer = call(*m_sourceClient, QStringLiteral("POST"), QStringLiteral("/admin/v1/consumers"),
        {{"tenant_id", tenant.body.toObject().value("id")}, {"name", "billing"}, {"description", "Monthly invoices"}});
    QVERIFY2(consumer.ok(), qPrintable(consumer.errorMessage));

    m_sync = std::make_unique<GitLabSync>();
    QCOMPARE(m_sync->history()->path(), m_home.filePath(QStringLiteral(".local/share/gatehouse-console/gitlab-exports.json")));
    m_sync->setClient(m_sourceClient.get());
    QQmlEngine::setObjectOwnership(m_sync.get(), QQmlEngine::CppOwnership);

    m_engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    QQmlComponent component(&m_engine);
    component.setData("import QtQuick\nimport Gatehouse.Console\nGitLabPage { width: 1280; height: 1640; openLinks: false }\n", QUrl());
    m_page.reset(qobject_cast<QQuickItem*>(
        component.createWithInitialProperties({{QStringLiteral("sync"), QVariant::fromValue<QObject*>(m_sync.get())}})));
    QVERIFY2(m_page, qPrintable(component.errorString()));
    m_page->setParentItem(m_window.contentItem());
    m_window.resize(1280, 1640);
    m_window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&m_window));

    // The repository as typed into the page.
    item(QStringLiteral("repositoryField"))->setProperty("text", QString::fromStdString(m_url));
    QCOMPARE(m_sync->repository(), QString::fromStdString(m_url));
}

void GitLabPageTest::cleanupTestCase()
{
    m_page.reset();
    m_sync.reset();
    m_sourceClient.reset();
    m_targetClient.reset();
    m_source.reset();
    m_target.reset();
    const auto messages = m_log->messages();
    m_log.reset();
    for (const QString& message : messages) {
        QVERIFY2(!message.contains(QString::fromStdString(kToken)) && !message.contains(QString::fromStdString(kWrongToken)),
            qPrintable(message));
    }
}

QQuickItem* GitLabPageTest::item(const QString& name) const
{
    const auto found = itemsNamed(m_page.get(), name);
    return found.isEmpty() ? nullptr : found.first();
}

QString GitLabPageTest::textOf(const QString& name) const
{
    QQuickItem* found = item(name);
    return found ? found->property("text").toString() : QString();
}

bool GitLabPageTest::preview()
{
    QSignalSpy finished(m_sync.get(), &GitLabSync::previewFinished);
    QMetaObject::invokeMethod(m_page.get(), "preview");
    if (!finished.wait(kTimeoutMs) || !finished.at(0).at(0).toBool()) {
        qWarning("preview: %s", qPrintable(m_sync->errorText()));
        return false;
    }
    return true;
}

bool GitLabPageTest::push()
{
    QSignalSpy finished(m_sync.get(), &GitLabSync::pushFinished);
    QMetaObject::invokeMethod(m_page.get(), "push");
    if (!finished.wait(kTimeoutMs) || !finished.at(0).at(0).toBool()) {
        qWarning("push: %s", qPrintable(m_sync->errorText()));
        return false;
    }
    return true;
}

bool GitLabPageTest::plan(const QString& ref)
{
    item(QStringLiteral("refField"))->setProperty("text", ref);
    QSignalSpy finished(m_sync.get(), &GitLabSync::planFinished);
    QMetaObject::invokeMethod(m_page.get(), "plan");
    if (!finished.wait(kTimeoutMs) || !finished.at(0).at(0).toBool()) {
        qWarning("plan: %s", qPrintable(m_sync->errorText()));
        return false;
    }
    return true;
}

void GitLabPageTest::theTokenIsStoredAndNeverShown()
{
    GitLabTokenStore* store = m_sync->token();
    QTRY_VERIFY_WITH_TIMEOUT(!store->busy(), kTimeoutMs);
    QVERIFY(!store->stored());
    QQuickItem* input = item(QStringLiteral("tokenInput"));
    QVERIFY(input && input->isVisible());
    input->setProperty("text", QString::fromStdString(kToken));
    QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("tokenField")), "save"));
    // Out of the field at once, before the store even answered.
    QCOMPARE(input->property("text").toString(), QString());
    QTRY_VERIFY_WITH_TIMEOUT(store->stored() && !store->busy(), kTimeoutMs);
    QCOMPARE(store->location(), QStringLiteral("file"));
    QTRY_VERIFY(item(QStringLiteral("tokenStored"))->isVisible());
    QVERIFY(!input->isVisible());
    QVERIFY2(textOf(QStringLiteral("tokenNote")).contains(QStringLiteral("(readable only by you): no keychain here.")),
        qPrintable(textOf(QStringLiteral("tokenNote"))));
    // In the file the CLI reads, 0600.
    QCOMPARE(textOf(QStringLiteral("tokenNote")),
        QStringLiteral("Stored in ~/.config/gatehouse/gitlab-tokens.json (readable only by you): no keychain here."));
    const QString file = m_home.filePath(QStringLiteral(".config/gatehouse/gitlab-tokens.json"));
    QVERIFY(QFile::exists(file));
    QCOMPARE(int(QFile::permissions(file) & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser)), 0);
}

void GitLabPageTest::aPreviewShowsTheChangedFilesAndTheDiff()
{
    item(QStringLiteral("branchField"))->setProperty("text", kBranch);
    QTRY_VERIFY(item(QStringLiteral("previewButton"))->property("enabled").toBool());
    QVERIFY(preview());
    QVERIFY(m_sync->previewReady());
    QVERIFY(m_sync->canPush());
    const QStringList paths = changedPaths(*m_sync);
    for (const char* expected : {"A .gitlab-ci.yml", "A gatehouse-export.yaml", "A tenants/acme.yaml", "A consumers/acme/billing.yaml"})
        QVERIFY2(paths.contains(expected), qPrintable(paths.join(", ")));
    QVERIFY2(textOf(QStringLiteral("previewSummary")).startsWith(QStringLiteral("%1 files change on %2: %1 added, 0 changed, 0 removed.")
                                                                      .arg(paths.size())
                                                                      .arg(kBranch)),
        qPrintable(textOf(QStringLiteral("previewSummary"))));

    UnifiedDiffModel* diff = m_sync->diff();
    bool addedTenant = false;
    for (int row = 0; row < diff->rowCount(); ++row) {
        const QModelIndex index = diff->index(row);
        if (diff->data(index, UnifiedDiffModel::TextRole).toString() == QLatin1String("+name: acme")
            && diff->data(index, UnifiedDiffModel::KindRole).toString() == QLatin1String("added"))
            addedTenant = true;
    }
    QVERIFY(addedTenant);
    QCOMPARE(diff->removedLines(), 0);
    QVERIFY(diff->rowOfFile(QStringLiteral("tenants/acme.yaml")) >= 0);
    QTRY_VERIFY(!itemsNamed(m_page.get(), QStringLiteral("diffLine")).isEmpty());
    QVERIFY(item(QStringLiteral("pushButton"))->property("enabled").toBool());
    // Nothing reached the server yet.
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, m_server->git(kProject, {"rev-parse", "--verify", kBranch}));
}

void GitLabPageTest::thePushLandsOnTheServerAndInTheHistory()
{
    const int files = static_cast<int>(m_sync->changedFiles().size());
    QVERIFY(push());
    const QVariantMap pushed = m_sync->lastPush();
    m_firstSha = pushed.value(QStringLiteral("sha")).toString();
    QCOMPARE(m_firstSha, QString::fromStdString(m_server->git(kProject, {"rev-parse", kBranch})));
    QCOMPARE(pushed.value(QStringLiteral("branch")).toString(), kBranch);
    QCOMPARE(pushed.value(QStringLiteral("filesChanged")).toInt(), files);
    QVERIFY(pushed.value(QStringLiteral("mergeRequestUrl")).toString().isEmpty());
    QVERIFY(!m_sync->canPush());
    QVERIFY(!item(QStringLiteral("pushButton"))->property("enabled").toBool());
    QCOMPARE(textOf(QStringLiteral("pushSummary")), QStringLiteral("Pushed %1 changed files to %2.").arg(files).arg(kBranch));
    QCOMPARE(item(QStringLiteral("pushedSha"))->property("value").toString(), m_firstSha);
    // The commit says what changed, and holds the export.
    const std::string message = m_server->git(kProject, {"log", "-1", "--format=%B", kBranch});
    QVERIFY2(message.find("added tenants/acme.yaml") != std::string::npos, message.c_str());
    QCOMPARE(m_server->git(kProject, {"show", kBranch + QStringLiteral(":tenants/acme.yaml")}), std::string("name: acme"));

    ExportHistoryModel* history = m_sync->history();
    QCOMPARE(history->count(), 1);
    QCOMPARE(history->get(0).value(QStringLiteral("sha")).toString(), m_firstSha);
    QCOMPARE(history->get(0).value(QStringLiteral("repository")).toString(), QString::fromStdString(m_url));
    QCOMPARE(history->get(0).value(QStringLiteral("branch")).toString(), kBranch);
    QCOMPARE(history->get(0).value(QStringLiteral("filesChanged")).toInt(), files);
    QFile saved(history->path());
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains(m_firstSha.toUtf8()));
    QTRY_COMPARE(itemsNamed(item(QStringLiteral("historyTable")), QStringLiteral("adminTableRow")).size(), 1);
}

void GitLabPageTest::anUnchangedExportHasNothingToPush()
{
    QVERIFY(preview());
    QVERIFY(m_sync->changedFiles().isEmpty());
    QCOMPARE(textOf(QStringLiteral("previewSummary")), QStringLiteral("Nothing to push: %1 already holds this configuration.").arg(kBranch));
    // Without a merge request to open, there is nothing to push.
    QVERIFY(!item(QStringLiteral("pushButton"))->property("enabled").toBool());
    // The push of the last preview is over: its result is not shown under a new preview.
    QVERIFY(m_sync->lastPush().isEmpty());
}

void GitLabPageTest::aLaterChangeIsAMinimalDiff()
{
    const AdminReply tenant = call(*m_sourceClient, QStringLiteral("POST"), QStringLiteral("/admin/v1/tenants"), {{"name", "globex"}});
    QVERIFY2(tenant.ok(), qPrintable(tenant.errorMessage));
    QVERIFY(preview());
    QCOMPARE(changedPaths(*m_sync), QStringList({"A tenants/globex.yaml"}));
    QCOMPARE(m_sync->diff()->addedLines(), 1);
    QVERIFY(push());
    const QString sha = m_sync->lastPush().value(QStringLiteral("sha")).toString();
    QCOMPARE(sha, QString::fromStdString(m_server->git(kProject, {"rev-parse", kBranch})));
    QVERIFY(sha != m_firstSha);
    QCOMPARE(QString::fromStdString(m_server->git(kProject, {"rev-parse", kBranch + QStringLiteral("~1")})), m_firstSha);
    QCOMPARE(m_sync->history()->count(), 2);
    QCOMPARE(m_sync->history()->get(0).value(QStringLiteral("sha")).toString(), sha);
    QCOMPARE(m_sync->history()->get(0).value(QStringLiteral("filesChanged")).toInt(), 1);
    // The preview stays for reading, with what the push did under it.
    QVERIFY(m_sync->previewReady());
    QCOMPARE(textOf(QStringLiteral("pushSummary")), QStringLiteral("Pushed 1 changed file to %1.").arg(kBranch));
}

void GitLabPageTest::theBranchIsImportedIntoAnEmptyGateway()
{
    // The page now manages the empty second gateway (as after "Connect to gateway…").
    m_sync->setClient(m_targetClient.get());
    QVERIFY(!m_sync->planReady());
    QVERIFY(plan(kBranch));
    ConfigPlanModel* planned = m_sync->plan();
    QVERIFY(planned->problems().isEmpty());
    QStringList rows;
    for (int row = 0; row < planned->rowCount(); ++row) {
        const QVariantMap change = planned->get(row);
        rows << change.value(QStringLiteral("sign")).toString() + QLatin1Char(' ') + change.value(QStringLiteral("kind")).toString() + QLatin1Char(' ')
                + change.value(QStringLiteral("name")).toString() + QStringLiteral(" [") + change.value(QStringLiteral("file")).toString() + QLatin1Char(']');
    }
    for (const char* expected : {"+ tenant acme [tenants/acme.yaml]", "+ tenant globex [tenants/globex.yaml]",
             "+ consumer acme/billing [consumers/acme/billing.yaml]"})
        QVERIFY2(rows.contains(expected), qPrintable(rows.join(" | ")));
    QCOMPARE(planned->summary().value(QStringLiteral("create")).toInt(), rows.size());
    QVERIFY(m_sync->canApply());
    QVERIFY2(textOf(QStringLiteral("planSummary")).startsWith(QStringLiteral("Plan of %1 against this console's gateway: %2 to create, 0 to update, 0 to delete.")
                                                                   .arg(kBranch)
                                                                   .arg(rows.size())),
        qPrintable(textOf(QStringLiteral("planSummary"))));
    // Planned, not applied.
    const QStringList before = tenantNames(*m_targetClient);
    QVERIFY2(!before.contains("acme") && !before.contains("globex"), qPrintable(before.join(", ")));

    // Apply… asks first; the confirmation applies.
    QVERIFY(item(QStringLiteral("applyButton"))->property("enabled").toBool());
    QObject* dialog = m_page->findChild<QObject*>(QStringLiteral("applyDialog"));
    QVERIFY(dialog);
    QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
    QTRY_VERIFY(dialog->property("opened").toBool());
    QVERIFY2(dialog->property("message").toString().startsWith(QStringLiteral("this console's gateway gets %1 created, 0 updated and 0 deleted").arg(rows.size())),
        qPrintable(dialog->property("message").toString()));
    QSignalSpy applied(m_sync.get(), &GitLabSync::applyFinished);
    QVERIFY(QMetaObject::invokeMethod(dialog, "confirm"));
    QVERIFY(applied.wait(kTimeoutMs));
    QVERIFY2(applied.at(0).at(0).toBool(), qPrintable(m_sync->errorText()));
    QVERIFY(planned->applied());
    QVERIFY(!m_sync->canApply());
    QCOMPARE(m_sync->importOutcome(),
        QStringLiteral("Applied %1 changes from %2 to this console's gateway: %1 created, 0 updated, 0 deleted.").arg(rows.size()).arg(kBranch));
    QStringList expected = before + QStringList({"acme", "globex"});
    expected.sort();
    QCOMPARE(tenantNames(*m_targetClient), expected);

    // Planned again, the gateway already matches the branch.
    QVERIFY(plan(kBranch));
    QCOMPARE(m_sync->plan()->count(), 0);
    QVERIFY(!m_sync->canApply());
    QCOMPARE(textOf(QStringLiteral("planSummary")), QStringLiteral("No changes: this console's gateway already matches %1.").arg(kBranch));
}

void GitLabPageTest::aPreviewAndAPlanShowTogether()
{
    // Back on the source gateway, changed since the push: a consumer's description and a new tenant.
    m_sync->setClient(m_sourceClient.get());
    const AdminReply consumers = call(*m_sourceClient, QStringLiteral("GET"), QStringLiteral("/admin/v1/consumers"));
    const int billing = consumers.body.toObject().value("data").toArray().at(0).toObject().value("id").toInt();
    QVERIFY(call(*m_sourceClient, QStringLiteral("PATCH"), QStringLiteral("/admin/v1/consumers/%1").arg(billing),
        {{"description", "Invoices and receipts"}})
                .ok());
    QVERIFY(call(*m_sourceClient, QStringLiteral("POST"), QStringLiteral("/admin/v1/tenants"), {{"name", "initech"}}).ok());

    // The branch planned against it, pruned: the branch's description back, the tenant it lacks gone.
    item(QStringLiteral("pruneChoice"))->setProperty("checked", true);
    QVERIFY(plan(kBranch));
    QStringList rows;
    for (int row = 0; row < m_sync->plan()->rowCount(); ++row) {
        const QVariantMap change = m_sync->plan()->get(row);
        rows << change.value(QStringLiteral("sign")).toString() + QLatin1Char(' ') + change.value(QStringLiteral("name")).toString() + QStringLiteral(" (")
                + change.value(QStringLiteral("members")).toString() + QLatin1Char(')');
    }
    QCOMPARE(rows, QStringList({"~ acme/billing (description)", "- initech ()"}));
    QVERIFY(m_sync->planPrune());

    // The export previewed: what pushing would change on the branch.
    QVERIFY(preview());
    QCOMPARE(changedPaths(*m_sync), QStringList({"M consumers/acme/billing.yaml", "A tenants/initech.yaml"}));
    QCOMPARE(m_sync->diff()->addedLines(), 2);
    QCOMPARE(m_sync->diff()->removedLines(), 1);
    // The plan stayed.
    QVERIFY(m_sync->planReady());
    QVERIFY(m_sync->canApply());

    const QString path = qEnvironmentVariable("GATEHOUSE_SCREENSHOT");
    if (!path.isEmpty()) {
        // The window as tall as the page's cards, so the picture has no empty space under them.
        // grabWindow() polishes, lays out and renders the scene as it stands now: grabbed until the
        // height it asks for is the height it has.
        QQuickItem* scroller = item(QStringLiteral("gitLabScroller"));
        QImage image = m_window.grabWindow();
        for (int round = 0; round < 5; ++round) {
            const int height = int(scroller->mapToItem(m_page.get(), QPointF(0, 0)).y() + scroller->property("contentHeight").toReal()) + 24;
            if (height == m_window.height())
                break;
            m_page->setHeight(height);
            m_window.resize(1280, height);
            image = m_window.grabWindow();
        }
        QVERIFY(!image.isNull());
        QVERIFY2(image.save(path), qPrintable(path));
    }
    item(QStringLiteral("pruneChoice"))->setProperty("checked", false);
}

void GitLabPageTest::aRepositoryChangedMidwayStopsThePreview()
{
    QSignalSpy finished(m_sync.get(), &GitLabSync::previewFinished);
    m_sync->preview({{"branch", kBranch}});
    QVERIFY(m_sync->busy());
    m_sync->setRepository(QStringLiteral("https://gitlab.example.com/platform/other.git"));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(m_sync->errorTitle(), QStringLiteral("The repository changed"));
    QVERIFY(!m_sync->busy());
    QVERIFY(!m_sync->previewReady());
    m_sync->setRepository(QString::fromStdString(m_url));
    m_sync->dismissError();
    // The next preview is answered once, its own answer: the stopped one's is dropped.
    QVERIFY(preview());
    QCOMPARE(finished.count(), 2);
    QVERIFY(m_sync->previewReady());
}

void GitLabPageTest::aWrongTokenIsAPlainError()
{
    m_sync->setClient(m_sourceClient.get());
    GitLabTokenStore* store = m_sync->token();
    QTRY_VERIFY_WITH_TIMEOUT(!store->busy() && store->stored(), kTimeoutMs);
    QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("replaceTokenButton")), "clicked"));
    QTRY_VERIFY(item(QStringLiteral("tokenInput"))->isVisible());
    item(QStringLiteral("tokenInput"))->setProperty("text", QString::fromStdString(kWrongToken));
    QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("tokenField")), "save"));
    QTRY_VERIFY_WITH_TIMEOUT(store->stored() && !store->busy(), kTimeoutMs);

    QSignalSpy finished(m_sync.get(), &GitLabSync::previewFinished);
    QMetaObject::invokeMethod(m_page.get(), "preview");
    QVERIFY(finished.wait(kTimeoutMs));
    QVERIFY(!finished.at(0).at(0).toBool());
    QCOMPARE(m_sync->errorTitle(), QStringLiteral("The preview failed"));
    QVERIFY2(m_sync->errorText().contains(QStringLiteral("authentication failed")), qPrintable(m_sync->errorText()));
    QVERIFY(!m_sync->errorText().contains(QString::fromStdString(kWrongToken)));
    QVERIFY(item(QStringLiteral("errorBanner"))->isVisible());
    QVERIFY(!m_sync->previewReady());

    // The right token again, and the banner dismissed.
    QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("replaceTokenButton")), "clicked"));
    item(QStringLiteral("tokenInput"))->setProperty("text", QString::fromStdString(kToken));
    QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("tokenField")), "save"));
    QTRY_VERIFY_WITH_TIMEOUT(store->stored() && !store->busy(), kTimeoutMs);
    m_sync->dismissError();
    QVERIFY(!item(QStringLiteral("errorBanner"))->isVisible());
}

void GitLabPageTest::aBrokenFileIsAProblemAndNothingApplies()
{
    // A branch whose tenant file a reviewer should have refused, pushed as another client would.
    std::map<std::string, std::string> files;
    for (const char* path : {"gatehouse-export.yaml", "tenants/acme.yaml", "tenants/globex.yaml"})
        files[path] = m_server->git(kProject, {"show", kBranch + QStringLiteral(":") + QString::fromUtf8(path)}) + "\n";
    files["tenants/acme.yaml"] = kBrokenTenant;
    auto workspace = GitWorkspace::open({m_url, kToken}, "broken", kBranch.toStdString());
    workspace->replaceFiles(files);
    QVERIFY(workspace->commit("a colour for acme", "Someone", "someone@example.com").has_value());
    workspace->push();

    m_sync->setClient(m_targetClient.get());
    QVERIFY(plan(QStringLiteral("broken")));
    const QStringList problems = m_sync->plan()->problems();
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).startsWith(QStringLiteral("tenants/acme.yaml:2:9: colour: is not a member of a tenant")), qPrintable(problems.at(0)));
    QVERIFY(!m_sync->canApply());
    QVERIFY(!item(QStringLiteral("applyButton"))->property("enabled").toBool());
    QTRY_VERIFY(item(QStringLiteral("planProblems"))->isVisible());
    QCOMPARE(itemsNamed(m_page.get(), QStringLiteral("planProblem")).size(), 1);
}

// The export's merge request option, end to end: a new review branch from the target, the merge
// request opened through GitLab's API on the repository's host, shown as a link on the page and in
// the history; pushed again (unchanged, then changed), the open one is reused, never a second one.
// Last of the page's cases: it pushes a branch of its own and changes the source gateway.
void GitLabPageTest::aMergeRequestIsOpenedThenReused()
{
    // Back on the source gateway, which has changed since gatehouse/config (billing's description,
    // initech). main holds the reviewed configuration, as merging gatehouse/config would have left it.
    m_sync->setClient(m_sourceClient.get());
    m_server->git(kProject, {"branch", "main", kBranch});
    const std::string mainSha = m_server->git(kProject, {"rev-parse", "main"});
    const QString review = QStringLiteral("gatehouse/review");
    const QString title = QStringLiteral("Gateway config: initech, and billing's description");
    QVERIFY(m_gitlab->mergeRequests().empty());
    const int historyBefore = m_sync->history()->count();

    // The option, through the page: its target and title editable only with it, a target required.
    QQuickItem* option = item(QStringLiteral("mergeRequest"));
    QQuickItem* targetField = item(QStringLiteral("targetField"));
    QQuickItem* previewButton = item(QStringLiteral("previewButton"));
    QVERIFY(option && targetField && previewButton);
    QVERIFY(!option->property("checked").toBool());
    QVERIFY(!targetField->property("enabled").toBool());
    item(QStringLiteral("branchField"))->setProperty("text", review);
    option->setProperty("checked", true);
    QTRY_VERIFY(targetField->property("enabled").toBool());
    QVERIFY(item(QStringLiteral("titleField"))->property("enabled").toBool());
    targetField->setProperty("text", QString());
    QTRY_VERIFY(!previewButton->property("enabled").toBool());
    targetField->setProperty("text", QStringLiteral("main"));
    item(QStringLiteral("titleField"))->setProperty("text", title);
    QTRY_VERIFY(previewButton->property("enabled").toBool());
    QCOMPARE(item(QStringLiteral("pushButton"))->property("text").toString(), QStringLiteral("Push and open merge request"));

    QVERIFY(preview());
    QCOMPARE(m_sync->previewOptions().value(QStringLiteral("mergeRequest")).toBool(), true);
    QCOMPARE(m_sync->previewOptions().value(QStringLiteral("target")).toString(), QStringLiteral("main"));
    QCOMPARE(m_sync->previewOptions().value(QStringLiteral("title")).toString(), title);
    // The new branch starts from the target: what it changes there.
    QCOMPARE(changedPaths(*m_sync), QStringList({"M consumers/acme/billing.yaml", "A tenants/initech.yaml"}));
    QVERIFY2(textOf(QStringLiteral("previewSummary")).endsWith(QStringLiteral("Push then opens a merge request into main (or reuses the one open).")),
        qPrintable(textOf(QStringLiteral("previewSummary"))));
    QVERIFY(!item(QStringLiteral("mergeRequestLink"))->isVisible());
    // A preview opens nothing.
    QVERIFY(m_gitlab->mergeRequests().empty());
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, m_server->git(kProject, {"rev-parse", "--verify", review}));

    // Pushed: the branch on the server, one merge request from it into main, with the page's title.
    QVERIFY(push());
    const QString sha = m_sync->lastPush().value(QStringLiteral("sha")).toString();
    QCOMPARE(sha, QString::fromStdString(m_server->git(kProject, {"rev-parse", review})));
    QCOMPARE(m_server->git(kProject, {"rev-parse", review + QStringLiteral("~1")}), mainSha);
    QCOMPARE(m_server->git(kProject, {"rev-parse", "main"}), mainSha);
    auto mergeRequests = m_gitlab->mergeRequests();
    QCOMPARE(mergeRequests.size(), std::size_t(1));
    const test::FakeMergeRequest opened = mergeRequests.front();
    QCOMPARE(opened.sourceBranch, review.toStdString());
    QCOMPARE(opened.targetBranch, std::string("main"));
    QCOMPARE(opened.title, title.toStdString());
    QCOMPARE(opened.state, std::string("opened"));
    QVERIFY2(opened.description.find("changed consumers/acme/billing.yaml") != std::string::npos
            && opened.description.find("added tenants/initech.yaml") != std::string::npos,
        opened.description.c_str());
    // Through the repository's host, the token in the PRIVATE-TOKEN header only.
    const auto requests = m_gitlab->requests();
    QVERIFY(!requests.empty());
    QCOMPARE(requests.front().target, std::string("/api/v4/projects/platform%2Fgateway-config"));
    for (const auto& request : requests) {
        QCOMPARE(request.header("private-token"), kToken);
        QVERIFY2(request.target.find(kToken) == std::string::npos && request.body.find(kToken) == std::string::npos, request.target.c_str());
    }

    // The page shows it as a link, which opens GitLab's web URL of it.
    const QString webUrl = QString::fromStdString(m_gitlab->url() + "/" + kProject + "/-/merge_requests/" + std::to_string(opened.iid));
    const QVariantMap pushed = m_sync->lastPush();
    QCOMPARE(pushed.value(QStringLiteral("mergeRequestUrl")).toString(), webUrl);
    QCOMPARE(pushed.value(QStringLiteral("mergeRequestIid")).toLongLong(), qint64(opened.iid));
    QCOMPARE(pushed.value(QStringLiteral("mergeRequestReused")).toBool(), false);
    QCOMPARE(textOf(QStringLiteral("pushSummary")), QStringLiteral("Pushed 2 changed files to %1.").arg(review));
    QQuickItem* link = item(QStringLiteral("mergeRequestLink"));
    QTRY_VERIFY(link->isVisible());
    QCOMPARE(link->property("text").toString(), QStringLiteral("!%1 (opened)").arg(opened.iid));
    QCOMPARE(textOf(QStringLiteral("mergeRequestUrl")), webUrl);
    QQuickItem* scroller = item(QStringLiteral("gitLabScroller"));
    auto* content = scroller->property("contentItem").value<QQuickItem*>();
    QVERIFY(content);
    // Scrolled to, then clicked as a person would.
    scroller->setProperty("contentY", qMax(0.0, link->mapToItem(content, QPointF(0, 0)).y() - 40));
    QTRY_VERIFY(m_window.contentItem()->boundingRect().contains(link->mapToScene(link->boundingRect().center())));
    QSignalSpy linkOpened(m_page.get(), SIGNAL(linkOpened(QString)));
    QTest::mouseClick(&m_window, Qt::LeftButton, {}, link->mapToScene(link->boundingRect().center()).toPoint());
    QTRY_COMPARE(linkOpened.count(), 1);
    QCOMPARE(linkOpened.at(0).at(0).toString(), webUrl);
    scroller->setProperty("contentY", 0);

    // In the history with its merge request, and "Open" there opens it too.
    ExportHistoryModel* history = m_sync->history();
    QCOMPARE(history->count(), historyBefore + 1);
    QCOMPARE(history->get(0).value(QStringLiteral("branch")).toString(), review);
    QCOMPARE(history->get(0).value(QStringLiteral("sha")).toString(), sha);
    QCOMPARE(history->get(0).value(QStringLiteral("mergeRequestUrl")).toString(), webUrl);
    QVERIFY(history->get(1).value(QStringLiteral("mergeRequestUrl")).toString().isEmpty());
    QFile saved(history->path());
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains(webUrl.toUtf8()));
    saved.close();
    // "Open" is shown for the entries with a merge request: this one only.
    const auto openActions = [this] {
        QList<QQuickItem*> shown;
        for (QQuickItem* action : itemsNamed(item(QStringLiteral("historyTable")), QStringLiteral("rowAction"))) {
            if (action->isVisible())
                shown << action;
        }
        return shown;
    };
    QTRY_COMPARE(openActions().size(), 1);
    QVERIFY(QMetaObject::invokeMethod(openActions().front(), "clicked"));
    QCOMPARE(linkOpened.count(), 2);
    QCOMPARE(linkOpened.at(1).at(0).toString(), webUrl);

    // Again, unchanged: nothing to commit, yet Push is there to open the merge request, which it
    // finds open and reuses.
    QVERIFY(preview());
    QVERIFY(m_sync->changedFiles().isEmpty());
    QVERIFY(item(QStringLiteral("pushButton"))->property("enabled").toBool());
    QVERIFY(push());
    QCOMPARE(m_sync->lastPush().value(QStringLiteral("sha")).toString(), sha);
    QCOMPARE(m_sync->lastPush().value(QStringLiteral("filesChanged")).toInt(), 0);
    QCOMPARE(m_sync->lastPush().value(QStringLiteral("mergeRequestUrl")).toString(), webUrl);
    QCOMPARE(m_sync->lastPush().value(QStringLiteral("mergeRequestReused")).toBool(), true);
    QCOMPARE(QString::fromStdString(m_server->git(kProject, {"rev-parse", review})), sha);
    QCOMPARE(m_gitlab->mergeRequests().size(), std::size_t(1));
    QCOMPARE(textOf(QStringLiteral("pushSummary")), QStringLiteral("Nothing was pushed: %1 already held this configuration.").arg(review));
    QTRY_COMPARE(item(QStringLiteral("mergeRequestLink"))->property("text").toString(), QStringLiteral("!%1 (already open)").arg(opened.iid));
    // A push that opened (here: found) a merge request is a line of the history.
    QCOMPARE(history->count(), historyBefore + 2);
    QCOMPARE(history->get(0).value(QStringLiteral("filesChanged")).toInt(), 0);
    QCOMPARE(history->get(0).value(QStringLiteral("mergeRequestUrl")).toString(), webUrl);

    // Again, changed: a new commit on the branch, the same merge request.
    QVERIFY(call(*m_sourceClient, QStringLiteral("POST"), QStringLiteral("/admin/v1/tenants"), {{"name", "hooli"}}).ok());
    QVERIFY(preview());
    QCOMPARE(changedPaths(*m_sync), QStringList({"A tenants/hooli.yaml"}));
    QVERIFY(push());
    const QString later = m_sync->lastPush().value(QStringLiteral("sha")).toString();
    QCOMPARE(later, QString::fromStdString(m_server->git(kProject, {"rev-parse", review})));
    QCOMPARE(QString::fromStdString(m_server->git(kProject, {"rev-parse", review + QStringLiteral("~1")})), sha);
    QCOMPARE(m_sync->lastPush().value(QStringLiteral("mergeRequestUrl")).toString(), webUrl);
    QCOMPARE(m_sync->lastPush().value(QStringLiteral("mergeRequestReused")).toBool(), true);
    mergeRequests = m_gitlab->mergeRequests();
    QCOMPARE(mergeRequests.size(), std::size_t(1));
    QCOMPARE(mergeRequests.front().title, title.toStdString()); // reused as it is
    QCOMPARE(history->count(), historyBefore + 3);
    QCOMPARE(history->get(0).value(QStringLiteral("sha")).toString(), later);
    QCOMPARE(history->get(0).value(QStringLiteral("mergeRequestUrl")).toString(), webUrl);

    option->setProperty("checked", false);
}

// The console's own window: "GitLab" in the sidebar, the page with a GitLabSync of its own on the
// gateway the governance pages manage, loaded without a QML warning.
void GitLabPageTest::thePageIsInTheConsolesNavigation()
{
    const qsizetype logged = m_log->messages().size();
    QTemporaryDir data;
    GatewayController controller;
    controller.setDataDirectory(data.path());
    controller.setListen(QStringLiteral("127.0.0.1:0"));
    QQmlApplicationEngine engine;
    QQuickWindow* window = MainWindowLoader::load(engine, controller);
    QVERIFY(window);
    controller.start();
    QVariant shown;
    QVERIFY(QMetaObject::invokeMethod(window, "showPage", Q_RETURN_ARG(QVariant, shown), Q_ARG(QVariant, QStringLiteral("gitlab"))));
    QVERIFY(shown.toBool());
    QQuickItem* page = nullptr;
    QTRY_VERIFY((page = itemsNamed(window->contentItem(), QStringLiteral("gitLabPage")).value(0)) != nullptr);
    auto* sync = qobject_cast<GitLabSync*>(page->property("sync").value<QObject*>());
    QVERIFY(sync);
    QCOMPARE(sync->client(), controller.admin()->client());
    QCOMPARE(sync->location(), QStringLiteral("this console's gateway"));
    QQuickItem* entry = itemsNamed(window->contentItem(), QStringLiteral("navigation_gitlab")).value(0);
    QVERIFY(entry);
    QCOMPARE(entry->property("text").toString(), QStringLiteral("GitLab"));
    QVERIFY(!window->grabWindow().isNull()); // laid out and drawn
    const auto messages = m_log->messages();
    QStringList warnings;
    for (qsizetype i = logged; i < messages.size(); ++i) {
        if (!messages.at(i).startsWith(QLatin1String("QStandardPaths:")))
            warnings << messages.at(i);
    }
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(QLatin1Char('\n'))));
}

QTEST_MAIN(GitLabPageTest)
#include "GitLabPageTest.moc"
