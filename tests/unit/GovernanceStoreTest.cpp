// GovernanceStore: CRUD with paging and filters, the access-request lifecycle, exactly one audit
// entry per change, an append-only audit log, and the migration from schema version 2.
#include "GovernanceErrorOf.h"
#include "TemporaryDataDirectory.h"
#include "auth/ApiKey.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"

#include <QtTest>

#include <sqlite3.h>

using namespace gatehouse;

namespace {

const Change kAdmin{"admin:alice", "setting up"};

int64_t auditCount(Database& db)
{
    auto query = db.prepare("SELECT count(*) FROM audit_log");
    query.step();
    return query.columnInt(0);
}

// One store over a fresh database, with a clock the test moves.
struct Fixture {
    TemporaryDataDirectory dir;
    Database db{dir.databasePath()};
    int64_t clockMs = 1'000'000;
    GovernanceStore store{db, [this] { return clockMs; }};
};

std::vector<std::string> tenantNames(const Page<Tenant>& page)
{
    std::vector<std::string> names;
    for (const auto& tenant : page.items)
        names.push_back(tenant.name);
    return names;
}

std::vector<std::string> consumerNames(const Page<Consumer>& page)
{
    std::vector<std::string> names;
    for (const auto& consumer : page.items)
        names.push_back(consumer.tenant + "/" + consumer.name);
    return names;
}

} // namespace

class GovernanceStoreTest : public QObject {
    Q_OBJECT

private slots:
    void tenantsCreateGetListRename();
    void invalidNamesNameTheField_data();
    void invalidNamesNameTheField();
    void tenantDeleteIsRefusedWhileInUse();
    void consumersCrudWithPagingAndFilter();
    void consumerDeleteIsRefusedWhileItHasUsableKeys();
    void modelAccessDefaultsToOpen();
    void requestLifecycle();
    void refusesADuplicatePendingRequest();
    void autoApproveApprovesAtOnce();
    void privateModelsOpenOnlyToGrants();
    void listsAndLatestRequests();
    void everyChangeWritesExactlyOneAuditEntry();
    void refusedChangesWriteNoAuditEntry();
    void auditQueryFiltersAndPages();
    void auditLogIsAppendOnly();
    void everyChangeNeedsAnActor();
    void pagingIsValidated();
    void migrationFromVersion2KeepsExistingKeys();
};

void GovernanceStoreTest::tenantsCreateGetListRename()
{
    Fixture f;
    const auto created = f.store.createTenant(kAdmin, "team-a");
    QVERIFY(created.id > 0);
    QCOMPARE(created.name, std::string("team-a"));
    QCOMPARE(created.createdAtMs, f.clockMs);
    QCOMPARE(f.store.tenant(created.id).name, std::string("team-a"));
    QCOMPARE(f.store.findTenant("team-a")->id, created.id);
    QVERIFY(!f.store.findTenant("nope"));

    const auto duplicate = errorOf([&] { f.store.createTenant(kAdmin, "team-a"); });
    QVERIFY(duplicate);
    QCOMPARE(duplicate->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(duplicate).contains("'team-a' already exists"), qPrintable(text(duplicate)));

    const auto missing = errorOf([&] { f.store.tenant(9999); });
    QVERIFY(missing);
    QCOMPARE(missing->kind(), GovernanceErrorKind::NotFound);
    QVERIFY2(text(missing).contains("tenant 9999"), qPrintable(text(missing)));

    for (const char* name : {"e", "b", "d", "c"})
        f.store.createTenant(kAdmin, name);
    const auto page = f.store.listTenants({2, 1});
    QCOMPARE(page.total, int64_t(5));
    QCOMPARE(tenantNames(page), (std::vector<std::string>{"c", "d"}));
    QCOMPARE(tenantNames(f.store.listTenants({10, 4})), (std::vector<std::string>{"team-a"}));

    // A legacy key names its tenant: it moves with the rename.
    KeyStore keys(f.db);
    keys.addKey("legacy", generateApiKey(), "team-a", {}, "generated");
    const auto keysGeneration = keys.generation();
    const auto renamed = f.store.renameTenant(kAdmin, created.id, "team-b");
    QCOMPARE(renamed.name, std::string("team-b"));
    QCOMPARE(renamed.id, created.id);
    QCOMPARE(f.store.tenant(created.id).name, std::string("team-b"));
    QCOMPARE(keys.activeKeys().at(0).tenant, std::string("team-b"));
    QVERIFY(keys.generation() > keysGeneration);

    const auto taken = errorOf([&] { f.store.renameTenant(kAdmin, created.id, "c"); });
    QVERIFY(taken);
    QCOMPARE(taken->kind(), GovernanceErrorKind::Conflict);
    QCOMPARE(f.store.tenant(created.id).name, std::string("team-b"));
}

void GovernanceStoreTest::invalidNamesNameTheField_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("says");
    QTest::newRow("empty") << "" << "must not be empty";
    QTest::newRow("space") << "team a" << "may only contain";
    QTest::newRow("slash") << "team/a" << "may only contain";
    QTest::newRow("leading dash") << "-team" << "must start with a letter or a digit";
    QTest::newRow("too long") << QString(65, 'a') << "at most 64";
}

