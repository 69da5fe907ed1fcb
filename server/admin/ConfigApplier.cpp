#include "admin/ConfigApplier.h"

#include "admin/AdminInput.h"
#include "admin/AdminOperations.h"
#include "admin/AdminRouter.h"
#include "auth/ApiKey.h"
#include "config/ConfigError.h"
#include "config/JsonSettingsNode.h"
#include "config/PriceSettings.h"
#include "config/ProviderValidation.h"
#include "prompts/PromptVersion.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"
#include "store/KeyStore.h"
#include "text/PercentEncoding.h"

#include <algorithm>
#include <set>

namespace gatehouse {
namespace {

using Op = AdminOperation;
// Order-insensitive JSON, for "does the file say the same as the gateway".
using PlainJson = nlohmann::json;

PlainJson plain(const Json& value)
{
    return PlainJson::parse(value.dump());
}

bool same(const Json& a, const Json& b)
{
    return plain(a) == plain(b);
}

const AdminRoute& routeFor(AdminOperation operation)
{
    for (const auto& route : adminRoutes()) {
        if (route.operation == operation)
            return route;
    }
    throw std::logic_error("no admin route for an operation the configuration apply uses");
}

// A file the apply refuses on its own (not through an admin operation): the member and why.
class ConfigRefusal : public std::runtime_error {
public:
    ConfigRefusal(std::string field, const std::string& message)
        : std::runtime_error(field.empty() ? message : field + ": " + message)
        , m_field(std::move(field))
    {
    }
    struct Composed {};
    // `message` names the field already.
    ConfigRefusal(std::string field, const std::string& message, Composed)
        : std::runtime_error(message)
        , m_field(std::move(field))
    {
    }
    const std::string& field() const { return m_field; }

private:
    std::string m_field;
};

struct Refusal {
    std::string field; // as the admin API names it: "deployments[0].provider"
    std::string message;
};

// The refusal an exception of an admin operation (or of the apply itself) is; nullopt for a failure
// that is not about the files (a store error), which aborts the run.
std::optional<Refusal> refusalOf(const std::exception_ptr& failure)
{
    try {
        std::rethrow_exception(failure);
    } catch (const AdminInputError& error) {
        return Refusal{error.error().param, error.error().message};
    } catch (const GovernanceError& error) {
        const auto api = apiErrorFor(error);
        return Refusal{api.param, api.message};
    } catch (const SettingsError& error) {
        const auto api = apiErrorFor(error);
        return Refusal{api.param, api.message};
    } catch (const ConfigRefusal& error) {
        return Refusal{error.field(), error.what()};
    } catch (const PromptDefinitionError& error) {
        return Refusal{error.field, error.what()}; // the message names the field already
    } catch (...) {
        return std::nullopt;
    }
}

void refuseUnknownMembers(const Json& body, std::initializer_list<std::string_view> allowed, const std::string& what)
{
    for (const auto& [member, ignored] : body.items()) {
        if (std::find(allowed.begin(), allowed.end(), member) == allowed.end()) {
            std::string names;
            for (const auto name : allowed)
                names += (names.empty() ? "" : ", ") + std::string(name);
            throw ConfigRefusal(member, "is not a member of " + what + " (" + names + ")");
        }
    }
}

std::string textMember(const Json& body, const std::string& member)
{
    const auto found = body.find(member);
    if (found == body.end() || found->is_null())
        return {};
    if (!found->is_string())
        throw ConfigRefusal(member, "must be text");
    return found->get<std::string>();
}

Json memberOr(const Json& body, const std::string& member, Json fallback)
{
    const auto found = body.find(member);
    return found == body.end() ? fallback : *found;
}

using EntityKey = std::pair<ConfigKind, std::string>;

std::map<EntityKey, const ConfigEntity*> byKey(const std::vector<ConfigEntity>& entities)
{
    std::map<EntityKey, const ConfigEntity*> index;
    for (const auto& entity : entities)
        index[{entity.kind, entity.name}] = &entity;
    return index;
}

} // namespace

Json toJson(const ConfigPlan& plan)
{
    Json changes = Json::array();
    std::map<std::string, int> counts{{"create", 0}, {"update", 0}, {"delete", 0}};
    for (const auto& change : plan.changes) {
        changes.push_back({{"action", change.action}, {"kind", configKindInfo(change.kind).name}, {"name", change.name},
            {"file", change.file}, {"members", change.members}});
        ++counts[change.action == "revoke" ? "delete" : change.action == "import" ? "create" : change.action];
    }
    Json problems = Json::array();
    for (const auto& problem : plan.problems)
        problems.push_back(toJson(problem));
    return {{"applied", plan.applied}, {"base", plan.base}, {"changes", std::move(changes)}, {"problems", std::move(problems)},
        {"summary", {{"create", counts["create"]}, {"update", counts["update"]}, {"delete", counts["delete"]}}}};
}

// One run: the changes of each entity, made through the admin operations inside one transaction.
class ConfigApplier::Run {
public:
    Run(ConfigApplier& applier, const ConfigTree& desired, ConfigRun mode)
        : m_applier(applier)
        , m_desired(desired)
        , m_mode(mode)
    {
    }

