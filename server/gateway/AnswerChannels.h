// Two channels that sit between a provider adapter and the client's connection:
// - AnnotatedChannel adds the request id and the traffic-policy headers (x-gatehouse-*,
//   x-ratelimit-*) to whatever head goes to the client, from the facts the request has gathered
//   by then;
// - AttemptChannel holds back one attempt's error answer, so the attempt loop can try another
//   deployment instead, and forwards everything else (a started answer is never taken back).
#pragma once

#include "gateway/RequestContext.h"

#include <optional>
#include <string>

namespace gatehouse {

class AnnotatedChannel final : public ResponseChannel {
public:
    AnnotatedChannel(ResponseChannel& client, const RequestContext& context);

    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override;
    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override;
    Awaitable<bool> piece(std::string_view data) override { co_return co_await m_client.piece(data); }
    Awaitable<bool> end() override { co_return co_await m_client.end(); }
    void abort() override { m_client.abort(); }

private:
    void annotateNextHead();

    ResponseChannel& m_client;
    const RequestContext& m_context;
};

// The header lines ("name: value\r\n") AnnotatedChannel adds, in this order:
// x-gatehouse-request-id, -deployment and -provider (when a deployment was called), -attempts,
// -cache (when the cache was consulted), -overhead-ms, then the x-ratelimit-* headers.
std::string policyHeaderLines(const RequestContext& context, std::chrono::steady_clock::time_point now);

class AttemptChannel final : public ResponseChannel {
public:
    explicit AttemptChannel(ResponseChannel& client)
        : m_client(client)
    {
    }

    // An error answer (status >= 400) sent whole is held; anything else goes to the client.
    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override;
    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override;
    Awaitable<bool> piece(std::string_view data) override { co_return co_await m_client.piece(data); }
    Awaitable<bool> end() override { co_return co_await m_client.end(); }
    void abort() override { m_client.abort(); }

    // Something of this attempt's answer went to the client: it is the answer.
    bool committed() const { return m_committed; }
    // The error answer this attempt produced, not sent (yet).
    struct HeldAnswer {
        ResponseHead head;
        std::string body;
    };
    const std::optional<HeldAnswer>& held() const { return m_held; }
    // Sends the held answer to the client after all (no other attempt will be made).
    Awaitable<bool> release();

private:
    ResponseChannel& m_client;
    std::optional<HeldAnswer> m_held;
    bool m_committed = false;
};

} // namespace gatehouse

namespace gatehouse {

// Keeps a copy of a successful (200) answer as it goes to the client, for the response cache:
// the whole body, as long as it stays within `maxBytes` and is completed.
class CapturingChannel final : public ResponseChannel {
public:
    CapturingChannel(ResponseChannel& client, std::size_t maxBytes)
        : m_client(client)
        , m_maxBytes(maxBytes)
    {
    }

    Awaitable<bool> send(const ResponseHead& head, std::string_view body) override;
    Awaitable<bool> begin(const ResponseHead& head, std::string_view firstPiece) override;
    Awaitable<bool> piece(std::string_view data) override;
    Awaitable<bool> end() override;
    void abort() override;

    // The whole 200 answer's body, or nothing (not a 200, too large, cut off, not finished).
    std::optional<std::string> captured() const;

private:
    void keep(std::string_view data);

    ResponseChannel& m_client;
    std::size_t m_maxBytes;
    std::string m_body;
    bool m_capturing = false;
    bool m_complete = false;
};

} // namespace gatehouse
