// The configuration tree as files (core/configcode/ConfigTree, YamlDocument): each entity's file
// name, for awkward names too; a tree written as files and read back is the same tree; what
// readConfigTree refuses and leaves alone; where each value of a YAML file is written (the line
// and column every problem names); and how plain and quoted scalars read.
#include "configcode/ConfigTree.h"
#include "configcode/YamlDocument.h"
#include "configcode/YamlText.h"

#include <QtTest>

#include <cctype>
#include <set>

using namespace gatehouse;

namespace {

ConfigEntity entity(ConfigKind kind, Json body)
{
    ConfigEntity made;
    made.kind = kind;
    made.body = std::move(body);
    made.name = configEntityName(kind, made.body).value_or("<no name>");
    return made;
}

// One entity of every kind, with names that need encoding.
ConfigTree sampleTree(bool keysIncluded)
{
    ConfigTree tree;
    tree.keysIncluded = keysIncluded;
    tree.entities = {
        entity(ConfigKind::Tenant, {{"name", "acme"}}),
        entity(ConfigKind::Tenant, {{"name", "team blue/ü"}}),
        entity(ConfigKind::Consumer, {{"tenant", "acme"}, {"name", ".hidden app"}, {"description", "line one\nline two\n"}}),
        entity(ConfigKind::Provider, {{"name", "team-openai"}, {"kind", "openai"}, {"base_url", "https://api.openai.com:443/v1"},
                                         {"credential", {{"source", "env"}, {"name", "OPENAI_API_KEY"}}}}),
        entity(ConfigKind::Model,
            {{"model", "openai/gpt-4o"}, {"deployments", Json::array({{{"provider", "team-openai"}, {"model", "gpt-4o"}, {"weight", 1}}})},
                {"fallbacks", Json::array({"gpt:4o-mini"})}, {"cache_ttl_s", 300}}),
        entity(ConfigKind::ModelAccess, {{"model", "openai/gpt-4o"}, {"mode", "approval"}, {"auto_approve", true},
                                            {"grants", Json::array({"acme/.hidden app"})}}),
        entity(ConfigKind::Key, {{"prefix", "gk-AbCdEf1"}, {"sha256", std::string(64, 'a')}, {"name", "reports"}, {"tenant", "acme"},
                                    {"tags", {{"env", "prod"}}}, {"expires_at_ms", 4102444800000}}),
        entity(ConfigKind::Limit, {{"scope", "consumer"}, {"id", "acme/.hidden app"}, {"concurrent", 2}}),
        entity(ConfigKind::Budget, {{"scope", "tenant"}, {"id", "acme"}, {"period", "monthly"}, {"limit_usd", 100.0}}),
        entity(ConfigKind::Price, {{"provider", "openai"}, {"model", "gpt-4o"},
                                      {"entries", Json::array({{{"effective_date", "2025-01-01"}, {"input_per_million", 2.5}}})}}),
        entity(ConfigKind::Price, {{"model", "true"}, {"entries", Json::array({{{"effective_date", "2025-01-01"}, {"input_per_million", 1}}})}}),
        entity(ConfigKind::Prompt, {{"name", "greet"}, {"versions", Json::array({{{"version", 1}, {"model", "m"}, {"note", "1.0"}}})},
                                       {"labels", {{"production", Json::array({{{"version", 1}, {"weight", 100}}})}}}}),
    };
    // A tree without keys has no key files (a key file there is a problem: see keyFilesOfATreeWithoutKeysAreAProblem).
    if (!keysIncluded)
        std::erase_if(tree.entities, [](const ConfigEntity& entity) { return entity.kind == ConfigKind::Key; });
    sortConfigEntities(tree.entities);
    return tree;
}

const std::string kPositions = "model: gpt\n"
                               "deployments:\n"
                               "  - provider: team-openai\n"
                               "    model: gpt-4o\n"
                               "  - provider: local\n"
                               "    weight: 2\n"
                               "labels:\n"
                               "  a/b: 1\n"
                               "  t~x: 2\n";

} // namespace

