// PromptStore: prompts created, described and deleted; versions numbered one after another and
// never changed (the database refuses an update); labels set, moved and deleted with their splits
// checked; every change audited in its transaction and counted in the prompts' generation.
#include "GovernanceErrorOf.h"
#include "TemporaryDataDirectory.h"
#include "store/GovernanceStore.h"
#include "store/PromptStore.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const Change kAuthor{"admin-token:prompts", "first prompt"};

struct Fixture {
    TemporaryDataDirectory dir;
    Database db{dir.databasePath()};
    int64_t clockMs = 3'000'000;
    GovernanceStore audit{db, [this] { return clockMs; }};
    PromptStore store{db, [this] { return clockMs; }};

    std::vector<AuditEntry> auditEntries() { return audit.queryAudit({}, {1000, 0}).items; }
};

PromptVersion versionSaying(const std::string& text)
{
    return readPromptVersion(Json{{"model", "mock-chat"}, {"messages", Json::array({{{"role", "user"}, {"content", text + " {{name}}"}}})},
        {"variables", Json::array({{{"name", "name"}}})}});
}

} // namespace

class PromptStoreTest : public QObject {
    Q_OBJECT

private slots:
    void versionsAreNumberedAndKept()
    {
        Fixture f;
        const auto generation = f.store.generation();
        f.store.createPrompt(f.audit, kAuthor, "greet", "says hello");
        QCOMPARE(f.store.generation(), generation + 1);
        f.clockMs = 3'000'100;
        const auto first = f.store.addVersion(f.audit, kAuthor, "greet", versionSaying("Hello"));
        const auto second = f.store.addVersion(f.audit, kAuthor, "greet", versionSaying("Hi"));
        QCOMPARE(first.version, int64_t(1));
        QCOMPARE(second.version, int64_t(2));
        QCOMPARE(first.createdBy, std::string("admin-token:prompts"));
        QCOMPARE(f.store.generation(), generation + 3);

        const auto stored = f.store.find("greet");
        QVERIFY(stored);
        QCOMPARE(stored->description, std::string("says hello"));
        QCOMPARE(stored->versions.size(), std::size_t(2));
        QCOMPARE(stored->versions[0].messages[0].content, std::string("Hello {{name}}"));
        QCOMPARE(stored->versions[1].createdAtMs, int64_t(3'000'100));
        QCOMPARE(toJson(stored->versions[1]).dump(), toJson(second).dump());

        // A version is never changed in place, even by SQL.
        QVERIFY_THROWS_EXCEPTION(StoreError, f.db.exec("UPDATE prompt_versions SET definition = '{}'"));

        const auto entries = f.auditEntries();
        QCOMPARE(entries.size(), std::size_t(3));
        QCOMPARE(entries[0].action, std::string("prompt.version.create"));
        QCOMPARE(entries[0].entityId, std::string("greet/v2"));
        QCOMPARE(entries[2].action, std::string("prompt.create"));
    }

    void labelsPointAtVersionsAndMove()
    {
        Fixture f;
        f.store.createPrompt(f.audit, kAuthor, "greet", "");
        f.store.addVersion(f.audit, kAuthor, "greet", versionSaying("Hello"));
        f.store.addVersion(f.audit, kAuthor, "greet", versionSaying("Hi"));
        f.store.setLabel(f.audit, kAuthor, "greet", "production", Json::parse(R"([{"version": 1}])"));
        // Moving the label is the deploy: now split 90/10 between the two.
        const auto moved = f.store.setLabel(f.audit, kAuthor, "greet", "production", Json::parse(R"([{"version": 1, "weight": 90}, {"version": 2, "weight": 10}])"));
        QCOMPARE(moved.split.size(), std::size_t(2));
        const auto stored = f.store.find("greet");
        QCOMPARE(stored->labels.size(), std::size_t(1));
        QCOMPARE(stored->label("production")->split[1].version, int64_t(2));
        QCOMPARE(stored->label("production")->split[1].weight, int64_t(10));
        const auto entries = f.auditEntries();
        QCOMPARE(entries[0].action, std::string("prompt.label.move"));
        QCOMPARE(entries[0].entityId, std::string("greet@production"));
        QCOMPARE(entries[1].action, std::string("prompt.label.create"));

        f.store.deleteLabel(f.audit, kAuthor, "greet", "production");
        QVERIFY(f.store.find("greet")->labels.empty());
    }

