// Every store of one database connection and the admin operations over them: what AdminService
// answers from, and the scratch copy a configuration's validation applies a tree to (ConfigOperations).
#pragma once

#include "admin/AdminOperations.h"
#include "admin/CallOperations.h"
#include "admin/ConfigOperations.h"
#include "admin/PromptOperations.h"
#include "configcode/ConfigExport.h"
#include "gateway/ProviderCatalog.h"
#include "store/AdminTokenStore.h"
#include "store/CallAnalytics.h"
#include "store/CallHistory.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"
#include "store/PolicyStore.h"
#include "store/PriceStore.h"
#include "store/PromptStats.h"
#include "store/PromptStore.h"
#include "store/ProviderStore.h"

#include <string>

namespace gatehouse {

struct GatewayConfig;

struct AdminStores {
    // Opens (creating and migrating) the database at `databasePath`. `configFile` (may be null; must
    // outlive the stores) is the gateway's config file, whose entries are read-only here.
    AdminStores(const std::string& databasePath, const GatewayConfig* configFile);

    ConfigStores configStores() { return {governance, keys, providers, policy, prices, prompts}; }

    Database database;
    GovernanceStore governance;
    AdminTokenStore tokens;
    KeyStore keys;
    ProviderStore providers;
    ProviderCatalog catalog;
    PolicyStore policy;
    PriceStore prices;
    CallHistory callHistory;
    CallAnalytics callAnalytics;
    CallOperations callOperations;
    PromptStore prompts;
    PromptStats promptStats;
    PromptOperations promptOperations;
    AdminOperations operations;
    ConfigOperations configOperations;
};

} // namespace gatehouse
