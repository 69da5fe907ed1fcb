// One SQLite connection (WAL), its prepared statements, and the schema migrations.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace gatehouse {

// Now, in epoch milliseconds: the stores' clock unless a test gives them another.
int64_t systemNowMs();

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept
        : m_db(other.m_db)
        , m_statement(std::exchange(other.m_statement, nullptr))
    {
    }

    Statement& bind(int index, std::string_view text);
    // Binds without copying: `text` must stay valid until the statement is stepped.
    Statement& bindUnowned(int index, std::string_view text);
    Statement& bind(int index, int64_t value);
    Statement& bindNull(int index);
    Statement& bindReal(int index, double value); // named apart: an int argument must not pick it
    bool step(); // true while a row is available
    void reset(); // keeps the bindings: rebind every parameter before the next step
    int64_t columnInt(int index) const;
    double columnReal(int index) const;
    std::string columnText(int index) const;
    bool columnIsNull(int index) const;
    int columnCount() const;
    std::string columnName(int index) const;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_statement = nullptr;
};

class Database {
public:
    // Opens (creating if needed) and migrates to the current schema. Throws StoreError.
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    Statement prepare(std::string_view sql) { return Statement(m_db, sql); }
    int schemaVersion();
    // How long a statement waits for another connection's write lock before it fails (5 s unless set).
    void setBusyTimeout(std::chrono::milliseconds timeout);
    // The rowid of the last row this connection inserted.
    int64_t lastInsertRowId() const;
    // A transaction is open on this connection (inTransaction nests in it with a savepoint).
    bool transactionOpen() const;

    static constexpr int kCurrentSchemaVersion = 12;
    static std::string defaultFileName() { return "gatehouse.db"; }

private:
    void migrate();

    sqlite3* m_db = nullptr;
    std::string m_path;
};

// Runs `body` in a transaction: committed if it returns, rolled back if it throws. Inside a
// transaction already open on the connection (a config apply makes many changes in one), it is a
// savepoint of that one: rolled back alone if it throws, committed only with the outer one. A
// failed rollback (SQLite may have rolled back already, after an I/O error) never hides the
// exception that caused it.
template<typename Body>
void inTransaction(Database& db, Body&& body)
{
    const bool nested = db.transactionOpen();
    db.exec(nested ? "SAVEPOINT nested_change" : "BEGIN IMMEDIATE");
    try {
        body();
        db.exec(nested ? "RELEASE nested_change" : "COMMIT");
    } catch (...) {
        try {
            if (db.transactionOpen())
                db.exec(nested ? "ROLLBACK TO nested_change; RELEASE nested_change" : "ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

} // namespace gatehouse
