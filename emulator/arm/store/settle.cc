// ArmStore: applying the time-driven changes due by the virtual clock (settle()).
#include "emulator/arm/store/internal.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/text.h"

#include <cstdint>

namespace emu::arm {

using namespace internal;

namespace {
constexpr int64_t kFarFuture = INT64_MAX;
}  // namespace

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
