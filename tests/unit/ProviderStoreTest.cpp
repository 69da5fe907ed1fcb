// ProviderStore: providers and models CRUD, models' traffic policy kept and read back with the
// config's rules, credentials (env references and stored secrets) where the secret never appears in
// a list, an audit entry or an error, one audit entry per change, the generation counter,
// owner-only database files, and the migration from schema version 4.
#include "GovernanceErrorOf.h"
#include "TemporaryDataDirectory.h"
#include "store/GovernanceStore.h"
#include "store/ProviderStore.h"

#include <QtTest>

#include <sqlite3.h>
#include <sys/stat.h>

using namespace gatehouse;

namespace {

const Change kAdmin{"ops", "adding a provider"};
const std::string kSecret = "sk-test-0123456789-SECRET";

struct Fixture {
    TemporaryDataDirectory dir;
    Database db{dir.databasePath()};
    int64_t clockMs = 1'000'000;
    GovernanceStore audit{db, [this] { return clockMs; }};
    ProviderStore store{db, [this] { return clockMs; }};

    int64_t auditCount()
    {
        auto query = db.prepare("SELECT count(*) FROM audit_log");
        query.step();
        return query.columnInt(0);
    }
    // Every column of every row of every table but the secrets' own, as text.
    std::string everythingButSecrets()
    {
        std::string all;
        auto tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'provider_secrets'");
        std::vector<std::string> names;
        while (tables.step())
            names.push_back(tables.columnText(0));
        for (const auto& table : names) {
            auto rows = db.prepare("SELECT * FROM " + table);
            while (rows.step()) {
                for (int i = 0; i < rows.columnCount(); ++i)
                    all += rows.columnText(i) + "|";
            }
        }
        return all;
    }
};

StoredProvider openAiProvider(const std::string& name)
{
    StoredProvider provider;
    provider.name = name;
    provider.kind = "openai-compatible";
    provider.settings = {{"base_url", "http://127.0.0.1:9000/v1"}, {"read_timeout_ms", 5000}};
    return provider;
}

CredentialInput stored(const std::string& secret)
{
    return {CredentialSource::Stored, {}, secret};
}

CredentialInput env(const std::string& name)
{
    return {CredentialSource::Env, name, {}};
}

// Every key a model entry may have, each set to something other than its default.
ModelConfig routedModel()
{
    ModelConfig model;
    model.name = "routed";
    model.deployments = {{"a", "big", 3, 1, TokenPrice{2.5, 10}}, {"mock", "small", 1, 0, std::nullopt}};
    model.strategy = RoutingStrategy::LowestCost;
    RoutingRule rule;
    rule.name = "eu";
    rule.conditions = {{MatchField::Tenant, {}, {"acme"}}, {MatchField::Consumer, {}, {"acme/app"}},
        {MatchField::ApiKey, {}, {"gk-AbCdEf1"}}, {MatchField::Header, "x-region", {"eu", "eu-west"}},
        {MatchField::Metadata, "team", {"search"}}};
    rule.deployments = {"a/big"};
    rule.fallBackToOthers = true;
    model.rules = {rule};
    model.canary = CanarySplit{"mock/small", 12.5};
    model.fallbacks = {"other"};
    model.contextWindowFallbacks = {"bigger", "biggest"};
    model.cacheTtl = std::chrono::seconds(0); // 0 is set: never cached
    model.limits.requestsPerMinute = 600;
    model.limits.concurrentRequests = 0;
    return model;
}

std::vector<std::string> providerNames(const std::vector<StoredProvider>& providers)
{
    std::vector<std::string> names;
    for (const auto& provider : providers)
        names.push_back(provider.name);
    return names;
}

} // namespace

