// Helpers the gateway's integration tests share: provider configs, JSON bodies, call records.
#pragma once

#include "GatewayServer.h"
#include "TemporaryDataDirectory.h"
#include "TestHttpClient.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace gatehouse::test {

// A started gateway on 127.0.0.1 port 0 with a fresh data directory, and a client connected to it.
// Destroyed in the right order: client, server (drains and writes its records), directory.
class RunningGateway {
public:
    explicit RunningGateway(GatewayConfig config);
    GatewayServer& server() { return *m_server; }
    TestHttpClient& client() { return *m_client; }

private:
    TemporaryDataDirectory m_dataDirectory;
    std::unique_ptr<GatewayServer> m_server;
    std::unique_ptr<TestHttpClient> m_client;
};

// A loopback port nothing listens on: bound by the kernel's choice, then closed again (what a
// test of "cannot connect" points at).
uint16_t closedLoopbackPort();

// An openai-compatible provider at `url`, with timeouts short enough for tests.
ProviderConfig openAiCompatibleProvider(std::string name, UpstreamUrl url, std::string apiKey, std::string caFile = {});

QJsonObject jsonBody(const TestResponse& response);
// The body's "error" object, and a one-line "status N: body" for failure messages.
QJsonObject errorBody(const TestResponse& response);
QString describe(const TestResponse& response);

// One mock provider serving `model` (as mock-1) and the admin API on 127.0.0.1 port 0: the
// gateway the admin API, CLI and console admin tests run against.
GatewayConfig mockGatewayWithAdminListener(const std::string& model = "mock-chat");

// The call record with this request id, every column as text ("" for NULL; empty map if absent).
// Settles the server first, so the record of a call just answered is there.
QMap<QString, QString> callRecord(GatewayServer& server, const std::string& requestId);

} // namespace gatehouse::test
