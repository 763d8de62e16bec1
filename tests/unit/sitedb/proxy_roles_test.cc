// vProxy_Roles, the seed's verbatim T-SQL (through SiteDb::query and the stock sqlite3 shell)
// and the read-only guard of SiteDb::query.
#include "emulator/sitedb/site_db.h"
#include "tests/testlib/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace emu::sitedb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kSeedQuery =
    "SELECT [MutualAuthPath] FROM [dbo].[vProxy_Roles] Where [RoleTypeID] = '6'";
constexpr const char* kSqliteShell = "/usr/bin/sqlite3";

SiteRole role(const std::string& server, int type, bool cmg_traffic) {
  SiteRole r;
  r.server = server;
  r.role_type = type;
  r.allow_cmg_traffic = cmg_traffic;
  return r;
}

CloudService service(const std::string& name, const std::string& type = "CloudProxyService") {
  CloudService c;
  c.name = name;
  c.service_type = type;
  return c;
}

// The seed's lab: site server and SMS provider first, then the MP (2^56+3), a SUP, a DP.
void seed(SiteDb& db) {
  ASSERT_TRUE(db.add_role(role("cm01.contoso.com", kSiteServer, false)).ok());
  ASSERT_TRUE(db.add_role(role("cm01.contoso.com", kSmsProvider, true)).ok());
  ASSERT_TRUE(db.add_role(role("cm01.contoso.com", kManagementPoint, true)).ok());
  ASSERT_TRUE(db.add_role(role("sup.contoso.com", kSoftwareUpdatePoint, true)).ok());
  ASSERT_TRUE(db.add_role(role("dp.contoso.com", kDistributionPoint, true)).ok());
}

std::vector<std::string> column(const store::QueryResult& result, size_t i = 0) {
  std::vector<std::string> values;
  for (const auto& row : result.rows) values.push_back(row.at(i).value_or("NULL"));
  return values;
}

class ProxyRolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SiteDb::open(store::StateDir(""), "P01");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
  }
  std::vector<std::string> proxy_rows() {
    auto result = db_->query(
        "SELECT ProxyServiceName, RoleID, RoleTypeID, SiteCode, ServerName, MutualAuthPath, "
        "ServerAuthPath FROM vProxy_Roles ORDER BY ProxyServiceName, RoleID");
    EXPECT_TRUE(result.ok()) << result.status().to_string();
    std::vector<std::string> rows;
    for (const auto& row : result->rows) {
      std::string line;
      for (const auto& value : row) line += (line.empty() ? "" : "|") + value.value_or("NULL");
      rows.push_back(line);
    }
    return rows;
  }
  std::unique_ptr<SiteDb> db_;
};

TEST_F(ProxyRolesTest, OneRowPerCmgAndMpOrSupWithCmgTraffic) {
  seed(*db_);
  EXPECT_TRUE(proxy_rows().empty());  // no CMG yet
  ASSERT_TRUE(db_->add_cloud_service(service("cdp.contoso.com", "CloudDistributionPoint")).ok());
  EXPECT_TRUE(proxy_rows().empty());
  ASSERT_TRUE(db_->add_cloud_service(service("cmg.contoso.com")).ok());
  EXPECT_THAT(proxy_rows(), ElementsAre("cmg.contoso.com|72057594037927939|6|P01|cm01.contoso.com|"
                                        "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939|"
                                        "cmg.contoso.com/CCM_Proxy_ServerAuth/72057594037927939",
                                        "cmg.contoso.com|72057594037927940|11|P01|sup.contoso.com|"
                                        "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927940|"
                                        "cmg.contoso.com/CCM_Proxy_ServerAuth/72057594037927940"));
  ASSERT_TRUE(db_->add_cloud_service(service("cmg2.contoso.com")).ok());
  EXPECT_EQ(proxy_rows().size(), 4u);
}

