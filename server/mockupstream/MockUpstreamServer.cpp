#include "mockupstream/MockUpstreamServer.h"

#include "calls/RequestId.h"
#include "mock/MockCompletion.h"
#include "openai/ChatRequest.h"
#include "providers/MockReplay.h"

namespace gatehouse {
namespace {

Awaitable<void> sendError(ResponseChannel& channel, const ApiError& error)
{
    const ResponseHead head{error.status};
    const auto body = error.toJson();
    co_await channel.send(head, body);
}

} // namespace

MockUpstreamServer::MockUpstreamServer(MockUpstreamOptions options)
    : m_options(std::move(options))
    , m_workers(std::make_unique<WorkerPool>(m_options.threads))
{
    auto state = std::make_shared<SessionSharedState>();
    state->handler = [this](IncomingRequest& request, ResponseChannel& channel) { return handle(request, channel); };
    m_listener = std::make_unique<HttpListener>(*m_workers, m_options.listen, state, "mock upstream");
}

MockUpstreamServer::~MockUpstreamServer()
{
    stop();
}

void MockUpstreamServer::start()
{
    m_listener->start();
    m_workers->start();
}

void MockUpstreamServer::stop()
{
    if (!m_workers)
        return;
    m_listener->stopAccepting();
    m_workers->stop();
    m_listener.reset();
    m_workers.reset();
}

Awaitable<void> MockUpstreamServer::handle(IncomingRequest& request, ResponseChannel& channel) const
{
    const auto target = request.message.target();
    const auto path = target.substr(0, target.find('?'));
    if (!m_options.requiredApiKey.empty() && request.message[http::field::authorization] != "Bearer " + m_options.requiredApiKey) {
        // The shape and wording of OpenAI's own answer to a wrong key.
        const ApiError error{401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error", {}, "invalid_api_key"};
        co_await sendError(channel, error);
        co_return;
    }
    if (path == "/v1/chat/completions" && request.message.method() == http::verb::post) {
        co_await chatCompletion(request, channel);
    } else if (path == "/v1/models" && request.message.method() == http::verb::get) {
        const ResponseHead head{200};
        co_await channel.send(head, R"({"object":"list","data":[{"id":"mock-model","object":"model","created":0,"owned_by":"mock-upstream"}]})");
    } else {
        const auto error = ApiError::notFound("Unknown path: " + std::string(path.substr(0, 200)));
        co_await sendError(channel, error);
    }
}

Awaitable<void> MockUpstreamServer::chatCompletion(IncomingRequest& request, ResponseChannel& channel) const
{
    auto& body = request.message.body();
    const auto parsed = parseChatRequest(body);
    if (const auto* error = std::get_if<ApiError>(&parsed)) {
        co_await sendError(channel, *error);
        co_return;
    }
    const auto& fields = std::get<ChatRequestFields>(parsed);
    const MockCompletion completion(fields.model, "chatcmpl-" + newRequestId(), body.size());
    const ResponseHead head{200};
    const MockPace pace{m_options.latency, m_options.streamChunks, m_options.chunkInterval};
    co_await replayMockCompletion(channel, completion, fields.stream, head, pace);
    if (m_options.dropConnectionsAfterAnswer)
        channel.abort();
}

} // namespace gatehouse