class ProviderStoreTest : public QObject {
    Q_OBJECT

private slots:
    void providersCreateListUpdateDelete();
    void credentialsShowOnlyTheirSource();
    void storedSecretNeverLeavesThroughListsOrAudit();
    void secretChangesAreAuditedAsSetReplacedRemoved();
    void refusedCredentialsNameTheFieldNotTheSecret_data();
    void refusedCredentialsNameTheFieldNotTheSecret();
    void modelsKeepTheirDeploymentsInOrder();
    void modelsKeepEveryTrafficPolicyField();
    void modelsAreCheckedWithTheConfigRules();
    void aStoredModelThatNoLongerReadsBackIsKeptWithItsProblem();
    void deletingAProviderInUseIsAConflict();
    void duplicatesAndMissingEntitiesAreRefused();
    void everyChangeAuditsOnceAndBumpsTheGeneration();
    void refusedChangesLeaveNoTrace();
    void databaseFilesAreOwnerOnly();
    void migrationFromVersion4();
};

void ProviderStoreTest::providersCreateListUpdateDelete()
{
    Fixture f;
    const auto created = f.store.createProvider(f.audit, kAdmin, openAiProvider("local"), env("LOCAL_KEY"));
    QCOMPARE(created.createdAtMs, int64_t(1'000'000));
    f.store.createProvider(f.audit, kAdmin, openAiProvider("another"), {});
    QCOMPARE(providerNames(f.store.listProviders()), (std::vector<std::string>{"another", "local"}));

    const auto found = f.store.findProvider("local");
    QVERIFY(found);
    QCOMPARE(found->kind, std::string("openai-compatible"));
    QCOMPARE(found->settings["base_url"].get<std::string>(), std::string("http://127.0.0.1:9000/v1"));
    QCOMPARE(found->settings["read_timeout_ms"].get<int>(), 5000);
    QCOMPARE(found->credential.source, CredentialSource::Env);
    QCOMPARE(found->credential.envName, std::string("LOCAL_KEY"));

    f.clockMs = 2'000'000;
    const Json settings{{"base_url", "http://127.0.0.1:9001/v1"}};
    const auto updated = f.store.updateProvider(f.audit, kAdmin, "local", "openai-compatible", settings, std::nullopt);
    QCOMPARE(updated.updatedAtMs, int64_t(2'000'000));
    QCOMPARE(updated.createdAtMs, int64_t(1'000'000));
    QCOMPARE(f.store.findProvider("local")->settings, settings);
    QCOMPARE(f.store.findProvider("local")->credential.envName, std::string("LOCAL_KEY")); // kept

    const auto deleted = f.store.deleteProvider(f.audit, kAdmin, "local");
    QCOMPARE(deleted.name, std::string("local"));
    QVERIFY(!f.store.findProvider("local"));
    QCOMPARE(providerNames(f.store.listProviders()), std::vector<std::string>{"another"});
}

void ProviderStoreTest::credentialsShowOnlyTheirSource()
{
    QCOMPARE(toJson(CredentialInfo{}).dump(), std::string(R"({"source":"none"})"));
    QCOMPARE(toJson(CredentialInfo{CredentialSource::Env, "OPENAI_API_KEY"}).dump(),
        std::string(R"({"source":"env","name":"OPENAI_API_KEY"})"));
    QCOMPARE(toJson(CredentialInfo{CredentialSource::Stored, {}}).dump(), std::string(R"({"source":"stored","set":true})"));
}

void ProviderStoreTest::storedSecretNeverLeavesThroughListsOrAudit()
{
    Fixture f;
    f.store.createProvider(f.audit, kAdmin, openAiProvider("vault"), stored(kSecret));
    f.store.updateProvider(f.audit, kAdmin, "vault", "openai-compatible", openAiProvider("vault").settings,
        stored(kSecret + "-2"));

    for (const auto& provider : f.store.listProviders())
        QVERIFY(toJson(provider).dump().find("SECRET") == std::string::npos);
    QCOMPARE(toJson(*f.store.findProvider("vault"))["credential"].dump(), std::string(R"({"source":"stored","set":true})"));
    for (const auto& entry : f.audit.queryAudit().items)
        QVERIFY2(toJson(entry).dump().find("SECRET") == std::string::npos, toJson(entry).dump().c_str());
    // Nowhere in the database but its own table.
    QVERIFY(f.everythingButSecrets().find("SECRET") == std::string::npos);

    // Only the snapshot's catalog carries it.
    const auto catalog = f.store.catalog();
    QCOMPARE(catalog.secrets.at("vault"), kSecret + "-2");

    // Deleting the provider deletes its secret.
    f.store.deleteProvider(f.audit, kAdmin, "vault");
    auto left = f.db.prepare("SELECT count(*) FROM provider_secrets");
    left.step();
    QCOMPARE(left.columnInt(0), int64_t(0));
    QVERIFY(f.store.catalog().secrets.empty());
}

