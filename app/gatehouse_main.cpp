// `gatehouse`: the headless gateway and its command-line tools. No Qt.
#include "AdminCommandLine.h"
#include "ConfigCommandLine.h"
#include "GitLabCommandLine.h"
#include "GatewayServer.h"
#include "auth/ApiKey.h"
#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "gatehouse/DefaultConfig.h"
#include "logging/Logging.h"
#include "mockupstream/MockUpstreamServer.h"
#include "store/DataDirectory.h"
#include "store/KeyStore.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>

using namespace gatehouse;

namespace {

constexpr int kUsageErrorExit = 2; // as getopt-style tools do; CLI11's own codes (105, 106, ...) say less

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

// `key create` without --consumer: a tenant-level key, made on the local data directory as before
// the admin API existed (the API creates consumers' keys only). Its other options need --consumer.
int createTenantKey(const ChosenAdminCommand& command, const std::string& tenant)
{
    for (const auto& [argument, values] : command.values) {
        if (argument != "--name")
            throw UsageError(argument + " needs --consumer: a tenant-level key (--tenant) has only a name");
    }
    if (!command.target.remoteUrl.empty() || command.target.json)
        throw UsageError("a tenant-level key is made on a local data directory only; over --remote, create a consumer's key "
                         "with --consumer ID");
    return createKey(command.target.dataDirectory, command.values.at("--name").front(), tenant);
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

    AdminCommandLine adminCommands(app);
    ConfigCommandLine configCommands(app, loadConfig);
    GitLabCommandLine gitlabCommands(app, loadConfig);
    std::string keyTenant = "default";
    auto& keyCreate = adminCommands.command("key", "create");
    keyCreate.add_option("--tenant", keyTenant, "Without --consumer: the tenant a tenant-level key belongs to (local only)")
        ->capture_default_str()
        ->excludes("--consumer");

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

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // --help and --version are "errors" that exit 0; every real one is a usage error: 2.
        return app.exit(error) == 0 ? 0 : kUsageErrorExit;
    }
    try {
        if (*serveCommand)
            return serve(serveOptions);
        if (configCommands.chosen())
            return configCommands.run(std::cout, std::cerr);
        if (gitlabCommands.chosen())
            return gitlabCommands.run(std::cin, std::cout, std::cerr);
        if (const auto admin = adminCommands.chosen()) {
            if (admin->is("key", "create") && !admin->values.contains("--consumer"))
                return createTenantKey(*admin, keyTenant);
            return runAdminCommand(*admin, std::cout, std::cerr);
        }
        if (*mockCommand) {
            mockOptions.listen = parseHostPort(mockListen);
            mockOptions.flavor = *mockFlavorFromName(mockFlavor); // IsMember checked the name
            mockOptions.latency = std::chrono::milliseconds(mockLatency);
            mockOptions.chunkInterval = std::chrono::milliseconds(mockInterval);
            return mockUpstream(mockOptions);
        }
    } catch (const UsageError& error) {
        std::cerr << "gatehouse: error: " << error.what() << "\nRun with --help for more information.\n";
        return kUsageErrorExit;
    } catch (const std::exception& error) {
        std::cerr << "gatehouse: error: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
