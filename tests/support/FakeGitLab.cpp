#include "FakeGitLab.h"

#include "admin/AdminRouter.h"
#include "http/HttpListener.h"
#include "http/WorkerPool.h"
#include "json/Json.h"
#include "mockupstream/MockFlavors.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>

namespace gatehouse::test {
namespace {

constexpr std::string_view kApiPrefix = "/api/v4/";

struct Project {
    std::int64_t id = 0;
    std::string path;
    std::string defaultBranch;
};

struct Answer {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
};

Answer jsonAnswer(int status, const Json& body)
{
    return {status, jsonText(body), "application/json"};
}

std::string lowerCase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::vector<std::string_view> pathSegments(std::string_view path)
{
    std::vector<std::string_view> segments;
    while (!path.empty()) {
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    }
    return segments;
}

// A query parameter, percent-decoded ('+' is a space, as Rack reads a query); nullopt when absent.
std::optional<std::string> decodedParameter(const IncomingRequest& request, std::string_view name)
{
    const auto raw = queryParameter(request, name);
    if (!raw)
        return std::nullopt;
    return percentDecode(*raw, true);
}

// A fixed-width hexadecimal stand-in for a commit SHA, different per merge request.
std::string fakeSha(std::int64_t id)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string sha(40, 'a');
    for (int i = 39; i >= 0 && id > 0; --i, id /= 16)
        sha[static_cast<std::size_t>(i)] = kHex[id % 16];
    return sha;
}

} // namespace

std::string FakeGitLabRequest::header(const std::string& lowerCaseName) const
{
    const auto found = headers.find(lowerCaseName);
    return found == headers.end() ? std::string() : found->second;
}

bool FakeGitLabRequest::hasHeader(const std::string& lowerCaseName) const
{
    return headers.contains(lowerCaseName);
}

struct FakeGitLab::Impl {
    explicit Impl(std::string token)
        : token(std::move(token))
        , workers(1)
    {
        auto state = std::make_shared<SessionSharedState>();
        state->handler = [this](IncomingRequest& request, ResponseChannel& channel) { return handle(request, channel); };
        listener = std::make_unique<HttpListener>(workers, HostPort{"127.0.0.1", 0}, state, "fake GitLab");
        baseUrl = "http://127.0.0.1:" + std::to_string(listener->boundAddress().port);
        listener->start();
        workers.start();
    }