    void refusalsNameWhatIsWrong()
    {
        Fixture f;
        f.store.createPrompt(f.audit, kAuthor, "greet", "");
        f.store.addVersion(f.audit, kAuthor, "greet", versionSaying("Hello"));
        const auto taken = errorOf([&] { f.store.createPrompt(f.audit, kAuthor, "greet", ""); });
        QVERIFY(taken && taken->kind() == GovernanceErrorKind::Conflict);
        const auto missing = errorOf([&] { f.store.addVersion(f.audit, kAuthor, "nope", versionSaying("x")); });
        QVERIFY(missing && missing->kind() == GovernanceErrorKind::NotFound);
        QCOMPARE(QString(missing->what()), QString("prompt 'nope' does not exist"));
        const auto noLabel = errorOf([&] { f.store.deleteLabel(f.audit, kAuthor, "greet", "staging"); });
        QVERIFY(noLabel && noLabel->kind() == GovernanceErrorKind::NotFound);
        const auto anonymous = errorOf([&] { f.store.createPrompt(f.audit, Change{}, "other", ""); });
        QVERIFY(anonymous && anonymous->field() == "actor");
        try {
            f.store.createPrompt(f.audit, kAuthor, "Bad Name", "");
            QFAIL("a bad name was accepted");
        } catch (const PromptDefinitionError& error) {
            QCOMPARE(error.field, std::string("name"));
        }
        try {
            f.store.setLabel(f.audit, kAuthor, "greet", "production", Json::parse(R"([{"version": 7}])"));
            QFAIL("a label on a missing version was accepted");
        } catch (const PromptDefinitionError& error) {
            QCOMPARE(error.field, std::string("split[0].version"));
        }
        // Nothing of the refused changes was written.
        QVERIFY(f.store.find("greet")->labels.empty());
        QCOMPARE(f.store.list().size(), std::size_t(1));
    }

    void anUnreadablePromptIsNamedAndTheOthersStillRead()
    {
        Fixture f;
        for (const auto* name : {"greet", "other"}) {
            f.store.createPrompt(f.audit, kAuthor, name, "");
            f.store.addVersion(f.audit, kAuthor, name, versionSaying("Hello"));
            f.store.setLabel(f.audit, kAuthor, name, "production", Json::parse("[{\"version\": 1}]"));
        }
        // A row this gatehouse cannot read (a newer one wrote it, or a hand edit).
        f.db.exec("UPDATE prompt_labels SET split = 'not json' WHERE prompt_id = (SELECT id FROM prompts WHERE name = 'greet')");
        QVERIFY_THROWS_EXCEPTION(StoreError, f.store.list());
        std::vector<std::string> problems;
        const auto served = f.store.list([&](const std::string& problem) { problems.push_back(problem); });
        QCOMPARE(served.size(), std::size_t(1));
        QCOMPARE(served[0].name, std::string("other"));
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY2(problems[0].find("prompt 'greet' label 'production'") != std::string::npos, problems[0].c_str());
    }

    void deletingAPromptTakesItsVersionsAndLabels()
    {
        Fixture f;
        f.store.createPrompt(f.audit, kAuthor, "greet", "");
        f.store.addVersion(f.audit, kAuthor, "greet", versionSaying("Hello"));
        f.store.setLabel(f.audit, kAuthor, "greet", "production", Json::parse(R"([{"version": 1}])"));
        const auto deleted = f.store.deletePrompt(f.audit, kAuthor, "greet");
        QCOMPARE(deleted.versions.size(), std::size_t(1));
        QVERIFY(!f.store.find("greet"));
        auto rows = f.db.prepare("SELECT (SELECT COUNT(*) FROM prompt_versions) + (SELECT COUNT(*) FROM prompt_labels)");
        QVERIFY(rows.step());
        QCOMPARE(rows.columnInt(0), int64_t(0));
        QCOMPARE(f.auditEntries()[0].action, std::string("prompt.delete"));
    }
};

QTEST_APPLESS_MAIN(PromptStoreTest)
#include "PromptStoreTest.moc"
