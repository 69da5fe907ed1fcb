// The GitLab token the console keeps in the OS keychain, read by the CLI without Qt: qtkeychain
// stores it through the Secret Service (GNOME Keyring, KeePassXC, ...) under its schema
// org.qt.keychain with the attributes user = "gitlab:<instance>", server = "gatehouse" and
// type = "plaintext", which `secret-tool lookup` (Debian: libsecret-tools) reads back.
#pragma once

#include <optional>
#include <string>

namespace gatehouse {

// The keychain service and key the console stores a token under for the GitLab instance of
// `repositoryUrl` (or of an instance URL itself): the one place both sides take them from.
inline constexpr const char* kGitLabKeychainService = "gatehouse";
std::string gitLabKeychainKey(const std::string& repositoryUrl);

// The token, or nullopt when there is none to read: no secret-tool, no Secret Service on this
// machine (a headless one), no entry, or no answer within 10 s (a locked keyring). Never throws for
// those: the caller then tries the token file. The token is the child's output, never an argument.
std::optional<std::string> readKeychainGitLabToken(const std::string& repositoryUrl, const std::string& program = "secret-tool");

} // namespace gatehouse
