// Gives a console page something to show (demo calls, connection tests, governance data), then saves a picture of it (for docs).
#include "DemoScreenshot.h"

#include "AdminConnection.h"
#include "AdminListModel.h"
#include "GatewayController.h"
#include "GatewayServer.h"

#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QQuickItem>
#include <QQuickWindow>
#include <QUrl>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace {

// The first item of the scene (depth first) that has the property `name`.
QQuickItem* findItemWithProperty(QQuickItem* item, const char* name)
{
    if (item->property(name).isValid())
        return item;
    for (QQuickItem* child : item->childItems()) {
        if (QQuickItem* found = findItemWithProperty(child, name))
            return found;
    }
    return nullptr;
}

QQuickItem* findItemNamed(QQuickItem* item, const QString& objectName)
{
    if (item->objectName() == objectName)
        return item;
    for (QQuickItem* child : item->childItems()) {
        if (QQuickItem* found = findItemNamed(child, objectName))
            return found;
    }
    return nullptr;
}

// The admin lists the shown pages hold (each page makes its own, as children of its items).
void collectLists(QQuickItem* item, QList<AdminListModel*>& lists)
{
    if (!item->isVisible())
        return;
    lists += item->findChildren<AdminListModel*>(Qt::FindDirectChildrenOnly);
    for (QQuickItem* child : item->childItems())
        collectLists(child, lists);
}

// The ScopePolicyPanels shown (they have `settled`).
void collectPolicyPanels(QQuickItem* item, QList<QQuickItem*>& panels)
{
    if (!item->isVisible())
        return;
    if (item->property("settled").isValid() && item->property("scopeId").isValid()) {
        panels.append(item);
        return;
    }
    for (QQuickItem* child : item->childItems())
        collectPolicyPanels(child, panels);
}

} // namespace

