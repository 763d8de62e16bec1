// Private to emu_http: state shared by the Server, its listeners and their connections, the
// connection entry points, and the pure Beast <-> emu::http conversions used per request.
// Everything here except ServerCore::open is touched on the I/O thread only.
#pragma once

#include "emulator/core/http/server.h"
#include "emulator/core/http/tls.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::http::internal {

class Connection;
struct ListenerContext;

// One listener's open connections, for its cap (Limits::max_connections).
struct ConnectionPool {
  size_t cap = 0;
  bool reserved = false;  // ListenerConfig::reserved
  size_t open = 0;
  std::list<Connection*> idle;  // idle connections, longest idle first
};

// A live connection, as the server sees it for shutdown and for the connection caps.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the socket and cancels timers; pending operations complete with errors. Releases
  // the connection's slot at once (ServerCore::release).
  virtual void abort() = 0;
  // The listener that accepted it (Server::remove_listener aborts that listener's connections).
  virtual const ListenerContext* listener_context() const = 0;

 private:
  friend struct ServerCore;
  ConnectionPool* pool_ = nullptr;  // set by ServerCore::admit; null once released
  bool idle_ = false;
  uint64_t idle_rank_ = 0;  // when it last became idle, in ServerCore::idle_clock ticks
  std::list<Connection*>::iterator idle_it_;
};

// Per-Server state. Outlives every connection (it is declared before the io_context).
struct ServerCore {
  explicit ServerCore(ServerDeps d) : deps(d) {}
  ServerDeps deps;
  std::atomic<size_t> open{0};         // connections holding a slot; any thread may read
  std::atomic<size_t> shed{0};         // connections shed or refused for the caps; any thread
  size_t budget = 0;                   // shared budget over non-reserved pools (set by start)
  size_t shared_open = 0;              // connections of non-reserved pools
  std::vector<ConnectionPool*> pools;  // every listener's pool (registered on the I/O thread)
  uint64_t idle_clock = 0;             // ticks once per set_idle(true)
  bool stopping = false;               // set by Server::stop on the I/O thread
  std::list<std::weak_ptr<Connection>> connections;

  // Makes room for one more connection in `pool`: within the pool's cap and, for a
  // non-reserved pool, within the shared budget, shedding (aborting) the longest-idle
  // connection where needed. False when there is no room and nothing idle to shed.
  bool make_room(ConnectionPool& pool);
  // Sheds the longest-idle connection of any non-reserved pool (else of any pool); false if
  // none is idle. Used when accept() runs out of descriptors.
  bool shed_any();
  // Takes a slot in `pool` for `c` (after make_room). The connection starts idle.
  void admit(Connection& c, ConnectionPool& pool);
  // Marks `c` idle (sheddable; it becomes the most recently idle) or busy. No-op once released.
  void set_idle(Connection& c, bool idle);
  // Gives the slot back. Idempotent.
  void release(Connection& c);
  static uint64_t idle_rank(const Connection* c) { return c->idle_rank_; }
  // RFC 7231 Date of the last whole virtual second formatted.
  int64_t date_second = INT64_MIN;
  std::string date_text;
  const std::string& http_date();
};

// One listener's configuration, shared by its connections, and its connection pool.
struct ListenerContext {
  ListenerConfig config;
  std::unique_ptr<TlsContexts> tls;  // null for plain HTTP
  std::unique_ptr<ConnectionPool> pool = std::make_unique<ConnectionPool>();
};

// Starts serving an accepted socket (TLS or plain, per `listener`).
void start_connection(ServerCore& core, std::shared_ptr<const ListenerContext> listener,
                      boost::asio::ip::tcp::socket socket);

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Incremental parse of one request under a listener's Limits: the parser every connection
// runs (session.cc) and the HTTP request fuzz target drives. One per request.
class RequestParser {
 public:
  enum class Step {
    kNeedMore,  // every byte of `buffer` is used; read more and call again
    kHead,      // the head is complete and within the limits, the body is not (yet): the
                // caller may answer "100 Continue", then calls again. Returned once.
    kDone,      // the whole request is parsed; message() has it
    kError,     // the request is refused with error_status(); the connection must close
  };
  explicit RequestParser(const Limits& limits);
  // Parses from the front of `buffer`, consuming the bytes used. Bytes of a later
  // (pipelined) request are left in `buffer`.
  Step parse(boost::beast::flat_buffer& buffer);
  // After kError: 400 malformed, 413 body too large, 414 request-target too long, 431 head
  // too large or too many fields, 505 a well-formed HTTP version other than 1.0 and 1.1.
  int error_status() const { return error_status_; }
  bool head_done() const { return parser_.is_header_done(); }
  // The request as parsed so far (method and target may be empty before the head is done).
  BeastRequest& message() { return parser_.get(); }
  // Version to answer with: the request's (1.0 or 1.1), 1.1 if unknown.
  unsigned answer_version() const;

 private:
  Step fail(int status);
  Step check_head();

  const Limits& limits_;
  boost::beast::http::request_parser<boost::beast::http::string_body> parser_;
  bool head_reported_ = false;
  int error_status_ = 0;
};

// Records one exchange in `journal` (a failure to record is swallowed: it must not fail the
// request). `status` 0 = reset without an answer. Moves what it keeps out of `req`.
void record_exchange(Journal& journal, TimePoint received, Request& req, int status,
                     Headers response_headers, size_t response_bytes, const std::string& fault_id);

// The answer to a request refused by RequestParser: "<reason>\n" as text, with close set.
Response refusal_response(int status);

// The request pipeline as a connection runs it, without I/O: the fault plan first, then the
// router. kDelay: a real-time clock must wait `delay` and then call route(); with a manual
// clock the delay is applied to the clock here and the router answers at once (kRespond).
struct PipelineStep {
  enum class Kind { kRespond, kReset, kDelay };
  Kind kind = Kind::kRespond;
  Response response;
  Duration delay{0};
  std::string fault_id;  // the fault rule that applied, if any
};
PipelineStep run_pipeline(const ServerDeps& deps, const Router& router, Request& req);
// The router's answer; a 500 if it throws after all (it should not).
Response route(const Router& router, Request& req);

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
