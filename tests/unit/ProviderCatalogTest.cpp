// ProviderCatalog: the effective configuration (config file + store), validation of admin input
// with the config loader's own rules (400s naming the field), models' traffic policy (kept, shown,
// patched, fallbacks checked across models), read-only config file entries, credentials resolved
// at merge time, and items that never carry a secret.
#include "TemporaryDataDirectory.h"
#include "config/ConfigLoader.h"
#include "config/JsonSettingsNode.h"
#include "gateway/GatewaySnapshot.h"
#include "gateway/ProviderCatalog.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const Change kAdmin{"ops", ""};
const std::string kSecret = "sk-catalog-SECRET-42";

const char* kFileYaml = R"(
providers:
  - name: openai
    kind: openai
    api_key: env:FILE_OPENAI_KEY
  - name: mock
    kind: mock
models:
  - name: file-model
    deployments:
      - provider: mock
        model: mock-1
)";

struct Fixture {
    std::map<std::string, std::string> variables{{"FILE_OPENAI_KEY", "sk-from-file"}, {"TEAM_KEY", "sk-from-env"}};
    EnvironmentLookup environment = [this](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    GatewayConfig file = ConfigLoader(environment).loadText(kFileYaml, "gatehouse.yaml");
    TemporaryDataDirectory dir;
    Database db{dir.databasePath()};
    GovernanceStore audit{db};
    ProviderStore store{db};
    ProviderCatalog catalog{&file, store, audit, environment};

    MergedConfig merged() { return mergeConfig(file, store.catalog(), environment); }
};

Json localProvider(const std::string& name, Json credential = nullptr)
{
    Json body{{"name", name}, {"kind", "openai-compatible"}, {"base_url", "http://127.0.0.1:9000/v1"}};
    if (!credential.is_null())
        body["credential"] = credential;
    return body;
}

// A model on the file's mock provider with every traffic policy key set.
Json routedModel(const std::string& name)
{
    auto body = Json::parse(R"({"strategy": "fallback", "fallbacks": ["file-model"], "context_window_fallbacks": ["file-model"],
        "cache_ttl_s": 300, "limits": {"requests_per_minute": 60, "tokens_per_minute": 5000, "concurrent": 2},
        "canary": {"deployment": "mock/b", "percent": 5},
        "rules": [{"name": "acme", "match": {"tenant": ["acme"], "headers": {"x-region": ["eu"]}}, "deployments": ["mock/a"],
                   "fall_back_to_others": true}],
        "deployments": [{"provider": "mock", "model": "a", "weight": 1, "priority": 0,
                         "price": {"input_per_million": 0.15, "output_per_million": 0.6}, "limits": {"requests_per_minute": 100}},
                        {"provider": "mock", "model": "b", "weight": 1, "priority": 1, "price": null, "limits": null}]})");
    body["model"] = name;
    return body;
}

template<typename Body>
std::optional<SettingsError> settingsErrorOf(Body&& body)
{
    try {
        body();
    } catch (const SettingsError& error) {
        return error;
    }
    return std::nullopt;
}

template<typename Body>
std::optional<GovernanceError> governanceErrorOf(Body&& body)
{
    try {
        body();
    } catch (const GovernanceError& error) {
        return error;
    }
    return std::nullopt;
}

} // namespace

class ProviderCatalogTest : public QObject {
    Q_OBJECT

private slots:
    void mergesTheFileAndTheStore();
    void resolvesCredentialsWhenMerging();
    void leavesOutWhatCannotBeServed();
    void itemsShowSourceSettingsAndCredentialMetadataOnly();
    void refusesWhatTheConfigLoaderRefuses_data();
    void refusesWhatTheConfigLoaderRefuses();
    void refusesBadCredentials_data();
    void refusesBadCredentials();
    void configFileEntriesAreReadOnly();
    void patchMergesSettingsAndKeepsTheCredential();
    void modelsValidateTheirProvidersAcrossBothSources();
    void modelsKeepAndShowTheirTrafficPolicy();
    void patchReplacesOnlyTheFieldsGiven();
    void fallbacksMustNameAModel();
    void aDeletedFallbackTargetLeavesTheModelServed();
    void fileModelsShowTheirTrafficPolicy();
    void aStoredModelThatNoLongerReadsBackIsNotServed();
    void deletingAProviderInUseIsAConflict();
    void snapshotRoutesAroundUnavailableProviders();
    void auditEntriesHoldTheItemsNeverTheSecret();
    void withoutTheConfigFileOnlyTheStoreIsKnown();
};

void ProviderCatalogTest::mergesTheFileAndTheStore()
{
    Fixture f;
    f.catalog.createProvider(kAdmin, localProvider("local"));
    f.catalog.createModel(kAdmin, {{"model", "team-model"}, {"deployments", {{{"provider", "local"}, {"model", "llama"}, {"weight", 2}},
                                                                             {{"provider", "mock"}, {"model", "mock-1"}}}}});
    const auto merged = f.merged();
    QCOMPARE(merged.config.providers.size(), std::size_t(3));
    QCOMPARE(merged.config.providers[0].definedIn, DefinedIn::ConfigFile);
    const auto* local = merged.config.findProvider("local");
    QVERIFY(local);
    QCOMPARE(local->definedIn, DefinedIn::Store);
    QCOMPARE(local->kind, ProviderKind::OpenAiCompatible);
    QCOMPARE(local->baseUrl.port, uint16_t(9000));
    QCOMPARE(local->readTimeout.count(), 120000); // the loader's default
    const auto* model = merged.config.findModel("team-model");
    QVERIFY(model);
    QCOMPARE(model->definedIn, DefinedIn::Store);
    QCOMPARE(model->deployments[0].weight, 2);
    QCOMPARE(model->deployments[1].weight, 1);
    QCOMPARE(merged.config.source, std::string("gatehouse.yaml"));
    QVERIFY(merged.leftOutProviders.empty());
    QVERIFY(merged.leftOutModels.empty());
}

