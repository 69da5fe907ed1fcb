#include "gateway/PayloadTap.h"

#include <algorithm>

namespace gatehouse {
namespace {

bool isCredential(std::string_view name)
{
    for (const std::string_view secret : {"authorization", "x-api-key", "cookie", "proxy-authorization"}) {
        if (beast::iequals(name, secret))
            return true;
    }
    return false;
}

} // namespace

std::string capturedRequestHeaders(const IncomingRequest& request)
{
    std::string lines;
    for (const auto& field : request.message) {
        const auto name = field.name_string();
        if (isCredential(std::string_view(name.data(), name.size())))
            continue;
        const auto value = field.value();
        lines.append(name.data(), name.size()).append(": ").append(value.data(), value.size()).append("\n");
    }
    return lines;
}

PayloadTapChannel::PayloadTapChannel(ResponseChannel& client, const IncomingRequest& request, CallRecord& record, std::size_t maxBytes)
    : m_client(client)
    , m_record(record)
    , m_maxBytes(maxBytes)
    , m_payload(std::make_shared<CallPayload>())
{
    const auto& body = request.message.body();
    m_payload->requestHeaders = capturedRequestHeaders(request);
    m_payload->request = body.substr(0, maxBytes);
    m_payload->requestTruncated = body.size() > maxBytes;
}

PayloadTapChannel::~PayloadTapChannel()
{
    m_record.payload = std::move(m_payload);
}

void PayloadTapChannel::keep(std::string_view data)
{
    auto& response = m_payload->response;
    const auto room = m_maxBytes - std::min(m_maxBytes, response.size());
    response.append(data.substr(0, room));
    if (data.size() > room)
        m_payload->responseTruncated = true;
}

Awaitable<bool> PayloadTapChannel::send(const ResponseHead& head, std::string_view body)
{
    markFirstByte();
    m_payload->responseStatus = head.status;
    keep(body);
    co_return co_await m_client.send(head, body);
}

Awaitable<bool> PayloadTapChannel::begin(const ResponseHead& head, std::string_view firstPiece)
{
    markFirstByte();
    m_payload->responseStatus = head.status;
    keep(firstPiece);
    co_return co_await m_client.begin(head, firstPiece);
}

Awaitable<bool> PayloadTapChannel::piece(std::string_view data)
{
    keep(data);
    co_return co_await m_client.piece(data);
}

Awaitable<bool> PayloadTapChannel::end()
{
    co_return co_await m_client.end();
}

void PayloadTapChannel::abort()
{
    m_client.abort();
}

} // namespace gatehouse
