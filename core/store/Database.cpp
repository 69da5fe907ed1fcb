#include "store/Database.h"

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse {
namespace {

// One function per schema version; each runs in its own transaction. Never edit a released step:
// add the next one.
void migrateTo1(Database& db)
{
    db.exec(R"(
        CREATE TABLE tenants (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at_ms INTEGER NOT NULL
        );
        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            prefix TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            tenant TEXT NOT NULL,
            allowed_models TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL,
            revoked_at_ms INTEGER
        );
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            started_at_ms INTEGER NOT NULL,
            request_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            key_prefix TEXT,
            tenant TEXT,
            model TEXT,
            provider TEXT,
            deployment TEXT,
            status INTEGER NOT NULL,
            error_code TEXT,
            stream INTEGER NOT NULL,
            ttfb_us INTEGER,
            latency_us INTEGER NOT NULL,
            overhead_us INTEGER,
            prompt_tokens INTEGER,
            completion_tokens INTEGER
        );
        CREATE INDEX calls_by_time ON calls(started_at_ms);
        CREATE TABLE meta (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        INSERT INTO meta(name, value) VALUES('keys_generation', 0);
    )");
}

// Token detail some providers report, and whether the counts were estimated because the
// provider reported none.
void migrateTo2(Database& db)
{
    db.exec(R"(
        ALTER TABLE calls ADD COLUMN cached_tokens INTEGER;
        ALTER TABLE calls ADD COLUMN reasoning_tokens INTEGER;
        ALTER TABLE calls ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;
    )");
}

// Governance (docs/governance.md): consumers of tenants, per-model access modes, access requests
// and an append-only audit log. Existing keys keep working: a NULL consumer_id is a tenant-level key.
void migrateTo3(Database& db)
{
    db.exec(R"(
        CREATE TABLE consumers (
            id INTEGER PRIMARY KEY,
            tenant_id INTEGER NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            created_at_ms INTEGER NOT NULL,
            UNIQUE(tenant_id, name)
        );
        CREATE TABLE model_access (
            model TEXT PRIMARY KEY,
            mode TEXT NOT NULL CHECK(mode IN ('open', 'approval', 'private')),
            auto_approve INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE access_requests (
            id INTEGER PRIMARY KEY,
            consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            state TEXT NOT NULL CHECK(state IN ('pending', 'approved', 'rejected', 'revoked', 'cancelled')),
            is_grant INTEGER NOT NULL DEFAULT 0,
            reason TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            requested_by TEXT NOT NULL,
            decided_by TEXT,
            created_at_ms INTEGER NOT NULL,
            decided_at_ms INTEGER
        );
        CREATE INDEX access_requests_by_consumer_model ON access_requests(consumer_id, model, id);
        CREATE INDEX access_requests_by_model ON access_requests(model, id);
        CREATE UNIQUE INDEX access_requests_one_pending ON access_requests(consumer_id, model) WHERE state = 'pending';
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_log_by_entity ON audit_log(entity_type, entity_id, id);
        CREATE INDEX audit_log_by_time ON audit_log(at_ms);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be updated'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
        ALTER TABLE api_keys ADD COLUMN consumer_id INTEGER;
        ALTER TABLE api_keys ADD COLUMN expires_at_ms INTEGER;
        ALTER TABLE api_keys ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
        CREATE INDEX api_keys_by_consumer ON api_keys(consumer_id);
        INSERT INTO meta(name, value) VALUES('governance_generation', 0);
    )");
}

// Admin API tokens with roles (docs/admin-api.md): hash and visible prefix only, never the token.
// A name is never reused (UNIQUE even after a revoke): it is the actor in the audit log.
void migrateTo4(Database& db)
{
    db.exec(R"(
        CREATE TABLE admin_tokens (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK(role IN ('viewer', 'operator', 'admin')),
            prefix TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created_at_ms INTEGER NOT NULL,
            revoked_at_ms INTEGER
        );
    )");
}

// Providers and models added through the admin API (docs/providers.md), next to the config file's.
// A provider's settings are kept as the JSON object the admin gave (validated by the config
// loader's rules when written and again when a snapshot is built); its stored secret lives in a
// table of its own that no list query touches. Deployments are rows, so per-deployment traffic
// settings can be added as columns. A deployment names its provider as text: it may be one of
// the config file's.
void migrateTo5(Database& db)
{
    db.exec(R"(
        CREATE TABLE providers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            credential_source TEXT NOT NULL DEFAULT 'none' CHECK(credential_source IN ('none', 'env', 'stored')),
            credential_env TEXT,
            created_at_ms INTEGER NOT NULL,
            updated_at_ms INTEGER NOT NULL,
            CHECK((credential_source = 'env') = (credential_env IS NOT NULL))
        );
        CREATE TABLE provider_secrets (
            provider_id INTEGER PRIMARY KEY REFERENCES providers(id) ON DELETE CASCADE,
            secret TEXT NOT NULL,
            set_at_ms INTEGER NOT NULL
        );
        CREATE TABLE models (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at_ms INTEGER NOT NULL,
            updated_at_ms INTEGER NOT NULL
        );
        CREATE TABLE model_deployments (
            id INTEGER PRIMARY KEY,
            model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            provider TEXT NOT NULL,
            upstream_model TEXT NOT NULL,
            weight INTEGER NOT NULL DEFAULT 1 CHECK(weight >= 1),
            UNIQUE(model_id, position)
        );
        CREATE INDEX model_deployments_by_provider ON model_deployments(provider);
        INSERT INTO meta(name, value) VALUES('providers_generation', 0);
    )");
}

// Traffic policy (docs/traffic-policy.md): what a call cost (integer micro-dollars, as the budget
// ledger counts), what a cache hit saved, its consumer (budgets per consumer sum by it), how many
// attempts it took and what the cache did; a stored model's routing settings and its deployments'
// priority and price.
void migrateTo6(Database& db)
{
    db.exec(R"(
        ALTER TABLE calls ADD COLUMN consumer TEXT;
        ALTER TABLE calls ADD COLUMN cost_micros INTEGER;
        ALTER TABLE calls ADD COLUMN saved_micros INTEGER;
        ALTER TABLE calls ADD COLUMN attempts INTEGER;
        ALTER TABLE calls ADD COLUMN cache TEXT;
        ALTER TABLE models ADD COLUMN policy TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE model_deployments ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE model_deployments ADD COLUMN price TEXT;
    )");
}

// Rate limits and budgets set through the admin API (docs/traffic-policy.md); the config file's stay
// in the file. Scope kinds and periods by their names ("tenant", "monthly"); money in micro-dollars.
void migrateTo7(Database& db)
{
    db.exec(R"(
        CREATE TABLE rate_limits (
            scope_kind TEXT NOT NULL,
            scope_id TEXT NOT NULL,
            requests_per_minute INTEGER,
            tokens_per_minute INTEGER,
            concurrent INTEGER,
            updated_at_ms INTEGER NOT NULL,
            PRIMARY KEY(scope_kind, scope_id)
        );
        CREATE TABLE budgets (
            scope_kind TEXT NOT NULL,
            scope_id TEXT NOT NULL,
            period TEXT NOT NULL,
            limit_micros INTEGER NOT NULL,
            soft_limit_micros INTEGER,
            soft_limit_fraction REAL,
            updated_at_ms INTEGER NOT NULL,
            PRIMARY KEY(scope_kind, scope_id, period)
        );
        INSERT INTO meta(name, value) VALUES('policy_generation', 0);
    )");
}

// Prices (docs/pricing.md): the prompt tokens a call wrote to the provider's prompt cache (priced
// apart by Anthropic), and the price table's entries set through the admin API, one per provider
// family, model and effective day (prices in USD per million tokens, as the config writes them).
void migrateTo8(Database& db)
{
    db.exec(R"(
        ALTER TABLE calls ADD COLUMN cache_write_tokens INTEGER;
        CREATE TABLE prices (
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            effective_date TEXT NOT NULL,
            input_per_million REAL NOT NULL,
            output_per_million REAL NOT NULL,
            cached_input_per_million REAL,
            cache_write_per_million REAL,
            source TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            updated_at_ms INTEGER NOT NULL,
            PRIMARY KEY(provider, model, effective_date)
        );
    )");
}

// Analytics (docs/analytics.md): who called from where, the model that answered (a fallback may),
// and a deployment's own rate limits (docs/traffic-policy.md) for models kept in the store; the
// request id is looked up by the admin API's call detail. The rollups: per minute, hour and day
// and per tenant, consumer, key, model and deployment ('' where a call had none), the calls'
// totals and their latencies in DurationHistogram's 17 buckets (latency_b0 counts up to 1 ms, ...,
// latency_b16 above 120 s), kept by the call-record writer with the records (CallRollups). The
// payloads: a call's request and answer bodies, for models that capture them (redacted, capped),
// by the calls row they belong to.
void migrateTo9(Database& db)
{
    db.exec(R"(
        ALTER TABLE calls ADD COLUMN route TEXT;
        ALTER TABLE calls ADD COLUMN client_ip TEXT;
        ALTER TABLE calls ADD COLUMN user_agent TEXT;
        ALTER TABLE calls ADD COLUMN tags TEXT;
        CREATE INDEX calls_by_request_id ON calls(request_id);
        ALTER TABLE model_deployments ADD COLUMN limits TEXT;
        CREATE TABLE call_rollups (
            granularity_ms INTEGER NOT NULL,
            bucket_ms INTEGER NOT NULL,
            tenant TEXT NOT NULL,
            consumer TEXT NOT NULL,
            key_prefix TEXT NOT NULL,
            model TEXT NOT NULL,
            deployment TEXT NOT NULL,
            requests INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cached_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            cost_micros INTEGER NOT NULL,
            saved_micros INTEGER NOT NULL,
            cache_hits INTEGER NOT NULL,
            latency_us_sum INTEGER NOT NULL,
            latency_b0 INTEGER NOT NULL DEFAULT 0,
            latency_b1 INTEGER NOT NULL DEFAULT 0,
            latency_b2 INTEGER NOT NULL DEFAULT 0,
            latency_b3 INTEGER NOT NULL DEFAULT 0,
            latency_b4 INTEGER NOT NULL DEFAULT 0,
            latency_b5 INTEGER NOT NULL DEFAULT 0,
            latency_b6 INTEGER NOT NULL DEFAULT 0,
            latency_b7 INTEGER NOT NULL DEFAULT 0,
            latency_b8 INTEGER NOT NULL DEFAULT 0,
            latency_b9 INTEGER NOT NULL DEFAULT 0,
            latency_b10 INTEGER NOT NULL DEFAULT 0,
            latency_b11 INTEGER NOT NULL DEFAULT 0,
            latency_b12 INTEGER NOT NULL DEFAULT 0,
            latency_b13 INTEGER NOT NULL DEFAULT 0,
            latency_b14 INTEGER NOT NULL DEFAULT 0,
            latency_b15 INTEGER NOT NULL DEFAULT 0,
            latency_b16 INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(granularity_ms, bucket_ms, tenant, consumer, key_prefix, model, deployment)
        ) WITHOUT ROWID;
        CREATE TABLE call_payloads (
            call_id INTEGER PRIMARY KEY,
            request_headers TEXT,
            request TEXT,
            response_status INTEGER NOT NULL DEFAULT 0,
            response TEXT,
            request_truncated INTEGER NOT NULL DEFAULT 0,
            response_truncated INTEGER NOT NULL DEFAULT 0
        );
    )");
}

// The rollups' cuts (CallRollups): per minute, hour and day, the totals of each value of a single
// dimension (tenant, consumer as "tenant/consumer", key, model, deployment) and the grand total
// (dimension and value ''), filled from call_rollups; indexes of the combinations by tenant and by
// model; and the watermark, the last call the rollups include (every call so far: until now the
// writer added them in each batch's transaction).
void migrateTo10(Database& db)
{
    std::vector<std::string> totals{"requests", "errors", "prompt_tokens", "completion_tokens", "cached_tokens", "reasoning_tokens",
        "cost_micros", "saved_micros", "cache_hits", "latency_us_sum"};
    for (int i = 0; i < 17; ++i)
        totals.push_back("latency_b" + std::to_string(i));
    std::string definitions, names, sums;
    for (const auto& column : totals) {
        definitions += column + " INTEGER NOT NULL, ";
        names += ", " + column;
        sums += ", SUM(" + column + ")";
    }
    db.exec("CREATE TABLE call_rollup_cuts (granularity_ms INTEGER NOT NULL, dimension TEXT NOT NULL, bucket_ms INTEGER NOT NULL, "
            "value TEXT NOT NULL, "
        + definitions + "PRIMARY KEY(granularity_ms, dimension, bucket_ms, value)) WITHOUT ROWID");
    const std::pair<const char*, const char*> cuts[] = {{"", "''"}, {"tenant", "tenant"},
        {"consumer", "CASE WHEN consumer = '' THEN '' ELSE tenant || '/' || consumer END"}, {"key", "key_prefix"},
        {"model", "model"}, {"deployment", "deployment"}};
    for (const auto& [dimension, value] : cuts) {
        db.exec("INSERT INTO call_rollup_cuts(granularity_ms, dimension, bucket_ms, value" + names + ") SELECT granularity_ms, '"
            + dimension + "', bucket_ms, " + value + sums + " FROM call_rollups GROUP BY 1, 2, 3, 4");
    }
    // A chart filtered to a tenant (or a consumer, which names its tenant) or to a model reads its own
    // rows of the range, not every combination's.
    db.exec("CREATE INDEX call_rollups_by_tenant ON call_rollups(granularity_ms, tenant, bucket_ms)");
    db.exec("CREATE INDEX call_rollups_by_model ON call_rollups(granularity_ms, model, bucket_ms)");
    db.exec("INSERT INTO meta(name, value) VALUES('rollups_through_call_id', (SELECT COALESCE(MAX(id), 0) FROM calls))");
}

// Managed prompts (PromptStore, docs/prompts.md): prompts, their versions (immutable: the database
// refuses an update) and labels; calls record the prompt, version and label they rendered; feedback
// scores posted for calls (one per call and key: a key posting again replaces its score); the
// prompts' generation counter.
void migrateTo11(Database& db)
{
    db.exec(R"(
        CREATE TABLE prompts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            created_at_ms INTEGER NOT NULL
        );
        CREATE TABLE prompt_versions (
            prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            definition TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            PRIMARY KEY(prompt_id, version)
        );
        CREATE TRIGGER prompt_versions_immutable BEFORE UPDATE ON prompt_versions
            BEGIN SELECT RAISE(ABORT, 'prompt versions are immutable: add a new version'); END;
        CREATE TABLE prompt_labels (
            prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            split TEXT NOT NULL,
            updated_at_ms INTEGER NOT NULL,
            PRIMARY KEY(prompt_id, label)
        );
        ALTER TABLE calls ADD COLUMN prompt TEXT;
        ALTER TABLE calls ADD COLUMN prompt_version INTEGER;
        ALTER TABLE calls ADD COLUMN prompt_label TEXT;
        CREATE INDEX calls_by_prompt ON calls(prompt, started_at_ms) WHERE prompt IS NOT NULL;
        CREATE TABLE call_feedback (
            id INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL,
            score REAL NOT NULL,
            comment TEXT,
            key_prefix TEXT,
            created_at_ms INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX call_feedback_one_per_key ON call_feedback(request_id, key_prefix);
        INSERT INTO meta(name, value) VALUES('prompts_generation', 0);
    )");
}

// Configuration as code (docs/config-as-code.md): the keys a gateway made for its own use before
// they had a source of their own — the first-run developer key and the console's — become 'local',
// so no export carries them to another gateway (their plaintext may be in a log).
void migrateTo12(Database& db)
{
    db.exec(R"(
        UPDATE api_keys SET source = 'local'
        WHERE source = 'generated' AND consumer_id IS NULL AND tenant = 'default' AND name IN ('developer', 'console-developer');
    )");
}

const std::vector<std::function<void(Database&)>>& migrations()
{
    static const std::vector<std::function<void(Database&)>> steps{migrateTo1, migrateTo2, migrateTo3, migrateTo4, migrateTo5, migrateTo6,
        migrateTo7, migrateTo8, migrateTo9, migrateTo10, migrateTo11, migrateTo12};
    return steps;
}

} // namespace

