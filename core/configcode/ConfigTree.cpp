#include "configcode/ConfigTree.h"

#include "configcode/YamlText.h"
#include "text/PercentEncoding.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

namespace gatehouse {
namespace {

const std::array<ConfigKindInfo, 10> kKinds{{
    {ConfigKind::Tenant, "tenant", "tenants", {"name"}},
    {ConfigKind::Consumer, "consumer", "consumers", {"tenant", "name"}},
    {ConfigKind::Provider, "provider", "providers", {"name"}},
    {ConfigKind::Model, "model", "models", {"model"}},
    {ConfigKind::ModelAccess, "model_access", "access", {"model"}},
    {ConfigKind::Key, "key", "keys", {"prefix"}},
    {ConfigKind::Limit, "limit", "limits", {"scope", "id"}},
    {ConfigKind::Budget, "budget", "budgets", {"scope", "id", "period"}},
    // A price for any provider has no family: prices/<model>.yaml.
    {ConfigKind::Price, "price", "prices", {"provider", "model"}},
    {ConfigKind::Prompt, "prompt", "prompts", {"name"}},
}};

bool optionalIdentityMember(ConfigKind kind, std::string_view member)
{
    return kind == ConfigKind::Price && member == "provider";
}

// A name as one path segment: percent-encoded, and a leading '.' too (no hidden files).
std::string encodedSegment(const std::string& text)
{
    auto segment = percentEncode(text);
    if (segment.starts_with('.'))
        segment.replace(0, 1, "%2E");
    return segment;
}

// The identity members' values in path order; an optional one that is absent or "" is skipped.
std::vector<std::string> identityValues(const ConfigEntity& entity)
{
    std::vector<std::string> values;
    for (const auto* member : configKindInfo(entity.kind).identity) {
        const auto found = entity.body.find(member);
        if (found == entity.body.end() || !found->is_string() || found->get<std::string>().empty())
            continue;
        values.push_back(found->get<std::string>());
    }
    return values;
}

const ConfigKindInfo* kindOfDirectory(std::string_view directory)
{
    const auto found = std::find_if(kKinds.begin(), kKinds.end(), [&](const ConfigKindInfo& info) { return directory == info.directory; });
    return found == kKinds.end() ? nullptr : &*found;
}

Json manifestJson(const ConfigTree& tree)
{
    return {{"format", kConfigFormat}, {"keys", tree.keysIncluded ? "included" : "omitted"}};
}

} // namespace

std::span<const ConfigKindInfo> configKinds()
{
    return kKinds;
}

const ConfigKindInfo& configKindInfo(ConfigKind kind)
{
    return kKinds.at(static_cast<std::size_t>(kind));
}

SourcePosition ConfigEntity::positionOf(const std::string& field) const
{
    return source.positionOf(fieldPointer(field));
}

std::string configFilePath(const ConfigEntity& entity)
{
    std::string path = configKindInfo(entity.kind).directory;
    for (const auto& value : identityValues(entity))
        path += "/" + encodedSegment(value);
    return path + ".yaml";
}

bool isConfigTreePath(const std::string& path)
{
    if (path == kConfigManifestFile)
        return true;
    if (!path.ends_with(".yaml") || path.find('\\') != std::string::npos)
        return false;
    std::vector<std::string> segments;
    for (std::size_t start = 0;;) {
        const auto slash = path.find('/', start);
        segments.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    if (segments.size() < 2 || !kindOfDirectory(segments.front()))
        return false;
    return std::none_of(segments.begin(), segments.end(), [](const std::string& segment) { return segment.empty() || segment.starts_with('.'); });
}

std::map<std::string, std::string> configTreeFiles(const ConfigTree& tree)
{
    std::map<std::string, std::string> files;
    files[kConfigManifestFile] = yamlText(manifestJson(tree));
    for (const auto& entity : tree.entities)
        files[configFilePath(entity)] = yamlText(entity.body);
    return files;
}

std::string ConfigProblem::describe() const
{
    std::string where = file;
    if (!file.empty() && line > 0)
        where += ":" + std::to_string(line) + ":" + std::to_string(column);
    return where.empty() ? message : where + ": " + message;
}

Json toJson(const ConfigProblem& problem)
{
    return {{"file", problem.file}, {"line", problem.line}, {"column", problem.column}, {"message", problem.message}};
}

std::optional<std::string> configEntityName(ConfigKind kind, const Json& body, std::string* problem)
{
    const auto fail = [&](const std::string& message) -> std::optional<std::string> {
        if (problem)
            *problem = message;
        return std::nullopt;
    };
    if (!body.is_object())
        return fail(std::string("a ") + configKindInfo(kind).name + " file holds a mapping (key: value lines)");
    std::string name;
    for (const auto* member : configKindInfo(kind).identity) {
        const auto found = body.find(member);
        const bool absent = found == body.end() || found->is_null() || (found->is_string() && found->get<std::string>().empty());
        if (absent && optionalIdentityMember(kind, member)) {
            // "*/gpt-4o": any provider's price, never confused with a family's (families are lowercase names).
            name += (name.empty() ? "" : "/") + std::string("*");
            continue;
        }
        if (absent)
            return fail(std::string(member) + ": is required (it names the " + configKindInfo(kind).name + ")");
        if (!found->is_string())
            return fail(std::string(member) + ": must be text");
        name += (name.empty() ? "" : "/") + found->get<std::string>();
    }
    return name;
}

void sortConfigEntities(std::vector<ConfigEntity>& entities)
{
    std::stable_sort(entities.begin(), entities.end(),
        [](const ConfigEntity& a, const ConfigEntity& b) { return std::tie(a.kind, a.name) < std::tie(b.kind, b.name); });
}

ConfigReading readConfigTree(const std::map<std::string, std::string>& files)
{
    ConfigReading reading;
    const auto problem = [&](const std::string& file, SourcePosition position, const std::string& message) {
        reading.problems.push_back({file, position.line, position.column, message});
    };
    const auto manifest = files.find(kConfigManifestFile);
    if (manifest == files.end()) {
        problem("", {0, 0},
            std::string(kConfigManifestFile) + " is missing: this is not a Gatehouse configuration export (`gatehouse config export DIR` writes one)");
    } else {
        try {
            const auto document = readYamlDocument(manifest->second);
            const auto& value = document.value;
            if (!value.is_object() || value.value("format", Json()) != kConfigFormat)
                problem(manifest->first, document.positionOf("/format"),
                    std::string("format: must be ") + kConfigFormat + " (this gatehouse reads no other)");
            const auto keys = value.is_object() ? value.value("keys", Json("included")) : Json("included");
            if (keys != "included" && keys != "omitted")
                problem(manifest->first, document.positionOf("/keys"), "keys: must be included or omitted");
            reading.tree.keysIncluded = keys != "omitted";
            if (value.is_object()) {
                for (const auto& [member, ignored] : value.items()) {
                    if (member != "format" && member != "keys")
                        problem(manifest->first, document.positionOf("/" + member), member + ": is not a manifest setting (format, keys)");
                }
            }
        } catch (const YamlReadError& error) {
            problem(manifest->first, error.position(), error.what());
        }
    }

    std::map<std::pair<ConfigKind, std::string>, std::string> seen; // entity → the file that has it
    for (const auto& [path, text] : files) {
        const auto slash = path.find('/');
        const bool hidden = path.starts_with(".") || path.find("/.") != std::string::npos;
        if (slash == std::string::npos || hidden)
            continue; // a top-level file (README, .gitlab-ci.yml, the manifest), or hidden (.git, .gitkeep)
        const auto* kind = kindOfDirectory(std::string_view(path).substr(0, slash));
        if (!kind) {
            problem(path, {0, 0}, "'" + path.substr(0, slash) + "/' is not a directory of the configuration (" + [] {
                std::string names;
                for (const auto& info : kKinds)
                    names += (names.empty() ? "" : ", ") + std::string(info.directory) + "/";
                return names;
            }() + ")");
            continue;
        }
        if (!path.ends_with(".yaml")) {
            problem(path, {0, 0}, "only .yaml files belong in " + std::string(kind->directory) + "/");
            continue;
        }
        if (kind->kind == ConfigKind::Key && !reading.tree.keysIncluded) {
            problem(path, {0, 0}, std::string("the manifest says keys: omitted, so key files are not applied: remove keys/ or set keys: included in ")
                    + kConfigManifestFile);
            continue;
        }
        ConfigEntity entity;
        entity.kind = kind->kind;
        entity.file = path;
        try {
            entity.source = readYamlDocument(text);
        } catch (const YamlReadError& error) {
            problem(path, error.position(), error.what());
            continue;
        }
        entity.body = entity.source.value;
        std::string why;
        const auto name = configEntityName(kind->kind, entity.body, &why);
        if (!name) {
            problem(path, entity.source.positionOf(""), why);
            continue;
        }
        entity.name = *name;
        if (const auto expected = configFilePath(entity); expected != path) {
            problem(path, {0, 0}, std::string("this ") + kind->name + " '" + *name + "' belongs in " + expected
                    + " (each file is named after the entity it holds)");
            continue;
        }
        if (const auto [existing, added] = seen.emplace(std::pair{kind->kind, *name}, path); !added) {
            problem(path, {0, 0}, std::string("the ") + kind->name + " '" + *name + "' is also in " + existing->second);
            continue;
        }
        reading.tree.entities.push_back(std::move(entity));
    }
    sortConfigEntities(reading.tree.entities);
    return reading;
}

} // namespace gatehouse