void ProviderCatalogTest::resolvesCredentialsWhenMerging()
{
    Fixture f;
    f.catalog.createProvider(kAdmin, localProvider("with-env", {{"source", "env"}, {"name", "TEAM_KEY"}}));
    f.catalog.createProvider(kAdmin, localProvider("with-secret", {{"source", "stored"}, {"secret", kSecret}}));
    f.catalog.createProvider(kAdmin, localProvider("with-unset-env", {{"source", "env"}, {"name", "NOT_SET_ANYWHERE"}}));
    f.catalog.createProvider(kAdmin, localProvider("with-none"));
    const auto merged = f.merged();

    const auto* env = merged.config.findProvider("with-env");
    QCOMPARE(env->apiKey, std::string("sk-from-env"));
    QCOMPARE(env->apiKeyReference, std::string("env:TEAM_KEY"));
    QVERIFY(env->unavailable.empty());
    const auto* secret = merged.config.findProvider("with-secret");
    QCOMPARE(secret->apiKey, kSecret);
    QCOMPARE(secret->apiKeyReference, std::string("stored"));
    const auto* unset = merged.config.findProvider("with-unset-env");
    QVERIFY(unset->apiKey.empty());
    QCOMPARE(unset->unavailable,
        std::string("its credential names the environment variable NOT_SET_ANYWHERE, which is not set in the gateway's environment"));
    QVERIFY(merged.config.findProvider("with-none")->apiKey.empty());

    // Setting the variable is picked up by the next merge (the next snapshot).
    f.variables["NOT_SET_ANYWHERE"] = "sk-now-set";
    QCOMPARE(f.merged().config.findProvider("with-unset-env")->apiKey, std::string("sk-now-set"));
}

void ProviderCatalogTest::leavesOutWhatCannotBeServed()
{
    Fixture f;
    // Written straight into the store, as another process without the config file could.
    StoredProvider shadow{"openai", "openai-compatible", {{"base_url", "http://127.0.0.1:1/v1"}}};
    f.store.createProvider(f.audit, kAdmin, shadow, {});
    f.store.createModel(f.audit, kAdmin, {"file-model", {{"mock", "x", 1}}});
    f.store.createModel(f.audit, kAdmin, {"orphan", {{"vanished", "x", 1}}});
    f.store.createModel(f.audit, kAdmin, {"fine", {{"openai", "gpt-4o", 1}}});

    const auto merged = f.merged();
    QCOMPARE(merged.config.findProvider("openai")->definedIn, DefinedIn::ConfigFile);
    QCOMPARE(merged.config.findProvider("openai")->kind, ProviderKind::OpenAi);
    QCOMPARE(merged.leftOutProviders.size(), std::size_t(1));
    QVERIFY(merged.leftOutProviders[0].reason.find("the config file gatehouse.yaml defines a provider of the same name") == 0);
    QCOMPARE(merged.leftOutModels.size(), std::size_t(2));
    QCOMPARE(merged.config.findModel("file-model")->definedIn, DefinedIn::ConfigFile);
    QVERIFY(!merged.config.findModel("orphan"));
    QVERIFY(merged.config.findModel("fine"));

    // The admin API lists them, not served, with the reason; deleting removes the store's copy.
    const auto item = f.catalog.model("orphan");
    QCOMPARE(item["served"].get<bool>(), false);
    QCOMPARE(item["problem"].get<std::string>(),
        std::string("deployments[0] names the provider 'vanished', which does not exist any more; edit the model"));
    int shadows = 0;
    for (const auto& provider : f.catalog.providers())
        shadows += provider["name"] == "openai" && provider["source"] == "store" && provider["served"] == false;
    QCOMPARE(shadows, 1);
    QCOMPARE(f.catalog.provider("openai")["source"].get<std::string>(), std::string("config"));
    QCOMPARE(f.catalog.deleteProvider(kAdmin, "openai")["source"].get<std::string>(), std::string("store"));
    QVERIFY(!f.store.findProvider("openai"));
}