class ConfigTreeTest : public QObject {
    Q_OBJECT

private slots:
    void eachEntityHasItsFile_data();
    void eachEntityHasItsFile();
    void theKindsAreInApplyOrderWithTheirOwnDirectories();
    void aTreeReadsBackAsItWasWritten_data();
    void aTreeReadsBackAsItWasWritten();
    void keyFilesOfATreeWithoutKeysAreAProblem();
    void anAliasReadsAsItsAnchorsValue();
    void otherFilesAreLeftAloneOrRefused();
    void aFileMustHoldTheEntityItIsNamedAfter();
    void theManifestIsChecked();
    void positionsAreKeptForEveryValue();
    void fieldNamesBecomePointers_data();
    void fieldNamesBecomePointers();
    void scalarsResolveAsYaml12CoreSchema_data();
    void scalarsResolveAsYaml12CoreSchema();
    void notWhatTheExportWritesIsAnError_data();
    void notWhatTheExportWritesIsAnError();
    void problemsDescribeThemselves();
    // Found while writing the above.
    void aPriceOfAnyProviderDoesNotCollideWithAFamilysPrice();
};

void ConfigTreeTest::eachEntityHasItsFile_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("body"); // JSON
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("name");

    const auto row = [](const char* tag, ConfigKind kind, const char* body, const char* path, const char* name) {
        QTest::newRow(tag) << static_cast<int>(kind) << QString::fromUtf8(body) << QString::fromUtf8(path) << QString::fromUtf8(name);
    };
    row("tenant", ConfigKind::Tenant, "{\"name\":\"acme\"}", "tenants/acme.yaml", "acme");
    row("space", ConfigKind::Tenant, "{\"name\":\"my team\"}", "tenants/my%20team.yaml", "my team");
    row("unicode", ConfigKind::Tenant, "{\"name\":\"caf\xc3\xa9\"}", "tenants/caf%C3%A9.yaml", "caf\xc3\xa9");
    row("leading dot", ConfigKind::Tenant, "{\"name\":\".env\"}", "tenants/%2Eenv.yaml", ".env");
    row("dot dot", ConfigKind::Tenant, "{\"name\":\"..\"}", "tenants/%2E..yaml", "..");
    row("percent", ConfigKind::Tenant, "{\"name\":\"100%\"}", "tenants/100%25.yaml", "100%");
    row("inner dot kept", ConfigKind::Tenant, "{\"name\":\"a.b_c-d\"}", "tenants/a.b_c-d.yaml", "a.b_c-d");
    row("slash", ConfigKind::Model, "{\"model\":\"openai/gpt-4o\"}", "models/openai%2Fgpt-4o.yaml", "openai/gpt-4o");
    row("colon", ConfigKind::Model, "{\"model\":\"gpt:4o\"}", "models/gpt%3A4o.yaml", "gpt:4o");
    row("consumer", ConfigKind::Consumer, "{\"tenant\":\"acme\",\"name\":\"app\"}", "consumers/acme/app.yaml", "acme/app");
    row("consumer encoded", ConfigKind::Consumer, "{\"tenant\":\"a/b\",\"name\":\"x y\"}", "consumers/a%2Fb/x%20y.yaml", "a/b/x y");
    row("provider", ConfigKind::Provider, "{\"name\":\"team-openai\",\"kind\":\"openai\"}", "providers/team-openai.yaml", "team-openai");
    row("access", ConfigKind::ModelAccess, "{\"model\":\"gpt-4o\",\"mode\":\"private\"}", "access/gpt-4o.yaml", "gpt-4o");
    row("key", ConfigKind::Key, "{\"prefix\":\"gk-AbCdEf1\"}", "keys/gk-AbCdEf1.yaml", "gk-AbCdEf1");
    row("limit", ConfigKind::Limit, "{\"scope\":\"tenant\",\"id\":\"acme\"}", "limits/tenant/acme.yaml", "tenant/acme");
    row("limit of consumer", ConfigKind::Limit, "{\"scope\":\"consumer\",\"id\":\"acme/app\"}", "limits/consumer/acme%2Fapp.yaml",
        "consumer/acme/app");
    row("budget", ConfigKind::Budget, "{\"scope\":\"consumer\",\"id\":\"acme/app\",\"period\":\"monthly\"}",
        "budgets/consumer/acme%2Fapp/monthly.yaml", "consumer/acme/app/monthly");
    row("price of a family", ConfigKind::Price, "{\"provider\":\"openai\",\"model\":\"gpt-4o\"}", "prices/openai/gpt-4o.yaml",
        "openai/gpt-4o");
    // Any provider's price is named "*/model": never the same name as a family's price (bug fixed:
    // any provider's "openai/gpt-4o" and openai's "gpt-4o" were both "openai/gpt-4o").
    row("price of any provider", ConfigKind::Price, "{\"model\":\"gpt-4o\"}", "prices/gpt-4o.yaml", "*/gpt-4o");
    row("price, empty provider", ConfigKind::Price, "{\"provider\":\"\",\"model\":\"gpt-4o\"}", "prices/gpt-4o.yaml", "*/gpt-4o");
    row("price, model with slash", ConfigKind::Price, "{\"provider\":\"openrouter\",\"model\":\"meta/llama\"}",
        "prices/openrouter/meta%2Fllama.yaml", "openrouter/meta/llama");
    row("prompt", ConfigKind::Prompt, "{\"name\":\"greet\"}", "prompts/greet.yaml", "greet");
}

