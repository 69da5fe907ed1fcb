// A real git server on loopback for the GitLab transport tests: nginx + fcgiwrap + git-http-backend.
#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <filesystem>
#include <memory>
#include <string>

namespace gatehouse::test {

// Bare repositories served over smart HTTP the way GitLab serves them to a token: basic auth with
// the user name "oauth2" and the token as password, push enabled. nginx listens on a free
// 127.0.0.1 port; fcgiwrap runs git-http-backend per request. Both run in process groups of their
// own, are told to die with the test process, and are stopped by the destructor; every file
// (config, logs, repositories) lives in one temporary directory.
class GitHttpServer {
public:
    // Starts the server and waits until it answers. On failure returns null and says why in
    // `error` (a missing nginx, fcgiwrap or git-http-backend names the package to install).
    static std::unique_ptr<GitHttpServer> start(const std::string& token, std::string& error);
    // The same, and GitLab's API on the same host: /api/v4/ is proxied, without basic auth (the API
    // checks its own PRIVATE-TOKEN header), to http://127.0.0.1:`apiPort` (a FakeGitLab), so that a
    // client deriving the API from the repository URL, as `gitlab push --merge-request` does, finds it.
    static std::unique_ptr<GitHttpServer> start(const std::string& token, std::string& error, quint16 apiPort);
    ~GitHttpServer();
    GitHttpServer(const GitHttpServer&) = delete;
    GitHttpServer& operator=(const GitHttpServer&) = delete;

    const std::string& token() const { return m_token; }
    // Takes effect with the next request: nginx reads the password file each time.
    void setToken(const std::string& token);

    // Creates the bare repository `name`.git (no commits, default branch main) and returns its URL.
    std::string createRepository(const std::string& name);
    std::string url(const std::string& name) const;
    std::filesystem::path repositoryPath(const std::string& name) const;

    // Installs a pre-receive hook that prints `message` and refuses every push, as a GitLab
    // protected branch or push rule does.
    void rejectPushes(const std::string& name, const std::string& message);

    // Runs `git args...` in the bare repository and returns its trimmed output; throws
    // std::runtime_error with git's message on failure. For rev-parse, tag, show, ...
    std::string git(const std::string& name, const QStringList& arguments) const;

    // nginx's error log (fcgiwrap forwards git-http-backend's stderr there), for failure messages.
    std::string errorLog() const;

private:
    GitHttpServer() = default;
    bool launch(std::string& error);

    std::string m_token;
    QTemporaryDir m_directory;
    std::filesystem::path m_root;
    quint16 m_port = 0;
    quint16 m_apiPort = 0;  // 0: no /api/v4/ proxy
    QProcess m_fcgiwrap;
    QProcess m_nginx;
};

} // namespace gatehouse::test