void GovernanceStoreTest::invalidNamesNameTheField()
{
    QFETCH(QString, name);
    QFETCH(QString, says);
    Fixture f;
    const auto tenantError = errorOf([&] { f.store.createTenant(kAdmin, name.toStdString()); });
    QVERIFY(tenantError);
    QCOMPARE(tenantError->kind(), GovernanceErrorKind::Invalid);
    QCOMPARE(tenantError->field(), std::string("name"));
    QVERIFY2(text(tenantError).contains(says), qPrintable(text(tenantError)));

    const auto tenant = f.store.createTenant(kAdmin, "t");
    const auto consumerError = errorOf([&] { f.store.createConsumer(kAdmin, tenant.id, name.toStdString()); });
    QVERIFY(consumerError);
    QCOMPARE(consumerError->kind(), GovernanceErrorKind::Invalid);
    QCOMPARE(consumerError->field(), std::string("name"));
    QCOMPARE(f.store.listConsumers().total, int64_t(0));
}

void GovernanceStoreTest::tenantDeleteIsRefusedWhileInUse()
{
    Fixture f;
    const auto tenant = f.store.createTenant(kAdmin, "team");
    const auto consumer = f.store.createConsumer(kAdmin, tenant.id, "app");

    const auto withConsumer = errorOf([&] { f.store.deleteTenant(kAdmin, tenant.id); });
    QVERIFY(withConsumer);
    QCOMPARE(withConsumer->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(withConsumer).contains("tenant 'team' still has 1 consumer(s)"), qPrintable(text(withConsumer)));

    f.store.deleteConsumer(kAdmin, consumer.id);
    KeyStore keys(f.db);
    keys.addKey("legacy", generateApiKey(), "team", {}, "generated");
    const auto withKey = errorOf([&] { f.store.deleteTenant(kAdmin, tenant.id); });
    QVERIFY(withKey);
    QCOMPARE(withKey->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(withKey).contains("1 usable API key(s)"), qPrintable(text(withKey)));

    f.db.exec("UPDATE api_keys SET revoked_at_ms = 1");
    const auto deleted = f.store.deleteTenant(kAdmin, tenant.id);
    QCOMPARE(deleted.name, std::string("team"));
    QVERIFY(!f.store.findTenant("team"));
    const auto again = errorOf([&] { f.store.deleteTenant(kAdmin, tenant.id); });
    QVERIFY(again);
    QCOMPARE(again->kind(), GovernanceErrorKind::NotFound);
}

void GovernanceStoreTest::consumersCrudWithPagingAndFilter()
{
    Fixture f;
    const auto a = f.store.createTenant(kAdmin, "a");
    const auto b = f.store.createTenant(kAdmin, "b");
    const auto billing = f.store.createConsumer(kAdmin, a.id, "Billing", "invoices");
    QVERIFY(billing.id > 0);
    QCOMPARE(billing.tenant, std::string("a"));
    QCOMPARE(billing.tenantId, a.id);
    QCOMPARE(billing.description, std::string("invoices"));
    f.store.createConsumer(kAdmin, a.id, "search");
    f.store.createConsumer(kAdmin, a.id, "bill_x");
    f.store.createConsumer(kAdmin, b.id, "billyx");
    f.store.createConsumer(kAdmin, b.id, "Billing"); // the same name in another tenant is fine

    const auto duplicate = errorOf([&] { f.store.createConsumer(kAdmin, a.id, "Billing"); });
    QVERIFY(duplicate);
    QCOMPARE(duplicate->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(duplicate).contains("'Billing' already exists in tenant 'a'"), qPrintable(text(duplicate)));
    const auto noTenant = errorOf([&] { f.store.createConsumer(kAdmin, 9999, "x"); });
    QVERIFY(noTenant);
    QCOMPARE(noTenant->kind(), GovernanceErrorKind::NotFound);

    QCOMPARE(consumerNames(f.store.listConsumers()),
        (std::vector<std::string>{"a/Billing", "a/bill_x", "a/search", "b/Billing", "b/billyx"}));
    QCOMPARE(consumerNames(f.store.listConsumers({a.id, ""})), (std::vector<std::string>{"a/Billing", "a/bill_x", "a/search"}));
    QCOMPARE(consumerNames(f.store.listConsumers({std::nullopt, "BILL"})),
        (std::vector<std::string>{"a/Billing", "a/bill_x", "b/Billing", "b/billyx"}));
    // '_' and '%' are literal, not LIKE wildcards.
    QCOMPARE(consumerNames(f.store.listConsumers({std::nullopt, "l_x"})), (std::vector<std::string>{"a/bill_x"}));
    QCOMPARE(consumerNames(f.store.listConsumers({std::nullopt, "%"})), std::vector<std::string>{});
    const auto page = f.store.listConsumers({std::nullopt, "bill"}, {2, 1});
    QCOMPARE(page.total, int64_t(4));
    QCOMPARE(consumerNames(page), (std::vector<std::string>{"a/bill_x", "b/Billing"}));

    QCOMPARE(f.store.consumer(billing.id).name, std::string("Billing"));
    QCOMPARE(f.store.findConsumer("b", "Billing")->tenant, std::string("b"));
    QVERIFY(!f.store.findConsumer("b", "search"));

    const auto updated = f.store.updateConsumerDescription(kAdmin, billing.id, "invoices and refunds");
    QCOMPARE(updated.description, std::string("invoices and refunds"));
    QCOMPARE(f.store.consumer(billing.id).description, std::string("invoices and refunds"));

    const auto deleted = f.store.deleteConsumer(kAdmin, billing.id);
    QCOMPARE(deleted.id, billing.id);
    const auto gone = errorOf([&] { f.store.consumer(billing.id); });
    QVERIFY(gone);
    QCOMPARE(gone->kind(), GovernanceErrorKind::NotFound);
    QVERIFY2(text(gone).contains(QString("consumer %1 does not exist").arg(billing.id)), qPrintable(text(gone)));
    QCOMPARE(f.store.listConsumers().total, int64_t(4));
}

