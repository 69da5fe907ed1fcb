#include "prompts/PromptVersion.h"

#include "policy/RandomSource.h"
#include "policy/StableHash.h"

#include <algorithm>
#include <set>

namespace gatehouse {
namespace {

constexpr int64_t kMaxWeight = 1'000'000;
constexpr std::size_t kMaxNoteBytes = 2000;

bool isParameter(std::string_view name)
{
    return std::find(std::begin(kPromptParameters), std::end(kPromptParameters), name) != std::end(kPromptParameters);
}

std::string parameterList()
{
    std::string list;
    for (const auto name : kPromptParameters)
        list += (list.empty() ? "" : ", ") + std::string(name);
    return list;
}

[[noreturn]] void refuse(const std::string& field, const std::string& message, const std::string& code = "invalid_value")
{
    throw PromptDefinitionError(field, code, field + ": " + message);
}

const Json& member(const Json& body, const char* name)
{
    static const Json absent;
    const auto found = body.find(name);
    return found == body.end() ? absent : *found;
}

std::string requiredText(const Json& object, const char* name, const std::string& field)
{
    const auto& value = member(object, name);
    if (!value.is_string() || value.get_ref<const std::string&>().empty())
        refuse(field, "required: a non-empty string");
    return value.get<std::string>();
}

std::string optionalText(const Json& object, const char* name, const std::string& field)
{
    const auto& value = member(object, name);
    if (value.is_null())
        return {};
    if (!value.is_string())
        refuse(field, "must be a string");
    return value.get<std::string>();
}

void refuseUnknownFields(const Json& object, std::initializer_list<std::string_view> known, const std::string& where)
{
    for (const auto& [name, value] : object.items()) {
        if (std::find(known.begin(), known.end(), name) == known.end())
            refuse(where + name, "is not a field here", "unknown_field");
    }
}

std::vector<PromptMessage> readMessages(const Json& messages)
{
    if (!messages.is_array() || messages.empty())
        refuse("messages", "required: an array of {\"role\", \"content\"} objects, at least one");
    std::vector<PromptMessage> read;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto at = "messages[" + std::to_string(i) + "]";
        if (!messages[i].is_object())
            refuse(at, "must be an object with role and content");
        refuseUnknownFields(messages[i], {"role", "content"}, at + ".");
        read.push_back({requiredText(messages[i], "role", at + ".role"), requiredText(messages[i], "content", at + ".content")});
    }
    return read;
}

std::vector<PromptVariable> readVariables(const Json& variables)
{
    if (variables.is_null())
        return {};
    if (!variables.is_array())
        refuse("variables", "must be an array of {\"name\", \"type\", \"required\", \"default\", \"description\"} objects");
    std::vector<PromptVariable> read;
    for (std::size_t i = 0; i < variables.size(); ++i) {
        const auto at = "variables[" + std::to_string(i) + "]";
        const auto& entry = variables[i];
        if (!entry.is_object())
            refuse(at, "must be an object");
        refuseUnknownFields(entry, {"name", "type", "required", "default", "description"}, at + ".");
        PromptVariable variable;
        variable.name = requiredText(entry, "name", at + ".name");
        const auto type = optionalText(entry, "type", at + ".type");
        if (!type.empty()) {
            const auto parsed = parsePromptVariableType(type);
            if (!parsed)
                refuse(at + ".type", "'" + type + "' is not a type; use string, number, integer, boolean or json");
            variable.type = *parsed;
        }
        const auto& required = member(entry, "required");
        if (!required.is_null() && !required.is_boolean())
            refuse(at + ".required", "must be true or false");
        variable.required = required.is_boolean() ? required.get<bool>() : true;
        if (const auto& value = member(entry, "default"); !value.is_null())
            variable.defaultValue = value;
        variable.description = optionalText(entry, "description", at + ".description");
        read.push_back(std::move(variable));
    }
    return read;
}

Json readParameters(const Json& parameters)
{
    if (parameters.is_null())
        return Json::object();
    if (!parameters.is_object())
        refuse("parameters", "must be an object of request fields (" + parameterList() + ")");
    for (const auto& [name, value] : parameters.items()) {
        if (!isParameter(name))
            refuse("parameters." + name, "is not a parameter a prompt sets; use " + parameterList(), "unknown_field");
    }
    return parameters;
}

std::vector<std::string> readOverridable(const Json& overridable)
{
    if (overridable.is_null())
        return {};
    if (!overridable.is_array())
        refuse("overridable", "must be an array of parameter names");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < overridable.size(); ++i) {
        const auto at = "overridable[" + std::to_string(i) + "]";
        if (!overridable[i].is_string() || !isParameter(overridable[i].get_ref<const std::string&>()))
            refuse(at, "must be one of " + parameterList());
        if (std::find(names.begin(), names.end(), overridable[i].get<std::string>()) == names.end())
            names.push_back(overridable[i].get<std::string>());
    }
    return names;
}

// The template's problem as the admin API names it: the message it is in, else the variable.
PromptDefinitionError definitionError(const PromptTemplateError& error)
{
    std::string field = "messages";
    if (error.position)
        field = "messages[" + std::to_string(error.position->message) + "].content";
    else if (!error.variable.empty())
        field = "variables";
    return PromptDefinitionError(field, error.code, error.what());
}

} // namespace

const PromptVersion* Prompt::version(int64_t number) const
{
    for (const auto& candidate : versions) {
        if (candidate.version == number)
            return &candidate;
    }
    return nullptr;
}

