// The ARM database schema. Key columns (*_key) hold the lower-cased ID or name ARM compares
// case-insensitively; times are microseconds since the Unix epoch (virtual time).
#include "emulator/arm/store/internal.h"

namespace emu::arm::internal {

constexpr store::Migration kMigrations[] = {
    {1, "arm_initial", R"sql(
CREATE TABLE subscriptions (
  id_key TEXT PRIMARY KEY, id TEXT NOT NULL, display_name TEXT NOT NULL,
  tenant_id TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE providers (
  sub_key TEXT NOT NULL, ns_key TEXT NOT NULL, ns TEXT NOT NULL, state TEXT NOT NULL,
  pending_state TEXT NOT NULL DEFAULT '', settles_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sub_key, ns_key));
CREATE TABLE resource_groups (
  sub_key TEXT NOT NULL, name_key TEXT NOT NULL, subscription_id TEXT NOT NULL,
  name TEXT NOT NULL, location TEXT NOT NULL, tags TEXT NOT NULL, managed_by TEXT NOT NULL,
  state TEXT NOT NULL, deleted_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sub_key, name_key));
CREATE TABLE resources (
  id_key TEXT PRIMARY KEY, id TEXT NOT NULL, sub_key TEXT NOT NULL, rg_key TEXT NOT NULL,
  subscription_id TEXT NOT NULL, resource_group TEXT NOT NULL, type_key TEXT NOT NULL,
  type TEXT NOT NULL, name TEXT NOT NULL, location TEXT NOT NULL, body TEXT NOT NULL,
  state TEXT NOT NULL, final_state TEXT NOT NULL, settles_at INTEGER NOT NULL,
  delete_when_settled INTEGER NOT NULL, created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL, deployment TEXT NOT NULL);
CREATE INDEX resources_by_group ON resources (sub_key, rg_key);
CREATE TABLE deployments (
  id_key TEXT PRIMARY KEY, id TEXT NOT NULL, sub_key TEXT NOT NULL, rg_key TEXT NOT NULL,
  subscription_id TEXT NOT NULL, resource_group TEXT NOT NULL, name TEXT NOT NULL,
  properties TEXT NOT NULL, operations TEXT NOT NULL, state TEXT NOT NULL,
  final_state TEXT NOT NULL, created_at INTEGER NOT NULL, settles_at INTEGER NOT NULL,
  error TEXT NOT NULL);
CREATE TABLE operations (
  id_key TEXT PRIMARY KEY, id TEXT NOT NULL, subscription_id TEXT NOT NULL, kind TEXT NOT NULL,
  target TEXT NOT NULL, location TEXT NOT NULL, started_at INTEGER NOT NULL,
  settles_at INTEGER NOT NULL, final_status TEXT NOT NULL, error TEXT NOT NULL);
CREATE TABLE role_assignments (
  id_key TEXT PRIMARY KEY, id TEXT NOT NULL, scope TEXT NOT NULL, scope_key TEXT NOT NULL,
  role TEXT NOT NULL, principal_id TEXT NOT NULL, principal_key TEXT NOT NULL,
  principal_type TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX role_assignments_by_principal ON role_assignments (principal_key);
CREATE TABLE names (
  kind TEXT NOT NULL, key TEXT NOT NULL, owner TEXT NOT NULL, owner_key TEXT NOT NULL,
  PRIMARY KEY (kind, key));
CREATE INDEX names_by_owner ON names (owner_key);
CREATE TABLE deleted_vaults (
  name_key TEXT PRIMARY KEY, name TEXT NOT NULL, sub_key TEXT NOT NULL,
  subscription_id TEXT NOT NULL, location TEXT NOT NULL, vault_id TEXT NOT NULL,
  deleted_at INTEGER NOT NULL, purge_at INTEGER NOT NULL, tags TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"},
};

std::span<const store::Migration> arm_migrations() { return kMigrations; }

}  // namespace emu::arm::internal
