// Configuration as code through the admin API (issue 8, docs/config-as-code.md), driven in-process
// through AdminService with a local caller (and admin tokens for the role check): the store's schema
// walked against what the export covers; a data directory holding one of every kind exported,
// applied to an empty one and exported again byte for byte; keys carried by their hash; plan and
// apply as a table of edits; an apply with a bad file changes nothing; problems placed at their
// file, line and column; the audit trail of an apply; and the roles of the four routes.
#include "TemporaryDataDirectory.h"
#include "admin/AdminService.h"
#include "auth/ApiKey.h"
#include "configcode/ConfigExport.h"
#include "configcode/ConfigTree.h"
#include "configcode/YamlDocument.h"
#include "configcode/YamlText.h"
#include "store/AdminTokenStore.h"
#include "store/Database.h"
#include "store/KeyStore.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace gatehouse;

namespace {

using Files = std::map<std::string, std::string>;

const std::string kStoredSecret = "sk-stored-secret-7f3a9c21e5";
constexpr int64_t kFarExpiry = 4102444800000; // 2100-01-01: always in the future
const std::string kLocalActor = "cli:tester";

const std::string kTeamChat = R"({"model":"team-chat","strategy":"fallback","fallbacks":["backup-chat"],"cache_ttl_s":300,
    "limits":{"requests_per_minute":600,"concurrent":20},
    "deployments":[{"provider":"env-openai","model":"gpt-4o","weight":3,"priority":0,"price":{"input_per_million":2.5,"output_per_million":10}},
                   {"provider":"env-openai","model":"gpt-4o-mini","weight":1,"priority":1,"limits":{"requests_per_minute":60}}]})";

const std::string kFirstVersion = R"({"model": "team-chat",
    "messages": [{"role": "system", "content": "You greet people in {{language}}.\nBe brief."},
                 {"role": "user", "content": "Greet {{name}}."}],
    "variables": [{"name": "language", "required": false, "default": "English"}, {"name": "name"}],
    "parameters": {"temperature": 0.3},
    "note": "first"})";

const std::string kSecondVersion = R"({"model": "team-chat",
    "messages": [{"role": "system", "content": "You greet people in {{language}}.\nBe warm."},
                 {"role": "user", "content": "Greet {{name}}, who is {{age}}."}],
    "variables": [{"name": "language", "required": false, "default": "English"}, {"name": "name"},
                  {"name": "age", "type": "integer"}],
    "parameters": {"temperature": 0.7, "max_tokens": 200},
    "note": "warmer"})";

const std::string kCanarySplit = R"({"split": [{"version": 1, "weight": 90}, {"version": 2, "weight": 10}]})";

// A model file whose first deployment names a provider that does not exist: the value "ghost" is
// on line 3, column 15 ("  - provider: ghost").
const std::string kGhostProviderModel = "model: x\ndeployments:\n  - provider: ghost\n    model: gpt-4o\n";
// "name: app: x" is not YAML: a second ':' in a plain value (line 2).
const std::string kSyntaxError = "tenant: acme\nname: app: x\n";
// "name" given twice: the second one starts line 3.
const std::string kDuplicateKey = "tenant: acme\nname: app\nname: other\n";
// A consumer whose file says it is another consumer.
const std::string kMisplacedConsumer = "tenant: acme\nname: other\n";
// A member a consumer does not have: its value on line 3, column 9 ("colour: red").
const std::string kUnknownMember = "tenant: acme\nname: app\ncolour: red\n";
// A prompt whose second version says 3: "version: 3" on line 10, value at column 14.
const std::string kVersionGap = "name: greet\n"
                                "versions:\n"
                                "  - version: 1\n"
                                "    model: m\n"
                                "    messages:\n"
                                "      - role: user\n"
                                "        content: Hello\n"
                                "  - model: m\n"
                                "    note: second\n"
                                "    version: 3\n"
                                "    messages:\n"
                                "      - role: user\n"
                                "        content: Hi\n";
// A prompt as someone writes it by hand: only what is needed.
const std::string kHandWrittenPrompt = "name: hello\n"
                                       "versions:\n"
                                       "  - version: 1\n"
                                       "    model: anything\n"
                                       "    messages:\n"
                                       "      - role: user\n"
                                       "        content: Say hello.\n";

const std::string kManifest = "format: gatehouse-config/1\nkeys: included\n";

struct Answer {
    int status = 0;
    Json body;
    std::string text;
};

Answer send(AdminService& service, http::verb method, const std::string& target, const std::string& body = {},
    const AdminCaller& caller = AdminCaller::local(kLocalActor))
{
    const auto result = service.respond({method, target, body, caller});
    Answer answer{result.status, Json(), result.body};
    if (!result.body.empty())
        answer.body = Json::parse(result.body, nullptr, false);
    return answer;
}

QByteArray describe(const Answer& answer)
{
    return (std::to_string(answer.status) + " " + answer.text.substr(0, 3000)).c_str();
}

// Evaluates `answer` once (it is often the call itself).
#define EXPECT_STATUS(answer, expected)                                                                                              \
    do {                                                                                                                             \
        const Answer& checked_ = (answer);                                                                                           \
        QVERIFY2(checked_.status == (expected), describe(checked_).constData());                                                      \
    } while (false)

// The files of GET /admin/v1/config/export; empty when the export failed (a successful export always
// has the manifest).
Files exportFiles(AdminService& service, const std::string& query = {})
{
    const auto answer = send(service, http::verb::get, "/admin/v1/config/export" + query);
    if (answer.status != 200 || !answer.body.is_object() || !answer.body.contains("files")) {
        qWarning("export failed: %s", describe(answer).constData());
        return {};
    }
    Files files;
    for (const auto& [path, text] : answer.body.at("files").items())
        files[path] = text.get<std::string>();
    return files;
}

// The trees here are gateways' own exports: their key files are imported (import_keys), except
// where a test says otherwise.
std::string treeBody(const Files& files, bool prune = false, const std::string& reason = {})
{
    Json body{{"files", Json(files)}, {"prune", prune}, {"import_keys", true}};
    if (!reason.empty())
        body["reason"] = reason;
    return body.dump();
}

Answer postTree(AdminService& service, const std::string& operation, const Files& files, bool prune = false,
    const std::string& reason = {}, const AdminCaller& caller = AdminCaller::local(kLocalActor))
{
    return send(service, http::verb::post, "/admin/v1/config/" + operation, treeBody(files, prune, reason), caller);
}

Json bodyOf(const Files& files, const std::string& path)
{
    const auto found = files.find(path);
    return found == files.end() ? Json() : readYamlDocument(found->second).value;
}

void setBody(Files& files, const std::string& path, const Json& body)
{
    files[path] = yamlText(body);
}

// "update model team-chat fallbacks", sorted: a plan's changes in a comparable form.
QStringList changeList(const Json& plan)
{
    QStringList changes;
    if (!plan.is_object() || !plan.contains("changes"))
        return {"<no changes member>"};
    for (const auto& change : plan.at("changes")) {
        QStringList members;
        for (const auto& member : change.value("members", Json::array()))
            members << QString::fromStdString(member.get<std::string>());
        auto line = QString::fromStdString(change.value("action", "") + " " + change.value("kind", "") + " " + change.value("name", ""));
        if (!members.isEmpty())
            line += " " + members.join(',');
        changes << line;
    }
    changes.sort();
    return changes;
}

QString problemList(const Json& problems)
{
    QStringList lines;
    for (const auto& problem : problems)
        lines << QString::fromStdString(problem.dump());
    return lines.join('\n');
}

// The problem about `file`, or null.
Json problemFor(const Json& problems, const std::string& file)
{
    for (const auto& problem : problems) {
        if (problem.value("file", "") == file)
            return problem;
    }
    return Json();
}

