// PriceTable: which entry prices a deployment (its provider family, then any provider; any family
// for an OpenAI-compatible server; a dated model id falls back to the undated one), the entry in
// force at a time (history by effective date), a later origin winning the same slot, and the
// shipped list prices: readable, sourced, one entry per slot.
#include "config/PriceSettings.h"
#include "pricing/PriceTable.h"

#include <QtTest>

#include <set>
#include <tuple>

using namespace gatehouse;

namespace {

PriceEntry entry(std::string provider, std::string model, double input, std::string date = "2025-01-01", PriceOrigin origin = PriceOrigin::Default)
{
    PriceEntry e;
    e.provider = std::move(provider);
    e.model = std::move(model);
    e.price = TokenPrice{input, input * 4};
    e.effectiveDate = std::move(date);
    e.origin = origin;
    return e;
}

int64_t at(const char* day)
{
    return *epochMsOfDay(day);
}

double inputAt(const PriceHistory* history, int64_t ms)
{
    if (!history)
        return -1;
    const auto* inForce = history->inForce(ms);
    return inForce ? inForce->price.inputPerMillion : -2;
}

} // namespace

class PriceTableTest : public QObject {
    Q_OBJECT

private slots:
    void findsByProviderFamily()
    {
        const PriceTable table({entry("openai", "gpt-4o", 2.5), entry("anthropic", "claude-sonnet-4-5", 3.0), entry("mistral", "mistral-large-latest", 2.0),
            entry("", "shared-model", 7.0)});
        const auto now = at("2026-01-01");
        QCOMPARE(inputAt(table.find(ProviderKind::OpenAi, "gpt-4o"), now), 2.5);
        QCOMPARE(inputAt(table.find(ProviderKind::AzureOpenAi, "gpt-4o"), now), 2.5);
        QCOMPARE(inputAt(table.find(ProviderKind::Anthropic, "claude-sonnet-4-5"), now), 3.0);
        QVERIFY(!table.find(ProviderKind::Anthropic, "gpt-4o"));       // another family's model
        QVERIFY(!table.find(ProviderKind::Gemini, "mistral-large-latest"));
        QCOMPARE(inputAt(table.find(ProviderKind::Gemini, "shared-model"), now), 7.0); // any provider
        // An OpenAI-compatible server (Mistral's API, a vLLM) matches any family's entry.
        QCOMPARE(inputAt(table.find(ProviderKind::OpenAiCompatible, "mistral-large-latest"), now), 2.0);
        QCOMPARE(inputAt(table.find(ProviderKind::OpenAiCompatible, "gpt-4o"), now), 2.5);
        QVERIFY(!table.find(ProviderKind::OpenAiCompatible, "llama3:8b"));
        QVERIFY(!table.find(ProviderKind::Mock, "gpt-4o")); // the mock is free
    }

    void datedModelIdsFallBackToTheUndatedEntry()
    {
        const PriceTable table({entry("openai", "gpt-4o", 2.5), entry("openai", "gpt-4o-2024-05-13", 5.0), entry("anthropic", "claude-sonnet-4-5", 3.0)});
        const auto now = at("2026-01-01");
        QCOMPARE(inputAt(table.find(ProviderKind::OpenAi, "gpt-4o-2024-08-06"), now), 2.5);
        QCOMPARE(inputAt(table.find(ProviderKind::OpenAi, "gpt-4o-2024-05-13"), now), 5.0); // its own entry first
        QCOMPARE(inputAt(table.find(ProviderKind::Anthropic, "claude-sonnet-4-5-20250929"), now), 3.0);
        QVERIFY(!table.find(ProviderKind::OpenAi, "gpt-4o-mini"));     // not a date: no fallback
        QVERIFY(!table.find(ProviderKind::OpenAi, "gpt-4o-2024-13"));  // not a whole date
    }

