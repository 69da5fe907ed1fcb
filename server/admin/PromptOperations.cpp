#include "admin/PromptOperations.h"

#include "admin/AdminInput.h"
#include "json/JsonValues.h"
#include "prompts/PromptDiff.h"

#include <algorithm>
#include <chrono>

namespace gatehouse {
namespace {

using Op = AdminOperation;

constexpr std::size_t kMaxDescriptionBytes = 4096;
constexpr int64_t kDefaultStatsRangeMs = 7 * 86'400'000LL;

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A refused prompt, version or split as the admin API answers it: 400 naming the field with the
// refusal's code, or 404 naming it when it refers to a version that does not exist. The message
// starts with the field, as every field error of the admin API does.
ApiError apiErrorFor(const PromptDefinitionError& error)
{
    const std::string what = error.what();
    const auto message = what.starts_with(error.field + ": ") ? what : error.field + ": " + what;
    return {error.code == "not_found" ? 404 : 400, message, "invalid_request_error", error.field, error.code};
}

template<typename Body>
auto definitionChecked(Body&& body)
{
    try {
        return body();
    } catch (const PromptDefinitionError& error) {
        throw AdminInputError(apiErrorFor(error));
    }
}

std::string description(const JsonBody& body, bool required)
{
    const auto text = required ? body.requiredString("description") : body.optionalString("description");
    if (text.size() > kMaxDescriptionBytes)
        refuseField("description", "at most " + std::to_string(kMaxDescriptionBytes) + " bytes", "invalid_value");
    return text;
}

const PromptVersion& versionOf(const Prompt& prompt, int64_t number)
{
    const auto* version = prompt.version(number);
    if (!version)
        throw GovernanceError(GovernanceErrorKind::NotFound, "prompt '" + prompt.name + "' has no version " + std::to_string(number));
    return *version;
}

// A version named by a query parameter of the diff: required, and a version of the prompt.
const PromptVersion& queriedVersion(const Prompt& prompt, const QueryParameters& query, const std::string& name)
{
    const auto number = query.integer(name);
    if (!number)
        refuseField(name, "required: the version number to compare", "missing_required_parameter");
    return versionOf(prompt, *number);
}

// Values given as text (the CLI's --var k=v, a form's fields), read by each variable's declared
// type: a string as it is, anything else as JSON ("36", "true", "[1,2]"). Text that does not read
// stays a string, for the renderer to refuse naming the type it expected.
Json typedValue(const std::vector<PromptVariable>& variables, const std::string& name, const std::string& text)
{
    const auto declared = std::find_if(variables.begin(), variables.end(), [&](const PromptVariable& variable) { return variable.name == name; });
    if (declared == variables.end() || declared->type == PromptVariableType::String)
        return text;
    auto parsed = Json::parse(text, nullptr, false);
    return parsed.is_discarded() ? Json(text) : parsed;
}

// The test run's variables: "variables" as JSON values, and "text_variables" read by type.
Json testRunValues(const JsonBody& body, const PromptVersion& version)
{
    auto values = body.value("variables");
    if (values.is_null())
        values = Json::object();
    if (!values.is_object())
        refuseField("variables", std::string("must be an object of variable names to values, not ") + values.type_name(), "invalid_type");
    for (const auto& [name, text] : body.optionalStringMap("text_variables").value_or(std::map<std::string, std::string>{})) {
        if (values.contains(name))
            refuseField("text_variables." + name, "is given in variables too", "duplicate_parameter");
        values[name] = typedValue(version.variables, name, text);
    }
    return values;
}

Json messagesJson(const std::vector<PromptMessage>& messages)
{
    Json json = Json::array();
    for (const auto& message : messages)
        json.push_back({{"role", message.role}, {"content", message.content}});
    return json;
}

} // namespace

PromptOperations::PromptOperations(GovernanceStore& audit, PromptStore& prompts, PromptStats& stats)
    : m_audit(audit)
    , m_prompts(prompts)
    , m_stats(stats)
{
}

AdminResult PromptOperations::run(const AdminCall& call)
{
    switch (call.route.operation) {
    case Op::ListPrompts:
    case Op::CreatePrompt:
    case Op::GetPrompt:
    case Op::UpdatePrompt:
    case Op::DeletePrompt:
        return prompts(call);
    case Op::ListPromptVersions:
    case Op::CreatePromptVersion:
    case Op::GetPromptVersion:
        return versions(call);
    case Op::SetPromptLabel:
    case Op::DeletePromptLabel:
        return labels(call);
    case Op::DiffPromptVersions:
        return diff(call);
    case Op::GetPromptStats:
        return stats(call);
    default:
        throw std::logic_error("not a prompt operation");
    }
}

Prompt PromptOperations::existing(const std::string& name)
{
    auto prompt = m_prompts.find(name);
    if (!prompt)
        throw GovernanceError(GovernanceErrorKind::NotFound, "prompt '" + name + "' does not exist");
    return std::move(*prompt);
}

AdminResult PromptOperations::prompts(const AdminCall& call)
{
    switch (call.route.operation) {
    case Op::ListPrompts: {
        const QueryParameters query(call.query, {"limit", "offset"});
        const auto page = query.page();
        std::vector<Json> items;
        for (const auto& prompt : m_prompts.list())
            items.push_back(summaryJson(prompt));
        return readAnswer(listPageJson(std::move(items), page));
    }
    case Op::CreatePrompt: {
        const JsonBody body(call.body, {"name", "description", "reason"});
        const auto name = body.requiredString("name");
        const Change change{call.actor, body.optionalString("reason")};
        const auto text = description(body, false);
        return createdAnswer(summaryJson(definitionChecked([&] { return m_prompts.createPrompt(m_audit, change, name, text); })));
    }
    case Op::GetPrompt: {
        refuseQueryParameters(call);
        const auto prompt = existing(call.path.at("name"));
        auto json = summaryJson(prompt);
        json["versions"] = Json::array();
        for (const auto& version : prompt.versions)
            json["versions"].push_back(toJson(version));
        return readAnswer(json);
    }
    case Op::UpdatePrompt: {
        const JsonBody body(call.body, {"description", "reason"});
        const auto text = description(body, true);
        return changedAnswer(summaryJson(m_prompts.describePrompt(m_audit, {call.actor, body.optionalString("reason")}, call.path.at("name"), text)));
    }
    case Op::DeletePrompt:
        return changedAnswer(summaryJson(m_prompts.deletePrompt(m_audit, deletionChange(call), call.path.at("name"))));
    default:
        throw std::logic_error("not a prompt operation");
    }
}

// A version's body is the version JSON (readPromptVersion's fields) plus the optional "reason".
AdminResult PromptOperations::versions(const AdminCall& call)
{
    const auto& name = call.path.at("name");
    switch (call.route.operation) {
    case Op::ListPromptVersions: {
        refuseQueryParameters(call);
        Json data = Json::array();
        for (const auto& version : existing(name).versions)
            data.push_back(toJson(version));
        return readAnswer({{"data", std::move(data)}});
    }
    case Op::CreatePromptVersion: {
        refuseQueryParameters(call);
        auto body = parseJsonObject(call.body);
        const auto change = changeOutOfBody(call, body);
        auto version = definitionChecked([&] { return readPromptVersion(body); });
        return createdAnswer(toJson(m_prompts.addVersion(m_audit, change, name, std::move(version))));
    }
    case Op::GetPromptVersion:
        refuseQueryParameters(call);
        return readAnswer(toJson(versionOf(existing(name), pathId("version", call.path.at("version")))));
    default:
        throw std::logic_error("not a prompt version operation");
    }
}

AdminResult PromptOperations::labels(const AdminCall& call)
{
    const auto& name = call.path.at("name");
    const auto& label = call.path.at("label");
    switch (call.route.operation) {
    case Op::SetPromptLabel: {
        refuseQueryParameters(call);
        const JsonBody body(call.body, {"split", "reason"});
        const Change change{call.actor, body.optionalString("reason")};
        const auto split = body.value("split");
        return changedAnswer(toJson(definitionChecked([&] { return m_prompts.setLabel(m_audit, change, name, label, split); })));
    }
    case Op::DeletePromptLabel:
        return changedAnswer(toJson(m_prompts.deleteLabel(m_audit, deletionChange(call), name, label)));
    default:
        throw std::logic_error("not a prompt label operation");
    }
}

AdminResult PromptOperations::diff(const AdminCall& call)
{
    const QueryParameters query(call.query, {"from", "to"});
    const auto prompt = existing(call.path.at("name"));
    const auto& from = queriedVersion(prompt, query, "from");
    const auto& to = queriedVersion(prompt, query, "to");
    return readAnswer(toJson(diffPromptVersions(from, to)));
}

AdminResult PromptOperations::stats(const AdminCall& call)
{
    const QueryParameters query(call.query, {"since_ms", "until_ms"});
    const auto untilMs = query.integer("until_ms").value_or(nowMs());
    const auto sinceMs = query.integer("since_ms").value_or(untilMs - kDefaultStatsRangeMs);
    if (sinceMs >= untilMs)
        refuseField("since_ms", "must be before until_ms", "invalid_value");
    const auto prompt = existing(call.path.at("name"));
    Json data = Json::array();
    for (const auto& row : m_stats.compare(prompt.name, sinceMs, untilMs))
        data.push_back(toJson(row));
    return readAnswer({{"prompt", prompt.name}, {"since_ms", sinceMs}, {"until_ms", untilMs}, {"data", std::move(data)}});
}

PromptTestRun PromptOperations::testRun(const AdminCall& call)
{
    refuseQueryParameters(call);
    const JsonBody body(call.body, {"variables", "text_variables", "model", "reason"});
    const auto prompt = existing(call.path.at("name"));
    const auto& version = versionOf(prompt, pathId("version", call.path.at("version")));
    const auto values = testRunValues(body, version);
    std::vector<PromptMessage> rendered;
    try {
        rendered = renderPrompt(version.messages, version.variables, values);
    } catch (const PromptTemplateError& error) {
        refuseField(error.variable.empty() ? "variables" : "variables." + error.variable, error.what(), error.code);
    }
    PromptTestRun run{prompt.name, version.version, messagesJson(rendered), Json::object(), {call.actor, body.optionalString("reason")},
        "/admin/v1/prompts/" + prompt.name + "/versions/" + std::to_string(version.version) + "/test-run"};
    // The request a call of the prompt makes (PromptStage), without a caller's overrides.
    const auto model = body.optionalString("model");
    run.request["model"] = model.empty() ? version.model : model;
    run.request["messages"] = run.rendered;
    for (const auto& [parameter, value] : version.parameters.items())
        run.request[parameter] = value;
    return run;
}

CallRecord PromptOperations::testRunRecord(const PromptTestRun& run)
{
    CallRecord record;
    record.endpoint = run.endpoint;
    record.prompt = run.prompt;
    record.promptVersion = run.version;
    record.tags = Json{{std::string(kTestRunTag), "true"}, {std::string(kTestRunActorTag), run.change.actor}}.dump();
    return record;
}

AdminResult PromptOperations::testRunAnswered(const PromptTestRun& run, const CallRecord& call, const std::string& answer)
{
    Json usage = nullptr;
    if (call.promptTokens || call.completionTokens) {
        usage = {{"prompt_tokens", nullableJson(call.promptTokens)}, {"completion_tokens", nullableJson(call.completionTokens)},
            {"total_tokens", call.promptTokens.value_or(0) + call.completionTokens.value_or(0)}};
    }
    // What the audit entry keeps: the outcome, not the texts (the call log has the call).
    const Json outcome{{"prompt", run.prompt}, {"version", run.version}, {"model", run.request["model"]}, {"status", call.status},
        {"request_id", call.requestId}, {"usage", usage}, {"cost_usd", call.costMicros ? usdJson(*call.costMicros) : Json(nullptr)},
        {"latency_ms", std::chrono::duration_cast<std::chrono::milliseconds>(call.latency).count()}};
    m_audit.appendAudit(run.change, "prompt.test_run", "prompt", run.prompt + "/v" + std::to_string(run.version), nullptr, outcome);
    const auto parsed = Json::parse(answer, nullptr, false);
    Json shown = outcome;
    shown["rendered"] = run.rendered;
    shown["request"] = run.request;
    shown["answer"] = parsed.is_discarded() ? Json(answer) : parsed;
    return readAnswer(shown);
}

} // namespace gatehouse
