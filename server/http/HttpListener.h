// Accepts connections on one address and starts a session for each on the next worker.
#pragma once

#include "config/GatewayConfig.h"
#include "http/HttpSession.h"
#include "http/WorkerPool.h"

#include <atomic>
#include <memory>
#include <string>

namespace gatehouse {

class HttpListener {
public:
    // Binds at once (throws std::runtime_error naming the address on failure); accepts after start().
    HttpListener(WorkerPool& workers, const HostPort& address, std::shared_ptr<SessionSharedState> state, std::string name);

    void start();
    void stopAccepting(); // thread-safe
    HostPort boundAddress() const { return m_bound; }
    uint64_t acceptedConnections() const { return m_accepted.load(std::memory_order_relaxed); }
    SessionSharedState& state() { return *m_state; }

private:
    Awaitable<void> acceptLoop();

    WorkerPool& m_workers;
    tcp::acceptor m_acceptor;
    std::shared_ptr<SessionSharedState> m_state;
    std::string m_name;
    HostPort m_bound;
    std::atomic<uint64_t> m_accepted{0};
};

// Logs an exception that escaped a detached coroutine instead of losing it silently.
void logEscapedException(std::exception_ptr error, const char* where);

} // namespace gatehouse
