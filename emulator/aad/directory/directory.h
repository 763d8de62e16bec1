// Directory: the Entra ID party's state — tenants, users, applications and their credentials,
// service principals, consent, app role assignments, and the short-lived grant artefacts
// (authorization codes, refresh tokens, device codes). Backed by the party's own SQLite
// database (StateDir "aad"). Not thread-safe: used on the I/O thread (scenario actions reach
// it through Lab::run_on_io).
#pragma once

#include "emulator/aad/public/well_known.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::store {
class Database;
}

namespace emu::aad {

struct Tenant {
  std::string id;      // GUID
  std::string domain;  // verified default domain, e.g. "contoso.onmicrosoft.com"
  std::string display_name;
};

struct User {
  std::string id;  // object ID (GUID)
  std::string tenant_id;
  std::string upn;  // userPrincipalName, unique per tenant (case-insensitive)
  std::string display_name;
  std::string given_name;
  std::string surname;
  std::string mail;
  std::string password;                      // lab passwords are kept in clear (scenario data)
  std::vector<std::string> directory_roles;  // e.g. "Global Administrator"
  bool mfa_required = false;
  bool enabled = true;
  TimePoint created{};  // set by create_user (Graph createdDateTime)
};

struct PasswordCredential {
  std::string key_id;  // GUID
  std::string display_name;
  std::string secret;  // the secretText (shown once by Graph addPassword)
  std::string hint;    // first 3 characters, as Graph shows it
  TimePoint start{};
  TimePoint end{};
};

struct KeyCredential {
  std::string key_id;
  std::string display_name;
  std::string cert_der;        // the certificate (public part)
  std::string thumbprint_b64;  // base64url SHA-1 (the x5t clients send in assertions)
  TimePoint start{};
  TimePoint end{};
};

struct Application {
  std::string id;      // object ID
  std::string app_id;  // client ID
  std::string tenant_id;
  std::string display_name;
  std::string sign_in_audience = "AzureADMyOrg";
  std::vector<std::string> identifier_uris;  // e.g. "https://ConfigMgrService"
  std::vector<std::string> web_redirect_uris;
  std::vector<std::string> spa_redirect_uris;
  std::vector<std::string> public_client_redirect_uris;
  bool is_fallback_public_client = false;  // "Allow public client flows"
  int access_token_version = 1;            // api.requestedAccessTokenVersion (1 = null)
  nlohmann::json required_resource_access = nlohmann::json::array();  // Graph shape
  nlohmann::json app_roles = nlohmann::json::array();                 // Graph shape
  nlohmann::json oauth2_permission_scopes = nlohmann::json::array();  // api.oauth2PermissionScopes
  std::vector<PasswordCredential> password_credentials;
  std::vector<KeyCredential> key_credentials;
  TimePoint created{};
  // Microsoft's own applications (Azure CLI, ARM, Graph): owned by kMicrosoftServicesTenantId,
  // never listed by list_applications, found by find_application (by appId), find_resource
  // and find_application_any_tenant from every tenant.
  bool first_party = false;
};

struct ServicePrincipal {
  std::string id;  // object ID
  std::string app_id;
  std::string tenant_id;  // the tenant it lives in
  std::string display_name;
  std::vector<std::string> service_principal_names;  // appId + identifier URIs
  bool account_enabled = true;
  bool first_party = false;  // Microsoft apps (ARM, Graph, Azure CLI) seeded in every tenant
};

// Admin or user consent to delegated permissions (Graph oAuth2PermissionGrant).
struct PermissionGrant {
  std::string id;
  std::string client_id;     // service principal object ID of the client
  std::string resource_id;   // service principal object ID of the resource
  std::string consent_type;  // "AllPrincipals" or "Principal"
  std::string principal_id;  // user object ID when "Principal"
  std::string scope;         // space-separated scope values
};

// An application permission granted (Graph appRoleAssignment).
struct AppRoleAssignment {
  std::string id;
  std::string principal_id;  // client service principal object ID
  std::string resource_id;   // resource service principal object ID
  std::string app_role_id;   // GUID of the resource's app role
};

// One-time and refreshable grant artefacts.
struct AuthCode {
  std::string code;
  std::string tenant_id, client_id, user_id, redirect_uri, scope, nonce;
  std::string code_challenge, code_challenge_method;
  TimePoint expires{};
  bool redeemed = false;
};

struct RefreshToken {
  std::string token;
  std::string tenant_id, client_id, user_id, scope;
  TimePoint expires{};
  bool revoked = false;
};

struct DeviceCode {
  std::string device_code;
  std::string user_code;
  std::string tenant_id, client_id, scope;
  std::string user_id;  // set once a user approves it
  TimePoint expires{};
  bool denied = false;
};

// A device registered in the tenant (Graph device resource): an Entra-joined Windows machine.
// Its certificate (the "workplace join" certificate, whose key stays on the machine) is what
// authenticates the device at the token endpoint: Entra keeps its thumbprint and public key
// (the device's alternativeSecurityIds).
struct Device {
  std::string id;         // object ID
  std::string device_id;  // deviceId (GUID), the `deviceid` claim of its tokens
  std::string tenant_id;
  std::string display_name;            // the machine name
  std::string trust_type = "AzureAd";  // AzureAd (Entra joined) or ServerAd (hybrid joined)
  std::string operating_system = "Windows";
  bool enabled = true;  // accountEnabled
  std::string cert_der;
  std::string thumbprint;  // SHA-1 of cert_der, upper-case hex
  TimePoint registered{};
};

// The first-party applications the directory seeds (as service principals) in every tenant
// are kAzureCliAppId, kArmAppId and kGraphAppId (public/well_known.h).
// The tenant that owns Microsoft's first-party applications (their SPs' appOwnerOrganizationId).
inline constexpr const char* kMicrosoftServicesTenantId = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

// Directory roles that may register applications and grant tenant-wide (admin) consent.
inline constexpr const char* kGlobalAdministrator = "Global Administrator";
inline constexpr const char* kApplicationAdministrator = "Application Administrator";
inline constexpr const char* kCloudApplicationAdministrator = "Cloud Application Administrator";
inline constexpr const char* kUserAdministrator = "User Administrator";

// Errors: every method returns NotFound (message naming the key) for a missing object,
// AlreadyExists for a duplicate key, and the store's codes for database failures. Lookups by a
// UPN, domain or user code ignore ASCII case. Times are stored as ISO 8601 (millisecond
// precision). Every generated ID comes from `ids`, every timestamp from `clock`.
class Directory {
 public:
  // Applies the directory's migrations to `db` (which must outlive it). The schema also holds
  // the `signing_keys` table that SigningKeySet uses.
  static Result<std::unique_ptr<Directory>> open(store::Database& db, const Clock& clock,
                                                 IdSource& ids);
  ~Directory();