Statement::Statement(sqlite3* db, std::string_view sql)
    : m_db(db)
{
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_statement, nullptr) != SQLITE_OK)
        throw StoreError(std::string("cannot prepare SQL: ") + sqlite3_errmsg(db));
}

Statement::~Statement()
{
    sqlite3_finalize(m_statement);
}

Statement& Statement::bind(int index, std::string_view text)
{
    sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bindUnowned(int index, std::string_view text)
{
    sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bind(int index, int64_t value)
{
    sqlite3_bind_int64(m_statement, index, value);
    return *this;
}

Statement& Statement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
    return *this;
}

Statement& Statement::bindReal(int index, double value)
{
    sqlite3_bind_double(m_statement, index, value);
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    throw StoreError(std::string("SQL step failed: ") + sqlite3_errmsg(m_db));
}

void Statement::reset()
{
    sqlite3_reset(m_statement);
}

int64_t Statement::columnInt(int index) const
{
    return sqlite3_column_int64(m_statement, index);
}

double Statement::columnReal(int index) const
{
    return sqlite3_column_double(m_statement, index);
}

std::string Statement::columnText(int index) const
{
    const auto* text = sqlite3_column_text(m_statement, index);
    return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(m_statement, index)) : std::string();
}

int Statement::columnCount() const
{
    return sqlite3_column_count(m_statement);
}

