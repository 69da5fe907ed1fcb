// A YAML file of the configuration export read back as JSON, remembering where each value was
// written, so that every error about it can name the file's line and column (issue 8,
// docs/config-as-code.md). yaml-cpp parses; scalars resolve as YAML 1.2's core schema does (what
// yamlText writes reads back as the same JSON); a key given twice in one mapping is an error here
// (yaml-cpp keeps one of them silently), and so is a second document in the file, an alias of a
// mapping or list (expanding aliases of aliases is how a small file becomes billions of values; the
// export writes none), more than 32 levels of nesting or 100000 values.
#pragma once

#include "json/Json.h"

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gatehouse {

struct SourcePosition {
    int line = 1;   // 1-based
    int column = 1; // 1-based
};

// A file that is not YAML, or not what the export writes (a key that is not text, a key twice, a
// second document): the message and where.
class YamlReadError : public std::runtime_error {
public:
    YamlReadError(const std::string& message, SourcePosition position)
        : std::runtime_error(message)
        , m_position(position)
    {
    }
    SourcePosition position() const { return m_position; }

private:
    SourcePosition m_position;
};

struct YamlDocument {
    Json value;
    // Where each value starts, by its JSON pointer ("" for the whole document, "/deployments/0/provider").
    std::map<std::string, SourcePosition, std::less<>> positions;

    // Where the value at `pointer` is written; for one that is not (a missing key), where the
    // nearest enclosing value is.
    SourcePosition positionOf(std::string_view pointer) const;
};

// Throws YamlReadError. An empty file is a null document.
YamlDocument readYamlDocument(const std::string& text);

// "deployments[0].provider" (how the admin API's errors name a field) as a JSON pointer
// ("/deployments/0/provider"). A bracketed name may hold dots: "labels[v1.2]" is "/labels/v1.2".
std::string fieldPointer(std::string_view field);

} // namespace gatehouse
