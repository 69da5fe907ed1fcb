// `gatehouse`: the headless gateway and its command-line tools. No Qt.
#include "GatewayServer.h"
#include "admin/AdminService.h"
#include "auth/ApiKey.h"
#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "gatehouse/DefaultConfig.h"
#include "logging/Logging.h"
#include "mockupstream/MockUpstreamServer.h"
#include "store/AdminTokenStore.h"
#include "store/DataDirectory.h"
#include "store/KeyStore.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>

using namespace gatehouse;

namespace {

// Blocks SIGINT/SIGTERM in every thread (call before starting any), so the main thread can wait for them.
sigset_t blockStopSignals()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

int waitForStopSignal(const sigset_t& signals)
{
    int signal = 0;
    sigwait(&signals, &signal);
    return signal;
}

GatewayConfig loadConfig(const std::string& path)
{
    const ConfigLoader loader;
    return path.empty() ? loader.loadText(kDefaultConfigYaml, "built-in default config") : loader.loadFile(path);
}

struct ServeOptions {
    std::string configPath;
    std::string dataDirectory;
    std::string listen;
    std::string adminListen;
};

int serve(const ServeOptions& options)
{
    auto config = loadConfig(options.configPath);
    if (!options.listen.empty())
        config.server.listen = parseHostPort(options.listen);
    if (!options.adminListen.empty())
        config.server.adminListen = parseHostPort(options.adminListen);
    // The startup lines (addresses, data directory) are always shown, whatever the log level:
    // scripts and people read the port from the first one.
    auto startupLog = config.log;
    if (spdlog::level::from_str(startupLog.level) > spdlog::level::info)
        startupLog.level = "info";
    configureLogging(startupLog);

    const auto signals = blockStopSignals();
    GatewayServer server(config, options.dataDirectory.empty() ? defaultDataDirectory() : options.dataDirectory);
    server.start();
    auto log = componentLogger("server");
    log->info("listening on http://{} (data plane)", server.dataPlaneAddress().toString());
    if (const auto admin = server.adminAddress())
        log->info("admin API listening on http://{}", admin->toString());
    log->info("data in {}; {} model(s), {} provider(s)", server.databasePath(), config.models.size(), config.providers.size());
    if (const auto key = server.createDeveloperKeyIfNone()) {
        std::cout << "\nCreated a developer API key. It is shown only this once (the store keeps a hash):\n\n    " << *key
                  << "\n\nTry it:\n    curl http://" << server.dataPlaneAddress().toString()
                  << "/v1/chat/completions -H 'Authorization: Bearer " << *key
                  << "' -H 'Content-Type: application/json' -d '{\"model\":\"" << (config.models.empty() ? "MODEL" : config.models.front().name)
                  << "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'\n\n"
                  << std::flush;
    }
    configureLogging(config.log);
    const int signal = waitForStopSignal(signals);
    log->info("{} received: stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stop();
    return 0;
}

int createKey(const std::string& dataDirectory, const std::string& name, const std::string& tenant)
{
    const auto directory = dataDirectory.empty() ? defaultDataDirectory() : dataDirectory;
    prepareDataDirectory(directory);
    Database database(directory + "/" + Database::defaultFileName());
    KeyStore keys(database);
    const auto key = generateApiKey();
    keys.addKey(name, key, tenant, {}, "generated");
    std::cerr << "Created API key '" << name << "' for tenant '" << tenant << "' in " << directory
              << ". It is shown only this once; a running gateway on this data directory accepts it within a second.\n";
    std::cout << key << "\n";
    return 0;
}

int createAdminToken(const std::string& dataDirectory, const std::string& name, const std::string& roleName)
{
    const auto directory = dataDirectory.empty() ? defaultDataDirectory() : dataDirectory;
    prepareDataDirectory(directory);
    Database database(directory + "/" + Database::defaultFileName());
    AdminTokenStore tokens(database);
    const auto role = *parseAdminRole(roleName); // CLI11 checked the name
    const auto created = tokens.create({localActorName("cli"), "gatehouse admin-token create"}, name, role);
    std::cerr << "Created admin token '" << name << "' with the role '" << roleName << "' in " << directory
              << ". It is shown only this once; send it as 'Authorization: Bearer <token>' to the admin API.\n";
    std::cout << created.plaintext << "\n";
    return 0;
}

int mockUpstream(const MockUpstreamOptions& options)
{
    configureLogging({});
    const auto signals = blockStopSignals();
    MockUpstreamServer server(options);
    server.start();
    std::cout << "mock-upstream listening on http://" << server.address().toString() << std::endl;
    waitForStopSignal(signals);
    server.stop();
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"Gatehouse: an AI gateway. Runs the headless gateway and its tools."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "gatehouse 0.1.0");

    ServeOptions serveOptions;
    auto* serveCommand = app.add_subcommand("serve", "Run the gateway (data plane; admin API when asked)");
    serveCommand->add_option("--config", serveOptions.configPath, "YAML config file (default: the built-in mock setup)")->check(CLI::ExistingFile);
    serveCommand->add_option("--data", serveOptions.dataDirectory, "Data directory (default: $XDG_DATA_HOME/gatehouse)");
    serveCommand->add_option("--listen", serveOptions.listen, "Data plane HOST:PORT (default 127.0.0.1:8088; port 0 = any)");
    serveCommand->add_option("--admin-listen", serveOptions.adminListen, "Admin API HOST:PORT (loopback only; off by default)");

    auto* keyCommand = app.add_subcommand("key", "Manage API keys");
    keyCommand->require_subcommand(1);
    std::string keyName, keyTenant = "default", keyDataDirectory;
    auto* keyCreate = keyCommand->add_subcommand("create", "Create an API key and print it once");
    keyCreate->add_option("--name", keyName, "A name for the key")->required();
    keyCreate->add_option("--tenant", keyTenant, "Tenant the key belongs to")->capture_default_str();
    keyCreate->add_option("--data", keyDataDirectory, "Data directory (default: $XDG_DATA_HOME/gatehouse)");

    auto* adminTokenCommand = app.add_subcommand("admin-token", "Manage admin API tokens");
    adminTokenCommand->require_subcommand(1);
    std::string adminTokenName, adminTokenRole, adminTokenDataDirectory;
    auto* adminTokenCreate = adminTokenCommand->add_subcommand("create", "Create an admin API token and print it once");
    adminTokenCreate->add_option("--name", adminTokenName, "A name for the token: the actor in the audit log")->required();
    adminTokenCreate->add_option("--role", adminTokenRole,
        "viewer (reads), operator (also access requests, consumers), admin (everything)")
        ->required()
        ->check(CLI::IsMember({"viewer", "operator", "admin"}));
    adminTokenCreate->add_option("--data", adminTokenDataDirectory, "Data directory (default: $XDG_DATA_HOME/gatehouse)");

    MockUpstreamOptions mockOptions;
    std::string mockListen = "127.0.0.1:0";
    int mockLatency = 0, mockInterval = 0;
    std::string mockFlavor = "openai";
    auto* mockCommand = app.add_subcommand("mock-upstream",
        "Run a fake provider API (OpenAI, Anthropic, Gemini or Azure OpenAI) for tests, demos and benchmarks");
    mockCommand->add_option("--flavor", mockFlavor,
        "Whose API to speak, paths and shapes as the provider documents them (docs/providers.md). A model "
        "(azure: a deployment) named mock-error-STATUS gets that status with the provider's error body")
        ->capture_default_str()
        ->check(CLI::IsMember(mockFlavorNames()));
    mockCommand->add_option("--listen", mockListen, "HOST:PORT (port 0 = any)")->capture_default_str();
    mockCommand->add_option("--threads", mockOptions.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1, 256));
    mockCommand->add_option("--latency-ms", mockLatency, "Delay before answering")->check(CLI::Range(0, 3600000));
    mockCommand->add_option("--stream-chunks", mockOptions.streamChunks, "Content events per streamed answer")->capture_default_str()->check(CLI::Range(1, 10000));
    mockCommand->add_option("--chunk-interval-ms", mockInterval, "Delay between streamed events")->check(CLI::Range(0, 3600000));
    mockCommand->add_option("--api-key", mockOptions.requiredApiKey,
        "Reject requests without this key, as the provider does (openai: Authorization: Bearer; anthropic: x-api-key; "
        "gemini: x-goog-api-key or ?key=; azure: api-key)");

    CLI11_PARSE(app, argc, argv);
    try {
        if (*serveCommand)
            return serve(serveOptions);
        if (*keyCreate)
            return createKey(keyDataDirectory, keyName, keyTenant);
        if (*adminTokenCreate)
            return createAdminToken(adminTokenDataDirectory, adminTokenName, adminTokenRole);
        if (*mockCommand) {
            mockOptions.listen = parseHostPort(mockListen);
            mockOptions.flavor = *mockFlavorFromName(mockFlavor); // IsMember checked the name
            mockOptions.latency = std::chrono::milliseconds(mockLatency);
            mockOptions.chunkInterval = std::chrono::milliseconds(mockInterval);
            return mockUpstream(mockOptions);
        }
    } catch (const std::exception& error) {
        std::cerr << "gatehouse: error: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