void ProviderCatalogTest::itemsShowSourceSettingsAndCredentialMetadataOnly()
{
    Fixture f;
    const auto created = f.catalog.createProvider(kAdmin, localProvider("vault", {{"source", "stored"}, {"secret", kSecret}}));
    f.catalog.createModel(kAdmin, {{"model", "m"}, {"deployments", {{{"provider", "vault"}, {"model", "x"}}}}});
    QCOMPARE(created["source"].get<std::string>(), std::string("store"));
    QCOMPARE(created["credential"].dump(), std::string(R"({"source":"stored","set":true})"));
    QCOMPARE(created["base_url"].get<std::string>(), std::string("http://127.0.0.1:9000/v1"));
    QCOMPARE(created["stream_usage"].get<bool>(), true);
    QVERIFY(created.contains("created_at_ms"));

    const auto providers = f.catalog.providers();
    QCOMPARE(providers.size(), std::size_t(3));
    QCOMPARE(providers[0]["name"].get<std::string>(), std::string("openai"));
    QCOMPARE(providers[0]["source"].get<std::string>(), std::string("config"));
    QCOMPARE(providers[0]["credential"].dump(), std::string(R"({"source":"env","name":"FILE_OPENAI_KEY"})"));
    QVERIFY(providers[0]["created_at_ms"].is_null());
    QCOMPARE(providers[1]["credential"].dump(), std::string(R"({"source":"none"})"));
    QCOMPARE(providers[1]["stream_chunks"].get<int>(), 8);
    QVERIFY(!providers[1].contains("base_url"));
    QCOMPARE(providers[2]["models"].dump(), std::string(R"(["m"])"));
    for (const auto& item : providers) {
        QVERIFY(item.dump().find("SECRET") == std::string::npos);
        QVERIFY(item.dump().find("sk-from-file") == std::string::npos);
    }
    const auto models = f.catalog.models();
    QCOMPARE(models.size(), std::size_t(2));
    QCOMPARE(models[0].dump(), std::string(R"({"model":"file-model","mode":"open","auto_approve":false,"served":true,"source":"config",)"
                                           R"("deployments":[{"provider":"mock","model":"mock-1","weight":1,"priority":0,"price":null,"limits":null}],)"
                                           R"("strategy":"weighted","rules":[],"canary":null,"fallbacks":[],"context_window_fallbacks":[],)"
                                           R"("cache_ttl_s":null,"limits":null,"capture_payloads":false,"problem":null,"created_at_ms":null,"updated_at_ms":null})"));
    QCOMPARE(models[1]["source"].get<std::string>(), std::string("store"));
}

void ProviderCatalogTest::refusesWhatTheConfigLoaderRefuses_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("field");
    QTest::addColumn<int>("problem");
    QTest::addColumn<QString>("message");
    const auto row = [](const char* name, const char* body, const char* field, SettingsProblem problem, const char* message) {
        QTest::newRow(name) << body << field << int(problem) << message;
    };
    row("no name", R"({"kind":"openai"})", "name", SettingsProblem::Missing, "name: is required");
    row("empty name", R"({"name":"","kind":"openai"})", "name", SettingsProblem::BadValue, "name: must not be empty");
    row("control character", "{\"name\":\"a\\tb\",\"kind\":\"openai\"}", "name", SettingsProblem::BadValue, "name: must not contain control characters");
    row("unknown kind", R"({"name":"p","kind":"magic"})", "kind", SettingsProblem::BadValue, "kind: unknown provider kind 'magic'");
    row("kind not text", R"({"name":"p","kind":3})", "kind", SettingsProblem::WrongType, "kind: expected a text value, not a number");
    row("base_url required", R"({"name":"p","kind":"openai-compatible"})", "base_url", SettingsProblem::Missing,
        "base_url: is required for kind openai-compatible");
    row("bad scheme", R"({"name":"p","kind":"openai-compatible","base_url":"ftp://x"})", "base_url", SettingsProblem::BadValue, "base_url: ");
    row("api_version on openai", R"({"name":"p","kind":"openai","api_version":"1"})", "api_version", SettingsProblem::UnknownKey,
        "api_version: unknown setting (expected one of:");
    row("stream_usage on anthropic", R"({"name":"p","kind":"anthropic","stream_usage":false})", "stream_usage",
        SettingsProblem::UnknownKey, "stream_usage: unknown setting");
    row("timeout as text", R"({"name":"p","kind":"openai","read_timeout_ms":"5000"})", "read_timeout_ms", SettingsProblem::WrongType,
        "read_timeout_ms: expected a whole number, not a string");
    row("timeout fractional", R"({"name":"p","kind":"openai","read_timeout_ms":1.5})", "read_timeout_ms", SettingsProblem::WrongType,
        "read_timeout_ms: expected a whole number, not a fractional number");
    row("timeout zero", R"({"name":"p","kind":"openai","connect_timeout_ms":0})", "connect_timeout_ms", SettingsProblem::BadValue,
        "connect_timeout_ms: must be between 1 and 86400000");
    row("stream_usage not bool", R"({"name":"p","kind":"openai","stream_usage":"no"})", "stream_usage", SettingsProblem::WrongType,
        "stream_usage: expected true or false");
    row("unreadable ca_file", R"({"name":"p","kind":"openai","ca_file":"/nonexistent/ca.pem"})", "ca_file", SettingsProblem::BadValue,
        "ca_file: cannot read /nonexistent/ca.pem");
    row("credential on mock", R"({"name":"p","kind":"mock","credential":{"source":"none"}})", "credential", SettingsProblem::UnknownKey,
        "credential: unknown setting");
    row("api_key is the file's word", R"({"name":"p","kind":"openai","api_key":"env:X"})", "api_key", SettingsProblem::UnknownKey,
        "api_key: unknown setting");
}

void ProviderCatalogTest::refusesWhatTheConfigLoaderRefuses()
{
    QFETCH(QString, body);
    QFETCH(QString, field);
    QFETCH(int, problem);
    QFETCH(QString, message);
    Fixture f;
    const auto error = settingsErrorOf([&] { f.catalog.createProvider(kAdmin, Json::parse(body.toStdString())); });
    QVERIFY2(error, "expected a refusal");
    QCOMPARE(QString::fromStdString(error->field()), field);
    QCOMPARE(int(error->problem()), problem);
    QVERIFY2(QString(error->what()).startsWith(message), error->what());
    QVERIFY(f.store.listProviders().empty());
}