// The paths of `files` that differ from `expected` (or are missing or extra), for failure messages.
QString differingPaths(const Files& actual, const Files& expected)
{
    QStringList paths;
    for (const auto& [path, text] : expected) {
        const auto found = actual.find(path);
        if (found == actual.end())
            paths << "missing " + QString::fromStdString(path);
        else if (found->second != text)
            paths << "differs " + QString::fromStdString(path) + ":\n" + QString::fromStdString(found->second) + "-- expected --\n"
                    + QString::fromStdString(text);
    }
    for (const auto& [path, text] : actual) {
        if (!expected.contains(path))
            paths << "extra " + QString::fromStdString(path);
    }
    return paths.join('\n');
}

#define EXPECT_SAME_FILES(actual, expected)                                                                                          \
    do {                                                                                                                             \
        const Files actual_ = (actual);                                                                                             \
        const Files expected_ = (expected);                                                                                         \
        QVERIFY2(actual_ == expected_, qPrintable(differingPaths(actual_, expected_)));                                               \
    } while (false)

// The 1-based number of the first line of `text` that starts with `start` (after indentation), 0 if none.
int lineStarting(const std::string& text, const std::string& start)
{
    int number = 0;
    std::size_t begin = 0;
    while (begin < text.size()) {
        ++number;
        const auto end = std::min(text.find('\n', begin), text.size());
        const auto line = text.substr(begin, end - begin);
        const auto content = line.find_first_not_of(' ');
        if (content != std::string::npos && line.compare(content, start.size(), start) == 0)
            return number;
        begin = end + 1;
    }
    return 0;
}

int64_t auditTotal(AdminService& service)
{
    const auto answer = send(service, http::verb::get, "/admin/v1/audit?limit=1");
    return answer.status == 200 ? answer.body.value("total", int64_t(-1)) : -1;
}

// The export of an empty data directory: the manifest alone.
Files emptyExport()
{
    return {{kConfigManifestFile, kManifest}};
}

// What the origin data directory holds besides its files: the plaintext keys made there.
struct OriginKeys {
    std::string consumerKey; // acme/app's "reports" key
    std::string consumerPrefix;
    std::string tenantKey; // initech's tenant-level key
    std::string tenantPrefix;
    std::string revokedPrefix; // acme/search's revoked key: never exported
};

// One of every kind, made through the admin API (the tenant-level key through the key store, as
// `gatehouse key create` makes it).
void fillOrigin(AdminService& service, const std::string& databasePath, OriginKeys& keys)
{
    const auto post = [&](const std::string& target, const std::string& body, int status = 201) {
        const auto answer = send(service, http::verb::post, target, body);
        if (answer.status != status)
            qWarning("POST %s: %s", target.c_str(), describe(answer).constData());
        return answer;
    };
    const auto put = [&](const std::string& target, const std::string& body) {
        const auto answer = send(service, http::verb::put, target, body);
        if (answer.status != 200)
            qWarning("PUT %s: %s", target.c_str(), describe(answer).constData());
        return answer;
    };

    const auto acme = post("/admin/v1/tenants", R"({"name":"acme"})");
    EXPECT_STATUS(acme, 201);
    EXPECT_STATUS(post("/admin/v1/tenants", R"({"name":"initech"})"), 201);
    const auto acmeId = std::to_string(acme.body.at("id").get<int64_t>());
    const auto app = post("/admin/v1/consumers", R"({"tenant_id":)" + acmeId + R"(,"name":"app","description":"the reporting app"})");
    EXPECT_STATUS(app, 201);
    const auto search = post("/admin/v1/consumers", R"({"tenant_id":)" + acmeId + R"(,"name":"search"})");
    EXPECT_STATUS(search, 201);
    const auto appId = std::to_string(app.body.at("id").get<int64_t>());
    const auto searchId = std::to_string(search.body.at("id").get<int64_t>());

    EXPECT_STATUS(post("/admin/v1/providers", R"({"name":"env-openai","kind":"openai","base_url":"http://127.0.0.1:9/v1",)"
                                              R"("read_timeout_ms":10000,"credential":{"source":"env","name":"TEAM_OPENAI_KEY"}})"),
        201);
    EXPECT_STATUS(post("/admin/v1/providers",
                      R"({"name":"vault-openai","kind":"openai","credential":{"source":"stored","secret":")" + kStoredSecret + R"("}})"),
        201);
    EXPECT_STATUS(post("/admin/v1/providers", R"({"name":"spare-mock","kind":"mock","latency_ms":5})"), 201);
    EXPECT_STATUS(post("/admin/v1/models", R"({"model":"backup-chat","deployments":[{"provider":"vault-openai","model":"gpt-4o-mini"}]})"), 201);
    EXPECT_STATUS(post("/admin/v1/models", kTeamChat), 201);
    EXPECT_STATUS(post("/admin/v1/models", R"({"model":"spare-model","deployments":[{"provider":"spare-mock","model":"m-1"}]})"), 201);

    EXPECT_STATUS(put("/admin/v1/models/team-chat/access", R"({"mode":"approval","auto_approve":true})"), 200);
    EXPECT_STATUS(post("/admin/v1/access-grants", R"({"consumer_id":)" + appId + R"(,"model":"team-chat","note":"pilot"})"), 201);

    const auto key = post("/admin/v1/keys", R"({"consumer_id":)" + appId + R"(,"name":"reports","allowed_models":["team-chat"],)"
                                            R"("tags":{"team":"data","env":"prod"},"expires_at_ms":)" + std::to_string(kFarExpiry) + "}");
    EXPECT_STATUS(key, 201);
    keys.consumerKey = key.body.at("key").get<std::string>();
    keys.consumerPrefix = key.body.at("prefix").get<std::string>();
    const auto old = post("/admin/v1/keys", R"({"consumer_id":)" + searchId + R"(,"name":"old"})");
    EXPECT_STATUS(old, 201);
    keys.revokedPrefix = old.body.at("prefix").get<std::string>();
    EXPECT_STATUS(post("/admin/v1/keys/" + std::to_string(old.body.at("id").get<int64_t>()) + "/revoke", "{}", 200), 200);
    {
        Database database(databasePath);
        KeyStore store(database);
        keys.tenantKey = generateApiKey();
        keys.tenantPrefix = store.addKey("initech-batch", keys.tenantKey, "initech", {}, "generated").prefix;
    }

    EXPECT_STATUS(put("/admin/v1/limits", R"({"scope":"tenant","id":"acme","requests_per_minute":100})"), 200);
    EXPECT_STATUS(put("/admin/v1/limits", R"({"scope":"consumer","id":"acme/app","concurrent":2})"), 200);
    EXPECT_STATUS(put("/admin/v1/budgets", R"({"scope":"tenant","id":"acme","period":"monthly","limit_usd":100,"soft_limit_usd":80})"), 200);
    EXPECT_STATUS(put("/admin/v1/budgets", R"({"scope":"consumer","id":"acme/app","period":"daily","limit_usd":5})"), 200);
    EXPECT_STATUS(put("/admin/v1/prices", R"({"provider":"openai","model":"gpt-4o","input_per_million":2,"output_per_million":8,)"
                                          R"("effective_date":"2025-01-01"})"),
        200);
    EXPECT_STATUS(put("/admin/v1/prices", R"({"provider":"openai","model":"gpt-4o","input_per_million":2.5,"output_per_million":10,)"
                                          R"("cached_input_per_million":1.25,"effective_date":"2026-01-01","source":"contract"})"),
        200);
    EXPECT_STATUS(put("/admin/v1/prices", R"({"model":"team-chat","input_per_million":1,"output_per_million":2,"effective_date":"2025-06-01"})"), 200);

    EXPECT_STATUS(post("/admin/v1/prompts", R"({"name":"greet","description":"greets people"})"), 201);
    EXPECT_STATUS(post("/admin/v1/prompts/greet/versions", kFirstVersion), 201);
    EXPECT_STATUS(post("/admin/v1/prompts/greet/versions", kSecondVersion), 201);
    EXPECT_STATUS(put("/admin/v1/prompts/greet/labels/production", kCanarySplit), 200);
}

// The origin's files with the stored-secret provider switched to an environment variable: a tree
// another gateway can take.
Files withEnvCredential(Files files)
{
    auto provider = bodyOf(files, "providers/vault-openai.yaml");
    if (!provider.is_object() || !provider.contains("credential"))
        return {};
    provider["credential"] = {{"source", "env"}, {"name", "VAULT_OPENAI_KEY"}};
    setBody(files, "providers/vault-openai.yaml", provider);
    return files;
}

