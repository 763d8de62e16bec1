// site.* scenario actions: registration of every site action, and the ones that act on the
// site database directly (client settings, role properties, bulk tokens, read-only SQL, logs).
#include "emulator/core/json_args.h"
#include "emulator/core/text.h"
#include "emulator/site/azure_services/azure_services.h"
#include "emulator/site/cloud_manager/cloud_manager.h"
#include "emulator/site/cmg_analyzer/analyzer.h"
#include "emulator/site/internal.h"

namespace emu::site::internal {

using nlohmann::json;

namespace {

using Op = std::function<ActionOutcome(SiteEnv&, const json&)>;

// Wraps a site operation: the site must have been seeded (it has a database).
ActionFn with_site(SiteState& s, Op op) {
  return [&s, op = std::move(op)](const json& args, ActionContext& ctx) {
    if (!s.db)
      return action_failed(
          "no site: the scenario's lab section has no \"site\" (or it was not seeded)");
    SiteEnv env{ctx, *s.db, *s.logs, s.dns, s.config, s.pki_dir, *s.uploads};
    ActionOutcome out = op(env, args);
    // Whatever the operation changed (a CMG's status, roles, tokens, tenants) reaches the CMG
    // service: the cloud service manager and the connection points act on the new state.
    env.io([&s] { reconcile_cmg(s); });
    return out;
  };
}

// Cloud Services settings the console offers (values Yes/No).
const std::vector<std::string>& cloud_services_settings() {
  static const std::vector<std::string> kNames = {
      "Allow access to cloud distribution point",
      "Enable clients to use a cloud management gateway",
      "Automatically register new Windows 10 domain joined devices with Azure Active Directory",
  };
  return kNames;
}

Status check_client_settings(const json& settings) {
  if (!settings.is_object()) return InvalidArgument("settings: must be an object of groups");
  for (const auto& [group, values] : settings.items()) {
    if (!values.is_object())
      return InvalidArgument("settings." + group + ": must be an object of settings");
    for (const auto& [name, value] : values.items()) {
      if (!value.is_string() && !value.is_boolean() && !value.is_number())
        return InvalidArgument("settings." + group + "." + name + ": must be a value");
      if (group != "Cloud Services") continue;  // other groups are stored as given
      const auto& known = cloud_services_settings();
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        return InvalidArgument("settings.Cloud Services." + name + ": unknown setting" +
                               did_you_mean(name, known));
      }
      if (!value.is_string() || (value != "Yes" && value != "No"))
        return InvalidArgument("settings.Cloud Services." + name + ": must be \"Yes\" or \"No\"");
    }
  }
  return Status::Ok();
}

ActionOutcome set_client_settings(SiteEnv& env, const json& args) {
  const std::string name = args.value("client_settings", "Default Client Settings");
  if (Status st = check_client_settings(args["settings"]); !st.ok())
    return action_failed(st.message());
  const bool create = args.value("create", false);
  auto result = env.io([&]() -> Result<sitedb::ClientSettings> {
    auto existing = env.db.client_settings(name);
    sitedb::ClientSettings cs;
    if (existing.ok()) {
      cs = *existing;
    } else if (!create) {
      return NotFound("client settings '" + name + "' do not exist (create: true makes them)");
    } else {
      cs.name = name;
      cs.priority = args.value("priority", 1);
    }
    for (const auto& [group, values] : args["settings"].items())
      for (const auto& [setting, value] : values.items()) cs.settings[group][setting] = value;
    return env.db.put_client_settings(cs);
  });
  if (!result.ok()) return action_failed(result.status().message());
  return action_passed("client settings '" + name + "' saved", {{"client_settings", result->name},
                                                                {"priority", result->priority},
                                                                {"settings", result->settings}});
}

Result<sitedb::SiteRole> find_role_arg(SiteEnv& env, const json& entry, int* type_out) {
  const std::string key = entry.value("role", "");
  int type = role_type_of(key);
  if (type == 0)
    return InvalidArgument("role: unknown role '" + key +
                           "' (management_point, software_update_point, ...)");
  *type_out = type;
  const std::string server = entry.value("server", "");
  return env.io([&] { return env.db.find_role(server, type); });
}

ActionOutcome allow_cmg_traffic(SiteEnv& env, const json& args) {
  json roles = json::array();
  json out = json::object();
  for (const auto& entry : args["roles"]) {
    int type = 0;
    auto role = find_role_arg(env, entry, &type);
    if (!role.ok()) return action_failed(role.status().message());
    const bool allow = entry.value("allow", true);
    if (type == sitedb::kManagementPoint && allow && !role->https && !role->enhanced_http)
      // The MP properties page greys the option out for an HTTP MP; wording inferred from
      // the docs' requirement (HTTPS or Enhanced HTTP), README Sources [S11].
      return action_failed(
          "The management point " + role->server +
          " is configured for HTTP. To allow Configuration Manager cloud management "
          "gateway traffic, configure the management point for HTTPS or enable "
          "Enhanced HTTP for the site.");
    role->allow_cmg_traffic = allow;
    if (type == sitedb::kManagementPoint) {
      std::string conn = entry.value("client_connections", "internet_only");
      if (conn != "internet_only" && conn != "intranet_and_internet")
        return action_failed("client_connections: must be internet_only or intranet_and_internet");
      role->cmg_client_connections = allow ? conn : "";
    }
    Status st = env.io([&] { return env.db.update_role(*role); });
    if (!st.ok()) return action_failed(st.message());
    const std::string id = std::to_string(role->id);
    roles.push_back({{"role", entry["role"]},
                     {"server", role->server},
                     {"role_id", id},
                     {"allow_cmg_traffic", allow}});
    if (type == sitedb::kManagementPoint) out["mp_role_id"] = id;
    if (type == sitedb::kSoftwareUpdatePoint) out["sup_role_id"] = id;
  }
  out["roles"] = roles;
  return action_passed(std::to_string(roles.size()) + " role(s) updated", out);
}

ActionOutcome set_enhanced_http(SiteEnv& env, const json& args) {
  const bool on = args["enabled"].get<bool>();
  auto st = env.io([&]() -> Status {
    for (auto role : env.db.roles()) {
      if (!on && role.role_type == sitedb::kManagementPoint && role.allow_cmg_traffic &&
          !role.https)
        return FailedPrecondition(
            "The management point " + role.server +
            " allows cloud management gateway traffic over HTTP with Enhanced HTTP; turn CMG "
            "traffic off first [inferred wording]");
      role.enhanced_http = on;
      EMU_RETURN_IF_ERROR(env.db.update_role(role));
    }
    return Status::Ok();
  });
  if (!st.ok()) return action_failed(st.message());
  return action_passed(std::string("Enhanced HTTP ") + (on ? "enabled" : "disabled"),
                       {{"enhanced_http", on}});
}

ActionOutcome add_connection_point(SiteEnv& env, const json& args) {
  const std::string server = args["server"].get<std::string>();
  const std::string cmg = args["cmg"].get<std::string>();
  auto r = env.io([&]() -> Result<sitedb::SiteRole> {
    EMU_ASSIGN_OR_RETURN(sitedb::CloudService service, env.db.cloud_service(cmg));
    if (args.contains("region") && args["region"].is_string() &&
        args["region"].get<std::string>() != service.region)
      return InvalidArgument("region: the cloud management gateway " + cmg + " is in " +
                             service.region);
    bool site_system = false;
    for (const auto& role : env.db.roles()) site_system |= role.server == server;
    if (!site_system) return NotFound("no site system server " + server);
    sitedb::SiteRole role;
    role.server = server;
    role.role_type = sitedb::kCmgConnectionPoint;
    role.cmg_service = service.name;
    role.properties = {{"Region", service.region},
                       {"Proxy", args.contains("proxy") ? args["proxy"] : json()}};
    return env.db.add_role(role);
  });
  if (!r.ok()) return action_failed(r.status().message());
  // The connection point's component starts and looks up its CMG [inferred wording].
  env.log(kProxyConnectorLog, kProxyConnectorComponent,
          "Adding cloud management gateway connection point for service " + cmg + " on " + server +
              "~~");
  return action_passed("CMG connection point on " + server + " for " + cmg,
                       {{"server", server},
                        {"cmg", cmg},
                        {"role_id", std::to_string(r->id)},
                        {"region", r->properties["Region"]}});
}

ActionOutcome run_sql(SiteEnv& env, const json& args) {
  const std::string sql = args["query"].get<std::string>();
  auto result = env.io([&] { return env.db.query(sql); });
  if (!result.ok()) return action_failed(result.status().message());
  json rows = json::array();
  for (const auto& row : result->rows) {
    json r = json::object();
    for (size_t i = 0; i < row.size() && i < result->columns.size(); ++i)
      r[result->columns[i]] = row[i] ? json(*row[i]) : json();
    rows.push_back(std::move(r));
  }
  return action_passed(std::to_string(rows.size()) + " row(s)",
                       {{"columns", result->columns}, {"rows", rows}, {"count", rows.size()}});
}

ActionOutcome expect_logs(SiteEnv& env, const json& args) {
  const std::string log = args["log"].get<std::string>();
  const auto lines = env.logs.lines(log);
  return expect_log_patterns(log, lines, args["patterns"]);
}

// The channel state of each connection point of a CMG, for the connection analyzer (I/O
// thread; after reconciling the site's CMGs with the CMG service).
ConnectionPointLookup connection_point_states(SiteState& s) {
  return [&s](const std::string& cmg) {
    reconcile_cmg(s);
    std::vector<ConnectionPointState> out;
    for (const auto& role : s.db->roles()) {
      if (role.role_type != sitedb::kCmgConnectionPoint || !iequals(role.cmg_service, cmg))
        continue;
      ConnectionPoint* cp = s.cmg_links.find(role.cmg_service, role.server);
      ConnectionPointState state;
      state.server = role.server;
      state.connected = cp != nullptr && cp->connected();
      state.state = state.connected ? "Connected" : "Disconnected";
      out.push_back(std::move(state));
    }
    return out;
  };
}

Status require_array(const json& args, const char* key) {
  if (args.contains(key) && !args[key].is_array())
    return InvalidArgument(std::string(key) + ": must be an array");
  return Status::Ok();
}

}  // namespace

