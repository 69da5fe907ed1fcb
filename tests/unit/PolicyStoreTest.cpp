// PolicyStore: rate limits and budgets put (create or replace), listed, deleted; each change one
// audit entry in its transaction, the generation counter, the config file's rules applied to what
// is stored, and amounts kept exactly.
#include "GovernanceErrorOf.h"
#include "TemporaryDataDirectory.h"
#include "store/GovernanceStore.h"
#include "store/PolicyStore.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const Change kAdmin{"ops", "team quota"};

struct Fixture {
    TemporaryDataDirectory dir;
    Database db{dir.databasePath()};
    int64_t clockMs = 1'000'000;
    GovernanceStore audit{db, [this] { return clockMs; }};
    PolicyStore store{db, [this] { return clockMs; }};

    std::vector<AuditEntry> auditEntries() { return audit.queryAudit({}, {1000, 0}).items; }
};

ScopedLimits tenantLimit(const std::string& tenant, int64_t rpm)
{
    ScopedLimits limit{{ScopeKind::Tenant, tenant}, {}};
    limit.limits.requestsPerMinute = rpm;
    return limit;
}

BudgetDefinition consumerBudget(BudgetPeriod period, int64_t limitMicros)
{
    BudgetDefinition budget;
    budget.scope = {ScopeKind::Consumer, "acme/app"};
    budget.period = period;
    budget.limitMicros = limitMicros;
    return budget;
}

} // namespace

class PolicyStoreTest : public QObject {
    Q_OBJECT

private slots:
    void putCreatesThenReplacesALimit()
    {
        Fixture f;
        const auto generation = f.store.generation();
        const auto created = f.store.putLimit(f.audit, kAdmin, tenantLimit("acme", 600));
        QVERIFY(created.created);
        QCOMPARE(created.entry.updatedAtMs, int64_t(1'000'000));
        QCOMPARE(f.store.generation(), generation + 1);

        f.clockMs += 5;
        auto next = tenantLimit("acme", 60);
        next.limits.concurrentRequests = 4;
        const auto replaced = f.store.putLimit(f.audit, kAdmin, next);
        QVERIFY(!replaced.created);
        QCOMPARE(f.store.generation(), generation + 2);

        const auto limits = f.store.listLimits();
        QCOMPARE(limits.size(), std::size_t(1));
        QCOMPARE(limits[0].limit.scope, (PolicyScope{ScopeKind::Tenant, "acme"}));
        QCOMPARE(limits[0].limit.limits.requestsPerMinute, std::optional<int64_t>(60));
        QVERIFY(!limits[0].limit.limits.tokensPerMinute);
        QCOMPARE(limits[0].limit.limits.concurrentRequests, std::optional<int64_t>(4));
        QCOMPARE(limits[0].updatedAtMs, int64_t(1'000'005));

        const auto entries = f.auditEntries(); // newest first
        QCOMPARE(entries.size(), std::size_t(2));
        QCOMPARE(entries[0].action, std::string("rate_limit.update"));
        QCOMPARE(entries[0].entityType, std::string("rate_limit"));
        QCOMPARE(entries[0].entityId, std::string("tenant/acme"));
        QCOMPARE(entries[0].before["requests_per_minute"], Json(600));
        QCOMPARE(entries[0].after["requests_per_minute"], Json(60));
        QCOMPARE(entries[0].reason, std::string("team quota"));
        QCOMPARE(entries[1].action, std::string("rate_limit.create"));
        QVERIFY(entries[1].before.is_null());
    }

    void deleteRemovesALimitOnce()
    {
        Fixture f;
        f.store.putLimit(f.audit, kAdmin, tenantLimit("acme", 600));
        const auto deleted = f.store.deleteLimit(f.audit, kAdmin, {ScopeKind::Tenant, "acme"});
        QCOMPARE(deleted.limit.limits.requestsPerMinute, std::optional<int64_t>(600));
        QVERIFY(f.store.listLimits().empty());
        QCOMPARE(f.auditEntries().front().action, std::string("rate_limit.delete"));
        QVERIFY(f.auditEntries().front().after.is_null());

        const auto generation = f.store.generation();
        const auto again = errorOf([&] { f.store.deleteLimit(f.audit, kAdmin, {ScopeKind::Tenant, "acme"}); });
        QVERIFY2(again && again->kind() == GovernanceErrorKind::NotFound, qPrintable(text(again)));
        QCOMPARE(f.store.generation(), generation);
        QCOMPARE(f.auditEntries().size(), std::size_t(2));
    }

