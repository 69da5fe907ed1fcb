#include "store/PromptStore.h"

#include "store/PolicyStore.h"

#include <algorithm>

namespace gatehouse {
namespace {

[[noreturn]] void notFound(const std::string& what)
{
    throw GovernanceError(GovernanceErrorKind::NotFound, what + " does not exist");
}

void checkName(const std::string& field, const std::string& name)
{
    if (const auto problem = promptNameProblem(name))
        throw PromptDefinitionError(field, "invalid_value", field + ": " + *problem);
}

// What a version's row keeps: the definition without its number, time and author (columns).
std::string definitionText(const PromptVersion& version)
{
    auto json = toJson(version);
    for (const auto* column : {"version", "created_at_ms", "created_by"})
        json.erase(column);
    return json.dump();
}

PromptVersion versionFrom(const std::string& prompt, const Statement& row)
{
    try {
        auto version = readPromptVersion(Json::parse(row.columnText(1)));
        version.version = row.columnInt(0);
        version.createdAtMs = row.columnInt(2);
        version.createdBy = row.columnText(3);
        return version;
    } catch (const std::exception& error) {
        throw StoreError("prompt '" + prompt + "' version " + std::to_string(row.columnInt(0)) + " cannot be read: " + error.what());
    }
}

std::vector<PromptSplit> splitFrom(const std::string& prompt, const std::string& label, const std::string& text)
{
    try {
        std::vector<PromptSplit> split;
        for (const auto& entry : Json::parse(text))
            split.push_back({entry.at("version").get<int64_t>(), entry.at("weight").get<int64_t>()});
        return split;
    } catch (const Json::exception& error) {
        throw StoreError("prompt '" + prompt + "' label '" + label + "' cannot be read: " + error.what());
    }
}

std::string splitText(const std::vector<PromptSplit>& split)
{
    Json json = Json::array();
    for (const auto& entry : split)
        json.push_back(toJson(entry));
    return json.dump();
}

} // namespace

PromptStore::PromptStore(Database& db, Clock clock)
    : m_db(db)
    , m_clock(clock ? std::move(clock) : Clock(systemNowMs))
{
}

int64_t PromptStore::now() const
{
    return m_clock();
}

void PromptStore::changed()
{
    m_db.exec("UPDATE meta SET value = value + 1 WHERE name = 'prompts_generation'");
}

int64_t PromptStore::generation()
{
    auto query = m_db.prepare("SELECT value FROM meta WHERE name = 'prompts_generation'");
    return query.step() ? query.columnInt(0) : 0;
}

std::vector<Prompt> PromptStore::list(const std::function<void(const std::string&)>& unreadable)
{
    std::vector<Prompt> prompts;
    std::vector<int64_t> ids;
    {
        auto query = m_db.prepare("SELECT id, name, description, created_at_ms FROM prompts ORDER BY name");
        while (query.step()) {
            ids.push_back(query.columnInt(0));
            prompts.push_back({query.columnText(1), query.columnText(2), {}, {}, query.columnInt(3)});
        }
    }
    auto versions = m_db.prepare("SELECT version, definition, created_at_ms, created_by FROM prompt_versions WHERE prompt_id = ? ORDER BY version");
    auto labels = m_db.prepare("SELECT label, split, updated_at_ms FROM prompt_labels WHERE prompt_id = ? ORDER BY label");
    std::vector<Prompt> read;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        try {
            versions.reset();
            versions.bind(1, ids[i]);
            while (versions.step())
                prompts[i].versions.push_back(versionFrom(prompts[i].name, versions));
            labels.reset();
            labels.bind(1, ids[i]);
            while (labels.step())
                prompts[i].labels.push_back({labels.columnText(0), splitFrom(prompts[i].name, labels.columnText(0), labels.columnText(1)),
                    labels.columnInt(2)});
            read.push_back(std::move(prompts[i]));
        } catch (const StoreError& error) {
            if (!unreadable)
                throw;
            unreadable(error.what());
        }
    }
    return read;
}

std::optional<Prompt> PromptStore::find(const std::string& name)
{
    // A handful of prompts: reading them all keeps one reader for both.
    for (auto& prompt : list()) {
        if (prompt.name == name)
            return std::move(prompt);
    }
    return std::nullopt;
}

Prompt PromptStore::existing(const std::string& name)
{
    auto prompt = find(name);
    if (!prompt)
        notFound("prompt '" + name + "'");
    return std::move(*prompt);
}

