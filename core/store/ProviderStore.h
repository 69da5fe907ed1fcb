// Providers and models added through the admin API, and the providers' stored secrets. A secret
// goes in through create/update and comes out only through catalog(), for building a snapshot:
// never in a list, an answer, an audit entry, an error or a log. Every change writes one audit
// entry in its transaction and bumps meta.providers_generation, so a gateway on the same data
// directory picks it up.
#pragma once

#include "config/GatewayConfig.h"
#include "config/ModelJson.h"
#include "json/Json.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

enum class CredentialSource { None, Env, Stored };
std::string_view credentialSourceName(CredentialSource source); // "none", "env", "stored"
std::optional<CredentialSource> parseCredentialSource(std::string_view name);

// What may be shown about a provider's credential: where it comes from, never the secret.
struct CredentialInfo {
    CredentialSource source = CredentialSource::None;
    std::string envName; // Env: the variable's name
};
// {"source":"none"}, {"source":"env","name":"OPENAI_API_KEY"} or {"source":"stored","set":true}.
Json toJson(const CredentialInfo& credential);

// A credential as given to create or update a provider: the secret travels only from here into
// the store.
struct CredentialInput {
    CredentialSource source = CredentialSource::None;
    std::string envName; // Env
    std::string secret;  // Stored; empty on an update = keep the secret already stored
};

struct StoredProvider {
    std::string name;
    std::string kind;               // as in the config file: "openai", "anthropic", ...
    Json settings = Json::object(); // its other settings as the admin gave them: {"base_url": ...}
    CredentialInfo credential;
    int64_t createdAtMs = 0;
    int64_t updatedAtMs = 0;
};
// The entry as the admin API takes it and the audit log records it: name, kind, the settings and
// the credential's metadata.
Json toJson(const StoredProvider& provider);

struct StoredModel {
    // Its name, deployments (in order; a provider may be the config file's, named, not referenced)
    // and traffic policy, read back with the rules that admitted it (readModelEntry). definedIn: Store.
    ModelConfig model;
    int64_t createdAtMs = 0;
    int64_t updatedAtMs = 0;
    // Why the stored entry does not pass those rules any more ("" = it does); then `model` holds
    // only its name and deployments (without prices), and it is not served.
    std::string problem;
};
// {"name", "deployments", <the traffic policy keys that are set>}: the entry as stored
// (config/ModelJson.h writes it).
Json toJson(const StoredModel& model);

// Everything in the store with the secrets, for building a snapshot and nothing else.
struct StoredCatalog {
    std::vector<StoredProvider> providers; // by name
    std::vector<StoredModel> models;       // by name
    std::map<std::string, std::string> secrets; // provider name → stored secret
};

// How an entity appears in the audit log: its JSON as of now, read on the store's connection inside
// the change's transaction (before and after the write). Empty: toJson of the stored entity.
using AuditView = std::function<Json(const std::string& name)>;

class ProviderStore {
public:
    using Clock = std::function<int64_t()>; // epoch milliseconds
    // Also makes the database files readable by their owner only: they hold secrets now.
    explicit ProviderStore(Database& db, Clock clock = {});

    std::vector<StoredProvider> listProviders(); // by name
    std::optional<StoredProvider> findProvider(const std::string& name);
    std::vector<StoredModel> listModels(); // by name
    std::optional<StoredModel> findModel(const std::string& name);
    // The stored models with a deployment on `provider`, by name.
    std::vector<std::string> modelsUsing(const std::string& provider);

    // Changes, each in one transaction with one audit entry appended through `audit` (which must
    // use the same connection), its before/after as `view` shows the entity. A change of the stored
    // secret adds "credential_change": "set" | "replaced" | "removed" to the entry's after — never
    // the secret. The settings are validated by the caller with the config loader's rules
    // (ProviderCatalog); the store checks what it alone knows: unique names, a secret or a variable
    // name where the credential needs one, models still using a provider. Refusals are
    // GovernanceErrors (Invalid with the field, NotFound, Conflict) and change nothing.
    StoredProvider createProvider(GovernanceStore& audit, const Change& change, const StoredProvider& provider,
        const CredentialInput& credential, const AuditView& view = {});
    // Replaces the kind and the settings; the credential only when one is given.
    StoredProvider updateProvider(GovernanceStore& audit, const Change& change, const std::string& name,
        const std::string& kind, const Json& settings, const std::optional<CredentialInput>& credential,
        const AuditView& view = {});
    // Refused (Conflict) while a stored model deploys on it, unless `nameStaysDefined` (the config
    // file defines a provider of that name, which those models then keep using). Its secret goes with it.
    StoredProvider deleteProvider(GovernanceStore& audit, const Change& change, const std::string& name,
        bool nameStaysDefined = false, const AuditView& view = {});

    // A model is checked with readModelEntry's rules (Invalid naming the field), but not whether its
    // providers and fallback models exist: the caller knows the config file's (ProviderCatalog).
    StoredModel createModel(GovernanceStore& audit, const Change& change, const ModelConfig& model, const AuditView& view = {});
    // Replaces the deployments and the traffic policy with `model`'s (its name is `name`).
    StoredModel updateModel(GovernanceStore& audit, const Change& change, const std::string& name, const ModelConfig& model,
        const AuditView& view = {});
    StoredModel deleteModel(GovernanceStore& audit, const Change& change, const std::string& name, const AuditView& view = {});

    StoredCatalog catalog();

    // Grows with every change, from any process: a running gateway polls it.
    int64_t generation();

private:
    int64_t now() const { return m_clock(); }
    std::optional<int64_t> providerId(const std::string& name);
    void writeCredential(int64_t providerId, const CredentialInput& credential);
    std::vector<StoredModel> readModels(const std::optional<std::string>& name); // all by name, or the one
    void writeModel(int64_t modelId, const ModelConfig& model);
    void bumpGeneration();

    Database& m_db;
    Clock m_clock;
};

} // namespace gatehouse
