// HTTPS upstreams over real TLS on loopback: the gateway in-process in front of a Python fake of
// the OpenAI chat endpoint (tests/support/tls_upstream.py) serving certificates from a throwaway
// CA made with the openssl CLI. Covers a trusted private CA (ca_file), the system store alone, a
// certificate for another host name, keep-alive over TLS, and a ca_file that does not exist.
#include "GatewayServer.h"
#include "TemporaryDataDirectory.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"
#include "auth/ApiKey.h"
#include "store/Database.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace gatehouse;

namespace {

const QString kPython = QStringLiteral(GATEHOUSE_PYTHON3);
const QString kOpenssl = QStringLiteral(GATEHOUSE_OPENSSL);
const QString kFakeScript = QStringLiteral(GATEHOUSE_TLS_UPSTREAM_SCRIPT);

std::string chatBody(const std::string& model)
{
    return R"({"model":")" + model + R"(","messages":[{"role":"user","content":"Hello"}]})";
}

bool writeFile(const QString& path, const QByteArray& text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

// Runs `openssl arguments...` in `directory`; on failure `output` holds what it said.
bool runOpenssl(const QString& directory, const QStringList& arguments, QString& output)
{
    QProcess openssl;
    openssl.setWorkingDirectory(directory);
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(kOpenssl, arguments);
    const bool finished = openssl.waitForFinished(30000);
    output = "openssl " + arguments.join(' ') + ": " + QString::fromLocal8Bit(openssl.readAll());
    if (!finished) {
        openssl.kill();
        openssl.waitForFinished(5000);
        return false;
    }
    return openssl.exitStatus() == QProcess::NormalExit && openssl.exitCode() == 0;
}

// A leaf certificate for `name`, signed by the CA in `directory` (ca.crt, ca.key), with the given
// subjectAltName; writes NAME.crt and NAME.key.
bool makeServerCertificate(const QString& directory, const QString& name, const QString& commonName, const QString& altNames,
    int serial, QString& output)
{
    const auto config = directory + "/" + name + ".cnf";
    const auto extensions = directory + "/" + name + ".ext";
    if (!writeFile(config, "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = " + commonName.toUtf8() + "\n")
        || !writeFile(extensions,
            "basicConstraints = critical,CA:FALSE\n"
            "keyUsage = critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage = serverAuth\n"
            "subjectKeyIdentifier = hash\n"
            "authorityKeyIdentifier = keyid,issuer\n"
            "subjectAltName = "
                + altNames.toUtf8() + "\n")) {
        output = "cannot write the openssl configuration for " + name;
        return false;
    }
    return runOpenssl(directory,
               {"req", "-new", "-config", config, "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                   name + ".key", "-out", name + ".csr"},
               output)
        && runOpenssl(directory,
            {"x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", QString::number(serial), "-days",
                "2", "-extfile", extensions, "-out", name + ".crt"},
            output);
}

// tls_upstream.py as a child process. Its stderr goes to a file with one line per TCP connection
// it accepted, written before the handshake: once the gateway has answered, the count is final.
class FakeTlsUpstream {
public:
    FakeTlsUpstream(const QString& certificate, const QString& key, QString stderrPath)
        : m_stderrPath(std::move(stderrPath))
    {
        m_process.setStandardErrorFile(m_stderrPath);
        // --exit-on-stdin-eof: if this test dies without cleaning up, the fake goes too.
        m_process.start(kPython, {kFakeScript, "--cert", certificate, "--key", key, "--exit-on-stdin-eof"});
    }

    ~FakeTlsUpstream() { stop(); }

    // Waits (bounded, on readyRead) for `listening on https://127.0.0.1:PORT`; 0 if it never came.
    uint16_t waitForPort(int timeoutMs = 15000)
    {
        static const QRegularExpression pattern("listening on https://127\\.0\\.0\\.1:(\\d+)\\n");
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            const auto match = pattern.match(QString::fromUtf8(m_output));
            if (match.hasMatch())
                return static_cast<uint16_t>(match.captured(1).toUInt());
            if (timer.elapsed() > timeoutMs || m_process.state() == QProcess::NotRunning)
                return 0;
            if (m_process.waitForReadyRead(100))
                m_output += m_process.readAllStandardOutput();
        }
    }

    int connections() const { return log().count(QRegularExpression("^connection \\d+ from ", QRegularExpression::MultilineOption)); }

    QString log() const
    {
        QFile file(m_stderrPath);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

    QString describe() const
    {
        return "fake upstream: " + m_process.errorString() + "; stdout: " + QString::fromUtf8(m_output) + "; stderr: " + log();
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.closeWriteChannel(); // the fake exits on end of stdin, even behind a wrapper script
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

private:
    QProcess m_process;
    QString m_stderrPath;
    QByteArray m_output;
};

ProviderConfig httpsProvider(std::string name, std::string host, uint16_t port, std::string caFile)
{
    return test::openAiCompatibleProvider(std::move(name), {true, std::move(host), port, "/v1"}, "upstream-secret", std::move(caFile));
}

} // namespace

class UpstreamTlsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void aPrivateCaInCaFileIsTrusted_data();
    void aPrivateCaInCaFileIsTrusted();
    void theSystemStoreAloneRefusesThePrivateCa();
    void aCertificateForAnotherHostNameIsRefused();
    void connectionsAreKeptAliveOverTls();
    void aMissingCaFileIsNamedInTheError();

private:
    TestResponse post(const std::string& model);
    void verifyUpstreamError(const TestResponse& response, const QString& messagePart);

    QTemporaryDir m_pki;
    QString m_caFile;
    QString m_missingCaFile;
    std::unique_ptr<FakeTlsUpstream> m_upstream;      // certificate for localhost and 127.0.0.1
    std::unique_ptr<FakeTlsUpstream> m_otherUpstream; // certificate for other.example only
    uint16_t m_port = 0;
    uint16_t m_otherPort = 0;
    std::unique_ptr<test::RunningGateway> m_gateway;
    std::string m_key;
};

void UpstreamTlsTest::initTestCase()
{
    QVERIFY2(m_pki.isValid(), qPrintable(m_pki.errorString()));
    const auto dir = m_pki.path();
    m_caFile = dir + "/ca.crt";
    m_missingCaFile = dir + "/no-such-ca.pem";
    QString output;
    QVERIFY(writeFile(dir + "/ca.cnf",
        "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = v3_ca\n"
        "[dn]\nCN = Gatehouse Test CA\n"
        "[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n"));
    QVERIFY2(runOpenssl(dir,
                 {"req", "-x509", "-config", dir + "/ca.cnf", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "ca.key", "-out", "ca.crt", "-days", "2"},
                 output),
        qPrintable(output));
    QVERIFY2(makeServerCertificate(dir, "localhost", "localhost", "DNS:localhost,IP:127.0.0.1", 2, output), qPrintable(output));
    QVERIFY2(makeServerCertificate(dir, "other", "other.example", "DNS:other.example", 3, output), qPrintable(output));

    m_upstream = std::make_unique<FakeTlsUpstream>(dir + "/localhost.crt", dir + "/localhost.key", dir + "/upstream.log");
    m_otherUpstream = std::make_unique<FakeTlsUpstream>(dir + "/other.crt", dir + "/other.key", dir + "/other-upstream.log");
    m_port = m_upstream->waitForPort();
    QVERIFY2(m_port != 0, qPrintable(m_upstream->describe()));
    m_otherPort = m_otherUpstream->waitForPort();
    QVERIFY2(m_otherPort != 0, qPrintable(m_otherUpstream->describe()));
}

void UpstreamTlsTest::init()
{
    GatewayConfig config;
    config.server.threads = 1; // one worker: one upstream pool, so connection reuse is observable
    const auto ca = m_caFile.toStdString();
    config.providers.push_back(httpsProvider("tls", "localhost", m_port, ca));
    config.providers.push_back(httpsProvider("tls-ip", "127.0.0.1", m_port, ca));
    config.providers.push_back(httpsProvider("tls-system-store", "localhost", m_port, ""));
    config.providers.push_back(httpsProvider("tls-other-name", "localhost", m_otherPort, ca));
    config.providers.push_back(httpsProvider("tls-missing-ca", "localhost", m_port, m_missingCaFile.toStdString()));
    config.models.push_back({"chat", {{"tls", "gpt-tls", 1}}});
    config.models.push_back({"chat-ip", {{"tls-ip", "gpt-tls-ip", 1}}});
    config.models.push_back({"chat-system-store", {{"tls-system-store", "m", 1}}});
    config.models.push_back({"chat-other-name", {{"tls-other-name", "m", 1}}});
    config.models.push_back({"chat-missing-ca", {{"tls-missing-ca", "m", 1}}});
    m_key = generateApiKey();
    config.keys.push_back({"full", m_key, "env:FULL", "default", {}});
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
}

void UpstreamTlsTest::cleanup()
{
    m_gateway.reset();
}

void UpstreamTlsTest::cleanupTestCase()
{
    m_upstream.reset();
    m_otherUpstream.reset();
}

void UpstreamTlsTest::aPrivateCaInCaFileIsTrusted_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("deployment");
    QTest::newRow("host name (DNS SAN)") << "chat" << "tls" << "gpt-tls";
    QTest::newRow("IP address (IP SAN)") << "chat-ip" << "tls-ip" << "gpt-tls-ip";
}

void UpstreamTlsTest::aPrivateCaInCaFileIsTrusted()
{
    QFETCH(QString, model);
    QFETCH(QString, provider);
    QFETCH(QString, deployment);
    const auto response = post(model.toStdString());
    QVERIFY2(response.status == 200, response.body.c_str());
    const auto body = test::jsonBody(response);
    QCOMPARE(body["object"].toString(), QString("chat.completion"));
    QCOMPARE(body["id"].toString(), QString("chatcmpl-tls-fake")); // the fake's own answer
    QCOMPARE(body["model"].toString(), deployment);                 // it saw the deployment's model
    QCOMPARE(body["choices"].toArray()[0].toObject()["message"].toObject()["content"].toString(), QString("Hello over TLS."));

    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("200"));
    QCOMPARE(record["error_code"], QString());
    QCOMPARE(record["provider"], provider);
    QCOMPARE(record["deployment"], deployment);
    QCOMPARE(record["prompt_tokens"], QString("11"));
    QCOMPARE(record["completion_tokens"], QString("4"));
}

