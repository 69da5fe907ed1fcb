#include "gitlab/ConfigRepository.h"

#include "configcode/ConfigTree.h"
#include "gitlab/GitLabCiFile.h"

#include <set>

namespace gatehouse {
namespace {

const char* changeWord(char status)
{
    if (status == 'A')
        return "added";
    if (status == 'D')
        return "removed";
    return "changed";
}

} // namespace

std::map<std::string, std::string> repositoryFilesWithExport(const std::map<std::string, std::string>& repository,
    const std::map<std::string, std::string>& exported)
{
    std::map<std::string, std::string> files;
    for (const auto& [path, text] : repository) {
        if (!isConfigTreePath(path))
            files[path] = text;
    }
    for (const auto& [path, text] : exported) {
        // The export comes from a gateway's answer: nothing outside the tree is written from it.
        if (!isConfigTreePath(path))
            throw std::runtime_error("the gateway's export holds '" + path + "', which is not a file of a configuration tree: nothing was written");
        files[path] = text;
    }
    files.try_emplace(kGitLabCiFileName, gitlabCiFileText());
    return files;
}

std::string exportCommitMessage(const std::vector<FileChange>& changes)
{
    std::map<std::string, int> counts;
    for (const auto& change : changes)
        ++counts[changeWord(change.status)];
    std::string summary;
    for (const char* word : {"added", "changed", "removed"}) {
        if (counts[word] > 0)
            summary += (summary.empty() ? "" : ", ") + std::to_string(counts[word]) + " " + word;
    }
    std::string message = "Gatehouse configuration export: " + summary + "\n\n";
    for (const auto& change : changes)
        message += std::string(changeWord(change.status)) + " " + change.path + "\n";
    return message;
}

ConfigPush::ConfigPush(ConfigPushTarget target, std::map<std::string, std::string> exported)
    : m_target(std::move(target))
    , m_exported(std::move(exported))
{
}

ConfigPush::~ConfigPush() = default;

void ConfigPush::prepare()
{
    // Refused before anything is cloned or pushed: GitLab refuses a merge request into its own
    // source branch, but only after the push has happened.
    if (m_target.mergeRequest && m_target.branch == m_target.target)
        throw GitError(GitError::Kind::InvalidRequest,
            "the branch and the merge request's target are both '" + m_target.branch + "': a merge request needs a branch of its own");
    m_workspace = GitWorkspace::open(m_target.remote, m_target.branch, m_target.target, m_target.git);
    m_workspace->replaceFiles(repositoryFilesWithExport(m_workspace->files(), m_exported));
    m_changes = m_workspace->stagedChanges();
    m_diff = m_workspace->stagedDiff();
}

ConfigPushResult ConfigPush::push()
{
    if (!m_workspace)
        prepare();
    ConfigPushResult result;
    result.changes = m_changes;
    if (const auto sha = m_workspace->commit(exportCommitMessage(m_changes), m_target.authorName, m_target.authorEmail)) {
        m_workspace->push();
        result.sha = *sha;
    } else {
        result.sha = m_workspace->headSha();
        result.branchCreated = !m_workspace->branchIsNew();
    }
    if (m_target.mergeRequest && result.branchCreated) {
        const GitLabApi api(parseGitLabRepositoryUrl(m_target.remote.url), m_target.remote.token, m_target.http);
        try {
            const auto project = api.project();
            result.mergeRequest = api.openMergeRequest(project.id, m_target.branch, m_target.target, m_target.title,
                result.changes.empty() ? std::string() : exportCommitMessage(result.changes));
        } catch (const GitLabError& error) {
            throw GitLabError(error.status(), (result.sha.empty() ? std::string() : "pushed " + result.sha + " to " + m_target.branch
                                                      + ", but the merge request could not be opened: ")
                    + error.what());
        }
    }
    m_workspace.reset(); // the temporary clone goes now, not with this object
    return result;
}

std::map<std::string, std::string> fetchConfigFiles(const GitRemote& remote, const std::string& ref, const GitOptions& options)
{
    const auto workspace = GitWorkspace::openAt(remote, ref, options);
    return workspace->files();
}

} // namespace gatehouse