void ProviderCatalogTest::refusesBadCredentials_data()
{
    QTest::addColumn<QString>("credential");
    QTest::addColumn<QString>("field");
    QTest::newRow("not an object") << R"("env:OPENAI_API_KEY")" << "credential";
    QTest::newRow("no source") << R"({"name":"X"})" << "credential.source";
    QTest::newRow("unknown source") << R"({"source":"vault"})" << "credential.source";
    QTest::newRow("env without name") << R"({"source":"env"})" << "credential.name";
    QTest::newRow("secret on env") << R"({"source":"env","name":"X","secret":"sk-SECRET"})" << "credential.secret";
    QTest::newRow("stored without secret") << R"({"source":"stored"})" << "credential.secret";
    QTest::newRow("secret not text") << R"({"source":"stored","secret":12})" << "credential.secret";
    QTest::newRow("name on none") << R"({"source":"none","name":"X"})" << "credential.name";
}

void ProviderCatalogTest::refusesBadCredentials()
{
    QFETCH(QString, credential);
    QFETCH(QString, field);
    Fixture f;
    const auto error = settingsErrorOf([&] { f.catalog.createProvider(kAdmin, localProvider("p", Json::parse(credential.toStdString()))); });
    QVERIFY2(error, "expected a refusal");
    QCOMPARE(QString::fromStdString(error->field()), field);
    QVERIFY2(!QString(error->what()).contains("SECRET"), error->what());
}

void ProviderCatalogTest::configFileEntriesAreReadOnly()
{
    Fixture f;
    const auto edit = governanceErrorOf([&] { f.catalog.updateProvider(kAdmin, "openai", {{"read_timeout_ms", 1000}}); });
    QVERIFY(edit);
    QCOMPARE(edit->kind(), GovernanceErrorKind::Conflict);
    QCOMPARE(QString(edit->what()), QString("provider 'openai' is defined in the config file gatehouse.yaml; edit it there "
                                            "(the admin API changes only the providers added through it)"));
    const auto remove = governanceErrorOf([&] { f.catalog.deleteProvider(kAdmin, "openai"); });
    QVERIFY(QString(remove->what()).contains("remove it there"));
    const auto add = governanceErrorOf([&] { f.catalog.createProvider(kAdmin, localProvider("mock")); });
    QCOMPARE(add->kind(), GovernanceErrorKind::Conflict);
    QVERIFY(QString(add->what()).contains("choose another name"));
    const auto model = governanceErrorOf([&] {
        f.catalog.updateModel(kAdmin, "file-model", {{"deployments", {{{"provider", "mock"}, {"model", "y"}}}}});
    });
    QCOMPARE(QString(model->what()), QString("model 'file-model' is defined in the config file gatehouse.yaml; edit it there "
                                             "(the admin API changes only the models added through it)"));
    QCOMPARE(governanceErrorOf([&] { f.catalog.deleteModel(kAdmin, "nope"); })->kind(), GovernanceErrorKind::NotFound);
    QCOMPARE(governanceErrorOf([&] { f.catalog.provider("nope"); })->kind(), GovernanceErrorKind::NotFound);

    // The built-in default config is named as such.
    GatewayConfig builtIn = ConfigLoader(f.environment).loadText(kFileYaml, "built-in default config");
    ProviderCatalog catalog(&builtIn, f.store, f.audit, f.environment);
    const auto builtInEdit = governanceErrorOf([&] { catalog.deleteProvider(kAdmin, "mock"); });
    QVERIFY(QString(builtInEdit->what()).startsWith("provider 'mock' is defined in the built-in default config; remove it there"));
}

