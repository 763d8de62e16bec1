// The ConfigMgr site database CM_<SiteCode>, emulated in SQLite: the site, its site systems
// and roles (SC_SysResUse, keyed by the 64-bit role ID), Azure environments, onboarded tenants
// and the two Entra ID apps, discovered users, cloud services (the CMG), client settings, bulk
// registration tokens, site certificates and client records, plus the views over them
// (vProxy_Roles above all; README Sources [S1]).
//
// Every object lives in the schema "dbo": the connection opens an empty main database and
// attaches "<state>/CM_<code>.db" (or a private in-memory database) AS dbo, so that the T-SQL
// the docs give runs verbatim: SELECT [MutualAuthPath] FROM [dbo].[vProxy_Roles] Where
// [RoleTypeID] = '6'. The stock shell does the same with ATTACH '<state>/CM_P01.db' AS dbo.
//
// Writes go only through the typed methods below (site operations); users get read-only SQL
// through query(). Not thread-safe: the site service calls it on the lab's I/O thread.
#pragma once

#include "emulator/core/status.h"
#include "emulator/core/store/database.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::sitedb {

// SC_SysResUse.RoleTypeID values. 3, 6, 23 have sources (README Sources [S2]); the others are
// inferred and only need to be distinct.
enum RoleTypeId : int {
  kSiteServer = 1,               // inferred
  kSmsProvider = 2,              // inferred
  kDistributionPoint = 3,        // [C] SupportArticles DP-removal SQL
  kManagementPoint = 6,          // [I] the seed's query filters MPs with it
  kSoftwareUpdatePoint = 11,     // inferred (a third-party table's value)
  kServiceConnectionPoint = 23,  // [C3]
  kCmgConnectionPoint = 27,      // inferred
};
// "SMS Management Point", "SMS Software Update Point", ... for a RoleTypeId; "" if unknown.
std::string role_name(int role_type);

// Role IDs are 2^56 + n (README Sources [S3]: 72057594037927939 = first MP, n = 3).
constexpr int64_t kRoleIdBase = 72057594037927936LL;

struct Site {
  std::string code;          // "P01"
  std::string name;          // "Primary site P01" unless given
  std::string server;        // site server FQDN
  std::string version;       // "2203"
  std::string type;          // "primary" | "cas" | "secondary"
  std::string hierarchy_id;  // GUID (upper case); the bulk token's TenantId (README Sources [S4])
};

struct SiteRole {
  int64_t id = 0;              // 2^56 + n, assigned by add_role
  std::string server;          // FQDN of the site system
  int role_type = 0;           // RoleTypeId
  bool https = false;          // HTTPS (PKI) client connections
  bool enhanced_http = false;  // E-HTTP (the site setting, copied per role)
  bool allow_cmg_traffic = false;
  std::string cmg_client_connections;  // MP: "internet_only" | "intranet_and_internet"; "" else
  std::string cmg_service;             // CMG connection point: the CMG service name it binds to
  nlohmann::json properties = nlohmann::json::object();  // role-specific extras
};

struct AzureEnvironment {
  std::string name;  // "AzurePublicCloud"
  std::string login_endpoint, graph_endpoint, management_endpoint, graph_resource;
};

struct AadTenant {
  std::string tenant_id;  // GUID
  std::string name;       // the Azure service's name ("Cloud Management")
  std::string domain;
  std::string environment;  // "AzurePublicCloud"
  bool user_discovery = false;
  bool disabled = false;       // "Disable Azure Active Directory authentication for this tenant"
  std::string last_discovery;  // ISO 8601 or ""
};

struct AadApplication {
  std::string tenant_id;
  std::string kind;                  // "web" (server app) | "native" (client app)
  std::string name;                  // display name
  std::string client_id;             // appId
  std::string object_id;             // application object ID ("" when imported without it)
  std::string service_principal_id;  // its service principal's object ID in the tenant
  std::string identifier_uri;        // web app: App ID URI (vSMS_AAD_Application_Ex.IdentifierUri)
  std::string secret;  // web app: client secret (kept, as the site keeps it encrypted)
  std::string secret_key_id;
  std::string secret_expiry;  // ISO 8601 or ""
  bool imported = false;
};

struct AadUser {
  std::string tenant_id;
  std::string object_id;
  std::string upn;
  std::string display_name;
  std::string mail;
  std::string discovered;  // ISO 8601
};

