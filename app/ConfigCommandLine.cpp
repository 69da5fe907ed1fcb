#include "ConfigCommandLine.h"

#include "AdminCommandLine.h"
#include "AdminTransport.h"
#include "configcode/ConfigTree.h"
#include "gitlab/ConfigRepository.h"
#include "gitlab/GitLabCiFile.h"
#include "json/Json.h"
#include "store/DataDirectory.h"
#include "store/Database.h"
#include "text/PercentEncoding.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace gatehouse {
namespace fs = std::filesystem;
namespace {

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeFileAtomically(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    const auto temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw std::runtime_error("cannot write " + temporary);
    }
    fs::rename(temporary, path);
}


char actionSign(const std::string& action)
{
    return action == "create" || action == "import" ? '+' : action == "update" ? '~' : '-';
}

// An answer that is an error without a plan: its message, exit 1.
int printedError(const Json& body, int status, std::ostream& err)
{
    const auto message = body.contains("error") ? body["error"].value("message", std::string()) : std::string();
    err << "gatehouse: error: " << (message.empty() ? "the admin API answered " + std::to_string(status) : message) << "\n";
    return 1;
}

} // namespace

Json parsedAnswer(const AdminAnswer& answer, const std::string& where)
{
    auto body = Json::parse(answer.body, nullptr, false);
    if (body.is_discarded())
        throw std::runtime_error("the admin API at " + where + " answered " + std::to_string(answer.status) + " with a body that is not JSON");
    return body;
}

void printConfigProblems(const Json& problems, std::ostream& err)
{
    for (const auto& problem : problems) {
        ConfigProblem shown{problem.value("file", ""), problem.value("line", 0), problem.value("column", 0), problem.value("message", "")};
        err << shown.describe() << "\n";
    }
}

void printConfigPlan(const Json& plan, const std::string& where, bool applied, std::ostream& out)
{
    const auto& changes = plan.at("changes");
    if (changes.empty()) {
        if (plan.at("problems").empty())
            out << "No changes: " << where << " matches the configuration.\n";
        return;
    }
    out << (applied ? "Applied to " : "Plan against ") << where << ":\n";
    for (const auto& change : changes) {
        out << "  " << actionSign(change.at("action")) << " " << change.at("action").get<std::string>() << " "
            << change.at("kind").get<std::string>() << " " << change.at("name").get<std::string>();
        if (!change.at("members").empty()) {
            std::string members;
            for (const auto& member : change.at("members"))
                members += (members.empty() ? "" : ", ") + member.get<std::string>();
            out << " (" << members << ")";
        }
        out << "  [" << change.at("file").get<std::string>() << "]\n";
    }
    const auto& summary = plan.at("summary");
    out << summary.at("create").get<int>() << " to create, " << summary.at("update").get<int>() << " to update, "
        << summary.at("delete").get<int>() << " to delete" << (applied ? ": done." : ".") << "\n";
}

void requireDataDirectory(const std::string& dataDirectory, const std::string& remoteUrl)
{
    if (!remoteUrl.empty() || (dataDirectory.empty() && std::getenv(kAdminUrlVariable)))
        return;
    const auto directory = dataDirectory.empty() ? defaultDataDirectory() : dataDirectory;
    if (!fs::is_directory(directory))
        throw std::runtime_error("no data directory " + directory + ": give the gateway's --data DIR or --remote URL (to start a new "
            + "gateway's store there, create the directory first)");
}

void requireGatewayData(const std::string& dataDirectory, const std::string& remoteUrl)
{
    if (!remoteUrl.empty() || (dataDirectory.empty() && std::getenv(kAdminUrlVariable)))
        return;
    const auto directory = dataDirectory.empty() ? defaultDataDirectory() : dataDirectory;
    if (!fs::exists(fs::path(directory) / Database::defaultFileName()))
        throw std::runtime_error("no gateway data in " + directory + " (no " + Database::defaultFileName()
            + "): give the gateway's --data DIR or --remote URL; an empty export would delete everything when applied with --prune");
}

