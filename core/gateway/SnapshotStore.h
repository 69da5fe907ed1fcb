// Holds the current GatewaySnapshot. Readers take it without locks held for longer than a pointer
// copy; a config change swaps in a whole new snapshot, in-flight requests keep the old one.
#pragma once

#include <cstdint>

#include "gateway/GatewaySnapshot.h"

#include <atomic>

namespace gatehouse {

class SnapshotStore {
public:
    explicit SnapshotStore(SnapshotPtr initial) : m_current(std::move(initial)) {}
    SnapshotPtr current() const { return m_current.load(std::memory_order_acquire); }
    void replace(SnapshotPtr next)
    {
        m_current.store(std::move(next), std::memory_order_release);
        m_replacements.fetch_add(1, std::memory_order_relaxed);
    }
    // How many snapshots replaced the first: one per configuration change taken (a configuration
    // apply, however many entities it changes, is one).
    uint64_t replacements() const { return m_replacements.load(std::memory_order_relaxed); }

private:
    std::atomic<SnapshotPtr> m_current;
    std::atomic<uint64_t> m_replacements{0};
};

} // namespace gatehouse
