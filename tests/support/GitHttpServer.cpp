// Starts nginx and fcgiwrap on loopback in a temporary directory; waits for them by connecting.
#include "GitHttpServer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QStandardPaths>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace gatehouse::test {
namespace {

namespace fs = std::filesystem;

QString findProgram(const QString& name, const QStringList& extraPaths)
{
    QString found = QStandardPaths::findExecutable(name);
    return found.isEmpty() ? QStandardPaths::findExecutable(name, extraPaths) : found;
}

bool writeText(const fs::path& path, const std::string& text, QFileDevice::Permissions permissions = {})
{
    QFile file(QString::fromStdString(path.string()));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    bool ok = file.write(text.data(), qint64(text.size())) == qint64(text.size());
    if (permissions)
        ok = file.setPermissions(permissions) && ok;
    return ok;
}

std::string readText(const fs::path& path)
{
    QFile file(QString::fromStdString(path.string()));
    return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string();
}

// A port nothing listens on right now. Another process may take it before nginx binds it; start()
// then tries again with a new one.
quint16 freeLoopbackPort()
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    quint16 port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    if (fd >= 0)
        ::close(fd);
    return port;
}

bool canConnectTcp(quint16 port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    if (fd >= 0)
        ::close(fd);
    return ok;
}

bool canConnectUnix(const fs::path& path)
{
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string text = path.string();
    if (text.size() >= sizeof address.sun_path) {
        ::close(fd);
        return false;
    }
    text.copy(address.sun_path, text.size());
    bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    if (fd >= 0)
        ::close(fd);
    return ok;
}

// Waits until `ready()` holds, watching the process: its exit ends the wait at once. The wait
// between attempts is a wait for that exit, not a sleep.
template <typename Ready>
bool waitUntil(QProcess& process, Ready ready, int budgetMs)
{
    QDeadlineTimer deadline(budgetMs);
    while (!deadline.hasExpired()) {
        if (ready())
            return true;
        if (process.state() == QProcess::NotRunning || process.waitForFinished(20))
            return false;
    }
    return ready();
}

// Its own process group (so stopping it stops its workers and CGI children too), and SIGTERM
// when the test process dies before the destructor ran.
void detachIntoOwnGroup(QProcess& process)
{
    process.setChildProcessModifier([] {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });
}

void stopGroup(QProcess& process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    pid_t pid = pid_t(process.processId());
    ::kill(-pid, SIGTERM);
    if (!process.waitForFinished(5000)) {
        ::kill(-pid, SIGKILL);
        process.waitForFinished(5000);
    }
    ::kill(-pid, SIGKILL);  // stragglers of the group; none once a clean shutdown finished
}

QProcessEnvironment hermeticGitEnvironment()
{
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert("GIT_CONFIG_NOSYSTEM", "1");
    environment.insert("GIT_CONFIG_GLOBAL", "/dev/null");
    environment.insert("LC_ALL", "C");
    return environment;
}

std::string shellQuoted(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

} // namespace

std::unique_ptr<GitHttpServer> GitHttpServer::start(const std::string& token, std::string& error)
{
    return start(token, error, 0);
}

std::unique_ptr<GitHttpServer> GitHttpServer::start(const std::string& token, std::string& error, quint16 apiPort)
{
    std::unique_ptr<GitHttpServer> server(new GitHttpServer);
    server->m_token = token;
    server->m_apiPort = apiPort;
    if (!server->m_directory.isValid()) {
        error = "could not create a temporary directory for the git server";
        return nullptr;
    }
    server->m_root = fs::path(server->m_directory.path().toStdString());
    fs::create_directories(server->m_root / "repos");
    server->setToken(token);
    // A port taken between choosing it and nginx binding it is the only expected reason to retry.
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (server->launch(error))
            return server;
        if (error.find("Address already in use") == std::string::npos)
            break;
    }
    return nullptr;
}