  // Tenants. `key` is a tenant GUID or one of its domains (case-insensitive).
  // create_tenant assigns the id if empty (AlreadyExists for a taken id or domain;
  // InvalidArgument for an empty domain) and seeds, in the tenant, service principals for the
  // first-party apps (Azure CLI, ARM, Graph, created once as first_party applications) plus
  // the tenant-wide grants that pre-authorise the Azure CLI for ARM and Graph.
  Result<Tenant> create_tenant(Tenant t);
  Result<Tenant> find_tenant(std::string_view key) const;  // NotFound
  std::vector<Tenant> tenants() const;                     // ordered by creation

  // Users. `key` is an object ID or a UPN.
  // create_user assigns id (and created) if empty; NotFound for an unknown tenant;
  // AlreadyExists for a duplicate UPN in the tenant; InvalidArgument for an empty UPN.
  Result<User> create_user(User u);
  Result<User> find_user(std::string_view tenant_id, std::string_view key) const;
  // Searches every tenant (for the /adfs authority, which names none).
  Result<User> find_user_any_tenant(std::string_view upn) const;
  Status update_user(const User& u);  // by id; AlreadyExists if the new UPN is taken
  Status delete_user(std::string_view tenant_id, std::string_view id);
  // Ordered by object ID; `after_id` for paging ("" = from the start), at most `limit`.
  std::vector<User> list_users(std::string_view tenant_id, std::string_view after_id,
                               size_t limit) const;
  size_t count_users(std::string_view tenant_id) const;