std::string Statement::columnName(int index) const
{
    return sqlite3_column_name(m_statement, index);
}

bool Statement::columnIsNull(int index) const
{
    return sqlite3_column_type(m_statement, index) == SQLITE_NULL;
}

Database::Database(const std::string& path)
    : m_path(path)
{
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        const std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        throw StoreError("cannot open database " + path + ": " + message);
    }
    try {
        sqlite3_busy_timeout(m_db, 5000);
        exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        migrate();
    } catch (...) {
        sqlite3_close(m_db); // the destructor does not run for a constructor that throws
        throw;
    }
}

Database::~Database()
{
    sqlite3_close(m_db);
}

void Database::exec(std::string_view sql)
{
    char* error = nullptr;
    if (sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw StoreError("SQL failed on " + m_path + ": " + message);
    }
}

int64_t systemNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Database::setBusyTimeout(std::chrono::milliseconds timeout)
{
    sqlite3_busy_timeout(m_db, static_cast<int>(timeout.count()));
}

int64_t Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

bool Database::transactionOpen() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

int Database::schemaVersion()
{
    auto statement = prepare("PRAGMA user_version");
    statement.step();
    return static_cast<int>(statement.columnInt(0));
}

void Database::migrate()
{
    const int current = schemaVersion();
    if (current > kCurrentSchemaVersion)
        throw StoreError(m_path + " has schema version " + std::to_string(current) + ", newer than this gatehouse ("
            + std::to_string(kCurrentSchemaVersion) + "); upgrade gatehouse");
    const auto& steps = migrations();
    for (int version = current + 1; version <= kCurrentSchemaVersion; ++version) {
        try {
            inTransaction(*this, [&] {
                steps[version - 1](*this);
                exec("PRAGMA user_version = " + std::to_string(version));
            });
        } catch (const StoreError& error) {
            throw StoreError("migration to schema version " + std::to_string(version) + " failed: " + error.what());
        }
    }
}

} // namespace gatehouse