void ConfigTreeTest::eachEntityHasItsFile()
{
    QFETCH(int, kind);
    QFETCH(QString, body);
    QFETCH(QString, path);
    QFETCH(QString, name);
    ConfigEntity made;
    made.kind = static_cast<ConfigKind>(kind);
    made.body = Json::parse(body.toStdString());
    std::string problem;
    const auto identity = configEntityName(made.kind, made.body, &problem);
    QVERIFY2(identity.has_value(), problem.c_str());
    QCOMPARE(QString::fromStdString(*identity), name);
    made.name = *identity;
    const auto file = configFilePath(made);
    QCOMPARE(QString::fromStdString(file), path);
    // No hidden file, no directory of its own beyond the identity's segments, nothing outside [A-Za-z0-9._~%-/].
    for (const auto c : file)
        QVERIFY2(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._-~%/").find(c) != std::string_view::npos, file.c_str());
    QVERIFY(file.find("/.") == std::string::npos);
}

void ConfigTreeTest::theKindsAreInApplyOrderWithTheirOwnDirectories()
{
    const auto kinds = configKinds();
    QCOMPARE(kinds.size(), std::size_t(10));
    std::set<std::string> directories, names;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        QCOMPARE(static_cast<std::size_t>(kinds[i].kind), i); // configKindInfo(kind) indexes by the enum
        QVERIFY(&configKindInfo(kinds[i].kind) == &kinds[i]);
        QVERIFY(directories.insert(kinds[i].directory).second);
        QVERIFY(names.insert(kinds[i].name).second);
        QVERIFY(!kinds[i].identity.empty());
    }
    // What refers to what comes after it.
    QVERIFY(ConfigKind::Tenant < ConfigKind::Consumer && ConfigKind::Consumer < ConfigKind::ModelAccess);
    QVERIFY(ConfigKind::Provider < ConfigKind::Model && ConfigKind::Model < ConfigKind::ModelAccess);
    QVERIFY(ConfigKind::Consumer < ConfigKind::Key && ConfigKind::Key < ConfigKind::Limit);
}

void ConfigTreeTest::aTreeReadsBackAsItWasWritten_data()
{
    QTest::addColumn<bool>("keysIncluded");
    QTest::newRow("with keys") << true;
    QTest::newRow("without keys") << false;
}

