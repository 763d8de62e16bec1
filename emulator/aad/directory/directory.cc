// Directory: opening, shared helpers, tenants, users and clear(). Applications, service
// principals, consent and grant artefacts are in directory_apps.cc, directory_consent.cc and
// directory_artefacts.cc.

#include "emulator/aad/directory/directory.h"

#include "emulator/aad/directory/directory_internal.h"
#include "emulator/core/store/database.h"

#include <sqlite3.h>

namespace emu::aad {

using internal::exec_sql;
using internal::or_empty;
using internal::query_one;
using internal::query_rows;
using internal::read_user;

namespace internal {

std::string strings_to_json(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump();
}

std::vector<std::string> strings_from_json(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

nlohmann::json json_from_column(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? nlohmann::json::array() : j;
}

std::string time_to_column(TimePoint t) { return format_iso8601(t); }

TimePoint time_from_column(std::string_view text) {
  Result<TimePoint> t = parse_iso8601(text);
  return t.ok() ? *t : TimePoint{};
}

User read_user(const store::Statement& s) {
  User u;
  u.id = s.column_text(0);
  u.tenant_id = s.column_text(1);
  u.upn = s.column_text(2);
  u.display_name = s.column_text(3);
  u.given_name = s.column_text(4);
  u.surname = s.column_text(5);
  u.mail = s.column_text(6);
  u.password = s.column_text(7);
  u.directory_roles = strings_from_json(s.column_text(8));
  u.mfa_required = s.column_int64(9) != 0;
  u.enabled = s.column_int64(10) != 0;
  u.created = time_from_column(s.column_text(11));
  return u;
}

}  // namespace internal

namespace {

Tenant read_tenant(const store::Statement& s) {
  return Tenant{s.column_text(0), s.column_text(1), s.column_text(2)};
}

std::string user_select(std::string_view where) {
  return "SELECT " + std::string(internal::kUserColumns) + " FROM users " + std::string(where);
}

}  // namespace

Directory::Directory(store::Database& db, const Clock& clock, IdSource& ids)
    : db_(db), clock_(clock), ids_(ids) {}

Directory::~Directory() = default;

Result<std::unique_ptr<Directory>> Directory::open(store::Database& db, const Clock& clock,
                                                   IdSource& ids) {
  EMU_RETURN_IF_ERROR(store::migrate(db, internal::directory_migrations()));
  return std::unique_ptr<Directory>(new Directory(db, clock, ids));
}

// --- Tenants -------------------------------------------------------------------------------

Result<Tenant> Directory::create_tenant(Tenant t) {
  if (t.domain.empty()) return InvalidArgument("a tenant needs a domain");
  if (t.id.empty()) t.id = ids_.guid();
  if (t.display_name.empty()) t.display_name = t.domain;
  Status status = internal::in_transaction(db_, [&]() -> Status {
    Status inserted =
        exec_sql(db_,
                 "INSERT INTO tenants (id, domain, display_name, created) "
                 "VALUES (?1, ?2, ?3, ?4)",
                 t.id, t.domain, t.display_name, internal::time_to_column(clock_.now()));
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("tenant '" + t.id + "' or domain '" + t.domain + "' already exists");
    }
    EMU_RETURN_IF_ERROR(inserted);
    return internal::seed_first_party(*this, t.id);
  });
  if (!status.ok()) return status;
  return t;
}

Result<Tenant> Directory::find_tenant(std::string_view key) const {
  return query_one<Tenant>(db_,
                           "SELECT id, domain, display_name FROM tenants "
                           "WHERE id = ?1 COLLATE NOCASE OR domain = ?1",
                           read_tenant, "tenant '" + std::string(key) + "' not found", key);
}

std::vector<Tenant> Directory::tenants() const {
  return or_empty(query_rows<Tenant>(
      db_, "SELECT id, domain, display_name FROM tenants ORDER BY rowid", read_tenant));
}

// --- Users ---------------------------------------------------------------------------------

Result<User> Directory::create_user(User u) {
  if (u.upn.empty()) return InvalidArgument("a user needs a userPrincipalName");
  EMU_ASSIGN_OR_RETURN(Tenant tenant, find_tenant(u.tenant_id));
  u.tenant_id = tenant.id;
  if (u.id.empty()) u.id = ids_.guid();
  if (u.created == TimePoint{}) u.created = clock_.now();
  Status status =
      exec_sql(db_,
               "INSERT INTO users (id, tenant_id, upn, display_name, given_name, surname, mail, "
               "password, directory_roles, mfa_required, enabled, created) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
               u.id, u.tenant_id, u.upn, u.display_name, u.given_name, u.surname, u.mail,
               u.password, internal::strings_to_json(u.directory_roles), u.mfa_required, u.enabled,
               internal::time_to_column(u.created));
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("user '" + u.upn + "' already exists in tenant '" + u.tenant_id + "'");
  }
  if (!status.ok()) return status;
  return u;
}