// Console status of a cloud service (README Sources [S5]; numeric State values are inferred).
enum class CloudServiceState : int {
  kProvisioning = 0,
  kReady = 1,
  kError = 2,
  kStopping = 3,
  kStopped = 4,
  kStarting = 5,
  kDeleting = 6,
};
std::string state_name(CloudServiceState state);  // "Provisioning", "Ready", ...

struct CloudService {
  int64_t id = 0;               // assigned by add_cloud_service
  std::string name;             // service name (certificate CN), e.g. "cmg.contoso.com"
  std::string deployment_name;  // "<prefix>.<region>.cloudapp.azure.com"
  std::string service_type = "CloudProxyService";
  std::string environment = "AzurePublicCloud";
  std::string region;   // ARM location, "japaneast"
  std::string vm_size;  // "Standard_B2s" | "Standard_A2_v2" | "Standard_A4_v2"
  int instances = 1;
  std::string resource_group;
  std::string subscription_id;
  std::string tenant_id;
  std::string description;
  std::string certificate_thumbprint;  // of the server-auth certificate (.pfx)
  std::string certificate_pem;         // its public certificate
  CloudServiceState state = CloudServiceState::kProvisioning;
  std::string status_description;  // "Failed to perform maintenance", ...
  std::string next_maintenance;    // ISO 8601 of the next Deployment Maintenance or ""
  // Wizard settings: trusted_roots (array of PEM), verify_revocation, enforce_tls12,
  // cloud_dp, alerts {...}; and deployment facts (public_ip, key_vault, storage_account, ...).
  nlohmann::json settings = nlohmann::json::object();
  std::string created;  // ISO 8601
};

struct ClientSettings {
  int64_t id = 0;
  std::string name;  // "Default Client Settings" (priority 10000) or a custom name
  int priority = 10000;
  // Groups of settings as the console shows them:
  // {"Cloud Services": {"Enable clients to use a cloud management gateway": "Yes", ...}}
  nlohmann::json settings = nlohmann::json::object();
};

struct BulkToken {
  std::string guid;    // tracking GUID (the token's UniqueId)
  std::string issued;  // ISO 8601
  int lifetime_minutes = 4320;
  std::string expires;  // ISO 8601
  bool blocked = false;
};

struct SiteCertificate {
  std::string thumbprint;  // SHA-1 upper-case hex
  std::string type;        // "SiteSigning" | "TokenSigning"
  std::string subject;
  std::string issuer;
  std::string valid_from, valid_to;  // ISO 8601
  std::string certificate_pem;
  bool blocked = false;
};

struct ClientRecord {
  std::string client_id;       // "GUID:..."
  std::string name;            // NetBIOS name
  int approval = 0;            // IsApproved: 0 not approved, 1 approved, 2 not applicable
  std::string authentication;  // "BulkToken" | "AzureAD" | "PKI" ...
  std::string registered;      // ISO 8601
  nlohmann::json properties = nlohmann::json::object();
};

class SiteDb {
 public:
  // Opens (creating and migrating if needed) CM_<site_code> in `state`: the file
  // "<state dir>/CM_<site_code>.db", or an in-memory database when `state` is not persistent.
  // InvalidArgument for a site code that is not three letters/digits.
  // The code is upper-cased ("p01" opens CM_P01). Reopening an existing file keeps its rows;
  // FailedPrecondition if the file's schema is newer than this build's; Unavailable if the
  // file cannot be created or opened.
  static Result<std::unique_ptr<SiteDb>> open(const store::StateDir& state,
                                              const std::string& site_code);
  // Empties every table (lab reset) and resets the ID counters; the schema stays.
  Status clear();
  // "<state dir>/CM_P01.db" or ":memory:".
  std::string path() const;
  // The upper-case site code this database belongs to ("P01").
  const std::string& site_code() const { return code_; }

  // --- site and roles ---
  // Replaces the site row. An empty code means this database's; another code is
  // InvalidArgument. An empty name becomes "Primary site <code>".
  Status put_site(const Site& site);
  Result<Site> site() const;  // NotFound before put_site
  // Assigns the next role ID (2^56 + n, n = 1, 2, ...; n is never reused, even after
  // remove_role) and inserts. AlreadyExists if the server already holds a role of that type
  // (servers compare case-insensitively); InvalidArgument for an empty server or a type <= 0.
  Result<SiteRole> add_role(SiteRole role);
  // By id; NotFound if absent, AlreadyExists if it would duplicate (server, type).
  Status update_role(const SiteRole& role);
  Status remove_role(int64_t id);                                              // NotFound if absent
  Result<SiteRole> find_role(const std::string& server, int role_type) const;  // NotFound
  std::vector<SiteRole> roles() const;                                         // by id

