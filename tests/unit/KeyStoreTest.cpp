// KeyStore: only hashes are stored; declared keys are synced; every change bumps the generation.
#include "TemporaryDataDirectory.h"
#include "auth/ApiKey.h"
#include "store/KeyStore.h"

#include <QtTest>

using namespace gatehouse;

class KeyStoreTest : public QObject {
    Q_OBJECT

private slots:
    void storesTheHashNeverThePlaintext()
    {
        TemporaryDataDirectory dir;
        Database db(dir.databasePath());
        KeyStore keys(db);
        const auto plaintext = generateApiKey();
        const auto stored = keys.addKey("app", plaintext, "team", {"m1", "m2"}, "generated");
        QCOMPARE(stored.hash, hashApiKey(plaintext));
        QCOMPARE(stored.prefix, plaintext.substr(0, 10));
        QVERIFY(stored.id > 0);

        auto everything = db.prepare("SELECT name, prefix, hash, tenant, allowed_models, source FROM api_keys");
        QVERIFY(everything.step());
        for (int column = 0; column < 6; ++column)
            QVERIFY(everything.columnText(column).find(plaintext) == std::string::npos);
        const auto active = keys.activeKeys();
        QCOMPARE(active.size(), std::size_t(1));
        QCOMPARE(active[0].allowedModels, (std::vector<std::string>{"m1", "m2"}));
        QCOMPARE(active[0].tenant, std::string("team"));
    }

    void syncAddsUpdatesAndRevokesDeclaredKeysOnly()
    {
        TemporaryDataDirectory dir;
        Database db(dir.databasePath());
        KeyStore keys(db);
        const auto generated = generateApiKey();
        keys.addKey("generated", generated, "default", {}, "generated");
        const auto first = generateApiKey();
        const auto second = generateApiKey();
        const auto before = keys.generation();

        keys.syncDeclaredKeys({{"one", first, "a", {}}, {"two", second, "b", {"m"}}});
        QCOMPARE(keys.activeKeyCount(), std::size_t(3));
        QVERIFY(keys.generation() > before);

        keys.syncDeclaredKeys({{"two-renamed", second, "c", {}}});
        const auto active = keys.activeKeys();
        QCOMPARE(active.size(), std::size_t(2));
        QCOMPARE(active[0].name, std::string("generated"));
        QCOMPARE(active[1].name, std::string("two-renamed"));
        QCOMPARE(active[1].tenant, std::string("c"));
        QVERIFY(active[1].allowedModels.empty());

        // A key declared again after removal comes back.
        keys.syncDeclaredKeys({{"one", first, "a", {}}, {"two", second, "b", {}}});
        QCOMPARE(keys.activeKeyCount(), std::size_t(3));
    }
};

QTEST_GUILESS_MAIN(KeyStoreTest)
#include "KeyStoreTest.moc"
