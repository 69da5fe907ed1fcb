// The admin commands on the command line: registers every entry of the command table with CLI11
// (arguments, the shared --remote/--token/--data/--json options), and after parsing runs the one
// given — locally or against --remote — and prints its answer.
#pragma once

#include "AdminCommandTable.h"
#include "AdminRequestBuilder.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gatehouse {

// Where a command runs, as given. The environment fills in what the options leave out.
struct AdminTarget {
    std::string dataDirectory; // --data
    std::string remoteUrl;     // --remote
    std::string token;         // --token
    bool json = false;         // --json
};

// The admin command given on the command line, after parsing.
struct ChosenAdminCommand {
    const CommandSpec& spec;
    ArgumentValues values; // its own arguments
    AdminTarget target;

    bool is(std::string_view group, std::string_view name) const { return spec.group == group && spec.name == name; }
};

class AdminCommandLine {
public:
    explicit AdminCommandLine(CLI::App& app);

    // A registered command, to add options of its own (the tenant-level `key create --tenant`).
    CLI::App& command(std::string_view group, std::string_view name) const;

    // After parsing: the admin command given, if one was.
    std::optional<ChosenAdminCommand> chosen() const;

private:
    struct Registered {
        const CommandSpec* spec;
        CLI::App* app;
        std::vector<std::pair<const ArgumentSpec*, CLI::Option*>> arguments;
        CLI::Option* data;
        CLI::Option* remote;
        CLI::Option* token;
        CLI::Option* json;
    };
    Registered registerCommand(CLI::App& app, const CommandSpec& spec);

    std::vector<Registered> m_commands;
};

// Runs the command and prints its answer; returns the exit code (0, or 1 for an error answer).
// Throws UsageError for a command line that cannot run (exit 2), HttpTransportError
// (http/BlockingHttpClient.h) when a remote gateway cannot be reached and StoreError when the data
// directory cannot be used (exit 1).
int runAdminCommand(const ChosenAdminCommand& command, std::ostream& out, std::ostream& err);

class AdminTransport;
struct GatewayConfig;
// Where `target` says to run: local unless --remote is given, or GATEHOUSE_ADMIN_URL is set and
// --data is not (an option given beats the environment). `configFile` for a local run (may be null).
// Throws UsageError for --token without a remote, or a remote without a token.
std::unique_ptr<AdminTransport> transportFor(const AdminTarget& target, const GatewayConfig* configFile = nullptr);

// A --remote given with an empty value (`--remote "$URL"` with URL unset) is a UsageError: it must
// never fall back to a local data directory.
void requireNonEmptyRemote(const CLI::Option& remote);

// Environment variables that stand in for --remote and --token.
inline constexpr const char* kAdminUrlVariable = "GATEHOUSE_ADMIN_URL";
inline constexpr const char* kAdminTokenVariable = "GATEHOUSE_ADMIN_TOKEN";

} // namespace gatehouse
