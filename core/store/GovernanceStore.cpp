#include "store/GovernanceStore.h"

#include <chrono>
#include <variant>

namespace gatehouse {
namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxModelLength = 256;
constexpr std::size_t kMaxTextLength = 4096;
constexpr const char* kAutoApprover = "auto-approve";

[[noreturn]] void invalid(const std::string& field, const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::Invalid, field + ": " + message, field);
}

[[noreturn]] void notFound(const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::NotFound, message);
}

[[noreturn]] void conflict(const std::string& message)
{
    throw GovernanceError(GovernanceErrorKind::Conflict, message);
}

bool hasControlCharacter(const std::string& text)
{
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

// Names end up in CLI arguments, URLs and 403 messages: keep them to a plain slug.
void validateName(const std::string& field, const std::string& name)
{
    if (name.empty())
        invalid(field, "must not be empty");
    if (name.size() > kMaxNameLength)
        invalid(field, "must be at most " + std::to_string(kMaxNameLength) + " characters");
    const auto isSlugChar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    };
    for (const char c : name) {
        if (!isSlugChar(c))
            invalid(field, "'" + name + "' may only contain letters, digits, '-', '_' and '.'");
    }
    if (name.front() == '-' || name.front() == '_' || name.front() == '.')
        invalid(field, "'" + name + "' must start with a letter or a digit");
}

void validateModel(const std::string& model)
{
    if (model.empty())
        invalid("model", "must not be empty");
    if (model.size() > kMaxModelLength)
        invalid("model", "must be at most " + std::to_string(kMaxModelLength) + " characters");
    if (hasControlCharacter(model))
        invalid("model", "must not contain control characters");
}

void validateText(const std::string& field, const std::string& text)
{
    if (text.size() > kMaxTextLength)
        invalid(field, "must be at most " + std::to_string(kMaxTextLength) + " characters");
}

void validateChange(const Change& change)
{
    if (change.actor.find_first_not_of(" \t") == std::string::npos)
        invalid("actor", "every change needs an actor");
    validateText("actor", change.actor);
    validateText("reason", change.reason);
}

std::string inQuotes(const std::string& text)
{
    return "'" + text + "'";
}

// A WHERE clause built from optional filters, with its parameters in order.
class Conditions {
public:
    void add(const std::string& condition, std::variant<int64_t, std::string> value)
    {
        m_sql += (m_sql.empty() ? " WHERE " : " AND ") + condition;
        m_values.push_back(std::move(value));
    }
    const std::string& sql() const { return m_sql; }
    // Binds the filter values from index 1; returns the next free index.
    int bind(Statement& statement) const
    {
        int index = 1;
        for (const auto& value : m_values) {
            if (const auto* number = std::get_if<int64_t>(&value))
                statement.bind(index++, *number);
            else
                statement.bind(index++, std::get<std::string>(value));
        }
        return index;
    }

private:
    std::string m_sql;
    std::vector<std::variant<int64_t, std::string>> m_values;
};

int64_t countRows(Database& db, const std::string& fromAndWhere, const Conditions& conditions)
{
    auto query = db.prepare("SELECT count(*) " + fromAndWhere);
    conditions.bind(query);
    query.step();
    return query.columnInt(0);
}

int64_t lastInsertId(Database& db)
{
    auto query = db.prepare("SELECT last_insert_rowid()");
    query.step();
    return query.columnInt(0);
}

int64_t changedRows(Database& db)
{
    auto query = db.prepare("SELECT changes()");
    query.step();
    return query.columnInt(0);
}

std::optional<int64_t> optionalInt(const Statement& row, int column)
{
    return row.columnIsNull(column) ? std::nullopt : std::optional<int64_t>(row.columnInt(column));
}

Json parseStoredJson(const Statement& row, int column)
{
    if (row.columnIsNull(column))
        return nullptr;
    return Json::parse(row.columnText(column), nullptr, false); // written by this file: always valid
}

const char* kTenantColumns = "SELECT id, name, created_at_ms FROM tenants";