void ConfigTreeTest::aTreeReadsBackAsItWasWritten()
{
    QFETCH(bool, keysIncluded);
    const auto tree = sampleTree(keysIncluded);
    const auto files = configTreeFiles(tree);
    QCOMPARE(files.size(), tree.entities.size() + 1);
    QVERIFY(files.contains(kConfigManifestFile));
    QVERIFY(configTreeFiles(tree) == files); // byte-identical

    const auto reading = readConfigTree(files);
    QStringList problems;
    for (const auto& problem : reading.problems)
        problems << QString::fromStdString(problem.describe());
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    QCOMPARE(reading.tree.keysIncluded, keysIncluded);
    QCOMPARE(reading.tree.entities.size(), tree.entities.size());
    for (std::size_t i = 0; i < tree.entities.size(); ++i) {
        const auto& read = reading.tree.entities[i];
        const auto& written = tree.entities[i];
        QVERIFY(read.kind == written.kind);
        QCOMPARE(read.name, written.name);
        QVERIFY2(read.body == written.body, read.body.dump().c_str()); // the same members in the same order
        QCOMPARE(read.file, configFilePath(written));
    }
    // And written again, the same bytes.
    QVERIFY(configTreeFiles(reading.tree) == files);
}

void ConfigTreeTest::otherFilesAreLeftAloneOrRefused()
{
    auto files = configTreeFiles(sampleTree(true));
    const auto entities = readConfigTree(files).tree.entities.size();
    files["README.md"] = "# our gateway\n";
    files[".gitlab-ci.yml"] = "stages: [validate]\n";
    files[".git/HEAD"] = "ref: refs/heads/main\n";
    auto reading = readConfigTree(files);
    QVERIFY(reading.problems.empty());
    QCOMPARE(reading.tree.entities.size(), entities);

    files["tenants/notes.txt"] = "not an entity";
    files["routes/x.yaml"] = "model: x\n";
    reading = readConfigTree(files);
    std::set<std::string> problemFiles;
    for (const auto& problem : reading.problems)
        problemFiles.insert(problem.file);
    QVERIFY((problemFiles == std::set<std::string>{"tenants/notes.txt", "routes/x.yaml"}));
    QCOMPARE(reading.tree.entities.size(), entities); // the others are still read
    for (const auto& problem : reading.problems) {
        if (problem.file == "routes/x.yaml")
            QVERIFY2(problem.message.find("tenants/") != std::string::npos, problem.message.c_str()); // says which directories there are
    }

    // Not a mapping, or empty: a problem naming the kind.
    files.erase("tenants/notes.txt");
    files.erase("routes/x.yaml");
    files["tenants/list.yaml"] = "- a\n- b\n";
    files["tenants/empty.yaml"] = "";
    reading = readConfigTree(files);
    QCOMPARE(reading.problems.size(), std::size_t(2));
    for (const auto& problem : reading.problems)
        QVERIFY2(problem.message.find("tenant") != std::string::npos, problem.message.c_str());
}

