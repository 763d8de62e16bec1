#include "emulator/app/lab.h"

#include "certs/pki.h"
#include "emulator/aad/aad_service.h"
#include "emulator/app/dns_actions.h"
#include "emulator/arm/arm_service.h"
#include "emulator/core/actions.h"
#include "emulator/core/admin_api.h"
#include "emulator/core/dns_zone.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/server.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"
#include "emulator/core/json_args.h"
#include "emulator/core/service.h"
#include "emulator/core/store/database.h"
#include "emulator/site/site_service.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#ifndef CMGEMU_VERSION
#define CMGEMU_VERSION "0.1.0"
#endif

namespace emu::app {
namespace {

// Seeds of the fault plan's private generator are derived from the lab seed so that adding a
// probabilistic fault does not shift the identifiers the services issue.
uint64_t fault_seed(uint64_t seed) { return seed ^ 0x6661756c74736565ULL; }

constexpr store::Migration kLabMigrations[] = {
    {1, "lab_state", "CREATE TABLE lab_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);"},
};

// The lab CRL distribution point: plain HTTP, as real CDPs are.
http::Router make_crl_router(const pki::LabPki& pki, std::string path) {
  http::Router r;
  std::string der = pki.crl_der;
  r.get(path, [der](http::Request&) {
    http::Response res;
    res.headers.set("Content-Type", "application/pkix-crl");
    res.body = der;
    return res;
  });
  return r;
}

// The context of an action started through the admin API (`POST /_cmgemu/actions/{name}`):
// it runs on the I/O thread, so it cannot make HTTP calls to the lab it is serving.
class AdminActionContext final : public ActionContext {
 public:
  AdminActionContext(Clock& clock, IdSource& ids, FaultPlan& faults, Journal& journal,
                     std::string ca_path)
      : clock_(clock),
        ids_(ids),
        faults_(faults),
        journal_(journal),
        ca_path_(std::move(ca_path)) {}
  Clock& clock() override { return clock_; }
  IdSource& ids() override { return ids_; }
  Result<HttpExchange> http(const HttpCall& call) override {
    return Unimplemented("action needs an HTTP call to '" + call.endpoint +
                         "'; run it from a scenario, not the admin API");
  }
  const nlohmann::json& lab() const override { return lab_; }
  nlohmann::json& vars() override { return vars_; }
  std::string ca_path() const override { return ca_path_; }
  std::string out_dir() const override { return ""; }
  void run_on_io(const std::function<void()>& fn) override { fn(); }  // already there
  FaultPlan& faults() override { return faults_; }
  Journal& journal() override { return journal_; }

