// Helpers the gateway's integration tests share: provider configs, JSON bodies, call records.
#pragma once

#include "GatewayServer.h"
#include "TestHttpClient.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace gatehouse::test {

// An openai-compatible provider at `url`, with timeouts short enough for tests.
ProviderConfig openAiCompatibleProvider(std::string name, UpstreamUrl url, std::string apiKey, std::string caFile = {});

QJsonObject jsonBody(const TestResponse& response);

// The call record with this request id, every column as text ("" for NULL; empty map if absent).
// Settles the server first, so the record of a call just answered is there.
QMap<QString, QString> callRecord(GatewayServer& server, const std::string& requestId);

} // namespace gatehouse::test
