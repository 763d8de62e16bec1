// A persistent Lab (state_dir) killed with SIGKILL in a child process and created again on the
// same folder: virtual time is never lost (issue 11, Finding 4), and a lab is resumed, not
// seeded again, once a seed completed on its folder (Finding 5).
#include "emulator/app/lab.h"
#include "emulator/core/clock.h"
#include "harness/lib/http_client.h"
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <functional>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace emu {
namespace {

using nlohmann::json;
using std::chrono::hours;

app::LabOptions options_for(const test::TempDir& dir, bool realtime) {
  app::LabOptions o;
  o.state_dir = dir.file("state");
  o.pki_dir = test::shared_pki().dir;
  o.realtime_clock = realtime;
  o.start_time = "2026-01-01T00:00:00Z";  // every start passes the same command line
  return o;
}

// Runs `body` in a child process that then SIGKILLs itself (no destructor, no graceful stop).
// `body` returns false when it could not do its part; the test then fails.
::testing::AssertionResult run_then_kill(const std::function<bool()>& body) {
  pid_t pid = fork();
  if (pid < 0) return ::testing::AssertionFailure() << "fork failed";
  if (pid == 0) {
    if (!body()) _exit(3);
    raise(SIGKILL);
    _exit(4);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "child did not get to its kill (exit "
                                       << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ")";
}

std::unique_ptr<app::Lab> create(const app::LabOptions& o) {
  auto lab = app::Lab::create(o);
  EXPECT_TRUE(lab.ok()) << lab.status().to_string();
  return lab.ok() ? std::move(lab).value() : nullptr;
}

TEST(LabCrashSafety, Finding4_AdminClockAdvanceIsSavedBeforeItIsAnswered) {
  test::TempDir dir;
  const app::LabOptions o = options_for(dir, /*realtime=*/false);
  ASSERT_TRUE(run_then_kill([&] {
    auto lab = app::Lab::create(o);
    if (!lab.ok() || !(*lab)->start().ok()) return false;
    auto admin = (*lab)->endpoint("admin");
    if (!admin.ok()) return false;
    HttpCall call;
    call.method = "POST";
    call.target = "/_cmgemu/clock/advance";
    call.headers.set("Content-Type", "application/json");
    call.body = R"({"by":"PT2H"})";
    harness::HttpClientOptions client;
    client.ca_file = (*lab)->ca_path();
    auto answer = harness::send_http(*admin, call, client);
    return answer.ok() && answer->status == 200;  // acknowledged; killed right after
  }));
  auto lab = create(o);
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ(format_iso8601(lab->clock().now()), "2026-01-01T02:00:00Z");
}

TEST(LabCrashSafety, Finding4_ScenarioClockAdvanceSurvivesAKill) {
  test::TempDir dir;
  const app::LabOptions o = options_for(dir, /*realtime=*/false);
  ASSERT_TRUE(run_then_kill([&] {
    auto lab = app::Lab::create(o);
    if (!lab.ok()) return false;
    (*lab)->clock().advance(hours(2));  // as the clock.advance action does
    (*lab)->clock().advance(std::chrono::minutes(12));
    return true;
  }));
  auto lab = create(o);
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ(format_iso8601(lab->clock().now()), "2026-01-01T02:12:00Z");
}

TEST(LabCrashSafety, Finding4_RealtimeClockResumesNoEarlierThanAnyTimeSeen) {
  test::TempDir dir;
  const app::LabOptions o = options_for(dir, /*realtime=*/true);
  const std::string seen_file = dir.file("seen.txt");
  ASSERT_TRUE(run_then_kill([&] {
    auto lab = app::Lab::create(o);
    if (!lab.ok() || !(*lab)->start().ok()) return false;
    (*lab)->clock().advance(hours(2));
    // Let real time run a little over a second, reading the clock as clients do.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1300);
    TimePoint seen{};
    while (std::chrono::steady_clock::now() < until) {
      seen = (*lab)->clock().now();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    seen = (*lab)->clock().now();
    return test::write_file(seen_file, format_iso8601(seen));
  }));
  auto seen = parse_iso8601(test::read_file(seen_file));
  ASSERT_TRUE(seen.ok()) << test::read_file(seen_file);
  auto lab = create(o);
  ASSERT_NE(lab, nullptr);
  const TimePoint resumed = lab->clock().now();
  EXPECT_GE(resumed, *seen) << format_iso8601(resumed) << " < " << format_iso8601(*seen);
  EXPECT_LT(resumed, *seen + std::chrono::seconds(10));  // saved ahead by a few seconds only
}

TEST(LabCrashSafety, ExplicitStartNeverTakesASavedLabBack) {
  test::TempDir dir;
  app::LabOptions o = options_for(dir, /*realtime=*/false);
  {
    auto lab = create(o);
    ASSERT_NE(lab, nullptr);
    lab->clock().advance(hours(5));
  }
  o.start_time = "2026-01-01T03:00:00Z";  // earlier than the saved time: ignored
  {
    auto lab = create(o);
    ASSERT_NE(lab, nullptr);
    EXPECT_EQ(format_iso8601(lab->clock().now()), "2026-01-01T05:00:00Z");
  }
  o.start_time = "2026-02-01T00:00:00Z";  // later: the lab moves forward to it
  auto lab = create(o);
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ(format_iso8601(lab->clock().now()), "2026-02-01T00:00:00Z");
}

TEST(LabRestart, ResumedOnlyOnceASeedCompletedOnTheFolder) {
  test::TempDir dir;
  const app::LabOptions o = options_for(dir, /*realtime=*/false);
  const json section = {{"tenant", {{"domain", "contoso.onmicrosoft.com"}}}};
  {
    auto lab = create(o);
    ASSERT_NE(lab, nullptr);
    EXPECT_FALSE(lab->resumed());  // a new folder
  }
  {
    auto lab = create(o);  // a start that never seeded: still a new lab
    ASSERT_NE(lab, nullptr);
    EXPECT_FALSE(lab->resumed());
    ASSERT_TRUE(lab->seed(section).ok());
  }
  {
    auto lab = create(o);
    ASSERT_NE(lab, nullptr);
    EXPECT_TRUE(lab->resumed());
    EXPECT_TRUE(lab->seeded_with(section));
    EXPECT_FALSE(lab->seeded_with(json{{"tenant", {{"domain", "fabrikam.onmicrosoft.com"}}}}));
    // Seeding the saved lab again is what the old `serve` did, and what fails.
    EXPECT_FALSE(lab->seed(section).ok());
    ASSERT_TRUE(lab->reset().ok());  // an empty lab again: the next start seeds it
  }
  auto lab = create(o);
  ASSERT_NE(lab, nullptr);
  EXPECT_FALSE(lab->resumed());
  EXPECT_TRUE(lab->seed(section).ok());
}

TEST(LabRestart, ASeedThatDidNotCompleteIsRedoneFromScratch) {
  test::TempDir dir;
  const app::LabOptions o = options_for(dir, /*realtime=*/false);
  const json good = {{"tenant", {{"domain", "contoso.onmicrosoft.com"}}},
                     {"subscription",
                      {{"id", "6a1d7b8f-2c3e-4d5f-9a6b-0c9d8e7f6a51"},
                       {"name", "Lab"},
                       {"tenant", "contoso.onmicrosoft.com"}}}};
  json half = good;  // Entra ID takes its part, then ARM refuses its own: a seed cut half-way
  half["subscription"]["no_such_key"] = 1;
  ASSERT_TRUE(run_then_kill([&] {
    auto lab = app::Lab::create(o);
    return lab.ok() && !(*lab)->seed(half).ok();
  }));
  auto lab = create(o);
  ASSERT_NE(lab, nullptr);
  EXPECT_FALSE(lab->resumed());
  Status seeded = lab->seed(good);  // not "tenant ... already exists"
  EXPECT_TRUE(seeded.ok()) << seeded.to_string();
  EXPECT_TRUE(lab->seeded_with(good));
}

TEST(LabRestart, InMemoryLabIsNeverResumed) {
  app::LabOptions o;
  o.pki_dir = test::shared_pki().dir;
  auto lab = create(o);
  ASSERT_NE(lab, nullptr);
  EXPECT_FALSE(lab->resumed());
  EXPECT_FALSE(lab->seeded_with(json()));
}

}  // namespace
}  // namespace emu
