// resources/config-schema.json against the export's kinds (core/configcode/ConfigTree): valid
// JSON, draft 2020-12, a $def for the manifest and for every kind of configKinds() (so a kind added
// later fails here until the schema has it), each naming its files under the kind's directory in
// `x-gatehouse-files`, closed, and with the members that name the entity; the whole schema's oneOf
// refers to exactly those defs. tests/e2e/config-schema.test.mjs validates real exports with Ajv.
#include "configcode/ConfigTree.h"

#include <QtTest>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace gatehouse;

namespace {

std::string readSchemaText()
{
    std::ifstream in(GATEHOUSE_CONFIG_SCHEMA, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// "budgets/<scope>/<id>/<period>.yaml" → 3
std::size_t placeholders(const std::string& pattern)
{
    return static_cast<std::size_t>(std::count(pattern.begin(), pattern.end(), '<'));
}

bool contains(const Json& list, const std::string& value)
{
    return list.is_array() && std::find(list.begin(), list.end(), Json(value)) != list.end();
}

QByteArray text(const std::string& value)
{
    return QByteArray::fromStdString(value);
}

} // namespace

class ConfigSchemaTest : public QObject {
    Q_OBJECT

private:
    Json m_schema;

    const Json& def(const std::string& name) const { return m_schema.at("$defs").at(name); }

private slots:
    void initTestCase()
    {
        const auto schemaText = readSchemaText();
        QVERIFY2(!schemaText.empty(), "cannot read " GATEHOUSE_CONFIG_SCHEMA);
        try {
            m_schema = Json::parse(schemaText);
        } catch (const std::exception& error) {
            QFAIL(qPrintable(QString("resources/config-schema.json is not valid JSON: ") + error.what()));
        }
        QVERIFY(m_schema.is_object());
        QVERIFY(m_schema.contains("$defs") && m_schema.at("$defs").is_object());
    }

    void isDraft202012()
    {
        QCOMPARE(text(m_schema.value("$schema", "")), QByteArray("https://json-schema.org/draft/2020-12/schema"));
        QVERIFY(!m_schema.value("description", "").empty());
    }

    void everyKindHasADef()
    {
        const auto description = m_schema.value("description", "");
        for (const auto& info : configKinds()) {
            const std::string name = info.name;
            QVERIFY2(m_schema.at("$defs").contains(name), qPrintable(QString("no $defs.%1 for the kind").arg(info.name)));
            const auto& kind = def(name);
            QCOMPARE(text(kind.value("type", "")), QByteArray("object"));
            QVERIFY2(!kind.value("description", "").empty(), info.name);
            QVERIFY2(kind.value("additionalProperties", Json(true)) == Json(false),
                qPrintable(QString("$defs.%1 is open: the apply refuses members it does not know").arg(info.name)));

            // Its files: under the kind's directory, one path segment per identity member (an
            // optional one — a price's provider family — may be left out of some).
            const auto& files = kind.at("x-gatehouse-files");
            QVERIFY2(files.is_array() && !files.empty(), info.name);
            std::size_t most = 0;
            for (const auto& file : files) {
                const auto pattern = file.get<std::string>();
                QVERIFY2(pattern.starts_with(std::string(info.directory) + "/") && pattern.ends_with(".yaml"), pattern.c_str());
                QVERIFY2(placeholders(pattern) >= 1 && placeholders(pattern) <= info.identity.size(), pattern.c_str());
                most = std::max(most, placeholders(pattern));
                QVERIFY2(description.find(pattern.substr(0, pattern.find('<'))) != std::string::npos,
                    qPrintable(QString("the schema's description does not name %1").arg(QString::fromStdString(pattern))));
            }
            QCOMPARE(most, info.identity.size());
            QVERIFY2(description.find("#/$defs/" + name) != std::string::npos,
                qPrintable(QString("the schema's description does not point %1/ at #/$defs/%2").arg(info.directory, info.name)));

            // The members that name the entity: described, and required unless some file leaves them out.
            const auto& properties = kind.at("properties");
            const auto& required = kind.value("required", Json::array());
            const bool allFull = std::all_of(files.begin(), files.end(),
                [&](const Json& file) { return placeholders(file.get<std::string>()) == info.identity.size(); });
            for (std::size_t i = 0; i < info.identity.size(); ++i) {
                const std::string member = info.identity[i];
                QVERIFY2(properties.contains(member), qPrintable(QString("$defs.%1 has no member %2").arg(info.name, info.identity[i])));
                if (allFull || i + 1 == info.identity.size())
                    QVERIFY2(contains(required, member), qPrintable(QString("$defs.%1 does not require %2").arg(info.name, info.identity[i])));
            }
        }
    }

    void manifestMatchesTheFormat()
    {
        const auto& manifest = def("manifest");
        QCOMPARE(manifest.at("x-gatehouse-files"), Json::array({kConfigManifestFile}));
        QCOMPARE(text(manifest.at("properties").at("format").at("const").get<std::string>()), QByteArray(kConfigFormat));
        QCOMPARE(manifest.at("properties").at("keys").at("enum"), Json::array({"included", "omitted"}));
        QVERIFY(manifest.value("additionalProperties", Json(true)) == Json(false));
        QVERIFY(contains(manifest.at("required"), "format"));
    }

    // The whole schema: exactly one of the manifest and the kinds, no other def.
    void oneOfListsEveryKind()
    {
        std::set<std::string> expected{"manifest"};
        for (const auto& info : configKinds())
            expected.insert(info.name);
        std::set<std::string> listed;
        for (const auto& branch : m_schema.at("oneOf")) {
            const auto ref = branch.at("$ref").get<std::string>();
            QVERIFY2(ref.starts_with("#/$defs/"), ref.c_str());
            QVERIFY2(listed.insert(ref.substr(8)).second, ref.c_str());
        }
        QCOMPARE(listed, expected);
        // Only the file defs say where their files are; the others are their parts.
        std::set<std::string> withFiles;
        for (const auto& [name, schema] : m_schema.at("$defs").items()) {
            if (schema.contains("x-gatehouse-files"))
                withFiles.insert(name);
        }
        QCOMPARE(withFiles, expected);
    }
};

QTEST_APPLESS_MAIN(ConfigSchemaTest)
#include "ConfigSchemaTest.moc"
