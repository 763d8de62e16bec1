// Statement helpers over a Database's cached statements: bind arguments in order, run, map rows,
// fetch one row or NotFound, and run a body in a transaction. Shared by every service's store.
// Not thread-safe (like Database).
#pragma once

#include "emulator/core/status.h"
#include "emulator/core/store/database.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::store {

// Resets a cached statement when the scope ends, so no read stays open between calls.
class StatementScope {
 public:
  explicit StatementScope(Statement* stmt) : stmt_(stmt) {}
  ~StatementScope() { stmt_->reset(); }
  StatementScope(const StatementScope&) = delete;
  StatementScope& operator=(const StatementScope&) = delete;

 private:
  Statement* stmt_;
};

// A value to bind as a BLOB rather than TEXT.
struct Blob {
  std::string_view bytes;
};

template <typename T>
Status bind_arg(Statement& stmt, int index, const T& value) {
  return stmt.bind(index, value);
}
inline Status bind_arg(Statement& stmt, int index, const Blob& blob) {
  return stmt.bind_blob(index, blob.bytes);
}

// Returns the cached statement for `sql` with `args` bound to ?1, ?2, ... in order.
template <typename... Args>
Result<Statement*> bind_all(Database& db, std::string_view sql, const Args&... args) {
  EMU_ASSIGN_OR_RETURN(Statement * stmt, db.cached(sql));
  int index = 0;
  Status status;
  ((status = status.ok() ? bind_arg(*stmt, ++index, args) : status), ...);
  if (!status.ok()) return status;
  return stmt;
}

// Runs a statement that returns no rows.
template <typename... Args>
Status exec_sql(Database& db, std::string_view sql, const Args&... args) {
  EMU_ASSIGN_OR_RETURN(Statement * stmt, bind_all(db, sql, args...));
  StatementScope scope(stmt);
  return stmt->run();
}

// Runs a query and maps every row with `map`.
template <typename T, typename... Args>
Result<std::vector<T>> query_rows(Database& db, std::string_view sql,
                                  const std::function<T(const Statement&)>& map,
                                  const Args&... args) {
  EMU_ASSIGN_OR_RETURN(Statement * stmt, bind_all(db, sql, args...));
  StatementScope scope(stmt);
  std::vector<T> rows;
  while (true) {
    EMU_ASSIGN_OR_RETURN(bool has_row, stmt->step());
    if (!has_row) break;
    rows.push_back(map(*stmt));
  }
  return rows;
}

// The first row of a query, or NotFound(`what`).
template <typename T, typename... Args>
Result<T> query_one(Database& db, std::string_view sql,
                    const std::function<T(const Statement&)>& map, const std::string& what,
                    const Args&... args) {
  EMU_ASSIGN_OR_RETURN(std::vector<T> rows, query_rows<T>(db, sql, map, args...));
  if (rows.empty()) return NotFound(what);
  return std::move(rows.front());
}

// Values of a query that cannot fail in normal operation; errors yield an empty list.
template <typename T>
std::vector<T> or_empty(Result<std::vector<T>> rows) {
  return rows.ok() ? std::move(rows).value() : std::vector<T>{};
}

// Runs `body` inside a transaction unless one is already open on `db` (then it just runs it).
Status in_transaction(Database& db, const std::function<Status()>& body);

}  // namespace emu::store
