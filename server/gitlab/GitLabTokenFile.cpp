#include "gitlab/GitLabTokenFile.h"

#include "json/Json.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse {
namespace fs = std::filesystem;

std::string gitLabTokenFilePath()
{
    const char* configHome = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    const fs::path base = configHome && *configHome ? fs::path(configHome) : fs::path(home && *home ? home : ".") / ".config";
    return (base / "gatehouse" / "gitlab-tokens.json").string();
}

std::string gitLabInstanceOf(const std::string& repositoryUrl)
{
    // The URL is never repeated in an error: it could hold a token someone pasted into it.
    const auto scheme = repositoryUrl.find("://");
    if (scheme == std::string::npos)
        throw std::runtime_error("that is not a repository URL (https://gitlab.example.com/group/project.git)");
    const auto pathStart = repositoryUrl.find('/', scheme + 3);
    const auto instance = repositoryUrl.substr(0, pathStart);
    if (instance.find('@') != std::string::npos)
        throw std::runtime_error("the repository URL holds a user name or password (user:pass@): give it without them, and the token "
                                 "through GATEHOUSE_GITLAB_TOKEN or the console");
    return instance;
}

namespace {

Json readTokens(const std::string& path)
{
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0)
        return Json::object();
    if ((status.st_mode & 077) != 0)
        throw std::runtime_error(path + " can be read by other users (mode " + [&] {
            std::ostringstream mode;
            mode << std::oct << (status.st_mode & 0777);
            return mode.str();
        }() + "): it holds GitLab tokens, so it is not used; make it private with chmod 600 " + path);
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    auto tokens = Json::parse(text.str(), nullptr, false);
    if (!tokens.is_object())
        throw std::runtime_error(path + " is not a JSON object of GitLab URL to token: fix or remove it");
    return tokens;
}

} // namespace

std::optional<std::string> readGitLabToken(const std::string& repositoryUrl, const std::string& path)
{
    const auto tokens = readTokens(path);
    const auto found = tokens.find(gitLabInstanceOf(repositoryUrl));
    if (found == tokens.end() || !found->is_string() || found->get<std::string>().empty())
        return std::nullopt;
    return found->get<std::string>();
}

void storeGitLabToken(const std::string& repositoryUrl, const std::string& token, const std::string& path)
{
    auto tokens = readTokens(path);
    if (token.empty())
        tokens.erase(gitLabInstanceOf(repositoryUrl));
    else
        tokens[gitLabInstanceOf(repositoryUrl)] = token;
    fs::create_directories(fs::path(path).parent_path());
    // A leftover temporary file may have any mode: it goes, and the new one is made 0600 from the start.
    const auto temporary = path + ".tmp";
    fs::remove(temporary);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot create " + temporary);
    const auto text = tokens.dump(2) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const bool closed = ::close(fd) == 0;
    if (!written || !closed) {
        fs::remove(temporary);
        throw std::runtime_error("cannot write " + temporary);
    }
    fs::rename(temporary, path);
}

} // namespace gatehouse
