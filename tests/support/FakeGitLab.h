// A fake of the part of GitLab's REST API v4 that `gatehouse gitlab push --merge-request` uses, on
// 127.0.0.1 port 0 in its own thread, answering with GitLab's documented fields and error shapes:
//   GET  /api/v4/projects/:id                  (:id numeric or the URL-encoded path)
//   GET  /api/v4/projects/:id/merge_requests   (state, source_branch, target_branch filters)
//   POST /api/v4/projects/:id/merge_requests   (JSON body: source_branch, target_branch, title
//                                               required; description)
// A request without the right PRIVATE-TOKEN header gets 401 {"message":"401 Unauthorized"}; an
// unknown project 404 {"message":"404 Project Not Found"}; a second open merge request for the
// same branches 409 {"message":["Another open merge request already exists for this source
// branch: !7"]}; a missing parameter 400 {"error":"title is missing"}; a blank title 400
// {"message":{"title":["can't be blank"]}}. Every request is recorded for the test to read.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gatehouse::test {

struct FakeGitLabRequest {
    std::string method; // "GET"
    std::string target; // as sent: "/api/v4/projects/group%2Fproject"
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;

    std::string header(const std::string& lowerCaseName) const; // "" when absent
    bool hasHeader(const std::string& lowerCaseName) const;
};

struct FakeMergeRequest {
    std::int64_t id = 0;
    std::int64_t iid = 0;
    std::int64_t projectId = 0;
    std::string title;
    std::string description;
    std::string sourceBranch;
    std::string targetBranch;
    std::string state; // "opened", "closed", "merged"
    std::string sha;
};

class FakeGitLab {
public:
    // Accepts requests whose PRIVATE-TOKEN header is `token`. Listens at once (throws
    // std::runtime_error when it cannot).
    explicit FakeGitLab(std::string token);
    ~FakeGitLab();

    FakeGitLab(const FakeGitLab&) = delete;
    FakeGitLab& operator=(const FakeGitLab&) = delete;

    std::uint16_t port() const;
    std::string url() const; // "http://127.0.0.1:PORT"
    std::string repositoryUrl(const std::string& projectPath) const; // url() + "/group/project.git"

    // A project at "group/sub/project" whose default branch is `defaultBranch`; its id.
    std::int64_t addProject(const std::string& path, const std::string& defaultBranch = "main");
    // A merge request already there (as another user would have opened it).
    FakeMergeRequest addMergeRequest(const std::string& projectPath, const std::string& sourceBranch, const std::string& targetBranch,
        const std::string& title, const std::string& state = "opened");

    // The race: the next POST of a merge request finds that another client opened one for the
    // same branches in the meantime; it is added then, and the POST answered 409.
    void conflictOnNextCreate();
    // The next request, whatever it asks, gets this answer (a 403, a 500, a proxy's HTML page).
    void answerNextRequestWith(int status, std::string contentType, std::string body);

    std::vector<FakeGitLabRequest> requests() const;
    std::vector<FakeMergeRequest> mergeRequests() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace gatehouse::test
