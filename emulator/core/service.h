// Service: the contract between one emulated party (aad, arm, site, cmg, ...) and the Lab
// (emulator/app), the one place that composes parties. A service owns its routers, its state
// (its own database from the StateDir) and its scenario actions; the Lab binds its listeners
// and routes every request of theirs through the shared pipeline.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"
#include "emulator/core/store/database.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace emu::pki {
struct LabPki;
}

namespace emu {

// What a service may use; every reference outlives the service.
struct ServiceContext {
  Clock& clock;
  IdSource& ids;
  const store::StateDir& state;
  const pki::LabPki& pki;
  // Folder for the party's own log files (e.g. "<logs_dir>/site/CloudMgr.log"); "" = keep logs
  // in memory only.
  std::string logs_dir;
};

// One listener a service asks for. `host` is the real-world name clients use (SNI/Host);
// the Lab picks the lab certificate that carries it.
struct ListenerSpec {
  std::string name;
  std::string host;
  bool tls = true;
  http::ClientCertMode client_cert = http::ClientCertMode::kNone;
  const http::Router* router = nullptr;  // owned by the service
};

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string name() const = 0;
  virtual std::vector<ListenerSpec> listeners() = 0;
  // Adds (or replaces planned) actions. Called once, before any scenario step runs.
  virtual void register_actions(ActionRegistry& registry) = 0;
  // Back to the initial lab state. Runs on the I/O thread.
  virtual Status reset() = 0;
  // Applies the service's parts of a scenario's "lab" section (initial state). Runs on the I/O
  // thread after reset(); InvalidArgument naming the bad key for a malformed section.
  virtual Status seed(const nlohmann::json& lab) {
    (void)lab;
    return Status::Ok();
  }
};

}  // namespace emu
