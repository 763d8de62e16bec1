// Internal to the Azure Services wizard and Azure AD user discovery (azure_services/*.cc): the
// parsed wizard arguments, the Graph steps that create or import the two apps, and one
// discovery pass over a tenant's users. Nothing here writes the site database.
#pragma once

#include "emulator/site/azure_client.h"
#include "emulator/site/env.h"
#include "emulator/sitedb/site_db.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace emu::site::azsvc {

// Microsoft Graph's well-known application ID and the Directory.Read.All app role's value.
inline constexpr const char* kGraphAppId = "00000003-0000-0000-c000-000000000000";
inline constexpr const char* kDirectoryReadAll = "Directory.Read.All";
inline constexpr const char* kUserImpersonation = "user_impersonation";
inline constexpr const char* kGraphDefaultScope = "https://graph.microsoft.com/.default";
inline constexpr const char* kBrokerRedirectPrefix = "ms-appx-web://Microsoft.AAD.BrokerPlugin/";
inline constexpr int kAdminUiThread = 5312;    // arbitrary, fixed
inline constexpr int kDiscoveryThread = 6840;  // arbitrary, fixed

struct WebAppArgs {
  bool create = true;
  std::string name;
  std::string identifier_uri = "https://ConfigMgrService";
  std::string home_page_url = "https://ConfigMgrService";
  int secret_years = 1;
  // import only
  std::string tenant_id, tenant_name, client_id, secret, secret_expiry;
};

struct ClientAppArgs {
  bool create = true;
  std::string name;
  std::string reply_url = "https://ConfigMgrService";  // create: the dialog's Reply URL
  std::string client_id;                               // import
};

struct WizardArgs {
  std::string service = "Cloud Management";
  std::string name;  // the Azure service's name in the console (default: service)
  std::string description;
  std::string environment = "AzurePublicCloud";
  std::string signed_in_as;
  std::string password = kLabUserPassword;
  bool complete_mfa = true;
  bool user_discovery = false;
  WebAppArgs web;
  ClientAppArgs client;
  bool needs_sign_in() const { return web.create || client.create; }
};

// Checks and reads the wizard's args. InvalidArgument names the key ("web_app.secret_years:
// must be 1 or 2"). With `allow_refs`, "${...}" strings pass any type check (load time).
Result<WizardArgs> parse_wizard_args(const nlohmann::json& args, bool allow_refs);

// A console sign-in's Graph session (delegated token) or a server app's (app-only token).
struct GraphSession {
  SiteEnv& env;
  AzureClient& client;
  std::string token;
  std::string tenant_id;
};

// A created or imported app as the site records it, plus what the client app needs.
struct AppRecord {
  sitedb::AadApplication row;
  std::string scope_id;      // web app: id of its user_impersonation scope ("" if unknown)
  std::string redirect_uri;  // client app: the broker redirect URI
};

// Creates the web (server) app through Graph: the application, a secret of `secret_years`,
// its service principal and admin consent of Graph's Directory.Read.All app role.
AzureResult<AppRecord> create_web_app(GraphSession& g, const WebAppArgs& args);
// Creates the native (client) app: public client with the broker redirect, its service
// principal and admin consent (AllPrincipals) of `web`'s user_impersonation scope.
AzureResult<AppRecord> create_client_app(GraphSession& g, const ClientAppArgs& args,
                                         const AppRecord& web);
// The wizard's "Verify" of an imported web app: an app-only Graph token with its secret, then
// best-effort lookups of the object IDs. `g.token` receives the app-only token.
AzureResult<AppRecord> import_web_app(GraphSession& g, const WebAppArgs& args);
// Verifies an imported client app exists in the tenant (404 fails; no read permission skips).
AzureResult<AppRecord> import_client_app(GraphSession& g, const ClientAppArgs& args);
// The user_impersonation scope ID of the web app `app_id` (for a client app created against
// an imported web app).
AzureResult<std::string> web_app_scope_id(GraphSession& g, const std::string& app_id);
// The tenant's default verified domain (GET /v1.0/organization).
AzureResult<std::string> tenant_domain(GraphSession& g);

// One full discovery of `web`'s tenant: app-only token with the server app's secret, then
// every page of Graph users. Writes SMS_AZUREAD_DISCOVERY_AGENT.log; no database writes.
AzureResult<std::vector<sitedb::AadUser>> discover_users(SiteEnv& env,
                                                         const sitedb::AadApplication& web);

// ISO 8601 of the virtual now (seconds).
std::string now_iso(SiteEnv& env);

}  // namespace emu::site::azsvc
