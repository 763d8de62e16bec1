// Internal to emu::store: converts SQLite result codes into emu::Status (see the mapping in
// database.h). Not part of the public API.
#pragma once

#include "emulator/core/status.h"

#include <string_view>

struct sqlite3;

namespace emu::store::internal {

inline constexpr std::string_view kOneStatementOnly = "only one SQL statement is allowed";
inline constexpr std::string_view kReadOnlyOnly = "only read-only SQL is allowed";

// Status for SQLite result `rc` (extended codes understood). `message` is usually
// sqlite3_errmsg(); `sql`, when not empty, is appended as " [SQL: ...]" (long SQL is
// shortened). OK for SQLITE_OK / SQLITE_ROW / SQLITE_DONE.
Status sqlite_status(int rc, std::string_view message, std::string_view sql);
// Same, reading the message from the connection.
Status sqlite_status(int rc, sqlite3* db, std::string_view sql);

}  // namespace emu::store::internal
