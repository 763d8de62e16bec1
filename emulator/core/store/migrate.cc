#include "emulator/core/store/database.h"

#include <string>

namespace emu::store {
namespace {

Result<int64_t> user_version(Database& db) {
  EMU_ASSIGN_OR_RETURN(Statement stmt, db.prepare("PRAGMA user_version"));
  EMU_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return Internal("PRAGMA user_version returned no row");
  return stmt.column_int64(0);
}

Status check_order(std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version < 1) {
      return InvalidArgument("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                             "): versions start at 1");
    }
    if (m.version <= previous) {
      return InvalidArgument(
          "migration versions must be strictly ascending: " + std::to_string(m.version) + " (" +
          std::string(m.name) + ") follows " + std::to_string(previous));
    }
    previous = m.version;
  }
  return Status::Ok();
}

Status apply(Database& db, const Migration& m) {
  Transaction tx(db);
  EMU_RETURN_IF_ERROR(tx.begin_status());
  EMU_RETURN_IF_ERROR(db.exec(m.sql));
  EMU_RETURN_IF_ERROR(db.exec("PRAGMA user_version = " + std::to_string(m.version)));
  return tx.commit();
}

}  // namespace

Status migrate(Database& db, std::span<const Migration> migrations) {
  EMU_RETURN_IF_ERROR(check_order(migrations));
  EMU_ASSIGN_OR_RETURN(int64_t current, user_version(db));
  if (!migrations.empty() && current > migrations.back().version) {
    return FailedPrecondition("database '" + db.path() + "' has schema version " +
                              std::to_string(current) + ", newer than this build's " +
                              std::to_string(migrations.back().version));
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    Status status = apply(db, m);
    if (!status.ok()) {
      return status.with_context("migration " + std::to_string(m.version) + " (" +
                                 std::string(m.name) + ")");
    }
  }
  return Status::Ok();
}

}  // namespace emu::store
