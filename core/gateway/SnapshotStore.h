// Holds the current GatewaySnapshot. Readers take it without locks held for longer than a pointer
// copy; a config change swaps in a whole new snapshot, in-flight requests keep the old one.
#pragma once

#include "gateway/GatewaySnapshot.h"

#include <atomic>

namespace gatehouse {

class SnapshotStore {
public:
    explicit SnapshotStore(SnapshotPtr initial) : m_current(std::move(initial)) {}
    SnapshotPtr current() const { return m_current.load(std::memory_order_acquire); }
    void replace(SnapshotPtr next) { m_current.store(std::move(next), std::memory_order_release); }

private:
    std::atomic<SnapshotPtr> m_current;
};

} // namespace gatehouse
