#include "harness/lib/report.h"

#include <gtest/gtest.h>

namespace emu::harness {
namespace {

StepReport step(int index, std::string id, std::string name, StepStatus status, int64_t offset_ms,
                int64_t duration_ms) {
  StepReport s;
  s.index = index;
  s.id = std::move(id);
  s.name = std::move(name);
  s.action = "http";
  s.status = status;
  s.offset_ms = offset_ms;
  s.duration_ms = duration_ms;
  return s;
}

RunReport sample() {
  RunReport r;
  r.file = "scenarios/x.json";
  r.name = "x & <y>";
  r.seed = 42;
  r.start = "2026-01-01T00:00:00Z";
  r.steps.push_back(step(1, "health", "Lab is up", StepStatus::kPassed, 0, 250));
  auto failed = step(2, "check", "Check \"it\"", StepStatus::kFailed, 250, 1500);
  failed.message = "GET / -> 500; 1 expectation(s) not met";
  failed.details = {"expected /status = 200, got 500", "a <b> & 'c'\x01"};
  r.steps.push_back(failed);
  auto pending = step(3, "providers", "Register", StepStatus::kPending, 1750, 0);
  pending.message = "planned action 'arm.providers.register' is not implemented yet";
  r.steps.push_back(pending);
  auto skipped = step(4, "later", "Later", StepStatus::kSkipped, 1750, 0);
  skipped.message = "not run: step 2 (\"check\") failed";
  r.steps.push_back(skipped);
  return r;
}

TEST(Report, ConsoleLines) {
  RunReport r = sample();
  EXPECT_EQ(console_step_line(step(3, "providers", "Register resource providers",
                                   StepStatus::kPassed, 700'000, 20'000),
                              12, false),
            "[ 3/12] PASS     providers  Register resource providers  (t+00:12:00)\n");
  EXPECT_EQ(console_step_line(r.steps[1], 4, false),
            "[2/4] FAIL     check  Check \"it\"  (t+00:00:01)\n"
            "      GET / -> 500; 1 expectation(s) not met\n"
            "        expected /status = 200, got 500\n"
            "        a <b> & 'c'\x01\n");
  EXPECT_EQ(console_step_line(r.steps[2], 4, false),
            "[3/4] PENDING  providers  Register  (t+00:00:01)\n");
  EXPECT_EQ(
      console_step_line(step(10, "x", "X", StepStatus::kSkipped, 3'600'000 * 101LL, 0), 10, false),
      "[10/10] SKIP     x  X  (t+101:00:00)\n");
}

TEST(Report, ConsoleColoursOnlyWhenAsked) {
  RunReport r = sample();
  EXPECT_EQ(console_step_line(r.steps[0], 4, true),
            "[1/4] \033[32mPASS    \033[0m health  Lab is up  (t+00:00:00)\n");
  EXPECT_NE(console_step_line(r.steps[1], 4, true).find("\033[31mFAIL    \033[0m"),
            std::string::npos);
  EXPECT_NE(console_step_line(r.steps[2], 4, true).find("\033[33mPENDING \033[0m"),
            std::string::npos);
  EXPECT_NE(console_step_line(r.steps[3], 4, true).find("\033[90mSKIP    \033[0m"),
            std::string::npos);
  EXPECT_EQ(console_step_line(r.steps[0], 4, false).find('\033'), std::string::npos);
}

TEST(Report, Summary) {
  RunReport r = sample();
  EXPECT_EQ(console_summary(r, false),
            "4 steps: 1 passed, 1 failed, 1 pending, 1 skipped\nRESULT: FAIL\n");
  r.steps.erase(r.steps.begin() + 1);
  EXPECT_EQ(console_summary(r, false),
            "3 steps: 1 passed, 0 failed, 1 pending, 1 skipped\nRESULT: FAIL\n");
  r.allow_pending = true;
  EXPECT_EQ(console_summary(r, true),
            "3 steps: 1 passed, 0 failed, 1 pending, 1 skipped\nRESULT: \033[32mPASS\033[0m\n");
}

TEST(Report, PassedRule) {
  RunReport r;
  EXPECT_TRUE(r.passed());
  r.steps.push_back(step(1, "a", "A", StepStatus::kPending, 0, 0));
  EXPECT_FALSE(r.passed());
  r.allow_pending = true;
  EXPECT_TRUE(r.passed());
  r.steps.push_back(step(2, "b", "B", StepStatus::kFailed, 0, 0));
  EXPECT_FALSE(r.passed());
}

TEST(Report, XmlEscape) {
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xml_escape(std::string("t\tn\nr\r\x01\x1f z", 10)),
            "t\tn\nr\r\xEF\xBF\xBD\xEF\xBF\xBD z");
  EXPECT_EQ(xml_escape("日本"), "日本");
}

TEST(Report, JUnitXml) {
  EXPECT_EQ(junit_xml({sample()}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"cmgemu\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"2\" "
            "time=\"1.750\">\n"
            "  <testsuite name=\"x &amp; &lt;y&gt;\" tests=\"4\" failures=\"1\" errors=\"0\" "
            "skipped=\"2\" time=\"1.750\" timestamp=\"2026-01-01T00:00:00Z\" "
            "file=\"scenarios/x.json\">\n"
            "    <properties>\n"
            "      <property name=\"seed\" value=\"42\"/>\n"
            "    </properties>\n"
            "    <testcase classname=\"x &amp; &lt;y&gt;\" name=\"health Lab is up\" "
            "time=\"0.250\"/>\n"
            "    <testcase classname=\"x &amp; &lt;y&gt;\" name=\"check Check &quot;it&quot;\" "
            "time=\"1.500\">\n"
            "      <failure message=\"GET / -&gt; 500; 1 expectation(s) not met\" type=\"http\">"
            "expected /status = 200, got 500\n"
            "a &lt;b&gt; &amp; &apos;c&apos;\xEF\xBF\xBD</failure>\n"
            "    </testcase>\n"
            "    <testcase classname=\"x &amp; &lt;y&gt;\" name=\"providers Register\" "
            "time=\"0.000\">\n"
            "      <skipped message=\"pending: planned action &apos;arm.providers.register&apos; "
            "is not implemented yet\"/>\n"
            "    </testcase>\n"
            "    <testcase classname=\"x &amp; &lt;y&gt;\" name=\"later Later\" time=\"0.000\">\n"
            "      <skipped message=\"skipped: not run: step 2 (&quot;check&quot;) failed\"/>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

TEST(Report, JUnitXmlOfSeveralRunsAddsUp) {
  std::string xml = junit_xml({sample(), sample()});
  EXPECT_NE(xml.find("<testsuites name=\"cmgemu\" tests=\"8\" failures=\"2\" errors=\"0\" "
                     "skipped=\"4\" time=\"3.500\">"),
            std::string::npos);
}

}  // namespace
}  // namespace emu::harness