Tenant readTenant(const Statement& row)
{
    return {row.columnInt(0), row.columnText(1), row.columnInt(2)};
}

const char* kConsumerFrom = " FROM consumers c JOIN tenants t ON t.id = c.tenant_id";
const char* kConsumerColumns = "SELECT c.id, c.tenant_id, t.name, c.name, c.description, c.created_at_ms";

Consumer readConsumer(const Statement& row)
{
    return {row.columnInt(0), row.columnInt(1), row.columnText(2), row.columnText(3), row.columnText(4), row.columnInt(5)};
}

ModelAccess readModelAccess(const Statement& row)
{
    return {row.columnText(0), parseAccessMode(row.columnText(1)).value_or(AccessMode::Open), row.columnInt(2) != 0};
}

const char* kRequestColumns = "SELECT id, consumer_id, model, state, is_grant, reason, note, requested_by, "
                              "decided_by, created_at_ms, decided_at_ms FROM access_requests";

AccessRequest readAccessRequest(const Statement& row)
{
    AccessRequest request;
    request.id = row.columnInt(0);
    request.consumerId = row.columnInt(1);
    request.model = row.columnText(2);
    // The CHECK constraint on the column keeps the state one of the names.
    request.state = parseAccessState(row.columnText(3)).value_or(AccessState::Pending);
    request.grant = row.columnInt(4) != 0;
    request.reason = row.columnText(5);
    request.note = row.columnText(6);
    request.requestedBy = row.columnText(7);
    request.decidedBy = row.columnText(8);
    request.createdAtMs = row.columnInt(9);
    request.decidedAtMs = optionalInt(row, 10);
    return request;
}

const char* kAuditColumns = "SELECT id, at_ms, actor, action, entity_type, entity_id, before_json, after_json, reason";

AuditEntry readAuditEntry(const Statement& row)
{
    return {row.columnInt(0), row.columnInt(1), row.columnText(2), row.columnText(3), row.columnText(4),
        row.columnText(5), parseStoredJson(row, 6), parseStoredJson(row, 7), row.columnText(8)};
}

template<typename T, typename Reader>
std::vector<T> readAll(Statement& query, Reader reader)
{
    std::vector<T> rows;
    while (query.step())
        rows.push_back(reader(query));
    return rows;
}

} // namespace

void validatePage(const PageRequest& page)
{
    if (page.limit < 1 || page.limit > PageRequest::kMaxPageLimit)
        invalid("limit", "must be between 1 and " + std::to_string(PageRequest::kMaxPageLimit));
    if (page.offset < 0)
        invalid("offset", "must not be negative");
}

Json toJson(const Tenant& tenant)
{
    return {{"id", tenant.id}, {"name", tenant.name}, {"created_at_ms", tenant.createdAtMs}};
}

Json toJson(const Consumer& consumer)
{
    return {{"id", consumer.id}, {"tenant_id", consumer.tenantId}, {"tenant", consumer.tenant}, {"name", consumer.name},
        {"description", consumer.description}, {"created_at_ms", consumer.createdAtMs}};
}

Json toJson(const ModelAccess& access)
{
    return {{"model", access.model}, {"mode", std::string(accessModeName(access.mode))}, {"auto_approve", access.autoApprove}};
}

Json toJson(const AccessRequest& request)
{
    return {{"id", request.id}, {"consumer_id", request.consumerId}, {"model", request.model},
        {"state", std::string(accessStateName(request.state))}, {"grant", request.grant}, {"reason", request.reason},
        {"note", request.note}, {"requested_by", request.requestedBy},
        {"decided_by", request.decidedBy.empty() ? Json(nullptr) : Json(request.decidedBy)},
        {"created_at_ms", request.createdAtMs},
        {"decided_at_ms", request.decidedAtMs ? Json(*request.decidedAtMs) : Json(nullptr)}};
}

Json toJson(const AuditEntry& entry)
{
    return {{"id", entry.id}, {"at_ms", entry.atMs}, {"actor", entry.actor}, {"action", entry.action},
        {"entity_type", entry.entityType}, {"entity_id", entry.entityId}, {"before", entry.before},
        {"after", entry.after}, {"reason", entry.reason}};
}

