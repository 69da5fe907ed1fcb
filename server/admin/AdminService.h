// The admin API without HTTP: one request (method, target, body, caller) in, one answer out.
// AdminApi serves it over the admin listener; `gatehouse tenant|consumer|key|access` run it on a
// local data directory; the console's in-process AdminClient runs it on the gateway it embeds. All
// of them therefore validate, authorize, audit and answer exactly alike.
#pragma once

#include "admin/AdminGateway.h"
#include "admin/AdminOperations.h"
#include "http/Asio.h"

#include <functional>
#include <memory>
#include <string>

namespace gatehouse {

// Who is asking. Over the network: whoever holds an admin token. Locally: a process that can open
// the data directory already owns everything in it, so it acts with the admin role under its own
// name (`cli:alice`, `console:alice`), which the audit log records as the actor.
struct AdminCaller {
    static AdminCaller withAuthorization(std::string authorizationHeader);
    static AdminCaller local(std::string actor);

    std::string authorization; // the Authorization header as sent ("Bearer gat-...")
    std::string localActor;    // non-empty: a trusted local caller
};

struct AdminRequest {
    http::verb method = http::verb::get;
    std::string target; // path and query: "/admin/v1/consumers?tenant_id=2"
    std::string body;
    AdminCaller caller;
};

class AdminService {
public:
    // Opens its own connection to the gateway's database at `databasePath`. Throws StoreError.
    // `gateway` (may be null; must outlive the service) hears of every committed change, outside the
    // service's lock; without one, a gateway running on the same data directory notices the change
    // by polling within a second.
    explicit AdminService(const std::string& databasePath, AdminGateway* gateway = nullptr);
    ~AdminService();

    // Never throws: every failure is an answer with an OpenAI-style error body. Safe to call from
    // several threads at once (calls are serialized: admin calls are rare and short). A provider
    // test (POST /admin/v1/providers/{name}/test) waits here for the upstream's answer: never call
    // this for one from a gateway worker thread, use respondAsync.
    AdminResult respond(const AdminRequest& request);

    // As respond(), but `done` gets the answer: at once, inside this call, except for a provider
    // test, whose answer comes later from a gateway thread once the provider answered. Nothing is
    // held while the test runs. The service must outlive the call.
    void respondAsync(const AdminRequest& request, std::function<void(AdminResult)> done);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// "cli:alice": the audit actor for local changes made by `component` under the login name in $USER.
std::string localActorName(std::string_view component);

} // namespace gatehouse