void UpstreamTlsTest::theSystemStoreAloneRefusesThePrivateCa()
{
    // A verified connection to the same host and port is pooled first: a provider that does not
    // trust the CA must not be handed it.
    QCOMPARE(post("chat").status, 200);
    const auto before = m_upstream->connections();
    const auto response = post("chat-system-store");
    verifyUpstreamError(response, "certificate verify failed");
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::jsonBody(response)["error"].toObject()["message"].toString().contains("tls-system-store"));
    // It did try — once per attempt the retry policy allows (a failed connection is worth another
    // try) — and every handshake failed: the verified pooled connection was never handed out.
    QCOMPARE(m_upstream->connections() - before, RetrySettings{}.maxAttempts);
    QCOMPARE(post("chat").status, 200);              // the trusting provider is unaffected
}

void UpstreamTlsTest::aCertificateForAnotherHostNameIsRefused()
{
    // The chain is good (same CA, trusted through ca_file); only the name is wrong.
    for (int i = 0; i < 2 && !QTest::currentTestFailed(); ++i)
        verifyUpstreamError(post("chat-other-name"), "certificate verify failed");
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_otherUpstream->connections() >= 2, qPrintable(m_otherUpstream->log()));
}

void UpstreamTlsTest::connectionsAreKeptAliveOverTls()
{
    const auto before = m_upstream->connections();
    for (int i = 0; i < 10; ++i) {
        const auto response = post("chat");
        QVERIFY2(response.status == 200, qPrintable(QString("request %1: %2").arg(i).arg(response.body.c_str())));
        QCOMPARE(test::jsonBody(response)["usage"].toObject()["total_tokens"].toInt(), 15);
    }
    QCOMPARE(m_upstream->connections() - before, 1);
}