GovernanceStore::GovernanceStore(Database& db, Clock clock)
    : m_db(db)
    , m_clock(clock ? std::move(clock) : Clock(systemNowMs))
{
}

// --- tenants ---

Tenant GovernanceStore::createTenant(const Change& change, const std::string& name)
{
    validateChange(change);
    validateName("name", name);
    Tenant created;
    inTransaction(m_db, [&] {
        if (findTenant(name))
            conflict("tenant " + inQuotes(name) + " already exists");
        created = {0, name, now()};
        m_db.prepare("INSERT INTO tenants(name, created_at_ms) VALUES(?, ?)").bind(1, name).bind(2, created.createdAtMs).step();
        created.id = lastInsertId(m_db);
        recordChange(change, "tenant.create", "tenant", std::to_string(created.id), nullptr, toJson(created));
    });
    return created;
}

Page<Tenant> GovernanceStore::listTenants(const PageRequest& page)
{
    validatePage(page);
    Page<Tenant> result;
    result.total = countRows(m_db, "FROM tenants", {});
    auto query = m_db.prepare(std::string(kTenantColumns) + " ORDER BY name LIMIT ? OFFSET ?");
    query.bind(1, page.limit).bind(2, page.offset);
    result.items = readAll<Tenant>(query, readTenant);
    return result;
}

Tenant GovernanceStore::tenant(int64_t id)
{
    return requireTenant(id);
}

std::optional<Tenant> GovernanceStore::findTenant(const std::string& name)
{
    auto query = m_db.prepare(std::string(kTenantColumns) + " WHERE name = ?");
    query.bind(1, name);
    return query.step() ? std::optional<Tenant>(readTenant(query)) : std::nullopt;
}

Tenant GovernanceStore::renameTenant(const Change& change, int64_t id, const std::string& name)
{
    validateChange(change);
    validateName("name", name);
    Tenant renamed;
    inTransaction(m_db, [&] {
        const auto before = requireTenant(id);
        if (before.name == name)
            conflict("tenant " + inQuotes(name) + " already has that name");
        if (findTenant(name))
            conflict("tenant " + inQuotes(name) + " already exists");
        m_db.prepare("UPDATE tenants SET name = ? WHERE id = ?").bind(1, name).bind(2, id).step();
        m_db.prepare("UPDATE api_keys SET tenant = ? WHERE tenant = ?").bind(1, name).bind(2, before.name).step();
        if (changedRows(m_db) > 0) // running gateways reload their keys on this counter
            m_db.exec("UPDATE meta SET value = value + 1 WHERE name = 'keys_generation'");
        renamed = before;
        renamed.name = name;
        recordChange(change, "tenant.rename", "tenant", std::to_string(id), toJson(before), toJson(renamed));
    });
    return renamed;
}

Tenant GovernanceStore::deleteTenant(const Change& change, int64_t id)
{
    validateChange(change);
    Tenant deleted;
    inTransaction(m_db, [&] {
        deleted = requireTenant(id);
        auto consumers = m_db.prepare("SELECT count(*) FROM consumers WHERE tenant_id = ?");
        consumers.bind(1, id).step();
        if (const auto count = consumers.columnInt(0); count > 0)
            conflict("tenant " + inQuotes(deleted.name) + " still has " + std::to_string(count)
                + " consumer(s); delete them first");
        auto keys = m_db.prepare("SELECT count(*) FROM api_keys WHERE tenant = ? AND revoked_at_ms IS NULL "
                                 "AND (expires_at_ms IS NULL OR expires_at_ms > ?)");
        keys.bind(1, deleted.name).bind(2, now()).step();
        if (const auto count = keys.columnInt(0); count > 0)
            conflict("tenant " + inQuotes(deleted.name) + " still has " + std::to_string(count)
                + " usable API key(s); revoke them first");
        m_db.prepare("DELETE FROM tenants WHERE id = ?").bind(1, id).step();
        recordChange(change, "tenant.delete", "tenant", std::to_string(id), toJson(deleted), nullptr);
    });
    return deleted;
}

