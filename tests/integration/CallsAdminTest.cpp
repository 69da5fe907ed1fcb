// The call log through the admin API over real HTTP: calls made through the gateway are listed
// newest first with who called from where (client IP, User-Agent, metadata tags) and the model
// that answered; filters, cursor paging, one call's detail and the CSV export work; bad input and
// missing tokens get clear errors naming the parameter.
#include "AdminSession.h"
#include "GatewayTestSupport.h"
#include "TestHttpClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <set>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace gatehouse;

namespace {

const std::string kChat = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],"
                          "\"metadata\":{\"team\":\"body-team\"}}";

QJsonArray dataOf(const TestResponse& response)
{
    return test::jsonBody(response)["data"].toArray();
}

// A stream that never ends by itself, read as it comes: a plain socket with a receive timeout.
class StreamReader {
public:
    StreamReader(unsigned short port, const std::string& request)
        : m_socket(::socket(AF_INET, SOCK_STREAM, 0))
    {
        timeval timeout{10, 0}; // a bound on every wait: the test fails instead of hanging
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
            && ::send(m_socket, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size());
    }
    ~StreamReader() { ::close(m_socket); }

    // Reads until `text` has arrived `times` times (counted over everything read), or the timeout.
    bool readUntil(const std::string& text, int times = 1)
    {
        while (m_connected && occurrences(text) < times) {
            char buffer[4096];
            const auto got = ::recv(m_socket, buffer, sizeof buffer, 0);
            if (got <= 0)
                return false;
            m_received.append(buffer, static_cast<std::size_t>(got));
        }
        return m_connected;
    }
    const std::string& received() const { return m_received; }

private:
    int occurrences(const std::string& text) const
    {
        int count = 0;
        for (auto at = m_received.find(text); at != std::string::npos; at = m_received.find(text, at + text.size()))
            ++count;
        return count;
    }

    int m_socket;
    bool m_connected = false;
    std::string m_received;
};

} // namespace

class CallsAdminTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void callsAreListedWithWhoCalledFromWhere();
    void filtersCursorsAndDetail();
    void theCsvExportHasEveryCall();
    void badInputIsRefusedNamingTheParameter();
    void aCapturingModelKeepsRedactedPayloads();
    void theLiveStreamSendsNewCallsAsTheyAreWritten();

private:
    TestResponse chat(const std::map<std::string, std::string>& headers, const std::string& body = kChat);

    std::unique_ptr<test::RunningGateway> m_gateway;
    std::unique_ptr<test::AdminSession> m_admin;
    std::string m_apiKey;
};

void CallsAdminTest::init()
{
    auto config = test::mockGatewayWithAdminListener();
    ModelConfig captured;
    captured.name = "captured";
    captured.deployments = {{"mock", "mock-1", 1}};
    captured.capturePayloads = true;
    config.models.push_back(captured);
    config.capture.maxBytes = 4096;
    m_gateway = std::make_unique<test::RunningGateway>(std::move(config));
    m_admin = std::make_unique<test::AdminSession>(m_gateway->server());
    m_apiKey = m_gateway->server().createKey("ci");
}

void CallsAdminTest::cleanup()
{
    m_admin.reset();
    m_gateway.reset();
}

TestResponse CallsAdminTest::chat(const std::map<std::string, std::string>& headers, const std::string& body)
{
    auto all = headers;
    all["Authorization"] = "Bearer " + m_apiKey;
    all["Content-Type"] = "application/json";
    TestHttpClient client(m_gateway->server().dataPlaneAddress().port);
    return client.request("POST", "/v1/chat/completions", body, all);
}

void CallsAdminTest::callsAreListedWithWhoCalledFromWhere()
{
    const auto tagged = chat({{"User-Agent", "OpenAI/Python 1.55.0"}, {"x-gatehouse-metadata", "{\"team\":\"header-team\",\"run\":\"42\"}"}});
    QVERIFY2(tagged.status == 200, qPrintable(test::describe(tagged)));
    const auto badTags = chat({{"x-gatehouse-metadata", "{\"run\":42}"}});
    QCOMPARE(badTags.status, 400);
    QCOMPARE(test::errorBody(badTags)["param"].toString(), QString("x-gatehouse-metadata"));
    QCOMPARE(test::errorBody(badTags)["code"].toString(), QString("invalid_metadata"));
    m_gateway->server().settle();

    const auto listed = m_admin->call(m_admin->viewerToken(), "GET", "/admin/v1/calls");
    QVERIFY2(listed.status == 200, qPrintable(test::describe(listed)));
    const auto calls = dataOf(listed);
    QCOMPARE(calls.size(), 2);
    QVERIFY(test::jsonBody(listed)["next_cursor"].isNull());
    const auto byId = [&](const TestResponse& response) {
        for (const auto& item : calls) {
            if (item.toObject()["request_id"].toString().toStdString() == response.header("x-gatehouse-request-id"))
                return item.toObject();
        }
        return QJsonObject{};
    };
    const auto refused = byId(badTags);
    QCOMPARE(refused["status"].toInt(), 400);
    QCOMPARE(refused["error_code"].toString(), QString("invalid_metadata"));

    const auto call = byId(tagged);
    QVERIFY(!call.isEmpty());
    QCOMPARE(call["status"].toInt(), 200);
    QCOMPARE(call["model"].toString(), QString("mock-chat"));
    QCOMPARE(call["route"].toString(), QString("mock-chat"));
    QCOMPARE(call["provider"].toString(), QString("mock"));
    QCOMPARE(call["client_ip"].toString(), QString("127.0.0.1"));
    QCOMPARE(call["user_agent"].toString(), QString("OpenAI/Python 1.55.0"));
    // The body's metadata wins over the header's for the same key; the header adds the rest.
    QCOMPARE(call["tags"].toObject(), (QJsonObject{{"team", "body-team"}, {"run", "42"}}));
    QVERIFY(call["prompt_tokens"].toInt() > 0);
    QVERIFY(call["latency_us"].toInt() > 0);
    QVERIFY(call["started_at"].toString().endsWith("Z"));
}