DemoScreenshot::DemoScreenshot(QQuickWindow* window, GatewayController* controller, QString path, int calls, QString page, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_controller(controller)
    , m_path(std::move(path))
    , m_page(std::move(page))
    , m_calls(std::max(calls, kMinimumCalls))
    , m_firstWave(m_calls - 2)
{
    connect(&m_keyCalls, &TestRequestClient::finished, this, &DemoScreenshot::onKeyCallFinished);
}

bool DemoScreenshot::isPromptsPage() const
{
    return m_page == QLatin1String("prompts") || m_page == QLatin1String("prompts-diff");
}

void DemoScreenshot::start()
{
    QVariant shown;
    const QString key = isPromptsPage() ? QStringLiteral("prompts") : m_page;
    QMetaObject::invokeMethod(m_window, "showPage", Q_RETURN_ARG(QVariant, shown), Q_ARG(QVariant, key));
    if (!shown.toBool()) {
        m_done = true;
        QTimer::singleShot(0, this, [this] {
            emit finished(false, tr("there is no page named \"%1\" (overview, providers, traffic, analytics, calls, prices, prompts, prompts-diff, "
                                    "tenants, keys, approvals, audit)").arg(m_page));
        });
        return;
    }
    connect(m_controller, &GatewayController::stateChanged, this, &DemoScreenshot::onStateChanged);
    connect(m_controller->callLog(), &CallLogModel::totalCallsChanged, this, &DemoScreenshot::onCallsLogged);
    connect(m_controller->providers(), &ProvidersModel::testFinished, this, &DemoScreenshot::onProviderTested);
    onStateChanged();
}

void DemoScreenshot::onStateChanged()
{
    if (m_started || m_done)
        return;
    if (m_controller->state() == GatewayController::Failed) {
        // Still worth a picture: it shows how the console reports the problem.
        m_done = true;
        QTimer::singleShot(0, this, &DemoScreenshot::grab);
        return;
    }
    if (m_controller->state() != GatewayController::Running)
        return;
    m_started = true;
    if (m_page == QLatin1String("providers"))
        testProviders();
    else if (isGovernancePage(m_page))
        fileGovernanceDemo();
    else if (m_page == QLatin1String("prices"))
        filePriceDemo();
    else if (isPromptsPage())
        filePromptDemo();
    else if (m_page == QLatin1String("traffic"))
        sendTrafficDemo();
    else if (m_page == QLatin1String("analytics"))
        showGeneratedAnalytics();
    else if (m_page == QLatin1String("overview"))
        showGeneratedDashboard();
    else if (m_page == QLatin1String("calls"))
        showGeneratedCallLog();
    else
        sendFirstWave();
}

bool DemoScreenshot::isGovernancePage(const QString& page)
{
    return page == QLatin1String("tenants") || page == QLatin1String("keys") || page == QLatin1String("approvals")
        || page == QLatin1String("audit");
}

// Two teams, three applications, keys in every state, and access requests approved, rejected and
// waiting: what a gateway looks like after a few days of use.
void DemoScreenshot::fileGovernanceDemo()
{
    const auto id = [this](const QString& name) { return m_ids.value(name); };
    const auto fixed = [](QString target) { return [target] { return target; }; };
    const auto body = [](QJsonObject object) { return [object] { return object; }; };
    const QString tenants = QStringLiteral("/admin/v1/tenants");
    const QString consumers = QStringLiteral("/admin/v1/consumers");
    const QString keys = QStringLiteral("/admin/v1/keys");
    const QString requests = QStringLiteral("/admin/v1/access-requests");
    const QString post = QStringLiteral("POST");
    const auto consumerBody = [id](QString tenant, QString name, QString description) {
        return [id, tenant, name, description] {
            return QJsonObject{{"tenant_id", id(tenant)}, {"name", name}, {"description", description}};
        };
    };
    const auto keyBody = [id](QString consumer, QString name, qint64 expiresInDays = 0) {
        return [id, consumer, name, expiresInDays] {
            QJsonObject object{{"consumer_id", id(consumer)}, {"name", name}};
            if (expiresInDays > 0)
                object.insert(QStringLiteral("expires_at_ms"), QDateTime::currentMSecsSinceEpoch() + expiresInDays * 86400000);
            return object;
        };
    };
    const auto requestBody = [id](QString consumer, QString model, QString reason) {
        return [id, consumer, model, reason] { return QJsonObject{{"consumer_id", id(consumer)}, {"model", model}, {"reason", reason}}; };
    };
    const auto action = [id](QString collection, QString name, QString verb) {
        return [id, collection, name, verb] { return QStringLiteral("%1/%2/%3").arg(collection).arg(id(name)).arg(verb); };
    };
    m_demoCalls = {
        {post, fixed(tenants), body({{"name", "acme"}}), QStringLiteral("acme")},
        {post, fixed(tenants), body({{"name", "globex"}}), QStringLiteral("globex")},
        {post, fixed(consumers), consumerBody("acme", "billing", "Monthly invoices and payment reminders"), QStringLiteral("billing")},
        {post, fixed(consumers), consumerBody("acme", "search", "Product search: query rewriting and ranking"), QStringLiteral("search")},
        {post, fixed(consumers), consumerBody("globex", "support-bot", "Drafts answers to customer emails"), QStringLiteral("support")},
        {QStringLiteral("PUT"), fixed(QStringLiteral("/admin/v1/models/mock-chat/access")),
            body({{"mode", "approval"}, {"reason", "Paid model: teams ask first"}}), {}},
        {post, fixed(keys), keyBody("billing", "invoices-prod"), QStringLiteral("invoices")},
        {post, fixed(keys), keyBody("billing", "reminders-batch", 30), {}},
        {post, fixed(keys), keyBody("search", "ranking"), QStringLiteral("searchKey")},
        {post, action(keys, "searchKey", "revoke"), body({{"reason", "Leaked in a CI log"}}), {}},
        {post, fixed(keys), keyBody("search", "ranking-v2"), {}},
        {post, fixed(keys), keyBody("support", "prod"), QStringLiteral("supportKey")},
        {post, action(keys, "supportKey", "rotate"), body({{"grace_seconds", 86400}}), QStringLiteral("rotation")},
        {post, fixed(requests), requestBody("billing", "mock-chat", "Summaries of each month's invoices"), QStringLiteral("approved")},
        {post, action(requests, "approved", "approve"), body({{"note", "For the invoice job; keep it under 1,000 calls a day"}}), {}},
        {post, fixed(requests), requestBody("support", "mock-chat-slow", "Longer answers for escalations"), QStringLiteral("rejected")},
        {post, action(requests, "rejected", "reject"), body({{"note", "Use mock-chat: the slow model is for batch jobs"}}), {}},
        {post, fixed(requests), requestBody("search", "mock-chat", "Query rewriting experiments"), {}},
        {post, fixed(requests), requestBody("support", "mock-chat", "Draft replies to customer emails"), {}},
    };
    if (showsPolicy())
        addPolicyDemo();
    sendDemoCall(0);
}

bool DemoScreenshot::showsPolicy() const
{
    return m_page == QLatin1String("keys") || m_page == QLatin1String("tenants");
}

// Rate limits and budgets of the key invoices-prod, of its consumer acme / billing and its tenant
// acme. Only the tenant's budget is weekly: docs/images/console-key-limits.yaml declares acme's
// monthly one (and its rate limits), which the API refuses to set here.
void DemoScreenshot::addPolicyDemo()
{
    const QString put = QStringLiteral("PUT");
    const auto fixed = [](QString target) { return [target] { return target; }; };
    const auto keyScope = [this](QJsonObject body) {
        return [this, body]() mutable {
            body.insert(QStringLiteral("scope"), QStringLiteral("key"));
            body.insert(QStringLiteral("id"), m_answers.value(QStringLiteral("invoices")).value(QLatin1String("prefix")).toString());
            return body;
        };
    };
    const auto body = [](QJsonObject object) { return [object] { return object; }; };
    const QString limits = QStringLiteral("/admin/v1/limits");
    const QString budgets = QStringLiteral("/admin/v1/budgets");
    m_demoCalls.push_back({put, fixed(limits), keyScope({{"requests_per_minute", 60}, {"tokens_per_minute", 20000}, {"concurrent", 4}}), {}});
    m_demoCalls.push_back({put, fixed(budgets), keyScope({{"period", "daily"}, {"limit_usd", 0.5}, {"soft_limit_usd", 0.2}}), {}});
    m_demoCalls.push_back({put, fixed(budgets), keyScope({{"period", "monthly"}, {"limit_usd", 10}, {"soft_limit_fraction", 0.8}}), {}});
    m_demoCalls.push_back({put, fixed(limits), body({{"scope", "consumer"}, {"id", "acme/billing"}, {"requests_per_minute", 300}, {"concurrent", 10}}), {}});
    m_demoCalls.push_back({put, fixed(budgets),
        body({{"scope", "consumer"}, {"id", "acme/billing"}, {"period", "monthly"}, {"limit_usd", 50}, {"soft_limit_usd", 40}}), {}});
    m_demoCalls.push_back({put, fixed(budgets),
        body({{"scope", "tenant"}, {"id", "acme"}, {"period", "weekly"}, {"limit_usd", 100}, {"soft_limit_fraction", 0.75}}), {}});
}

// One call at a time, as a client of the key would make them (its concurrency limit is 4).
void DemoScreenshot::sendKeyCall()
{
    if (m_keyCallsSent >= m_calls) {
        waitForLists();
        return;
    }
    ++m_keyCallsSent;
    m_keyCalls.send(QUrl(m_controller->address()), m_answers.value(QStringLiteral("invoices")).value(QLatin1String("key")).toString(),
        QStringLiteral("mock-chat"), false);
}

void DemoScreenshot::onKeyCallFinished(bool ok, int httpStatus, const QString& summary)
{
    if (!ok && httpStatus != 429) { // a refusal by a limit or a budget is part of the picture; anything else is not
        m_done = true;
        emit finished(false, tr("a demo call with the key failed: %1").arg(summary));
        return;
    }
    sendKeyCall();
}

void DemoScreenshot::sendDemoCall(std::size_t index)
{
    if (index >= m_demoCalls.size()) {
        if (m_page == QLatin1String("prices"))
            importDemoPrices();
        else if (isPromptsPage())
            showPromptDemo();
        else if (showsPolicy())
            sendKeyCall();
        else
            waitForLists();
        return;
    }
    const DemoCall& call = m_demoCalls[index];
    m_controller->admin()->client()->send(call.method, call.target(), call.body(), [this, index](const AdminReply& reply) {
        if (!reply.ok()) {
            m_done = true;
            emit finished(false, tr("the demo data could not be filed: %1").arg(reply.errorMessage));
            return;
        }
        const DemoCall& done = m_demoCalls[index];
        if (!done.saveIdAs.isEmpty()) {
            m_ids.insert(done.saveIdAs, reply.body.toObject().value(QLatin1String("id")).toInt());
            m_answers.insert(done.saveIdAs, reply.body.toObject());
        }
        if (done.saveIdAs == QLatin1String("rotation"))
            m_rotation = reply.body.toObject();
        sendDemoCall(index + 1);
    });
}

// The lists reload on their own after each change; the picture waits until every list on the page
// has settled (none loading, twice in a row) and the sidebar counts the two waiting requests.
void DemoScreenshot::waitForLists()
{
    m_settle.setInterval(50);
    connect(&m_settle, &QTimer::timeout, this, [this] {
        QList<AdminListModel*> lists;
        collectLists(m_window->contentItem(), lists);
        const bool idle = !lists.isEmpty() && std::none_of(lists.begin(), lists.end(), [](AdminListModel* list) { return list->loading(); });
        m_settledPolls = idle && m_controller->admin()->pendingApprovals() == 2 ? m_settledPolls + 1 : 0;
        if (m_settledPolls < 3)
            return;
        m_settle.stop();
        decorateGovernancePage();
        if (showsPolicy()) {
            waitForPolicyPanels();
            return;
        }
        m_done = true;
        QTimer::singleShot(0, this, &DemoScreenshot::grab);
    });
    m_settle.start();
}

// The "Limits & budget" panels shown may have read their lists before the demo calls (on "tenants"
// they are shown from the start): each asks once more, and the picture waits until each has its
// answers, twice in a row.
void DemoScreenshot::waitForPolicyPanels()
{
    QList<QQuickItem*> shown;
    collectPolicyPanels(m_window->contentItem(), shown);
    for (QQuickItem* panel : shown)
        QMetaObject::invokeMethod(panel, "refresh");
    m_settledPolls = 0;
    m_settle.disconnect(this);
    connect(&m_settle, &QTimer::timeout, this, [this] {
        QList<QQuickItem*> panels;
        collectPolicyPanels(m_window->contentItem(), panels);
        const bool settled = !panels.isEmpty()
            && std::all_of(panels.begin(), panels.end(), [](QQuickItem* panel) { return panel->property("settled").toBool(); });
        m_settledPolls = settled ? m_settledPolls + 1 : 0;
        if (m_settledPolls < 2)
            return;
        m_settle.stop();
        m_done = true;
        QTimer::singleShot(0, this, &DemoScreenshot::grab);
    });
    m_settle.start();
}

// What a user would see right after an action on the page: the Keys page shows the rotated key once,
// the Audit page one entry opened.
void DemoScreenshot::decorateGovernancePage()
{
    QQuickItem* root = m_window->contentItem();
    if (m_page == QLatin1String("keys") && !m_rotation.isEmpty()) {
        if (QQuickItem* page = findItemWithProperty(root, "newKey")) {
            const QJsonObject old = m_rotation.value(QLatin1String("rotated_key")).toObject();
            const QDateTime until = QDateTime::fromMSecsSinceEpoch(old.value(QLatin1String("expires_at_ms")).toInteger());
            page->setProperty("newKeyTitle", tr("New key “%1” for globex / support-bot, replacing %2")
                    .arg(m_rotation.value(QLatin1String("name")).toString(), old.value(QLatin1String("prefix")).toString()));
            page->setProperty("newKeyDetail", tr("The old key (%1) keeps working until %2.")
                    .arg(old.value(QLatin1String("prefix")).toString(), until.toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
            page->setProperty("newKey", m_rotation.value(QLatin1String("key")).toString());
        }
    }
    if (m_page == QLatin1String("keys")) {
        if (QQuickItem* page = findItemWithProperty(root, "selectedKeyId"))
            page->setProperty("selectedKeyId", m_ids.value(QStringLiteral("invoices")));
    }
    if (m_page == QLatin1String("audit")) {
        QQuickItem* table = findItemNamed(root, QStringLiteral("auditTable"));
        auto* entries = table ? qobject_cast<AdminListModel*>(table->property("model").value<QObject*>()) : nullptr;
        for (int row = 0; entries && row < entries->count(); ++row) {
            const QVariantMap entry = entries->get(row);
            if (entry.value(QStringLiteral("action")).toString() == QLatin1String("access_request.approve")) {
                table->setProperty("expandedId", entry.value(QStringLiteral("id")));
                break;
            }
        }
    }
}

// Prices set through the admin API over the shipped list prices and the config file's
// (docs/images/console-prices.yaml): a contract price of gpt-4o from next year on, an internal price
// of a self-hosted model; then a LiteLLM file imported through the page itself.
void DemoScreenshot::filePriceDemo()
{
    const QString put = QStringLiteral("PUT");
    const auto fixed = [](QString target) { return [target] { return target; }; };
    const auto body = [](QJsonObject object) { return [object] { return object; }; };
    const QString prices = QStringLiteral("/admin/v1/prices");
    const QString nextYear = QString::number(QDate::currentDate().year() + 1) + QStringLiteral("-01-01");
    m_demoCalls = {
        {put, fixed(prices), body({{"provider", "openai"}, {"model", "gpt-4o"}, {"input_per_million", 2}, {"output_per_million", 8},
            {"cached_input_per_million", 0.5}, {"effective_date", nextYear}, {"source", "Contract " + nextYear.left(4)},
            {"reason", "Negotiated rate"}}), {}},
        {put, fixed(prices), body({{"model", "gpt-4o-2024-08-06"}, {"input_per_million", 2.5}, {"output_per_million", 10},
            {"source", "https://openai.com/api/pricing/"}, {"reason", "The dated id our Azure deployment uses"}}), {}},
    };
    sendDemoCall(0);
}

// LiteLLM's format (docs/pricing.md): chat and embedding models priced per token are imported, an
// image and an audio model are skipped and named.
void DemoScreenshot::importDemoPrices()
{
    const auto perToken = [](const char* provider, const char* mode, double input, double output, double cachedInput = -1) {
        QJsonObject entry{{"litellm_provider", provider}, {"mode", mode}, {"input_cost_per_token", input}, {"output_cost_per_token", output}};
        if (cachedInput >= 0)
            entry.insert(QStringLiteral("cache_read_input_token_cost"), cachedInput);
        return entry;
    };
    const QJsonObject file{
        {"gpt-4o-mini", perToken("openai", "chat", 1.5e-7, 6e-7, 7.5e-8)},
        {"gpt-4o-mini-2024-07-18", perToken("openai", "chat", 1.5e-7, 6e-7, 7.5e-8)},
        {"mistral/mistral-large-latest", perToken("mistral", "chat", 2e-6, 6e-6)},
        {"deepseek/deepseek-chat", perToken("deepseek", "chat", 2.7e-7, 1.1e-6, 7e-8)},
        {"text-embedding-3-small", perToken("openai", "embedding", 2e-8, 0)},
        {"dall-e-3", QJsonObject{{"litellm_provider", "openai"}, {"mode", "image_generation"}, {"output_cost_per_image", 0.04}}},
        {"whisper-1", QJsonObject{{"litellm_provider", "openai"}, {"mode", "audio_transcription"}, {"input_cost_per_second", 0.0001}}},
    };
    const QString path = m_scratch.filePath(QStringLiteral("model_prices_and_context_window.json"));
    QFile out(path);
    const bool written = m_scratch.isValid() && out.open(QIODevice::WriteOnly) && out.write(QJsonDocument(file).toJson()) > 0;
    out.close();
    QQuickItem* page = findItemNamed(m_window->contentItem(), QStringLiteral("pricesPage"));
    QObject* dialog = page ? page->findChild<QObject*>(QStringLiteral("importPricesDialog")) : nullptr;
    // From the first of next month, so this month's shipped list prices stay beside the imported ones.
    const QString nextMonth = QDate::currentDate().addMonths(1).toString(QStringLiteral("yyyy-MM-01"));
    QObject* importDate = dialog ? dialog->findChild<QObject*>(QStringLiteral("importDate")) : nullptr;
    if (!written || !importDate || !QMetaObject::invokeMethod(page, "openImport", Q_ARG(QVariant, QUrl::fromLocalFile(path)))
        || !importDate->setProperty("text", nextMonth) || !QMetaObject::invokeMethod(dialog, "confirm")) {
        m_done = true;
        emit finished(false, tr("the demo LiteLLM file could not be imported through the Prices page"));
        return;
    }
    // Once the page says what the import did: the gpt-4o entries of every origin, after one more load.
    const QPointer<QQuickItem> shown = page;
    m_settle.setInterval(50);
    connect(&m_settle, &QTimer::timeout, this, [this, shown] {
        if (!shown || shown->property("importResult").toString().isEmpty())
            return;
        m_settle.stop();
        m_settle.disconnect(this);
        if (QQuickItem* filter = findItemNamed(m_window->contentItem(), QStringLiteral("priceFilter")))
            filter->setProperty("text", QStringLiteral("gpt-4o"));
        waitForRefresh(QStringLiteral("pricesPage"));
    });
    m_settle.start();
}

namespace {

QJsonObject promptMessage(const char* role, const char* content)
{
    return {{"role", role}, {"content", QString::fromUtf8(content)}};
}

QJsonObject promptVariable(const char* name, const char* type, bool required, const QJsonValue& defaultValue, const char* description)
{
    QJsonObject variable{{"name", name}, {"type", type}, {"required", required}, {"description", description}};
    if (!defaultValue.isNull())
        variable.insert(QStringLiteral("default"), defaultValue);
    return variable;
}

// The support team's prompt as it grew: a first cut, the customer's language, then the refund
// policy and the order history on a larger model. The third is where the picture's draft starts.
const char* const kSupportSystemV2 = "You are a support agent for {{product}}.\nAnswer politely and briefly, in {{language}}.\nSign as {{agent_name}}.";
const char* const kSupportSystemV3 = "You are a support agent for {{product}}.\nAnswer politely, in {{language}}, in at most 150 words.\n"
                                     "If the customer asks for a refund, explain the policy: {{refund_policy}}\n"
                                     "Never write \\{{placeholders}} back to the customer.\nSign as {{agent_name}}.";

} // namespace

// Prompts of a few teams through the admin API (docs/images/console-prompts.yaml): support-reply
// with three versions and a split production label, and three more with their labels; then the
// page shows support-reply (filePromptDemo → showPromptDemo).
void DemoScreenshot::filePromptDemo()
{
    const QString post = QStringLiteral("POST");
    const QString put = QStringLiteral("PUT");
    const auto fixed = [](QString target) { return [target] { return target; }; };
    const auto body = [](QJsonObject object) { return [object] { return object; }; };
    const QString prompts = QStringLiteral("/admin/v1/prompts");
    const auto versions = [prompts](const char* name) { return prompts + QLatin1Char('/') + QLatin1String(name) + QStringLiteral("/versions"); };
    const auto label = [prompts](const char* name, const char* label) {
        return prompts + QLatin1Char('/') + QLatin1String(name) + QStringLiteral("/labels/") + QLatin1String(label);
    };
    const auto split = [](std::initializer_list<std::pair<int, int>> entries) {
        QJsonArray array;
        for (const auto& [version, weight] : entries)
            array.append(QJsonObject{{"version", version}, {"weight", weight}});
        return QJsonObject{{"split", array}};
    };
    const QJsonObject product = promptVariable("product", "string", true, QJsonValue::Null, "The product the customer wrote about");
    const QJsonObject email = promptVariable("email", "string", true, QJsonValue::Null, "The customer's email, as received");
    const QJsonObject language = promptVariable("language", "string", false, QStringLiteral("English"), "The customer's language");
    const QJsonObject agent = promptVariable("agent_name", "string", true, QJsonValue::Null, "Who signs the answer");
    const QJsonObject policy = promptVariable("refund_policy", "string", false, QStringLiteral("Refunds within 30 days of purchase."),
        "The policy in one sentence");
    const QJsonObject orders = promptVariable("orders", "json", false, QJsonArray{}, "The customer's recent orders");
    m_demoCalls = {
        {post, fixed(prompts), body({{"name", "support-reply"}, {"description", "Drafts answers to customer emails"}}), {}},
        {post, fixed(versions("support-reply")), body({{"model", "gpt-4o-mini"},
            {"messages", QJsonArray{promptMessage("system", "You are a support agent for {{product}}. Answer politely."),
                promptMessage("user", "Customer email:\n{{email}}")}},
            {"variables", QJsonArray{product, email}}, {"parameters", QJsonObject{{"temperature", 0.4}}}, {"note", "First cut"}}), {}},
        {post, fixed(versions("support-reply")), body({{"model", "gpt-4o-mini"},
            {"messages", QJsonArray{promptMessage("system", kSupportSystemV2), promptMessage("user", "Customer email:\n{{email}}")}},
            {"variables", QJsonArray{product, email, language, agent}}, {"parameters", QJsonObject{{"temperature", 0.4}, {"max_tokens", 400}}},
            {"overridable", QJsonArray{"max_tokens"}}, {"note", "Answer in the customer's language, signed"}}), {}},
        {post, fixed(versions("support-reply")), body({{"model", "gpt-4o"},
            {"messages", QJsonArray{promptMessage("system", kSupportSystemV3),
                promptMessage("user", "Customer email:\n{{email}}\n\nRecent orders (JSON): {{ orders }}")}},
            {"variables", QJsonArray{product, email, language, agent, policy, orders}},
            {"parameters", QJsonObject{{"temperature", 0.3}, {"max_tokens", 400}}}, {"overridable", QJsonArray{"max_tokens", "temperature"}},
            {"note", "Refund policy and order history, on gpt-4o"}}), {}},
        {put, fixed(label("support-reply", "production")), body(split({{2, 90}, {3, 10}})), {}},
        {put, fixed(label("support-reply", "staging")), body(split({{3, 1}})), {}},
        {post, fixed(prompts), body({{"name", "release-notes"}, {"description", "Release notes for customers from the changelog"}}), {}},
        {post, fixed(versions("release-notes")), body({{"model", "claude-sonnet"},
            {"messages", QJsonArray{promptMessage("system", "Write release notes for {{audience}}: what changed and why it matters."),
                promptMessage("user", "{{changelog}}")}},
            {"variables", QJsonArray{promptVariable("audience", "string", false, QStringLiteral("customers"), ""),
                promptVariable("changelog", "string", true, QJsonValue::Null, "The merged pull requests")}},
            {"note", "First cut"}}), {}},
        {put, fixed(label("release-notes", "production")), body(split({{1, 1}})), {}},
        {post, fixed(prompts), body({{"name", "triage-email"}, {"description", "Routes incoming email to a queue"}}), {}},
        {post, fixed(versions("triage-email")), body({{"model", "gpt-4o-mini"},
            {"messages", QJsonArray{promptMessage("system", "Sort the email into one of {{queues}}. Answer with the queue's name only."),
                promptMessage("user", "{{email}}")}},
            {"variables", QJsonArray{promptVariable("queues", "json", true, QJsonValue::Null, "The queues' names"), email}},
            {"parameters", QJsonObject{{"temperature", 0}, {"max_tokens", 10}}}, {"note", "Queues as JSON"}}), {}},
        {put, fixed(label("triage-email", "production")), body(split({{1, 1}})), {}},
        {put, fixed(label("triage-email", "staging")), body(split({{1, 1}})), {}},
        {post, fixed(prompts), body({{"name", "sql-explainer"}, {"description", "Explains a query to analysts"}}), {}},
        {post, fixed(versions("sql-explainer")), body({{"model", "llama-3.1-8b"},
            {"messages", QJsonArray{promptMessage("user", "Explain this {{dialect}} query in plain words:\n{{query}}")}},
            {"variables", QJsonArray{promptVariable("dialect", "string", false, QStringLiteral("PostgreSQL"), ""),
                promptVariable("query", "string", true, QJsonValue::Null, "")}},
            {"note", "Draft"}}), {}},
    };
    sendDemoCall(0);
}

// support-reply on the page: for "prompts" the editor with a draft that adds a line with a variable
// not declared yet (flagged in the panel, named by the check); for "prompts-diff" its versions with
// v2 and v3 side by side.
void DemoScreenshot::showPromptDemo()
{
    const QPointer<QQuickItem> page = findItemNamed(m_window->contentItem(), QStringLiteral("promptsPage"));
    if (!page || !QMetaObject::invokeMethod(page, "select", Q_ARG(QVariant, QStringLiteral("support-reply")))) {
        m_done = true;
        emit finished(false, tr("the prompts page is not shown"));
        return;
    }
    const bool diff = m_page == QLatin1String("prompts-diff");
    if (diff)
        page->setProperty("tab", QStringLiteral("versions"));
    const qint64 asked = QDateTime::currentMSecsSinceEpoch();
    auto drafted = std::make_shared<bool>(false);
    m_settle.disconnect(this);
    m_settle.setInterval(100);
    connect(&m_settle, &QTimer::timeout, this, [this, page, diff, asked, drafted] {
        constexpr qint64 kTimeoutMs = 30'000;
        if (!page || QDateTime::currentMSecsSinceEpoch() - asked > kTimeoutMs) {
            m_settle.stop();
            m_done = true;
            emit finished(false, tr("the prompts page did not show support-reply within %1 s").arg(kTimeoutMs / 1000));
            return;
        }
        const QVariantMap detail = page->property("detail").toMap();
        if (page->property("busy").toBool() || detail.value(QStringLiteral("name")).toString() != QLatin1String("support-reply")
            || page->property("prompts").toList().size() < 4)
            return;
        QQuickItem* history = findItemNamed(page, QStringLiteral("promptHistory"));
        QQuickItem* editor = findItemNamed(page, QStringLiteral("promptEditor"));
        if (diff) {
            if (!*drafted) {
                *drafted = QMetaObject::invokeMethod(history, "choose", Q_ARG(QVariant, 2), Q_ARG(QVariant, 3));
                return;
            }
            auto* model = history->property("diff").value<QObject*>();
            if (history->property("busy").toBool() || !model || model->property("toVersion").toInt() != 3)
                return;
        } else {
            if (!*drafted) {
                // The first line asks for a tone, a variable the draft uses before declaring it.
                QQuickItem* first = findItemNamed(editor, QStringLiteral("promptMessage"));
                QObject* area = first ? first->property("contentArea").value<QObject*>() : nullptr;
                QQuickItem* note = findItemNamed(editor, QStringLiteral("versionNote"));
                if (!area || !note)
                    return;
                area->setProperty("text", QString::fromUtf8(kSupportSystemV3).replace(QStringLiteral("{{product}}."),
                    QStringLiteral("{{product}}, in a {{tone}} tone.")));
                note->setProperty("text", QStringLiteral("A tone per brand"));
                *drafted = true;
                return;
            }
            if (editor->property("shownError").toString().isEmpty())
                return; // the check (a moment after typing) has not named the new variable yet
        }
        m_settle.stop();
        m_done = true;
        QTimer::singleShot(300, this, &DemoScreenshot::grab);
    });
    m_settle.start();
}

void DemoScreenshot::testProviders()
{
    ProvidersModel* providers = m_controller->providers();
    m_providersTesting = providers->count();
    if (m_providersTesting == 0) {
        m_done = true;
        QTimer::singleShot(0, this, &DemoScreenshot::grab);
        return;
    }
    // Each result arrives through onProviderTested, some at once (a provider no model uses).
    for (int row = 0; row < providers->count(); ++row)
        providers->testConnection(providers->index(row).data(ProvidersModel::NameRole).toString());
}

void DemoScreenshot::onProviderTested()
{
    if (m_done || --m_providersTesting > 0)
        return;
    m_done = true;
    QTimer::singleShot(0, this, &DemoScreenshot::grab);
}

void DemoScreenshot::sendFirstWave()
{
    m_firstWaveSent = true;
    const QStringList models = m_controller->modelNames();
    for (int i = 0; i < m_firstWave; ++i)
        m_controller->sendTestRequest(models.value(i % 4 == 3 ? 1 : 0), i % 3 == 1);
}

// Every model in turn, whole answers: the call log counts them; then onCallsLogged sends the
// streamed calls that are in flight in the picture.
void DemoScreenshot::sendTrafficDemo()
{
    m_trafficDemo = true;
    const QStringList models = m_controller->modelNames();
    for (int i = 0; i < m_calls; ++i)
        m_controller->sendTestRequest(models.value(i % std::max<qsizetype>(1, models.size())), false);
}

// Refreshes the page once the streamed calls are admitted (they run for seconds with the demo
// configuration's slow streams), and takes the picture when that refresh is answered.
void DemoScreenshot::waitForTraffic()
{
    constexpr qint64 kAdmissionMs = 500;
    const QPointer<QQuickItem> page = findItemNamed(m_window->contentItem(), QStringLiteral("trafficPage"));
    const qint64 admitted = QDateTime::currentMSecsSinceEpoch() + kAdmissionMs;
    m_settle.setInterval(100);
    connect(&m_settle, &QTimer::timeout, this, [this, page, admitted] {
        if (!page) {
            m_settle.stop();
            m_done = true;
            emit finished(false, tr("the traffic page is not shown"));
            return;
        }
        if (page->property("busy").toBool() || QDateTime::currentMSecsSinceEpoch() < admitted)
            return;
        if (page->property("updatedAt").toDouble() < static_cast<double>(admitted)) {
            QMetaObject::invokeMethod(page, "refresh");
            return;
        }
        m_settle.stop();
        m_done = true;
        QTimer::singleShot(0, this, &DemoScreenshot::grab);
    });
    m_settle.start();
}

void DemoScreenshot::onCallsLogged()
{
    if (m_trafficDemo) {
        if (m_lastWaveSent || m_controller->callLog()->totalCalls() < m_calls)
            return;
        m_lastWaveSent = true;
        constexpr int kStreamsInFlight = 3;
        for (int i = 0; i < kStreamsInFlight; ++i)
            m_controller->sendTestRequest(m_controller->modelNames().value(0), true);
        waitForTraffic();
        return;
    }
    if (!m_firstWaveSent)
        return; // calls of a connection test, not demo calls
    const qint64 logged = m_controller->callLog()->totalCalls() - m_callBaseline;
    if (!m_lastWaveSent && logged >= m_firstWave) {
        m_lastWaveSent = true;
        m_controller->sendTestRequest(QStringLiteral("gpt-4o"), false); // not configured: a 404
        m_controller->sendTestRequest(m_controller->modelNames().value(0), false);
        return;
    }
    if (m_done || !m_lastWaveSent || logged < m_calls)
        return;
    if (m_page == QLatin1String("overview")) {
        m_controller->server()->settle(); // the last calls are in the rollups the dashboard reads
        waitForRefresh(QStringLiteral("dashboardStrip"));
        return;
    }
    if (m_page == QLatin1String("calls")) {
        showCallDetail();
        return;
    }
    m_done = true;
    // Queued, so the flush that logged the last call (rate included) completes first.
    QTimer::singleShot(0, this, &DemoScreenshot::grab);
}

namespace {

constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kHourMs = 60 * kMinuteMs;
constexpr qint64 kDayMs = 24 * kHourMs;

// Who calls in the generated history: a tenant's consumer with its key, and how much it calls.
struct DemoCaller {
    const char* tenant;
    const char* consumer;
    const char* keyPrefix;
    double share;
};
constexpr DemoCaller kDemoCallers[] = {
    {"acme", "search-app", "gk-Ac3x9Q", 5},
    {"acme", "billing", "gk-Bi7mT2", 2},
    {"globex", "support-bot", "gk-Gs4pW1", 3},
    {"globex", "analytics", "gk-Ga8kR5", 1},
    {"initech", "copilot", "gk-In2vL6", 2},
};

// Where a generated call goes: a deployment of a served model, how popular, how fast, at what price.
struct DemoRoute {
    std::string model;
    std::string provider;
    std::string upstreamModel;
    std::optional<gatehouse::TokenPrice> price;
    double share;
    double baseMs;     // the time to an answer without output
    double msPerToken; // and per output token
};

std::vector<DemoRoute> demoRoutes(const gatehouse::GatewayConfig& config)
{
    // The first models served are the most used, as in most gateways; the speeds vary by model.
    constexpr double kShares[] = {5, 3, 2, 1.2};
    constexpr double kBaseMs[] = {380, 160, 620, 240};
    constexpr double kMsPerToken[] = {9, 4, 13, 6};
    std::vector<DemoRoute> routes;
    for (std::size_t i = 0; i < config.models.size(); ++i) {
        const auto& model = config.models[i];
        int weights = 0;
        for (const auto& deployment : model.deployments)
            weights += std::max(1, deployment.weight);
        for (const auto& deployment : model.deployments) {
            routes.push_back({model.name, deployment.provider, deployment.upstreamModel, deployment.price,
                kShares[std::min<std::size_t>(i, 3)] * std::max(1, deployment.weight) / std::max(1, weights),
                kBaseMs[i % 4], kMsPerToken[i % 4]});
        }
    }
    return routes;
}

// Calls per minute at `ms`: a working day's curve (local time, highest at 14:00), quieter weekends,
// a month's slow growth; `liveFrom` on, the busier minutes the Overview's dashboard shows.
double callsPerMinute(qint64 ms, qint64 sinceMs, qint64 untilMs, qint64 liveFrom)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    const double hour = at.time().hour() + at.time().minute() / 60.0;
    const double day = 0.12 + 0.88 * std::exp(-std::pow(hour - 14, 2) / (2 * 3.5 * 3.5));
    const double week = at.date().dayOfWeek() >= 6 ? 0.35 : 1.0;
    const double growth = 0.7 + 0.3 * static_cast<double>(ms - sinceMs) / static_cast<double>(std::max<qint64>(1, untilMs - sinceMs));
    double rate = 1.3 * day * week * growth;
    if (ms >= liveFrom) {
        const double progress = static_cast<double>(ms - liveFrom) / static_cast<double>(std::max<qint64>(1, untilMs - liveFrom));
        rate = 90 + 70 * progress + 25 * std::sin(progress * 9);
    }
    return rate;
}

} // namespace

qint64 DemoScreenshot::writeGeneratedHistory(qint64 sinceMs, qint64 untilMs, int liveMinutes)
{
    using namespace gatehouse;
    GatewayServer* server = m_controller->server();
    const std::vector<DemoRoute> routes = server ? demoRoutes(*server->servingConfig()) : std::vector<DemoRoute>{};
    if (routes.empty()) {
        m_done = true;
        QTimer::singleShot(0, this, [this] { emit finished(false, tr("the gateway serves no model to generate calls for")); });
        return -1;
    }
    std::mt19937 random(20261204); // the same history every time: pictures differ only in their times
    std::vector<double> routeShares;
    for (const auto& route : routes)
        routeShares.push_back(route.share);
    std::vector<double> callerShares;
    for (const auto& caller : kDemoCallers)
        callerShares.push_back(caller.share);
    std::discrete_distribution<std::size_t> pickRoute(routeShares.begin(), routeShares.end());
    std::discrete_distribution<std::size_t> pickCaller(callerShares.begin(), callerShares.end());
    std::uniform_real_distribution<double> uniform(0, 1);
    std::lognormal_distribution<double> promptTokens(6.4, 0.7);
    std::lognormal_distribution<double> completionTokens(5.2, 0.6);
    std::lognormal_distribution<double> jitter(0, 0.25);
    // An afternoon of a working day two or more days ago when the busiest deployment's provider
    // failed almost every other call and answered slowly for 90 minutes.
    QDate incidentDay = QDateTime::fromMSecsSinceEpoch(untilMs - 2 * kDayMs).date();
    while (incidentDay.dayOfWeek() >= 6)
        incidentDay = incidentDay.addDays(-1);
    const qint64 incidentStart = QDateTime(incidentDay, QTime(13, 30)).toMSecsSinceEpoch();
    const qint64 incidentEnd = incidentStart + 90 * kMinuteMs;
    const qint64 liveFrom = liveMinutes > 0 ? untilMs - liveMinutes * kMinuteMs : untilMs + 1;

    qint64 written = 0;
    for (qint64 minute = sinceMs - sinceMs % kMinuteMs; minute < untilMs; minute += kMinuteMs) {
        std::poisson_distribution<int> calls(callsPerMinute(minute, sinceMs, untilMs, liveFrom));
        const int count = calls(random);
        std::vector<CallRecord> minuteCalls;
        for (int i = 0; i < count; ++i) {
            const qint64 at = minute + static_cast<qint64>(uniform(random) * kMinuteMs);
            if (at < sinceMs || at >= untilMs)
                continue;
            const DemoRoute& route = routes[pickRoute(random)];
            const DemoCaller& caller = kDemoCallers[pickCaller(random)];
            const bool incident = at >= incidentStart && at < incidentEnd && &route == &routes.front();
            CallRecord record;
            record.startedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(at));
            record.endpoint = "/v1/chat/completions";
            record.keyPrefix = caller.keyPrefix;
            record.tenant = caller.tenant;
            record.consumer = caller.consumer;
            record.model = route.model;
            record.route = route.model;
            record.stream = uniform(random) < 0.3;
            record.attempts = 1;
            record.clientIp = "10.20.0." + std::to_string(1 + (&caller - kDemoCallers) * 7);
            record.userAgent = "OpenAI/Python 1.54.0";
            const double failure = uniform(random);
            if (failure < 0.006) { // refused by a rate limit before any provider was asked
                record.status = 429;
                record.errorCode = "rate_limit_exceeded";
                record.latency = std::chrono::microseconds(static_cast<int64_t>(800 * jitter(random)));
                record.attempts = 0;
            } else if (failure < (incident ? 0.45 : 0.012)) { // the provider answered 5xx
                record.provider = route.provider;
                record.deployment = route.upstreamModel;
                record.status = 502;
                record.errorCode = "upstream_error";
                record.latency = std::chrono::microseconds(static_cast<int64_t>(900'000 * jitter(random)));
            } else {
                const auto prompt = static_cast<int64_t>(std::clamp(promptTokens(random), 20.0, 12000.0));
                const auto completion = static_cast<int64_t>(std::clamp(completionTokens(random), 5.0, 4000.0));
                const double ms = (route.baseMs + route.msPerToken * static_cast<double>(completion)) * jitter(random) * (incident ? 2.6 : 1.0);
                record.provider = route.provider;
                record.deployment = route.upstreamModel;
                record.status = 200;
                record.latency = std::chrono::microseconds(static_cast<int64_t>(ms * 1000));
                record.timeToFirstByte = std::chrono::microseconds(static_cast<int64_t>(ms * (record.stream ? 0.18 : 0.95) * 1000));
                record.promptTokens = prompt;
                record.completionTokens = completion;
                record.cachedTokens = 0;
                record.reasoningTokens = 0;
                record.cache = "miss";
                if (route.price) // USD per 1M tokens × tokens = micro-dollars
                    record.costMicros = std::llround(route.price->inputPerMillion * static_cast<double>(prompt)
                        + route.price->outputPerMillion * static_cast<double>(completion));
            }
            minuteCalls.push_back(std::move(record));
        }
        // Logged in the order they started, as the table lists them; ids in that order, unique across writes.
        std::stable_sort(minuteCalls.begin(), minuteCalls.end(), [](const CallRecord& a, const CallRecord& b) { return a.startedAt < b.startedAt; });
        for (auto& record : minuteCalls) {
            record.requestId = "req_demo_" + std::to_string(++m_generatedCalls);
            ++written;
            if (!server->callRecords().submit(std::move(record))) {
                m_done = true;
                QTimer::singleShot(0, this, [this] { emit finished(false, tr("the call log's writer refused the generated calls (its queue is full)")); });
                return -1;
            }
        }
    }
    // Written (and their rollups kept) before anything is asked about them; in the log's table too.
    server->callRecords().flush();
    m_controller->callLog()->flushPending();
    m_callBaseline = m_controller->callLog()->totalCalls();
    return written;
}

// Thirty days of calls, the page on its last 7 days by model.
void DemoScreenshot::showGeneratedAnalytics()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // The call log keeps records for 30 days: the oldest hour would be pruned while the picture is taken.
    if (writeGeneratedHistory(now - 30 * kDayMs + kHourMs, now, 0) < 0)
        return;
    if (QQuickItem* page = findItemNamed(m_window->contentItem(), QStringLiteral("analyticsPage")))
        page->setProperty("range", QStringLiteral("7d"));
    waitForRefresh(QStringLiteral("analyticsPage"), true);
}

// The last minutes of a busy gateway, then the demo calls on top of them.
void DemoScreenshot::showGeneratedCallLog()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (writeGeneratedHistory(now - 6 * kMinuteMs, now, 6) < 0)
        return;
    sendFirstWave();
}

// Chooses the newest demo call that was answered in one piece (the configuration captures the
// payloads of the first model's calls), under the calls of the last seconds, and takes the picture
// once its detail has been read.
void DemoScreenshot::showCallDetail()
{
    m_done = true; // before the calls below are logged: onCallsLogged has nothing more to do
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (writeGeneratedHistory(now - 3000, now, 1) < 0)
        return;
    const CallLogModel* log = m_controller->callLog();
    QString requestId;
    for (int row = 0; row < log->count() && requestId.isEmpty(); ++row) {
        const auto& record = log->record(row);
        if (record.status == 200 && !record.stream && record.requestId.rfind("req_demo_", 0) != 0)
            requestId = QString::fromStdString(record.requestId);
    }
    QQuickItem* page = findItemNamed(m_window->contentItem(), QStringLiteral("callLogPage"));
    QVariant chosen;
    if (!page || requestId.isEmpty()
        || !QMetaObject::invokeMethod(page, "selectRequest", Q_RETURN_ARG(QVariant, chosen), Q_ARG(QVariant, requestId))
        || !chosen.toBool()) {
        emit finished(false, tr("no answered demo call to show in the call log's detail"));
        return;
    }
    waitForRefresh(QStringLiteral("callDetail"));
}

// A day of calls, busier in the last 15 minutes, the tenants' budgets, then the demo calls.
void DemoScreenshot::showGeneratedDashboard()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (writeGeneratedHistory(now - kDayMs, now, 15) < 0)
        return;
    fileDemoBudgets(0);
}

