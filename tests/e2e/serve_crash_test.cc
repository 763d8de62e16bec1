// `cmgemu serve --state DIR --lab FILE` as a user runs it, restarted with the same command line:
// after a graceful stop (Finding 5 of issue 11: the second start refused the saved lab) and
// after SIGKILL under write load (Finding 4: virtual time went back, acknowledged deployments
// stayed Running). Every acknowledged write (a 2xx the client received) must be there after the
// restart, the clock must be at or after every time a client saw, a token issued before the
// kill must still be accepted, and a deployment acknowledged before the kill must complete.
#include "emulator/app/lab.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "harness/lib/http_client.h"
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char** environ;

namespace emu {
namespace {

using nlohmann::json;

constexpr const char* kTenant = "72f988bf-0000-4000-8000-0000000c4a5e";
constexpr const char* kAppId = "44444444-5555-4666-8777-888888888888";
constexpr const char* kSecret = "crash-s3cret";
constexpr const char* kSub = "6a1d7b8f-2c3e-4d5f-9a6b-0c9d8e7f6a51";

std::string lab_file() {
  return std::string(CMGEMU_SOURCE_DIR) + "/tests/e2e/fixtures/crash-lab.json";
}

// One `cmgemu serve` process and the endpoints of its ready file.
class Served {
 public:
  // The command line every start uses (the same each time, as a user restarts a lab).
  explicit Served(const test::TempDir& dir)
      : argv_{CMGEMU_BINARY,  "serve",
              "--state",      dir.file("state"),
              "--lab",        lab_file(),
              "--pki",        test::shared_pki().dir,
              "--ready-file", dir.file("ready.json")},
        ready_(dir.file("ready.json")),
        log_(dir.file("serve.log")) {}
  ~Served() {
    if (pid_ > 0) kill_now();
  }

  // Starts the process and waits for its ready file (written once every listener accepts).
  ::testing::AssertionResult start() {
    if (auto spawned = spawn(); !spawned) return spawned;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return ::testing::AssertionFailure()
               << "serve exited (" << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
               << ") before it was ready:\n"
               << test::read_file(log_);
      }
      if (std::filesystem::exists(ready_)) return read_ready();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling, not a fixed wait
    }
    return ::testing::AssertionFailure() << "serve not ready in 60 s:\n" << test::read_file(log_);
  }

  // Starts the process without waiting for it.
  ::testing::AssertionResult spawn() {
    std::filesystem::remove(ready_);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> argv;
    for (auto& a : argv_) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return ::testing::AssertionFailure() << "posix_spawn: " << rc;
    return ::testing::AssertionSuccess();
  }