    ~Impl()
    {
        listener->stopAccepting();
        workers.stop();
    }

    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel)
    {
        const Answer answer = respond(request);
        ResponseHead head{answer.status};
        head.contentType = answer.contentType;
        co_await channel.send(head, answer.body);
    }

    Answer respond(const IncomingRequest& request)
    {
        std::lock_guard lock(mutex);
        record(request);
        if (cannedAnswer) {
            auto answer = std::move(*cannedAnswer);
            cannedAnswer.reset();
            return answer;
        }
        const auto given = request.message.find("PRIVATE-TOKEN");
        if (given == request.message.end() || given->value() != token)
            return jsonAnswer(401, {{"message", "401 Unauthorized"}});

        const auto path = requestPath(request);
        if (!path.starts_with(kApiPrefix))
            return jsonAnswer(404, {{"error", "404 Not Found"}});
        const auto segments = pathSegments(path.substr(kApiPrefix.size()));
        if (segments.size() < 2 || segments.size() > 3 || segments[0] != "projects" || (segments.size() == 3 && segments[2] != "merge_requests"))
            return jsonAnswer(404, {{"error", "404 Not Found"}});
        const auto* project = findProject(segments[1]);
        if (!project)
            return jsonAnswer(404, {{"message", "404 Project Not Found"}});

        const auto method = request.message.method();
        if (segments.size() == 2 && method == http::verb::get)
            return jsonAnswer(200, projectJson(*project));
        if (segments.size() == 3 && method == http::verb::get)
            return listMergeRequests(request, *project);
        if (segments.size() == 3 && method == http::verb::post)
            return createMergeRequest(request, *project);
        return jsonAnswer(405, {{"error", "405 Method Not Allowed"}});
    }

    void record(const IncomingRequest& request)
    {
        FakeGitLabRequest recorded;
        const auto method = request.message.method_string();
        recorded.method.assign(method.data(), method.size());
        const auto target = request.message.target();
        recorded.target.assign(target.data(), target.size());
        for (const auto& field : request.message) {
            const auto name = field.name_string();
            const auto value = field.value();
            recorded.headers[lowerCase(std::string(name.data(), name.size()))] = std::string(value.data(), value.size());
        }
        recorded.body = request.message.body();
        requests.push_back(std::move(recorded));
    }

    // GitLab's :id: the numeric id, or the path URL-encoded ("group%2Fproject").
    const Project* findProject(std::string_view id) const
    {
        const auto decoded = percentDecode(id);
        if (!decoded)
            return nullptr;
        for (const auto& project : projects) {
            if (*decoded == project.path || *decoded == std::to_string(project.id))
                return &project;
        }
        return nullptr;
    }

    Json projectJson(const Project& project) const
    {
        const auto name = project.path.substr(project.path.rfind('/') + 1);
        return {{"id", project.id}, {"description", nullptr}, {"name", name}, {"path", name}, {"path_with_namespace", project.path},
            {"default_branch", project.defaultBranch.empty() ? Json(nullptr) : Json(project.defaultBranch)},
            {"web_url", baseUrl + "/" + project.path}, {"http_url_to_repo", baseUrl + "/" + project.path + ".git"}};
    }

    Json mergeRequestJson(const FakeMergeRequest& mergeRequest) const
    {
        const auto& project = *std::find_if(projects.begin(), projects.end(), [&](const Project& p) { return p.id == mergeRequest.projectId; });
        return {{"id", mergeRequest.id}, {"iid", mergeRequest.iid}, {"project_id", mergeRequest.projectId}, {"title", mergeRequest.title},
            {"description", mergeRequest.description}, {"state", mergeRequest.state}, {"target_branch", mergeRequest.targetBranch},
            {"source_branch", mergeRequest.sourceBranch}, {"source_project_id", mergeRequest.projectId},
            {"target_project_id", mergeRequest.projectId}, {"draft", false}, {"sha", mergeRequest.sha},
            {"web_url", baseUrl + "/" + project.path + "/-/merge_requests/" + std::to_string(mergeRequest.iid)}};
    }

    Answer listMergeRequests(const IncomingRequest& request, const Project& project) const
    {
        const auto state = decodedParameter(request, "state").value_or("all");
        const auto source = decodedParameter(request, "source_branch");
        const auto target = decodedParameter(request, "target_branch");
        Json list = Json::array();
        // GitLab's default order: newest first.
        for (auto it = mergeRequests.rbegin(); it != mergeRequests.rend(); ++it) {
            if (it->projectId != project.id || (state != "all" && it->state != state) || (source && it->sourceBranch != *source)
                || (target && it->targetBranch != *target))
                continue;
            list.push_back(mergeRequestJson(*it));
        }
        return jsonAnswer(200, list);
    }

    const FakeMergeRequest* openMergeRequestFor(std::int64_t projectId, const std::string& source, const std::string& target) const
    {
        for (const auto& mergeRequest : mergeRequests) {
            if (mergeRequest.projectId == projectId && mergeRequest.state == "opened" && mergeRequest.sourceBranch == source
                && mergeRequest.targetBranch == target)
                return &mergeRequest;
        }
        return nullptr;
    }

    Answer createMergeRequest(const IncomingRequest& request, const Project& project)
    {
        const auto body = parseJsonBody(request.message.body());
        if (!body.is_object())
            return jsonAnswer(400, {{"error", "The provided content-type 'application/json' is not valid JSON"}});
        // Grape's parameter check: every missing required parameter, in declaration order.
        std::string missing;
        for (const char* name : {"source_branch", "target_branch", "title"}) {
            const auto* value = jsonMember(body, name);
            if (!value || value->is_null())
                missing += (missing.empty() ? "" : ", ") + std::string(name) + " is missing";
        }
        if (!missing.empty())
            return jsonAnswer(400, {{"error", missing}});
        const auto source = stringMember(body, "source_branch");
        const auto target = stringMember(body, "target_branch");
        const auto title = stringMember(body, "title");
        // The model's validation, after the parameters passed.
        if (title.find_first_not_of(" \t\r\n") == std::string::npos)
            return jsonAnswer(400, {{"message", {{"title", Json::array({"can't be blank"})}}}});
        if (conflictNext) {
            conflictNext = false;
            add(project, source, target, "Opened by someone else", {}, "opened");
        }
        if (const auto* existing = openMergeRequestFor(project.id, source, target)) {
            return jsonAnswer(409,
                {{"message", Json::array({"Another open merge request already exists for this source branch: !" + std::to_string(existing->iid)})}});
        }
        const auto& created = add(project, source, target, title, stringMember(body, "description"), "opened");
        return jsonAnswer(201, mergeRequestJson(created));
    }

    const FakeMergeRequest& add(const Project& project, const std::string& source, const std::string& target, const std::string& title,
        const std::string& description, const std::string& state)
    {
        FakeMergeRequest mergeRequest;
        mergeRequest.id = 1000 + static_cast<std::int64_t>(mergeRequests.size()) + 1;
        mergeRequest.iid = 1 + std::count_if(mergeRequests.begin(), mergeRequests.end(), [&](const FakeMergeRequest& m) { return m.projectId == project.id; });
        mergeRequest.projectId = project.id;
        mergeRequest.title = title;
        mergeRequest.description = description;
        mergeRequest.sourceBranch = source;
        mergeRequest.targetBranch = target;
        mergeRequest.state = state;
        mergeRequest.sha = fakeSha(mergeRequest.id);
        mergeRequests.push_back(std::move(mergeRequest));
        return mergeRequests.back();
    }

    const std::string token;
    WorkerPool workers;
    std::unique_ptr<HttpListener> listener;
    std::string baseUrl;

    mutable std::mutex mutex; // the worker thread answers while the test thread reads
    std::vector<Project> projects;
    std::vector<FakeMergeRequest> mergeRequests;
    std::vector<FakeGitLabRequest> requests;
    bool conflictNext = false;
    std::optional<Answer> cannedAnswer;
};

