// emu::store: a thin RAII layer over SQLite for the emulated parties' own databases.
// Database owns a connection and a prepared-statement cache; Statement and Transaction are
// scoped helpers; migrate() applies versioned schema changes tracked in PRAGMA user_version;
// StateDir maps a party's name to its database file; query_readonly() backs `cmgemu site sql`.
#pragma once

#include "emulator/core/status.h"

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace emu::store {

// SQLite failures map to codes as follows: syntax/schema errors (SQLITE_ERROR) and bad bind
// indexes -> InvalidArgument; UNIQUE/PRIMARY KEY violations -> AlreadyExists; other constraint
// violations (FOREIGN KEY, CHECK, NOT NULL) -> FailedPrecondition; BUSY/LOCKED/CANTOPEN ->
// Unavailable; READONLY/AUTH -> PermissionDenied; FULL/NOMEM -> ResourceExhausted; anything
// else -> Internal. Messages carry sqlite3_errmsg() and, where known, the SQL text.

// A prepared statement. Move-only; finalizes on destruction. Not thread-safe: use it from one
// thread at a time, and only while its Database is alive.
class Statement {
 public:
  Statement() = default;
  // Takes ownership of `stmt` (may be null: an empty Statement whose calls fail).
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Positional binds; `index` is 1-based as in SQLite. Text and blobs are copied, so the
  // argument need not outlive the call. InvalidArgument on a bad index.
  Status bind(int index, int64_t value);
  Status bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  template <std::integral T>
  Status bind(int index, T value) {
    return bind(index, static_cast<int64_t>(value));
  }
  Status bind(int index, double value);
  Status bind(int index, std::string_view text);
  Status bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Status bind(int index, std::nullptr_t);
  // Binds NULL when `value` is empty.
  template <typename T>
  Status bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  Status bind_blob(int index, std::string_view bytes);

  // Named binds (":name", "@name" or "$name", spelled as in the SQL). InvalidArgument if the
  // statement has no such parameter.
  template <typename T>
  Status bind(const char* name, T&& value) {
    EMU_ASSIGN_OR_RETURN(int index, parameter_index(name));
    return bind(index, std::forward<T>(value));
  }
  Status bind_blob(const char* name, std::string_view bytes);
  Result<int> parameter_index(const char* name) const;

  // Advances: true = a row is available through the column getters, false = done.
  // Errors carry sqlite3_errmsg() and the SQL.
  Result<bool> step();
  // Steps until done (rows, if any, are discarded).
  Status run();
  // Rewinds so the statement can run again; bindings are kept.
  void reset();
  void clear_bindings();

  // Column getters for the current row; `i` is 0-based. NULL reads as 0 / 0.0 / "".
  int64_t column_int64(int i) const;
  double column_double(int i) const;
  std::string column_text(int i) const;
  std::optional<std::string> column_optional_text(int i) const;  // nullopt for NULL
  std::string column_blob(int i) const;
  bool column_is_null(int i) const;
  int column_count() const;
  std::string column_name(int i) const;

  // The statement's SQL as prepared ("" for an empty Statement).
  std::string sql() const;
  sqlite3_stmt* raw() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// One SQLite connection. Move-only; closes on destruction (statements it handed out by
// prepare() must be destroyed first). Not thread-safe: the owning service serialises access.
class Database {
 public:
  // Opens `path` (":memory:" or a file, created if missing). Every connection gets
  // foreign_keys=ON and a 5000 ms busy timeout; file databases also get journal_mode=WAL and
  // synchronous=NORMAL, and are made private first (prepare_private_database). InvalidArgument
  // for an empty path; Unavailable if it cannot be opened.
  static Result<std::unique_ptr<Database>> open(const std::string& path);

  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more ';'-separated statements, discarding any rows.
  Status exec(std::string_view sql);
  // Prepares exactly one statement. InvalidArgument for empty SQL, for SQL followed by another
  // statement ("only one SQL statement is allowed"), and for SQLite's own parse errors.
  Result<Statement> prepare(std::string_view sql);
  // A statement owned by this Database, prepared once per distinct `sql` and reused. It comes
  // back reset and with bindings cleared; the pointer stays valid until the Database dies.
  // Callers should step it to completion (or reset it) before they return.
  Result<Statement*> cached(std::string_view sql);
  size_t cached_count() const { return cache_.size(); }

  int64_t last_insert_rowid() const;
  // Rows changed by the most recent INSERT/UPDATE/DELETE.
  int changes() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() const { return db_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void close();

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, StringHash, std::equal_to<>> cache_;
};

// Scoped write transaction: the constructor runs BEGIN IMMEDIATE, the destructor runs
// ROLLBACK unless commit() succeeded. Not movable; nest with SAVEPOINT-free code only.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // The result of BEGIN (e.g. InvalidArgument "cannot start a transaction within a
  // transaction"). When not OK, commit() returns it and the destructor does nothing.
  Status begin_status() const { return begin_status_; }
  // COMMIT. On failure the transaction stays open and is rolled back by the destructor.
  Status commit();
  // ROLLBACK now (idempotent; OK if nothing is open).
  Status rollback();

 private:
  Database& db_;
  Status begin_status_;
  bool open_ = false;
};

// A schema change. `version` >= 1; a list passed to migrate() must be strictly ascending.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Applies, each in its own transaction and in order, every migration whose version is above
// PRAGMA user_version, setting user_version to that version. Never re-applies one.
// InvalidArgument for versions < 1 or not strictly ascending (nothing applied). A failing
// migration is rolled back (user_version unchanged) and its error is returned prefixed
// "migration <version> (<name>)". FailedPrecondition if the database's user_version is above
// the newest migration given (a database written by a newer build).
Status migrate(Database& db, std::span<const Migration> migrations);

// Databases hold secrets (signing keys, client secrets, refresh tokens), so their files are
// readable by the owner only. Creates `path` empty with mode 0600 if it is missing, and sets
// 0600 on an existing file and on its SQLite companions (-wal, -shm, -journal) that exist.
// SQLite creates the companions later with the database file's mode, so they stay 0600.
// Unavailable if the file cannot be created or its mode cannot be set.
Status prepare_private_database(const std::string& path);

// Creates `dir` (and missing parents) and sets mode 0700 on it (parents keep the default).
// Unavailable on failure.
Status ensure_private_dir(const std::string& dir);

// Where emulated parties keep their databases. Thread-safe (immutable after construction;
// open() only touches the file system and SQLite).
class StateDir {
 public:
  // `dir` = "" keeps every database in memory.
  explicit StateDir(std::string dir) : dir_(std::move(dir)) {}

  // Opens "<dir>/<name>.db" (creating `dir` if needed), or a fresh ":memory:" database.
  // `name` must be non-empty and use only [A-Za-z0-9_.-] (not starting with '.'):
  // InvalidArgument otherwise. Unavailable if the folder cannot be created.
  // The folder is 0700 and the database files 0600 (prepare()).
  Result<std::unique_ptr<Database>> open(std::string_view name) const;
  // For callers that open the file themselves (ATTACH): validates `name` as open() does,
  // makes the folder private (ensure_private_dir) and the file private
  // (prepare_private_database), and returns path_for(name). ":memory:" when not persistent.
  Result<std::string> prepare(std::string_view name) const;
  bool persistent() const { return !dir_.empty(); }
  // "<dir>/<name>.db", or ":memory:" when not persistent.
  std::string path_for(std::string_view name) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// The result of query_readonly(): column names and every row, values rendered as text
// (integers and reals as SQLite prints them, blobs as X'hex'), NULL as nullopt.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Runs one read-only statement. PermissionDenied "only read-only SQL is allowed" for anything
// sqlite3_stmt_readonly() rejects and for ATTACH/DETACH/transaction control; InvalidArgument
// "only one SQL statement is allowed" when more than whitespace, ';' or comments follows the
// first statement; InvalidArgument with SQLite's message for bad SQL.
Result<QueryResult> query_readonly(Database& db, std::string_view sql);

}  // namespace emu::store
