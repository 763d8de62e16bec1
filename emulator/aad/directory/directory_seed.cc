// Directory: Microsoft's first-party applications (Azure CLI, Azure Resource Manager,
// Microsoft Graph) and their seeding into each new tenant.
//
// Permission IDs are Microsoft's published Microsoft Graph / ARM permission IDs (confirmed
// against public scripts and permission tables found by code search; any not confirmed is
// marked "inferred").

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/directory/directory_internal.h"

#include <map>

namespace emu::aad::internal {
namespace {

using nlohmann::json;

json app_role(const char* id, const char* value, const char* display) {
  return {
      {"allowedMemberTypes", {"Application"}},
      {"description", std::string("Allows the app to ") + display + " without a signed-in user."},
      {"displayName", display},
      {"id", id},
      {"isEnabled", true},
      {"origin", "Application"},
      {"value", value}};
}

// `type` is "User" (users may consent) or "Admin" (admin consent required).
json scope(const char* id, const char* value, const char* display, const char* type) {
  return {{"adminConsentDescription", std::string("Allows the app to ") + display + "."},
          {"adminConsentDisplayName", display},
          {"id", id},
          {"isEnabled", true},
          {"type", type},
          {"userConsentDescription", std::string("Allows the app to ") + display + "."},
          {"userConsentDisplayName", display},
          {"value", value}};
}

Application graph_application() {
  Application a;
  a.app_id = kGraphAppId;
  a.display_name = "Microsoft Graph";
  a.sign_in_audience = "AzureADMultipleOrgs";
  a.identifier_uris = {"https://graph.microsoft.com", "https://graph.microsoft.com/"};
  a.app_roles = json::array({
      app_role("7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "read directory data"),
      app_role("19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All",
               "read and write directory data"),
      app_role("df021288-bdef-4463-88db-98f22de89214", "User.Read.All",
               "read all users' full profiles"),
      app_role("741f803b-c850-494e-b5df-cde7c675a1ca", "User.ReadWrite.All",
               "read and write all users' full profiles"),
      app_role("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All",
               "read all applications"),
      app_role("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All",
               "read and write all applications"),
      app_role("06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All",
               "manage app permission grants and app role assignments"),
      app_role("8e8e4742-1d95-4f68-9d56-6ee75648c72a", "DelegatedPermissionGrant.ReadWrite.All",
               "manage all delegated permission grants"),
      app_role("498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All",
               "read organization information"),
  });
  a.oauth2_permission_scopes = json::array({
      scope("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User.Read", "sign in and read user profile",
            "User"),
      scope("a154be20-db9c-4678-8ab7-66f6cc099a59", "User.Read.All",
            "read all users' full profiles", "Admin"),
      scope("204e0828-b5ca-4ad8-b9f3-f32a958e7cc4", "User.ReadWrite.All",
            "read and write all users' full profiles", "Admin"),
      scope("06da0dbc-49e2-44d2-8312-53f166ab848a", "Directory.Read.All", "read directory data",
            "Admin"),
      scope("c5366453-9fb0-48a5-a156-24f0c49a4b84", "Directory.ReadWrite.All",
            "read and write directory data", "Admin"),
      scope("0e263e50-5827-48a4-b97c-d940288653c7", "Directory.AccessAsUser.All",
            "access the directory as the signed-in user", "Admin"),
      scope("c79f8feb-a9db-4090-85f9-90d820caa0eb", "Application.Read.All", "read applications",
            "Admin"),
      scope("bdfbf15f-ee85-4955-8675-146e8e5296b5", "Application.ReadWrite.All",
            "read and write all applications", "Admin"),
      scope("84bccea3-f856-4a8a-967b-dbe0a3d53a64", "AppRoleAssignment.ReadWrite.All",
            "manage app permission grants and app role assignments", "Admin"),
      scope("41ce6ca6-6826-4807-84f1-1c82854f7ee5", "DelegatedPermissionGrant.ReadWrite.All",
            "manage all delegated permission grants", "Admin"),
      scope("4e46008b-f24c-477d-8fff-7bb4ec7aafe0", "Group.ReadWrite.All",
            "read and write all groups", "Admin"),
      scope("e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20", "AuditLog.Read.All", "read audit log data",
            "Admin"),
      scope("37f7f235-527c-4136-accd-4a02d197296e", "openid", "sign users in", "User"),
      scope("14dad69e-099b-42c9-810b-d002981feec1", "profile", "view users' basic profile", "User"),
      scope("64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "email", "view users' email address", "User"),
      scope("7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "offline_access",
            "maintain access to data you have given it access to", "User"),
  });
  return a;
}

Application arm_application() {
  Application a;
  a.app_id = kArmAppId;
  a.display_name = "Windows Azure Service Management API";
  a.sign_in_audience = "AzureADMultipleOrgs";
  a.identifier_uris = {"https://management.azure.com/", "https://management.core.windows.net/",
                       "https://management.azure.com", "https://management.core.windows.net"};
  a.oauth2_permission_scopes =
      json::array({scope("41094075-9dad-400e-a0bd-54e686782033", "user_impersonation",
                         "access Azure Service Management as you", "User")});
  return a;
}

Application azure_cli_application() {
  Application a;
  a.app_id = kAzureCliAppId;
  a.display_name = "Microsoft Azure CLI";
  a.sign_in_audience = "AzureADandPersonalMicrosoftAccount";
  a.is_fallback_public_client = true;
  // The CLI's redirect URIs (loopback for browser sign-in; native client page) [inferred].
  a.public_client_redirect_uris = {"http://localhost",
                                   "https://login.microsoftonline.com/common/oauth2/nativeclient"};
  return a;
}

// What Microsoft pre-authorises the Azure CLI for, expressed as tenant-wide grants so that the
// token service's consent check passes as it does in a real tenant. The Graph scope list is
// the `scp` of Graph tokens the CLI obtains [inferred from observed tokens].
const std::map<std::string, std::string>& azure_cli_preauthorized() {
  static const std::map<std::string, std::string> kScopes = {
      {kArmAppId, "user_impersonation"},
      {kGraphAppId,
       "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All AuditLog.Read.All "
       "DelegatedPermissionGrant.ReadWrite.All Directory.AccessAsUser.All email "
       "Group.ReadWrite.All openid profile User.ReadWrite.All"},
  };
  return kScopes;
}

}  // namespace

std::vector<Application> first_party_applications() {
  std::vector<Application> apps = {azure_cli_application(), arm_application(), graph_application()};
  for (Application& a : apps) {
    a.tenant_id = kMicrosoftServicesTenantId;
    a.first_party = true;
  }
  return apps;
}

Status seed_first_party(Directory& dir, const std::string& tenant_id) {
  std::map<std::string, std::string> sp_by_app;  // appId -> service principal object ID
  for (Application def : first_party_applications()) {
    Result<Application> app = dir.find_application_any_tenant(def.app_id);
    if (!app.ok()) {
      if (app.status().code() != StatusCode::kNotFound) return app.status();
      app = dir.create_application(std::move(def));
      if (!app.ok()) return app.status();
    }
    ServicePrincipal sp;
    sp.app_id = app->app_id;
    sp.tenant_id = tenant_id;
    sp.display_name = app->display_name;
    sp.service_principal_names.push_back(app->app_id);
    for (const auto& uri : app->identifier_uris) sp.service_principal_names.push_back(uri);
    sp.first_party = true;
    EMU_ASSIGN_OR_RETURN(ServicePrincipal created, dir.create_service_principal(std::move(sp)));
    sp_by_app[created.app_id] = created.id;
  }
  for (const auto& [resource_app, scopes] : azure_cli_preauthorized()) {
    PermissionGrant g;
    g.client_id = sp_by_app[kAzureCliAppId];
    g.resource_id = sp_by_app[resource_app];
    g.consent_type = "AllPrincipals";
    g.scope = scopes;
    EMU_RETURN_IF_ERROR(dir.add_permission_grant(std::move(g)).status());
  }
  return Status::Ok();
}

}  // namespace emu::aad::internal
