#include "emulator/core/store/database.h"

#include "tests/testlib/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::store {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<Database> open_memory() {
  auto db = Database::open(":memory:");
  EXPECT_TRUE(db.ok()) << db.status().to_string();
  return std::move(db).value();
}

int64_t scalar(Database& db, std::string_view sql) {
  auto stmt = db.prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().to_string();
  auto row = stmt->step();
  EXPECT_TRUE(row.ok() && *row) << row.status().to_string();
  return stmt->column_int64(0);
}

std::string text_scalar(Database& db, std::string_view sql) {
  auto stmt = db.prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().to_string();
  auto row = stmt->step();
  EXPECT_TRUE(row.ok() && *row) << row.status().to_string();
  return stmt->column_text(0);
}

TEST(DatabaseTest, RoundTripsEveryColumnType) {
  auto db = open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n TEXT);"
                       "CREATE TABLE u(x);")
                  .ok());
  auto insert = db->prepare("INSERT INTO t VALUES(?, ?, ?, ?, ?)");
  ASSERT_TRUE(insert.ok()) << insert.status().to_string();
  const std::string blob("\x00\x01\xff", 3);
  ASSERT_TRUE(insert->bind(1, int64_t{1} << 40).ok());
  ASSERT_TRUE(insert->bind(2, 2.5).ok());
  ASSERT_TRUE(insert->bind(3, std::string_view("h\xc3\xa9llo")).ok());
  ASSERT_TRUE(insert->bind_blob(4, blob).ok());
  ASSERT_TRUE(insert->bind(5, nullptr).ok());
  ASSERT_TRUE(insert->run().ok());
  EXPECT_EQ(db->changes(), 1);
  EXPECT_EQ(db->last_insert_rowid(), 1);

  auto select = db->prepare("SELECT i, r, s, b, n FROM t");
  ASSERT_TRUE(select.ok());
  auto row = select->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(select->column_count(), 5);
  EXPECT_EQ(select->column_name(2), "s");
  EXPECT_EQ(select->column_int64(0), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select->column_double(1), 2.5);
  EXPECT_EQ(select->column_text(2), "h\xc3\xa9llo");
  EXPECT_EQ(select->column_blob(3), blob);
  EXPECT_TRUE(select->column_is_null(4));
  EXPECT_FALSE(select->column_is_null(0));
  EXPECT_EQ(select->column_optional_text(4), std::nullopt);
  auto done = select->step();
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(*done);
}

TEST(DatabaseTest, NamedAndOptionalBinds) {
  auto db = open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(a INTEGER, b TEXT)").ok());
  auto insert = db->prepare("INSERT INTO t VALUES(:a, :b)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->bind(":a", 7).ok());
  ASSERT_TRUE(insert->bind(":b", std::optional<std::string>()).ok());
  ASSERT_TRUE(insert->run().ok());
  EXPECT_EQ(scalar(*db, "SELECT a FROM t WHERE b IS NULL"), 7);

  insert->reset();
  Status missing = insert->bind(":nope", 1);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr("no SQL parameter named ':nope'"));
  Status range = insert->bind(3, 1);
  EXPECT_EQ(range.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(range.message(), HasSubstr("column index out of range"));
}

TEST(DatabaseTest, BadSqlCarriesSqliteMessageAndSql) {
  auto db = open_memory();
  auto syntax = db->prepare("SELEC 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(syntax.status().message(), HasSubstr("near \"SELEC\": syntax error"));
  EXPECT_THAT(syntax.status().message(), HasSubstr("[SQL: SELEC 1]"));

  Status no_table = db->exec("INSERT INTO missing VALUES(1)");
  EXPECT_EQ(no_table.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_table.message(), HasSubstr("no such table: missing"));

  auto empty = db->prepare("  ;  ");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "empty SQL statement");

  auto two = db->prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().message(), "only one SQL statement is allowed");
  EXPECT_TRUE(db->prepare("SELECT 1; -- trailing comment\n ;").ok());
}

TEST(DatabaseTest, ConstraintViolationsMapToCodes) {
  auto db = open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
                       "CREATE TABLE c(pid INTEGER REFERENCES p(id));"
                       "INSERT INTO p VALUES(1, 'a');")
                  .ok());
  auto dup = db->prepare("INSERT INTO p VALUES(2, 'a')");
  ASSERT_TRUE(dup.ok());
  auto step = dup->step();
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(step.status().message(), HasSubstr("UNIQUE constraint failed: p.name"));
  EXPECT_THAT(step.status().message(), HasSubstr("[SQL: INSERT INTO p VALUES(2, 'a')]"));

  // foreign_keys=ON is set on every connection.
  Status fk = db->exec("INSERT INTO c VALUES(99)");
  EXPECT_EQ(fk.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(fk.message(), HasSubstr("FOREIGN KEY constraint failed"));
}

