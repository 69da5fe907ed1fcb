#include "pricing/PriceTable.h"

#include "config/ConfigError.h"
#include "config/JsonSettingsNode.h"
#include "config/PriceSettings.h"
#include "gatehouse/DefaultPrices.h"

#include <algorithm>
#include <cctype>

namespace gatehouse {
namespace {

// "gpt-4o-2024-08-06" -> "gpt-4o", "claude-sonnet-4-5-20250929" -> "claude-sonnet-4-5"; "" when
// the id carries no date.
std::string_view withoutDateSuffix(std::string_view model)
{
    const auto digitsAt = [&](std::size_t from, std::size_t count) {
        return std::all_of(model.begin() + static_cast<std::ptrdiff_t>(from), model.begin() + static_cast<std::ptrdiff_t>(from + count),
            [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    };
    const auto n = model.size();
    if (n > 11 && model[n - 11] == '-' && model[n - 6] == '-' && model[n - 3] == '-' && digitsAt(n - 10, 4) && digitsAt(n - 5, 2)
        && digitsAt(n - 2, 2))
        return model.substr(0, n - 11);
    if (n > 9 && model[n - 9] == '-' && digitsAt(n - 8, 8))
        return model.substr(0, n - 9);
    return {};
}

} // namespace

void PriceHistory::add(const PriceEntry& entry, int64_t effectiveFromMs)
{
    const auto at = std::upper_bound(m_effectiveFromMs.begin(), m_effectiveFromMs.end(), effectiveFromMs);
    const auto index = at - m_effectiveFromMs.begin();
    if (index > 0 && m_effectiveFromMs[static_cast<std::size_t>(index - 1)] == effectiveFromMs) {
        // The same day again: the later origin (file over default, store over file) wins.
        auto& existing = m_entries[static_cast<std::size_t>(index - 1)];
        if (entry.origin >= existing.origin)
            existing = entry;
        return;
    }
    m_entries.insert(m_entries.begin() + index, entry);
    m_effectiveFromMs.insert(at, effectiveFromMs);
}

const PriceEntry* PriceHistory::inForce(int64_t epochMs) const
{
    if (m_entries.empty())
        return nullptr;
    // Before its first date a model costs its first known price: a list price is recorded on the
    // day it was read, and the calls of the day before cost the same.
    const auto after = std::upper_bound(m_effectiveFromMs.begin(), m_effectiveFromMs.end(), epochMs);
    if (after == m_effectiveFromMs.begin())
        return &m_entries.front();
    return &m_entries[static_cast<std::size_t>(after - m_effectiveFromMs.begin() - 1)];
}

namespace {

std::vector<PriceEntry> readShippedPrices()
{
    const auto document = Json::parse(kDefaultPricesJson, nullptr, false);
    if (!document.is_object() || !document.contains("models") || !document["models"].is_array())
        throw ConfigError("the shipped price table (resources/prices/default-prices.json) is not a JSON object with a models list");
    std::vector<PriceEntry> entries;
    const JsonSettingsNode root(document, "default-prices.json");
    root.forEach("models", [&](const SettingsNode& item) { entries.push_back(readPriceEntry(item, PriceOrigin::Default, "1970-01-01")); });
    return entries;
}

} // namespace

const std::vector<PriceEntry>& PriceTable::defaults()
{
    static const std::vector<PriceEntry> shipped = readShippedPrices(); // read once per process
    return shipped;
}

PriceTable::PriceTable(const std::vector<PriceEntry>& entries)
{
    for (const auto& entry : entries) {
        if (const auto from = epochMsOfDay(entry.effectiveDate))
            m_byProvider[entry.provider][entry.model].add(entry, *from);
    }
}

const PriceHistory* PriceTable::findExact(ProviderKind kind, std::string_view model) const
{
    const auto lookIn = [&](std::string_view family) -> const PriceHistory* {
        const auto provider = m_byProvider.find(family);
        if (provider == m_byProvider.end())
            return nullptr;
        const auto found = provider->second.find(model);
        return found == provider->second.end() ? nullptr : &found->second;
    };
    if (kind == ProviderKind::Mock)
        return nullptr;
    if (kind == ProviderKind::OpenAiCompatible) {
        // Whatever family lists the model: Mistral's API, DeepSeek's and others speak OpenAI's.
        if (const auto* any = lookIn(""))
            return any;
        for (const auto& [family, models] : m_byProvider) {
            if (const auto found = models.find(model); found != models.end())
                return &found->second;
        }
        return nullptr;
    }
    if (const auto* own = lookIn(priceFamilyOf(kind)))
        return own;
    return lookIn("");
}

const PriceHistory* PriceTable::find(ProviderKind kind, std::string_view upstreamModel) const
{
    if (const auto* exact = findExact(kind, upstreamModel))
        return exact;
    const auto undated = withoutDateSuffix(upstreamModel);
    return undated.empty() ? nullptr : findExact(kind, undated);
}

std::vector<PriceEntry> PriceTable::entries() const
{
    std::vector<PriceEntry> all;
    for (const auto& [family, models] : m_byProvider) {
        for (const auto& [model, history] : models)
            all.insert(all.end(), history.entries().begin(), history.entries().end());
    }
    return all;
}

std::string_view priceFamilyOf(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::OpenAi:
    case ProviderKind::AzureOpenAi:
        return "openai";
    case ProviderKind::Anthropic:
        return "anthropic";
    case ProviderKind::Gemini:
        return "gemini";
    case ProviderKind::OpenAiCompatible:
    case ProviderKind::Mock:
        return "";
    }
    return "";
}

} // namespace gatehouse
