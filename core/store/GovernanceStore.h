// Tenants, consumers, model access modes, access requests and the append-only audit log in the
// store. Every change records exactly one audit entry in the same transaction.
#pragma once

#include "governance/AccessControl.h"
#include "json/Json.h"
#include "store/Database.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse {

// NotFound → 404, Conflict → 409, Invalid → 400 in the admin API.
enum class GovernanceErrorKind { NotFound, Conflict, Invalid };

class GovernanceError : public std::runtime_error {
public:
    GovernanceError(GovernanceErrorKind kind, const std::string& message, std::string field = {})
        : std::runtime_error(message)
        , m_kind(kind)
        , m_field(std::move(field))
    {
    }
    GovernanceErrorKind kind() const { return m_kind; }
    // The offending input field for Invalid ("name", "limit", ...), else "".
    const std::string& field() const { return m_field; }

private:
    GovernanceErrorKind m_kind;
    std::string m_field;
};

// Who makes a change and why. The reason goes to the audit entry; for access requests it is also
// the request's reason (create) or the approver's note (approve, reject, revoke, cancel).
struct Change {
    std::string actor; // required: "admin-token:ops", "cli:alice", ...
    std::string reason;
};

struct PageRequest {
    int64_t limit = 50; // 1..kMaxPageLimit
    int64_t offset = 0;
    static constexpr int64_t kMaxPageLimit = 1000;
};

template<typename T>
struct Page {
    std::vector<T> items;
    int64_t total = 0; // matching rows before paging
};

// Throws GovernanceError (Invalid, naming limit or offset) for a page outside the allowed ranges.
void validatePage(const PageRequest& page);

// One page of a list already in memory (short lists: admin tokens, models).
template<typename T>
Page<T> pageOf(std::vector<T> all, const PageRequest& page)
{
    validatePage(page);
    Page<T> result;
    result.total = static_cast<int64_t>(all.size());
    const auto first = std::min<int64_t>(page.offset, result.total);
    const auto last = std::min<int64_t>(first + page.limit, result.total);
    result.items.assign(std::make_move_iterator(all.begin() + first), std::make_move_iterator(all.begin() + last));
    return result;
}

struct Tenant {
    int64_t id = 0;
    std::string name;
    int64_t createdAtMs = 0;
};

struct Consumer {
    int64_t id = 0;
    int64_t tenantId = 0;
    std::string tenant; // the tenant's name, for display
    std::string name;   // unique within the tenant
    std::string description;
    int64_t createdAtMs = 0;
};

struct ModelAccess {
    std::string model;
    AccessMode mode = AccessMode::Open;
    bool autoApprove = false; // approval mode: requests are approved as they are filed
};

struct AccessRequest {
    int64_t id = 0;
    int64_t consumerId = 0;
    std::string model;
    AccessState state = AccessState::Pending;
    bool grant = false; // created by an admin with grantAccess, not filed by the consumer
    std::string reason;
    // note, decidedBy and decidedAtMs are those of the latest decision (a revoke replaces the
    // approval's); the audit log keeps every decision.
    std::string note;
    std::string requestedBy;
    std::string decidedBy; // "" while pending; "auto-approve" for an auto-approved request
    int64_t createdAtMs = 0;
    std::optional<int64_t> decidedAtMs;
};

struct AuditEntry {
    int64_t id = 0;
    int64_t atMs = 0;
    std::string actor;
    std::string action;     // "tenant.create", "access_request.approve", ...
    std::string entityType; // "tenant", "consumer", "model_access", "access_request"
    std::string entityId;   // the row id, or the model name for model_access
    Json before;            // null for a creation
    Json after;             // null for a deletion
    std::string reason;
};

struct ConsumerFilter {
    std::optional<int64_t> tenantId;
    std::string nameContains; // case-insensitive substring; "" matches all
};

struct AccessRequestFilter {
    std::optional<int64_t> consumerId;
    std::optional<std::string> model;
    std::optional<AccessState> state;
};

struct AuditFilter {
    std::optional<std::string> entityType;
    std::optional<std::string> entityId;
    std::optional<int64_t> fromMs; // inclusive
    std::optional<int64_t> toMs;   // exclusive
};

// The JSON shape of each entity, as the audit log stores it and the admin API returns it.
Json toJson(const Tenant& tenant);
Json toJson(const Consumer& consumer);
Json toJson(const ModelAccess& access);
Json toJson(const AccessRequest& request);
Json toJson(const AuditEntry& entry);

class GovernanceStore {
public:
    using Clock = std::function<int64_t()>; // epoch milliseconds
    // `clock` is injectable so tests control timestamps; it defaults to the system clock.
    explicit GovernanceStore(Database& db, Clock clock = {});

