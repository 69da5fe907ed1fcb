// "Test connection": one real, small chat call to a provider, made through the same adapter as
// client traffic (so it tests the same URL, credentials, TLS and translation) and recorded like
// any call, with endpoint "/admin/test-connection".
#pragma once

#include <chrono>
#include <string>

namespace gatehouse {

struct ProviderTestResult {
    bool ok = false;
    int status = 0;       // the HTTP status the call ended with (502/504 when the provider was unreachable)
    std::string model;    // the upstream model asked
    std::string message;  // the start of the answer, or the exact error message
    std::chrono::milliseconds latency{0};
};

} // namespace gatehouse