// An edit of the origin's files for the plan/apply table; `keys` fills in the key prefixes.
void applyEdit(const QString& name, Files& files, const OriginKeys& keys)
{
    if (name == "unchanged") {
        return;
    } else if (name == "fallbacks removed") {
        auto model = bodyOf(files, "models/team-chat.yaml");
        model.erase("fallbacks");
        setBody(files, "models/team-chat.yaml", model);
    } else if (name == "defaults spelled out or left out") {
        // strategy: weighted is the default (the export leaves it out); weight 1 and priority 0 too
        // (the export writes them).
        auto model = bodyOf(files, "models/backup-chat.yaml");
        model["strategy"] = "weighted";
        model["deployments"][0].erase("weight");
        model["deployments"][0].erase("priority");
        setBody(files, "models/backup-chat.yaml", model);
    } else if (name == "new tenant") {
        setBody(files, "tenants/globex.yaml", {{"name", "globex"}});
    } else if (name == "consumer description") {
        auto consumer = bodyOf(files, "consumers/acme/search.yaml");
        consumer["description"] = "the search box";
        setBody(files, "consumers/acme/search.yaml", consumer);
    } else if (name == "limit file removed" || name == "limit file pruned") {
        files.erase("limits/tenant/acme.yaml");
    } else if (name == "key file pruned") {
        files.erase("keys/" + keys.tenantPrefix + ".yaml");
    } else if (name == "provider and its model pruned") {
        files.erase("providers/spare-mock.yaml");
        files.erase("models/spare-model.yaml");
    } else if (name == "key renamed") {
        const auto path = "keys/" + keys.consumerPrefix + ".yaml";
        auto key = bodyOf(files, path);
        key["name"] = "nightly-reports";
        setBody(files, path, key);
    } else if (name == "grant removed") {
        auto access = bodyOf(files, "access/team-chat.yaml");
        access.erase("grants");
        setBody(files, "access/team-chat.yaml", access);
    } else if (name == "price entry added") {
        auto prices = bodyOf(files, "prices/openai/gpt-4o.yaml");
        auto entry = prices["entries"][0];
        entry["effective_date"] = "2027-01-01";
        entry["input_per_million"] = 3.0;
        prices["entries"].push_back(entry);
        setBody(files, "prices/openai/gpt-4o.yaml", prices);
    } else if (name == "prompt version added") {
        auto prompt = bodyOf(files, "prompts/greet.yaml");
        auto version = prompt["versions"][1];
        version["version"] = 3;
        version["note"] = "third";
        prompt["versions"].push_back(version);
        setBody(files, "prompts/greet.yaml", prompt);
    } else if (name == "provider base_url") {
        auto provider = bodyOf(files, "providers/env-openai.yaml");
        auto url = provider.value("base_url", "");
        const auto port = url.find(":9/");
        if (port != std::string::npos)
            url.replace(port, 3, ":10/");
        provider["base_url"] = url;
        setBody(files, "providers/env-openai.yaml", provider);
    } else if (name == "crlf line endings") {
        // A Windows checkout (git's core.autocrlf): the same configuration.
        for (auto& [path, text] : files) {
            std::string crlf;
            for (const char c : text)
                crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
            text = crlf;
        }
    } else if (name == "budget raised") {
        auto budget = bodyOf(files, "budgets/tenant/acme/monthly.yaml");
        budget["limit_usd"] = 150.0;
        setBody(files, "budgets/tenant/acme/monthly.yaml", budget);
    } else {
        qFatal("no edit named %s", qPrintable(name));
    }
}

QStringList withPrefixes(QStringList changes, const OriginKeys& keys)
{
    for (auto& change : changes)
        change.replace("{tenant-key}", QString::fromStdString(keys.tenantPrefix)).replace("{consumer-key}", QString::fromStdString(keys.consumerPrefix));
    changes.sort();
    return changes;
}

} // namespace

class ConfigAsCodeTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void everyTableOfTheStoreIsExportedOrExplained();
    void theCoverageNamesOnlyRealTables();

    void theExportIsDeterministicAndHoldsNoSecret();
    void keysCanBeLeftOutOfTheExport();
    void aStoredSecretIsNotCarriedToAnotherGateway();
    void theExportRoundTripsThroughAnEmptyDataDirectory();
    void importedKeysAuthenticateByTheirHash();

    void planAndApply_data();
    void planAndApply();
    void anApplyWithABadFileChangesNothing();
    void anApplyWithoutKeysNeitherCreatesNorRevokesKeys();

    void problemsNameTheFileAndLine_data();
    void problemsNameTheFileAndLine();
    void aPromptVersionEditedInPlaceIsRefused();

    void anApplyIsAuditedWithTheActorAndReason();
    void validateForViewersPlanForOperatorsExportAndApplyForAdmins();
    void keyFilesAreImportedOnlyWhenAsked();
    void anApplyGivenAPlansBaseRefusesAChangedGateway();

    void pruningEverythingEmptiesTheStore();

    // Found while writing the above: each states what the contract says and failed when written.
    void aProblemWithAGrantIsPlacedAtThatGrant();
    void aProblemWithALabelWhoseNameHasDotsIsPlacedAtIt();
    void aFallbackToAModelThatSortsLaterRoundTrips();
    void validateAcceptsTheGatewaysOwnExport();
    void aHandWrittenPromptFileAppliesTwice();
    void pricesOfAnyProviderAndOfAFamilyDoNotCollide();
    void aKeyFileInATreeWithoutKeysIsNotAppliedUnseen();
    void aSecondYamlDocumentInAFileIsAProblem();

private:
    void makeOrigin();
    Files originFiles();

    std::unique_ptr<TemporaryDataDirectory> m_originDirectory;
    std::unique_ptr<TemporaryDataDirectory> m_targetDirectory;
    std::unique_ptr<AdminService> m_origin;
    std::unique_ptr<AdminService> m_target;
    OriginKeys m_keys;
};

void ConfigAsCodeTest::init()
{
    m_originDirectory = std::make_unique<TemporaryDataDirectory>();
    m_targetDirectory = std::make_unique<TemporaryDataDirectory>();
    QVERIFY(m_originDirectory->isValid() && m_targetDirectory->isValid());
    m_origin = std::make_unique<AdminService>(m_originDirectory->databasePath());
    m_target = std::make_unique<AdminService>(m_targetDirectory->databasePath());
    m_keys = {};
}

void ConfigAsCodeTest::cleanup()
{
    m_origin.reset();
    m_target.reset();
    m_originDirectory.reset();
    m_targetDirectory.reset();
}

void ConfigAsCodeTest::makeOrigin()
{
    fillOrigin(*m_origin, m_originDirectory->databasePath(), m_keys);
}

Files ConfigAsCodeTest::originFiles()
{
    return exportFiles(*m_origin);
}

void ConfigAsCodeTest::everyTableOfTheStoreIsExportedOrExplained()
{
    Database database(m_targetDirectory->databasePath());
    std::set<std::string> covered;
    for (const auto& entry : configTableCoverage())
        covered.insert(entry.table);
    auto tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    int count = 0;
    QStringList uncovered;
    while (tables.step()) {
        ++count;
        const auto table = tables.columnText(0);
        if (!covered.contains(table))
            uncovered << QString::fromStdString(table);
    }
    QVERIFY(count > 10);
    QVERIFY2(uncovered.isEmpty(),
        qPrintable("tables neither exported nor explained in configTableCoverage() (core/configcode/ConfigExport.cpp): " + uncovered.join(", ")));
}