void ConfigTreeTest::aFileMustHoldTheEntityItIsNamedAfter()
{
    std::map<std::string, std::string> files{{kConfigManifestFile, yamlText({{"format", kConfigFormat}})},
        {"consumers/acme/app.yaml", "tenant: acme\nname: other\n"}, {"tenants/acme.yaml", "name: acme\n"},
        {"models/gpt%2f4o.yaml", "model: gpt/4o\n"}, // lower-case hex: not the one name the model has
        {"tenants/beta.yaml", "name: beta\nname: beta\n"}};
    const auto reading = readConfigTree(files);
    std::map<std::string, ConfigProblem> byFile;
    for (const auto& problem : reading.problems)
        byFile[problem.file] = problem;
    QCOMPARE(byFile.size(), std::size_t(3));
    QVERIFY2(byFile["consumers/acme/app.yaml"].message.find("consumers/acme/other.yaml") != std::string::npos,
        byFile["consumers/acme/app.yaml"].message.c_str());
    QVERIFY2(byFile["models/gpt%2f4o.yaml"].message.find("models/gpt%2F4o.yaml") != std::string::npos,
        byFile["models/gpt%2f4o.yaml"].message.c_str());
    QCOMPARE(byFile["tenants/beta.yaml"].line, 2); // the second "name"
    QCOMPARE(byFile["tenants/beta.yaml"].column, 1);
    QCOMPARE(reading.tree.entities.size(), std::size_t(1));
    QCOMPARE(reading.tree.entities[0].name, std::string("acme"));
    QCOMPARE(reading.tree.keysIncluded, true); // keys: absent means included
}

void ConfigTreeTest::theManifestIsChecked()
{
    const auto problemsOf = [](const std::string& manifest) {
        std::map<std::string, std::string> files{{"tenants/acme.yaml", "name: acme\n"}};
        if (!manifest.empty())
            files[kConfigManifestFile] = manifest;
        return readConfigTree(files).problems;
    };
    QVERIFY(problemsOf("format: gatehouse-config/1\nkeys: omitted\n").empty());
    const auto missing = problemsOf("");
    QCOMPARE(missing.size(), std::size_t(1));
    QCOMPARE(missing[0].file, std::string());
    QVERIFY(missing[0].message.find(kConfigManifestFile) != std::string::npos);

    const auto wrongFormat = problemsOf("format: gatehouse-config/2\n");
    QCOMPARE(wrongFormat.size(), std::size_t(1));
    QCOMPARE(wrongFormat[0].file, std::string(kConfigManifestFile));
    QCOMPARE(wrongFormat[0].line, 1);
    QCOMPARE(wrongFormat[0].column, 9);

    const auto badKeys = problemsOf("format: gatehouse-config/1\nkeys: some\nextra: 1\n");
    QCOMPARE(badKeys.size(), std::size_t(2));
    QCOMPARE(badKeys[0].line, 2);
    QCOMPARE(badKeys[1].line, 3);
    QVERIFY(badKeys[1].message.find("extra") != std::string::npos);
}

void ConfigTreeTest::positionsAreKeptForEveryValue()
{
    const auto document = readYamlDocument(kPositions);
    const auto at = [&](const char* pointer) {
        const auto position = document.positionOf(pointer);
        return std::pair{position.line, position.column};
    };
    QCOMPARE(at(""), std::pair(1, 1));
    QCOMPARE(at("/model"), std::pair(1, 8));
    QCOMPARE(at("/deployments/0/provider"), std::pair(3, 15));
    QCOMPARE(at("/deployments/0/model"), std::pair(4, 12));
    QCOMPARE(at("/deployments/1/weight"), std::pair(6, 13));
    QCOMPARE(at("/deployments/1"), std::pair(5, 5)); // an item: where its first member is
    QCOMPARE(at("/labels/a~1b"), std::pair(8, 8));    // '/' and '~' in a key as JSON pointers escape them
    QCOMPARE(at("/labels/t~0x"), std::pair(9, 8));
    // Not written: the nearest enclosing value.
    QCOMPARE(at("/deployments/1/priority"), at("/deployments/1"));
    QCOMPARE(at("/deployments/7/provider"), at("/deployments"));
    QCOMPARE(at("/nothing/here"), at(""));
    QVERIFY(document.value.at("deployments").at(1).at("weight") == Json(2));

    // Through the field names the admin API uses.
    ConfigEntity read;
    read.source = document;
    const auto position = read.positionOf("deployments[1].weight");
    QCOMPARE(std::pair(position.line, position.column), std::pair(6, 13));
}