    ConfigPlan execute(const ConfigRunOptions& options)
    {
        ConfigPlan plan;
        auto& database = m_applier.m_database;
        m_exportOptions = {m_desired.keysIncluded};
        m_importKeys = options.importKeys || m_mode == ConfigRun::Validate;
        const bool prune = options.prune;
        database.exec("BEGIN IMMEDIATE");
        try {
            const auto before = exportConfig(m_applier.m_stores, m_exportOptions);
            plan.base = baseOf(before);
            if (!options.expectedBase.empty() && options.expectedBase != plan.base) {
                plan.stale = true;
                plan.problems.push_back({"", 0, 0, "the gateway's configuration changed since the plan that was shown (someone made a change "
                                                   "meanwhile): nothing was applied; plan again and check the new plan"});
                database.exec("ROLLBACK");
                return plan;
            }
            m_current = byKey(before.entities);
            const auto wanted = byKey(m_desired.entities);
            for (const auto& entity : m_desired.entities) {
                const auto current = m_current.find({entity.kind, entity.name});
                guarded(entity, [&] {
                    if (current == m_current.end())
                        create(entity);
                    else if (!same(canonicalBody(entity), current->second->body))
                        updateUnlessSame(entity, *current->second);
                });
            }
            // Models name other models (fallbacks): set once every model of the tree exists.
            for (const auto* entity : m_modelReferences) {
                if (!m_refused.contains(entity)) // its problem is reported once
                    guarded(*entity, [&] { setModelReferences(*entity); });
            }
            if (prune) {
                for (auto entity = before.entities.rbegin(); entity != before.entities.rend(); ++entity) {
                    if (!wanted.contains({entity->kind, entity->name}))
                        guarded(*entity, [&] { remove(*entity); });
                }
            }
            const auto after = exportConfig(m_applier.m_stores, m_exportOptions);
            plan.changes = differences(before, after);
            plan.problems = std::move(m_problems);
            plan.applied = m_mode == ConfigRun::Apply && plan.problems.empty();
            database.exec(plan.applied ? "COMMIT" : "ROLLBACK");
        } catch (...) {
            rollBack("ROLLBACK");
            throw;
        }
        return plan;
    }

private:
    // Undoes what failed, without ever hiding why: after an I/O error SQLite may have rolled the
    // whole transaction back already, and the statement would only fail again.
    void rollBack(const char* statement)
    {
        auto& database = m_applier.m_database;
        if (!database.transactionOpen())
            return;
        try {
            database.exec(statement);
        } catch (const std::exception&) {
        }
    }

    // Runs one entity's change; a refusal becomes a problem placed at the member it is about.
    // The entity's change is a savepoint of its own: a refused one leaves nothing behind (a prompt
    // created whose second version was refused), so the plan and the entities after it see the
    // store without it.
    template<typename Change>
    void guarded(const ConfigEntity& entity, Change&& change)
    {
        auto& database = m_applier.m_database;
        database.exec("SAVEPOINT entity_change");
        try {
            change();
            database.exec("RELEASE entity_change");
        } catch (...) {
            rollBack("ROLLBACK TO entity_change; RELEASE entity_change");
            const auto refusal = refusalOf(std::current_exception());
            if (!refusal)
                throw;
            // The run goes on only inside its transaction: the next changes must not commit alone.
            if (!database.transactionOpen())
                throw StoreError("the configuration's transaction ended early: nothing was applied");
            m_refused.insert(&entity);
            report(entity, refusal->field, refusal->message);
        }
    }

    // Runs the change of one part of an entity (a prompt's version, a price entry): its refusals name
    // the member inside the part, so the part's path goes in front ("versions[2]." + "messages[0].content").
    template<typename Change>
    static void inPart(const std::string& part, Change&& change)
    {
        try {
            change();
        } catch (...) {
            const auto refusal = refusalOf(std::current_exception());
            if (!refusal)
                throw;
            const bool named = !refusal->field.empty() && refusal->message.starts_with(refusal->field);
            throw ConfigRefusal(refusal->field.empty() ? part : part + "." + refusal->field,
                named ? part + "." + refusal->message : part + ": " + refusal->message, ConfigRefusal::Composed{});
        }
    }