Tenant GovernanceStore::requireTenant(int64_t id)
{
    auto query = m_db.prepare(std::string(kTenantColumns) + " WHERE id = ?");
    query.bind(1, id);
    if (!query.step())
        notFound("tenant " + std::to_string(id) + " does not exist");
    return readTenant(query);
}

// --- consumers ---

Consumer GovernanceStore::createConsumer(const Change& change, int64_t tenantId, const std::string& name,
    const std::string& description)
{
    validateChange(change);
    validateName("name", name);
    validateText("description", description);
    Consumer created;
    inTransaction(m_db, [&] {
        const auto owner = requireTenant(tenantId);
        if (findConsumer(owner.name, name))
            conflict("consumer " + inQuotes(name) + " already exists in tenant " + inQuotes(owner.name));
        created = {0, tenantId, owner.name, name, description, now()};
        m_db.prepare("INSERT INTO consumers(tenant_id, name, description, created_at_ms) VALUES(?, ?, ?, ?)")
            .bind(1, tenantId)
            .bind(2, name)
            .bind(3, description)
            .bind(4, created.createdAtMs)
            .step();
        created.id = lastInsertId(m_db);
        recordChange(change, "consumer.create", "consumer", std::to_string(created.id), nullptr, toJson(created));
    });
    return created;
}

Page<Consumer> GovernanceStore::listConsumers(const ConsumerFilter& filter, const PageRequest& page)
{
    validatePage(page);
    Conditions conditions;
    if (filter.tenantId)
        conditions.add("c.tenant_id = ?", *filter.tenantId);
    if (!filter.nameContains.empty()) // instr, not LIKE: '%' and '_' in the filter are literal
        conditions.add("instr(lower(c.name), lower(?)) > 0", filter.nameContains);
    Page<Consumer> result;
    result.total = countRows(m_db, std::string(kConsumerFrom) + conditions.sql(), conditions);
    auto query = m_db.prepare(std::string(kConsumerColumns) + kConsumerFrom + conditions.sql()
        + " ORDER BY t.name, c.name LIMIT ? OFFSET ?");
    const int next = conditions.bind(query);
    query.bind(next, page.limit).bind(next + 1, page.offset);
    result.items = readAll<Consumer>(query, readConsumer);
    return result;
}

Consumer GovernanceStore::consumer(int64_t id)
{
    return requireConsumer(id);
}

std::optional<Consumer> GovernanceStore::findConsumer(const std::string& tenant, const std::string& name)
{
    auto query = m_db.prepare(std::string(kConsumerColumns) + kConsumerFrom + " WHERE t.name = ? AND c.name = ?");
    query.bind(1, tenant).bind(2, name);
    return query.step() ? std::optional<Consumer>(readConsumer(query)) : std::nullopt;
}

Consumer GovernanceStore::updateConsumerDescription(const Change& change, int64_t id, const std::string& description)
{
    validateChange(change);
    validateText("description", description);
    Consumer updated;
    inTransaction(m_db, [&] {
        const auto before = requireConsumer(id);
        m_db.prepare("UPDATE consumers SET description = ? WHERE id = ?").bind(1, description).bind(2, id).step();
        updated = before;
        updated.description = description;
        recordChange(change, "consumer.update", "consumer", std::to_string(id), toJson(before), toJson(updated));
    });
    return updated;
}

Consumer GovernanceStore::deleteConsumer(const Change& change, int64_t id)
{
    validateChange(change);
    Consumer deleted;
    inTransaction(m_db, [&] {
        deleted = requireConsumer(id);
        auto keys = m_db.prepare("SELECT count(*) FROM api_keys WHERE consumer_id = ? AND revoked_at_ms IS NULL "
                                 "AND (expires_at_ms IS NULL OR expires_at_ms > ?)");
        keys.bind(1, id).bind(2, now()).step();
        if (const auto count = keys.columnInt(0); count > 0)
            conflict("consumer " + inQuotes(deleted.name) + " still has " + std::to_string(count)
                + " usable API key(s); revoke them first");
        auto requests = m_db.prepare("SELECT count(*) FROM access_requests WHERE consumer_id = ?");
        requests.bind(1, id).step();
        auto before = toJson(deleted);
        before["access_requests_deleted"] = requests.columnInt(0);
        m_db.prepare("DELETE FROM consumers WHERE id = ?").bind(1, id).step(); // requests cascade
        recordChange(change, "consumer.delete", "consumer", std::to_string(id), before, nullptr);
    });
    return deleted;
}

