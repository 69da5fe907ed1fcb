#include "AdminCommandLine.h"

#include "AdminOutput.h"
#include "AdminTransport.h"
#include "TimeArguments.h"
#include "store/DataDirectory.h"

#include <cstdlib>
#include <map>

namespace gatehouse {
namespace {

// How an argument's value is named in --help.
std::string typeName(const ArgumentSpec& argument)
{
    switch (argument.kind) {
    case ValueKind::Integer:
        return argument.field.ends_with("_id") ? "ID" : "N";
    case ValueKind::Number:
        return "NUMBER";
    case ValueKind::DurationSeconds:
        return "DURATION";
    case ValueKind::TimeAhead:
    case ValueKind::TimeAgo:
        return "TIME";
    case ValueKind::TextMap:
        return "KEY=VALUE";
    case ValueKind::VersionSplit:
        return "VERSION[:WEIGHT]";
    case ValueKind::JsonFile:
        return "FILE";
    case ValueKind::OutputFormat:
        return "table|json|csv";
    default:
        return "TEXT";
    }
}

// The builder's own reading of the value, run while parsing: a bad one is a usage error (exit 2).
CLI::Validator parsesAs(ValueKind kind)
{
    return CLI::Validator(
        [kind](std::string& text) {
            const auto problem = valueProblem(kind, text);
            return problem ? *problem : std::string();
        },
        "");
}

// Options and flags whose values are read from the CLI::Option after parsing (no bound variable:
// the table's arguments are not known at compile time).
CLI::Option* addValueOption(CLI::App& command, const std::string& name, const std::string& help)
{
    return command.add_option(name, help);
}

CLI::Option* addFlag(CLI::App& command, const std::string& name, const std::string& help)
{
    return command.add_flag(name, help);
}

CLI::Option* addArgument(CLI::App& command, const ArgumentSpec& argument)
{
    const std::string name(argument.name);
    const std::string help(argument.help);
    if (argument.kind == ValueKind::Switch || argument.kind == ValueKind::Literal)
        return addFlag(command, name, help);
    auto* option = addValueOption(command, name, help)->type_name(typeName(argument))->check(parsesAs(argument.kind));
    if (argument.kind == ValueKind::TextList || argument.kind == ValueKind::TextMap)
        option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false); // --tag a=1 --tag b=2
    if (argument.kind == ValueKind::VersionSplit)
        option->expected(-1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll); // 3:90 4:10
    if (argument.required)
        option->required();
    return option;
}

std::string valueOf(const CLI::Option* option)
{
    return option->results().empty() ? std::string() : option->results().front();
}

std::string environment(const char* name)
{
    const char* value = std::getenv(name);
    return value ? value : "";
}

} // namespace

// Local unless --remote is given, or GATEHOUSE_ADMIN_URL is set and --data is not: an option given
// beats the environment.
std::unique_ptr<AdminTransport> transportFor(const AdminTarget& target, const GatewayConfig* configFile)
{
    auto url = target.remoteUrl;
    if (url.empty() && target.dataDirectory.empty()) {
        // Set but empty (a CI variable missing from this pipeline) is a mistake, never "local".
        if (const char* fromEnvironment = std::getenv(kAdminUrlVariable); fromEnvironment && !*fromEnvironment)
            throw UsageError(std::string(kAdminUrlVariable) + " is set but empty: set it to the admin API's URL, or unset it to work on a local data directory");
        url = environment(kAdminUrlVariable);
    }
    if (url.empty()) {
        if (!target.token.empty())
            throw UsageError("--token is for --remote: on a local data directory the command acts as you");
        return localAdminTransport(target.dataDirectory.empty() ? defaultDataDirectory() : target.dataDirectory, configFile);
    }
    const auto token = target.token.empty() ? environment(kAdminTokenVariable) : target.token;
    if (token.empty())
        throw UsageError("the admin API at " + url + " needs an admin token: set " + kAdminTokenVariable
            + " (or give --token, which leaves it in the shell history)");
    return remoteAdminTransport(url, token);
}

