// End-to-end runs of real scenario files through the harness library: a Lab on loopback, real
// HTTPS requests, and byte-identical transcripts for the same seed.
#include "harness/lib/generic_actions.h"
#include "harness/lib/runner.h"
#include "harness/lib/scenario.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

namespace emu::harness {
namespace {

using nlohmann::json;

std::string source_path(const std::string& relative) {
  return std::string(CMGEMU_SOURCE_DIR) + "/" + relative;
}

Scenario load(const std::string& relative) {
  auto s = load_scenario_file(source_path(relative), scenario_action_registry());
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Scenario{};
}

// A step that should have passed; on failure the message names it, with its first detail.
void expect_passed(const StepReport& step) {
  EXPECT_EQ(step.status, StepStatus::kPassed)
      << step.id << ": " << step.message << (step.details.empty() ? "" : "\n  " + step.details[0]);
}

void expect_all_passed(const RunReport& report) {
  for (const auto& step : report.steps) expect_passed(step);
}

RunReport run(const Scenario& scenario, std::optional<uint64_t> seed = std::nullopt,
              bool allow_pending = false) {
  RunOptions options;
  options.pki_dir = test::shared_pki().dir;
  options.seed = seed;
  options.allow_pending = allow_pending;
  auto report = run_scenario(scenario, options);
  EXPECT_TRUE(report.ok()) << report.status().message();
  return report.ok() ? *report : RunReport{};
}

TEST(ScenarioRun, SeedScenarioIsDeterministicAndPassesEveryStep) {
  Scenario scenario = load("scenarios/lab-site-token.json");
  ASSERT_EQ(scenario.steps.size(), 25u);
  RunReport first = run(scenario);
  RunReport second = run(scenario);
  ASSERT_EQ(first.steps.size(), 25u);
  EXPECT_EQ(transcript(first), transcript(second));

  EXPECT_EQ(first.seed, 42u);
  EXPECT_EQ(first.steps[0].id, "health");
  EXPECT_EQ(first.steps[0].status, StepStatus::kPassed) << first.steps[0].message;
  EXPECT_EQ(first.steps[0].output["json"]["status"], "ok");
  ASSERT_EQ(first.steps[0].journal.size(), 1u);
  const json& entry = first.steps[0].journal[0];
  EXPECT_EQ(entry["listener"], "admin");
  EXPECT_EQ(entry["method"], "GET");
  EXPECT_EQ(entry["target"], "/_cmgemu/health");
  EXPECT_EQ(entry["status"], 200);
  EXPECT_EQ(entry["time"], "2026-01-01T00:00:00Z");
  // Step 2 registers the providers through ARM for real: a signed-in admin, 60 virtual seconds.
  EXPECT_EQ(first.steps[1].id, "providers");
  EXPECT_EQ(first.steps[1].status, StepStatus::kPassed) << first.steps[1].message;
  EXPECT_EQ(first.steps[1].output["providers"]["Microsoft.Compute"], "Registered");
  EXPECT_EQ(first.steps[1].duration_ms, 60000);
  // Every step runs: the connection analyzer (step 18: six checks through CMG -> connection
  // point -> MP), the bulk token, the vProxy_Roles query, and the client installing through
  // the CMG, registering and downloading its policy.
  for (const auto& step : first.steps) expect_passed(step);
  const StepReport& analyzer = first.steps[17];
  EXPECT_EQ(analyzer.id, "analyzer");
  ASSERT_EQ(analyzer.output["checks"].size(), 6u) << analyzer.output.dump();
  for (const auto& check : analyzer.output["checks"])
    EXPECT_EQ(check["result"], "pass") << check.dump();
  EXPECT_EQ(analyzer.output["passed"], 6);
  // The CMG takes virtual minutes to provision (a scale set), no wall time to speak of.
  const StepReport& cmg = first.steps[5];
  EXPECT_EQ(cmg.id, "create-cmg");
  EXPECT_GE(cmg.duration_ms, 5 * 60 * 1000);
  EXPECT_EQ(cmg.output["status"], "Ready");
  const StepReport& sql = first.steps[19];
  EXPECT_EQ(sql.id, "mutual-auth-path");
  EXPECT_EQ(sql.output["rows"][0]["MutualAuthPath"],
            "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939");
  const StepReport& install = first.steps[21];
  EXPECT_EQ(install.id, "client-install");
  EXPECT_EQ(install.output["exit_code"], 0);
  EXPECT_EQ(install.output["approval_status"], 1);
  EXPECT_EQ(install.output["registered"], true);
  EXPECT_GE(install.output["policies"].get<int>(), 1);
  EXPECT_EQ(first.count(StepStatus::kPending), 0u);
  EXPECT_TRUE(first.passed());

  const std::string text = transcript(first);
  EXPECT_EQ(text.find("127.0.0.1"), std::string::npos);
  EXPECT_NE(text.find(": \"cmgemu-harness/1\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"host\": \"localhost\""), std::string::npos);
}

TEST(ScenarioRun, GenericExampleThrottlesAndAdvances) {
  Scenario scenario = load("scenarios/examples/http-clock-faults.json");
  RunReport first = run(scenario);
  expect_all_passed(first);
  EXPECT_TRUE(first.passed());
  EXPECT_EQ(first.end, "2026-01-02T00:00:00Z");

  // The throttled request and the reset are in the journal of their steps.
  EXPECT_EQ(first.steps[1].journal[0]["status"], 429);
  EXPECT_EQ(first.steps[1].journal[0]["fault_id"], "throttle-clock");
  EXPECT_EQ(first.steps[8].output["status"], 0);
  // Virtual time per step: the advance step took 12 minutes, the POST 90 s.
  EXPECT_EQ(first.steps[4].duration_ms, 12 * 60 * 1000);
  EXPECT_EQ(first.steps[6].duration_ms, 90 * 1000);
  EXPECT_EQ(first.steps[5].start, "2026-01-01T00:12:00Z");
}

TEST(ScenarioRun, ArmCmgDeploymentTakesVirtualMinutes) {
  Scenario scenario = load("scenarios/examples/arm-cmg-deployment.json");
  RunReport first = run(scenario);
  expect_all_passed(first);
  ASSERT_GE(first.steps.size(), 3u);
  // The scale set's 12 virtual minutes (plus the resources before it) pass in virtual time.
  EXPECT_EQ(first.steps[2].output["virtual_seconds"], 740);
}

// The site's failure catalogue: every refusal with its real symptom, every fix.
TEST(ScenarioRun, SiteFailureCatalogRetriesAfterTwentyMinutes) {
  Scenario scenario = load("scenarios/examples/site-cmg-failures.json");
  RunReport first = run(scenario);
  expect_all_passed(first);
  EXPECT_TRUE(first.passed());
  // The Deployment Maintenance retry waits 20 virtual minutes after the failure.
  for (const auto& step : first.steps) {
    if (step.id == "maintenance") {
      EXPECT_GE(step.duration_ms, 20 * 60 * 1000) << step.message;
    }
  }
}

// Every connection analyzer failure (Entra sign-in, CCM_STS broken, CP disconnected, MP not
// allowed, untrusted certificate, CMG stopped), each followed by its fix.
TEST(ScenarioRun, CmgAnalyzerFailuresPass) {
  Scenario scenario = load("scenarios/examples/cmg-analyzer-failures.json");
  RunReport report = run(scenario);
  expect_all_passed(report);
  EXPECT_TRUE(report.passed());
  for (const auto& step : report.steps) {
    if (step.id != "analyzer-sts") continue;
    EXPECT_EQ(step.output["checks"][3]["description"],
              "Failed to get ConfigMgr token with Azure AD token. Status code is '500' and status "
              "description is 'CMGConnector_InternalServerError'.");
  }
}

// Every file in scenarios/examples/ passes and repeats byte for byte: a new example is covered
// without a new test (the tests above add assertions specific to some of them).
std::vector<std::string> example_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(source_path("scenarios/examples")))
    if (e.path().extension() == ".json") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class ExampleScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleScenario, PassesAndRepeatsByteForByte) {
  Scenario scenario = load("scenarios/examples/" + GetParam());
  ASSERT_FALSE(scenario.steps.empty());
  RunReport first = run(scenario);
  expect_all_passed(first);
  EXPECT_TRUE(first.passed());
  EXPECT_EQ(first.count(StepStatus::kPending), 0u);
  EXPECT_EQ(transcript(first), transcript(run(scenario)));
}