void GovernanceStoreTest::consumerDeleteIsRefusedWhileItHasUsableKeys()
{
    Fixture f;
    const auto tenant = f.store.createTenant(kAdmin, "team");
    const auto consumer = f.store.createConsumer(kAdmin, tenant.id, "app");
    f.store.setModelAccess(kAdmin, "m", AccessMode::Approval, false);
    f.store.requestAccess({"app", "need it"}, consumer.id, "m");
    KeyStore keys(f.db);
    const auto key = keys.addKey("app-key", generateApiKey(), "team", {}, "generated");
    f.db.prepare("UPDATE api_keys SET consumer_id = ?, expires_at_ms = ? WHERE id = ?")
        .bind(1, consumer.id)
        .bind(2, f.clockMs + 10)
        .bind(3, key.id)
        .step();

    const auto refused = errorOf([&] { f.store.deleteConsumer(kAdmin, consumer.id); });
    QVERIFY(refused);
    QCOMPARE(refused->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(refused).contains("consumer 'app' still has 1 usable API key(s); revoke them first"), qPrintable(text(refused)));

    f.clockMs += 10; // the key has expired: no longer usable
    f.store.deleteConsumer(kAdmin, consumer.id);
    QCOMPARE(f.store.listAccessRequests().total, int64_t(0));
    const auto entry = f.store.queryAudit({"consumer", std::to_string(consumer.id)}).items.at(0);
    QCOMPARE(entry.action, std::string("consumer.delete"));
    QCOMPARE(entry.before["access_requests_deleted"].get<int64_t>(), int64_t(1));
}

void GovernanceStoreTest::modelAccessDefaultsToOpen()
{
    Fixture f;
    const auto unset = f.store.modelAccess("gpt-4o");
    QCOMPARE(unset.model, std::string("gpt-4o"));
    QCOMPARE(unset.mode, AccessMode::Open);
    QVERIFY(!unset.autoApprove);
    QVERIFY(f.store.listModelAccess().empty());

    f.store.setModelAccess(kAdmin, "gpt-4o", AccessMode::Approval, true);
    f.store.setModelAccess(kAdmin, "claude/opus:latest", AccessMode::Private, false);
    const auto updated = f.store.setModelAccess(kAdmin, "gpt-4o", AccessMode::Approval, false);
    QVERIFY(!updated.autoApprove);
    QCOMPARE(f.store.modelAccess("gpt-4o").mode, AccessMode::Approval);
    QVERIFY(!f.store.modelAccess("gpt-4o").autoApprove);
    const auto all = f.store.listModelAccess();
    QCOMPARE(all.size(), std::size_t(2));
    QCOMPARE(all[0].model, std::string("claude/opus:latest"));
    QCOMPARE(all[0].mode, AccessMode::Private);
    QCOMPARE(all[1].model, std::string("gpt-4o"));

    const auto empty = errorOf([&] { f.store.setModelAccess(kAdmin, "", AccessMode::Open, false); });
    QVERIFY(empty);
    QCOMPARE(empty->kind(), GovernanceErrorKind::Invalid);
    QCOMPARE(empty->field(), std::string("model"));
}

