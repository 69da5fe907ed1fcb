// Where a GitLab access token is kept when no OS keychain is (a headless machine, a container): a
// file only its owner can read, $XDG_CONFIG_HOME/gatehouse/gitlab-tokens.json (else
// ~/.config/gatehouse/...), a JSON object of GitLab base URL ("https://gitlab.example.com") → token.
// The console writes it when the keychain is not available; `gatehouse gitlab push|pull` read it
// when GATEHOUSE_GITLAB_TOKEN is not set. A file that others can read is refused, never used.
#pragma once

#include <optional>
#include <string>

namespace gatehouse {

// The token file's path under the user's configuration directory.
std::string gitLabTokenFilePath();

// The token stored for the GitLab instance of `repositoryUrl` (its scheme, host and port); nullopt
// when there is no file or no entry. Throws std::runtime_error for a file others may read or that
// is not what this writes.
std::optional<std::string> readGitLabToken(const std::string& repositoryUrl, const std::string& path = gitLabTokenFilePath());

// Stores (or with an empty token, forgets) the token, creating the file 0600 (written to a
// temporary file and renamed, so a reader never sees half of it).
void storeGitLabToken(const std::string& repositoryUrl, const std::string& token, const std::string& path = gitLabTokenFilePath());

// "https://gitlab.example.com:8443" for any repository URL there (the key tokens are kept under).
std::string gitLabInstanceOf(const std::string& repositoryUrl);

} // namespace gatehouse