  void kill_now() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // SIGTERM; the exit code.
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // One request on a fresh connection; status 0 when it got no answer.
  HttpExchange send(const std::string& endpoint, const std::string& method,
                    const std::string& target, const std::string& body = "",
                    const std::string& bearer = "",
                    const std::string& content_type = "application/json") const {
    HttpCall call;
    call.method = method;
    call.target = target;
    if (!bearer.empty()) call.headers.set("Authorization", "Bearer " + bearer);
    if (!body.empty()) {
      call.headers.set("Content-Type", content_type);
      call.body = body;
    }
    harness::HttpClientOptions options;
    options.ca_file = ca_;
    options.timeout = std::chrono::milliseconds(20'000);
    auto it = endpoints_.find(endpoint);
    if (it == endpoints_.end()) return {};
    auto x = harness::send_http(it->second, call, options);
    return x.ok() ? *x : HttpExchange{};
  }

  // A v1 client-credentials token for ARM ("" when refused).
  std::string token() const {
    HttpExchange x = send("aad", "POST", std::string("/") + kTenant + "/oauth2/token",
                          std::string("grant_type=client_credentials&client_id=") + kAppId +
                              "&client_secret=" + kSecret +
                              "&resource=" + http::url_encode("https://management.azure.com/"),
                          "", "application/x-www-form-urlencoded");
    if (x.status != 200) return "";
    return json::parse(x.body, nullptr, false).value("access_token", "");
  }

  // The virtual time the admin API reports (epoch when it does not answer).
  TimePoint clock() const { return clock_of(send("admin", "GET", "/_cmgemu/clock")); }

  static TimePoint clock_of(const HttpExchange& x) {
    json j = json::parse(x.body, nullptr, false);
    if (x.status != 200 || !j.is_object() || !j["now"].is_string()) return TimePoint{};
    auto t = parse_iso8601(j["now"].get<std::string>());
    return t.ok() ? *t : TimePoint{};
  }

  std::string log() const { return test::read_file(log_); }

 private:
  ::testing::AssertionResult read_ready() {
    json j = json::parse(test::read_file(ready_), nullptr, false);
    if (!j.is_object() || !j["endpoints"].is_object())
      return ::testing::AssertionFailure() << "bad ready file: " << test::read_file(ready_);
    ca_ = j.value("ca", "");
    endpoints_.clear();
    for (const auto& [name, e] : j["endpoints"].items()) {
      // "https://127.0.0.1:41234"
      const std::string url = e.value("url", "");
      const auto scheme_end = url.find("://");
      const auto colon = url.rfind(':');
      app::Endpoint ep;
      ep.name = name;
      ep.scheme = url.substr(0, scheme_end);
      ep.host = e.value("host", "");
      ep.address = url.substr(scheme_end + 3, colon - scheme_end - 3);
      ep.port = static_cast<uint16_t>(std::stoi(url.substr(colon + 1)));
      endpoints_[name] = ep;
    }
    return ::testing::AssertionSuccess();
  }

  std::vector<std::string> argv_;
  std::string ready_, log_;
  pid_t pid_ = -1;
  std::string ca_;
  std::map<std::string, app::Endpoint> endpoints_;
};

std::string arm_path(const std::string& path, const char* api = "2021-04-01") {
  return std::string("/subscriptions/") + kSub + path + "?api-version=" + api;
}

// Names of the `value` array of an ARM list reply.
std::set<std::string> names_of(const HttpExchange& x) {
  std::set<std::string> names;
  json j = json::parse(x.body, nullptr, false);
  if (j.is_object() && j["value"].is_array())
    for (const auto& v : j["value"]) names.insert(v.value("name", ""));
  return names;
}

std::string provisioning_state(const HttpExchange& x) {
  json j = json::parse(x.body, nullptr, false);
  if (!j.is_object() || !j["properties"].is_object()) return "";
  return j["properties"].value("provisioningState", "");
}

json storage_template(const std::string& account) {
  return {{"properties",
           {{"mode", "Incremental"},
            {"template",
             {{"$schema",
               "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
              {"contentVersion", "1.0.0.0"},
              {"resources",
               {{{"type", "Microsoft.Storage/storageAccounts"},
                 {"apiVersion", "2022-09-01"},
                 {"name", account},
                 {"location", "japaneast"},
                 {"sku", {{"name", "Standard_LRS"}}},
                 {"kind", "StorageV2"}}}}}}}}};
}

TEST(ServeRestart, Finding5_SameCommandLineTwiceResumesTheSavedLab) {
  test::TempDir dir;
  Served lab(dir);
  ASSERT_TRUE(lab.start());
  const std::string token = lab.token();
  ASSERT_FALSE(token.empty()) << lab.log();
  HttpExchange put = lab.send("arm", "PUT", arm_path("/resourcegroups/kept-rg"),
                              json{{"location", "japaneast"}}.dump(), token);
  ASSERT_EQ(put.status, 201) << put.body;
  ASSERT_EQ(lab.stop(), 0) << lab.log();

  // The same command line: the saved lab resumes (the lab file is not applied again).
  ASSERT_TRUE(lab.start());
  EXPECT_NE(lab.log().find("--lab " + lab_file() + " not applied: it seeds only a new state"),
            std::string::npos)
      << lab.log();
  HttpExchange got = lab.send("arm", "GET", arm_path("/resourcegroups/kept-rg"), "", lab.token());
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(lab.stop(), 0) << lab.log();
}

// What a writer got acknowledged (2xx received) before the kill.
struct Acked {
  std::mutex mu;
  std::vector<std::string> groups;
  std::vector<std::string> accounts;
  std::string token;       // the last token issued
  TimePoint max_clock{};   // the latest virtual time any reply showed
  int count = 0;           // acknowledged writes of this round
  std::string unexpected;  // a non-2xx before the kill (a defect, not the kill)
};

// Writes until `killed`: resource groups, storage accounts in load-rg, tokens, clock advances.
void write_load(const Served& lab, int round, const std::atomic<bool>& killed, Acked& acked) {
  for (int j = 0; !killed; ++j) {
    HttpExchange x;
    std::string name;
    switch (j % 4) {
      case 0: {
        std::string t = lab.token();
        if (!t.empty()) {
          std::lock_guard lock(acked.mu);
          acked.token = t;
          ++acked.count;
          continue;
        }
        x.status = 0;
        break;
      }
      case 1:
        name = "rg-" + std::to_string(round) + "-" + std::to_string(j);
        x = lab.send("arm", "PUT", arm_path("/resourcegroups/" + name),
                     json{{"location", "japaneast"}}.dump(), acked.token);
        break;
      case 2:
        name = "st" + std::to_string(round) + "x" + std::to_string(j);
        x = lab.send("arm", "PUT",
                     arm_path("/resourceGroups/load-rg/providers/Microsoft.Storage/"
                              "storageAccounts/" +
                                  name,
                              "2022-09-01"),
                     json{{"location", "japaneast"},
                          {"sku", {{"name", "Standard_LRS"}}},
                          {"kind", "StorageV2"}}
                         .dump(),
                     acked.token);
        break;
      case 3:
        x = lab.send("admin", "POST", "/_cmgemu/clock/advance", json{{"by", "PT1M"}}.dump());
        break;
    }
    std::lock_guard lock(acked.mu);
    if (x.status >= 200 && x.status < 300) {
      ++acked.count;
      if (j % 4 == 1) acked.groups.push_back(name);
      if (j % 4 == 2) acked.accounts.push_back(name);
      if (j % 4 == 3) acked.max_clock = std::max(acked.max_clock, Served::clock_of(x));
    } else if (!killed && acked.unexpected.empty()) {
      acked.unexpected =
          "write " + std::to_string(j) + ": " + std::to_string(x.status) + " " + x.body;
    }
  }
}

TEST(ServeCrashSafety, Finding4_KillNineUnderWriteLoadLosesNoTimeAndNoAcknowledgedWrite) {
  test::TempDir dir;
  Served lab(dir);
  // Killed while starting (creating the databases, seeding, binding; the points vary with the
  // machine's speed): a start that did not finish its seed leaves a new lab, seeded next time.
  for (int ms : {0, 200, 400}) {
    ASSERT_TRUE(lab.spawn());
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));  // the kill point, not readiness
    lab.kill_now();
  }
  ASSERT_TRUE(lab.start());
  std::vector<std::string> groups, accounts;  // acknowledged in earlier rounds
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Acked acked;
    acked.token = lab.token();
    ASSERT_FALSE(acked.token.empty()) << lab.log();
    // A long-running deployment (one virtual day), acknowledged before the kill.
    const std::string deployment = "dep-" + std::to_string(round);
    HttpExchange dep = lab.send(
        "arm", "PUT",
        arm_path("/resourcegroups/load-rg/providers/Microsoft.Resources/deployments/" + deployment),
        storage_template("dep" + std::to_string(round) + "st").dump(), acked.token);
    ASSERT_EQ(dep.status, 201) << dep.body;
    acked.max_clock = lab.clock();