// "cmg-refusals.json" -> "cmg_refusals".
std::string example_test_name(const ::testing::TestParamInfo<std::string>& param) {
  std::string name;
  for (char c : param.param.substr(0, param.param.size() - 5))
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleScenario, ::testing::ValuesIn(example_files()),
                         example_test_name);

TEST(ScenarioRun, ExamplesAreFound) {
  const auto files = example_files();
  EXPECT_GE(files.size(), 9u);
  EXPECT_NE(std::find(files.begin(), files.end(), "mp-management-point.json"), files.end());
}

TEST(ScenarioRun, ADifferentSeedChangesRequestIds) {
  Scenario scenario = load("scenarios/examples/http-clock-faults.json");
  RunReport seven = run(scenario);
  RunReport eight = run(scenario, 8);
  EXPECT_EQ(eight.seed, 8u);
  ASSERT_FALSE(seven.steps.empty());
  ASSERT_FALSE(eight.steps.empty());
  EXPECT_NE(transcript(seven), transcript(eight));
  EXPECT_NE(seven.steps[0].journal[0]["request_id"], eight.steps[0].journal[0]["request_id"]);
}

TEST(ScenarioRun, FailureSkipsTheRestUnlessContinueOnFailure) {
  auto scenario = load_scenario_text(R"({
    "format": "cmgemu/scenario@1", "name": "failing",
    "steps": [
      {"id": "soft", "action": "http", "args": {"endpoint": "admin", "path": "/_cmgemu/nope"},
       "expect": {"status": 200}, "continue_on_failure": true},
      {"id": "hard", "action": "http", "args": {"endpoint": "nowhere"}},
      {"id": "after", "action": "clock.advance", "args": {"by": "1m"}}
    ]})",
                                     "failing.json", scenario_action_registry());
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  RunReport report = run(*scenario);
  ASSERT_EQ(report.steps.size(), 3u);
  EXPECT_EQ(report.steps[0].status, StepStatus::kFailed);
  EXPECT_EQ(report.steps[0].message, "GET /_cmgemu/nope -> 404; 1 expectation(s) not met");
  EXPECT_EQ(report.steps[0].details, std::vector<std::string>{"expected /status = 200, got 404"});
  EXPECT_EQ(report.steps[1].status, StepStatus::kFailed);
  EXPECT_EQ(report.steps[1].message.rfind("GET / -> no endpoint 'nowhere'", 0), 0u)
      << report.steps[1].message;
  EXPECT_EQ(report.steps[2].status, StepStatus::kSkipped);
  EXPECT_EQ(report.steps[2].message, "not run: step 2 (\"hard\") failed");
  EXPECT_FALSE(report.passed());
}

