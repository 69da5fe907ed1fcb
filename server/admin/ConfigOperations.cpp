#include "admin/ConfigOperations.h"

#include "admin/AdminInput.h"
#include "admin/AdminRouter.h"
#include "admin/AdminStores.h"
#include "admin/ConfigApplier.h"
#include "store/DataDirectory.h"


namespace gatehouse {
namespace {

struct TreeInput {
    std::map<std::string, std::string> files;
    ConfigRunOptions options;
    std::string reason;
};

TreeInput readTreeInput(std::string_view text)
{
    const JsonBody body(text, {"files", "prune", "import_keys", "expected_base", "reason"});
    TreeInput input;
    const auto files = body.value("files");
    if (!files.is_object())
        refuseField("files", "files: is required, an object of path → the file's text", files.is_null() ? "missing_required_parameter" : "invalid_type");
    for (const auto& [path, content] : files.items()) {
        if (!content.is_string())
            refuseField("files." + path, "files." + path + ": must be the file's text", "invalid_type");
        input.files[path] = content.get<std::string>();
    }
    input.options.prune = body.optionalBool("prune", false);
    input.options.importKeys = body.optionalBool("import_keys", false);
    input.options.expectedBase = body.optionalString("expected_base");
    input.reason = body.optionalString("reason");
    return input;
}

Json problemsJson(const std::vector<ConfigProblem>& problems)
{
    Json list = Json::array();
    for (const auto& problem : problems)
        list.push_back(toJson(problem));
    return list;
}

// 400 with the error and the plan: an apply with problems changes nothing; 409 when the gateway
// changed since the plan the apply was given.
AdminResult refusedApply(const ConfigPlan& plan)
{
    auto body = toJson(plan);
    const auto count = plan.problems.size();
    const ApiError error = plan.stale
        ? ApiError{409, plan.problems.front().message, "invalid_request_error", "expected_base", "config_changed"}
        : ApiError{400, "the configuration has " + std::to_string(count) + " problem" + (count == 1 ? "" : "s")
                  + "; nothing was applied. First: " + plan.problems.front().describe(),
              "invalid_request_error", "files", "invalid_config"};
    body["error"] = Json::parse(error.toJson())["error"];
    AdminResult result;
    result.status = error.status;
    result.body = body.dump();
    return result;
}

} // namespace

ConfigOperations::ConfigOperations(Database& database, ConfigStores stores, AdminOperations& operations, const GatewayConfig* configFile)
    : m_database(database)
    , m_stores(stores)
    , m_operations(operations)
    , m_configFile(configFile)
{
}

AdminResult ConfigOperations::run(const AdminCall& call)
{
    if (call.route.operation == AdminOperation::ExportConfig) {
        const QueryParameters query(call.query, {"keys"});
        const auto keys = query.text("keys").value_or("include");
        if (keys != "include" && keys != "omit")
            refuseField("keys", "keys: must be include or omit", "invalid_value");
        // One read transaction: every file is of the same moment, whatever another process writes meanwhile.
        ConfigTree tree;
        m_database.exec("BEGIN");
        try {
            tree = exportConfig(m_stores, {keys == "include"});
            m_database.exec("COMMIT");
        } catch (...) {
            if (m_database.transactionOpen())
                m_database.exec("ROLLBACK");
            throw;
        }
        Json files = Json::object();
        for (auto& [path, text] : configTreeFiles(tree))
            files[path] = std::move(text);
        return readAnswer({{"files", std::move(files)}});
    }
    refuseQueryParameters(call);
    const auto input = readTreeInput(call.body);
    const auto reading = readConfigTree(input.files);
    if (!reading.problems.empty()) {
        ConfigPlan plan;
        plan.problems = reading.problems;
        if (call.route.operation == AdminOperation::ValidateConfig)
            return readAnswer({{"valid", false}, {"problems", problemsJson(plan.problems)}});
        if (call.route.operation == AdminOperation::ApplyConfig)
            return refusedApply(plan);
        return readAnswer(toJson(plan));
    }
    const auto actor = call.actor.empty() ? std::string("config-apply") : call.actor;
    switch (call.route.operation) {
    case AdminOperation::ValidateConfig: {
        // Against an empty store: what the tree needs must be in the tree (or in the config file).
        const ScratchDataDirectory scratch;
        AdminStores stores(scratch.path() + "/" + Database::defaultFileName(), m_configFile);
        const auto plan = ConfigApplier(stores.database, stores.configStores(), stores.operations, actor, {})
                              .run(reading.tree, {}, ConfigRun::Validate);
        return readAnswer({{"valid", plan.problems.empty()}, {"problems", problemsJson(plan.problems)}});
    }
    case AdminOperation::PlanConfig:
        return readAnswer(toJson(ConfigApplier(m_database, m_stores, m_operations, actor, input.reason)
                                     .run(reading.tree, input.options, ConfigRun::Plan)));
    case AdminOperation::ApplyConfig: {
        const auto plan = ConfigApplier(m_database, m_stores, m_operations, actor, input.reason.empty() ? "config apply" : input.reason)
                              .run(reading.tree, input.options, ConfigRun::Apply);
        if (!plan.applied)
            return refusedApply(plan);
        auto result = readAnswer(toJson(plan));
        result.changed = !plan.changes.empty();
        return result;
    }
    default:
        throw std::logic_error("not a configuration operation");
    }
}

} // namespace gatehouse