// Budgets of the generated tenants, set after the history is written: a budget (re)defined loads its
// spending from the calls recorded, so the dashboard's meters agree with its spend.
void DemoScreenshot::fileDemoBudgets(std::size_t index)
{
    // One of each colour on a usual day: well within, past its alert, used up.
    static const QList<QJsonObject> budgets{
        QJsonObject{{"scope", "tenant"}, {"id", "acme"}, {"period", "monthly"}, {"limit_usd", 12}, {"soft_limit_fraction", 0.8},
            {"reason", "Demo budget"}},
        QJsonObject{{"scope", "tenant"}, {"id", "globex"}, {"period", "daily"}, {"limit_usd", 2.5}, {"soft_limit_usd", 1.5},
            {"reason", "Demo budget"}},
        QJsonObject{{"scope", "tenant"}, {"id", "initech"}, {"period", "weekly"}, {"limit_usd", 1}, {"reason", "Demo budget"}},
    };
    if (index >= static_cast<std::size_t>(budgets.size())) {
        sendFirstWave();
        return;
    }
    m_controller->admin()->embeddedClient()->send(QStringLiteral("PUT"), QStringLiteral("/admin/v1/budgets"),
        budgets.at(static_cast<qsizetype>(index)), [this, index](const AdminReply& reply) {
            if (!reply.ok()) {
                m_done = true;
                emit finished(false, tr("the demo budgets could not be set: %1").arg(reply.errorMessage));
                return;
            }
            fileDemoBudgets(index + 1);
        });
}

