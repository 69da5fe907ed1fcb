#include "dialects/OpenAiDialect.h"

#include "dialects/JsonFields.h"
#include "openai/TranslationError.h"

#include <chrono>

namespace gatehouse {
namespace {

Json withModel(const Json& request, const std::string& model)
{
    Json body = request;
    body["model"] = model;
    return body;
}

std::string messageOf(const Json& error, std::string_view body)
{
    if (error.is_object() && error.contains("message") && error["message"].is_string())
        return error["message"].get<std::string>();
    return std::string(body.substr(0, 300));
}

// OpenAI's "code" is a string ("model_not_found"); Azure's may be one too ("DeploymentNotFound"),
// or a number. The error type is the fallback.
std::string codeOf(const Json& error)
{
    if (!error.is_object())
        return {};
    for (const char* field : {"code", "type"}) {
        if (error.contains(field) && error[field].is_string())
            return error[field].get<std::string>();
    }
    return {};
}

Json parseOrNull(std::string_view text)
{
    return Json::parse(text.begin(), text.end(), nullptr, false);
}

// OpenAI streams are already in the hub's shape: the decoder only watches for the end, errors
// and the usage chunk.
class OpenAiStreamDecoder final : public ChatStreamDecoder {
public:
    OpenAiStreamDecoder(const OpenAiDialect& dialect, DialectTarget target)
        : m_dialect(dialect)
        , m_target(std::move(target))
    {
    }

    std::vector<Json> onEvent(const SseEvent& event) override
    {
        if (event.data == "[DONE]") {
            m_finished = true;
            return {};
        }
        auto chunk = fields::parseStreamEvent(event.data, m_target.provider.name);
        if (chunk.contains("error"))
            throw TranslationError(m_dialect.error(500, event.data, m_target));
        if (const auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
            m_usage = TokenUsage{usage->value("prompt_tokens", int64_t(0)), usage->value("completion_tokens", int64_t(0)),
                usage->contains("prompt_tokens_details") ? (*usage)["prompt_tokens_details"].value("cached_tokens", int64_t(0)) : 0,
                usage->contains("completion_tokens_details") ? (*usage)["completion_tokens_details"].value("reasoning_tokens", int64_t(0)) : 0};
        }
        return {std::move(chunk)};
    }

    bool finished() const override { return m_finished; }
    std::optional<TokenUsage> usage() const override { return m_usage; }

private:
    const OpenAiDialect& m_dialect;
    const DialectTarget m_target;
    bool m_finished = false;
    std::optional<TokenUsage> m_usage;
};

} // namespace

OpenAiDialect::OpenAiDialect(Flavor flavor)
    : m_flavor(flavor)
{
}

std::string OpenAiDialect::targetFor(std::string_view operation, const DialectTarget& target) const
{
    if (m_flavor == Flavor::OpenAi)
        return std::string(operation);
    // Azure addresses the deployment in the path and ignores the body's model.
    return "/openai/deployments/" + target.upstreamModel + std::string(operation) + "?api-version=" + target.provider.apiVersion;
}

std::vector<std::pair<std::string, std::string>> OpenAiDialect::credentialHeaders(const ProviderConfig& provider) const
{
    if (provider.apiKey.empty())
        return {};
    if (m_flavor == Flavor::Azure)
        return {{"api-key", provider.apiKey}};
    return {{"Authorization", "Bearer " + provider.apiKey}};
}

UpstreamCall OpenAiDialect::chatCall(const Json& chat, const DialectTarget& target) const
{
    auto body = withModel(chat, target.upstreamModel);
    // OpenAI's own API has replaced max_tokens with max_completion_tokens, and its reasoning
    // models refuse the old name; other OpenAI-compatible servers mostly know only the old one.
    if (target.provider.kind == ProviderKind::OpenAi && body.contains("max_tokens") && !body.contains("max_completion_tokens")) {
        body["max_completion_tokens"] = body["max_tokens"];
        body.erase("max_tokens");
    }
    if (body.value("stream", false)) {
        // The gateway needs the usage of every call; servers that refuse the field go without.
        if (target.provider.quirks.streamUsage)
            body["stream_options"]["include_usage"] = true;
        else
            body.erase("stream_options");
    }
    return {targetFor("/chat/completions", target), credentialHeaders(target.provider), body.dump()};
}

Json OpenAiDialect::chatResponse(const Json& answer, const DialectTarget&) const
{
    return answer;
}

std::unique_ptr<ChatStreamDecoder> OpenAiDialect::chatStream(const DialectTarget& target) const
{
    return std::make_unique<OpenAiStreamDecoder>(*this, target);
}

UpstreamCall OpenAiDialect::embeddingsCall(const Json& request, const DialectTarget& target) const
{
    return {targetFor("/embeddings", target), credentialHeaders(target.provider), withModel(request, target.upstreamModel).dump()};
}

Json OpenAiDialect::embeddingsResponse(const Json& answer, const Json&, const DialectTarget&) const
{
    return answer;
}

ApiError OpenAiDialect::error(int status, std::string_view body, const DialectTarget& target) const
{
    const auto parsed = parseOrNull(body);
    const Json error = parsed.is_object() && parsed.contains("error") ? parsed["error"] : Json();
    return providerError(status, messageOf(error, body), codeOf(error), target);
}

} // namespace gatehouse
