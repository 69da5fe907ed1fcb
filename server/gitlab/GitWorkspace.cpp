// The git CLI in a private temporary directory, its failures turned into plain GitErrors.
#include "GitWorkspace.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace gatehouse {
namespace {

namespace fs = std::filesystem;

// Prints the user name GitLab expects with an access token, and the token from the environment
// git hands down to it. The script holds no secret, so nothing secret is ever written to disk.
constexpr const char* kAskPassScript =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "*Username*) echo oauth2 ;;\n"
    "*) printf '%s\\n' \"$GATEHOUSE_GIT_TOKEN\" ;;\n"
    "esac\n";

constexpr const char* kTokenVariable = "GATEHOUSE_GIT_TOKEN";

// Settings on every command line: no credential helper may store or offer the token; no
// background gc or maintenance may outlive the command (it would write into a directory that is
// about to be removed); quiet hints.
const std::vector<std::string> kGitSettings = {
    "-c", "credential.helper=",
    "-c", "gc.auto=0",
    "-c", "maintenance.auto=false",
    "-c", "advice.detachedHead=false",
    "-c", "init.defaultBranch=main",
    "-c", "core.hooksPath=/dev/null",
};

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

std::string trim(std::string_view text)
{
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> splitLines(std::string_view text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::vector<std::string> splitNul(std::string_view text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\0', start);
        if (end == std::string_view::npos)
            end = text.size();
        parts.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

bool hasControlCharacters(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool isHex(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

// Refuses what must never reach git: credentials in the URL, a token sent over plain http to
// another machine, options disguised as URLs.
void validateRemote(const GitRemote& remote)
{
    const std::string& url = remote.url;
    std::string scheme = lowercase(url.substr(0, url.find("://")));
    if (url.find("://") == std::string::npos || (scheme != "https" && scheme != "http"))
        throw GitError(GitError::Kind::InvalidRequest,
            "the repository URL '" + url + "' is not an http(s) URL (expected https://host/group/project.git)");
    if (hasControlCharacters(url) || contains(url, " "))
        throw GitError(GitError::Kind::InvalidRequest, "the repository URL contains spaces or control characters");
    std::string rest = url.substr(scheme.size() + 3);
    std::string authority = rest.substr(0, rest.find_first_of("/?#"));
    if (contains(authority, "@"))
        throw GitError(GitError::Kind::InvalidRequest,
            "the repository URL must not contain a user name or password (user:password@host): give the URL "
            "without them and the access token separately");
    if (authority.empty() || rest.size() <= authority.size() + 1 || rest[authority.size()] != '/')
        throw GitError(GitError::Kind::InvalidRequest,
            "the repository URL '" + url + "' names no project (expected https://host/group/project.git)");
    if (rest.find_first_of("?#") != std::string::npos)
        throw GitError(GitError::Kind::InvalidRequest,
            "the repository URL '" + url + "' has a query or fragment; give the project's clone URL");
    if (scheme == "http") {
        std::string host = authority.front() == '[' ? authority.substr(0, authority.find(']') + 1)
                                                    : authority.substr(0, authority.find(':'));
        host = lowercase(host);
        if (host != "localhost" && host != "[::1]" && !startsWith(host, "127."))
            throw GitError(GitError::Kind::InvalidRequest,
                "refusing to send the access token over plain http to " + host + ": use the https:// URL");
    }
    if (remote.token.empty())
        throw GitError(GitError::Kind::InvalidRequest, "no GitLab access token was given for " + url);
    if (hasControlCharacters(remote.token))
        throw GitError(GitError::Kind::InvalidRequest,
            "the GitLab access token for " + url + " contains a line break or control character");
}

// Why a path given to replaceFiles cannot be written inside the checkout, or empty when it can.
std::string pathProblem(const std::string& path)
{
    if (path.empty())
        return "it is empty";
    if (path.front() == '/')
        return "it is absolute";
    if (contains(path, "\\"))
        return "it contains a backslash";
    if (hasControlCharacters(path))
        return "it contains a control character";
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        std::string part = path.substr(start, end - start);
        if (part.empty())
            return "it has an empty part (// or a trailing /)";
        if (part == "." || part == "..")
            return "it has a '.' or '..' part";
        if (lowercase(part) == ".git")
            return "it has a '.git' part";
        start = end + 1;
    }
    return {};
}

std::string readFile(const fs::path& path)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        throw GitError(GitError::Kind::Other,
            "could not read " + path.string() + " from the checkout: " + std::strerror(errno));
    std::string bytes;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            bytes.append(buffer, std::size_t(n));
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            int error = errno;
            ::close(fd);
            throw GitError(GitError::Kind::Other,
                "could not read " + path.string() + " from the checkout: " + std::strerror(error));
        }
    }
    ::close(fd);
    return bytes;
}

void writeFile(const fs::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    if (!out)
        throw GitError(GitError::Kind::Other, "could not write " + path.string() + " in the checkout");
}

// The "remote: " lines of git's stderr: what the server (a hook, GitLab) said, in its words.
std::vector<std::string> remoteLines(const std::string& standardError)
{
    std::vector<std::string> lines;
    for (const auto& line : splitLines(standardError)) {
        if (!startsWith(line, "remote:"))
            continue;
        // Sideband lines end in padding or an erase-to-end-of-line sequence.
        std::string text = line.substr(7);
        if (auto escape = text.find("\x1b["); escape != std::string::npos)
            text.erase(escape);
        text = trim(text);
        if (!text.empty())
            lines.push_back(text);
    }
    return lines;
}

std::string joinLines(const std::vector<std::string>& lines, const std::string& separator)
{
    std::string joined;
    for (const auto& line : lines) {
        if (!joined.empty())
            joined += separator;
        joined += line;
    }
    return joined;
}

// git's last "fatal:"/"error:" lines, or its last lines, for a message about an unexpected failure.
std::string gitComplaint(const std::string& standardError)
{
    std::vector<std::string> picked;
    auto lines = splitLines(standardError);
    for (const auto& line : lines)
        if (startsWith(line, "fatal:") || startsWith(line, "error:"))
            picked.push_back(trim(line));
    if (picked.empty())
        for (auto it = lines.size() > 3 ? lines.end() - 3 : lines.begin(); it != lines.end(); ++it)
            if (!trim(*it).empty())
                picked.push_back(trim(*it));
    return picked.empty() ? "no message" : joinLines(picked, "; ");
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to)
{
    if (from.empty())
        return text;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

} // namespace

GitWorkspace::GitWorkspace(const GitRemote& remote, std::string branch, const GitOptions& options)
    : m_remote(remote)
    , m_options(options)
    , m_branch(std::move(branch))
{
    if (!m_options.runner)
        m_options.runner = runChildProcess;

    std::string pattern = (fs::temp_directory_path() / "gatehouse-git-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw GitError(GitError::Kind::Other,
            "could not create a temporary directory for the git checkout: " + std::string(std::strerror(errno)));
    m_root = pattern;  // mkdtemp makes it 0700
    try {
        prepareDirectory();
    } catch (...) {
        // The destructor does not run for an object whose constructor threw.
        std::error_code ignored;
        fs::remove_all(m_root, ignored);
        throw;
    }
}

void GitWorkspace::prepareDirectory()
{
    m_home = m_root / "home";
    m_askPass = m_home / "askpass";
    m_checkout = m_root / "checkout";
    if (::mkdir(m_home.c_str(), 0700) != 0)
        throw GitError(GitError::Kind::Other, "could not create " + m_home.string() + ": " + std::strerror(errno));
    int fd = ::open(m_askPass.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (fd < 0)
        throw GitError(GitError::Kind::Other, "could not create " + m_askPass.string() + ": " + std::strerror(errno));
    std::string script = kAskPassScript;
    bool written = ::write(fd, script.data(), script.size()) == ssize_t(script.size());
    ::close(fd);
    if (!written)
        throw GitError(GitError::Kind::Other, "could not write " + m_askPass.string());
}

GitWorkspace::~GitWorkspace()
{
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
}

ChildProcessResult GitWorkspace::run(const std::vector<std::string>& arguments, Access access) const
{
    ChildProcessRequest request;
    request.arguments.push_back(m_options.gitProgram);
    request.arguments.insert(request.arguments.end(), kGitSettings.begin(), kGitSettings.end());
    request.arguments.insert(request.arguments.end(), arguments.begin(), arguments.end());

    const char* path = std::getenv("PATH");
    request.environment = {
        std::string("PATH=") + (path ? path : "/usr/local/bin:/usr/bin:/bin"),
        "HOME=" + m_home.string(),
        "LC_ALL=C",
        "GIT_CONFIG_NOSYSTEM=1",
        "GIT_CONFIG_GLOBAL=/dev/null",
        "GIT_TERMINAL_PROMPT=0",
    };
    // Where the host keeps a private CA for its GitLab, git (through libcurl) must find it too.
    for (const char* name : {"SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO", "TMPDIR"})
        if (const char* value = std::getenv(name))
            request.environment.push_back(std::string(name) + "=" + value);
    if (access == Access::Network) {
        request.environment.push_back("GIT_ASKPASS=" + m_askPass.string());
        request.environment.push_back(std::string(kTokenVariable) + "=" + m_remote.token);
    }
    request.workingDirectory = fs::exists(m_checkout / ".git") ? m_checkout : m_root;
    request.timeout = m_options.timeout;
    try {
        return m_options.runner(request);
    } catch (const std::system_error& error) {
        throw GitError(GitError::Kind::Other, "the git command-line tool (" + m_options.gitProgram
                + ") could not be started: " + error.code().message() + "; install git");
    }
}

std::string GitWorkspace::runOrThrow(const std::vector<std::string>& arguments, Access access,
    const std::string& operation) const
{
    auto result = run(arguments, access);
    if (result.timedOut || result.exitCode != 0)
        throwFailure(operation, result);
    return result.standardOutput;
}

void GitWorkspace::throwFailure(const std::string& operation, const ChildProcessResult& result) const
{
    using Kind = GitError::Kind;
    const std::string& url = m_remote.url;
    // git never gets the token in a URL or argument, but a server may echo anything back.
    auto scrub = [this](std::string text) { return replaceAll(std::move(text), m_remote.token, "[token]"); };
    const std::string& err = result.standardError;
    std::string lowerErr = lowercase(err);

    if (result.timedOut)
        throw GitError(Kind::Timeout, operation + " (" + url + ") did not finish within "
                + std::to_string(m_options.timeout.count()) + " s and was stopped");
    if (contains(err, "cannot run " + m_askPass.string()) || contains(err, "cannot exec '" + m_askPass.string()))
        throw GitError(Kind::Other, "git could not run its credential script in " + m_home.string()
                + " (is the temporary directory mounted noexec? point TMPDIR elsewhere)");
    if (contains(lowerErr, "authentication failed") || contains(err, "error: 401")
        || contains(lowerErr, "could not read username") || contains(lowerErr, "could not read password"))
        throw GitError(Kind::AuthenticationFailed, "GitLab refused the token for " + url
                + ": authentication failed (check that the token is valid, not expired or revoked, and has the "
                  "read_repository and write_repository scopes)");
    if (contains(err, "error: 403"))
        throw GitError(Kind::AuthenticationFailed, "GitLab refused access to " + url
                + " with this token (HTTP 403): the token needs the write_repository scope to push, and its user at "
                  "least the Developer role on the project");
    if ((contains(lowerErr, "repository") && contains(lowerErr, "not found")) || contains(err, "error: 404"))
        throw GitError(Kind::NotFound, "the repository " + url
                + " was not found (check the URL, and that the token's user can see the project)");
    if (contains(lowerErr, "not found"))
        throw GitError(Kind::NotFound, operation + " (" + url + ") failed: " + scrub(gitComplaint(err)));
    static const char* networkSigns[] = {"could not resolve host", "failed to connect", "connection refused",
        "couldn't connect", "connection timed out", "operation timed out", "ssl", "certificate",
        "unable to access", "recv failure", "send failure", "empty reply"};
    for (const char* sign : networkSigns)
        if (contains(lowerErr, sign))
            throw GitError(Kind::Network, "could not reach " + url + ": " + scrub(gitComplaint(err)));
    throw GitError(Kind::Other, operation + " (" + url + ") failed with exit code "
            + std::to_string(result.exitCode) + ": " + scrub(gitComplaint(err)));
}

std::map<std::string, std::string> GitWorkspace::remoteRefs() const
{
    // ref name -> object; "refs/tags/v1^{}" carries an annotated tag's commit.
    std::map<std::string, std::string> refs;
    auto output = runOrThrow({"ls-remote", m_remote.url}, Access::Network, "listing the branches of the repository");
    for (const auto& line : splitLines(output)) {
        auto tab = line.find('\t');
        if (tab != std::string::npos)
            refs[line.substr(tab + 1)] = line.substr(0, tab);
    }
    return refs;
}

void GitWorkspace::requireValidRefName(const std::string& name, const std::string& what) const
{
    bool valid = !name.empty() && name.front() != '-' && !hasControlCharacters(name);
    if (valid) {
        auto result = run({"check-ref-format", "refs/heads/" + name}, Access::Local);
        if (result.timedOut)
            throwFailure("checking the " + what + " name", result);
        valid = result.exitCode == 0;
    }
    if (!valid)
        throw GitError(GitError::Kind::InvalidRequest, "'" + name + "' is not a valid git " + what + " name");
}

std::unique_ptr<GitWorkspace> GitWorkspace::open(const GitRemote& remote, const std::string& branch,
    const std::string& startFrom, const GitOptions& options)
{
    validateRemote(remote);
    std::unique_ptr<GitWorkspace> workspace(new GitWorkspace(remote, branch, options));
    workspace->requireValidRefName(branch, "branch");
    if (!startFrom.empty())
        workspace->requireValidRefName(startFrom, "branch");

    auto refs = workspace->remoteRefs();
    auto cloneBranch = [&](const std::string& name) {
        workspace->runOrThrow({"clone", "--quiet", "--no-tags", "--single-branch", "--branch", name, "--",
                                  remote.url, workspace->m_checkout.string()},
            Access::Network, "cloning branch '" + name + "'");
    };
    workspace->m_branchIsNew = !refs.count("refs/heads/" + branch);
    if (!workspace->m_branchIsNew) {
        cloneBranch(branch);
    } else if (!startFrom.empty() && refs.count("refs/heads/" + startFrom)) {
        cloneBranch(startFrom);
        workspace->runOrThrow({"checkout", "--quiet", "-b", branch}, Access::Local, "creating branch '" + branch + "'");
    } else {
        // A new project without commits (or without the start branch): the first push creates it.
        workspace->runOrThrow({"init", "--quiet", "--initial-branch=" + branch, workspace->m_checkout.string()},
            Access::Local, "creating an empty repository");
        workspace->runOrThrow({"remote", "add", "origin", remote.url}, Access::Local, "adding the remote");
    }
    return workspace;
}

std::unique_ptr<GitWorkspace> GitWorkspace::openAt(const GitRemote& remote, const std::string& ref,
    const GitOptions& options)
{
    validateRemote(remote);
    std::unique_ptr<GitWorkspace> workspace(new GitWorkspace(remote, ref, options));
    workspace->m_readOnly = true;
    workspace->requireValidRefName(ref, "branch, tag or commit");

    auto refs = workspace->remoteRefs();
    workspace->runOrThrow({"init", "--quiet", workspace->m_checkout.string()}, Access::Local, "creating a repository");
    workspace->runOrThrow({"remote", "add", "origin", remote.url}, Access::Local, "adding the remote");

    auto notFound = [&] {
        return GitError(GitError::Kind::NotFound,
            "there is no branch, tag or commit '" + ref + "' in " + remote.url);
    };
    std::string fullRef;
    for (const std::string& candidate : {ref, "refs/heads/" + ref, "refs/tags/" + ref})
        if (startsWith(candidate, "refs/") && refs.count(candidate)) {
            fullRef = candidate;
            break;
        }
    if (!fullRef.empty()) {
        workspace->runOrThrow({"fetch", "--quiet", "--no-tags", "--depth", "1", "origin", fullRef},
            Access::Network, "fetching '" + ref + "'");
        workspace->runOrThrow({"checkout", "--quiet", "--detach", "FETCH_HEAD^{commit}"}, Access::Local,
            "checking out '" + ref + "'");
        return workspace;
    }
    if (!isHex(ref) || ref.size() < 4 || ref.size() > 64)
        throw notFound();

    bool fetched = false;
    if (ref.size() == 40 || ref.size() == 64) {
        // Servers speaking protocol v2 (and GitLab) hand out a commit by its id.
        auto direct = workspace->run({"fetch", "--quiet", "--no-tags", "--depth", "1", "origin", ref}, Access::Network);
        fetched = !direct.timedOut && direct.exitCode == 0;
    }
    if (!fetched)
        workspace->runOrThrow({"fetch", "--quiet", "origin", "+refs/heads/*:refs/remotes/origin/*",
                                  "+refs/tags/*:refs/tags/*"},
            Access::Network, "fetching the branches and tags");
    auto resolved = workspace->run({"rev-parse", "--verify", "--quiet", ref + "^{commit}"}, Access::Local);
    if (resolved.timedOut || resolved.exitCode != 0)
        throw notFound();
    workspace->runOrThrow({"checkout", "--quiet", "--detach", trim(resolved.standardOutput)}, Access::Local,
        "checking out '" + ref + "'");
    return workspace;
}

std::vector<std::string> GitWorkspace::trackedPaths() const
{
    return splitNul(runOrThrow({"ls-files", "-z"}, Access::Local, "listing the checkout's files"));
}

std::map<std::string, std::string> GitWorkspace::files() const
{
    std::map<std::string, std::string> files;
    auto entries = splitNul(runOrThrow({"ls-files", "-z", "--stage"}, Access::Local, "listing the checkout's files"));
    for (const auto& entry : entries) {
        // "<mode> <object> <stage>\t<path>"
        auto tab = entry.find('\t');
        if (tab == std::string::npos)
            continue;
        std::string mode = entry.substr(0, entry.find(' '));
        if (mode != "100644" && mode != "100755")
            continue;
        std::string path = entry.substr(tab + 1);
        files[path] = readFile(m_checkout / path);
    }
    return files;
}

void GitWorkspace::replaceFiles(const std::map<std::string, std::string>& files)
{
    for (const auto& [path, bytes] : files) {
        if (auto problem = pathProblem(path); !problem.empty())
            throw GitError(GitError::Kind::InvalidRequest, "refusing to write '" + path + "': " + problem);
        for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
            if (files.count(path.substr(0, slash)))
                throw GitError(GitError::Kind::InvalidRequest,
                    "refusing to write '" + path + "': '" + path.substr(0, slash) + "' is also given as a file");
    }

    std::error_code error;
    // Only regular files go: symbolic links and submodules are not configuration, files() leaves
    // them out, so they are kept as they are.
    const auto regular = this->files();
    for (const auto& path : trackedPaths()) {
        if (files.count(path) || !regular.count(path))
            continue;
        fs::remove_all(m_checkout / path, error);
        if (error)
            throw GitError(GitError::Kind::Other, "could not delete " + path + " in the checkout: " + error.message());
        // Directories left empty go too, so a file may take a removed directory's place.
        for (fs::path dir = (m_checkout / path).parent_path(); dir != m_checkout && fs::is_empty(dir, error);
             dir = dir.parent_path())
            fs::remove(dir, error);
    }
    for (const auto& [path, bytes] : files) {
        fs::path target = m_checkout / path;
        auto status = fs::symlink_status(target, error);
        if (fs::exists(status) && !fs::is_regular_file(status))
            fs::remove_all(target, error);  // a link or a directory never receives the bytes
        else if (fs::is_regular_file(status) && readFile(target) == bytes)
            continue;
        fs::create_directories(target.parent_path(), error);
        if (error)
            throw GitError(GitError::Kind::Other,
                "could not create the directory of " + path + " in the checkout: " + error.message());
        writeFile(target, bytes);
    }
    runOrThrow({"add", "--all"}, Access::Local, "staging the files");
}

std::vector<FileChange> GitWorkspace::stagedChanges() const
{
    auto parts = splitNul(runOrThrow({"diff", "--cached", "--name-status", "--no-renames", "-z"}, Access::Local,
        "listing the staged changes"));
    std::vector<FileChange> changes;
    for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
        char status = parts[i].empty() ? 'M' : parts[i].front();
        changes.push_back({parts[i + 1], status == 'A' || status == 'D' ? status : 'M'});
    }
    return changes;
}

std::string GitWorkspace::stagedDiff() const
{
    return runOrThrow({"diff", "--cached", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv"},
        Access::Local, "diffing the staged changes");
}

std::optional<std::string> GitWorkspace::commit(const std::string& message, const std::string& authorName,
    const std::string& authorEmail)
{
    for (const std::string* field : {&authorName, &authorEmail})
        if (field->empty() || hasControlCharacters(*field) || field->find_first_of("<>") != std::string::npos)
            throw GitError(GitError::Kind::InvalidRequest,
                "the commit author name and email must be non-empty, on one line and without '<' or '>'");
    if (trim(message).empty())
        throw GitError(GitError::Kind::InvalidRequest, "the commit message is empty");
    if (stagedChanges().empty())
        return std::nullopt;
    // Through a file: a message listing hundreds of changed entities stays off the command line.
    fs::path messageFile = m_root / "commit-message";
    writeFile(messageFile, message);
    runOrThrow({"-c", "user.name=" + authorName, "-c", "user.email=" + authorEmail, "commit", "--quiet",
                   "--no-verify", "--no-gpg-sign", "--cleanup=whitespace", "--file", messageFile.string()},
        Access::Local, "committing");
    std::error_code ignored;
    fs::remove(messageFile, ignored);
    return headSha();
}

void GitWorkspace::push()
{
    if (m_readOnly)
        throw GitError(GitError::Kind::InvalidRequest,
            "the checkout of '" + m_branch + "' was opened read-only at a ref and cannot be pushed");
    if (headSha().empty())
        throw GitError(GitError::Kind::InvalidRequest, "nothing to push to branch '" + m_branch + "': no commit yet");
    auto result = run({"push", "--porcelain", "origin", "HEAD:refs/heads/" + m_branch}, Access::Network);
    if (!result.timedOut && result.exitCode == 0)
        return;
    // --porcelain: "!\t<from>:<to>\t[remote rejected] (pre-receive hook declined)" for a refused ref.
    for (const auto& line : splitLines(result.standardOutput)) {
        if (!startsWith(line, "!"))
            continue;
        auto scrub = [this](std::string text) { return replaceAll(std::move(text), m_remote.token, "[token]"); };
        std::string summary = trim(line.substr(line.rfind('\t') + 1));
        if (contains(summary, "fetch first") || contains(summary, "non-fast-forward"))
            throw GitError(GitError::Kind::Rejected, "the push to branch '" + m_branch + "' of " + m_remote.url
                    + " was rejected: the branch changed on the server after it was fetched; export again");
        auto reasons = remoteLines(result.standardError);
        throw GitError(GitError::Kind::Rejected, "the push to branch '" + m_branch + "' of " + m_remote.url
                + " was rejected: " + scrub(reasons.empty() ? summary : joinLines(reasons, " / ")));
    }
    throwFailure("pushing to branch '" + m_branch + "'", result);
}

std::string GitWorkspace::headSha() const
{
    auto result = run({"rev-parse", "--verify", "--quiet", "HEAD"}, Access::Local);
    return result.exitCode == 0 ? trim(result.standardOutput) : std::string();
}

} // namespace gatehouse