void DemoScreenshot::waitForRefresh(const QString& objectName, const QVariant& refreshArgument)
{
    constexpr qint64 kTimeoutMs = 30'000;
    // Qt Charts lay their items out after the data arrived, in later events: a moment before the picture.
    constexpr int kLayoutMs = 600;
    const QPointer<QQuickItem> item = findItemNamed(m_window->contentItem(), objectName);
    const qint64 asked = QDateTime::currentMSecsSinceEpoch();
    auto requested = std::make_shared<bool>(false);
    m_settle.disconnect(this);
    m_settle.setInterval(100);
    connect(&m_settle, &QTimer::timeout, this, [this, item, asked, refreshArgument, requested, objectName] {
        if (!item || QDateTime::currentMSecsSinceEpoch() - asked > kTimeoutMs) {
            m_settle.stop();
            m_done = true;
            emit finished(false, item ? tr("%1 was not refreshed within %2 s").arg(objectName).arg(kTimeoutMs / 1000)
                                      : tr("%1 is not shown").arg(objectName));
            return;
        }
        if (item->property("busy").toBool())
            return;
        if (item->property("updatedAt").toDouble() < static_cast<double>(asked)) {
            if (!*requested) {
                *requested = refreshArgument.isValid() ? QMetaObject::invokeMethod(item, "refresh", Q_ARG(QVariant, refreshArgument))
                                                       : QMetaObject::invokeMethod(item, "refresh");
            }
            return;
        }
        m_settle.stop();
        m_done = true;
        QTimer::singleShot(kLayoutMs, this, &DemoScreenshot::grab);
    });
    m_settle.start();
}

void DemoScreenshot::grab()
{
    // grabWindow() polishes and renders the scene itself, so the rows just inserted are in the picture.
    const QImage image = m_window->grabWindow();
    if (image.isNull() || !image.save(m_path)) {
        emit finished(false, tr("cannot save the screenshot to %1").arg(m_path));
        return;
    }
    const QString saved = tr("saved %1 (%2×%3)").arg(m_path).arg(image.width()).arg(image.height());
    if (m_controller->state() == GatewayController::Failed) {
        emit finished(false, tr("the gateway could not start (%1); %2").arg(m_controller->errorText(), saved));
        return;
    }
    emit finished(true, saved);
}