void CallsAdminTest::filtersCursorsAndDetail()
{
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i)
        ids.push_back(chat({}).header("x-gatehouse-request-id"));
    const auto unknownModel = chat({}, "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    QCOMPARE(unknownModel.status, 404);
    m_gateway->server().settle();

    const auto errors = dataOf(m_admin->asAdmin("GET", "/admin/v1/calls?status=error"));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors[0].toObject()["status"].toInt(), 404);
    QCOMPARE(dataOf(m_admin->asAdmin("GET", "/admin/v1/calls?status=2xx&model=mock-chat")).size(), 3);
    QCOMPARE(dataOf(m_admin->asAdmin("GET", "/admin/v1/calls?tenant=elsewhere")).size(), 0);

    // Two at a time, by cursor: every call once, newest first (by start time, then by row: calls
    // that started in the same millisecond come in the order they were written).
    std::vector<std::string> walked;
    std::vector<std::pair<int64_t, int64_t>> order; // (started_at_ms, id)
    std::string cursor;
    for (int page = 0; page < 5; ++page) {
        const auto answer = m_admin->asAdmin("GET", "/admin/v1/calls?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
        QVERIFY2(answer.status == 200, qPrintable(test::describe(answer)));
        for (const auto& item : dataOf(answer)) {
            walked.push_back(item.toObject()["request_id"].toString().toStdString());
            order.emplace_back(item.toObject()["started_at_ms"].toInteger(), item.toObject()["id"].toInteger());
        }
        const auto next = test::jsonBody(answer)["next_cursor"];
        if (next.isNull())
            break;
        cursor = next.toString().toStdString();
    }
    ids.push_back(unknownModel.header("x-gatehouse-request-id"));
    QCOMPARE(std::set<std::string>(walked.begin(), walked.end()), std::set<std::string>(ids.begin(), ids.end()));
    QCOMPARE(walked.size(), ids.size());
    QVERIFY(std::is_sorted(order.rbegin(), order.rend()));
    ids.pop_back();

    const auto detail = m_admin->call(m_admin->viewerToken(), "GET", "/admin/v1/calls/" + ids[1]);
    QVERIFY2(detail.status == 200, qPrintable(test::describe(detail)));
    QCOMPARE(test::jsonBody(detail)["request_id"].toString().toStdString(), ids[1]);
    QVERIFY(test::jsonBody(detail)["id"].toInt() > 0);
    const auto missing = m_admin->asAdmin("GET", "/admin/v1/calls/req_missing");
    QCOMPARE(missing.status, 404);
    QCOMPARE(test::errorBody(missing)["param"].toString(), QString("request_id"));
}

void CallsAdminTest::theCsvExportHasEveryCall()
{
    for (int i = 0; i < 3; ++i)
        QCOMPARE(chat({{"x-gatehouse-metadata", "{\"note\":\"a, \\\"quoted\\\" one\"}"}}).status, 200);
    m_gateway->server().settle();
    const auto csv = m_admin->asAdmin("GET", "/admin/v1/calls?format=csv");
    QVERIFY2(csv.status == 200, qPrintable(test::describe(csv)));
    QVERIFY(csv.header("content-type").rfind("text/csv", 0) == 0);
    QVERIFY(csv.header("x-next-cursor").empty());
    const auto lines = QString::fromStdString(csv.body).split("\r\n", Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines[0].startsWith("\"id\",\"request_id\",\"started_at\""));
    // The tags' JSON, quoted as CSV: its own quotes doubled.
    QVERIFY2(lines[1].contains("\"\"note\"\":\"\"a, \\\"\"quoted\\\"\" one\"\"}\""), qPrintable(lines[1]));

    const auto firstPage = m_admin->asAdmin("GET", "/admin/v1/calls?format=csv&limit=2");
    QCOMPARE(QString::fromStdString(firstPage.body).split("\r\n", Qt::SkipEmptyParts).size(), 3);
    QVERIFY(!firstPage.header("x-next-cursor").empty());
}

