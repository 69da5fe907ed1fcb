#include "openai/ApiError.h"

#include "json/JsonString.h"

namespace gatehouse {
namespace {
void appendNullable(std::string& out, const std::string& value)
{
    if (value.empty())
        out += "null";
    else
        appendJsonString(out, value);
}
} // namespace

std::string ApiError::toJson() const
{
    std::string out = R"({"error":{"message":)";
    appendJsonString(out, message);
    out += R"(,"type":)";
    appendJsonString(out, type);
    out += R"(,"param":)";
    appendNullable(out, param);
    out += R"(,"code":)";
    appendNullable(out, code);
    out += "}}";
    return out;
}

ApiError ApiError::invalidRequest(std::string message, std::string param, std::string code)
{
    return {400, std::move(message), "invalid_request_error", std::move(param), std::move(code)};
}

ApiError ApiError::invalidApiKey(std::string message)
{
    return {401, std::move(message), "authentication_error", {}, "invalid_api_key"};
}

ApiError ApiError::modelNotFound(const std::string& model)
{
    return {404, "The model '" + model + "' does not exist or you do not have access to it.", "invalid_request_error",
        "model", "model_not_found"};
}

ApiError ApiError::notFound(std::string message)
{
    return {404, std::move(message), "invalid_request_error", {}, "not_found"};
}

ApiError ApiError::methodNotAllowed(const std::string& method, const std::string& path, const std::string& allowed)
{
    return {405, "Method " + method + " is not allowed on " + path + " (use " + allowed + ").", "invalid_request_error",
        {}, "method_not_allowed"};
}

ApiError ApiError::bodyTooLarge(std::size_t limit)
{
    return {413, "The request body exceeds the limit of " + std::to_string(limit) + " bytes.", "invalid_request_error",
        {}, "request_too_large"};
}

ApiError ApiError::upstreamFailed(std::string message)
{
    return {502, std::move(message), "upstream_error", {}, "upstream_error"};
}

ApiError ApiError::upstreamTimeout(std::string message)
{
    return {504, std::move(message), "upstream_error", {}, "upstream_timeout"};
}

ApiError ApiError::unavailable(std::string message)
{
    return {503, std::move(message), "server_error", {}, "unavailable"};
}

} // namespace gatehouse
