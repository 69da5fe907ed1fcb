// ContentMeter: the bytes of "content" strings in a whole answer or an SSE stream, however the
// bytes are cut into pieces (keys and escapes split across reads).
#include "openai/ContentMeter.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const std::string kStream = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                            "data: {\"choices\":[{\"delta\":{\"content\":\"Hello, \"}}]}\n\n"
                            "data: {\"choices\":[{\"delta\":{\"content\": \"wor\\\"ld\"}}]}\n\n"
                            "data: {\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[]}}]}\n\n"
                            "data: [DONE]\n\n";
// "Hello, " (7) + `wor\"ld` (7 bytes as written, the escape counted as two) = 14.
constexpr std::size_t kContentBytes = 14;

} // namespace

class ContentMeterTest : public QObject {
    Q_OBJECT
private slots:
    void countsContentWhateverThePieceSize_data()
    {
        QTest::addColumn<int>("pieceSize");
        for (const int size : {1, 2, 3, 5, 9, 10, 11, 64, 100000})
            QTest::newRow(std::to_string(size).c_str()) << size;
    }

    void countsContentWhateverThePieceSize()
    {
        QFETCH(int, pieceSize);
        ContentMeter meter;
        for (std::size_t i = 0; i < kStream.size(); i += static_cast<std::size_t>(pieceSize))
            meter.feed(std::string_view(kStream).substr(i, static_cast<std::size_t>(pieceSize)));
        QCOMPARE(meter.contentBytes(), kContentBytes);
    }

    void countsAWholeCompletion()
    {
        ContentMeter meter;
        meter.feed(R"({"id":"x","choices":[{"message":{"role":"assistant","content":"abcdef"}}],"usage":null})");
        QCOMPARE(meter.contentBytes(), std::size_t(6));
    }

    void countsEscapesOfEveryKindInAnyPieces()
    {
        // a \\ b \n \" c \\ as written: 1+2+1+2+2+1+2 = 11 bytes; the string ends at the quote after
        // the escaped backslash, so the "content" value after it is not part of it.
        const std::string answer = "{\"content\":\"a\\\\b\\n\\\"c\\\\\",\"x\":\"content\",\"content\":\"ok\"}";
        for (std::size_t pieceSize = 1; pieceSize <= answer.size(); ++pieceSize) {
            ContentMeter meter;
            for (std::size_t i = 0; i < answer.size(); i += pieceSize)
                meter.feed(std::string_view(answer).substr(i, pieceSize));
            QCOMPARE(meter.contentBytes(), std::size_t(11 + 2));
        }
    }

    void ignoresOtherStrings()
    {
        ContentMeter meter;
        meter.feed(R"({"model":"content","contents":"xx","text":"content"})");
        QCOMPARE(meter.contentBytes(), std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(ContentMeterTest)
#include "ContentMeterTest.moc"
