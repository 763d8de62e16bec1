#include "emulator/client/client_service.h"

#include "certs/pki.h"
#include "emulator/client/internal.h"
#include "emulator/client/machine/machine_json.h"
#include "emulator/core/crypto/key_file.h"
#include "emulator/core/json_args.h"
#include "emulator/core/text.h"

#include <cstdint>

namespace emu::client {

using nlohmann::json;

namespace {
constexpr store::Migration kMigrations[] = {
    {1, "machines", "CREATE TABLE machines (name TEXT PRIMARY KEY, state TEXT NOT NULL);"},
};
}  // namespace

namespace internal {

Result<std::shared_ptr<MachineSlot>> ClientState::find(const std::string& name) const {
  std::lock_guard lock(mu);
  if (auto it = machines.find(to_lower(name)); it != machines.end()) return it->second;
  std::string known;
  for (const auto& [key, slot] : machines) known += (known.empty() ? "" : ", ") + key;
  return NotFound("no client '" + name + "' in the lab (lab.clients: " +
                  (known.empty() ? std::string("none") : known) + ")");
}

AgentEnv ClientState::env() {
  AgentEnv e{ctx.clock, deps.resolve, ctx.pki.dir, deps.signing_key_pool, nullptr};
  e.load_key = [this](const std::string& path) -> Result<std::shared_ptr<EVP_PKEY>> {
    std::lock_guard lock(keys_mu);
    if (auto it = keys.find(path); it != keys.end()) return it->second;
    EMU_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr made, crypto::load_or_create_rsa_key(path));
    std::shared_ptr<EVP_PKEY> key(made.release(), EVP_PKEY_free);
    keys[path] = key;
    return key;
  };
  return e;
}

std::shared_ptr<MachineSlot> ClientState::make_slot(const MachineSpec& spec,
                                                    uint64_t session) const {
  auto slot = std::make_shared<MachineSlot>();
  Machine& m = slot->machine;
  m.spec = spec;
  const std::string key = to_lower(spec.name);
  TraceLogs::Options options;
  options.format = TraceFormat::kCcm;
  options.bias_minutes = spec.bias_minutes;
  if (!ctx.logs_dir.empty()) options.dir = ctx.logs_dir + "/clients/" + key;
  m.logs = std::make_unique<TraceLogs>(ctx.clock, options);
  // Each machine draws its GUIDs from its own sequence (lab seed, name (FNV-1a), session), so
  // clients running side by side stay deterministic and a resumed one repeats no GUID.
  uint64_t name_hash = 0xcbf29ce484222325ULL;
  for (unsigned char ch : key) name_hash = (name_hash ^ ch) * 0x100000001b3ULL;
  m.ids =
      std::make_unique<IdSource>(ctx.ids.seed() ^ name_hash ^ (session * 0x9e3779b97f4a7c15ULL));
  m.sessions = session;
  return slot;
}

Status ClientState::add(std::vector<std::shared_ptr<MachineSlot>> slots, bool only_new) {
  {
    std::lock_guard lock(mu);
    if (only_new)
      for (const auto& slot : slots)
        if (machines.count(to_lower(slot->machine.spec.name)))
          return AlreadyExists("client '" + slot->machine.spec.name + "' already exists");
    for (const auto& slot : slots) machines[to_lower(slot->machine.spec.name)] = slot;
  }
  for (const auto& slot : slots) {
    std::lock_guard lock(slot->mu);
    EMU_RETURN_IF_ERROR(save(slot->machine));
  }
  return Status::Ok();
}

Status ClientState::save(const Machine& m) {
  std::lock_guard lock(db_mu);
  if (!db) return Status::Ok();
  EMU_ASSIGN_OR_RETURN(store::Statement * st,
                       db->cached("INSERT INTO machines(name, state) VALUES (?1, ?2) "
                                  "ON CONFLICT(name) DO UPDATE SET state = excluded.state"));
  EMU_RETURN_IF_ERROR(st->bind(1, to_lower(m.spec.name)));
  EMU_RETURN_IF_ERROR(st->bind(2, machine_to_json(m).dump()));
  return st->run();
}

json state_of(const Machine& m) {
  json roots = json::array();
  for (const auto& c : m.trusted_roots)
    roots.push_back({{"thumbprint", c.thumbprint}, {"subject", c.subject}});
  json personal = json::array();
  for (const auto& c : m.personal)
    personal.push_back({{"thumbprint", c.thumbprint}, {"subject", c.subject}});
  auto expiry = [](const CachedToken& t) {
    return t.token.empty() ? json(nullptr) : json(format_iso8601(t.expires));
  };
  return {{"name", m.spec.name},
          {"fqdn", m.spec.fqdn},
          {"installed", m.installed},
          {"registered", !m.client_id.empty()},
          {"client_id", m.client_id},
          {"approval_status", m.approval_status},
          {"site_code", m.site_code},
          {"internet_mp", m.internet_mps.empty() ? json("") : json(m.internet_mps.front())},
          {"ccm_token_type", m.ccm_token.type},
          {"ccm_token_expires", expiry(m.ccm_token)},
          {"unique_token_expires", expiry(m.unique_token)},
          {"policies", m.policies.size()},
          {"aad_joined", m.aad.joined()},
          {"aad_device_id", m.aad.device_id},
          {"aad_tenant_id", m.aad.tenant_id},
          {"registry", m.registry},
          {"trusted_roots", roots},
          {"personal", personal}};
}

Result<MachineSpec> parse_machine_spec(const json& c, const std::string& path) {
  EMU_RETURN_IF_ERROR(
      check_json_keys(c, path, {"name", "join", "os", "domain", "time_zone_bias", "folders"}));
  MachineSpec spec;
  EMU_ASSIGN_OR_RETURN(std::string name, required_json_string(c, "name", path));
  // NetBIOS: 1-15 letters, digits and hyphens [Microsoft "Naming conventions in Active
  // Directory": 15 characters].
  if (name.empty() || name.size() > 15 ||
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
          std::string::npos)
    return InvalidArgument(path + ".name: not a NetBIOS name (1-15 letters, digits, hyphens): '" +
                           name + "'");
  spec.name = to_upper(name);
  EMU_ASSIGN_OR_RETURN(auto join, optional_json_string(c, "join", path));
  if (join && *join != "workgroup" && *join != "domain" && *join != "entra")
    return InvalidArgument(path + ".join: must be workgroup, domain or entra");
  spec.join = join.value_or("workgroup");
  EMU_ASSIGN_OR_RETURN(auto os, optional_json_string(c, "os", path));
  spec.os = os.value_or("Windows 11");
  EMU_ASSIGN_OR_RETURN(auto domain, optional_json_string(c, "domain", path));
  spec.fqdn = to_lower(name) + "." + domain.value_or("workgroup.local");
  EMU_ASSIGN_OR_RETURN(auto bias, optional_json_int(c, "time_zone_bias", path));
  if (bias && (*bias < -840 || *bias > 720))
    return InvalidArgument(path + ".time_zone_bias: minutes between -840 and 720");
  spec.bias_minutes = static_cast<int>(bias.value_or(0));
  if (c.contains("folders")) {
    if (!c["folders"].is_array()) return InvalidArgument(path + ".folders: must be an array");
    for (const auto& f : c["folders"]) {
      if (!f.is_string() || f.get<std::string>().empty())
        return InvalidArgument(path + ".folders: must hold folder paths");
      spec.folders.push_back(f.get<std::string>());
    }
  }
  return spec;
}

}  // namespace internal