void ProviderCatalogTest::patchMergesSettingsAndKeepsTheCredential()
{
    Fixture f;
    f.catalog.createProvider(kAdmin, localProvider("p", {{"source", "stored"}, {"secret", kSecret}}));
    auto item = f.catalog.updateProvider(kAdmin, "p", {{"read_timeout_ms", 1500}, {"stream_usage", false}});
    QCOMPARE(item["read_timeout_ms"].get<int>(), 1500);
    QCOMPARE(item["stream_usage"].get<bool>(), false);
    QCOMPARE(item["base_url"].get<std::string>(), std::string("http://127.0.0.1:9000/v1"));
    QCOMPARE(f.store.catalog().secrets.at("p"), kSecret); // kept without being sent again

    item = f.catalog.updateProvider(kAdmin, "p", {{"read_timeout_ms", nullptr}}); // back to the default
    QCOMPARE(item["read_timeout_ms"].get<int>(), 120000);
    const Json keptSettings{{"base_url", "http://127.0.0.1:9000/v1"}, {"stream_usage", false}}; // (moc reads "//" in a raw string as a comment)
    QCOMPARE(f.store.findProvider("p")->settings, keptSettings);

    item = f.catalog.updateProvider(kAdmin, "p", {{"credential", {{"source", "stored"}}}});
    QCOMPARE(f.store.catalog().secrets.at("p"), kSecret);
    item = f.catalog.updateProvider(kAdmin, "p", {{"credential", {{"source", "env"}, {"name", "TEAM_KEY"}}}});
    QCOMPARE(item["credential"].dump(), std::string(R"({"source":"env","name":"TEAM_KEY"})"));
    QVERIFY(f.store.catalog().secrets.empty());

    // The rules apply to the result: a setting the new kind does not have must go in the same patch.
    const auto wrongKind = settingsErrorOf([&] { f.catalog.updateProvider(kAdmin, "p", {{"kind", "anthropic"}}); });
    QVERIFY(wrongKind);
    QCOMPARE(wrongKind->field(), std::string("stream_usage"));
    item = f.catalog.updateProvider(kAdmin, "p", {{"kind", "anthropic"}, {"stream_usage", nullptr}, {"default_max_tokens", 100}});
    QCOMPARE(item["kind"].get<std::string>(), std::string("anthropic"));
    QCOMPARE(item["api_version"].get<std::string>(), std::string("2023-06-01"));
    QCOMPARE(item["default_max_tokens"].get<int>(), 100);

    const auto rename = settingsErrorOf([&] { f.catalog.updateProvider(kAdmin, "p", {{"name", "q"}}); });
    QCOMPARE(rename->field(), std::string("name"));
    f.catalog.updateProvider(kAdmin, "p", {{"name", "p"}}); // the same name is no rename
    const auto unknown = settingsErrorOf([&] { f.catalog.updateProvider(kAdmin, "p", {{"colour", "blue"}}); });
    QCOMPARE(unknown->problem(), SettingsProblem::UnknownKey);
    QCOMPARE(governanceErrorOf([&] { f.catalog.updateProvider(kAdmin, "nope", Json::object()); })->kind(), GovernanceErrorKind::NotFound);

    // Becoming a mock drops the credential: a mock takes none.
    item = f.catalog.updateProvider(kAdmin, "p", {{"kind", "mock"}, {"base_url", nullptr}, {"default_max_tokens", nullptr}});
    QCOMPARE(item["credential"].dump(), std::string(R"({"source":"none"})"));
}

void ProviderCatalogTest::modelsValidateTheirProvidersAcrossBothSources()
{
    Fixture f;
    f.catalog.createProvider(kAdmin, localProvider("local"));
    const auto created = f.catalog.createModel(kAdmin,
        {{"model", "m"}, {"deployments", {{{"provider", "openai"}, {"model", "gpt-4o"}}, {{"provider", "local"}, {"model", "x"}}}}});
    QCOMPARE(created["deployments"].size(), std::size_t(2));

    const auto unknown = settingsErrorOf([&] {
        f.catalog.createModel(kAdmin, {{"model", "n"}, {"deployments", {{{"provider", "mock"}, {"model", "a"}}, {{"provider", "nope"}, {"model", "b"}}}}});
    });
    QCOMPARE(unknown->field(), std::string("deployments[1].provider"));
    QCOMPARE(unknown->problem(), SettingsProblem::UnknownReference);
    QCOMPARE(QString(unknown->what()), QString("deployments[1].provider: no provider named 'nope'"));
    const auto none = settingsErrorOf([&] { f.catalog.createModel(kAdmin, {{"model", "n"}, {"deployments", Json::array()}}); });
    QCOMPARE(QString(none->what()), QString("deployments: a model needs at least one deployment"));
    const auto weight = settingsErrorOf([&] {
        f.catalog.createModel(kAdmin, {{"model", "n"}, {"deployments", {{{"provider", "mock"}, {"model", "a"}, {"weight", 0}}}}});
    });
    QCOMPARE(weight->field(), std::string("deployments[0].weight"));
    const auto extra = settingsErrorOf([&] {
        f.catalog.createModel(kAdmin, {{"model", "n"}, {"deployments", {{{"provider", "mock"}, {"model", "a"}, {"region", "eu"}}}}});
    });
    QCOMPARE(extra->field(), std::string("deployments[0].region"));
    QCOMPARE(governanceErrorOf([&] {
        f.catalog.createModel(kAdmin, {{"model", "file-model"}, {"deployments", {{{"provider", "mock"}, {"model", "a"}}}}});
    })->kind(), GovernanceErrorKind::Conflict);

    const auto updated = f.catalog.updateModel(kAdmin, "m", {{"deployments", {{{"provider", "mock"}, {"model", "z"}, {"weight", 5}}}}});
    QCOMPARE(updated["deployments"].dump(), std::string(R"([{"provider":"mock","model":"z","weight":5,"priority":0,"price":null,"limits":null}])"));
    QCOMPARE(f.catalog.updateModel(kAdmin, "m", Json::object())["deployments"], updated["deployments"]);
    QCOMPARE(f.catalog.deleteModel(kAdmin, "m")["model"].get<std::string>(), std::string("m"));
    QVERIFY(!f.store.findModel("m"));
}

