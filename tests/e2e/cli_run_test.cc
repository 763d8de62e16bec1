// `cmgemu run` as a user runs it: exit codes (0 pass, 1 fail, 2 bad input), the JSON and JUnit
// reports, and load errors that name file, line, step and a suggestion.
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <sys/wait.h>

namespace emu {
namespace {

using nlohmann::json;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `cmgemu <args>` (args are shell words without quotes needing escapes).
Outcome cmgemu(const test::TempDir& dir, const std::string& args) {
  const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
  const std::string command =
      std::string(CMGEMU_BINARY) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  int raw = std::system(command.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = test::read_file(out);
  o.err = test::read_file(err);
  return o;
}

std::string seed_scenario() {
  return std::string(CMGEMU_SOURCE_DIR) + "/scenarios/lab-site-token.json";
}
std::string pki_flag() { return " --pki " + test::shared_pki().dir; }

TEST(CliRun, AllowPendingPassesAndReportsPendingSteps) {
  test::TempDir dir;
  Outcome o = cmgemu(dir, "run " + seed_scenario() + " --allow-pending --report-json " +
                              dir.file("report.json") + " --report-junit " +
                              dir.file("report.xml") + pki_flag());
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  json report = json::parse(test::read_file(dir.file("report.json")), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << test::read_file(dir.file("report.json"));
  EXPECT_EQ(report["format"], "cmgemu/report@1");
  EXPECT_EQ(report["result"], "passed");
  EXPECT_EQ(report["summary"]["passed"], 2);
  EXPECT_EQ(report["summary"]["pending"], 14);
  ASSERT_EQ(report["steps"].size(), 16u);
  EXPECT_EQ(report["steps"][0]["status"], "passed");
  EXPECT_EQ(report["steps"][1]["id"], "providers");
  EXPECT_EQ(report["steps"][1]["status"], "passed");
  EXPECT_EQ(report["steps"][2]["id"], "client-settings");
  EXPECT_EQ(report["steps"][2]["status"], "pending");
  EXPECT_NE(o.out.find("PENDING  client-settings  Default client settings"), std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("16 steps: 2 passed, 0 failed, 14 pending, 0 skipped"), std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("RESULT: PASS"), std::string::npos) << o.out;
  const std::string xml = test::read_file(dir.file("report.xml"));
  EXPECT_NE(xml.find("<skipped message=\"pending: planned action &apos;site.client_settings.set"),
            std::string::npos)
      << xml;
}

TEST(CliRun, PendingStepsFailWithoutAllowPending) {
  test::TempDir dir;
  Outcome o = cmgemu(dir, "run " + seed_scenario() + pki_flag());
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("RESULT: FAIL"), std::string::npos) << o.out;
}

TEST(CliRun, SameSeedSameReportBytes) {
  test::TempDir dir;
  for (const char* name : {"a.json", "b.json"}) {
    Outcome o = cmgemu(dir, "run " + seed_scenario() + " --seed 9 --allow-pending --report-json " +
                                dir.file(name) + pki_flag());
    ASSERT_EQ(o.exit_code, 0) << o.err;
  }
  const std::string a = test::read_file(dir.file("a.json"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, test::read_file(dir.file("b.json")));
  EXPECT_EQ(json::parse(a)["seed"], 9);
}

TEST(CliRun, MisspeltActionIsALoadErrorWithSuggestion) {
  test::TempDir dir;
  const std::string file = dir.file("typo.json");
  ASSERT_TRUE(test::write_file(
      file,
      "{\n"
      "  \"format\": \"cmgemu/scenario@1\",\n"
      "  \"name\": \"typo\",\n"
      "  \"steps\": [\n"
      "    {\"id\": \"wait\", \"action\": \"clock.advance\", \"args\": {\"by\": \"1m\"}},\n"
      "    {\"id\": \"clear\", \"action\": \"fault.clear\"},\n"
      "    {\"id\": \"register\",\n"
      "     \"action\": \"arm.provider.register\",\n"
      "     \"args\": {\"namespaces\": [\"Microsoft.Compute\"]}}\n"
      "  ]\n"
      "}\n"));
  Outcome o = cmgemu(dir, "run " + file + pki_flag());
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find(file + ":8: step 3 (\"register\"): action: unknown action "
                              "'arm.provider.register'; did you mean 'arm.providers.register'?"),
            std::string::npos)
      << o.err;
}

TEST(CliRun, MissingScenarioFileIsBadInput) {
  test::TempDir dir;
  Outcome o = cmgemu(dir, "run " + dir.file("absent.json") + pki_flag());
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find(dir.file("absent.json")), std::string::npos) << o.err;
}

}  // namespace
}  // namespace emu
