// The `.gitlab-ci.yml` that `gatehouse config export` writes beside the configuration, so a GitLab
// repository holding it checks every merge request against the running gateway and applies the
// default branch to it.
#pragma once

#include <string>

namespace gatehouse {

// The name the file has in the export directory (the repository's root).
inline constexpr const char* kGitLabCiFileName = ".gitlab-ci.yml";

// The whole file, the same bytes every time (an unchanged export stays unchanged). Pipelines run
// for merge requests and for the default branch only. Stages:
// - validate: `gatehouse config validate . --remote "$GATEHOUSE_ADMIN_URL"` (the gateway's own config
//   file resolves references), on merge requests and on the default branch;
// - plan: `gatehouse config plan . --prune --remote "$GATEHOUSE_ADMIN_URL"` (the apply's own flags), on
//   merge requests;
// - apply: `gatehouse config apply . --prune --remote "$GATEHOUSE_ADMIN_URL"`, on the default
//   branch only, one at a time (resource_group gatehouse-apply), after validate.
// The admin tokens come from CI/CD variables through the environment (GATEHOUSE_ADMIN_TOKEN, which
// the CLI reads), never from a command line; the file's comments say which variables to set. Every
// job first checks that GATEHOUSE_ADMIN_URL is set (an empty --remote must not fall back to anything).
std::string gitlabCiFileText();

} // namespace gatehouse
