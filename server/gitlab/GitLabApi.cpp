#include "gitlab/GitLabApi.h"

#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "json/Json.h"
#include "text/PercentEncoding.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace gatehouse {
namespace {

constexpr std::string_view kApiPath = "/api/v4";
// How much of an answer that is not GitLab's JSON a message quotes.
constexpr std::size_t kExcerptChars = 200;

// ---- The repository URL ----------------------------------------------------------------------

GitLabError notARepositoryUrl(const std::string& shownUrl, const std::string& why)
{
    return GitLabError(0, "'" + shownUrl + "' is not a GitLab repository URL: " + why);
}

bool isLoopbackHost(const std::string& host)
{
    if (host == "localhost")
        return true;
    error_code error;
    const auto address = asio::ip::make_address(host, error);
    return !error && address.is_loopback();
}

// GitLab's rule for a group or project path: letters, digits, '_', '-' and '.', not starting
// with '-' (and a project path cannot end in ".git", which has been taken off by then).
bool isGitLabPathSegment(std::string_view segment)
{
    if (segment.empty() || segment.front() == '-' || segment == "." || segment == "..")
        return false;
    return std::all_of(segment.begin(), segment.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

std::vector<std::string_view> splitPath(std::string_view path)
{
    std::vector<std::string_view> segments;
    std::size_t start = 0;
    while (true) {
        const auto slash = path.find('/', start);
        segments.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos)
            return segments;
        start = slash + 1;
    }
}

// ---- Requests ---------------------------------------------------------------------------------

std::string statusText(int status)
{
    const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    if (reason == "<unknown-status>")
        return std::to_string(status);
    return std::to_string(status) + " " + std::string(reason.data(), reason.size());
}

// ---- Answers ----------------------------------------------------------------------------------

std::string joinedStrings(const Json& array)
{
    std::string joined;
    for (const auto& element : array) {
        if (!joined.empty())
            joined += "; ";
        joined += element.is_string() ? element.get<std::string>() : element.dump();
    }
    return joined;
}

// GitLab's message in an error answer, in the shapes the API uses: {"message": "404 Project Not
// Found"}, {"message": ["Another open merge request already exists ..."]} (409), {"message":
// {"title": ["can't be blank"]}} (a model's validation, 400), {"error": "title is missing"} (a
// parameter's validation, 400). "" when the body has none of them.
std::string gitLabMessage(const Json& body)
{
    if (!body.is_object())
        return {};
    if (const auto message = body.find("message"); message != body.end()) {
        if (message->is_string())
            return message->get<std::string>();
        if (message->is_array())
            return joinedStrings(*message);
        if (message->is_object()) {
            std::string joined;
            for (const auto& [field, problems] : message->items()) {
                const auto text = problems.is_array() ? joinedStrings(problems) : problems.is_string() ? problems.get<std::string>() : problems.dump();
                if (!joined.empty())
                    joined += "; ";
                joined += field == "base" ? text : field + " " + text;
            }
            return joined;
        }
    }
    if (const auto error = body.find("error"); error != body.end() && error->is_string()) {
        auto text = error->get<std::string>();
        if (const auto description = body.find("error_description"); description != body.end() && description->is_string())
            text += ": " + description->get<std::string>();
        return text;
    }
    return {};
}

// The start of a body that is not GitLab's JSON, on one line.
std::string excerpt(const std::string& body)
{
    std::string text = body.substr(0, kExcerptChars);
    std::replace_if(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
    return body.size() > kExcerptChars ? text + "..." : text;
}

std::string describeBody(const HttpAnswer& answer)
{
    if (answer.body.empty())
        return "an empty body";
    return "(Content-Type: " + (answer.contentType.empty() ? std::string("none") : answer.contentType) + ") " + excerpt(answer.body);
}

bool isSuccess(const HttpAnswer& answer)
{
    return answer.status >= 200 && answer.status < 300;
}

const Json* member(const Json& object, const char* name)
{
    if (!object.is_object())
        return nullptr;
    const auto found = object.find(name);
    return found == object.end() ? nullptr : &*found;
}

// A string member, or "" for null; nullopt when it is missing or of another type.
std::optional<std::string> stringOrNull(const Json& object, const char* name)
{
    const auto* value = member(object, name);
    if (value && value->is_string())
        return value->get<std::string>();
    if (value && value->is_null())
        return std::string();
    return std::nullopt;
}

std::optional<std::string> requiredString(const Json& object, const char* name)
{
    const auto* value = member(object, name);
    if (value && value->is_string())
        return value->get<std::string>();
    return std::nullopt;
}

std::optional<std::int64_t> requiredInteger(const Json& object, const char* name)
{
    const auto* value = member(object, name);
    if (value && value->is_number_integer())
        return value->get<std::int64_t>();
    return std::nullopt;
}

std::optional<GitLabProject> projectFrom(const Json& json)
{
    const auto id = requiredInteger(json, "id");
    const auto path = requiredString(json, "path_with_namespace");
    const auto defaultBranch = stringOrNull(json, "default_branch");
    const auto webUrl = requiredString(json, "web_url");
    if (!id || !path || !defaultBranch || !webUrl)
        return std::nullopt;
    return GitLabProject{*id, *path, *defaultBranch, *webUrl};
}

std::optional<GitLabMergeRequest> mergeRequestFrom(const Json& json)
{
    const auto id = requiredInteger(json, "id");
    const auto iid = requiredInteger(json, "iid");
    const auto webUrl = requiredString(json, "web_url");
    const auto state = requiredString(json, "state");
    const auto sha = stringOrNull(json, "sha");
    const auto source = requiredString(json, "source_branch");
    const auto target = requiredString(json, "target_branch");
    if (!id || !iid || !webUrl || !state || !sha || !source || !target)
        return std::nullopt;
    return GitLabMergeRequest{*id, *iid, *webUrl, *state, *sha, *source, *target, false};
}

} // namespace

// ---- parseGitLabRepositoryUrl ------------------------------------------------------------------

std::string GitLabProjectAddress::instanceUrl() const
{
    if (apiBase.ends_with(kApiPath))
        return apiBase.substr(0, apiBase.size() - kApiPath.size());
    return apiBase;
}

GitLabProjectAddress parseGitLabRepositoryUrl(const std::string& url)
{
    std::string_view scheme;
    if (url.starts_with("https://"))
        scheme = "https://";
    else if (url.starts_with("http://"))
        scheme = "http://";
    const auto schemeEnd = url.find("://");
    const std::string_view rest = std::string_view(url).substr(schemeEnd == std::string::npos ? 0 : schemeEnd + 3);
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    // Never repeat a password, not even in an error.
    const auto at = schemeEnd == std::string::npos ? std::string_view::npos : authority.rfind('@');
    const auto shown = at == std::string_view::npos ? url : url.substr(0, schemeEnd + 3) + "***@" + std::string(rest.substr(at + 1));

    if (scheme.empty()) {
        throw notARepositoryUrl(shown, "only https:// URLs are supported (not SSH URLs such as git@host:group/project.git), e.g. "
                                       "https://gitlab.example.com/group/project.git");
    }
    if (at != std::string_view::npos)
        throw notARepositoryUrl(shown, "it holds a user name or password (user:pass@); give the URL without them and the token separately");
    if (url.find_first_of("?# \t\r\n") != std::string::npos)
        throw notARepositoryUrl(url, "it has a query, a fragment or white space");

    UpstreamUrl server;
    try {
        server = parseUpstreamUrl(std::string(scheme) + std::string(authority));
    } catch (const ConfigError&) {
        throw notARepositoryUrl(url, "its host or port is not valid");
    }
    if (!server.tls && !isLoopbackHost(server.host))
        throw notARepositoryUrl(url, "http:// would send the token in clear text; use https:// (http:// is accepted for a loopback host only)");

    std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    while (path.starts_with('/'))
        path.remove_prefix(1);
    while (path.ends_with('/'))
        path.remove_suffix(1);
    if (path.ends_with(".git"))
        path.remove_suffix(4);
    if (path.empty())
        throw notARepositoryUrl(url, "it names no project; expected https://HOST/GROUP/PROJECT.git");
    const auto segments = splitPath(path);
    if (std::find(segments.begin(), segments.end(), "-") != segments.end())
        throw notARepositoryUrl(url, "it is a web page's URL; give the project's, as `git clone` takes it: https://HOST/GROUP/PROJECT.git");
    for (const auto segment : segments) {
        if (!isGitLabPathSegment(segment)) {
            throw notARepositoryUrl(url, "'" + std::string(segment) + "' is not a GitLab group or project name (letters, digits, '_', '-', '.')");
        }
    }
    if (segments.size() < 2)
        throw notARepositoryUrl(url, "'" + std::string(path) + "' is a group or user, not a project; expected https://HOST/GROUP/PROJECT.git");

    return {std::string(scheme) + std::string(authority) + std::string(kApiPath), std::string(path)};
}

// ---- GitLabApi ---------------------------------------------------------------------------------

namespace {

// Messages name "GitLab at https://gitlab.example.com"; requests add /api/v4 to every path.
BlockingHttpClient clientFor(const GitLabProjectAddress& address, HttpTimeouts timeouts)
{
    try {
        return BlockingHttpClient({"GitLab", "a GitLab URL", "gatehouse/0.1"}, address.instanceUrl(), timeouts);
    } catch (const HttpTransportError& error) {
        throw GitLabError(0, error.what());
    }
}

} // namespace

GitLabApi::GitLabApi(GitLabProjectAddress address, std::string token, HttpTimeouts timeouts)
    : m_address(std::move(address))
    , m_token(std::move(token))
    , m_client(clientFor(m_address, timeouts))
{
    if (m_token.empty())
        throw GitLabError(0, "no GitLab access token was given");
    // A token is printable ASCII; anything else is a copy-and-paste accident (and a line break
    // would end the header).
    const bool printable = std::all_of(m_token.begin(), m_token.end(), [](char c) { return c > 0x20 && c < 0x7F; });
    if (!printable)
        throw GitLabError(0, "the GitLab access token contains a space, line break or other character no token has; check the value given");
}

HttpAnswer GitLabApi::call(http::verb method, const std::string& target, const std::string& body) const
{
    try {
        return m_client.send(method, std::string(kApiPath) + target, body, {{"PRIVATE-TOKEN", m_token}});
    } catch (const HttpTransportError& error) {
        throw GitLabError(0, error.what());
    }
}

namespace {

// Text taken from GitLab's answer, with the token blanked out should GitLab ever echo it.
std::string withoutToken(std::string text, const std::string& token)
{
    if (token.size() < 8)
        return text;
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
        text.replace(at, token.size(), "[token]");
    return text;
}

// The error for an answer that is not a success. `action`: "look up project group/project".
GitLabError errorFor(const HttpAnswer& answer, const std::string& action, const GitLabProjectAddress& address, const std::string& token)
{
    const auto gitLabText = withoutToken(gitLabMessage(Json::parse(answer.body, nullptr, false)), token);
    const auto message = gitLabText.empty() ? withoutToken(describeBody(answer), token) : gitLabText;
    const auto at = "GitLab at " + address.instanceUrl();
    const auto status = answer.status;
    switch (status) {
    case 401:
        return GitLabError(status, at + " refused the token (401 Unauthorized): check that it is valid, not expired, and has the api scope");
    case 403: {
        // GitLab says why when it is the token's scope: "insufficient_scope: The request requires ...".
        const auto why = gitLabText.empty() || gitLabText == "403 Forbidden" ? std::string() : ": " + gitLabText;
        return GitLabError(status, at + " does not let the token " + action + " (403 Forbidden" + why + "): the token needs the api scope, and "
                + "its user a role on " + address.path + " that allows it (Developer or higher to open merge requests)");
    }
    case 404:
        if (message.find("Project") != std::string::npos || message == "404 Not found" || message == "404 Not Found") {
            return GitLabError(status, "no GitLab project " + address.path + " at " + address.instanceUrl() + " (" + message
                    + "), or the token cannot see it");
        }
        break;
    default:
        break;
    }
    return GitLabError(status, at + " could not " + action + " (" + statusText(status) + "): " + message);
}

GitLabError notGitLabJson(const HttpAnswer& answer, const std::string& action, const GitLabProjectAddress& address, const std::string& token)
{
    return GitLabError(answer.status, "GitLab at " + address.instanceUrl() + " answered " + statusText(answer.status) + " to " + action
            + " with something that is not GitLab's JSON " + withoutToken(describeBody(answer), token));
}

} // namespace

GitLabProject GitLabApi::project() const
{
    const auto action = "look up project " + m_address.path;
    const auto answer = call(http::verb::get, "/projects/" + percentEncode(m_address.path), {});
    if (!isSuccess(answer))
        throw errorFor(answer, action, m_address, m_token);
    const auto project = projectFrom(Json::parse(answer.body, nullptr, false));
    if (!project)
        throw notGitLabJson(answer, action, m_address, m_token);
    return *project;
}

std::optional<GitLabMergeRequest> GitLabApi::findOpenMergeRequest(std::int64_t projectId, const std::string& sourceBranch,
    const std::string& targetBranch) const
{
    const auto action = "list the open merge requests from " + sourceBranch + " to " + targetBranch + " in " + m_address.path;
    const auto target = "/projects/" + std::to_string(projectId) + "/merge_requests?state=opened&source_branch=" + percentEncode(sourceBranch)
        + "&target_branch=" + percentEncode(targetBranch);
    const auto answer = call(http::verb::get, target, {});
    if (!isSuccess(answer))
        throw errorFor(answer, action, m_address, m_token);
    const auto list = Json::parse(answer.body, nullptr, false);
    if (!list.is_array())
        throw notGitLabJson(answer, action, m_address, m_token);
    for (const auto& element : list) {
        auto mergeRequest = mergeRequestFrom(element);
        if (!mergeRequest)
            throw notGitLabJson(answer, action, m_address, m_token);
        // The filters are GitLab's; checking them again costs nothing and guards the reuse.
        if (mergeRequest->state == "opened" && mergeRequest->sourceBranch == sourceBranch && mergeRequest->targetBranch == targetBranch)
            return mergeRequest;
    }
    return std::nullopt;
}

GitLabMergeRequest GitLabApi::createMergeRequest(std::int64_t projectId, const std::string& sourceBranch, const std::string& targetBranch,
    const std::string& title, const std::string& description) const
{
    const auto action = "create a merge request from " + sourceBranch + " to " + targetBranch + " in " + m_address.path;
    const Json request{{"source_branch", sourceBranch}, {"target_branch", targetBranch}, {"title", title}, {"description", description}};
    const auto answer = call(http::verb::post, "/projects/" + std::to_string(projectId) + "/merge_requests",
        request.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (!isSuccess(answer))
        throw errorFor(answer, action, m_address, m_token);
    const auto mergeRequest = mergeRequestFrom(Json::parse(answer.body, nullptr, false));
    if (!mergeRequest)
        throw notGitLabJson(answer, action, m_address, m_token);
    return *mergeRequest;
}

GitLabMergeRequest GitLabApi::openMergeRequest(std::int64_t projectId, const std::string& sourceBranch, const std::string& targetBranch,
    const std::string& title, const std::string& description) const
{
    if (auto existing = findOpenMergeRequest(projectId, sourceBranch, targetBranch)) {
        existing->reused = true;
        return *existing;
    }
    try {
        return createMergeRequest(projectId, sourceBranch, targetBranch, title, description);
    } catch (const GitLabError& error) {
        if (error.status() != 409)
            throw;
        // Another client opened one since the lookup: that one is the answer.
        if (auto existing = findOpenMergeRequest(projectId, sourceBranch, targetBranch)) {
            existing->reused = true;
            return *existing;
        }
        throw;
    }
}

} // namespace gatehouse
