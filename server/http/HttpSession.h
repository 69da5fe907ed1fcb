// One client connection: reads requests within the configured limits, hands each to the handler,
// writes what it answers, keeps the connection alive between requests.
#pragma once

#include "http/Exchange.h"

#include <atomic>

namespace gatehouse {

struct SessionLimits {
    std::size_t maxHeaderBytes = 16 * 1024;
    std::size_t maxBodyBytes = 4 * 1024 * 1024;
    std::chrono::milliseconds readTimeout{30000}; // a started request must arrive whole in this time
    std::chrono::milliseconds idleTimeout{60000}; // an idle keep-alive connection is closed after this
};

// Shared by the listener's sessions: while draining, connections close after their current response.
struct SessionSharedState {
    SessionLimits limits;
    RequestHandler handler;
    std::atomic<bool> draining{false};
    std::atomic<uint64_t> closedConnections{0};
    // Called with the error answer when a request is rejected before reaching the handler (e.g. 413).
    std::function<void(const IncomingRequest&, int status, const std::string& code)> onRejected;
};

Awaitable<void> runHttpSession(tcp::socket socket, std::size_t workerIndex, std::shared_ptr<SessionSharedState> state);

} // namespace gatehouse