TEST_F(ProxyRolesTest, RowsFollowCmgTrafficAndTheCloudService) {
  seed(*db_);
  auto cmg = db_->add_cloud_service(service("cmg.contoso.com"));
  ASSERT_TRUE(cmg.ok());
  auto mp = db_->find_role("cm01.contoso.com", kManagementPoint);
  ASSERT_TRUE(mp.ok());
  mp->allow_cmg_traffic = false;
  ASSERT_TRUE(db_->update_role(*mp).ok());
  EXPECT_THAT(proxy_rows(), ElementsAre(HasSubstr("|11|P01|sup.contoso.com|")));
  mp->allow_cmg_traffic = true;
  ASSERT_TRUE(db_->update_role(*mp).ok());
  EXPECT_EQ(proxy_rows().size(), 2u);
  ASSERT_TRUE(db_->remove_cloud_service(cmg->id).ok());
  EXPECT_TRUE(proxy_rows().empty());
}

TEST_F(ProxyRolesTest, SeedQueryRunsVerbatim) {
  seed(*db_);
  ASSERT_TRUE(db_->add_cloud_service(service("cmg.contoso.com")).ok());
  auto result = db_->query(kSeedQuery);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_THAT(result->columns, ElementsAre("MutualAuthPath"));
  EXPECT_THAT(column(*result),
              ElementsAre("cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939"));
  // The documented spelling without brackets, and an integer literal, give the same row.
  auto plain = db_->query("SELECT MutualAuthPath FROM dbo.vProxy_Roles WHERE RoleTypeID = 6;");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(column(*plain), column(*result));
}

TEST_F(ProxyRolesTest, QueryRefusesWritesAndMultipleStatements) {
  seed(*db_);
  for (const char* sql :
       {"INSERT INTO dbo.SC_SysResUse(ID) VALUES (1)", "UPDATE [dbo].[SC_SysResUse] SET HTTPS = 1",
        "DELETE FROM SC_SysResUse", "ATTACH DATABASE ':memory:' AS x", "DETACH DATABASE dbo",
        "DROP VIEW dbo.vProxy_Roles", "BEGIN"}) {
    auto result = db_->query(sql);
    ASSERT_FALSE(result.ok()) << sql;
    EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied) << sql;
    EXPECT_EQ(result.status().message(), "only read-only SQL is allowed") << sql;
  }
  auto two = db_->query("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(two.status().message(), "only one SQL statement is allowed");
  auto bad = db_->query("SELECT * FROM [dbo].[NoSuchView]");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("no such table"));
  EXPECT_EQ(db_->roles().size(), 5u);
}

// Runs `argv` and returns its exit code and standard output.
std::pair<int, std::string> run(std::vector<std::string> argv) {
  int fds[2];
  if (pipe(fds) != 0) return {-1, ""};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::string out;
  char buffer[4096];
  ssize_t n = 0;
  while (rc == 0 && (n = read(fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, n);
  close(fds[0]);
  if (rc != 0) return {-1, ""};
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(ProxyRolesShellTest, StockSqliteShellRunsTheSeedQueryOnAPersistentDb) {
  if (!std::filesystem::exists(kSqliteShell)) GTEST_SKIP() << kSqliteShell << " is not installed";
  test::TempDir dir;
  store::StateDir state(dir.path());
  {
    auto db = SiteDb::open(state, "P01");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    seed(**db);
    ASSERT_TRUE((*db)->add_cloud_service(service("cmg.contoso.com")).ok());
  }
  const std::string expected = "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939\n";
  auto [code, out] =
      run({kSqliteShell,
           ":memory:", "ATTACH '" + state.path_for("CM_P01") + "' AS dbo; " + kSeedQuery});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out, expected);

  // Reopened by the emulator, the same query still answers (and the shell left it intact).
  auto db = SiteDb::open(state, "P01");
  ASSERT_TRUE(db.ok()) << db.status().to_string();
  auto result = (*db)->query(kSeedQuery);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_THAT(column(*result), ElementsAre(expected.substr(0, expected.size() - 1)));
  // The shell also reads it while the emulator holds it open.
  EXPECT_EQ(run({kSqliteShell,
                 ":memory:", "ATTACH '" + state.path_for("CM_P01") + "' AS dbo; " + kSeedQuery})
                .second,
            expected);
}

}  // namespace
}  // namespace emu::sitedb
