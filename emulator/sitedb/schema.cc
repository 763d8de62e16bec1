// The dbo schema of CM_<code>: tables and views, versioned by PRAGMA dbo.user_version (the
// store's migrate() tracks the main schema, which here is an empty in-memory database).
// View bodies use unqualified names: SQLite binds them to the view's own schema, so the views
// also work when the file is attached under another name or opened directly.
#include "emulator/sitedb/site_db.h"

#include <string>

namespace emu::sitedb {
namespace {

struct SchemaStep {
  int version;
  const char* name;
  const char* sql;
};

constexpr const char* kTablesV1 = R"sql(
CREATE TABLE dbo.Counters(Name TEXT PRIMARY KEY, Value INTEGER NOT NULL);

CREATE TABLE dbo.Sites(
  SiteCode TEXT PRIMARY KEY COLLATE NOCASE, SiteName TEXT NOT NULL,
  SiteServerName TEXT NOT NULL, Version TEXT NOT NULL, Type TEXT NOT NULL,
  HierarchyID TEXT NOT NULL);

CREATE TABLE dbo.SC_SysResUse(
  ID INTEGER PRIMARY KEY, RoleTypeID INTEGER NOT NULL, RoleName TEXT NOT NULL,
  ServerName TEXT NOT NULL COLLATE NOCASE, NALPath TEXT NOT NULL, SiteCode TEXT NOT NULL,
  HTTPS INTEGER NOT NULL DEFAULT 0, EnhancedHTTP INTEGER NOT NULL DEFAULT 0,
  AllowCMGTraffic INTEGER NOT NULL DEFAULT 0, CMGClientConnections TEXT NOT NULL DEFAULT '',
  CloudServiceName TEXT NOT NULL DEFAULT '', Properties TEXT NOT NULL DEFAULT '{}',
  UNIQUE(ServerName, RoleTypeID));

CREATE TABLE dbo.AzureEnvironments(
  Name TEXT PRIMARY KEY COLLATE NOCASE, LoginEndpoint TEXT NOT NULL,
  GraphEndpoint TEXT NOT NULL, ManagementEndpoint TEXT NOT NULL, GraphResource TEXT NOT NULL);

CREATE TABLE dbo.AAD_Tenant_Ex(
  TenantID TEXT PRIMARY KEY COLLATE NOCASE, Name TEXT NOT NULL, DomainName TEXT NOT NULL,
  AzureEnvironment TEXT NOT NULL, UserDiscoveryEnabled INTEGER NOT NULL,
  IsDisabled INTEGER NOT NULL, LastDiscoveryTime TEXT NOT NULL);

CREATE TABLE dbo.AAD_Application_Ex(
  TenantID TEXT NOT NULL COLLATE NOCASE, AppType TEXT NOT NULL CHECK(AppType IN ('web', 'native')),
  Name TEXT NOT NULL, ClientID TEXT NOT NULL, ObjectID TEXT NOT NULL,
  ServicePrincipalID TEXT NOT NULL, IdentifierUri TEXT NOT NULL, SecretKey TEXT NOT NULL,
  SecretKeyID TEXT NOT NULL, SecretKeyExpiry TEXT NOT NULL, IsImported INTEGER NOT NULL,
  PRIMARY KEY(TenantID, AppType));

CREATE TABLE dbo.User_DISC(
  ItemKey INTEGER PRIMARY KEY, AADTenantID TEXT NOT NULL COLLATE NOCASE,
  AADUserID TEXT NOT NULL COLLATE NOCASE, User_Principal_Name0 TEXT NOT NULL,
  Full_User_Name0 TEXT NOT NULL, Mail0 TEXT NOT NULL, Creation_Date0 TEXT NOT NULL,
  UNIQUE(AADTenantID, AADUserID));

CREATE TABLE dbo.Azure_CloudService(
  ID INTEGER PRIMARY KEY, Name TEXT NOT NULL UNIQUE COLLATE NOCASE, ServiceCName TEXT NOT NULL,
  ServiceType TEXT NOT NULL, AzureEnvironment TEXT NOT NULL, Region TEXT NOT NULL,
  VMSize TEXT NOT NULL, NumberOfInstances INTEGER NOT NULL, ResourceGroup TEXT NOT NULL,
  SubscriptionID TEXT NOT NULL, TenantID TEXT NOT NULL, Description TEXT NOT NULL,
  ServiceThumbprint TEXT NOT NULL, Certificate TEXT NOT NULL, State INTEGER NOT NULL,
  StatusDescription TEXT NOT NULL, NextMaintenanceTime TEXT NOT NULL,
  Settings TEXT NOT NULL DEFAULT '{}', CreatedTime TEXT NOT NULL);

CREATE TABLE dbo.ClientSettings(
  ID INTEGER PRIMARY KEY, Name TEXT NOT NULL UNIQUE COLLATE NOCASE, Priority INTEGER NOT NULL,
  Settings TEXT NOT NULL DEFAULT '{}');

CREATE TABLE dbo.BulkRegistrationTokens(
  TokenGUID TEXT PRIMARY KEY COLLATE NOCASE, IssuedTime TEXT NOT NULL,
  Lifetime INTEGER NOT NULL, ExpiryTime TEXT NOT NULL, Blocked INTEGER NOT NULL DEFAULT 0);

CREATE TABLE dbo.Certificates(
  Type TEXT PRIMARY KEY, Thumbprint TEXT NOT NULL, Subject TEXT NOT NULL, Issuer TEXT NOT NULL,
  ValidFrom TEXT NOT NULL, ValidTo TEXT NOT NULL, Certificate TEXT NOT NULL,
  Blocked INTEGER NOT NULL DEFAULT 0);

CREATE TABLE dbo.System_DISC(
  ItemKey INTEGER PRIMARY KEY, SMS_Unique_Identifier0 TEXT NOT NULL UNIQUE COLLATE NOCASE,
  Netbios_Name0 TEXT NOT NULL, IsApproved INTEGER NOT NULL, AuthenticationType TEXT NOT NULL,
  RegistrationTime TEXT NOT NULL, Properties TEXT NOT NULL DEFAULT '{}');
)sql";

// vProxy_Roles: the real view's columns other than MutualAuthPath and RoleTypeID are not
// documented (README Sources [S1]; inferred). Inferred identifying columns: the CMG service
// (ProxyServiceName/ID), the role (RoleID = SC_SysResUse.ID, RoleTypeID, RoleName), where it
// runs (SiteCode, ServerName, NALPath) and both proxy prefixes. RoleTypeID is a plain column
// reference so it keeps INTEGER affinity and `RoleTypeID = '6'` matches.
constexpr const char* kViewsV1 = R"sql(
CREATE VIEW dbo.vProxy_Roles AS
SELECT c.Name AS ProxyServiceName, c.ID AS ProxyServiceID, r.ID AS RoleID,
       r.RoleTypeID AS RoleTypeID, r.RoleName AS RoleName, r.SiteCode AS SiteCode,
       r.ServerName AS ServerName, r.NALPath AS NALPath, r.HTTPS AS SslState,
       r.CMGClientConnections AS CMGClientConnections,
       c.Name || '/CCM_Proxy_MutualAuth/' || r.ID AS MutualAuthPath,
       c.Name || '/CCM_Proxy_ServerAuth/' || r.ID AS ServerAuthPath
FROM Azure_CloudService AS c JOIN SC_SysResUse AS r
WHERE c.ServiceType = 'CloudProxyService' AND r.AllowCMGTraffic = 1 AND r.RoleTypeID IN (6, 11);

CREATE VIEW dbo.v_Site AS
SELECT SiteCode, SiteName, SiteServerName AS ServerName, Version,
       CASE Type WHEN 'secondary' THEN 1 WHEN 'primary' THEN 2 WHEN 'cas' THEN 4 ELSE 0 END AS Type,
       HierarchyID
FROM Sites;

CREATE VIEW dbo.v_SystemResourceList AS
SELECT ID AS RoleID, ServerName, RoleName, RoleTypeID, SiteCode, NALPath,
       'Windows NT Server' AS NALType, HTTPS, EnhancedHTTP, AllowCMGTraffic
FROM SC_SysResUse;

CREATE VIEW dbo.vSMS_AAD_Tenant_Ex AS
SELECT TenantID, Name, DomainName, AzureEnvironment, UserDiscoveryEnabled, IsDisabled,
       LastDiscoveryTime
FROM AAD_Tenant_Ex;

CREATE VIEW dbo.vSMS_AAD_Application_Ex AS
SELECT a.TenantID AS TenantID, t.Name AS TenantName, a.AppType AS AppType, a.Name AS Name,
       a.ClientID AS ClientID, a.ObjectID AS ObjectID, a.ServicePrincipalID AS ServicePrincipalID,
       a.IdentifierUri AS IdentifierUri, a.SecretKeyExpiry AS SecretKeyExpiry,
       a.IsImported AS IsImported
FROM AAD_Application_Ex AS a LEFT JOIN AAD_Tenant_Ex AS t ON t.TenantID = a.TenantID;

CREATE VIEW dbo.v_R_User AS
SELECT 2063597568 + ItemKey AS ResourceID, AADTenantID, AADUserID, User_Principal_Name0,
       Full_User_Name0, Mail0, Creation_Date0, User_Principal_Name0 AS UserPrincipalName,
       Full_User_Name0 AS DisplayName
FROM User_DISC;

CREATE VIEW dbo.vSMS_AzureService AS
SELECT ID AS AzureServiceID, Name, ServiceCName, ServiceType, AzureEnvironment AS Environment,
       Region, VMSize, NumberOfInstances, ResourceGroup, SubscriptionID, TenantID, Description,
       ServiceThumbprint, State, StatusDescription AS StatusDetails, NextMaintenanceTime,
       CreatedTime
FROM Azure_CloudService;

CREATE VIEW dbo.vSMS_ClientSettings AS
SELECT ID AS SettingsID, Name, Priority, CASE WHEN Priority = 10000 THEN 0 ELSE 1 END AS Type,
       Settings
FROM ClientSettings;

CREATE VIEW dbo.vSMS_ClientSettingValues AS
SELECT s.ID AS SettingsID, s.Name AS Name, s.Priority AS Priority, g.key AS GroupName,
       v.key AS SettingName, v.value AS Value
FROM ClientSettings AS s, json_each(s.Settings) AS g,
     json_each(CASE WHEN g.type = 'object' THEN g.value ELSE '{}' END) AS v;

CREATE VIEW dbo.v_R_System AS
SELECT 16777216 + ItemKey AS ResourceID, Netbios_Name0 AS Name0, Netbios_Name0,
       SMS_Unique_Identifier0, 1 AS Client0, IsApproved, AuthenticationType, RegistrationTime
FROM System_DISC;
)sql";