void ProviderStoreTest::secretChangesAreAuditedAsSetReplacedRemoved()
{
    Fixture f;
    const auto settings = openAiProvider("p").settings;
    f.store.createProvider(f.audit, kAdmin, openAiProvider("p"), stored(kSecret));
    // A stored credential without a secret keeps the secret: no secret change.
    f.store.updateProvider(f.audit, kAdmin, "p", "openai-compatible", settings, stored(""));
    QCOMPARE(f.store.catalog().secrets.at("p"), kSecret);
    f.store.updateProvider(f.audit, kAdmin, "p", "openai-compatible", settings, stored("sk-new-one"));
    f.store.updateProvider(f.audit, kAdmin, "p", "openai-compatible", settings, env("P_KEY"));
    QVERIFY(f.store.catalog().secrets.empty());
    f.store.updateProvider(f.audit, kAdmin, "p", "openai-compatible", settings, stored("sk-again"));

    const auto entries = f.audit.queryAudit({"provider", "p", {}, {}}).items; // newest first
    QCOMPARE(entries.size(), std::size_t(5));
    const auto change = [](const AuditEntry& entry) { return entry.after.value("credential_change", std::string("-")); };
    QCOMPARE(entries[4].action, std::string("provider.create"));
    QCOMPARE(change(entries[4]), std::string("set"));
    QCOMPARE(change(entries[3]), std::string("-"));
    QCOMPARE(change(entries[2]), std::string("replaced"));
    QCOMPARE(change(entries[1]), std::string("removed"));
    QCOMPARE(entries[1].after["credential"]["name"].get<std::string>(), std::string("P_KEY"));
    QCOMPARE(entries[1].before["credential"].dump(), std::string(R"({"source":"stored","set":true})"));
    QCOMPARE(change(entries[0]), std::string("set"));
    QCOMPARE(entries[0].actor, std::string("ops"));
    QCOMPARE(entries[0].reason, std::string("adding a provider"));
}

void ProviderStoreTest::refusedCredentialsNameTheFieldNotTheSecret_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("source");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");
    const int envSource = int(CredentialSource::Env);
    const int storedSource = int(CredentialSource::Stored);
    QTest::newRow("no variable") << "openai-compatible" << envSource << "" << "credential.name";
    QTest::newRow("not a variable name") << "openai-compatible" << envSource << "OPENAI-KEY" << "credential.name";
    QTest::newRow("starts with a digit") << "openai-compatible" << envSource << "1KEY" << "credential.name";
    QTest::newRow("no secret") << "openai-compatible" << storedSource << "" << "credential.secret";
    QTest::newRow("line break") << "openai-compatible" << storedSource << "sk-SECRET\r\nX-Injected: 1" << "credential.secret";
    QTest::newRow("too long") << "openai-compatible" << storedSource << QString(9000, 'S') << "credential.secret";
    QTest::newRow("mock takes none") << "mock" << storedSource << "sk-SECRET" << "credential";
}

void ProviderStoreTest::refusedCredentialsNameTheFieldNotTheSecret()
{
    QFETCH(QString, kind);
    QFETCH(int, source);
    QFETCH(QString, value);
    QFETCH(QString, field);
    Fixture f;
    auto provider = openAiProvider("p");
    provider.kind = kind.toStdString();
    if (kind == "mock")
        provider.settings = Json::object();
    const CredentialInput credential{CredentialSource(source), value.toStdString(), value.toStdString()};
    const auto error = errorOf([&] { f.store.createProvider(f.audit, kAdmin, provider, credential); });
    QVERIFY2(error, "expected a refusal");
    QCOMPARE(error->kind(), GovernanceErrorKind::Invalid);
    QCOMPARE(QString::fromStdString(error->field()), field);
    QVERIFY2(!text(error).contains("SECRET"), qPrintable(text(error)));
    QVERIFY(!f.store.findProvider("p"));
}

