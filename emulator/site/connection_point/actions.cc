// The connection point's actions: state, connect/disconnect ("CP disconnected", README Sources
// [S13]: the console can show a CP as disconnected), the client-authentication certificate switch
// and the traffic counters per CP and target endpoint (the console's CMG details pane, memdocs
// monitor-clients-cloud-management-gateway.md). Reconciliation with the CMG service runs after each
// (actions.cc with_site).
#include "emulator/core/text.h"
#include "emulator/site/internal.h"

namespace emu::site::internal {
namespace {

using nlohmann::json;

std::string str(const json& args, const char* key) {
  auto it = args.find(key);
  return it != args.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The CP roles of `cmg` (one `server`, or all when empty). I/O thread.
std::vector<sitedb::SiteRole> cp_roles(SiteState& s, const std::string& cmg,
                                       const std::string& server) {
  std::vector<sitedb::SiteRole> out;
  for (const sitedb::SiteRole& r : s.db->roles())
    if (r.role_type == sitedb::kCmgConnectionPoint && iequals(r.cmg_service, cmg) &&
        (server.empty() || iequals(r.server, server)))
      out.push_back(r);
  return out;
}

std::string no_cp(const std::string& cmg, const std::string& server) {
  return "no CMG connection point" + (server.empty() ? "" : " on " + server) + " for " + cmg;
}

json cp_view(SiteState& s, const sitedb::SiteRole& r) {
  reconcile_cmg(s);
  ConnectionPoint* cp = s.cmg_links.find(r.cmg_service, r.server);
  json out =
      cp ? cp->traffic() : json{{"server", r.server}, {"cmg", r.cmg_service}, {"connected", false}};
  out["role_id"] = std::to_string(r.id);
  out["disconnected_by_admin"] = cp ? cp->manually_disconnected : false;
  auto service = s.db->cloud_service(r.cmg_service);
  out["cmg_status"] = service.ok() ? sitedb::state_name(service->state) : "Deleted";
  out["status"] = out.value("connected", false) ? "Connected" : "Disconnected";
  return out;
}

}  // namespace

ActionOutcome cp_state(SiteState& s, SiteEnv& env, const json& args) {
  const std::string cmg = str(args, "cmg"), server = str(args, "server");
  auto out = env.io([&]() -> Result<json> {
    json cps = json::array();
    for (const auto& r : cp_roles(s, cmg, server)) cps.push_back(cp_view(s, r));
    if (cps.empty()) return NotFound(no_cp(cmg, server));
    return cps;
  });
  if (!out.ok()) return action_failed(out.status().message());
  json result = out->size() == 1 ? (*out)[0] : json{{"connection_points", *out}};
  const std::string msg = std::to_string(out->size()) + " connection point(s) of " + cmg + ": " +
                          (*out)[0].value("status", "");
  return action_passed(msg, result);
}

ActionOutcome cp_connect(SiteState& s, SiteEnv& env, const json& args, bool connect) {
  const std::string cmg = str(args, "cmg"), server = str(args, "server");
  auto out = env.io([&]() -> Result<json> {
    auto roles = cp_roles(s, cmg, server);
    if (roles.empty()) return NotFound(no_cp(cmg, server));
    reconcile_cmg(s);
    json cps = json::array();
    for (const auto& r : roles) {
      ConnectionPoint* cp = s.cmg_links.find(r.cmg_service, r.server);
      if (cp == nullptr) return FailedPrecondition("the site has no CMG service to connect to");
      cp->manually_disconnected = !connect;
      if (!connect) {
        s.cmg->disconnect(r.cmg_service, r.server);
        cp->mark_connected(false);
        // Inferred wording: the component stops its connections.
        (void)s.logs->write(kProxyConnectorLog, TraceRecord{kProxyConnectorComponent,
                                                            "Stopped all connections with server " +
                                                                to_upper(r.cmg_service) + ".",
                                                            TraceSeverity::kWarning, 5124, ""});
      }
      cps.push_back(cp_view(s, r));
    }
    return cps;
  });
  if (!out.ok()) return action_failed(out.status().message());
  json result = out->size() == 1 ? (*out)[0] : json{{"connection_points", *out}};
  const bool connected = (*out)[0].value("connected", false);
  if (connect && !connected)
    return action_failed("the connection point could not connect to " + cmg + " (its status is " +
                             (*out)[0].value("cmg_status", "") + ")",
                         result);
  return action_passed(
      std::string("connection point ") + (connect ? "connected to " : "disconnected from ") + cmg,
      result);
}

ActionOutcome cp_configure(SiteState& s, SiteEnv& env, const json& args) {
  const std::string cmg = str(args, "cmg"), server = str(args, "server");
  auto out = env.io([&]() -> Result<json> {
    auto roles = cp_roles(s, cmg, server);
    if (roles.empty()) return NotFound(no_cp(cmg, server));
    json cps = json::array();
    for (auto r : roles) {
      if (!r.properties.is_object()) r.properties = json::object();
      if (args.contains("client_auth_certificate"))
        r.properties["client_auth_certificate"] = args["client_auth_certificate"].get<bool>();
      EMU_RETURN_IF_ERROR(s.db->update_role(r));
      cps.push_back(cp_view(s, r));
    }
    return cps;
  });
  if (!out.ok()) return action_failed(out.status().message());
  json result = out->size() == 1 ? (*out)[0] : json{{"connection_points", *out}};
  return action_passed("connection point settings saved", result);
}

ActionOutcome cmg_traffic(SiteState& s, SiteEnv& env, const json& args) {
  const std::string cmg = str(args, "cmg");
  const bool report = args.value("report", false);
  auto out = env.io([&]() -> Result<json> {
    auto roles = cp_roles(s, cmg, "");
    if (roles.empty()) return NotFound(no_cp(cmg, ""));
    reconcile_cmg(s);
    json cps = json::array(), reports = json::array();
    for (const auto& r : roles) {
      ConnectionPoint* cp = s.cmg_links.find(r.cmg_service, r.server);
      if (cp && report) {
        std::string m = cp->report_traffic(s.clock.now());
        if (!m.empty()) reports.push_back(m);
      }
      cps.push_back(cp_view(s, r));
    }
    return json{{"cmg", cmg}, {"connection_points", cps}, {"reports", reports}};
  });
  if (!out.ok()) return action_failed(out.status().message());
  uint64_t total = 0;
  for (const json& cp : (*out)["connection_points"])
    for (const json& e : cp.value("endpoints", json::array()))
      total += e.value("TotalRequests", uint64_t{0});
  return action_passed(std::to_string(total) + " request(s) through " + cmg, *out);
}

}  // namespace emu::site::internal