void ProviderCatalogTest::modelsKeepAndShowTheirTrafficPolicy()
{
    Fixture f;
    const auto body = routedModel("routed");
    const auto created = f.catalog.createModel(kAdmin, body);
    // The answer shows every key as it was given (the body's own shape), and the audit entry is the answer.
    for (const auto& key : {"strategy", "rules", "canary", "fallbacks", "context_window_fallbacks", "cache_ttl_s", "limits", "deployments"})
        QVERIFY2(created[key] == body[key], key);
    QCOMPARE(f.audit.queryAudit().items.front().after, created);
    QCOMPARE(f.catalog.model("routed"), created);

    // Served with all of it.
    const auto merged = f.merged();
    const auto* model = merged.config.findModel("routed");
    QVERIFY(model);
    QCOMPARE(model->strategy, RoutingStrategy::OrderedFallback);
    QCOMPARE(model->fallbacks, std::vector<std::string>{"file-model"});
    QCOMPARE(model->contextWindowFallbacks, std::vector<std::string>{"file-model"});
    QCOMPARE(model->cacheTtl, std::optional<std::chrono::seconds>(300));
    QCOMPARE(model->limits.concurrentRequests, std::optional<int64_t>(2));
    QCOMPARE(model->canary->percent, 5.0);
    QCOMPARE(model->rules.at(0).conditions.size(), std::size_t(2));
    QCOMPARE(model->deployments[0].price->outputPerMillion, 0.6);
    QCOMPARE(model->deployments[1].priority, 1);
    const GatewaySnapshot snapshot(merged.config, {});
    const auto* route = snapshot.route("routed");
    QVERIFY(route);
    QCOMPARE(route->fallbacks, std::vector<std::string>{"file-model"});
    QCOMPARE(route->cacheTtl, std::chrono::seconds(300));
}

void ProviderCatalogTest::patchReplacesOnlyTheFieldsGiven()
{
    Fixture f;
    const auto created = f.catalog.createModel(kAdmin, routedModel("routed"));

    // The strategy alone: the deployments and everything else stay.
    auto item = f.catalog.updateModel(kAdmin, "routed", {{"strategy", "round_robin"}});
    QCOMPARE(item["strategy"].get<std::string>(), std::string("round_robin"));
    for (const auto& key : {"deployments", "rules", "canary", "fallbacks", "context_window_fallbacks", "cache_ttl_s", "limits"})
        QVERIFY2(item[key] == created[key], key);

    // A list replaces the list.
    item = f.catalog.updateModel(kAdmin, "routed", {{"fallbacks", Json::array()}, {"limits", {{"concurrent", 1}}}});
    QCOMPARE(item["fallbacks"], Json::array());
    QCOMPARE(item["limits"], (Json{{"concurrent", 1}}));
    QCOMPARE(item["context_window_fallbacks"], created["context_window_fallbacks"]);

    // null returns a key to its default; null deployments keep them.
    item = f.catalog.updateModel(kAdmin, "routed", {{"cache_ttl_s", nullptr}, {"limits", nullptr}, {"strategy", nullptr}, {"deployments", nullptr}});
    QVERIFY(item["cache_ttl_s"].is_null());
    QVERIFY(item["limits"].is_null());
    QCOMPARE(item["strategy"].get<std::string>(), std::string("weighted"));
    QCOMPARE(item["deployments"], created["deployments"]);
    QCOMPARE(item["rules"], created["rules"]);

    // New deployments: the result is checked as a whole, so the canary and the rule naming the old
    // ones must go (or change) in the same patch.
    const Json others = Json::array({{{"provider", "mock"}, {"model", "c"}, {"priority", 3}}});
    const auto stale = settingsErrorOf([&] { f.catalog.updateModel(kAdmin, "routed", {{"deployments", others}}); });
    QVERIFY(stale);
    QCOMPARE(stale->field(), std::string("rules[0].deployments[0]"));
    item = f.catalog.updateModel(kAdmin, "routed", {{"deployments", others}, {"rules", nullptr}, {"canary", nullptr}});
    QCOMPARE(item["deployments"].dump(), std::string(R"([{"provider":"mock","model":"c","weight":1,"priority":3,"price":null,"limits":null}])"));
    QCOMPARE(item["rules"], Json::array());
    QVERIFY(item["canary"].is_null());
    QCOMPARE(f.store.findModel("routed")->model.deployments[0].priority, 3);

    // Audited before and after, policy included.
    const auto entry = f.audit.queryAudit().items.front();
    QCOMPARE(entry.action, std::string("model.update"));
    QCOMPARE(entry.after, item);
    QCOMPARE(entry.before["canary"], created["canary"]);
    QCOMPARE(entry.before["strategy"].get<std::string>(), std::string("weighted"));

    // What the rules refuse is refused in a patch too, naming the field.
    const auto percent = settingsErrorOf([&] { f.catalog.updateModel(kAdmin, "routed", {{"canary", {{"deployment", "mock/c"}, {"percent", 101}}}}); });
    QCOMPARE(percent->field(), std::string("canary.percent"));
    const auto unknown = settingsErrorOf([&] { f.catalog.updateModel(kAdmin, "routed", {{"retries", 3}}); });
    QCOMPARE(unknown->problem(), SettingsProblem::UnknownKey);
}