void ProviderStoreTest::modelsKeepTheirDeploymentsInOrder()
{
    Fixture f;
    f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {});
    const std::vector<DeploymentConfig> deployments{{"a", "big", 3}, {"mock", "mock-1", 1}};
    const auto created = f.store.createModel(f.audit, kAdmin, {"team-model", deployments});
    QCOMPARE(created.model.deployments.size(), std::size_t(2));
    f.store.createModel(f.audit, kAdmin, {"another", {{"a", "small", 1}}});

    const auto models = f.store.listModels();
    QCOMPARE(models.size(), std::size_t(2));
    QCOMPARE(models[0].model.name, std::string("another"));
    QCOMPARE(models[1].model.deployments[0].upstreamModel, std::string("big"));
    QCOMPARE(models[1].model.deployments[0].weight, 3);
    QCOMPARE(models[1].model.deployments[1].provider, std::string("mock")); // a config file's provider: a name, no reference
    QCOMPARE(models[1].model.definedIn, DefinedIn::Store);
    QCOMPARE(f.store.modelsUsing("a"), (std::vector<std::string>{"another", "team-model"}));

    f.clockMs += 10;
    const auto updated = f.store.updateModel(f.audit, kAdmin, "team-model", {"team-model", {{"mock", "mock-2", 2}}});
    QCOMPARE(updated.updatedAtMs, f.clockMs);
    const auto found = f.store.findModel("team-model");
    QVERIFY(found);
    QCOMPARE(found->model.deployments.size(), std::size_t(1));
    QCOMPARE(found->model.deployments[0].upstreamModel, std::string("mock-2"));
    QCOMPARE(toJson(*found).dump(),
        std::string(R"({"name":"team-model","deployments":[{"provider":"mock","model":"mock-2","weight":2,"priority":0,"price":null,"limits":null}]})"));

    f.store.deleteModel(f.audit, kAdmin, "team-model");
    QVERIFY(!f.store.findModel("team-model"));
    auto rows = f.db.prepare("SELECT count(*) FROM model_deployments");
    rows.step();
    QCOMPARE(rows.columnInt(0), int64_t(1)); // the deleted model's deployments went with it
}

