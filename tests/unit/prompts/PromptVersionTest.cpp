// A prompt version as an admin submits it: read and checked with errors naming the field, written
// back as the same JSON; labels' splits checked against the versions there are; the version a call
// gets: by weight with injected randomness, and sticky per user id.
#include "ScriptedRandom.h"
#include "prompts/PromptVersion.h"

#include <QtTest>

#include <map>

using namespace gatehouse;

namespace {

const char* kVersion = R"({"model": "gpt-4o",
    "messages": [{"role": "system", "content": "You summarise {{topic}} for {{audience}}."},
                 {"role": "user", "content": "{{text}}"}],
    "variables": [{"name": "topic", "type": "string"},
                  {"name": "audience", "required": false, "default": "engineers"},
                  {"name": "text", "description": "what to summarise"}],
    "parameters": {"temperature": 0.2, "max_tokens": 300},
    "overridable": ["temperature"],
    "note": "first cut"})";

Prompt promptWithVersions(int count)
{
    Prompt prompt;
    prompt.name = "summarise";
    for (int i = 1; i <= count; ++i) {
        auto version = readPromptVersion(Json::parse(kVersion));
        version.version = i;
        prompt.versions.push_back(version);
    }
    return prompt;
}

// The field and code of the refusal of `body`, "(accepted)" when it is not refused.
QString refusalOf(const Json& body)
{
    try {
        readPromptVersion(body);
    } catch (const PromptDefinitionError& error) {
        return QString::fromStdString(error.field + " " + error.code);
    }
    return QStringLiteral("(accepted)");
}

} // namespace

class PromptVersionTest : public QObject {
    Q_OBJECT

private slots:
    void aVersionReadsAndWritesTheSameJson()
    {
        auto version = readPromptVersion(Json::parse(kVersion));
        QCOMPARE(version.model, std::string("gpt-4o"));
        QCOMPARE(version.messages.size(), std::size_t(2));
        QCOMPARE(version.variables.size(), std::size_t(3));
        QVERIFY(!version.variables[1].required);
        QCOMPARE(version.variables[1].defaultValue->get<std::string>(), std::string("engineers"));
        QCOMPARE(version.parameters["temperature"].get<double>(), 0.2);
        QCOMPARE(version.overridable, std::vector<std::string>{"temperature"});
        version.version = 4;
        auto json = toJson(version);
        QCOMPARE(json["version"].get<int64_t>(), int64_t(4));
        for (const auto* added : {"version", "created_at_ms", "created_by"})
            json.erase(added);
        // Read back from its own JSON it is the same version.
        QCOMPARE(toJson(readPromptVersion(json)).dump(), [&] {
            auto again = toJson(version);
            again["version"] = 0;
            return again.dump();
        }());
    }

