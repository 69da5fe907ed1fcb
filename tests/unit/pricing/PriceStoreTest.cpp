// PriceStore: prices put (create or replace per provider, model and day), listed, deleted and
// imported; each change audited in its transaction and counted in the policy generation; entries
// checked with the config file's reader, an import all or nothing.
#include "GovernanceErrorOf.h"
#include "TemporaryDataDirectory.h"
#include "store/GovernanceStore.h"
#include "store/PriceStore.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const Change kAdmin{"ops", "new list price"};

struct Fixture {
    TemporaryDataDirectory dir;
    Database db{dir.databasePath()};
    int64_t clockMs = 2'000'000;
    GovernanceStore audit{db, [this] { return clockMs; }};
    PolicyStore policy{db, [this] { return clockMs; }};
    PriceStore store{db, [this] { return clockMs; }};

    std::vector<AuditEntry> auditEntries() { return audit.queryAudit({}, {1000, 0}).items; }
};

PriceEntry price(const std::string& model, double input, const std::string& day = "2026-01-01")
{
    PriceEntry entry;
    entry.provider = "openai";
    entry.model = model;
    entry.price = TokenPrice{input, input * 4, input / 2, std::nullopt};
    entry.effectiveDate = day;
    entry.source = "https://openai.com/api/pricing/";
    return entry;
}

std::string fieldOf(const std::optional<GovernanceError>& error)
{
    return error ? error->field() : "<no error>";
}

} // namespace

class PriceStoreTest : public QObject {
    Q_OBJECT

private slots:
    void putCreatesThenReplacesAnEntry()
    {
        Fixture f;
        const auto generation = f.policy.generation();
        const auto created = f.store.put(f.audit, kAdmin, price("gpt-4o", 2.5));
        QVERIFY(created.created);
        QCOMPARE(created.entry.entry.origin, PriceOrigin::Store);
        QCOMPARE(f.policy.generation(), generation + 1);

        const auto replaced = f.store.put(f.audit, kAdmin, price("gpt-4o", 2.0));
        QVERIFY(!replaced.created);
        const auto another = f.store.put(f.audit, kAdmin, price("gpt-4o", 1.5, "2026-06-01")); // a later day: history
        QVERIFY(another.created);

        const auto listed = f.store.list();
        QCOMPARE(listed.size(), std::size_t(2));
        QCOMPARE(listed[0].entry.price.inputPerMillion, 2.0);
        QCOMPARE(*listed[0].entry.price.cachedInputPerMillion, 1.0);
        QVERIFY(!listed[0].entry.price.cacheWritePerMillion);
        QCOMPARE(listed[0].entry.source, std::string("https://openai.com/api/pricing/"));
        QCOMPARE(listed[1].entry.effectiveDate, std::string("2026-06-01"));

        const auto entries = f.auditEntries();
        QCOMPARE(entries.size(), std::size_t(3));
        // Newest first.
        QCOMPARE(entries.front().action, std::string("price.create"));
        QCOMPARE(entries.front().entityId, std::string("openai/gpt-4o/2026-06-01"));
        QCOMPARE(entries[1].action, std::string("price.update"));
        QCOMPARE(entries[1].before["input_per_million"].get<double>(), 2.5);
        QCOMPARE(entries[1].after["input_per_million"].get<double>(), 2.0);
        QCOMPARE(entries[1].reason, kAdmin.reason);
    }

    void refusesWhatTheFileWouldRefuse()
    {
        Fixture f;
        auto bad = price("gpt-4o", 2.5);
        bad.effectiveDate = "2026-02-30";
        const auto error = errorOf([&] { f.store.put(f.audit, kAdmin, bad); });
        QVERIFY2(error, "an impossible date is refused");
        QCOMPARE(error->kind(), GovernanceErrorKind::Invalid);
        QCOMPARE(error->field(), std::string("effective_date"));
        auto negative = price("gpt-4o", -1);
        QCOMPARE(fieldOf(errorOf([&] { f.store.put(f.audit, kAdmin, negative); })), std::string("input_per_million"));
        QCOMPARE(fieldOf(errorOf([&] { f.store.put(f.audit, Change{" ", ""}, price("gpt-4o", 1)); })), std::string("actor"));
        QVERIFY(f.store.list().empty());
        QVERIFY(f.auditEntries().empty());
    }

    void removeDeletesOneEntry()
    {
        Fixture f;
        f.store.put(f.audit, kAdmin, price("gpt-4o", 2.5));
        const auto removed = f.store.remove(f.audit, kAdmin, {"openai", "gpt-4o", "2026-01-01"});
        QCOMPARE(removed.entry.price.inputPerMillion, 2.5);
        QVERIFY(f.store.list().empty());
        QCOMPARE(f.auditEntries().front().action, std::string("price.delete"));
        const auto missing = errorOf([&] { f.store.remove(f.audit, kAdmin, {"openai", "gpt-4o", "2026-01-01"}); });
        QVERIFY2(missing && missing->kind() == GovernanceErrorKind::NotFound, qPrintable(text(missing)));
    }

    void importIsOneTransactionWithOneAuditEntry()
    {
        Fixture f;
        f.store.put(f.audit, kAdmin, price("gpt-4o", 2.5));
        const auto counts = f.store.importEntries(f.audit, kAdmin, {price("gpt-4o", 2.0), price("gpt-4o-mini", 0.15), price("o3", 2.0)});
        QCOMPARE(counts.created, std::size_t(2));
        QCOMPARE(counts.updated, std::size_t(1));
        QCOMPARE(f.store.list().size(), std::size_t(3));
        const auto entries = f.auditEntries();
        QCOMPARE(entries.size(), std::size_t(2));
        QCOMPARE(entries.front().action, std::string("price.import"));
        QCOMPARE(entries.front().after["imported"].get<int>(), 3);

        // One bad entry refuses the whole import: nothing of it is stored.
        auto bad = price("o4-mini", 1.1);
        bad.provider = "Open AI";
        QCOMPARE(fieldOf(errorOf([&] { f.store.importEntries(f.audit, kAdmin, {price("gpt-5", 1.25), bad}); })), std::string("provider"));
        QCOMPARE(f.store.list().size(), std::size_t(3));
        QCOMPARE(f.auditEntries().size(), std::size_t(2));
    }
};

QTEST_APPLESS_MAIN(PriceStoreTest)
#include "PriceStoreTest.moc"
