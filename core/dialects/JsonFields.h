// Reading JSON fields in the provider dialects: strict for the client's request (a wrong type is
// the client's 400, naming the parameter), lenient for the provider's answer (a missing field
// reads as empty rather than failing a call that was already paid for).
#pragma once

#include "json/Json.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::fields {

// Throws TranslationError: a 400 invalid_request_error naming `param`.
[[noreturn]] void refuse(std::string message, std::string param);

// The member if present and not null (OpenAI clients send null to mean "not set"); else nullptr.
const Json* fieldOf(const Json& object, const char* key);

// Client request fields: "" when absent; a 400 when present with another type (or, for
// requiredString, absent or empty).
std::string optionalString(const Json& object, const char* key, const char* param);
std::string requiredString(const Json& object, const char* key, const char* param);

// Provider answer fields: "" or 0 when absent or of another type.
std::string stringOr(const Json& object, const char* key);
int64_t countOf(const Json& object, const char* key);

// At most `limit` bytes, cut on a UTF-8 character boundary so the message stays valid text.
std::string excerpt(std::string_view text, std::size_t limit);

// One function call of an OpenAI assistant message (`tool_calls[]`), read strictly: an id, a
// function name, and arguments that parse to a JSON object ("" reads as {}). `provider` names the
// provider kind in the 400 for anything else ("Anthropic", "Gemini").
struct FunctionCall {
    std::string id;
    std::string name;
    Json arguments;
};
FunctionCall readFunctionCall(const Json& toolCall, const char* provider);

// One OpenAI function tool (`tools[]`), read strictly. `parameters` is null when the tool takes none.
struct FunctionTool {
    std::string name;
    std::string description; // "" when none
    const Json* parameters = nullptr;
};
FunctionTool readFunctionTool(const Json& tool, const char* provider);

// OpenAI's `stop` (a string or an array of strings) as an array; a 400 otherwise.
Json stopSequences(const Json& stop);

// A provider's stream event as a JSON object; a TranslationError (502, naming the provider) when
// the event is not one.
Json parseStreamEvent(std::string_view data, const std::string& providerName);

// "created" of the OpenAI objects a dialect builds.
int64_t nowSeconds();

} // namespace gatehouse::fields
