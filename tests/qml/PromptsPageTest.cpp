// The Prompts page against a real gateway, through its in-process admin client: a prompt created
// (a bad name refused by the API at its field), versions saved from the editor as the admin API
// takes them, the side-by-side diff of the two, a label split over both, a test run through the
// admin API and one streamed through the data plane, and the comparison of the versions after real
// calls of the prompt (the streamed run among them, the admin API's left out).
#include "InProcessAdminClient.h"
#include "PromptStatsModel.h"
#include "PromptVariablesModel.h"
#include "SideBySideDiffModel.h"

#include "GatewayTestSupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cmath>
#include <memory>

Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

using namespace gatehouse;

namespace {

constexpr int kTimeoutMs = 15000; // a bound, not a wait

// The items of the scene under `root` named `name`, in tree order.
QList<QQuickItem*> itemsNamed(QQuickItem* root, const QString& name)
{
    QList<QQuickItem*> found;
    if (root->objectName() == name)
        found.append(root);
    for (QQuickItem* child : root->childItems())
        found += itemsNamed(child, name);
    return found;
}

QVariantMap mapOf(QObject* object, const char* property)
{
    return object->property(property).toMap();
}

// A QML list of texts (a `var` property) as strings.
QStringList stringsOf(QObject* object, const char* property)
{
    QStringList strings;
    for (const QVariant& value : object->property(property).toList())
        strings << value.toString();
    return strings;
}

// A call of the prompt through the data plane, as an application makes it.
std::string promptCall(const std::string& user)
{
    return QJsonDocument(QJsonObject{{"variables", QJsonObject{{"topic", "the release"}, {"text", "Version 2 ships on Monday."}}},
                             {"user", QString::fromStdString(user)}})
        .toJson(QJsonDocument::Compact)
        .toStdString();
}

} // namespace

class PromptsPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void aPromptIsCreated();
    void versionsAreSavedFromTheEditor();
    void theVersionsAreShownSideBySide();
    void aLabelIsSplitOverBothVersions();
    void aVersionIsTestRunThroughTheDataPlane();
    void aStreamedTestRunShowsItsMessagesFirst();
    void theVersionsAreComparedOnTheirCalls();

private:
    QQuickItem* item(const QString& name) const;
    // The page's next load after `since` (epoch ms) has been answered.
    bool reloadedSince(double since);
    // Types the messages into the editor (one PromptMessageEditor each, in order).
    bool typeMessages(const QStringList& contents);
    // Saves the editor's draft; true once the page shows the version saved.
    bool save(int expectedVersion);

    QQmlEngine m_engine;
    QQuickWindow m_window; // the dialogs open in it
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<InProcessAdminClient> m_client;
    std::unique_ptr<QQuickItem> m_page;
};

void PromptsPageTest::initTestCase()
{
    m_engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    m_gateway = std::make_unique<test::RunningGateway>(test::mockGatewayWithAdminListener("mock-chat"));
    m_client = std::make_unique<InProcessAdminClient>([this]() -> GatewayServer* { return &m_gateway->server(); });
    QQmlEngine::setObjectOwnership(m_client.get(), QQmlEngine::CppOwnership);

    QQmlComponent component(&m_engine);
    component.setData("import QtQuick\nimport Gatehouse.Console\nPromptsPage { width: 1280; height: 1000 }\n", QUrl());
    m_page.reset(qobject_cast<QQuickItem*>(
        component.createWithInitialProperties({{QStringLiteral("client"), QVariant::fromValue<QObject*>(m_client.get())}})));
    QVERIFY2(m_page, qPrintable(component.errorString()));
    m_page->setParentItem(m_window.contentItem());
    m_window.resize(1280, 1000);
    m_window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&m_window));
    QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(m_page->property("updatedAt").toDouble()), kTimeoutMs);
}

void PromptsPageTest::cleanupTestCase()
{
    m_page.reset(); // before the window, its parent item
    m_client.reset();
    m_gateway.reset();
}

