#include "http/WorkerPool.h"

#include <spdlog/spdlog.h>

namespace gatehouse {

WorkerPool::WorkerPool(int threads)
{
    const int count = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
    for (int i = 0; i < count; ++i) {
        // Concurrency hint 1: each context is run by exactly one thread, so Asio can skip locking.
        m_contexts.push_back(std::make_unique<asio::io_context>(1));
    }
}

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::start()
{
    for (auto& context : m_contexts) {
        m_guards.push_back(asio::make_work_guard(*context));
        m_threads.emplace_back([&ctx = *context] {
            try {
                ctx.run();
            } catch (const std::exception& error) {
                spdlog::critical("worker thread stopped by an unexpected exception: {}", error.what());
            }
        });
    }
}

void WorkerPool::stop()
{
    m_guards.clear();
    for (auto& context : m_contexts)
        context->stop();
    for (auto& thread : m_threads) {
        if (thread.joinable())
            thread.join();
    }
    m_threads.clear();
}

} // namespace gatehouse
