#include "emulator/core/store/database.h"

#include "emulator/core/store/sqlite_status.h"

#include <sqlite3.h>

#include <cctype>
#include <utility>

namespace emu::store {
namespace internal {
namespace {

constexpr size_t kMaxSqlInMessage = 300;

StatusCode code_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return StatusCode::kInvalidArgument;
    case SQLITE_CONSTRAINT:
      return (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                 ? StatusCode::kAlreadyExists
                 : StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
      return StatusCode::kUnavailable;
    case SQLITE_READONLY:
    case SQLITE_AUTH:
    case SQLITE_PERM:
      return StatusCode::kPermissionDenied;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return StatusCode::kResourceExhausted;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Status sqlite_status(int rc, std::string_view message, std::string_view sql) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Status::Ok();
  std::string text(message.empty() ? std::string_view(sqlite3_errstr(rc)) : message);
  if (!sql.empty()) {
    text += " [SQL: ";
    if (sql.size() > kMaxSqlInMessage) {
      text.append(sql.substr(0, kMaxSqlInMessage)).append("...");
    } else {
      text.append(sql);
    }
    text += "]";
  }
  return Status(code_for(rc), std::move(text));
}

Status sqlite_status(int rc, sqlite3* db, std::string_view sql) {
  return sqlite_status(rc, db ? std::string_view(sqlite3_errmsg(db)) : std::string_view(), sql);
}

}  // namespace internal

using internal::sqlite_status;

namespace {

Status empty_statement() { return FailedPrecondition("statement is not prepared"); }

bool only_separators(std::string_view s) {
  for (char c : s) {
    if (c != ';' && !std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

// ---- Statement ----

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

#define EMU_STMT_BIND(call)                                                     \
  do {                                                                          \
    if (!stmt_) return empty_statement();                                       \
    return sqlite_status((call), sqlite3_db_handle(stmt_), sqlite3_sql(stmt_)); \
  } while (0)

Status Statement::bind(int index, int64_t value) {
  EMU_STMT_BIND(sqlite3_bind_int64(stmt_, index, value));
}

Status Statement::bind(int index, double value) {
  EMU_STMT_BIND(sqlite3_bind_double(stmt_, index, value));
}

Status Statement::bind(int index, std::string_view text) {
  EMU_STMT_BIND(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Status Statement::bind(int index, std::nullptr_t) {
  EMU_STMT_BIND(sqlite3_bind_null(stmt_, index));
}

Status Statement::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob, not NULL: give SQLite a non-null pointer.
  const char* data = bytes.data() ? bytes.data() : "";
  EMU_STMT_BIND(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT));
}

#undef EMU_STMT_BIND

Status Statement::bind_blob(const char* name, std::string_view bytes) {
  EMU_ASSIGN_OR_RETURN(int index, parameter_index(name));
  return bind_blob(index, bytes);
}

Result<int> Statement::parameter_index(const char* name) const {
  if (!stmt_) return empty_statement();
  int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) {
    return InvalidArgument(std::string("no SQL parameter named '") + name + "' [SQL: " + sql() +
                           "]");
  }
  return index;
}

Result<bool> Statement::step() {
  if (!stmt_) return empty_statement();
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_status(rc, sqlite3_db_handle(stmt_), sqlite3_sql(stmt_));
}

Status Statement::run() {
  while (true) {
    EMU_ASSIGN_OR_RETURN(bool row, step());
    if (!row) return Status::Ok();
  }
}

void Statement::reset() { sqlite3_reset(stmt_); }

void Statement::clear_bindings() { sqlite3_clear_bindings(stmt_); }

int64_t Statement::column_int64(int i) const { return sqlite3_column_int64(stmt_, i); }

double Statement::column_double(int i) const { return sqlite3_column_double(stmt_, i); }

std::string Statement::column_text(int i) const {
  const unsigned char* text = sqlite3_column_text(stmt_, i);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

std::optional<std::string> Statement::column_optional_text(int i) const {
  if (column_is_null(i)) return std::nullopt;
  return column_text(i);
}

std::string Statement::column_blob(int i) const {
  const void* data = sqlite3_column_blob(stmt_, i);
  if (!data) return {};
  return std::string(static_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

bool Statement::column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

std::string Statement::column_name(int i) const {
  const char* name = sqlite3_column_name(stmt_, i);
  return name ? name : "";
}

std::string Statement::sql() const {
  const char* text = stmt_ ? sqlite3_sql(stmt_) : nullptr;
  return text ? text : "";
}

// ---- Database ----

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  if (path.empty()) return InvalidArgument("empty database path");
  // Before SQLite creates anything, so the file and its companions are never world-readable.
  // When this fails SQLite's own open usually fails too, and its error is the one reported.
  const Status private_file = path == ":memory:" || path.rfind("file:", 0) == 0
                                  ? Status::Ok()
                                  : prepare_private_database(path);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    Status status = sqlite_status(rc, raw, {}).with_context("cannot open database '" + path + "'");
    sqlite3_close_v2(raw);
    return status;
  }
  if (!private_file.ok()) {
    sqlite3_close_v2(raw);
    return private_file;
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  EMU_RETURN_IF_ERROR(db->exec("PRAGMA foreign_keys=ON"));
  if (path != ":memory:") {
    EMU_RETURN_IF_ERROR(db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"));
  }
  return db;
}

Database::~Database() { close(); }

void Database::close() {
  cache_.clear();  // finalizes cached statements before the connection goes
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Status Database::exec(std::string_view sql) {
  if (!db_) return FailedPrecondition("database is closed");
  std::string text(sql);  // sqlite3_exec needs a NUL-terminated string
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  Status status = sqlite_status(rc, error ? std::string_view(error) : std::string_view(), sql);
  sqlite3_free(error);
  return status;
}

Result<Statement> Database::prepare(std::string_view sql) {
  if (!db_) return FailedPrecondition("database is closed");
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &raw, &tail);
  if (rc != SQLITE_OK) return sqlite_status(rc, db_, sql);
  Statement stmt(raw);
  if (!raw) return InvalidArgument("empty SQL statement");
  std::string_view rest = sql.substr(static_cast<size_t>(tail - sql.data()));
  if (!only_separators(rest)) {
    // The rest may still be only comments: it counts as a statement only if SQLite finds one.
    sqlite3_stmt* next = nullptr;
    rc = sqlite3_prepare_v3(db_, rest.data(), static_cast<int>(rest.size()), 0, &next, nullptr);
    sqlite3_finalize(next);
    if (rc != SQLITE_OK || next) return InvalidArgument(std::string(internal::kOneStatementOnly));
  }
  return stmt;
}

Result<Statement*> Database::cached(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) {
    it->second->reset();
    it->second->clear_bindings();
    return it->second.get();
  }
  EMU_ASSIGN_OR_RETURN(Statement stmt, prepare(sql));
  auto owned = std::make_unique<Statement>(std::move(stmt));
  Statement* ptr = owned.get();
  cache_.emplace(std::string(sql), std::move(owned));
  return ptr;
}

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

// ---- Transaction ----

Transaction::Transaction(Database& db) : db_(db) {
  begin_status_ = db_.exec("BEGIN IMMEDIATE");
  open_ = begin_status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)rollback();
}

Status Transaction::commit() {
  if (!begin_status_.ok()) return begin_status_;
  if (!open_) return FailedPrecondition("transaction is already finished");
  EMU_RETURN_IF_ERROR(db_.exec("COMMIT"));
  open_ = false;
  return Status::Ok();
}

Status Transaction::rollback() {
  if (!open_) return Status::Ok();
  open_ = false;
  // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL).
  if (sqlite3_get_autocommit(db_.raw())) return Status::Ok();
  return db_.exec("ROLLBACK");
}

}  // namespace emu::store