void ConfigTreeTest::fieldNamesBecomePointers_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("pointer");
    QTest::newRow("whole") << "" << "";
    QTest::newRow("member") << "name" << "/name";
    QTest::newRow("item member") << "deployments[0].provider" << "/deployments/0/provider";
    QTest::newRow("nested") << "versions[2].messages[10].content" << "/versions/2/messages/10/content";
    QTest::newRow("item") << "grants[3]" << "/grants/3";
    QTest::newRow("map member") << "labels.production" << "/labels/production";
    QTest::newRow("escaped") << "tags.a/b~c" << "/tags/a~1b~0c";
    QTest::newRow("bracketed name with dots") << "labels[v1.2].split" << "/labels/v1.2/split";
}

void ConfigTreeTest::fieldNamesBecomePointers()
{
    QFETCH(QString, field);
    QFETCH(QString, pointer);
    QCOMPARE(QString::fromStdString(fieldPointer(field.toStdString())), pointer);
}

void ConfigTreeTest::scalarsResolveAsYaml12CoreSchema_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("json"); // what "value" reads as

    QTest::newRow("plain true") << "value: true" << "true";
    QTest::newRow("plain False") << "value: False" << "false";
    QTest::newRow("quoted true") << "value: \"true\"" << "\"true\"";
    QTest::newRow("single-quoted true") << "value: 'true'" << "\"true\"";
    QTest::newRow("yes is text in 1.2") << "value: yes" << "\"yes\"";
    QTest::newRow("integer") << "value: 42" << "42";
    QTest::newRow("negative") << "value: -7" << "-7";
    QTest::newRow("float") << "value: 1.5" << "1.5";
    QTest::newRow("exponent") << "value: 1e3" << "1000.0";
    QTest::newRow("quoted number") << "value: \"1.5\"" << "\"1.5\"";
    QTest::newRow("tilde") << "value: ~" << "null";
    QTest::newRow("null") << "value: null" << "null";
    QTest::newRow("empty") << "value:" << "null";
    QTest::newRow("quoted tilde") << "value: \"~\"" << "\"~\"";
    QTest::newRow("date is text") << "value: 2025-01-01" << "\"2025-01-01\"";
    QTest::newRow("version is text") << "value: 1.2.3" << "\"1.2.3\"";
    QTest::newRow("text") << "value: hello world" << "\"hello world\"";
    QTest::newRow("block") << "value: |\n  true\n" << "\"true\\n\"";
    QTest::newRow("flow list") << "value: [1, \"2\", x]" << "[1,\"2\",\"x\"]";
}

void ConfigTreeTest::scalarsResolveAsYaml12CoreSchema()
{
    QFETCH(QString, yaml);
    QFETCH(QString, json);
    const auto read = readYamlDocument(yaml.toStdString()).value.at("value");
    const auto expected = Json::parse(json.toStdString());
    QVERIFY2(read == expected && read.type() == expected.type(), qPrintable(QString::fromStdString(read.dump()) + " is not " + json));
    // What the export's writer makes of it reads back the same.
    const auto again = readYamlDocument(yamlText(Json{{"value", read}})).value.at("value");
    QVERIFY2(again == read && again.type() == read.type(), again.dump().c_str());
}

void ConfigTreeTest::notWhatTheExportWritesIsAnError_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("key twice") << "a: 1\nb:\n  c: 1\n  c: 2\n" << 4 << "'c' is given twice";
    QTest::newRow("syntax") << "a: 1\nb: c: d\n" << 2 << "";
    QTest::newRow("key not text") << "a: 1\n[x, y]: 2\n" << 2 << "text";
    QTest::newRow("second document") << "name: acme\n---\nname: globex\n" << 3 << "second YAML document";
    // A billion laughs: each level doubles the values; refused at the first alias of a list.
    QTest::newRow("alias of a list") << "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n" << 1 << "alias";
    QTest::newRow("too deep") << QString("a: ") + QString("[").repeated(40) + QString("]").repeated(40) + "\n" << 1 << "nested deeper";
}

