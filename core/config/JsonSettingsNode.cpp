#include "config/JsonSettingsNode.h"

namespace gatehouse {
namespace {

std::string typeName(const Json& value)
{
    if (value.is_null())
        return "null";
    if (value.is_number_float())
        return "a fractional number";
    if (value.is_number())
        return "a number";
    if (value.is_string())
        return "a string";
    if (value.is_boolean())
        return "a boolean";
    if (value.is_array())
        return "an array";
    return "an object";
}

} // namespace

JsonSettingsNode::JsonSettingsNode(const Json& object, std::string field)
    : m_object(object)
    , m_field(std::move(field))
{
    if (!m_object.is_object())
        fail({}, "expected an object, not " + typeName(m_object), SettingsProblem::WrongType);
}

std::vector<std::string> JsonSettingsNode::keys() const
{
    std::vector<std::string> names;
    for (const auto& [name, value] : m_object.items())
        names.push_back(name);
    return names;
}

bool JsonSettingsNode::has(std::string_view key) const
{
    return find(key) != nullptr;
}

std::string JsonSettingsNode::text(std::string_view key) const
{
    const auto& value = require(key);
    if (!value.is_string())
        fail(key, "expected a text value, not " + typeName(value), SettingsProblem::WrongType);
    return value.get<std::string>();
}

std::vector<std::string> JsonSettingsNode::texts(std::string_view key) const
{
    const auto& value = require(key);
    if (!value.is_array())
        return {text(key)};
    std::vector<std::string> values;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto where = std::string(key) + "[" + std::to_string(i) + "]";
        if (!value[i].is_string())
            fail(where, "expected a text value, not " + typeName(value[i]), SettingsProblem::WrongType);
        values.push_back(value[i].get<std::string>());
    }
    return values;
}

long long JsonSettingsNode::integer(std::string_view key, long long min, long long max) const
{
    const auto& value = require(key);
    if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX)))
        fail(key, "expected a whole number, not " + typeName(value), SettingsProblem::WrongType);
    const auto number = value.get<long long>();
    if (number < min || number > max)
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max), SettingsProblem::BadValue);
    return number;
}

bool JsonSettingsNode::boolean(std::string_view key) const
{
    const auto& value = require(key);
    if (!value.is_boolean())
        fail(key, "expected true or false, not " + typeName(value), SettingsProblem::WrongType);
    return value.get<bool>();
}

double JsonSettingsNode::number(std::string_view key) const
{
    const auto& value = require(key);
    if (!value.is_number())
        fail(key, "expected a number, not " + typeName(value), SettingsProblem::WrongType);
    return value.get<double>();
}

std::unique_ptr<SettingsNode> JsonSettingsNode::child(std::string_view key) const
{
    return std::make_unique<JsonSettingsNode>(require(key), field(key));
}

void JsonSettingsNode::forEach(std::string_view key, const std::function<void(const SettingsNode&)>& item) const
{
    const auto* list = find(key);
    if (!list)
        return;
    if (!list->is_array())
        fail(key, "expected a list, not " + typeName(*list), SettingsProblem::WrongType);
    for (std::size_t i = 0; i < list->size(); ++i)
        item(JsonSettingsNode((*list)[i], field(key) + "[" + std::to_string(i) + "]"));
}

void JsonSettingsNode::fail(std::string_view key, const std::string& problem, SettingsProblem kind) const
{
    const auto where = field(key);
    throw SettingsError(where, kind, (where.empty() ? std::string("body") : where) + ": " + problem);
}

const Json* JsonSettingsNode::find(std::string_view key) const
{
    const auto found = m_object.find(std::string(key));
    return found == m_object.end() || found->is_null() ? nullptr : &*found;
}

const Json& JsonSettingsNode::require(std::string_view key) const
{
    const auto* value = find(key);
    if (!value)
        fail(key, "is required", SettingsProblem::Missing);
    return *value;
}

std::string JsonSettingsNode::field(std::string_view key) const
{
    if (key.empty())
        return m_field;
    return m_field.empty() ? std::string(key) : m_field + "." + std::string(key);
}

} // namespace gatehouse
