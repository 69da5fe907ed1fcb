// The store's configuration as a ConfigTree (issue 8, docs/config-as-code.md): what an admin
// manages at run time through the admin API, the CLI and the console. The config file's own
// entries are not exported (they live in that file, which is code already), nor the gateway's
// run-time state (calls, rollups, audit log, pending access requests, admin tokens): the
// ConfigAsCodeTest walks the schema so that a table added later is either exported or named here
// with the reason.
//
// Deterministic: entities by kind and name, members in a fixed order, free-form settings and maps
// sorted by key, lists in a stable order, timestamps of when things were written left out; an
// unchanged store exports byte-identical files. Never a secret: a provider's credential is its
// environment variable's name or "stored" (the secret stays in the gateway), a key is its SHA-256
// and visible prefix (or left out).
#pragma once

#include "configcode/ConfigTree.h"

#include <optional>

namespace gatehouse {

class GovernanceStore;
class KeyStore;
class ProviderStore;
class PolicyStore;
class PriceStore;
class PromptStore;

// The stores of one database connection.
struct ConfigStores {
    GovernanceStore& governance;
    KeyStore& keys;
    ProviderStore& providers;
    PolicyStore& policy;
    PriceStore& prices;
    PromptStore& prompts;
};

struct ConfigExportOptions {
    bool includeKeys = true;
    std::optional<ConfigKind> only; // one kind's entities alone (what an apply re-reads after a change)
};

ConfigTree exportConfig(ConfigStores& stores, const ConfigExportOptions& options = {});

struct ModelConfig;
struct ScopedLimits;
struct BudgetDefinition;
struct PriceEntry;
struct PromptVersion;
// Entities (and parts) as their files hold them: what the export writes and what an apply turns a
// file's body into, through the gateway's own readers, to tell whether it changes anything.
Json exportedModel(const ModelConfig& model);
Json exportedLimit(const ScopedLimits& limit);
Json exportedBudget(const BudgetDefinition& budget);
Json exportedPriceEntry(const PriceEntry& entry); // one of a price file's entries: effective_date first

// A prompt version as its prompt's file holds it: every member the version reader fills, without
// who wrote it when. An apply compares a file's version through the reader and this with the
// stored one, so a file that leaves defaults out still matches.
Json exportedPromptVersion(const PromptVersion& version);

// The tables the export covers, and those it leaves out with the reason: what the schema walk
// checks every table of the store against.
struct ConfigTableCoverage {
    std::string table;
    bool exported = false;
    std::string why; // for a table left out
};
std::span<const ConfigTableCoverage> configTableCoverage();

} // namespace gatehouse