void ConfigAsCodeTest::theCoverageNamesOnlyRealTables()
{
    Database database(m_targetDirectory->databasePath());
    std::set<std::string> tables;
    auto query = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
    while (query.step())
        tables.insert(query.columnText(0));
    std::set<std::string> seen;
    for (const auto& entry : configTableCoverage()) {
        const auto name = QString::fromStdString(entry.table);
        QVERIFY2(tables.contains(entry.table), qPrintable("configTableCoverage() names '" + name + "', which the store does not have"));
        QVERIFY2(seen.insert(entry.table).second, qPrintable("configTableCoverage() names '" + name + "' twice"));
        QVERIFY2(entry.exported || !entry.why.empty(), qPrintable("'" + name + "' is left out without a reason"));
    }
}

void ConfigAsCodeTest::theExportIsDeterministicAndHoldsNoSecret()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto files = originFiles();
    QVERIFY(!files.empty());
    EXPECT_SAME_FILES(originFiles(), files);

    // One file per entity made, named after it.
    std::set<std::string> expected{kConfigManifestFile, "tenants/acme.yaml", "tenants/initech.yaml", "consumers/acme/app.yaml",
        "consumers/acme/search.yaml", "providers/env-openai.yaml", "providers/vault-openai.yaml", "providers/spare-mock.yaml",
        "models/backup-chat.yaml", "models/team-chat.yaml", "models/spare-model.yaml", "access/team-chat.yaml",
        "keys/" + m_keys.consumerPrefix + ".yaml", "keys/" + m_keys.tenantPrefix + ".yaml", "limits/tenant/acme.yaml",
        "limits/consumer/acme%2Fapp.yaml", "budgets/tenant/acme/monthly.yaml", "budgets/consumer/acme%2Fapp/daily.yaml",
        "prices/openai/gpt-4o.yaml", "prices/team-chat.yaml", "prompts/greet.yaml"};
    std::set<std::string> paths;
    for (const auto& [path, text] : files)
        paths.insert(path);
    QStringList missing, extra;
    for (const auto& path : expected) {
        if (!paths.contains(path))
            missing << QString::fromStdString(path);
    }
    for (const auto& path : paths) {
        if (!expected.contains(path))
            extra << QString::fromStdString(path);
    }
    QVERIFY2(missing.isEmpty() && extra.isEmpty(), qPrintable("missing: " + missing.join(", ") + "; extra: " + extra.join(", ")));

    // Never a secret: not the stored credential, not a key.
    for (const auto& [path, text] : files) {
        for (const auto& secret : {kStoredSecret, m_keys.consumerKey, m_keys.tenantKey}) {
            QVERIFY(!secret.empty());
            QVERIFY2(text.find(secret) == std::string::npos, qPrintable(QString::fromStdString(path) + " holds a secret"));
        }
        QVERIFY2(text.find(m_keys.revokedPrefix) == std::string::npos, qPrintable(QString::fromStdString(path) + " has the revoked key"));
        QVERIFY2(!text.empty() && text.back() == '\n', qPrintable(QString::fromStdString(path)));
    }
    QCOMPARE(bodyOf(files, kConfigManifestFile).value("keys", ""), std::string("included"));
    QCOMPARE(bodyOf(files, "providers/vault-openai.yaml").at("credential").dump(), Json({{"source", "stored"}}).dump());
    QCOMPARE(bodyOf(files, "providers/env-openai.yaml").at("credential").dump(), Json({{"source", "env"}, {"name", "TEAM_OPENAI_KEY"}}).dump());

    // A key is its hash and prefix, with what scopes it.
    const auto key = bodyOf(files, "keys/" + m_keys.consumerPrefix + ".yaml");
    QCOMPARE(key.value("sha256", ""), hashApiKey(m_keys.consumerKey));
    QCOMPARE(key.value("prefix", ""), m_keys.consumerPrefix);
    QCOMPARE(key.value("tenant", ""), std::string("acme"));
    QCOMPARE(key.value("consumer", ""), std::string("app"));
    QCOMPARE(key.value("expires_at_ms", int64_t(0)), kFarExpiry);
    QCOMPARE(key.at("allowed_models").dump(), std::string(R"(["team-chat"])"));
    QCOMPARE(key.at("tags").dump(), std::string(R"({"env":"prod","team":"data"})"));
    const auto tenantKey = bodyOf(files, "keys/" + m_keys.tenantPrefix + ".yaml");
    QCOMPARE(tenantKey.value("sha256", ""), hashApiKey(m_keys.tenantKey));
    QVERIFY(!tenantKey.contains("consumer"));

    // What was made is what the files say.
    const auto model = bodyOf(files, "models/team-chat.yaml");
    QCOMPARE(model.value("strategy", ""), std::string("fallback"));
    QCOMPARE(model.at("fallbacks").dump(), std::string(R"(["backup-chat"])"));
    QCOMPARE(model.value("cache_ttl_s", 0), 300);
    QCOMPARE(model.at("deployments").size(), std::size_t(2));
    QCOMPARE(model.at("deployments")[0].value("weight", 0), 3);
    const auto access = bodyOf(files, "access/team-chat.yaml");
    QCOMPARE(access.value("mode", ""), std::string("approval"));
    QCOMPARE(access.value("auto_approve", false), true);
    QCOMPARE(access.at("grants").dump(), std::string(R"(["acme/app"])"));
    QCOMPARE(bodyOf(files, "consumers/acme/app.yaml").value("description", ""), std::string("the reporting app"));
    const auto prices = bodyOf(files, "prices/openai/gpt-4o.yaml").at("entries");
    QCOMPARE(prices.size(), std::size_t(2));
    QCOMPARE(prices[0].value("effective_date", ""), std::string("2025-01-01")); // oldest first
    QCOMPARE(prices[1].value("effective_date", ""), std::string("2026-01-01"));
    QVERIFY(!bodyOf(files, "prices/team-chat.yaml").contains("provider"));
    const auto prompt = bodyOf(files, "prompts/greet.yaml");
    QCOMPARE(prompt.at("versions").size(), std::size_t(2));
    QCOMPARE(prompt.at("versions")[1].value("version", 0), 2);
    QCOMPARE(prompt.at("versions")[1].at("parameters").value("max_tokens", 0), 200);
    QVERIFY(!prompt.at("versions")[0].contains("created_at_ms")); // when a thing was written is not configuration
    QCOMPARE(prompt.at("labels").at("production").size(), std::size_t(2));
}

void ConfigAsCodeTest::keysCanBeLeftOutOfTheExport()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto all = originFiles();
    const auto withoutKeys = exportFiles(*m_origin, "?keys=omit");
    QVERIFY(!all.empty() && !withoutKeys.empty());
    QCOMPARE(bodyOf(withoutKeys, kConfigManifestFile).value("keys", ""), std::string("omitted"));
    Files expected;
    for (const auto& [path, text] : all) {
        if (!path.starts_with("keys/") && path != kConfigManifestFile)
            expected[path] = text;
    }
    QVERIFY(expected.size() + 3 == all.size()); // the manifest and two keys
    auto others = withoutKeys;
    others.erase(kConfigManifestFile);
    EXPECT_SAME_FILES(others, expected);
    EXPECT_SAME_FILES(exportFiles(*m_origin, "?keys=include"), all);
    const auto refused = send(*m_origin, http::verb::get, "/admin/v1/config/export?keys=maybe");
    EXPECT_STATUS(refused, 400);
}

void ConfigAsCodeTest::aStoredSecretIsNotCarriedToAnotherGateway()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto files = originFiles();
    QVERIFY(!files.empty());
    const auto refused = postTree(*m_target, "apply", files);
    EXPECT_STATUS(refused, 400);
    QCOMPARE(refused.body.at("error").value("code", ""), std::string("invalid_config"));
    QCOMPARE(refused.body.value("applied", true), false);
    const auto problem = problemFor(refused.body.at("problems"), "providers/vault-openai.yaml");
    QVERIFY2(problem.is_object(), qPrintable(problemList(refused.body.at("problems"))));
    const auto message = problem.value("message", "");
    QVERIFY2(message.starts_with("credential: "), message.c_str());
    QVERIFY2(message.find("store") != std::string::npos, message.c_str());
    QVERIFY2(message.find("source: env") != std::string::npos, message.c_str()); // says what to do instead
    // At the credential member (its key or the value under it).
    const auto credentialLine = lineStarting(files.at("providers/vault-openai.yaml"), "credential:");
    QVERIFY(credentialLine > 0);
    const auto line = problem.value("line", 0);
    QVERIFY2(line == credentialLine || line == credentialLine + 1, qPrintable(QString::fromStdString(problem.dump())));
    // Nothing applied.
    EXPECT_SAME_FILES(exportFiles(*m_target), emptyExport());
}