    void theEntryInForceFollowsTheEffectiveDates()
    {
        const PriceTable table({entry("openai", "o3", 10.0, "2025-04-16"), entry("openai", "o3", 2.0, "2025-06-10")});
        const auto* history = table.find(ProviderKind::OpenAi, "o3");
        QVERIFY(history);
        QCOMPARE(inputAt(history, at("2025-04-15")), 10.0);            // before the first: the first
        QCOMPARE(inputAt(history, at("2025-04-16")), 10.0);            // from 00:00 UTC of its day
        QCOMPARE(inputAt(history, at("2025-06-10") - 1), 10.0);        // the last millisecond before
        QCOMPARE(inputAt(history, at("2025-06-10")), 2.0);
        QCOMPARE(inputAt(history, at("2030-01-01")), 2.0);
    }

    void aLaterOriginWinsTheSameSlot()
    {
        const PriceTable table({entry("openai", "gpt-4o", 3.0, "2025-01-01", PriceOrigin::Store), entry("openai", "gpt-4o", 2.5),
            entry("openai", "gpt-4o", 2.75, "2025-01-01", PriceOrigin::File)});
        const auto entries = table.entries();
        QCOMPARE(entries.size(), std::size_t(1));
        QCOMPARE(entries[0].price.inputPerMillion, 3.0);
        QCOMPARE(entries[0].origin, PriceOrigin::Store);
        const PriceTable fileOverDefault({entry("openai", "gpt-4o", 2.75, "2025-01-01", PriceOrigin::File), entry("openai", "gpt-4o", 2.5)});
        QCOMPARE(fileOverDefault.entries()[0].price.inputPerMillion, 2.75);
    }

    void theShippedPricesAreReadableAndSourced()
    {
        const auto& shipped = PriceTable::defaults();
        QVERIFY2(shipped.size() >= 20, "the shipped table covers the common models");
        std::set<std::tuple<std::string, std::string, std::string>> seenSlots;
        std::set<std::string> families;
        for (const auto& price : shipped) {
            QVERIFY2(!price.source.empty(), price.model.c_str());
            QVERIFY2(price.source.starts_with("https://"), price.model.c_str());
            QVERIFY2(price.price.inputPerMillion > 0 || price.price.outputPerMillion > 0, price.model.c_str());
            QVERIFY2(seenSlots.insert({price.provider, price.model, price.effectiveDate}).second, price.model.c_str());
            QCOMPARE(price.origin, PriceOrigin::Default);
            families.insert(price.provider);
        }
        for (const auto* family : {"openai", "anthropic", "gemini", "mistral"})
            QVERIFY2(families.count(family) == 1, family);
        // The gateway prices these without any configuration.
        const PriceTable table(shipped);
        for (const auto& [kind, model] : {std::pair{ProviderKind::OpenAi, "gpt-4o"}, std::pair{ProviderKind::Anthropic, "claude-sonnet-4-5"},
                 std::pair{ProviderKind::Gemini, "gemini-2.5-flash"}, std::pair{ProviderKind::OpenAiCompatible, "mistral-large-latest"}})
            QVERIFY2(table.find(kind, model) && table.find(kind, model)->inForce(at("2026-12-05")), model);
    }

    void datesAreReadStrictly()
    {
        QVERIFY(epochMsOfDay("2025-02-28"));
        QVERIFY(!epochMsOfDay("2025-02-30"));
        QVERIFY(!epochMsOfDay("2025-2-28"));
        QVERIFY(!epochMsOfDay("2025-02-28x"));
        QVERIFY(!epochMsOfDay("today"));
        QCOMPARE(*epochMsOfDay("1970-01-02"), int64_t(86'400'000));
        QCOMPARE(isoDayOf(*epochMsOfDay("2026-12-05") + 86'399'999), std::string("2026-12-05"));
    }
};

QTEST_APPLESS_MAIN(PriceTableTest)
#include "PriceTableTest.moc"