    // Kill at a different point each round: after 0 to 18 acknowledged writes, mid-stream.
    const int kill_after = (round * 7) % 19;
    std::atomic<bool> killed{false};
    std::thread writer([&] { write_load(lab, round, killed, acked); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(acked.mu);
        if (acked.count >= kill_after || !acked.unexpected.empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    TimePoint seen = lab.clock();  // the last time a client saw before the kill
    killed = true;
    lab.kill_now();
    writer.join();
    ASSERT_TRUE(acked.unexpected.empty()) << acked.unexpected;
    seen = std::max(seen, acked.max_clock);
    groups.insert(groups.end(), acked.groups.begin(), acked.groups.end());
    accounts.insert(accounts.end(), acked.accounts.begin(), acked.accounts.end());

    ASSERT_TRUE(lab.start());  // the same command line
    const TimePoint resumed = lab.clock();
    EXPECT_GE(resumed, seen) << "virtual clock went back: " << format_iso8601(resumed) << " < "
                             << format_iso8601(seen);
    // The token issued last before the kill is still valid (not "not yet valid").
    HttpExchange sub = lab.send("arm", "GET", arm_path(""), "", acked.token);
    EXPECT_EQ(sub.status, 200) << sub.body;
    const std::string token = lab.token();
    ASSERT_FALSE(token.empty()) << lab.log();
    std::set<std::string> have_groups =
        names_of(lab.send("arm", "GET", arm_path("/resourcegroups"), "", token));
    for (const auto& g : groups) EXPECT_EQ(have_groups.count(g), 1u) << "lost group " << g;
    std::set<std::string> have_accounts = names_of(
        lab.send("arm", "GET",
                 arm_path("/resourceGroups/load-rg/providers/Microsoft.Storage/storageAccounts",
                          "2022-09-01"),
                 "", token));
    for (const auto& a : accounts) EXPECT_EQ(have_accounts.count(a), 1u) << "lost account " << a;

    // The deployment is still in flight and completes on its schedule after the restart.
    const std::string dep_path =
        arm_path("/resourcegroups/load-rg/providers/Microsoft.Resources/deployments/" + deployment);
    HttpExchange before = lab.send("arm", "GET", dep_path, "", token);
    EXPECT_EQ(before.status, 200) << before.body;
    EXPECT_TRUE(provisioning_state(before) == "Running" || provisioning_state(before) == "Accepted")
        << before.body;
    HttpExchange advanced =
        lab.send("admin", "POST", "/_cmgemu/clock/advance", json{{"by", "P1DT1H"}}.dump());
    ASSERT_EQ(advanced.status, 200) << advanced.body;
    HttpExchange after = lab.send("arm", "GET", dep_path, "", lab.token());  // a day later
    EXPECT_EQ(provisioning_state(after), "Succeeded") << after.body;
    if (HasFailure()) break;
  }
  // The rounds did write: 87 acknowledged writes are awaited over the ten kills, about half of
  // them groups and accounts.
  EXPECT_GE(groups.size() + accounts.size(), 30u);
  EXPECT_EQ(lab.stop(), 0) << lab.log();
}

}  // namespace
}  // namespace emu
