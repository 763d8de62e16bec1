// Many emulated ConfigMgr clients through one CMG: each machine trusts the lab CA and runs
// ccmsetup with a bulk token (TLS to the CMG, CCM token, site information, signed registration,
// the device's CCM token, location, policy assignments and the policy bodies through DTS),
// against an in-process lab seeded with scenarios/examples/cmg-serve-lab.json. Prints clients/s,
// CPU per client (the whole process: the lab's I/O thread and the clients) and the peak RSS.
// Clients run on THREADS threads; the lab serves them on its one I/O thread. Machines share
// 64 SMS signing keys (LabOptions::client_signing_key_pool), each with its own certificate.
// Usage: cmgemu_client_bench [CLIENTS] [THREADS]   (release build: `bash scripts/dev.sh bench`)
#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "tests/testlib/lab_io_action_context.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;
using namespace emu;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "client_bench: " << what << "\n";
  std::exit(1);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

long max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

ActionOutcome run(app::Lab& lab, ActionContext& ctx, const std::string& action, const json& args) {
  const ActionDef* def = lab.actions().find(action);
  if (def == nullptr || !def->run) die("no action " + action);
  return def->run(args, ctx);
}

}  // namespace

int main(int argc, char** argv) {
  const int clients = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  if (clients < 1 || threads < 1) die("usage: cmgemu_client_bench [CLIENTS] [THREADS]");

  std::ifstream in(std::string(CMGEMU_SOURCE_DIR) + "/scenarios/examples/cmg-serve-lab.json");
  std::stringstream text;
  text << in.rdbuf();
  const json scenario = json::parse(text.str(), nullptr, false, /*ignore_comments=*/true);
  if (!scenario.is_object()) die("cannot read scenarios/examples/cmg-serve-lab.json");

  app::LabOptions options;
  options.pki_dir = (std::filesystem::temp_directory_path() / "cmgemu-client-bench-pki").string();
  options.cmg_names = {"cmg.contoso.com"};
  options.start_time = scenario.value("start", "2026-01-01T00:00:00Z");
  options.journal_capacity = 1000;
  options.client_signing_key_pool = 64;
  if (const char* logs = std::getenv("CMGEMU_BENCH_LOGS")) options.logs_dir = logs;
  auto created = app::Lab::create(options);
  if (!created.ok()) die("lab: " + created.status().to_string());
  app::Lab& lab = **created;
  if (Status s = lab.start(); !s.ok()) die("start: " + s.to_string());
  if (Status s = lab.seed(scenario["lab"]); !s.ok()) die("seed: " + s.to_string());
  test::LabIoActionContext ctx(lab);
  ActionOutcome bulk = run(lab, ctx, "site.bulk_token.new", {{"lifetime_minutes", 4320}});
  if (bulk.kind != ActionOutcome::Kind::kPassed) die("bulk token: " + bulk.message);
  const std::string line =
      "ccmsetup.exe /NoCRLCheck SMSSITECODE=P01 "
      "CCMHOSTNAME=cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939 /regtoken:" +
      bulk.output["token"].get<std::string>() + " CCMALWAYSINF=1";

  // Machines first (not timed), and one warm-up install that makes the pool's keys.
  for (int i = 0; i <= clients; ++i) {
    const std::string name = "BENCH" + std::to_string(i);
    if (run(lab, ctx, "client.add", {{"name", name}}).kind != ActionOutcome::Kind::kPassed ||
        run(lab, ctx, "client.install_root_ca",
            {{"client", name}, {"certificate", "cmgemu-lab-root-ca.pem"}})
                .kind != ActionOutcome::Kind::kPassed)
      die("machine " + name);
  }
  auto install = [&](int i) {
    test::LabIoActionContext own(lab);
    ActionOutcome r = run(
        lab, own, "client.ccmsetup",
        {{"client", "BENCH" + std::to_string(i)}, {"command_line", line}, {"wait_for", "policy"}});
    if (r.kind != ActionOutcome::Kind::kPassed)
      die("client " + std::to_string(i) + ": " + r.message);
  };
  install(clients);  // warm-up
  const long rss_before = max_rss_kib();
  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = next++; i < clients; i = next++) install(i);
    });
  for (auto& t : pool) t.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  std::printf(
      "%d clients on %d threads: %.2f s, %.0f clients/s, %.2f ms CPU per client, "
      "peak RSS %.0f MiB (%.0f MiB before the run)\n",
      clients, threads, wall, clients / wall, cpu * 1e3 / clients, max_rss_kib() / 1024.0,
      rss_before / 1024.0);
  lab.stop();
  return 0;
}