void ProviderStoreTest::modelsKeepEveryTrafficPolicyField()
{
    Fixture f;
    f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {});
    f.store.createModel(f.audit, kAdmin, routedModel());

    // Stored as the admin API writes them: only the keys that are set, prices as objects.
    auto row = f.db.prepare("SELECT policy FROM models WHERE name = 'routed'");
    QVERIFY(row.step());
    QCOMPARE(Json::parse(row.columnText(0)),
        Json::parse(R"({"strategy":"lowest_cost","rules":[{"name":"eu","match":{"tenant":["acme"],"consumer":["acme/app"],)"
                    R"("key":["gk-AbCdEf1"],"headers":{"x-region":["eu","eu-west"]},"metadata":{"team":["search"]}},)"
                    R"("deployments":["a/big"],"fall_back_to_others":true}],"canary":{"deployment":"mock/small","percent":12.5},)"
                    R"("fallbacks":["other"],"context_window_fallbacks":["bigger","biggest"],"cache_ttl_s":0,)"
                    R"("limits":{"requests_per_minute":600,"concurrent":0}})"));
    auto deployments = f.db.prepare("SELECT priority, price FROM model_deployments ORDER BY position");
    QVERIFY(deployments.step());
    QCOMPARE(deployments.columnInt(0), int64_t(1));
    QCOMPARE(Json::parse(deployments.columnText(1)), Json::parse(R"({"input_per_million":2.5,"output_per_million":10})"));
    QVERIFY(deployments.step());
    QCOMPARE(deployments.columnInt(0), int64_t(0));
    QVERIFY(deployments.columnIsNull(1)); // no price

    // And read back field by field, the same through every reader.
    const auto found = f.store.findModel("routed");
    QVERIFY(found);
    QVERIFY(found->problem.empty());
    for (const auto& model : {found->model, f.store.listModels().at(0).model, f.store.catalog().models.at(0).model}) {
        QCOMPARE(model.definedIn, DefinedIn::Store);
        QCOMPARE(model.strategy, RoutingStrategy::LowestCost);
        QCOMPARE(model.deployments.size(), std::size_t(2));
        QCOMPARE(model.deployments[0].weight, 3);
        QCOMPARE(model.deployments[0].priority, 1);
        QVERIFY(model.deployments[0].price);
        QCOMPARE(model.deployments[0].price->inputPerMillion, 2.5);
        QCOMPARE(model.deployments[0].price->outputPerMillion, 10.0);
        QVERIFY(!model.deployments[1].price);
        QCOMPARE(model.rules.size(), std::size_t(1));
        const auto& rule = model.rules[0];
        QCOMPARE(rule.name, std::string("eu"));
        QCOMPARE(rule.deployments, std::vector<std::string>{"a/big"});
        QVERIFY(rule.fallBackToOthers);
        QCOMPARE(rule.conditions.size(), std::size_t(5));
        const std::vector<MatchField> fields{MatchField::Tenant, MatchField::Consumer, MatchField::ApiKey, MatchField::Header,
            MatchField::Metadata};
        for (std::size_t i = 0; i < fields.size(); ++i) {
            QCOMPARE(rule.conditions[i].field, fields[i]);
            QCOMPARE(rule.conditions[i].values, routedModel().rules[0].conditions[i].values);
            QCOMPARE(rule.conditions[i].name, routedModel().rules[0].conditions[i].name);
        }
        QVERIFY(model.canary);
        QCOMPARE(model.canary->deployment, std::string("mock/small"));
        QCOMPARE(model.canary->percent, 12.5);
        QCOMPARE(model.fallbacks, std::vector<std::string>{"other"}); // no such model: the store does not look
        QCOMPARE(model.contextWindowFallbacks, (std::vector<std::string>{"bigger", "biggest"}));
        QCOMPARE(model.cacheTtl, std::optional<std::chrono::seconds>(0));
        QCOMPARE(model.limits.requestsPerMinute, std::optional<int64_t>(600));
        QVERIFY(!model.limits.tokensPerMinute);
        QCOMPARE(model.limits.concurrentRequests, std::optional<int64_t>(0));
    }
    QCOMPARE(toJson(*found), toJson(StoredModel{routedModel()}));

    // An update replaces it all: what it does not set is gone.
    f.store.updateModel(f.audit, kAdmin, "routed", {"ignored", {{"a", "big", 1}}});
    const auto replaced = f.store.findModel("routed");
    QCOMPARE(replaced->model.name, std::string("routed"));
    QCOMPARE(replaced->model.strategy, RoutingStrategy::WeightedRandom);
    QVERIFY(replaced->model.rules.empty() && !replaced->model.canary && replaced->model.fallbacks.empty());
    QVERIFY(!replaced->model.cacheTtl && !replaced->model.limits.any());
    auto policy = f.db.prepare("SELECT policy FROM models WHERE name = 'routed'");
    QVERIFY(policy.step());
    QCOMPARE(policy.columnText(0), std::string("{}"));
    // The audit entry's before and after are the entries as stored.
    const auto entry = f.audit.queryAudit().items.front();
    QCOMPARE(entry.before, toJson(StoredModel{routedModel()}));
    QCOMPARE(entry.after, toJson(*replaced));
}

void ProviderStoreTest::modelsAreCheckedWithTheConfigRules()
{
    Fixture f;
    auto model = routedModel();
    model.canary->deployment = "a/nowhere";
    const auto canary = errorOf([&] { f.store.createModel(f.audit, kAdmin, model); });
    QVERIFY(canary);
    QCOMPARE(canary->kind(), GovernanceErrorKind::Invalid);
    QCOMPARE(canary->field(), std::string("canary.deployment"));
    model = routedModel();
    model.fallbacks = {"routed"};
    QCOMPARE(errorOf([&] { f.store.createModel(f.audit, kAdmin, model); })->field(), std::string("fallbacks[0]"));
    model = routedModel();
    model.deployments[1].priority = 2'000'000;
    QCOMPARE(errorOf([&] { f.store.createModel(f.audit, kAdmin, model); })->field(), std::string("deployments[1].priority"));
    QVERIFY(f.store.listModels().empty());
}

