#include "AdminTransport.h"

#include "admin/AdminService.h"
#include "http/BlockingHttpClient.h"
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

// No gateway runs here: only its config file is known, so that the admin API can tell the file's
// providers and models apart from the store's.
class ConfigFileOnly final : public AdminGateway {
public:
    explicit ConfigFileOnly(const GatewayConfig* file) : m_file(file) {}
    const GatewayConfig* configFile() const override { return m_file; }
    void adminChangeCommitted() override {} // a gateway on the data directory polls the store

private:
    const GatewayConfig* m_file;
};

class LocalAdminTransport final : public AdminTransport {
public:
    LocalAdminTransport(const std::string& dataDirectory, const GatewayConfig* configFile)
        : m_directory(dataDirectory)
        , m_gateway(configFile)
        , m_service(preparedDatabasePath(dataDirectory), configFile ? &m_gateway : nullptr)
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
    ConfigFileOnly m_gateway;
    AdminService m_service;
    std::string m_actor;
};

class RemoteAdminTransport final : public AdminTransport {
public:
    RemoteAdminTransport(const std::string& url, const std::string& token)
        : m_client({"the admin API", "an admin API URL", "gatehouse-cli/0.1"}, url)
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
    BlockingHttpClient m_client;
    BlockingHttpClient::Headers m_headers;
};

} // namespace

std::unique_ptr<AdminTransport> localAdminTransport(const std::string& dataDirectory, const GatewayConfig* configFile)
{
    logWarningsToStderr();
    return std::make_unique<LocalAdminTransport>(dataDirectory, configFile);
}

std::unique_ptr<AdminTransport> remoteAdminTransport(const std::string& url, const std::string& token)
{
    return std::make_unique<RemoteAdminTransport>(url, token);
}

} // namespace gatehouse
