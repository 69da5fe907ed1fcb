// `gatehouse mock-upstream`: a fast, standalone fake of the OpenAI API over real HTTP, for tests,
// demos and the benchmark. Same completions as the built-in mock provider.
#pragma once

#include "config/GatewayConfig.h"
#include "http/HttpListener.h"
#include "http/WorkerPool.h"

#include <memory>

namespace gatehouse {

struct MockUpstreamOptions {
    HostPort listen{"127.0.0.1", 0};
    int threads = 1;
    std::chrono::milliseconds latency{0};
    int streamChunks = 8;
    std::chrono::milliseconds chunkInterval{0};
    std::string requiredApiKey; // when set, other keys get OpenAI's 401 answer
    // Closes each connection right after its answer without announcing it (no Connection: close),
    // as a provider does when its idle timeout ends a kept-alive connection.
    bool dropConnectionsAfterAnswer = false;
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

private:
    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel) const;
    Awaitable<void> chatCompletion(IncomingRequest& request, ResponseChannel& channel) const;

    MockUpstreamOptions m_options;
    std::unique_ptr<WorkerPool> m_workers;
    std::unique_ptr<HttpListener> m_listener;
};

} // namespace gatehouse
