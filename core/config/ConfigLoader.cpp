#include "config/ConfigLoader.h"

#include "config/AddressParsing.h"
#include "config/ConfigError.h"
#include "config/ProviderValidation.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace gatehouse {
namespace {

// Carries the file name so every error can say where it is.
class Reader {
public:
    Reader(std::string source, const EnvironmentLookup& environment)
        : m_source(std::move(source))
        , m_environment(environment)
    {
    }

    [[noreturn]] void fail(const YAML::Node& node, const std::string& field, const std::string& problem) const
    {
        std::string where = m_source;
        if (node.IsDefined() && node.Mark().line >= 0)
            where += ":" + std::to_string(node.Mark().line + 1);
        throw ConfigError(where + ": " + field + ": " + problem);
    }

    void expectMap(const YAML::Node& node, const std::string& field, std::set<std::string> allowed) const
    {
        if (!node.IsMap())
            fail(node, field, "expected a mapping");
        for (const auto& entry : node) {
            const auto key = entry.first.as<std::string>();
            if (!allowed.count(key)) {
                std::string list;
                for (const auto& name : allowed)
                    list += (list.empty() ? "" : ", ") + name;
                fail(entry.first, field.empty() ? key : field + "." + key, "unknown setting (expected one of: " + list + ")");
            }
        }
    }

    std::string string(const YAML::Node& node, const std::string& field) const
    {
        if (!node.IsScalar())
            fail(node, field, "expected a text value");
        return node.Scalar();
    }

    std::string requiredString(const YAML::Node& parent, const char* key, const std::string& field) const
    {
        const auto node = parent[key];
        if (!node.IsDefined() || node.IsNull())
            fail(parent, field + "." + key, "is required");
        auto value = string(node, field + "." + key);
        if (value.empty())
            fail(node, field + "." + key, "must not be empty");
        return value;
    }