    // Tenants. Names: 1-64 of [A-Za-z0-9._-], starting with a letter or digit; unique.
    Tenant createTenant(const Change& change, const std::string& name);
    Page<Tenant> listTenants(const PageRequest& page = {});
    Tenant tenant(int64_t id);
    std::optional<Tenant> findTenant(const std::string& name);
    // Legacy keys name their tenant: they move with it.
    Tenant renameTenant(const Change& change, int64_t id, const std::string& name);
    // Refused (Conflict) while the tenant has consumers or usable legacy keys. Returns it as it was.
    Tenant deleteTenant(const Change& change, int64_t id);

    // Consumers (applications) of a tenant. Names as for tenants, unique within the tenant.
    Consumer createConsumer(const Change& change, int64_t tenantId, const std::string& name,
        const std::string& description = {});
    Page<Consumer> listConsumers(const ConsumerFilter& filter = {}, const PageRequest& page = {});
    Consumer consumer(int64_t id);
    std::optional<Consumer> findConsumer(const std::string& tenant, const std::string& name);
    Consumer updateConsumerDescription(const Change& change, int64_t id, const std::string& description);
    // Refused (Conflict) while the consumer has usable keys; its access requests go with it (the
    // audit log keeps their history). Returns it as it was.
    Consumer deleteConsumer(const Change& change, int64_t id);

    // Model access. A model without a setting is open with no auto-approve.
    ModelAccess setModelAccess(const Change& change, const std::string& model, AccessMode mode, bool autoApprove);
    ModelAccess modelAccess(const std::string& model);
    std::vector<ModelAccess> listModelAccess(); // the configured models, by name

    // Access requests. Filing is refused (Conflict) for a private model, and while the latest
    // request of the consumer for the model is pending or approved. An auto-approve model in
    // approval or open mode approves it at once (decided by "auto-approve").
    AccessRequest requestAccess(const Change& change, int64_t consumerId, const std::string& model);
    // An admin grant: a request created approved, the only kind that opens a private model.
    // Refused while the latest request is pending (decide it first) or is already an approved grant.
    AccessRequest grantAccess(const Change& change, int64_t consumerId, const std::string& model);
    // Applies `action` through applyAction: an illegal transition is a Conflict with its message.
    AccessRequest decideAccessRequest(const Change& change, int64_t requestId, AccessAction action);
    AccessRequest approveAccessRequest(const Change& change, int64_t id) { return decideAccessRequest(change, id, AccessAction::Approve); }
    AccessRequest rejectAccessRequest(const Change& change, int64_t id) { return decideAccessRequest(change, id, AccessAction::Reject); }
    AccessRequest revokeAccessRequest(const Change& change, int64_t id) { return decideAccessRequest(change, id, AccessAction::Revoke); }
    AccessRequest cancelAccessRequest(const Change& change, int64_t id) { return decideAccessRequest(change, id, AccessAction::Cancel); }
    AccessRequest accessRequest(int64_t id);
    Page<AccessRequest> listAccessRequests(const AccessRequestFilter& filter = {}, const PageRequest& page = {}); // newest first
    // The request that decides access for a consumer and model: the newest one.
    std::optional<AccessRequest> latestAccessRequest(int64_t consumerId, const std::string& model);
    // The newest request of every (consumer, model): what a data-plane snapshot needs.
    std::vector<AccessRequest> latestAccessRequests();

    // The audit log. appendAudit is for other stores' changes (keys, providers): call it inside
    // the transaction that makes the change. Entries are never updated or deleted (the database
    // refuses it).
    AuditEntry appendAudit(const Change& change, const std::string& action, const std::string& entityType,
        const std::string& entityId, const Json& before, const Json& after);
    Page<AuditEntry> queryAudit(const AuditFilter& filter = {}, const PageRequest& page = {}); // newest first

    // Grows with every change made here, from any process: a running gateway can poll it to
    // rebuild its access snapshot after `gatehouse access ...` in another process.
    int64_t generation();

private:
    int64_t now() const { return m_clock(); }
    Tenant requireTenant(int64_t id);
    Consumer requireConsumer(int64_t id);
    AccessRequest requireAccessRequest(int64_t id);
    AccessRequest insertAccessRequest(const Change& change, int64_t consumerId, const std::string& model,
        AccessState state, bool grant, const std::string& decidedBy, const std::string& note);
    void recordChange(const Change& change, const std::string& action, const std::string& entityType,
        const std::string& entityId, const Json& before, const Json& after);

    Database& m_db;
    Clock m_clock;
};

} // namespace gatehouse
