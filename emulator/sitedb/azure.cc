// SiteDb: Azure environments, onboarded Entra ID tenants, their two apps and discovered users.
#include "emulator/core/store/statements.h"
#include "emulator/sitedb/site_db.h"

namespace emu::sitedb {
namespace {

using store::Statement;

constexpr const char* kSelectEnvironment =
    "SELECT Name, LoginEndpoint, GraphEndpoint, ManagementEndpoint, GraphResource "
    "FROM dbo.AzureEnvironments WHERE Name = ?1";

AzureEnvironment environment_from(const Statement& s) {
  return AzureEnvironment{s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3),
                          s.column_text(4)};
}

constexpr const char* kTenantColumns =
    "SELECT TenantID, Name, DomainName, AzureEnvironment, UserDiscoveryEnabled, IsDisabled, "
    "LastDiscoveryTime FROM dbo.AAD_Tenant_Ex ";

AadTenant tenant_from(const Statement& s) {
  AadTenant tenant;
  tenant.tenant_id = s.column_text(0);
  tenant.name = s.column_text(1);
  tenant.domain = s.column_text(2);
  tenant.environment = s.column_text(3);
  tenant.user_discovery = s.column_int64(4) != 0;
  tenant.disabled = s.column_int64(5) != 0;
  tenant.last_discovery = s.column_text(6);
  return tenant;
}

constexpr const char* kApplicationColumns =
    "SELECT TenantID, AppType, Name, ClientID, ObjectID, ServicePrincipalID, IdentifierUri, "
    "SecretKey, SecretKeyID, SecretKeyExpiry, IsImported FROM dbo.AAD_Application_Ex ";

AadApplication application_from(const Statement& s) {
  AadApplication app;
  app.tenant_id = s.column_text(0);
  app.kind = s.column_text(1);
  app.name = s.column_text(2);
  app.client_id = s.column_text(3);
  app.object_id = s.column_text(4);
  app.service_principal_id = s.column_text(5);
  app.identifier_uri = s.column_text(6);
  app.secret = s.column_text(7);
  app.secret_key_id = s.column_text(8);
  app.secret_expiry = s.column_text(9);
  app.imported = s.column_int64(10) != 0;
  return app;
}

AadUser user_from(const Statement& s) {
  return AadUser{s.column_text(0), s.column_text(1), s.column_text(2),
                 s.column_text(3), s.column_text(4), s.column_text(5)};
}

}  // namespace

// --- environments ---

Status SiteDb::put_environment(const AzureEnvironment& env) {
  if (env.name.empty()) return InvalidArgument("an Azure environment needs a name");
  return store::exec_sql(*db_,
                         "INSERT OR REPLACE INTO dbo.AzureEnvironments(Name, LoginEndpoint, "
                         "GraphEndpoint, ManagementEndpoint, GraphResource) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
                         env.name, env.login_endpoint, env.graph_endpoint, env.management_endpoint,
                         env.graph_resource);
}

Result<AzureEnvironment> SiteDb::environment(const std::string& name) const {
  return store::query_one<AzureEnvironment>(*db_, kSelectEnvironment, environment_from,
                                            "Azure environment '" + name + "' not found", name);
}

// --- tenants ---

Status SiteDb::put_tenant(const AadTenant& tenant) {
  if (tenant.tenant_id.empty()) return InvalidArgument("a tenant needs a tenant ID");
  return store::exec_sql(*db_,
                         "INSERT OR REPLACE INTO dbo.AAD_Tenant_Ex(TenantID, Name, DomainName, "
                         "AzureEnvironment, UserDiscoveryEnabled, IsDisabled, LastDiscoveryTime) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         tenant.tenant_id, tenant.name, tenant.domain, tenant.environment,
                         tenant.user_discovery, tenant.disabled, tenant.last_discovery);
}

Result<AadTenant> SiteDb::tenant(const std::string& tenant_id) const {
  return store::query_one<AadTenant>(*db_, std::string(kTenantColumns) + "WHERE TenantID = ?1",
                                     tenant_from, "tenant " + tenant_id + " not found", tenant_id);
}

std::vector<AadTenant> SiteDb::tenants() const {
  return store::or_empty(store::query_rows<AadTenant>(
      *db_, std::string(kTenantColumns) + "ORDER BY Name, TenantID", tenant_from));
}

// --- applications ---

Status SiteDb::put_application(const AadApplication& app) {
  if (app.kind != "web" && app.kind != "native") {
    return InvalidArgument("application kind must be 'web' or 'native', not '" + app.kind + "'");
  }
  if (app.tenant_id.empty()) return InvalidArgument("an application needs a tenant ID");
  return store::exec_sql(
      *db_,
      "INSERT OR REPLACE INTO dbo.AAD_Application_Ex(TenantID, AppType, Name, ClientID, "
      "ObjectID, ServicePrincipalID, IdentifierUri, SecretKey, SecretKeyID, SecretKeyExpiry, "
      "IsImported) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      app.tenant_id, app.kind, app.name, app.client_id, app.object_id, app.service_principal_id,
      app.identifier_uri, app.secret, app.secret_key_id, app.secret_expiry, app.imported);
}

Result<AadApplication> SiteDb::application(const std::string& tenant_id,
                                           const std::string& kind) const {
  return store::query_one<AadApplication>(
      *db_, std::string(kApplicationColumns) + "WHERE TenantID = ?1 AND AppType = ?2",
      application_from, "no " + kind + " application for tenant " + tenant_id, tenant_id, kind);
}

std::vector<AadApplication> SiteDb::applications() const {
  return store::or_empty(store::query_rows<AadApplication>(
      *db_, std::string(kApplicationColumns) + "ORDER BY TenantID, AppType DESC",
      application_from));
}

// --- users ---

Status SiteDb::replace_users(const std::string& tenant_id, const std::vector<AadUser>& users) {
  return store::in_transaction(*db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(
        store::exec_sql(*db_, "DELETE FROM dbo.User_DISC WHERE AADTenantID = ?1", tenant_id));
    for (const AadUser& user : users) {
      EMU_RETURN_IF_ERROR(store::exec_sql(
          *db_,
          "INSERT INTO dbo.User_DISC(AADTenantID, AADUserID, User_Principal_Name0, "
          "Full_User_Name0, Mail0, Creation_Date0) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
          tenant_id, user.object_id, user.upn, user.display_name, user.mail, user.discovered));
    }
    return Status::Ok();
  });
}

constexpr const char* kSelectUsers =
    "SELECT AADTenantID, AADUserID, User_Principal_Name0, Full_User_Name0, Mail0, "
    "Creation_Date0 FROM dbo.User_DISC ";

std::vector<AadUser> SiteDb::users(const std::string& tenant_id) const {
  return store::or_empty(store::query_rows<AadUser>(
      *db_, std::string(kSelectUsers) + "WHERE AADTenantID = ?1 ORDER BY ItemKey", user_from,
      tenant_id));
}

Result<AadUser> SiteDb::user(const std::string& tenant_id, const std::string& object_id) const {
  return store::query_one<AadUser>(
      *db_, std::string(kSelectUsers) + "WHERE AADTenantID = ?1 AND AADUserID = ?2", user_from,
      "user '" + object_id + "' is not a discovered user of tenant '" + tenant_id + "'", tenant_id,
      object_id);
}

}  // namespace emu::sitedb
