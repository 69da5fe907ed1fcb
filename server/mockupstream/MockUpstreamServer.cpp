#include "mockupstream/MockUpstreamServer.h"

#include "admin/AdminRouter.h"
#include "mockupstream/MockFlavors.h"

#include <charconv>

namespace gatehouse {
namespace {

// The mock's own route, answered before the flavor's: GET /mock/requests?model=<percent-encoded>.
constexpr std::string_view kRequestCountPath = "/mock/requests";

std::unique_ptr<MockFlavor> makeFlavor(const MockUpstreamOptions& options, MockFaultCounter& requests)
{
    switch (options.flavor) {
    case MockFlavorKind::OpenAi:
        return makeOpenAiFlavor(options, requests);
    case MockFlavorKind::Anthropic:
        return makeAnthropicFlavor(options, requests);
    case MockFlavorKind::Gemini:
        return makeGeminiFlavor(options, requests);
    case MockFlavorKind::Azure:
        return makeAzureFlavor(options, requests);
    }
    return makeOpenAiFlavor(options, requests);
}

MockReply requestCountReply(const IncomingRequest& request, const MockFaultCounter& requests)
{
    if (request.message.method() != http::verb::get)
        return {405, jsonText({{"error", "Only GET is allowed on /mock/requests."}}), {{"Allow", "GET"}}};
    const auto given = queryParameter(request, "model");
    const auto model = given ? percentDecode(*given, true) : std::nullopt;
    if (!model)
        return {400, jsonText({{"error", "GET /mock/requests needs ?model=<the model name, percent-encoded>."}}), {}};
    return {200, jsonText({{"model", *model}, {"requests", requests.count(*model)}}), {}};
}

} // namespace

const std::vector<std::string>& mockFlavorNames()
{
    static const std::vector<std::string> names{"openai", "anthropic", "gemini", "azure"};
    return names;
}

std::optional<MockFlavorKind> mockFlavorFromName(std::string_view name)
{
    if (name == "openai")
        return MockFlavorKind::OpenAi;
    if (name == "anthropic")
        return MockFlavorKind::Anthropic;
    if (name == "gemini")
        return MockFlavorKind::Gemini;
    if (name == "azure")
        return MockFlavorKind::Azure;
    return std::nullopt;
}

MockUpstreamServer::MockUpstreamServer(MockUpstreamOptions options)
    : m_options(std::move(options))
    , m_flavor(makeFlavor(m_options, m_requests))
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

Awaitable<void> MockUpstreamServer::handle(IncomingRequest& request, ResponseChannel& connection) const
{
    MockChannel channel(connection);
    if (requestPath(request) == kRequestCountPath) {
        const auto reply = requestCountReply(request, m_requests);
        co_await MockFlavor::send(channel, reply);
    } else {
        co_await m_flavor->handle(request, channel);
    }
    if (m_options.dropConnectionsAfterAnswer)
        channel.abort();
}

MockFlavor::MockFlavor(MockUpstreamOptions options, MockFaultCounter& requests)
    : m_options(std::move(options))
    , m_requests(requests)
{
}

MockPace MockFlavor::pace() const
{
    return {m_options.latency, m_options.streamChunks, m_options.chunkInterval};
}

bool MockFlavor::acceptsKey(std::string_view given) const
{
    return m_options.requiredApiKey.empty() || given == m_options.requiredApiKey;
}

Awaitable<void> MockFlavor::send(ResponseChannel& channel, const MockReply& reply)
{
    ResponseHead head{reply.status};
    head.headers = reply.headers;
    co_await channel.send(head, reply.body);
}

std::string_view requestPath(const IncomingRequest& request)
{
    const auto target = request.message.target();
    return target.substr(0, target.find('?'));
}

std::optional<std::string_view> queryParameter(const IncomingRequest& request, std::string_view name)
{
    const auto target = request.message.target();
    const auto mark = target.find('?');
    if (mark == std::string_view::npos)
        return std::nullopt;
    auto query = target.substr(mark + 1);
    while (!query.empty()) {
        const auto end = query.find('&');
        const auto pair = query.substr(0, end);
        const auto equals = pair.find('=');
        if (pair.substr(0, equals) == name)
            return equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    }
    return std::nullopt;
}

Json parseJsonBody(const std::string& body)
{
    return Json::parse(body, nullptr, false);
}

const Json* jsonMember(const Json& object, std::string_view key)
{
    if (!object.is_object())
        return nullptr;
    const auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

std::string jsonText(const Json& json)
{
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string stringMember(const Json& object, std::string_view key)
{
    const auto* member = jsonMember(object, key);
    return member && member->is_string() ? member->get<std::string>() : std::string();
}

const Json* lastElement(const Json& object, std::string_view arrayKey)
{
    const auto* array = jsonMember(object, arrayKey);
    return array && array->is_array() && !array->empty() ? &array->back() : nullptr;
}

ResponseHeaders retryHeadersFor(int status)
{
    if (status == 429)
        return {{"Retry-After", "1"}};
    return {};
}

std::string jsonFloatArray(const std::vector<float>& values)
{
    std::string out = "[";
    char buffer[32];
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ',';
        const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, values[i]);
        out.append(buffer, end);
    }
    out += ']';
    return out;
}

} // namespace gatehouse
