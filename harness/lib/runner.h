// Scenario runner: starts a fresh Lab for a loaded scenario, runs its steps in order on the
// lab's virtual clock, checks expectations, and records a deterministic report (same scenario
// + seed => byte-identical transcript: no wall times, ports, temp paths or pointers).
#pragma once

#include "emulator/core/status.h"
#include "harness/lib/scenario.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace emu {
class ActionContext;
}
namespace emu::app {
class Lab;
}

namespace emu::harness {

enum class StepStatus { kPassed, kFailed, kPending, kSkipped };
// "passed", "failed", "pending", "skipped".
std::string_view step_status_name(StepStatus status);

struct StepReport {
  int index = 0;  // 1-based
  std::string id;
  std::string name;
  std::string action;
  StepStatus status = StepStatus::kSkipped;
  std::string message;
  std::vector<std::string> details;
  std::string start;        // virtual time when the step started (ISO 8601)
  int64_t offset_ms = 0;    // virtual start of the step relative to the run's start
  int64_t duration_ms = 0;  // virtual time the step took
  nlohmann::json journal = nlohmann::json::array();  // emu::to_json of each entry it caused
  nlohmann::json output;                             // the action's output (null if none)
};

struct RunReport {
  std::string file;  // the scenario's display name
  std::string name;
  std::string description;
  uint64_t seed = 0;
  std::string start;  // virtual start (ISO 8601)
  std::string end;    // virtual time after the last step
  bool allow_pending = false;
  std::vector<StepReport> steps;

  size_t count(StepStatus status) const;
  // True iff no step failed and (no step is pending or allow_pending).
  bool passed() const;
};

struct RunOptions {
  std::optional<uint64_t> seed;  // overrides the scenario's seed
  std::string out_dir;           // created if missing; "" = none (actions get "")
  std::string pki_dir;           // lab PKI folder; "" = "<out_dir>/pki", required if out_dir is ""
  bool allow_pending = false;
  // Where every party keeps its database: "" = in memory (a fresh lab per run); a folder =
  // resume the lab saved there (its virtual clock too, unless the scenario has a start).
  std::string state_dir;
  bool seed_lab = true;  // apply the scenario's lab section (false: the state already has it)
  // Called after each step (including skipped ones) with the step and the report so far.
  std::function<void(const StepReport&, const RunReport&)> on_step;
};

// Runs `scenario` in a new Lab (manual clock at the scenario's start, the chosen seed, the
// scenario's faults, the generic actions, planned declarations for actions no service has).
// A step whose action has no `run` is pending; an action that fails or misses an expectation
// fails its step, and the remaining steps are skipped unless it has continue_on_failure.
// Returns the report whatever the steps did; an error only if the lab cannot be set up
// (InvalidArgument for missing pki_dir, or the Lab's own error). Never throws.
Result<RunReport> run_scenario(const Scenario& scenario, const RunOptions& options);

// Runs `scenario` on `lab`, a started Lab the caller owns (the harness's generic actions
// registered, planned ones declared): adds the scenario's faults, applies its lab section
// unless options.seed_lab is false, then runs the steps as run_scenario does. Only on_step,
// allow_pending, out_dir and seed (for the report) of `options` are used. An error only for a
// fault rule or lab section the lab refuses.
Result<RunReport> run_scenario_on(app::Lab& lab, const Scenario& scenario,
                                  const RunOptions& options);

// The context scenario actions run in on `lab`: its seams, the lab section `lab_section`
// (must outlive the context) and the output folder. Values actions publish stay in vars().
std::unique_ptr<ActionContext> make_action_context(app::Lab& lab, const nlohmann::json& lab_section,
                                                   std::string out_dir);

// The report as JSON (the "cmgemu/report@1" form documented in scenarios/README.md), keys in
// a fixed, readable order.
nlohmann::ordered_json report_json(const RunReport& report);
// report_json(report).dump(2) + "\n": the byte-stable transcript.
std::string transcript(const RunReport& report);

}  // namespace emu::harness