    long long integer(const YAML::Node& node, const std::string& field, long long min, long long max) const
    {
        long long value = 0;
        try {
            value = node.as<long long>();
        } catch (const YAML::Exception&) {
            fail(node, field, "expected a whole number");
        }
        if (value < min || value > max)
            fail(node, field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return value;
    }

    bool boolean(const YAML::Node& node, const std::string& field) const
    {
        try {
            return node.as<bool>();
        } catch (const YAML::Exception&) {
            fail(node, field, "expected true or false");
        }
    }

    std::chrono::milliseconds millis(const YAML::Node& node, const std::string& field, long long min = 0) const
    {
        return std::chrono::milliseconds(integer(node, field, min, 24LL * 3600 * 1000));
    }

    // Secrets are never written in the file itself: "env:NAME" names an environment variable.
    std::string secret(const YAML::Node& node, const std::string& field) const
    {
        const auto reference = string(node, field);
        if (!reference.starts_with("env:"))
            fail(node, field, "secrets are given as env:VARIABLE_NAME, never in the file");
        const auto name = reference.substr(4);
        if (name.empty())
            fail(node, field, "env: needs a variable name");
        const auto value = m_environment(name);
        if (!value || value->empty())
            fail(node, field, "environment variable " + name + " is not set");
        return *value;
    }

    template<typename Fn>
    void forEach(const YAML::Node& parent, const char* key, Fn&& fn) const
    {
        const auto list = parent[key];
        if (!list.IsDefined() || list.IsNull())
            return;
        if (!list.IsSequence())
            fail(list, key, "expected a list");
        for (std::size_t i = 0; i < list.size(); ++i)
            fn(list[i], std::string(key) + "[" + std::to_string(i) + "]");
    }

    HostPort hostPort(const YAML::Node& node, const std::string& field) const
    {
        try {
            return parseHostPort(string(node, field));
        } catch (const ConfigError& error) {
            fail(node, field, error.what());
        }
    }

    const std::string& source() const { return m_source; }

private:
    std::string m_source;
    const EnvironmentLookup& m_environment;
};

void readServer(const Reader& r, const YAML::Node& node, ServerSettings& server)
{
    r.expectMap(node, "server",
        {"listen", "admin_listen", "threads", "max_body_bytes", "max_header_bytes", "read_timeout_ms",
            "idle_timeout_ms", "drain_timeout_ms"});
    if (node["listen"])
        server.listen = r.hostPort(node["listen"], "server.listen");
    if (node["admin_listen"])
        server.adminListen = r.hostPort(node["admin_listen"], "server.admin_listen");
    if (node["threads"])
        server.threads = static_cast<int>(r.integer(node["threads"], "server.threads", 0, 256));
    if (node["max_body_bytes"])
        server.maxBodyBytes = r.integer(node["max_body_bytes"], "server.max_body_bytes", 1024, 1LL << 30);
    if (node["max_header_bytes"])
        server.maxHeaderBytes = r.integer(node["max_header_bytes"], "server.max_header_bytes", 1024, 1 << 20);
    if (node["read_timeout_ms"])
        server.readTimeout = r.millis(node["read_timeout_ms"], "server.read_timeout_ms", 1);
    if (node["idle_timeout_ms"])
        server.idleTimeout = r.millis(node["idle_timeout_ms"], "server.idle_timeout_ms", 1);
    if (node["drain_timeout_ms"])
        server.drainTimeout = r.millis(node["drain_timeout_ms"], "server.drain_timeout_ms");
}

void readLog(const Reader& r, const YAML::Node& node, LogSettings& log)
{
    r.expectMap(node, "log", {"level", "json"});
    if (node["level"]) {
        log.level = r.string(node["level"], "log.level");
        static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
        if (!levels.count(log.level))
            r.fail(node["level"], "log.level", "expected one of trace, debug, info, warn, error, off");
    }
    if (node["json"])
        log.json = r.boolean(node["json"], "log.json");
}

void readStorage(const Reader& r, const YAML::Node& node, StorageSettings& storage)
{
    r.expectMap(node, "storage", {"writer_queue_capacity", "writer_batch_size", "writer_flush_interval_ms"});
    if (node["writer_queue_capacity"])
        storage.writerQueueCapacity = r.integer(node["writer_queue_capacity"], "storage.writer_queue_capacity", 100, 100000000);
    if (node["writer_batch_size"])
        storage.writerBatchSize = r.integer(node["writer_batch_size"], "storage.writer_batch_size", 1, 100000);
    if (node["writer_flush_interval_ms"])
        storage.writerFlushInterval = r.millis(node["writer_flush_interval_ms"], "storage.writer_flush_interval_ms");
}

// A YAML mapping seen through the shared provider and model rules (config/ProviderValidation.h),
// so the file and the admin API validate alike; problems name the file, line and field.
class YamlSettingsNode final : public SettingsNode {
public:
    YamlSettingsNode(const Reader& reader, YAML::Node node, std::string field)
        : m_reader(reader)
        , m_node(std::move(node))
        , m_field(std::move(field))
    {
    }

    std::vector<std::string> keys() const override
    {
        requireMap();
        std::vector<std::string> names;
        for (const auto& entry : m_node)
            names.push_back(entry.first.as<std::string>());
        return names;
    }
    bool has(std::string_view key) const override
    {
        requireMap();
        const auto value = m_node[std::string(key)];
        return value.IsDefined() && !value.IsNull();
    }
    std::string text(std::string_view key) const override { return m_reader.string(at(key), field(key)); }
    long long integer(std::string_view key, long long min, long long max) const override
    {
        return m_reader.integer(at(key), field(key), min, max);
    }
    bool boolean(std::string_view key) const override { return m_reader.boolean(at(key), field(key)); }
    void forEach(std::string_view key, const std::function<void(const SettingsNode&)>& item) const override
    {
        requireMap();
        const auto list = at(key);
        if (!list.IsDefined() || list.IsNull())
            return;
        if (!list.IsSequence())
            m_reader.fail(list, field(key), "expected a list");
        for (std::size_t i = 0; i < list.size(); ++i)
            item(YamlSettingsNode(m_reader, list[i], field(key) + "[" + std::to_string(i) + "]"));
    }
    [[noreturn]] void fail(std::string_view key, const std::string& problem, SettingsProblem) const override
    {
        const auto value = key.empty() ? m_node : at(key);
        m_reader.fail(value.IsDefined() ? value : m_node, field(key), problem);
    }

private:
    void requireMap() const
    {
        if (!m_node.IsMap())
            m_reader.fail(m_node, m_field, "expected a mapping");
    }
    YAML::Node at(std::string_view key) const { return m_node[std::string(key)]; }
    std::string field(std::string_view key) const
    {
        if (key.empty())
            return m_field;
        return m_field.empty() ? std::string(key) : m_field + "." + std::string(key);
    }

