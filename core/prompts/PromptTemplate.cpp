#include "prompts/PromptTemplate.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

namespace gatehouse {
namespace {

constexpr std::size_t kMaxVariableNameBytes = 64;
// Text quoted from a template in an error is cut, so a pasted document cannot flood the message.
constexpr std::size_t kMaxQuotedBytes = 64;

constexpr std::string_view kNameRule =
    "a name is 1 to 64 ASCII letters, digits or '_', and does not start with a digit.";
constexpr std::string_view kLiteralBracesHint = " Write \\{{ for a literal '{{'.";

using VariableIndex = std::unordered_map<std::string_view, std::size_t>;

bool isNameStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool isNameCharacter(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

bool isValidVariableName(std::string_view name)
{
    return !name.empty() && name.size() <= kMaxVariableNameBytes && isNameStart(name.front())
        && std::all_of(name.begin(), name.end(), isNameCharacter);
}

bool isUtf8Continuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// 'text' in quotes, cut to kMaxQuotedBytes at a UTF-8 character boundary.
std::string quotedExcerpt(std::string_view text)
{
    if (text.size() <= kMaxQuotedBytes)
        return "'" + std::string(text) + "'";
    auto end = kMaxQuotedBytes;
    while (end > 0 && isUtf8Continuation(text[end]))
        --end;
    return "'" + std::string(text.substr(0, end)) + "...'";
}

std::string positionText(const PromptPosition& position)
{
    // People count messages from 1, as they count lines and columns.
    return "message " + std::to_string(position.message + 1) + ", line " + std::to_string(position.line) + ", column "
        + std::to_string(position.column);
}

bool matchesType(const Json& value, PromptVariableType type)
{
    switch (type) {
    case PromptVariableType::String:
        return value.is_string();
    case PromptVariableType::Number:
        return value.is_number();
    case PromptVariableType::Integer:
        // Strict: 3.0 is refused. Accepting it would hide a caller's float where a count was meant.
        return value.is_number_integer();
    case PromptVariableType::Boolean:
        return value.is_boolean();
    case PromptVariableType::Json:
        return !value.is_discarded() && !value.is_binary();
    }
    return false;
}

std::string_view expectedTypeText(PromptVariableType type)
{
    switch (type) {
    case PromptVariableType::String:
        return "a string";
    case PromptVariableType::Number:
        return "a number";
    case PromptVariableType::Integer:
        return "an integer (a number without a decimal point or exponent)";
    case PromptVariableType::Boolean:
        return "a boolean (true or false)";
    case PromptVariableType::Json:
        return "a JSON value";
    }
    return "a value";
}

std::string_view givenTypeText(const Json& value)
{
    switch (value.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return "an integer";
    case Json::value_t::number_float:
        return "a number with a decimal point or exponent";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::object:
        return "an object";
    default:
        return "a value that is not JSON";
    }
}

// The text a value of `type` (already checked) puts into the prompt: strings as they are, the
// rest as compact JSON (3 stays "3", 2.5 is "2.5", an object is {"a":1}).
std::string valueText(const Json& value, PromptVariableType type)
{
    if (type == PromptVariableType::String)
        return value.get<std::string>();
    // replace: a value built in C++ may hold invalid UTF-8; a prompt must not fail on it.
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

enum class PlaceholderProblem { Empty, BadName, NotClosed, UnexpectedCharacter };

struct MalformedPlaceholder {
    PlaceholderProblem problem;
    std::string_view text; // BadName: the name; UnexpectedCharacter: the character; otherwise ""
    PromptPosition position;
};

// Line and column of byte offsets asked for in increasing order: one forward walk per message,
// however many placeholders it has.
class PositionCounter {
public:
    PositionCounter(std::string_view content, std::size_t message)
        : m_content(content)
        , m_position{message, 1, 1}
    {
    }

    PromptPosition at(std::size_t offset)
    {
        for (; m_offset < offset; ++m_offset) {
            if (m_content[m_offset] == '\n') {
                ++m_position.line;
                m_position.column = 1;
            } else if (!isUtf8Continuation(m_content[m_offset])) {
                ++m_position.column; // a code point starts here
            }
        }
        return m_position;
    }

private:
    std::string_view m_content;
    std::size_t m_offset = 0;
    PromptPosition m_position;
};

// The one UTF-8 character (or stray byte) at `offset`.
std::string_view characterAt(std::string_view text, std::size_t offset)
{
    auto end = offset + 1;
    while (end < text.size() && end - offset < 4 && isUtf8Continuation(text[end]))
        ++end;
    return text.substr(offset, end - offset);
}

std::string characterText(std::string_view character)
{
    const auto byte = static_cast<unsigned char>(character.front());
    if (byte >= 0x20 && byte != 0x7F)
        return "'" + std::string(character) + "'";
    char code[40];
    std::snprintf(code, sizeof code, "the control character U+%04X", static_cast<unsigned>(byte));
    return code;
}

std::string_view trimSpaces(std::string_view text)
{
    const auto first = text.find_first_not_of(' ');
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// Walks one message's content in order: onText for literal text (escapes resolved), onPlaceholder
// for each well-formed placeholder, onMalformed for each malformed one (its text then stays
// literal). Every step moves forward, so even a hostile template costs linear time.
template <typename OnText, typename OnPlaceholder, typename OnMalformed>
void scanContent(std::string_view content, std::size_t message, OnText&& onText, OnPlaceholder&& onPlaceholder,
    OnMalformed&& onMalformed)
{
    const auto startsWith = [&](std::size_t offset, std::string_view prefix) {
        return offset <= content.size() && content.substr(offset).starts_with(prefix);
    };
    PositionCounter positions(content, message);
    std::size_t textStart = 0;
    const auto flushText = [&](std::size_t end) {
        if (end > textStart)
            onText(content.substr(textStart, end - textStart));
    };
    std::size_t i = 0;
    while (i < content.size()) {
        if (content[i] == '\\' && startsWith(i + 1, "{{")) {
            flushText(i); // the backslash is dropped, the two braces stay as text
            textStart = i + 1;
            i += 3;
            continue;
        }
        // In a run of three or more braces the last two open the placeholder, so JSON-like text
        // such as {"n":{{{x}}}} reads as {"n":{ + x + }}.
        if (!startsWith(i, "{{") || startsWith(i + 2, "{")) {
            ++i;
            continue;
        }
        const auto position = positions.at(i);
        auto end = i + 2;
        while (end < content.size() && (isNameCharacter(content[end]) || content[end] == ' '))
            ++end;
        if (startsWith(end, "}}")) {
            const auto name = trimSpaces(content.substr(i + 2, end - i - 2));
            if (isValidVariableName(name)) {
                flushText(i);
                onPlaceholder(name, position);
                textStart = end + 2;
            } else {
                onMalformed(MalformedPlaceholder{
                    name.empty() ? PlaceholderProblem::Empty : PlaceholderProblem::BadName, name, position});
            }
            i = end + 2;
        } else if (end == content.size() || content[end] == '\n' || content[end] == '\r') {
            onMalformed(MalformedPlaceholder{PlaceholderProblem::NotClosed, {}, position});
            i = end;
        } else {
            // Resume at the character, which may open the placeholder that was meant ({{a{{b}}).
            onMalformed(MalformedPlaceholder{PlaceholderProblem::UnexpectedCharacter, characterAt(content, end), position});
            i = end;
        }
    }
    flushText(content.size());
}

[[noreturn]] void throwMalformed(const MalformedPlaceholder& malformed)
{
    const auto where = "The placeholder at " + positionText(malformed.position);
    switch (malformed.problem) {
    case PlaceholderProblem::Empty:
        throw PromptTemplateError("bad_placeholder", where + " is empty: put a variable name between '{{' and '}}'.",
            {}, malformed.position);
    case PlaceholderProblem::BadName:
        throw PromptTemplateError("bad_placeholder",
            where + " names " + quotedExcerpt(malformed.text) + ", which is not a valid variable name: " + std::string(kNameRule),
            std::string(malformed.text), malformed.position);
    case PlaceholderProblem::NotClosed:
        throw PromptTemplateError("bad_placeholder",
            where + " is not closed: '}}' is missing before the end of the line." + std::string(kLiteralBracesHint), {},
            malformed.position);
    case PlaceholderProblem::UnexpectedCharacter:
        break;
    }
    throw PromptTemplateError("bad_placeholder",
        where + " has " + characterText(malformed.text) + " where a variable name or '}}' should be."
            + std::string(kLiteralBracesHint),
        {}, malformed.position);
}

VariableIndex checkDeclarations(const std::vector<PromptVariable>& variables)
{
    VariableIndex indexByName;
    for (std::size_t i = 0; i < variables.size(); ++i) {
        const auto& variable = variables[i];
        if (!isValidVariableName(variable.name))
            throw PromptTemplateError("invalid_template",
                "Variable name " + quotedExcerpt(variable.name) + " is not valid: " + std::string(kNameRule), variable.name);
        if (!indexByName.emplace(variable.name, i).second)
            throw PromptTemplateError("invalid_template", "Variable '" + variable.name + "' is declared twice.", variable.name);
        if (variable.defaultValue && !matchesType(*variable.defaultValue, variable.type))
            throw PromptTemplateError("invalid_template",
                "The default of variable '" + variable.name + "' must be " + std::string(expectedTypeText(variable.type))
                    + ", got " + std::string(givenTypeText(*variable.defaultValue)) + ".",
                variable.name);
    }
    return indexByName;
}

void checkMessages(const std::vector<PromptMessage>& messages, const VariableIndex& indexByName)
{
    if (messages.empty())
        throw PromptTemplateError("invalid_template", "A prompt template needs at least one message.");
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto& message = messages[i];
        if (message.role != "system" && message.role != "user" && message.role != "assistant")
            throw PromptTemplateError("invalid_template",
                "Message " + std::to_string(i + 1) + " has role " + quotedExcerpt(message.role)
                    + "; a template's messages are system, user or assistant.");
        scanContent(
            message.content, i, [](std::string_view) {},
            [&](std::string_view name, const PromptPosition& position) {
                if (!indexByName.contains(name))
                    throw PromptTemplateError("undeclared_variable",
                        "The placeholder at " + positionText(position) + " uses variable '" + std::string(name)
                            + "', which the template does not declare.",
                        std::string(name), position);
            },
            throwMalformed);
    }
}

// What each declared variable inserts, from `values` or its default. Throws for the first
// unknown, missing or mistyped value.
std::vector<std::string> resolveValues(
    const std::vector<PromptVariable>& variables, const VariableIndex& indexByName, const Json& values)
{
    if (!values.is_object())
        throw PromptTemplateError("invalid_variable_type",
            "The variables must be a JSON object of names to values, got " + std::string(givenTypeText(values)) + ".");
    for (const auto& [name, value] : values.items()) {
        if (!indexByName.contains(name))
            throw PromptTemplateError("unknown_variable", "Variable " + quotedExcerpt(name) + " is not declared by this template.", name);
    }
    std::vector<std::string> texts(variables.size());
    for (std::size_t i = 0; i < variables.size(); ++i) {
        const auto& variable = variables[i];
        const auto given = values.find(variable.name);
        if (given != values.end()) {
            if (!matchesType(*given, variable.type))
                throw PromptTemplateError("invalid_variable_type",
                    "Variable '" + variable.name + "' must be " + std::string(expectedTypeText(variable.type)) + ", got "
                        + std::string(givenTypeText(*given)) + ".",
                    variable.name);
            texts[i] = valueText(*given, variable.type);
        } else if (variable.defaultValue) {
            texts[i] = valueText(*variable.defaultValue, variable.type);
        } else if (variable.required) {
            throw PromptTemplateError("missing_variable", "Variable '" + variable.name + "' is required and was not given.",
                variable.name);
        } // an optional variable without a value or a default inserts ""
    }
    return texts;
}

// The output limit, checked before every append: the output never grows past it.
class OutputBudget {
public:
    explicit OutputBudget(std::size_t maxBytes)
        : m_maxBytes(maxBytes)
        , m_remaining(maxBytes)
    {
    }

    bool tryAppend(std::string& out, std::string_view piece)
    {
        if (piece.size() > m_remaining)
            return false;
        m_remaining -= piece.size();
        out += piece;
        return true;
    }

    // `doing` ends "The rendered prompt would be larger than its limit of N bytes when ...".
    [[noreturn]] void refuse(const std::string& doing, std::string_view variable = {},
        std::optional<PromptPosition> position = std::nullopt) const
    {
        throw PromptTemplateError("output_too_large",
            "The rendered prompt would be larger than its limit of " + std::to_string(m_maxBytes) + " bytes when " + doing
                + ".",
            std::string(variable), position);
    }

private:
    std::size_t m_maxBytes;
    std::size_t m_remaining;
};

} // namespace

PromptTemplateError::PromptTemplateError(
    std::string errorCode, const std::string& message, std::string variableName, std::optional<PromptPosition> where)
    : std::runtime_error(message)
    , code(std::move(errorCode))
    , variable(std::move(variableName))
    , position(where)
{
}

std::string_view promptVariableTypeName(PromptVariableType type)
{
    switch (type) {
    case PromptVariableType::String:
        return "string";
    case PromptVariableType::Number:
        return "number";
    case PromptVariableType::Integer:
        return "integer";
    case PromptVariableType::Boolean:
        return "boolean";
    case PromptVariableType::Json:
        return "json";
    }
    return "string";
}

std::optional<PromptVariableType> parsePromptVariableType(std::string_view name)
{
    for (const auto type : {PromptVariableType::String, PromptVariableType::Number, PromptVariableType::Integer,
             PromptVariableType::Boolean, PromptVariableType::Json}) {
        if (promptVariableTypeName(type) == name)
            return type;
    }
    return std::nullopt;
}

void validatePromptTemplate(const std::vector<PromptMessage>& messages, const std::vector<PromptVariable>& variables)
{
    checkMessages(messages, checkDeclarations(variables));
}

std::vector<PromptMessage> renderPrompt(const std::vector<PromptMessage>& messages,
    const std::vector<PromptVariable>& variables, const Json& values, const PromptRenderLimits& limits)
{
    const auto indexByName = checkDeclarations(variables);
    checkMessages(messages, indexByName);
    const auto texts = resolveValues(variables, indexByName, values);

    OutputBudget budget(limits.maxOutputBytes);
    std::vector<PromptMessage> rendered;
    rendered.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        std::string content;
        // Values are appended, never scanned: a value holding {{x}} stays that text.
        scanContent(
            messages[i].content, i,
            [&](std::string_view text) {
                if (!budget.tryAppend(content, text))
                    budget.refuse("copying the text of message " + std::to_string(i + 1));
            },
            [&](std::string_view name, const PromptPosition& position) {
                if (!budget.tryAppend(content, texts[indexByName.at(name)]))
                    budget.refuse("inserting variable '" + std::string(name) + "' at " + positionText(position), name, position);
            },
            throwMalformed);
        rendered.push_back(PromptMessage{messages[i].role, std::move(content)});
    }
    return rendered;
}

std::vector<std::string> promptPlaceholders(const std::vector<PromptMessage>& messages)
{
    std::vector<std::string> names;
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        scanContent(
            messages[i].content, i, [](std::string_view) {},
            [&](std::string_view name, const PromptPosition&) {
                if (seen.insert(name).second)
                    names.emplace_back(name);
            },
            [](const MalformedPlaceholder&) {});
    }
    return names;
}

} // namespace gatehouse
