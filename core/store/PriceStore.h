// Price table entries set through the admin API and the CLI (docs/pricing.md), over the shipped
// list prices and next to the config file's `prices:`. Each entry is checked with the file's own
// reader (readPriceEntry); every change writes one audit entry in its transaction and bumps
// meta.policy_generation, so a gateway on the same data directory picks it up as it does limits.
// Whether the config file declares the same entry is the caller's to check: it knows the file.
#pragma once

#include "json/Json.h"
#include "pricing/PriceEntry.h"
#include "store/Database.h"
#include "store/GovernanceStore.h"
#include "store/PolicyStore.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

struct StoredPrice {
    PriceEntry entry; // origin Store
    int64_t updatedAtMs = 0;
};

// The entry's JSON with "origin": "store" and "updated_at_ms".
Json toJson(const StoredPrice& price);

// How the audit log names one: "openai/gpt-4o/2026-01-01" ("*" for any provider).
std::string priceEntityId(const PriceEntry& entry);

// Which entry: provider family ("" for any), model and effective day.
struct PriceSlot {
    std::string provider;
    std::string model;
    std::string effectiveDate;
};

class PriceStore {
public:
    using Clock = std::function<int64_t()>; // epoch milliseconds
    explicit PriceStore(Database& db, Clock clock = {});

    std::vector<StoredPrice> list(); // by provider, model, effective day
    std::optional<StoredPrice> find(const PriceSlot& slot);

    // Changes, each in one transaction: entity type "price", actions price.create|update|delete,
    // and for an import one price.import entry counting what it added and replaced. An entry the
    // rules refuse is a GovernanceError Invalid naming the field; deleting one that is not stored,
    // NotFound.
    PutResult<StoredPrice> put(GovernanceStore& audit, const Change& change, const PriceEntry& entry);
    StoredPrice remove(GovernanceStore& audit, const Change& change, const PriceSlot& slot);
    struct ImportCounts {
        std::size_t created = 0;
        std::size_t updated = 0;
    };
    ImportCounts importEntries(GovernanceStore& audit, const Change& change, const std::vector<PriceEntry>& entries);

private:
    // Writes one entry (checked already); true when it replaced one of the same slot.
    bool upsert(const PriceEntry& entry, int64_t updatedAtMs);

    Database& m_db;
    Clock m_clock;
};

} // namespace gatehouse
