// Directory: short-lived grant artefacts (authorization codes, refresh tokens, device codes).

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/directory/directory_internal.h"

namespace emu::aad {

using internal::exec_sql;
using internal::query_one;
using internal::time_from_column;
using internal::time_to_column;

namespace {

AuthCode read_auth_code(const store::Statement& s) {
  AuthCode c;
  c.code = s.column_text(0);
  c.tenant_id = s.column_text(1);
  c.client_id = s.column_text(2);
  c.user_id = s.column_text(3);
  c.redirect_uri = s.column_text(4);
  c.scope = s.column_text(5);
  c.nonce = s.column_text(6);
  c.code_challenge = s.column_text(7);
  c.code_challenge_method = s.column_text(8);
  c.expires = time_from_column(s.column_text(9));
  c.redeemed = s.column_int64(10) != 0;
  return c;
}

RefreshToken read_refresh_token(const store::Statement& s) {
  RefreshToken t;
  t.token = s.column_text(0);
  t.tenant_id = s.column_text(1);
  t.client_id = s.column_text(2);
  t.user_id = s.column_text(3);
  t.scope = s.column_text(4);
  t.expires = time_from_column(s.column_text(5));
  t.revoked = s.column_int64(6) != 0;
  return t;
}

DeviceCode read_device_code(const store::Statement& s) {
  DeviceCode d;
  d.device_code = s.column_text(0);
  d.user_code = s.column_text(1);
  d.tenant_id = s.column_text(2);
  d.client_id = s.column_text(3);
  d.scope = s.column_text(4);
  d.user_id = s.column_text(5);
  d.expires = time_from_column(s.column_text(6));
  d.denied = s.column_int64(7) != 0;
  return d;
}

constexpr std::string_view kAuthCodeColumns =
    "code, tenant_id, client_id, user_id, redirect_uri, scope, nonce, code_challenge, "
    "code_challenge_method, expires, redeemed";
constexpr std::string_view kDeviceCodeColumns =
    "device_code, user_code, tenant_id, client_id, scope, user_id, expires, denied";

}  // namespace

Status Directory::save_auth_code(const AuthCode& c) {
  static const std::string kSql = "INSERT OR REPLACE INTO auth_codes (" +
                                  std::string(kAuthCodeColumns) +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
  return exec_sql(db_, kSql, c.code, c.tenant_id, c.client_id, c.user_id, c.redirect_uri, c.scope,
                  c.nonce, c.code_challenge, c.code_challenge_method, time_to_column(c.expires),
                  c.redeemed);
}

Result<AuthCode> Directory::find_auth_code(std::string_view code) const {
  static const std::string kSql =
      "SELECT " + std::string(kAuthCodeColumns) + " FROM auth_codes WHERE code = ?1";
  return query_one<AuthCode>(db_, kSql, read_auth_code, "authorization code not found", code);
}

Status Directory::mark_auth_code_redeemed(std::string_view code) {
  EMU_RETURN_IF_ERROR(exec_sql(db_, "UPDATE auth_codes SET redeemed = 1 WHERE code = ?1", code));
  if (db_.changes() == 0) return NotFound("authorization code not found");
  return Status::Ok();
}

Status Directory::save_refresh_token(const RefreshToken& t) {
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO refresh_tokens (token, tenant_id, client_id, user_id, "
                  "scope, expires, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  t.token, t.tenant_id, t.client_id, t.user_id, t.scope, time_to_column(t.expires),
                  t.revoked);
}

Result<RefreshToken> Directory::find_refresh_token(std::string_view token) const {
  return query_one<RefreshToken>(db_,
                                 "SELECT token, tenant_id, client_id, user_id, scope, expires, "
                                 "revoked FROM refresh_tokens WHERE token = ?1",
                                 read_refresh_token, "refresh token not found", token);
}

Status Directory::save_device_code(const DeviceCode& d) {
  static const std::string kSql = "INSERT OR REPLACE INTO device_codes (" +
                                  std::string(kDeviceCodeColumns) +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
  // OR REPLACE would silently drop another device code holding the same user code.
  auto holder = find_device_code_by_user_code(d.user_code);
  if (holder.ok() && holder->device_code != d.device_code) {
    return AlreadyExists("user code '" + d.user_code + "' is in use");
  }
  return exec_sql(db_, kSql, d.device_code, d.user_code, d.tenant_id, d.client_id, d.scope,
                  d.user_id, time_to_column(d.expires), d.denied);
}

Result<DeviceCode> Directory::find_device_code(std::string_view device_code) const {
  static const std::string kSql =
      "SELECT " + std::string(kDeviceCodeColumns) + " FROM device_codes WHERE device_code = ?1";
  return query_one<DeviceCode>(db_, kSql, read_device_code, "device code not found", device_code);
}

Result<DeviceCode> Directory::find_device_code_by_user_code(std::string_view user_code) const {
  static const std::string kSql =
      "SELECT " + std::string(kDeviceCodeColumns) + " FROM device_codes WHERE user_code = ?1";
  return query_one<DeviceCode>(db_, kSql, read_device_code, "user code not found", user_code);
}

}  // namespace emu::aad
