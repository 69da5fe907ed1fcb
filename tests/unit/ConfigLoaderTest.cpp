// ConfigLoader: the YAML format, env-referenced secrets, and errors that name file, line and field.
#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"
#include "gatehouse/DefaultConfig.h"

#include <QtTest>

using namespace gatehouse;

namespace {

ConfigLoader loaderWith(std::map<std::string, std::string> variables)
{
    return ConfigLoader([variables](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end())
            return std::nullopt;
        return found->second;
    });
}

const char* kValidConfig = R"(
server:
  listen: 127.0.0.1:9001
  admin_listen: "[::1]:9002"
  threads: 3
  max_body_bytes: 2048
log:
  level: debug
  json: true
providers:
  - name: local
    kind: openai-compatible
    base_url: https://api.example.com:8443/v1/
    api_key: env:UPSTREAM_KEY
    ca_file: CA_FILE
    read_timeout_ms: 1500
  - name: mock
    kind: mock
    latency_ms: 25
    stream_chunks: 4
models:
  - name: gpt-4o-mini
    deployments:
      - provider: local
        model: gpt-4o-mini-2024-07-18
        weight: 3
      - provider: mock
        model: mock-1
keys:
  - name: ci
    key: env:CI_KEY
    tenant: team-a
    models: [gpt-4o-mini]
)";

} // namespace

class ConfigLoaderTest : public QObject {
    Q_OBJECT

private slots:
    void readsEveryDocumentedSetting()
    {
        QTemporaryFile caFile;
        QVERIFY(caFile.open());
        auto yaml = QString(kValidConfig).replace("CA_FILE", caFile.fileName()).toStdString();
        const auto config = loaderWith({{"UPSTREAM_KEY", "sk-upstream"}, {"CI_KEY", "gk-0123456789abcdefghijklmnop"}})
                                .loadText(yaml, "test.yaml");
        QCOMPARE(config.providers[0].caFile, caFile.fileName().toStdString());
        QCOMPARE(config.server.listen.toString(), std::string("127.0.0.1:9001"));
        QVERIFY(config.server.adminListen.has_value());
        QCOMPARE(config.server.adminListen->host, std::string("::1"));
        QCOMPARE(config.server.threads, 3);
        QCOMPARE(config.server.maxBodyBytes, std::size_t(2048));
        QCOMPARE(config.log.level, std::string("debug"));
        QVERIFY(config.log.json);
        QCOMPARE(config.providers.size(), std::size_t(2));
        const auto& local = config.providers[0];
        QCOMPARE(local.kind, ProviderKind::OpenAiCompatible);
        QVERIFY(local.baseUrl.tls);
        QCOMPARE(local.baseUrl.host, std::string("api.example.com"));
        QCOMPARE(local.baseUrl.port, uint16_t(8443));
        QCOMPARE(local.baseUrl.basePath, std::string("/v1"));
        QCOMPARE(local.apiKey, std::string("sk-upstream"));
        QCOMPARE(local.apiKeyReference, std::string("env:UPSTREAM_KEY"));
        QCOMPARE(local.readTimeout.count(), 1500);
        QCOMPARE(config.providers[1].mock.latency.count(), 25);
        QCOMPARE(config.providers[1].mock.streamChunks, 4);
        QCOMPARE(config.models[0].deployments.size(), std::size_t(2));
        QCOMPARE(config.models[0].deployments[0].weight, 3);
        QCOMPARE(config.keys[0].tenant, std::string("team-a"));
        QCOMPARE(config.keys[0].allowedModels, std::vector<std::string>{"gpt-4o-mini"});
    }

    void theBuiltInDefaultServesMockModels()
    {
        const auto config = loaderWith({}).loadText(kDefaultConfigYaml, "default");
        QVERIFY(!config.models.empty());
        for (const auto& model : config.models) {
            for (const auto& deployment : model.deployments)
                QCOMPARE(config.findProvider(deployment.provider)->kind, ProviderKind::Mock);
        }
        QCOMPARE(config.server.listen.toString(), std::string("127.0.0.1:8088"));
    }

