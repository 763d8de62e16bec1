// ArmStore: role assignments, global names, soft-deleted vaults, and settle().
#include "emulator/arm/store/internal.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/text.h"

namespace emu::arm {

using nlohmann::json;
using namespace internal;
using store::exec_sql;
using store::in_transaction;
using store::or_empty;
using store::query_one;
using store::query_rows;
using Row = store::Statement;

namespace {
constexpr int64_t kFarFuture = INT64_MAX;

RoleAssignment read_assignment(const Row& s) {
  RoleAssignment a;
  a.id = s.column_text(0);
  a.scope = s.column_text(1);
  a.role = s.column_text(2);
  a.principal_id = s.column_text(3);
  a.principal_type = s.column_text(4);
  a.created_at = time_from_column(s.column_int64(5));
  return a;
}
constexpr std::string_view kAssignmentCols =
    "SELECT id, scope, role, principal_id, principal_type, created_at FROM role_assignments";

DeletedVault read_deleted_vault(const Row& s) {
  DeletedVault v;
  v.name = s.column_text(0);
  v.subscription_id = s.column_text(1);
  v.location = s.column_text(2);
  v.vault_id = s.column_text(3);
  v.deleted_at = time_from_column(s.column_int64(4));
  v.scheduled_purge_at = time_from_column(s.column_int64(5));
  v.tags = json_from_column(s.column_text(6), json::object());
  return v;
}
constexpr std::string_view kDeletedVaultCols =
    "SELECT name, subscription_id, location, vault_id, deleted_at, purge_at, tags "
    "FROM deleted_vaults";

std::string trim_slash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

// --- Role assignments ---

Status ArmStore::put_role_assignment(const RoleAssignment& a) {
  const std::string scope = trim_slash(a.scope);
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO role_assignments(id_key, id, scope, scope_key, role, "
                  "principal_id, principal_key, principal_type, created_at) VALUES (?1, ?2, ?3, "
                  "?4, ?5, ?6, ?7, ?8, ?9)",
                  to_lower(a.id), a.id, scope, to_lower(scope), a.role, a.principal_id,
                  to_lower(a.principal_id), a.principal_type, time_to_column(a.created_at));
}

Result<RoleAssignment> ArmStore::find_role_assignment(std::string_view id) const {
  return query_one<RoleAssignment>(db_, std::string(kAssignmentCols) + " WHERE id_key = ?1",
                                   read_assignment, "role assignment '" + std::string(id) + "'",
                                   to_lower(id));
}

std::vector<RoleAssignment> ArmStore::role_assignments(std::string_view principal_id,
                                                       std::string_view scope) const {
  const std::string s = to_lower(trim_slash(std::string(scope)));
  return or_empty(query_rows<RoleAssignment>(
      db_,
      std::string(kAssignmentCols) +
          " WHERE (?1 = '' OR principal_key = ?1) AND (?2 = '' OR scope_key = ?2 OR "
          "substr(scope_key, 1, length(?2) + 1) = ?2 || '/') ORDER BY created_at, id_key",
      read_assignment, to_lower(principal_id), s));
}

Status ArmStore::delete_role_assignment(std::string_view id) {
  return exec_sql(db_, "DELETE FROM role_assignments WHERE id_key = ?1", to_lower(id));
}

// --- Global names ---

Status ArmStore::claim_name(const NameClaim& c) {
  auto taken = find_name(c.kind, c.key);
  if (taken.ok() && to_lower(taken->owner) != to_lower(c.owner))
    return AlreadyExists(c.kind + " name '" + c.key + "' is taken by " + taken->owner);
  return exec_sql(
      db_, "INSERT OR REPLACE INTO names(kind, key, owner, owner_key) VALUES (?1, ?2, ?3, ?4)",
      c.kind, to_lower(c.key), c.owner, to_lower(c.owner));
}

Result<NameClaim> ArmStore::find_name(std::string_view kind, std::string_view key) const {
  return query_one<NameClaim>(
      db_, "SELECT kind, key, owner FROM names WHERE kind = ?1 AND key = ?2",
      [](const Row& s) {
        return NameClaim{s.column_text(0), s.column_text(1), s.column_text(2)};
      },
      std::string(kind) + " name '" + std::string(key) + "'", std::string(kind), to_lower(key));
}

Status ArmStore::release_name(std::string_view kind, std::string_view key) {
  return exec_sql(db_, "DELETE FROM names WHERE kind = ?1 AND key = ?2", std::string(kind),
                  to_lower(key));
}

Status ArmStore::release_names_of(std::string_view owner) {
  return exec_sql(db_, "DELETE FROM names WHERE owner_key = ?1", to_lower(owner));
}

// --- Soft-deleted vaults ---

Status ArmStore::put_deleted_vault(const DeletedVault& v) {
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO deleted_vaults(name_key, name, sub_key, subscription_id,"
                  " location, vault_id, deleted_at, purge_at, tags) VALUES (?1, ?2, ?3, ?4, ?5, "
                  "?6, ?7, ?8, ?9)",
                  to_lower(v.name), v.name, to_lower(v.subscription_id), v.subscription_id,
                  v.location, v.vault_id, time_to_column(v.deleted_at),
                  time_to_column(v.scheduled_purge_at), json_to_column(v.tags));
}

Result<DeletedVault> ArmStore::find_deleted_vault(std::string_view name) const {
  return query_one<DeletedVault>(db_, std::string(kDeletedVaultCols) + " WHERE name_key = ?1",
                                 read_deleted_vault, "deleted vault '" + std::string(name) + "'",
                                 to_lower(name));
}

std::vector<DeletedVault> ArmStore::deleted_vaults(std::string_view subscription_id) const {
  return or_empty(query_rows<DeletedVault>(
      db_, std::string(kDeletedVaultCols) + " WHERE sub_key = ?1 ORDER BY name_key",
      read_deleted_vault, to_lower(subscription_id)));
}

Status ArmStore::purge_deleted_vault(std::string_view name) {
  return in_transaction(db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(
        exec_sql(db_, "DELETE FROM deleted_vaults WHERE name_key = ?1", to_lower(name)));
    return exec_sql(db_,
                    "DELETE FROM names WHERE kind = 'vault' AND key = ?1 AND owner_key LIKE "
                    "'deleted:%'",
                    to_lower(name));
  });
}

Status ArmStore::soft_delete_vault(const Resource& vault, TimePoint now) {
  int64_t days = 90;
  const json& props = vault.body.contains("properties") ? vault.body["properties"] : json();
  if (props.is_object() && props.contains("softDeleteRetentionInDays") &&
      props["softDeleteRetentionInDays"].is_number_integer())
    days = props["softDeleteRetentionInDays"].get<int64_t>();
  DeletedVault v;
  v.name = vault.name;
  v.subscription_id = vault.subscription_id;
  v.location = vault.location;
  v.vault_id = vault.id;
  v.deleted_at = now;
  v.scheduled_purge_at = now + std::chrono::hours(24 * days);
  if (vault.body.contains("tags") && vault.body["tags"].is_object()) v.tags = vault.body["tags"];
  return in_transaction(db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(put_deleted_vault(v));
    EMU_RETURN_IF_ERROR(
        exec_sql(db_, "DELETE FROM resources WHERE id_key = ?1", to_lower(vault.id)));
    return exec_sql(db_,
                    "UPDATE names SET owner = ?2, owner_key = ?3 WHERE kind = 'vault' AND key = ?1",
                    to_lower(vault.name), "deleted:" + vault.id, "deleted:" + to_lower(vault.id));
  });
}

