#include "emulator/core/store/database.h"
#include "tests/testlib/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::store {
namespace {

using ::testing::HasSubstr;

int64_t user_version(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  EXPECT_TRUE(stmt.ok());
  EXPECT_TRUE(stmt->step().ok());
  return stmt->column_int64(0);
}

std::vector<std::string> log_rows(Database& db) {
  std::vector<std::string> out;
  auto stmt = db.prepare("SELECT what FROM log ORDER BY rowid");
  EXPECT_TRUE(stmt.ok()) << stmt.status().to_string();
  while (true) {
    auto row = stmt->step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    out.push_back(stmt->column_text(0));
  }
  return out;
}

constexpr Migration kMigrations[] = {
    {1, "create log", "CREATE TABLE log(what TEXT NOT NULL); INSERT INTO log VALUES('one');"},
    {2, "second", "INSERT INTO log VALUES('two');"},
    {5, "fifth", "INSERT INTO log VALUES('five');"},
};

TEST(MigrateTest, AppliesInOrderAndSetsUserVersion) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(**db, kMigrations).ok());
  EXPECT_EQ(user_version(**db), 5);
  EXPECT_EQ(log_rows(**db), (std::vector<std::string>{"one", "two", "five"}));
  // Running again applies nothing.
  ASSERT_TRUE(migrate(**db, kMigrations).ok());
  EXPECT_EQ(log_rows(**db).size(), 3u);
}

TEST(MigrateTest, IdempotentAcrossReopenAndAppliesOnlyNewOnes) {
  test::TempDir dir;
  const std::string path = dir.file("m.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(**db, std::span(kMigrations).first(2)).ok());
    EXPECT_EQ(user_version(**db), 2);
  }
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(**db, kMigrations).ok());
    EXPECT_EQ(user_version(**db), 5);
  }
  auto db = Database::open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(**db, kMigrations).ok());
  EXPECT_EQ(log_rows(**db), (std::vector<std::string>{"one", "two", "five"}));
}

TEST(MigrateTest, FailingMigrationRollsBackAndNamesIt) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  const Migration migrations[] = {
      {1, "create log", "CREATE TABLE log(what TEXT NOT NULL);"},
      {2, "half done", "INSERT INTO log VALUES('partial'); INSERT INTO nowhere VALUES(1);"},
      {3, "never reached", "INSERT INTO log VALUES('three');"},
  };
  Status status = migrate(**db, migrations);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("migration 2 (half done): no such table: nowhere"));
  EXPECT_EQ(user_version(**db), 1);
  EXPECT_TRUE(log_rows(**db).empty());  // the partial insert was rolled back
}

TEST(MigrateTest, RejectsNonAscendingOrDuplicateVersions) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  const Migration descending[] = {{2, "b", "CREATE TABLE b(x);"}, {1, "a", "CREATE TABLE a(x);"}};
  Status status = migrate(**db, descending);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "migration versions must be strictly ascending: 1 (a) follows 2");
  EXPECT_EQ(user_version(**db), 0);  // nothing applied, not even version 2

  const Migration duplicate[] = {{1, "a", "CREATE TABLE a(x);"}, {1, "a2", "CREATE TABLE c(x);"}};
  status = migrate(**db, duplicate);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "migration versions must be strictly ascending: 1 (a2) follows 1");

  const Migration zero[] = {{0, "zero", "SELECT 1;"}};
  status = migrate(**db, zero);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "migration 0 (zero): versions start at 1");
}

TEST(MigrateTest, RefusesDatabaseFromNewerBuild) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("PRAGMA user_version = 9").ok());
  Status status = migrate(**db, kMigrations);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "database ':memory:' has schema version 9, newer than this build's 5");
}

}  // namespace
}  // namespace emu::store