void ConfigAsCodeTest::theExportRoundTripsThroughAnEmptyDataDirectory()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto desired = withEnvCredential(originFiles());
    QVERIFY(!desired.empty());
    QVERIFY(desired.at("providers/vault-openai.yaml").find("VAULT_OPENAI_KEY") != std::string::npos);

    // A plan against the empty directory creates every entity and changes nothing.
    const auto plan = postTree(*m_target, "plan", desired);
    EXPECT_STATUS(plan, 200);
    QVERIFY2(plan.body.at("problems").empty(), qPrintable(problemList(plan.body.at("problems"))));
    QCOMPARE(plan.body.value("applied", true), false);
    QCOMPARE(plan.body.at("summary").value("create", 0), static_cast<int>(desired.size() - 1));
    EXPECT_SAME_FILES(exportFiles(*m_target), emptyExport());

    const auto applied = postTree(*m_target, "apply", desired, false, "copy of the origin");
    EXPECT_STATUS(applied, 200);
    QCOMPARE(applied.body.value("applied", false), true);
    QCOMPARE(applied.body.at("summary").value("create", 0), static_cast<int>(desired.size() - 1));
    QCOMPARE(applied.body.at("summary").value("update", -1), 0);
    QCOMPARE(applied.body.at("summary").value("delete", -1), 0);

    const auto copy = exportFiles(*m_target);
    EXPECT_SAME_FILES(copy, desired);
    EXPECT_SAME_FILES(exportFiles(*m_target), copy);
    const auto again = postTree(*m_target, "plan", desired, true);
    EXPECT_STATUS(again, 200);
    QCOMPARE(changeList(again.body), QStringList());
}

void ConfigAsCodeTest::importedKeysAuthenticateByTheirHash()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto desired = withEnvCredential(originFiles());
    QVERIFY(!desired.empty());
    EXPECT_STATUS(postTree(*m_target, "apply", desired), 200);

    Database database(m_targetDirectory->databasePath());
    KeyStore keys(database);
    std::map<std::string, StoredKey> byHash;
    for (auto& key : keys.activeKeys())
        byHash[key.hash] = key;
    QCOMPARE(byHash.size(), std::size_t(2));
    const auto consumer = byHash.find(hashApiKey(m_keys.consumerKey));
    QVERIFY2(consumer != byHash.end(), "the consumer key does not authenticate on the copy");
    QCOMPARE(consumer->second.prefix, m_keys.consumerPrefix);
    QCOMPARE(consumer->second.name, std::string("reports"));
    QCOMPARE(consumer->second.tenant, std::string("acme"));
    QCOMPARE(consumer->second.consumerName, std::string("app"));
    QVERIFY(consumer->second.consumerId.has_value());
    QCOMPARE(consumer->second.expiresAtMs.value_or(0), kFarExpiry);
    QVERIFY(consumer->second.allowedModels == std::vector<std::string>{"team-chat"});
    QCOMPARE(consumer->second.tags.at("team"), std::string("data"));
    const auto tenant = byHash.find(hashApiKey(m_keys.tenantKey));
    QVERIFY2(tenant != byHash.end(), "the tenant key does not authenticate on the copy");
    QCOMPARE(tenant->second.tenant, std::string("initech"));
    QVERIFY(!tenant->second.consumerId.has_value());
    // A key that is not the origin's does not.
    QVERIFY(!byHash.contains(hashApiKey(generateApiKey())));
}

void ConfigAsCodeTest::planAndApply_data()
{
    QTest::addColumn<QString>("edit");
    QTest::addColumn<bool>("prune");
    QTest::addColumn<QStringList>("changes");
    QTest::addColumn<bool>("exportIsTheEdit"); // after the apply the export is the edited tree, else the origin's

    QTest::newRow("unchanged") << "unchanged" << false << QStringList() << true;
    QTest::newRow("unchanged, pruned") << "unchanged" << true << QStringList() << true;
    QTest::newRow("fallbacks") << "fallbacks removed" << false << QStringList{"update model team-chat fallbacks"} << true;
    QTest::newRow("defaults") << "defaults spelled out or left out" << false << QStringList() << false;
    QTest::newRow("new file") << "new tenant" << false << QStringList{"create tenant globex"} << true;
    QTest::newRow("consumer") << "consumer description" << false << QStringList{"update consumer acme/search description"} << true;
    QTest::newRow("removed, kept") << "limit file removed" << false << QStringList() << false;
    QTest::newRow("removed, pruned") << "limit file pruned" << true << QStringList{"delete limit tenant/acme"} << true;
    QTest::newRow("key pruned") << "key file pruned" << true << QStringList{"revoke key {tenant-key}"} << true;
    QTest::newRow("prune order") << "provider and its model pruned" << true
                                 << QStringList{"delete provider spare-mock", "delete model spare-model"} << true;
    QTest::newRow("key renamed") << "key renamed" << false << QStringList{"update key {consumer-key} name"} << true;
    QTest::newRow("grant removed") << "grant removed" << false << QStringList{"update model_access team-chat grants"} << true;
    QTest::newRow("price added") << "price entry added" << false << QStringList{"update price openai/gpt-4o entries"} << true;
    QTest::newRow("prompt version") << "prompt version added" << false << QStringList{"update prompt greet versions"} << true;
    QTest::newRow("provider setting") << "provider base_url" << false << QStringList{"update provider env-openai base_url"} << true;
    QTest::newRow("budget") << "budget raised" << false << QStringList{"update budget tenant/acme/monthly limit_usd"} << true;
    QTest::newRow("crlf") << "crlf line endings" << true << QStringList() << false;
}

void ConfigAsCodeTest::planAndApply()
{
    QFETCH(QString, edit);
    QFETCH(bool, prune);
    QFETCH(QStringList, changes);
    QFETCH(bool, exportIsTheEdit);
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto original = originFiles();
    QVERIFY(!original.empty());
    auto desired = original;
    applyEdit(edit, desired, m_keys);
    QVERIFY(edit == "unchanged" || desired != original);
    const auto expectedChanges = withPrefixes(changes, m_keys);
    const auto audited = auditTotal(*m_origin);

    // The plan says what would change, and changes nothing (no audit entry either).
    const auto plan = postTree(*m_origin, "plan", desired, prune, "planned");
    EXPECT_STATUS(plan, 200);
    QVERIFY2(plan.body.at("problems").empty(), qPrintable(problemList(plan.body.at("problems"))));
    QCOMPARE(plan.body.value("applied", true), false);
    QCOMPARE(changeList(plan.body), expectedChanges);
    EXPECT_SAME_FILES(originFiles(), original);
    QCOMPARE(auditTotal(*m_origin), audited);

    // The apply makes those changes.
    const auto applied = postTree(*m_origin, "apply", desired, prune, "applied");
    EXPECT_STATUS(applied, 200);
    QCOMPARE(applied.body.value("applied", false), true);
    QCOMPARE(changeList(applied.body), expectedChanges);
    EXPECT_SAME_FILES(originFiles(), exportIsTheEdit ? desired : original);
    const auto auditedAfterApply = auditTotal(*m_origin);

    // And then there is nothing left to do.
    const auto after = postTree(*m_origin, "plan", desired, prune);
    EXPECT_STATUS(after, 200);
    QCOMPARE(changeList(after.body), QStringList());

    // An apply that changes nothing writes no audit entry; one that changes something does.
    if (expectedChanges.isEmpty())
        QCOMPARE(auditedAfterApply, audited);
    else
        QVERIFY(auditedAfterApply > audited);
}

