#include "emulator/core/store/database.h"
#include "emulator/core/store/sqlite_status.h"

#include <sqlite3.h>

#include <cstring>

namespace emu::store {
namespace {

using internal::kOneStatementOnly;
using internal::kReadOnlyOnly;

// PRAGMAs that take an argument yet only read (schema introspection).
bool is_introspection_pragma(const char* name) {
  static constexpr const char* kAllowed[] = {"table_info",       "table_xinfo", "index_list",
                                             "index_info",       "index_xinfo", "foreign_key_list",
                                             "foreign_key_check"};
  for (const char* allowed : kAllowed) {
    if (sqlite3_stricmp(name, allowed) == 0) return true;
  }
  return false;
}

// PRAGMAs that act even without an argument.
bool is_acting_pragma(const char* name) {
  static constexpr const char* kActing[] = {"optimize", "incremental_vacuum", "wal_checkpoint",
                                            "shrink_memory"};
  for (const char* acting : kActing) {
    if (sqlite3_stricmp(name, acting) == 0) return true;
  }
  return false;
}

// Authorizer installed while query_readonly() prepares: sqlite3_stmt_readonly() lets
// ATTACH/DETACH, transaction control, REINDEX/ANALYZE and PRAGMAs that set or act through, so deny
// them here.
int deny_side_effects(void* denied, int action, const char* arg1, const char* arg2, const char*,
                      const char*) {
  bool deny = false;
  switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
    case SQLITE_REINDEX:
    case SQLITE_ANALYZE:
      deny = true;
      break;
    case SQLITE_PRAGMA:
      deny = arg2 != nullptr ? !is_introspection_pragma(arg1) : is_acting_pragma(arg1);
      break;
    default:
      break;
  }
  if (deny) *static_cast<bool*>(denied) = true;
  return deny ? SQLITE_DENY : SQLITE_OK;
}

std::string render_blob(const Statement& stmt, int i) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string bytes = stmt.column_blob(i);
  std::string out = "X'";
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  out.push_back('\'');
  return out;
}

std::optional<std::string> render(const Statement& stmt, int i) {
  switch (sqlite3_column_type(stmt.raw(), i)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_BLOB:
      return render_blob(stmt, i);
    default:
      return stmt.column_text(i);
  }
}

Result<Statement> prepare_guarded(Database& db, std::string_view sql) {
  bool denied = false;
  sqlite3_set_authorizer(db.raw(), deny_side_effects, &denied);
  Result<Statement> stmt = db.prepare(sql);
  sqlite3_set_authorizer(db.raw(), nullptr, nullptr);
  // A denied action in a second statement still reports the multi-statement error.
  if (denied && (stmt.ok() || stmt.status().message() != kOneStatementOnly)) {
    return PermissionDenied(std::string(kReadOnlyOnly));
  }
  return stmt;
}

}  // namespace

Result<QueryResult> query_readonly(Database& db, std::string_view sql) {
  EMU_ASSIGN_OR_RETURN(Statement stmt, prepare_guarded(db, sql));
  if (!sqlite3_stmt_readonly(stmt.raw())) return PermissionDenied(std::string(kReadOnlyOnly));
  QueryResult result;
  const int n = stmt.column_count();
  for (int i = 0; i < n; ++i) result.columns.push_back(stmt.column_name(i));
  while (true) {
    EMU_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    auto& out = result.rows.emplace_back();
    out.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(render(stmt, i));
  }
  return result;
}

}  // namespace emu::store
