#include "gateway/RequestStages.h"

#include "calls/CallTags.h"

namespace gatehouse {
namespace {

std::string_view presentedKey(const http::request<http::string_body>& message)
{
    const auto authorization = message[http::field::authorization];
    if (!authorization.empty()) {
        constexpr std::string_view bearer = "Bearer ";
        if (authorization.size() > bearer.size() && beast::iequals(authorization.substr(0, bearer.size()), bearer))
            return {authorization.data() + bearer.size(), authorization.size() - bearer.size()};
        return {authorization.data(), authorization.size()};
    }
    const auto apiKey = message["x-api-key"];
    return {apiKey.data(), apiKey.size()};
}

int64_t nowEpochMs(const RequestContext& context)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(context.request.receivedAtWallClock.time_since_epoch()).count();
}

} // namespace

StageStatus AuthenticateStage::run(RequestContext& context) const
{
    const auto key = presentedKey(context.request.message);
    if (key.empty()) {
        context.error = ApiError::invalidApiKey(
            "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
        context.error->code = "missing_api_key";
        return StageStatus::Stop;
    }
    context.caller = context.snapshot->authenticate(key);
    if (context.caller && context.caller->expiresAtMs && *context.caller->expiresAtMs <= nowEpochMs(context)) {
        context.error = ApiError::invalidApiKey("The API key " + context.caller->keyPrefix + "**** expired at "
            + formatUtcTimestamp(*context.caller->expiresAtMs) + ". Use its replacement, or ask an admin for a new key.");
        context.error->code = "expired_api_key";
        return StageStatus::Stop;
    }
    if (!context.caller) {
        // Show only a few characters, so the message never echoes a whole secret into logs.
        const auto shown = std::string(key.substr(0, std::min<std::size_t>(key.size(), 6)));
        context.error = ApiError::invalidApiKey("Incorrect API key provided: " + shown + "****. Check the key, or create one with 'gatehouse key create'.");
        return StageStatus::Stop;
    }
    context.record.keyPrefix = context.caller->keyPrefix;
    context.record.tenant = context.caller->tenant;
    context.record.consumer = context.caller->consumerName;
    return StageStatus::Continue;
}

StageStatus ParseChatRequestStage::run(RequestContext& context) const
{
    const auto kind = context.api == IngressApi::Embeddings ? RequestBodyKind::Embeddings : RequestBodyKind::Chat;
    auto parsed = parseChatRequest(context.request.message.body(), kind);
    if (auto* error = std::get_if<ApiError>(&parsed)) {
        context.error = std::move(*error);
        return StageStatus::Stop;
    }
    context.chat = std::move(std::get<ChatRequestFields>(parsed));
    // The header's tags join the body's metadata, for routing rules and the record alike.
    if (const auto header = context.request.message.find("x-gatehouse-metadata"); header != context.request.message.end()) {
        auto tags = parseMetadataHeader(std::string_view(header->value().data(), header->value().size()));
        if (auto* error = std::get_if<ApiError>(&tags)) {
            context.error = std::move(*error);
            return StageStatus::Stop;
        }
        mergeMetadataTags(context.chat.metadata, std::get<MetadataTags>(tags));
    }
    context.record.tags = metadataTagsJson(context.chat.metadata);
    context.record.model = context.chat.model;
    context.record.stream = context.chat.stream;
    return StageStatus::Continue;
}

StageStatus ResolveRouteStage::run(RequestContext& context) const
{
    const auto* route = context.snapshot->route(context.chat.model);
    if (!route || !(context.accessThroughPrompt || context.caller->mayUse(context.chat.model))) {
        context.error = ApiError::modelNotFound(context.chat.model);
        return StageStatus::Stop;
    }
    context.route = route;
    return StageStatus::Continue;
}

StageStatus AuthorizeAccessStage::run(RequestContext& context) const
{
    const auto& caller = *context.caller;
    if (auto denied = context.snapshot->access().check(caller.consumerId, caller.consumerName, caller.keyName, context.chat.model)) {
        context.error = std::move(*denied);
        return StageStatus::Stop;
    }
    return StageStatus::Continue;
}

StageStatus runStages(std::initializer_list<const RequestStage*> stages, RequestContext& context)
{
    for (const auto* stage : stages) {
        if (stage->run(context) == StageStatus::Stop)
            return StageStatus::Stop;
    }
    return StageStatus::Continue;
}

} // namespace gatehouse