QQuickItem* PromptsPageTest::item(const QString& name) const
{
    const auto found = itemsNamed(m_page.get(), name);
    return found.isEmpty() ? nullptr : found.first();
}

bool PromptsPageTest::reloadedSince(double since)
{
    return QTest::qWaitFor([&] { return !m_page->property("busy").toBool() && m_page->property("updatedAt").toDouble() >= since; }, kTimeoutMs);
}

bool PromptsPageTest::typeMessages(const QStringList& contents)
{
    QList<QQuickItem*> editors = itemsNamed(m_page.get(), QStringLiteral("promptMessage"));
    std::sort(editors.begin(), editors.end(), [](QQuickItem* a, QQuickItem* b) { return a->property("index").toInt() < b->property("index").toInt(); });
    if (editors.size() != contents.size()) {
        qWarning("%lld message editors for %lld messages", static_cast<long long>(editors.size()), static_cast<long long>(contents.size()));
        return false;
    }
    for (int i = 0; i < contents.size(); ++i)
        editors[i]->property("contentArea").value<QObject*>()->setProperty("text", contents[i]);
    return true;
}

bool PromptsPageTest::save(int expectedVersion)
{
    QQuickItem* editor = item(QStringLiteral("promptEditor"));
    m_page->setProperty("savedText", QString());
    QMetaObject::invokeMethod(editor, "save");
    const QString problem = editor->property("shownError").toString();
    if (!problem.isEmpty()) {
        qWarning("not saved: %s", qPrintable(problem));
        return false;
    }
    return QTest::qWaitFor([&] {
        const auto versions = mapOf(m_page.get(), "detail").value(QStringLiteral("versions")).toList();
        return !m_page->property("busy").toBool() && versions.size() == expectedVersion
            && m_page->property("savedText").toString().startsWith(QStringLiteral("Saved as version %1.").arg(expectedVersion));
    }, kTimeoutMs);
}

