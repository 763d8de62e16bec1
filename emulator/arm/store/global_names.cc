// ArmStore: global names (DNS labels, vault and storage account names) and who holds them.
#include "emulator/arm/store/internal.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/text.h"

namespace emu::arm {

using namespace internal;

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

}  // namespace emu::arm