    void providerKindsHaveTheirDefaults()
    {
        const auto config = loaderWith({}).loadText("providers:\n"
                                                    "  - {name: o, kind: openai}\n"
                                                    "  - {name: a, kind: anthropic, default_max_tokens: 1000}\n"
                                                    "  - {name: g, kind: gemini}\n"
                                                    "  - {name: z, kind: azure-openai, base_url: 'https://res.openai.azure.com'}\n"
                                                    "  - {name: v, kind: openai-compatible, base_url: 'http://127.0.0.1:8000/v1', stream_usage: false}\n",
            "cfg.yaml");
        QCOMPARE(config.providers.size(), std::size_t(5));
        QCOMPARE(config.providers[0].kind, ProviderKind::OpenAi);
        QCOMPARE(config.providers[0].baseUrl.toString(), std::string("https://api.openai.com:443/v1"));
        QCOMPARE(config.providers[1].kind, ProviderKind::Anthropic);
        QCOMPARE(config.providers[1].baseUrl.toString(), std::string("https://api.anthropic.com:443/v1"));
        QCOMPARE(config.providers[1].apiVersion, std::string("2023-06-01"));
        QCOMPARE(config.providers[1].defaultMaxTokens, 1000);
        QCOMPARE(config.providers[2].kind, ProviderKind::Gemini);
        QCOMPARE(config.providers[2].baseUrl.basePath, std::string("/v1beta"));
        QCOMPARE(config.providers[3].kind, ProviderKind::AzureOpenAi);
        QCOMPARE(config.providers[3].apiVersion, std::string("2024-10-21"));
        QCOMPARE(config.providers[3].baseUrl.basePath, std::string(""));
        QCOMPARE(config.providers[4].quirks.streamUsage, false);
        QCOMPARE(config.providers[0].quirks.streamUsage, true);
    }

