// Who may call which model: access modes, the access-request state machine, and the data-plane
// decision with its 403 messages. Pure: no storage, no clock.
#pragma once

#include "openai/ApiError.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace gatehouse {

// Per model. A model without a configured mode is Open, so gateways keep working unchanged.
enum class AccessMode { Open, Approval, Private };

enum class AccessState { Pending, Approved, Rejected, Revoked, Cancelled };

enum class AccessAction { Approve, Reject, Revoke, Cancel };

// Lower-case wire names ("open", "approval", "private"; "pending", ...; "approve", ...).
std::string_view accessModeName(AccessMode mode);
std::optional<AccessMode> parseAccessMode(std::string_view name);
std::string_view accessStateName(AccessState state);
std::optional<AccessState> parseAccessState(std::string_view name);
std::string_view accessActionName(AccessAction action);
std::optional<AccessAction> parseAccessAction(std::string_view name);

// An illegal transition; the admin API answers it with 409 Conflict and `message`.
struct TransitionError {
    AccessState from;
    AccessAction action;
    std::string message; // "cannot approve a request that is rejected; ask the consumer to file a new request"
};

// pending --approve--> approved, pending --reject--> rejected, pending --cancel--> cancelled,
// approved --revoke--> revoked. Everything else (repeating an action included) is an error.
// Rejected, revoked and cancelled are final: that request never changes again. The consumer may
// then file a new request, which is a new row; the old one stays as history.
std::variant<AccessState, TransitionError> applyAction(AccessState from, AccessAction action);

// Why a call was refused; None when it was allowed.
enum class AccessDenial { None, NoRequest, Pending, Rejected, Revoked, Cancelled, Private };

struct AccessDecision {
    bool allowed = false;
    AccessDenial denial = AccessDenial::None;
};

// The data-plane rule for one consumer and model, given the consumer's latest access request for
// that model (nullopt: never asked) and whether that latest request is an explicit admin grant
// (created by an admin, not filed by the consumer):
//   open     → allowed;
//   approval → allowed iff the latest request is approved (filed and approved, or granted);
//   private  → allowed iff the latest request is an approved grant.
// A denial names the latest state so the consumer sees its true state (rejected stays rejected).
AccessDecision decideAccess(AccessMode mode, std::optional<AccessState> latestRequestState, bool explicitGrant);

// The text of the 403 for a denial: names the consumer, the model, the state and what to do next.
// `note` is the approver's note (shown for rejected and revoked when not empty); `sinceMs` is when
// the latest request was filed (pending) or decided (rejected, revoked, cancelled), shown as UTC.
std::string accessDeniedMessage(AccessDenial denial, std::string_view consumer, std::string_view model,
    std::string_view note = {}, std::optional<int64_t> sinceMs = {});

// The OpenAI-shaped 403: type "permission_denied", param "model", and a code per denial
// ("access_not_requested", "access_pending", "access_rejected", "access_revoked",
// "access_cancelled", "model_private") that clients can branch on.
ApiError accessDeniedError(AccessDenial denial, std::string_view consumer, std::string_view model,
    std::string_view note = {}, std::optional<int64_t> sinceMs = {});

// "2024-05-01T12:00:00Z".
std::string formatUtcTimestamp(int64_t epochMs);

} // namespace gatehouse
