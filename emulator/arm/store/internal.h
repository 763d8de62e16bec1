// Private helpers of ArmStore (store*.cc): the schema and time/JSON columns.
#pragma once

#include "emulator/arm/store/store.h"
#include "emulator/core/store/statements.h"

#include <span>

namespace emu::arm::internal {

// The statement helpers every store file uses (`using namespace internal;` brings them in).
using nlohmann::json;
using store::exec_sql;
using store::in_transaction;
using store::or_empty;
using store::query_one;
using store::query_rows;
using Row = store::Statement;

std::span<const store::Migration> arm_migrations();

inline int64_t time_to_column(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint time_from_column(int64_t v) { return TimePoint(Duration(v)); }
// JSON text column; unparseable text reads as `fallback`.
nlohmann::json json_from_column(const std::string& text, nlohmann::json fallback);
inline std::string json_to_column(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace emu::arm::internal