 private:
  Clock& clock_;
  IdSource& ids_;
  FaultPlan& faults_;
  Journal& journal_;
  std::string ca_path_;
  nlohmann::json lab_ = nlohmann::json::object();
  nlohmann::json vars_ = nlohmann::json::object();
};

}  // namespace

std::string Endpoint::url() const {
  bool v6 = address.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

struct Lab::Impl {
  LabOptions options;
  TimePoint start_time{};
  std::unique_ptr<VirtualClock> clock;
  IdSource ids{1};
  Journal journal;
  FaultPlan faults;
  ActionRegistry actions;
  store::StateDir state{""};
  std::unique_ptr<store::Database> lab_db;
  pki::LabPki pki;
  pki::PkiOptions pki_options;
  http::Router admin_router;
  http::Router crl_router;
  std::vector<std::unique_ptr<Service>> services;
  aad::AadService* aad = nullptr;     // owned by `services`
  arm::ArmService* arm = nullptr;     // owned by `services`
  site::SiteService* site = nullptr;  // owned by `services`
  DnsZone dns;
  std::unique_ptr<http::Server> server;
  std::vector<Endpoint> endpoints;
  bool started = false;

  explicit Impl(const LabOptions& o)
      : options(o),
        ids(o.seed),
        journal(o.journal_capacity),
        faults(fault_seed(o.seed)),
        state(o.state_dir) {}

  Result<std::string> load_state(const std::string& key) {
    EMU_ASSIGN_OR_RETURN(store::Statement * st,
                         lab_db->cached("SELECT value FROM lab_state WHERE key = ?1"));
    EMU_RETURN_IF_ERROR(st->bind(1, key));
    EMU_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row) return NotFound("no saved " + key);
    return st->column_text(0);
  }

  Status save_state(const std::string& key, const std::string& value) {
    EMU_ASSIGN_OR_RETURN(store::Statement * st,
                         lab_db->cached("INSERT INTO lab_state(key, value) VALUES (?1, ?2) "
                                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    EMU_RETURN_IF_ERROR(st->bind(1, key));
    EMU_RETURN_IF_ERROR(st->bind(2, value));
    return st->run();
  }

  // Runs a registered action for the admin API, on the I/O thread.
  Result<ActionOutcome> run_admin_action(const std::string& name, const nlohmann::json& args) {
    const ActionDef* def = actions.find(name);
    if (def == nullptr) {
      return NotFound("unknown action '" + name + "'" + did_you_mean(name, actions.names()));
    }
    if (!def->run) return Unimplemented("action '" + name + "' is planned, not implemented yet");
    for (const auto& key : def->required_args)
      if (!args.contains(key)) return InvalidArgument(key + ": required by '" + name + "'");
    if (!def->required_args.empty() || !def->optional_args.empty()) {
      for (const auto& [key, value] : args.items()) {
        auto& req = def->required_args;
        auto& opt = def->optional_args;
        if (std::find(req.begin(), req.end(), key) == req.end() &&
            std::find(opt.begin(), opt.end(), key) == opt.end())
          return InvalidArgument(key + ": unknown argument of '" + name + "'");
      }
    }
    if (def->validate) EMU_RETURN_IF_ERROR(def->validate(args));
    AdminActionContext ctx(*clock, ids, faults, journal, pki.ca.cert_path);
    try {
      return def->run(args, ctx);
    } catch (const std::exception& e) {
      return Internal(std::string("action '") + name + "' threw: " + e.what());
    }
  }

  nlohmann::json endpoints_json() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& e : endpoints) j[e.name] = {{"url", e.url()}, {"host", e.host}};
    return j;
  }

  const pki::IssuedCert& cert_for_host(const std::string& host) const {
    for (const auto& [name, cert] : pki.cmg)
      if (name == "cmg-" + host) return cert;
    return pki.server;
  }

  http::ListenerConfig listener_config(const ListenerSpec& spec) const {
    http::ListenerConfig c;
    c.name = spec.name;
    c.bind_address = options.bind_address;
    if (auto it = options.ports.find(spec.name); it != options.ports.end()) c.port = it->second;
    c.tls = spec.tls;
    c.router = spec.router;
    c.client_cert = spec.client_cert;
    c.limits = options.listener_limits;
    if (spec.name == "admin") {
      c.reserved = true;
      c.limits.max_connections = kAdminMaxConnections;
    }
    if (spec.tls) {
      const auto& cert = cert_for_host(spec.host);
      c.certificates.push_back({{spec.host}, cert.cert_pem, cert.key_pem});
      c.client_ca_pem = pki.ca.cert_pem;
      c.client_crl_pem = pki.crl_pem;
    }
    return c;
  }

  std::vector<ListenerSpec> all_listeners() {
    std::vector<ListenerSpec> specs = {
        {"admin", "localhost", true, http::ClientCertMode::kNone, &admin_router},
        {"crl", pki_options.crl_host, false, http::ClientCertMode::kNone, &crl_router},
    };
    for (auto& s : services)
      for (auto& l : s->listeners()) specs.push_back(l);
    return specs;
  }
};

Lab::Lab() = default;
Lab::~Lab() { stop(); }

Result<std::unique_ptr<Lab>> Lab::create(LabOptions options) {
  std::unique_ptr<Lab> lab(new Lab());
  lab->impl_ = std::make_unique<Impl>(options);
  Impl& m = *lab->impl_;

  // Virtual time: an explicit start wins, then the time saved in the state folder, then the
  // default (manual) or the real time (real-time mode).
  EMU_ASSIGN_OR_RETURN(m.lab_db, m.state.open("lab"));
  EMU_RETURN_IF_ERROR(store::migrate(*m.lab_db, kLabMigrations));
  if (!options.start_time.empty()) {
    EMU_ASSIGN_OR_RETURN(m.start_time, parse_iso8601(options.start_time));
  } else if (auto saved = m.load_state("clock"); saved.ok()) {
    EMU_ASSIGN_OR_RETURN(m.start_time, parse_iso8601(*saved));
  } else if (options.realtime_clock) {
    m.start_time = system_now();
  } else {
    m.start_time = parse_iso8601(kDefaultVirtualStart).value();
  }
  if (m.state.persistent()) {
    // Each start of a saved lab draws identifiers from its own sequence (seed, session n), so
    // a resumed lab never re-issues the GUIDs of an earlier session; still deterministic.
    uint64_t session = 0;
    if (auto saved = m.load_state("sessions"); saved.ok())
      session = std::strtoull(saved->c_str(), nullptr, 10);
    if (session > 0) m.ids.reseed(options.seed + session * 0x9e3779b97f4a7c15ULL);
    EMU_RETURN_IF_ERROR(m.save_state("sessions", std::to_string(session + 1)));
  }
  m.clock = std::make_unique<VirtualClock>(
      options.realtime_clock ? VirtualClock::Mode::kRealtime : VirtualClock::Mode::kManual,
      m.start_time);

  if (options.pki_dir.empty()) options.pki_dir = m.state.persistent() ? m.state.dir() + "/pki" : "";
  if (options.pki_dir.empty())
    return InvalidArgument("a PKI folder (--pki or --state) is required");
  m.options.pki_dir = options.pki_dir;
  m.pki_options.now = m.clock->now();
  m.pki_options.also_valid_at = system_now();  // real clients check real time
  m.pki_options.cmg_names = options.cmg_names;
  auto pki = pki::ensure_lab_pki(options.pki_dir, m.pki_options);
  if (!pki.ok()) return pki.status().with_context("lab PKI in " + options.pki_dir);
  m.pki = std::move(pki).value();

  m.admin_router = make_admin_router(
      AdminDeps{*m.clock, m.journal, m.faults, [raw = lab.get()] { return raw->reset(); },
                [&m] { return m.endpoints_json(); }, CMGEMU_VERSION,
                [&m](const std::string& name, const nlohmann::json& args) {
                  return m.run_admin_action(name, args);
                }});
  m.crl_router = make_crl_router(m.pki, m.pki_options.crl_path);
  std::string logs_dir = options.logs_dir;
  if (logs_dir.empty() && m.state.persistent()) logs_dir = m.state.dir() + "/logs";
  ServiceContext ctx{*m.clock, m.ids, m.state, m.pki, logs_dir};
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<aad::AadService> aad, aad::AadService::create(ctx));
  m.aad = aad.get();
  m.services.push_back(std::move(aad));
  arm::ArmDeps arm_deps{m.aad->validator(), m.aad->principals(), [&m](const std::string& name) {
                          for (const auto& e : m.endpoints)
                            if (e.name == name) return e.url();
                          return std::string();
                        }};
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<arm::ArmService> arm,
                       arm::ArmService::create(ctx, std::move(arm_deps)));
  m.arm = arm.get();
  m.services.push_back(std::move(arm));
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<site::SiteService> site,
                       site::SiteService::create(ctx, m.dns));
  m.site = site.get();
  m.services.push_back(std::move(site));
  register_dns_actions(m.dns, m.actions);  // lab-level: the DNS is no party's
  for (auto& s : m.services) s->register_actions(m.actions);
  return lab;
}

