// `gatehouse serve` as a process: the first-run setup with its developer key shown once, and
// SIGTERM draining in-flight requests and writing every call record before exit.
#include "TemporaryDataDirectory.h"
#include "TestHttpClient.h"
#include "store/Database.h"

#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <thread>

using namespace gatehouse;

namespace {

// Reads the process's stdout until `pattern` matches, waiting on readyRead (no sleeps).
QRegularExpressionMatch waitForLine(QProcess& process, QByteArray& seen, const QRegularExpression& pattern, int timeoutMs = 15000)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const auto match = pattern.match(QString::fromUtf8(seen));
        if (match.hasMatch() || timer.elapsed() > timeoutMs || process.state() == QProcess::NotRunning)
            return match;
        if (process.waitForReadyRead(100))
            seen += process.readAllStandardOutput();
    }
}

int countMatches(const QByteArray& text, const QString& needle)
{
    return QString::fromUtf8(text).count(needle);
}

class ServeProcess {
public:
    ServeProcess(const std::string& dataDirectory, const QString& configPath = {})
    {
        QStringList arguments{"serve", "--data", QString::fromStdString(dataDirectory), "--listen", "127.0.0.1:0"};
        if (!configPath.isEmpty())
            arguments << "--config" << configPath;
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(GATEHOUSE_BINARY, arguments);
    }

    ~ServeProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    uint16_t waitForPort()
    {
        const auto match = waitForLine(m_process, m_output, QRegularExpression("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        return match.hasMatch() ? static_cast<uint16_t>(match.captured(1).toUInt()) : 0;
    }

    QProcess& process() { return m_process; }
    QByteArray& output() { return m_output; }

private:
    QProcess m_process;
    QByteArray m_output;
};

} // namespace

class ServeProcessTest : public QObject {
    Q_OBJECT

private slots:
    void firstRunCreatesADeveloperKeyShownOnce();
    void sigtermDrainsInFlightRequestsAndFlushesRecords();
    void aBadConfigFailsWithAClearMessage();
};

void ServeProcessTest::firstRunCreatesADeveloperKeyShownOnce()
{
    TemporaryDataDirectory dir;
    QByteArray firstOutput;
    {
        ServeProcess serve(dir.path());
        const auto port = serve.waitForPort();
        QVERIFY2(port != 0, serve.output().constData());
        const auto key = waitForLine(serve.process(), serve.output(), QRegularExpression("\\b(gk-[0-9A-Za-z]{40})\\b"));
        QVERIFY2(key.hasMatch(), serve.output().constData());
        TestHttpClient client(port);
        const auto response = client.postJson("/v1/chat/completions",
            R"({"model":"mock-chat","messages":[{"role":"user","content":"hi"}]})", key.captured(1).toStdString());
        QCOMPARE(response.status, 200);
        serve.process().terminate();
        QVERIFY(serve.process().waitForFinished(15000));
        QCOMPARE(serve.process().exitCode(), 0);
        firstOutput = serve.output() + serve.process().readAllStandardOutput();
    }
    QCOMPARE(countMatches(firstOutput, "Created a developer API key"), 1);

    ServeProcess again(dir.path());
    QVERIFY(again.waitForPort() != 0);
    again.process().terminate();
    QVERIFY(again.process().waitForFinished(15000));
    const auto secondOutput = again.output() + again.process().readAllStandardOutput();
    QCOMPARE(countMatches(secondOutput, "Created a developer API key"), 0);
}

void ServeProcessTest::sigtermDrainsInFlightRequestsAndFlushesRecords()
{
    TemporaryDataDirectory dir;
    const QString configPath = QString::fromStdString(dir.path()) + "/gatehouse.yaml";
    QFile config(configPath);
    QVERIFY(config.open(QIODevice::WriteOnly));
    // Slow answers keep requests in flight; debug logging announces each one as it starts.
    config.write("log:\n  level: debug\n"
                 "providers:\n  - name: slow\n    kind: mock\n    latency_ms: 700\n"
                 "models:\n  - name: slow-chat\n    deployments:\n      - provider: slow\n        model: s\n");
    config.close();

    ServeProcess serve(dir.path(), configPath);
    const auto port = serve.waitForPort();
    QVERIFY2(port != 0, serve.output().constData());
    const auto key = waitForLine(serve.process(), serve.output(), QRegularExpression("\\b(gk-[0-9A-Za-z]{40})\\b"));
    QVERIFY(key.hasMatch());

    constexpr int kRequests = 12;
    std::atomic<int> succeeded{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < kRequests; ++i) {
        clients.emplace_back([&, i] {
            TestHttpClient client(port);
            const auto response = client.postJson("/v1/chat/completions",
                R"({"model":"slow-chat","stream":)" + std::string(i % 2 ? "true" : "false") + R"(,"messages":[{"role":"user","content":"hi"}]})",
                key.captured(1).toStdString());
            succeeded += response.status == 200 && !response.body.empty();
        });
    }
    // Every request has reached the gateway before the signal is sent.
    QElapsedTimer timer;
    timer.start();
    while (countMatches(serve.output(), "/v1/chat/completions started") < kRequests && timer.elapsed() < 15000) {
        if (serve.process().waitForReadyRead(100))
            serve.output() += serve.process().readAllStandardOutput();
    }
    QCOMPARE(countMatches(serve.output(), "/v1/chat/completions started"), kRequests);
    serve.process().terminate();
    for (auto& client : clients)
        client.join();
    QVERIFY(serve.process().waitForFinished(15000));
    QCOMPARE(serve.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.process().exitCode(), 0);
    QCOMPARE(succeeded.load(), kRequests);

    Database db(dir.databasePath());
    auto query = db.prepare("SELECT count(*) FROM calls WHERE status = 200 AND model = 'slow-chat'");
    QVERIFY(query.step());
    QCOMPARE(query.columnInt(0), int64_t(kRequests));
}

void ServeProcessTest::aBadConfigFailsWithAClearMessage()
{
    TemporaryDataDirectory dir;
    const QString configPath = QString::fromStdString(dir.path()) + "/bad.yaml";
    QFile config(configPath);
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("providers:\n  - name: p\n    kind: openai-compatible\n    base_url: http://127.0.0.1:1/v1\n    api_key: env:GATEHOUSE_TEST_UNSET_VARIABLE\n");
    config.close();
    QProcess process;
    process.start(GATEHOUSE_BINARY, {"serve", "--data", QString::fromStdString(dir.path()), "--config", configPath});
    QVERIFY(process.waitForFinished(15000));
    QCOMPARE(process.exitCode(), 1);
    const auto error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains("bad.yaml:5: providers[0].api_key: environment variable GATEHOUSE_TEST_UNSET_VARIABLE is not set"), qPrintable(error));
}

QTEST_GUILESS_MAIN(ServeProcessTest)
#include "ServeProcessTest.moc"