std::map<std::string, std::string> readConfigDirectory(const std::string& directory)
{
    if (!fs::is_directory(directory))
        throw std::runtime_error("'" + directory + "' is not a directory");
    // The manifest and everything in the top-level directories (an unknown one is the tree's problem
    // to report: a typo such as provider/), never hidden files (.git) and never a symbolic link (it
    // could point outside the checkout); other top-level files (a README) are not the tree's.
    std::map<std::string, std::string> files;
    for (auto entry = fs::recursive_directory_iterator(directory); entry != fs::recursive_directory_iterator(); ++entry) {
        const auto name = entry->path().filename().string();
        const auto status = entry->symlink_status();
        if (name.starts_with(".") || fs::is_symlink(status)) {
            if (fs::is_directory(status))
                entry.disable_recursion_pending();
            continue;
        }
        if (!fs::is_regular_file(status))
            continue;
        const auto path = fs::relative(entry->path(), directory).generic_string();
        if (path.find('/') != std::string::npos || path == kConfigManifestFile)
            files[path] = readFile(entry->path());
    }
    return files;
}

std::size_t writeConfigDirectory(const std::string& directory, const std::map<std::string, std::string>& files)
{
    const auto existing = fs::is_directory(directory) ? readConfigDirectory(directory) : std::map<std::string, std::string>{};
    const auto wanted = repositoryFilesWithExport(existing, files);
    std::size_t changed = 0;
    for (const auto& [path, text] : existing) {
        if (!wanted.contains(path)) {
            fs::remove(fs::path(directory) / path);
            ++changed;
        }
    }
    for (const auto& [path, text] : wanted) {
        const auto found = existing.find(path);
        if (found != existing.end() && found->second == text)
            continue;
        if (path == kGitLabCiFileName && fs::exists(fs::symlink_status(fs::path(directory) / path)))
            continue; // the team's pipeline: written once, never overwritten
        writeFileAtomically(fs::path(directory) / path, text);
        ++changed;
    }
    // Directories the removals emptied go too.
    for (const auto& info : configKinds()) {
        const auto root = fs::path(directory) / info.directory;
        if (!fs::is_directory(root))
            continue;
        std::vector<fs::path> directories;
        for (const auto& entry : fs::recursive_directory_iterator(root)) {
            if (entry.is_directory())
                directories.push_back(entry.path());
        }
        directories.push_back(root);
        for (auto path = directories.rbegin(); path != directories.rend(); ++path) {
            if (fs::is_empty(*path))
                fs::remove(*path);
        }
    }
    return changed;
}

ConfigCommandLine::ConfigCommandLine(CLI::App& app, ConfigFileLoader loadConfigFile)
    : m_loadConfigFile(std::move(loadConfigFile))
{
    auto* group = app.add_subcommand("config", "Configuration as code: validate, plan, apply or export a directory of YAML files");
    group->require_subcommand(1);
    const auto remoteHelp = std::string("Work on the admin API of a running gateway, e.g. http://127.0.0.1:8089 (or set ")
        + kAdminUrlVariable + "; the token comes from " + kAdminTokenVariable + ")";
    const auto configHelp = std::string("The gateway's config file, whose providers and models the tree may use (local runs; default: "
                                        "the built-in one `gatehouse serve` uses without --config)");
    const auto addDirectory = [&](CLI::App* command, const std::string& help) {
        command->add_option("DIR", m_directory, help)->required()->type_name("DIR");
        command->add_flag("--json", m_json, "Print the admin API's answer as JSON");
    };
    const auto addTarget = [&](CLI::App* command) {
        auto* data = command->add_option("--data", m_dataDirectory, "Data directory (default: $XDG_DATA_HOME/gatehouse)")->type_name("DIR");
        m_remoteOptions.push_back(command->add_option("--remote", m_remote, remoteHelp)->type_name("URL")->excludes(data));
    };

    m_validate = group->add_subcommand("validate", "Check a configuration directory: every problem with its file and line");
    addDirectory(m_validate, "The configuration directory");
    m_validate->add_option("--config", m_configPath, configHelp)->check(CLI::ExistingFile);
    m_remoteOptions.push_back(
        m_validate->add_option("--remote", m_remote, "Validate with a running gateway's config file instead (its admin API)")->type_name("URL"));

    // plan and apply take the same tree and options: a plan shows what the same apply would do.
    const auto addPlanOptions = [&](CLI::App* command) {
        addDirectory(command, "The configuration directory");
        addTarget(command);
        command->add_option("--config", m_configPath, configHelp)->check(CLI::ExistingFile);
        command->add_flag("--prune", m_prune, "Also delete what the directory does not have (keys are revoked)");
        command->add_flag("--import-keys", m_importKeys, kImportKeysHelp);
    };
    m_plan = group->add_subcommand("plan", "Show what applying the directory would create, update and delete");
    addPlanOptions(m_plan);
    m_apply = group->add_subcommand("apply", "Make the gateway's configuration match the directory: all or nothing");
    addPlanOptions(m_apply);
    m_apply->add_option("--reason", m_reason, "Why: recorded in the audit log with every change")->type_name("TEXT");

    m_export = group->add_subcommand("export", "Write the gateway's configuration into a directory, one YAML file per entity");
    addDirectory(m_export, "Where to write it (created if needed; other files there are left alone)");
    addTarget(m_export);
    m_export->add_flag("--without-keys", m_withoutKeys, "Leave API keys out (otherwise: their SHA-256 and prefix, never a key)");
}