void ConfigTreeTest::notWhatTheExportWritesIsAnError()
{
    QFETCH(QString, yaml);
    QFETCH(int, line);
    QFETCH(QString, phrase);
    try {
        const auto document = readYamlDocument(yaml.toStdString());
        QFAIL(qPrintable("read without an error: " + QString::fromStdString(document.value.dump())));
    } catch (const YamlReadError& error) {
        QCOMPARE(error.position().line, line);
        QVERIFY2(std::string(error.what()).find(phrase.toStdString()) != std::string::npos, error.what());
    }
}

void ConfigTreeTest::problemsDescribeThemselves()
{
    const ConfigProblem placed{"models/gpt.yaml", 3, 5, "deployments[0].provider: no provider"};
    QCOMPARE(placed.describe(), std::string("models/gpt.yaml:3:5: deployments[0].provider: no provider"));
    const ConfigProblem wholeFile{"routes/x.yaml", 0, 0, "not a directory"};
    QCOMPARE(wholeFile.describe(), std::string("routes/x.yaml: not a directory"));
    const ConfigProblem wholeTree{"", 0, 0, "no manifest"};
    QCOMPARE(wholeTree.describe(), std::string("no manifest"));
    const auto json = toJson(ConfigProblem{"a.yaml", 2, 7, "m"});
    QCOMPARE(json.dump(), std::string(R"({"file":"a.yaml","line":2,"column":7,"message":"m"})"));
}

void ConfigTreeTest::aPriceOfAnyProviderDoesNotCollideWithAFamilysPrice()
{
    // openai's "gpt-4o" and any provider's "openai/gpt-4o" are two prices in two files; the tree
    // must keep them apart (the plan names entities by name, and the apply matches them by it).
    ConfigTree tree;
    tree.entities = {entity(ConfigKind::Price, {{"provider", "openai"}, {"model", "gpt-4o"}, {"entries", Json::array()}}),
        entity(ConfigKind::Price, {{"model", "openai/gpt-4o"}, {"entries", Json::array()}})};
    QVERIFY(configFilePath(tree.entities[0]) != configFilePath(tree.entities[1]));
    const auto reading = readConfigTree(configTreeFiles(tree));
    QVERIFY2(reading.problems.empty(), reading.problems.empty() ? "" : reading.problems[0].describe().c_str());
    QCOMPARE(reading.tree.entities.size(), std::size_t(2));
    QVERIFY2(tree.entities[0].name != tree.entities[1].name, ("both are named " + tree.entities[0].name).c_str());
}

// A tree whose manifest leaves keys out would otherwise import its key files unseen: plans compare
// exports without keys.
void ConfigTreeTest::keyFilesOfATreeWithoutKeysAreAProblem()
{
    auto files = configTreeFiles(sampleTree(false));
    const auto withKeys = configTreeFiles(sampleTree(true));
    files["keys/gk-AbCdEf1.yaml"] = withKeys.at("keys/gk-AbCdEf1.yaml");
    const auto reading = readConfigTree(files);
    QCOMPARE(reading.problems.size(), std::size_t(1));
    QCOMPARE(reading.problems[0].file, std::string("keys/gk-AbCdEf1.yaml"));
    QVERIFY2(reading.problems[0].message.find("keys: omitted") != std::string::npos, reading.problems[0].message.c_str());
    for (const auto& entity : reading.tree.entities)
        QVERIFY(entity.kind != ConfigKind::Key);
}

// A scalar's alias cannot multiply anything: it reads as its anchor's value.
void ConfigTreeTest::anAliasReadsAsItsAnchorsValue()
{
    const auto document = readYamlDocument("a: &x hello\nb: *x\n");
    QCOMPARE(document.value.dump(), std::string("{\"a\":\"hello\",\"b\":\"hello\"}"));
}

QTEST_GUILESS_MAIN(ConfigTreeTest)
#include "ConfigTreeTest.moc"