    void report(const ConfigEntity& entity, const std::string& field, const std::string& message)
    {
        // An entity without a file is the gateway's, pruned because the tree does not have it.
        const auto text = entity.file.empty() ? std::string("prune: deleting ") + configKindInfo(entity.kind).name + " " + entity.name
                + " (not in the tree): " + message
                                              : message;
        ConfigProblem problem{entity.file.empty() ? configFilePath(entity) : entity.file, 0, 0, text};
        if (!entity.file.empty()) {
            const auto position = entity.positionOf(field);
            problem.line = position.line;
            problem.column = position.column;
        }
        m_problems.push_back(std::move(problem));
    }

    // Runs an admin operation as the applying actor; its answer's JSON.
    Json call(Op operation, PathParameters path, const Json& body, const std::string& query = {})
    {
        auto text = body.is_null() ? std::string() : body.dump();
        const AdminCall adminCall{routeFor(operation), path, query, text, m_applier.m_actor};
        const auto result = m_applier.m_operations.run(adminCall);
        return result.body.empty() ? Json() : Json::parse(result.body);
    }

    // The body's reason member for a change: the apply's reason, so the audit log says why.
    Json withReason(Json body) const
    {
        if (!m_applier.m_reason.empty())
            body["reason"] = m_applier.m_reason;
        return body;
    }

    void create(const ConfigEntity& entity) { change(entity, nullptr); }

    // The file's body as the export would write it, read through the gateway's own readers (defaults
    // filled in, numbers as stored): equal to the gateway's export exactly when applying it changes
    // nothing, so an unchanged tree costs no change at all. A body the readers refuse is left as it
    // is: its change then reports the problem.
    static Json canonicalBody(const ConfigEntity& entity)
    {
        const auto& body = entity.body;
        try {
            switch (entity.kind) {
            case ConfigKind::Model:
                return exportedModel(readModelEntry(JsonSettingsNode(body), [](const std::string&) { return true; }, {"model", {}}));
            case ConfigKind::Limit:
                return exportedLimit(readLimitEntry(JsonSettingsNode(body)));
            case ConfigKind::Budget:
                return exportedBudget(readBudgetEntry(JsonSettingsNode(body)));
            case ConfigKind::Price:
                return canonicalPrices(body);
            case ConfigKind::Prompt: {
                auto canonical = body;
                auto& versions = canonical["versions"];
                for (std::size_t i = 0; i < versions.size(); ++i)
                    versions[i] = readVersion(versions[i], static_cast<int64_t>(i + 1), "versions[" + std::to_string(i) + "]");
                return canonical;
            }
            default:
                return body;
            }
        } catch (const std::exception&) {
            return body;
        }
    }

    static Json canonicalPrices(const Json& body)
    {
        auto canonical = body;
        Json entries = Json::array();
        for (const auto& entry : body.at("entries")) {
            Json read{{"model", body.at("model")}};
            if (body.contains("provider"))
                read["provider"] = body.at("provider");
            read.update(entry);
            entries.push_back(exportedPriceEntry(readPriceEntry(JsonSettingsNode(read), PriceOrigin::Store, "")));
        }
        std::stable_sort(entries.begin(), entries.end(),
            [](const Json& a, const Json& b) { return a.at("effective_date").get<std::string>() < b.at("effective_date").get<std::string>(); });
        canonical["entries"] = std::move(entries);
        return canonical;
    }

    // A file that says the same as the gateway in other words (a default spelled out) differs as
    // text: its change runs in a savepoint that is rolled back when the entity exports as before,
    // so an unchanged configuration writes no audit entries, however often it is applied.
    void updateUnlessSame(const ConfigEntity& entity, const ConfigEntity& current)
    {
        auto& database = m_applier.m_database;
        database.exec("SAVEPOINT entity_update");
        try {
            change(entity, &current.body);
        } catch (...) {
            rollBack("ROLLBACK TO entity_update; RELEASE entity_update");
            throw;
        }
        auto kindOnly = m_exportOptions;
        kindOnly.only = entity.kind;
        const auto now = exportConfig(m_applier.m_stores, kindOnly);
        const auto found = std::find_if(now.entities.begin(), now.entities.end(),
            [&](const ConfigEntity& other) { return other.kind == entity.kind && other.name == entity.name; });
        const bool unchanged = found != now.entities.end() && same(found->body, current.body);
        database.exec(unchanged ? "ROLLBACK TO entity_update; RELEASE entity_update" : "RELEASE entity_update");
    }