Result<User> Directory::find_user(std::string_view tenant_id, std::string_view key) const {
  static const std::string kSql = user_select("WHERE tenant_id = ?1 AND (id = ?2 OR upn = ?2)");
  return query_one<User>(db_, kSql, read_user, "user '" + std::string(key) + "' not found",
                         tenant_id, key);
}

Result<User> Directory::find_user_any_tenant(std::string_view upn) const {
  static const std::string kSql = user_select("WHERE upn = ?1 ORDER BY rowid LIMIT 1");
  return query_one<User>(db_, kSql, read_user, "user '" + std::string(upn) + "' not found", upn);
}

Status Directory::update_user(const User& u) {
  Status status = exec_sql(
      db_,
      "UPDATE users SET upn = ?2, display_name = ?3, given_name = ?4, surname = ?5, mail = ?6, "
      "password = ?7, directory_roles = ?8, mfa_required = ?9, enabled = ?10 WHERE id = ?1",
      u.id, u.upn, u.display_name, u.given_name, u.surname, u.mail, u.password,
      internal::strings_to_json(u.directory_roles), u.mfa_required, u.enabled);
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("user '" + u.upn + "' already exists");
  }
  EMU_RETURN_IF_ERROR(status);
  if (db_.changes() == 0) return NotFound("user '" + u.id + "' not found");
  return Status::Ok();
}

Status Directory::delete_user(std::string_view tenant_id, std::string_view id) {
  EMU_RETURN_IF_ERROR(
      exec_sql(db_, "DELETE FROM users WHERE tenant_id = ?1 AND id = ?2", tenant_id, id));
  if (db_.changes() == 0) return NotFound("user '" + std::string(id) + "' not found");
  return Status::Ok();
}

std::vector<User> Directory::list_users(std::string_view tenant_id, std::string_view after_id,
                                        size_t limit) const {
  static const std::string kSql =
      user_select("WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
  return or_empty(
      query_rows<User>(db_, kSql, read_user, tenant_id, after_id, static_cast<int64_t>(limit)));
}

size_t Directory::count_users(std::string_view tenant_id) const {
  auto rows = query_rows<int64_t>(
      db_, "SELECT COUNT(*) FROM users WHERE tenant_id = ?1",
      [](const store::Statement& s) { return s.column_int64(0); }, tenant_id);
  return rows.ok() && !rows->empty() ? static_cast<size_t>(rows->front()) : 0;
}

// --- Reset ---------------------------------------------------------------------------------

Status Directory::clear() {
  return internal::in_transaction(db_, [&]() -> Status {
    // Children first, so no foreign key is ever left dangling mid-way.
    return db_.exec(
        "DELETE FROM permission_grants; DELETE FROM app_role_assignments; "
        "DELETE FROM password_credentials; DELETE FROM key_credentials; "
        "DELETE FROM service_principals; DELETE FROM applications; DELETE FROM users; "
        "DELETE FROM devices; DELETE FROM tenants; DELETE FROM auth_codes; DELETE FROM "
        "refresh_tokens; "
        "DELETE FROM device_codes;");
  });
}

}  // namespace emu::aad
