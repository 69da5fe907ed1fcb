#include "dialects/JsonFields.h"

#include "openai/TranslationError.h"

#include <algorithm>
#include <chrono>

namespace gatehouse::fields {

void refuse(std::string message, std::string param)
{
    throw TranslationError(ApiError::invalidRequest(std::move(message), std::move(param)));
}

const Json* fieldOf(const Json& object, const char* key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string optionalString(const Json& object, const char* key, const char* param)
{
    const Json* value = fieldOf(object, key);
    if (!value)
        return {};
    if (!value->is_string())
        refuse("'" + std::string(key) + "' must be a string (in " + param + ").", param);
    return value->get<std::string>();
}

std::string requiredString(const Json& object, const char* key, const char* param)
{
    auto value = optionalString(object, key, param);
    if (value.empty())
        refuse("'" + std::string(key) + "' is required (in " + param + ").", param);
    return value;
}

std::string stringOr(const Json& object, const char* key)
{
    const Json* value = fieldOf(object, key);
    return value && value->is_string() ? value->get<std::string>() : std::string();
}

int64_t countOf(const Json& object, const char* key)
{
    const Json* value = fieldOf(object, key);
    return value && value->is_number_integer() ? value->get<int64_t>() : 0;
}

std::string excerpt(std::string_view text, std::size_t limit)
{
    if (text.size() <= limit)
        return std::string(text);
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return std::string(text.substr(0, end));
}

FunctionCall readFunctionCall(const Json& toolCall, const char* provider)
{
    auto id = requiredString(toolCall, "id", "messages");
    if (const auto type = optionalString(toolCall, "type", "messages"); !type.empty() && type != "function")
        refuse("Tool call '" + id + "' is of type '" + type + "'; " + provider + " providers take function calls only.", "messages");
    const Json* function = fieldOf(toolCall, "function");
    if (!function)
        refuse("Tool call '" + id + "' has no function.", "messages");
    const auto arguments = optionalString(*function, "arguments", "messages");
    // OpenAI sends "" for a call without arguments; the providers want an object.
    Json parsed = arguments.empty() ? Json::object() : Json::parse(arguments, nullptr, false);
    if (!parsed.is_object())
        refuse("The arguments of tool call '" + id + "' are not a JSON object: " + excerpt(arguments, 100), "messages");
    auto name = requiredString(*function, "name", "messages");
    return {std::move(id), std::move(name), std::move(parsed)};
}

FunctionTool readFunctionTool(const Json& tool, const char* provider)
{
    if (const auto type = optionalString(tool, "type", "tools"); type != "function")
        refuse("Tools of type '" + type + "' cannot be sent to " + provider + " providers (function tools can).", "tools");
    const Json* function = fieldOf(tool, "function");
    if (!function)
        refuse("A function tool needs a function.", "tools");
    return {requiredString(*function, "name", "tools"), optionalString(*function, "description", "tools"), fieldOf(*function, "parameters")};
}

Json stopSequences(const Json& stop)
{
    if (stop.is_string())
        return Json::array({stop});
    const bool allStrings = stop.is_array() && std::all_of(stop.begin(), stop.end(), [](const Json& item) { return item.is_string(); });
    if (!allStrings)
        refuse("stop must be a string or an array of strings.", "stop");
    return stop;
}

Json parseStreamEvent(std::string_view data, const std::string& providerName)
{
    Json parsed = Json::parse(data, nullptr, false);
    if (!parsed.is_object())
        throw TranslationError(
            ApiError::upstreamFailed("Provider '" + providerName + "' sent a stream event that is not JSON: " + excerpt(data, 200)));
    return parsed;
}

int64_t nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace gatehouse::fields
