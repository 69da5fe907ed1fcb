#include "configcode/YamlDocument.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace gatehouse {
namespace {

SourcePosition positionOf(const YAML::Mark& mark)
{
    return {mark.line >= 0 ? mark.line + 1 : 1, mark.column >= 0 ? mark.column + 1 : 1};
}

std::string escapedPointerToken(const std::string& key)
{
    std::string token;
    for (const char c : key) {
        if (c == '~')
            token += "~0";
        else if (c == '/')
            token += "~1";
        else
            token += c;
    }
    return token;
}

// A plain (unquoted) scalar resolves as in YAML 1.2's core schema; a quoted one or a block is text.
Json scalarJson(const YAML::Node& node)
{
    const auto& text = node.Scalar();
    if (node.Tag() != "?")
        return text;
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    const bool looksNumeric = text.find_first_not_of("0123456789+-.eE") == std::string::npos;
    if (looksNumeric) {
        // YAML writes "+1", ".5" and "-.5" where JSON needs "1", "0.5" and "-0.5".
        auto json = text.starts_with('+') ? text.substr(1) : text;
        if (json.starts_with('.'))
            json.insert(0, "0");
        else if (json.starts_with("-."))
            json.insert(1, "0");
        const auto number = Json::parse(json, nullptr, false);
        if (number.is_number())
            return number;
    }
    return text;
}

class Converter {
public:
    explicit Converter(YamlDocument& document)
        : m_document(document)
    {
    }

    Json convert(const YAML::Node& node, const std::string& pointer, int depth = 0)
    {
        const auto position = positionOf(node.Mark());
        if (depth > kMaxDepth)
            throw YamlReadError("nested deeper than " + std::to_string(kMaxDepth) + " levels", position);
        if (++m_values > kMaxValues)
            throw YamlReadError("more than " + std::to_string(kMaxValues) + " values in one file", position);
        // An alias is the node of its anchor again (the same mark): expanding aliases of aliases
        // would grow a few hundred bytes into billions of values. The export writes none.
        if ((node.IsMap() || node.IsSequence()) && !m_collections.emplace(position.line, position.column).second)
            throw YamlReadError("an alias (*name) of a mapping or list: write the values out (anchors and aliases are not read)", position);
        m_document.positions.emplace(pointer, position);
        switch (node.Type()) {
        case YAML::NodeType::Map: {
            Json object = Json::object();
            std::set<std::string> seen;
            for (const auto& member : node) {
                if (!member.first.IsScalar())
                    throw YamlReadError("a key must be text", positionOf(member.first.Mark()));
                const auto& key = member.first.Scalar();
                if (!seen.insert(key).second)
                    throw YamlReadError("the key '" + key + "' is given twice", positionOf(member.first.Mark()));
                object[key] = convert(member.second, pointer + "/" + escapedPointerToken(key), depth + 1);
            }
            return object;
        }
        case YAML::NodeType::Sequence: {
            Json array = Json::array();
            for (const auto& item : node)
                array.push_back(convert(item, pointer + "/" + std::to_string(array.size()), depth + 1));
            return array;
        }
        case YAML::NodeType::Scalar:
            return scalarJson(node);
        default:
            return nullptr;
        }
    }

private:
    // Far beyond any entity's file (a prompt with long messages is a few hundred values).
    static constexpr int kMaxDepth = 32;
    static constexpr std::size_t kMaxValues = 100000;

    YamlDocument& m_document;
    std::size_t m_values = 0;
    std::set<std::pair<int, int>> m_collections; // where each mapping and list read so far starts
};

} // namespace

SourcePosition YamlDocument::positionOf(std::string_view pointer) const
{
    for (std::string candidate(pointer);; candidate.erase(candidate.rfind('/'))) {
        if (const auto found = positions.find(candidate); found != positions.end())
            return found->second;
        if (candidate.empty())
            return {};
    }
}

YamlDocument readYamlDocument(const std::string& text)
{
    YamlDocument document;
    try {
        const auto documents = YAML::LoadAll(text);
        if (documents.size() > 1)
            throw YamlReadError("a second YAML document ('---'): a file holds one entity", positionOf(documents[1].Mark()));
        if (!documents.empty())
            document.value = Converter(document).convert(documents.front(), "");
        else
            document.positions.emplace("", SourcePosition{});
    } catch (const YAML::Exception& error) {
        throw YamlReadError(error.msg, positionOf(error.mark));
    }
    return document;
}

std::string fieldPointer(std::string_view field)
{
    std::string pointer;
    std::string token;
    const auto flush = [&] {
        if (!token.empty())
            pointer += "/" + escapedPointerToken(token);
        token.clear();
    };
    // Inside brackets a '.' is part of the name: "labels[v1.2].split" names the label v1.2.
    bool bracketed = false;
    for (const char c : field) {
        if (c == '[' || c == ']') {
            flush();
            bracketed = c == '[';
        } else if (c == '.' && !bracketed) {
            flush();
        } else {
            token += c;
        }
    }
    flush();
    return pointer;
}

} // namespace gatehouse
