// HTTP(S) server: Boost.Beast + OpenSSL 3 on one io_context run by one I/O thread.
// Each listener has its own port, TLS settings, SNI certificates, optional client-certificate
// requirement, limits and Router. Every request passes through the FaultPlan, then the Router,
// then is recorded in the Journal. Beast types stay inside server.cc/session.cc.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"
#include "emulator/core/status.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace emu::http {

// A certificate the listener presents when the client's SNI matches one of `host_names`
// (exact, case-insensitive; "*.example.com" matches one label). The first certificate of a
// listener is the default when SNI is absent or unknown.
struct SniCertificate {
  std::vector<std::string> host_names;
  std::string cert_chain_pem;  // leaf first, then intermediates
  std::string key_pem;
};

// Per-listener limits. A request that breaks one is answered (status below, "Connection:
// close") and recorded in the journal; a deadline that passes closes the connection silently.
// Deadlines are totals for their phase, never extended by each byte received (slowloris).
struct Limits {
  size_t header_limit = 16 * 1024;                      // larger request head -> 431
  size_t header_count_limit = 100;                      // more header (or trailer) fields -> 431
  size_t target_limit = 8 * 1024;                       // longer request-target -> 414
  size_t body_limit = 8 * 1024 * 1024;                  // larger body -> 413
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS handshake, from accept
  // A request's head must arrive within header_timeout and the whole request (head and body)
  // within read_timeout, both counted from its first byte on a keep-alive connection, or from
  // the start of the wait on a new one.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive idle between requests
  std::chrono::milliseconds write_timeout{30'000};
  // Connections open at once on this listener. A new connection at the cap sheds the
  // listener's longest-idle connection (one waiting for its first bytes, TLS handshake
  // included, or a keep-alive one waiting for its next request); with none idle it is closed.
  size_t max_connections = 256;
};

struct ListenerConfig {
  std::string name;  // journal/fault key, e.g. "arm", "admin"
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;                         // 0 = pick a free port
  bool tls = true;                           // false = plain HTTP (CRL distribution point)
  std::vector<SniCertificate> certificates;  // required when tls
  ClientCertMode client_cert = ClientCertMode::kNone;
  std::string client_ca_pem;       // roots trusted for client certificates
  std::string client_crl_pem;      // optional CRLs; when set, client certificates are checked
  const Router* router = nullptr;  // required; must outlive the Server
  Limits limits;
  // A reserved listener's connections (bounded by its own limits.max_connections) do not
  // draw on the Server's shared budget, so floods on other listeners never starve it (the
  // admin API).
  bool reserved = false;
};

struct ServerOptions {
  // Connections open at once over all non-reserved listeners; at the budget a new connection
  // sheds the longest-idle one of any of them. 0 = connection_budget(soft RLIMIT_NOFILE, caps
  // of the reserved listeners), computed by start().
  size_t max_connections = 0;
};

// Descriptors kept free for everything but served connections (stores, files, outgoing HTTP).
inline constexpr size_t kFdReserve = 128;
// The shared connection budget a process with `fd_limit` descriptors affords: fd_limit minus
// kFdReserve minus `reserved_caps` (the reserved listeners' own caps), at least 16.
size_t connection_budget(uint64_t fd_limit, size_t reserved_caps);

// Shared seams; each must outlive the Server.
struct ServerDeps {
  Clock& clock;
  IdSource& ids;
  Journal& journal;
  FaultPlan& faults;
};

class Server {
 public:
  explicit Server(ServerDeps deps, ServerOptions options = {});
  ~Server();  // stops and joins the I/O thread
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listener now (so port() is known) and starts accepting once start() runs.
  // InvalidArgument on bad config or unusable PEM; Unavailable if the address can't be bound.
  Status add_listener(ListenerConfig config);
  // Removes listener `name`: it stops accepting, its acceptor is closed (its port refuses
  // connections from when this returns) and its open connections are aborted. add_listener
  // may bind the same name and port again afterwards (SO_REUSEADDR). Thread-safe; from
  // another thread it waits until the I/O thread has done it. NotFound if there is none.
  Status remove_listener(const std::string& name);
  // The bound port of listener `name`, or 0 if there is none.
  uint16_t port(const std::string& name) const;
  // Starts the I/O thread. REQUIRES: not already started.
  Status start();
  // Stops accepting, closes connections, joins the I/O thread. Idempotent.
  void stop();
  // Runs `fn` on the I/O thread and waits for it (so code outside the I/O thread can touch
  // handler state safely). If the server is not running, runs `fn` on the calling thread.
  // An exception thrown by `fn` is rethrown on the calling thread.
  void run_on_io(const std::function<void()>& fn);
  // Number of connections currently open (for tests and the health endpoint).
  size_t open_connections() const;
  // Connections shed (closed while idle) or refused (closed on accept) to stay within the caps.
  size_t shed_connections() const;
  // The shared budget in force (ServerOptions::max_connections, or derived by start()).
  size_t connection_budget() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs `req` through the pipeline a connection runs — the fault plan (by req.listener), then
// `router` — and records it in deps.journal, without a socket: how the Lab's intranet delivers
// a site system's request to another party in-process. The caller fills what the server
// would: method, target, path, query_string, query, headers, body, listener, host, sni, tls,
// client_cert and request_id. A delay fault is not waited for: a manual clock advances by it
// (as for a socket request), a real-time one does not, and the router answers at once.
// A reset fault or a handler's reset_connection is Unavailable("connection reset"); any other
// answer (a fault's status included) is returned. Call on the I/O thread (handlers run there).
Result<Response> dispatch_in_process(const ServerDeps& deps, const Router& router, Request& req);

}  // namespace emu::http
