// What changed between two versions of a prompt (GET /admin/v1/prompts/{name}/diff): the fields
// that differ, and each message's text as a line diff (the longest common subsequence of lines).
#pragma once

#include "json/Json.h"
#include "prompts/PromptVersion.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

// One line of a line diff: kept (' '), removed ('-') or added ('+').
struct DiffLine {
    char op = ' ';
    std::string text;
};

// A field of the version other than its messages that differs, with its JSON on each side.
struct FieldChange {
    std::string field; // model, parameters, overridable, variables or note
    Json from;
    Json to;
};

// The messages at one index: absent on a side where there is no message there.
struct MessageDiff {
    std::size_t index = 0;
    std::optional<PromptMessage> from;
    std::optional<PromptMessage> to;
    std::vector<DiffLine> lines; // the content, line by line, from `from` to `to`
    bool changed() const;
};

struct PromptDiff {
    int64_t from = 0;
    int64_t to = 0;
    std::vector<FieldChange> changes;  // only the fields that differ
    std::vector<MessageDiff> messages; // every index either side has, in order
};

// Above this many cells (lines × lines, after the common start and end are set aside) the middle
// is shown as removed, then added, instead of being matched: the table grows with the product.
inline constexpr std::size_t kMaxLineDiffCells = std::size_t(1) << 21;

// The lines of `from` and `to` (split at '\n'; "" is one empty line) as kept, removed and added
// lines: a shortest edit, the removals before the additions where both happen at one place.
std::vector<DiffLine> diffLines(std::string_view from, std::string_view to);

PromptDiff diffPromptVersions(const PromptVersion& from, const PromptVersion& to);

// {"from", "to", "changes": [{"field","from","to"}], "messages": [{"index","from","to","changed","lines"}]}.
Json toJson(const PromptDiff& diff);

} // namespace gatehouse
