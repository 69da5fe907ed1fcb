// Payload capture (docs/analytics.md "Payload capture"): for a model that captures payloads, keeps
// the first bytes of the request and of the answer — whole or streamed, success or error — as the
// answer goes to the client, and hands them to the call record when the call ends. Redaction
// happens later, on the call-record writer's thread.
#pragma once

#include "calls/CallRecord.h"
#include "http/Exchange.h"

#include <memory>
#include <string>

namespace gatehouse {

class PayloadTapChannel final : public ResponseChannel {
public:
    // Keeps at most `maxBytes` of the request's body and as much of the answer's.
    PayloadTapChannel(ResponseChannel& client, const IncomingRequest& request, CallRecord& record, std::size_t maxBytes);
    // Puts what was kept into the record (record.payload).
    ~PayloadTapChannel() override;

    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override;
    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override;
    Awaitable<bool> piece(std::string_view data) override;
    Awaitable<bool> end() override;
    void abort() override;

private:
    void keep(std::string_view data);

    ResponseChannel& m_client;
    CallRecord& m_record;
    std::size_t m_maxBytes;
    std::shared_ptr<CallPayload> m_payload;
};

// The request's headers as "name: value" lines, without the credentials (Authorization,
// x-api-key, Cookie, Proxy-Authorization): what the call log's detail shows.
std::string capturedRequestHeaders(const IncomingRequest& request);

} // namespace gatehouse
