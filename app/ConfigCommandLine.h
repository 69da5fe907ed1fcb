// `gatehouse config validate|plan|apply|export DIR` (docs/config-as-code.md): the configuration as a
// directory of YAML files, checked, compared with a gateway, applied to it, or written from it. The
// work is the admin API's (POST /admin/v1/config/...), on a local data directory or --remote; this
// reads and writes the directory and prints the answers.
#pragma once

#include "config/GatewayConfig.h"
#include "json/Json.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace gatehouse {

// path (with '/') → text: the manifest and the regular files in `directory`'s subdirectories (the
// tree's, and any other, whose files the tree reports as misplaced); never hidden files or
// directories (.git, .gitkeep), symbolic links, or other top-level files (a README, the pipeline).
// Throws std::runtime_error naming a file it cannot read.
std::map<std::string, std::string> readConfigDirectory(const std::string& directory);

// Makes `directory` hold the export (repositoryFilesWithExport: the tree's files exactly, other files
// left alone, a .gitlab-ci.yml added when there is none): each changed file written atomically (a
// temporary file renamed), the tree's files the export no longer has removed.
// Returns how many files were written or removed because they changed.
std::size_t writeConfigDirectory(const std::string& directory, const std::map<std::string, std::string>& files);

struct AdminAnswer;
// An admin API answer's JSON body (of any status); throws std::runtime_error naming `where` for one
// that is not JSON.
Json parsedAnswer(const AdminAnswer& answer, const std::string& where);

// A plan or apply answer as the CLI prints it: one line per change ("+ create model gpt-4o
// [models/gpt-4o.yaml]") and a summary; problems one per line as file:line:column: message.
void printConfigPlan(const Json& plan, const std::string& where, bool applied, std::ostream& out);
void printConfigProblems(const Json& problems, std::ostream& err);

// Before an export (to a directory or a repository): a local data directory must hold a gateway's
// database. A mistyped --data would otherwise export an empty configuration, which an apply --prune
// then turns into deleting everything. Throws std::runtime_error; nothing to check for a remote.
inline constexpr const char* kImportKeysHelp =
    "Import the key files the gateway lacks, by their hash (only for a trusted gateway's export: whoever writes a key file chooses its secret)";

void requireGatewayData(const std::string& dataDirectory, const std::string& remoteUrl);
// Before a plan or an apply on a local data directory: it must exist (it is not created on the spot,
// so a mistyped --data is an error, not a new empty gateway). Throws std::runtime_error.
void requireDataDirectory(const std::string& dataDirectory, const std::string& remoteUrl);

class ConfigCommandLine {
public:
    using ConfigFileLoader = std::function<GatewayConfig(const std::string& path)>; // "" = the built-in default

    ConfigCommandLine(CLI::App& app, ConfigFileLoader loadConfigFile);

    bool chosen() const;
    // Exit code: 0, 1 for problems or an error answer. Throws UsageError, HttpTransportError, StoreError.
    int run(std::ostream& out, std::ostream& err);

private:
    int validate(std::ostream& out, std::ostream& err);
    int planOrApply(bool apply, std::ostream& out, std::ostream& err);
    int exportTo(std::ostream& out, std::ostream& err);

    ConfigFileLoader m_loadConfigFile;
    std::vector<CLI::Option*> m_remoteOptions;
    CLI::App* m_validate = nullptr;
    CLI::App* m_plan = nullptr;
    CLI::App* m_apply = nullptr;
    CLI::App* m_export = nullptr;
    std::string m_directory;
    std::string m_dataDirectory;
    std::string m_remote;
    std::string m_configPath;
    std::string m_reason;
    bool m_prune = false;
    bool m_withoutKeys = false;
    bool m_importKeys = false;
    bool m_json = false;
};

} // namespace gatehouse