// Append new steps here; never edit a released one.
const SchemaStep kSteps[] = {
    {1, "tables", kTablesV1},
    {2, "views", kViewsV1},
};

Result<int64_t> schema_version(store::Database& db) {
  EMU_ASSIGN_OR_RETURN(store::Statement stmt, db.prepare("PRAGMA dbo.user_version"));
  EMU_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return Internal("PRAGMA dbo.user_version returned no row");
  return stmt.column_int64(0);
}

Status apply(store::Database& db, const SchemaStep& step) {
  store::Transaction tx(db);
  EMU_RETURN_IF_ERROR(tx.begin_status());
  EMU_RETURN_IF_ERROR(db.exec(step.sql));
  EMU_RETURN_IF_ERROR(db.exec("PRAGMA dbo.user_version = " + std::to_string(step.version)));
  return tx.commit();
}

}  // namespace

Status SiteDb::ensure_schema(store::Database& db) {
  EMU_ASSIGN_OR_RETURN(int64_t current, schema_version(db));
  const SchemaStep& newest = std::end(kSteps)[-1];
  if (current > newest.version) {
    return FailedPrecondition("site database has schema version " + std::to_string(current) +
                              ", newer than this build's " + std::to_string(newest.version));
  }
  for (const SchemaStep& step : kSteps) {
    if (step.version <= current) continue;
    Status status = apply(db, step);
    if (!status.ok()) {
      return status.with_context("site schema step " + std::to_string(step.version) + " (" +
                                 step.name + ")");
    }
  }
  return Status::Ok();
}

}  // namespace emu::sitedb
