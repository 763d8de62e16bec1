// The public C++ API (cmgemu/lab.h, cmgemu/gtest.h) in the build tree, as a user's suite uses
// it: a lab per suite, seeding, tokens, the virtual clock, faults, the journal, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmgemu/gtest.h>
#include <filesystem>
#include <unistd.h>

namespace {

using cmgemu::testing::AnsweredWith;
using cmgemu::testing::HasRequest;
using cmgemu::testing::RequestTo;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kLabJson = R"({
  "tenant": {
    "id": "8d3b5e6a-0d5c-4a53-9d0c-3b3c7a3f1e01",
    "domain": "contoso.onmicrosoft.com",
    "applications": [{
      "display_name": "Lab Tool",
      "app_id": "11111111-2222-3333-4444-555555555555",
      "secrets": [{ "value": "tool-secret" }]
    }]
  }
})";

class LabApiTest : public cmgemu::testing::LabTest<LabApiTest> {
 public:
  static std::unique_ptr<cmgemu::Lab> start_lab() {
    cmgemu::LabOptions options;
    options.seed = 3;
    options.start_time = "2026-03-01T00:00:00Z";
    auto lab = cmgemu::Lab::start(options);
    lab->seed(kLabJson);
    return lab;
  }
};

TEST_F(LabApiTest, EndpointsAndCa) {
  cmgemu::Endpoint aad = lab().endpoint("aad");
  EXPECT_EQ(aad.scheme, "https");
  EXPECT_EQ(aad.host, "login.microsoftonline.com");
  EXPECT_EQ(aad.url(), "https://" + aad.address + ":" + std::to_string(aad.port));
  EXPECT_NE(aad.port, 0);
  EXPECT_TRUE(std::filesystem::exists(lab().ca_path()));
  EXPECT_THAT(lab().admin_url(), HasSubstr("/_cmgemu"));
  EXPECT_EQ(lab().state_dir(), "");
  EXPECT_THROW(lab().endpoint("nope"), cmgemu::Error);
}

TEST_F(LabApiTest, AppTokenFromTheLabsEntraId) {
  std::string token =
      lab().app_token("contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555",
                      "tool-secret", "https://management.azure.com/.default");
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  EXPECT_THAT(lab().journal(), HasRequest("POST", "/contoso.onmicrosoft.com/oauth2/v2.0/token"));

  try {
    lab().app_token("contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555", "wrong",
                    "https://management.azure.com/.default");
    FAIL() << "a wrong secret gave a token";
  } catch (const cmgemu::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("AADSTS7000215"));
  }
}

TEST_F(LabApiTest, VirtualClock) {
  const std::string before = lab().now();
  lab().advance(std::chrono::hours(2));
  EXPECT_GT(lab().now(), before);
  EXPECT_THROW(lab().advance(std::chrono::seconds(-1)), cmgemu::Error);
}

TEST_F(LabApiTest, FaultsAnswerRequests) {
  lab().clear_journal();
  std::string id = lab().add_fault(R"({"effect": "status", "listener": "admin",
                                       "path": "/_cmgemu/endpoints", "status": 503})");
  EXPECT_FALSE(id.empty());
  cmgemu::ActionResult r = lab().run_action(
      "http", R"({"endpoint": "admin", "method": "GET", "path": "/_cmgemu/endpoints"})");
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_THAT(nlohmann::json::parse(r.output_json)["status"], 503);
  EXPECT_THAT(lab().journal(),
              Contains(testing::AllOf(RequestTo("GET", "/_cmgemu/endpoints"), AnsweredWith(503))));
  lab().clear_faults();
  lab().clear_journal();
  r = lab().run_action("http",
                       R"({"endpoint": "admin", "method": "GET", "path": "/_cmgemu/endpoints"})");
  EXPECT_THAT(lab().journal(), Not(Contains(AnsweredWith(503))));
}

