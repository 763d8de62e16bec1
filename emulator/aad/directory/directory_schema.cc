// The Entra ID party's database schema (numbered migrations applied by Directory::open).
// List-valued fields are JSON text columns; credentials, consent and grant artefacts have
// their own tables. The signing_keys table belongs to SigningKeySet (signing_keys.cc exports
// the same DDL as kSigningKeysDdl; it is spelt out here so this file has no link dependency).

#include "emulator/aad/directory/directory_internal.h"

namespace emu::aad {

// Defined in signing_keys.cc; not referenced here (see the file comment).
extern const char* const kSigningKeysDdl;

namespace internal {
namespace {

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  created TEXT NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  upn TEXT NOT NULL COLLATE NOCASE,
  display_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  surname TEXT NOT NULL,
  mail TEXT NOT NULL,
  password TEXT NOT NULL,
  directory_roles TEXT NOT NULL,
  mfa_required INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  created TEXT NOT NULL,
  UNIQUE (tenant_id, upn)
);
CREATE INDEX users_by_upn ON users (upn);
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL UNIQUE COLLATE NOCASE,
  tenant_id TEXT NOT NULL,
  first_party INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  sign_in_audience TEXT NOT NULL,
  identifier_uris TEXT NOT NULL,
  web_redirect_uris TEXT NOT NULL,
  spa_redirect_uris TEXT NOT NULL,
  public_client_redirect_uris TEXT NOT NULL,
  is_fallback_public_client INTEGER NOT NULL,
  access_token_version INTEGER NOT NULL,
  required_resource_access TEXT NOT NULL,
  app_roles TEXT NOT NULL,
  oauth2_permission_scopes TEXT NOT NULL,
  created TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX applications_by_tenant ON applications (tenant_id, seq);
CREATE TABLE password_credentials (
  key_id TEXT PRIMARY KEY,
  app_object_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  display_name TEXT NOT NULL,
  secret TEXT NOT NULL,
  hint TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX password_credentials_by_app ON password_credentials (app_object_id, seq);
CREATE TABLE key_credentials (
  key_id TEXT PRIMARY KEY,
  app_object_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  display_name TEXT NOT NULL,
  cert_der BLOB NOT NULL,
  thumbprint_b64 TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX key_credentials_by_app ON key_credentials (app_object_id, seq);
CREATE TABLE service_principals (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL COLLATE NOCASE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  display_name TEXT NOT NULL,
  service_principal_names TEXT NOT NULL,
  account_enabled INTEGER NOT NULL,
  first_party INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  UNIQUE (tenant_id, app_id)
);
CREATE TABLE permission_grants (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES service_principals(id) ON DELETE CASCADE,
  resource_id TEXT NOT NULL REFERENCES service_principals(id) ON DELETE CASCADE,
  consent_type TEXT NOT NULL,
  principal_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX permission_grants_by_client ON permission_grants (client_id);
CREATE TABLE app_role_assignments (
  id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES service_principals(id) ON DELETE CASCADE,
  resource_id TEXT NOT NULL REFERENCES service_principals(id) ON DELETE CASCADE,
  app_role_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  UNIQUE (principal_id, resource_id, app_role_id)
);
CREATE INDEX app_role_assignments_by_resource ON app_role_assignments (resource_id);
CREATE TABLE auth_codes (
  code TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scope TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  code_challenge_method TEXT NOT NULL,
  expires TEXT NOT NULL,
  redeemed INTEGER NOT NULL
);
CREATE TABLE refresh_tokens (
  token TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  expires TEXT NOT NULL,
  revoked INTEGER NOT NULL
);
CREATE TABLE device_codes (
  device_code TEXT PRIMARY KEY,
  user_code TEXT NOT NULL UNIQUE COLLATE NOCASE,
  tenant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  user_id TEXT NOT NULL,
  expires TEXT NOT NULL,
  denied INTEGER NOT NULL
);
CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, key_pem TEXT NOT NULL, cert_pem TEXT NOT NULL, active INTEGER NOT NULL, created TEXT NOT NULL, seq INTEGER NOT NULL);
)sql";

constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL UNIQUE COLLATE NOCASE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  display_name TEXT NOT NULL,
  trust_type TEXT NOT NULL,
  operating_system TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  cert_der BLOB NOT NULL,
  thumbprint TEXT NOT NULL UNIQUE COLLATE NOCASE,
  registered TEXT NOT NULL,
  seq INTEGER NOT NULL
);
)sql";

constexpr store::Migration kMigrations[] = {
    {1, "directory and signing keys", kSchemaV1},
    {2, "devices", kSchemaV2},
};

}  // namespace

std::span<const store::Migration> directory_migrations() { return kMigrations; }

}  // namespace internal
}  // namespace emu::aad
