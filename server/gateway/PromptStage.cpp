#include "gateway/PromptStage.h"

#include "json/Json.h"
#include "prompts/PromptVersion.h"

#include <algorithm>

namespace gatehouse {
namespace {

constexpr std::string_view kPrefix = "/v1/prompts/";
constexpr std::string_view kSuffix = "/chat/completions";
constexpr std::string_view kDefaultLabel = "production";

// The request fields of a prompt call besides parameter overrides.
constexpr std::string_view kCallFields[] = {"variables", "label", "version", "stream", "stream_options", "user", "metadata"};

bool isCallField(std::string_view name)
{
    return std::find(std::begin(kCallFields), std::end(kCallFields), name) != std::end(kCallFields);
}

bool isParameter(std::string_view name)
{
    return std::find(std::begin(kPromptParameters), std::end(kPromptParameters), name) != std::end(kPromptParameters);
}

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "none" : text;
}

ApiError promptNotFound(const std::string& message)
{
    auto error = ApiError::notFound(message);
    error.code = "prompt_not_found";
    return error;
}

// The version the call asked for, or its label's pick; sets the record's version and label.
const PromptVersion* chooseVersion(const Prompt& prompt, const Json& body, RequestContext& context, RandomSource& random)
{
    const auto version = body.find("version");
    const auto label = body.find("label");
    if (version != body.end() && label != body.end()) {
        context.error = ApiError::invalidRequest("Give either 'label' or 'version', not both.", "version");
        return nullptr;
    }
    if (version != body.end()) {
        if (!version->is_number_integer()) {
            context.error = ApiError::invalidRequest("'version' must be a version number.", "version");
            return nullptr;
        }
        const auto* chosen = prompt.version(version->get<int64_t>());
        if (!chosen)
            context.error = promptNotFound("Prompt '" + prompt.name + "' has no version " + std::to_string(version->get<int64_t>()) + ".");
        return chosen;
    }
    if (label != body.end() && !label->is_string()) {
        context.error = ApiError::invalidRequest("'label' must be a label name.", "label");
        return nullptr;
    }
    const auto labelName = label != body.end() ? label->get<std::string>() : std::string(kDefaultLabel);
    const auto* found = prompt.label(labelName);
    if (!found) {
        context.error = promptNotFound("Prompt '" + prompt.name + "' has no label '" + labelName + "'"
            + (label == body.end() ? " (the default when a call names neither label nor version)." : "."));
        return nullptr;
    }
    const auto user = body.find("user");
    const auto userId = user != body.end() && user->is_string() ? user->get<std::string>() : std::string();
    context.record.promptLabel = labelName;
    const auto* picked = prompt.version(pickPromptVersion(prompt, *found, userId, random));
    if (!picked) // the store checks every split against the versions: a broken row, said as such
        context.error = ApiError{500, "Label '" + labelName + "' of prompt '" + prompt.name + "' points at no version; an admin must set it again.",
            "server_error", "label", "prompt_label_broken"};
    return picked;
}

// The chat completion request the version makes with the call's variables and overrides.
std::optional<Json> chatRequest(const PromptVersion& version, const Json& body, RequestContext& context)
{
    Json values = Json::object();
    if (const auto variables = body.find("variables"); variables != body.end())
        values = *variables;
    std::vector<PromptMessage> messages;
    try {
        messages = renderPrompt(version.messages, version.variables, values);
    } catch (const PromptTemplateError& error) {
        context.error = ApiError::invalidRequest(error.what(), error.variable.empty() ? "variables" : "variables." + error.variable, error.code);
        return std::nullopt;
    }
    Json request = Json::object();
    request["model"] = version.model;
    Json rendered = Json::array();
    for (const auto& message : messages)
        rendered.push_back({{"role", message.role}, {"content", message.content}});
    request["messages"] = std::move(rendered);
    for (const auto& [name, value] : version.parameters.items())
        request[name] = value;
    for (const auto& [name, value] : body.items()) {
        if (isCallField(name)) {
            if (name != "variables" && name != "label" && name != "version")
                request[name] = value;
            continue;
        }
        if (!isParameter(name)) {
            context.error = ApiError::invalidRequest("Unknown field '" + name + "' in a prompt call: send variables, label or version, "
                "stream, user, metadata and the parameters the prompt lets callers set.", name, "unknown_field");
            return std::nullopt;
        }
        if (std::find(version.overridable.begin(), version.overridable.end(), name) == version.overridable.end()) {
            context.error = ApiError::invalidRequest("Prompt '" + context.record.prompt + "' version " + std::to_string(version.version)
                + " does not let callers set '" + name + "' (they may set: " + joined(version.overridable) + ").", name, "parameter_not_overridable");
            return std::nullopt;
        }
        request[name] = value;
    }
    return request;
}

} // namespace

std::optional<std::string_view> promptNameInPath(std::string_view path)
{
    if (path.size() <= kPrefix.size() + kSuffix.size() || path.substr(0, kPrefix.size()) != kPrefix
        || path.substr(path.size() - kSuffix.size()) != kSuffix)
        return std::nullopt;
    const auto name = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    if (name.find('/') != std::string_view::npos)
        return std::nullopt;
    return name;
}

std::string promptAccessName(std::string_view prompt)
{
    return "prompt:" + std::string(prompt);
}

RenderPromptStage::RenderPromptStage(std::function<RandomSource&()> random)
    : m_random(std::move(random))
{
}

StageStatus RenderPromptStage::run(RequestContext& context) const
{
    const auto& name = context.promptName;
    context.record.prompt = name.substr(0, 64);
    const auto* prompt = context.snapshot->prompt(name);
    const auto accessName = promptAccessName(name);
    const auto& caller = *context.caller;
    // A prompt the key may not use does not exist for it, as with models.
    if (!prompt || !caller.mayUse(accessName)) {
        context.error = promptNotFound("The prompt '" + name + "' does not exist or you do not have access to it.");
        return StageStatus::Stop;
    }
    if (auto denied = context.snapshot->access().check(caller.consumerId, caller.consumerName, caller.keyName, accessName)) {
        context.error = std::move(*denied);
        return StageStatus::Stop;
    }
    const auto body = Json::parse(context.request.message.body(), nullptr, false);
    if (!body.is_object()) {
        context.error = ApiError::invalidRequest("The body of a prompt call must be a JSON object: {\"variables\": {...}, \"label\" or \"version\", ...}.");
        return StageStatus::Stop;
    }
    const auto* version = chooseVersion(*prompt, body, context, m_random());
    if (!version)
        return StageStatus::Stop;
    context.record.promptVersion = version->version;
    auto request = chatRequest(*version, body, context);
    if (!request)
        return StageStatus::Stop;
    // From here on the call is the chat completion the prompt made. The key's model list is met by
    // the prompt; the model's access mode still applies (AuthorizeAccessStage), so a prompt never
    // opens an approval or private model to callers its mode refuses (docs/prompts.md "Access").
    context.request.message.body() = request->dump();
    context.accessThroughPrompt = true;
    return StageStatus::Continue;
}

} // namespace gatehouse
