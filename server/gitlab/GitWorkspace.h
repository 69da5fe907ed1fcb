// A temporary git checkout of a GitLab repository branch: read it, replace its files, commit, push.
#pragma once

#include "ChildProcess.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse {

// A repository on GitLab over HTTP(S) and the access token to reach it. The URL carries no
// credentials (a URL with user:password@ is refused): a URL ends up in git's config, messages and
// process lists, the token must not. Plain http:// is accepted for loopback hosts only, so a token
// never crosses a network in the clear.
struct GitRemote {
    std::string url;    // http(s)://host[:port]/group/project.git
    std::string token;  // personal, project or group access token (read_repository, write_repository to push)
};

// Every failure of the transport. The message is meant for the operator as is: it names the
// repository and branch, says what to check, carries the remote's own reason where it gave one
// (a hook's "remote: " lines), and never contains the token.
class GitError : public std::runtime_error {
public:
    enum class Kind {
        AuthenticationFailed,  // HTTP 401/403: wrong, expired or under-scoped token
        NotFound,              // no such repository, branch, tag or commit
        Rejected,              // the server refused the pushed ref (hook, protected branch, not a fast-forward)
        Network,               // DNS, connection, TLS
        Timeout,               // a git command ran past its deadline and was killed
        InvalidRequest,        // refused before anything ran: URL with credentials, bad branch or path
        Other,
    };
    GitError(Kind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

// One staged path, for commit messages and the console's preview: 'A' added, 'M' modified
// (content or mode), 'D' deleted. Renames show as a delete and an add: an export has no renames.
struct FileChange {
    std::string path;
    char status = 'M';
    friend bool operator==(const FileChange&, const FileChange&) = default;
};

struct GitOptions {
    // The deadline of each git command (a clone or a push), not of the whole workspace.
    std::chrono::seconds timeout{120};
    // How the commands run; empty means runChildProcess. Tests wrap it to record the commands.
    ChildProcessRunner runner;
    std::string gitProgram = "git";
};

// A clone in a fresh private (0700) temporary directory, driven through the git CLI as a child
// process. The token reaches git only through a GIT_ASKPASS script that prints it from an
// environment variable set for network commands alone: it is never in an argument, a URL, git's
// config or a file. git runs without system or user config, so the gateway host's own git setup
// (credential helpers, proxies, hooks, insteadOf rewrites) cannot change what happens.
// The destructor removes the directory; a failed push therefore leaves nothing behind.
// Not thread-safe: one workspace is used by one caller at a time.
class GitWorkspace {
public:
    // Clones `branch` of the remote. When the branch does not exist there yet, the workspace
    // starts from `startFrom` (e.g. "main") if that exists, else from an empty history, so the
    // first push to a new, empty GitLab project works; push() then creates the branch.
    static std::unique_ptr<GitWorkspace> open(const GitRemote& remote, const std::string& branch,
        const std::string& startFrom, const GitOptions& options = {});

    // Read-only checkout of `ref` for `gitlab pull --ref`: a branch, a tag (annotated or not) or a
    // commit SHA (full or abbreviated, reachable from a branch or tag). Branches and tags are
    // fetched alone and shallow; a SHA is first asked for directly (GitLab and protocol v2
    // servers allow that) and otherwise looked up in the fetched branches and tags.
    static std::unique_ptr<GitWorkspace> openAt(const GitRemote& remote, const std::string& ref,
        const GitOptions& options = {});

    ~GitWorkspace();
    GitWorkspace(const GitWorkspace&) = delete;
    GitWorkspace& operator=(const GitWorkspace&) = delete;

    // Every tracked regular file of the checkout: path (with '/') -> bytes. Symbolic links and
    // submodules are left out: they are not configuration, and following a link could read a
    // file outside the checkout.
    std::map<std::string, std::string> files() const;

    // Makes the working tree's regular files exactly `files` (deleting tracked regular files not in
    // it, creating directories; symbolic links and submodules are left alone), then stages
    // everything (`git add -A`). Paths are relative with '/', without
    // '.', '..', empty parts or a '.git' part, and no path may also be a directory of another.
    void replaceFiles(const std::map<std::string, std::string>& files);

    // The staged changes against HEAD (against nothing in an empty history), by path.
    std::vector<FileChange> stagedChanges() const;
    // Unified diff text of the staged changes, shown by the console before pushing.
    std::string stagedDiff() const;

    // Commits the staged changes as the given author (also the committer); nullopt when nothing
    // changed. Returns the new commit's SHA.
    std::optional<std::string> commit(const std::string& message, const std::string& authorName,
        const std::string& authorEmail);

    // Pushes HEAD to the branch (creating it on the server when new). Throws GitError: Rejected
    // with the server's reason, AuthenticationFailed, Network, Timeout, ...
    void push();

    // HEAD's commit SHA; empty in an empty history before the first commit.
    std::string headSha() const;
    // The branch (or, for openAt, the ref) this workspace is for.
    const std::string& branch() const { return m_branch; }
    bool readOnly() const { return m_readOnly; }
    // The branch is not on the server yet (open() started it from `startFrom` or from nothing):
    // only a push creates it.
    bool branchIsNew() const { return m_branchIsNew; }
    // The checkout itself; it lives inside a private temporary directory that the destructor
    // removes with it.
    const std::filesystem::path& directory() const { return m_checkout; }

private:
    GitWorkspace(const GitRemote& remote, std::string branch, const GitOptions& options);
    void prepareDirectory();

    enum class Access { Local, Network };
    ChildProcessResult run(const std::vector<std::string>& arguments, Access access) const;
    std::string runOrThrow(const std::vector<std::string>& arguments, Access access,
        const std::string& operation) const;
    [[noreturn]] void throwFailure(const std::string& operation, const ChildProcessResult& result) const;
    std::map<std::string, std::string> remoteRefs() const;
    std::vector<std::string> trackedPaths() const;
    void requireValidRefName(const std::string& name, const std::string& what) const;

    GitRemote m_remote;
    GitOptions m_options;
    std::string m_branch;
    bool m_readOnly = false;
    bool m_branchIsNew = false;
    std::filesystem::path m_root;      // the private temporary directory, removed by the destructor
    std::filesystem::path m_home;      // HOME of every git command, holds the askpass script
    std::filesystem::path m_askPass;
    std::filesystem::path m_checkout;
};

} // namespace gatehouse