void GovernanceStoreTest::requestLifecycle()
{
    Fixture f;
    const auto consumer = f.store.createConsumer(kAdmin, f.store.createTenant(kAdmin, "team").id, "app");
    f.store.setModelAccess(kAdmin, "m", AccessMode::Approval, false);

    const auto filed = f.store.requestAccess({"consumer:app", "nightly summaries"}, consumer.id, "m");
    QCOMPARE(filed.state, AccessState::Pending);
    QCOMPARE(filed.reason, std::string("nightly summaries"));
    QCOMPARE(filed.requestedBy, std::string("consumer:app"));
    QVERIFY(!filed.grant);
    QVERIFY(!filed.decidedAtMs);
    QVERIFY(filed.decidedBy.empty());

    f.clockMs += 500;
    const auto approved = f.store.approveAccessRequest({"admin:bob", "ok for Q3"}, filed.id);
    QCOMPARE(approved.state, AccessState::Approved);
    QCOMPARE(approved.note, std::string("ok for Q3"));
    QCOMPARE(approved.decidedBy, std::string("admin:bob"));
    QCOMPARE(approved.decidedAtMs, std::optional<int64_t>(f.clockMs));
    QCOMPARE(f.store.accessRequest(filed.id).state, AccessState::Approved);
    QCOMPARE(f.store.accessRequest(filed.id).reason, std::string("nightly summaries"));

    const auto alreadyApproved = errorOf([&] { f.store.requestAccess({"consumer:app"}, consumer.id, "m"); });
    QVERIFY(alreadyApproved);
    QCOMPARE(alreadyApproved->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(alreadyApproved).contains("already has approved access"), qPrintable(text(alreadyApproved)));

    const auto revoked = f.store.revokeAccessRequest({"admin:bob", "budget"}, filed.id);
    QCOMPARE(revoked.state, AccessState::Revoked);
    QCOMPARE(revoked.note, std::string("budget"));

    // Final states stay final: illegal transitions are Conflicts with the state machine's message.
    const auto illegal = errorOf([&] { f.store.approveAccessRequest(kAdmin, filed.id); });
    QVERIFY(illegal);
    QCOMPARE(illegal->kind(), GovernanceErrorKind::Conflict);
    QCOMPARE(text(illegal), QString("access request %1: cannot approve a request that is revoked; ask the consumer to "
                                    "file a new request").arg(filed.id));
    QCOMPARE(f.store.accessRequest(filed.id).state, AccessState::Revoked);

    // After a final state the consumer files a new request: a new row, the old one stays.
    const auto second = f.store.requestAccess({"consumer:app", "again"}, consumer.id, "m");
    QVERIFY(second.id != filed.id);
    QCOMPARE(f.store.cancelAccessRequest({"consumer:app"}, second.id).state, AccessState::Cancelled);
    const auto third = f.store.requestAccess({"consumer:app", "once more"}, consumer.id, "m");
    const auto rejected = f.store.rejectAccessRequest({"admin:bob", "use m-mini"}, third.id);
    QCOMPARE(rejected.state, AccessState::Rejected);
    QCOMPARE(rejected.note, std::string("use m-mini"));
    QCOMPARE(f.store.latestAccessRequest(consumer.id, "m")->id, third.id);
    QCOMPARE(f.store.accessRequest(filed.id).state, AccessState::Revoked);
    QCOMPARE(f.store.listAccessRequests({consumer.id}).total, int64_t(3));

    const auto missing = errorOf([&] { f.store.approveAccessRequest(kAdmin, 9999); });
    QVERIFY(missing);
    QCOMPARE(missing->kind(), GovernanceErrorKind::NotFound);
    const auto noConsumer = errorOf([&] { f.store.requestAccess(kAdmin, 9999, "m"); });
    QVERIFY(noConsumer);
    QCOMPARE(noConsumer->kind(), GovernanceErrorKind::NotFound);

    // What the data plane concludes from the latest request.
    const auto latest = f.store.latestAccessRequest(consumer.id, "m");
    const auto decision = decideAccess(f.store.modelAccess("m").mode, latest->state, latest->grant);
    QVERIFY(!decision.allowed);
    QCOMPARE(decision.denial, AccessDenial::Rejected);
}

void GovernanceStoreTest::refusesADuplicatePendingRequest()
{
    Fixture f;
    const auto consumer = f.store.createConsumer(kAdmin, f.store.createTenant(kAdmin, "team").id, "app");
    const auto other = f.store.createConsumer(kAdmin, f.store.createTenant(kAdmin, "other").id, "app");
    f.store.setModelAccess(kAdmin, "m", AccessMode::Approval, false);
    const auto first = f.store.requestAccess({"consumer:app"}, consumer.id, "m");
    const auto duplicate = errorOf([&] { f.store.requestAccess({"consumer:app"}, consumer.id, "m"); });
    QVERIFY(duplicate);
    QCOMPARE(duplicate->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(duplicate).contains(QString("already has a pending request (%1) for model 'm'").arg(first.id)),
        qPrintable(text(duplicate)));
    // Another model, or another consumer, is not a duplicate.
    f.store.requestAccess({"consumer:app"}, consumer.id, "n");
    f.store.requestAccess({"consumer:app"}, other.id, "m");
    QCOMPARE(f.store.listAccessRequests({std::nullopt, std::nullopt, AccessState::Pending}).total, int64_t(3));

    // The database enforces it too, whatever writes the row.
    QVERIFY_THROWS_EXCEPTION(StoreError,
        f.db.exec("INSERT INTO access_requests(consumer_id, model, state, requested_by, created_at_ms) "
                  "VALUES(" + std::to_string(consumer.id) + ", 'm', 'pending', 'raw', 1)"));
}

void GovernanceStoreTest::autoApproveApprovesAtOnce()
{
    Fixture f;
    const auto consumer = f.store.createConsumer(kAdmin, f.store.createTenant(kAdmin, "team").id, "app");
    f.store.setModelAccess(kAdmin, "m", AccessMode::Approval, true);
    const auto auditBefore = auditCount(f.db);
    const auto request = f.store.requestAccess({"consumer:app", "try it"}, consumer.id, "m");
    QCOMPARE(request.state, AccessState::Approved);
    QCOMPARE(request.decidedBy, std::string("auto-approve"));
    QCOMPARE(request.decidedAtMs, std::optional<int64_t>(f.clockMs));
    QVERIFY(!request.grant);
    QCOMPARE(f.store.accessRequest(request.id).state, AccessState::Approved);
    QCOMPARE(auditCount(f.db), auditBefore + 1);
    const auto entry = f.store.queryAudit().items.at(0);
    QCOMPARE(entry.action, std::string("access_request.create"));
    QCOMPARE(entry.after["state"].get<std::string>(), std::string("approved"));
    QVERIFY(decideAccess(AccessMode::Approval, request.state, request.grant).allowed);
}

