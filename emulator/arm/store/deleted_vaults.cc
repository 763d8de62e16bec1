// ArmStore: soft-deleted key vaults (recover, purge, scheduled purge).
#include "emulator/arm/store/internal.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/text.h"

namespace emu::arm {

using namespace internal;

namespace {
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
}  // namespace

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

}  // namespace emu::arm