void UpstreamTlsTest::aMissingCaFileIsNamedInTheError()
{
    const auto before = m_upstream->connections();
    for (int i = 0; i < 2 && !QTest::currentTestFailed(); ++i) // a failed TLS set-up is not cached: the second call fails alike
        verifyUpstreamError(post("chat-missing-ca"), m_missingCaFile);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(m_upstream->connections() - before, 0); // refused before connecting
    QCOMPARE(post("chat").status, 200);
}

TestResponse UpstreamTlsTest::post(const std::string& model)
{
    return m_gateway->client().postJson("/v1/chat/completions", chatBody(model), m_key);
}

void UpstreamTlsTest::verifyUpstreamError(const TestResponse& response, const QString& messagePart)
{
    QVERIFY2(response.status == 502, qPrintable(QString("status %1: %2").arg(response.status).arg(response.body.c_str())));
    QCOMPARE(response.header("content-type"), std::string("application/json"));
    const auto error = test::jsonBody(response)["error"].toObject();
    QCOMPARE(error["code"].toString(), QString("upstream_error"));
    QCOMPARE(error["type"].toString(), QString("upstream_error"));
    QVERIFY(error.contains("param"));
    QVERIFY2(error["message"].toString().contains(messagePart), response.body.c_str());
    QVERIFY(response.body.find("upstream-secret") == std::string::npos);
    const auto record = test::callRecord(m_gateway->server(), response.header("x-gatehouse-request-id"));
    QCOMPARE(record["status"], QString("502"));
    QCOMPARE(record["error_code"], QString("upstream_error"));
}

QTEST_GUILESS_MAIN(UpstreamTlsTest)
#include "UpstreamTlsTest.moc"