bool ConfigCommandLine::chosen() const
{
    return m_validate->parsed() || m_plan->parsed() || m_apply->parsed() || m_export->parsed();
}

int ConfigCommandLine::run(std::ostream& out, std::ostream& err)
{
    for (const auto* remote : m_remoteOptions)
        requireNonEmptyRemote(*remote);
    if (m_validate->parsed())
        return validate(out, err);
    if (m_plan->parsed())
        return planOrApply(false, out, err);
    if (m_apply->parsed())
        return planOrApply(true, out, err);
    return exportTo(out, err);
}

int ConfigCommandLine::validate(std::ostream& out, std::ostream& err)
{
    const Json body{{"files", readConfigDirectory(m_directory)}};
    // Validation needs no store of its own (the admin API validates against an empty scratch one):
    // locally, a scratch data directory keeps it from creating or touching one.
    std::optional<ScratchDataDirectory> scratch;
    std::optional<GatewayConfig> file;
    AdminTarget target{{}, m_remote, {}, m_json};
    if (m_remote.empty()) {
        scratch.emplace();
        target.dataDirectory = scratch->path();
        file = m_loadConfigFile(m_configPath);
    }
    const auto transport = transportFor(target, file ? &*file : nullptr);
    const auto answer = transport->send({http::verb::post, "/admin/v1/config/validate", body.dump()});
    const auto result = parsedAnswer(answer, transport->where());
    if (m_json)
        out << result.dump(2) << "\n";
    if (answer.status != 200)
        return printedError(result, answer.status, err);
    if (result.value("valid", false)) {
        if (!m_json)
            out << "Valid: " << m_directory << " (" << body["files"].size() << " files).\n";
        return 0;
    }
    printConfigProblems(result.at("problems"), err);
    err << result.at("problems").size() << " problem(s) in " << m_directory << ".\n";
    return 1;
}

int ConfigCommandLine::planOrApply(bool apply, std::ostream& out, std::ostream& err)
{
    requireDataDirectory(m_dataDirectory, m_remote);
    Json body{{"files", readConfigDirectory(m_directory)}, {"prune", m_prune}, {"import_keys", m_importKeys}};
    if (apply && !m_reason.empty())
        body["reason"] = m_reason;
    std::optional<GatewayConfig> file;
    if (m_remote.empty())
        file = m_loadConfigFile(m_configPath);
    const auto transport = transportFor({m_dataDirectory, m_remote, {}, m_json}, file ? &*file : nullptr);
    const auto answer = transport->send({http::verb::post, apply ? "/admin/v1/config/apply" : "/admin/v1/config/plan", body.dump()});
    const auto result = parsedAnswer(answer, transport->where());
    if (m_json)
        out << result.dump(2) << "\n";
    if (!result.contains("changes"))
        return printedError(result, answer.status, err);
    const auto& problems = result.at("problems");
    if (!m_json)
        printConfigPlan(result, transport->where(), result.value("applied", false), out);
    if (!problems.empty()) {
        printConfigProblems(problems, err);
        err << problems.size() << " problem(s)" << (apply ? ": nothing was applied." : ".") << "\n";
        return 1;
    }
    return 0;
}

int ConfigCommandLine::exportTo(std::ostream& out, std::ostream& err)
{
    requireGatewayData(m_dataDirectory, m_remote);
    const auto transport = transportFor({m_dataDirectory, m_remote, {}, m_json});
    const auto answer = transport->send({http::verb::get, std::string("/admin/v1/config/export?keys=") + (m_withoutKeys ? "omit" : "include"), {}});
    const auto result = parsedAnswer(answer, transport->where());
    if (answer.status != 200)
        return printedError(result, answer.status, err);
    std::map<std::string, std::string> files;
    for (const auto& [path, text] : result.at("files").items())
        files[path] = text.get<std::string>();
    const auto changed = writeConfigDirectory(m_directory, files);
    if (m_json)
        out << result.dump(2) << "\n";
    else
        out << "Exported " << files.size() << " files from " << transport->where() << " to " << m_directory << " (" << changed
            << " changed).\n";
    return 0;
}

} // namespace gatehouse