    void badVersionsNameTheirField_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("refusal");
        QTest::newRow("not an object") << "[]" << "body invalid_value";
        QTest::newRow("no model") << R"({"messages": [{"role": "user", "content": "hi"}]})" << "model invalid_value";
        QTest::newRow("no messages") << R"({"model": "m", "messages": []})" << "messages invalid_value";
        QTest::newRow("message without content") << R"({"model": "m", "messages": [{"role": "user"}]})" << "messages[0].content invalid_value";
        QTest::newRow("unknown field") << R"({"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 1})"
                                       << "temperature unknown_field";
        QTest::newRow("unknown parameter") << R"({"model": "m", "messages": [{"role": "user", "content": "hi"}], "parameters": {"n": 2}})"
                                           << "parameters.n unknown_field";
        QTest::newRow("overridable not a parameter")
            << R"({"model": "m", "messages": [{"role": "user", "content": "hi"}], "overridable": ["model"]})" << "overridable[0] invalid_value";
        QTest::newRow("bad type") << R"({"model": "m", "messages": [{"role": "user", "content": "{{x}}"}], "variables": [{"name": "x", "type": "date"}]})"
                                  << "variables[0].type invalid_value";
        QTest::newRow("undeclared placeholder") << R"({"model": "m", "messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": "{{who}}"}]})"
                                                << "messages[1].content undeclared_variable";
        QTest::newRow("bad role") << R"({"model": "m", "messages": [{"role": "tool", "content": "hi"}]})" << "messages invalid_template";
        QTest::newRow("fine") << R"({"model": "m", "messages": [{"role": "user", "content": "hi"}]})" << "(accepted)";
    }

    void badVersionsNameTheirField()
    {
        QFETCH(QString, body);
        QFETCH(QString, refusal);
        QCOMPARE(refusalOf(Json::parse(body.toStdString())), refusal);
    }

    void namesOfPromptsAndLabels()
    {
        QVERIFY(!promptNameProblem("summarise"));
        QVERIFY(!promptNameProblem("v2.support-bot_1"));
        QVERIFY(promptNameProblem(""));
        QVERIFY(promptNameProblem("-leading"));
        QVERIFY(promptNameProblem("Upper"));
        QVERIFY(promptNameProblem("has/slash"));
        QVERIFY(promptNameProblem(std::string(65, 'a')));
    }

    void splitsAreCheckedAgainstTheVersions()
    {
        const auto prompt = promptWithVersions(3);
        const auto split = readPromptSplit(Json::parse(R"([{"version": 1, "weight": 90}, {"version": 3}])"), prompt);
        QCOMPARE(split.size(), std::size_t(2));
        QCOMPARE(split[1].weight, int64_t(1)); // the default
        const auto refusal = [&](const char* text) {
            try {
                readPromptSplit(Json::parse(text), prompt);
            } catch (const PromptDefinitionError& error) {
                return error.field + " " + error.code;
            }
            return std::string("(accepted)");
        };
        QCOMPARE(refusal("[]"), std::string("split invalid_value"));
        QCOMPARE(refusal(R"([{"version": 4}])"), std::string("split[0].version not_found"));
        QCOMPARE(refusal(R"([{"version": 1}, {"version": 1}])"), std::string("split[1].version invalid_value"));
        QCOMPARE(refusal(R"([{"version": 1, "weight": 0}])"), std::string("split[0].weight invalid_value"));
        QCOMPARE(refusal(R"([{"version": "1"}])"), std::string("split[0].version invalid_value"));
    }

    void theSplitFollowsTheWeights()
    {
        const auto prompt = promptWithVersions(2);
        const PromptLabel label{"production", {{1, 90}, {2, 10}}, 0};
        // Injected draws: below 0.9 is version 1, from 0.9 on version 2.
        ScriptedRandom scripted({0.0, 0.5, 0.8999, 0.9, 0.95, 0.99999});
        std::vector<int64_t> picked;
        for (int i = 0; i < 6; ++i)
            picked.push_back(pickPromptVersion(prompt, label, "", scripted));
        QCOMPARE(picked, (std::vector<int64_t>{1, 1, 1, 2, 2, 2}));

        // Over many seeded draws the shares come close to the weights.
        SeededRandom random(42);
        std::map<int64_t, int> counts;
        for (int i = 0; i < 10000; ++i)
            ++counts[pickPromptVersion(prompt, label, "", random)];
        QVERIFY2(counts[2] > 850 && counts[2] < 1150, qPrintable(QString::number(counts[2])));
        QCOMPARE(counts[1] + counts[2], 10000);
    }

    void aUserKeepsTheirVersion()
    {
        const auto prompt = promptWithVersions(2);
        const PromptLabel label{"production", {{1, 50}, {2, 50}}, 0};
        ScriptedRandom never({0.0}); // a user's pick must not depend on the draws
        std::map<int64_t, int> users;
        for (int user = 0; user < 2000; ++user) {
            const auto id = "user-" + std::to_string(user);
            const auto first = pickPromptVersion(prompt, label, id, never);
            for (int again = 0; again < 3; ++again)
                QCOMPARE(pickPromptVersion(prompt, label, id, never), first);
            ++users[first];
        }
        // Users still spread over both versions by weight.
        QVERIFY2(users[1] > 850 && users[2] > 850, qPrintable(QString("%1 / %2").arg(users[1]).arg(users[2])));
        // One version alone: everyone gets it.
        const PromptLabel single{"staging", {{2, 1}}, 0};
        QCOMPARE(pickPromptVersion(prompt, single, "user-1", never), int64_t(2));
    }
};

QTEST_APPLESS_MAIN(PromptVersionTest)
#include "PromptVersionTest.moc"
