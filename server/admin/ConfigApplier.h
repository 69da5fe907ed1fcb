// Makes the store match a configuration tree (issue 8, docs/config-as-code.md): the changes
// `gatehouse config plan|apply` and POST /admin/v1/config/{validate,plan,apply} report and make.
//
// Every change is an admin API operation (AdminOperations), so an apply checks exactly what the
// admin API checks, writes the same audit entries, and answers with the same messages, placed at
// the file, line and column of the member they are about. All changes run in one transaction: an
// apply with any problem changes nothing; a plan is an apply rolled back. The plan itself is the
// difference between the export before and after, so it shows what really changes (a file that
// spells out a default shows no change) and what follows from it (a consumer deleted loses its grants).
#pragma once

#include "configcode/ConfigExport.h"

#include <string>
#include <vector>

namespace gatehouse {

class AdminOperations;
class Database;

struct ConfigChange {
    std::string action; // "create", "update", "delete" ("revoke" for a key)
    ConfigKind kind = ConfigKind::Tenant;
    std::string name;
    std::string file;
    std::vector<std::string> members; // update: the top-level members that change
};

struct ConfigPlan {
    std::vector<ConfigChange> changes;
    std::vector<ConfigProblem> problems;
    bool applied = false;
    // The SHA-256 of the gateway's export before the run: an apply given it refuses to run on a
    // gateway changed since (a key created, a grant approved), which its plan did not show.
    std::string base;
    bool stale = false; // refused: the gateway is no longer at the expected base
};
// {applied, base, changes: [{action, kind, name, file, members}], problems: [{file, line, column,
//  message}], summary: {create, update, delete}}; action "import" for a key created from its hash.
Json toJson(const ConfigPlan& plan);

struct ConfigRunOptions {
    bool prune = false; // entities the tree does not have are deleted (keys revoked); else kept
    // Key files the gateway does not have are imported by their hash. Off, each is a problem:
    // whoever writes a key file chooses that key's secret.
    bool importKeys = false;
    std::string expectedBase; // a plan's base: refuse unless the gateway is still as planned ("": any)
};

enum class ConfigRun {
    Validate, // as Plan, on an empty scratch store: a provider's stored secret is taken as given
    Plan,     // every change made, then rolled back
    Apply     // committed when there is no problem
};

class ConfigApplier {
public:
    // `stores` and `operations` on `database`'s connection; `actor` makes the changes (audit log).
    ConfigApplier(Database& database, ConfigStores stores, AdminOperations& operations, std::string actor, std::string reason);

    ConfigPlan run(const ConfigTree& desired, const ConfigRunOptions& options, ConfigRun mode);

private:
    class Run;
    Database& m_database;
    ConfigStores m_stores;
    AdminOperations& m_operations;
    std::string m_actor;
    std::string m_reason;
};

} // namespace gatehouse
