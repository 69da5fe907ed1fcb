#include "openai/ChatRequest.h"

#include "json/JsonString.h"

#include <simdjson.h>

namespace gatehouse {
namespace {

ApiError malformed()
{
    return ApiError::invalidRequest("The request body is not valid JSON.", {}, "invalid_json");
}

std::size_t skipWhitespace(std::string_view json, std::size_t i)
{
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t'))
        ++i;
    return i;
}

// Index just past the string literal that starts at `i` (a quote).
std::size_t endOfString(std::string_view json, std::size_t i)
{
    for (++i; i < json.size(); ++i) {
        if (json[i] == '\\')
            ++i;
        else if (json[i] == '"')
            return i + 1;
    }
    return json.size();
}

struct TokenPosition {
    std::size_t offset = 0;
    std::size_t length = 0;
    int occurrences = 0; // more than one: the upstream might read another value than we checked
};

// Finds the top-level member `key` of an already validated JSON object: the position of its
// value's string literal. Escaped spellings of the key are not matched.
TokenPosition findTopLevelString(std::string_view json, std::string_view key)
{
    TokenPosition found;
    int depth = 0;
    bool expectKey = false;
    for (std::size_t i = 0; i < json.size();) {
        const char c = json[i];
        if (c == '"') {
            const auto end = endOfString(json, i);
            if (depth == 1 && expectKey) {
                expectKey = false;
                if (json.substr(i + 1, end - i - 2) == key) {
                    auto value = skipWhitespace(json, end);
                    value = skipWhitespace(json, value + 1); // past ':'
                    if (++found.occurrences == 1 && value < json.size() && json[value] == '"')
                        found = {value, endOfString(json, value) - value, 1};
                }
            }
            i = end;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
            expectKey = depth == 1 && c == '{';
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expectKey = true;
        }
        ++i;
    }
    return found;
}

// Where the model's literal is, so it can be replaced without re-writing the body.
std::variant<ChatRequestFields, ApiError> modelPosition(std::string_view body, ChatRequestFields& fields)
{
    const auto position = findTopLevelString(body, "model");
    if (position.occurrences > 1)
        return ApiError::invalidRequest("'model' is given more than once.", "model");
    if (position.occurrences == 0 || position.length == 0)
        return ApiError::invalidRequest("Write the 'model' key without escape sequences.", "model");
    fields.modelTokenOffset = position.offset;
    fields.modelTokenLength = position.length;
    return fields;
}

} // namespace

std::variant<ChatRequestFields, ApiError> parseChatRequest(std::string& body, RequestBodyKind kind)
{
    // The DOM parser validates the whole document with the best SIMD kernel of this CPU
    // (runtime dispatch), so malformed JSON anywhere is caught here and not upstream.
    thread_local simdjson::dom::parser parser;
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    if (parser.parse(body.data(), body.size(), false).get(root))
        return malformed();
    simdjson::dom::object object;
    if (root.get(object))
        return ApiError::invalidRequest("The request body must be a JSON object.", {}, "invalid_json");

    ChatRequestFields fields;
    const auto model = object["model"];
    if (model.error() == simdjson::NO_SUCH_FIELD)
        return ApiError::invalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
    std::string_view modelName;
    if (model.get(modelName))
        return ApiError::invalidRequest("'model' must be a string.", "model");
    if (modelName.empty())
        return ApiError::invalidRequest("'model' must not be empty.", "model");
    fields.model = std::string(modelName);

    const auto stream = object["stream"];
    if (stream.error() != simdjson::NO_SUCH_FIELD && !stream.is_null() && stream.get(fields.stream))
        return ApiError::invalidRequest("'stream' must be true or false.", "stream");

    const auto streamOptions = object["stream_options"];
    if (streamOptions.error() != simdjson::NO_SUCH_FIELD && !streamOptions.is_null()) {
        simdjson::dom::object options;
        if (streamOptions.get(options))
            return ApiError::invalidRequest("'stream_options' must be an object.", "stream_options");
        fields.hasStreamOptions = true;
        const auto includeUsage = options["include_usage"];
        if (includeUsage.error() != simdjson::NO_SUCH_FIELD && !includeUsage.is_null() && includeUsage.get(fields.includeUsage))
            return ApiError::invalidRequest("'stream_options.include_usage' must be true or false.", "stream_options.include_usage");
    }

    for (const char* name : {"max_completion_tokens", "max_tokens"}) {
        const auto limit = object[name];
        int64_t value = 0;
        if (limit.error() != simdjson::NO_SUCH_FIELD && !limit.is_null()) {
            if (limit.get(value) || value < 0)
                return ApiError::invalidRequest(std::string("'") + name + "' must be a non-negative integer.", name);
            fields.maxTokens = value;
            break;
        }
    }
    simdjson::dom::object metadata;
    if (!object["metadata"].get(metadata)) {
        for (const auto [key, value] : metadata) {
            std::string_view text;
            if (!value.get(text))
                fields.metadata.emplace_back(std::string(key), std::string(text));
        }
    }

    if (kind == RequestBodyKind::Embeddings) {
        const auto input = object["input"];
        if (input.error() == simdjson::NO_SUCH_FIELD)
            return ApiError::invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        if (!input.is_string() && !input.is_array())
            return ApiError::invalidRequest("'input' must be a string or an array.", "input");
        return modelPosition(body, fields);
    }

    const auto messagesField = object["messages"];
    if (messagesField.error() == simdjson::NO_SUCH_FIELD)
        return ApiError::invalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
    simdjson::dom::array messages;
    if (messagesField.get(messages))
        return ApiError::invalidRequest("'messages' must be an array of messages.", "messages");
    if (messages.size() == 0)
        return ApiError::invalidRequest("'messages' must contain at least one message.", "messages");
    for (const auto message : messages) {
        if (!message.is_object())
            return ApiError::invalidRequest("Each entry of 'messages' must be an object.", "messages");
    }

    return modelPosition(body, fields);
}

SplicedBody spliceModel(std::string_view body, const ChatRequestFields& fields, std::string_view newModel)
{
    return {body.substr(0, fields.modelTokenOffset), jsonString(newModel),
        body.substr(fields.modelTokenOffset + fields.modelTokenLength)};
}

std::string SplicedBody::joined() const
{
    std::string out;
    out.reserve(size());
    out.append(before).append(modelLiteral).append(after);
    return out;
}

} // namespace gatehouse
