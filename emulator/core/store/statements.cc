#include "emulator/core/store/statements.h"

#include <sqlite3.h>

namespace emu::store {

Status in_transaction(Database& db, const std::function<Status()>& body) {
  if (sqlite3_get_autocommit(db.raw()) == 0) return body();  // already inside one
  Transaction tx(db);
  EMU_RETURN_IF_ERROR(tx.begin_status());
  EMU_RETURN_IF_ERROR(body());
  return tx.commit();
}

}  // namespace emu::store
