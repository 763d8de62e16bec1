#include "emulator/app/lab.h"

#include "certs/pki.h"
#include "emulator/aad/aad_service.h"
#include "emulator/app/dns_actions.h"
#include "emulator/app/dynamic_listeners.h"
#include "emulator/app/intranet.h"
#include "emulator/arm/arm_service.h"
#include "emulator/client/client_service.h"
#include "emulator/cmg/cmg_service.h"
#include "emulator/core/actions.h"
#include "emulator/core/admin_api.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/dns_zone.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/server.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"
#include "emulator/core/json_args.h"
#include "emulator/core/service.h"
#include "emulator/core/store/database.h"
#include "emulator/core/text.h"
#include "emulator/mp/mp_service.h"
#include "emulator/site/site_service.h"

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <arpa/inet.h>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#ifndef CMGEMU_VERSION
#define CMGEMU_VERSION "0.1.0"
#endif

namespace emu::app {
namespace {

// Seeds of the fault plan's private generator are derived from the lab seed so that adding a
// probabilistic fault does not shift the identifiers the services issue.
uint64_t fault_seed(uint64_t seed) { return seed ^ 0x6661756c74736565ULL; }

// What lab_state "seeded" keeps of the lab section that seeded a folder: its SHA-256 (the
// section holds secrets, the state folder need not), "" if the digest is unavailable.
std::string lab_digest(const nlohmann::json& lab) {
  auto digest = crypto::sha256(lab.dump());
  return digest.ok() ? crypto::upper_hex(*digest) : std::string();
}

// Crash safety of virtual time (lab_state key "clock"). A manual clock is saved on every
// advance()/set(), before the call returns. A real-time clock is saved ahead of itself: the saved
// value is at least kClockLeadMin past now (a background thread checks every kClockCheck and
// saves now + kClockLead when the lead has shrunk below kClockLeadMin, i.e. once per virtual
// second), so a lab killed at any moment restarts at or after every time a client saw. A
// graceful stop saves the exact time.
constexpr Duration kClockLead = std::chrono::seconds(3);
constexpr Duration kClockLeadMin = std::chrono::seconds(2);
constexpr std::chrono::milliseconds kClockCheck{200};

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

// 32 bytes from OpenSSL's CSPRNG, base64url: a bearer token no one can guess (deliberately not
// from the seeded IdSource, whose output is reproducible).
Result<std::string> random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Internal("RAND_bytes failed");
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// RFC 6750 §2.1 b64token, and long enough not to be guessed.
Status check_admin_token(const std::string& token) {
  const bool chars = std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
  });
  if (!chars || token.size() < 16)
    return InvalidArgument(
        "the admin token must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / = "
        "(RFC 6750 b64token)");
  return Status::Ok();
}

}  // namespace

