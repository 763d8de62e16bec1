// `cmgemu run`: loads every scenario first (so a typo fails fast, exit 2), then runs them in
// order, printing a line per step; writes the JSON transcript and JUnit XML when asked.
#include "emulator/core/actions.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/report.h"
#include "harness/lib/runner.h"
#include "harness/lib/scenario.h"

#include <fstream>
#include <iostream>
#include <unistd.h>

namespace emu::cli {
namespace {

const std::vector<FlagSpec> kRunFlags = {
    {"--seed", true, "N  seed for identifiers (overrides each scenario's)"},
    {"--out", true, "DIR  folder for the run's files (logs, tokens); created if missing"},
    {"--pki", true, "DIR  lab PKI folder (default: the user cache; keys are reused)"},
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
  const bool color = isatty(STDOUT_FILENO) != 0;

  std::vector<harness::RunReport> reports;
  bool all_passed = true;
  for (const auto& scenario : scenarios) {
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
