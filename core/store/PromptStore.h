// Managed prompts (docs/prompts.md), kept in the database: prompts, their immutable versions and
// their labels. Every change is one transaction with its audit entry (entity type "prompt") and
// bumps meta.prompts_generation, so a gateway on the same data directory serves it within a second.
#pragma once

#include "prompts/PromptVersion.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

class PromptStore {
public:
    using Clock = std::function<int64_t()>; // epoch milliseconds
    explicit PromptStore(Database& db, Clock clock = {});

    // Every prompt with its versions and labels, by name: what a snapshot serves. A prompt whose
    // rows cannot be read (written by a newer gatehouse, say) is a StoreError naming it; with
    // `unreadable`, it is reported there and left out instead, so the rest are still served.
    std::vector<Prompt> list(const std::function<void(const std::string& problem)>& unreadable = {});
    std::optional<Prompt> find(const std::string& name);

    // Changes. Refusals: PromptDefinitionError for a bad name, version or split (naming the field);
    // GovernanceError NotFound for a prompt, version or label that does not exist, Conflict for a
    // name taken.
    Prompt createPrompt(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& description);
    Prompt describePrompt(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& description);
    Prompt deletePrompt(GovernanceStore& audit, const Change& change, const std::string& name);
    // Numbered one above the latest; `version.version` is ignored.
    PromptVersion addVersion(GovernanceStore& audit, const Change& change, const std::string& name, PromptVersion version);
    PromptLabel setLabel(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& label, const Json& split);
    PromptLabel deleteLabel(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& label);

    int64_t generation();

private:
    Prompt existing(const std::string& name);
    int64_t now() const;
    void changed();

    Database& m_db;
    Clock m_clock;
};

} // namespace gatehouse
