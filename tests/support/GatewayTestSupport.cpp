#include "GatewayTestSupport.h"

#include "store/Database.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <QJsonDocument>

namespace gatehouse::test {

RunningGateway::RunningGateway(GatewayConfig config)
{
    config.server.listen = {"127.0.0.1", 0};
    m_server = std::make_unique<GatewayServer>(std::move(config), m_dataDirectory.path());
    m_server->start();
    m_client = std::make_unique<TestHttpClient>(m_server->dataPlaneAddress().port);
}

ProviderConfig openAiCompatibleProvider(std::string name, UpstreamUrl url, std::string apiKey, std::string caFile)
{
    ProviderConfig provider;
    provider.name = std::move(name);
    provider.kind = ProviderKind::OpenAiCompatible;
    provider.baseUrl = std::move(url);
    provider.apiKey = std::move(apiKey);
    provider.caFile = std::move(caFile);
    provider.connectTimeout = std::chrono::milliseconds(5000);
    provider.readTimeout = std::chrono::milliseconds(10000);
    return provider;
}

QJsonObject jsonBody(const TestResponse& response)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(response.body)).object();
}

QJsonObject errorBody(const TestResponse& response)
{
    return jsonBody(response)["error"].toObject();
}

QString describe(const TestResponse& response)
{
    return QString("status %1: %2").arg(response.status).arg(QString::fromStdString(response.body));
}

uint16_t closedLoopbackPort()
{
    boost::asio::io_context context;
    boost::asio::ip::tcp::acceptor acceptor(context, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port(); // closed when the acceptor goes
}

GatewayConfig mockGatewayWithAdminListener(const std::string& model)
{
    GatewayConfig config;
    config.server.adminListen = HostPort{"127.0.0.1", 0};
    ProviderConfig mock;
    mock.name = "mock";
    mock.kind = ProviderKind::Mock;
    config.providers.push_back(mock);
    config.models.push_back({model, {{"mock", "mock-1", 1}}});
    return config;
}

QMap<QString, QString> callRecord(GatewayServer& server, const std::string& requestId)
{
    server.settle();
    Database db(server.databasePath());
    auto query = db.prepare("SELECT * FROM calls WHERE request_id = ?");
    query.bind(1, requestId);
    QMap<QString, QString> record;
    if (!query.step())
        return record;
    for (int column = 0; column < query.columnCount(); ++column)
        record[QString::fromStdString(query.columnName(column))] = QString::fromStdString(query.columnText(column));
    return record;
}

} // namespace gatehouse::test