    void rejectsWithFileLineAndField_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown top-level") << "servers: {}\n" << "cfg.yaml:1: servers: unknown setting";
        QTest::newRow("unknown provider setting")
            << "providers:\n  - name: m\n    kind: mock\n    latency: 5\n" << "cfg.yaml:4: providers[0].latency: unknown setting";
        QTest::newRow("literal secret")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: http://x/v1\n    api_key: sk-123\n"
            << "cfg.yaml:5: providers[0].api_key: secrets are given as env:VARIABLE_NAME";
        QTest::newRow("unset env")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: http://x/v1\n    api_key: env:NOPE\n"
            << "environment variable NOPE is not set";
        QTest::newRow("bad scheme")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: ftp://x\n"
            << "cfg.yaml:4: providers[0].base_url: 'ftp://x': base_url must start with http:// or https://";
        QTest::newRow("unreadable ca_file")
            << "providers:\n  - name: p\n    kind: openai-compatible\n    base_url: https://x/v1\n    ca_file: /nonexistent/ca.pem\n"
            << "cfg.yaml:5: providers[0].ca_file: cannot read /nonexistent/ca.pem";
        QTest::newRow("unknown kind") << "providers:\n  - name: p\n    kind: magic\n" << "providers[0].kind: unknown provider kind 'magic'";
        QTest::newRow("missing name") << "providers:\n  - kind: mock\n" << "providers[0].name: is required";
        QTest::newRow("azure without base_url")
            << "providers:\n  - name: az\n    kind: azure-openai\n" << "cfg.yaml:2: providers[0].base_url: is required for kind azure-openai";
        QTest::newRow("api_version where the kind has none")
            << "providers:\n  - name: p\n    kind: openai\n    api_version: v1\n" << "cfg.yaml:4: providers[0].api_version: unknown setting";
        QTest::newRow("stream_usage on anthropic")
            << "providers:\n  - name: p\n    kind: anthropic\n    stream_usage: false\n" << "cfg.yaml:4: providers[0].stream_usage: unknown setting";
        QTest::newRow("unknown provider in deployment")
            << "models:\n  - name: m\n    deployments:\n      - provider: ghost\n        model: x\n"
            << "cfg.yaml:4: models[0].deployments[0].provider: no provider named 'ghost'";
        QTest::newRow("model without deployments") << "models:\n  - name: m\n" << "a model needs at least one deployment";
        QTest::newRow("duplicate model")
            << "providers:\n  - {name: p, kind: mock}\nmodels:\n  - {name: m, deployments: [{provider: p, model: a}]}\n"
               "  - {name: m, deployments: [{provider: p, model: b}]}\n"
            << "cfg.yaml:5: models[1].name: 'm' is declared twice";
        QTest::newRow("short key") << "keys:\n  - name: k\n    key: env:SHORT\n" << "keys[0].key: the key must be at least 20 characters long";
        QTest::newRow("key for unknown model")
            << "keys:\n  - name: k\n    key: env:LONG\n    models: [nothing]\n" << "keys[0].models[0]: no model named 'nothing'";
        QTest::newRow("bad level") << "log:\n  level: loud\n" << "log.level: expected one of";
        QTest::newRow("bad listen") << "server:\n  listen: localhost\n" << "server.listen: 'localhost': missing port";
        QTest::newRow("bad number") << "server:\n  threads: many\n" << "server.threads: expected a whole number";
        QTest::newRow("out of range") << "server:\n  threads: 9999\n" << "server.threads: must be between 0 and 256";
        QTest::newRow("not yaml") << "providers: [\n" << "cfg.yaml:2: not valid YAML";
    }

    void rejectsWithFileLineAndField()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        const auto loader = loaderWith({{"SHORT", "abc"}, {"LONG", "gk-0123456789abcdefghijklmnop"}});
        try {
            loader.loadText(yaml.toStdString(), "cfg.yaml");
            QFAIL("expected a ConfigError");
        } catch (const ConfigError& error) {
            const QString message = QString::fromStdString(error.what());
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }

    void missingFileIsNamed()
    {
        try {
            loaderWith({}).loadFile("/nonexistent/gatehouse.yaml");
            QFAIL("expected a ConfigError");
        } catch (const ConfigError& error) {
            QCOMPARE(QString(error.what()), QString("/nonexistent/gatehouse.yaml: cannot open the configuration file"));
        }
    }

    void parsesAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("v4") << "127.0.0.1:8088" << "127.0.0.1" << 8088;
        QTest::newRow("any port") << "localhost:0" << "localhost" << 0;
        QTest::newRow("v6") << "[::1]:9000" << "::1" << 9000;
    }

    void parsesAddresses()
    {
        QFETCH(QString, text);
        QFETCH(QString, host);
        QFETCH(int, port);
        const auto address = parseHostPort(text.toStdString());
        QCOMPARE(QString::fromStdString(address.host), host);
        QCOMPARE(int(address.port), port);
    }

    void rejectsBadAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("no port") << "127.0.0.1";
        QTest::newRow("port too big") << "127.0.0.1:70000";
        QTest::newRow("unbracketed v6") << "::1:80";
        QTest::newRow("not a number") << "host:http";
        QTest::newRow("empty host") << ":80";
    }

    void rejectsBadAddresses()
    {
        QFETCH(QString, text);
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseHostPort(text.toStdString()));
    }

    void parsesUpstreamUrls()
    {
        const auto plain = parseUpstreamUrl("http://127.0.0.1:9000/v1");
        QVERIFY(!plain.tls);
        QCOMPARE(plain.port, uint16_t(9000));
        QCOMPARE(plain.basePath, std::string("/v1"));
        const auto tls = parseUpstreamUrl("https://api.openai.com/v1");
        QVERIFY(tls.tls);
        QCOMPARE(tls.port, uint16_t(443));
        QCOMPARE(parseUpstreamUrl("http://[::1]:81").toString(), std::string("http://[::1]:81"));
        QVERIFY_THROWS_EXCEPTION(ConfigError, parseUpstreamUrl("http://host/v1?x=1"));
    }
};

QTEST_GUILESS_MAIN(ConfigLoaderTest)
#include "ConfigLoaderTest.moc"
