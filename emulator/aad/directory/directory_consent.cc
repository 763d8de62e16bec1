// Directory: service principals, delegated permission grants (oAuth2PermissionGrant) and app
// role assignments.

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/directory/directory_internal.h"

namespace emu::aad {

using internal::exec_sql;
using internal::or_empty;
using internal::query_one;
using internal::query_rows;

namespace internal {

ServicePrincipal read_service_principal(const store::Statement& s) {
  ServicePrincipal sp;
  sp.id = s.column_text(0);
  sp.app_id = s.column_text(1);
  sp.tenant_id = s.column_text(2);
  sp.display_name = s.column_text(3);
  sp.service_principal_names = strings_from_json(s.column_text(4));
  sp.account_enabled = s.column_int64(5) != 0;
  sp.first_party = s.column_int64(6) != 0;
  return sp;
}

PermissionGrant read_permission_grant(const store::Statement& s) {
  return PermissionGrant{s.column_text(0), s.column_text(1), s.column_text(2),
                         s.column_text(3), s.column_text(4), s.column_text(5)};
}

AppRoleAssignment read_app_role_assignment(const store::Statement& s) {
  return AppRoleAssignment{s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3)};
}

}  // namespace internal

namespace {

std::string sp_select(std::string_view where) {
  return "SELECT " + std::string(internal::kServicePrincipalColumns) + " FROM service_principals " +
         std::string(where);
}
std::string grant_select(std::string_view where) {
  return "SELECT " + std::string(internal::kPermissionGrantColumns) + " FROM permission_grants " +
         std::string(where);
}
std::string assignment_select(std::string_view where) {
  return "SELECT " + std::string(internal::kAppRoleAssignmentColumns) +
         " FROM app_role_assignments " + std::string(where);
}

// An empty optional binds NULL (principal_id of an "AllPrincipals" grant).
std::optional<std::string> null_if_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

// --- Service principals --------------------------------------------------------------------

Result<ServicePrincipal> Directory::create_service_principal(ServicePrincipal sp) {
  EMU_ASSIGN_OR_RETURN(Tenant tenant, find_tenant(sp.tenant_id));
  sp.tenant_id = tenant.id;
  if (sp.id.empty()) sp.id = ids_.guid();
  Status status = exec_sql(
      db_,
      "INSERT INTO service_principals (" + std::string(internal::kServicePrincipalColumns) +
          ", seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
          "(SELECT COALESCE(MAX(seq), 0) + 1 FROM service_principals))",
      sp.id, sp.app_id, sp.tenant_id, sp.display_name,
      internal::strings_to_json(sp.service_principal_names), sp.account_enabled, sp.first_party);
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("a service principal for app '" + sp.app_id +
                         "' already exists in tenant '" + sp.tenant_id + "'");
  }
  if (!status.ok()) return status;
  return sp;
}

Result<ServicePrincipal> Directory::find_service_principal(std::string_view tenant_id,
                                                           std::string_view key) const {
  static const std::string kSql = sp_select("WHERE tenant_id = ?1 AND (id = ?2 OR app_id = ?2)");
  return query_one<ServicePrincipal>(db_, kSql, internal::read_service_principal,
                                     "service principal '" + std::string(key) + "' not found",
                                     tenant_id, key);
}

std::vector<ServicePrincipal> Directory::list_service_principals(std::string_view tenant_id) const {
  static const std::string kSql = sp_select("WHERE tenant_id = ?1 ORDER BY seq");
  return or_empty(
      query_rows<ServicePrincipal>(db_, kSql, internal::read_service_principal, tenant_id));
}

Status Directory::delete_service_principal(std::string_view tenant_id, std::string_view id) {
  EMU_RETURN_IF_ERROR(exec_sql(
      db_, "DELETE FROM service_principals WHERE tenant_id = ?1 AND id = ?2", tenant_id, id));
  if (db_.changes() == 0) {
    return NotFound("service principal '" + std::string(id) + "' not found");
  }
  return Status::Ok();
}

// --- Delegated permission grants ----------------------------------------------------------

