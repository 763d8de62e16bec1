// HTTP(S) server: Boost.Beast + OpenSSL 3 on one io_context run by one I/O thread.
// Each listener has its own port, TLS settings, SNI certificates, optional client-certificate
// requirement, limits and Router. Every request passes through the FaultPlan, then the Router,
// then is recorded in the Journal. Beast types stay inside server.cc/session.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"
#include "emulator/core/status.h"

namespace emu::http {

// A certificate the listener presents when the client's SNI matches one of `host_names`
// (exact, case-insensitive; "*.example.com" matches one label). The first certificate of a
// listener is the default when SNI is absent or unknown.
struct SniCertificate {
  std::vector<std::string> host_names;
  std::string cert_chain_pem;  // leaf first, then intermediates
  std::string key_pem;
};

struct Limits {
  size_t header_limit = 16 * 1024;      // larger request head -> 431
  size_t body_limit = 8 * 1024 * 1024;  // larger body -> 413
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds read_timeout{30'000};   // a request must arrive within this
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive idle between requests
  std::chrono::milliseconds write_timeout{30'000};
};

struct ListenerConfig {
  std::string name;                       // journal/fault key, e.g. "arm", "admin"
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;                      // 0 = pick a free port
  bool tls = true;                        // false = plain HTTP (CRL distribution point)
  std::vector<SniCertificate> certificates;  // required when tls
  ClientCertMode client_cert = ClientCertMode::kNone;
  std::string client_ca_pem;  // roots trusted for client certificates
  std::string client_crl_pem; // optional CRLs; when set, client certificates are checked
  const Router* router = nullptr;  // required; must outlive the Server
  Limits limits;
};

// Shared seams; each must outlive the Server.
struct ServerDeps {
  Clock& clock;
  IdSource& ids;
  Journal& journal;
  FaultPlan& faults;
};

class Server {
 public:
  explicit Server(ServerDeps deps);
  ~Server();  // stops and joins the I/O thread
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listener now (so port() is known) and starts accepting once start() runs.
  // InvalidArgument on bad config or unusable PEM; Unavailable if the address can't be bound.
  Status add_listener(ListenerConfig config);
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emu::http