void GovernanceStoreTest::privateModelsOpenOnlyToGrants()
{
    Fixture f;
    const auto consumer = f.store.createConsumer(kAdmin, f.store.createTenant(kAdmin, "team").id, "app");
    f.store.setModelAccess(kAdmin, "secret", AccessMode::Private, true);

    const auto filed = errorOf([&] { f.store.requestAccess({"consumer:app"}, consumer.id, "secret"); });
    QVERIFY(filed);
    QCOMPARE(filed->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(filed).contains("model 'secret' is private"), qPrintable(text(filed)));
    QCOMPARE(f.store.listAccessRequests().total, int64_t(0));

    const auto grant = f.store.grantAccess({"admin:bob", "pilot"}, consumer.id, "secret");
    QCOMPARE(grant.state, AccessState::Approved);
    QVERIFY(grant.grant);
    QCOMPARE(grant.requestedBy, std::string("admin:bob"));
    QCOMPARE(grant.decidedBy, std::string("admin:bob"));
    QCOMPARE(grant.reason, std::string("pilot"));
    auto latest = f.store.latestAccessRequest(consumer.id, "secret");
    QVERIFY(latest->grant);
    QVERIFY(decideAccess(AccessMode::Private, latest->state, latest->grant).allowed);

    const auto twice = errorOf([&] { f.store.grantAccess(kAdmin, consumer.id, "secret"); });
    QVERIFY(twice);
    QCOMPARE(twice->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(twice).contains("already has a grant"), qPrintable(text(twice)));

    f.store.revokeAccessRequest({"admin:bob", "pilot over"}, grant.id);
    latest = f.store.latestAccessRequest(consumer.id, "secret");
    QCOMPARE(decideAccess(AccessMode::Private, latest->state, latest->grant).denial, AccessDenial::Private);
    QVERIFY(f.store.grantAccess(kAdmin, consumer.id, "secret").id != grant.id);

    // A grant waits for a pending request to be decided first.
    f.store.setModelAccess(kAdmin, "other", AccessMode::Approval, false);
    f.store.requestAccess({"consumer:app"}, consumer.id, "other");
    const auto pending = errorOf([&] { f.store.grantAccess(kAdmin, consumer.id, "other"); });
    QVERIFY(pending);
    QCOMPARE(pending->kind(), GovernanceErrorKind::Conflict);
    QVERIFY2(text(pending).contains("approve or reject it first"), qPrintable(text(pending)));
}

void GovernanceStoreTest::listsAndLatestRequests()
{
    Fixture f;
    const auto tenant = f.store.createTenant(kAdmin, "team");
    const auto app = f.store.createConsumer(kAdmin, tenant.id, "app");
    const auto bot = f.store.createConsumer(kAdmin, tenant.id, "bot");
    const auto r1 = f.store.requestAccess({"c"}, app.id, "m");
    f.store.rejectAccessRequest(kAdmin, r1.id);
    const auto r2 = f.store.requestAccess({"c"}, app.id, "m");
    const auto r3 = f.store.requestAccess({"c"}, app.id, "n");
    f.store.approveAccessRequest(kAdmin, r3.id);
    const auto r4 = f.store.requestAccess({"c"}, bot.id, "m");

    const auto ids = [](const Page<AccessRequest>& page) {
        std::vector<int64_t> out;
        for (const auto& request : page.items)
            out.push_back(request.id);
        return out;
    };
    QCOMPARE(ids(f.store.listAccessRequests()), (std::vector<int64_t>{r4.id, r3.id, r2.id, r1.id}));
    QCOMPARE(ids(f.store.listAccessRequests({app.id})), (std::vector<int64_t>{r3.id, r2.id, r1.id}));
    QCOMPARE(ids(f.store.listAccessRequests({std::nullopt, "m"})), (std::vector<int64_t>{r4.id, r2.id, r1.id}));
    QCOMPARE(ids(f.store.listAccessRequests({app.id, "m", AccessState::Pending})), (std::vector<int64_t>{r2.id}));
    QCOMPARE(ids(f.store.listAccessRequests({std::nullopt, std::nullopt, AccessState::Rejected})), (std::vector<int64_t>{r1.id}));
    const auto page = f.store.listAccessRequests({}, {2, 1});
    QCOMPARE(page.total, int64_t(4));
    QCOMPARE(ids(page), (std::vector<int64_t>{r3.id, r2.id}));

    QVERIFY(!f.store.latestAccessRequest(bot.id, "n"));
    QCOMPARE(f.store.latestAccessRequest(app.id, "m")->id, r2.id);
    std::vector<int64_t> latest;
    for (const auto& request : f.store.latestAccessRequests())
        latest.push_back(request.id);
    QCOMPARE(latest, (std::vector<int64_t>{r2.id, r3.id, r4.id}));
}

