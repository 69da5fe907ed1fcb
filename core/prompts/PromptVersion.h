// A managed prompt (docs/prompts.md): numbered, immutable versions of a chat template with its
// target model and parameters, and labels ("production", "staging", ...) that point at versions,
// one or several by weight (an A/B split). Moving a label is the deploy and the rollback.
#pragma once

#include "json/Json.h"
#include "prompts/PromptTemplate.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

class RandomSource;

// A request body field a version may set, and a caller may override where the version allows.
inline constexpr std::string_view kPromptParameters[] = {"temperature", "top_p", "max_tokens", "max_completion_tokens",
    "response_format", "tools", "tool_choice", "stop", "seed", "presence_penalty", "frequency_penalty"};

struct PromptVersion {
    int64_t version = 0; // 1, 2, ... per prompt
    std::string model;   // the public model it is sent to
    std::vector<PromptMessage> messages;
    std::vector<PromptVariable> variables;
    Json parameters = Json::object(); // a subset of kPromptParameters
    std::vector<std::string> overridable; // parameter names a caller may set per request
    std::string note;                     // what changed, in the author's words
    int64_t createdAtMs = 0;
    std::string createdBy;
};

// One version's share of a label's traffic.
struct PromptSplit {
    int64_t version = 0;
    int64_t weight = 1; // > 0
};

struct PromptLabel {
    std::string name;
    std::vector<PromptSplit> split; // one entry: the label points at that version
    int64_t updatedAtMs = 0;
};

struct Prompt {
    std::string name;
    std::string description;
    std::vector<PromptVersion> versions; // oldest first
    std::vector<PromptLabel> labels;     // by name
    int64_t createdAtMs = 0;

    const PromptVersion* version(int64_t number) const;
    const PromptLabel* label(std::string_view name) const;
};

// A refused prompt, version or label: `field` names the input at fault ("messages[1].content",
// "variables[0].type", "split", ...) and `code` the kind of problem, as the admin API answers it.
class PromptDefinitionError : public std::runtime_error {
public:
    PromptDefinitionError(std::string field, std::string code, const std::string& message)
        : std::runtime_error(message)
        , field(std::move(field))
        , code(std::move(code))
    {
    }
    std::string field;
    std::string code;
};

// Names of prompts and labels: [a-z0-9][a-z0-9._-]{0,63}. Nullopt when fine, else why not.
std::optional<std::string> promptNameProblem(std::string_view name);

// The version an admin submits, read from its JSON ({"model", "messages", "variables",
// "parameters", "overridable", "note"}) and checked: the template (validatePromptTemplate), the
// parameters and what may be overridden. Throws PromptDefinitionError.
PromptVersion readPromptVersion(const Json& body);
// Its JSON: the same fields plus "version", "created_at_ms", "created_by".
Json toJson(const PromptVersion& version);
Json toJson(const PromptSplit& split);
Json toJson(const PromptLabel& label);
// The prompt with its labels and the number of its latest version (not the versions themselves).
Json summaryJson(const Prompt& prompt);

// A label's split, read from [{"version": 3, "weight": 90}, ...] and checked against the versions
// `prompt` has: each named once, weights 1..1000000. Throws PromptDefinitionError.
std::vector<PromptSplit> readPromptSplit(const Json& split, const Prompt& prompt);

// The version of `label` a call gets. With a user id the choice is sticky: a hash of prompt,
// label and user picks the same version every time (until the weights change); without one it
// is drawn from `random`.
int64_t pickPromptVersion(const Prompt& prompt, const PromptLabel& label, std::string_view user, RandomSource& random);

} // namespace gatehouse
