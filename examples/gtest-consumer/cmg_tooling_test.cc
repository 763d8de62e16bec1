// CMG tooling tested against an in-process cmgemu lab: the CMG is built through the emulated
// Entra ID, ARM and site (cmg-lab.json), then the code under test reads the site database.
#include "cmg_tooling.h"

#include <cmgemu/gtest.h>
#include <filesystem>

namespace {

using cmgemu::testing::HasRequest;
using cmgemu::testing::ScenarioPassed;

class CmgToolingTest : public cmgemu::testing::LabTest<CmgToolingTest> {
 public:
  // One lab for the suite, its databases in a fresh folder so the tooling can open them.
  static std::unique_ptr<cmgemu::Lab> start_lab() {
    const auto state = std::filesystem::path(::testing::TempDir()) / "cmg-tooling-lab";
    std::filesystem::remove_all(state);
    cmgemu::LabOptions options;
    options.seed = 42;
    options.state_dir = state.string();
    auto lab = cmgemu::Lab::start_from_scenario(CMG_LAB_SCENARIO, options);
    // The scenario's steps: providers, Azure Services, Create CMG, connection point, MP traffic.
    cmgemu::ScenarioResult built = lab->run_scenario(CMG_LAB_SCENARIO, false, /*seed_lab=*/false);
    EXPECT_THAT(built, ScenarioPassed());
    return lab;
  }
};

TEST_F(CmgToolingTest, BuildsTheCcmsetupLineFromVProxyRoles) {
  const std::string path = cmg_tooling::mutual_auth_path(lab().state_dir() + "/CM_P01.db");
  EXPECT_EQ(path, "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939");

  cmgemu::ActionResult token =
      lab().run_action("site.bulk_token.new", R"({"lifetime_minutes": 60})");
  ASSERT_TRUE(token.passed) << token.message;
  const std::string jwt = token.output_json.substr(token.output_json.find("\"token\":\"") + 9);
  const std::string bulk = jwt.substr(0, jwt.find('"'));

  EXPECT_EQ(cmg_tooling::ccmsetup_command_line("P01", path, "cm01.contoso.com", bulk),
            "ccmsetup.exe /NoCRLCheck /source:C:\\ClientInstall SMSSITECODE=P01 "
            "CCMHOSTNAME=\"cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939\" "
            "SMSMP=\"cm01.contoso.com\" /regtoken:" +
                bulk + " CCMALWAYSINF=1");
}

TEST_F(CmgToolingTest, TheCmgWasDeployedThroughArm) {
  // The site's cloud service manager deployed the CMG's resources as ARM template deployments.
  EXPECT_THAT(lab().journal(), HasRequest("PUT",
                                          "/subscriptions/*/resourcegroups/cmg-rg/providers/"
                                          "Microsoft.Resources/deployments/*"));
}

TEST_F(CmgToolingTest, NoMutualAuthPathBeforeTheMpAllowsCmgTraffic) {
  const auto state = std::filesystem::path(::testing::TempDir()) / "cmg-empty-lab";
  std::filesystem::remove_all(state);
  cmgemu::LabOptions options;
  options.state_dir = state.string();
  auto lab = cmgemu::Lab::start(options);
  lab->seed(R"({"site": {"code": "P01", "server": "cm01.contoso.com"}})");
  EXPECT_THROW(cmg_tooling::mutual_auth_path(lab->state_dir() + "/CM_P01.db"), std::runtime_error);
}

}  // namespace