// Adds every site action; with `s` null only the declarations (names, arguments, load-time
// checks) for the scenario loader.
void add_site_actions(SiteState* s, ActionRegistry& registry) {
  auto def = [&](std::string name, std::string summary, std::vector<std::string> required,
                 std::vector<std::string> optional, Op op, ArgsValidator validate = nullptr) {
    if (s == nullptr && registry.find(name) != nullptr) return;  // keep an implementation
    optional.push_back("expect");
    registry.add({std::move(name), std::move(summary), std::move(required), std::move(optional),
                  s ? with_site(*s, std::move(op)) : ActionFn(), std::move(validate)});
  };
  def("site.client_settings.set",
      "Create or change client settings, e.g. Cloud Services: \"Enable clients to use a cloud "
      "management gateway\" (outputs: client_settings, settings)",
      {"settings"}, {"client_settings", "create", "priority"}, set_client_settings,
      [](const json& a) {
        return a.contains("settings") ? check_client_settings(a["settings"]) : Status::Ok();
      });
  def("site.azure_services.configure",
      "Azure Services wizard (Cloud Management): sign in, create or import the server and client "
      "apps, optional user discovery (outputs: tenant_id, web_app, client_app)",
      {"web_app", "client_app"},
      {"service", "name", "description", "environment", "signed_in_as", "password", "complete_mfa",
       "user_discovery"},
      configure_azure_services, validate_azure_services_args);
  def("site.azure_services.discover", "Run Azure AD user discovery now (outputs: tenants[].users)",
      {}, {"tenant"}, run_user_discovery);
  def("site.cmg.create",
      "Create Cloud Management Gateway wizard, then the cloud service manager deploys it through "
      "ARM (outputs: service_name, deployment_name, status)",
      {"signed_in_as", "certificate", "region", "resource_group"},
      {"password", "environment", "service_name", "description", "subscription", "vm_size",
       "instances", "trusted_roots", "verify_revocation", "enforce_tls12", "cloud_dp", "alerts",
       "wait_for"},
      create_cmg, validate_create_cmg_args);
  def("site.cmg.maintenance",
      "Run the cloud service manager's due tasks (Deployment Maintenance), optionally waiting for "
      "a status (outputs: status, status_description, attempts)",
      {"cmg"}, {"wait_for"}, run_cmg_maintenance);
  def("site.cmg.status", "The console's view of a CMG (outputs: status, status_description, ...)",
      {"cmg"}, {}, cmg_status);
  def("site.cmg.stop", "Stop service (outputs: status)", {"cmg"}, {}, stop_cmg);
  def("site.cmg.start", "Start service (outputs: status)", {"cmg"}, {}, start_cmg);
  def("site.cmg.delete", "Delete the CMG and its Azure resources (outputs: status)", {"cmg"}, {},
      delete_cmg);
  def(
      "site.cmg.connection_analyzer",
      "CMG connection analyzer: six checks as an Azure AD user or with a client certificate "
      "(outputs: checks [{name, result, description}], passed, failed)",
      {"cmg", "auth"}, {"signed_in_as", "password", "certificate", "check_names"},
      [s](SiteEnv& env, const json& a) {
        return run_connection_analyzer(env, a, connection_point_states(*s));
      },
      validate_connection_analyzer_args);
  def("site.roles.add_cmg_connection_point",
      "Add the CMG connection point role to a site system (outputs: server, cmg, role_id)",
      {"server", "cmg"}, {"region", "proxy"}, add_connection_point);
  def("site.roles.allow_cmg_traffic",
      "MP/SUP properties: allow Configuration Manager cloud management gateway traffic "
      "(outputs: mp_role_id, sup_role_id, roles)",
      {"roles"}, {}, allow_cmg_traffic, [](const json& a) { return require_array(a, "roles"); });
  def("site.enhanced_http.set",
      "Site properties: use Configuration Manager-generated certificates for HTTP site systems "
      "(Enhanced HTTP) on or off",
      {"enabled"}, {}, set_enhanced_http, [](const json& a) {
        return a.contains("enabled") && !a["enabled"].is_boolean()
                   ? InvalidArgument("enabled: must be true or false")
                   : Status::Ok();
      });
  def("site.bulk_token.new",
      "BulkRegistrationTokenTool.exe /new [/lifetime <minutes>] (outputs: guid, token, expires, "
      "output)",
      {}, {"lifetime_minutes", "command_line"},
      [s](SiteEnv& env, const json& a) { return new_bulk_token(*s, env, a); });
  def("site.bulk_token.validate",
      "Check a bulk token as the site's token service would now: signature, lifetime in virtual "
      "time, blocked (outputs: valid, guid, reason)",
      {"token"}, {}, [s](SiteEnv& env, const json& a) { return validate_token(*s, env, a); });
  def("site.bulk_token.block", "Block a bulk registration token by its GUID", {"guid"}, {},
      [](SiteEnv& env, const json& a) { return block_bulk_token(env, a, true); });
  def("site.bulk_token.unblock", "Unblock a bulk registration token by its GUID", {"guid"}, {},
      [](SiteEnv& env, const json& a) { return block_bulk_token(env, a, false); });
  def("site.cmg_connection_point.state",
      "The CMG connection point's channel to the CMG (outputs: status Connected/Disconnected, "
      "connected, ports, cmg_status, endpoints)",
      {"cmg"}, {"server"}, [s](SiteEnv& env, const json& a) { return cp_state(*s, env, a); });
  def("site.cmg_connection_point.connect",
      "Connect the connection point's channel to its CMG again (outputs: as state)", {"cmg"},
      {"server"}, [s](SiteEnv& env, const json& a) { return cp_connect(*s, env, a, true); });
  def("site.cmg_connection_point.disconnect",
      "Drop the connection point's channel to its CMG: the CP shows Disconnected and the CMG "
      "answers 500 CMGConnector_InternalServerError (outputs: as state)",
      {"cmg"}, {"server"},
      [s](SiteEnv& env, const json& a) { return cp_connect(*s, env, a, false); });
  def(
      "site.cmg_connection_point.set",
      "Connection point settings: client_auth_certificate (present the lab's client-"
      "authentication certificate to HTTPS roles) (outputs: as state)",
      {"cmg"}, {"server", "client_auth_certificate"},
      [s](SiteEnv& env, const json& a) { return cp_configure(*s, env, a); },
      [](const json& a) {
        return a.contains("client_auth_certificate") && !a["client_auth_certificate"].is_boolean()
                   ? InvalidArgument("client_auth_certificate: must be true or false")
                   : Status::Ok();
      });
  def("site.cmg.traffic",
      "Traffic through a CMG per connection point and target endpoint (TotalRequests, "
      "TotalRequestsWithBearerToken, MaxConcurrentRequests, TotalRequestBytes, "
      "TotalResponseBytes, FailedRequests); report: true writes the ReportTrafficData message now",
      {"cmg"}, {"report"}, [s](SiteEnv& env, const json& a) { return cmg_traffic(*s, env, a); });
  def("site.sql",
      "Read-only SQL on the site database CM_<code> (T-SQL names like [dbo].[vProxy_Roles]) "
      "(outputs: columns, rows, count)",
      {"query"}, {}, run_sql);
  def("site.logs.expect",
      "Check that a site-server log (CloudMgr.log, ...) has lines matching each pattern",
      {"log", "patterns"}, {}, expect_logs, check_log_expect_args);
}

void register_site_actions(SiteState& s, ActionRegistry& registry) {
  add_site_actions(&s, registry);
}

}  // namespace emu::site::internal

namespace emu::site {
void declare_site_actions(ActionRegistry& registry) {
  internal::add_site_actions(nullptr, registry);
}
}  // namespace emu::site