AdminCommandLine::AdminCommandLine(CLI::App& app)
{
    std::map<std::string_view, CLI::App*> groups;
    for (const auto& group : adminCommandGroups()) {
        // "prompt version": the group "version" within "prompt" (listed after it).
        const auto space = group.name.rfind(' ');
        auto& parent = space == std::string_view::npos ? app : *groups.at(group.name.substr(0, space));
        const auto name = space == std::string_view::npos ? group.name : group.name.substr(space + 1);
        auto* command = parent.add_subcommand(std::string(name), std::string(group.summary));
        command->require_subcommand(1);
        groups[group.name] = command;
    }
    for (const auto& spec : adminCommands()) {
        auto& parent = spec.group.empty() ? app : *groups.at(spec.group);
        m_commands.push_back(registerCommand(parent, spec));
    }
}

AdminCommandLine::Registered AdminCommandLine::registerCommand(CLI::App& parent, const CommandSpec& spec)
{
    Registered registered{&spec, parent.add_subcommand(std::string(spec.name), std::string(spec.summary)), {}, {}, {}, {}, {}};
    auto& command = *registered.app;
    std::map<std::string_view, CLI::Option*> byField;
    for (const auto& argument : spec.arguments) {
        auto* option = addArgument(command, argument);
        // Two options for one field (--allowed-model, --every-model) exclude each other.
        if (auto [other, fresh] = byField.emplace(argument.field, option); !fresh && argument.placement == Placement::Body)
            option->excludes(other->second);
        registered.arguments.emplace_back(&argument, option);
    }
    const auto remoteHelp = std::string("Work on the admin API of a running gateway instead, e.g. http://127.0.0.1:8089 (or set ")
        + kAdminUrlVariable + ")";
    const auto tokenHelp = std::string("Admin token for --remote. Prefer setting ") + kAdminTokenVariable
        + ": a token given here stays in the shell history and shows in ps";
    registered.data = addValueOption(command, "--data", "Work on this data directory (default: $XDG_DATA_HOME/gatehouse)");
    registered.remote = addValueOption(command, "--remote", remoteHelp)->excludes(registered.data);
    registered.token = addValueOption(command, "--token", tokenHelp);
    registered.data->type_name("DIR");
    registered.remote->type_name("URL");
    registered.token->type_name("TOKEN");
    registered.json = addFlag(command, "--json", "Print the admin API's answer as JSON");
    return registered;
}

CLI::App& AdminCommandLine::command(std::string_view group, std::string_view name) const
{
    for (const auto& registered : m_commands) {
        if (registered.spec->group == group && registered.spec->name == name)
            return *registered.app;
    }
    throw std::logic_error("no admin command " + std::string(group) + " " + std::string(name));
}

std::optional<ChosenAdminCommand> AdminCommandLine::chosen() const
{
    for (const auto& registered : m_commands) {
        if (!registered.app->parsed())
            continue;
        ChosenAdminCommand chosen{*registered.spec, {}, {}};
        for (const auto& [argument, option] : registered.arguments) {
            if (option->count() == 0)
                continue;
            auto values = option->results();
            if (values.empty()) // a flag
                values.emplace_back("true");
            chosen.values[std::string(argument->name)] = std::move(values);
        }
        chosen.target = {valueOf(registered.data), valueOf(registered.remote), valueOf(registered.token),
            registered.json->count() > 0};
        requireNonEmptyRemote(*registered.remote);
        return chosen;
    }
    return std::nullopt;
}

void requireNonEmptyRemote(const CLI::Option& remote)
{
    if (remote.count() > 0 && valueOf(&remote).empty())
        throw UsageError("--remote is empty (an unset variable in --remote \"$GATEHOUSE_ADMIN_URL\"?): give the admin API's URL");
}

int runAdminCommand(const ChosenAdminCommand& command, std::ostream& out, std::ostream& err)
{
    const auto request = buildAdminRequest(command.spec, command.values, currentTimeMs());
    const auto transport = transportFor(command.target);
    const auto answer = transport->send(request.call);
    const OutputOptions options{command.target.json || request.rawJson, transport->where()};
    return printAdminAnswer(command.spec, answer, options, out, err);
}

} // namespace gatehouse
