#include "GitLabCommandLine.h"

#include "AdminCommandLine.h"
#include "AdminTransport.h"
#include "gitlab/ConfigRepository.h"
#include "gitlab/GitLabKeychain.h"
#include "gitlab/GitLabTokenFile.h"
#include "json/Json.h"

#include <cstdlib>

namespace gatehouse {
namespace {

// The answer's JSON; an error that is not a plan with its problems is thrown as its message.
Json answerJson(const AdminAnswer& answer, const std::string& where)
{
    auto body = parsedAnswer(answer, where);
    if (answer.status >= 400 && !body.contains("changes"))
        throw std::runtime_error(body.contains("error") ? body["error"].value("message", std::string("an error")) : "the admin API answered "
                + std::to_string(answer.status));
    return body;
}

} // namespace

GitLabCommandLine::GitLabCommandLine(CLI::App& app, ConfigCommandLine::ConfigFileLoader loadConfigFile)
    : m_loadConfigFile(std::move(loadConfigFile))
{
    auto* group = app.add_subcommand("gitlab",
        std::string("The configuration in a GitLab repository: push an export (with a merge request), pull and apply one. The token comes from ")
            + kGitLabTokenVariable + " or the console's token store, never the command line");
    group->require_subcommand(1);
    const auto addTarget = [&](CLI::App* command) {
        command->add_option("--repo", m_repository, "The repository, https://gitlab.example.com/group/project.git")->required()->type_name("URL");
        auto* data = command->add_option("--data", m_dataDirectory, "Data directory (default: $XDG_DATA_HOME/gatehouse)")->type_name("DIR");
        m_remoteOptions.push_back(
            command->add_option("--remote", m_remote, std::string("A running gateway's admin API instead (or set ") + kAdminUrlVariable + ")")
                ->type_name("URL")
                ->excludes(data));
    };
    m_push = group->add_subcommand("push", "Export the configuration and push it to a branch; prints the commit and the merge request");
    addTarget(m_push);
    m_push->add_option("--branch", m_branch, "The branch to push to (created from --target when new)")->required()->type_name("BRANCH");
    m_push->add_flag("--merge-request", m_mergeRequest, "Open a merge request into --target (an open one is reused)");
    m_push->add_option("--target", m_target, "The merge request's target branch")->capture_default_str()->type_name("BRANCH");
    m_push->add_option("--title", m_title, "The merge request's title")->capture_default_str()->type_name("TEXT");
    m_push->add_flag("--without-keys", m_withoutKeys, "Leave API keys out of the export");

    m_pull = group->add_subcommand("pull", "Fetch a branch, tag or commit, validate and plan it, and apply it on confirmation");
    addTarget(m_pull);
    m_pull->add_option("--ref", m_ref, "Branch, tag or commit SHA")->required()->type_name("REF");
    m_pull->add_flag("--prune", m_prune, "Also delete what the repository does not have (keys are revoked)");
    m_pull->add_flag("--yes", m_yes, "Apply without asking (for scripts)");
    m_pull->add_flag("--import-keys", m_importKeys, kImportKeysHelp);
    m_pull->add_option("--config", m_configPath, "The gateway's config file, for local runs (default: the built-in one)")
        ->check(CLI::ExistingFile);
}

bool GitLabCommandLine::chosen() const
{
    return m_push->parsed() || m_pull->parsed();
}

int GitLabCommandLine::run(std::istream& in, std::ostream& out, std::ostream& err)
{
    try {
        for (const auto* remote : m_remoteOptions)
            requireNonEmptyRemote(*remote);
        // A URL with credentials or of the wrong shape is refused before anything else reads it.
        parseGitLabRepositoryUrl(m_repository);
        if (m_push->parsed() && m_mergeRequest && m_branch == m_target)
            throw UsageError("--branch and --target are both '" + m_branch + "': a merge request needs a branch of its own");
        return m_push->parsed() ? push(out, err) : pull(in, out, err);
    } catch (const GitError& error) {
        err << "gatehouse: error: " << error.what() << "\n";
        return 1;
    } catch (const GitLabError& error) {
        err << "gatehouse: error: " << error.what() << "\n";
        return 1;
    }
}

std::string GitLabCommandLine::token() const
{
    if (const char* given = std::getenv(kGitLabTokenVariable); given && *given)
        return given;
    if (auto kept = readKeychainGitLabToken(m_repository))
        return *kept;
    if (auto stored = readGitLabToken(m_repository))
        return *stored;
    throw UsageError(std::string("no GitLab token: set ") + kGitLabTokenVariable + " (a token with the api and write_repository scopes), "
        + "or store one for " + gitLabInstanceOf(m_repository)
        + " in the console's GitLab page (the OS keychain, read here with secret-tool, or the token file " + gitLabTokenFilePath() + ")");
}

int GitLabCommandLine::push(std::ostream& out, std::ostream& err)
{
    const auto gitLabToken = token();
    requireGatewayData(m_dataDirectory, m_remote);
    const auto transport = transportFor({m_dataDirectory, m_remote, {}, false});
    const auto answer = transport->send({http::verb::get, std::string("/admin/v1/config/export?keys=") + (m_withoutKeys ? "omit" : "include"), {}});
    const auto exported = answerJson(answer, transport->where());
    std::map<std::string, std::string> files;
    for (const auto& [path, text] : exported.at("files").items())
        files[path] = text.get<std::string>();

    ConfigPushTarget target;
    target.remote = {m_repository, gitLabToken};
    target.branch = m_branch;
    target.mergeRequest = m_mergeRequest;
    target.target = m_target;
    target.title = m_title;
    if (const char* user = std::getenv("USER"); user && *user)
        target.authorName = std::string(user) + " (gatehouse)";
    ConfigPush push(target, files);
    const auto result = push.push();
    if (!result.branchCreated)
        out << "Nothing to push: " << m_target << " already holds this configuration (commit " << result.sha << "), so no branch "
            << m_branch << " was created" << (m_mergeRequest ? " and no merge request opened" : "") << ".\n";
    else if (result.changes.empty())
        out << "Nothing to push: " << m_branch << " already holds this configuration (commit " << result.sha << ").\n";
    else
        out << "Pushed " << result.changes.size() << " changed file(s) to " << m_branch << " of " << m_repository << ": commit "
            << result.sha << "\n";
    if (result.mergeRequest)
        out << "Merge request !" << result.mergeRequest->iid << (result.mergeRequest->reused ? " (already open)" : " (opened)") << ": "
            << result.mergeRequest->webUrl << "\n";
    (void)err;
    return 0;
}

int GitLabCommandLine::pull(std::istream& in, std::ostream& out, std::ostream& err)
{
    const auto gitLabToken = token();
    requireDataDirectory(m_dataDirectory, m_remote);
    const auto files = fetchConfigFiles({m_repository, gitLabToken}, m_ref);
    std::optional<GatewayConfig> file;
    if (m_remote.empty() && std::getenv(kAdminUrlVariable) == nullptr)
        file = m_loadConfigFile(m_configPath);
    const auto transport = transportFor({m_dataDirectory, m_remote, {}, false}, file ? &*file : nullptr);
    Json body{{"files", files}, {"prune", m_prune}, {"import_keys", m_importKeys}, {"reason", "gitlab pull " + m_repository + " " + m_ref}};
    const auto plan = answerJson(transport->send({http::verb::post, "/admin/v1/config/plan", body.dump()}), transport->where());
    out << "Configuration at " << m_ref << " of " << m_repository << ":\n";
    printConfigPlan(plan, transport->where(), false, out);
    if (!plan.at("problems").empty()) {
        printConfigProblems(plan.at("problems"), err);
        err << plan.at("problems").size() << " problem(s): nothing was applied.\n";
        return 1;
    }
    if (plan.at("changes").empty())
        return 0;
    if (!m_yes) {
        out << "Apply these changes to " << transport->where() << "? [y/N] " << std::flush;
        std::string reply;
        std::getline(in, reply);
        if (reply != "y" && reply != "Y" && reply != "yes") {
            out << "Not applied.\n";
            return 1;
        }
    }
    // Exactly what was shown: refused (409) if the gateway changed while the question was open.
    body["expected_base"] = plan.at("base");
    const auto applied = answerJson(transport->send({http::verb::post, "/admin/v1/config/apply", body.dump()}), transport->where());
    if (!applied.value("applied", false)) {
        printConfigProblems(applied.at("problems"), err);
        err << "Nothing was applied.\n";
        return 1;
    }
    printConfigPlan(applied, transport->where(), true, out);
    return 0;
}

} // namespace gatehouse
