#include "admin/AdminStores.h"

namespace gatehouse {

AdminStores::AdminStores(const std::string& databasePath, const GatewayConfig* configFile)
    : database(databasePath)
    , governance(database)
    , tokens(database)
    , keys(database)
    , providers(database)
    , catalog(configFile, providers, governance)
    , policy(database)
    , prices(database)
    , callHistory(database)
    , callAnalytics(database)
    , callOperations(callHistory, callAnalytics)
    , prompts(database)
    , promptStats(database)
    , promptOperations(governance, prompts, promptStats)
    , operations(governance, keys, tokens, catalog, policy, prices, callOperations, promptOperations, configFile)
    , configOperations(database, configStores(), operations, configFile)
{
}

} // namespace gatehouse
