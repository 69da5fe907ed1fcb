// The admin API of a running test gateway over real HTTP, with a token of each role created in its
// store: what the admin API's integration tests (providers, limits, prices) share.
#pragma once

#include "GatewayServer.h"
#include "TestHttpClient.h"

#include <string>

namespace gatehouse::test {

class AdminSession {
public:
    // `server` must have an admin listener (mockGatewayWithAdminListener) and outlive the session.
    explicit AdminSession(GatewayServer& server);

    // `token` "" sends none.
    TestResponse call(const std::string& token, const std::string& method, const std::string& target, const std::string& body = {});
    TestResponse asAdmin(const std::string& method, const std::string& target, const std::string& body = {})
    {
        return call(m_adminToken, method, target, body);
    }

    const std::string& viewerToken() const { return m_viewerToken; }
    const std::string& operatorToken() const { return m_operatorToken; }
    const std::string& adminToken() const { return m_adminToken; }

private:
    TestHttpClient m_client;
    std::string m_viewerToken;   // "vera-viewer"
    std::string m_operatorToken; // "otto-operator"
    std::string m_adminToken;    // "ada-admin"
};

} // namespace gatehouse::test
