// The admin API's configuration-as-code operations (docs/config-as-code.md): GET
// /admin/v1/config/export, and POST /admin/v1/config/{validate,plan,apply} of a tree sent as its
// files. Validation applies the tree to an empty scratch store (with the same config file) and
// rolls it back; plan and apply run ConfigApplier on the gateway's own store.
#pragma once

#include "admin/AdminOperations.h"
#include "configcode/ConfigExport.h"

namespace gatehouse {

class Database;
struct GatewayConfig;

class ConfigOperations {
public:
    // `stores` and `operations` on `database`'s connection; `configFile` may be null.
    ConfigOperations(Database& database, ConfigStores stores, AdminOperations& operations, const GatewayConfig* configFile);

    // ExportConfig, ValidateConfig, PlanConfig or ApplyConfig. Throws AdminInputError for a body
    // that is not a tree (400 naming the field); the tree's own problems are in the answer.
    AdminResult run(const AdminCall& call);

private:
    Database& m_database;
    ConfigStores m_stores;
    AdminOperations& m_operations;
    const GatewayConfig* m_configFile;
};

} // namespace gatehouse