TEST_F(LabApiTest, ErrorsNameTheProblem) {
  try {
    lab().run_action("aad.tokn.acquire", "{}");
    FAIL();
  } catch (const cmgemu::Error& e) {
    EXPECT_STREQ(e.what(), "unknown action 'aad.tokn.acquire'; did you mean 'aad.token.acquire'?");
  }
  EXPECT_THROW(lab().run_action("aad.token.acquire", "{not json"), cmgemu::Error);
  try {
    lab().seed(R"({"tenant": {"domain": "fabrikam.onmicrosoft.com", "users": [{"upm": "x"}]}})");
    FAIL();
  } catch (const cmgemu::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("lab.tenant.users[0].upm: unknown key; did you mean 'upn'?"));
  }
}

// Issue 11 finding 10: LabOptions::admin_token guards the admin API; the lab's own scenario
// steps carry it, a request without it is refused.
TEST(LabApiAdminToken, Finding10_ScenarioStepsCarryTheAdminToken) {
  cmgemu::LabOptions options;
  options.admin_token = "lab-api-admin-token-42";
  auto lab = cmgemu::Lab::start(options);
  EXPECT_EQ(lab->admin_token(), "lab-api-admin-token-42");
  cmgemu::ActionResult r = lab->run_action(
      "http", R"({"endpoint": "admin", "method": "GET", "path": "/_cmgemu/health"})");
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_EQ(nlohmann::json::parse(r.output_json)["status"], 200);
  r = lab->run_action("http", R"({"endpoint": "admin", "method": "GET", "path": "/_cmgemu/health",
                                  "headers": {"Authorization": "Bearer not-the-token"}})");
  EXPECT_EQ(nlohmann::json::parse(r.output_json)["status"], 401);
  EXPECT_THAT(lab->journal(),
              Contains(testing::AllOf(RequestTo("GET", "/_cmgemu/health"), AnsweredWith(401))));
}

// A fresh lab per test, kept in a state folder that outlives it.
class LabPerTestApi : public cmgemu::testing::LabPerTest<LabPerTestApi> {
 public:
  static std::unique_ptr<cmgemu::Lab> start_lab() {
    static int n = 0;
    const auto dir = std::filesystem::path(::testing::TempDir()) /
                     ("cmgemu-lab-api-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::remove_all(dir);
    cmgemu::LabOptions options;
    options.seed = 5;
    options.state_dir = dir.string();
    return cmgemu::Lab::start(options);
  }
};

TEST_F(LabPerTestApi, ResetEmptiesThePartiesAndStateStays) {
  lab().seed(kLabJson);
  EXPECT_FALSE(lab()
                   .app_token("contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555",
                              "tool-secret", "https://graph.microsoft.com/.default")
                   .empty());
  EXPECT_TRUE(std::filesystem::exists(lab().state_dir() + "/aad.db"));
  lab().reset();
  EXPECT_TRUE(lab().journal().empty());
  EXPECT_THROW(lab().app_token("contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555",
                               "tool-secret", "https://graph.microsoft.com/.default"),
               cmgemu::Error);
}

TEST_F(LabPerTestApi, RunsAScenarioFileOnTheLab) {
  cmgemu::ScenarioResult r = lab().run_scenario(std::string(CMGEMU_SOURCE_DIR) +
                                                "/scenarios/examples/http-clock-faults.json");
  EXPECT_THAT(r, cmgemu::testing::ScenarioPassed());
  EXPECT_GT(r.count("passed"), 0u);
  EXPECT_THAT(r.transcript, HasSubstr("\"steps\""));
}

// The same start_from_scenario on the same state folder twice: the second resumes the saved lab
// (issue 11 finding 5, as `cmgemu serve --state DIR --lab FILE` does) instead of seeding again.
TEST(LabApiRestart, Finding5_StartFromScenarioTwiceOnAStateFolderResumes) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("cmgemu-lab-api-restart-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string scenario =
      std::string(CMGEMU_SOURCE_DIR) + "/scenarios/examples/aad-tokens.json";
  cmgemu::LabOptions options;
  options.state_dir = dir.string();
  std::string before;
  {
    auto lab = cmgemu::Lab::start_from_scenario(scenario, options);
    lab->advance(std::chrono::hours(2));
    before = lab->now();
  }
  auto again = cmgemu::Lab::start_from_scenario(scenario, options);
  EXPECT_EQ(again->now(), before);
  std::filesystem::remove_all(dir);
}

}  // namespace
