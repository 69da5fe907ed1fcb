// Log lines: with log.json every line is one valid JSON object, whatever the message holds.
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

QTEST_GUILESS_MAIN(LoggingTest)
#include "LoggingTest.moc"