void ConfigAsCodeTest::anApplyWithABadFileChangesNothing()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto original = originFiles();
    QVERIFY(!original.empty());
    const auto audited = auditTotal(*m_origin);
    auto desired = original;
    setBody(desired, "tenants/globex.yaml", {{"name", "globex"}});                                     // good
    auto model = bodyOf(desired, "models/team-chat.yaml");                                             // good
    model.erase("fallbacks");
    setBody(desired, "models/team-chat.yaml", model);
    desired["consumers/acme/bad.yaml"] = kUnknownMember.substr(0, kUnknownMember.find("app")) + "bad\ncolour: red\n"; // bad
    desired["models/x.yaml"] = kGhostProviderModel;                                                    // bad
    desired.erase("limits/tenant/acme.yaml"); // pruned: a good change

    const auto refused = postTree(*m_origin, "apply", desired, true, "all or nothing");
    EXPECT_STATUS(refused, 400);
    QCOMPARE(refused.body.at("error").value("code", ""), std::string("invalid_config"));
    QCOMPARE(refused.body.value("applied", true), false);
    const auto problems = refused.body.at("problems");
    QVERIFY2(problemFor(problems, "consumers/acme/bad.yaml").is_object(), qPrintable(problemList(problems)));
    QVERIFY2(problemFor(problems, "models/x.yaml").is_object(), qPrintable(problemList(problems)));
    for (const auto& problem : problems) {
        const auto file = problem.value("file", "");
        QVERIFY2(file == "consumers/acme/bad.yaml" || file == "models/x.yaml", qPrintable(problemList(problems)));
    }
    const auto message = refused.body.at("error").value("message", "");
    QVERIFY2(message.find("2 problems") != std::string::npos && message.find("nothing was applied") != std::string::npos, message.c_str());

    EXPECT_SAME_FILES(originFiles(), original);
    QCOMPARE(auditTotal(*m_origin), audited);

    // Reading problems (not YAML) refuse the apply before anything runs; every bad file is named.
    auto unreadable = original;
    unreadable["tenants/broken.yaml"] = "name: broken: x\n";
    unreadable["consumers/acme/app.yaml"] = kDuplicateKey;
    const auto unread = postTree(*m_origin, "apply", unreadable);
    EXPECT_STATUS(unread, 400);
    QCOMPARE(unread.body.at("error").value("code", ""), std::string("invalid_config"));
    QVERIFY2(problemFor(unread.body.at("problems"), "tenants/broken.yaml").is_object(), qPrintable(problemList(unread.body.at("problems"))));
    QVERIFY2(problemFor(unread.body.at("problems"), "consumers/acme/app.yaml").is_object(), qPrintable(problemList(unread.body.at("problems"))));
    EXPECT_SAME_FILES(originFiles(), original);
}

void ConfigAsCodeTest::anApplyWithoutKeysNeitherCreatesNorRevokesKeys()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto original = originFiles();
    const auto withoutKeys = exportFiles(*m_origin, "?keys=omit");
    QVERIFY(!original.empty() && !withoutKeys.empty());
    const auto plan = postTree(*m_origin, "apply", withoutKeys, true);
    EXPECT_STATUS(plan, 200);
    QCOMPARE(changeList(plan.body), QStringList());
    EXPECT_SAME_FILES(originFiles(), original); // both keys still there
}

void ConfigAsCodeTest::problemsNameTheFileAndLine_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("withManifest");
    QTest::addColumn<QString>("file");  // the problem's file
    QTest::addColumn<int>("line");      // 0: the file as a whole
    QTest::addColumn<int>("column");    // 0: not checked
    QTest::addColumn<QString>("phrase"); // in the message

    const auto q = [](const std::string& text) { return QString::fromStdString(text); };
    QTest::newRow("unknown provider") << "models/x.yaml" << q(kGhostProviderModel) << true << "models/x.yaml" << 3 << 15
                                      << "deployments[0].provider";
    QTest::newRow("syntax error") << "consumers/acme/app.yaml" << q(kSyntaxError) << true << "consumers/acme/app.yaml" << 2 << 0 << "";
    QTest::newRow("duplicate key") << "consumers/acme/app.yaml" << q(kDuplicateKey) << true << "consumers/acme/app.yaml" << 3 << 1
                                   << "'name' is given twice";
    QTest::newRow("wrong place") << "consumers/acme/app.yaml" << q(kMisplacedConsumer) << true << "consumers/acme/app.yaml" << 0 << 0
                                 << "consumers/acme/other.yaml";
    QTest::newRow("unknown directory") << "routes/x.yaml" << "model: x\n" << true << "routes/x.yaml" << 0 << 0 << "'routes/'";
    QTest::newRow("not yaml") << "tenants/acme.json" << "{\"name\": \"acme\"}" << true << "tenants/acme.json" << 0 << 0 << ".yaml";
    QTest::newRow("missing manifest") << "tenants/acme.yaml" << "name: acme\n" << false << "" << 0 << 0 << "gatehouse-export.yaml";
    QTest::newRow("unknown member") << "consumers/acme/app.yaml" << q(kUnknownMember) << true << "consumers/acme/app.yaml" << 3 << 9
                                    << "colour";
    QTest::newRow("version gap") << "prompts/greet.yaml" << q(kVersionGap) << true << "prompts/greet.yaml" << 10 << 14
                                 << "versions[1].version";
    QTest::newRow("identity missing") << "tenants/acme.yaml" << "description: no name\n" << true << "tenants/acme.yaml" << 1 << 1
                                      << "name: is required";
}

void ConfigAsCodeTest::problemsNameTheFileAndLine()
{
    QFETCH(QString, path);
    QFETCH(QString, text);
    QFETCH(bool, withManifest);
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, phrase);

    Files files{{"tenants/acme.yaml", "name: acme\n"}};
    if (withManifest)
        files[kConfigManifestFile] = kManifest;
    files[path.toStdString()] = text.toStdString();

    const auto validated = postTree(*m_target, "validate", files);
    EXPECT_STATUS(validated, 200);
    QCOMPARE(validated.body.value("valid", true), false);
    const auto problems = validated.body.at("problems");
    const auto problem = problemFor(problems, file.toStdString());
    QVERIFY2(problem.is_object(), qPrintable(problemList(problems)));
    QVERIFY2(problems.size() == 1, qPrintable(problemList(problems)));
    QVERIFY2(problem.value("line", -1) == line, qPrintable(problemList(problems)));
    if (column > 0)
        QVERIFY2(problem.value("column", -1) == column, qPrintable(problemList(problems)));
    const auto message = problem.value("message", "");
    QVERIFY(!message.empty());
    QVERIFY2(message.find(phrase.toStdString()) != std::string::npos, message.c_str());

    // Apply refuses the same tree with the same problem, and changes nothing.
    const auto refused = postTree(*m_target, "apply", files);
    EXPECT_STATUS(refused, 400);
    QCOMPARE(refused.body.at("problems").dump(), problems.dump());
    EXPECT_SAME_FILES(exportFiles(*m_target), emptyExport());
}

void ConfigAsCodeTest::aPromptVersionEditedInPlaceIsRefused()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto original = originFiles();
    QVERIFY(!original.empty());
    auto desired = original;
    auto prompt = bodyOf(desired, "prompts/greet.yaml");
    prompt["versions"][0]["note"] = "edited";
    setBody(desired, "prompts/greet.yaml", prompt);

    const auto plan = postTree(*m_origin, "plan", desired);
    EXPECT_STATUS(plan, 200);
    const auto problem = problemFor(plan.body.at("problems"), "prompts/greet.yaml");
    QVERIFY2(problem.is_object(), qPrintable(problemList(plan.body.at("problems"))));
    const auto message = problem.value("message", "");
    QVERIFY2(message.find("versions are immutable") != std::string::npos, message.c_str());
    QVERIFY2(message.starts_with("versions[0]"), message.c_str());
    // At the first version: the line of its first member.
    const auto& text = desired.at("prompts/greet.yaml");
    const auto versionsLine = lineStarting(text, "versions:");
    QVERIFY(versionsLine > 0);
    QCOMPARE(problem.value("line", 0), versionsLine + 1);
    EXPECT_STATUS(postTree(*m_origin, "apply", desired), 400);
    EXPECT_SAME_FILES(originFiles(), original);
}

