// The Prices page against a real gateway, through its in-process admin client: the merged table
// (shipped list prices and the config file's), a price added and a new one for an entry through the
// page's dialog, the config file's entry refused with the API's message, a stored entry deleted,
// and a LiteLLM file imported through the page — each as the real admin API takes it.
#include "InProcessAdminClient.h"

#include "GatewayTestSupport.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <cmath>
#include <memory>

Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

using namespace gatehouse;

namespace {

constexpr int kTimeoutMs = 15000; // a bound, not a wait

// The page's entries (GET /admin/v1/prices, every page) with this model.
QVariantList entriesOf(QQuickItem* page, const QString& model)
{
    QVariantList found;
    for (const QVariant& entry : page->property("entries").toList()) {
        if (entry.toMap().value(QStringLiteral("model")).toString() == model)
            found.append(entry);
    }
    return found;
}

QString today()
{
    return QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate);
}

} // namespace

class PricesPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void listsTheMergedTable();
    void aPriceIsAddedThroughTheDialog();
    void editingStoresANewEntryAndTheFilesOwnIsRefused();
    void aStoredEntryIsDeleted();
    void aLiteLlmFileIsImported();

private:
    // The page's dialog named `name`, filled by `fields` (objectName → text) and confirmed; true
    // once it closed (the API accepted), false with its error shown.
    bool confirm(const QString& name, const QVariantMap& fields);
    // The page's next load after `since` (epoch ms) has been answered.
    bool reloadedSince(double since);

    QQmlEngine m_engine;
    QQuickWindow m_window; // the dialogs open in it
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<InProcessAdminClient> m_client;
    std::unique_ptr<QQuickItem> m_page;
    QTemporaryDir m_files;
};

void PricesPageTest::initTestCase()
{
    m_engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    auto config = test::mockGatewayWithAdminListener("mock-chat");
    PriceEntry agreed;
    agreed.provider = "openai";
    agreed.model = "gpt-4o";
    agreed.price = TokenPrice{2.25, 9.0};
    agreed.source = "Enterprise agreement";
    agreed.effectiveDate = "2026-06-01";
    agreed.origin = PriceOrigin::File;
    config.prices.push_back(agreed);
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    m_client = std::make_unique<InProcessAdminClient>([this]() -> GatewayServer* { return &m_gateway->server(); });
    QQmlEngine::setObjectOwnership(m_client.get(), QQmlEngine::CppOwnership);

    QQmlComponent component(&m_engine);
    component.setData("import QtQuick\nimport Gatehouse.Console\nPricesPage { width: 1280; height: 900 }\n", QUrl());
    m_page.reset(qobject_cast<QQuickItem*>(
        component.createWithInitialProperties({{QStringLiteral("client"), QVariant::fromValue<QObject*>(m_client.get())}})));
    QVERIFY2(m_page, qPrintable(component.errorString()));
    m_page->setParentItem(m_window.contentItem());
    m_window.resize(1280, 900);
    m_window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&m_window));
    QTRY_VERIFY_WITH_TIMEOUT(!std::isnan(m_page->property("updatedAt").toDouble()), kTimeoutMs);
}

void PricesPageTest::cleanupTestCase()
{
    m_page.reset(); // before the window, its parent item
    m_client.reset();
    m_gateway.reset();
}

bool PricesPageTest::confirm(const QString& name, const QVariantMap& fields)
{
    QObject* dialog = m_page->findChild<QObject*>(name);
    if (!dialog || !dialog->property("opened").toBool()) {
        qWarning("%s is not open", qPrintable(name));
        return false;
    }
    for (auto field = fields.begin(); field != fields.end(); ++field) {
        QObject* input = dialog->findChild<QObject*>(field.key());
        if (!input) {
            qWarning("no field %s", qPrintable(field.key()));
            return false;
        }
        input->setProperty("text", field.value());
    }
    QMetaObject::invokeMethod(dialog, "confirm");
    QTest::qWaitFor([&] { return !dialog->property("working").toBool(); }, kTimeoutMs);
    const QString error = dialog->property("shownError").toString();
    if (!error.isEmpty()) {
        qInfo("%s: %s", qPrintable(name), qPrintable(error));
        return false;
    }
    return QTest::qWaitFor([&] { return !dialog->property("visible").toBool(); }, kTimeoutMs);
}

bool PricesPageTest::reloadedSince(double since)
{
    return QTest::qWaitFor([&] { return !m_page->property("busy").toBool() && m_page->property("updatedAt").toDouble() >= since; }, kTimeoutMs);
}

