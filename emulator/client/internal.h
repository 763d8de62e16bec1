// Internal to emulator/client: the service's machines, shared by client_service.cc and
// actions.cc.
#pragma once

#include "emulator/client/agent/agent.h"
#include "emulator/client/client_service.h"
#include "emulator/client/machine/machine.h"
#include "emulator/core/store/database.h"

#include <map>
#include <memory>
#include <mutex>

namespace emu::client::internal {

// One machine and the lock that serializes everything done on it.
struct MachineSlot {
  std::mutex mu;
  Machine machine;
};

struct ClientState {
  ServiceContext ctx;
  ClientDeps deps;
  mutable std::mutex mu;  // guards `machines` (the map, not the machines)
  std::map<std::string, std::shared_ptr<MachineSlot>> machines;  // by lower-case name

  // The saved machines ("clients" database of the state folder; in memory without one).
  std::unique_ptr<store::Database> db;
  std::mutex db_mu;  // guards `db`

  // The machine named `name` (case-insensitive), or NotFound naming the known ones.
  Result<std::shared_ptr<MachineSlot>> find(const std::string& name) const;
  // A new machine for `spec` (logs under "<logs>/clients/<name>", ids from the lab seed, the
  // name and `session`). Not yet in `machines`.
  std::shared_ptr<MachineSlot> make_slot(const MachineSpec& spec, uint64_t session) const;
  // Adds machines (replacing same names) and saves them. AlreadyExists when `only_new` and a
  // name is taken.
  Status add(std::vector<std::shared_ptr<MachineSlot>> slots, bool only_new);
  // Writes the machine's saved form (call with its slot locked).
  Status save(const Machine& m);
  AgentEnv env();  // the lab clock, the resolver, the PKI folder for keys, the key cache
  // Parsed keys by file (AgentEnv::load_key).
  std::mutex keys_mu;
  std::map<std::string, std::shared_ptr<EVP_PKEY>> keys;
};

nlohmann::json state_of(const Machine& m);

// A machine as lab.clients[i] (or client.add's args) describes it: name, join, os, domain,
// time_zone_bias, folders. InvalidArgument naming "<path>.<key>".
Result<MachineSpec> parse_machine_spec(const nlohmann::json& c, const std::string& path);

// With `s` null, declarations only.
void add_client_actions(ClientState* s, ActionRegistry& registry);

}  // namespace emu::client::internal