void ProviderCatalogTest::fallbacksMustNameAModel()
{
    Fixture f;
    auto body = routedModel("routed");
    body["fallbacks"] = {"file-model", "ghost"};
    const auto ghost = settingsErrorOf([&] { f.catalog.createModel(kAdmin, body); });
    QVERIFY(ghost);
    QCOMPARE(ghost->field(), std::string("fallbacks[1]"));
    QCOMPARE(ghost->problem(), SettingsProblem::BadValue); // a 400, as in the config file
    QCOMPARE(QString(ghost->what()), QString("fallbacks[1]: no model named 'ghost'"));
    body["fallbacks"] = {"file-model"};
    body["context_window_fallbacks"] = "bigger";
    QCOMPARE(settingsErrorOf([&] { f.catalog.createModel(kAdmin, body); })->field(), std::string("context_window_fallbacks[0]"));
    QVERIFY(f.store.listModels().empty());

    // Stored models count as well as the file's, served or not.
    f.catalog.createModel(kAdmin, {{"model", "bigger"}, {"deployments", {{{"provider", "mock"}, {"model", "x"}}}}});
    f.catalog.createModel(kAdmin, body);
    QCOMPARE(f.catalog.updateModel(kAdmin, "bigger", {{"fallbacks", {"routed"}}})["fallbacks"], Json::array({"routed"})); // a cycle is fine
    const auto patched = settingsErrorOf([&] { f.catalog.updateModel(kAdmin, "routed", {{"fallbacks", {"nope"}}}); });
    QCOMPARE(patched->field(), std::string("fallbacks[0]"));
}

void ProviderCatalogTest::aDeletedFallbackTargetLeavesTheModelServed()
{
    Fixture f;
    f.catalog.createModel(kAdmin, {{"model", "backup"}, {"deployments", {{{"provider", "mock"}, {"model", "x"}}}}});
    f.catalog.createModel(kAdmin, {{"model", "main"}, {"fallbacks", {"backup"}}, {"deployments", {{{"provider", "mock"}, {"model", "y"}}}}});
    f.catalog.deleteModel(kAdmin, "backup"); // allowed: the reference dangles

    const auto item = f.catalog.model("main");
    QCOMPARE(item["served"].get<bool>(), true);
    QVERIFY(item["problem"].is_null());
    QCOMPARE(item["fallbacks"], Json::array({"backup"}));
    const auto merged = f.merged();
    QVERIFY(merged.leftOutModels.empty());
    const GatewaySnapshot snapshot(merged.config, {});
    QVERIFY(snapshot.route("main"));
    QVERIFY(!snapshot.route("backup")); // skipped when the model falls back

    // Editing the model checks it as a whole: the reference must go or be replaced.
    const auto edit = settingsErrorOf([&] { f.catalog.updateModel(kAdmin, "main", {{"strategy", "round_robin"}}); });
    QCOMPARE(edit->field(), std::string("fallbacks[0]"));
    QCOMPARE(f.catalog.updateModel(kAdmin, "main", {{"strategy", "round_robin"}, {"fallbacks", nullptr}})["fallbacks"], Json::array());
}

void ProviderCatalogTest::fileModelsShowTheirTrafficPolicy()
{
    Fixture f;
    const GatewayConfig file = ConfigLoader(f.environment).loadText(std::string(kFileYaml) + R"(
  - name: routed
    strategy: lowest_cost
    fallbacks: [file-model]
    cache_ttl_s: 0
    limits: {tokens_per_minute: 1000}
    canary: {deployment: mock/b, percent: 10}
    rules:
      - name: eu
        match: {tenant: acme, metadata: {team: search}}
        deployments: [mock/a]
    deployments:
      - {provider: mock, model: a, priority: 1, price: {input_per_million: 2.5, output_per_million: 10}}
      - {provider: mock, model: b}
)", "gatehouse.yaml");
    ProviderCatalog catalog(&file, f.store, f.audit, f.environment);
    const auto item = catalog.model("routed");
    QCOMPARE(item["source"].get<std::string>(), std::string("config"));
    QCOMPARE(item["strategy"].get<std::string>(), std::string("lowest_cost"));
    QCOMPARE(item["fallbacks"], Json::array({"file-model"}));
    QCOMPARE(item["context_window_fallbacks"], Json::array());
    QCOMPARE(item["cache_ttl_s"].get<int>(), 0);
    QCOMPARE(item["limits"], (Json{{"tokens_per_minute", 1000}}));
    QCOMPARE(item["canary"], (Json{{"deployment", "mock/b"}, {"percent", 10.0}}));
    QCOMPARE(item["rules"].dump(), std::string(R"([{"name":"eu","match":{"tenant":["acme"],"metadata":{"team":["search"]}},)"
                                               R"("deployments":["mock/a"],"fall_back_to_others":false}])"));
    QCOMPARE(item["deployments"][0].dump(),
        std::string(R"({"provider":"mock","model":"a","weight":1,"priority":1,"price":{"input_per_million":2.5,"output_per_million":10.0},"limits":null})"));
    // What a file model shows can be sent as a stored model's body: the same shape.
    auto body = item;
    for (const auto& key : {"mode", "auto_approve", "served", "source", "problem", "created_at_ms", "updated_at_ms"})
        body.erase(key);
    body["model"] = "copy";
    const auto copy = catalog.createModel(kAdmin, body);
    for (const auto& key : {"deployments", "strategy", "rules", "canary", "fallbacks", "cache_ttl_s", "limits"})
        QVERIFY2(copy[key] == item[key], key);
}

void ProviderCatalogTest::aStoredModelThatNoLongerReadsBackIsNotServed()
{
    Fixture f;
    f.catalog.createModel(kAdmin, {{"model", "m"}, {"deployments", {{{"provider", "mock"}, {"model", "x"}}}}});
    f.db.exec("UPDATE models SET policy = '{\"cache_ttl_s\":-1}'"); // as if the rules had become stricter
    const auto merged = f.merged();
    QVERIFY(!merged.config.findModel("m"));
    const auto item = f.catalog.model("m");
    QCOMPARE(item["served"].get<bool>(), false);
    QVERIFY2(item["problem"].get<std::string>().starts_with("its stored settings are not valid any more (cache_ttl_s: "),
        item["problem"].get<std::string>().c_str());
    QCOMPARE(item["deployments"].size(), std::size_t(1));
    // An edit stores a valid entry again.
    QCOMPARE(f.catalog.updateModel(kAdmin, "m", {{"cache_ttl_s", 60}})["served"].get<bool>(), true);
}

