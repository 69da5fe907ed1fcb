#include "AdminTransport.h"

#include "AdminHttpClient.h"
#include "admin/AdminService.h"
#include "logging/Logging.h"
#include "store/DataDirectory.h"
#include "store/Database.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace gatehouse {
namespace {

// The admin service and the stores log through spdlog, to stdout by default. Here stdout carries
// only the answer (a key printed once must be all a script captures), so their lines go to stderr,
// and only warnings and errors: the command's own output already says what happened.
void logWarningsToStderr()
{
    if (!spdlog::get("gatehouse")) {
        auto logger = std::make_shared<spdlog::logger>("gatehouse", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        spdlog::register_logger(logger);
        spdlog::set_default_logger(logger);
    }
    LogSettings settings;
    settings.level = "warn";
    configureLogging(settings);
}

// Creates the directory on first use, as `gatehouse serve` and `gatehouse key create` do.
std::string preparedDatabasePath(const std::string& dataDirectory)
{
    prepareDataDirectory(dataDirectory);
    return dataDirectory + "/" + Database::defaultFileName();
}

class LocalAdminTransport final : public AdminTransport {
public:
    explicit LocalAdminTransport(const std::string& dataDirectory)
        : m_directory(dataDirectory)
        , m_service(preparedDatabasePath(dataDirectory))
        , m_actor(localActorName("cli"))
    {
    }

    AdminAnswer send(const AdminApiRequest& call) override
    {
        const auto result = m_service.respond({call.method, call.target, call.body, AdminCaller::local(m_actor)});
        return {result.status, result.contentType, result.body};
    }

    std::string where() const override { return m_directory; }

private:
    std::string m_directory;
    AdminService m_service;
    std::string m_actor;
};

class RemoteAdminTransport final : public AdminTransport {
public:
    RemoteAdminTransport(const std::string& url, const std::string& token)
        : m_client(url)
        , m_headers{{"Authorization", "Bearer " + token}}
    {
    }

    AdminAnswer send(const AdminApiRequest& call) override
    {
        auto answer = m_client.send(call.method, call.target, call.body, m_headers);
        return {answer.status, std::move(answer.contentType), std::move(answer.body)};
    }

    std::string where() const override { return m_client.url(); }

private:
    AdminHttpClient m_client;
    AdminHttpClient::Headers m_headers;
};

} // namespace

std::unique_ptr<AdminTransport> localAdminTransport(const std::string& dataDirectory)
{
    logWarningsToStderr();
    return std::make_unique<LocalAdminTransport>(dataDirectory);
}

std::unique_ptr<AdminTransport> remoteAdminTransport(const std::string& url, const std::string& token)
{
    return std::make_unique<RemoteAdminTransport>(url, token);
}

} // namespace gatehouse