void ConfigAsCodeTest::anApplyIsAuditedWithTheActorAndReason()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto desired = withEnvCredential(originFiles());
    QVERIFY(!desired.empty());
    QCOMPARE(auditTotal(*m_target), int64_t(0));
    const auto applied = postTree(*m_target, "apply", desired, false, "sync from git", AdminCaller::local("ci:pipeline"));
    EXPECT_STATUS(applied, 200);

    const auto audit = send(*m_target, http::verb::get, "/admin/v1/audit?limit=1000");
    EXPECT_STATUS(audit, 200);
    const auto entries = audit.body.at("data");
    QVERIFY(entries.size() >= desired.size() - 1); // at least one entry per entity
    std::set<std::string> actions;
    for (const auto& entry : entries) {
        QVERIFY2(entry.value("actor", "") == "ci:pipeline", qPrintable(QString::fromStdString(entry.dump())));
        QVERIFY2(entry.value("reason", "") == "sync from git", qPrintable(QString::fromStdString(entry.dump())));
        actions.insert(entry.value("action", ""));
    }
    for (const char* action : {"provider.create", "model.create", "api_key.import", "prompt.create", "prompt.version.create"})
        QVERIFY2(actions.contains(action), action);

    // Without a reason the apply says it was one.
    auto more = desired;
    setBody(more, "tenants/globex.yaml", {{"name", "globex"}});
    EXPECT_STATUS(postTree(*m_target, "apply", more, false, {}, AdminCaller::local("ci:pipeline")), 200);
    const auto latest = send(*m_target, http::verb::get, "/admin/v1/audit?limit=1").body.at("data").at(0);
    QCOMPARE(latest.value("reason", ""), std::string("config apply"));
    QCOMPARE(latest.value("actor", ""), std::string("ci:pipeline"));
}

void ConfigAsCodeTest::validateForViewersPlanForOperatorsExportAndApplyForAdmins()
{
    std::string viewer, operatorToken, admin;
    {
        Database database(m_targetDirectory->databasePath());
        AdminTokenStore tokens(database);
        const Change setup{"test-setup", "fixture"};
        viewer = tokens.create(setup, "vera-viewer", AdminRole::Viewer).plaintext;
        operatorToken = tokens.create(setup, "otto-operator", AdminRole::Operator).plaintext;
        admin = tokens.create(setup, "ada-admin", AdminRole::Admin).plaintext;
    }
    const auto as = [](const std::string& token) { return AdminCaller::withAuthorization("Bearer " + token); };
    Files files = emptyExport();
    files["tenants/acme.yaml"] = "name: acme\n";

    for (const auto& token : {viewer, operatorToken, admin})
        EXPECT_STATUS(postTree(*m_target, "validate", files, false, {}, as(token)), 200);
    // A plan makes the changes in a transaction it rolls back, holding the write lock: not for viewers.
    EXPECT_STATUS(postTree(*m_target, "plan", files, false, {}, as(viewer)), 403);
    for (const auto& token : {operatorToken, admin})
        EXPECT_STATUS(postTree(*m_target, "plan", files, false, {}, as(token)), 200);
    for (const auto& token : {viewer, operatorToken}) {
        const auto exported = send(*m_target, http::verb::get, "/admin/v1/config/export", {}, as(token));
        EXPECT_STATUS(exported, 403);
        QCOMPARE(exported.body.at("error").value("code", ""), std::string("insufficient_role"));
        EXPECT_STATUS(postTree(*m_target, "apply", files, false, {}, as(token)), 403);
    }
    EXPECT_SAME_FILES(exportFiles(*m_target), emptyExport());
    EXPECT_STATUS(send(*m_target, http::verb::get, "/admin/v1/config/export", {}, as(admin)), 200);
    EXPECT_STATUS(postTree(*m_target, "apply", files, false, {}, as(admin)), 200);
    EXPECT_STATUS(postTree(*m_target, "plan", files, false, {}, AdminCaller::withAuthorization({})), 401);
    // The admin token's name is the audit actor.
    const auto latest = send(*m_target, http::verb::get, "/admin/v1/audit?limit=1").body.at("data").at(0);
    QCOMPARE(latest.value("actor", ""), std::string("ada-admin"));
}

void ConfigAsCodeTest::pruningEverythingEmptiesTheStore()
{
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto original = originFiles();
    QVERIFY(!original.empty());
    const auto applied = postTree(*m_origin, "apply", emptyExport(), true, "start over");
    EXPECT_STATUS(applied, 200);
    QCOMPARE(applied.body.at("summary").value("delete", 0), static_cast<int>(original.size() - 1));
    QCOMPARE(applied.body.at("summary").value("create", -1), 0);
    EXPECT_SAME_FILES(exportFiles(*m_origin), emptyExport());
    // And back again (the stored secret went with its provider, and revoked keys stay revoked).
    auto again = withEnvCredential(original);
    std::erase_if(again, [](const auto& file) { return file.first.starts_with("keys/"); });
    const auto restored = postTree(*m_origin, "apply", again, true);
    EXPECT_STATUS(restored, 200);
    EXPECT_SAME_FILES(exportFiles(*m_origin), again);
}

void ConfigAsCodeTest::aProblemWithAGrantIsPlacedAtThatGrant()
{
    // The second grant names a consumer that does not exist: the problem is on line 6, where the
    // file lists it, whatever order the grants are applied in.
    Files files = emptyExport();
    files["tenants/acme.yaml"] = "name: acme\n";
    files["consumers/acme/zed.yaml"] = "tenant: acme\nname: zed\n";
    files["access/m.yaml"] = "model: m\nmode: approval\nauto_approve: false\ngrants:\n  - acme/zed\n  - acme/ghost\n";
    const auto validated = postTree(*m_target, "validate", files);
    EXPECT_STATUS(validated, 200);
    const auto problem = problemFor(validated.body.at("problems"), "access/m.yaml");
    QVERIFY2(problem.is_object(), qPrintable(problemList(validated.body.at("problems"))));
    QVERIFY2(problem.value("message", "").find("ghost") != std::string::npos, problem.dump().c_str());
    QVERIFY2(problem.value("line", 0) == 6 && problem.value("column", 0) == 5, problem.dump().c_str());
}

void ConfigAsCodeTest::aProblemWithALabelWhoseNameHasDotsIsPlacedAtIt()
{
    // Label "v1.2" splits to a version the prompt does not have: the problem is at that label's
    // split (line 12), not at the labels mapping above it.
    Files files = emptyExport();
    files["providers/p.yaml"] = "name: p\nkind: mock\n";
    files["models/m.yaml"] = "model: m\ndeployments:\n  - provider: p\n    model: x\n";
    files["prompts/greet.yaml"] = "name: greet\n"
                                  "versions:\n"
                                  "  - version: 1\n"
                                  "    model: m\n"
                                  "    messages:\n"
                                  "      - role: user\n"
                                  "        content: Hello\n"
                                  "labels:\n"
                                  "  production:\n"
                                  "    - version: 1\n"
                                  "  v1.2:\n"
                                  "    - version: 9\n";
    const auto validated = postTree(*m_target, "validate", files);
    EXPECT_STATUS(validated, 200);
    const auto problem = problemFor(validated.body.at("problems"), "prompts/greet.yaml");
    QVERIFY2(problem.is_object(), qPrintable(problemList(validated.body.at("problems"))));
    QVERIFY2(problem.value("message", "").find("labels[v1.2]") != std::string::npos, problem.dump().c_str());
    QVERIFY2(problem.value("line", 0) == 12, problem.dump().c_str());
}