void PromptsPageTest::aPromptIsCreated()
{
    QCOMPARE(m_page->property("loadError").toString(), QString());
    QCOMPARE(m_page->property("prompts").toList().size(), 0);
    QObject* dialog = m_page->findChild<QObject*>(QStringLiteral("createPromptDialog"));
    QVERIFY(dialog);
    QVERIFY(QMetaObject::invokeMethod(dialog, "openFor"));
    QTRY_VERIFY(dialog->property("opened").toBool());
    QObject* name = dialog->findChild<QObject*>(QStringLiteral("promptName"));
    name->setProperty("text", QStringLiteral("Release Notes"));
    QVERIFY(QMetaObject::invokeMethod(dialog, "confirm"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->property("working").toBool(), kTimeoutMs);
    QCOMPARE(dialog->property("submitParam").toString(), QStringLiteral("name"));
    QVERIFY2(dialog->property("submitError").toString().startsWith(QStringLiteral("name: ")), qPrintable(dialog->property("submitError").toString()));
    QVERIFY(name->property("invalid").toBool());

    name->setProperty("text", QStringLiteral("summarise"));
    dialog->findChild<QObject*>(QStringLiteral("promptDescription"))->setProperty("text", QStringLiteral("Release notes for people"));
    QVERIFY(QMetaObject::invokeMethod(dialog, "confirm"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->property("visible").toBool(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(mapOf(m_page.get(), "detail").value(QStringLiteral("name")).toString() == QLatin1String("summarise"), kTimeoutMs);
    QCOMPARE(m_page->property("prompts").toList().size(), 1);
    QCOMPARE(mapOf(m_page.get(), "detail").value(QStringLiteral("description")).toString(), QStringLiteral("Release notes for people"));
    // The gateway's models, for the editor's choice.
    QTRY_COMPARE_WITH_TIMEOUT(stringsOf(m_page.get(), "models"), QStringList({"mock-chat"}), kTimeoutMs);
}

void PromptsPageTest::versionsAreSavedFromTheEditor()
{
    QQuickItem* editor = item(QStringLiteral("promptEditor"));
    QVERIFY(editor);
    QVERIFY(QMetaObject::invokeMethod(editor, "modelEdited", Q_ARG(QVariant, QStringLiteral("mock-chat"))));
    QVERIFY(typeMessages({"You summarise {{topic}} for {{ audience }}.", "{{text}}"}));
    auto* variables = qobject_cast<PromptVariablesModel*>(editor->property("variables").value<QObject*>());
    QVERIFY(variables);
    QCOMPARE(variables->placeholders(), QStringList({"topic", "audience", "text"}));
    QCOMPARE(variables->undeclaredCount(), 3);
    // Undeclared, the gateway's check refuses it before anything is sent.
    QVERIFY(!save(1));
    QVERIFY2(editor->property("shownError").toString().contains(QStringLiteral("uses variable 'topic', which the template does not declare")),
        qPrintable(editor->property("shownError").toString()));
    for (const char* name : {"topic", "audience", "text"})
        variables->declare(QString::fromLatin1(name));
    variables->setField(QStringLiteral("audience"), QStringLiteral("required"), false);
    variables->setField(QStringLiteral("audience"), QStringLiteral("default"), QStringLiteral("engineers"));
    variables->setField(QStringLiteral("text"), QStringLiteral("description"), QStringLiteral("what to summarise"));
    item(QStringLiteral("parameter_temperature"))->setProperty("text", QStringLiteral("0.2"));
    item(QStringLiteral("versionNote"))->setProperty("text", QStringLiteral("first cut"));
    QVERIFY(save(1));

    const QVariantMap first = mapOf(m_page.get(), "detail").value(QStringLiteral("versions")).toList().at(0).toMap();
    QCOMPARE(first.value(QStringLiteral("model")).toString(), QStringLiteral("mock-chat"));
    QCOMPARE(first.value(QStringLiteral("note")).toString(), QStringLiteral("first cut"));
    QCOMPARE(first.value(QStringLiteral("created_by")).toString().startsWith(QStringLiteral("console:")), true);
    QCOMPARE(first.value(QStringLiteral("parameters")).toMap().value(QStringLiteral("temperature")).toDouble(), 0.2);
    const QVariantList declared = first.value(QStringLiteral("variables")).toList();
    QCOMPARE(declared.size(), 3);
    QCOMPARE(declared.at(1).toMap().value(QStringLiteral("default")).toString(), QStringLiteral("engineers"));
    QCOMPARE(declared.at(1).toMap().value(QStringLiteral("required")).toBool(), false);
    QCOMPARE(declared.at(2).toMap().value(QStringLiteral("description")).toString(), QStringLiteral("what to summarise"));

    // The next draft starts from it: one more line, a new note.
    QVERIFY(typeMessages({"You summarise {{topic}} for {{ audience }}.\nKeep it short.", "{{text}}"}));
    item(QStringLiteral("versionNote"))->setProperty("text", QStringLiteral("shorter answers"));
    QVERIFY(save(2));
    const QVariantMap second = mapOf(m_page.get(), "detail").value(QStringLiteral("versions")).toList().at(1).toMap();
    QCOMPARE(second.value(QStringLiteral("messages")).toList().at(0).toMap().value(QStringLiteral("content")).toString(),
        QStringLiteral("You summarise {{topic}} for {{ audience }}.\nKeep it short."));
    QCOMPARE(second.value(QStringLiteral("variables")).toList().size(), 3);
    QCOMPARE(second.value(QStringLiteral("parameters")).toMap().value(QStringLiteral("temperature")).toDouble(), 0.2);
}

void PromptsPageTest::theVersionsAreShownSideBySide()
{
    QQuickItem* history = item(QStringLiteral("promptHistory"));
    auto* diff = qobject_cast<SideBySideDiffModel*>(history->property("diff").value<QObject*>());
    QVERIFY(diff);
    m_page->setProperty("tab", QStringLiteral("versions"));
    QTRY_VERIFY_WITH_TIMEOUT(diff->loaded() && diff->toVersion() == 2 && !history->property("busy").toBool(), kTimeoutMs);
    QCOMPARE(diff->fromVersion(), 1);
    QCOMPARE(diff->errorText(), QString());
    QCOMPARE(diff->addedLines(), 1);
    QCOMPARE(diff->removedLines(), 0);
    QStringList fields;
    for (const QVariant& change : diff->changes())
        fields << change.toMap().value(QStringLiteral("field")).toString();
    QCOMPARE(fields, QStringList({"note"}));
    bool added = false;
    for (int row = 0; row < diff->rowCount(); ++row) {
        const QVariantMap r = diff->get(row);
        if (r.value(QStringLiteral("rightOp")).toString() == QLatin1String("+")) {
            QCOMPARE(r.value(QStringLiteral("rightText")).toString(), QStringLiteral("Keep it short."));
            QCOMPARE(r.value(QStringLiteral("rightLine")).toInt(), 2);
            QCOMPARE(r.value(QStringLiteral("leftOp")).toString(), QString());
            added = true;
        }
    }
    QVERIFY(added);
}

void PromptsPageTest::aLabelIsSplitOverBothVersions()
{
    QObject* dialog = m_page->findChild<QObject*>(QStringLiteral("labelDialog"));
    QVERIFY(dialog);
    QVERIFY(QMetaObject::invokeMethod(dialog, "openFor", Q_ARG(QVariant, QVariant()), Q_ARG(QVariant, 2)));
    QTRY_VERIFY(dialog->property("opened").toBool());
    dialog->findChild<QObject*>(QStringLiteral("labelName"))->setProperty("text", QStringLiteral("production"));
    QVERIFY(QMetaObject::invokeMethod(dialog, "addRow"));
    QVERIFY(QMetaObject::invokeMethod(dialog, "edit", Q_ARG(QVariant, 0), Q_ARG(QVariant, QStringLiteral("weight")), Q_ARG(QVariant, QStringLiteral("90"))));
    QCOMPARE(stringsOf(dialog, "shares"), QStringList({"90%", "10%"}));
    const double before = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(QMetaObject::invokeMethod(dialog, "confirm"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->property("visible").toBool(), kTimeoutMs);
    QVERIFY(reloadedSince(before));
    const QVariantList labels = mapOf(m_page.get(), "detail").value(QStringLiteral("labels")).toList();
    QCOMPARE(labels.size(), 1);
    const QVariantList split = labels.at(0).toMap().value(QStringLiteral("split")).toList();
    QCOMPARE(split.size(), 2);
    QCOMPARE(split.at(0).toMap().value(QStringLiteral("version")).toInt(), 2);
    QCOMPARE(split.at(0).toMap().value(QStringLiteral("weight")).toInt(), 90);
    QCOMPARE(split.at(1).toMap().value(QStringLiteral("version")).toInt(), 1);
    QCOMPARE(split.at(1).toMap().value(QStringLiteral("weight")).toInt(), 10);
}

void PromptsPageTest::aVersionIsTestRunThroughTheDataPlane()
{
    QQuickItem* run = item(QStringLiteral("promptTestRun"));
    QVERIFY(run);
    QCOMPARE(run->property("versionNumber").toInt(), 2);
    QVERIFY(QMetaObject::invokeMethod(run, "setInput", Q_ARG(QVariant, QStringLiteral("topic")), Q_ARG(QVariant, QStringLiteral("the release"))));
    QVERIFY(QMetaObject::invokeMethod(run, "setInput", Q_ARG(QVariant, QStringLiteral("text")), Q_ARG(QVariant, QStringLiteral("Version 2 ships."))));
    QVERIFY(QMetaObject::invokeMethod(run, "run"));
    QTRY_VERIFY_WITH_TIMEOUT(!run->property("running").toBool(), kTimeoutMs);
    QCOMPARE(run->property("errorText").toString(), QString());
    const QVariantMap result = mapOf(run, "result");
    QCOMPARE(result.value(QStringLiteral("status")).toInt(), 200);
    QCOMPARE(result.value(QStringLiteral("version")).toInt(), 2);
    QVERIFY(result.value(QStringLiteral("request_id")).toString().startsWith(QStringLiteral("req_")));
    const QVariantList rendered = result.value(QStringLiteral("rendered")).toList();
    QCOMPARE(rendered.size(), 2);
    QCOMPARE(rendered.at(0).toMap().value(QStringLiteral("content")).toString(), QStringLiteral("You summarise the release for engineers.\nKeep it short."));
    QCOMPARE(rendered.at(1).toMap().value(QStringLiteral("content")).toString(), QStringLiteral("Version 2 ships."));
    QVERIFY(result.value(QStringLiteral("usage")).toMap().value(QStringLiteral("completion_tokens")).toInt() > 0);
    QVERIFY(!result.value(QStringLiteral("answer")).toMap().value(QStringLiteral("choices")).toList().isEmpty());

    // A required variable left out: the API's refusal, in its words.
    QVERIFY(QMetaObject::invokeMethod(run, "setInput", Q_ARG(QVariant, QStringLiteral("text")), Q_ARG(QVariant, QString())));
    QVERIFY(QMetaObject::invokeMethod(run, "run"));
    QTRY_VERIFY_WITH_TIMEOUT(!run->property("running").toBool(), kTimeoutMs);
    QVERIFY2(run->property("errorText").toString().contains(QStringLiteral("'text'")), qPrintable(run->property("errorText").toString()));
    QVERIFY(run->property("result").isNull() || mapOf(run, "result").isEmpty());
}

void PromptsPageTest::aStreamedTestRunShowsItsMessagesFirst()
{
    QQuickItem* run = item(QStringLiteral("promptTestRun"));
    QQuickItem* mode = item(QStringLiteral("testRunMode"));
    m_page->setProperty("tab", QStringLiteral("test"));
    QVERIFY(mode->property("text").toString().startsWith(QStringLiteral("Not streamed: ")));
    // What Main.qml gives the page for the console's own gateway.
    m_page->setProperty("gatewayUrl", QStringLiteral("http://127.0.0.1:%1").arg(m_gateway->server().dataPlaneAddress().port));
    m_page->setProperty("developerKey", QString::fromStdString(m_gateway->server().createKey("prompts-page-console")));
    QVERIFY(run->property("canStream").toBool());
    QVERIFY2(mode->property("text").toString().startsWith(QStringLiteral("Streamed")), qPrintable(mode->property("text").toString()));

    QVERIFY(QMetaObject::invokeMethod(run, "setInput", Q_ARG(QVariant, QStringLiteral("text")), Q_ARG(QVariant, QStringLiteral("Version 2 ships."))));
    QVERIFY(QMetaObject::invokeMethod(run, "run"));
    // Rendered by the console before any answer came.
    QCOMPARE(run->property("mode").toString(), QStringLiteral("stream"));
    const QVariantList rendered = mapOf(run, "shown").value(QStringLiteral("rendered")).toList();
    QCOMPARE(rendered.size(), 2);
    QCOMPARE(rendered.at(0).toMap().value(QStringLiteral("content")).toString(), QStringLiteral("You summarise the release for engineers.\nKeep it short."));
    QVERIFY(item(QStringLiteral("testRunResult"))->isVisible());

    // Ended (its latency known) and its record read.
    QTRY_VERIFY_WITH_TIMEOUT(mapOf(run, "shown").value(QStringLiteral("latency_ms")).isValid()
            && !mapOf(run, "shown").value(QStringLiteral("cost_pending")).toBool(), kTimeoutMs);
    const QVariantMap shown = mapOf(run, "shown");
    QCOMPARE(shown.value(QStringLiteral("status")).toInt(), 200);
    QCOMPARE(shown.value(QStringLiteral("failed")).toBool(), false);
    QVERIFY(shown.value(QStringLiteral("request_id")).toString().startsWith(QStringLiteral("req_")));
    QVERIFY(shown.value(QStringLiteral("usage")).toMap().value(QStringLiteral("completion_tokens")).toInt() > 0);
    QVERIFY(shown.value(QStringLiteral("first_token_ms")).toInt() >= 0);
    QVERIFY(!shown.value(QStringLiteral("answer")).toString().isEmpty());
    QCOMPARE(item(QStringLiteral("testRunAnswer"))->property("text").toString(), shown.value(QStringLiteral("answer")).toString());

    // A required variable left out: refused as the data plane would refuse it, with its code, at its
    // input, and not sent (the comparison below finds no refused call).
    QVERIFY(QMetaObject::invokeMethod(run, "setInput", Q_ARG(QVariant, QStringLiteral("text")), Q_ARG(QVariant, QString())));
    QVERIFY(QMetaObject::invokeMethod(run, "run"));
    QVERIFY2(run->property("errorText").toString().startsWith(QStringLiteral("missing_variable: ")), qPrintable(run->property("errorText").toString()));
    QVERIFY(run->property("shown").isNull() || mapOf(run, "shown").isEmpty());
    QVERIFY(mapOf(run, "problems").contains(QStringLiteral("text")));

    // Another model: only the admin API's test run has it.
    item(QStringLiteral("testRunModel"))->setProperty("editText", QStringLiteral("mock-chat"));
    QVERIFY(!run->property("canStream").toBool());
    QVERIFY(mode->property("text").toString().startsWith(QStringLiteral("Not streamed: another model")));
}

void PromptsPageTest::theVersionsAreComparedOnTheirCalls()
{
    const auto key = m_gateway->server().createKey("prompts-page-test");
    constexpr int kCalls = 12;
    // The streamed test run above is a call of the data plane that named version 2: it counts, "by
    // number"; the admin API's test run does not.
    constexpr int kStreamedRuns = 1;
    for (int i = 0; i < kCalls; ++i) {
        const auto answer = m_gateway->client().postJson("/v1/prompts/summarise/chat/completions", promptCall("user-" + std::to_string(i)), key);
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
    }
    m_gateway->server().settle();

    QQuickItem* comparison = item(QStringLiteral("promptComparison"));
    auto* stats = qobject_cast<PromptStatsModel*>(comparison->property("stats").value<QObject*>());
    QVERIFY(stats);
    const double before = QDateTime::currentMSecsSinceEpoch();
    m_page->setProperty("tab", QStringLiteral("compare"));
    QTRY_VERIFY_WITH_TIMEOUT(comparison->property("updatedAt").toDouble() >= before && !comparison->property("busy").toBool(), kTimeoutMs);
    QCOMPARE(comparison->property("loadError").toString(), QString());
    // The call log is written a moment after the answers: asked again (after each answer) until it
    // has them all.
    QVERIFY(QTest::qWaitFor([&] {
        if (comparison->property("busy").toBool())
            return false;
        if (stats->requests() >= kCalls + kStreamedRuns)
            return true;
        QMetaObject::invokeMethod(comparison, "refresh");
        return false;
    }, kTimeoutMs));
    QCOMPARE(stats->rowCount(), 2);
    double requests = 0;
    for (int row = 0; row < stats->rowCount(); ++row) {
        const QVariantMap version = stats->get(row);
        QCOMPARE(version.value(QStringLiteral("version")).toInt(), row + 1);
        requests += version.value(QStringLiteral("requests")).toDouble();
        if (version.value(QStringLiteral("requests")).toDouble() > 0) {
            QCOMPARE(version.value(QStringLiteral("labels")).toString(), row == 1 ? QStringLiteral("production, by number") : QStringLiteral("production"));
            QCOMPARE(version.value(QStringLiteral("errorRate")).toDouble(), 0.0);
            QVERIFY(version.value(QStringLiteral("latencyP95")).toDouble() >= 0);
        }
    }
    // Every call counted once, the admin API's test run left out.
    QCOMPARE(requests, double(kCalls + kStreamedRuns));
    QCOMPARE(stats->requests(), double(kCalls + kStreamedRuns));
}

QTEST_MAIN(PromptsPageTest)
#include "PromptsPageTest.moc"
