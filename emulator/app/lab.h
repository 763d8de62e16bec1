// Lab: the single place that wires every emulated party to its listeners.
// It owns the shared seams (clock, ids, journal, faults), the lab PKI, the stores, the
// Server and the action registry that scenarios use. `cmgemu serve` and `cmgemu run` both
// drive a Lab; tests create one in-process.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/server.h"
#include "emulator/core/status.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace emu {
class IdSource;
class Journal;
class FaultPlan;
class ActionRegistry;
class DnsZone;
class ListenerHost;
class Intranet;
}  // namespace emu

namespace emu::aad {
class TokenValidator;
}

namespace emu::app {

struct LabOptions {
  uint64_t seed = 1;
  bool realtime_clock = false;  // false: manual virtual clock (scenarios)
  std::string start_time;       // ISO 8601; "" = kDefaultVirtualStart (manual) or now
  std::string state_dir;        // "" = every store in memory
  std::string pki_dir;          // lab CA and certificates; created if missing
  // Where parties write their log files (site-server logs, ...): "" = "<state_dir>/logs" for a
  // persistent lab, else in memory only.
  std::string logs_dir;
  std::string bind_address = "127.0.0.1";
  size_t journal_capacity = 10000;              // entries
  size_t journal_max_bytes = 64 * 1024 * 1024;  // all entries together (JournalLimits)
  // Admin API access (core/admin_api.h). A token, when set, is required from every admin
  // request ("Authorization: Bearer <token>"). A lab bound beyond loopback without one gets a
  // random token (admin_token() tells it), so no one on the network drives it unasked.
  std::string admin_token;
  // Host names the admin API answers for besides localhost, 127.0.0.1 and ::1 (the bind
  // address, when it is not a wildcard, is added).
  std::vector<std::string> admin_hosts;
  std::vector<std::string> cmg_names;  // extra server-certificate names (CMG service names)
  // Fixed ports by listener name ("aad" -> 443); listeners not named here take a free port.
  // Dynamic listeners (ListenerHost) count too: "cmg-<service name>" pins that CMG, and "cmg"
  // pins the first CMG listener opened (a dynamic listener keeps its port across close/open).
  std::map<std::string, uint16_t> ports;
  // Limits of every listener. The admin listener is reserved (http::ListenerConfig::reserved)
  // and keeps its own connection cap, kAdminMaxConnections, so floods never starve it.
  http::Limits listener_limits;
  // http::ServerOptions::max_connections over the party listeners (0 = from the fd limit).
  size_t max_connections = 0;
  // Emulated clients share this many SMS signing keys (0: one key per client); for labs of
  // thousands of clients (emulator/client/README.md).
  size_t client_signing_key_pool = 0;
};

// True for an address that only this machine reaches: 127.0.0.0/8, ::1 (or ::ffff:127.x.x.x).
bool is_loopback_address(const std::string& address);

inline constexpr size_t kAdminMaxConnections = 64;

// A named endpoint clients reach. `host` is the real-world name a client sends as Host/SNI
// (e.g. "management.azure.com"); `address`:`port` is where it really listens.
struct Endpoint {
  std::string name;
  std::string scheme;  // "https" or "http"
  std::string host;
  std::string address;
  uint16_t port = 0;
  std::string url() const;  // scheme://address:port
};

// Crash safety of a persistent lab (state_dir set): virtual time is saved in state_dir on
// every advance/set before it returns, and at least once per virtual second while a real-time
// clock runs (ahead of it, so a lab killed at any moment resumes no earlier than any time a
// client saw); a saved lab resumes at its saved time, or at options.start_time when later, so
// its clock never goes back across restarts. What parties schedule in virtual time (ARM
// deployments and other long-running operations) is stored with that time and resumes with it.
class Lab {
 public:
  // Prepares the PKI (reusing keys in pki_dir), opens the stores and builds the routers.
  static Result<std::unique_ptr<Lab>> create(LabOptions options);
  ~Lab();

  // Binds every listener and starts the I/O thread.
  Status start();
  void stop();

  // The listening endpoints: the static ones (after start()), then the open dynamic ones (a
  // Ready CMG's "cmg-<service name>"). A copy: thread-safe while listeners open and close.
  std::vector<Endpoint> endpoints() const;
  Result<Endpoint> endpoint(const std::string& name) const;
  // PEM file of the lab root CA that every served certificate chains to.
  std::string ca_path() const;
  std::string pki_dir() const;
  // Where the parties' databases are ("" for an in-memory lab).
  std::string state_dir() const;
  // True when state_dir held a lab that an earlier start had seeded (a seed() that completed,
  // with any lab section, and no reset() since): its databases are the lab, so a lab section
  // must not be applied again. False for a new or in-memory lab.
  bool resumed() const;
  // Whether `lab` is the lab section (same JSON) of the last seed() completed on state_dir.
  bool seeded_with(const nlohmann::json& lab) const;
  // Admin API base URL, e.g. "https://127.0.0.1:41234/_cmgemu".
  std::string admin_url() const;
  // The bearer token the admin API requires ("" = none): LabOptions::admin_token, or the one
  // generated for a lab bound beyond loopback.
  std::string admin_token() const;

  Clock& clock();
  IdSource& ids();
  Journal& journal();
  FaultPlan& faults();
  ActionRegistry& actions();
  // Runs `fn` on the I/O thread (services' state is only touched there).
  void run_on_io(const std::function<void()>& fn);
  // Clears journal and faults, reseeds ids, resets services' state to the initial lab.
  Status reset();
  // Applies a scenario's "lab" section to every service (Service::seed), on the I/O thread and
  // without a reset first. Returns the first service's error with its name as context
  // ("aad: lab.tenant.users[1].upm: unknown key"). When `summary` is given it receives what
  // was created, by service: {"aad": {"tenants": [...]}}.
  Status seed(const nlohmann::json& lab, nlohmann::json* summary = nullptr);
  // The lab DNS zone (CNAME/A records clients resolve through); thread-safe.
  DnsZone& dns();
  // The dynamic listeners and the intranet the parties were given (ServiceContext); for tests.
  ListenerHost& listener_host();
  Intranet& intranet();
  // The Entra ID party's token validator, for the parties that accept its tokens. Lives as
  // long as the Lab; thread-safe.
  const aad::TokenValidator* token_validator() const;

 private:
  Lab();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emu::app