bool is_loopback_address(const std::string& address) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, address.c_str(), buf) != 1) return false;
  static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(buf, kLoopback, 16) == 0 ||
         (std::memcmp(buf, kMapped, 12) == 0 && buf[12] == 127);
}

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
  DnsZone dns;
  // Declared before `services`, which hold pointers to them (ServiceContext).
  std::unique_ptr<DynamicListeners> dynamic;
  std::unique_ptr<LabIntranet> intranet;
  std::map<std::string, const http::Router*> static_routers;  // set by create()
  std::vector<std::unique_ptr<Service>> services;
  aad::AadService* aad = nullptr;     // owned by `services`
  arm::ArmService* arm = nullptr;     // owned by `services`
  cmg::CmgService* cmg = nullptr;     // owned by `services`
  site::SiteService* site = nullptr;  // owned by `services`
  mp::MpService* mp = nullptr;        // owned by `services`
  std::unique_ptr<http::Server> server;
  mutable std::mutex endpoints_mu;  // guards `endpoints` (read from any thread)
  std::vector<Endpoint> endpoints;  // the static listeners', set by start()
  bool started = false;
  // The state folder held a lab seeded by an earlier start (lab_state "seeded").
  bool resumed = false;
  // A persistent lab no seed() has completed on yet (lab_state "awaiting_seed"), and one where
  // a seed began but did not complete (lab_state "seed_started": killed or failed half-way),
  // which seed() resets first so that it is redone from scratch.
  bool awaiting_seed = false;
  bool redo_seed = false;

  // Guards lab_db and saved_clock: the clock's observer, the clock saver thread, reset() and
  // stop() may run on different threads.
  std::mutex state_mu;
  std::optional<TimePoint> saved_clock;  // the value of "clock" last written by this process
  bool clock_save_failed = false;        // reported once on stderr
  std::thread clock_saver;
  std::mutex saver_mu;
  std::condition_variable saver_cv;
  bool saver_stop = false;  // guarded by saver_mu

  static JournalLimits journal_limits(const LabOptions& o) {
    JournalLimits limits;
    limits.max_entries = o.journal_capacity;
    limits.max_bytes = o.journal_max_bytes;
    return limits;
  }

  explicit Impl(const LabOptions& o)
      : options(o),
        ids(o.seed),
        journal(journal_limits(o)),
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

  Status erase_state(const std::string& key) {
    EMU_ASSIGN_OR_RETURN(store::Statement * st,
                         lab_db->cached("DELETE FROM lab_state WHERE key = ?1"));
    EMU_RETURN_IF_ERROR(st->bind(1, key));
    return st->run();
  }

  Status save_state(const std::string& key, const std::string& value) {
    EMU_ASSIGN_OR_RETURN(store::Statement * st,
                         lab_db->cached("INSERT INTO lab_state(key, value) VALUES (?1, ?2) "
                                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    EMU_RETURN_IF_ERROR(st->bind(1, key));
    EMU_RETURN_IF_ERROR(st->bind(2, value));
    return st->run();
  }

  // Saves the virtual time (see kClockLead): `exact` for a graceful stop, else now (manual) or
  // now + kClockLead (real time). With `only_if_due`, a real-time clock is saved only when the
  // saved lead has shrunk below kClockLeadMin. Errors go to stderr once: the clock's observer
  // has no caller to return them to.
  void save_clock(bool exact, bool only_if_due) {
    if (!state.persistent()) return;
    std::lock_guard lock(state_mu);
    const TimePoint now = clock->now();
    if (only_if_due && saved_clock && *saved_clock - now >= kClockLeadMin) return;
    // Rounded up to what format_iso8601 keeps (ms), so a resumed clock is never behind.
    const TimePoint value = std::chrono::ceil<std::chrono::milliseconds>(
        (clock->realtime() && !exact) ? now + kClockLead : now);
    Status s = save_state("clock", format_iso8601(value));
    if (s.ok()) {
      saved_clock = value;
    } else if (!clock_save_failed) {
      clock_save_failed = true;
      std::cerr << "cmgemu: cannot save the virtual clock in " << state.dir() << ": " << s.message()
                << "\n";
    }
  }

  void start_clock_saver() {
    if (!state.persistent() || !clock->realtime() || clock_saver.joinable()) return;
    saver_stop = false;
    clock_saver = std::thread([this] {
      std::unique_lock lock(saver_mu);
      while (!saver_stop) {
        lock.unlock();
        save_clock(false, true);
        lock.lock();
        saver_cv.wait_for(lock, kClockCheck, [this] { return saver_stop; });
      }
    });
  }

  void stop_clock_saver() {
    if (!clock_saver.joinable()) return;
    {
      std::lock_guard lock(saver_mu);
      saver_stop = true;
    }
    saver_cv.notify_all();
    clock_saver.join();
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

  std::vector<Endpoint> all_endpoints() const {
    std::vector<Endpoint> out;
    {
      std::lock_guard lock(endpoints_mu);
      out = endpoints;
    }
    for (auto& e : dynamic->endpoints()) out.push_back(std::move(e));
    return out;
  }

  nlohmann::json endpoints_json() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& e : all_endpoints()) j[e.name] = {{"url", e.url()}, {"host", e.host}};
    return j;
  }

  // The address lab DNS A records point at: the bind address when it is a specific IPv4 one,
  // else loopback.
  std::string dns_address() const {
    unsigned char buf[4];
    const std::string& a = options.bind_address;
    if (a != "0.0.0.0" && inet_pton(AF_INET, a.c_str(), buf) == 1) return a;
    return "127.0.0.1";
  }

  // After a seed, and at start (a resumed lab): every site-system server of the site (the
  // site server and each role's server, from the site database) resolves to the lab, unless
  // the zone already has a record for it. Names the zone refuses are skipped (they cannot be
  // resolved anyway). On the I/O thread, or before it runs.
  void add_site_dns() {
    sitedb::SiteDb* db = site->database();
    if (db == nullptr) return;
    std::vector<std::string> names;
    if (auto info = db->site(); info.ok()) names.push_back(info->server);
    for (const auto& role : db->roles()) names.push_back(role.server);
    const std::string address = dns_address();
    for (const auto& name : names) {
      const std::string key = dns_normalize(name);
      const auto records = dns.records();
      if (key.empty() || std::any_of(records.begin(), records.end(),
                                     [&](const DnsRecord& r) { return r.name == key; }))
        continue;
      (void)dns.set_a(name, address);
    }
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

  // Virtual time never goes back on a saved lab: it resumes at the time saved in the state
  // folder, or at an explicit start when that is later. A new lab starts at the explicit start,
  // else the default (manual) or the real time (real-time mode).
  EMU_ASSIGN_OR_RETURN(m.lab_db, m.state.open("lab"));
  EMU_RETURN_IF_ERROR(store::migrate(*m.lab_db, kLabMigrations));
  std::optional<TimePoint> saved_time;
  if (auto saved = m.load_state("clock"); saved.ok()) {
    auto t = parse_iso8601(*saved);
    if (!t.ok()) return t.status().with_context("the saved virtual clock in " + m.state.dir());
    saved_time = *t;
  }
  if (!options.start_time.empty()) {
    EMU_ASSIGN_OR_RETURN(m.start_time, parse_iso8601(options.start_time));
    if (saved_time && *saved_time > m.start_time) m.start_time = *saved_time;
  } else if (saved_time) {
    m.start_time = *saved_time;
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
    // A folder is new until seed() completes on it ("awaiting_seed" marks a new one, so a
    // start killed before its seed finished seeds again); folders saved before that marker
    // existed count as seeded once they have had a session.
    m.awaiting_seed = session == 0 || m.load_state("awaiting_seed").ok();
    m.redo_seed = m.awaiting_seed && m.load_state("seed_started").ok();
    m.resumed = m.load_state("seeded").ok() || !m.awaiting_seed;
    store::Transaction tx(*m.lab_db);
    EMU_RETURN_IF_ERROR(m.save_state("sessions", std::to_string(session + 1)));
    if (session == 0) EMU_RETURN_IF_ERROR(m.save_state("awaiting_seed", "1"));
    EMU_RETURN_IF_ERROR(tx.commit());
  }
  if (m.state.persistent()) {
    // The lab DNS is part of the saved lab: what scenarios and the site added resolves again
    // after a restart. Saved on every change, before the change is reported.
    if (auto saved = m.load_state("dns"); saved.ok()) {
      const auto records = nlohmann::json::parse(*saved, nullptr, false);
      if (!records.is_array()) return Internal("the saved lab DNS in " + m.state.dir());
      for (const auto& r : records) {
        const std::string name = r.value("name", ""), value = r.value("value", "");
        Status st = r.value("type", "") == "CNAME" ? m.dns.set_cname(name, value)
                                                   : m.dns.set_a(name, value);
        if (!st.ok()) return st.with_context("the saved lab DNS in " + m.state.dir());
      }
    }
    m.dns.set_observer([&m](const std::vector<DnsRecord>& records) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : records)
        out.push_back({{"name", r.name}, {"type", r.type}, {"value", r.value}});
      std::lock_guard lock(m.state_mu);
      if (Status st = m.save_state("dns", out.dump()); !st.ok())
        std::cerr << "cmgemu: cannot save the lab DNS: " << st.message() << "\n";
    });
  }
  m.clock = std::make_unique<VirtualClock>(
      options.realtime_clock ? VirtualClock::Mode::kRealtime : VirtualClock::Mode::kManual,
      m.start_time);
  if (m.state.persistent()) {
    m.clock->set_observer([&m](TimePoint) { m.save_clock(false, false); });
    m.save_clock(false, false);
  }

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

  AdminAccess access;
  access.host_names = options.admin_hosts;
  const bool wildcard = options.bind_address == "0.0.0.0" || options.bind_address == "::";
  if (!wildcard && !is_loopback_address(options.bind_address))
    access.host_names.push_back(options.bind_address);
  access.token = options.admin_token;
  if (!access.token.empty()) EMU_RETURN_IF_ERROR(check_admin_token(access.token));
  if (access.token.empty() && !is_loopback_address(options.bind_address)) {
    EMU_ASSIGN_OR_RETURN(access.token, random_token());
  }
  m.options.admin_token = access.token;
  m.admin_router = make_admin_router(
      AdminDeps{*m.clock, m.journal, m.faults, [raw = lab.get()] { return raw->reset(); },
                [&m] { return m.endpoints_json(); }, CMGEMU_VERSION,
                [&m](const std::string& name, const nlohmann::json& args) {
                  return m.run_admin_action(name, args);
                }},
      std::move(access));
  m.crl_router = make_crl_router(m.pki, m.pki_options.crl_path);
  std::string logs_dir = options.logs_dir;
  if (logs_dir.empty() && m.state.persistent()) logs_dir = m.state.dir() + "/logs";
  m.dynamic = std::make_unique<DynamicListeners>(options.bind_address, options.ports,
                                                 options.listener_limits);
  m.intranet = std::make_unique<LabIntranet>(
      http::ServerDeps{*m.clock, m.ids, m.journal, m.faults},
      [&m](const std::string& listener) -> const http::Router* {
        if (auto it = m.static_routers.find(listener); it != m.static_routers.end())
          return it->second;
        return m.dynamic->router(listener);
      });
  ServiceContext ctx{*m.clock, m.ids, m.state, m.pki, logs_dir, m.dynamic.get(), m.intranet.get()};
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<aad::AadService> aad, aad::AadService::create(ctx));
  m.aad = aad.get();
  m.services.push_back(std::move(aad));
  arm::ArmDeps arm_deps{m.aad->validator(), m.aad->principals(), [&m](const std::string& name) {
                          for (const auto& e : m.all_endpoints())
                            if (e.name == name) return e.url();
                          return std::string();
                        }};
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<arm::ArmService> arm,
                       arm::ArmService::create(ctx, std::move(arm_deps)));
  m.arm = arm.get();
  m.services.push_back(std::move(arm));
  // The CMG before the site (whose cloud service manager and connection point drive it), the
  // MP after it (it reads the site database). This order is also the seed and reset order:
  // a CMG reset closes its listeners before the site forgets its CMGs.
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<cmg::CmgService> cmg,
                       cmg::CmgService::create(ctx, cmg::CmgDeps{&m.aad->validator()}));
  m.cmg = cmg.get();
  m.services.push_back(std::move(cmg));
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<site::SiteService> site,
                       site::SiteService::create(ctx, m.dns, m.cmg));
  m.site = site.get();
  m.services.push_back(std::move(site));
  site::SiteService* site_ptr = m.site;
  mp::MpDeps mp_deps{&m.aad->validator(), [site_ptr] { return site_ptr->database(); },
                     [site_ptr] { return site_ptr->token_signer(); }};
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<mp::MpService> mp,
                       mp::MpService::create(ctx, std::move(mp_deps)));
  m.mp = mp.get();
  m.services.push_back(std::move(mp));
  // Clients are on the internet: a name leads through the lab DNS to an address, and an address
  // to the lab listener whose own name resolves to it (a listener named in the chain first).
  // Another name pointing at the CMG's address reaches the CMG, which then presents its own
  // certificate, as on the internet.
  client::ClientDeps client_deps{
      [&m](const std::string& host) -> Result<client::Route> {
        auto answer = m.dns.resolve(host);
        if (!answer.ok()) {
          // Entra ID's public sign-in name resolves everywhere on the internet, zone or not.
          for (const auto& e : m.all_endpoints())
            if (e.name == "aad" && iequals(e.host, host)) return client::Route{e.address, e.port};
          return NotFound(answer.status().message());
        }
        std::vector<std::string> names{host};
        for (const auto& record : answer->chain) names.push_back(record.name);
        const std::vector<Endpoint> endpoints = m.all_endpoints();
        for (const auto& e : endpoints)
          for (const auto& name : names)
            if (iequals(e.host, name)) return client::Route{e.address, e.port};
        for (const auto& e : endpoints) {
          auto own = m.dns.resolve(e.host);
          if (own.ok() && own->address == answer->address) return client::Route{e.address, e.port};
        }
        return Unavailable(host + ": nothing answers at " + answer->address);
      },
      options.client_signing_key_pool,
      // The Entra ID directory lives on the I/O thread; client actions run on the harness's.
      [lab_ptr = lab.get(), aad = m.aad](const aad::DeviceJoinRequest& request) {
        Result<aad::JoinedDevice> out = Unavailable("not run");
        lab_ptr->run_on_io([&] { out = aad->join_device(request); });
        return out;
      }};
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<client::ClientService> clients,
                       client::ClientService::create(ctx, std::move(client_deps)));
  m.services.push_back(std::move(clients));
  for (const auto& spec : m.all_listeners()) m.static_routers[spec.name] = spec.router;
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
  {
    std::lock_guard lock(m.endpoints_mu);
    m.endpoints.clear();
  }
  const auto specs = m.all_listeners();
  for (const auto& pinned : m.options.ports) {
    const std::string& name = pinned.first;
    const bool dynamic = name == "cmg" || name.rfind("cmg-", 0) == 0 ||  // DynamicListeners
                         name == "mp-https";
    if (!dynamic &&
        std::none_of(specs.begin(), specs.end(), [&](const auto& l) { return l.name == name; })) {
      std::string known;
      for (const auto& l : specs) known += (known.empty() ? "" : ", ") + l.name;
      return InvalidArgument("no listener '" + name + "' (known: " + known +
                             ", cmg, cmg-<service name>, mp-https)");
    }
  }
  std::vector<Endpoint> endpoints;
  for (const auto& spec : specs) {
    EMU_RETURN_IF_ERROR(m.server->add_listener(m.listener_config(spec)));
    endpoints.push_back({spec.name, spec.tls ? "https" : "http", spec.host, m.options.bind_address,
                         m.server->port(spec.name)});
  }
  {
    std::lock_guard lock(m.endpoints_mu);
    m.endpoints = std::move(endpoints);
  }
  m.add_site_dns();  // a resumed lab's site systems
  // Dynamic listeners opened before the start (or left open by a stop) bind now.
  if (Status s = m.dynamic->attach(*m.server); !s.ok()) {
    m.dynamic->detach();
    return s;
  }
  if (Status s = m.server->start(); !s.ok()) {
    m.dynamic->detach();
    return s;
  }
  m.started = true;
  m.start_clock_saver();
  return Status::Ok();
}