  // --- Azure ---
  Status put_environment(const AzureEnvironment& env);                  // by name; replaces
  Result<AzureEnvironment> environment(const std::string& name) const;  // NotFound
  Status put_tenant(const AadTenant& tenant);  // by tenant_id (case-insensitive); replaces
  Result<AadTenant> tenant(const std::string& tenant_id) const;  // NotFound
  std::vector<AadTenant> tenants() const;                        // by name
  // Keyed by (tenant_id, kind); replaces. InvalidArgument unless kind is "web" or "native".
  Status put_application(const AadApplication& app);
  Result<AadApplication> application(const std::string& tenant_id,
                                     const std::string& kind) const;  // NotFound
  std::vector<AadApplication> applications() const;  // by tenant; web before native
  // Replaces the discovered users of `tenant_id` (a full discovery) in one transaction; each
  // user's tenant_id is taken from the argument. Rolls back (keeping the previous users) and
  // returns AlreadyExists if the list repeats an object_id.
  Status replace_users(const std::string& tenant_id, const std::vector<AadUser>& users);
  std::vector<AadUser> users(const std::string& tenant_id) const;  // in discovery order
  // The discovered user with Entra object id `object_id` (case-insensitive); NotFound.
  Result<AadUser> user(const std::string& tenant_id, const std::string& object_id) const;

  // --- cloud services ---
  // Assigns the next id (1, 2, ...; never reused). AlreadyExists by name (case-insensitive),
  // InvalidArgument for an empty name.
  Result<CloudService> add_cloud_service(CloudService service);
  Status update_cloud_service(const CloudService& service);           // by id; NotFound if absent
  Status remove_cloud_service(int64_t id);                            // NotFound if absent
  Result<CloudService> cloud_service(const std::string& name) const;  // case-insensitive
  std::vector<CloudService> cloud_services() const;                   // by id

  // --- client settings ---
  // By name (case-insensitive): an existing row keeps its id, a new one gets the next id.
  Result<ClientSettings> put_client_settings(ClientSettings settings);
  Result<ClientSettings> client_settings(const std::string& name) const;  // NotFound
  std::vector<ClientSettings> all_client_settings() const;                // by priority

  // --- bulk tokens, certificates, clients ---
  Status add_bulk_token(const BulkToken& token);                         // AlreadyExists by GUID
  Result<BulkToken> bulk_token(const std::string& guid) const;           // case-insensitive GUID
  Status set_bulk_token_blocked(const std::string& guid, bool blocked);  // NotFound
  std::vector<BulkToken> bulk_tokens() const;                            // by issue time
  Status put_certificate(const SiteCertificate& cert);  // by type (one current per type)
  Result<SiteCertificate> certificate(const std::string& type) const;  // NotFound
  // By client_id (case-insensitive); replaces the record, keeping its ResourceID.
  Status put_client(const ClientRecord& client);
  Result<ClientRecord> client(const std::string& client_id) const;  // NotFound
  bool has_client(const std::string& client_id) const;  // client() without reading the row
  std::vector<ClientRecord> clients() const;            // by first registration

  // Read-only SQL from users (`cmgemu site sql`, the site.sql action): exactly one statement,
  // T-SQL bracket quoting and the dbo schema as in the real database. PermissionDenied "only
  // read-only SQL is allowed" for a write, ATTACH/DETACH or transaction control;
  // InvalidArgument "only one SQL statement is allowed" for several statements;
  // InvalidArgument for bad SQL (SQLite's message).
  Result<store::QueryResult> query(std::string_view sql);

 private:
  explicit SiteDb(std::unique_ptr<store::Database> db, std::string path);
  // Creates or upgrades the dbo schema (versioned by PRAGMA dbo.user_version).
  static Status ensure_schema(store::Database& db);
  // Bumps counter `name` to max(stored, floor) + 1 and returns it. Call inside a transaction.
  Result<int64_t> next_id(std::string_view name, int64_t floor);

  std::unique_ptr<store::Database> db_;
  std::string path_;
  std::string code_;
};

// Shared by the sitedb sources; not part of the contract.
namespace internal {
// JSON column text (invalid UTF-8 replaced, never throws).
std::string json_text(const nlohmann::json& value);
// Parses a JSON column; an empty object for NULL/invalid text.
nlohmann::json parse_json(const std::string& text);
}  // namespace internal

}  // namespace emu::sitedb