  // Applications. `key` is the object ID or the appId.
  // create_application assigns id/app_id/created if empty and key/credential IDs if empty;
  // AlreadyExists for a taken id or appId.
  Result<Application> create_application(Application a);
  // The tenant's own application by object ID or appId; failing that, a first-party
  // application by appId (first_party set, so Graph can hide it).
  Result<Application> find_application(std::string_view tenant_id, std::string_view key) const;
  // By appId in any tenant (for multi-tenant apps and the /adfs authority).
  Result<Application> find_application_any_tenant(std::string_view app_id) const;
  // By identifier URI (exact, ignoring ASCII case) or appId, as a token request's
  // resource/scope names it: the tenant's own applications first, then first-party ones.
  Result<Application> find_resource(std::string_view tenant_id, std::string_view uri_or_id) const;
  // Replaces every field and both credential lists of the application with id `a.id`.
  Status update_application(const Application& a);
  Status delete_application(std::string_view tenant_id, std::string_view id);  // + credentials
  // The tenant's own applications (never first-party ones), ordered by creation.
  std::vector<Application> list_applications(std::string_view tenant_id) const;

  // Service principals. `key` is the object ID or the appId.
  // create_service_principal assigns id if empty; AlreadyExists for a second SP of the same
  // appId in a tenant; NotFound for an unknown tenant.
  Result<ServicePrincipal> create_service_principal(ServicePrincipal sp);
  Result<ServicePrincipal> find_service_principal(std::string_view tenant_id,
                                                  std::string_view key) const;
  std::vector<ServicePrincipal> list_service_principals(std::string_view tenant_id) const;
  // Also deletes the grants and app role assignments that name it.
  Status delete_service_principal(std::string_view tenant_id, std::string_view id);

  // Consent. add_* assign the id if empty; NotFound if a named service principal (or the
  // user of a "Principal" grant) does not exist; AlreadyExists for a duplicate assignment.
  Result<PermissionGrant> add_permission_grant(PermissionGrant g);
  std::vector<PermissionGrant> permission_grants(std::string_view client_sp_id) const;
  Result<PermissionGrant> find_permission_grant(std::string_view id) const;
  // Every grant whose client service principal lives in the tenant.
  std::vector<PermissionGrant> list_permission_grants(std::string_view tenant_id) const;
  Result<AppRoleAssignment> add_app_role_assignment(AppRoleAssignment a);
  std::vector<AppRoleAssignment> app_role_assignments(std::string_view principal_sp_id) const;
  // Assignments whose resource is `resource_sp_id` (Graph appRoleAssignedTo).
  std::vector<AppRoleAssignment> app_role_assigned_to(std::string_view resource_sp_id) const;
  Result<AppRoleAssignment> find_app_role_assignment(std::string_view id) const;
  Status delete_permission_grant(std::string_view id);
  Status delete_app_role_assignment(std::string_view id);

  // Grant artefacts. save_* insert or replace by their key (code, token, device code);
  // find_* return them as stored, expired or not (callers judge expiry against the clock).
  Status save_auth_code(const AuthCode& c);
  Result<AuthCode> find_auth_code(std::string_view code) const;
  Status mark_auth_code_redeemed(std::string_view code);  // NotFound for an unknown code
  Status save_refresh_token(const RefreshToken& t);
  Result<RefreshToken> find_refresh_token(std::string_view token) const;
  Status save_device_code(const DeviceCode& d);  // AlreadyExists for a user code in use
  Result<DeviceCode> find_device_code(std::string_view device_code) const;
  Result<DeviceCode> find_device_code_by_user_code(std::string_view user_code) const;

  // Devices. `key` is the object ID or the deviceId. create_device assigns id, device_id and
  // registered if empty; NotFound for an unknown tenant; AlreadyExists for a taken deviceId or
  // a certificate another device holds; InvalidArgument without a certificate.
  Result<Device> create_device(Device d);
  Result<Device> find_device(std::string_view tenant_id, std::string_view key) const;
  // By certificate thumbprint (SHA-1 hex, any case), in any tenant.
  Result<Device> find_device_by_thumbprint(std::string_view thumbprint) const;
  Status update_device(const Device& d);  // by id: display name, trust type, enabled
  std::vector<Device> list_devices(std::string_view tenant_id) const;  // by registration

  // Drops everything the directory holds, first-party applications included (create_tenant
  // re-seeds them) — but not the signing_keys table, which SigningKeySet owns (Lab reset).
  Status clear();

 private:
  Directory(store::Database& db, const Clock& clock, IdSource& ids);
  store::Database& db_;
  const Clock& clock_;
  IdSource& ids_;
};

}  // namespace emu::aad
