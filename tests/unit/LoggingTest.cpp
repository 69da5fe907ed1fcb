// Log lines: with log.json every line is one valid JSON object, whatever the message holds, and a
// line about a request carries its id as a field of its own.
#include "logging/Logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace gatehouse;

class LoggingTest : public QObject {
    Q_OBJECT

private slots:
    void jsonLinesParseWhateverTheMessage();
    void textLinesNameTheComponent();
    void jsonLinesOfARequestCarryItsId();
};

namespace {

QString formatLine(const LogSettings& settings, std::string_view message)
{
    const auto formatter = makeLogFormatter(settings);
    const spdlog::details::log_msg entry("upstream", spdlog::level::warn, message);
    spdlog::memory_buf_t out;
    formatter->format(entry, out);
    return QString::fromUtf8(out.data(), static_cast<int>(out.size())).trimmed();
}

} // namespace

void LoggingTest::jsonLinesParseWhateverTheMessage()
{
    const std::string message = "provider \"x\" said: {\"error\": \"bad\\key\"}\n\ttab";
    const auto line = formatLine({"info", true}, message);
    QJsonParseError error;
    const auto json = QJsonDocument::fromJson(line.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(line));
    QCOMPARE(json["message"].toString(), QString::fromStdString(message));
    QCOMPARE(json["level"].toString(), QString("warning"));
    QCOMPARE(json["component"].toString(), QString("upstream"));
    QVERIFY(!json["time"].toString().isEmpty());
}

void LoggingTest::textLinesNameTheComponent()
{
    const auto line = formatLine({"info", false}, "hello");
    QVERIFY2(line.contains("[upstream] hello"), qPrintable(line));
}

void LoggingTest::jsonLinesOfARequestCarryItsId()
{
    const auto line = formatLine({"info", true}, "req_0123456789abcdef0123: attempt 1 on 'openai/gpt-4o' failed");
    const auto json = QJsonDocument::fromJson(line.toUtf8()).object();
    QCOMPARE(json["request_id"].toString(), QString("req_0123456789abcdef0123"));
    QCOMPARE(json["message"].toString(), QString("req_0123456789abcdef0123: attempt 1 on 'openai/gpt-4o' failed"));
    const auto started = QJsonDocument::fromJson(formatLine({"info", true}, "req_0123456789abcdef0123 POST /v1/chat/completions started").toUtf8()).object();
    QCOMPARE(started["request_id"].toString(), QString("req_0123456789abcdef0123"));
    // Not a request's line: no field (a word that merely starts like an id neither).
    for (const char* message : {"listening on http://127.0.0.1:8088", "req_0123456789abcdef0123xyz", "req_short: x"}) {
        const auto other = QJsonDocument::fromJson(formatLine({"info", true}, message).toUtf8()).object();
        QVERIFY2(!other.isEmpty(), message);
        QVERIFY2(!other.contains("request_id"), message);
    }
}

QTEST_GUILESS_MAIN(LoggingTest)
#include "LoggingTest.moc"