void CallsAdminTest::badInputIsRefusedNamingTheParameter()
{
    for (const auto& [query, param] : {std::pair{"status=teapot", "status"}, std::pair{"cursor=yesterday", "cursor"},
             std::pair{"limit=0", "limit"}, std::pair{"consumer=nobody", "consumer"}, std::pair{"format=xml", "format"},
             std::pair{"colour=red", "colour"}}) {
        const auto refused = m_admin->asAdmin("GET", std::string("/admin/v1/calls?") + query);
        QCOMPARE(refused.status, 400);
        QCOMPARE(test::errorBody(refused)["param"].toString(), QString(param));
    }
    QCOMPARE(m_admin->call("", "GET", "/admin/v1/calls").status, 401);
}

void CallsAdminTest::aCapturingModelKeepsRedactedPayloads()
{
    const std::string secret = "sk-proj-ABCDEFGHIJKLMNOPQRST";
    const auto whole = chat({}, "{\"model\":\"captured\",\"messages\":[{\"role\":\"user\",\"content\":\"my key is " + secret + "\"}]}");
    QVERIFY2(whole.status == 200, qPrintable(test::describe(whole)));
    const auto streamed = chat({}, "{\"model\":\"captured\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    QCOMPARE(streamed.status, 200);
    const auto big = chat({}, "{\"model\":\"captured\",\"messages\":[{\"role\":\"user\",\"content\":\"" + std::string(5000, 'x') + "\"}]}");
    QCOMPARE(big.status, 200);
    const auto notCaptured = chat({});
    m_gateway->server().settle();

    const auto detail = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/calls/" + whole.header("x-gatehouse-request-id")));
    const auto payload = detail["payload"].toObject();
    QVERIFY2(payload["request"].toString().contains("my key is [REDACTED]"), qPrintable(payload["request"].toString()));
    QVERIFY(!payload["request"].toString().contains(QString::fromStdString(secret)));
    QCOMPARE(payload["response"].toString().toStdString(), whole.body);
    QCOMPARE(payload["response_status"].toInt(), 200);
    QVERIFY2(payload["request_headers"].toString().contains("content-type: application/json", Qt::CaseInsensitive),
        qPrintable(payload["request_headers"].toString()));
    QVERIFY(!payload["request_headers"].toString().contains("uthorization")); // never the credentials
    QCOMPARE(payload["request_truncated"].toBool(), false);

    const auto stream = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/calls/" + streamed.header("x-gatehouse-request-id")))["payload"].toObject();
    QVERIFY2(stream["response"].toString().startsWith("data: "), qPrintable(stream["response"].toString()));
    QVERIFY(stream["response"].toString().contains("[DONE]"));

    const auto capped = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/calls/" + big.header("x-gatehouse-request-id")))["payload"].toObject();
    QCOMPARE(capped["request_truncated"].toBool(), true);
    QCOMPARE(capped["request"].toString().size(), 4096);

    const auto plain = test::jsonBody(m_admin->asAdmin("GET", "/admin/v1/calls/" + notCaptured.header("x-gatehouse-request-id")));
    QVERIFY(plain["payload"].isNull());
}

void CallsAdminTest::theLiveStreamSendsNewCallsAsTheyAreWritten()
{
    const auto port = m_gateway->server().adminAddress()->port;
    const auto request = [&](const std::string& query, const std::string& token) {
        return "GET /admin/v1/calls/stream" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    };
    // Only errors, as a viewer: the stream starts with a comment once it is subscribed.
    StreamReader errors(port, request("?status=error", m_admin->viewerToken()));
    QVERIFY2(errors.readUntil(": gatehouse calls stream"), errors.received().c_str());
    QVERIFY(errors.received().find("content-type: text/event-stream") != std::string::npos
        || errors.received().find("Content-Type: text/event-stream") != std::string::npos);

    const auto ok = chat({});
    const auto failed = chat({}, "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    QCOMPARE(failed.status, 404);
    QVERIFY2(errors.readUntil("event: call"), errors.received().c_str());
    const auto& text = errors.received();
    QVERIFY(text.find(failed.header("x-gatehouse-request-id")) != std::string::npos);
    QVERIFY(text.find(ok.header("x-gatehouse-request-id")) == std::string::npos); // filtered out

    // Refused like any admin request: no token, or a bad filter.
    StreamReader anonymous(port, "GET /admin/v1/calls/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(anonymous.readUntil("invalid_admin_token"));
    QVERIFY(anonymous.received().rfind("HTTP/1.1 401", 0) == 0);
    StreamReader badFilter(port, request("?status=teapot", m_admin->viewerToken()));
    QVERIFY(badFilter.readUntil("\"param\":\"status\""));
    QVERIFY(badFilter.received().rfind("HTTP/1.1 400", 0) == 0);

    // Stopping the gateway ends the stream (the chunked body's last chunk).
    m_admin.reset();
    m_gateway.reset();
    QVERIFY2(errors.readUntil("0\r\n\r\n"), errors.received().c_str());
}

QTEST_GUILESS_MAIN(CallsAdminTest)
#include "CallsAdminTest.moc"
