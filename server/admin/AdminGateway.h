// What the admin API may ask of the gateway it runs in. `gatehouse serve` and the console pass
// their GatewayServer; the CLI working on a bare data directory has no gateway and passes none.
#pragma once

#include "calls/CallRecord.h"
#include "config/GatewayConfig.h"
#include "gateway/ProviderProbe.h"
#include "gateway/TrafficReport.h"

#include <functional>
#include <stdexcept>
#include <string>

namespace gatehouse {

class AdminGateway {
public:
    virtual ~AdminGateway() = default;

    // The configuration file the gateway was started with (its `source` names it): its providers and
    // models are read-only through the admin API, the store's are added to them (ProviderCatalog).
    // Null when not known.
    virtual const GatewayConfig* configFile() const { return nullptr; }

    // "Test connection": one real chat call to a provider the data plane serves now, with
    // `upstreamModel` or, when empty, the first model deployed on it. `done` runs once, later, on a
    // gateway thread. Throws std::invalid_argument naming the problem when there is nothing to call
    // (no such provider, no model), std::runtime_error when it cannot test (not running).
    virtual void runProviderTest(const std::string& provider, const std::string& upstreamModel,
        std::function<void(ProviderTestResult)> done);

    // A chat completion request of the admin's own (a prompt version's test run), not streamed, run
    // through the data plane after authentication: routing, limits, budgets, cache, pricing and the
    // call log apply as to any call, with no key or tenant. `call` gives the record's endpoint,
    // prompt fields and tags; `done` runs once, later, on a gateway thread, with the call as
    // recorded and the answer's body. Throws std::runtime_error when it cannot run (not running).
    virtual void runChatCall(std::string body, CallRecord call, std::function<void(CallRecord, std::string)> done);

    // A change was committed to the store: the data plane takes a new snapshot before the admin
    // answer goes out (requests in flight keep theirs).
    virtual void adminChangeCommitted() = 0;

    // The traffic policy's live state (TrafficReport.h). Throws std::runtime_error when the
    // gateway has none to tell.
    virtual Json trafficReport(TrafficView view) const;
};

inline Json AdminGateway::trafficReport(TrafficView) const
{
    throw std::runtime_error("this gateway keeps no traffic state");
}

inline void AdminGateway::runProviderTest(const std::string&, const std::string&, std::function<void(ProviderTestResult)>)
{
    throw std::runtime_error("this gateway cannot test providers");
}

inline void AdminGateway::runChatCall(std::string, CallRecord, std::function<void(CallRecord, std::string)>)
{
    throw std::runtime_error("this gateway cannot run calls for the admin API");
}

} // namespace gatehouse