Consumer GovernanceStore::requireConsumer(int64_t id)
{
    auto query = m_db.prepare(std::string(kConsumerColumns) + kConsumerFrom + " WHERE c.id = ?");
    query.bind(1, id);
    if (!query.step())
        notFound("consumer " + std::to_string(id) + " does not exist");
    return readConsumer(query);
}

// --- model access ---

ModelAccess GovernanceStore::setModelAccess(const Change& change, const std::string& model, AccessMode mode, bool autoApprove)
{
    validateChange(change);
    validateModel(model);
    const ModelAccess updated{model, mode, autoApprove};
    inTransaction(m_db, [&] {
        auto existing = m_db.prepare("SELECT model, mode, auto_approve FROM model_access WHERE model = ?");
        existing.bind(1, model);
        const Json before = existing.step() ? toJson(readModelAccess(existing)) : Json(nullptr);
        m_db.prepare("INSERT INTO model_access(model, mode, auto_approve) VALUES(?, ?, ?) "
                     "ON CONFLICT(model) DO UPDATE SET mode = excluded.mode, auto_approve = excluded.auto_approve")
            .bind(1, model)
            .bind(2, accessModeName(mode))
            .bind(3, int64_t(autoApprove ? 1 : 0))
            .step();
        recordChange(change, "model_access.set", "model_access", model, before, toJson(updated));
    });
    return updated;
}

ModelAccess GovernanceStore::modelAccess(const std::string& model)
{
    auto query = m_db.prepare("SELECT model, mode, auto_approve FROM model_access WHERE model = ?");
    query.bind(1, model);
    return query.step() ? readModelAccess(query) : ModelAccess{model, AccessMode::Open, false};
}

std::vector<ModelAccess> GovernanceStore::listModelAccess()
{
    auto query = m_db.prepare("SELECT model, mode, auto_approve FROM model_access ORDER BY model");
    return readAll<ModelAccess>(query, readModelAccess);
}

// --- access requests ---

AccessRequest GovernanceStore::requestAccess(const Change& change, int64_t consumerId, const std::string& model)
{
    validateChange(change);
    validateModel(model);
    AccessRequest created;
    inTransaction(m_db, [&] {
        const auto requester = requireConsumer(consumerId);
        const auto access = modelAccess(model);
        if (access.mode == AccessMode::Private)
            conflict("model " + inQuotes(model) + " is private: access cannot be requested; an admin must grant it");
        if (const auto latest = latestAccessRequest(consumerId, model)) {
            if (latest->state == AccessState::Pending)
                conflict("consumer " + inQuotes(requester.name) + " already has a pending request ("
                    + std::to_string(latest->id) + ") for model " + inQuotes(model));
            if (latest->state == AccessState::Approved)
                conflict("consumer " + inQuotes(requester.name) + " already has approved access to model "
                    + inQuotes(model) + " (request " + std::to_string(latest->id) + ")");
        }
        created = access.autoApprove
            ? insertAccessRequest(change, consumerId, model, AccessState::Approved, false, kAutoApprover, {})
            : insertAccessRequest(change, consumerId, model, AccessState::Pending, false, {}, {});
        recordChange(change, "access_request.create", "access_request", std::to_string(created.id), nullptr,
            toJson(created));
    });
    return created;
}