void GovernanceStoreTest::everyChangeWritesExactlyOneAuditEntry()
{
    Fixture f;
    AuditEntry entry;
    // Runs one change and checks the single entry it left (into `entry`); returns what is wrong, "" if nothing.
    const auto oneEntry = [&](auto&& change, const std::string& action, const std::string& entityType, bool hasBefore,
                              bool hasAfter) -> QString {
        const auto countBefore = auditCount(f.db);
        const auto generationBefore = f.store.generation();
        f.clockMs += 7;
        change();
        if (const auto added = auditCount(f.db) - countBefore; added != 1)
            return QString("%1 audit entries for %2").arg(added).arg(QString::fromStdString(action));
        if (f.store.generation() <= generationBefore)
            return "the generation did not grow";
        entry = f.store.queryAudit({}, {1, 0}).items.at(0);
        const auto got = QString::fromStdString(toJson(entry).dump());
        if (entry.action != action || entry.entityType != entityType || entry.atMs != f.clockMs)
            return "unexpected entry " + got;
        if (entry.before.is_null() == hasBefore || entry.after.is_null() == hasAfter)
            return "before/after presence differs: " + got;
        return {};
    };

    Tenant tenant;
    QCOMPARE(oneEntry([&] { tenant = f.store.createTenant({"admin:alice", "new team"}, "team"); }, "tenant.create",
                 "tenant", false, true),
        QString());
    QCOMPARE(entry.actor, std::string("admin:alice"));
    QCOMPARE(entry.reason, std::string("new team"));
    QCOMPARE(entry.entityId, std::to_string(tenant.id));
    QCOMPARE(entry.after, toJson(tenant));
    QCOMPARE(entry.after["name"].get<std::string>(), std::string("team"));

    QCOMPARE(oneEntry([&] { f.store.renameTenant(kAdmin, tenant.id, "team2"); }, "tenant.rename", "tenant", true, true),
        QString());
    QCOMPARE(entry.before["name"].get<std::string>(), std::string("team"));
    QCOMPARE(entry.after["name"].get<std::string>(), std::string("team2"));

    Consumer consumer;
    QCOMPARE(oneEntry([&] { consumer = f.store.createConsumer(kAdmin, tenant.id, "app", "first"); }, "consumer.create",
                 "consumer", false, true),
        QString());
    QCOMPARE(entry.after, toJson(consumer));
    QCOMPARE(oneEntry([&] { f.store.updateConsumerDescription(kAdmin, consumer.id, "second"); }, "consumer.update",
                 "consumer", true, true),
        QString());
    QCOMPARE(entry.before["description"].get<std::string>(), std::string("first"));
    QCOMPARE(entry.after["description"].get<std::string>(), std::string("second"));

    QCOMPARE(oneEntry([&] { f.store.setModelAccess(kAdmin, "m", AccessMode::Approval, false); }, "model_access.set",
                 "model_access", false, true),
        QString());
    QCOMPARE(entry.entityId, std::string("m"));
    QCOMPARE(entry.after["mode"].get<std::string>(), std::string("approval"));
    QCOMPARE(oneEntry([&] { f.store.setModelAccess(kAdmin, "m", AccessMode::Private, false); }, "model_access.set",
                 "model_access", true, true),
        QString());
    QCOMPARE(entry.before["mode"].get<std::string>(), std::string("approval"));
    QCOMPARE(entry.after["mode"].get<std::string>(), std::string("private"));
    f.store.setModelAccess(kAdmin, "m", AccessMode::Approval, false);

    AccessRequest request;
    QCOMPARE(oneEntry([&] { request = f.store.requestAccess({"consumer:app", "why"}, consumer.id, "m"); },
                 "access_request.create", "access_request", false, true),
        QString());
    QCOMPARE(entry.actor, std::string("consumer:app"));
    QCOMPARE(entry.entityId, std::to_string(request.id));
    QCOMPARE(entry.after["state"].get<std::string>(), std::string("pending"));
    QCOMPARE(oneEntry([&] { f.store.approveAccessRequest({"admin:bob", "fine"}, request.id); }, "access_request.approve",
                 "access_request", true, true),
        QString());
    QCOMPARE(entry.before["state"].get<std::string>(), std::string("pending"));
    QCOMPARE(entry.after["state"].get<std::string>(), std::string("approved"));
    QCOMPARE(entry.after["note"].get<std::string>(), std::string("fine"));
    QCOMPARE(entry.reason, std::string("fine"));
    QCOMPARE(oneEntry([&] { f.store.revokeAccessRequest(kAdmin, request.id); }, "access_request.revoke",
                 "access_request", true, true),
        QString());
    QCOMPARE(oneEntry([&] { request = f.store.requestAccess({"consumer:app"}, consumer.id, "m"); },
                 "access_request.create", "access_request", false, true),
        QString());
    QCOMPARE(oneEntry([&] { f.store.rejectAccessRequest(kAdmin, request.id); }, "access_request.reject",
                 "access_request", true, true),
        QString());
    QCOMPARE(oneEntry([&] { request = f.store.requestAccess({"consumer:app"}, consumer.id, "m"); },
                 "access_request.create", "access_request", false, true),
        QString());
    QCOMPARE(oneEntry([&] { f.store.cancelAccessRequest({"consumer:app"}, request.id); }, "access_request.cancel",
                 "access_request", true, true),
        QString());
    QCOMPARE(oneEntry([&] { f.store.grantAccess(kAdmin, consumer.id, "m"); }, "access_request.grant", "access_request",
                 false, true),
        QString());
    QCOMPARE(entry.after["grant"].get<bool>(), true);

    QCOMPARE(oneEntry([&] { f.store.deleteConsumer(kAdmin, consumer.id); }, "consumer.delete", "consumer", true, false),
        QString());
    QCOMPARE(entry.before["name"].get<std::string>(), std::string("app"));
    QCOMPARE(oneEntry([&] { f.store.deleteTenant(kAdmin, tenant.id); }, "tenant.delete", "tenant", true, false), QString());
    QCOMPARE(entry.before["name"].get<std::string>(), std::string("team2"));

    // Another store's change, appended inside its own transaction.
    QCOMPARE(oneEntry(
                 [&] {
                     inTransaction(f.db, [&] {
                         f.store.appendAudit({"admin:alice", "leaked"}, "key.revoke", "api_key", "42",
                             Json{{"revoked", false}}, Json{{"revoked", true}});
                         f.db.exec("UPDATE meta SET value = value + 1 WHERE name = 'governance_generation'");
                     });
                 },
                 "key.revoke", "api_key", true, true),
        QString());
    QCOMPARE(entry.before, (Json{{"revoked", false}}));
    QCOMPARE(entry.reason, std::string("leaked"));
}

