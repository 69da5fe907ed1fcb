// Prompt templates (issue 7, docs/prompts.md "Templates"): chat messages with {{variable}}
// placeholders, checked when a version is created and rendered strictly: no expressions, no
// recursive expansion, typed variables, a bounded output.
#pragma once

#include "json/Json.h"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

enum class PromptVariableType { String, Number, Integer, Boolean, Json };

// "string", "number", "integer", "boolean", "json": the names the admin API and the console use.
std::string_view promptVariableTypeName(PromptVariableType type);
// The inverse of promptVariableTypeName, exact (lower case) names only.
std::optional<PromptVariableType> parsePromptVariableType(std::string_view name);

struct PromptVariable {
    std::string name;
    PromptVariableType type = PromptVariableType::String;
    bool required = true;
    std::optional<Json> defaultValue; // used when the caller gives no value; must match `type`
    std::string description;
};

struct PromptMessage {
    std::string role; // system, user or assistant
    std::string content;
};

// Where a placeholder starts (its "{{"). Columns count Unicode code points, not bytes, so they
// match what an editor shows; the error text says "message 2" for message index 1.
struct PromptPosition {
    std::size_t message = 0; // 0-based index into the template's messages
    std::size_t line = 1; // 1-based
    std::size_t column = 1; // 1-based, in code points
};

// Why a template was refused or could not be rendered. `code` is one of bad_placeholder,
// undeclared_variable, missing_variable, invalid_variable_type, unknown_variable,
// output_too_large, invalid_template; what() is a plain English sentence naming the variable and,
// where there is one, the position ("message 2, line 3, column 14").
class PromptTemplateError : public std::runtime_error {
public:
    PromptTemplateError(std::string code, const std::string& message, std::string variable = {},
        std::optional<PromptPosition> position = std::nullopt);

    std::string code;
    std::string variable; // "" when the problem is not about one variable
    std::optional<PromptPosition> position;
};

struct PromptRenderLimits {
    // The rendered messages' contents together, in bytes (roles not counted).
    std::size_t maxOutputBytes = 1 << 20;
};

// Checks a template when a version is created: at least one message, roles system|user|assistant,
// declarations valid (names [A-Za-z_][A-Za-z0-9_]{0,63}, unique, defaults of their type), every
// placeholder well-formed and declared. Throws PromptTemplateError for the first problem found:
// the declarations in order, then each message's role and content in order.
void validatePromptTemplate(const std::vector<PromptMessage>& messages, const std::vector<PromptVariable>& variables);

// Renders a template with `values`, a JSON object of variable names to values. Validates the
// template first (a preview may render a draft that was never saved). Throws PromptTemplateError:
// invalid_variable_type when `values` is not an object or a value is not of its variable's type;
// unknown_variable for a name the template does not declare; missing_variable for a required
// variable with no value and no default; output_too_large as soon as the output would pass
// `limits`. An optional variable with no value and no default renders as "".
std::vector<PromptMessage> renderPrompt(const std::vector<PromptMessage>& messages,
    const std::vector<PromptVariable>& variables, const Json& values, const PromptRenderLimits& limits = {});

// The variable names a template's placeholders use, in order of first use, each once (the
// console's variables panel and the version diff). Never throws: malformed placeholders are
// skipped, so a draft can be listed while it is being typed; validatePromptTemplate reports them.
std::vector<std::string> promptPlaceholders(const std::vector<PromptMessage>& messages);

} // namespace gatehouse
