// The admin API's managed prompts (docs/admin-api.md "Prompts"): prompts and their immutable
// versions, the diff of two versions, labels with their weights, the versions compared on their
// calls, and a version's test run through the gateway's data plane.
#pragma once

#include "admin/AdminOperations.h"
#include "calls/CallRecord.h"
#include "store/PromptStats.h"
#include "store/PromptStore.h"

#include <string>

namespace gatehouse {

// A test run, checked and rendered, ready to go through the data plane (AdminService waits for
// it without holding anything).
struct PromptTestRun {
    std::string prompt;
    int64_t version = 0;
    Json rendered;     // the messages the version made of the variables
    Json request;      // the chat completion request they make (not streamed)
    Change change;     // the caller and the optional reason, for the audit entry
    std::string endpoint; // the admin path, as the call record names it
};

class PromptOperations {
public:
    // `audit` must use the same database connection as `prompts` and `stats`.
    PromptOperations(GovernanceStore& audit, PromptStore& prompts, PromptStats& stats);

    // Every prompt operation but TestRunPromptVersion. Throws AdminInputError for bad input (a
    // refused version or split: 400 naming its field, or 404 for a version it names that does not
    // exist), GovernanceError, StoreError.
    AdminResult run(const AdminCall& call);

    // TestRunPromptVersion in two steps: the run checked and rendered (404 for an unknown prompt or
    // version, 400 with the template's code and `variables.<name>` for bad variables), then the
    // call the data plane made of it (`call`, as recorded, and its answer's body) as the answer,
    // audited as prompt.test_run.
    PromptTestRun testRun(const AdminCall& call);
    AdminResult testRunAnswered(const PromptTestRun& run, const CallRecord& call, const std::string& answer);

    // The call record a test run starts from: its endpoint, prompt and version, no label, and the
    // tags gatehouse_test_run and gatehouse_actor.
    static CallRecord testRunRecord(const PromptTestRun& run);

private:
    AdminResult prompts(const AdminCall& call);
    AdminResult versions(const AdminCall& call);
    AdminResult labels(const AdminCall& call);
    AdminResult diff(const AdminCall& call);
    AdminResult stats(const AdminCall& call);
    Prompt existing(const std::string& name);

    GovernanceStore& m_audit;
    PromptStore& m_prompts;
    PromptStats& m_stats;
};

} // namespace gatehouse
