#include "gitlab/GitLabTokenFile.h"

#include "json/Json.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

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
    const auto scheme = repositoryUrl.find("://");
    if (scheme == std::string::npos)
        throw std::runtime_error("'" + repositoryUrl + "' is not a repository URL (https://gitlab.example.com/group/project.git)");
    const auto pathStart = repositoryUrl.find('/', scheme + 3);
    return repositoryUrl.substr(0, pathStart);
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
    const auto temporary = path + ".tmp";
    const auto previous = ::umask(077);
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << tokens.dump(2) << "\n";
        out.flush();
        ::umask(previous);
        if (!out)
            throw std::runtime_error("cannot write " + temporary);
    }
    fs::permissions(temporary, fs::perms::owner_read | fs::perms::owner_write);
    fs::rename(temporary, path);
}

} // namespace gatehouse