Prompt PromptStore::createPrompt(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& description)
{
    requireActor(change);
    checkName("name", name);
    Prompt created{name, description, {}, {}, now()};
    inTransaction(m_db, [&] {
        if (find(name))
            throw GovernanceError(GovernanceErrorKind::Conflict, "prompt '" + name + "' already exists", "name");
        auto insert = m_db.prepare("INSERT INTO prompts(name, description, created_at_ms) VALUES(?, ?, ?)");
        insert.bind(1, name).bind(2, description).bind(3, created.createdAtMs).step();
        changed();
        audit.appendAudit(change, "prompt.create", "prompt", name, nullptr, summaryJson(created));
    });
    return created;
}

Prompt PromptStore::describePrompt(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& description)
{
    requireActor(change);
    Prompt after;
    inTransaction(m_db, [&] {
        const auto before = existing(name);
        auto update = m_db.prepare("UPDATE prompts SET description = ? WHERE name = ?");
        update.bind(1, description).bind(2, name).step();
        after = before;
        after.description = description;
        changed();
        audit.appendAudit(change, "prompt.update", "prompt", name, summaryJson(before), summaryJson(after));
    });
    return after;
}

Prompt PromptStore::deletePrompt(GovernanceStore& audit, const Change& change, const std::string& name)
{
    requireActor(change);
    Prompt deleted;
    inTransaction(m_db, [&] {
        deleted = existing(name);
        // Its versions and labels go with it (ON DELETE CASCADE); the audit entry keeps the summary.
        auto remove = m_db.prepare("DELETE FROM prompts WHERE name = ?");
        remove.bind(1, name).step();
        changed();
        audit.appendAudit(change, "prompt.delete", "prompt", name, summaryJson(deleted), nullptr);
    });
    return deleted;
}

PromptVersion PromptStore::addVersion(GovernanceStore& audit, const Change& change, const std::string& name, PromptVersion version)
{
    requireActor(change);
    inTransaction(m_db, [&] {
        const auto prompt = existing(name);
        version.version = prompt.versions.empty() ? 1 : prompt.versions.back().version + 1;
        version.createdAtMs = now();
        version.createdBy = change.actor;
        auto insert = m_db.prepare("INSERT INTO prompt_versions(prompt_id, version, definition, created_at_ms, created_by) "
                                   "SELECT id, ?, ?, ?, ? FROM prompts WHERE name = ?");
        insert.bind(1, version.version).bind(2, definitionText(version)).bind(3, version.createdAtMs).bind(4, version.createdBy).bind(5, name);
        insert.step();
        changed();
        audit.appendAudit(change, "prompt.version.create", "prompt", name + "/v" + std::to_string(version.version), nullptr, toJson(version));
    });
    return version;
}

PromptLabel PromptStore::setLabel(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& label, const Json& split)
{
    requireActor(change);
    checkName("label", label);
    PromptLabel stored;
    inTransaction(m_db, [&] {
        const auto prompt = existing(name);
        stored = {label, readPromptSplit(split, prompt), now()};
        const auto* before = prompt.label(label);
        auto upsert = m_db.prepare("INSERT INTO prompt_labels(prompt_id, label, split, updated_at_ms) SELECT id, ?, ?, ? FROM prompts WHERE name = ? "
                                   "ON CONFLICT(prompt_id, label) DO UPDATE SET split = excluded.split, updated_at_ms = excluded.updated_at_ms");
        upsert.bind(1, label).bind(2, splitText(stored.split)).bind(3, stored.updatedAtMs).bind(4, name).step();
        changed();
        audit.appendAudit(change, before ? "prompt.label.move" : "prompt.label.create", "prompt", name + "@" + label,
            before ? toJson(*before) : Json(nullptr), toJson(stored));
    });
    return stored;
}

PromptLabel PromptStore::deleteLabel(GovernanceStore& audit, const Change& change, const std::string& name, const std::string& label)
{
    requireActor(change);
    PromptLabel deleted;
    inTransaction(m_db, [&] {
        const auto prompt = existing(name);
        const auto* found = prompt.label(label);
        if (!found)
            notFound("label '" + label + "' of prompt '" + name + "'");
        deleted = *found;
        auto remove = m_db.prepare("DELETE FROM prompt_labels WHERE label = ? AND prompt_id = (SELECT id FROM prompts WHERE name = ?)");
        remove.bind(1, label).bind(2, name).step();
        changed();
        audit.appendAudit(change, "prompt.label.delete", "prompt", name + "@" + label, toJson(deleted), nullptr);
    });
    return deleted;
}

} // namespace gatehouse