void GovernanceStoreTest::refusedChangesWriteNoAuditEntry()
{
    Fixture f;
    const auto tenant = f.store.createTenant(kAdmin, "team");
    const auto consumer = f.store.createConsumer(kAdmin, tenant.id, "app");
    const auto request = f.store.requestAccess({"c"}, consumer.id, "m");
    f.store.rejectAccessRequest(kAdmin, request.id);
    const auto count = auditCount(f.db);
    const auto generation = f.store.generation();

    QVERIFY(errorOf([&] { f.store.createTenant(kAdmin, "team"); }));
    QVERIFY(errorOf([&] { f.store.deleteTenant(kAdmin, tenant.id); }));
    QVERIFY(errorOf([&] { f.store.renameTenant(kAdmin, 9999, "x"); }));
    QVERIFY(errorOf([&] { f.store.updateConsumerDescription(kAdmin, 9999, "x"); }));
    QVERIFY(errorOf([&] { f.store.approveAccessRequest(kAdmin, request.id); }));
    QVERIFY(errorOf([&] { f.store.createConsumer({""}, tenant.id, "x"); }));
    QCOMPARE(auditCount(f.db), count);
    QCOMPARE(f.store.generation(), generation);
    QCOMPARE(f.store.accessRequest(request.id).state, AccessState::Rejected);
}

void GovernanceStoreTest::auditQueryFiltersAndPages()
{
    Fixture f;
    f.clockMs = 100;
    const auto a = f.store.createTenant(kAdmin, "a"); // at 100
    f.clockMs = 200;
    const auto b = f.store.createTenant(kAdmin, "b"); // at 200
    f.clockMs = 300;
    f.store.renameTenant(kAdmin, a.id, "a2"); // at 300
    f.clockMs = 400;
    f.store.createConsumer(kAdmin, b.id, "app"); // at 400

    const auto actions = [](const Page<AuditEntry>& page) {
        std::vector<std::string> out;
        for (const auto& entry : page.items)
            out.push_back(entry.action + "@" + std::to_string(entry.atMs));
        return out;
    };
    QCOMPARE(actions(f.store.queryAudit()),
        (std::vector<std::string>{"consumer.create@400", "tenant.rename@300", "tenant.create@200", "tenant.create@100"}));
    QCOMPARE(actions(f.store.queryAudit({"tenant"})),
        (std::vector<std::string>{"tenant.rename@300", "tenant.create@200", "tenant.create@100"}));
    QCOMPARE(actions(f.store.queryAudit({"tenant", std::to_string(a.id)})),
        (std::vector<std::string>{"tenant.rename@300", "tenant.create@100"}));
    QCOMPARE(actions(f.store.queryAudit({std::nullopt, std::nullopt, 200, 400})),
        (std::vector<std::string>{"tenant.rename@300", "tenant.create@200"}));
    QCOMPARE(actions(f.store.queryAudit({std::nullopt, std::nullopt, 401})), std::vector<std::string>{});
    const auto page = f.store.queryAudit({}, {2, 2});
    QCOMPARE(page.total, int64_t(4));
    QCOMPARE(actions(page), (std::vector<std::string>{"tenant.create@200", "tenant.create@100"}));
    QCOMPARE(f.store.queryAudit({std::nullopt, std::nullopt, 200}, {1, 0}).total, int64_t(3));

    const auto json = toJson(f.store.queryAudit({}, {1, 0}).items.at(0));
    QCOMPARE(json["action"].get<std::string>(), std::string("consumer.create"));
    QCOMPARE(json["actor"].get<std::string>(), kAdmin.actor);
    QVERIFY(json["before"].is_null());
    QCOMPARE(json["after"]["tenant"].get<std::string>(), std::string("b"));
}

