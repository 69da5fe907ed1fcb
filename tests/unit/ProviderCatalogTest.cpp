// ProviderCatalog: the effective configuration (config file + store), validation of admin input
// with the config loader's own rules (400s naming the field), read-only config file entries,
// credentials resolved at merge time, and items that never carry a secret.
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
    QCOMPARE(models[0].dump(), std::string(R"({"model":"file-model","mode":"open","auto_approve":false,"served":true,"source":"config","deployments":[{"provider":"mock","model":"mock-1","weight":1}],"problem":null,"created_at_ms":null,"updated_at_ms":null})"));
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
        f.catalog.createModel(kAdmin, {{"model", "n"}, {"deployments", {{{"provider", "mock"}, {"model", "a"}, {"priority", 1}}}}});
    });
    QCOMPARE(extra->field(), std::string("deployments[0].priority"));
    QCOMPARE(governanceErrorOf([&] {
        f.catalog.createModel(kAdmin, {{"model", "file-model"}, {"deployments", {{{"provider", "mock"}, {"model", "a"}}}}});
    })->kind(), GovernanceErrorKind::Conflict);

    const auto updated = f.catalog.updateModel(kAdmin, "m", {{"deployments", {{{"provider", "mock"}, {"model", "z"}, {"weight", 5}}}}});
    QCOMPARE(updated["deployments"].dump(), std::string(R"([{"provider":"mock","model":"z","weight":5}])"));
    QCOMPARE(f.catalog.updateModel(kAdmin, "m", Json::object())["deployments"], updated["deployments"]);
    QCOMPARE(f.catalog.deleteModel(kAdmin, "m")["model"].get<std::string>(), std::string("m"));
    QVERIFY(!f.store.findModel("m"));
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
