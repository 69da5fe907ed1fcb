// `gatehouse mock-upstream`: a fast, standalone fake of a provider's HTTP API (OpenAI, Anthropic,
// Gemini or Azure OpenAI, each in its documented wire format), for tests, demos and the benchmark.
// Same deterministic content as the built-in mock provider.
#pragma once

#include "config/GatewayConfig.h"
#include "http/HttpListener.h"
#include "http/WorkerPool.h"
#include "mockupstream/MockFaults.h"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace gatehouse {

class MockFlavor;

// Whose API the mock speaks.
enum class MockFlavorKind { OpenAi, Anthropic, Gemini, Azure };

// "openai", "anthropic", "gemini", "azure": the names the command line takes.
const std::vector<std::string>& mockFlavorNames();
std::optional<MockFlavorKind> mockFlavorFromName(std::string_view name);

struct MockUpstreamOptions {
    HostPort listen{"127.0.0.1", 0};
    int threads = 1;
    std::chrono::milliseconds latency{0};
    int streamChunks = 8;
    std::chrono::milliseconds chunkInterval{0};
    // When set, requests without this key (in the flavor's own header) get the flavor's 401 answer.
    std::string requiredApiKey;
    // Closes each connection right after its answer without announcing it (no Connection: close),
    // as a provider does when its idle timeout ends a kept-alive connection.
    bool dropConnectionsAfterAnswer = false;
    MockFlavorKind flavor = MockFlavorKind::OpenAi;
};

class MockUpstreamServer {
public:
    explicit MockUpstreamServer(MockUpstreamOptions options);
    ~MockUpstreamServer();

    void start(); // throws std::runtime_error naming the address when it cannot listen
    void stop();
    HostPort address() const { return m_listener->boundAddress(); }
    uint64_t acceptedConnections() const { return m_listener->acceptedConnections(); }
    uint64_t closedConnections() const { return m_listener->state().closedConnections.load(); }
    // How many requests named `model` reached a flavor's model check (also served over HTTP as
    // GET /mock/requests?model=...).
    int requestCount(const std::string& model) const { return m_requests.count(model); }

private:
    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel) const;

    MockUpstreamOptions m_options;
    MockFaultCounter m_requests;
    std::unique_ptr<MockFlavor> m_flavor;
    std::unique_ptr<WorkerPool> m_workers;
    std::unique_ptr<HttpListener> m_listener;
};

} // namespace gatehouse
