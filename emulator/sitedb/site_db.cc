// SiteDb: opening CM_<code> under the dbo schema, clear(), read-only SQL, the site row and the
// site system roles (SC_SysResUse).
#include "emulator/sitedb/site_db.h"

#include "emulator/core/store/statements.h"
#include "emulator/core/text.h"

#include <cctype>
#include <filesystem>
#include <system_error>

namespace emu::sitedb {
namespace {

using store::Statement;

// Every table, emptied by clear().
constexpr const char* kTables[] = {"Counters",       "Sites",
                                   "SC_SysResUse",   "AzureEnvironments",
                                   "AAD_Tenant_Ex",  "AAD_Application_Ex",
                                   "User_DISC",      "Azure_CloudService",
                                   "ClientSettings", "BulkRegistrationTokens",
                                   "Certificates",   "System_DISC"};

bool valid_site_code(const std::string& code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The NAL path ConfigMgr stores for a site system: ["Display=\\srv\"]MSWNET:["SMS_SITE=P01"]\\srv\.
std::string nal_path(const std::string& server, const std::string& code) {
  return "[\"Display=\\\\" + server + "\\\"]MSWNET:[\"SMS_SITE=" + code + "\"]\\\\" + server + "\\";
}

Status attach(store::Database& db, const std::string& path) {
  EMU_ASSIGN_OR_RETURN(Statement stmt, db.prepare("ATTACH DATABASE ?1 AS dbo"));
  EMU_RETURN_IF_ERROR(stmt.bind(1, path));
  return stmt.run();
}

constexpr const char* kSelectSite =
    "SELECT SiteCode, SiteName, SiteServerName, Version, Type, HierarchyID FROM dbo.Sites";

Site site_from(const Statement& s) {
  return Site{s.column_text(0), s.column_text(1), s.column_text(2),
              s.column_text(3), s.column_text(4), s.column_text(5)};
}

constexpr const char* kRoleColumns =
    "SELECT ID, ServerName, RoleTypeID, HTTPS, EnhancedHTTP, AllowCMGTraffic, "
    "CMGClientConnections, CloudServiceName, Properties FROM dbo.SC_SysResUse ";

SiteRole role_from(const Statement& s) {
  SiteRole role;
  role.id = s.column_int64(0);
  role.server = s.column_text(1);
  role.role_type = static_cast<int>(s.column_int64(2));
  role.https = s.column_int64(3) != 0;
  role.enhanced_http = s.column_int64(4) != 0;
  role.allow_cmg_traffic = s.column_int64(5) != 0;
  role.cmg_client_connections = s.column_text(6);
  role.cmg_service = s.column_text(7);
  role.properties = internal::parse_json(s.column_text(8));
  return role;
}

}  // namespace

namespace internal {

std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json parse_json(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? nlohmann::json::object() : value;
}

}  // namespace internal

std::string role_name(int role_type) {
  switch (role_type) {
    case kSiteServer:
      return "SMS Site Server";
    case kSmsProvider:
      return "SMS Provider";
    case kDistributionPoint:
      return "SMS Distribution Point";
    case kManagementPoint:
      return "SMS Management Point";
    case kSoftwareUpdatePoint:
      return "SMS Software Update Point";
    case kServiceConnectionPoint:
      return "SMS Dmp Connector";
    case kCmgConnectionPoint:
      return "SMS Cloud Proxy Connector";
    default:
      return "";
  }
}

std::string state_name(CloudServiceState state) {
  switch (state) {
    case CloudServiceState::kProvisioning:
      return "Provisioning";
    case CloudServiceState::kReady:
      return "Ready";
    case CloudServiceState::kError:
      return "Error";
    case CloudServiceState::kStopping:
      return "Stopping";
    case CloudServiceState::kStopped:
      return "Stopped";
    case CloudServiceState::kStarting:
      return "Starting";
    case CloudServiceState::kDeleting:
      return "Deleting";
  }
  return "";
}

SiteDb::SiteDb(std::unique_ptr<store::Database> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}

Result<std::unique_ptr<SiteDb>> SiteDb::open(const store::StateDir& state,
                                             const std::string& site_code) {
  if (!valid_site_code(site_code)) {
    return InvalidArgument("invalid site code '" + site_code + "' (three letters or digits)");
  }
  const std::string code = to_upper(site_code);
  EMU_ASSIGN_OR_RETURN(const std::string path, state.prepare("CM_" + code));
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<store::Database> db, store::Database::open(":memory:"));
  Status attached = attach(*db, path);
  if (!attached.ok()) return attached.with_context("cannot open site database '" + path + "'");
  if (state.persistent()) {
    EMU_RETURN_IF_ERROR(db->exec("PRAGMA dbo.journal_mode=WAL; PRAGMA dbo.synchronous=NORMAL"));
  }
  EMU_RETURN_IF_ERROR(ensure_schema(*db));
  std::unique_ptr<SiteDb> site_db(new SiteDb(std::move(db), path));
  site_db->code_ = code;
  return site_db;
}

std::string SiteDb::path() const { return path_; }

Status SiteDb::clear() {
  return store::in_transaction(*db_, [&]() -> Status {
    for (const char* table : kTables) {
      EMU_RETURN_IF_ERROR(db_->exec(std::string("DELETE FROM dbo.") + table));
    }
    return Status::Ok();
  });
}

Result<store::QueryResult> SiteDb::query(std::string_view sql) {
  return store::query_readonly(*db_, sql);
}

Result<int64_t> SiteDb::next_id(std::string_view name, int64_t floor) {
  EMU_ASSIGN_OR_RETURN(
      Statement * stmt,
      store::bind_all(*db_,
                      "INSERT INTO dbo.Counters(Name, Value) VALUES (?1, ?2 + 1) "
                      "ON CONFLICT(Name) DO UPDATE SET Value = max(Value, ?2) + 1 RETURNING Value",
                      name, floor));
  store::StatementScope scope(stmt);
  EMU_ASSIGN_OR_RETURN(bool row, stmt->step());
  if (!row) return Internal("counter " + std::string(name) + " returned no value");
  return stmt->column_int64(0);
}

// --- site ---

Status SiteDb::put_site(const Site& site) {
  Site row = site;
  if (row.code.empty()) row.code = code_;
  if (to_upper(row.code) != code_) {
    return InvalidArgument("site code '" + site.code + "' does not match database CM_" + code_);
  }
  row.code = code_;
  if (row.name.empty()) row.name = "Primary site " + code_;
  return store::in_transaction(*db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(store::exec_sql(*db_, "DELETE FROM dbo.Sites"));
    return store::exec_sql(*db_,
                           "INSERT INTO dbo.Sites(SiteCode, SiteName, SiteServerName, Version, "
                           "Type, HierarchyID) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           row.code, row.name, row.server, row.version, row.type, row.hierarchy_id);
  });
}

Result<Site> SiteDb::site() const {
  return store::query_one<Site>(*db_, kSelectSite, site_from, "site " + code_ + " is not set up");
}

// --- roles ---

Result<SiteRole> SiteDb::add_role(SiteRole role) {
  if (role.server.empty()) return InvalidArgument("a role needs a server");
  if (role.role_type <= 0) {
    return InvalidArgument("invalid role type " + std::to_string(role.role_type));
  }
  Status status = store::in_transaction(*db_, [&]() -> Status {
    if (find_role(role.server, role.role_type).ok()) {
      return AlreadyExists("server " + role.server + " already holds role type " +
                           std::to_string(role.role_type) + " (" + role_name(role.role_type) + ")");
    }
    EMU_ASSIGN_OR_RETURN(std::vector<int64_t> top,
                         store::query_rows<int64_t>(
                             *db_, "SELECT coalesce(max(ID) - ?1, 0) FROM dbo.SC_SysResUse",
                             [](const Statement& s) { return s.column_int64(0); }, kRoleIdBase));
    EMU_ASSIGN_OR_RETURN(int64_t n, next_id("SC_SysResUse", top.empty() ? 0 : top.front()));
    role.id = kRoleIdBase + n;
    return store::exec_sql(
        *db_,
        "INSERT INTO dbo.SC_SysResUse(ID, RoleTypeID, RoleName, ServerName, NALPath, SiteCode, "
        "HTTPS, EnhancedHTTP, AllowCMGTraffic, CMGClientConnections, CloudServiceName, "
        "Properties) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        role.id, role.role_type, role_name(role.role_type), role.server,
        nal_path(role.server, code_), code_, role.https, role.enhanced_http, role.allow_cmg_traffic,
        role.cmg_client_connections, role.cmg_service, internal::json_text(role.properties));
  });
  if (!status.ok()) return status;
  return role;
}

Status SiteDb::update_role(const SiteRole& role) {
  EMU_RETURN_IF_ERROR(store::exec_sql(
      *db_,
      "UPDATE dbo.SC_SysResUse SET RoleTypeID = ?2, RoleName = ?3, ServerName = ?4, "
      "NALPath = ?5, HTTPS = ?6, EnhancedHTTP = ?7, AllowCMGTraffic = ?8, "
      "CMGClientConnections = ?9, CloudServiceName = ?10, Properties = ?11 WHERE ID = ?1",
      role.id, role.role_type, role_name(role.role_type), role.server, nal_path(role.server, code_),
      role.https, role.enhanced_http, role.allow_cmg_traffic, role.cmg_client_connections,
      role.cmg_service, internal::json_text(role.properties)));
  if (db_->changes() == 0) return NotFound("role " + std::to_string(role.id) + " not found");
  return Status::Ok();
}

Status SiteDb::remove_role(int64_t id) {
  EMU_RETURN_IF_ERROR(store::exec_sql(*db_, "DELETE FROM dbo.SC_SysResUse WHERE ID = ?1", id));
  if (db_->changes() == 0) return NotFound("role " + std::to_string(id) + " not found");
  return Status::Ok();
}

Result<SiteRole> SiteDb::find_role(const std::string& server, int role_type) const {
  return store::query_one<SiteRole>(
      *db_, std::string(kRoleColumns) + "WHERE ServerName = ?1 AND RoleTypeID = ?2", role_from,
      "no role of type " + std::to_string(role_type) + " on " + server, server, role_type);
}

std::vector<SiteRole> SiteDb::roles() const {
  return store::or_empty(
      store::query_rows<SiteRole>(*db_, std::string(kRoleColumns) + "ORDER BY ID", role_from));
}

}  // namespace emu::sitedb
