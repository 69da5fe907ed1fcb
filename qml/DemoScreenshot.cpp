// Gives a console page something to show (demo calls, connection tests, governance data), then saves a picture of it (for docs).
#include "DemoScreenshot.h"

#include "AdminConnection.h"
#include "AdminListModel.h"
#include "GatewayController.h"

#include <QDateTime>
#include <QImage>
#include <QQuickItem>
#include <QQuickWindow>

#include <algorithm>

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

void DemoScreenshot::start()
{
    QVariant shown;
    QMetaObject::invokeMethod(m_window, "showPage", Q_RETURN_ARG(QVariant, shown), Q_ARG(QVariant, m_page));
    if (!shown.toBool()) {
        m_done = true;
        QTimer::singleShot(0, this, [this] {
            emit finished(false, tr("there is no page named \"%1\" (overview, providers, traffic, calls, tenants, keys, approvals, audit)").arg(m_page));
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
    else if (m_page == QLatin1String("traffic"))
        sendTrafficDemo();
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
        if (showsPolicy())
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
    const qint64 logged = m_controller->callLog()->totalCalls();
    if (!m_lastWaveSent && logged >= m_firstWave) {
        m_lastWaveSent = true;
        m_controller->sendTestRequest(QStringLiteral("gpt-4o"), false); // not configured: a 404
        m_controller->sendTestRequest(m_controller->modelNames().value(0), false);
        return;
    }
    if (m_done || !m_lastWaveSent || logged < m_calls)
        return;
    m_done = true;
    // Queued, so the flush that logged the last call (rate included) completes first.
    QTimer::singleShot(0, this, &DemoScreenshot::grab);
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