void PricesPageTest::listsTheMergedTable()
{
    QCOMPARE(m_page->property("loadError").toString(), QString());
    const QVariantList all = m_page->property("entries").toList();
    int shipped = 0;
    for (const QVariant& entry : all)
        shipped += entry.toMap().value(QStringLiteral("origin")).toString() == QLatin1String("default") ? 1 : 0;
    QVERIFY2(shipped >= 30, qPrintable(QString::number(shipped))); // resources/prices/default-prices.json
    bool fileEntry = false;
    for (const QVariant& entry : entriesOf(m_page.get(), QStringLiteral("gpt-4o"))) {
        const QVariantMap map = entry.toMap();
        if (map.value(QStringLiteral("origin")).toString() == QLatin1String("file")) {
            fileEntry = true;
            QCOMPARE(map.value(QStringLiteral("effective_date")).toString(), QStringLiteral("2026-06-01"));
            QCOMPARE(map.value(QStringLiteral("input_per_million")).toDouble(), 2.25);
            QCOMPARE(map.value(QStringLiteral("currency")).toString(), QStringLiteral("USD"));
        }
    }
    QVERIFY(fileEntry);
    // The table shows them all until filtered.
    auto* rows = m_page->findChild<QAbstractItemModel*>(QStringLiteral("priceRows"));
    QVERIFY(rows);
    QCOMPARE(rows->rowCount(), all.size());
}

void PricesPageTest::aPriceIsAddedThroughTheDialog()
{
    QVERIFY(QMetaObject::invokeMethod(m_page->findChild<QObject*>(QStringLiteral("priceDialog")), "openFor", Q_ARG(QVariant, QVariant())));
    const double before = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(confirm(QStringLiteral("priceDialog"),
        {{"priceProvider", ""}, {"priceModel", "meta-llama/Llama-3.1-8B-Instruct"}, {"priceInput", "0.05"}, {"priceOutput", "0.08"},
            {"priceCachedInput", ""}, {"priceCacheWrite", ""}, {"priceEffectiveDate", "2026-01-01"}, {"priceSource", "Internal GPU cost"},
            {"priceReason", "self-hosted"}}));
    QVERIFY(reloadedSince(before)); // the client's changed() reloads the page
    const QVariantList added = entriesOf(m_page.get(), QStringLiteral("meta-llama/Llama-3.1-8B-Instruct"));
    QCOMPARE(added.size(), 1);
    const QVariantMap entry = added[0].toMap();
    QCOMPARE(entry.value(QStringLiteral("origin")).toString(), QStringLiteral("store"));
    QCOMPARE(entry.value(QStringLiteral("provider")).toString(), QString());
    QCOMPARE(entry.value(QStringLiteral("effective_date")).toString(), QStringLiteral("2026-01-01"));
    QCOMPARE(entry.value(QStringLiteral("output_per_million")).toDouble(), 0.08);
    QCOMPARE(entry.value(QStringLiteral("source")).toString(), QStringLiteral("Internal GPU cost"));
}

void PricesPageTest::editingStoresANewEntryAndTheFilesOwnIsRefused()
{
    QVariantMap fileEntry;
    for (const QVariant& entry : entriesOf(m_page.get(), QStringLiteral("gpt-4o"))) {
        if (entry.toMap().value(QStringLiteral("origin")).toString() == QLatin1String("file"))
            fileEntry = entry.toMap();
    }
    QVERIFY(!fileEntry.isEmpty());
    QObject* dialog = m_page->findChild<QObject*>(QStringLiteral("priceDialog"));
    QVERIFY(QMetaObject::invokeMethod(dialog, "openFor", Q_ARG(QVariant, fileEntry)));
    // On the file's own day, the API refuses: the file's entries are changed in the file.
    QVERIFY(!confirm(QStringLiteral("priceDialog"), {{"priceEffectiveDate", "2026-06-01"}, {"priceOutput", "8"}}));
    QVERIFY2(dialog->property("submitError").toString().contains(QStringLiteral("2026-06-01")),
        qPrintable(dialog->property("submitError").toString()));

    // From today on, it is a new entry of the store; the file's stays for the calls before.
    const double before = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(confirm(QStringLiteral("priceDialog"), {{"priceEffectiveDate", today()}}));
    QVERIFY(reloadedSince(before));
    QStringList origins;
    for (const QVariant& entry : entriesOf(m_page.get(), QStringLiteral("gpt-4o"))) {
        const QVariantMap map = entry.toMap();
        if (map.value(QStringLiteral("provider")).toString() == QLatin1String("openai"))
            origins << map.value(QStringLiteral("effective_date")).toString() + QLatin1Char(' ') + map.value(QStringLiteral("origin")).toString();
    }
    QVERIFY2(origins.contains(QStringLiteral("2026-06-01 file")), qPrintable(origins.join(", ")));
    QVERIFY2(origins.contains(today() + QStringLiteral(" store")), qPrintable(origins.join(", ")));
}

