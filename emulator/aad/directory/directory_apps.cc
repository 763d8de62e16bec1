// Directory: applications and their password and key credentials.

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/directory/directory_internal.h"

namespace emu::aad {

using internal::exec_sql;
using internal::or_empty;
using internal::query_one;
using internal::query_rows;

namespace internal {

Application read_application_row(const store::Statement& s) {
  Application a;
  a.id = s.column_text(0);
  a.app_id = s.column_text(1);
  a.tenant_id = s.column_text(2);
  a.first_party = s.column_int64(3) != 0;
  a.display_name = s.column_text(4);
  a.sign_in_audience = s.column_text(5);
  a.identifier_uris = strings_from_json(s.column_text(6));
  a.web_redirect_uris = strings_from_json(s.column_text(7));
  a.spa_redirect_uris = strings_from_json(s.column_text(8));
  a.public_client_redirect_uris = strings_from_json(s.column_text(9));
  a.is_fallback_public_client = s.column_int64(10) != 0;
  a.access_token_version = static_cast<int>(s.column_int64(11));
  a.required_resource_access = json_from_column(s.column_text(12));
  a.app_roles = json_from_column(s.column_text(13));
  a.oauth2_permission_scopes = json_from_column(s.column_text(14));
  a.created = time_from_column(s.column_text(15));
  return a;
}

}  // namespace internal

namespace {

std::string app_select(std::string_view where) {
  return "SELECT " + std::string(internal::kApplicationColumns) + " FROM applications " +
         std::string(where);
}

PasswordCredential read_password(const store::Statement& s) {
  PasswordCredential p;
  p.key_id = s.column_text(0);
  p.display_name = s.column_text(1);
  p.secret = s.column_text(2);
  p.hint = s.column_text(3);
  p.start = internal::time_from_column(s.column_text(4));
  p.end = internal::time_from_column(s.column_text(5));
  return p;
}

KeyCredential read_key(const store::Statement& s) {
  KeyCredential k;
  k.key_id = s.column_text(0);
  k.display_name = s.column_text(1);
  k.cert_der = s.column_blob(2);
  k.thumbprint_b64 = s.column_text(3);
  k.start = internal::time_from_column(s.column_text(4));
  k.end = internal::time_from_column(s.column_text(5));
  return k;
}

// Fills the credential lists of applications read without them.
Status load_credentials(store::Database& db, Application& a) {
  EMU_ASSIGN_OR_RETURN(
      a.password_credentials,
      query_rows<PasswordCredential>(db,
                                     "SELECT key_id, display_name, secret, hint, start_time, "
                                     "end_time FROM password_credentials "
                                     "WHERE app_object_id = ?1 ORDER BY seq",
                                     read_password, a.id));
  EMU_ASSIGN_OR_RETURN(
      a.key_credentials,
      query_rows<KeyCredential>(db,
                                "SELECT key_id, display_name, cert_der, thumbprint_b64, "
                                "start_time, end_time FROM key_credentials "
                                "WHERE app_object_id = ?1 ORDER BY seq",
                                read_key, a.id));
  return Status::Ok();
}

Result<Application> with_credentials(store::Database& db, Result<Application> app) {
  if (!app.ok()) return app;
  EMU_RETURN_IF_ERROR(load_credentials(db, *app));
  return app;
}

Status insert_credentials(store::Database& db, const Application& a) {
  int64_t seq = 0;
  for (const PasswordCredential& p : a.password_credentials) {
    EMU_RETURN_IF_ERROR(exec_sql(db,
                                 "INSERT INTO password_credentials (key_id, app_object_id, "
                                 "display_name, secret, hint, start_time, end_time, seq) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                 p.key_id, a.id, p.display_name, p.secret, p.hint,
                                 internal::time_to_column(p.start), internal::time_to_column(p.end),
                                 ++seq));
  }
  for (const KeyCredential& k : a.key_credentials) {
    EMU_RETURN_IF_ERROR(exec_sql(db,
                                 "INSERT INTO key_credentials (key_id, app_object_id, "
                                 "display_name, cert_der, thumbprint_b64, start_time, end_time, "
                                 "seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                 k.key_id, a.id, k.display_name, internal::Blob{k.cert_der},
                                 k.thumbprint_b64, internal::time_to_column(k.start),
                                 internal::time_to_column(k.end), ++seq));
  }
  return Status::Ok();
}

void assign_credential_ids(IdSource& ids, Application& a) {
  for (PasswordCredential& p : a.password_credentials) {
    if (p.key_id.empty()) p.key_id = ids.guid();
    if (p.hint.empty()) p.hint = p.secret.substr(0, 3);
  }
  for (KeyCredential& k : a.key_credentials) {
    if (k.key_id.empty()) k.key_id = ids.guid();
  }
}

}  // namespace

Result<Application> Directory::create_application(Application a) {
  if (a.id.empty()) a.id = ids_.guid();
  if (a.app_id.empty()) a.app_id = ids_.guid();
  if (a.created == TimePoint{}) a.created = clock_.now();
  assign_credential_ids(ids_, a);
  Status status = internal::in_transaction(db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(exec_sql(
        db_,
        "INSERT INTO applications (" + std::string(internal::kApplicationColumns) +
            ", seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
            "?16, (SELECT COALESCE(MAX(seq), 0) + 1 FROM applications))",
        a.id, a.app_id, a.tenant_id, a.first_party, a.display_name, a.sign_in_audience,
        internal::strings_to_json(a.identifier_uris),
        internal::strings_to_json(a.web_redirect_uris),
        internal::strings_to_json(a.spa_redirect_uris),
        internal::strings_to_json(a.public_client_redirect_uris), a.is_fallback_public_client,
        a.access_token_version, a.required_resource_access.dump(), a.app_roles.dump(),
        a.oauth2_permission_scopes.dump(), internal::time_to_column(a.created)));
    return insert_credentials(db_, a);
  });
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("application '" + a.app_id + "' (object '" + a.id +
                         "') or one of its credential IDs already exists");
  }
  if (!status.ok()) return status;
  return a;
}