    // A model's references to other models (fallbacks, context_window_fallbacks) as the gateway has
    // them now: a model is created or changed first with these, and its file's are set once every
    // model of the tree exists (a fallback may name a model created after it).
    static constexpr const char* kModelReferences[] = {"fallbacks", "context_window_fallbacks"};

    Json withCurrentReferences(const ConfigEntity& entity, const Json* current)
    {
        auto body = entity.body;
        bool deferred = false;
        // An empty list is no list: the export leaves it out.
        const auto listOf = [](const Json& body, const char* member) {
            const auto value = memberOr(body, member, Json());
            return value.is_array() && value.empty() ? Json() : value;
        };
        for (const auto* member : kModelReferences) {
            const auto wanted = listOf(entity.body, member);
            const auto now = current ? listOf(*current, member) : Json();
            if (same(wanted, now))
                continue;
            deferred = true;
            if (now.is_null())
                body.erase(member);
            else
                body[member] = now;
        }
        if (deferred)
            m_modelReferences.push_back(&entity);
        return body;
    }

    void setModelReferences(const ConfigEntity& entity)
    {
        Json patch = Json::object();
        for (const auto* member : kModelReferences)
            patch[member] = memberOr(entity.body, member, Json());
        call(Op::UpdateModel, {{"model", entity.name}}, withReason(patch));
    }

    void change(const ConfigEntity& entity, const Json* current)
    {
        const auto& body = entity.body;
        // The admin API takes a change's reason in the body; in a file it would be silently dropped.
        if (body.contains("reason"))
            throw ConfigRefusal("reason", "is not part of a configuration file: give the reason to the apply (--reason)");
        switch (entity.kind) {
        case ConfigKind::Tenant:
            refuseUnknownMembers(body, {"name"}, "a tenant");
            if (!current)
                call(Op::CreateTenant, {}, withReason({{"name", entity.name}}));
            return;
        case ConfigKind::Consumer:
            return changeConsumer(body, current);
        case ConfigKind::Provider:
            return changeProvider(entity, current);
        case ConfigKind::Model: {
            const auto first = withCurrentReferences(entity, current);
            if (!current)
                call(Op::CreateModel, {}, withReason(first));
            else
                call(Op::UpdateModel, {{"model", entity.name}}, withReason(patchOf(first, *current, "model")));
            return;
        }
        case ConfigKind::ModelAccess:
            return changeAccess(entity.name, body, current);
        case ConfigKind::Key:
            return changeKey(body, current);
        case ConfigKind::Limit:
            call(Op::PutLimit, {}, withReason(body));
            return;
        case ConfigKind::Budget:
            call(Op::PutBudget, {}, withReason(body));
            return;
        case ConfigKind::Price:
            return changePrices(body, current);
        case ConfigKind::Prompt:
            return changePrompt(entity.name, body, current);
        }
    }

    void remove(const ConfigEntity& entity)
    {
        const auto& body = entity.body;
        const auto deletion = m_applier.m_reason.empty() ? std::string() : "reason=" + percentEncode(m_applier.m_reason);
        switch (entity.kind) {
        case ConfigKind::Tenant:
            // A tenant the config file's keys or the gateway's own keys live in is theirs: a prune
            // keeps it (deleting it would be refused while they are usable, on every apply).
            for (const auto& key : m_applier.m_stores.keys.activeKeys()) {
                if (key.tenant == entity.name && (key.source == "config" || key.source == kLocalKeySource))
                    return;
            }
            call(Op::DeleteTenant, {{"id", std::to_string(tenantId(entity.name, "name"))}}, nullptr, deletion);
            return;
        case ConfigKind::Consumer:
            call(Op::DeleteConsumer, {{"id", std::to_string(consumerId(body.at("tenant"), body.at("name"), "name"))}}, nullptr, deletion);
            return;
        case ConfigKind::Provider:
            call(Op::DeleteProvider, {{"name", entity.name}}, nullptr, deletion);
            return;
        case ConfigKind::Model:
            call(Op::DeleteModel, {{"model", entity.name}}, nullptr, deletion);
            return;
        case ConfigKind::ModelAccess:
            changeAccess(entity.name, {{"model", entity.name}, {"mode", "open"}}, &body);
            return;
        case ConfigKind::Key:
            call(Op::RevokeKey, {{"id", std::to_string(keyId(entity.name))}}, withReason(Json::object()));
            return;
        case ConfigKind::Limit:
            call(Op::DeleteLimit, {{"scope", body.at("scope")}, {"id", body.at("id")}}, nullptr, deletion);
            return;
        case ConfigKind::Budget:
            call(Op::DeleteBudget, {{"scope", body.at("scope")}, {"id", body.at("id")}, {"period", body.at("period")}}, nullptr, deletion);
            return;
        case ConfigKind::Price: {
            Json none = body;
            none["entries"] = Json::array();
            changePrices(none, &body);
            return;
        }
        case ConfigKind::Prompt:
            call(Op::DeletePrompt, {{"name", entity.name}}, nullptr, deletion);
            return;
        }
    }