void Lab::stop() {
  if (!impl_ || !impl_->started) return;
  impl_->server->stop();
  impl_->dynamic->detach();
  impl_->started = false;
  impl_->stop_clock_saver();
  impl_->save_clock(true, false);
}

std::vector<Endpoint> Lab::endpoints() const { return impl_->all_endpoints(); }

Result<Endpoint> Lab::endpoint(const std::string& name) const {
  const std::vector<Endpoint> all = impl_->all_endpoints();
  for (const auto& e : all)
    if (e.name == name) return e;
  std::string known;
  for (const auto& e : all) known += (known.empty() ? "" : ", ") + e.name;
  return NotFound("no endpoint '" + name + "' (known: " + known + ")");
}

std::string Lab::ca_path() const { return impl_->pki.ca.cert_path; }
std::string Lab::pki_dir() const { return impl_->pki.dir; }
std::string Lab::state_dir() const { return impl_->options.state_dir; }
std::string Lab::admin_url() const {
  auto admin = endpoint("admin");
  return admin.ok() ? admin->url() + std::string(kAdminPrefix) : std::string();
}

std::string Lab::admin_token() const { return impl_->options.admin_token; }

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
  m.intranet->clear();
  m.faults.reseed(fault_seed(m.options.seed));
  m.ids.reseed(m.options.seed);
  m.clock->set(m.start_time);  // saved by the clock's observer
  for (auto& s : m.services) EMU_RETURN_IF_ERROR(s->reset().with_context("reset " + s->name()));
  if (m.state.persistent()) {
    // The folder holds an empty lab again: the next start seeds it as a new one.
    std::lock_guard lock(m.state_mu);
    store::Transaction tx(*m.lab_db);
    EMU_RETURN_IF_ERROR(m.erase_state("seeded"));
    EMU_RETURN_IF_ERROR(m.erase_state("seed_started"));
    EMU_RETURN_IF_ERROR(m.save_state("awaiting_seed", "1"));
    EMU_RETURN_IF_ERROR(tx.commit());
    m.awaiting_seed = true;
    m.redo_seed = false;
  }
  return Status::Ok();
}

