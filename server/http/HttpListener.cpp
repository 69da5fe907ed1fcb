#include "http/HttpListener.h"

#include "logging/Logging.h"

namespace gatehouse {

void logEscapedException(std::exception_ptr error, const char* where)
{
    if (!error)
        return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        componentLogger("server")->error("{}: unexpected exception: {}", where, e.what());
    } catch (...) {
        componentLogger("server")->error("{}: unexpected non-standard exception", where);
    }
}

HttpListener::HttpListener(WorkerPool& workers, const HostPort& address, std::shared_ptr<SessionSharedState> state, std::string name)
    : m_workers(workers)
    , m_acceptor(workers.context(0))
    , m_state(std::move(state))
    , m_name(std::move(name))
{
    error_code ec;
    const auto ip = asio::ip::make_address(address.host == "localhost" ? "127.0.0.1" : address.host, ec);
    if (ec)
        throw std::runtime_error(m_name + ": '" + address.host + "' is not an IP address (use e.g. 127.0.0.1 or ::1)");
    const tcp::endpoint endpoint(ip, address.port);
    m_acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        m_acceptor.bind(endpoint, ec);
    if (!ec)
        m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error(m_name + ": cannot listen on " + address.toString() + ": " + ec.message());
    m_bound = {address.host, m_acceptor.local_endpoint().port()};
}

void HttpListener::start()
{
    asio::co_spawn(m_acceptor.get_executor(), acceptLoop(), [](std::exception_ptr e) { logEscapedException(e, "accept loop"); });
}

void HttpListener::stopAccepting()
{
    asio::post(m_acceptor.get_executor(), [this] {
        error_code ignored;
        m_acceptor.close(ignored);
    });
}

Awaitable<void> HttpListener::acceptLoop()
{
    for (;;) {
        const auto worker = m_workers.nextIndex();
        error_code ec;
        auto socket = co_await m_acceptor.async_accept(m_workers.context(worker), asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !m_acceptor.is_open())
            co_return;
        if (ec) {
            // Typically EMFILE: keep serving the connections we have; accept again on the next turn.
            componentLogger("server")->warn("{}: accept failed: {}", m_name, ec.message());
            asio::steady_timer pause(m_acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        m_accepted.fetch_add(1, std::memory_order_relaxed);
        asio::co_spawn(socket.get_executor(), runHttpSession(std::move(socket), worker, m_state),
            [](std::exception_ptr e) { logEscapedException(e, "session"); });
    }
}

} // namespace gatehouse
