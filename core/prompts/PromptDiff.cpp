#include "prompts/PromptDiff.h"

#include <algorithm>
#include <cstdint>
#include <span>

namespace gatehouse {
namespace {

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            return lines;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

void append(std::vector<DiffLine>& out, char op, std::span<const std::string_view> lines)
{
    for (const auto line : lines)
        out.push_back({op, std::string(line)});
}

// The middle of two texts, whose first and last lines differ: matched by the longest common
// subsequence, from a table of the subsequence's length for every pair of suffixes.
void diffMiddle(std::span<const std::string_view> a, std::span<const std::string_view> b, std::vector<DiffLine>& out)
{
    if (a.empty() || b.empty() || a.size() * b.size() > kMaxLineDiffCells) {
        append(out, '-', a);
        append(out, '+', b);
        return;
    }
    const auto width = b.size() + 1;
    std::vector<uint32_t> common((a.size() + 1) * width, 0);
    const auto at = [&](std::size_t i, std::size_t j) -> uint32_t& { return common[i * width + j]; };
    for (std::size_t i = a.size(); i-- > 0;) {
        for (std::size_t j = b.size(); j-- > 0;)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) {
            out.push_back({' ', std::string(a[i++])});
            ++j;
        } else if (at(i + 1, j) >= at(i, j + 1)) {
            out.push_back({'-', std::string(a[i++])});
        } else {
            out.push_back({'+', std::string(b[j++])});
        }
    }
    append(out, '-', a.subspan(i));
    append(out, '+', b.subspan(j));
}

Json messageJson(const std::optional<PromptMessage>& message)
{
    return message ? Json{{"role", message->role}, {"content", message->content}} : Json(nullptr);
}

} // namespace

bool MessageDiff::changed() const
{
    return !from || !to || from->role != to->role || from->content != to->content;
}

std::vector<DiffLine> diffLines(std::string_view from, std::string_view to)
{
    const auto a = splitLines(from);
    const auto b = splitLines(to);
    std::size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    std::size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    std::vector<DiffLine> lines;
    append(lines, ' ', std::span(a).first(head));
    diffMiddle(std::span(a).subspan(head, a.size() - head - tail), std::span(b).subspan(head, b.size() - head - tail), lines);
    append(lines, ' ', std::span(a).last(tail));
    return lines;
}

PromptDiff diffPromptVersions(const PromptVersion& from, const PromptVersion& to)
{
    PromptDiff diff{from.version, to.version, {}, {}};
    const auto before = toJson(from);
    const auto after = toJson(to);
    for (const auto* field : {"model", "parameters", "overridable", "variables", "note"}) {
        if (before[field] != after[field])
            diff.changes.push_back({field, before[field], after[field]});
    }
    const auto count = std::max(from.messages.size(), to.messages.size());
    for (std::size_t index = 0; index < count; ++index) {
        MessageDiff message{index, {}, {}, {}};
        if (index < from.messages.size())
            message.from = from.messages[index];
        if (index < to.messages.size())
            message.to = to.messages[index];
        if (message.from && message.to) {
            message.lines = diffLines(message.from->content, message.to->content);
        } else {
            // A message only one side has: all of it removed, or all of it added.
            const auto& present = message.from ? *message.from : *message.to;
            append(message.lines, message.from ? '-' : '+', splitLines(present.content));
        }
        diff.messages.push_back(std::move(message));
    }
    return diff;
}

Json toJson(const PromptDiff& diff)
{
    Json changes = Json::array();
    for (const auto& change : diff.changes)
        changes.push_back({{"field", change.field}, {"from", change.from}, {"to", change.to}});
    Json messages = Json::array();
    for (const auto& message : diff.messages) {
        Json lines = Json::array();
        for (const auto& line : message.lines)
            lines.push_back({{"op", std::string(1, line.op)}, {"text", line.text}});
        messages.push_back({{"index", message.index}, {"from", messageJson(message.from)}, {"to", messageJson(message.to)},
            {"changed", message.changed()}, {"lines", std::move(lines)}});
    }
    return {{"from", diff.from}, {"to", diff.to}, {"changes", std::move(changes)}, {"messages", std::move(messages)}};
}

} // namespace gatehouse