    // A PATCH turning `current` into `wanted`: the changed members, and null for those `wanted` drops.
    static Json patchOf(const Json& wanted, const Json& current, const std::string& identity)
    {
        Json patch = Json::object();
        for (const auto& [member, value] : wanted.items()) {
            if (member != identity && !(current.contains(member) && same(current.at(member), value)))
                patch[member] = value;
        }
        for (const auto& [member, ignored] : current.items()) {
            if (member != identity && !wanted.contains(member))
                patch[member] = nullptr;
        }
        return patch;
    }

    int64_t tenantId(const std::string& name, const std::string& field)
    {
        const auto tenant = m_applier.m_stores.governance.findTenant(name);
        if (!tenant)
            throw ConfigRefusal(field, "no tenant '" + name + "': add tenants/" + name + ".yaml");
        return tenant->id;
    }

    int64_t consumerId(const Json& tenant, const Json& name, const std::string& field)
    {
        const auto tenantName = tenant.is_string() ? tenant.get<std::string>() : std::string();
        const auto consumerName = name.is_string() ? name.get<std::string>() : std::string();
        const auto consumer = m_applier.m_stores.governance.findConsumer(tenantName, consumerName);
        if (!consumer)
            throw ConfigRefusal(field, "no consumer '" + consumerName + "' in tenant '" + tenantName + "': add consumers/" + tenantName + "/"
                    + consumerName + ".yaml");
        return consumer->id;
    }

    void changeConsumer(const Json& body, const Json* current)
    {
        refuseUnknownMembers(body, {"tenant", "name", "description"}, "a consumer");
        const auto description = textMember(body, "description");
        if (!current) {
            call(Op::CreateConsumer, {},
                withReason({{"tenant_id", tenantId(textMember(body, "tenant"), "tenant")}, {"name", body.at("name")},
                    {"description", description}}));
            return;
        }
        call(Op::UpdateConsumer, {{"id", std::to_string(consumerId(body.at("tenant"), body.at("name"), "name"))}},
            withReason({{"description", description}}));
    }

    void changeProvider(const ConfigEntity& entity, const Json* current)
    {
        const auto& body = entity.body;
        const auto credential = memberOr(body, "credential", Json());
        if (credential.is_object() && credential.contains("secret"))
            throw ConfigRefusal("credential.secret",
                "a secret does not belong in a configuration file (it would be in Git): name an environment variable "
                "({source: env, name: VAR}), or keep it in the gateway's store ({source: stored}, set in the console or the admin API)");
        const bool stored = credential.is_object() && credential.value("source", Json()) == "stored";
        const bool storedHere = current && memberOr(*current, "credential", Json()).value("source", Json()) == "stored";
        if (stored && !storedHere && m_mode == ConfigRun::Validate) {
            // Validation runs on an empty scratch store: the gateway the tree goes to has the secret
            // or not, which plan and apply there tell. Here a stand-in lets the rest be checked.
            auto standIn = body;
            standIn["credential"]["secret"] = "validation-stand-in";
            call(Op::CreateProvider, {}, standIn);
            return;
        }
        if (stored && !storedHere)
            throw ConfigRefusal("credential",
                "the provider keeps its API key in the gateway's store, which an export never contains, and this gateway has none "
                "for it: create the provider here first with its secret (the console's Providers page, or POST /admin/v1/providers "
                "with credential {source: stored, secret}), or name an environment variable ({source: env, name: VAR})");
        if (!current) {
            call(Op::CreateProvider, {}, withReason(body));
            return;
        }
        auto patch = patchOf(body, *current, "name");
        if (patch.contains("credential") && patch.at("credential").is_null())
            patch["credential"] = {{"source", "none"}};
        call(Op::UpdateProvider, {{"name", entity.name}}, withReason(patch));
    }

