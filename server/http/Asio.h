// The Boost.Asio/Beast names the server uses, in one place.
#pragma once

#include <utility> // Boost 1.74 awaitable.hpp uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace gatehouse {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;
template<typename T>
using Awaitable = boost::asio::awaitable<T>;
} // namespace gatehouse
