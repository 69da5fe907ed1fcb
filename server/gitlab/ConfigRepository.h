// The configuration export in a GitLab repository (issue 8, docs/config-as-code.md): what
// `gatehouse gitlab push|pull` and the console's GitLab page do, on top of GitWorkspace (git) and
// GitLabApi (merge requests). No Qt; blocking (the console runs it on a worker thread).
#pragma once

#include "gitlab/GitLabApi.h"
#include "gitlab/GitWorkspace.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

// The repository's files with `exported` put in: the tree's own files (its directories' .yaml files
// and the manifest) become exactly the export's; other files (a README, the gateway's config file)
// stay; a .gitlab-ci.yml is added when the repository has none (an existing one is the team's).
// Throws std::runtime_error when `exported` holds a path outside the tree (isConfigTreePath).
std::map<std::string, std::string> repositoryFilesWithExport(const std::map<std::string, std::string>& repository,
    const std::map<std::string, std::string>& exported);

// "Gatehouse configuration export: 2 added, 1 changed" and one line per file ("added models/x.yaml").
std::string exportCommitMessage(const std::vector<FileChange>& changes);

struct ConfigPushTarget {
    GitRemote remote;   // repository URL and token
    std::string branch; // pushed to (created from `target` when new)
    // Open a merge request from `branch` into `target` (reusing an open one).
    bool mergeRequest = false;
    std::string target = "main";
    std::string title = "Gatehouse configuration";
    std::string authorName = "Gatehouse";
    std::string authorEmail = "gatehouse@localhost";
    GitOptions git;
    HttpTimeouts http;
};

struct ConfigPushResult {
    std::vector<FileChange> changes; // empty: the branch (or, for a new branch, its start) already held the export
    std::string sha;                 // the branch's head after the push (the old head when nothing changed)
    // Nothing changed on a branch that does not exist yet: no branch was pushed, so no merge
    // request either (there would be nothing to merge, and GitLab refuses a missing source branch).
    bool branchCreated = true;
    std::optional<GitLabMergeRequest> mergeRequest;
};

// One push, in two steps so that the diff can be shown before anything is sent: prepare() clones the
// branch and stages the export; push() commits, pushes and opens the merge request. Nothing is
// written anywhere but the workspace's temporary directory until push(); a rejected push leaves
// nothing behind (the workspace goes with this object).
class ConfigPush {
public:
    ConfigPush(ConfigPushTarget target, std::map<std::string, std::string> exported);
    ~ConfigPush();

    // Throws GitError (InvalidRequest, before anything is cloned, for a merge request whose source
    // and target are one branch).
    void prepare();
    const std::vector<FileChange>& changes() const { return m_changes; }
    const std::string& diff() const { return m_diff; }

    // Throws GitError, GitLabError (the push happened then: the message says so).
    ConfigPushResult push();

private:
    ConfigPushTarget m_target;
    std::map<std::string, std::string> m_exported;
    std::unique_ptr<GitWorkspace> m_workspace;
    std::vector<FileChange> m_changes;
    std::string m_diff;
};

// The tree's files at `ref` (a branch, tag or commit) of the repository: what `gitlab pull` plans
// and applies. Throws GitError.
std::map<std::string, std::string> fetchConfigFiles(const GitRemote& remote, const std::string& ref, const GitOptions& options = {});

} // namespace gatehouse
