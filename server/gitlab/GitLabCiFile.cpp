#include "gitlab/GitLabCiFile.h"

namespace gatehouse {
namespace {

// Kept as one literal so the file reads here exactly as it lands in the repository.
constexpr const char* kText = R"yaml(# Written by `gatehouse config export` (or `gatehouse gitlab push`) into a repository that had
# none: the pipeline for this gateway configuration. It is yours to change; exports leave it alone.
# Merge requests are validated and planned against the running gateway; the default branch is
# validated and applied to it.
#
# CI/CD variables to set (Settings > CI/CD > Variables):
#   GATEHOUSE_ADMIN_URL    The gateway's admin API, e.g. https://gatehouse.example.com:8089.
#   GATEHOUSE_ADMIN_TOKEN  An admin token with the admin role, for apply. Masked and protected, so
#                          only pipelines of protected branches (the default branch) receive it.
#   GATEHOUSE_PLAN_TOKEN   An admin token with the operator role, for validate and plan (plan makes
#                          the changes in a transaction it rolls back). Masked but not protected:
#                          merge requests from unprotected branches need it.
#   GATEHOUSE_IMAGE        Optional: the image the jobs run in (default below).
# The CLI reads its token from the environment variable GATEHOUSE_ADMIN_TOKEN: tokens never appear
# on a command line, so they cannot leak into the job log.

workflow:
  rules:
    # Merge request pipelines: validate and plan.
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    # A push to a branch with an open merge request is covered by the merge request's pipeline.
    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
      when: never
    # The default branch: validate and apply. Other branches run nothing.
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

variables:
  # The image must contain the `gatehouse` binary on its PATH, and a shell. Set GATEHOUSE_IMAGE as
  # a CI/CD variable to use another image or pin a version.
  GATEHOUSE_IMAGE: "gatehouse:latest"

image:
  name: $GATEHOUSE_IMAGE
  # Run the job's shell, not an entrypoint the image may set.
  entrypoint: [""]

stages:
  - validate
  - plan
  - apply

# Schema, references and semantic rules, against the gateway's own config file (its providers
# and models may be used); nothing on the gateway changes.
validate:
  stage: validate
  variables:
    GATEHOUSE_ADMIN_TOKEN: $GATEHOUSE_PLAN_TOKEN
  script:
    - test -n "$GATEHOUSE_ADMIN_URL" || { echo "Set the CI/CD variable GATEHOUSE_ADMIN_URL" >&2; exit 1; }
    - gatehouse config validate . --remote "$GATEHOUSE_ADMIN_URL"
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

# What merging would change on the gateway: creates, updates and deletes per entity, with the
# apply's own --prune, so the deletions and key revocations merging brings are in the plan.
plan:
  stage: plan
  variables:
    # The operator-role token. In a pipeline of a protected branch the protected
    # GATEHOUSE_ADMIN_TOKEN variable takes precedence over this line, which is harmless.
    GATEHOUSE_ADMIN_TOKEN: $GATEHOUSE_PLAN_TOKEN
  script:
    - test -n "$GATEHOUSE_ADMIN_URL" || { echo "Set the CI/CD variable GATEHOUSE_ADMIN_URL" >&2; exit 1; }
    - gatehouse config plan . --prune --remote "$GATEHOUSE_ADMIN_URL"
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"

# Makes the gateway match the default branch, all or nothing. --prune deletes what the
# repository no longer has. The resource group runs one apply at a time. As a deployment to the
# environment "gatehouse", an apply from an older pipeline that would start after a newer one is
# skipped while the project keeps "Prevent outdated deployment jobs" on (GitLab's default).
apply:
  stage: apply
  needs:
    - validate
  resource_group: gatehouse-apply
  environment:
    name: gatehouse
  script:
    - test -n "$GATEHOUSE_ADMIN_URL" || { echo "Set the CI/CD variable GATEHOUSE_ADMIN_URL" >&2; exit 1; }
    - gatehouse config apply . --prune --remote "$GATEHOUSE_ADMIN_URL"
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
)yaml";

} // namespace

std::string gitlabCiFileText()
{
    return kText;
}

} // namespace gatehouse