Status Lab::seed(const nlohmann::json& lab, nlohmann::json* summary) {
  Impl& m = *impl_;
  Status status;
  if (m.state.persistent() && m.awaiting_seed) {
    std::lock_guard lock(m.state_mu);
    status = m.save_state("seed_started", "1");
    if (!status.ok()) return status.with_context("lab state in " + m.state.dir());
  }
  run_on_io([&] {
    for (auto& s : m.services) {
      if (m.redo_seed) status = s->reset().with_context("reset " + s->name());
      if (status.ok()) status = s->seed(lab).with_context(s->name());
      if (!status.ok()) return;
    }
    m.add_site_dns();
  });
  if (!status.ok() && m.state.persistent() && m.awaiting_seed) m.redo_seed = true;
  if (status.ok() && m.state.persistent()) {
    std::lock_guard lock(m.state_mu);
    store::Transaction tx(*m.lab_db);
    status = m.erase_state("awaiting_seed");
    if (status.ok()) status = m.erase_state("seed_started");
    if (status.ok()) status = m.save_state("seeded", lab_digest(lab));
    if (status.ok()) status = tx.commit();
    if (!status.ok()) return status.with_context("lab state in " + m.state.dir());
    m.awaiting_seed = false;
    m.redo_seed = false;
  }
  if (summary != nullptr && status.ok()) {
    (*summary)["aad"] = impl_->aad->last_seed();
    (*summary)["arm"] = impl_->arm->last_seed();
    (*summary)["site"] = impl_->site->last_seed();
  }
  return status;
}

bool Lab::resumed() const { return impl_->resumed; }

bool Lab::seeded_with(const nlohmann::json& lab) const {
  if (!impl_->state.persistent()) return false;
  std::lock_guard lock(impl_->state_mu);
  auto saved = impl_->load_state("seeded");
  return saved.ok() && *saved == lab_digest(lab);
}

DnsZone& Lab::dns() { return impl_->dns; }
ListenerHost& Lab::listener_host() { return *impl_->dynamic; }
Intranet& Lab::intranet() { return *impl_->intranet; }

const aad::TokenValidator* Lab::token_validator() const { return &impl_->aad->validator(); }

}  // namespace emu::app
