// The Azure Services wizard's Graph steps: creating the web (server) and native (client) apps
// with their service principals and admin consent (README Sources [S7]), and the
// "Verify" of imported apps. Every step is written to SMSAdminUI.log (wording inferred).

#include "emulator/core/clock.h"
#include "emulator/site/azure_services/internal.h"

#include <chrono>

namespace emu::site::azsvc {
namespace {

using nlohmann::json;

template <class T, class U>
AzureResult<T> failure(const AzureResult<U>& r) {
  AzureResult<T> out;
  out.error = r.error;
  return out;
}

template <class T>
AzureResult<T> failure(std::string code, std::string message) {
  AzureResult<T> out;
  out.error.code = std::move(code);
  out.error.message = std::move(message);
  return out;
}

void ui_log(GraphSession& g, const std::string& message,
            TraceSeverity severity = TraceSeverity::kInfo) {
  g.env.log(kAdminUiLog, kAdminUiComponent, message, severity, kAdminUiThread);
}

// A Graph call's JSON body, or the Graph error.
AzureResult<json> graph(GraphSession& g, const std::string& method, const std::string& target,
                        const json& body = nullptr) {
  auto reply = g.client.call("graph", method, target, g.token, body);
  AzureResult<json> out;
  out.error = reply.error;
  out.value = std::move(reply.value.body);
  if (!out.ok()) {
    ui_log(g, "ERROR: Graph " + method + " " + target + " failed: " + out.error.text(),
           TraceSeverity::kError);
  }
  return out;
}

std::string str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// obj[key], or null when `obj` is not an object or lacks it (never throws).
const json& member(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

// The id of the enabled entry of `list` (appRoles / oauth2PermissionScopes) with `value`.
std::string permission_id(const json& list, const std::string& value) {
  if (!list.is_array()) return "";
  for (const json& p : list) {
    if (str(p, "value") == value) return str(p, "id");
  }
  return "";
}

// The same calendar date and time `n` years later (Feb 29 becomes Feb 28).
TimePoint plus_years(TimePoint t, int n) {
  using namespace std::chrono;
  sys_days day = floor<days>(t);
  year_month_day ymd = year_month_day(day) + years(n);
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
  return sys_days(ymd) + (t - day);
}

std::string sp_by_app_id(const std::string& app_id) {
  return "/v1.0/servicePrincipals(appId='" + app_id + "')";
}

// Creates the service principal of `app_id`; its object ID.
AzureResult<std::string> create_sp(GraphSession& g, const std::string& app_id) {
  auto sp = graph(g, "POST", "/v1.0/servicePrincipals", {{"appId", app_id}});
  if (!sp.ok()) return failure<std::string>(sp);
  AzureResult<std::string> out;
  out.value = str(sp.value, "id");
  return out;
}

json web_app_body(const WebAppArgs& args, const std::string& scope_id, const std::string& role_id) {
  json scope = {{"id", scope_id},
                {"value", kUserImpersonation},
                {"type", "User"},
                {"isEnabled", true},
                {"adminConsentDisplayName", "Access " + args.name},
                {"adminConsentDescription", "Allow the application to access " + args.name +
                                                " on behalf of the signed-in "
                                                "user."},
                {"userConsentDisplayName", "Access " + args.name},
                {"userConsentDescription",
                 "Allow the application to access " + args.name + " on your behalf."}};
  return {{"displayName", args.name},
          {"signInAudience", "AzureADMyOrg"},
          {"identifierUris", {args.identifier_uri}},
          {"web",
           {{"homePageUrl", args.home_page_url},
            {"redirectUris", {"http://localhost"}},
            {"implicitGrantSettings", {{"enableIdTokenIssuance", true}}}}},
          {"api", {{"oauth2PermissionScopes", {scope}}}},
          {"requiredResourceAccess",
           {{{"resourceAppId", kGraphAppId},
             {"resourceAccess", {{{"id", role_id}, {"type", "Role"}}}}}}}};
}

}  // namespace

AzureResult<AppRecord> create_web_app(GraphSession& g, const WebAppArgs& args) {
  ui_log(g, "Creating server application '" + args.name + "' with App ID URI " +
                args.identifier_uri + " in tenant " + g.tenant_id);
  auto graph_sp = graph(g, "GET", sp_by_app_id(kGraphAppId));
  if (!graph_sp.ok()) return failure<AppRecord>(graph_sp);
  std::string role_id = permission_id(member(graph_sp.value, "appRoles"), kDirectoryReadAll);
  if (role_id.empty())
    return failure<AppRecord>("PermissionNotFound", "Microsoft Graph has no Directory.Read.All");
  AppRecord rec;
  rec.scope_id = g.env.ctx.ids().guid();
  auto app = graph(g, "POST", "/v1.0/applications", web_app_body(args, rec.scope_id, role_id));
  if (!app.ok()) return failure<AppRecord>(app);
  sitedb::AadApplication& row = rec.row;
  row.tenant_id = g.tenant_id;
  row.kind = "web";
  row.name = args.name;
  row.client_id = str(app.value, "appId");
  row.object_id = str(app.value, "id");
  row.identifier_uri = args.identifier_uri;

  TimePoint end = plus_years(std::chrono::floor<std::chrono::seconds>(g.env.ctx.clock().now()),
                             args.secret_years);
  json password = {
      {"passwordCredential", {{"displayName", "ConfigMgr"}, {"endDateTime", format_iso8601(end)}}}};
  auto secret = graph(g, "POST", "/v1.0/applications/" + row.object_id + "/addPassword", password);
  if (!secret.ok()) return failure<AppRecord>(secret);
  row.secret = str(secret.value, "secretText");
  row.secret_key_id = str(secret.value, "keyId");
  row.secret_expiry = str(secret.value, "endDateTime");

  auto sp = create_sp(g, row.client_id);
  if (!sp.ok()) return failure<AppRecord>(sp);
  row.service_principal_id = sp.value;
  json assignment = {{"principalId", row.service_principal_id},
                     {"resourceId", str(graph_sp.value, "id")},
                     {"appRoleId", role_id}};
  auto granted = graph(
      g, "POST", "/v1.0/servicePrincipals/" + row.service_principal_id + "/appRoleAssignments",
      assignment);
  if (!granted.ok()) return failure<AppRecord>(granted);
  ui_log(g, "Created server application '" + row.name + "' (client ID " + row.client_id +
                "); secret key valid until " + row.secret_expiry +
                "; granted admin consent for Microsoft Graph Directory.Read.All (application)");
  AzureResult<AppRecord> out;
  out.value = std::move(rec);
  return out;
}

AzureResult<AppRecord> create_client_app(GraphSession& g, const ClientAppArgs& args,
                                         const AppRecord& web) {
  ui_log(g, "Creating client application '" + args.name + "' in tenant " + g.tenant_id);
  json body = {{"displayName", args.name},
               {"signInAudience", "AzureADMyOrg"},
               {"isFallbackPublicClient", true},
               {"publicClient", {{"redirectUris", {args.reply_url}}}},
               {"web", {{"implicitGrantSettings", {{"enableIdTokenIssuance", true}}}}},
               {"requiredResourceAccess",
                {{{"resourceAppId", web.row.client_id},
                  {"resourceAccess", {{{"id", web.scope_id}, {"type", "Scope"}}}}}}}};
  auto app = graph(g, "POST", "/v1.0/applications", body);
  if (!app.ok()) return failure<AppRecord>(app);
  AppRecord rec;
  sitedb::AadApplication& row = rec.row;
  row.tenant_id = g.tenant_id;
  row.kind = "native";
  row.name = args.name;
  row.client_id = str(app.value, "appId");
  row.object_id = str(app.value, "id");
  rec.redirect_uri = kBrokerRedirectPrefix + row.client_id;
  // The broker redirect names the app's own client ID, so it is added once that is known.
  json redirects = {{"publicClient", {{"redirectUris", {rec.redirect_uri, args.reply_url}}}}};
  auto patched = graph(g, "PATCH", "/v1.0/applications/" + row.object_id, redirects);
  if (!patched.ok()) return failure<AppRecord>(patched);
  auto sp = create_sp(g, row.client_id);
  if (!sp.ok()) return failure<AppRecord>(sp);
  row.service_principal_id = sp.value;
  json grant = {{"clientId", row.service_principal_id},
                {"consentType", "AllPrincipals"},
                {"resourceId", web.row.service_principal_id},
                {"scope", kUserImpersonation}};
  auto granted = graph(g, "POST", "/v1.0/oauth2PermissionGrants", grant);
  if (!granted.ok()) return failure<AppRecord>(granted);
  ui_log(g, "Created client application '" + row.name + "' (client ID " + row.client_id +
                "); granted admin consent for " + web.row.name + " user_impersonation");
  AzureResult<AppRecord> out;
  out.value = std::move(rec);
  return out;
}

AzureResult<AppRecord> import_web_app(GraphSession& g, const WebAppArgs& args) {
  ui_log(g, "Verifying server application '" + args.name + "' (client ID " + args.client_id +
                ") in tenant " + args.tenant_id);
  auto token = g.client.app_token(args.tenant_id, args.client_id, args.secret, kGraphDefaultScope);
  if (!token.ok()) {
    ui_log(g,
           "ERROR: Verification of server application '" + args.name +
               "' failed: " + token.error.text(),
           TraceSeverity::kError);
    return failure<AppRecord>(token);
  }
  g.token = token.value.access_token;
  g.tenant_id = args.tenant_id;
  AppRecord rec;
  sitedb::AadApplication& row = rec.row;
  row.tenant_id = args.tenant_id;
  row.kind = "web";
  row.name = args.name;
  row.client_id = args.client_id;
  row.identifier_uri = args.identifier_uri;
  row.secret = args.secret;
  row.secret_expiry = args.secret_expiry;
  row.imported = true;
  // Object IDs need a Graph read permission the app may lack: best effort.
  auto app =
      g.client.call("graph", "GET", "/v1.0/applications(appId='" + args.client_id + "')", g.token);
  if (app.ok()) {
    row.object_id = str(app.value.body, "id");
    rec.scope_id = permission_id(member(member(app.value.body, "api"), "oauth2PermissionScopes"),
                                 kUserImpersonation);
  }
  auto sp = g.client.call("graph", "GET", sp_by_app_id(args.client_id), g.token);
  if (sp.ok()) row.service_principal_id = str(sp.value.body, "id");
  ui_log(g, "Verified server application '" + args.name + "'");
  AzureResult<AppRecord> out;
  out.value = std::move(rec);
  return out;
}

AzureResult<AppRecord> import_client_app(GraphSession& g, const ClientAppArgs& args) {
  ui_log(g, "Verifying client application '" + args.name + "' (client ID " + args.client_id + ")");
  AppRecord rec;
  rec.row.tenant_id = g.tenant_id;
  rec.row.kind = "native";
  rec.row.name = args.name;
  rec.row.client_id = args.client_id;
  rec.row.imported = true;
  rec.redirect_uri = kBrokerRedirectPrefix + args.client_id;
  auto app =
      g.client.call("graph", "GET", "/v1.0/applications(appId='" + args.client_id + "')", g.token);
  if (app.error.status == 404) {
    ui_log(g, "ERROR: Client application " + args.client_id + " not found: " + app.error.text(),
           TraceSeverity::kError);
    return failure<AppRecord>(app);
  }
  if (app.ok()) rec.row.object_id = str(app.value.body, "id");
  auto sp = g.client.call("graph", "GET", sp_by_app_id(args.client_id), g.token);
  if (sp.ok()) rec.row.service_principal_id = str(sp.value.body, "id");
  AzureResult<AppRecord> out;
  out.value = std::move(rec);
  return out;
}

AzureResult<std::string> web_app_scope_id(GraphSession& g, const std::string& app_id) {
  auto app = graph(g, "GET", "/v1.0/applications(appId='" + app_id + "')");
  if (!app.ok()) return failure<std::string>(app);
  AzureResult<std::string> out;
  out.value =
      permission_id(member(member(app.value, "api"), "oauth2PermissionScopes"), kUserImpersonation);
  if (out.value.empty()) {
    return failure<std::string>("PermissionNotFound",
                                "The server application exposes no user_impersonation scope.");
  }
  return out;
}

AzureResult<std::string> tenant_domain(GraphSession& g) {
  auto org = graph(g, "GET", "/v1.0/organization");
  if (!org.ok()) return failure<std::string>(org);
  AzureResult<std::string> out;
  const json& value = member(org.value, "value");
  if (!value.is_array() || value.empty()) return out;
  const json& domains = member(value[0], "verifiedDomains");
  if (!domains.is_array()) return out;
  for (const json& d : domains) {
    if (member(d, "isDefault") == true) out.value = str(d, "name");
  }
  return out;
}

std::string now_iso(SiteEnv& env) {
  return format_iso8601(std::chrono::floor<std::chrono::seconds>(env.ctx.clock().now()));
}

}  // namespace emu::site::azsvc