Status Lab::start() {
  Impl& m = *impl_;
  if (m.started) return FailedPrecondition("the lab is already running");
  http::ServerOptions server_options;
  server_options.max_connections = m.options.max_connections;
  m.server = std::make_unique<http::Server>(http::ServerDeps{*m.clock, m.ids, m.journal, m.faults},
                                            server_options);
  m.endpoints.clear();
  const auto specs = m.all_listeners();
  for (const auto& [name, port] : m.options.ports) {
    if (std::none_of(specs.begin(), specs.end(), [&](const auto& l) { return l.name == name; })) {
      std::string known;
      for (const auto& l : specs) known += (known.empty() ? "" : ", ") + l.name;
      return InvalidArgument("no listener '" + name + "' (known: " + known + ")");
    }
  }
  for (const auto& spec : specs) {
    EMU_RETURN_IF_ERROR(m.server->add_listener(m.listener_config(spec)));
    m.endpoints.push_back({spec.name, spec.tls ? "https" : "http", spec.host,
                           m.options.bind_address, m.server->port(spec.name)});
  }
  EMU_RETURN_IF_ERROR(m.server->start());
  m.started = true;
  return Status::Ok();
}

void Lab::stop() {
  if (!impl_ || !impl_->started) return;
  impl_->server->stop();
  impl_->started = false;
  if (impl_->state.persistent())
    (void)impl_->save_state("clock", format_iso8601(impl_->clock->now()));
}

