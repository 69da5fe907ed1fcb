#include "pricing/LiteLlmPrices.h"

#include "config/ConfigError.h"

#include <cctype>
#include <cmath>
#include <optional>
#include <set>

namespace gatehouse {
namespace {

// The modes priced per token, as the gateway prices calls.
const std::set<std::string, std::less<>> kTokenModes{"chat", "completion", "embedding", "responses"};

// LiteLLM's provider names for the families the gateway knows by provider kind; any other name is
// kept (lowercase) and matches OpenAI-compatible providers (docs/pricing.md).
std::string familyOf(const std::string& litellmProvider)
{
    if (litellmProvider == "openai" || litellmProvider == "text-completion-openai")
        return "openai";
    if (litellmProvider == "gemini")
        return "gemini";
    std::string family;
    for (const char c : litellmProvider) {
        const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        family += (std::isalnum(static_cast<unsigned char>(lower)) || lower == '-' || lower == '_') ? lower : '-';
    }
    return family;
}

// USD per token -> USD per million tokens, without the binary noise (2.5e-06 * 1e6 = 2.4999999999999996).
std::optional<double> perMillion(const Json& object, const char* key)
{
    const auto found = object.find(key);
    if (found == object.end() || !found->is_number())
        return std::nullopt;
    const double value = found->get<double>() * 1e6;
    if (!std::isfinite(value) || value < 0)
        return std::nullopt;
    return std::round(value * 1e9) / 1e9;
}

} // namespace

LiteLlmImport readLiteLlmPrices(const Json& document, const std::string& effectiveDate)
{
    if (!document.is_object())
        throw ConfigError("a LiteLLM price file is a JSON object of model ids, each with its prices");
    LiteLlmImport result;
    for (const auto& [id, spec] : document.items()) {
        if (id == "sample_spec")
            continue; // LiteLLM's description of the fields, not a model
        if (!spec.is_object()) {
            result.skipped.push_back(id + ": not an object");
            continue;
        }
        const auto mode = spec.value("mode", std::string("chat"));
        if (!kTokenModes.count(mode)) {
            result.skipped.push_back(id + ": mode " + mode + " is not priced per token");
            continue;
        }
        const auto input = perMillion(spec, "input_cost_per_token");
        if (!input) {
            result.skipped.push_back(id + ": no input_cost_per_token");
            continue;
        }
        const auto provider = spec.value("litellm_provider", std::string());
        PriceEntry entry;
        entry.provider = familyOf(provider);
        // "gemini/gemini-2.5-pro", "mistral/mistral-large-latest": the id the provider's API knows.
        const auto prefix = provider + "/";
        entry.model = !provider.empty() && id.rfind(prefix, 0) == 0 ? id.substr(prefix.size()) : id;
        entry.price.inputPerMillion = *input;
        entry.price.outputPerMillion = perMillion(spec, "output_cost_per_token").value_or(0.0); // embeddings have none
        entry.price.cachedInputPerMillion = perMillion(spec, "cache_read_input_token_cost");
        entry.price.cacheWritePerMillion = perMillion(spec, "cache_creation_input_token_cost");
        entry.source = spec.value("source", std::string("LiteLLM price file"));
        entry.effectiveDate = effectiveDate;
        entry.origin = PriceOrigin::Store;
        result.entries.push_back(std::move(entry));
    }
    return result;
}

} // namespace gatehouse
