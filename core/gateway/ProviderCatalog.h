// The providers and models the gateway serves: the config file's (read-only here) and the store's
// (added and edited through the admin API). Merges both into the configuration a snapshot is
// built from, and validates every change with the config loader's own rules before the store
// commits it (docs/providers.md, "Providers and models at run time").
#pragma once

#include "config/ConfigLoader.h"
#include "config/GatewayConfig.h"
#include "json/Json.h"
#include "store/GovernanceStore.h"
#include "store/ProviderStore.h"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

// The effective configuration: the file's entries, then the store's.
struct MergedConfig {
    // What a snapshot serves. Store providers have their credential resolved here (an env
    // reference to an unset variable leaves the provider `unavailable`, its calls failing clearly).
    GatewayConfig config;

    // Store entries that are not served, and why ("the config file defines a provider of that name").
    struct LeftOut {
        std::string name;
        std::string reason;
    };
    std::vector<LeftOut> leftOutProviders;
    std::vector<LeftOut> leftOutModels;
};

// Never throws for what is in the store: an entry the rules refuse now (a CA file gone, a provider
// removed from the file) is left out or marked unavailable, with the reason, and the rest is served.
MergedConfig mergeConfig(const GatewayConfig& file, const StoredCatalog& stored, const EnvironmentLookup& environment);

// "the config file gatehouse.yaml": how messages name where a read-only entry is defined.
std::string configFileLabel(const GatewayConfig& file);

// The admin API's view and changes. Answers are JSON items, never with a secret:
//   provider: {name, kind, source: "config"|"store", <its effective settings>, credential, models,
//              served, problem, created_at_ms, updated_at_ms}
//   model:    {model, mode, auto_approve, served, source: "config"|"store"|null, deployments,
//              <traffic policy: every key of config/ModelJson.h, unset ones at their default or null>,
//              problem, created_at_ms, updated_at_ms} — a model that only has an access setting is
//              listed too (source null, no deployments)
// A change's audit entry holds the item before and after it. Input errors throw SettingsError (400
// naming the field; UnknownReference → 404); refusals GovernanceError: NotFound, Conflict for a name
// the config file defines or a provider in use.
class ProviderCatalog {
public:
    // `store` and `audit` must share one connection. `file` (must outlive the catalog) is the
    // gateway's config file; null when it is not known (a command on a bare data directory): then
    // only the store's entries are listed, names are checked against the store alone and `served`
    // is null.
    ProviderCatalog(const GatewayConfig* file, ProviderStore& store, GovernanceStore& audit,
        EnvironmentLookup environment = processEnvironment());

    std::vector<Json> providers(); // the file's in file order, then the store's by name
    Json provider(const std::string& name);
    std::vector<Json> models(); // the file's, the store's, then those with only an access setting
    Json model(const std::string& name);

    // `body`: {name, kind, <settings>, credential?} with credential one of {"source":"none"},
    // {"source":"env","name":"VAR"}, {"source":"stored","secret":"..."}.
    Json createProvider(const Change& change, const Json& body);
    // `patch`: any of kind, <settings>, credential; a null setting returns to its default.
    // {"source":"stored"} without a secret keeps the stored one.
    Json updateProvider(const Change& change, const std::string& name, const Json& patch);
    Json deleteProvider(const Change& change, const std::string& name);

    // `body`: {model, deployments: [{provider, model, weight?, priority?, price?}], <traffic policy
    // keys>?} (docs/config.md); a deployment may use any provider, the file's or the store's, and a
    // fallback any model (one that does not exist is a 400 naming the field, e.g. fallbacks[0]).
    Json createModel(const Change& change, const Json& body);
    // `patch`: any of deployments (replaces them all) and the traffic policy keys, each replacing
    // the stored one; null returns a key to its default. The result is checked as a whole.
    Json updateModel(const Change& change, const std::string& name, const Json& patch);
    Json deleteModel(const Change& change, const std::string& name);

private:
    struct View;
    View view();
    Json storeProviderItem(const std::string& name);
    Json storeModelItem(const std::string& name);
    [[noreturn]] void refuseFileProvider(const std::string& name, const std::string& action) const;
    [[noreturn]] void refuseFileModel(const std::string& name, const std::string& action) const;
    bool providerExists(const std::string& name);
    // A model entry of the admin API, checked with the config loader's rules and its references.
    ModelConfig readModel(const Json& document);

    const GatewayConfig* m_knownFile;
    GatewayConfig m_unknownFile; // empty: stands in when the file is not known
    const GatewayConfig& m_file;
    ProviderStore& m_store;
    GovernanceStore& m_audit;
    EnvironmentLookup m_environment;
};

} // namespace gatehouse