void ConfigAsCodeTest::aFallbackToAModelThatSortsLaterRoundTrips()
{
    // "alpha" falls back to "zulu": an export holds both, in name order, and applies to an empty
    // data directory like any other.
    EXPECT_STATUS(send(*m_origin, http::verb::post, "/admin/v1/providers", R"({"name":"p","kind":"mock"})"), 201);
    EXPECT_STATUS(send(*m_origin, http::verb::post, "/admin/v1/models", R"({"model":"zulu","deployments":[{"provider":"p","model":"z"}]})"), 201);
    EXPECT_STATUS(send(*m_origin, http::verb::post, "/admin/v1/models",
                      R"({"model":"alpha","fallbacks":["zulu"],"deployments":[{"provider":"p","model":"a"}]})"),
        201);
    const auto files = originFiles();
    QVERIFY(!files.empty());
    const auto applied = postTree(*m_target, "apply", files);
    QVERIFY2(applied.status == 200, qPrintable(problemList(applied.body.value("problems", Json::array()))));
    EXPECT_SAME_FILES(exportFiles(*m_target), files);
}

void ConfigAsCodeTest::validateAcceptsTheGatewaysOwnExport()
{
    // The generated pipeline validates every merge request (and apply needs it): the gateway's own
    // export must pass, a provider whose key is kept in the gateway's store included.
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto files = originFiles();
    QVERIFY(!files.empty());
    const auto validated = postTree(*m_origin, "validate", files);
    EXPECT_STATUS(validated, 200);
    QVERIFY2(validated.body.value("valid", false), qPrintable(problemList(validated.body.at("problems"))));
    const auto plan = postTree(*m_origin, "plan", files);
    EXPECT_STATUS(plan, 200);
    QCOMPARE(changeList(plan.body), QStringList());
}

void ConfigAsCodeTest::aHandWrittenPromptFileAppliesTwice()
{
    // A prompt file written by hand leaves out what has a default (type, required, parameters,
    // note, ...). Applying the same tree again must not find the version "edited".
    Files files = emptyExport();
    files["prompts/hello.yaml"] = kHandWrittenPrompt;
    const auto first = postTree(*m_target, "apply", files);
    EXPECT_STATUS(first, 200);
    QCOMPARE(changeList(first.body), QStringList{"create prompt hello"});
    const auto again = postTree(*m_target, "plan", files);
    EXPECT_STATUS(again, 200);
    QVERIFY2(again.body.at("problems").empty(), qPrintable(problemList(again.body.at("problems"))));
    QCOMPARE(changeList(again.body), QStringList());
}

void ConfigAsCodeTest::pricesOfAnyProviderAndOfAFamilyDoNotCollide()
{
    // openai's gpt-4o and, for any provider, a model named "openai/gpt-4o": two prices, two files.
    EXPECT_STATUS(send(*m_origin, http::verb::put, "/admin/v1/prices",
                      R"({"provider":"openai","model":"gpt-4o","input_per_million":2,"output_per_million":8,"effective_date":"2025-01-01"})"),
        200);
    EXPECT_STATUS(send(*m_origin, http::verb::put, "/admin/v1/prices",
                      R"({"model":"openai/gpt-4o","input_per_million":3,"output_per_million":9,"effective_date":"2025-01-01"})"),
        200);
    const auto files = originFiles();
    QVERIFY(!files.empty());
    QVERIFY(files.contains("prices/openai/gpt-4o.yaml"));
    QVERIFY(files.contains("prices/openai%2Fgpt-4o.yaml"));
    const auto plan = postTree(*m_origin, "plan", files);
    EXPECT_STATUS(plan, 200);
    QVERIFY2(plan.body.at("problems").empty(), qPrintable(problemList(plan.body.at("problems"))));
    QCOMPARE(changeList(plan.body), QStringList());
    const auto applied = postTree(*m_target, "apply", files);
    EXPECT_STATUS(applied, 200);
    EXPECT_SAME_FILES(exportFiles(*m_target), files);
}

void ConfigAsCodeTest::aKeyFileInATreeWithoutKeysIsNotAppliedUnseen()
{
    // A tree whose manifest says keys are omitted but that has a key file: either a problem, or the
    // plan shows the key it creates. Never a key created that no plan mentions.
    makeOrigin();
    QVERIFY(!QTest::currentTestFailed());
    const auto keyPath = "keys/" + m_keys.consumerPrefix + ".yaml";
    const auto keyFile = originFiles().at(keyPath);
    Files files = emptyExport();
    files[kConfigManifestFile] = "format: gatehouse-config/1\nkeys: omitted\n";
    for (const auto& path : {"tenants/acme.yaml", "consumers/acme/app.yaml"})
        files[path] = originFiles().at(path);
    files[keyPath] = keyFile;
    const auto plan = postTree(*m_target, "plan", files);
    EXPECT_STATUS(plan, 200);
    const bool refused = !plan.body.at("problems").empty();
    const bool shown = changeList(plan.body).contains("create key " + QString::fromStdString(m_keys.consumerPrefix));
    QVERIFY2(refused || shown, qPrintable(changeList(plan.body).join("; ")));
}

void ConfigAsCodeTest::aSecondYamlDocumentInAFileIsAProblem()
{
    // "---" starts another document; a file of the export holds one. A second one must not be
    // dropped without a word.
    Files files = emptyExport();
    files["tenants/acme.yaml"] = "name: acme\n---\nname: globex\n";
    const auto validated = postTree(*m_target, "validate", files);
    EXPECT_STATUS(validated, 200);
    QVERIFY2(!validated.body.value("valid", true), validated.text.c_str());
    QVERIFY(problemFor(validated.body.at("problems"), "tenants/acme.yaml").is_object());
}

// Whoever writes a key file chooses that key's secret: a key the gateway lacks is imported only
// with import_keys, and without it each such file is a problem at its sha256.
void ConfigAsCodeTest::keyFilesAreImportedOnlyWhenAsked()
{
    makeOrigin();
    const auto files = withEnvCredential(exportFiles(*m_origin));
    const auto keyFile = std::find_if(files.begin(), files.end(), [](const auto& file) { return file.first.starts_with("keys/"); });
    QVERIFY(keyFile != files.end());
    Json body{{"files", Json(files)}};
    const auto refused = send(*m_target, http::verb::post, "/admin/v1/config/apply", body.dump());
    EXPECT_STATUS(refused, 400);
    bool found = false;
    for (const auto& problem : refused.body.at("problems")) {
        if (problem.value("file", "") == keyFile->first) {
            found = true;
            QVERIFY2(problem.value("message", "").find("--import-keys") != std::string::npos, problem.dump().c_str());
            QCOMPARE(problem.value("line", 0), 2); // the sha256 line
        }
    }
    QVERIFY2(found, refused.body.dump().c_str());
    EXPECT_SAME_FILES(exportFiles(*m_target), emptyExport());
}

// An apply given the base of the plan that was shown refuses to run once the gateway changed.
void ConfigAsCodeTest::anApplyGivenAPlansBaseRefusesAChangedGateway()
{
    Files files = emptyExport();
    files["tenants/acme.yaml"] = "name: acme\n";
    const auto plan = postTree(*m_target, "plan", files);
    EXPECT_STATUS(plan, 200);
    const auto base = plan.body.at("base").get<std::string>();
    QCOMPARE(base.size(), std::size_t(64));

    // Someone changes the gateway between the plan and the apply.
    EXPECT_STATUS(send(*m_target, http::verb::post, "/admin/v1/tenants", R"({"name":"meanwhile"})"), 201);
    Json body{{"files", Json(files)}, {"expected_base", base}};
    const auto stale = send(*m_target, http::verb::post, "/admin/v1/config/apply", body.dump());
    EXPECT_STATUS(stale, 409);
    QCOMPARE(stale.body.at("error").value("code", ""), std::string("config_changed"));
    QCOMPARE(stale.body.at("applied").get<bool>(), false);
    const auto tenants = send(*m_target, http::verb::get, "/admin/v1/tenants").body.dump();
    QVERIFY2(tenants.find("\"acme\"") == std::string::npos, tenants.c_str());

    // Planned again, the new base applies.
    const auto again = postTree(*m_target, "plan", files);
    body["expected_base"] = again.body.at("base");
    EXPECT_STATUS(send(*m_target, http::verb::post, "/admin/v1/config/apply", body.dump()), 200);
}

QTEST_GUILESS_MAIN(ConfigAsCodeTest)
#include "ConfigAsCodeTest.moc"