struct ClientService::Impl {
  explicit Impl(const ServiceContext& c, ClientDeps d)
      : state{c, std::move(d), {}, {}, {}, {}, {}, {}} {}
  internal::ClientState state;
};

ClientService::ClientService() = default;
ClientService::~ClientService() = default;

Result<std::unique_ptr<ClientService>> ClientService::create(const ServiceContext& ctx,
                                                             ClientDeps deps) {
  std::unique_ptr<ClientService> s(new ClientService());
  s->impl_ = std::make_unique<Impl>(ctx, std::move(deps));
  internal::ClientState& st = s->impl_->state;
  EMU_ASSIGN_OR_RETURN(st.db, ctx.state.open("clients"));
  EMU_RETURN_IF_ERROR(store::migrate(*st.db, kMigrations));
  // A lab resumed from its state folder has its machines back (a new session of each).
  EMU_ASSIGN_OR_RETURN(store::Statement q, st.db->prepare("SELECT state FROM machines"));
  std::vector<std::shared_ptr<internal::MachineSlot>> loaded;
  for (;;) {
    EMU_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    const auto saved = json::parse(q.column_text(0), nullptr, false);
    Machine probe;
    if (Status ok = machine_from_json(saved, &probe); !ok.ok())
      return ok.with_context("the clients saved in " + ctx.state.dir());
    auto slot = st.make_slot(probe.spec, probe.sessions + 1);
    EMU_RETURN_IF_ERROR(machine_from_json(saved, &slot->machine));
    slot->machine.sessions += 1;
    loaded.push_back(std::move(slot));
  }
  EMU_RETURN_IF_ERROR(st.add(std::move(loaded), false));
  return s;
}