Result<Application> Directory::find_application(std::string_view tenant_id,
                                                std::string_view key) const {
  static const std::string kSql = app_select(
      "WHERE (tenant_id = ?1 AND first_party = 0 AND (id = ?2 OR app_id = ?2)) "
      "OR (first_party = 1 AND app_id = ?2) ORDER BY first_party LIMIT 1");
  return with_credentials(
      db_, query_one<Application>(db_, kSql, internal::read_application_row,
                                  "application '" + std::string(key) + "' not found in tenant '" +
                                      std::string(tenant_id) + "'",
                                  tenant_id, key));
}

Result<Application> Directory::find_application_any_tenant(std::string_view app_id) const {
  static const std::string kSql = app_select("WHERE app_id = ?1");
  return with_credentials(
      db_, query_one<Application>(db_, kSql, internal::read_application_row,
                                  "application '" + std::string(app_id) + "' not found", app_id));
}

Result<Application> Directory::find_resource(std::string_view tenant_id,
                                             std::string_view uri_or_id) const {
  // The tenant's own apps, then first-party apps and other tenants' apps provisioned here
  // (a service principal in the tenant).
  static const std::string kSql = app_select(
      "WHERE (tenant_id = ?1 OR first_party = 1 OR EXISTS (SELECT 1 FROM service_principals sp "
      "WHERE sp.tenant_id = ?1 AND sp.app_id = applications.app_id)) "
      "AND (app_id = ?2 OR EXISTS (SELECT 1 FROM json_each(applications.identifier_uris) u "
      "WHERE u.value = ?2 COLLATE NOCASE)) "
      "ORDER BY (tenant_id = ?1) DESC, first_party DESC LIMIT 1");
  return with_credentials(
      db_, query_one<Application>(db_, kSql, internal::read_application_row,
                                  "resource '" + std::string(uri_or_id) +
                                      "' not found in tenant '" + std::string(tenant_id) + "'",
                                  tenant_id, uri_or_id));
}

Status Directory::update_application(const Application& original) {
  Application a = original;
  assign_credential_ids(ids_, a);
  return internal::in_transaction(db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(exec_sql(
        db_,
        "UPDATE applications SET app_id = ?2, display_name = ?3, sign_in_audience = ?4, "
        "identifier_uris = ?5, web_redirect_uris = ?6, spa_redirect_uris = ?7, "
        "public_client_redirect_uris = ?8, is_fallback_public_client = ?9, "
        "access_token_version = ?10, required_resource_access = ?11, app_roles = ?12, "
        "oauth2_permission_scopes = ?13 WHERE id = ?1",
        a.id, a.app_id, a.display_name, a.sign_in_audience,
        internal::strings_to_json(a.identifier_uris),
        internal::strings_to_json(a.web_redirect_uris),
        internal::strings_to_json(a.spa_redirect_uris),
        internal::strings_to_json(a.public_client_redirect_uris), a.is_fallback_public_client,
        a.access_token_version, a.required_resource_access.dump(), a.app_roles.dump(),
        a.oauth2_permission_scopes.dump()));
    if (db_.changes() == 0) return NotFound("application '" + a.id + "' not found");
    EMU_RETURN_IF_ERROR(
        exec_sql(db_, "DELETE FROM password_credentials WHERE app_object_id = ?1", a.id));
    EMU_RETURN_IF_ERROR(
        exec_sql(db_, "DELETE FROM key_credentials WHERE app_object_id = ?1", a.id));
    return insert_credentials(db_, a);
  });
}

Status Directory::delete_application(std::string_view tenant_id, std::string_view id) {
  EMU_RETURN_IF_ERROR(exec_sql(db_,
                               "DELETE FROM applications WHERE tenant_id = ?1 AND id = ?2 "
                               "AND first_party = 0",
                               tenant_id, id));
  if (db_.changes() == 0) return NotFound("application '" + std::string(id) + "' not found");
  return Status::Ok();
}

std::vector<Application> Directory::list_applications(std::string_view tenant_id) const {
  static const std::string kSql =
      app_select("WHERE tenant_id = ?1 AND first_party = 0 ORDER BY seq");
  std::vector<Application> apps =
      or_empty(query_rows<Application>(db_, kSql, internal::read_application_row, tenant_id));
  for (Application& a : apps) {
    if (!load_credentials(db_, a).ok()) return {};
  }
  return apps;
}

}  // namespace emu::aad
