#include "governance/AccessControl.h"

#include <array>
#include <ctime>

namespace gatehouse {
namespace {

template<typename Enum, std::size_t N>
std::optional<Enum> parseName(std::string_view name, const std::array<std::string_view, N>& names)
{
    for (std::size_t index = 0; index < N; ++index) {
        if (names[index] == name)
            return static_cast<Enum>(index);
    }
    return std::nullopt;
}

constexpr std::array<std::string_view, 3> kModeNames{"open", "approval", "private"};
constexpr std::array<std::string_view, 5> kStateNames{"pending", "approved", "rejected", "revoked", "cancelled"};
constexpr std::array<std::string_view, 4> kActionNames{"approve", "reject", "revoke", "cancel"};

// What to do instead, for each illegal (state, action).
std::string_view illegalTransitionHint(AccessState from, AccessAction action)
{
    switch (from) {
    case AccessState::Pending:
        return "only an approved request can be revoked; reject or cancel it instead";
    case AccessState::Approved:
        switch (action) {
        case AccessAction::Approve:
            return "it is already approved";
        case AccessAction::Reject:
        case AccessAction::Cancel:
            return "revoke it instead";
        case AccessAction::Revoke:
            break;
        }
        break;
    case AccessState::Rejected:
    case AccessState::Revoked:
    case AccessState::Cancelled:
        return "ask the consumer to file a new request"; // final states: history never changes
    }
    return "";
}

std::string inQuotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

std::string requestCommand(std::string_view consumer, std::string_view model)
{
    return "`gatehouse access request --consumer " + std::string(consumer) + " --model " + std::string(model)
        + " --reason \"...\"`";
}

std::string onDate(std::optional<int64_t> sinceMs)
{
    return sinceMs ? " on " + formatUtcTimestamp(*sinceMs) : std::string();
}

std::string noteSentence(std::string_view note)
{
    return note.empty() ? std::string() : " Note from the approver: \"" + std::string(note) + "\".";
}

} // namespace

std::string_view accessModeName(AccessMode mode)
{
    return kModeNames[static_cast<std::size_t>(mode)];
}

std::optional<AccessMode> parseAccessMode(std::string_view name)
{
    return parseName<AccessMode>(name, kModeNames);
}

std::string_view accessStateName(AccessState state)
{
    return kStateNames[static_cast<std::size_t>(state)];
}

std::optional<AccessState> parseAccessState(std::string_view name)
{
    return parseName<AccessState>(name, kStateNames);
}

std::string_view accessActionName(AccessAction action)
{
    return kActionNames[static_cast<std::size_t>(action)];
}

std::optional<AccessAction> parseAccessAction(std::string_view name)
{
    return parseName<AccessAction>(name, kActionNames);
}

std::variant<AccessState, TransitionError> applyAction(AccessState from, AccessAction action)
{
    if (from == AccessState::Pending) {
        switch (action) {
        case AccessAction::Approve:
            return AccessState::Approved;
        case AccessAction::Reject:
            return AccessState::Rejected;
        case AccessAction::Cancel:
            return AccessState::Cancelled;
        case AccessAction::Revoke:
            break;
        }
    }
    if (from == AccessState::Approved && action == AccessAction::Revoke)
        return AccessState::Revoked;
    return TransitionError{from, action,
        "cannot " + std::string(accessActionName(action)) + " a request that is " + std::string(accessStateName(from))
            + "; " + std::string(illegalTransitionHint(from, action))};
}

AccessDecision decideAccess(AccessMode mode, std::optional<AccessState> latestRequestState, bool explicitGrant)
{
    if (mode == AccessMode::Open)
        return {true, AccessDenial::None};
    const bool approved = latestRequestState == AccessState::Approved;
    if (mode == AccessMode::Private)
        return approved && explicitGrant ? AccessDecision{true, AccessDenial::None}
                                         : AccessDecision{false, AccessDenial::Private};
    if (!latestRequestState)
        return {false, AccessDenial::NoRequest};
    switch (*latestRequestState) {
    case AccessState::Approved:
        return {true, AccessDenial::None};
    case AccessState::Pending:
        return {false, AccessDenial::Pending};
    case AccessState::Rejected:
        return {false, AccessDenial::Rejected};
    case AccessState::Revoked:
        return {false, AccessDenial::Revoked};
    case AccessState::Cancelled:
        return {false, AccessDenial::Cancelled};
    }
    return {false, AccessDenial::NoRequest};
}

std::string accessDeniedMessage(AccessDenial denial, std::string_view consumer, std::string_view model,
    std::string_view note, std::optional<int64_t> sinceMs)
{
    const std::string who = "Consumer " + inQuotes(consumer);
    const std::string what = "model " + inQuotes(model);
    switch (denial) {
    case AccessDenial::None:
        return {};
    case AccessDenial::NoRequest:
        return who + " has no access to " + what + ". Request access with " + requestCommand(consumer, model)
            + " or in the console.";
    case AccessDenial::Pending:
        return who + " has no access to " + what + " yet: its access request is pending approval"
            + (sinceMs ? " since " + formatUtcTimestamp(*sinceMs) : std::string()) + ". Ask an admin to approve it.";
    case AccessDenial::Rejected:
        return who + " has no access to " + what + ": its access request was rejected" + onDate(sinceMs) + "."
            + noteSentence(note) + " File a new request with " + requestCommand(consumer, model)
            + " if the situation has changed.";
    case AccessDenial::Revoked:
        return who + " no longer has access to " + what + ": its access was revoked" + onDate(sinceMs) + "."
            + noteSentence(note) + " File a new request with " + requestCommand(consumer, model) + " to ask again.";
    case AccessDenial::Cancelled:
        return who + " has no access to " + what + ": its access request was cancelled" + onDate(sinceMs)
            + ". Request access again with " + requestCommand(consumer, model) + " or in the console.";
    case AccessDenial::Private:
        return "The " + what + " is private; an admin must grant access to consumer " + inQuotes(consumer) + ".";
    }
    return {};
}

ApiError accessDeniedError(AccessDenial denial, std::string_view consumer, std::string_view model,
    std::string_view note, std::optional<int64_t> sinceMs)
{
    static constexpr std::array<std::string_view, 7> codes{"", "access_not_requested", "access_pending",
        "access_rejected", "access_revoked", "access_cancelled", "model_private"};
    return {403, accessDeniedMessage(denial, consumer, model, note, sinceMs), "permission_denied", "model",
        std::string(codes[static_cast<std::size_t>(denial)])};
}

std::string formatUtcTimestamp(int64_t epochMs)
{
    // Floor division keeps times before 1970 on the right second.
    const std::time_t seconds = static_cast<std::time_t>(epochMs >= 0 ? epochMs / 1000 : (epochMs - 999) / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    const auto length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(buffer, length);
}

} // namespace gatehouse
