// CurlCommand ("Copy as curl"): shell quoting (checked by a real shell), the commands built for
// captured and missing bodies, each endpoint's minimal body, and no key ever in a command.
#include "CurlCommand.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

namespace {

const QString kBase = QStringLiteral("http://127.0.0.1:8088");

QJsonObject chatCall(const QJsonValue& payload)
{
    QJsonObject call{{"request_id", "req_1"}, {"endpoint", "/v1/chat/completions"}, {"model", "gpt-4o"}, {"stream", false},
        {"key_prefix", "gk-AbCdEf1"}};
    call.insert(QStringLiteral("payload"), payload);
    return call;
}

QJsonObject captured(const QString& request, bool truncated = false)
{
    return {{"request_headers", "content-type: application/json\nuser-agent: test"}, {"request", request},
        {"request_truncated", truncated}, {"response_status", 200}, {"response", "{}"}, {"response_truncated", false}};
}

bool haveShell()
{
    return QFile::exists(QStringLiteral("/bin/sh"));
}

// Runs `script` in sh with GATEHOUSE_API_KEY set, where `curl` is a function that prints each of
// its arguments followed by a NUL: what curl would have been given.
QStringList argumentsCurlGets(const QString& script)
{
    QProcess shell;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("GATEHOUSE_API_KEY"), QStringLiteral("gk-the-secret"));
    shell.setProcessEnvironment(environment);
    const QString prelude = QStringLiteral("curl() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }\n");
    shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), prelude + script});
    if (!shell.waitForFinished(10000) || shell.exitCode() != 0)
        return {QStringLiteral("<sh failed: %1>").arg(QString::fromUtf8(shell.readAllStandardError()))};
    QStringList arguments = QString::fromUtf8(shell.readAllStandardOutput()).split(QChar(0));
    arguments.removeLast(); // after the last NUL
    return arguments;
}

} // namespace

class CurlCommandTest : public QObject {
    Q_OBJECT

private slots:
    void shellWord_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("word");

