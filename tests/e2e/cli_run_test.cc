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

TEST(CliRun, SeedScenarioPassesWithTheClientsSuccessMarkers) {
  test::TempDir dir;
  Outcome o = cmgemu(dir, "run " + seed_scenario() + " --report-json " + dir.file("report.json") +
                              " --report-junit " + dir.file("report.xml") + " --out " +
                              dir.file("out") + pki_flag());
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  json report = json::parse(test::read_file(dir.file("report.json")), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << test::read_file(dir.file("report.json"));
  EXPECT_EQ(report["format"], "cmgemu/report@1");
  EXPECT_EQ(report["result"], "passed");
  EXPECT_EQ(report["summary"]["passed"], 25);
  EXPECT_EQ(report["summary"]["pending"], 0);
  ASSERT_EQ(report["steps"].size(), 25u);
  EXPECT_EQ(report["steps"][5]["id"], "create-cmg");
  EXPECT_EQ(report["steps"][17]["id"], "analyzer");
  EXPECT_EQ(report["steps"][21]["id"], "client-install");
  EXPECT_EQ(report["steps"][21]["output"]["exit_code"], 0);
  EXPECT_EQ(report["steps"][21]["output"]["approval_status"], 1);
  EXPECT_NE(o.out.find("PASS     create-cmg  Create the cloud management gateway"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("25 steps: 25 passed, 0 failed, 0 pending, 0 skipped"), std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("RESULT: PASS"), std::string::npos) << o.out;
  // The site server's logs of the run are in the output folder, in SMS trace format.
  const std::string cloudmgr = test::read_file(dir.file("out") + "/logs/site/CloudMgr.log");
  EXPECT_NE(cloudmgr.find("$$<SMS_CLOUD_SERVICES_MANAGER><01-01-2026 00:0"), std::string::npos)
      << cloudmgr;
  // The client's logs hold the seed walkthrough's three success markers, in Japan's time.
  const std::string client = dir.file("out") + "/logs/clients/client01/";
  const std::string reg = test::read_file(client + "ClientIDManagerStartup.log");
  EXPECT_NE(reg.find("Server assigned ClientID is " +
                     report["steps"][21]["output"]["client_id"].get<std::string>() +
                     ". Approval status 1]LOG]!><time=\"09:13:00.000-540\" date=\"01-01-2026\" "
                     "component=\"ClientIDManagerStartup\""),
            std::string::npos)
      << reg;
  const std::string messaging = test::read_file(client + "CcmMessaging.log");
  EXPECT_NE(messaging.find("\tHostName = \"CMG.CONTOSO.COM\";\r\n\tHRESULT = \"0x00000000\";"),
            std::string::npos)
      << messaging;
  const std::string dts = test::read_file(client + "DataTransferService.log");
  EXPECT_NE(dts.find(") - created to download from "
                     "'https://CMG.CONTOSO.COM:443/CCM_Proxy_ServerAuth/72057594037927939/SMS_MP' "
                     "to 'C:\\Windows\\CCM\\CIDownloader\\Staging'."),
            std::string::npos)
      << dts;
  EXPECT_NE(dts.find("): Job has completed: Status : SUCCESS, Start time : 01/01/2026 09:13:00, "
                     "Completion time : 01/01/2026 09:13:00, Elapsed time : 0 seconds"),
            std::string::npos)
      << dts;
}

TEST(CliRun, AFailedStepExitsOne) {
  test::TempDir dir;
  const std::string file = dir.file("fails.json");
  ASSERT_TRUE(test::write_file(file,
                               "{\"format\": \"cmgemu/scenario@1\", \"name\": \"fails\", "
                               "\"steps\": [{\"action\": \"lab.dns.resolve\", "
                               "\"args\": {\"name\": \"nowhere.contoso.com\"}}]}\n"));
  Outcome o = cmgemu(dir, "run " + file + pki_flag());
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("RESULT: FAIL"), std::string::npos) << o.out;
}

TEST(CliRun, SameSeedSameReportBytes) {
  test::TempDir dir;
  for (const char* name : {"a.json", "b.json"}) {
    Outcome o = cmgemu(
        dir, "run " + seed_scenario() + " --seed 9 --report-json " + dir.file(name) + pki_flag());
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

namespace emu {
namespace {

std::string site_lab() {
  return std::string(CMGEMU_SOURCE_DIR) + "/tests/e2e/fixtures/site-lab.json";
}

TEST(CliSite, ListsTheSiteOperations) {
  test::TempDir dir;
  Outcome o = cmgemu(dir, "site actions");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  for (const char* name : {"site.cmg.create", "site.sql", "site.bulk_token.new",
                           "site.roles.allow_cmg_traffic", "lab.dns.cname"})
    EXPECT_NE(o.out.find(name), std::string::npos) << name << "\n" << o.out;
  Outcome help = cmgemu(dir, "site cmg create --help");
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("required: signed_in_as certificate region resource_group"),
            std::string::npos)
      << help.out;
}

TEST(CliSite, BadOperationsAreUsageErrors) {
  test::TempDir dir;
  Outcome typo = cmgemu(dir, "site --state " + dir.file("s") + " cmg creat");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("unknown operation 'cmg.creat'; did you mean 'cmg.create'?"),
            std::string::npos)
      << typo.err;
  Outcome arg = cmgemu(dir, "site --state " + dir.file("s") + " cmg status cgm=x");
  EXPECT_EQ(arg.exit_code, 2);
  EXPECT_NE(arg.err.find("cgm: unknown argument of site.cmg.status; did you mean 'cmg'?"),
            std::string::npos)
      << arg.err;
  Outcome no_state = cmgemu(dir, "site sql 'SELECT 1'");
  EXPECT_EQ(no_state.exit_code, 2);
  EXPECT_NE(no_state.err.find("--state DIR is required"), std::string::npos) << no_state.err;
}

TEST(CliSite, StateFolderKeepsTheSiteBetweenCommands) {
  test::TempDir dir;
  const std::string state = " --state " + dir.file("lab") + pki_flag();
  Outcome first = cmgemu(dir, "site" + state + " --lab " + site_lab() +
                                  " client_settings set 'settings={\"Cloud Services\": "
                                  "{\"Allow access to cloud distribution point\": \"Yes\"}}'");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  Outcome query =
      cmgemu(dir, "site" + state +
                      " sql \"SELECT [Value] FROM [dbo].[vSMS_ClientSettingValues] "
                      "WHERE [SettingName] = 'Allow access to cloud distribution point'\"");
  ASSERT_EQ(query.exit_code, 0) << query.out << query.err;
  EXPECT_EQ(query.out, "Value\nYes\n(1 row affected)\n");
  // A second token's GUID differs from the first: a resumed lab draws fresh identifiers.
  Outcome a = cmgemu(dir, "site" + state + " bulkregistrationtokentool.exe /new --json");
  Outcome b = cmgemu(dir, "site" + state + " bulkregistrationtokentool.exe /new --json");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(json::parse(a.out)["guid"], json::parse(b.out)["guid"]);
  Outcome refused = cmgemu(dir, "site" + state + " bulkregistrationtokentool.exe /new /lifetime 0");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("from 1 to 10080"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace emu