void PricesPageTest::aStoredEntryIsDeleted()
{
    const QVariantList stored = entriesOf(m_page.get(), QStringLiteral("meta-llama/Llama-3.1-8B-Instruct"));
    QCOMPARE(stored.size(), 1);
    QVERIFY(QMetaObject::invokeMethod(m_page->findChild<QObject*>(QStringLiteral("deletePriceDialog")), "openFor", Q_ARG(QVariant, stored[0])));
    const double before = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(confirm(QStringLiteral("deletePriceDialog"), {{"deletePriceReason", "moved to a provider"}}));
    QVERIFY(reloadedSince(before));
    QVERIFY(entriesOf(m_page.get(), QStringLiteral("meta-llama/Llama-3.1-8B-Instruct")).isEmpty());
}

void PricesPageTest::aLiteLlmFileIsImported()
{
    const QJsonObject prices{
        {"mistral/mistral-large-latest",
            QJsonObject{{"litellm_provider", "mistral"}, {"mode", "chat"}, {"input_cost_per_token", 2e-6}, {"output_cost_per_token", 6e-6}}},
        {"deepseek/deepseek-chat",
            QJsonObject{{"litellm_provider", "deepseek"}, {"mode", "chat"}, {"input_cost_per_token", 2.7e-7}, {"output_cost_per_token", 1.1e-6}}},
        {"dall-e-3", QJsonObject{{"litellm_provider", "openai"}, {"mode", "image_generation"}, {"output_cost_per_image", 0.04}}},
    };
    QVERIFY(m_files.isValid());
    const QString path = m_files.filePath(QStringLiteral("model_prices_and_context_window.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(prices).toJson());
    file.close();

    QVERIFY(QMetaObject::invokeMethod(m_page.get(), "openImport", Q_ARG(QVariant, QUrl::fromLocalFile(path))));
    QCOMPARE(m_page->property("fileError").toString(), QString());
    const double before = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(confirm(QStringLiteral("importPricesDialog"), {{"importDate", "2027-01-01"}, {"importReason", "list prices"}}));
    const QString result = m_page->property("importResult").toString();
    QVERIFY2(result.startsWith(QStringLiteral("Imported 2 prices from model_prices_and_context_window.json effective 2027-01-01 (2 new, 0 updated).")),
        qPrintable(result));
    QVERIFY2(result.contains(QStringLiteral("Skipped 1")) && result.contains(QStringLiteral("dall-e-3")), qPrintable(result));
    QVERIFY(reloadedSince(before));
    QVariantMap imported; // beside the shipped list price, if there is one
    for (const QVariant& entry : entriesOf(m_page.get(), QStringLiteral("mistral-large-latest"))) {
        if (entry.toMap().value(QStringLiteral("effective_date")).toString() == QLatin1String("2027-01-01"))
            imported = entry.toMap();
    }
    QCOMPARE(imported.value(QStringLiteral("origin")).toString(), QStringLiteral("store"));
    QCOMPARE(imported.value(QStringLiteral("provider")).toString(), QStringLiteral("mistral"));
    QCOMPARE(imported.value(QStringLiteral("input_per_million")).toDouble(), 2.0);

    // A file that is not one is said, naming it, and nothing is sent.
    const QString notJson = m_files.filePath(QStringLiteral("notes.json"));
    QFile broken(notJson);
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("not json");
    broken.close();
    QVERIFY(QMetaObject::invokeMethod(m_page.get(), "openImport", Q_ARG(QVariant, QUrl::fromLocalFile(notJson))));
    QVERIFY2(m_page->property("fileError").toString().startsWith(QStringLiteral("notes.json is not JSON")),
        qPrintable(m_page->property("fileError").toString()));
    QVERIFY(QMetaObject::invokeMethod(m_page.get(), "openImport", Q_ARG(QVariant, QUrl::fromLocalFile(m_files.filePath(QStringLiteral("gone.json"))))));
    QVERIFY2(m_page->property("fileError").toString().startsWith(QStringLiteral("cannot read ")), qPrintable(m_page->property("fileError").toString()));
}

QTEST_MAIN(PricesPageTest)
#include "PricesPageTest.moc"
