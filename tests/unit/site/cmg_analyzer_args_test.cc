// Load-time checks of the connection analyzer's args (site.cmg.connection_analyzer) and its
// check list. The checks themselves run against a lab: tests/e2e/scenario_run_test.cc
// (scenarios/examples/cmg-analyzer-failures.json and the seed scenario's step 18).
#include "emulator/site/cmg_analyzer/analyzer.h"

#include <gtest/gtest.h>

#include <set>

namespace emu::site {
namespace {

using nlohmann::json;

TEST(CmgAnalyzerArgsTest, AcceptsBothModesAndReferences) {
  EXPECT_TRUE(validate_connection_analyzer_args({{"cmg", "cmg.contoso.com"},
                                                 {"auth", "azure_ad_user"},
                                                 {"signed_in_as", "admin@contoso.com"},
                                                 {"expect", {{"checks", 6}, {"all", "pass"}}}})
                  .ok());
  EXPECT_TRUE(
      validate_connection_analyzer_args(
          {{"cmg", "cmg.contoso.com"}, {"auth", "client_certificate"}, {"certificate", "c"}})
          .ok());
  EXPECT_TRUE(validate_connection_analyzer_args(
                  {{"cmg", "${steps.create-cmg.service_name}"}, {"auth", "${vars.auth}"}})
                  .ok());
}

TEST(CmgAnalyzerArgsTest, RefusesBadArgsNamingThem) {
  auto message = [](const json& args) { return validate_connection_analyzer_args(args).message(); };
  EXPECT_EQ(message({{"cmg", "c"}, {"auth", "password"}}),
            "auth: must be \"azure_ad_user\" or \"client_certificate\"");
  EXPECT_EQ(message({{"cmg", "c"}, {"auth", "azure_ad_user"}}),
            "signed_in_as: required with auth \"azure_ad_user\"");
  EXPECT_EQ(message({{"cmg", 5}, {"auth", "client_certificate"}}),
            "cmg: must be the CMG's service name");
  EXPECT_EQ(message({{"cmg", "c"}, {"auth", "client_certificate"}, {"check_names", {"a"}}}),
            "check_names: must be an array of 6 names");
  EXPECT_EQ(message({{"cmg", "c"}, {"auth", "client_certificate"}, {"expect", {{"all", "ok"}}}}),
            "expect.all: must be \"pass\" or \"fail\"");
  EXPECT_EQ(message({{"cmg", "c"}, {"auth", "client_certificate"}, {"expect", {{"some", 1}}}}),
            "expect.some: unknown key (checks, all)");
}

TEST(CmgAnalyzerArgsTest, SixChecksWithDistinctIdsAndNames) {
  const auto& checks = default_analyzer_checks();
  ASSERT_EQ(checks.size(), 6u);
  std::set<std::string> ids;
  for (const auto& c : checks) {
    ids.insert(c.id);
    EXPECT_FALSE(c.name_azure_ad.empty()) << c.id;
    EXPECT_FALSE(c.name_certificate.empty()) << c.id;
  }
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(checks[4].name_azure_ad, "CMG channel for management point");
}

}  // namespace
}  // namespace emu::site
