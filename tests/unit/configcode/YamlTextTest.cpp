// The export's YAML writer: block YAML that is the same bytes every time, strings quoted whenever a
// YAML reader could take them for something else, multi-line text as literal blocks; and every
// value reads back (with yaml-cpp, the reader the config loader uses) as exactly what was written,
// checked on a table of awkward values and on random documents.
#include "configcode/YamlDocument.h"
#include "configcode/YamlText.h"

#include <QtTest>

#include <random>

using namespace gatehouse;

namespace {

// Read back the way the configuration's reader does (YamlDocument: yaml-cpp, YAML 1.2 core scalars).
Json readBack(const std::string& yaml)
{
    return readYamlDocument(yaml).value;
}

std::string randomText(std::mt19937& random)
{
    static const std::vector<std::string> pieces{"a", "Z", "_", "-", ".", "/", "@", " ", ":", "#", "'", "\"", "\\", "\n", "\t", "{",
        "}", "[", "]", ",", "&", "*", "!", "|", ">", "%", "?", "0", "7", "é", "日本", "😀", "true", "null", "1.5", "yes", "\x01"};
    std::string text;
    const auto length = random() % 8;
    for (unsigned i = 0; i < length; ++i)
        text += pieces[random() % pieces.size()];
    return text;
}

Json randomValue(std::mt19937& random, int depth)
{
    switch (random() % (depth > 3 ? 5 : 7)) {
    case 0: return nullptr;
    case 1: return random() % 2 == 0;
    case 2: return static_cast<int64_t>(random() % 2000) - 1000;
    case 3: return static_cast<double>(static_cast<int>(random() % 20000) - 10000) / 64.0;
    case 4: return randomText(random);
    case 5: {
        Json object = Json::object();
        const auto members = random() % 4;
        for (unsigned i = 0; i < members; ++i)
            object[randomText(random)] = randomValue(random, depth + 1);
        return object;
    }
    default: {
        Json array = Json::array();
        const auto items = random() % 4;
        for (unsigned i = 0; i < items; ++i)
            array.push_back(randomValue(random, depth + 1));
        return array;
    }
    }
}

} // namespace

class YamlTextTest : public QObject {
    Q_OBJECT

private slots:
    void writesBlockYaml()
    {
        const auto document = Json::parse(R"({"name": "gpt-4o", "deployments": [{"provider": "openai", "weight": 2},
            {"provider": "azure", "weight": 1.5}], "limits": {}, "tags": [], "note": null, "enabled": true})");
        QCOMPARE(QString::fromStdString(yamlText(document)), QStringLiteral(
            "name: gpt-4o\n"
            "deployments:\n"
            "- provider: openai\n"
            "  weight: 2\n"
            "- provider: azure\n"
            "  weight: 1.5\n"
            "limits: {}\n"
            "tags: []\n"
            "note: null\n"
            "enabled: true\n"));
    }

    void quotesWhatAReaderWouldTakeForSomethingElse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("written");
        QTest::newRow("identifier") << "gpt-4o-mini" << "gpt-4o-mini";
        QTest::newRow("path-like") << "openai/gpt-4o" << "openai/gpt-4o";
        QTest::newRow("boolean word") << "true" << "\"true\"";
        QTest::newRow("yes in capitals") << "YES" << "\"YES\"";
        QTest::newRow("null word") << "null" << "\"null\"";
        QTest::newRow("number") << "1.0" << "\"1.0\"";
        QTest::newRow("date") << "2024-01-01" << "\"2024-01-01\"";
        QTest::newRow("leading zero") << "007" << "\"007\"";
        QTest::newRow("empty") << "" << "\"\"";
        QTest::newRow("colon") << "a: b" << "\"a: b\"";
        QTest::newRow("env reference") << "env:OPENAI_API_KEY" << "\"env:OPENAI_API_KEY\"";
        QTest::newRow("quote and backslash") << "say \"hi\" \\o/" << "\"say \\\"hi\\\" \\\\o/\"";
        QTest::newRow("control character") << QString("bell\x07") << "\"bell\\x07\"";
        QTest::newRow("unicode") << "café" << "\"café\"";
        QTest::newRow("multi-line") << "line one\nline two" << "|-\n  line one\n  line two";
        QTest::newRow("multi-line, final newline") << "a\nb\n" << "|\n  a\n  b";
        QTest::newRow("leading space in a line") << "a\n  b" << "\"a\\n  b\"";
        QTest::newRow("tab") << "a\tb\nc" << "\"a\\tb\\nc\"";
    }

    void quotesWhatAReaderWouldTakeForSomethingElse()
    {
        QFETCH(QString, text);
        QFETCH(QString, written);
        const Json document{{"value", text.toStdString()}};
        const auto yaml = yamlText(document);
        QCOMPARE(QString::fromStdString(yaml), "value: " + written + "\n");
        QCOMPARE(readBack(yaml), document);
    }

    void numbersReadBackAsTheirType()
    {
        const auto document = Json::parse(R"({"int": 3, "negative": -12, "big": 9007199254740993, "double": 0.1, "whole_double": 2.0, "tiny": 1e-9})");
        const auto yaml = yamlText(document);
        QVERIFY2(yaml.find("double: 0.1\n") != std::string::npos, yaml.c_str());
        QVERIFY2(yaml.find("whole_double: 2.0\n") != std::string::npos, yaml.c_str());
        const auto back = readBack(yaml);
        QCOMPARE(back, document);
        QVERIFY(back["whole_double"].is_number_float());
        QVERIFY(back["int"].is_number_integer());
    }

    void nestedSequencesAndKeysThatNeedQuotes()
    {
        const auto document = Json::parse(R"({"matrix": [[1, 2], [], [{"a": {"b": ["x"]}}]], "odd key: yes": {"": 1}})");
        const auto yaml = yamlText(document);
        QCOMPARE(readBack(yaml), document);
        QCOMPARE(yamlText(readBack(yaml)), yaml); // and writes the same bytes again
    }

    void randomDocumentsReadBackExactly()
    {
        std::mt19937 random(20261205);
        for (int i = 0; i < 2000; ++i) {
            Json document = Json::object();
            const auto members = 1 + random() % 5;
            for (unsigned m = 0; m < members; ++m)
                document[randomText(random)] = randomValue(random, 0);
            const auto yaml = yamlText(document);
            Json back;
            try {
                back = readBack(yaml);
            } catch (const YamlReadError& error) {
                QFAIL(qPrintable(QString("unreadable YAML (%1):\n%2\nfrom %3").arg(error.what(), QString::fromStdString(yaml),
                    QString::fromStdString(document.dump()))));
            }
            QVERIFY2(back == document, qPrintable(QString("%1\nread back as %2\nfrom %3").arg(QString::fromStdString(yaml),
                                           QString::fromStdString(back.dump()), QString::fromStdString(document.dump()))));
            QCOMPARE(yamlText(back), yaml);
        }
    }
};

QTEST_APPLESS_MAIN(YamlTextTest)
#include "YamlTextTest.moc"