    void limitsAreCheckedWithTheConfigFilesRules_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("field");
        QTest::newRow("no dimension") << 0 << "";
        QTest::newRow("consumer without tenant") << 1 << "id";
        QTest::newRow("empty id") << 2 << "id";
        QTest::newRow("negative") << 3 << "concurrent";
    }

    void limitsAreCheckedWithTheConfigFilesRules()
    {
        QFETCH(int, which);
        QFETCH(QString, field);
        Fixture f;
        ScopedLimits limit{{ScopeKind::Tenant, "acme"}, {}};
        if (which == 1)
            limit = ScopedLimits{{ScopeKind::Consumer, "app"}, {std::int64_t(1), {}, {}}};
        if (which == 2)
            limit = ScopedLimits{{ScopeKind::Tenant, ""}, {std::int64_t(1), {}, {}}};
        if (which == 3)
            limit.limits.concurrentRequests = -1;
        const auto error = errorOf([&] { f.store.putLimit(f.audit, kAdmin, limit); });
        QVERIFY2(error && error->kind() == GovernanceErrorKind::Invalid, qPrintable(text(error)));
        QCOMPARE(QString::fromStdString(error->field()), field);
        QVERIFY(f.store.listLimits().empty());
        QVERIFY(f.auditEntries().empty());
    }

    void budgetsAreKeptPerScopeAndPeriodExactly()
    {
        Fixture f;
        auto monthly = consumerBudget(BudgetPeriod::Monthly, 100'000'000);
        monthly.softLimitMicros = 80'500'000;
        auto daily = consumerBudget(BudgetPeriod::Daily, 123'457);
        daily.softLimitFraction = 0.8;
        QVERIFY(f.store.putBudget(f.audit, kAdmin, monthly).created);
        QVERIFY(f.store.putBudget(f.audit, kAdmin, daily).created);

        const auto budgets = f.store.listBudgets(); // by period name: daily, monthly
        QCOMPARE(budgets.size(), std::size_t(2));
        QCOMPARE(budgets[0].budget.period, BudgetPeriod::Daily);
        QCOMPARE(budgets[0].budget.limitMicros, int64_t(123'457));
        QCOMPARE(budgets[0].budget.softLimitFraction, std::optional<double>(0.8));
        QVERIFY(!budgets[0].budget.softLimitMicros);
        QCOMPARE(budgets[1].budget.period, BudgetPeriod::Monthly);
        QCOMPARE(budgets[1].budget.scope, (PolicyScope{ScopeKind::Consumer, "acme/app"}));
        QCOMPARE(budgets[1].budget.limitMicros, int64_t(100'000'000));
        QCOMPARE(budgets[1].budget.softLimitMicros, std::optional<int64_t>(80'500'000));

        const auto entries = f.auditEntries();
        QCOMPARE(entries.front().action, std::string("budget.create"));
        QCOMPARE(entries.front().entityType, std::string("budget"));
        QCOMPARE(entries.front().entityId, std::string("consumer/acme/app/daily"));
        QCOMPARE(entries.front().after["limit_usd"], Json(0.123457));

        monthly.limitMicros = 50'000'000;
        monthly.softLimitMicros.reset();
        QVERIFY(!f.store.putBudget(f.audit, kAdmin, monthly).created);
        QCOMPARE(f.store.findBudget(monthly.scope, BudgetPeriod::Monthly)->budget.limitMicros, int64_t(50'000'000));
        QVERIFY(!f.store.findBudget(monthly.scope, BudgetPeriod::Monthly)->budget.softLimitMicros);
        QCOMPARE(f.auditEntries().front().action, std::string("budget.update"));

        f.store.deleteBudget(f.audit, kAdmin, monthly.scope, BudgetPeriod::Monthly);
        QCOMPARE(f.store.listBudgets().size(), std::size_t(1));
        QCOMPARE(f.auditEntries().front().action, std::string("budget.delete"));
        QCOMPARE(f.auditEntries().front().entityId, std::string("consumer/acme/app/monthly"));
    }

    void budgetsAreCheckedWithTheConfigFilesRules()
    {
        Fixture f;
        BudgetDefinition model;
        model.scope = {ScopeKind::Model, "gpt-4o"};
        model.limitMicros = 1'000'000;
        const auto modelError = errorOf([&] { f.store.putBudget(f.audit, kAdmin, model); });
        QVERIFY2(modelError && modelError->field() == "scope", qPrintable(text(modelError)));

        auto soft = consumerBudget(BudgetPeriod::Monthly, 1'000'000);
        soft.softLimitMicros = 2'000'000;
        const auto softError = errorOf([&] { f.store.putBudget(f.audit, kAdmin, soft); });
        QVERIFY2(softError && softError->field() == "soft_limit_usd", qPrintable(text(softError)));

        const auto zeroError = errorOf([&] { f.store.putBudget(f.audit, kAdmin, consumerBudget(BudgetPeriod::Total, 0)); });
        QVERIFY2(zeroError && zeroError->field() == "limit_usd", qPrintable(text(zeroError)));

        const auto missing = errorOf([&] { f.store.deleteBudget(f.audit, kAdmin, {ScopeKind::Tenant, "x"}, BudgetPeriod::Daily); });
        QVERIFY2(missing && missing->kind() == GovernanceErrorKind::NotFound, qPrintable(text(missing)));
        QVERIFY(f.store.listBudgets().empty());
        QVERIFY(f.auditEntries().empty());
    }

    void aChangeWithoutAnActorIsRefused()
    {
        Fixture f;
        const auto error = errorOf([&] { f.store.putLimit(f.audit, {" ", ""}, tenantLimit("acme", 1)); });
        QVERIFY2(error && error->field() == "actor", qPrintable(text(error)));
        QVERIFY(f.store.listLimits().empty());
    }

    void anotherConnectionSeesTheGeneration()
    {
        Fixture f;
        Database other(f.dir.databasePath());
        PolicyStore watcher(other);
        const auto before = watcher.generation();
        f.store.putBudget(f.audit, kAdmin, consumerBudget(BudgetPeriod::Weekly, 5'000'000));
        QCOMPARE(watcher.generation(), before + 1);
        QCOMPARE(watcher.listBudgets().size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(PolicyStoreTest)
#include "PolicyStoreTest.moc"