// --- Time ---

Status ArmStore::refresh_next_due() {
  auto due = query_one<int64_t>(
      db_,
      "SELECT MIN(t) FROM (SELECT MIN(settles_at) AS t FROM providers WHERE pending_state <> '' "
      "UNION ALL SELECT MIN(settles_at) FROM resources WHERE final_state <> '' OR "
      "delete_when_settled = 1 UNION ALL SELECT MIN(deleted_at) FROM resource_groups WHERE "
      "state = 'Deleting' UNION ALL SELECT MIN(created_at) FROM deployments WHERE state = "
      "'Accepted' UNION ALL SELECT MIN(settles_at) FROM deployments WHERE state IN ('Accepted', "
      "'Running'))",
      [](const Row& s) { return s.column_is_null(0) ? kFarFuture : s.column_int64(0); }, "due");
  if (!due.ok()) return due.status();
  next_due_ = time_from_column(*due);
  return Status::Ok();
}

Status ArmStore::settle(TimePoint now) {
  if (now < next_due_) return Status::Ok();
  const int64_t t = time_to_column(now);
  Status applied = in_transaction(db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(exec_sql(db_,
                                 "UPDATE providers SET state = pending_state, pending_state = '' "
                                 "WHERE pending_state <> '' AND settles_at <= ?1",
                                 t));
    // Resources whose delete finished: soft-delete vaults, free names, drop rows.
    for (const Resource& r : resources("", "", "")) {
      if (!r.delete_when_settled || time_to_column(r.settles_at) > t) continue;
      if (to_lower(r.type) == "microsoft.keyvault/vaults") {
        EMU_RETURN_IF_ERROR(soft_delete_vault(r, r.settles_at));
      } else {
        EMU_RETURN_IF_ERROR(delete_resource(r.id));
      }
    }
    EMU_RETURN_IF_ERROR(exec_sql(db_,
                                 "UPDATE resources SET state = final_state, final_state = '' "
                                 "WHERE final_state <> '' AND settles_at <= ?1",
                                 t));
    // Groups whose delete finished: their vaults are soft-deleted, the rest goes.
    for (const ResourceGroup& g : or_empty(query_rows<ResourceGroup>(
             db_,
             "SELECT subscription_id, name, deleted_at FROM resource_groups WHERE state = "
             "'Deleting' AND deleted_at <= ?1",
             [](const Row& s) {
               ResourceGroup g;
               g.subscription_id = s.column_text(0);
               g.name = s.column_text(1);
               g.deleted_at = time_from_column(s.column_int64(2));
               return g;
             },
             t))) {
      for (const Resource& r : resources(g.subscription_id, g.name, "microsoft.keyvault/vaults"))
        EMU_RETURN_IF_ERROR(soft_delete_vault(r, g.deleted_at));
      EMU_RETURN_IF_ERROR(delete_group(g.subscription_id, g.name));
    }
    EMU_RETURN_IF_ERROR(exec_sql(
        db_,
        "UPDATE deployments SET state = 'Running' WHERE state = 'Accepted' AND created_at < ?1",
        t));
    return exec_sql(db_,
                    "UPDATE deployments SET state = final_state WHERE state IN ('Accepted', "
                    "'Running') AND settles_at <= ?1",
                    t);
  });
  if (!applied.ok()) return applied;
  return refresh_next_due();
}

}  // namespace emu::arm