void ClientService::register_actions(ActionRegistry& registry) {
  internal::add_client_actions(&impl_->state, registry);
}

void declare_client_actions(ActionRegistry& registry) {
  internal::add_client_actions(nullptr, registry);
}

Status ClientService::reset() {
  std::map<std::string, std::shared_ptr<internal::MachineSlot>> old;
  {
    std::lock_guard lock(impl_->state.mu);
    old.swap(impl_->state.machines);
  }
  for (auto& [name, slot] : old) {
    std::lock_guard lock(slot->mu);
    if (slot->machine.logs) slot->machine.logs->clear();
  }
  std::lock_guard lock(impl_->state.db_mu);
  return impl_->state.db->exec("DELETE FROM machines");
}

Status ClientService::seed(const json& lab) {
  if (!lab.is_object() || !lab.contains("clients")) return Status::Ok();
  const json& clients = lab["clients"];
  if (!clients.is_array()) return InvalidArgument("lab.clients: must be an array");
  std::map<std::string, std::shared_ptr<internal::MachineSlot>> made;
  for (size_t i = 0; i < clients.size(); ++i) {
    const std::string path = "lab.clients[" + std::to_string(i) + "]";
    const json& c = clients[i];
    EMU_ASSIGN_OR_RETURN(MachineSpec spec, internal::parse_machine_spec(c, path));
    const std::string name = spec.name;
    const std::string key = to_lower(name);
    if (made.count(key) != 0) return InvalidArgument(path + ".name: '" + name + "' twice");
    auto slot = impl_->state.make_slot(spec, 0);
    made[key] = std::move(slot);
  }
  std::vector<std::shared_ptr<internal::MachineSlot>> slots;
  for (auto& [key, slot] : made) slots.push_back(std::move(slot));
  return impl_->state.add(std::move(slots), false);
}

Result<json> ClientService::state(const std::string& client) const {
  EMU_ASSIGN_OR_RETURN(auto slot, impl_->state.find(client));
  std::lock_guard lock(slot->mu);
  return internal::state_of(slot->machine);
}

Result<std::vector<std::string>> ClientService::logs(const std::string& client,
                                                     const std::string& log) const {
  EMU_ASSIGN_OR_RETURN(auto slot, impl_->state.find(client));
  std::lock_guard lock(slot->mu);
  if (log.empty()) return slot->machine.logs->names();
  return slot->machine.logs->lines(log);
}

}  // namespace emu::client