void GovernanceStoreTest::auditLogIsAppendOnly()
{
    Fixture f;
    f.store.createTenant(kAdmin, "team");
    const auto count = auditCount(f.db);
    QCOMPARE(count, int64_t(1));
    try {
        f.db.exec("UPDATE audit_log SET actor = 'mallory'");
        QFAIL("an UPDATE on audit_log went through");
    } catch (const StoreError& error) {
        QVERIFY2(QString(error.what()).contains("audit_log is append-only"), error.what());
    }
    try {
        f.db.exec("DELETE FROM audit_log");
        QFAIL("a DELETE on audit_log went through");
    } catch (const StoreError& error) {
        QVERIFY2(QString(error.what()).contains("audit_log is append-only"), error.what());
    }
    QCOMPARE(auditCount(f.db), count);
    QCOMPARE(f.store.queryAudit().items.at(0).actor, kAdmin.actor);
}

void GovernanceStoreTest::everyChangeNeedsAnActor()
{
    Fixture f;
    for (const std::string actor : {"", "  "}) {
        const auto error = errorOf([&] { f.store.createTenant({actor, "why"}, "team"); });
        QVERIFY(error);
        QCOMPARE(error->kind(), GovernanceErrorKind::Invalid);
        QCOMPARE(error->field(), std::string("actor"));
    }
    QVERIFY(!f.store.findTenant("team"));
}

void GovernanceStoreTest::pagingIsValidated()
{
    Fixture f;
    const std::vector<std::pair<PageRequest, std::string>> bad{
        {{0, 0}, "limit"}, {{PageRequest::kMaxPageLimit + 1, 0}, "limit"}, {{10, -1}, "offset"}};
    for (const auto& [page, field] : bad) {
        const auto error = errorOf([&] { f.store.listConsumers({}, page); });
        QVERIFY(error);
        QCOMPARE(error->kind(), GovernanceErrorKind::Invalid);
        QCOMPARE(error->field(), field);
    }
    QCOMPARE(f.store.listTenants({PageRequest::kMaxPageLimit, 0}).total, int64_t(0));
}

// A version-2 database, built as the released migrations 1 and 2 left it (frozen: never edited).
void GovernanceStoreTest::migrationFromVersion2KeepsExistingKeys()
{
    TemporaryDataDirectory dir;
    const auto plaintext = generateApiKey();
    {
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(dir.databasePath().c_str(), &raw), SQLITE_OK);
        const std::string schema = R"(
            CREATE TABLE tenants (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at_ms INTEGER NOT NULL);
            CREATE TABLE api_keys (id INTEGER PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, allowed_models TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL, created_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER);
            CREATE TABLE calls (id INTEGER PRIMARY KEY, started_at_ms INTEGER NOT NULL, request_id TEXT NOT NULL,
                endpoint TEXT NOT NULL, key_prefix TEXT, tenant TEXT, model TEXT, provider TEXT, deployment TEXT,
                status INTEGER NOT NULL, error_code TEXT, stream INTEGER NOT NULL, ttfb_us INTEGER,
                latency_us INTEGER NOT NULL, overhead_us INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER,
                cached_tokens INTEGER, reasoning_tokens INTEGER, usage_estimated INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX calls_by_time ON calls(started_at_ms);
            CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT INTO meta(name, value) VALUES('keys_generation', 5);
            INSERT INTO tenants(name, created_at_ms) VALUES('team', 1);
            PRAGMA user_version = 2;
        )";
        QCOMPARE(sqlite3_exec(raw, schema.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        const std::string key = "INSERT INTO api_keys(name, prefix, hash, tenant, allowed_models, source, created_at_ms) "
                                "VALUES('old', '" + visibleKeyPrefix(plaintext) + "', '" + hashApiKey(plaintext)
            + "', 'team', 'm1', 'generated', 2)";
        QCOMPARE(sqlite3_exec(raw, key.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
    }

    Database db(dir.databasePath());
    QCOMPARE(db.schemaVersion(), Database::kCurrentSchemaVersion); // migrated all the way up
    KeyStore keys(db);
    const auto active = keys.activeKeys();
    QCOMPARE(active.size(), std::size_t(1));
    QCOMPARE(active[0].hash, hashApiKey(plaintext));
    QCOMPARE(active[0].tenant, std::string("team"));
    QCOMPARE(active[0].allowedModels, std::vector<std::string>{"m1"});
    QCOMPARE(keys.generation(), int64_t(5));
    auto added = db.prepare("SELECT consumer_id IS NULL, expires_at_ms IS NULL, metadata FROM api_keys");
    QVERIFY(added.step());
    QCOMPARE(added.columnInt(0), int64_t(1)); // a legacy tenant-level key
    QCOMPARE(added.columnInt(1), int64_t(1));
    QCOMPARE(added.columnText(2), std::string("{}"));

    // The existing tenant is usable by the new tables.
    GovernanceStore store(db);
    QCOMPARE(store.generation(), int64_t(0));
    const auto tenant = store.findTenant("team");
    QVERIFY(tenant);
    QCOMPARE(store.createConsumer(kAdmin, tenant->id, "app").tenant, std::string("team"));
    QVERIFY(errorOf([&] { store.deleteTenant(kAdmin, tenant->id); }));
}

QTEST_GUILESS_MAIN(GovernanceStoreTest)
#include "GovernanceStoreTest.moc"