void ProviderStoreTest::aStoredModelThatNoLongerReadsBackIsKeptWithItsProblem()
{
    Fixture f;
    f.store.createModel(f.audit, kAdmin, {"m", {{"mock", "x", 2}}});
    // As if a later version's rules refused what an earlier one stored.
    f.db.exec("UPDATE models SET policy = '{\"strategy\":\"fastest\"}'");
    const auto found = f.store.findModel("m");
    QVERIFY(found);
    QCOMPARE(found->problem, std::string("its stored settings are not valid any more (strategy: unknown strategy 'fastest' "
                                         "(expected one of weighted, round_robin, least_latency, lowest_cost, fallback)); edit the model"));
    QCOMPARE(found->model.name, std::string("m"));
    QCOMPARE(found->model.deployments.size(), std::size_t(1));
    QCOMPARE(found->model.deployments[0].weight, 2);
    QCOMPARE(f.store.listModels().size(), std::size_t(1));
    // Editing it writes a valid entry again.
    f.store.updateModel(f.audit, kAdmin, "m", found->model);
    QVERIFY(f.store.findModel("m")->problem.empty());
}

void ProviderStoreTest::deletingAProviderInUseIsAConflict()
{
    Fixture f;
    f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {});
    f.store.createModel(f.audit, kAdmin, {"m1", {{"a", "x", 1}}});
    f.store.createModel(f.audit, kAdmin, {"m2", {{"mock", "y", 1}, {"a", "z", 1}}});
    const auto error = errorOf([&] { f.store.deleteProvider(f.audit, kAdmin, "a"); });
    QVERIFY(error);
    QCOMPARE(error->kind(), GovernanceErrorKind::Conflict);
    QCOMPARE(text(error), QString("provider 'a' is still used by model(s) 'm1', 'm2'; remove its deployments from them (or delete them) first"));
    QVERIFY(f.store.findProvider("a"));

    f.store.deleteModel(f.audit, kAdmin, "m1");
    f.store.updateModel(f.audit, kAdmin, "m2", {"m2", {{"mock", "y", 1}}});
    f.store.deleteProvider(f.audit, kAdmin, "a");
    QVERIFY(!f.store.findProvider("a"));
}

void ProviderStoreTest::duplicatesAndMissingEntitiesAreRefused()
{
    Fixture f;
    f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {});
    f.store.createModel(f.audit, kAdmin, {"m", {{"a", "x", 1}}});
    const auto duplicate = errorOf([&] { f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {}); });
    QCOMPARE(duplicate->kind(), GovernanceErrorKind::Conflict);
    QCOMPARE(text(duplicate), QString("provider 'a' already exists"));
    QCOMPARE(errorOf([&] { f.store.createModel(f.audit, kAdmin, {"m", {{"a", "x", 1}}}); })->kind(), GovernanceErrorKind::Conflict);
    QCOMPARE(errorOf([&] { f.store.updateProvider(f.audit, kAdmin, "nope", "openai", Json::object(), std::nullopt); })->kind(),
        GovernanceErrorKind::NotFound);
    QCOMPARE(errorOf([&] { f.store.deleteProvider(f.audit, kAdmin, "nope"); })->kind(), GovernanceErrorKind::NotFound);
    QCOMPARE(errorOf([&] { f.store.updateModel(f.audit, kAdmin, "nope", {"nope", {{"a", "x", 1}}}); })->kind(), GovernanceErrorKind::NotFound);
    QCOMPARE(errorOf([&] { f.store.deleteModel(f.audit, kAdmin, "nope"); })->kind(), GovernanceErrorKind::NotFound);
    const auto noDeployments = errorOf([&] { f.store.createModel(f.audit, kAdmin, {"empty", {}}); });
    QCOMPARE(noDeployments->field(), std::string("deployments"));
    const auto badWeight = errorOf([&] { f.store.createModel(f.audit, kAdmin, {"w", {{"a", "x", 0}}}); });
    QCOMPARE(badWeight->field(), std::string("deployments[0].weight"));
    const auto badKind = errorOf([&] {
        auto provider = openAiProvider("k");
        provider.kind = "magic";
        f.store.createProvider(f.audit, kAdmin, provider, {});
    });
    QCOMPARE(badKind->field(), std::string("kind"));
}

