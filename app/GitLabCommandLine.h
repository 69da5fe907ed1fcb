// `gatehouse gitlab push|pull` (docs/config-as-code.md "GitLab"): the configuration export pushed
// to a GitLab repository (optionally with a merge request), and a repository's configuration
// planned and applied. The token comes from GATEHOUSE_GITLAB_TOKEN, the OS keychain entry the
// console keeps (GitLabKeychain), or its token file (GitLabTokenFile), never from the command line.
#pragma once

#include "ConfigCommandLine.h"

#include <CLI/CLI.hpp>

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace gatehouse {

inline constexpr const char* kGitLabTokenVariable = "GATEHOUSE_GITLAB_TOKEN";

class GitLabCommandLine {
public:
    GitLabCommandLine(CLI::App& app, ConfigCommandLine::ConfigFileLoader loadConfigFile);

    bool chosen() const;
    // Exit code: 0, 1 for a failure (printed). `in` answers pull's confirmation.
    int run(std::istream& in, std::ostream& out, std::ostream& err);

private:
    int push(std::ostream& out, std::ostream& err);
    int pull(std::istream& in, std::ostream& out, std::ostream& err);
    std::string token() const;

    ConfigCommandLine::ConfigFileLoader m_loadConfigFile;
    std::vector<CLI::Option*> m_remoteOptions;
    CLI::App* m_push = nullptr;
    CLI::App* m_pull = nullptr;
    std::string m_repository;
    std::string m_branch;
    std::string m_ref;
    std::string m_target = "main";
    std::string m_title = "Gatehouse configuration";
    std::string m_dataDirectory;
    std::string m_remote;
    std::string m_configPath;
    bool m_mergeRequest = false;
    bool m_withoutKeys = false;
    bool m_prune = false;
    bool m_yes = false;
    bool m_importKeys = false;
};

} // namespace gatehouse
