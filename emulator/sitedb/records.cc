// SiteDb: client settings, bulk registration tokens (GUID and lifetime only), site
// certificates and client records (System_DISC).
#include "emulator/core/store/statements.h"
#include "emulator/sitedb/site_db.h"

namespace emu::sitedb {
namespace {

using store::Statement;

constexpr const char* kSettingsColumns =
    "SELECT ID, Name, Priority, Settings FROM dbo.ClientSettings ";

ClientSettings settings_from(const Statement& s) {
  ClientSettings settings;
  settings.id = s.column_int64(0);
  settings.name = s.column_text(1);
  settings.priority = static_cast<int>(s.column_int64(2));
  settings.settings = internal::parse_json(s.column_text(3));
  return settings;
}

constexpr const char* kTokenColumns =
    "SELECT TokenGUID, IssuedTime, Lifetime, ExpiryTime, Blocked FROM dbo.BulkRegistrationTokens ";

BulkToken token_from(const Statement& s) {
  BulkToken token;
  token.guid = s.column_text(0);
  token.issued = s.column_text(1);
  token.lifetime_minutes = static_cast<int>(s.column_int64(2));
  token.expires = s.column_text(3);
  token.blocked = s.column_int64(4) != 0;
  return token;
}

SiteCertificate certificate_from(const Statement& s) {
  SiteCertificate cert;
  cert.thumbprint = s.column_text(0);
  cert.type = s.column_text(1);
  cert.subject = s.column_text(2);
  cert.issuer = s.column_text(3);
  cert.valid_from = s.column_text(4);
  cert.valid_to = s.column_text(5);
  cert.certificate_pem = s.column_text(6);
  cert.blocked = s.column_int64(7) != 0;
  return cert;
}

constexpr const char* kClientColumns =
    "SELECT SMS_Unique_Identifier0, Netbios_Name0, IsApproved, AuthenticationType, "
    "RegistrationTime, Properties FROM dbo.System_DISC ";

ClientRecord client_from(const Statement& s) {
  ClientRecord client;
  client.client_id = s.column_text(0);
  client.name = s.column_text(1);
  client.approval = static_cast<int>(s.column_int64(2));
  client.authentication = s.column_text(3);
  client.registered = s.column_text(4);
  client.properties = internal::parse_json(s.column_text(5));
  return client;
}

}  // namespace

// --- client settings ---

Result<ClientSettings> SiteDb::put_client_settings(ClientSettings settings) {
  if (settings.name.empty()) return InvalidArgument("client settings need a name");
  Status status = store::in_transaction(*db_, [&]() -> Status {
    Result<ClientSettings> existing = client_settings(settings.name);
    if (existing.ok()) {
      settings.id = existing->id;
    } else {
      EMU_ASSIGN_OR_RETURN(
          std::vector<int64_t> top,
          store::query_rows<int64_t>(*db_, "SELECT coalesce(max(ID), 0) FROM dbo.ClientSettings",
                                     [](const Statement& s) { return s.column_int64(0); }));
      EMU_ASSIGN_OR_RETURN(settings.id, next_id("ClientSettings", top.empty() ? 0 : top.front()));
    }
    return store::exec_sql(*db_,
                           "INSERT OR REPLACE INTO dbo.ClientSettings(ID, Name, Priority, "
                           "Settings) VALUES (?1, ?2, ?3, ?4)",
                           settings.id, settings.name, settings.priority,
                           internal::json_text(settings.settings));
  });
  if (!status.ok()) return status;
  return settings;
}

Result<ClientSettings> SiteDb::client_settings(const std::string& name) const {
  return store::query_one<ClientSettings>(*db_, std::string(kSettingsColumns) + "WHERE Name = ?1",
                                          settings_from, "client settings '" + name + "' not found",
                                          name);
}

std::vector<ClientSettings> SiteDb::all_client_settings() const {
  return store::or_empty(store::query_rows<ClientSettings>(
      *db_, std::string(kSettingsColumns) + "ORDER BY Priority, ID", settings_from));
}

// --- bulk tokens ---

Status SiteDb::add_bulk_token(const BulkToken& token) {
  if (token.guid.empty()) return InvalidArgument("a bulk token needs a GUID");
  Status status = store::exec_sql(*db_,
                                  "INSERT INTO dbo.BulkRegistrationTokens(TokenGUID, IssuedTime, "
                                  "Lifetime, ExpiryTime, Blocked) VALUES (?1, ?2, ?3, ?4, ?5)",
                                  token.guid, token.issued, token.lifetime_minutes, token.expires,
                                  token.blocked);
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("bulk token " + token.guid + " already exists");
  }
  return status;
}