AccessRequest GovernanceStore::grantAccess(const Change& change, int64_t consumerId, const std::string& model)
{
    validateChange(change);
    validateModel(model);
    AccessRequest created;
    inTransaction(m_db, [&] {
        const auto grantee = requireConsumer(consumerId);
        if (const auto latest = latestAccessRequest(consumerId, model)) {
            if (latest->state == AccessState::Pending)
                conflict("consumer " + inQuotes(grantee.name) + " has a pending request (" + std::to_string(latest->id)
                    + ") for model " + inQuotes(model) + "; approve or reject it first");
            if (latest->state == AccessState::Approved && latest->grant)
                conflict("consumer " + inQuotes(grantee.name) + " already has a grant for model " + inQuotes(model)
                    + " (request " + std::to_string(latest->id) + ")");
        }
        created = insertAccessRequest(change, consumerId, model, AccessState::Approved, true, change.actor, {});
        recordChange(change, "access_request.grant", "access_request", std::to_string(created.id), nullptr,
            toJson(created));
    });
    return created;
}

AccessRequest GovernanceStore::decideAccessRequest(const Change& change, int64_t requestId, AccessAction action)
{
    validateChange(change);
    AccessRequest decided;
    inTransaction(m_db, [&] {
        const auto before = requireAccessRequest(requestId);
        const auto next = applyAction(before.state, action);
        if (const auto* error = std::get_if<TransitionError>(&next))
            conflict("access request " + std::to_string(requestId) + ": " + error->message);
        decided = before;
        decided.state = std::get<AccessState>(next);
        decided.note = change.reason;
        decided.decidedBy = change.actor;
        decided.decidedAtMs = now();
        m_db.prepare("UPDATE access_requests SET state = ?, note = ?, decided_by = ?, decided_at_ms = ? WHERE id = ?")
            .bind(1, accessStateName(decided.state))
            .bind(2, decided.note)
            .bind(3, decided.decidedBy)
            .bind(4, *decided.decidedAtMs)
            .bind(5, requestId)
            .step();
        recordChange(change, "access_request." + std::string(accessActionName(action)), "access_request",
            std::to_string(requestId), toJson(before), toJson(decided));
    });
    return decided;
}

AccessRequest GovernanceStore::accessRequest(int64_t id)
{
    return requireAccessRequest(id);
}

Page<AccessRequest> GovernanceStore::listAccessRequests(const AccessRequestFilter& filter, const PageRequest& page)
{
    validatePage(page);
    Conditions conditions;
    if (filter.consumerId)
        conditions.add("consumer_id = ?", *filter.consumerId);
    if (filter.model)
        conditions.add("model = ?", *filter.model);
    if (filter.state)
        conditions.add("state = ?", std::string(accessStateName(*filter.state)));
    Page<AccessRequest> result;
    result.total = countRows(m_db, "FROM access_requests" + conditions.sql(), conditions);
    auto query = m_db.prepare(kRequestColumns + conditions.sql() + " ORDER BY id DESC LIMIT ? OFFSET ?");
    const int next = conditions.bind(query);
    query.bind(next, page.limit).bind(next + 1, page.offset);
    result.items = readAll<AccessRequest>(query, readAccessRequest);
    return result;
}

// "Latest" is by id, not by time: ids only grow, an injected or adjusted clock may not.
std::optional<AccessRequest> GovernanceStore::latestAccessRequest(int64_t consumerId, const std::string& model)
{
    auto query = m_db.prepare(std::string(kRequestColumns) + " WHERE consumer_id = ? AND model = ? ORDER BY id DESC LIMIT 1");
    query.bind(1, consumerId).bind(2, model);
    return query.step() ? std::optional<AccessRequest>(readAccessRequest(query)) : std::nullopt;
}

std::vector<AccessRequest> GovernanceStore::latestAccessRequests()
{
    auto query = m_db.prepare(std::string(kRequestColumns)
        + " WHERE id IN (SELECT max(id) FROM access_requests GROUP BY consumer_id, model) ORDER BY consumer_id, model");
    return readAll<AccessRequest>(query, readAccessRequest);
}

AccessRequest GovernanceStore::requireAccessRequest(int64_t id)
{
    auto query = m_db.prepare(std::string(kRequestColumns) + " WHERE id = ?");
    query.bind(1, id);
    if (!query.step())
        notFound("access request " + std::to_string(id) + " does not exist");
    return readAccessRequest(query);
}