void ProviderCatalogTest::deletingAProviderInUseIsAConflict()
{
    Fixture f;
    f.catalog.createProvider(kAdmin, localProvider("local"));
    f.catalog.createModel(kAdmin, {{"model", "m"}, {"deployments", {{{"provider", "local"}, {"model", "x"}}}}});
    const auto error = governanceErrorOf([&] { f.catalog.deleteProvider(kAdmin, "local"); });
    QVERIFY(error);
    QCOMPARE(error->kind(), GovernanceErrorKind::Conflict);
    QVERIFY(QString(error->what()).contains("'m'"));
    f.catalog.deleteModel(kAdmin, "m");
    QCOMPARE(f.catalog.deleteProvider(kAdmin, "local")["name"].get<std::string>(), std::string("local"));
}

void ProviderCatalogTest::snapshotRoutesAroundUnavailableProviders()
{
    Fixture f;
    f.catalog.createProvider(kAdmin, localProvider("broken", {{"source", "env"}, {"name", "NOT_SET_ANYWHERE"}}));
    f.catalog.createProvider(kAdmin, localProvider("working"));
    f.catalog.createModel(kAdmin, {{"model", "mixed"}, {"deployments", {{{"provider", "broken"}, {"model", "a"}}, {{"provider", "working"}, {"model", "b"}}}}});
    f.catalog.createModel(kAdmin, {{"model", "only-broken"}, {"deployments", {{{"provider", "broken"}, {"model", "a"}}}}});
    const GatewaySnapshot snapshot(f.merged().config, {});
    const auto* mixed = snapshot.route("mixed");
    QVERIFY(mixed);
    QCOMPARE(mixed->deployments.size(), std::size_t(1)); // traffic goes where it can be served
    QCOMPARE(mixed->deployments[0].provider->name, std::string("working"));
    const auto* broken = snapshot.route("only-broken");
    QVERIFY(broken);
    QCOMPARE(broken->deployments.size(), std::size_t(1)); // kept, so the call says why it fails
    QVERIFY(!broken->deployments[0].provider->unavailable.empty());
}

void ProviderCatalogTest::auditEntriesHoldTheItemsNeverTheSecret()
{
    Fixture f;
    const auto created = f.catalog.createProvider({"ops", "new upstream"}, localProvider("p", {{"source", "stored"}, {"secret", kSecret}}));
    const auto updated = f.catalog.updateProvider({"ops", "rotated"}, "p", {{"credential", {{"source", "stored"}, {"secret", kSecret + "-2"}}}});
    const auto model = f.catalog.createModel(kAdmin, {{"model", "m"}, {"deployments", {{{"provider", "p"}, {"model", "x"}}}}});
    const auto entries = f.audit.queryAudit().items; // newest first
    QCOMPARE(entries.size(), std::size_t(3));
    QCOMPARE(entries[2].action, std::string("provider.create"));
    QCOMPARE(entries[2].reason, std::string("new upstream"));
    auto after = entries[2].after;
    QCOMPARE(after["credential_change"].get<std::string>(), std::string("set"));
    after.erase("credential_change");
    QCOMPARE(after, created); // the answer is the entry's after
    QCOMPARE(entries[1].after["credential_change"].get<std::string>(), std::string("replaced"));
    QCOMPARE(entries[1].before, created);
    QCOMPARE(entries[0].entityType, std::string("model"));
    QCOMPARE(entries[0].entityId, std::string("m"));
    QCOMPARE(entries[0].after, model);
    for (const auto& entry : entries)
        QVERIFY2(toJson(entry).dump().find("SECRET") == std::string::npos, toJson(entry).dump().c_str());
    QVERIFY(updated.dump().find("SECRET") == std::string::npos);
}

void ProviderCatalogTest::withoutTheConfigFileOnlyTheStoreIsKnown()
{
    Fixture f;
    ProviderCatalog bare(nullptr, f.store, f.audit, f.environment);
    // The file's names are unknown here: "openai" is free in the store (the gateway serves the file's).
    bare.createProvider(kAdmin, localProvider("openai"));
    const auto providers = bare.providers();
    QCOMPARE(providers.size(), std::size_t(1));
    QCOMPARE(providers[0]["source"].get<std::string>(), std::string("store"));
    QVERIFY(providers[0]["served"].is_null());
    // The model refers to a provider only the file has: unknown here.
    const auto unknown = settingsErrorOf([&] {
        bare.createModel(kAdmin, {{"model", "m"}, {"deployments", {{{"provider", "mock"}, {"model", "x"}}}}});
    });
    QCOMPARE(unknown->problem(), SettingsProblem::UnknownReference);
    // The gateway with its file: its own openai is served, the store's is listed as left out.
    QCOMPARE(f.catalog.provider("openai")["source"].get<std::string>(), std::string("config"));
}

QTEST_GUILESS_MAIN(ProviderCatalogTest)
#include "ProviderCatalogTest.moc"