bool GitHttpServer::launch(std::string& error)
{
    stopGroup(m_nginx);
    stopGroup(m_fcgiwrap);

    const QStringList sbin = {"/usr/sbin", "/usr/local/sbin", "/sbin"};
    QString nginx = findProgram("nginx", sbin);
    QString fcgiwrap = findProgram("fcgiwrap", sbin);
    QString git = findProgram("git", sbin);
    const std::string backend = "/usr/lib/git-core/git-http-backend";
    std::string missing;
    if (git.isEmpty())
        missing += " git";
    if (nginx.isEmpty())
        missing += " nginx";
    if (fcgiwrap.isEmpty())
        missing += " fcgiwrap";
    if (!fs::exists(backend))
        missing += " " + backend;
    if (!missing.empty()) {
        error = "the loopback git server needs" + missing
            + ": install the Debian packages git nginx-light fcgiwrap (packaging/install-deps.sh test)";
        return false;
    }

    const fs::path socket = m_root / "fcgiwrap.sock";
    std::error_code ignored;
    fs::remove(socket, ignored);
    detachIntoOwnGroup(m_fcgiwrap);
    m_fcgiwrap.setStandardOutputFile(QString::fromStdString((m_root / "fcgiwrap.log").string()));
    m_fcgiwrap.setStandardErrorFile(QString::fromStdString((m_root / "fcgiwrap.log").string()), QIODevice::Append);
    m_fcgiwrap.start(fcgiwrap, {"-f", "-c", "2", "-s", QString::fromStdString("unix:" + socket.string())});
    if (!m_fcgiwrap.waitForStarted(5000)
        || !waitUntil(m_fcgiwrap, [&] { return canConnectUnix(socket); }, 10000)) {
        error = "fcgiwrap did not start listening on " + socket.string() + ": " + readText(m_root / "fcgiwrap.log");
        return false;
    }

    m_port = freeLoopbackPort();
    const std::string root = m_root.string();
    std::string config;
    if (::geteuid() == 0)
        config += "user root;\n";  // else nginx's workers would run as nobody and could not read the repos
    config += "worker_processes 1;\n"
              "pid " + root + "/nginx.pid;\n"
              "error_log " + root + "/error.log info;\n"
              "events { worker_connections 64; }\n"
              "http {\n"
              "  access_log off;\n"
              "  client_body_temp_path " + root + "/client_body_temp;\n"
              "  fastcgi_temp_path " + root + "/fastcgi_temp;\n"
              "  proxy_temp_path " + root + "/proxy_temp;\n"
              "  uwsgi_temp_path " + root + "/uwsgi_temp;\n"
              "  scgi_temp_path " + root + "/scgi_temp;\n"
              "  client_max_body_size 0;\n"
              "  server {\n"
              "    listen 127.0.0.1:" + std::to_string(m_port) + ";\n";
    if (m_apiPort != 0) {
        // Without a URI part, proxy_pass forwards the request URI as the client sent it, so an
        // encoded project path (group%2Fproject) arrives encoded.
        config += "    location /api/v4/ {\n"
                  "      proxy_pass http://127.0.0.1:" + std::to_string(m_apiPort) + ";\n"
                  "      proxy_http_version 1.1;\n"
                  "      proxy_set_header Connection \"\";\n"
                  "    }\n";
    }
    config +=
              "    location / {\n"
              "      auth_basic \"git\";\n"
              "      auth_basic_user_file " + root + "/htpasswd;\n"
              "      include /etc/nginx/fastcgi_params;\n"
              "      fastcgi_param SCRIPT_FILENAME " + backend + ";\n"
              "      fastcgi_param GIT_PROJECT_ROOT " + root + "/repos;\n"
              "      fastcgi_param GIT_HTTP_EXPORT_ALL \"\";\n"
              "      fastcgi_param PATH_INFO $uri;\n"
              "      fastcgi_param REMOTE_USER $remote_user;\n"
              "      fastcgi_pass unix:" + socket.string() + ";\n"
              "    }\n"
              "  }\n"
              "}\n";
    const fs::path configPath = m_root / "nginx.conf";
    if (!writeText(configPath, config)) {
        error = "could not write " + configPath.string();
        return false;
    }
    fs::remove(m_root / "error.log", ignored);
    detachIntoOwnGroup(m_nginx);
    m_nginx.setProcessChannelMode(QProcess::MergedChannels);
    m_nginx.start(nginx, {"-p", QString::fromStdString(root), "-c", QString::fromStdString(configPath.string()), "-e",
                             QString::fromStdString(root + "/error.log"), "-g", "daemon off;"});
    if (!m_nginx.waitForStarted(5000) || !waitUntil(m_nginx, [&] { return canConnectTcp(m_port); }, 10000)) {
        error = "nginx did not start listening on 127.0.0.1:" + std::to_string(m_port) + ": "
            + m_nginx.readAll().toStdString() + errorLog();
        return false;
    }
    return true;
}

GitHttpServer::~GitHttpServer()
{
    stopGroup(m_nginx);
    stopGroup(m_fcgiwrap);
}

void GitHttpServer::setToken(const std::string& token)
{
    m_token = token;
    if (!writeText(m_root / "htpasswd", "oauth2:{PLAIN}" + token + "\n"))
        throw std::runtime_error("could not write the git server's password file");
}

std::string GitHttpServer::createRepository(const std::string& name)
{
    const fs::path path = repositoryPath(name);
    QProcess init;
    init.setProcessEnvironment(hermeticGitEnvironment());
    init.start("git", {"init", "--quiet", "--bare", "-b", "main", QString::fromStdString(path.string())});
    if (!init.waitForFinished(30000) || init.exitCode() != 0)
        throw std::runtime_error("git init --bare " + path.string() + " failed: " + init.readAllStandardError().toStdString());
    git(name, {"config", "http.receivepack", "true"});
    return url(name);
}

std::string GitHttpServer::url(const std::string& name) const
{
    return "http://127.0.0.1:" + std::to_string(m_port) + "/" + name + ".git";
}

fs::path GitHttpServer::repositoryPath(const std::string& name) const
{
    return m_root / "repos" / (name + ".git");
}

void GitHttpServer::rejectPushes(const std::string& name, const std::string& message)
{
    const fs::path hook = repositoryPath(name) / "hooks" / "pre-receive";
    std::string script = "#!/bin/sh\nprintf '%s\\n' " + shellQuoted(message) + " >&2\nexit 1\n";
    if (!writeText(hook, script, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther))
        throw std::runtime_error("could not install the pre-receive hook " + hook.string());
}

std::string GitHttpServer::git(const std::string& name, const QStringList& arguments) const
{
    QProcess process;
    process.setProcessEnvironment(hermeticGitEnvironment());
    QStringList all = {"-c", "user.name=Git Server Fixture", "-c", "user.email=fixture@example.invalid",
        "--git-dir=" + QString::fromStdString(repositoryPath(name).string())};
    all += arguments;
    process.start("git", all);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        throw std::runtime_error("git " + arguments.join(' ').toStdString() + " in " + name
            + ".git failed: " + process.readAllStandardError().toStdString());
    return process.readAllStandardOutput().trimmed().toStdString();
}

std::string GitHttpServer::errorLog() const
{
    return readText(m_root / "error.log");
}

} // namespace gatehouse::test
