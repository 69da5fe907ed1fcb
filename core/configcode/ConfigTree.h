// The configuration export as data (issue 8, docs/config-as-code.md): the gateway's managed
// configuration as entities, one YAML file each, in a directory tree a Git repository keeps.
//
//   gatehouse-export.yaml              the manifest: format, whether keys are included
//   tenants/<name>.yaml                consumers/<tenant>/<name>.yaml
//   providers/<name>.yaml              models/<model>.yaml
//   access/<model>.yaml                (access mode, auto-approve, the consumers granted)
//   keys/<prefix>.yaml                 (hash and prefix: never a key)
//   limits/<scope>/<id>.yaml           budgets/<scope>/<id>/<period>.yaml
//   prices/<model>.yaml                prices/<family>/<model>.yaml
//   prompts/<name>.yaml                (versions and labels)
//
// Each path segment is the entity's name with every byte outside [A-Za-z0-9._~-] (and a leading
// '.') written as %XX, so any name has exactly one file and the file names it.
#pragma once

#include "configcode/YamlDocument.h"
#include "json/Json.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace gatehouse {

// In the order an apply creates them: each may refer to the kinds before it (a prune deletes in
// the reverse order).
enum class ConfigKind { Tenant, Consumer, Provider, Model, ModelAccess, Key, Limit, Budget, Price, Prompt };

struct ConfigKindInfo {
    ConfigKind kind;
    const char* name;      // "model_access": how plans and errors name the kind
    const char* directory; // "access"
    // The body's members that name the entity, in path order ("scope", "id", "period").
    std::vector<const char*> identity;
};
std::span<const ConfigKindInfo> configKinds();
const ConfigKindInfo& configKindInfo(ConfigKind kind);

// One entity: its body is what the file holds.
struct ConfigEntity {
    ConfigKind kind = ConfigKind::Tenant;
    // Its identity members joined by '/': "acme/app", "tenant/acme/monthly"; a price for any
    // provider is "*/gpt-4o".
    std::string name;
    Json body;
    // Where it was read from (empty for an exported entity).
    std::string file;
    YamlDocument source;

    // Where the field named as the admin API names fields ("deployments[0].provider") is written.
    SourcePosition positionOf(const std::string& field) const;
};

inline constexpr const char* kConfigManifestFile = "gatehouse-export.yaml";
inline constexpr const char* kConfigFormat = "gatehouse-config/1";

struct ConfigTree {
    // Keys are exported as hash and prefix, or left out (`--without-keys`): then an apply neither
    // creates nor revokes keys.
    bool keysIncluded = true;
    std::vector<ConfigEntity> entities; // by kind, then name: the order files are written and applied
};

// "providers/openai.yaml" for the entity.
std::string configFilePath(const ConfigEntity& entity);

// A path an export may hold: the manifest, or a .yaml file inside one of the tree's directories,
// relative, without empty, "." or ".." segments or hidden names. What the CLI and `gitlab push`
// accept from a gateway's answer before writing anything (a path is never trusted to stay inside).
bool isConfigTreePath(const std::string& path);

// Every file of the tree: path → YAML text (the manifest included), byte-identical for the same tree.
std::map<std::string, std::string> configTreeFiles(const ConfigTree& tree);

// A problem with the files, where it is: every error validate, plan and apply report.
struct ConfigProblem {
    std::string file; // "" for the tree as a whole
    int line = 0;     // 0: the file as a whole
    int column = 0;
    std::string message;

    std::string describe() const; // "models/gpt.yaml:3:5: deployments[0].provider: no provider ..."
};
Json toJson(const ConfigProblem& problem);

struct ConfigReading {
    ConfigTree tree;
    std::vector<ConfigProblem> problems; // empty: the tree is well-formed (the gateway's rules come next)
};

// Reads the files of a tree: path (with '/') → text. Files outside the tree's directories are left
// alone at the top level (a README, the .gitlab-ci.yml) and refused inside them; every problem is
// reported, not just the first.
ConfigReading readConfigTree(const std::map<std::string, std::string>& files);

// The entity's identity from its body, or a problem naming the member.
std::optional<std::string> configEntityName(ConfigKind kind, const Json& body, std::string* problem = nullptr);

// Sorts by kind, then name (the tree's order).
void sortConfigEntities(std::vector<ConfigEntity>& entities);

} // namespace gatehouse