AccessRequest GovernanceStore::insertAccessRequest(const Change& change, int64_t consumerId, const std::string& model,
    AccessState state, bool grant, const std::string& decidedBy, const std::string& note)
{
    AccessRequest request;
    request.consumerId = consumerId;
    request.model = model;
    request.state = state;
    request.grant = grant;
    request.reason = change.reason;
    request.note = note;
    request.requestedBy = change.actor;
    request.decidedBy = decidedBy;
    request.createdAtMs = now();
    if (state != AccessState::Pending)
        request.decidedAtMs = request.createdAtMs;
    auto insert = m_db.prepare("INSERT INTO access_requests(consumer_id, model, state, is_grant, reason, note, "
                               "requested_by, decided_by, created_at_ms, decided_at_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, consumerId)
        .bind(2, model)
        .bind(3, accessStateName(state))
        .bind(4, int64_t(grant ? 1 : 0))
        .bind(5, request.reason)
        .bind(6, note)
        .bind(7, request.requestedBy);
    if (decidedBy.empty())
        insert.bindNull(8).bindNull(10);
    else
        insert.bind(8, decidedBy).bind(10, *request.decidedAtMs);
    insert.bind(9, request.createdAtMs).step();
    request.id = lastInsertId(m_db);
    return request;
}

// --- audit ---

AuditEntry GovernanceStore::appendAudit(const Change& change, const std::string& action, const std::string& entityType,
    const std::string& entityId, const Json& before, const Json& after)
{
    validateChange(change);
    if (action.empty())
        invalid("action", "must not be empty");
    if (entityType.empty())
        invalid("entity_type", "must not be empty");
    AuditEntry entry{0, now(), change.actor, action, entityType, entityId, before, after, change.reason};
    auto insert = m_db.prepare("INSERT INTO audit_log(at_ms, actor, action, entity_type, entity_id, before_json, "
                               "after_json, reason) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, entry.atMs).bind(2, entry.actor).bind(3, entry.action).bind(4, entry.entityType).bind(5, entry.entityId);
    if (before.is_null())
        insert.bindNull(6);
    else
        insert.bind(6, before.dump());
    if (after.is_null())
        insert.bindNull(7);
    else
        insert.bind(7, after.dump());
    insert.bind(8, entry.reason).step();
    entry.id = lastInsertId(m_db);
    return entry;
}

Page<AuditEntry> GovernanceStore::queryAudit(const AuditFilter& filter, const PageRequest& page)
{
    validatePage(page);
    Conditions conditions;
    if (filter.entityType)
        conditions.add("entity_type = ?", *filter.entityType);
    if (filter.entityId)
        conditions.add("entity_id = ?", *filter.entityId);
    if (filter.fromMs)
        conditions.add("at_ms >= ?", *filter.fromMs);
    if (filter.toMs)
        conditions.add("at_ms < ?", *filter.toMs);
    Page<AuditEntry> result;
    result.total = countRows(m_db, "FROM audit_log" + conditions.sql(), conditions);
    auto query = m_db.prepare(std::string(kAuditColumns) + " FROM audit_log" + conditions.sql()
        + " ORDER BY id DESC LIMIT ? OFFSET ?");
    const int next = conditions.bind(query);
    query.bind(next, page.limit).bind(next + 1, page.offset);
    result.items = readAll<AuditEntry>(query, readAuditEntry);
    return result;
}

void GovernanceStore::recordChange(const Change& change, const std::string& action, const std::string& entityType,
    const std::string& entityId, const Json& before, const Json& after)
{
    appendAudit(change, action, entityType, entityId, before, after);
    m_db.exec("UPDATE meta SET value = value + 1 WHERE name = 'governance_generation'");
}

int64_t GovernanceStore::generation()
{
    auto query = m_db.prepare("SELECT value FROM meta WHERE name = 'governance_generation'");
    return query.step() ? query.columnInt(0) : 0;
}

} // namespace gatehouse