FakeGitLab::FakeGitLab(std::string token)
    : m_impl(std::make_unique<Impl>(std::move(token)))
{
}

FakeGitLab::~FakeGitLab() = default;

std::uint16_t FakeGitLab::port() const
{
    return m_impl->listener->boundAddress().port;
}

std::string FakeGitLab::url() const
{
    return m_impl->baseUrl;
}

std::string FakeGitLab::repositoryUrl(const std::string& projectPath) const
{
    return m_impl->baseUrl + "/" + projectPath + ".git";
}

std::int64_t FakeGitLab::addProject(const std::string& path, const std::string& defaultBranch)
{
    std::lock_guard lock(m_impl->mutex);
    const auto id = 40 + static_cast<std::int64_t>(m_impl->projects.size()) + 1;
    m_impl->projects.push_back({id, path, defaultBranch});
    return id;
}

FakeMergeRequest FakeGitLab::addMergeRequest(const std::string& projectPath, const std::string& sourceBranch, const std::string& targetBranch,
    const std::string& title, const std::string& state)
{
    std::lock_guard lock(m_impl->mutex);
    const auto& projects = m_impl->projects;
    const auto project = std::find_if(projects.begin(), projects.end(), [&](const Project& p) { return p.path == projectPath; });
    if (project == projects.end())
        throw std::logic_error("FakeGitLab::addMergeRequest: no project " + projectPath);
    return m_impl->add(*project, sourceBranch, targetBranch, title, {}, state);
}

void FakeGitLab::conflictOnNextCreate()
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->conflictNext = true;
}

void FakeGitLab::answerNextRequestWith(int status, std::string contentType, std::string body)
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->cannedAnswer = Answer{status, std::move(body), std::move(contentType)};
}

std::vector<FakeGitLabRequest> FakeGitLab::requests() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->requests;
}

std::vector<FakeMergeRequest> FakeGitLab::mergeRequests() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->mergeRequests;
}

} // namespace gatehouse::test
