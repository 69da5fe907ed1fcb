// SseParser: events split anywhere across reads, CRLF and LF line ends, comments, multi-line data.
#include "sse/SseParser.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const std::string kStream = "event: message_start\r\ndata: {\"a\":1}\r\n\r\n"
                            ": keep-alive comment\n\n"
                            "data: first line\ndata: second line\n\n"
                            "event: ping\ndata:{}\n\n"
                            "data: [DONE]\n\n";

std::vector<SseEvent> parseInPieces(const std::string& text, std::size_t pieceSize)
{
    SseParser parser;
    std::vector<SseEvent> events;
    for (std::size_t i = 0; i < text.size(); i += pieceSize) {
        auto got = parser.feed(std::string_view(text).substr(i, pieceSize));
        events.insert(events.end(), got.begin(), got.end());
    }
    return events;
}

} // namespace

class SseParserTest : public QObject {
    Q_OBJECT
private slots:
    void readsEventsWhateverTheReadSize_data()
    {
        QTest::addColumn<int>("pieceSize");
        for (const int size : {1, 2, 3, 7, 16, 1000})
            QTest::newRow(std::to_string(size).c_str()) << size;
    }

    void readsEventsWhateverTheReadSize()
    {
        QFETCH(int, pieceSize);
        const auto events = parseInPieces(kStream, static_cast<std::size_t>(pieceSize));
        QCOMPARE(events.size(), std::size_t(4));
        QCOMPARE(events[0].event, std::string("message_start"));
        QCOMPARE(events[0].data, std::string("{\"a\":1}"));
        QCOMPARE(events[1].event, std::string());
        QCOMPARE(events[1].data, std::string("first line\nsecond line"));
        QCOMPARE(events[2].event, std::string("ping"));
        QCOMPARE(events[2].data, std::string("{}"));
        QCOMPARE(events[3].data, std::string("[DONE]"));
    }

    void keepsAnUnfinishedEventUntilItEnds()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: {\"partial\":").empty());
        QVERIFY(parser.hasPartialEvent());
        const auto events = parser.feed("true}\n\n");
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(events[0].data, std::string("{\"partial\":true}"));
        QVERIFY(!parser.hasPartialEvent());
    }

    void formatsEventsForTheWire()
    {
        QCOMPARE(formatSseEvent("ping", "{}"), std::string("event: ping\ndata: {}\n\n"));
        QCOMPARE(formatSseEvent("", "[DONE]"), std::string("data: [DONE]\n\n"));
        const auto events = SseParser().feed(formatSseEvent("message_stop", "{\"type\":\"message_stop\"}"));
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(events[0].event, std::string("message_stop"));
    }
};

QTEST_APPLESS_MAIN(SseParserTest)
#include "SseParserTest.moc"
