#include "gitlab/GitLabKeychain.h"

#include "gitlab/ChildProcess.h"
#include "gitlab/GitLabTokenFile.h"

#include <cstdlib>
#include <system_error>

namespace gatehouse {

std::string gitLabKeychainKey(const std::string& repositoryUrl)
{
    return "gitlab:" + gitLabInstanceOf(repositoryUrl);
}

std::optional<std::string> readKeychainGitLabToken(const std::string& repositoryUrl, const std::string& program)
{
    ChildProcessRequest request;
    request.arguments = {program, "lookup", "user", gitLabKeychainKey(repositoryUrl), "server", kGitLabKeychainService, "type", "plaintext"};
    // What reaching the user's Secret Service takes, and nothing else of this process's environment.
    for (const char* name : {"PATH", "HOME", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"}) {
        if (const char* value = std::getenv(name))
            request.environment.push_back(std::string(name) + "=" + value);
    }
    request.timeout = std::chrono::seconds(10);
    request.outputLimit = 64 * 1024;
    ChildProcessResult result;
    try {
        result = runChildProcess(request);
    } catch (const std::system_error&) {
        return std::nullopt; // no secret-tool here
    }
    auto token = result.standardOutput;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
        token.pop_back();
    if (result.exitCode != 0 || result.timedOut || token.empty() || token.find('\n') != std::string::npos)
        return std::nullopt;
    return token;
}

} // namespace gatehouse
