// Private to emu_http: state shared by the Server, its listeners and their connections, the
// connection entry points, and the pure Beast <-> emu::http conversions used per request.
// Everything here except ServerCore::open is touched on the I/O thread only.
#pragma once

#include "emulator/core/http/server.h"
#include "emulator/core/http/tls.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

namespace emu::http::internal {

// A live connection, as the server sees it for shutdown.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the socket and cancels timers; pending operations complete with errors.
  virtual void abort() = 0;
};

// Per-Server state. Outlives every connection (it is declared before the io_context).
struct ServerCore {
  explicit ServerCore(ServerDeps d) : deps(d) {}
  ServerDeps deps;
  std::atomic<size_t> open{0};  // connections alive; any thread may read
  bool stopping = false;        // set by Server::stop on the I/O thread
  std::list<std::weak_ptr<Connection>> connections;
  // RFC 7231 Date of the last whole virtual second formatted.
  int64_t date_second = INT64_MIN;
  std::string date_text;
  const std::string& http_date();
};

// One listener's immutable configuration, shared by its connections.
struct ListenerContext {
  ListenerConfig config;
  std::unique_ptr<TlsContexts> tls;  // null for plain HTTP
};

// Starts serving an accepted socket (TLS or plain, per `listener`).
void start_connection(ServerCore& core, std::shared_ptr<const ListenerContext> listener,
                      boost::asio::ip::tcp::socket socket);

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(TimePoint t);
// Host header value without port (and without IPv6 brackets), lower case.
std::string host_without_port(std::string_view host_header);
// Moves `msg` into `out` (method, target, path/query split and decoded query, headers, body,
// host); the server-side fields (listener, sni, tls, cert, request_id) are left alone.
void to_request(BeastRequest&& msg, Request& out);
// Builds the wire response: status (500 if out of range), reason, handler headers, Server and
// Date unless the handler set them, Content-Length, keep-alive. `head` keeps the length but
// sends no body. The handler's body is moved; its headers are copied.
void to_beast_response(Response& resp, unsigned version, bool keep_alive, bool head,
                       const std::string& date, BeastResponse& out);

}  // namespace emu::http::internal
