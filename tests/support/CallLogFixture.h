// What the call log's unit tests share: a fresh data directory with a migrated database, and
// records written into it by a real call-record writer (so the writer's columns, rollups and
// payloads are what the readers under test read back).
#pragma once

#include "TemporaryDataDirectory.h"
#include "calls/CallRecordWriter.h"
#include "store/Database.h"

#include <vector>

class CallLogFixture {
public:
    CallLogFixture()
        : m_database(m_dir.databasePath())
    {
    }

    gatehouse::Database& database() { return m_database; }
    std::string databasePath() const { return m_dir.databasePath(); }

    // Writes every record (in batches of `batchSize`) and waits for them; false if one was dropped.
    bool write(const std::vector<gatehouse::CallRecord>& records, std::size_t batchSize = 500)
    {
        gatehouse::CallRecordWriter writer(m_dir.databasePath(), 100000, batchSize);
        for (const auto& record : records)
            writer.submit(gatehouse::CallRecord(record));
        writer.flush();
        return writer.counters().written == records.size();
    }

private:
    TemporaryDataDirectory m_dir;
    gatehouse::Database m_database;
};
