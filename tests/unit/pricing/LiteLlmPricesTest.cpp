// readLiteLlmPrices: LiteLLM's price file (USD per token) read into price table entries (USD per
// million): token-priced modes kept, others skipped and named, provider prefixes dropped from
// the model id, the cache prices carried, no binary noise in the converted numbers.
#include "config/ConfigError.h"
#include "pricing/LiteLlmPrices.h"

#include <QtTest>

using namespace gatehouse;

namespace {

const PriceEntry* find(const LiteLlmImport& imported, const std::string& provider, const std::string& model)
{
    for (const auto& entry : imported.entries) {
        if (entry.provider == provider && entry.model == model)
            return &entry;
    }
    return nullptr;
}

} // namespace

class LiteLlmPricesTest : public QObject {
    Q_OBJECT

private slots:
    void readsTokenPricedModels()
    {
        const auto document = Json::parse(R"json({
            "sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ...", "mode": "one of ..."},
            "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
                       "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06},
            "claude-sonnet-4-5": {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 3e-06,
                       "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07,
                       "cache_creation_input_token_cost": 3.75e-06},
            "gemini/gemini-2.5-flash": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 3e-07,
                       "output_cost_per_token": 2.5e-06},
            "mistral/mistral-large-latest": {"litellm_provider": "mistral", "input_cost_per_token": 2e-06,
                       "output_cost_per_token": 6e-06},
            "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 2e-08},
            "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation", "output_cost_per_image": 0.04},
            "broken": {"litellm_provider": "openai", "mode": "chat"},
            "not-an-object": 3
        })json");
        const auto imported = readLiteLlmPrices(document, "2026-12-01");

        QCOMPARE(imported.entries.size(), std::size_t(5));
        const auto* gpt = find(imported, "openai", "gpt-4o");
        QVERIFY(gpt);
        QCOMPARE(gpt->price.inputPerMillion, 2.5); // exactly, not 2.4999999999999996
        QCOMPARE(gpt->price.outputPerMillion, 10.0);
        QCOMPARE(*gpt->price.cachedInputPerMillion, 1.25);
        QVERIFY(!gpt->price.cacheWritePerMillion);
        QCOMPARE(gpt->effectiveDate, std::string("2026-12-01"));

        const auto* sonnet = find(imported, "anthropic", "claude-sonnet-4-5");
        QVERIFY(sonnet);
        QCOMPARE(*sonnet->price.cachedInputPerMillion, 0.3);
        QCOMPARE(*sonnet->price.cacheWritePerMillion, 3.75);

        QVERIFY(find(imported, "gemini", "gemini-2.5-flash"));       // "gemini/" dropped
        QVERIFY(find(imported, "mistral", "mistral-large-latest"));  // mode absent: chat
        const auto* embedding = find(imported, "openai", "text-embedding-3-small");
        QVERIFY(embedding);
        QCOMPARE(embedding->price.inputPerMillion, 0.02);
        QCOMPARE(embedding->price.outputPerMillion, 0.0);

        QCOMPARE(imported.skipped.size(), std::size_t(3)); // the image model, the one without a price, the non-object
        QVERIFY(imported.skipped[0].find("image_generation") != std::string::npos
            || imported.skipped[1].find("image_generation") != std::string::npos
            || imported.skipped[2].find("image_generation") != std::string::npos);
    }

    void refusesWhatIsNotAnObject()
    {
        QVERIFY_THROWS_EXCEPTION(ConfigError, readLiteLlmPrices(Json::array(), "2026-12-01"));
    }
};

QTEST_APPLESS_MAIN(LiteLlmPricesTest)
#include "LiteLlmPricesTest.moc"