Result<PermissionGrant> Directory::add_permission_grant(PermissionGrant g) {
  if (g.id.empty()) g.id = ids_.guid();
  Status status = exec_sql(
      db_,
      "INSERT INTO permission_grants (" + std::string(internal::kPermissionGrantColumns) +
          ", seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
          "(SELECT COALESCE(MAX(seq), 0) + 1 FROM permission_grants))",
      g.id, g.client_id, g.resource_id, g.consent_type, null_if_empty(g.principal_id), g.scope);
  if (status.code() == StatusCode::kFailedPrecondition) {
    return NotFound("grant names an unknown service principal or user (client '" + g.client_id +
                    "', resource '" + g.resource_id + "', principal '" + g.principal_id + "')");
  }
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("permission grant '" + g.id + "' already exists");
  }
  if (!status.ok()) return status;
  return g;
}

std::vector<PermissionGrant> Directory::permission_grants(std::string_view client_sp_id) const {
  static const std::string kSql = grant_select("WHERE client_id = ?1 ORDER BY seq");
  return or_empty(
      query_rows<PermissionGrant>(db_, kSql, internal::read_permission_grant, client_sp_id));
}

Result<PermissionGrant> Directory::find_permission_grant(std::string_view id) const {
  static const std::string kSql = grant_select("WHERE id = ?1");
  return query_one<PermissionGrant>(db_, kSql, internal::read_permission_grant,
                                    "permission grant '" + std::string(id) + "' not found", id);
}

std::vector<PermissionGrant> Directory::list_permission_grants(std::string_view tenant_id) const {
  static const std::string kSql = grant_select(
      "WHERE client_id IN (SELECT id FROM service_principals WHERE tenant_id = ?1) ORDER BY seq");
  return or_empty(
      query_rows<PermissionGrant>(db_, kSql, internal::read_permission_grant, tenant_id));
}

Status Directory::delete_permission_grant(std::string_view id) {
  EMU_RETURN_IF_ERROR(exec_sql(db_, "DELETE FROM permission_grants WHERE id = ?1", id));
  if (db_.changes() == 0) return NotFound("permission grant '" + std::string(id) + "' not found");
  return Status::Ok();
}

// --- App role assignments -------------------------------------------------------------------

Result<AppRoleAssignment> Directory::add_app_role_assignment(AppRoleAssignment a) {
  if (a.id.empty()) a.id = ids_.guid();
  Status status = exec_sql(db_,
                           "INSERT INTO app_role_assignments (" +
                               std::string(internal::kAppRoleAssignmentColumns) +
                               ", seq) VALUES (?1, ?2, ?3, ?4, "
                               "(SELECT COALESCE(MAX(seq), 0) + 1 FROM app_role_assignments))",
                           a.id, a.principal_id, a.resource_id, a.app_role_id);
  if (status.code() == StatusCode::kFailedPrecondition) {
    return NotFound("assignment names an unknown service principal (principal '" + a.principal_id +
                    "', resource '" + a.resource_id + "')");
  }
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("app role '" + a.app_role_id + "' is already assigned to '" +
                         a.principal_id + "'");
  }
  if (!status.ok()) return status;
  return a;
}

std::vector<AppRoleAssignment> Directory::app_role_assignments(
    std::string_view principal_sp_id) const {
  static const std::string kSql = assignment_select("WHERE principal_id = ?1 ORDER BY seq");
  return or_empty(query_rows<AppRoleAssignment>(db_, kSql, internal::read_app_role_assignment,
                                                principal_sp_id));
}

std::vector<AppRoleAssignment> Directory::app_role_assigned_to(
    std::string_view resource_sp_id) const {
  static const std::string kSql = assignment_select("WHERE resource_id = ?1 ORDER BY seq");
  return or_empty(
      query_rows<AppRoleAssignment>(db_, kSql, internal::read_app_role_assignment, resource_sp_id));
}

Result<AppRoleAssignment> Directory::find_app_role_assignment(std::string_view id) const {
  static const std::string kSql = assignment_select("WHERE id = ?1");
  return query_one<AppRoleAssignment>(db_, kSql, internal::read_app_role_assignment,
                                      "app role assignment '" + std::string(id) + "' not found",
                                      id);
}

Status Directory::delete_app_role_assignment(std::string_view id) {
  EMU_RETURN_IF_ERROR(exec_sql(db_, "DELETE FROM app_role_assignments WHERE id = ?1", id));
  if (db_.changes() == 0) {
    return NotFound("app role assignment '" + std::string(id) + "' not found");
  }
  return Status::Ok();
}

}  // namespace emu::aad
