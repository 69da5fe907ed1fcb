// Request ids: unique per process run and cheap to make on the request path.
#pragma once

#include <string>

namespace gatehouse {

// "req_" + 8 hex of a random per-process value + 12 hex of a counter: unique, sortable within a run.
std::string newRequestId();

} // namespace gatehouse
