#include "store/PriceStore.h"

#include "config/JsonSettingsNode.h"
#include "config/PriceSettings.h"
#include "logging/Logging.h"

#include <chrono>

namespace gatehouse {
namespace {

// What is about to be stored must read back the same: the file's reader on its JSON, its refusal
// as the store's.
PriceEntry checkedEntry(const PriceEntry& entry)
{
    const auto json = toJson(entry);
    try {
        return readPriceEntry(JsonSettingsNode(json), PriceOrigin::Store, entry.effectiveDate);
    } catch (const SettingsError& error) {
        throw GovernanceError(GovernanceErrorKind::Invalid, error.what(), error.field());
    }
}

constexpr const char* kPriceColumns = "SELECT provider, model, effective_date, input_per_million, output_per_million, "
                                      "cached_input_per_million, cache_write_per_million, source, note, updated_at_ms FROM prices";

// Rows as entries, read back with the file's rules; a row they refuse now (written by hand, or by
// a later version) is left out with a warning rather than priced with.
std::vector<StoredPrice> readPrices(Statement& query)
{
    std::vector<StoredPrice> prices;
    while (query.step()) {
        Json entry{{"provider", query.columnText(0)}, {"model", query.columnText(1)}, {"effective_date", query.columnText(2)},
            {"input_per_million", query.columnReal(3)}, {"output_per_million", query.columnReal(4)}, {"source", query.columnText(7)},
            {"note", query.columnText(8)}};
        for (const auto& [key, column] : {std::pair{"cached_input_per_million", 5}, std::pair{"cache_write_per_million", 6}}) {
            if (!query.columnIsNull(column))
                entry[key] = query.columnReal(column);
        }
        try {
            prices.push_back({readPriceEntry(JsonSettingsNode(entry), PriceOrigin::Store, ""), query.columnInt(9)});
        } catch (const SettingsError& error) {
            componentLogger("store")->warn("a stored price is left out: {} ({})", error.what(), entry.dump());
        }
    }
    return prices;
}

void bindOptional(Statement& statement, int index, const std::optional<double>& value)
{
    if (value)
        statement.bindReal(index, *value);
    else
        statement.bindNull(index);
}

} // namespace

Json toJson(const StoredPrice& price)
{
    auto json = toJson(price.entry, true);
    json["updated_at_ms"] = price.updatedAtMs;
    return json;
}

std::string priceEntityId(const PriceEntry& entry)
{
    return (entry.provider.empty() ? std::string("*") : entry.provider) + "/" + entry.model + "/" + entry.effectiveDate;
}

PriceStore::PriceStore(Database& db, Clock clock)
    : m_db(db)
    , m_clock(clock ? std::move(clock) : Clock(systemNowMs))
{
}

std::vector<StoredPrice> PriceStore::list()
{
    auto query = m_db.prepare(std::string(kPriceColumns) + " ORDER BY provider, model, effective_date");
    return readPrices(query);
}

std::optional<StoredPrice> PriceStore::find(const PriceSlot& slot)
{
    auto query = m_db.prepare(std::string(kPriceColumns) + " WHERE provider = ? AND model = ? AND effective_date = ?");
    query.bind(1, slot.provider).bind(2, slot.model).bind(3, slot.effectiveDate);
    auto prices = readPrices(query);
    return prices.empty() ? std::nullopt : std::optional<StoredPrice>(std::move(prices.front()));
}

bool PriceStore::upsert(const PriceEntry& entry, int64_t updatedAtMs)
{
    const bool existed = find({entry.provider, entry.model, entry.effectiveDate}).has_value();
    auto statement = m_db.prepare("INSERT OR REPLACE INTO prices(provider, model, effective_date, input_per_million, output_per_million, "
                                  "cached_input_per_million, cache_write_per_million, source, note, updated_at_ms) "
                                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    statement.bind(1, entry.provider).bind(2, entry.model).bind(3, entry.effectiveDate);
    statement.bindReal(4, entry.price.inputPerMillion).bindReal(5, entry.price.outputPerMillion);
    bindOptional(statement, 6, entry.price.cachedInputPerMillion);
    bindOptional(statement, 7, entry.price.cacheWritePerMillion);
    statement.bind(8, entry.source).bind(9, entry.note).bind(10, updatedAtMs).step();
    return existed;
}

PutResult<StoredPrice> PriceStore::put(GovernanceStore& audit, const Change& change, const PriceEntry& entry)
{
    requireActor(change);
    PutResult<StoredPrice> result{{checkedEntry(entry), m_clock()}, false};
    inTransaction(m_db, [&] {
        const auto& stored = result.entry.entry;
        const auto before = find({stored.provider, stored.model, stored.effectiveDate});
        result.created = !upsert(stored, result.entry.updatedAtMs);
        bumpPolicyGeneration(m_db);
        audit.appendAudit(change, before ? "price.update" : "price.create", "price", priceEntityId(stored),
            before ? toJson(*before) : Json(nullptr), toJson(result.entry));
    });
    return result;
}

StoredPrice PriceStore::remove(GovernanceStore& audit, const Change& change, const PriceSlot& slot)
{
    requireActor(change);
    StoredPrice deleted;
    inTransaction(m_db, [&] {
        const auto before = find(slot);
        if (!before)
            throw GovernanceError(GovernanceErrorKind::NotFound,
                "no stored price of '" + slot.model + "'" + (slot.provider.empty() ? "" : " (" + slot.provider + ")") + " from "
                    + slot.effectiveDate);
        deleted = *before;
        m_db.prepare("DELETE FROM prices WHERE provider = ? AND model = ? AND effective_date = ?")
            .bind(1, slot.provider)
            .bind(2, slot.model)
            .bind(3, slot.effectiveDate)
            .step();
        bumpPolicyGeneration(m_db);
        audit.appendAudit(change, "price.delete", "price", priceEntityId(deleted.entry), toJson(deleted), nullptr);
    });
    return deleted;
}

PriceStore::ImportCounts PriceStore::importEntries(GovernanceStore& audit, const Change& change, const std::vector<PriceEntry>& entries)
{
    requireActor(change);
    std::vector<PriceEntry> checked;
    checked.reserve(entries.size());
    for (const auto& entry : entries)
        checked.push_back(checkedEntry(entry)); // all or nothing: a bad entry refuses the whole import
    ImportCounts counts;
    inTransaction(m_db, [&] {
        const auto now = m_clock();
        for (const auto& entry : checked)
            ++(upsert(entry, now) ? counts.updated : counts.created);
        bumpPolicyGeneration(m_db);
        // One audit entry for the whole file: thousands of rows would drown the log.
        audit.appendAudit(change, "price.import", "price", "import", nullptr,
            Json{{"imported", checked.size()}, {"created", counts.created}, {"updated", counts.updated}});
    });
    return counts;
}

} // namespace gatehouse