    // The consumers a model access file grants ("tenant/consumer"), each with its index in the file.
    static std::map<std::string, std::size_t> grantsOf(const Json& body)
    {
        std::map<std::string, std::size_t> grants;
        const auto list = memberOr(body, "grants", Json::array());
        if (!list.is_array())
            throw ConfigRefusal("grants", "must be a list of consumers as tenant/consumer");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto& item = list[i];
            const auto text = item.is_string() ? item.get<std::string>() : std::string();
            if (text.find('/') == std::string::npos)
                throw ConfigRefusal("grants[" + std::to_string(i) + "]", "must name a consumer as tenant/consumer");
            if (!grants.emplace(text, i).second)
                throw ConfigRefusal("grants[" + std::to_string(i) + "]", "is listed twice");
        }
        return grants;
    }

    void changeAccess(const std::string& model, const Json& body, const Json* current)
    {
        refuseUnknownMembers(body, {"model", "mode", "auto_approve", "grants"}, "a model's access");
        if (!body.contains("mode"))
            throw ConfigRefusal("mode", "is required (open, approval or private)");
        const Json setting{{"mode", body.at("mode")}, {"auto_approve", memberOr(body, "auto_approve", false)}};
        // Open without auto-approve is every model's default: a file saying only that (which the
        // export leaves out) changes nothing, however often it is applied.
        const Json openByDefault{{"mode", "open"}, {"auto_approve", false}};
        const auto currentSetting = current ? Json{{"mode", current->at("mode")}, {"auto_approve", current->at("auto_approve")}} : openByDefault;
        if (!same(setting, currentSetting))
            call(Op::SetModelAccess, {{"model", model}}, withReason(setting));
        const auto wanted = grantsOf(body);
        const auto granted = current ? grantsOf(*current) : std::map<std::string, std::size_t>();
        for (const auto& [consumer, index] : wanted) {
            if (granted.contains(consumer))
                continue;
            const auto field = "grants[" + std::to_string(index) + "]";
            const auto slash = consumer.find('/');
            const auto id = consumerId(consumer.substr(0, slash), consumer.substr(slash + 1), field);
            inPart(field, [&] { call(Op::GrantAccess, {}, {{"consumer_id", id}, {"model", model}, {"note", m_applier.m_reason}}); });
        }
        for (const auto& [consumer, index] : granted) {
            if (wanted.contains(consumer))
                continue;
            const auto slash = consumer.find('/');
            const auto id = consumerId(consumer.substr(0, slash), consumer.substr(slash + 1), "grants");
            const auto latest = m_applier.m_stores.governance.latestAccessRequest(id, model);
            if (latest)
                call(Op::RevokeAccessRequest, {{"id", std::to_string(latest->id)}}, {{"note", m_applier.m_reason}});
        }
    }

    int64_t keyId(const std::string& prefix)
    {
        for (int64_t offset = 0;; offset += PageRequest::kMaxPageLimit) {
            const auto page = m_applier.m_stores.keys.listKeys(std::nullopt, {PageRequest::kMaxPageLimit, offset});
            for (const auto& key : page.items) {
                if (key.prefix == prefix && !key.revokedAtMs && key.source != "config" && key.source != kLocalKeySource)
                    return key.id;
            }
            if (offset + PageRequest::kMaxPageLimit >= page.total)
                throw ConfigRefusal("prefix", "no key with the prefix " + prefix);
        }
    }

