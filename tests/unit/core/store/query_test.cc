#include "emulator/core/store/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryReadonlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->exec("CREATE TABLE sys(name TEXT, n INTEGER, r REAL, b BLOB);"
                          "CREATE INDEX sys_n ON sys(n);"
                          "INSERT INTO sys VALUES('PC1', 1, 0.5, x'00ff'), (NULL, 2, NULL, NULL);")
                    .ok());
  }
  void expect_denied(std::string_view sql) {
    auto result = query_readonly(*db_, sql);
    ASSERT_FALSE(result.ok()) << sql;
    EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied) << sql;
    EXPECT_EQ(result.status().message(), "only read-only SQL is allowed") << sql;
  }
  std::unique_ptr<Database> db_;
};

TEST_F(QueryReadonlyTest, ReturnsColumnsAndTextRows) {
  auto result = query_readonly(*db_, "SELECT name, n, r, b FROM sys ORDER BY n;");
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_THAT(result->columns, ElementsAre("name", "n", "r", "b"));
  ASSERT_EQ(result->rows.size(), 2u);
  EXPECT_THAT(result->rows[0], ElementsAre("PC1", "1", "0.5", "X'00FF'"));
  EXPECT_THAT(result->rows[1], ElementsAre(std::nullopt, "2", std::nullopt, std::nullopt));
}

TEST_F(QueryReadonlyTest, AllowsReadingPragmas) {
  auto result = query_readonly(*db_, "PRAGMA table_info(sys)");
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->rows.size(), 4u);
  auto version = query_readonly(*db_, "PRAGMA user_version");
  ASSERT_TRUE(version.ok()) << version.status().to_string();
  EXPECT_THAT(version->rows[0], ElementsAre("0"));
}

TEST_F(QueryReadonlyTest, RejectsWrites) {
  expect_denied("INSERT INTO sys(n) VALUES(3)");
  expect_denied("UPDATE sys SET n = 0");
  expect_denied("DELETE FROM sys");
  expect_denied("DROP TABLE sys");
  expect_denied("CREATE TABLE x(y)");
  expect_denied("BEGIN");
  expect_denied("ATTACH ':memory:' AS other");
  expect_denied("PRAGMA foreign_keys = OFF");
  expect_denied("PRAGMA user_version = 3");
  expect_denied("VACUUM INTO '/tmp/cmgemu-should-not-exist.db'");
  expect_denied("ANALYZE");
  expect_denied("REINDEX");
  expect_denied("PRAGMA optimize");
  auto count = query_readonly(*db_, "SELECT count(*) FROM sys");
  ASSERT_TRUE(count.ok());
  EXPECT_THAT(count->rows[0], ElementsAre("2"));
  auto fk = query_readonly(*db_, "PRAGMA foreign_keys");
  ASSERT_TRUE(fk.ok());
  EXPECT_THAT(fk->rows[0], ElementsAre("1"));
}

TEST_F(QueryReadonlyTest, RejectsMultipleStatements) {
  for (std::string_view sql : {"SELECT 1; DELETE FROM sys", "SELECT 1; SELECT 2",
                               "SELECT 1; ATTACH ':memory:' AS other"}) {
    auto result = query_readonly(*db_, sql);
    ASSERT_FALSE(result.ok()) << sql;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << sql;
    EXPECT_EQ(result.status().message(), "only one SQL statement is allowed") << sql;
  }
  EXPECT_TRUE(query_readonly(*db_, "SELECT 1 ;  \n ;; /* done */").ok());
}

TEST_F(QueryReadonlyTest, BadSqlReportsSqliteMessage) {
  auto result = query_readonly(*db_, "SELECT nope FROM sys");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("no such column: nope"));
}

}  // namespace
}  // namespace emu::store