const std::vector<Endpoint>& Lab::endpoints() const { return impl_->endpoints; }

Result<Endpoint> Lab::endpoint(const std::string& name) const {
  for (const auto& e : impl_->endpoints)
    if (e.name == name) return e;
  std::string known;
  for (const auto& e : impl_->endpoints) known += (known.empty() ? "" : ", ") + e.name;
  return NotFound("no endpoint '" + name + "' (known: " + known + ")");
}

std::string Lab::ca_path() const { return impl_->pki.ca.cert_path; }
std::string Lab::pki_dir() const { return impl_->pki.dir; }
std::string Lab::state_dir() const { return impl_->options.state_dir; }
std::string Lab::admin_url() const {
  auto admin = endpoint("admin");
  return admin.ok() ? admin->url() + std::string(kAdminPrefix) : std::string();
}

Clock& Lab::clock() { return *impl_->clock; }
IdSource& Lab::ids() { return impl_->ids; }
Journal& Lab::journal() { return impl_->journal; }
FaultPlan& Lab::faults() { return impl_->faults; }
ActionRegistry& Lab::actions() { return impl_->actions; }

void Lab::run_on_io(const std::function<void()>& fn) {
  if (impl_->server) {
    impl_->server->run_on_io(fn);
  } else {
    fn();
  }
}

Status Lab::reset() {
  Impl& m = *impl_;
  m.journal.clear();
  m.faults.clear();
  m.dns.clear();
  m.faults.reseed(fault_seed(m.options.seed));
  m.ids.reseed(m.options.seed);
  m.clock->set(m.start_time);
  for (auto& s : m.services) EMU_RETURN_IF_ERROR(s->reset().with_context("reset " + s->name()));
  if (m.state.persistent())
    EMU_RETURN_IF_ERROR(m.save_state("clock", format_iso8601(m.start_time)));
  return Status::Ok();
}

Status Lab::seed(const nlohmann::json& lab, nlohmann::json* summary) {
  Status status;
  run_on_io([&] {
    for (auto& s : impl_->services) {
      status = s->seed(lab).with_context(s->name());
      if (!status.ok()) return;
    }
  });
  if (summary != nullptr && status.ok()) {
    (*summary)["aad"] = impl_->aad->last_seed();
    (*summary)["arm"] = impl_->arm->last_seed();
    (*summary)["site"] = impl_->site->last_seed();
  }
  return status;
}

DnsZone& Lab::dns() { return impl_->dns; }

const aad::TokenValidator* Lab::token_validator() const { return &impl_->aad->validator(); }

}  // namespace emu::app