Result<BulkToken> SiteDb::bulk_token(const std::string& guid) const {
  return store::query_one<BulkToken>(*db_, std::string(kTokenColumns) + "WHERE TokenGUID = ?1",
                                     token_from, "bulk token " + guid + " not found", guid);
}

Status SiteDb::set_bulk_token_blocked(const std::string& guid, bool blocked) {
  EMU_RETURN_IF_ERROR(store::exec_sql(
      *db_, "UPDATE dbo.BulkRegistrationTokens SET Blocked = ?2 WHERE TokenGUID = ?1", guid,
      blocked));
  if (db_->changes() == 0) return NotFound("bulk token " + guid + " not found");
  return Status::Ok();
}

std::vector<BulkToken> SiteDb::bulk_tokens() const {
  return store::or_empty(store::query_rows<BulkToken>(
      *db_, std::string(kTokenColumns) + "ORDER BY IssuedTime, TokenGUID", token_from));
}

// --- certificates ---

Status SiteDb::put_certificate(const SiteCertificate& cert) {
  if (cert.type.empty()) return InvalidArgument("a site certificate needs a type");
  return store::exec_sql(*db_,
                         "INSERT OR REPLACE INTO dbo.Certificates(Thumbprint, Type, Subject, "
                         "Issuer, ValidFrom, ValidTo, Certificate, Blocked) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         cert.thumbprint, cert.type, cert.subject, cert.issuer, cert.valid_from,
                         cert.valid_to, cert.certificate_pem, cert.blocked);
}

Result<SiteCertificate> SiteDb::certificate(const std::string& type) const {
  return store::query_one<SiteCertificate>(
      *db_,
      "SELECT Thumbprint, Type, Subject, Issuer, ValidFrom, ValidTo, Certificate, Blocked "
      "FROM dbo.Certificates WHERE Type = ?1",
      certificate_from, "no " + type + " certificate", type);
}

// --- clients ---

Status SiteDb::put_client(const ClientRecord& client) {
  if (client.client_id.empty()) return InvalidArgument("a client record needs a client ID");
  return store::exec_sql(
      *db_,
      "INSERT INTO dbo.System_DISC(SMS_Unique_Identifier0, Netbios_Name0, IsApproved, "
      "AuthenticationType, RegistrationTime, Properties) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT(SMS_Unique_Identifier0) DO UPDATE SET Netbios_Name0 = excluded.Netbios_Name0, "
      "IsApproved = excluded.IsApproved, AuthenticationType = excluded.AuthenticationType, "
      "RegistrationTime = excluded.RegistrationTime, Properties = excluded.Properties",
      client.client_id, client.name, client.approval, client.authentication, client.registered,
      internal::json_text(client.properties));
}

Result<ClientRecord> SiteDb::client(const std::string& client_id) const {
  return store::query_one<ClientRecord>(
      *db_, std::string(kClientColumns) + "WHERE SMS_Unique_Identifier0 = ?1", client_from,
      "client " + client_id + " not found", client_id);
}

bool SiteDb::has_client(const std::string& client_id) const {
  auto found = store::query_one<int>(
      *db_, "SELECT 1 FROM dbo.System_DISC WHERE SMS_Unique_Identifier0 = ?1",
      [](const Statement&) { return 1; }, "", client_id);
  return found.ok();
}

std::vector<ClientRecord> SiteDb::clients() const {
  return store::or_empty(store::query_rows<ClientRecord>(
      *db_, std::string(kClientColumns) + "ORDER BY ItemKey", client_from));
}

}  // namespace emu::sitedb
