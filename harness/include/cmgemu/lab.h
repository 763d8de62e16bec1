// cmgemu::Lab — an emulated Cloud Management Gateway lab inside a test process: Entra ID (tokens,
// Graph), Azure Resource Manager, the ConfigMgr site and its database, each a real HTTPS server
// on loopback, on a virtual clock, with seeded identifiers (same seed, same results).
//
// Link `cmgemu::lab` (find_package(cmgemu CONFIG REQUIRED)). This header and cmgemu/gtest.h are
// the whole public API: they use only the standard library; JSON crosses it as text.
//
//   cmgemu::LabOptions options;
//   options.seed = 7;
//   auto lab = cmgemu::Lab::start(options);
//   lab->seed_from_scenario("my-lab.json");                 // tenants, users, apps, site...
//   std::string arm = lab->endpoint("arm").url();           // https://127.0.0.1:<port>
//   std::string token = lab->app_token(tenant, app_id, secret, "https://management.azure.com/");
//   lab->advance(std::chrono::minutes(20));
//
// Errors: every operation that cannot do what it was asked throws cmgemu::Error with the lab's
// message (e.g. "aad: lab.tenant.users[1].upm: unknown key; did you mean 'upn'?"). A Lab is
// not copyable; its methods may be called from any one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cmgemu {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LabOptions {
  uint64_t seed = 1;       // identifiers (object IDs, keys' randomness) derive from it
  std::string start_time;  // virtual start, ISO 8601 ("2026-01-01T00:00:00Z" when empty)
  // Where every party keeps its database (aad.db, arm.db, CM_<site code>.db): "" = in memory.
  // A folder that holds a saved lab resumes it.
  std::string state_dir;
  // Lab CA and certificates (keys are reused across runs): "" = a private temporary folder,
  // removed with the Lab.
  std::string pki_dir;
  // Where parties write their log files (CloudMgr.log, ...): "" = "<state_dir>/logs", or in
  // memory for an in-memory lab.
  std::string logs_dir;
  // Extra names the lab's server certificates carry (a CMG's service name such as
  // "cmg.contoso.com"); start_from_scenario adds the scenario's lab.pki.cmg_certificates.
  std::vector<std::string> cmg_names;
  // When set, every admin API request must carry "Authorization: Bearer <admin_token>"
  // (scenario steps calling the "admin" endpoint get it added). The admin API always refuses
  // foreign Host and Origin headers and non-JSON writes (README, "Admin API").
  std::string admin_token;
};

// A lab endpoint. `host` is the real-world name clients send as Host/SNI
// ("management.azure.com"); `address`:`port` is where it listens on loopback.
struct Endpoint {
  std::string name;    // "aad", "graph", "arm", "admin", ...
  std::string scheme;  // "https" or "http"
  std::string host;
  std::string address;
  uint16_t port = 0;
  std::string url() const;  // scheme://address:port
};

// One request the lab served, as its journal recorded it (secrets masked).
struct Request {
  uint64_t seq = 0;      // 1-based, in arrival order
  std::string time;      // virtual time, ISO 8601
  std::string listener;  // endpoint name
  std::string method;
  std::string target;  // path and query
  std::string host;
  int status = 0;
  std::string request_body;  // masked, possibly truncated
};

// What a scenario action did.
struct ActionResult {
  bool passed = false;
  bool pending = false;     // the action is declared but no party implements it yet
  std::string message;      // one line, as the console prints it
  std::string output_json;  // the action's outputs ("null" when none)
};

// One step of a scenario run on this lab.
struct StepResult {
  std::string id;
  std::string action;
  std::string status;  // "passed", "failed", "pending" or "skipped"
  std::string message;
};

struct ScenarioResult {
  bool passed = false;  // no step failed (and none is pending unless allowed)
  std::vector<StepResult> steps;
  std::string transcript;  // the deterministic JSON report (`cmgemu run --report-json`)
  size_t count(std::string_view status) const;
};

class Lab {
 public:
  // Creates the lab (PKI, stores, parties) and starts every listener. Throws Error.
  static std::unique_ptr<Lab> start(LabOptions options = {});
  ~Lab();  // stops the listeners; an in-memory lab's state is gone, a state_dir's is kept
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // start() for a scenario file's lab: its lab.pki.cmg_certificates become server-certificate
  // names, its "start" the virtual start (unless options.start_time is set), then its lab
  // section is applied — unless options.state_dir holds a lab seeded earlier, which resumes as
  // saved. Run its steps with run_scenario(path, ..., /*seed_lab=*/false).
  static std::unique_ptr<Lab> start_from_scenario(const std::string& path, LabOptions options = {});

  // Applies a lab section (the "lab" object of a scenario, as JSON text) to every party.
  void seed(std::string_view lab_json);
  // Applies the "lab" section of a scenario file (scenarios/README.md).
  void seed_from_scenario(const std::string& path);
  // Runs a scenario file's steps on this lab, after seeding its lab section unless
  // `seed_lab` is false. A failed step is a result, not an exception; Error only for a file
  // that does not load (with the loader's file:line messages).
  ScenarioResult run_scenario(const std::string& path, bool allow_pending = false,
                              bool seed_lab = true);
  // Runs one scenario action (scenarios/README.md lists them) with JSON arguments. Error for
  // an unknown action or arguments its loader refuses; a failing action is a result.
  ActionResult run_action(std::string_view action, std::string_view args_json = "{}");

  std::vector<Endpoint> endpoints() const;
  Endpoint endpoint(std::string_view name) const;  // Error for an unknown name
  std::string ca_path() const;      // PEM of the lab root CA every served certificate chains to
  std::string admin_url() const;    // "https://127.0.0.1:<port>/_cmgemu"
  std::string admin_token() const;  // LabOptions::admin_token ("" = none)
  std::string state_dir() const;    // "" for an in-memory lab

  // An app-only access token from the lab's Entra ID (client credentials over HTTPS), for
  // `scope` such as "https://management.azure.com/.default". Error with the AADSTS text.
  std::string app_token(const std::string& tenant, const std::string& client_id,
                        const std::string& client_secret, const std::string& scope);

  std::string now() const;  // virtual time, ISO 8601
  // Moves virtual time forward; long-running operations due by then complete.
  void advance(std::chrono::seconds by);

  // Adds a fault rule (JSON, as in a scenario's "faults"); returns its ID.
  std::string add_fault(std::string_view rule_json);
  void clear_faults();

  std::vector<Request> journal() const;  // oldest first
  void clear_journal();

  // Back to the initial lab: journal and faults cleared, identifiers reseeded, every party's
  // state emptied (seed again afterwards).
  void reset();

 private:
  Lab();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cmgemu