    const Reader& m_reader;
    const YAML::Node m_node;
    std::string m_field;
};

ProviderConfig readProvider(const Reader& r, const YAML::Node& node, const std::string& field)
{
    auto provider = readProviderEntry(YamlSettingsNode(r, node, field), {"api_key", {}});
    // The file names its credential as env:NAME and it must be set now: the gateway does not
    // start with a provider it cannot call.
    if (node["api_key"]) {
        provider.apiKeyReference = r.string(node["api_key"], field + ".api_key");
        provider.apiKey = r.secret(node["api_key"], field + ".api_key");
    }
    return provider;
}

ModelConfig readModel(const Reader& r, const YAML::Node& node, const std::string& field, const GatewayConfig& config)
{
    return readModelEntry(YamlSettingsNode(r, node, field),
        [&](const std::string& provider) { return config.findProvider(provider) != nullptr; });
}

KeyConfig readKey(const Reader& r, const YAML::Node& node, const std::string& field, const GatewayConfig& config)
{
    r.expectMap(node, field, {"name", "key", "tenant", "models"});
    KeyConfig key;
    key.name = r.requiredString(node, "name", field);
    if (!node["key"])
        r.fail(node, field + ".key", "is required (env:VARIABLE_NAME)");
    key.secretReference = r.string(node["key"], field + ".key");
    key.secret = r.secret(node["key"], field + ".key");
    if (key.secret.size() < 20)
        r.fail(node["key"], field + ".key", "the key must be at least 20 characters long");
    if (node["tenant"])
        key.tenant = r.string(node["tenant"], field + ".tenant");
    r.forEach(node, "models", [&](const YAML::Node& item, const std::string& itemField) {
        const auto name = r.string(item, field + "." + itemField);
        const bool known = std::any_of(config.models.begin(), config.models.end(), [&](const auto& m) { return m.name == name; });
        if (!known)
            r.fail(item, field + "." + itemField, "no model named '" + name + "'");
        key.allowedModels.push_back(name);
    });
    return key;
}

template<typename T>
void rejectDuplicateNames(const Reader& r, const YAML::Node& list, const std::vector<T>& items, const char* what)
{
    std::set<std::string> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!seen.insert(items[i].name).second)
            r.fail(list[i], std::string(what) + "[" + std::to_string(i) + "].name", "'" + items[i].name + "' is declared twice");
    }
}

} // namespace

EnvironmentLookup processEnvironment()
{
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value)
            return std::nullopt;
        return std::string(value);
    };
}

ConfigLoader::ConfigLoader(EnvironmentLookup environment)
    : m_environment(std::move(environment))
{
}

GatewayConfig ConfigLoader::loadText(std::string_view yaml, const std::string& sourceName) const
{
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& error) {
        throw ConfigError(sourceName + ":" + std::to_string(error.mark.line + 1) + ": not valid YAML: " + error.msg);
    }
    const Reader r(sourceName, m_environment);
    GatewayConfig config;
    config.source = sourceName;
    if (root.IsNull())
        return config;
    r.expectMap(root, "", {"server", "log", "storage", "providers", "models", "keys"});
    if (root["server"])
        readServer(r, root["server"], config.server);
    if (root["log"])
        readLog(r, root["log"], config.log);
    if (root["storage"])
        readStorage(r, root["storage"], config.storage);
    r.forEach(root, "providers", [&](const YAML::Node& node, const std::string& field) {
        config.providers.push_back(readProvider(r, node, field));
    });
    rejectDuplicateNames(r, root["providers"], config.providers, "providers");
    r.forEach(root, "models", [&](const YAML::Node& node, const std::string& field) {
        config.models.push_back(readModel(r, node, field, config));
    });
    rejectDuplicateNames(r, root["models"], config.models, "models");
    r.forEach(root, "keys", [&](const YAML::Node& node, const std::string& field) {
        config.keys.push_back(readKey(r, node, field, config));
    });
    rejectDuplicateNames(r, root["keys"], config.keys, "keys");
    return config;
}

GatewayConfig ConfigLoader::loadFile(const std::string& path) const
{
    std::ifstream file(path);
    if (!file)
        throw ConfigError(path + ": cannot open the configuration file");
    std::stringstream text;
    text << file.rdbuf();
    return loadText(text.str(), path);
}

} // namespace gatehouse
