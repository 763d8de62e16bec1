// The ConfigMgr client as a Lab party: the machines of a scenario's "lab.clients" (each with its
// own names, certificate stores, registry, folders and logs under "<logs>/clients/<name>/"), and
// the client.* actions that run ccmsetup and the client agent on them. Clients open no
// listener: they reach the lab the way a machine on the internet does, resolving names through
// the lab DNS (ClientDeps::resolve) and checking TLS against their own Trusted Root store.
// Client actions block on HTTP to the lab, so they run on the harness's thread, never on the
// lab's I/O thread. See emulator/client/README.md.
#pragma once

#include "emulator/aad/public/devices.h"
#include "emulator/client/net/winhttp.h"
#include "emulator/core/service.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace emu::client {

struct ClientDeps {
  // Where a name leads through the lab DNS (NotFound: no record; Unavailable: no listener).
  Resolver resolve;
  size_t signing_key_pool = 0;  // AgentEnv::signing_key_pool
  // Registers a machine's device certificate with Entra ID (client.aad_join); unset: the lab
  // has no Entra ID party and the action fails.
  std::function<Result<aad::JoinedDevice>(const aad::DeviceJoinRequest&)> join_aad;
};

class ClientService : public Service {
 public:
  static Result<std::unique_ptr<ClientService>> create(const ServiceContext& ctx, ClientDeps deps);
  ~ClientService() override;

  std::string name() const override { return "client"; }
  std::vector<ListenerSpec> listeners() override { return {}; }
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;
  // Reads lab.clients: [{"name", "join", "os", "domain", "time_zone_bias", "folders"}].
  Status seed(const nlohmann::json& lab) override;

  // A machine's state as client.state outputs it; NotFound for an unknown name. Thread-safe.
  Result<nlohmann::json> state(const std::string& client) const;
  // The formatted records of one of a machine's logs, or the names of its logs when `log` is
  // "". Thread-safe.
  Result<std::vector<std::string>> logs(const std::string& client, const std::string& log) const;

 private:
  ClientService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Declares the client.* actions for the scenario loader.
void declare_client_actions(ActionRegistry& registry);

}  // namespace emu::client
