// What the admin API may ask of the gateway it runs in. `gatehouse serve` and the console pass
// their GatewayServer; the CLI working on a bare data directory has no gateway and passes none.
#pragma once

#include <string>
#include <vector>

namespace gatehouse {

class AdminGateway {
public:
    virtual ~AdminGateway() = default;

    // The public models the data plane serves now, in configuration order.
    virtual std::vector<std::string> servedModels() const = 0;

    // A change was committed to the store: the data plane takes a new snapshot before the admin
    // answer goes out (requests in flight keep theirs).
    virtual void adminChangeCommitted() = 0;
};

} // namespace gatehouse
