// `cmgemu run`: loads every scenario first (so a typo fails fast, exit 2), then runs them in
// order, printing a line per step; writes the JSON transcript and JUnit XML when asked.
#include "emulator/core/actions.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/report.h"
#include "harness/lib/runner.h"
#include "harness/lib/scenario.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace emu::cli {
namespace {

const std::vector<FlagSpec> kRunFlags = {
    {"--seed", true, "N  seed for identifiers (overrides each scenario's)"},
    {"--out", true, "DIR  folder for the run's files (logs, tokens); created if missing"},
    {"--pki", true,
     "DIR  lab PKI folder (default: <state>/pki with --state, else the user cache; keys are "
     "reused)"},
    {"--state", true,
     "DIR  keep every party's database here after the run (new or empty folder; one "
     "sub-folder per scenario when several are given)"},
    {"--report-json", true, "FILE  write the transcript (JSON; an array for several scenarios)"},
    {"--report-junit", true, "FILE  write JUnit XML for CI"},
    {"--allow-pending", false, "do not fail on steps no service implements yet"},
    {"--help", false, "show this help"},
};

int usage_error(const std::string& message) {
  std::cerr << "cmgemu run: " << message << "\nRun 'cmgemu run --help' for usage.\n";
  return 2;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// The state folder for one scenario of the run: DIR itself for a single scenario, else
// DIR/<file stem> (DIR/<file stem>-<n> for a repeated stem).
std::string state_dir_for(const std::string& root, const std::vector<harness::Scenario>& all,
                          size_t index) {
  if (root.empty() || all.size() == 1) return root;
  namespace fs = std::filesystem;
  const std::string stem = fs::path(all[index].file).stem().string();
  size_t same_before = 0;
  for (size_t i = 0; i < index; ++i)
    if (fs::path(all[i].file).stem().string() == stem) ++same_before;
  return (fs::path(root) / (same_before == 0 ? stem : stem + "-" + std::to_string(same_before + 1)))
      .string();
}

// A run builds its lab from the scenario, so its state folder must not already hold a lab.
Status check_fresh_state_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::Ok();
  if (!fs::is_directory(dir, ec)) return InvalidArgument("--state " + dir + ": not a folder");
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".db")
      return InvalidArgument("--state " + dir + ": already holds a lab (" +
                             entry.path().filename().string() +
                             "); give a new or empty folder, or use 'cmgemu serve --state' or "
                             "'cmgemu site --state' to work on a saved lab");
  return Status::Ok();
}

}  // namespace

int cmd_run(const std::vector<std::string>& raw) {
  auto args = parse_args(raw, kRunFlags);
  if (!args.ok()) return usage_error(args.status().message());
  if (args->has("--help")) {
    std::cout << "usage: cmgemu run SCENARIO... [options]\n\nRuns each scenario in a fresh lab on "
                 "a virtual clock and reports every step.\nExit status: 0 all passed, 1 a step "
                 "failed (or is pending without --allow-pending),\n2 bad usage or an invalid "
                 "scenario file.\n\noptions:\n"
              << flags_help(kRunFlags);
    return 0;
  }
  if (args->positional.empty()) return usage_error("no scenario file given");

  const ActionRegistry known = harness::scenario_action_registry();
  std::vector<harness::Scenario> scenarios;
  for (const auto& path : args->positional) {
    auto s = harness::load_scenario_file(path, known);
    if (!s.ok()) {
      std::cerr << s.status().message() << "\n";
      return 2;
    }
    scenarios.push_back(std::move(s).value());
  }

  harness::RunOptions options;
  if (args->has("--seed")) {
    auto seed = parse_u64(args->get("--seed"), "--seed");
    if (!seed.ok()) return usage_error(seed.status().message());
    options.seed = *seed;
  }
  options.out_dir = args->get("--out");
  options.pki_dir = args->get("--pki", default_pki_dir());
  options.allow_pending = args->has("--allow-pending");
  const std::string state_root = args->get("--state");
  for (size_t i = 0; i < scenarios.size(); ++i) {
    Status fresh = check_fresh_state_dir(state_dir_for(state_root, scenarios, i));
    if (!fresh.ok()) return usage_error(fresh.message());
  }
  const bool color = isatty(STDOUT_FILENO) != 0;

  std::vector<harness::RunReport> reports;
  bool all_passed = true;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const harness::Scenario& scenario = scenarios[i];
    options.state_dir = state_dir_for(state_root, scenarios, i);
    // A saved lab keeps its PKI with it, as `cmgemu site` and `cmgemu client` expect.
    if (!args->has("--pki") && !options.state_dir.empty())
      options.pki_dir = options.state_dir + "/pki";
    std::cout << "== " << scenario.file << ": " << scenario.name << "\n";
    options.on_step = [&](const harness::StepReport& step, const harness::RunReport&) {
      std::cout << harness::console_step_line(step, scenario.steps.size(), color) << std::flush;
    };
    auto report = harness::run_scenario(scenario, options);
    if (!report.ok()) {  // the lab could not be set up (PKI folder, ports)
      std::cerr << "cmgemu run: " << scenario.file << ": " << report.status().message() << "\n";
      return report.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
    }
    std::cout << harness::console_summary(*report, color);
    all_passed = all_passed && report->passed();
    reports.push_back(std::move(report).value());
  }

  if (args->has("--report-json")) {
    std::string text;
    if (reports.size() == 1) {
      text = harness::transcript(reports.front());
    } else {
      nlohmann::ordered_json all = nlohmann::ordered_json::array();
      for (const auto& r : reports) all.push_back(harness::report_json(r));
      text = all.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    }
    if (!write_text(args->get("--report-json"), text))
      return usage_error("cannot write " + args->get("--report-json"));
  }
  if (args->has("--report-junit") &&
      !write_text(args->get("--report-junit"), harness::junit_xml(reports)))
    return usage_error("cannot write " + args->get("--report-junit"));
  return all_passed ? 0 : 1;
}

}  // namespace emu::cli