const PromptLabel* Prompt::label(std::string_view name) const
{
    for (const auto& candidate : labels) {
        if (candidate.name == name)
            return &candidate;
    }
    return nullptr;
}

std::optional<std::string> promptNameProblem(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return "must be 1 to 64 characters";
    const auto allowed = [](char c, bool first) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && (c == '.' || c == '_' || c == '-'));
    };
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!allowed(name[i], i == 0))
            return "'" + std::string(name) + "' may use a-z, 0-9, '.', '_' and '-', and starts with a letter or digit";
    }
    return std::nullopt;
}

PromptVersion readPromptVersion(const Json& body)
{
    if (!body.is_object())
        refuse("body", "must be a JSON object");
    refuseUnknownFields(body, {"model", "messages", "variables", "parameters", "overridable", "note"}, "");
    PromptVersion version;
    version.model = requiredText(body, "model", "model");
    version.messages = readMessages(member(body, "messages"));
    version.variables = readVariables(member(body, "variables"));
    version.parameters = readParameters(member(body, "parameters"));
    version.overridable = readOverridable(member(body, "overridable"));
    version.note = optionalText(body, "note", "note");
    if (version.note.size() > kMaxNoteBytes)
        refuse("note", "at most " + std::to_string(kMaxNoteBytes) + " bytes");
    try {
        validatePromptTemplate(version.messages, version.variables);
    } catch (const PromptTemplateError& error) {
        throw definitionError(error);
    }
    return version;
}

Json toJson(const PromptVersion& version)
{
    Json messages = Json::array();
    for (const auto& message : version.messages)
        messages.push_back({{"role", message.role}, {"content", message.content}});
    Json variables = Json::array();
    for (const auto& variable : version.variables) {
        variables.push_back({{"name", variable.name}, {"type", promptVariableTypeName(variable.type)}, {"required", variable.required},
            {"default", variable.defaultValue.value_or(Json(nullptr))}, {"description", variable.description}});
    }
    return {{"version", version.version}, {"model", version.model}, {"messages", std::move(messages)},
        {"variables", std::move(variables)}, {"parameters", version.parameters}, {"overridable", version.overridable},
        {"note", version.note}, {"created_at_ms", version.createdAtMs}, {"created_by", version.createdBy}};
}

Json toJson(const PromptSplit& split)
{
    return {{"version", split.version}, {"weight", split.weight}};
}

Json toJson(const PromptLabel& label)
{
    Json split = Json::array();
    for (const auto& entry : label.split)
        split.push_back(toJson(entry));
    return {{"label", label.name}, {"split", std::move(split)}, {"updated_at_ms", label.updatedAtMs}};
}

Json summaryJson(const Prompt& prompt)
{
    Json labels = Json::array();
    for (const auto& label : prompt.labels)
        labels.push_back(toJson(label));
    const Json latest = prompt.versions.empty() ? Json(nullptr) : Json(prompt.versions.back().version);
    return {{"name", prompt.name}, {"description", prompt.description}, {"latest_version", latest}, {"labels", std::move(labels)},
        {"created_at_ms", prompt.createdAtMs}};
}

std::vector<PromptSplit> readPromptSplit(const Json& split, const Prompt& prompt)
{
    if (!split.is_array() || split.empty())
        refuse("split", "required: an array of {\"version\", \"weight\"}, at least one");
    std::vector<PromptSplit> read;
    std::set<int64_t> seen;
    for (std::size_t i = 0; i < split.size(); ++i) {
        const auto at = "split[" + std::to_string(i) + "]";
        const auto& entry = split[i];
        if (!entry.is_object())
            refuse(at, "must be an object with version and weight");
        refuseUnknownFields(entry, {"version", "weight"}, at + ".");
        const auto& version = member(entry, "version");
        if (!version.is_number_integer())
            refuse(at + ".version", "required: a version number");
        const auto number = version.get<int64_t>();
        if (!prompt.version(number))
            throw PromptDefinitionError(at + ".version", "not_found",
                at + ".version: prompt '" + prompt.name + "' has no version " + std::to_string(number));
        if (!seen.insert(number).second)
            refuse(at + ".version", "version " + std::to_string(number) + " is named twice");
        const auto& weight = member(entry, "weight");
        if (!weight.is_null() && (!weight.is_number_integer() || weight.get<int64_t>() < 1 || weight.get<int64_t>() > kMaxWeight))
            refuse(at + ".weight", "must be a whole number from 1 to " + std::to_string(kMaxWeight));
        read.push_back({number, weight.is_null() ? 1 : weight.get<int64_t>()});
    }
    return read;
}

int64_t pickPromptVersion(const Prompt& prompt, const PromptLabel& label, std::string_view user, RandomSource& random)
{
    if (label.split.empty())
        return 0; // never stored: readPromptSplit refuses an empty split
    int64_t total = 0;
    for (const auto& entry : label.split)
        total += entry.weight;
    if (label.split.size() == 1 || total <= 0)
        return label.split.front().version;
    const auto point = user.empty()
        ? static_cast<int64_t>(random.uniform() * static_cast<double>(total))
        : static_cast<int64_t>(stableHash(prompt.name + "\n" + label.name + "\n" + std::string(user)) % static_cast<uint64_t>(total));
    int64_t below = 0;
    for (const auto& entry : label.split) {
        below += entry.weight;
        if (point < below)
            return entry.version;
    }
    return label.split.back().version;
}

} // namespace gatehouse
