#include "configcode/YamlText.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <string_view>
#include <vector>

namespace gatehouse {
namespace {

// Words YAML 1.1 or 1.2 readers take for a boolean or a null, in any case.
bool isSpecialWord(std::string_view text)
{
    static constexpr std::array<std::string_view, 13> words{"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
        "nan", "inf", "none"};
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(words.begin(), words.end(), lower) != words.end();
}

// Plain only for identifier-like text starting with a letter or '_': it cannot read as a number,
// a date, a boolean, a null, an alias, a tag or anything else.
bool isPlainSafe(std::string_view text)
{
    if (text.empty() || isSpecialWord(text))
        return false;
    const auto first = static_cast<unsigned char>(text.front());
    if (!std::isalpha(first) && first != '_')
        return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::isalnum(u) || c == '_' || c == '-' || c == '.' || c == '/' || c == '@';
    });
}

std::string doubleQuoted(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (u < 0x20 || u == 0x7f) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
                out += escaped;
            } else {
                out += c; // UTF-8 as it is
            }
        }
    }
    return out + "\"";
}

// The lines of `text`, split at '\n' (a final '\n' ends one more, empty, line).
std::vector<std::string_view> linesOf(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string_view::npos; end = text.find('\n', start)) {
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    lines.push_back(text.substr(start));
    return lines;
}

// A multi-line text as a literal block when every line reads back exactly: no tabs or carriage
// returns, no line starting with a space (it would set the indentation), no trailing spaces.
bool fitsLiteralBlock(std::string_view text)
{
    if (text.find('\n') == std::string_view::npos || text.find_first_of("\t\r") != std::string_view::npos)
        return false;
    if (text.find_first_not_of('\n') == std::string_view::npos)
        return false; // only line breaks: a block of empty lines reads back as ""
    for (const auto line : linesOf(text)) {
        if (!line.empty() && (line.front() == ' ' || line.back() == ' '))
            return false;
    }
    // A text ending in two or more newlines needs "keep" chomping and trailing empty lines: quoted.
    return !(text.size() >= 2 && text.substr(text.size() - 2) == "\n\n");
}

std::string literalBlock(std::string_view text, int indent)
{
    const bool endsInNewline = !text.empty() && text.back() == '\n';
    std::string out = endsInNewline ? "|" : "|-";
    if (endsInNewline)
        text.remove_suffix(1);
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    for (const auto line : linesOf(text))
        out += "\n" + (line.empty() ? std::string() : pad + std::string(line));
    return out;
}

std::string numberText(const Json& value)
{
    if (value.is_number_integer())
        return value.is_number_unsigned() ? std::to_string(value.get<uint64_t>()) : std::to_string(value.get<int64_t>());
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value.get<double>());
    std::string text(buffer, error == std::errc() ? end : buffer);
    // A whole double keeps its ".0", so it reads back as a double, not an integer.
    if (text.find_first_of(".eE") == std::string::npos && text.find_first_of("ni") == std::string::npos)
        text += ".0";
    if (text == "inf")
        return ".inf";
    if (text == "-inf")
        return "-.inf";
    if (text == "nan" || text == "-nan")
        return ".nan";
    return text;
}

std::string scalarText(const Json& value, int indent)
{
    if (value.is_null())
        return "null";
    if (value.is_boolean())
        return value.get<bool>() ? "true" : "false";
    if (value.is_number())
        return numberText(value);
    const auto& text = value.get_ref<const std::string&>();
    if (isPlainSafe(text))
        return text;
    if (fitsLiteralBlock(text))
        return literalBlock(text, indent);
    return doubleQuoted(text);
}

bool isEmptyContainer(const Json& value)
{
    return (value.is_object() || value.is_array()) && value.empty();
}

void writeValue(std::string& out, const Json& value, int indent);

// A key and its value; `indent` is the key's column.
void writeMember(std::string& out, const std::string& key, const Json& value, int indent)
{
    out += std::string(static_cast<std::size_t>(indent), ' ') + (isPlainSafe(key) ? key : doubleQuoted(key)) + ":";
    if (value.is_object() && !value.empty()) {
        out += "\n";
        writeValue(out, value, indent + 2);
    } else if (value.is_array() && !value.empty()) {
        out += "\n";
        writeValue(out, value, indent); // a sequence under a key sits at the key's column
    } else {
        out += " " + (isEmptyContainer(value) ? std::string(value.is_object() ? "{}" : "[]") : scalarText(value, indent + 2)) + "\n";
    }
}

void writeValue(std::string& out, const Json& value, int indent)
{
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (value.is_object()) {
        for (const auto& [key, member] : value.items())
            writeMember(out, key, member, indent);
        return;
    }
    for (const auto& item : value) {
        if (item.is_object() && !item.empty()) {
            // "- " then the first member on the same line, the others under it.
            std::string members;
            writeValue(members, item, indent + 2);
            out += pad + "- " + members.substr(static_cast<std::size_t>(indent) + 2);
        } else if (item.is_array() && !item.empty()) {
            out += pad + "-\n";
            writeValue(out, item, indent + 2);
        } else {
            out += pad + "- " + (isEmptyContainer(item) ? std::string(item.is_object() ? "{}" : "[]") : scalarText(item, indent + 2)) + "\n";
        }
    }
}

} // namespace

std::string yamlText(const Json& value)
{
    if (isEmptyContainer(value))
        return value.is_object() ? "{}\n" : "[]\n";
    if (!value.is_object() && !value.is_array())
        return scalarText(value, 2) + "\n";
    std::string out;
    writeValue(out, value, 0);
    return out;
}

} // namespace gatehouse
