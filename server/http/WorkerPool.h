// N worker threads, each running its own io_context: a connection lives on one worker for its
// whole life, so per-connection and per-worker state (upstream pools) needs no locks.
#pragma once

#include "http/Asio.h"

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace gatehouse {

class WorkerPool {
public:
    explicit WorkerPool(int threads); // 0 = one per core
    ~WorkerPool();

    std::size_t size() const { return m_contexts.size(); }
    asio::io_context& context(std::size_t index) { return *m_contexts[index]; }
    // Round-robin choice of the worker for a new connection.
    std::size_t nextIndex() { return m_next.fetch_add(1, std::memory_order_relaxed) % m_contexts.size(); }

    void start();
    // Stops every context and joins the threads; the contexts (and what is pending on them) live on
    // until the pool is destroyed, so per-worker state holding their sockets can be cleared first.
    void stop();

private:
    std::vector<std::unique_ptr<asio::io_context>> m_contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> m_guards;
    std::vector<std::thread> m_threads;
    std::atomic<std::size_t> m_next{0};
};

} // namespace gatehouse