void ProviderStoreTest::everyChangeAuditsOnceAndBumpsTheGeneration()
{
    Fixture f;
    const auto settings = openAiProvider("a").settings;
    int64_t generation = f.store.generation();
    int64_t audits = f.auditCount();
    const auto expectOneChange = [&](const char* what) {
        QVERIFY2(f.store.generation() == generation + 1, what);
        QVERIFY2(f.auditCount() == audits + 1, what);
        generation = f.store.generation();
        audits = f.auditCount();
    };
    f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {});
    expectOneChange("create provider");
    f.store.updateProvider(f.audit, kAdmin, "a", "openai-compatible", settings, stored(kSecret));
    expectOneChange("update provider");
    f.store.createModel(f.audit, kAdmin, {"m", {{"a", "x", 1}}});
    expectOneChange("create model");
    f.store.updateModel(f.audit, kAdmin, "m", {"m", {{"a", "y", 1}}});
    expectOneChange("update model");
    f.store.deleteModel(f.audit, kAdmin, "m");
    expectOneChange("delete model");
    f.store.deleteProvider(f.audit, kAdmin, "a");
    expectOneChange("delete provider");

    const auto entries = f.audit.queryAudit().items;
    std::vector<std::string> actions;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        actions.push_back(it->action + " " + it->entityType + ":" + it->entityId);
    QCOMPARE(actions, (std::vector<std::string>{"provider.create provider:a", "provider.update provider:a",
                          "model.create model:m", "model.update model:m", "model.delete model:m", "provider.delete provider:a"}));
    QVERIFY(entries[0].after.is_null());  // a delete has no after
    QVERIFY(entries.back().before.is_null()); // a create has no before
    QCOMPARE(entries[1].before["deployments"][0]["model"].get<std::string>(), std::string("y"));
}

void ProviderStoreTest::refusedChangesLeaveNoTrace()
{
    Fixture f;
    f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {});
    f.store.createModel(f.audit, kAdmin, {"m", {{"a", "x", 1}}});
    const auto generation = f.store.generation();
    const auto audits = f.auditCount();
    QVERIFY(errorOf([&] { f.store.createProvider(f.audit, kAdmin, openAiProvider("a"), {}); }));
    QVERIFY(errorOf([&] { f.store.deleteProvider(f.audit, kAdmin, "a"); }));
    QVERIFY(errorOf([&] { f.store.createProvider(f.audit, {"", ""}, openAiProvider("b"), {}); })); // no actor
    QVERIFY(errorOf([&] { f.store.updateProvider(f.audit, kAdmin, "a", "openai-compatible", Json::object(), env("bad name")); }));
    QCOMPARE(f.store.generation(), generation);
    QCOMPARE(f.auditCount(), audits);
    QVERIFY(!f.store.findProvider("b"));
    QCOMPARE(f.store.findProvider("a")->credential.source, CredentialSource::None);
}

