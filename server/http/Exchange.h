// What a request handler sees of one HTTP exchange: the request, and a channel to answer on.
// Handlers never see the socket, so they can be tested with a fake channel.
#pragma once

#include "http/Asio.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

struct IncomingRequest {
    http::request<http::string_body> message;
    std::chrono::steady_clock::time_point receivedAt;
    std::chrono::system_clock::time_point receivedAtWallClock;
    std::size_t workerIndex = 0;
    asio::ip::address clientAddress; // the connection's peer (no proxy header is trusted)
};

using ResponseHeaders = std::vector<std::pair<std::string, std::string>>;

struct ResponseHead {
    int status = 200;
    std::string contentType = "application/json";
    std::optional<std::size_t> contentLength; // unset for a streamed body (chunked)
    ResponseHeaders headers;
};

// Callers pass named objects, never temporaries, to these coroutines: GCC 12 can destroy a
// temporary in a co_await expression twice (a double free seen under AddressSanitizer).
class ResponseChannel {
public:
    virtual ~ResponseChannel() = default;

    // A whole response in one write. False when the client is gone.
    virtual Awaitable<bool> send(const ResponseHead& head, std::string_view body) = 0;

    // A response written as it is produced: head (with the first piece of body, possibly empty),
    // more pieces, end. Each piece is sent at once.
    virtual Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) = 0;
    virtual Awaitable<bool> piece(std::string_view data) = 0;
    virtual Awaitable<bool> end() = 0;

    // The response cannot be completed (upstream broke mid-body): the connection is closed after it.
    virtual void abort() = 0;

    bool started() const { return m_firstByteAt.has_value(); }
    std::optional<std::chrono::steady_clock::time_point> firstByteAt() const { return m_firstByteAt; }

    // Header lines ("name: value\r\n" each) the next head this channel writes carries after its
    // own headers. The gateway's AnnotatedChannel hands the connection's channel its x-gatehouse-*
    // lines this way, formatted once, instead of copying every head to add them (the copy cost a
    // dozen allocations per call). Only a channel that writes heads itself reads them.
    void addHeaderLinesToNextHead(std::string_view lines) { m_nextHeadLines.append(lines); }
    const std::string& headerLinesForNextHead() const { return m_nextHeadLines; }

protected:
    void clearHeaderLinesForNextHead() { m_nextHeadLines.clear(); }

    void markFirstByte()
    {
        if (!m_firstByteAt)
            m_firstByteAt = std::chrono::steady_clock::now();
    }

private:
    std::optional<std::chrono::steady_clock::time_point> m_firstByteAt;
    std::string m_nextHeadLines;
};

using RequestHandler = std::function<Awaitable<void>(IncomingRequest&, ResponseChannel&)>;

} // namespace gatehouse
