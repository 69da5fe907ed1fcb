// The few calls of GitLab's REST API v4 that `gatehouse gitlab push --merge-request` needs: look a
// project up by its path, find an open merge request, open one. Blocking, one request per
// connection (http/BlockingHttpClient: TLS with SNI and verification against the system trust
// store). The token goes in the PRIVATE-TOKEN header only, and never into a log or an error.
#pragma once

#include "http/BlockingHttpClient.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace gatehouse {

// A GitLab call that did not give the expected answer. `status` is the HTTP status of GitLab's
// answer, 0 when there was none (connection refused, TLS, time-out). The message is plain and
// complete: what was asked, of which GitLab, and GitLab's own message where it gave one.
class GitLabError : public std::runtime_error {
public:
    GitLabError(int status, const std::string& message)
        : std::runtime_error(message)
        , m_status(status)
    {
    }
    int status() const { return m_status; }

private:
    int m_status;
};

struct GitLabProjectAddress {
    std::string apiBase; // "https://gitlab.example.com/api/v4"
    std::string path; // "group/sub/project"

    // "https://gitlab.example.com" (apiBase without "/api/v4"), for messages.
    std::string instanceUrl() const;
};

// The repository URL as `git clone` takes it: "https://gitlab.example.com/group/sub/project.git",
// also without ".git", with a port ("https://gitlab.example.com:8443/group/project") or with a
// trailing slash. http:// is accepted for a loopback host only (tests): elsewhere it would send the
// token in clear text. Not supported: GitLab installed under a path prefix
// ("https://example.com/gitlab/group/project"), since nothing in the URL tells the prefix from a
// group; the whole path is taken as the project's. Throws GitLabError (status 0) for
// credentials in the URL (user:pass@), a missing or one-segment path, a web page's URL
// (".../-/tree/main"), a query or fragment, or a scheme other than https:// or http://.
GitLabProjectAddress parseGitLabRepositoryUrl(const std::string& url);

// GitLab's own fields (GET /projects/:id).
struct GitLabProject {
    std::int64_t id = 0;
    std::string pathWithNamespace; // path_with_namespace
    std::string defaultBranch; // default_branch; "" for a repository without commits (null in GitLab)
    std::string webUrl; // web_url
};

// GitLab's own fields of a merge request, plus whether openMergeRequest() found it already open.
struct GitLabMergeRequest {
    std::int64_t id = 0; // unique in the GitLab instance
    std::int64_t iid = 0; // "!7": unique in the project
    std::string webUrl; // web_url
    std::string state; // "opened", "closed", "merged", "locked"
    std::string sha; // the head commit of the source branch; "" when GitLab gives null
    std::string sourceBranch;
    std::string targetBranch;
    bool reused = false; // openMergeRequest() returned an open one instead of creating it
};

class GitLabApi {
public:
    // `token`: a personal, group or project access token with the api scope. Throws GitLabError
    // (status 0) for an empty token.
    GitLabApi(GitLabProjectAddress address, std::string token, HttpTimeouts timeouts = {});

    const GitLabProjectAddress& address() const { return m_address; }

    // GET /projects/:id with the URL-encoded path.
    GitLabProject project() const;

    // GET /projects/:id/merge_requests?state=opened&source_branch=S&target_branch=T: the first one
    // GitLab lists, if any.
    std::optional<GitLabMergeRequest> findOpenMergeRequest(std::int64_t projectId, const std::string& sourceBranch,
        const std::string& targetBranch) const;

    // POST /projects/:id/merge_requests; GitLab answers 201 with the new merge request.
    GitLabMergeRequest createMergeRequest(std::int64_t projectId, const std::string& sourceBranch, const std::string& targetBranch,
        const std::string& title, const std::string& description) const;

    // The open merge request from `sourceBranch` to `targetBranch`: an existing one as it is
    // (`reused`, title and description unchanged), else a new one. When another client opened one
    // between the lookup and the creation (GitLab answers 409), that one is looked up and returned.
    GitLabMergeRequest openMergeRequest(std::int64_t projectId, const std::string& sourceBranch, const std::string& targetBranch,
        const std::string& title, const std::string& description) const;

private:
    HttpAnswer call(http::verb method, const std::string& target, const std::string& body) const;

    GitLabProjectAddress m_address;
    std::string m_token;
    BlockingHttpClient m_client;
};

} // namespace gatehouse