    void changeKey(const Json& body, const Json* current)
    {
        refuseUnknownMembers(body, {"prefix", "sha256", "name", "tenant", "consumer", "allowed_models", "expires_at_ms", "tags"}, "a key");
        const JsonBody read(body.dump(), {"prefix", "sha256", "name", "tenant", "consumer", "allowed_models", "expires_at_ms", "tags"});
        if (!current) {
            if (!m_importKeys)
                throw ConfigRefusal("sha256", "the gateway has no key with this prefix, and importing one by its hash lets whoever wrote "
                                              "this file choose the key's secret: apply with --import-keys (import_keys: true) when the "
                                              "tree's key files are a gateway's export you trust");
            StoredKey key;
            key.prefix = read.requiredString("prefix");
            key.hash = read.requiredString("sha256");
            key.name = read.requiredString("name");
            key.tenant = read.requiredString("tenant");
            key.consumerName = read.optionalString("consumer");
            if (!key.consumerName.empty())
                key.consumerId = consumerId(key.tenant, key.consumerName, "consumer");
            else
                tenantId(key.tenant, "tenant");
            key.allowedModels = read.optionalStringList("allowed_models").value_or(std::vector<std::string>{});
            key.tags = read.optionalStringMap("tags").value_or(std::map<std::string, std::string>{});
            key.expiresAtMs = read.optionalInteger("expires_at_ms");
            m_applier.m_stores.keys.importKey(m_applier.m_stores.governance, {m_applier.m_actor, m_applier.m_reason}, std::move(key));
            return;
        }
        for (const char* member : {"sha256", "tenant", "consumer"}) {
            if (!same(memberOr(body, member, Json()), memberOr(*current, member, Json())))
                throw ConfigRefusal(member, std::string("differs from the gateway's key with this prefix: a key cannot change its ") + member
                        + " (revoke it and create another)");
        }
        if (current->contains("expires_at_ms") && !body.contains("expires_at_ms"))
            throw ConfigRefusal("expires_at_ms", "the gateway's key expires; an expiry cannot be removed (rotate the key instead)");
        Json patch{{"name", read.requiredString("name")}, {"allowed_models", memberOr(body, "allowed_models", Json::array())},
            {"tags", memberOr(body, "tags", Json::object())}};
        if (body.contains("expires_at_ms") && !same(body.at("expires_at_ms"), memberOr(*current, "expires_at_ms", Json())))
            patch["expires_at_ms"] = body.at("expires_at_ms");
        call(Op::UpdateKey, {{"id", std::to_string(keyId(current->at("prefix")))}}, withReason(patch));
    }

