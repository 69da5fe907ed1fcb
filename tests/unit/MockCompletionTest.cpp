// MockCompletion: valid OpenAI shapes, deterministic text, stream events that add up to the text.
#include "mock/MockCompletion.h"
#include "openai/UsageScanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace gatehouse;

class MockCompletionTest : public QObject {
    Q_OBJECT

private slots:
    void completionIsAValidChatCompletion()
    {
        const MockCompletion completion("m-1", "chatcmpl-1", 400);
        const auto json = QJsonDocument::fromJson(QByteArray::fromStdString(completion.completionJson())).object();
        QCOMPARE(json["object"].toString(), QString("chat.completion"));
        QCOMPARE(json["model"].toString(), QString("m-1"));
        const auto message = json["choices"].toArray()[0].toObject()["message"].toObject();
        QCOMPARE(message["content"].toString(), QString::fromUtf8(MockCompletion::text().data(), MockCompletion::text().size()));
        QCOMPARE(json["usage"].toObject()["prompt_tokens"].toInt(), 100);
        QVERIFY(json["usage"].toObject()["completion_tokens"].toInt() > 0);
        QVERIFY(completion.completionJson().size() > 1000);
    }

    void streamEventsCarryTheTextAndEndWithUsageAndDone_data()
    {
        QTest::addColumn<int>("chunks");
        QTest::newRow("one") << 1;
        QTest::newRow("eight") << 8;
        QTest::newRow("more than words") << 500;
    }

    void streamEventsCarryTheTextAndEndWithUsageAndDone()
    {
        QFETCH(int, chunks);
        const MockCompletion completion("m", "id", 40);
        const auto events = completion.streamEvents(chunks);
        QCOMPARE(int(events.size()), chunks + 2);
        QString text;
        UsageScanner usage;
        for (std::size_t i = 0; i + 1 < events.size(); ++i) {
            QVERIFY(events[i].starts_with("data: ") && events[i].ends_with("\n\n"));
            usage.feed(events[i]);
            const auto json = QJsonDocument::fromJson(QByteArray::fromStdString(events[i].substr(6))).object();
            QCOMPARE(json["object"].toString(), QString("chat.completion.chunk"));
            text += json["choices"].toArray()[0].toObject()["delta"].toObject()["content"].toString();
        }
        QCOMPARE(text, QString::fromUtf8(MockCompletion::text().data(), MockCompletion::text().size()));
        QCOMPARE(events.back(), std::string("data: [DONE]\n\n"));
        QVERIFY(usage.usage());
        QCOMPARE(usage.usage()->completionTokens, completion.usage().completionTokens);
    }
};

QTEST_GUILESS_MAIN(MockCompletionTest)
#include "MockCompletionTest.moc"
