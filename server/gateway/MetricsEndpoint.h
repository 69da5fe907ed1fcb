// GET /metrics on the data-plane listener: the gateway's metrics in Prometheus text format
// (docs/metrics.md). Guarded by its own bearer token when one is configured, never by a
// data-plane key: the page shows every tenant's traffic, which no tenant's key may read.
#pragma once

#include "config/GatewayConfig.h"
#include "http/Exchange.h"
#include "metrics/CallMetrics.h"
#include "metrics/GatewayMetricsText.h"

#include <functional>

namespace gatehouse {

class MetricsEndpoint {
public:
    // The gauges are read at each scrape (in-flight calls, the writer's queue, the circuits).
    using GaugeSource = std::function<GatewayGauges()>;

    MetricsEndpoint(MetricsSettings settings, const CallMetrics& calls, GaugeSource gauges);

    static bool serves(const IncomingRequest& request); // the path is /metrics (any query)

    // 200 with the page; 405 for another method; 401 without the configured token.
    Awaitable<void> handle(IncomingRequest& request, ResponseChannel& channel);

    std::string page() const;

    // Stops the thread that writes pages, after the page it may be writing: call it before the
    // workers are destroyed, since a finished page is handed back to the worker that asked.
    void stop();

private:
    bool authorized(const IncomingRequest& request) const;

    MetricsSettings m_settings;
    const CallMetrics& m_calls;
    GaugeSource m_gauges;
    // Pages are written here, not on the worker that took the request: with many label sets a
    // page takes milliseconds, which that worker's other connections must not wait for. One
    // thread, so that scrapes arriving together queue rather than take more cores.
    asio::thread_pool m_writer{1};
};

} // namespace gatehouse