void ProviderStoreTest::databaseFilesAreOwnerOnly()
{
    TemporaryDataDirectory dir;
    {
        sqlite3* raw = nullptr; // created the way any process would: mode 0644 under the usual umask
        QCOMPARE(sqlite3_open(dir.databasePath().c_str(), &raw), SQLITE_OK);
        sqlite3_exec(raw, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
        QVERIFY(::chmod(dir.databasePath().c_str(), 0644) == 0);
    }
    Database db(dir.databasePath());
    ProviderStore store(db);
    for (const auto& suffix : {"", "-wal", "-shm"}) {
        const auto path = dir.databasePath() + suffix;
        struct stat info {};
        if (::stat(path.c_str(), &info) != 0)
            continue;
        QVERIFY2((info.st_mode & 0777) == 0600, qPrintable(QString::fromStdString(path) + QString(" has mode %1").arg(info.st_mode & 0777, 0, 8)));
    }
}

// A version-4 database, built as the released migrations 1 to 4 left it (frozen: never edited).
void ProviderStoreTest::migrationFromVersion4()
{
    TemporaryDataDirectory dir;
    {
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(dir.databasePath().c_str(), &raw), SQLITE_OK);
        const std::string schema = R"(
            CREATE TABLE tenants (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at_ms INTEGER NOT NULL);
            CREATE TABLE api_keys (id INTEGER PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, allowed_models TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL, created_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER,
                consumer_id INTEGER, expires_at_ms INTEGER, metadata TEXT NOT NULL DEFAULT '{}');
            CREATE TABLE calls (id INTEGER PRIMARY KEY, started_at_ms INTEGER NOT NULL, request_id TEXT NOT NULL,
                endpoint TEXT NOT NULL, key_prefix TEXT, tenant TEXT, model TEXT, provider TEXT, deployment TEXT,
                status INTEGER NOT NULL, error_code TEXT, stream INTEGER NOT NULL, ttfb_us INTEGER,
                latency_us INTEGER NOT NULL, overhead_us INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER,
                cached_tokens INTEGER, reasoning_tokens INTEGER, usage_estimated INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT INTO meta(name, value) VALUES('keys_generation', 3);
            INSERT INTO meta(name, value) VALUES('governance_generation', 7);
            CREATE TABLE consumers (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', created_at_ms INTEGER NOT NULL,
                UNIQUE(tenant_id, name));
            CREATE TABLE model_access (model TEXT PRIMARY KEY, mode TEXT NOT NULL, auto_approve INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE access_requests (id INTEGER PRIMARY KEY, consumer_id INTEGER NOT NULL, model TEXT NOT NULL,
                state TEXT NOT NULL, is_grant INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',
                note TEXT NOT NULL DEFAULT '', requested_by TEXT NOT NULL, decided_by TEXT,
                created_at_ms INTEGER NOT NULL, decided_at_ms INTEGER);
            CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL,
                action TEXT NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, before_json TEXT,
                after_json TEXT, reason TEXT NOT NULL DEFAULT '');
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be updated'); END;
            CREATE TABLE admin_tokens (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
                prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER);
            INSERT INTO tenants(name, created_at_ms) VALUES('team', 1);
            INSERT INTO model_access(model, mode) VALUES('gpt-4o', 'approval');
            INSERT INTO audit_log(at_ms, actor, action, entity_type, entity_id) VALUES(5, 'ops', 'tenant.create', 'tenant', '1');
            INSERT INTO admin_tokens(name, role, prefix, hash, created_at_ms) VALUES('ops', 'admin', 'gat-abc', 'h', 1);
            PRAGMA user_version = 4;
        )";
        QCOMPARE(sqlite3_exec(raw, schema.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
    }

    Database db(dir.databasePath());
    QCOMPARE(db.schemaVersion(), Database::kCurrentSchemaVersion);
    GovernanceStore audit(db);
    ProviderStore store(db);
    QCOMPARE(store.generation(), int64_t(0));
    QVERIFY(store.listProviders().empty());
    QVERIFY(store.listModels().empty());
    // What was there is still there.
    QCOMPARE(audit.generation(), int64_t(7));
    QCOMPARE(audit.modelAccess("gpt-4o").mode, AccessMode::Approval);
    QCOMPARE(audit.queryAudit().total, int64_t(1));
    QVERIFY(audit.findTenant("team"));

    // And the new tables work.
    store.createProvider(audit, kAdmin, openAiProvider("p"), stored(kSecret));
    store.createModel(audit, kAdmin, {"m", {{"p", "x", 1}}});
    QCOMPARE(store.generation(), int64_t(2));
    QCOMPARE(store.catalog().secrets.at("p"), kSecret);
    QCOMPARE(audit.queryAudit().total, int64_t(3));
}

QTEST_GUILESS_MAIN(ProviderStoreTest)
#include "ProviderStoreTest.moc"
