// Database: migrations to the current schema, idempotent reopen, refusal of a newer schema.
#include "TemporaryDataDirectory.h"
#include "store/Database.h"

#include <QtTest>

using namespace gatehouse;

class DatabaseTest : public QObject {
    Q_OBJECT

private slots:
    void migratesAFreshDatabase()
    {
        TemporaryDataDirectory dir;
        Database db(dir.databasePath());
        QCOMPARE(db.schemaVersion(), Database::kCurrentSchemaVersion);
        for (const char* table : {"tenants", "api_keys", "calls", "meta"}) {
            auto query = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
            query.bind(1, table);
            QVERIFY(query.step());
            QVERIFY2(query.columnInt(0) == 1, table);
        }
        auto journal = db.prepare("PRAGMA journal_mode");
        QVERIFY(journal.step());
        QCOMPARE(journal.columnText(0), std::string("wal"));
    }

    // Schema 12: the developer and console keys made before keys had the source 'local' become
    // local (never exported); a generated key of the same name in another tenant stays generated.
    void theGatewaysOwnKeysBecomeLocal()
    {
        TemporaryDataDirectory dir;
        {
            Database db(dir.databasePath());
            db.exec("INSERT INTO api_keys(name, prefix, hash, tenant, source, created_at_ms) VALUES"
                    "('developer', 'gk-a', 'h1', 'default', 'generated', 1),"
                    "('console-developer', 'gk-b', 'h2', 'default', 'generated', 1),"
                    "('developer', 'gk-c', 'h3', 'acme', 'generated', 1),"
                    "('ci', 'gk-d', 'h4', 'default', 'generated', 1)");
            db.exec("PRAGMA user_version = 11");
        }
        Database db(dir.databasePath());
        QCOMPARE(db.schemaVersion(), 12);
        auto query = db.prepare("SELECT prefix, source FROM api_keys ORDER BY prefix");
        std::vector<std::string> sources;
        while (query.step())
            sources.push_back(query.columnText(0) + "=" + query.columnText(1));
        QCOMPARE(sources, (std::vector<std::string>{"gk-a=local", "gk-b=local", "gk-c=generated", "gk-d=generated"}));
    }

    void reopeningKeepsData()
    {
        TemporaryDataDirectory dir;
        {
            Database db(dir.databasePath());
            db.exec("INSERT INTO tenants(name, created_at_ms) VALUES('t', 1)");
        }
        Database db(dir.databasePath());
        auto query = db.prepare("SELECT count(*) FROM tenants");
        QVERIFY(query.step());
        QCOMPARE(query.columnInt(0), int64_t(1));
    }

    void refusesANewerSchema()
    {
        TemporaryDataDirectory dir;
        {
            Database db(dir.databasePath());
            db.exec("PRAGMA user_version = 99");
        }
        try {
            Database db(dir.databasePath());
            QFAIL("expected StoreError");
        } catch (const StoreError& error) {
            QVERIFY2(QString(error.what()).contains("newer than this gatehouse"), error.what());
        }
    }

    void namesAnUnopenablePath()
    {
        try {
            Database db("/nonexistent-dir/x/gatehouse.db");
            QFAIL("expected StoreError");
        } catch (const StoreError& error) {
            QVERIFY2(QString(error.what()).contains("/nonexistent-dir/x/gatehouse.db"), error.what());
        }
    }

    void transactionsRollBackOnError()
    {
        TemporaryDataDirectory dir;
        Database db(dir.databasePath());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, inTransaction(db, [&] {
            db.exec("INSERT INTO tenants(name, created_at_ms) VALUES('a', 1)");
            throw std::runtime_error("stop");
        }));
        auto query = db.prepare("SELECT count(*) FROM tenants");
        QVERIFY(query.step());
        QCOMPARE(query.columnInt(0), int64_t(0));
    }
};

QTEST_GUILESS_MAIN(DatabaseTest)
#include "DatabaseTest.moc"