TEST(ScenarioRun, InterpolatesEarlierOutputsAndCallsOnStep) {
  auto scenario = load_scenario_text(R"({
    "format": "cmgemu/scenario@1", "name": "interp", "lab": {"when": "2026-05-05T05:05:05Z"},
    "steps": [
      {"id": "set", "action": "clock.set", "args": {"to": "${lab.when}"}},
      {"id": "health", "action": "http",
       "args": {"endpoint": "admin", "path": "/_cmgemu/health?at=${steps.set.now}"},
       "expect": {"json": {"/time": "${steps.set.now}"}}}
    ]})",
                                     "interp.json", scenario_action_registry());
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  std::vector<std::string> seen;
  RunOptions options;
  options.pki_dir = test::shared_pki().dir;
  options.on_step = [&](const StepReport& step, const RunReport& so_far) {
    seen.push_back(step.id + "/" + std::to_string(so_far.steps.size()));
  };
  auto report = run_scenario(*scenario, options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(seen, (std::vector<std::string>{"set/1", "health/2"}));
  EXPECT_TRUE(report->passed()) << report->steps[1].message;
  EXPECT_EQ(report->steps[1].journal[0]["target"], "/_cmgemu/health?at=2026-05-05T05:05:05Z");
}

TEST(ScenarioRun, NeedsAPkiOrOutputFolder) {
  Scenario scenario = load("scenarios/examples/http-clock-faults.json");
  auto report = run_scenario(scenario, RunOptions{});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(report.status().message(), "run: a PKI folder or an output folder is required");
}

}  // namespace
}  // namespace emu::harness
