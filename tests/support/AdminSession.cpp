#include "AdminSession.h"

#include "store/AdminTokenStore.h"
#include "store/Database.h"

namespace gatehouse::test {

AdminSession::AdminSession(GatewayServer& server)
    : m_client(server.adminAddress()->port)
{
    Database db(server.databasePath());
    AdminTokenStore tokens(db);
    const Change setup{"test-setup", "fixture"};
    m_viewerToken = tokens.create(setup, "vera-viewer", AdminRole::Viewer).plaintext;
    m_operatorToken = tokens.create(setup, "otto-operator", AdminRole::Operator).plaintext;
    m_adminToken = tokens.create(setup, "ada-admin", AdminRole::Admin).plaintext;
}

TestResponse AdminSession::call(const std::string& token, const std::string& method, const std::string& target, const std::string& body)
{
    std::map<std::string, std::string> headers;
    if (!token.empty())
        headers["Authorization"] = "Bearer " + token;
    if (!body.empty())
        headers["Content-Type"] = "application/json";
    return m_client.request(method, target, body, headers);
}

} // namespace gatehouse::test