        QTest::newRow("plain") << "abc" << "abc";
        QTest::newRow("url") << "http://127.0.0.1:8088/v1/chat/completions" << "http://127.0.0.1:8088/v1/chat/completions";
        QTest::newRow("empty") << "" << "''";
        QTest::newRow("space") << "a b" << "'a b'";
        QTest::newRow("single quote") << "it's" << "'it'\\''s'";
        QTest::newRow("only quotes") << "''" << "''\\'''\\'''";
        QTest::newRow("dollar") << "$HOME" << "'$HOME'";
        QTest::newRow("backslash and backtick") << "a\\b`c`" << "'a\\b`c`'";
        QTest::newRow("query") << "http://h/v1/x?a=1&b=2" << "'http://h/v1/x?a=1&b=2'";
        QTest::newRow("unicode") << QStringLiteral("héllo 🙂 日本") << QStringLiteral("'héllo 🙂 日本'");
        QTest::newRow("newline") << "a\nb" << "'a\nb'";
    }

    void shellWord()
    {
        QFETCH(QString, text);
        QFETCH(QString, word);
        QCOMPARE(CurlCommand::shellWord(text), word);
    }

    void shellWordsReadBackThroughARealShell_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("json") << QStringLiteral("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        QTest::newRow("quotes") << QStringLiteral("it's 'quoted' and \"double\"");
        QTest::newRow("shell syntax") << QStringLiteral("$(rm -rf /) `id` ${HOME} ; | & > < * ? ~ ! #");
        QTest::newRow("unicode") << QStringLiteral("naïve 🙂 日本語 \\u00e9");
        QTest::newRow("newlines and tabs") << QStringLiteral("line 1\nline 2\n\tindented\n");
        QTest::newRow("backslashes") << QStringLiteral("C:\\path\\n \\' \\\\");
    }

    void shellWordsReadBackThroughARealShell()
    {
        QFETCH(QString, text);
        if (!haveShell())
            QSKIP("no /bin/sh");
        QCOMPARE(argumentsCurlGets(QStringLiteral("curl ") + CurlCommand::shellWord(text)), QStringList{text});
    }

    void theCommandSendsTheCapturedBodyWithTheKeyFromTheEnvironment_data()
    {
        QTest::addColumn<QString>("body");
        QTest::newRow("plain") << QStringLiteral("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        QTest::newRow("quotes and unicode")
            << QStringLiteral("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"It's « fine » — 🙂, isn't it?\"}]}");
        QTest::newRow("pretty, with a dollar") << QStringLiteral("{\n  \"model\": \"gpt-4o\",\n  \"input\": \"$5 and `ls`\"\n}");
    }

    void theCommandSendsTheCapturedBodyWithTheKeyFromTheEnvironment()
    {
        QFETCH(QString, body);
        if (!haveShell())
            QSKIP("no /bin/sh");
        const auto result = CurlCommand::build(kBase, chatCall(captured(body)));
        QVERIFY2(result.note.isEmpty(), qPrintable(result.note));
        QCOMPARE(argumentsCurlGets(result.command),
            (QStringList{kBase + "/v1/chat/completions", "-H", "Authorization: Bearer gk-the-secret", "-H", "Content-Type: application/json",
                "-d", body}));
    }

    void commands_data()
    {
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<QJsonObject>("call");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("noteHas");

        const QString chatBody = QStringLiteral("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        const QString minimalChat = QStringLiteral("'{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'");
        const QString head = QStringLiteral("curl http://127.0.0.1:8088/v1/chat/completions \\\n"
                                            "  -H \"Authorization: Bearer $GATEHOUSE_API_KEY\" \\\n"
                                            "  -H 'Content-Type: application/json' \\\n"
                                            "  -d ");

        QTest::newRow("captured") << kBase << chatCall(captured(chatBody)) << head + "'" + chatBody + "'" << "";
        QTest::newRow("capture off") << kBase << chatCall(QJsonValue::Null) << head + minimalChat << "Payload capture is off";
        QTest::newRow("body cut") << kBase << chatCall(captured(chatBody.left(20), true)) << head + minimalChat << "cut at capture.max_bytes";
        QTest::newRow("empty body") << kBase << chatCall(captured(QString())) << head + minimalChat << "had no body";
        QJsonObject unknown = chatCall(QJsonValue::Null);
        unknown.remove(QStringLiteral("payload"));
        QTest::newRow("payload not read") << kBase << unknown << head + minimalChat << "could not be read";
        QTest::newRow("redacted") << kBase << chatCall(captured(QStringLiteral("{\"key\":\"[REDACTED]\"}")))
                                  << head + "'{\"key\":\"[REDACTED]\"}'" << "redacted";
        QTest::newRow("trailing slash, wildcard address") << QStringLiteral("http://0.0.0.0:8088/") << chatCall(captured(chatBody))
                                                          << head + "'" + chatBody + "'" << "";

        QJsonObject stream = chatCall(captured(chatBody));
        stream.insert(QStringLiteral("stream"), true);
        QString streamed = head + "'" + chatBody + "'";
        streamed.replace(QStringLiteral("curl http"), QStringLiteral("curl -N http"));
        QTest::newRow("stream") << kBase << stream << streamed << "";

        QJsonObject messages = chatCall(QJsonValue::Null);
        messages.insert(QStringLiteral("endpoint"), QStringLiteral("/v1/messages"));
        messages.insert(QStringLiteral("model"), QStringLiteral("claude-sonnet"));
        QTest::newRow("messages, minimal")
            << kBase << messages
            << QStringLiteral("curl http://127.0.0.1:8088/v1/messages \\\n  -H \"Authorization: Bearer $GATEHOUSE_API_KEY\" \\\n"
                              "  -H 'Content-Type: application/json' \\\n"
                              "  -d '{\"model\":\"claude-sonnet\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'")
            << "Payload capture is off";

        QJsonObject models = chatCall(QJsonValue::Null);
        models.insert(QStringLiteral("endpoint"), QStringLiteral("/v1/models"));
        QTest::newRow("models: a GET without a body")
            << kBase << models << QStringLiteral("curl http://127.0.0.1:8088/v1/models \\\n  -H \"Authorization: Bearer $GATEHOUSE_API_KEY\"") << "";
    }

    void commands()
    {
        QFETCH(QString, baseUrl);
        QFETCH(QJsonObject, call);
        QFETCH(QString, command);
        QFETCH(QString, noteHas);
        const auto result = CurlCommand::build(baseUrl, call);
        QCOMPARE(result.command, command);
        if (noteHas.isEmpty())
            QVERIFY2(result.note.isEmpty(), qPrintable(result.note));
        else
            QVERIFY2(result.note.contains(noteHas), qPrintable(result.note));
    }

    void minimalBody_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("body");
        QTest::newRow("chat") << "/v1/chat/completions" << "m" << "{\"messages\":[{\"content\":\"Hello\",\"role\":\"user\"}],\"model\":\"m\"}";
        QTest::newRow("embeddings") << "/v1/embeddings" << "e" << "{\"input\":\"Hello\",\"model\":\"e\"}";
        QTest::newRow("other") << "/v1/other" << "o" << "{\"model\":\"o\"}";
        // A model name is JSON-escaped and, in the command, shell-quoted.
        QTest::newRow("odd model name") << "/v1/other" << "it's \"q\" 🙂" << "{\"model\":\"it's \\\"q\\\" 🙂\"}";
    }

    void minimalBody()
    {
        QFETCH(QString, endpoint);
        QFETCH(QString, model);
        QFETCH(QString, body);
        // Compared as JSON: QJsonObject orders its keys.
        QCOMPARE(QJsonDocument::fromJson(CurlCommand::minimalBody(endpoint, model).toUtf8()), QJsonDocument::fromJson(body.toUtf8()));
        QCOMPARE(QJsonDocument::fromJson(CurlCommand::minimalBody(endpoint, model).toUtf8()).object().value("model").toString(), model);
    }

    void noKeyEverGetsIntoTheCommand()
    {
        // Capture never keeps Authorization, but a command must not depend on that: headers are never copied.
        QJsonObject payload = captured(QStringLiteral("{\"model\":\"gpt-4o\"}"));
        payload.insert(QStringLiteral("request_headers"), QStringLiteral("authorization: Bearer gk-live-secret\nx-api-key: sk-live-secret"));
        const auto result = CurlCommand::build(kBase, chatCall(payload));
        QVERIFY(!result.command.contains(QStringLiteral("live-secret")));
        QVERIFY(!result.command.contains(QStringLiteral("gk-AbCdEf1"))); // nor the key's prefix
        QVERIFY(result.command.contains(QStringLiteral("\"Authorization: Bearer $GATEHOUSE_API_KEY\"")));
        QVERIFY(!result.command.contains(QStringLiteral("x-api-key")));
    }

    void forCallGivesQmlTheCommandAndTheNote()
    {
        QVariantMap call = chatCall(QJsonValue::Null).toVariantMap();
        const QVariantMap result = CurlCommand().forCall(kBase, call);
        QVERIFY(result.value("command").toString().startsWith(QStringLiteral("curl http://127.0.0.1:8088/v1/chat/completions")));
        QVERIFY(result.value("note").toString().contains(QStringLiteral("Payload capture is off")));
    }
};

QTEST_GUILESS_MAIN(CurlCommandTest)
#include "CurlCommandTest.moc"