    void changePrices(const Json& body, const Json* current)
    {
        refuseUnknownMembers(body, {"provider", "model", "entries"}, "a model's prices");
        const auto entries = memberOr(body, "entries", Json::array());
        if (!entries.is_array())
            throw ConfigRefusal("entries", "must be a list of dated prices");
        const auto currentEntries = current ? memberOr(*current, "entries", Json::array()) : Json::array();
        const auto provider = textMember(body, "provider");
        const auto model = textMember(body, "model");
        const auto currentEntry = [&](const Json& date) -> const Json* {
            for (const auto& entry : currentEntries) {
                if (entry.value("effective_date", Json()) == date)
                    return &entry;
            }
            return nullptr;
        };
        std::set<std::string> dates;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& entry = entries[i];
            inPart("entries[" + std::to_string(i) + "]", [&] {
                if (!entry.is_object() || !entry.contains("effective_date") || !entry.at("effective_date").is_string())
                    throw ConfigRefusal("effective_date", "is required: each price names the day it takes effect (YYYY-MM-DD)");
                refuseUnknownMembers(entry, {"effective_date", "input_per_million", "output_per_million", "cached_input_per_million",
                    "cache_write_per_million", "currency", "source", "note"}, "a price entry");
                if (!dates.insert(entry.at("effective_date").get<std::string>()).second)
                    throw ConfigRefusal("effective_date", "is given twice for this model");
                if (const auto* existing = currentEntry(entry.at("effective_date")); existing && same(*existing, entry))
                    return;
                Json put{{"model", model}};
                if (!provider.empty())
                    put["provider"] = provider;
                put.update(entry);
                call(Op::PutPrice, {}, withReason(put));
            });
        }
        for (const auto& entry : currentEntries) {
            const auto date = entry.at("effective_date").get<std::string>();
            if (dates.contains(date))
                continue;
            auto query = "provider=" + percentEncode(provider) + "&model=" + percentEncode(model) + "&effective_date=" + percentEncode(date);
            if (!m_applier.m_reason.empty())
                query += "&reason=" + percentEncode(m_applier.m_reason);
            call(Op::DeletePrice, {}, nullptr, query);
        }
    }

    void changePrompt(const std::string& name, const Json& body, const Json* current)
    {
        refuseUnknownMembers(body, {"name", "description", "versions", "labels"}, "a prompt");
        const auto description = textMember(body, "description");
        if (!current)
            call(Op::CreatePrompt, {}, withReason({{"name", name}, {"description", description}}));
        else if (description != textMember(*current, "description"))
            call(Op::UpdatePrompt, {{"name", name}}, withReason({{"description", description}}));

        const auto versions = memberOr(body, "versions", Json::array());
        const auto existing = current ? memberOr(*current, "versions", Json::array()) : Json::array();
        if (!versions.is_array())
            throw ConfigRefusal("versions", "must be the list of the prompt's versions, oldest first");
        if (versions.size() < existing.size())
            throw ConfigRefusal("versions", "the gateway has versions 1 to " + std::to_string(existing.size()) + " of this prompt and "
                    + "versions cannot be deleted: list every one");
        for (std::size_t i = 0; i < versions.size(); ++i) {
            const auto field = "versions[" + std::to_string(i) + "]";
            const auto number = static_cast<int64_t>(i + 1);
            auto version = versions[i];
            if (!version.is_object() || version.value("version", Json()) != number)
                throw ConfigRefusal(field + ".version", "must be " + std::to_string(number) + " (versions are numbered 1, 2, ... in order)");
            if (i < existing.size()) {
                if (!same(readVersion(version, number, field), existing[i]))
                    throw ConfigRefusal(field, "differs from the gateway's version " + std::to_string(number)
                            + ": versions are immutable, add the change as a new version");
                continue;
            }
            version.erase("version");
            inPart(field, [&] { call(Op::CreatePromptVersion, {{"name", name}}, withReason(version)); });
        }

        const auto labels = memberOr(body, "labels", Json::object());
        const auto currentLabels = current ? memberOr(*current, "labels", Json::object()) : Json::object();
        if (!labels.is_object())
            throw ConfigRefusal("labels", "must map each label to its split ([{version, weight}, ...])");
        for (const auto& [label, split] : labels.items()) {
            if (currentLabels.contains(label) && same(currentLabels.at(label), split))
                continue;
            inPart("labels[" + label + "]", [&] { call(Op::SetPromptLabel, {{"name", name}, {"label", label}}, withReason({{"split", split}})); });
        }
        for (const auto& [label, ignored] : currentLabels.items()) {
            if (!labels.contains(label))
                call(Op::DeletePromptLabel, {{"name", name}, {"label", label}}, nullptr,
                    m_applier.m_reason.empty() ? std::string() : "reason=" + percentEncode(m_applier.m_reason));
        }
    }

    // A file's prompt version as the store would keep it (defaults filled in), in the export's shape.
    static Json readVersion(Json version, int64_t number, const std::string& field)
    {
        version.erase("version");
        PromptVersion read;
        inPart(field, [&] { read = readPromptVersion(version); });
        read.version = number;
        return exportedPromptVersion(read);
    }

    // The SHA-256 of the export's files: what a later apply checks the gateway is still at.
    static std::string baseOf(const ConfigTree& tree)
    {
        std::string text;
        for (const auto& [path, content] : configTreeFiles(tree))
            text.append(path).append(1, '\0').append(content).append(1, '\0');
        return hashApiKey(text); // lower-case hex SHA-256 of any text, despite its name
    }

    static std::vector<ConfigChange> differences(const ConfigTree& before, const ConfigTree& after)
    {
        std::vector<ConfigChange> changes;
        const auto old = byKey(before.entities);
        const auto now = byKey(after.entities);
        for (const auto& entity : after.entities) {
            const auto found = old.find({entity.kind, entity.name});
            if (found == old.end()) {
                changes.push_back({entity.kind == ConfigKind::Key ? "import" : "create", entity.kind, entity.name, configFilePath(entity), {}});
                continue;
            }
            std::vector<std::string> members;
            const auto& previous = found->second->body;
            for (const auto& [member, value] : entity.body.items()) {
                if (!previous.contains(member) || !same(previous.at(member), value))
                    members.push_back(member);
            }
            for (const auto& [member, ignored] : previous.items()) {
                if (!entity.body.contains(member))
                    members.push_back(member);
            }
            if (!members.empty())
                changes.push_back({"update", entity.kind, entity.name, configFilePath(entity), std::move(members)});
        }
        for (const auto& entity : before.entities) {
            if (!now.contains({entity.kind, entity.name}))
                changes.push_back({entity.kind == ConfigKind::Key ? "revoke" : "delete", entity.kind, entity.name, configFilePath(entity), {}});
        }
        return changes;
    }

    ConfigApplier& m_applier;
    const ConfigTree& m_desired;
    ConfigRun m_mode;
    bool m_importKeys = false;
    ConfigExportOptions m_exportOptions;
    std::vector<const ConfigEntity*> m_modelReferences; // models whose fallbacks are set after every model exists
    std::set<const ConfigEntity*> m_refused;
    std::map<EntityKey, const ConfigEntity*> m_current;
    std::vector<ConfigProblem> m_problems;
};

ConfigApplier::ConfigApplier(Database& database, ConfigStores stores, AdminOperations& operations, std::string actor, std::string reason)
    : m_database(database)
    , m_stores(stores)
    , m_operations(operations)
    , m_actor(std::move(actor))
    , m_reason(std::move(reason))
{
}

ConfigPlan ConfigApplier::run(const ConfigTree& desired, const ConfigRunOptions& options, ConfigRun mode)
{
    return Run(*this, desired, mode).execute(options);
}

} // namespace gatehouse