TEST(DatabaseTest, CachedStatementIsReusedResetAndCleared) {
  auto db = open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES(1),(2),(3);").ok());
  constexpr std::string_view kSql = "SELECT count(*) FROM t WHERE v >= ?";
  auto first = db->cached(kSql);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->bind(1, 2).ok());
  auto row = (*first)->step();  // left mid-result on purpose
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*first)->column_int64(0), 2);

  auto second = db->cached(std::string(kSql));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(db->cached_count(), 1u);
  // Reset and bindings cleared: NULL compares false, so the count restarts at 0.
  row = (*second)->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*second)->column_int64(0), 0);

  auto other = db->cached("SELECT 1");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *first);
  EXPECT_EQ(db->cached_count(), 2u);

  auto bad = db->cached("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("no such column: nope"));
  EXPECT_EQ(db->cached_count(), 2u);
}

TEST(DatabaseTest, TransactionRollsBackInDestructor) {
  auto db = open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(v INTEGER)").ok());
  {
    Transaction tx(*db);
    ASSERT_TRUE(tx.begin_status().ok());
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES(1)").ok());
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM t"), 1);
  }
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM t"), 0);
  {
    Transaction tx(*db);
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES(2)").ok());
    ASSERT_TRUE(tx.commit().ok());
    EXPECT_EQ(tx.commit().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM t"), 1);
}

TEST(DatabaseTest, NestedTransactionReportsBeginError) {
  auto db = open_memory();
  Transaction outer(*db);
  ASSERT_TRUE(outer.begin_status().ok());
  {
    Transaction inner(*db);
    EXPECT_EQ(inner.begin_status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(inner.begin_status().message(),
                HasSubstr("cannot start a transaction within a transaction"));
    EXPECT_EQ(inner.commit().code(), StatusCode::kInvalidArgument);
  }
  // The inner one's destructor must not have ended the outer transaction.
  EXPECT_TRUE(outer.commit().ok());
}

TEST(DatabaseTest, CommitPersistsAcrossReopenOfFile) {
  test::TempDir dir;
  const std::string path = dir.file("commit.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    EXPECT_EQ((*db)->path(), path);
    ASSERT_TRUE((*db)->exec("CREATE TABLE t(v TEXT)").ok());
    Transaction tx(**db);
    ASSERT_TRUE((*db)->exec("INSERT INTO t VALUES('kept')").ok());
    ASSERT_TRUE(tx.commit().ok());
  }
  auto db = Database::open(path);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(text_scalar(**db, "SELECT v FROM t"), "kept");
}

TEST(DatabaseTest, FileDatabaseUsesWalAndPragmas) {
  test::TempDir dir;
  auto db = Database::open(dir.file("wal.db"));
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(text_scalar(**db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar(**db, "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(scalar(**db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(scalar(**db, "PRAGMA busy_timeout"), 5000);

  auto mem = open_memory();
  EXPECT_EQ(text_scalar(*mem, "PRAGMA journal_mode"), "memory");
  EXPECT_EQ(scalar(*mem, "PRAGMA foreign_keys"), 1);
}

TEST(DatabaseTest, OpenFailures) {
  auto empty = Database::open("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "empty database path");

  test::TempDir dir;
  auto missing = Database::open(dir.file("no/such/folder/x.db"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot open database"));
  EXPECT_THAT(missing.status().message(), HasSubstr("unable to open database file"));
}

TEST(DatabaseTest, MovedDatabaseKeepsWorking) {
  auto db = open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(v)").ok());
  ASSERT_TRUE(db->cached("SELECT count(*) FROM t").ok());
  Database moved(std::move(*db));
  EXPECT_EQ(db->raw(), nullptr);
  EXPECT_EQ(db->exec("SELECT 1").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(moved.cached_count(), 1u);
  EXPECT_EQ(scalar(moved, "SELECT count(*) FROM t"), 0);
}

TEST(StateDirTest, InMemoryWhenDirIsEmpty) {
  StateDir state("");
  EXPECT_FALSE(state.persistent());
  EXPECT_EQ(state.path_for("CM_P01"), ":memory:");
  auto db = state.open("CM_P01");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->path(), ":memory:");
}

TEST(StateDirTest, PersistsAcrossReopenAndCreatesFolder) {
  test::TempDir dir;
  StateDir state(dir.file("state/nested"));
  EXPECT_TRUE(state.persistent());
  EXPECT_EQ(state.path_for("CM_P01"), dir.file("state/nested/CM_P01.db"));
  {
    auto db = state.open("CM_P01");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    ASSERT_TRUE((*db)->exec("CREATE TABLE site(code TEXT); INSERT INTO site VALUES('P01')").ok());
  }
  auto db = state.open("CM_P01");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(text_scalar(**db, "SELECT code FROM site"), "P01");
  EXPECT_EQ(test::read_file(dir.file("state/nested/CM_P01.db")).substr(0, 15), "SQLite format 3");
}

TEST(StateDirTest, RejectsBadNames) {
  StateDir state("");
  for (std::string_view name : {"", "../x", "a/b", ".hidden", "sp ace"}) {
    auto db = state.open(name);
    ASSERT_FALSE(db.ok()) << name;
    EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(db.status().message(), HasSubstr("invalid database name")) << name;
  }
}

}  // namespace
}  // namespace emu::store
