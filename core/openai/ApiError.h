// The OpenAI-shaped error every failure on the data plane answers with.
#pragma once

#include <string>

namespace gatehouse {

struct ApiError {
    int status = 500;
    std::string message;
    std::string type;  // "invalid_request_error", "authentication_error", ...
    std::string param; // the offending field, "" when none
    std::string code;  // "model_not_found", "invalid_api_key", ...

    // {"error":{"message":...,"type":...,"param":...|null,"code":...|null}}
    std::string toJson() const;

    static ApiError invalidRequest(std::string message, std::string param = {}, std::string code = {});
    static ApiError invalidApiKey(std::string message);
    static ApiError modelNotFound(const std::string& model);
    static ApiError notFound(std::string message);
    static ApiError methodNotAllowed(const std::string& method, const std::string& path, const std::string& allowed);
    static ApiError bodyTooLarge(std::size_t limit);
    static ApiError upstreamFailed(std::string message);
    static ApiError upstreamTimeout(std::string message);
    static ApiError unavailable(std::string message);
};

} // namespace gatehouse
