// Metadata tags of a call: the x-gatehouse-metadata header's rules, merging with the body's
// metadata (the body wins), and the JSON text the record keeps (bounded, valid UTF-8).
#include "calls/CallTags.h"
#include "json/Json.h"

#include <QtTest>

using namespace gatehouse;

class CallTagsTest : public QObject {
    Q_OBJECT

private slots:
    void aHeaderOfStringsIsRead()
    {
        const auto parsed = parseMetadataHeader("{\"team\":\"search\",\"run\":\"7\"}");
        QVERIFY(std::holds_alternative<MetadataTags>(parsed));
        const auto& tags = std::get<MetadataTags>(parsed);
        QCOMPARE(tags.size(), std::size_t(2));
        QCOMPARE(tags[0], (std::pair<std::string, std::string>{"team", "search"}));
        QCOMPARE(tags[1], (std::pair<std::string, std::string>{"run", "7"}));
    }

    void aBadHeaderIsRefusedNamingTheProblem_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("problem");
        std::string many = "{";
        for (int i = 0; i < 17; ++i)
            many += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
        many += "}";
        QTest::newRow("not JSON") << "team=search" << "is not a JSON object";
        QTest::newRow("an array") << "[\"team\"]" << "is not a JSON object";
        QTest::newRow("a number value") << "{\"run\":7}" << "has a value for 'run' that is not a string";
        QTest::newRow("17 entries") << QString::fromStdString(many) << "has 17 entries; at most 16 are allowed";
        QTest::newRow("a long key") << QString::fromStdString("{\"" + std::string(65, 'k') + "\":\"v\"}")
                                    << "has a key of 65 bytes; keys are 1 to 64 bytes";
        QTest::newRow("an empty key") << "{\"\":\"v\"}" << "has a key of 0 bytes; keys are 1 to 64 bytes";
        QTest::newRow("a long value") << QString::fromStdString("{\"k\":\"" + std::string(513, 'v') + "\"}")
                                      << "has a value for 'k' of 513 bytes; at most 512 are allowed";
    }

    void aBadHeaderIsRefusedNamingTheProblem()
    {
        QFETCH(QString, header);
        QFETCH(QString, problem);
        const auto parsed = parseMetadataHeader(header.toStdString());
        QVERIFY(std::holds_alternative<ApiError>(parsed));
        const auto& error = std::get<ApiError>(parsed);
        QCOMPARE(error.status, 400);
        QCOMPARE(error.param, std::string("x-gatehouse-metadata"));
        QCOMPARE(error.code, std::string("invalid_metadata"));
        QVERIFY2(error.message.find(problem.toStdString()) != std::string::npos, error.message.c_str());
    }

    void theBodysMetadataWinsOverTheHeader()
    {
        MetadataTags tags{{"team", "body"}};
        mergeMetadataTags(tags, {{"team", "header"}, {"env", "prod"}});
        QCOMPARE(tags, (MetadataTags{{"team", "body"}, {"env", "prod"}}));
    }

    void theRecordKeepsTheTagsAsAJsonObject()
    {
        QCOMPARE(metadataTagsJson({}), std::string());
        const auto text = metadataTagsJson({{"team", "a \"quoted\" name"}, {"emoji", "\xF0\x9F\x98\x80"}});
        const auto json = Json::parse(text);
        QCOMPARE(json["team"].get<std::string>(), std::string("a \"quoted\" name"));
        QCOMPARE(json["emoji"].get<std::string>(), std::string("\xF0\x9F\x98\x80"));
    }

    void theRecordKeepsAtMostOpenAisBounds()
    {
        MetadataTags tags;
        for (int i = 0; i < 20; ++i)
            tags.emplace_back("k" + std::to_string(i), "v");
        // 511 ASCII bytes then a 4-byte character: cut before the character, never inside it.
        tags[0].second = std::string(511, 'a') + "\xF0\x9F\x98\x80";
        const auto json = Json::parse(metadataTagsJson(tags)); // throws on invalid UTF-8
        QCOMPARE(json.size(), std::size_t(16));
        QCOMPARE(json["k0"].get<std::string>(), std::string(511, 'a'));
        QVERIFY(!json.contains("k16"));
    }
};

QTEST_APPLESS_MAIN(CallTagsTest)
#include "CallTagsTest.moc"
